"""``mediation screening …``: 四网排查 rounds and monthly zero reports (零上报)."""

from __future__ import annotations

import click

from cli.output import moment
from cli.output import complete_villages, dump_json, json_option, need
from cli.i18n import N_, _, ngettext


@click.group()
def screening():
    """四网排查: screening rounds (逐个, 拉网, 反复, 专项) and zero reports (零上报)."""


@screening.command("add")
@click.option("--village", shell_complete=complete_villages, help="The village screened.")
@click.option("--mode", help="逐个 (key persons), 拉网 (sweep), 反复 (key places), 专项 (campaign).")
@click.option("--found", type=click.IntRange(0, 100_000), default=0, show_default=True, help="Disputes found.")
@click.option("--prevented", type=click.IntRange(0, 100_000), default=0, show_default=True,
              help="Disputes prevented from escalating (防民转刑, 防群体性上访).")
@click.option("--note", help="Where, who, what.")
@click.option("--at", "at", metavar="DATE", help="When the round took place (back-dating).")
@json_option
@click.pass_obj
def screening_add(app, village, mode, found, prevented, note, at, as_json):
    """Record a screening round.

    \b
    Example:
      mediation --as 刘调解 screening add --village 龙潭村 --mode 拉网 --found 2 --at 2021-09-28
    """
    from mediation import screening as service

    db = app.db
    village = need(village, "--village", N_("Village"), as_json=as_json)
    mode = need(mode, "--mode", N_("Screening mode (逐个/拉网/反复/专项)"), as_json=as_json)
    view = service.add_round(db, actor=app.actor, village=village, mode=mode, found=found, prevented=prevented,
                             at=moment(at), note=note)
    if as_json:
        return dump_json(view)
    from mediation.timeutil import show
    app.display.line(_("{village} {mode} screening {day}: found {found}, prevented {prevented}").format(
        village=view.village, mode=view.mode, day=show(view.at, minutes=False), found=view.found,
        prevented=view.prevented))


@screening.command("zero")
@click.option("--village", shell_complete=complete_villages, help="The village reporting.")
@click.option("--month", metavar="MONTH", help="The month screened with nothing found: 2021-11, 2021年11月, 11月 (the latest), 上月.")
@json_option
@click.pass_obj
def screening_zero(app, village, month, as_json):
    """File a zero report (零上报): the village screened this month and found nothing.

    \b
    Example:
      mediation --as 刘调解 screening zero --village 龙潭村 --month 2021-10
    """
    from mediation import screening as service

    db = app.db
    village = need(village, "--village", N_("Village"), as_json=as_json)
    month = need(month, "--month", N_("Month (YYYY-MM)"), as_json=as_json)
    view = service.zero_report(db, actor=app.actor, village=village, month=month)
    if as_json:
        return dump_json(view)
    app.display.line(_("{village} {month}: zero report filed").format(village=view.village, month=view.month))


@screening.command("list")
@click.option("--village", shell_complete=complete_villages, help="Only this village.")
@click.option("--year", type=click.IntRange(1949, 2100), help="Only this year.")
@json_option
@click.pass_obj
def screening_list(app, village, year, as_json):
    """Screening rounds and zero reports.

    \b
    Example:
      mediation screening list --year 2021
    """
    from mediation import screening as service
    from mediation.timeutil import show

    rounds = service.list_rounds(app.db, village=village, year=year)
    zeros = service.list_zero_reports(app.db, village=village, year=year)
    if as_json:
        return dump_json({"rounds": rounds, "zero_reports": zeros})
    d = app.display
    note_column = _("note")
    t = d.table(_("date"), _("village or community"), _("mode"), _("found"), _("prevented"), _("by"), note_column,
                wrap=(note_column,))
    for r in rounds:
        t.add_row(show(r.at, minutes=False), r.village, r.mode, str(r.found), str(r.prevented), r.actor, r.note or "")
    d.print(t)
    d.line(ngettext("{n} round", "{n} rounds", len(rounds)).format(n=len(rounds)))
    if not zeros:
        return d.line(_("zero reports") + ": " + _("none"))
    months: dict[str, list[str]] = {}
    for z in zeros:
        months.setdefault(z.village, []).append(z.month)
    months_column = _("months of zero reports")
    t = d.table(_("village or community"), months_column, title=None, wrap=(months_column,))
    for village, ms in months.items():
        t.add_row(village, " ".join(ms))
    d.print(t)
