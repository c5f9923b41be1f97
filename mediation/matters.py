"""行政复议 / 行政应诉 matters against the town, with their answer and defence deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from mediation import access, records, timeutil, validation
from mediation.db import Database
from mediation.errors import InvalidValue, PermissionDenied
from mediation.models import Matter, MatterEvent, Town
from mediation.views import EventView, RecordView, event_view
from workflows import config
from workflows.matter import (DECISION_FORMS, KINDS, LITIGATION_OUTCOMES, RECONSIDERATION_OUTCOMES, STATE_LABELS,
                              WORKFLOWS, deadline_basis)

NUMBER_FORMATS = {"reconsideration": config.RECONSIDERATION_NUMBER_FORMAT,
                  "litigation": config.LITIGATION_NUMBER_FORMAT}


@dataclass(frozen=True)
class MatterView(RecordView):
    state_labels = STATE_LABELS
    instants = ("received_at", "accepted_at", "answered_at", "decided_at", "served_at")
    deadlines = ("deadline",)
    clock_states = frozenset({"received", "answered", "served", "judged"})

    id: int
    number: str
    town: str
    kind: str
    summary: str
    state: str
    received_at: Any
    accepted_at: Any
    answered_at: Any
    decided_at: Any
    served_at: Any
    decision_form: str | None
    extended: bool
    outcome: str | None
    deadline: Any
    version: int
    history: list[EventView] | None = None

    def to_json(self) -> dict[str, Any]:
        return {**super().to_json(), "kind_label": KINDS[self.kind]}


def _officer(s, actor: str | None, town_row: Town | None = None):
    user = access.actor(s, actor)
    if user.role not in ("town", "county"):
        raise PermissionDenied("行政复议、行政应诉由镇、县用户登记办理 / matters are handled by town or county users")
    if town_row is not None and user.role == "town" and user.town_id not in (None, town_row.id):
        raise PermissionDenied(f"{user.name} 只能办理本镇事项 / a town user acts only within their own town")
    return user


def new(db: Database, *, actor: str | None, kind: str, summary: str, at: timeutil.Moment | None = None,
        town: str | None = None, accepted: timeutil.Moment | None = None) -> MatterView:
    """Register a matter: for 行政复议 when the town receives the copy of the application,
    for 行政应诉 when it is served the complaint. The answer/defence clock starts then.
    ``accepted`` is the day the 复议机关 accepted the application: its 60 days to decide run
    from it (行政复议法第62条); without it that deadline is unknown, not guessed."""
    kind_key = validation.choice(kind, KINDS, "事项类型", "matter kind")
    if not (summary or "").strip():
        raise InvalidValue("需填写事项摘要(--summary) / a summary is required")
    if accepted is not None and kind_key != "reconsideration":
        raise InvalidValue("受理日期只用于行政复议 / --accepted is the 复议机关's acceptance of a 行政复议 application")
    if accepted is not None and accepted.at > timeutil.now():
        raise InvalidValue("受理日期在未来 / the acceptance date is in the future")
    with db.write() as s:
        town_row = access.town(s, town) if town else None
        user = _officer(s, actor)
        if town_row is None:
            town_row = s.get(Town, user.town_id) if user.town_id else access.town(s, None)
        _officer(s, actor, town_row)
        s.exec(select(Town).where(Town.id == town_row.id).with_for_update()).one()
        when = timeutil.resolve(at, not_before=None)
        year = timeutil.local(when).year
        seq = records.next_seq(s, Matter, town_row.id, year, Matter.kind == kind_key)
        state = WORKFLOWS[kind_key].initial.value
        row = Matter(town_id=town_row.id, year=year, seq=seq, kind=kind_key, summary=summary.strip(), state=state,
                     number=NUMBER_FORMATS[kind_key].format(year=year, abbr=town_row.abbr, seq=seq),
                     received_at=when, recorded_at=timeutil.now(), last_event_at=when,
                     accepted_at=accepted.at if accepted else None)
        row.deadline = records.due(deadline_basis(kind_key, {"state": state, "received_at": when}))
        s.add(row)
        s.flush()
        s.add(MatterEvent(matter_id=row.id, seq=1, trigger="register", from_state=None, to_state=state,
                          actor=user.name, at=when, recorded_at=row.recorded_at,
                          values={"kind": kind_key, **({"accepted_at": timeutil.iso(accepted.at)} if accepted else {})}))
        s.flush()
        return _view(s, row)


def fire(db: Database, *, actor: str | None, matter: str, trigger: str, note: str | None = None,
         at: timeutil.Moment | None = None, values: Mapping[str, str] | None = None,
         expect_version: int | None = None) -> MatterView:
    with db.write() as s:
        row = access.matter(s, matter, lock=True)
        user = _officer(s, actor, s.get(Town, row.town_id))
        records.check_version(row, expect_version, f"事项 {row.number}")
        typed = _typed(row.kind, values or {})
        when = timeutil.resolve(at, not_before=row.last_event_at)
        facts = {"state": row.state, "received_at": row.received_at, "answered_at": row.answered_at,
                 "decided_at": row.decided_at, "deadline": row.deadline, "accepted_at": row.accepted_at,
                 "extended": row.extended, "served_at": row.served_at, "decision_form": row.decision_form}
        records.advance(s, row, workflow=WORKFLOWS[row.kind], table=Matter, event_table=MatterEvent, fk="matter_id",
                        label=row.number, user=user, trigger=trigger, note=note, when=when, facts=facts, typed=typed,
                        deadline_basis=lambda f: deadline_basis(row.kind, f))
        return _view(s, row)


def _typed(kind: str, values: Mapping[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    outcomes = RECONSIDERATION_OUTCOMES if kind == "reconsideration" else LITIGATION_OUTCOMES
    known = ("outcome",) if kind == "reconsideration" else ("outcome", "served_at", "form")
    for key, raw in values.items():
        k = key.strip().lower()
        if k not in known:
            raise InvalidValue(f"未知字段 '{key}' / unknown --set key; 可用 / known: {', '.join(known)}")
        if k == "outcome":
            out[k] = validation.choice(raw, outcomes, "结果", "outcome")
        elif k == "form":
            out[k] = validation.choice(raw, DECISION_FORMS, "文书类型", "form")
        else:
            moment = timeutil.parse_at(raw or "")
            if moment.at > timeutil.now():
                raise InvalidValue(f"送达日期在未来 / {k} is in the future")
            out[k] = moment.at
    return out


def list_matters(db: Database, *, kind: str | None = None, year: int | None = None,
                 overdue: bool = False) -> list[MatterView]:
    kind_key = validation.choice(kind, KINDS, "事项类型", "matter kind") if kind else None
    with db.read() as s:
        q = records.narrow(s, select(Matter).order_by(Matter.received_at, Matter.id), Matter, Matter.received_at,
                           year=year)
        if kind_key:
            q = q.where(Matter.kind == kind_key)
        if overdue:
            q = q.where(Matter.deadline < timeutil.now())
        return [_view(s, r) for r in s.exec(q).all()]


def show(db: Database, *, matter: str) -> MatterView:
    with db.read() as s:
        row = access.matter(s, matter)
        events = s.exec(select(MatterEvent).where(MatterEvent.matter_id == row.id).order_by(MatterEvent.seq)).all()
        return _view(s, row, history=[event_view(e) for e in events])


def _view(s, row: Matter, history=None) -> MatterView:
    town = s.get(Town, row.town_id).name
    return MatterView(id=row.id, number=row.number, town=town, kind=row.kind, summary=row.summary, state=row.state,
                      received_at=row.received_at, accepted_at=row.accepted_at, answered_at=row.answered_at,
                      decided_at=row.decided_at, served_at=row.served_at, decision_form=row.decision_form,
                      extended=row.extended,
                      outcome=row.outcome, deadline=row.deadline, version=row.version, history=history)
