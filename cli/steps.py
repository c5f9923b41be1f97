"""The verbs every register shares, built once for each from the same code: ``do``, ``undo``,
``void`` and ``next`` (``mediation.steps`` behind them). ``record`` names the register's
service module (``mediation.<record>s``) and its keyword argument; ``workflow`` names its
workflow (``package.module:NAME``: a ``Workflow``, or a mapping of them by the record's kind)."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import click

import workflows
from workflows.i18n import translated
from cli.i18n import N_, _
from cli.output import (complete_set, dump_json, for_terminal, interactive, json_option, moment, named, need,
                        parse_sets)


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
                 said=lambda view: f"{_named(view)}: undo → {named(view.state, view.state_label)} "
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


def _breakable(text: str) -> str:
    """A list of choices (``risk=green|yellow|orange|red``) as words a narrow column may break
    between (``green | yellow | …``), never inside one."""
    return text.replace("|", " | ")


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
        t.add_row("✓" if ok else "✗", named(o.trigger, trigger_labels.get(o.trigger)),
                  named(o.dest, state_labels.get(o.dest)), _breakable(for_terminal(detail)))
    d.print(t)


def _workflows(workflow: str) -> list:
    module, _sep, name = workflow.partition(":")
    found = getattr(importlib.import_module(module), name)
    return list(found.values()) if isinstance(found, dict) else [found]


def _workflow_of(workflow: str, view) -> Any:
    """The workflow a record follows (a matter's by its kind)."""
    module, _sep, name = workflow.partition(":")
    found = getattr(importlib.import_module(module), name)
    return found[view.kind] if isinstance(found, dict) else found


def _record_of(next_view, record: str):
    return getattr(next_view, "record", None) or getattr(next_view, record)


def add_do(group: click.Group, *, record: str, workflow: str, help: str, set_help: str, note_help: str,
           at_help: str = "When it happened (back-dating): YYYY-MM-DD or ISO datetime.",
           facts: Callable[[Any], list[str]] | None = None,
           told: Callable[[Any, str], list[str]] | None = None) -> None:
    """``<group> do REF [TRIGGER] --note --at --set --expect-version``: the service's ``fire``.
    TRIGGER by name or Chinese label; left out at a terminal, chosen from the steps allowed now
    (``guided``). The line said is ``REF: trigger label → state label (facts, version N)``;
    ``facts(view)`` gives the register's own facts (its line, its deadline), ``told(view,
    trigger)`` the lines beneath it (what the parties are to be told)."""
    meta = "ID" if record == "subject" else record.upper()

    def complete(ctx, param, incomplete):
        return complete_steps(ctx, incomplete, workflows=_workflows(workflow), service=f"{record}s", record="ref")

    @group.command("do", help=help)
    @click.argument("ref", metavar=meta)
    @click.argument("trigger", required=False, shell_complete=complete)
    @click.option("--note", help=note_help)
    @click.option("--at", "at", metavar="DATE", help=at_help)
    @click.option("--set", "sets", multiple=True, metavar="KEY=VALUE", shell_complete=complete_set(workflow),
                  help=set_help)
    @click.option("--expect-version", type=int, metavar="N",
                  help=f"Refuse unless the {record} is still at this version (what you saw in `show`).")
    @json_option
    @click.pass_obj
    def command(app, ref, trigger, note, at, sets, expect_version, as_json):
        service = _service(record)
        values = parse_sets(sets)
        if trigger is None:
            if as_json or not interactive():
                raise click.UsageError(_("Missing argument '{name}'.").format(name="TRIGGER"))
            next_view = service.next_actions(app.db, actor=app.actor, **{record: ref})
            trigger, note, values = guided(app.display, next_view,
                                           _workflow_of(workflow, _record_of(next_view, record)), note, values)
        trigger = trigger.strip()
        view = service.fire(app.db, actor=app.actor, trigger=trigger, note=note, at=moment(at), values=values,
                            expect_version=expect_version, **{record: ref})
        if as_json:
            return dump_json(view)
        flow = _workflow_of(workflow, view)
        trigger = flow.trigger_named(trigger)  # (as typed: 研判分流, 上报; said by its name and label)
        shown = [*(facts(view) if facts else []), _("version {version}").format(version=view.version)]
        app.display.line(f"{_named(view)}: {named(trigger, flow.trigger_labels.get(trigger))} → "
                         f"{named(view.state, view.state_label)} ({', '.join(shown)})")
        for line in (told(view, trigger) if told else []):
            app.display.line("  " + line)


def complete_steps(ctx, incomplete: str, *, workflows: list, service: str, record: str) -> list[str]:
    """The steps allowed now (or wanting only a value typed with them) for the record already
    typed on the command line, by name and by Chinese label; every step of the workflows when
    the record cannot be read."""
    from cli.output import completed

    ref, actor = ctx.params.get(record), ctx.find_root().params.get("actor")

    def takeable(db) -> list[str]:
        view = importlib.import_module(f"mediation.{service}").next_actions(db, **{service[:-1]: ref}, actor=actor)
        return [o.trigger for o in view.options if o.takeable]

    names = (completed(ctx, "", takeable) if ref else []) or [t for w in workflows for t in w.triggers]
    words = names + [w.trigger_labels.get(t, t) for w in workflows for t in names if t in w.triggers]
    return [w for w in dict.fromkeys(words) if w.startswith(incomplete)]


def guided(display, next_view, workflow, note: str | None, values: dict[str, str]) -> tuple[str, str | None, dict]:
    """At a terminal, a step chosen from a numbered menu of the ones allowed now, then asked
    for exactly what it needs (a choice from its own numbered list, yes or no, text, a note)."""
    if next_view.permission:
        raise click.ClickException(for_terminal(next_view.permission))
    allowed = [o for o in next_view.options if o.takeable]
    if not allowed:
        raise click.ClickException(_("no step is allowed now (`next` says why)"))
    display.line(_("steps allowed now:"))
    for i, o in enumerate(allowed, 1):
        label = workflow.trigger_labels.get(o.trigger, o.trigger)
        display.line(f"  {i}. {label}{'' if translated() else f' ({o.trigger})'} → {workflow.labels.get(o.dest, o.dest)}")
    chosen = allowed[click.prompt(_("Choose"), type=click.IntRange(1, len(allowed))) - 1]
    values = dict(values)
    for key in chosen.values_wanted:
        spec = workflow.fields.get(key)
        if key in values or spec is None:
            continue
        if spec.kind == "choice":
            items = list(spec.options.items())
            for i, (_key, label) in enumerate(items, 1):
                display.line(f"  {i}. {label.split('/')[0]}")
            values[key] = items[click.prompt(spec.label, type=click.IntRange(1, len(items))) - 1][0]
        elif spec.kind == "yes_no":
            values[key] = "yes" if click.confirm(spec.label, default=True) else "no"
        else:
            values[key] = click.prompt(spec.label)
    if chosen.note_wanted and not (note or "").strip():
        note = click.prompt(_("Note"))
    return chosen.trigger, note, values
