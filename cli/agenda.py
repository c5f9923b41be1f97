"""``mediation agenda``: what falls due today and in the next days, in your place."""

from __future__ import annotations

import click

from cli.i18n import _, ngettext
from cli.output import complete_villages, dump_json, for_terminal, json_option


@click.command()
@click.option("--days", type=click.IntRange(0, 366), default=7, show_default=True,
              help="How many days ahead, after today.")
@click.option("--village", shell_complete=complete_villages, help="Only this village.")
@json_option
@click.pass_obj
def agenda(app, days, village, as_json):
    """What falls due today and in the next days (待办): a case's mediation period, an agreement's
    司法确认 window, 履行期限 and 回访, a petition's routing, answer, review and 不予受理 notice,
    the town's 复议/应诉 deadlines, a 社区矫正 term ending — overdue first, each with the command
    that clears it. A mediator's village, a town user's town, the county's every town.

    \b
    Example:
      mediation --as 刘调解 agenda
      mediation --as 王主任 agenda --days 30 --json
    """
    from mediation import agenda as service
    from mediation.agenda import KINDS
    from mediation.timeutil import iso_deadline

    items = service.agenda(app.db, actor=app.actor, days=days, village=village)
    if as_json:
        return dump_json(items)
    d = app.display
    if not items:
        return d.line(_("nothing falls due in the next {days} days").format(days=days))
    several_towns = len({i.town for i in items}) > 1
    for kind, label in KINDS.items():
        mine = [i for i in items if i.kind == kind]
        if not mine:
            continue
        t = d.table(_("due"), _("record"), _("what / command"), title=f"{label} ({len(mine)})",
                    wrap=(_("what / command"),))
        for i in mine:
            where = f"{i.town} " if several_towns else ""
            t.add_row(iso_deadline(i.due) + ("\n" + _("overdue") if i.overdue else ""),
                      f"{i.number}\n{where}{i.village}".rstrip(), f"{i.what}\n{for_terminal(i.command)}")
        d.print(t)
    late = sum(i.overdue for i in items)
    d.line(ngettext("{n} item", "{n} items", len(items)).format(n=len(items))
           + (", " + _("{late} overdue").format(late=late) if late else ""))
