"""State machines as data, on transitions. No database, no terminal (style.md)."""

from workflows.base import Action, Due, Guard, Input, Option, Period, Refused, Result, Workflow

__all__ = ["Action", "Due", "Guard", "Input", "Option", "Period", "Refused", "Result", "Workflow", "get"]


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
