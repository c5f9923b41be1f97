"""A workflow: a transitions Machine built once from data, plus the reasons behind each refusal.

The Machine drives one small proxy object whose state is set before each trigger (about 10 µs a
trigger, against 0.25–1.7 ms to build a Machine per case: docs/performance.md). Conditions are named
*guards*: plain functions of the case's facts and the requested action that return ``None``
when satisfied and a reason a mediator understands when not. The same guards answer
"may I?" (``options``) and do the checking when a trigger fires (``fire``).
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from workflows.i18n import N_, _

Facts = Mapping[str, Any]


# -- what a refusal asks for, phrased at the edge ---------------------------------------------
#
# A refusal names what would satisfy it — a note, a value, a field, the time of the step — as
# data (``Want``) kept beside its words, never as a command-line flag: the words are a template
# whose placeholders the wants fill, and each edge renders them for its audience (the terminal
# as its options, an import file as its keys) through ``phrase``. ``str()`` reads bare names.


@dataclass(frozen=True)
class Want:
    """One thing a message asks for: ``note``, ``at`` (when the step happened), ``opt`` (an
    input field, ``key`` its name) or ``set`` (a value given with a step: ``key`` and what it
    may be, ``value``)."""

    kind: str
    key: str = ""
    value: str = ""

    @property
    def arg(self) -> str:
        """``key=value`` of a value (its placeholders, such as ``DATE``, in the reader's
        language), the field's name of an input field."""
        if self.kind != "set":
            return self.key
        value = "|".join(_(v) if v.isupper() and v.isascii() else v for v in self.value.split("|"))
        return f"{self.key}={value}"

    def __str__(self) -> str:
        return plain_words(self.kind, self.arg)


NOTE = Want("note")
AT = Want("at")  # when a step happened

# How wants read for an audience: (kind, argument) → words. ``kind`` is ``note``, ``at``,
# ``opt`` (argument: the field's name) or ``set`` (argument: ``key=value``).
Words = Callable[[str, str], str]


def given(key: str, value: str = "…") -> Want:
    """A value given with a trigger (its key, and what it may be)."""
    return Want("set", key, value)


def option(name: str) -> Want:
    """An input field of a command or record, e.g. ``summary``."""
    return Want("opt", name)


def plain_words(kind: str, arg: str) -> str:
    return arg if kind in ("opt", "set") else kind


class Wording(str):
    """Words with what they ask for kept as data: a template (a catalog text, translated) and
    its fields, of which ``Want``s (and nested ``Wording``s) are rendered by the edge. As a
    ``str`` it reads the bare names (``note``, ``risk=green|…``)."""

    template: str
    fields: dict

    def __new__(cls, template: str, fields: Mapping[str, Any]):
        self = super().__new__(cls, template.format(**{k: str(v) for k, v in fields.items()}))
        self.template, self.fields = template, dict(fields)
        return self

    def __reduce__(self):
        return (Wording, (self.template, self.fields))

    def phrase(self, words: Words) -> str:
        return self.template.format(**{k: _phrased(v, words) for k, v in self.fields.items()})

    @property
    def wants(self) -> tuple[Want, ...]:
        """What the words ask for, in the order they name it."""
        import string

        out: list[Want] = []
        for _text, name, _spec, _conv in string.Formatter().parse(self.template):
            value = self.fields.get(name) if name else None
            if isinstance(value, Want):
                out.append(value)
            elif isinstance(value, Wording):
                out += value.wants
        return tuple(dict.fromkeys(out))

    @staticmethod
    def join(sep: str, items) -> str:
        """``sep.join(items)``, keeping the wants of those that have them."""
        items = list(items)
        if not any(isinstance(i, Wording) for i in items):
            return sep.join(items)
        names = [f"w{i}" for i in range(len(items))]
        return Wording(sep.replace("{", "{{").replace("}", "}}").join("{" + n + "}" for n in names),
                       dict(zip(names, items)))


def _phrased(value: Any, words: Words) -> Any:
    if isinstance(value, Want):
        return words(value.kind, value.arg)
    if isinstance(value, Wording):
        return value.phrase(words)
    return value


def ask(template: str, **fields: Any) -> str:
    """``template.format(**fields)``, keeping the fields that are wants (or wordings) as data
    for the edge to phrase; plain text when none is."""
    if any(isinstance(v, (Want, Wording)) for v in fields.values()):
        return Wording(template, fields)
    return template.format(**fields)


def wants(text: str) -> tuple[Want, ...]:
    """What a text asks for (nothing, for plain text)."""
    return text.wants if isinstance(text, Wording) else ()


def phrase(text: str, words: Words = plain_words) -> str:
    """``text`` with what it asks for rendered by ``words`` (default: the bare names)."""
    return text.phrase(words) if isinstance(text, Wording) else text


@dataclass(frozen=True)
class Reason:
    """Why a trigger is refused, as data: the rule (its guard's name), the words (a ``Wording``
    when they ask for something) and the law it applies, when it is one."""

    code: str
    text: str
    law: str = ""

    @property
    def wants(self) -> tuple[Want, ...]:
        return wants(self.text)

    def __str__(self) -> str:
        return str(self.text)


@dataclass(frozen=True)
class Action:
    """What the user asks for: who (their role), when, the note and the values set."""

    actor_role: str | None = None
    at: datetime | None = None
    note: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Guard:
    """A condition with its reason. ``input`` guards depend on what the user types
    (a note, a value), so ``options`` lists them as needs rather than as blocks; ``hint``
    says what to give (a catalog template whose placeholders ``asks`` fills), ``law`` the
    article the rule applies."""

    check: Callable[[Facts, Action], str | None]
    input: bool = False
    hint: str = ""
    law: str = ""
    asks: Mapping[str, Want] = field(default_factory=dict)

    @property
    def need(self) -> str:
        """The hint in the reader's language, with what it asks for kept as data."""
        return ask(_(self.hint), **self.asks) if self.hint else ""


def wanted(*wants: Want, optional: bool = False) -> dict[str, Any]:
    """A guard's hint that only names values (``{risk}``; ``[{ground}]`` when optional), as
    ``Guard(**wanted(given(...)))``."""
    template = " ".join("{" + w.key + "}" for w in wants)
    return {"hint": f"[{template}]" if optional else template, "asks": {w.key: w for w in wants}}


_SHANGHAI = None


def day_of(instant: datetime):
    """The day an instant falls on in Asia/Shanghai (the day people wrote)."""
    global _SHANGHAI
    if _SHANGHAI is None:
        from zoneinfo import ZoneInfo
        _SHANGHAI = ZoneInfo("Asia/Shanghai")
    return instant.astimezone(_SHANGHAI).date()


def extension_within(most: int, law: str) -> Guard:
    """An extension of ``days`` (default ``most``): a whole number from 1 to ``most``."""
    def check(f: Facts, a: Action) -> str | None:
        days = a.values.get("days", most)
        if not isinstance(days, int) or not 1 <= days <= most:
            return _("an extension is 1 to {days} days ({law})").format(days=most, law=law)
        return None
    return Guard(check, input=True, **wanted(given("days", f"1..{most}")))


def note_given(what: str = N_("a reason")) -> Guard:
    """The guard every workflow shares: a step that must say why (``what``: a catalog text)."""
    def check(f: Facts, a: Action) -> str | None:
        if not (a.note or "").strip():
            return ask(_("{what} is required for this step ({note})"), what=_(what), note=NOTE)
        return None
    return Guard(check, input=True, hint="{note} " + what, asks={"note": NOTE})


@dataclass(frozen=True)
class Period:
    """A time limit as data: ``amount`` calendar days, working days (工作日) or months.

    ``roll``: when the last day is a rest day, the period ends on the next working day
    (民事诉讼法 art 85; 行政复议法 art 88). ``law`` cites the rule for people to read."""

    amount: int
    unit: str = "days"  # days | working_days | months
    roll: bool = True
    law: str = ""

    def __post_init__(self) -> None:
        if self.unit not in ("days", "working_days", "months"):
            raise ValueError(f"unknown period unit {self.unit}")


@dataclass(frozen=True)
class Input:
    """A value a trigger takes (``set`` in the terminal and in import files), declared once
    with the workflow: how it is typed, what people call it, and the record's column it is
    kept in (``None``: it only informs the step, as ``known_at`` does).

    ``kind``: ``choice`` (a key of ``options`` or its label), ``text``, ``count`` (a whole
    number), ``money`` (yuan, kept as integer fen), ``yes_no``, ``date`` (a past day), ``day``
    (a day that may be to come, such as a 履行期限),
    ``date_or_unknown`` (a past day, or ``unknown``), ``user`` (a known user's name)."""

    kind: str
    label: str
    options: Mapping[str, str] = field(default_factory=dict)
    column: str | None = ""  # "" = the key itself

    KINDS = ("choice", "text", "count", "money", "yes_no", "date", "date_or_unknown", "user", "day")

    def __post_init__(self) -> None:
        if self.kind not in self.KINDS:
            raise ValueError(f"unknown input kind {self.kind}")

    def column_for(self, key: str) -> str | None:
        return key if self.column == "" else self.column


@dataclass(frozen=True)
class Due:
    """An effect's deadline before the calendar is applied: the service turns it into the
    instant the period runs out (the workflow knows the rule, not the holidays)."""

    start: datetime | None
    period: Period


class Refused(Exception):
    """The workflow refuses a trigger; ``reasons`` say why (``Reason``, or plain words for a
    trigger that does not exist here)."""

    def __init__(self, reasons: list):
        self.reasons = reasons
        super().__init__("; ".join(str(r) for r in reasons))

    @property
    def text(self) -> str:
        """The reasons with what they ask for, for the edge to phrase."""
        return Wording.join("; ", [r.text if isinstance(r, Reason) else str(r) for r in self.reasons])


@dataclass(frozen=True)
class Result:
    source: str
    dest: str
    changes: dict[str, Any]


@dataclass(frozen=True)
class Option:
    """One trigger that leaves the current state: allowed now, or blocked with reasons."""

    trigger: str
    dest: str
    allowed: bool
    blocked_by: tuple[Reason, ...] = ()
    needs: tuple[str, ...] = ()  # the hints (``Guard.need``)

    def _wants(self) -> tuple[Want, ...]:
        return tuple(w for text in (*self.needs, *(r.text for r in self.blocked_by)) for w in wants(text))

    @property
    def takeable(self) -> bool:
        """Allowed now, or held back only for want of values that can be given with the step
        (every reason names one, as 研判分流 names the risk level)."""
        return self.allowed or all(any(w.kind == "set" for w in r.wants) for r in self.blocked_by)

    @property
    def values_wanted(self) -> list[str]:
        """The keys of the values the step asks for (its needs and its reasons), in order."""
        return list(dict.fromkeys(w.key for w in self._wants() if w.kind == "set"))

    @property
    def note_wanted(self) -> bool:
        return any(w.kind == "note" for w in self._wants())


class _Proxy:
    """The one model the Machine drives; guard and effect methods are added per workflow."""

    state: enum.Enum

    def __init__(self) -> None:
        self.facts: Facts = {}
        self.action = Action()
        self.changes: dict[str, Any] = {}


class Workflow:
    def __init__(
        self,
        *,
        name: str,
        states: type[enum.Enum],
        transitions: list[dict[str, Any]],
        initial: enum.Enum,
        guards: Mapping[str, Guard],
        effects: Mapping[str, Callable[[Facts, Action], dict[str, Any]]] | None = None,
        inputs: Mapping[str, tuple[str, ...]] | None = None,
        fields: Mapping[str, Input] | None = None,
        labels: Mapping[str, str] | None = None,
        trigger_labels: Mapping[str, str] | None = None,
        clocked: Mapping[str, tuple[str, ...]] | None = None,
        told: tuple[str, ...] = (),
    ):
        """``clocked``: per state, the steps its running deadline is for (the office's own: an
        answer, a decision, a defence); taken once that deadline has passed, a step is late:
        it needs the reason and its event says so (``mediation.records.decide``). ``told``: the
        columns holding a deadline a person is told of (not the office's); one already past
        when told is recorded so (``lapsed`` in the event), never announced as to come."""
        self.name = name
        self.states = states
        self.transitions = transitions
        self.initial = initial
        self.guards = dict(guards)
        self.effects = dict(effects or {})
        self.inputs = dict(inputs or {})
        self.fields = dict(fields or {})
        self.labels = dict(labels or {})
        self.trigger_labels = dict(trigger_labels or {})
        self.clocked = {state: frozenset(triggers) for state, triggers in (clocked or {}).items()}
        self.told = tuple(told)
        self._check_definition()
        self._triggers = dict.fromkeys(t["trigger"] for t in self.transitions)  # ordered, O(1) lookup
        self._inputs = {trigger: frozenset(keys) for trigger, keys in self.inputs.items()}
        attrs: dict[str, Any] = {}
        for gname, guard in self.guards.items():
            attrs[gname] = _guard_method(guard)
        for ename, effect in self.effects.items():
            attrs[ename] = _effect_method(effect)
        self._proxy = type(f"{name.title()}Proxy", (_Proxy,), attrs)()
        self._lock = threading.Lock()
        self._machine = None

    @property
    def machine(self):
        """The transitions Machine, built once on first use: a command that never fires a
        trigger (registering a case, a report) does not import transitions at all."""
        if self._machine is None:
            from transitions import Machine

            with self._lock:
                if self._machine is None:
                    # The Machine runs on the states' string values: the same definition, and
                    # about a third cheaper per trigger than enum states (no name lookups).
                    self._machine = Machine(
                        model=self._proxy, states=self.state_names(), initial=self.initial.value,
                        transitions=[{**t, "source": [_value(x) for x in _as_list(t["source"])],
                                      "dest": _value(t["dest"])} for t in self.transitions],
                        auto_transitions=False, send_event=False)
        return self._machine

    # -- definition --------------------------------------------------------------------------

    def _check_definition(self) -> None:
        clash = set(self.guards) & set(self.effects)
        if clash:
            raise ValueError(f"{self.name}: guards and effects share names {sorted(clash)} (one proxy holds both)")
        for t in self.transitions:
            for g in _as_list(t.get("conditions")):
                if g not in self.guards:
                    raise ValueError(f"{self.name}: transition {t['trigger']} names unknown guard {g}")
            for e in _as_list(t.get("after")):
                if e not in self.effects:
                    raise ValueError(f"{self.name}: transition {t['trigger']} names unknown effect {e}")
        for trigger, keys in self.inputs.items():
            missing = [k for k in keys if k not in self.fields]
            if missing:
                raise ValueError(f"{self.name}: {trigger} takes {missing}, which have no Input declared")

    @property
    def triggers(self) -> list[str]:
        return list(self._triggers)

    def state_names(self) -> list[str]:
        return [s.value for s in self.states]

    def _transitions_from(self, state: str, trigger: str) -> list[dict[str, Any]]:
        return [
            t for t in self.transitions
            if t["trigger"] == trigger and state in {s.value for s in _as_list(t["source"])}
        ]

    def sources_of(self, trigger: str) -> list[str]:
        return list(dict.fromkeys(
            s.value for t in self.transitions if t["trigger"] == trigger for s in _as_list(t["source"])
        ))

    # -- running -----------------------------------------------------------------------------

    def fire(self, state: str, trigger: str, facts: Facts, action: Action) -> Result:
        """Run ``trigger`` from ``state``. Facts already include the values the user set."""
        if trigger not in self._triggers:
            raise Refused([_("unknown trigger '{trigger}'; known: {known}").format(
                trigger=trigger, known=", ".join(self.triggers))])
        unknown = sorted(action.values.keys() - self._inputs.get(trigger, frozenset())) if action.values else ()
        if unknown:
            accepted = ", ".join(self.inputs.get(trigger, ())) or _("none")
            raise Refused([_("{trigger} does not take {unknown} (accepted: {accepted})").format(
                trigger=trigger, unknown=", ".join(unknown), accepted=accepted)])
        from transitions import MachineError

        machine = self.machine
        with self._lock:
            proxy = self._proxy
            proxy.facts, proxy.action, proxy.changes = facts, action, {}
            machine.set_state(state, model=proxy)
            try:
                done = proxy.trigger(trigger)
            except MachineError:
                from workflows.i18n import translated

                said = (lambda t: self.trigger_labels.get(t, t)) if translated() else (lambda t: t)  # (Chinese: its labels)
                allowed = ", ".join(said(t) for t in self.machine.get_triggers(state)) or _("none")
                raise Refused([
                    _("{trigger} is not allowed in state {state} ({label}); allowed now: {allowed}").format(
                        state=state, label=self.label(state), trigger=said(trigger), allowed=allowed)
                ]) from None
            if not done:
                raise Refused(self.reasons(state, trigger, facts, action) or [_("{trigger} refused").format(trigger=trigger)])
            return Result(source=state, dest=proxy.state, changes=dict(proxy.changes))

    def reasons(self, state: str, trigger: str, facts: Facts, action: Action,
                *, inputs: bool = True) -> list[Reason]:
        """Every failing guard of ``trigger`` from ``state``, in the order the definition lists them."""
        out: list[Reason] = []
        for t in self._transitions_from(state, trigger):
            for g in _as_list(t.get("conditions")):
                guard = self.guards[g]
                if guard.input and not inputs:
                    continue
                text = guard.check(facts, action)
                if text and all(r.text != text for r in out):
                    out.append(Reason(code=g, text=text, law=guard.law))
        return out

    def options(self, state: str, facts: Facts, action: Action) -> list[Option]:
        """The triggers that leave ``state`` (``get_triggers``), each allowed or blocked with reasons."""
        result = []
        for trigger in self.machine.get_triggers(state):
            for t in self._transitions_from(state, trigger):
                blocked = self.reasons(state, trigger, facts, action, inputs=False)
                needs = tuple(self.guards[g].need for g in _as_list(t.get("conditions"))
                              if self.guards[g].input and self.guards[g].hint)
                result.append(Option(trigger=trigger, dest=_value(t["dest"]), allowed=not blocked,
                                     blocked_by=tuple(blocked), needs=needs))
        return result

    def label(self, state: str) -> str:
        return self.labels.get(state, state)

    def trigger_named(self, text: str) -> str:
        """A trigger by its identifier or by its Chinese label (``研判分流`` → ``triage``), from
        the workflow's own labels; anything else is left for ``fire`` to refuse."""
        name = (text or "").strip()
        if name in self._triggers:
            return name
        found = [t for t, label in self.trigger_labels.items() if t in self._triggers and label == name]
        if len(found) == 1:
            return found[0]
        from workflows.config import WORDS
        said = WORDS["trigger"].get(name)  # a word people type for it (上报, 答复), where this workflow has it
        return said if said in self._triggers else name

    def field_named(self, text: str) -> str | None:
        """A value's key by its identifier or its Chinese label (``风险等级``, or a unique start of
        one of at least two characters: ``风险``), or None."""
        key = (text or "").strip()
        if key.lower() in self.fields:
            return key.lower()
        exact = [k for k, spec in self.fields.items() if spec.label == key]
        if len(exact) == 1:
            return exact[0]
        starts = [k for k, spec in self.fields.items() if len(key) >= 2 and spec.label.startswith(key)]
        if len(starts) == 1:
            return starts[0]
        from workflows.config import WORDS
        said = WORDS["field"].get(key)  # a word people type for it (金额, 渠道)
        return said if said in self.fields else None

    def mermaid(self) -> str:
        """The state diagram in Mermaid, from transitions' own GraphMachine (no graphviz)."""
        from transitions.extensions import GraphMachine

        model = _Proxy()
        GraphMachine(model=model, states=self.states, transitions=self.transitions, initial=self.initial,
                     auto_transitions=False, graph_engine="mermaid", show_conditions=True,
                     title=self.name)
        text = model.get_graph().draw(None)
        # The diagram is the definition, not a snapshot: no state is "active" in it.
        return text.replace(f"Class {self.initial.value} s_active", f"Class {self.initial.value} s_default")


def _guard_method(guard: Guard):
    def method(self: _Proxy, *_: Any, **__: Any) -> bool:
        return guard.check(self.facts, self.action) is None
    return method


def _effect_method(effect):
    def method(self: _Proxy, *_: Any, **__: Any) -> None:
        self.changes.update(effect({**self.facts, **self.changes}, self.action))
    return method


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _value(x: Any) -> str:
    return x.value if isinstance(x, enum.Enum) else str(x)
