"""What every workflow-driven register shares: numbering, deadlines, and the version-checked
write of a state change together with its audit event."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, text, update
from sqlalchemy import select as core_select
from sqlmodel import select

from mediation import audit, deadlines, search, timeutil, validation
from mediation import values as typing
from mediation.errors import ConcurrentChange, InvalidValue, NotAllowed
from mediation.tables.base import UTCDateTime
from workflows import NOTE, Action, Due, Period, Refused, ask
from workflows.i18n import N_, _


def next_seq(s, table, town_id: int, year: int, *, kind: str | None = None) -> int:
    """The next number in a town's yearly register (of ``kind``, for matters), the town's
    numbering held until the transaction ends. SQLite: the write transaction holds the whole
    file. PostgreSQL: a function of the schema owner's counts every village's records (a
    mediator's own login sees only theirs) under a lock on the town (``mediation.logins``)."""
    if s.get_bind().dialect.name == "postgresql":
        return s.exec(text("SELECT mediation_next_seq(:register, :town, :year, :kind)")
                      .bindparams(register=table.__tablename__, town=town_id, year=year, kind=kind)).scalar_one()
    q = select(func.max(table.seq)).where(table.town_id == town_id, table.year == year)
    if kind is not None:
        q = q.where(table.kind == kind)
    return (s.exec(q).one() or 0) + 1


def narrow(s, q, table, when, *, village: str | None = None, state: str | None = None, year: int | None = None,
           first=None, last=None):
    """The list filters every register shares: a village, a state, a year of ``when``, or the
    days ``first`` to ``last`` (both included; either may be open) — instant ranges in
    Asia/Shanghai, so the index on ``when`` stays usable."""
    from mediation import access, permissions, timeutil

    if village:
        q = q.where(table.village_id == access.village(s, village).id)
    else:  # the acting user's own place by default, on every engine (a login's policies aside)
        place = permissions.default_scope(s.info.get("acting"))
        if place is not None and place[0] == "village" and hasattr(table, "village_id"):
            q = q.where(table.village_id == place[1])
        elif place is not None and hasattr(table, "town_id"):
            q = q.where(table.town_id == place[2])
    if state:
        q = q.where(table.state == state)
    if year is not None:
        start, end = timeutil.year_bounds(year)
        q = q.where(when >= start, when < end)
    if first is not None and last is not None and first > last:
        from mediation.errors import InvalidValue
        from workflows.i18n import _
        raise InvalidValue(_("the first day {first} comes after the last {last}").format(first=first, last=last))
    if first is not None:
        q = q.where(when >= timeutil.day_start(first))
    if last is not None:
        from datetime import timedelta
        q = q.where(when < timeutil.day_start(last + timedelta(days=1)))
    return q


def count(s, q, table) -> int:
    """How many rows the list query ``q`` of ``table`` gives without a limit: one
    ``count(*)`` over its ids, what a terminal's page says is left."""
    return s.execute(core_select(func.count()).select_from(
        q.order_by(None).limit(None).with_only_columns(table.id).subquery())).scalar_one()


def due(basis: tuple[datetime, Period] | None) -> datetime | None:
    return deadlines.due(*basis) if basis else None


class Record:
    """A register's row read with one Core statement, its columns as plain attributes: what a
    step reads, decides on and writes back (``write_transition`` keeps it up to date). No ORM
    object is built on a step's path (docs/performance.md, "A step's Python")."""

    __table__: Any = None

    def __init__(self, values: Mapping[str, Any]) -> None:
        self.__dict__.update(values)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} id={self.__dict__.get('id')}>"


@cache
def record_type(model) -> type[Record]:
    """The plain-record class of a table (``CaseRecord``: ``__table__`` is the case table's)."""
    return type(f"{model.__name__}Record", (Record,), {"__table__": model.__table__, "model": model})


def read(s, model, *, lock: bool = False, extra: tuple = (), **key: Any) -> Record | None:
    """The row of ``model`` whose one ``key`` column has the value given (``id=3``,
    ``number=…``), as a ``Record``; ``lock``: ``FOR UPDATE`` on PostgreSQL (SQLite's write
    transaction holds the whole file). ``extra``: labelled expressions read in the same
    statement (a step's view, ``cases._view_columns``), kept under their labels."""
    ((column, value),) = key.items()
    found = s.connection().execute(_read(model, column, lock, extra), {"key": value}).mappings().first()
    return None if found is None else record_type(model)(found)


@cache
def _read(model, column: str, lock: bool, extra: tuple = ()):
    """Every column an ORM load reads: never the private ones (ID numbers, phones, addresses),
    which the model defers and a person's PostgreSQL login may not select."""
    from sqlalchemy import inspect

    loaded = [c for prop in inspect(model).column_attrs if not prop.deferred for c in prop.columns]
    t = model.__table__
    q = core_select(*loaded, *extra).where(t.c[column] == bindparam("key"))
    return q.with_for_update(of=t) if lock else q


def check_version(row, expect_version: int | None, label: str) -> None:
    if expect_version is not None and expect_version != row.version:
        raise ConcurrentChange(_("{label} changed since you looked (version {version}, not {seen}): look again").format(
            label=label, version=row.version, seen=expect_version))


def write_transition(s, row, *, kind: str, table, event_table, fk: str, changes: dict[str, Any],
                     event: dict[str, Any], label: str) -> None:
    """UPDATE … WHERE version = the version read, and the audit event, in the caller's
    transaction; a lost race writes nothing and says so.

    Every change raises ``version`` by one and writes exactly one event, so a record's
    events are numbered 1..version and the new event's ``seq`` is the new version (the
    unique (record, seq) constraint would refuse a second writer anyway). The event is
    chained to the record's last one (``audit.event_hash``), and the record keeps the new
    hash, in the same UPDATE."""
    from sqlalchemy.orm.attributes import set_committed_value

    loaded = row.version
    if hasattr(row, "search") and "search" not in changes:  # a note is found again (mediation/search.py)
        said = [v.get("new") for v in (event.get("values") or {}).values() if isinstance(v, dict)] \
            if event.get("trigger") == "amend" else []
        if event.get("note") or said:
            changes = {**changes, "search": search.appended(row.search, event.get("note"), *said)}
    event = {**event, "seq": loaded + 1, "prior": prior_of(row, changes)}
    event["hash"] = changes["last_hash"] = audit.event_hash(row.last_hash, kind, row.id, event)
    moved = {"_id": row.id, "_seen": loaded, **{f"_{k}": v for k, v in changes.items()}}
    postgresql = s.get_bind().dialect.name == "postgresql"
    if postgresql:
        # One statement, one round trip to the server: the record moves and its event is
        # written only if it moved (docs/performance.md, "A step's round trips").
        event = {"town_id": row.town_id, **event}
        written = s.connection().execute(_update_and_log(table, tuple(changes), event_table, fk, tuple(event)),
                                         {**moved, **{f"e_{k}": v for k, v in event.items()}}).all()
        count = len(written)  # (the driver gives no row count for a statement that begins WITH)
    else:
        count = s.connection().execute(_update(table, tuple(changes)), moved).rowcount
    if count != 1:
        raise ConcurrentChange(_("{label} was changed by another terminal at the same moment; nothing was written, "
                                 "look again and retry").format(label=label))
    if not postgresql:
        s.connection().execute(_insert(event_table), {fk: row.id, "town_id": row.town_id, **event})
    derived = _DERIVED_FROM.intersection(changes)
    if isinstance(row, Record):
        row.__dict__.update(changes, version=loaded + 1)  # what was written, without reading it back
        if derived:  # the masks the database derives are read again
            row.__dict__.update(s.connection().execute(_derived(table), {"id": row.id}).mappings().one())
        return
    for key, value in {**changes, "version": loaded + 1}.items():
        set_committed_value(row, key, value)
    if derived:
        s.expire(row, [c.name for c in row.__table__.columns if c.computed is not None])


def opening_events(s, row, *, kind: str, event_table, fk: str, events: list[dict[str, Any]]) -> None:
    """A new record's first events (its registration, and an intake refusal), chained, added to
    the session with the record's ``last_hash`` (the record must have its id already)."""
    row.last_hash = audit.chain(kind, row.id, events)
    s.add_all(event_table(**{fk: row.id}, town_id=row.town_id, **e) for e in events)


@cache
def _update(table, columns: tuple[str, ...]):
    """The version-checked UPDATE of these columns, built once: a command spends more time
    building SQLAlchemy statements than running them (Core, not the ORM's bulk bookkeeping;
    the row object is brought up to date by the caller)."""
    t = table.__table__
    return (update(t).where(t.c.id == bindparam("_id"), t.c.version == bindparam("_seen"))
            .values({**{c: bindparam(f"_{c}", type_=t.c[c].type) for c in columns}, "version": t.c.version + 1}))


@cache
def _derived(table):
    """The columns the database derives (the masks of ID numbers, phones, addresses)."""
    t = table.__table__
    return core_select(*(c for c in t.c if c.computed is not None)).where(t.c.id == bindparam("id"))


@cache
def _update_and_log(table, columns: tuple[str, ...], event_table, fk: str, event_columns: tuple[str, ...]):
    """PostgreSQL: ``WITH moved AS (UPDATE … WHERE version = … RETURNING id) INSERT INTO
    event … SELECT … FROM moved RETURNING id``, built once per shape: the event is inserted
    only when the version-checked update found its row (the row returned says which)."""
    from sqlalchemy import literal

    moved = _update(table, columns).returning(table.__table__.c.id).cte("moved")
    e = event_table.__table__
    # (an INSERT … SELECT applies no column defaults of the program's: they are selected too)
    defaults = {c.name: c.default.arg for c in e.c if c.name not in (fk, *event_columns) and c.default is not None
                and c.default.is_scalar}
    picked = core_select(moved.c.id.label(fk), *(bindparam(f"e_{c}", type_=e.c[c].type).label(c)
                                                 for c in event_columns),
                         *(literal(v, type_=e.c[c].type).label(c) for c, v in defaults.items()))
    return insert(e).from_select([fk, *event_columns, *defaults], picked).add_cte(moved).returning(e.c.id)


@cache
def _insert(table):
    """An event's INSERT, built once (its values come with each execution)."""
    return insert(table.__table__)


@dataclass(frozen=True)
class Register:
    """One workflow-driven register described once (cases, petitions, matters, subjects):
    its tables, the workflow of a record, the facts its guards read, the basis of its current
    deadline, and what its events carry besides the common fields. Every trigger of every
    register, at the terminal and in an import, goes through ``decide`` with it."""

    name: str
    table: Any
    event_table: Any
    fk: str
    workflow: Callable[[Any], Any]  # row → Workflow
    facts: Callable[[Any], dict[str, Any]]  # row → the facts its guards and deadlines read
    label: Callable[[Any], str]  # row → how refusals name it, e.g. "(2021)营调字第001号"
    # (row, facts) → the start and period of the current step's deadline; None: no deadlines
    deadline_basis: Callable[[Any, dict[str, Any]], tuple[datetime, Period] | None] | None = None
    event_extra: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None  # (row, new facts)
    clock_states: frozenset[str] = frozenset()  # states in which a passed deadline means overdue
    # How the use cases of ``mediation.steps`` reach a record of it: found by what a user types
    # (session, ref, lock, viewed) → row (``viewed``: the row may carry what its view reads, in
    # the same statement, for a step that changes none of it); who may act on it (user, row) →
    # refuses; its view (session, row, user); how a ``user`` input is resolved (session, row) →
    # name → name.
    load: Callable[..., Any] | None = None
    may_act: Callable[[Any, Any], None] | None = None
    view: Callable[[Any, Any, Any], Any] | None = None
    resolver: Callable[[Any, Any], Any] | None = None

    def overdue(self, now: datetime):
        """The filter of the records whose running clock has run out."""
        return (self.table.state.in_(self.clock_states), self.table.deadline < now)


def decide(reg: Register, row, *, user, trigger: str, note: str | None, at, values: Mapping[str, str],
           recorded: datetime | None = None, resolve_user=None) -> tuple[dict[str, Any], dict[str, Any]]:
    """A trigger on ``row`` decided, nothing written: the changed columns (without
    ``version``) and the audit event (without its record id and ``seq``). ``row`` is
    anything with the record's columns as attributes (a loaded row, or an import's draft);
    ``at`` when it happened as the user gave it (``None``: now); ``recorded`` when it was entered
    (default now)."""
    note = _note(note)
    if row.state == "void":
        raise NotAllowed(_("{label} is void: no step follows a voided registration").format(label=reg.label(row)))
    workflow = reg.workflow(row)
    trigger = workflow.trigger_named(trigger)  # 研判分流 is triage
    typed = typing.parse(workflow, values, user=resolve_user)
    when = timeutil.resolve(at, not_before=row.last_event_at)
    facts = reg.facts(row)
    try:
        result = workflow.fire(row.state, trigger, {**facts, **typed},
                               Action(actor_role=user.role, at=when, note=note, values=typed))
    except Refused as refusal:
        raise NotAllowed(ask("{label}: {why}", label=reg.label(row), why=refusal.text), reasons=refusal.reasons) from None
    late = trigger in workflow.clocked.get(row.state, ()) and row.deadline is not None and when >= row.deadline
    if late and not (note or "").strip():
        raise NotAllowed(ask(_("{label}: {step} is late, its deadline was {day}: record the reason for the delay "
                           "({note})"), label=reg.label(row), step=workflow.trigger_labels.get(trigger, trigger),
                                              day=timeutil.show_due(row.deadline, minutes=False), note=NOTE))
    changes = typing.columns(workflow, typed)
    changes.update({k: due(_basis(v)) if isinstance(v, Due) else v for k, v in result.changes.items()})
    changes["state"] = result.dest
    changes["last_event_at"] = when
    new_facts = {**facts, **typed, **changes}
    if reg.deadline_basis is not None:
        changes["deadline"] = due(reg.deadline_basis(row, new_facts))
    said = typing.for_event(workflow, typed)
    if late:  # taken after the deadline it was for (the history shows 逾期; the report counts it)
        said = {**(said or {}), "late": True}
    if any(changes.get(column) is not None and changes[column] <= when for column in workflow.told):
        said = {**(said or {}), "lapsed": True}  # told a period that had already run
    event = dict(trigger=trigger, from_state=result.source, to_state=result.dest, actor=user.name, at=when,
                 recorded_at=recorded or timeutil.now(), note=(note or "").strip() or None, values=said or None)
    if reg.event_extra:
        event.update(reg.event_extra(row, new_facts))
    return changes, event


def advance(s, reg: Register, row, *, user, trigger: str, note: str | None, at, values: Mapping[str, str],
            resolve_user=None) -> None:
    """``decide``, then write the new state with its event (version-checked, in the caller's
    transaction): the one path of every trigger at the terminal."""
    changes, event = decide(reg, row, user=user, trigger=trigger, note=note, at=at, values=values,
                            resolve_user=resolve_user)
    write_transition(s, row, kind=reg.name, table=reg.table, event_table=reg.event_table, fk=reg.fk,
                     changes=changes, label=reg.label(row), event=event)


def undo(s, reg: Register, row, *, user, note: str | None) -> None:
    """Take back the record's last step with a compensating ``undo`` event: its columns return
    to what they were before it (``prior``), the step is kept and marked ``undone`` (no count
    sees it), nothing is deleted. Only a workflow step, only the last one, by the user who
    took it or an office user, with a reason. Corrections after it (``amend``, a deadline moved
    by a holiday notice) do not hide it: they changed other columns, and stay; a correction
    itself is never undone — another correction is (its trail already says old → new)."""
    from mediation import permissions

    label = reg.label(row)
    note = _note(note)
    if not (note or "").strip():
        raise NotAllowed(ask(_("{label}: say why the step is taken back ({note})"), label=label, note=NOTE))
    e = reg.event_table.__table__
    workflow = reg.workflow(row)
    last = None
    for event in s.execute(select(e).where(e.c[reg.fk] == row.id, e.c.undone.is_(False))
                           .order_by(e.c.seq.desc())).mappings():
        last = event
        if event["trigger"] not in _CORRECTIONS:
            break
    if last is None or last["trigger"] not in workflow.triggers:
        what = last["trigger"] if last is not None else "—"
        raise NotAllowed(_("{label}: the last step ({what}) cannot be undone: only a workflow step can (a "
                           "registration is voided or corrected instead)").format(label=label, what=what))
    if last["prior"] is None:
        raise NotAllowed(_("{label}: that step was recorded before undo existed").format(label=label))
    permissions.may_undo(user, last["actor"])
    restored = {k: _from_json(reg.table, k, v) for k, v in last["prior"].items()}
    if reg.deadline_basis is not None and "deadline" in restored:
        # counted again from the restored state and what corrections set since (an acceptance day)
        restored["deadline"] = due(reg.deadline_basis(row, {**reg.facts(row), **restored}))
    s.execute(update(e).where(e.c.id == last["id"]).values(undone=True))
    now = timeutil.now()
    event = dict(trigger="undo", from_state=row.state, to_state=restored.get("state", row.state), actor=user.name,
                 at=now, recorded_at=now, note=note.strip(), values={"undoes": last["seq"], "step": last["trigger"]})
    if reg.event_extra:
        event.update(reg.event_extra(row, restored))
    write_transition(s, row, kind=reg.name, table=reg.table, event_table=reg.event_table, fk=reg.fk,
                     changes=restored, label=label, event=event)


# Steps that correct a record and leave its workflow state alone: ``undo`` reaches past them.
_CORRECTIONS = frozenset({"amend", "calendar", "attach"})


def _private() -> set[str]:
    from mediation.personal import PRIVATE

    return set().union(*PRIVATE.values())


_DERIVED_FROM = _private()
_NOT_PRIOR = frozenset({"last_hash", "search", *_DERIVED_FROM})


def prior_of(row, changes: Mapping[str, Any]) -> dict[str, Any]:
    """What undo would put back: the columns a step changes, as they are before it (JSON).
    Never an ID number or a phone (events are read by everyone who sees the record; a step
    that changes one, a correction, is not undone)."""
    return {k: _jsonable(getattr(row, k)) for k in changes if k not in _NOT_PRIOR}


class Correction:
    """An ``amend`` being put together: the columns it changes, and each field's old and new
    value as people read them. A value equal to the record's own is no change."""

    def __init__(self, s, user, row, *, village: str | None = None):
        """``village``: the record moves there (a village of its town, by the office)."""
        from mediation import access, permissions
        from mediation.tables.places import Village

        self.row = row
        self.changes: dict[str, Any] = {}
        self.shown: dict[str, tuple[Any, Any]] = {}
        to = access.village(s, village) if village else None
        if to is not None and to.town_id != row.town_id:
            raise InvalidValue(_("a record stays in its town (its number is the town's)"))
        permissions.may_amend(user, row, to_village=to)
        if to is not None and to.id != row.village_id:
            old = s.get(Village, row.village_id).name if row.village_id else None
            self.set("village_id", to.id, field="village", shown=(old, to.name))

    def text(self, column: str, value: str | None) -> None:
        old = getattr(self.row, column)
        if value is not None and value.strip() and value.strip() != old:
            self.set(column, value.strip(), shown=(old, value.strip()))

    def found_by(self, before: tuple[str, list[str]], after: tuple[str, list[str]], note: str | None) -> None:
        """The record is found by what it says now — its (summary, names) ``after`` instead of
        ``before``, pinyin included — with the notes it gathered and this correction's."""
        if after != before:
            self.changes["search"] = search.appended(search.corrected(self.row.search, before, after), note)

    def set(self, column: str, value: Any, *, field: str | None = None, shown: tuple[Any, Any]) -> None:
        self.changes[column] = value
        self.shown[field or column] = shown


def amend(s, reg: Register, row, *, user, note: str | None, changes: Mapping[str, Any],
          shown: Mapping[str, tuple[Any, Any]]) -> None:
    """A correction (更正): ``changes`` to the record's columns, written as an ``amend`` event
    holding each field's old and new value as people read them (``shown``: field → (old, new)),
    who and when; the state is unchanged. The caller has checked the values and the right."""
    label = reg.label(row)
    note = _note(note)
    if not (note or "").strip():
        raise NotAllowed(ask(_("{label}: say why the record is corrected ({note})"), label=label, note=NOTE))
    if not shown:
        raise NotAllowed(_("{label}: nothing to correct, the values given are the record's own").format(label=label))
    said = {k: {"old": _jsonable(old), "new": _jsonable(new)} for k, (old, new) in shown.items()}
    side_step(s, reg, row, user=user, trigger="amend", note=note.strip(), values=said, changes=dict(changes))


def side_step(s, reg: Register, row, *, user, trigger: str, note: str | None, values: dict[str, Any],
              changes: dict[str, Any] | None = None, facts: Mapping[str, Any] | None = None) -> None:
    """A step beside the workflow (a correction, a calendar's deadline, an attachment): the
    state stays, ``changes`` go to the record's columns, the event holds ``values``, now, by
    ``user`` — in the caller's transaction (``facts``: what the register's event extras read)."""
    now = timeutil.now()
    event = dict(trigger=trigger, from_state=row.state, to_state=row.state, actor=user.name, at=now, recorded_at=now,
                 note=note, values=values)
    if reg.event_extra:
        event.update(reg.event_extra(row, dict(facts or {})))
    write_transition(s, row, kind=reg.name, table=reg.table, event_table=reg.event_table, fk=reg.fk,
                     changes=dict(changes or {}), label=reg.label(row), event=event)


def void(s, reg: Register, row, *, user, note: str | None) -> None:
    """作废: a duplicate or mistaken registration is kept and shown, but no count sees it or any
    of its steps (each is marked ``undone``, as taken back). Its number is not given again. By
    an office user, with a reason; a voided record is final."""
    from mediation import permissions

    label = reg.label(row)
    permissions.may_void(user)
    if row.state == "void":
        raise NotAllowed(_("{label}: already void").format(label=label))
    note = _note(note)
    if not (note or "").strip():
        raise NotAllowed(ask(_("{label}: say why the registration is void ({note})"), label=label, note=NOTE))
    e = reg.event_table.__table__
    s.execute(update(e).where(e.c[reg.fk] == row.id).values(undone=True))
    now = timeutil.now()
    event = dict(trigger="void", from_state=row.state, to_state="void", actor=user.name, at=now, recorded_at=now,
                 note=note.strip(), values={"voids": row.version})
    if reg.event_extra:
        event.update(reg.event_extra(row, {}))
    columns = reg.table.__table__.columns
    changes = {k: v for k, v in {"state": "void", "deadline": None, "outcome": "void"}.items() if k in columns}
    write_transition(s, row, kind=reg.name, table=reg.table, event_table=reg.event_table, fk=reg.fk,
                     changes=changes, label=label, event=event)


def _note(note: str | None) -> str | None:
    """A step's note as people typed it, within the limits every text keeps (mediation/validation.py)."""
    return validation.clean_text(note, N_("note"), multiline=True)


def _jsonable(value: Any) -> Any:
    return timeutil.utc(value).isoformat() if isinstance(value, datetime) else value


def _from_json(table, column: str, value: Any) -> Any:
    """A ``prior`` value back in its column's type (instants were kept as ISO text)."""
    if isinstance(value, str) and isinstance(table.__table__.c[column].type, UTCDateTime):
        return datetime.fromisoformat(value)
    return value


def _basis(d: Due) -> tuple[datetime, Period] | None:
    return (d.start, d.period) if d.start is not None else None
