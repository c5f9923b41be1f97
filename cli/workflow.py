"""``mediation workflow show NAME``: a workflow's states, triggers and Mermaid diagram."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option
from cli.i18n import _

@click.group()
def workflow():
    """The state machines behind cases, petitions, matters and subjects."""


@workflow.command("show")
@click.argument("name")
@json_option
@click.pass_obj
def workflow_show(app, name, as_json):
    """Print the workflow as a Mermaid state diagram (paste into any Mermaid viewer).

    \b
    Example:
      mediation workflow show dispute
    """
    import workflows

    try:
        w = workflows.get(name)
    except KeyError:
        raise click.BadParameter(_("unknown workflow '{name}'; one of: {known}").format(
            name=name, known=", ".join(workflows.NAMES)), param_hint="NAME") from None
    if as_json:
        return dump_json({
            "name": w.name, "states": w.state_names(), "initial": w.initial.value,
            "triggers": [{"trigger": t, "from": w.sources_of(t),
                          "to": next(_v(x["dest"]) for x in w.transitions if x["trigger"] == t)}
                         for t in w.triggers],
            "mermaid": w.mermaid(),
        })
    app.display.line(w.mermaid())


def _v(x):
    return getattr(x, "value", x)
