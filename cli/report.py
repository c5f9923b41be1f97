"""``mediation report annual YEAR`` (the year-end totals for the annual rule-of-law report),
``report month``, ``report quarter`` and ``report period``: the same totals for any period."""

from __future__ import annotations

import click

from cli.output import PAPER_OPTION, dump_json, json_option
from cli.i18n import _

FORMATS = ("table", "json", "csv", "xlsx", "md", "docx")


def _formats(f):
    """The options every report shares: where, in which format."""
    f = json_option(f)
    f = click.option("--encoding", type=click.Choice(["utf-8", "gbk"]), default="utf-8", show_default=True,
                     help="A CSV file's encoding: UTF-8 with the byte-order mark Chinese Excel expects, or GBK.")(f)
    f = click.option("--out", type=click.Path(dir_okay=False, writable=True),
                     help="Write to this file instead of stdout.")(f)
    f = click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)(f)
    # Who answers for the filed copy (docx and xlsx): 填报单位(盖章), 负责人, 填表人, 联系电话, 填报日期.
    f = PAPER_OPTION(f)
    f = click.option("--dated", metavar="DATE", help="填报日期 (default: today).")(f)
    f = click.option("--phone", help="联系电话 (default: paper.toml's phone).")(f)
    f = click.option("--filler", help="填表人 (default: paper.toml's clerk, else the acting user).")(f)
    f = click.option("--head", help="负责人 (default: paper.toml's head).")(f)
    f = click.option("--unit", help="填报单位 (default: paper.toml's office, else the town's 人民政府).")(f)
    return click.option("--town", help="The town (default: yours, or the only one).")(f)


def _signed(fn):
    """The sign-off options gathered into one value for ``emit``."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, unit, head, filler, phone, dated, paper_folder, **kwargs):
        kwargs["signed"] = dict(unit=unit, head=head, filler=filler, phone=phone, dated=dated,
                                paper_folder=paper_folder)
        return fn(*args, **kwargs)

    return wrapper


@click.group()
def report():
    """Reports for the town office: year-end totals, and the same for a month, a quarter or any period."""


@report.command("annual")
@click.argument("year", type=int)
@click.option("--as-of", "as_of", metavar="DATE", help="Count only what happened up to this date "
              "(default: the year's last day, or today for the current year).")
@_formats
@click.pass_obj
@_signed
def annual(app, year, as_of, town, fmt, out, encoding, as_json, signed):
    """Year-end totals: disputes, petitions, 行政调解/复议/应诉, screening, correction subjects.

    \b
    Example:
      mediation report annual 2021
      mediation report annual 2021 --as-of 2021-11-30 --format xlsx --out totals.xlsx
      mediation report annual 2021 --format docx --out 2021年度统计.docx
    """
    from mediation import report as service

    _needs_file(fmt, out, as_json)
    day = None
    if as_of:
        from mediation.timeutil import local_date, parse_at
        day = local_date(parse_at(as_of).at)
    emit(app, service.annual(app.db, year=year, as_of=day, town=town), fmt, out, encoding, as_json, signed)


@report.command("month")
@click.argument("month")
@_formats
@click.pass_obj
@_signed
def month_report(app, month, town, fmt, out, encoding, as_json, signed):
    """A month's totals (月报), counted as the annual report counts: 2021-03 or 2021年3月; the
    current month up to today. The twelve months' counts add up to the year's.

    \b
    Example:
      mediation report month 2021-03
      mediation report month 2021年3月 --format xlsx --out 3月.xlsx
    """
    from mediation import report as service

    _needs_file(fmt, out, as_json)
    emit(app, service.month(app.db, month=month, town=town), fmt, out, encoding, as_json, signed)


@report.command("quarter")
@click.argument("quarter")
@_formats
@click.pass_obj
@_signed
def quarter_report(app, quarter, town, fmt, out, encoding, as_json, signed):
    """A quarter's totals (季报): 2021Q1 or 2021年第一季度; the current quarter up to today.

    \b
    Example:
      mediation report quarter 2021Q1
    """
    from mediation import report as service

    _needs_file(fmt, out, as_json)
    emit(app, service.quarter(app.db, quarter=quarter, town=town), fmt, out, encoding, as_json, signed)


@report.command("period")
@click.option("--from", "first", metavar="DATE", required=True, help="The period's first day.")
@click.option("--to", "last", metavar="DATE", required=True, help="Its last day (counted whole).")
@_formats
@click.pass_obj
@_signed
def period_report(app, first, last, town, fmt, out, encoding, as_json, signed):
    """The totals of any range of days, counted as the annual report counts.

    \b
    Example:
      mediation report period --from 2021-03-05 --to 2021-04-04
    """
    from mediation import report as service
    from mediation.timeutil import local_date, parse_at

    _needs_file(fmt, out, as_json)
    r = service.period(app.db, first=local_date(parse_at(first).at), last=local_date(parse_at(last).at), town=town)
    emit(app, r, fmt, out, encoding, as_json, signed)


def _needs_file(fmt: str, out: str | None, as_json: bool) -> None:
    if fmt in ("xlsx", "docx") and not out and not as_json:
        said = (_("{option} needs {out} (a workbook is not text).") if fmt == "xlsx"
                else _("{option} needs {out} (a document is not text)."))
        raise click.UsageError(said.format(option=f"--format {fmt}", out="--out FILE"))


def emit(app, r, fmt: str, out: str | None, encoding: str, as_json: bool, signed: dict | None = None) -> None:
    """A report in its format, to ``out`` or stdout; the paper formats with their sign-off."""
    fmt = "json" if as_json else fmt
    if fmt in ("xlsx", "docx"):
        from mediation import paper
        from mediation.documents import Signoff
        from mediation.timeutil import local_date, parse_at

        signed = dict(signed or {})
        settings = paper.settings(signed.pop("paper_folder", None))
        dated = signed.pop("dated", None)
        signoff = Signoff.of(r.town, settings, dated=local_date(parse_at(dated).at) if dated else None,
                             actor=app.actor, **signed)
        if fmt == "xlsx":
            from mediation.report_formats import write_xlsx
            write_xlsx(r, out, signoff=signoff)
        else:
            from mediation.documents import annual_report
            annual_report(r, out, signoff=signoff, settings=settings)
        return click.echo(_("wrote {path}").format(path=out), err=True)
    if fmt == "table":
        if out:
            from rich.console import Console
            with open(out, "w", encoding="utf-8") as fh:
                render(Console(file=fh, width=100, markup=False, highlight=False, emoji=False, no_color=True), r)
            return click.echo(_("wrote {path}").format(path=out), err=True)
        return render(app.display.console, r)
    if fmt == "json":
        text = None
        if not out:
            return dump_json(r)
        import json
        from cli.output import jsonable
        text = json.dumps(jsonable(r), ensure_ascii=False, indent=2) + "\n"
    else:
        from mediation import report_formats
        text = report_formats.to_csv(r) if fmt == "csv" else report_formats.to_markdown(r)
    if out:
        # Excel opens a CSV as the local code page unless it starts with a byte-order mark.
        file_encoding = ("utf-8-sig" if encoding == "utf-8" else "gbk") if fmt == "csv" else "utf-8"
        data = text.encode(file_encoding)  # before the file is opened: a refusal leaves none behind
        with open(out, "wb") as fh:
            fh.write(data)
        click.echo(_("wrote {path}").format(path=out), err=True)
    else:
        click.echo(text, nl=False)


def render(console, r) -> None:
    """The report as rich tables, readable at 80 columns, in the words every other format
    uses (``report_formats.sections``)."""
    from rich import box
    from rich.table import Table

    from mediation.report_formats import sections

    def table(title, *cols):
        t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        for c in cols:
            if c == "数值":  # a figure, or a rule in words that may run onto a second line
                t.add_column(c, justify="right", overflow="fold")
            else:
                t.add_column(c, no_wrap=True, justify="right" if c == "件数" else "left")
        return t

    console.print(f"{r.town} {r.heading}统计  (截止 {r.as_of})")
    for title, rows in sections(r):
        if title in ("纠纷分类", "各村(社区)"):  # many short rows: three to a line
            t = table(title, *(["", "件数"] * 3))
            pairs = [(row.label, row.shown()) for row in rows]
            for i in range(0, len(pairs), 3):
                cells = [x for pair in pairs[i:i + 3] for x in pair]
                t.add_row(*(cells + [""] * (6 - len(cells))))
        else:
            t = table(title, "指标", "数值")
            for row in rows:
                t.add_row(row.label, row.shown())
        console.print(t)
    from cli.output import wrap_cjk

    for line in wrap_cjk(r.summary_zh, console.width):  # broken after punctuation, never inside a number
        console.print(line, soft_wrap=True)
