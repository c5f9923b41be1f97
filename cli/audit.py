"""``mediation audit …``: the tamper-evident trail."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option
from cli.i18n import _


@click.group()
def audit():
    """The tamper-evident trail of every record's steps (校验审计链)."""


@audit.command("verify")
@click.option("--town", help="Only this town's records (default: every town).")
@json_option
@click.pass_obj
def audit_verify(app, town, as_json):
    """Recompute every record's chain of steps; name each step edited, deleted or reordered
    behind the program's back. Exit 1 if any.

    \b
    Example:
      mediation audit verify --town 营盘镇
    """
    from mediation import audit as trail

    result = trail.verify(app.db, town=town)
    if as_json:
        dump_json(result)
    else:
        d = app.display
        if result.problems:
            detail = _("detail")
            t = d.table(_("kind"), _("record"), _("step no."), _("problem"), detail, wrap=(detail,))
            for p in result.problems:
                t.add_row(p.kind, p.record, "" if p.seq is None else str(p.seq), p.what, p.detail)
            d.print(t)
        d.line(_("checked {records} records, {events} events: ").format(records=result.records, events=result.events)
               + (_("all chains intact") if result.ok else _("{count} problem(s)").format(count=len(result.problems))))
    if not result.ok:
        raise click.ClickException(_("the trail does not verify: {count} problem(s)").format(count=len(result.problems)))
