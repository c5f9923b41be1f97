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
@click.option("--seal", "seal_code", metavar="CODE", help="Also prove the town's chain still holds this sealed head "
              "(the code `mediation audit seal` printed).")
@json_option
@click.pass_obj
def audit_verify(app, town, seal_code, as_json):
    """Recompute every record's chain of steps and each town's chain through everything its
    counts read; name each step or row edited, deleted, added or reordered behind the
    program's back. Exit 1 if any.

    \b
    Example:
      mediation audit verify --town 营盘镇
      mediation audit verify --town 营盘镇 --seal 1081-1C2B-9E0F-44A7-0B3D
    """
    from mediation import audit as trail

    result = trail.verify(app.db, town=town, seal=seal_code, actor=app.actor)
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


@audit.command("seal")
@click.option("--town", help="The town (needed when the database holds several).")
@json_option
@click.pass_obj
def audit_seal(app, town, as_json):
    """Print the code of the town chain's head: write it on the signed year-end report and
    keep it with the backup; `audit verify --seal CODE` later proves that nothing recorded
    before it was changed or removed.

    \b
    Example:
      mediation audit seal --town 营盘镇
    """
    from mediation import chain

    sealed = chain.seal(app.db, town=town, actor=app.actor)
    if as_json:
        dump_json(sealed)
    else:
        app.display.line(_("{town}: {events} links, seal {code}").format(town=sealed.town, events=sealed.events,
                                                                      code=sealed.code))
