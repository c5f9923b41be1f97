"""``mediation review``: the town office's queue, and deciding escalations from it."""

from __future__ import annotations

import click

from cli.output import moment
from cli.output import dump_json, json_option, waited
from cli.i18n import _


@click.group(invoke_without_command=True)
@json_option
@click.pass_context
def review(ctx, as_json):
    """The town or county office's queue: escalations awaiting your line, red-risk cases,
    everything overdue or due within 3 days (soonest first), petitions to route.

    \b
    Example:
      mediation --as 王主任 review
      mediation --as 王主任 review approve "(2021)营调字第001号"
    """
    if ctx.invoked_subcommand is not None:
        return
    from mediation import review as service
    from mediation.timeutil import show_due

    app = ctx.obj
    q = service.queue(app.db, actor=app.actor)
    if as_json:
        return dump_json(q)
    d = app.display
    sections = [(_("escalations to approve"), q.escalations), (_("red risk"), q.red_risk),
                (_("overdue or due within three days"), q.due), (_("petitions to route"), q.new_petitions)]
    towns = len({i.town for _title, items in sections for i in items}) > 1  # a county's queue: whose it is
    for title, items in sections:
        if not items:
            d.line(f"{title}: " + _("none"))
            continue
        note_column = _("note")
        t = d.table(_("number"), _("village"), _("due"), note_column, title=f"{title} ({len(items)})",
                    wrap=(note_column,))
        for i in items:
            due = show_due(i.deadline) + (" " + _("overdue") if i.overdue else "")
            if i.since is not None:
                due += f"\n{waited(i.since)}"
            mark = _("first time") + " " if i.first_time else ""
            t.add_row(i.number, f"{i.town}\n{i.village}" if towns else i.village, due, mark + i.detail)
        d.print(t)


@review.command("approve")
@click.argument("case_ref", metavar="CASE")
@click.option("--note", help="A note for the record.")
@click.option("--at", "at", metavar="DATE", help="When it was decided (back-dating).")
@json_option
@click.pass_obj
def review_approve(app, case_ref, note, at, as_json):
    """Approve an escalation: the case moves up one line.

    \b
    Example:
      mediation --as 王主任 review approve 3
    """
    _decide(app, case_ref, True, note, at, as_json)


@review.command("return")
@click.argument("case_ref", metavar="CASE")
@click.option("--note", help="Why it goes back (required).")
@click.option("--at", "at", metavar="DATE", help="When it was decided (back-dating).")
@json_option
@click.pass_obj
def review_return(app, case_ref, note, at, as_json):
    """Return an escalation: the case stays at its line, with the reason.

    \b
    Example:
      mediation --as 王主任 review return 3 --note "村级可调处,请继续调解"
    """
    _decide(app, case_ref, False, note, at, as_json)


def _decide(app, case_ref, approve, note, at, as_json):
    from mediation import review as service

    view = service.decide(app.db, actor=app.actor, case=case_ref, approve=approve, note=note, at=moment(at))
    if as_json:
        return dump_json(view)
    said = _("{number}: approved → {state}, line {line}") if approve else _("{number}: returned → {state}, line {line}")
    app.display.line(said.format(number=view.number, state=view.state_label, line=view.line))
