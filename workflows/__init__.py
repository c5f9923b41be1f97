"""State machines as data, on transitions. No database, no terminal (docs/architecture.md).

The names of ``workflows.base`` load on first use: the CLI imports ``workflows.i18n`` at start
for its words, and must not pay for the machinery then."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workflows.base import Workflow

__all__ = ["AT", "NOTE", "Action", "Due", "Guard", "Input", "Option", "Period", "Reason", "Refused", "Result",
           "Want", "Wording", "Workflow", "ask", "get", "given", "note_given", "option", "phrase", "wanted", "wants"]


def __getattr__(name: str):
    if name in __all__ and name != "get":
        from workflows import base
        return getattr(base, name)
    raise AttributeError(f"module 'workflows' has no attribute {name!r}")


def get(name: str) -> Workflow:
    """The workflow called ``name`` (built once, on first use)."""
    if name == "dispute":
        from workflows.dispute import DISPUTE
        return DISPUTE
    if name == "petition":
        from workflows.petition import PETITION
        return PETITION
    if name in ("reconsideration", "litigation"):
        from workflows.matter import WORKFLOWS
        return WORKFLOWS[name]
    if name == "subject":
        from workflows.subject import SUBJECT
        return SUBJECT
    raise KeyError(name)


NAMES = ("dispute", "petition", "reconsideration", "litigation", "subject")
