"""The values a trigger is given (``set`` at the terminal and in an import file),
typed by the ``Input`` each workflow declares for them: one parser for every register."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from mediation import timeutil, validation
from mediation.errors import InvalidValue
from workflows import Input, Workflow, config
from workflows.i18n import _

UNKNOWN = "unknown"
_UNKNOWN_WORDS = (UNKNOWN, "未知", "不详", "不清楚")


def parse(workflow: Workflow, raw: Mapping[str, str], *, user: Callable[[str], str] | None = None) -> dict[str, Any]:
    """``raw`` typed by the workflow's declaration. Keys the trigger does not take are left
    to the workflow, which refuses them naming the ones it takes; ``user`` resolves a user's
    name (a mediator) where a value names one."""
    out: dict[str, Any] = {}
    for key, text in raw.items():
        k = workflow.field_named(key)
        if k is None:
            known = ", ".join(f"{name}({spec.label})" for name, spec in workflow.fields.items()) or _("none")
            raise InvalidValue(_("unknown key '{key}'; known: {known}").format(key=key, known=known))
        spec = workflow.fields[k]
        out[k] = _typed(k, spec, (text if isinstance(text, str) else str(text)).strip(), user)
    return out


def _typed(key: str, spec: Input, v: str, user) -> Any:
    if spec.kind == "choice":
        return validation.choice(v, dict(spec.options), _("{key} ({label})").format(key=key, label=spec.label),
                                 words=key)
    if spec.kind == "money":
        return validation.amount_fen(v)
    if spec.kind == "yes_no":
        return validation.yes_no(config.WORDS.get(key, {}).get(v, v))
    if spec.kind == "count":
        if not v.isdigit():
            raise InvalidValue(_("{label}({key}) must be a whole number: '{value}'").format(label=spec.label, key=key, value=v))
        return int(v)
    if spec.kind == "date_or_unknown" and v.lower() in _UNKNOWN_WORDS:
        return UNKNOWN
    if spec.kind == "day":  # (to come, as a 履行期限: not refused for being in the future; kept as a
        from datetime import timedelta  # deadline is, the end of its day)
        return timeutil.day_start(timeutil.local_date(timeutil.parse_at(v).at) + timedelta(days=1))
    if spec.kind in ("date", "date_or_unknown"):
        moment = timeutil.parse_at(v)
        if moment.at > timeutil.now():
            raise InvalidValue(_("{label}({key}) {value} is in the future").format(label=spec.label, value=v, key=key))
        return moment.at
    if not v:
        raise InvalidValue(_("{label}({key}) cannot be empty").format(label=spec.label, key=key))
    if spec.kind == "user":
        return user(v) if user else v
    return v


def columns(workflow: Workflow, typed: Mapping[str, Any]) -> dict[str, Any]:
    """The given values the record keeps, under their columns (``amount`` → ``amount_fen``)."""
    out = {}
    for key, value in typed.items():
        column = workflow.fields[key].column_for(key)
        if column:
            out[column] = value
    return out


def for_event(workflow: Workflow, typed: Mapping[str, Any]) -> dict[str, Any]:
    """The values as the audit event keeps them (JSON): dates in ISO, money both as yuan for
    people and as integer fen (``amount_fen``) so year-end sums are exact in SQL."""
    out: dict[str, Any] = {}
    for key, value in typed.items():
        if value is None:
            continue
        spec = workflow.fields.get(key)
        if spec is not None and spec.kind == "money":
            out[key], out[f"{key}_fen"] = validation.yuan(value), value
        elif isinstance(value, datetime):
            out[key] = timeutil.iso(value)
        else:
            out[key] = value
    return out
