"""行政复议 / 行政应诉 matters against the town, with their answer and defence deadlines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from sqlmodel import select

from mediation import access, permissions, records, steps, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue
from mediation.models import Matter, MatterEvent, Town
from mediation.views import EventView, RecordView, event_view
from workflows import ask, config, option
from workflows.matter import CLOCK_STATES, MATTER_KINDS, STATE_LABELS, SUE_AFTER_SILENCE, WORKFLOWS, deadline_basis
from workflows.i18n import N_, _

NUMBER_FORMATS = {"reconsideration": config.RECONSIDERATION_NUMBER_FORMAT,
                  "litigation": config.LITIGATION_NUMBER_FORMAT}


@dataclass(frozen=True)
class MatterView(RecordView):
    state_labels = STATE_LABELS
    instants = ("received_at", "accepted_at", "answered_at", "decided_at", "served_at")
    deadlines = ("deadline",)
    clock_states = CLOCK_STATES

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
    extension_days: int | None
    instance: int | None
    outcome: str | None
    deadline: Any
    version: int
    history: list[EventView] | None = None
    similar: list[str] | None = None  # at registration: earlier matters that look like this one

    @property
    def sue_by(self):
        """A 复议 whose decision period has run out undecided: the end of the applicant's 15
        days to sue instead (行政诉讼法第45条), counted from the period's last day."""
        if self.kind != "reconsideration" or self.state != "answered" or not self.overdue:
            return None
        return records.due((self.deadline - timedelta(days=1), SUE_AFTER_SILENCE))

    def to_json(self) -> dict[str, Any]:
        sue_by = self.sue_by
        return {**super().to_json(), "kind_label": MATTER_KINDS[self.kind],
                "sue_by": timeutil.iso_deadline(sue_by) if sue_by else None}


def new(db: UnitOfWork, *, actor: str | None, kind: str, summary: str, at: timeutil.Moment | None = None,
        town: str | None = None, accepted: timeutil.Moment | None = None) -> MatterView:
    """Register a matter: for 行政复议 when the town receives the copy of the application,
    for 行政应诉 when it is served the complaint. The answer/defence clock starts then.
    ``accepted`` is the day the 复议机关 accepted the application: its 60 days to decide run
    from it (行政复议法第62条); without it that deadline is unknown, not guessed."""
    kind_key = validation.choice(kind, MATTER_KINDS, N_("matter kind"))
    if not (summary or "").strip():
        raise InvalidValue(ask(_("a summary of the matter is required ({option})"), option=option("summary")))
    if accepted is not None:
        _check_accepted(kind_key, accepted, received=timeutil.resolve(at, not_before=None))
    with db.write() as s:
        town_row = access.town(s, town) if town else None
        user = access.actor(s, actor)
        permissions.may_handle_matters(user)
        if town_row is None:
            town_row = s.get(Town, user.town_id) if user.town_id else access.town(s, None)
        permissions.may_handle_matters(user, town_row.id)
        when = timeutil.resolve(at, not_before=None)
        year = timeutil.local(when).year
        seq = records.next_seq(s, Matter, town_row.id, year, kind=kind_key)
        state = WORKFLOWS[kind_key].initial.value
        row = Matter(town_id=town_row.id, year=year, seq=seq, kind=kind_key, summary=summary.strip(), state=state,
                     number=NUMBER_FORMATS[kind_key].format(year=year, abbr=town_row.abbr, seq=seq),
                     received_at=when, recorded_at=timeutil.now(), last_event_at=when,
                     accepted_at=accepted.at if accepted else None)
        row.deadline = records.due(deadline_basis(kind_key, {"state": state, "received_at": when}))
        s.add(row)
        s.flush()
        records.opening_events(s, row, kind="matter", event_table=MatterEvent, fk="matter_id", events=[dict(
            seq=1, trigger="register", from_state=None, to_state=state, actor=user.name, at=when,
            recorded_at=row.recorded_at, note=None,
            values={"kind": kind_key, **({"accepted_at": timeutil.iso(accepted.at)} if accepted else {})})])
        s.flush()
        return replace(_view(s, row), similar=_similar(s, row))


def _similar(s, row: Matter) -> list[str]:
    """The town's earlier matters of the same kind received within ``SIMILAR_DAYS`` with a
    summary alike: a warning at registration (the same act may be challenged twice)."""
    from datetime import timedelta

    from mediation.cases import SIMILAR_DAYS, alike

    q = select(Matter.number, Matter.summary).where(
        Matter.town_id == row.town_id, Matter.kind == row.kind, Matter.id != row.id, Matter.state != "void",
        Matter.received_at >= row.received_at - timedelta(days=SIMILAR_DAYS),
        Matter.received_at <= row.received_at + timedelta(days=1)).order_by(Matter.received_at)
    return [number for number, summary in s.exec(q).all() if alike(summary, row.summary)]


def _check_accepted(kind: str, accepted: timeutil.Moment, *, received) -> None:
    """The 复议机关 accepts the application, then sends the town its copy (行政复议法第48条)."""
    if kind != "reconsideration":
        raise InvalidValue(ask(_("{option} is the 复议机关's acceptance of a 行政复议 application: it is for "
                             "reconsiderations only"), option=option("accepted")))
    if accepted.at > timeutil.now():
        raise InvalidValue(_("the acceptance date is in the future"))
    if timeutil.local_date(accepted.at) > timeutil.local_date(received):
        raise InvalidValue(_("the acceptance ({accepted}) cannot come after the town received the copy of the "
                             "application ({received}): the copy follows it (行政复议法 art 48)").format(
            accepted=timeutil.local_date(accepted.at).isoformat(), received=timeutil.local_date(received).isoformat()))


def _acting_on(s, actor: str | None, matter: str, expect_version: int | None):
    return steps.acting_on(s, REGISTER, actor, matter, expect_version)


def fire(db: UnitOfWork, *, actor: str | None, matter: str, trigger: str, note: str | None = None,
         at: timeutil.Moment | None = None, values: Mapping[str, str] | None = None,
         expect_version: int | None = None) -> MatterView:
    return steps.fire(db, REGISTER, actor=actor, ref=matter, trigger=trigger, note=note, at=at, values=values,
                      expect_version=expect_version)


def amend(db: UnitOfWork, *, actor: str | None, matter: str, note: str | None, summary: str | None = None,
          accepted: timeutil.Moment | None = None, expect_version: int | None = None) -> MatterView:
    """更正: correct the summary, or a 复议's acceptance day (its decision deadline follows), as
    one audited step with the old and new values."""
    with db.write() as s:
        user, row = _acting_on(s, actor, matter, expect_version)
        fix = records.Correction(s, user, row)
        fix.text("summary", summary)
        if accepted is not None:
            _check_accepted(row.kind, accepted, received=row.received_at)
            day = timeutil.local_date(accepted.at)
            if row.accepted_at is None or timeutil.local_date(row.accepted_at) != day:
                old = timeutil.local_date(row.accepted_at).isoformat() if row.accepted_at else None
                fix.set("accepted_at", accepted.at, shown=(old, day.isoformat()))
                deadline = records.due(deadline_basis(row.kind, {**_facts(row), "accepted_at": accepted.at}))
                if deadline != row.deadline:
                    fix.changes["deadline"] = deadline
        records.amend(s, REGISTER, row, user=user, note=note, changes=fix.changes, shown=fix.shown)
        return _view(s, row)


def undo(db: UnitOfWork, *, actor: str | None, matter: str, note: str | None,
         expect_version: int | None = None) -> MatterView:
    """Take back the matter's last workflow step (kept, marked undone, in no count)."""
    return steps.undo(db, REGISTER, actor=actor, ref=matter, note=note, expect_version=expect_version)


def void(db: UnitOfWork, *, actor: str | None, matter: str, note: str | None,
         expect_version: int | None = None) -> MatterView:
    """作废: a duplicate or mistaken registration; kept and shown, in no count."""
    return steps.void(db, REGISTER, actor=actor, ref=matter, note=note, expect_version=expect_version)


def next_actions(db: UnitOfWork, *, matter: str, actor: str | None = None) -> steps.Next:
    return steps.next_actions(db, REGISTER, ref=matter, actor=actor)


def _facts(row: Matter) -> dict[str, Any]:
    return {"state": row.state, "received_at": row.received_at, "answered_at": row.answered_at,
            "decided_at": row.decided_at, "deadline": row.deadline, "accepted_at": row.accepted_at,
            "extended": row.extended, "extension_days": row.extension_days, "served_at": row.served_at,
            "decision_form": row.decision_form, "instance": row.instance}


REGISTER = records.Register(
    name="matter", table=Matter, event_table=MatterEvent, fk="matter_id", workflow=lambda row: WORKFLOWS[row.kind],
    facts=_facts, deadline_basis=lambda row, facts: deadline_basis(row.kind, facts), label=lambda row: row.number,
    clock_states=CLOCK_STATES, load=lambda s, ref, lock=False, viewed=False: access.matter(s, ref, lock=lock),
    may_act=lambda user, row: permissions.may_handle_matters(user, row.town_id), view=lambda s, row, user: _view(s, row))


def list_matters(db: UnitOfWork, *, kind: str | None = None, year: int | None = None, overdue: bool = False,
                 limit: int | None = None) -> list[MatterView]:
    """By receipt; views are built for the ``limit`` rows returned only."""
    with db.read() as s:
        q = _list_query(s, kind=kind, year=year, overdue=overdue)
        return [_view(s, r) for r in s.exec(q.limit(limit) if limit else q).all()]


def count_matters(db: UnitOfWork, **narrowed: Any) -> int:
    """How many matters ``list_matters`` would give without a limit."""
    with db.read() as s:
        return records.count(s, _list_query(s, **narrowed), Matter)


def _list_query(s, *, kind=None, year=None, overdue=False):
    kind_key = validation.choice(kind, MATTER_KINDS, N_("matter kind")) if kind else None
    q = records.narrow(s, select(Matter).order_by(Matter.received_at, Matter.id), Matter, Matter.received_at,
                       year=year)
    if kind_key:
        q = q.where(Matter.kind == kind_key)
    if overdue:
        q = q.where(*REGISTER.overdue(timeutil.now()))
    return q


def show(db: UnitOfWork, *, matter: str) -> MatterView:
    with db.read() as s:
        row = access.matter(s, matter)
        events = s.exec(select(MatterEvent).where(MatterEvent.matter_id == row.id).order_by(MatterEvent.seq)).all()
        return _view(s, row, history=[event_view(e) for e in events])


def _view(s, row: Matter, history=None) -> MatterView:
    town = s.get(Town, row.town_id).name
    return MatterView(id=row.id, number=row.number, town=town, kind=row.kind, summary=row.summary, state=row.state,
                      received_at=row.received_at, accepted_at=row.accepted_at, answered_at=row.answered_at,
                      decided_at=row.decided_at, served_at=row.served_at, decision_form=row.decision_form,
                      extended=row.extended, extension_days=row.extension_days, instance=row.instance,
                      outcome=row.outcome, deadline=row.deadline, version=row.version, history=history)
