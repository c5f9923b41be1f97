"""``mediation calendar …``: the State Council's holiday notices the deadlines count on."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option
from cli.i18n import _


@click.group()
def calendar():
    """The holiday calendar deadlines count on: load a year's State Council notice."""


@calendar.command("load")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False))
@json_option
@click.pass_obj
def calendar_load(app, path, as_json):
    """Keep a year's State Council holiday notice (town or county users) and move every
    deadline it moves, each with a step in its record's history.

    FILE is TOML: year = 2027, holidays = [every rest day of the holidays], workdays = [the
    make-up working days (调休)], source = "the notice's name".

    \b
    Example:
      mediation --as 王主任 calendar load 2027年节假日.toml
    """
    from mediation import calendars

    view = calendars.load(app.db, actor=app.actor, path=path)
    if as_json:
        return dump_json(view)
    d = app.display
    d.line(_("{year}: {source}, loaded").format(year=view.year, source=view.source))
    if view.moved:
        t = d.table(_("record"), _("deadline was"), _("now"))
        for m in view.moved:
            t.add_row(m.number, m.old or "", m.new or "")
        d.print(t)
    d.line(_("{count} deadline(s) moved").format(count=len(view.moved)))


@calendar.command("show")
@click.argument("year", type=click.IntRange(1949, 2100))
@json_option
@click.pass_obj
def calendar_show(app, year, as_json):
    """A year's rest days on weekdays and working days on weekends, and where they come from.

    \b
    Example:
      mediation calendar show 2027
    """
    from mediation import calendars

    view = calendars.show(app.db, year=year)
    if as_json:
        return dump_json(view)
    d = app.display
    d.print(d.fields([(_("year"), str(view.year)), (_("source"), view.source),
                      (_("rest days (weekdays)"), " ".join(x[5:] for x in view.rest_days)),
                      (_("working days (weekends, 调休)"), " ".join(x[5:] for x in view.workdays) or "—")]))
    if not view.official:
        d.line(_("deadlines that end in {year} are provisional (暂定) until its notice is loaded").format(year=year))
