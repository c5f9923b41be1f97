"""``mediation report annual YEAR``: the year-end totals for the annual rule-of-law report."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option

FORMATS = ("table", "json", "csv", "xlsx", "md")


@click.group()
def report():
    """Reports for the town office (year-end totals)."""


@report.command("annual")
@click.argument("year", type=int)
@click.option("--as-of", "as_of", metavar="DATE", help="Count only what happened up to this date "
              "(default: the year's last day, or today for the current year).")
@click.option("--town", help="The town (default: the only one).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file instead of stdout.")
@click.option("--encoding", type=click.Choice(["utf-8", "gbk"]), default="utf-8", show_default=True,
              help="A CSV file's encoding: UTF-8 with the byte-order mark Chinese Excel expects, or GBK.")
@json_option
@click.pass_obj
def annual(app, year, as_of, town, fmt, out, encoding, as_json):
    """Year-end totals: disputes, petitions, 行政调解/复议/应诉, screening, correction subjects.

    \b
    Example:
      mediation report annual 2021
      mediation report annual 2021 --as-of 2021-11-30 --format xlsx --out totals.xlsx
    """
    from mediation import report as service

    fmt = "json" if as_json else fmt
    if fmt == "xlsx" and not out:
        raise click.UsageError("--format xlsx needs --out FILE (a workbook is not text).")
    day = None
    if as_of:
        from mediation.timeutil import local_date, parse_at
        day = local_date(parse_at(as_of).at)
    r = service.annual(app.db, year=year, as_of=day, town=town)
    if fmt == "xlsx":
        from mediation.report_formats import write_xlsx
        write_xlsx(r, out)
        return click.echo(f"wrote {out}", err=True)
    if fmt == "table":
        if out:
            from rich.console import Console
            with open(out, "w", encoding="utf-8") as fh:
                render(Console(file=fh, width=100, markup=False, highlight=False, emoji=False, no_color=True), r)
            return click.echo(f"wrote {out}", err=True)
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
        try:
            data = text.encode(file_encoding)
        except UnicodeEncodeError as exc:
            raise click.ClickException(f"'{exc.object[exc.start:exc.end]}' 无法用 GBK 编码 / cannot be written in GBK: "
                                       "use --encoding utf-8") from None
        with open(out, "wb") as fh:
            fh.write(data)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(text, nl=False)


def render(console, r) -> None:
    """The report as rich tables, readable at 80 columns."""
    from rich import box
    from rich.table import Table

    from workflows.config import CHANNELS

    def table(title, *cols):
        t = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", pad_edge=False)
        for c in cols:
            t.add_column(c, overflow="fold")
        return t

    d, p, s, c = r.disputes, r.petitions, r.screening, r.corrections
    console.print(f"{r.town} {r.year} 年度统计  (截止 as of {r.as_of})")
    t = table("矛盾纠纷 disputes", "指标", "数值")
    for label, value in [
        ("登记 registered", d["registered"]), ("调解成功 resolved", d["resolved"]),
        ("调解成功率 success rate", f"{d['success_rate'] * 100:.2f}%"),
        ("各线调结 by line (村/镇/县)", " / ".join(str(d["resolved_by_line"][k]) for k in ("1", "2", "3"))),
        ("上报 escalated", d["escalated"]), ("分流 redirected", d["redirected"]), ("调解不成 terminated", d["terminated"]),
        ("拒绝调解 declined", d["declined"]), ("反复 reopened", d["reopened"]), ("在办 open", d["open"]),
        ("书面/口头协议 written/oral", f"{d['agreements']['written']} / {d['agreements']['oral']}"),
        ("协议金额 amount (元)", d["agreements"]["amount"]), ("司法确认 confirmed", d["judicial_confirmations"]),
        ("行政调解 administrative mediation", r.administrative_mediation),
        ("行政复议 reconsideration", r.administrative_reconsideration),
        ("行政应诉 litigation", r.administrative_litigation),
    ]:
        t.add_row(label, str(value))
    console.print(t)
    for title, items in (("分类 by type", d["by_type"]), ("各村 by village", d["by_village"])):
        t = table(title, *(["", "件数"] * 3))
        pairs = [(k, str(n)) for k, n in items.items()]
        for i in range(0, len(pairs), 3):
            row = [x for pair in pairs[i:i + 3] for x in pair]
            t.add_row(*(row + [""] * (6 - len(row))))
        console.print(t)
    t = table("信访 petitions", "指标", "数值")
    routed = ", ".join(f"{CHANNELS[k]} {n}" for k, n in p["redirected"].items() if n) or "0"
    for label, value in [("收到 received", p["received"]), ("初信初访 first time", p["first_time"]),
                         ("受理 accepted", p["accepted"]), ("导入法定途径 redirected", routed),
                         ("转送 transferred", p["transferred"]), ("不予受理 not accepted", p["not_accepted"]),
                         ("多人走访 group visits", p["representatives_groups"]), ("办结 closed", p["closed"])]:
        t.add_row(label, str(value))
    console.print(t)
    t = table("四网排查 screening", "指标", "数值")
    for label, value in [("排查 rounds", s["rounds"]),
                         ("方式 by mode", ", ".join(f"{k} {n}" for k, n in s["by_mode"].items())),
                         ("发现纠纷 found", s["disputes_found"]), ("防止 prevented", s["disputes_prevented"]),
                         ("零上报 zero reports", s["zero_reports"])]:
        t.add_row(label, str(value))
    console.print(t)
    t = table("社区矫正/安置帮教 subjects", "指标", "数值")
    for label, value in [("对象 subjects", c["subjects"]), ("就业创业 employed", c["employed"]),
                         ("创业就业率 rate", c["employment_rate"]), ("规则 rule", c["rule"])]:
        t.add_row(label, str(value))
    console.print(t)
    console.print(r.summary_zh, overflow="fold")
