"""What services return: frozen dataclasses whose ``to_json`` is the contract's shape."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any

from mediation import timeutil, validation
from mediation.deadlines import provisional
from workflows import Option, config
from workflows.dispute import CLOCK_STATES, STATE_LABELS, STEPS


@dataclass(frozen=True)
class PartyView:
    name: str
    id_number: str | None
    phone: str | None
    gender: str | None = None
    ethnicity: str | None = None
    birth_date: date | None = None
    address: str | None = None
    employer: str | None = None

    def spec(self, *, private: bool = True) -> str:
        """The party as typed (``NAME,ID,PHONE,男,汉族,出生日期=…,住址=…,单位=…``): what a
        ledger holds and loads back; ``private=False`` leaves out the ID number, the phone and
        the address (an export that was not unmasked)."""
        parts = [self.name, *((self.id_number, self.phone) if private else ()), self.gender, self.ethnicity,
                 f"出生日期={self.birth_date.isoformat()}" if self.birth_date else None,
                 f"住址={self.address}" if self.address and private else None,
                 f"单位={self.employer}" if self.employer else None]
        return ",".join(p for p in parts if p)


@dataclass(frozen=True)
class EventView:
    seq: int
    trigger: str
    from_: str | None
    to: str
    line: int | None
    actor: str
    at: datetime
    recorded_at: datetime
    note: str | None
    values: dict[str, Any]
    undone: bool = False  # taken back by a later undo step

    @property
    def late(self) -> bool:
        """Taken after the deadline it was for (``records.decide``)."""
        return bool(self.values.get("late"))

    def to_json(self) -> dict[str, Any]:
        return {"seq": self.seq, "trigger": self.trigger, "from": self.from_, "to": self.to, "line": self.line,
                "actor": self.actor, "at": timeutil.iso(self.at), "recorded_at": timeutil.iso(self.recorded_at),
                "note": self.note, "values": self.values, "undone": self.undone, "late": self.late}


class RecordView:
    """What the views of workflow records share (petitions, matters): the state's label,
    whether the current step is overdue, and the JSON shape: instants as ISO datetimes,
    deadlines as their last day. Subclasses set ``state_labels``, ``instants``,
    ``deadlines`` and ``clock_states`` as plain class attributes (not annotated, so they are
    not dataclass fields and never reach the JSON)."""

    state_labels = {}
    instants = ()
    deadlines = ()
    clock_states = frozenset()  # states in which a passed deadline means overdue

    @property
    def state_label(self) -> str:
        return self.state_labels.get(self.state, self.state)

    @property
    def overdue(self) -> bool:
        return (self.state in self.clock_states and self.deadline is not None
                and self.deadline < timeutil.now())

    @property
    def provisional(self) -> bool:
        """The deadline ends in a year whose 调休 are not known yet (暂定; ``mediation.deadlines``)."""
        return provisional(self.deadline)

    def to_json(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("history", "access")}
        for k in self.instants:
            d[k] = timeutil.iso(d[k])
        for k in self.deadlines:
            d[k] = timeutil.iso_deadline(d[k])
        d.update(state_label=self.state_label, overdue=self.overdue, provisional=self.provisional)
        if getattr(self, "access", None) is not None:
            d["access"] = [{**a, "at": timeutil.iso(a["at"])} for a in self.access]
        if self.history is not None:
            d["history"] = [e.to_json() for e in self.history]
        return d


@dataclass(frozen=True)
class CaseView:
    id: int
    number: str
    town: str
    village: str
    type: str
    summary: str
    state: str
    line: int
    risk: str | None
    kind: str
    source: str | None
    screening: str | None
    parties: list[str]
    party_details: list[PartyView]
    mediator: str | None
    registered_at: datetime
    recorded_at: datetime
    deadline: datetime | None
    outcome: str | None
    version: int
    agreement: str | None = None
    terms: str | None = None
    amount: str | None = None
    agreed_at: datetime | None = None
    performance_due: datetime | None = None  # the agreement's 履行期限
    visit_due: datetime | None = None  # its 回访
    channel: str | None = None
    channel_deadline: datetime | None = None  # the party's own last day for the channel
    channel_law: str | None = None
    confirmation_accepted_at: datetime | None = None  # the court's 受理 of 司法确认
    satisfied: bool | None = None
    reopened: int = 0
    petitions: list[str] = field(default_factory=list)  # 信访件 linked to this case, both ways
    history: list[EventView] | None = field(default=None)
    access: list[dict[str, Any]] | None = None  # who saw the personal data in full (office users only)
    similar: list[str] | None = None  # at registration: earlier cases that look like the same dispute
    # at registration: a party's dispute resolved within ``config.RECURRENCE_MONTHS`` (反复)
    recurrence: list[dict[str, Any]] | None = None

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def step(self) -> str:
        return STEPS.get(self.state, "")

    @property
    def overdue(self) -> bool:
        return self.state in CLOCK_STATES and self.deadline is not None and self.deadline < timeutil.now()

    @property
    def group(self) -> bool:
        """群体性: this many parties or more (config.GROUP_DISPUTE_PARTIES)."""
        return len(self.parties) >= config.GROUP_DISPUTE_PARTIES

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("registered_at", "recorded_at", "agreed_at", "confirmation_accepted_at"):
            d[key] = timeutil.iso(d[key])
        for key in ("performance_due", "visit_due"):  # (days, as every deadline is said)
            d[key] = timeutil.iso_deadline(d[key])
        d["deadline"] = timeutil.iso_deadline(self.deadline)
        d["channel_deadline"] = timeutil.iso_deadline(self.channel_deadline)
        # A party carries the details it was given (contract: "may carry"): none are null.
        d["party_details"] = [{k: (v.isoformat() if isinstance(v, date) else v) for k, v in p.items()
                               if v is not None or k in ("id_number", "phone")} for p in d["party_details"]]
        d.update(state_label=self.state_label, step=self.step, overdue=self.overdue, group=self.group,
                 provisional=provisional(self.deadline))
        if self.history is None:
            d.pop("history")
        else:
            d["history"] = [e.to_json() for e in self.history]
        if self.access is None:
            d.pop("access")
        else:
            d["access"] = [{**a, "at": timeutil.iso(a["at"])} for a in self.access]
        if self.similar is None:
            d.pop("similar")
        if self.recurrence is None:
            d.pop("recurrence")
        else:
            d["recurrence"] = [{**r, "resolved_at": timeutil.iso(r["resolved_at"])} for r in self.recurrence]
        return d


@dataclass(frozen=True)
class NextView:
    case: CaseView
    options: list[Option]
    permission: str | None  # why this actor may not act on the case at all, if so

    def to_json(self) -> dict[str, Any]:
        return {"id": self.case.id, "number": self.case.number, "state": self.case.state,
                "version": self.case.version, "permission": self.permission,
                **options_json(self.options, self.permission)}


def options_json(options: list[Option], permission: str | None) -> dict[str, list[dict[str, Any]]]:
    """``allowed`` (with what each needs) and ``blocked`` (with why), for "what next" documents.
    Needs and reasons carry their marks (``workflows.phrase``): the edge words them."""
    return {
        "allowed": [{"trigger": o.trigger, "to": o.dest, "needs": list(o.needs)}
                    for o in options if o.allowed and not permission],
        "blocked": [{"trigger": o.trigger, "to": o.dest,
                     "reasons": [r.text for r in o.blocked_by] + ([permission] if permission else [])}
                    for o in options if not o.allowed or permission],
    }


def case_view(row, place: tuple[str, str], parties, *, full: list | None = None,
              history: list[EventView] | None = None, petitions: list[str] | None = None) -> CaseView:
    """``parties``: rows with ``name`` and the masks; ``full``: their (ID number, phone) in
    order, when unmasked (``mediation.personal``)."""
    town, village = place
    if full:
        details = [PartyView(p.name, full[i][0], full[i][1], p.gender, p.ethnicity, p.birth_date, full[i][2],
                             p.employer) for i, p in enumerate(parties)]
    else:  # (positional: a list of a thousand cases builds a few thousand of these)
        details = [PartyView(p.name, p.id_number_masked, p.phone_masked, p.gender, p.ethnicity, p.birth_date,
                             p.address_masked, p.employer) for p in parties]
    return CaseView(
        id=row.id, number=row.number, town=town, village=village, type=row.type, summary=row.summary,
        state=row.state, line=row.line, risk=row.risk, kind=row.kind, source=row.source,
        screening=row.screening, parties=[p.name for p in parties], party_details=details,
        mediator=row.mediator, registered_at=row.registered_at, recorded_at=row.recorded_at,
        deadline=row.deadline, outcome=row.outcome, version=row.version, agreement=row.agreement,
        terms=row.terms, amount=validation.yuan(row.amount_fen) if row.amount_fen is not None else None,
        agreed_at=row.agreed_at, performance_due=row.performance_due, visit_due=row.visit_due,
        channel=row.channel, channel_deadline=row.channel_deadline,
        channel_law=row.channel_law, confirmation_accepted_at=row.confirmation_accepted_at,
        satisfied=row.satisfied, reopened=row.reopened,
        petitions=petitions or [], history=history,
    )


def event_view(e) -> EventView:
    return EventView(seq=e.seq, trigger=e.trigger, from_=e.from_state, to=e.to_state, line=getattr(e, "line", None),
                     actor=e.actor, at=e.at, recorded_at=e.recorded_at, note=e.note, values=e.values or {},
                     undone=bool(getattr(e, "undone", False)))
