"""社区矫正 / 安置帮教 subjects and their employment history (the report's 就业率)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import select

from mediation import access, permissions, records, steps, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotAllowed, NotFound
from mediation.models import Employment, Subject, SubjectEvent, Town, Village
from mediation.views import EventView, event_view
from workflows import ask, option
from workflows.subject import (SUBJECT_CATEGORIES, EMPLOYMENT, ENDED_STATES, RESETTLEMENT_YEARS, STATE_LABELS, SUBJECT)
from workflows.i18n import N_, _


@dataclass(frozen=True)
class EmploymentView:
    status: str
    at: Any
    actor: str

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "label": EMPLOYMENT[self.status], "at": timeutil.iso(self.at),
                "actor": self.actor}


@dataclass(frozen=True)
class SubjectView:
    id: int
    name: str
    town: str
    village: str | None
    category: str
    state: str
    received_at: Any
    term_end: Any
    ended_at: Any
    end_reason: str | None
    employment: str | None
    version: int
    employment_history: list[EmploymentView] | None = None
    history: list[EventView] | None = None
    similar: list[str] | None = None  # at registration: the town's subjects of that name still managed

    @property
    def state_label(self) -> str:
        return STATE_LABELS.get(self.state, self.state)

    @property
    def term_over(self) -> bool:
        """Still under supervision although the term has ended: due for 解除."""
        return (self.state not in ENDED_STATES | {"void"} and self.term_end is not None
                and self.term_end < timeutil.now())

    def to_json(self) -> dict[str, Any]:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("history", "employment_history")}
        for k in ("received_at", "ended_at"):
            d[k] = timeutil.iso(d[k])
        # The term's end is a day, like every other deadline (the term's last day; 安置帮教: the
        # fifth anniversary of release).
        d["term_end"] = timeutil.local_date(self.term_end).isoformat() if self.term_end else None
        d["term_over"] = self.term_over
        d.update(category_label=SUBJECT_CATEGORIES[self.category], state_label=self.state_label)
        if self.history is not None:
            d["history"] = [e.to_json() for e in self.history]
            d["employment_history"] = [e.to_json() for e in self.employment_history or []]
        return d


def new(db: UnitOfWork, *, actor: str | None, name: str, category: str, village: str | None = None,
        at: timeutil.Moment | None = None, town: str | None = None, term_end: timeutil.Moment | None = None,
        released: timeutil.Moment | None = None) -> SubjectView:
    """Receive a subject (接收). A mediator may register subjects of their own village.
    ``term_end`` is the end of a correction term; ``released`` the day a resettlement subject
    left prison, whose 安置帮教 runs five years from then."""
    cat = validation.choice(category, SUBJECT_CATEGORIES, N_("subject category"))
    if released is not None and cat != "resettlement":
        raise InvalidValue(ask(_("{option} (the release date) is for resettlement subjects"), option=option("released")))
    if term_end is not None and cat != "correction":
        raise InvalidValue(ask(_("{option} (the end of the term) is for correction subjects"), option=option("term_end")))
    # Without them no clock can run: a subject would be counted every year for ever.
    if cat == "correction" and term_end is None:
        raise InvalidValue(ask(_("a 社区矫正 subject needs the day the correction term ends ({option})"), option=option("term_end")))
    if cat == "resettlement" and released is None:
        raise InvalidValue(ask(_("a 安置帮教 subject needs the day of release from prison ({option}): 帮教 runs five years "
                             "from it"), option=option("released")))
    end = _term_end(term_end, released)
    if not (name or "").strip():
        raise InvalidValue(_("a name is required"))
    with db.write() as s:
        user = access.actor(s, actor)
        village_row = access.village(s, village) if village else None
        if village_row is not None:
            permissions.may_register_in(user, village_row)
            town_row = s.get(Town, village_row.town_id)
        else:
            if permissions.registers_by_village(user):
                raise InvalidValue(ask(_("a mediator registers subjects of their village ({option})"), option=option("village")))
            town_row = access.town(s, town) if town else (s.get(Town, user.town_id) if user.town_id
                                                          else access.town(s, None))
            permissions.may_register_in_town(user, town_row.id)
        when = timeutil.resolve(at, not_before=None)
        if end is not None and end <= when:
            raise InvalidValue(_("the term ends on {end}, before the subject was received").format(
                end=timeutil.show(end, minutes=False)) + (_(" (安置帮教 lasts five years from release)") if released else ""))
        row = Subject(town_id=town_row.id, village_id=village_row.id if village_row else None, name=name.strip(),
                      category=cat, state="received", received_at=when, recorded_at=timeutil.now(),
                      last_event_at=when, term_end=end)
        s.add(row)
        s.flush()
        records.opening_events(s, row, kind="subject", event_table=SubjectEvent, fk="subject_id", events=[dict(
            seq=1, trigger="register", from_state=None, to_state="received", actor=user.name, at=when,
            recorded_at=row.recorded_at, note=None, values={"category": cat})])
        s.flush()
        similar = [f"id {i} {n}" for i, n in s.exec(select(Subject.id, Subject.name).where(
            Subject.town_id == row.town_id, Subject.name == row.name, Subject.category == row.category,
            Subject.id != row.id, Subject.state.not_in(ENDED_STATES | {"void"})).order_by(Subject.id)).all()]
        return replace(_view(s, row), similar=similar)


def _term_end(term_end: timeutil.Moment | None, released: timeutil.Moment | None):
    """The end of the subject's clock: the correction term's last day, or five years after
    release from prison (安置帮教)."""
    if released is not None:
        if released.at > timeutil.now():
            raise InvalidValue(_("the release date is in the future"))
        import pendulum

        return timeutil.utc(pendulum.instance(timeutil.local(released.at)).add(years=RESETTLEMENT_YEARS))
    return term_end.at if term_end else None


def _load(s, ref: str, *, lock: bool = False) -> Subject:
    """A subject by its id (``3`` or ``id:3``): subjects have no register number."""
    raw = (ref or "").strip()
    raw = raw[3:].strip() if raw.lower().startswith("id:") else raw
    if not raw.isdigit() or len(raw) > 15:
        raise InvalidValue(_("a subject is named by its id: '{ref}'").format(ref=ref))
    row = records.read(s, Subject, id=int(raw), lock=lock)
    if row is None:
        raise NotFound(_("no subject with id {id}").format(id=raw))
    return row


def fire(db: UnitOfWork, *, actor: str | None, subject: str, trigger: str, note: str | None = None,
         at: timeutil.Moment | None = None, values: Mapping[str, str] | None = None,
         expect_version: int | None = None) -> SubjectView:
    return steps.fire(db, REGISTER, actor=actor, ref=subject, trigger=trigger, note=note, at=at, values=values,
                      expect_version=expect_version)


def undo(db: UnitOfWork, *, actor: str | None, subject: str, note: str | None,
         expect_version: int | None = None) -> SubjectView:
    """Take back the subject's last workflow step (kept, marked undone, in no count)."""
    return steps.undo(db, REGISTER, actor=actor, ref=subject, note=note, expect_version=expect_version)


def void(db: UnitOfWork, *, actor: str | None, subject: str, note: str | None,
         expect_version: int | None = None) -> SubjectView:
    """作废: a duplicate or mistaken registration; kept and shown, counted nowhere."""
    return steps.void(db, REGISTER, actor=actor, ref=subject, note=note, expect_version=expect_version)


def next_actions(db: UnitOfWork, *, subject: str, actor: str | None = None) -> steps.Next:
    return steps.next_actions(db, REGISTER, ref=subject, actor=actor)


REGISTER = records.Register(
    name="subject", table=Subject, event_table=SubjectEvent, fk="subject_id", workflow=lambda row: SUBJECT,
    facts=lambda row: {"state": row.state, "category": row.category, "term_end": row.term_end},
    label=lambda row: f"对象 {row.id} {row.name}", load=lambda s, ref, lock=False, viewed=False: _load(s, ref, lock=lock),
    view=lambda s, row, user: _view(s, row))


def amend(db: UnitOfWork, *, actor: str | None, subject: str, note: str | None, name: str | None = None,
          village: str | None = None, term_end: timeutil.Moment | None = None,
          released: timeutil.Moment | None = None, expect_version: int | None = None) -> SubjectView:
    """更正: correct the name, the village, or the end of the subject's clock (a correction
    term's end; a resettlement subject's release from prison, five years before it), as one
    audited step with the old and new values."""
    with db.write() as s:
        user = access.actor(s, actor)
        row = _load(s, subject, lock=True)
        records.check_version(row, expect_version, f"对象 {row.id}")
        fix = records.Correction(s, user, row, village=village)
        fix.text("name", name)
        if term_end is not None and row.category != "correction":
            raise InvalidValue(ask(_("{option} (the end of the term) is for correction subjects"), option=option("term_end")))
        if released is not None and row.category != "resettlement":
            raise InvalidValue(ask(_("{option} (the release date) is for resettlement subjects"), option=option("released")))
        end = _term_end(term_end, released)
        if end is not None and end != row.term_end:
            if end <= row.received_at:
                raise InvalidValue(_("the term ends on {end}, before the subject was received").format(
                    end=timeutil.show(end, minutes=False)))
            old = timeutil.show(row.term_end, minutes=False) if row.term_end else None
            fix.set("term_end", end, shown=(old, timeutil.show(end, minutes=False)))
        records.amend(s, REGISTER, row, user=user, note=note, changes=fix.changes, shown=fix.shown)
        return _view(s, row)


def employment(db: UnitOfWork, *, actor: str | None, subject: str, status: str,
               at: timeutil.Moment | None = None) -> SubjectView:
    """Record the subject's employment status from ``at`` on; the history is kept."""
    key = validation.choice(status, EMPLOYMENT, N_("employment status"))
    with db.write() as s:
        user = access.actor(s, actor)
        row = _load(s, subject, lock=True)
        permissions.may_act_on(user, row)
        if row.state in ENDED_STATES or row.state == "void":
            raise NotAllowed(_("subject {id} is {state}: supervision has ended").format(id=row.id, state=STATE_LABELS[row.state]))
        last = s.exec(select(Employment.at).where(Employment.subject_id == row.id)
                      .order_by(Employment.at.desc()).limit(1)).first()
        when = timeutil.resolve(at, not_before=max(x for x in (last, row.received_at) if x is not None),
                                what=_("the last record"))
        s.add(Employment(subject_id=row.id, status=key, at=when, recorded_at=timeutil.now(), actor=user.name))
        s.flush()
        # The change is an audit event too (state unchanged), like every other change.
        records.write_transition(s, row, kind="subject", table=Subject, event_table=SubjectEvent, fk="subject_id",
                                 changes={"last_event_at": max(when, row.last_event_at)}, label=f"对象 {row.id}",
                                 event=dict(trigger="employment", from_state=row.state, to_state=row.state,
                                            actor=user.name, at=when, recorded_at=timeutil.now(),
                                            values={"status": key}))
        return _view(s, row)


def list_subjects(db: UnitOfWork, *, category: str | None = None, village: str | None = None,
                  limit: int | None = None) -> list[SubjectView]:
    """By receipt; views are built for the ``limit`` rows returned only."""
    with db.read() as s:
        q = _list_query(s, category=category, village=village)
        return [_view(s, r) for r in s.exec(q.limit(limit) if limit else q).all()]


def count_subjects(db: UnitOfWork, **narrowed: Any) -> int:
    """How many subjects ``list_subjects`` would give without a limit."""
    with db.read() as s:
        return records.count(s, _list_query(s, **narrowed), Subject)


def _list_query(s, *, category=None, village=None):
    cat = validation.choice(category, SUBJECT_CATEGORIES, N_("subject category")) if category else None
    q = select(Subject).order_by(Subject.received_at, Subject.id)
    if cat:
        q = q.where(Subject.category == cat)
    if village:
        q = q.where(Subject.village_id == access.village(s, village).id)
    return q


def show(db: UnitOfWork, *, subject: str) -> SubjectView:
    with db.read() as s:
        row = _load(s, subject)
        events = s.exec(select(SubjectEvent).where(SubjectEvent.subject_id == row.id)
                        .order_by(SubjectEvent.seq)).all()
        jobs = s.exec(select(Employment).where(Employment.subject_id == row.id).order_by(Employment.at)).all()
        return _view(s, row, history=[event_view(e) for e in events],
                     employment_history=[EmploymentView(j.status, j.at, j.actor) for j in jobs])


def _view(s, row: Subject, history=None, employment_history=None) -> SubjectView:
    town = s.get(Town, row.town_id).name
    village = s.get(Village, row.village_id).name if row.village_id else None
    current = s.exec(select(Employment.status).where(Employment.subject_id == row.id)
                     .order_by(Employment.at.desc(), Employment.id.desc()).limit(1)).first()
    return SubjectView(id=row.id, name=row.name, town=town, village=village, category=row.category, state=row.state,
                       received_at=row.received_at, term_end=row.term_end, ended_at=row.ended_at,
                       end_reason=row.end_reason,
                       employment=current, version=row.version, employment_history=employment_history,
                       history=history)
