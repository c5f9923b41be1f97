"""The verbs every register shares, built once for each from the same code: ``undo``,
``void`` and ``next`` (``mediation.steps`` behind them). ``record`` names the register's
service module (``mediation.<record>s``) and its keyword argument."""

from __future__ import annotations

import importlib

import click

import workflows
from cli.i18n import N_, _
from cli.output import dump_json, for_terminal, json_option, need


def _service(record: str):
    return importlib.import_module(f"mediation.{record}s")  # mediation.cases, .petitions, .matters, .subjects


def _named(view) -> str:
    return getattr(view, "number", None) or f"id {view.id} {getattr(view, 'name', '')}".strip()


def add_undo(group: click.Group, *, record: str, zh: str) -> None:
    _with_reason(group, "undo", record, help=f"""Take back the {record}'s last step ({zh}撤销上一步): its values return to
        what they were, the step is kept in the history, marked undone, and no count sees it.
        Corrections made after it stay. Only the user who took the step, or a town or county user.

        \b
        Example:
          mediation --as 王主任 {group.name} undo 1 --note "误操作,应为另一{zh}"
        """, note_help="Why the step is taken back (required).", asked=N_("Why the step is taken back"),
                 said=lambda view: f"{_named(view)}: undo → {view.state} {view.state_label} "
                 + _("(version {version})").format(version=view.version))


def add_void(group: click.Group, *, record: str, zh: str) -> None:
    _with_reason(group, "void", record, help=f"""Void a duplicate or mistaken registration ({zh}作废): kept and shown, in
        no count; its number is not given again. For town and county users.

        \b
        Example:
          mediation --as 王主任 {group.name} void 2 --note "重复登记"
        """, note_help="Why the registration is void (a duplicate of …, registered by mistake).",
                 asked=N_("Why the registration is void"),
                 said=lambda view: _("{number}: void (version {version})").format(number=_named(view),
                                                                                  version=view.version))


def _with_reason(group: click.Group, verb: str, record: str, *, help: str, note_help: str, asked: str, said) -> None:
    """``<group> <verb> REF --note …``: the service's ``<verb>(db, actor, note, expect_version,
    <record>=REF)``, its one line said by ``said(view)``."""
    meta = "ID" if record == "subject" else record.upper()

    @group.command(verb, help=help)
    @click.argument("ref", metavar=meta)
    @click.option("--note", help=note_help)
    @click.option("--expect-version", type=int, metavar="N", help=f"Refuse unless the {record} is at this version.")
    @json_option
    @click.pass_obj
    def command(app, ref, note, expect_version, as_json):
        note = need(note, "--note", asked, as_json=as_json)
        view = getattr(_service(record), verb)(app.db, actor=app.actor, note=note, expect_version=expect_version,
                                               **{record: ref})
        if as_json:
            return dump_json(view)
        app.display.line(said(view))


def add_next(group: click.Group, *, record: str, workflow: str) -> None:
    """``next`` for a register whose service's ``next_actions`` gives a ``steps.Next``;
    ``workflow``: the module with its ``TRIGGER_LABELS`` and ``STATE_LABELS``."""
    meta = "ID" if record == "subject" else record.upper()

    @group.command("next", help=f"""The steps allowed now (with what each needs), and for each blocked one the
        reason.

        \b
        Example:
          mediation --as 王主任 {group.name} next 1
        """)
    @click.argument("ref", metavar=meta)
    @json_option
    @click.pass_obj
    def next_command(app, ref, as_json):
        view = _service(record).next_actions(app.db, actor=app.actor, **{record: ref})
        if as_json:
            return dump_json(view)
        labels = importlib.import_module(workflow)
        r = view.record
        app.display.line(f"{_named(r)}  {r.state} {r.state_label}  " + _("version {version}").format(version=r.version))
        render_options(app.display, view.options, view.permission, labels.TRIGGER_LABELS, labels.STATE_LABELS)


def render_options(d, options, permission, trigger_labels, state_labels) -> None:
    """The ``next`` table: ✓ with what each trigger needs, ✗ with why not."""
    if permission:
        d.line(f"✗ {permission}")
    if not options:
        d.line(_("nothing can follow this state"))
        return
    t = d.table("", _("step"), "→", _("needs / why not"), wrap=(_("needs / why not"),))
    for o in options:
        ok = o.allowed and not permission
        detail = workflows.Wording.join("; ", o.needs if ok else [r.text for r in o.blocked_by]) or (permission or "")
        t.add_row("✓" if ok else "✗", f"{o.trigger} {trigger_labels.get(o.trigger, '')}",
                  f"{o.dest} {state_labels.get(o.dest, '')}", for_terminal(detail))
    d.print(t)
