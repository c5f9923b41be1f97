"""State machines as data, on transitions. No database, no terminal (docs/architecture.md)."""

from workflows.base import (AT, NOTE, Action, Due, Guard, Input, Option, Period, Reason, Refused, Result, Workflow,
                            given, note_given, option, phrase)

__all__ = ["AT", "NOTE", "Action", "Due", "Guard", "Input", "Option", "Period", "Reason", "Refused", "Result",
           "Workflow", "get", "given", "note_given", "option", "phrase"]


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
