"""A tamper-evident trail: every audit event carries a hash that links it to the previous event
of its record, and the record keeps the hash of its last event (``last_hash``).

The hash covers what the event says (record, seq, trigger, states, line, actor, when it
happened and was entered, note, values) and the previous event's hash, so an event edited,
deleted or moved with raw SQL no longer matches its chain. ``verify`` recomputes every chain
and names each record and event that does not. The chain is kept in the same transaction as
the event it covers, by the one write path (``records.write_transition``), by registrations
and by imports.

What it does not do: someone who can rewrite the database *and* recompute every hash with
this code can forge a consistent chain; copies of ``mediation audit verify``'s output kept
elsewhere (or a backup) are what catch that.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from itertools import groupby
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from workflows.i18n import _

# Named in every hash: a later change of what the hash covers must take a new name.
CHAIN_FORMAT = "mediation-audit-v1"


def _instant(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:  # SQLite keeps UTC without its offset
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat(timespec="microseconds")


def event_hash(prev: str | None, kind: str, record_id: int, event: Mapping[str, Any]) -> str:
    """The hash of one event, chained to ``prev`` (the record's previous event's hash)."""
    values = event.get("values")
    if isinstance(values, str):  # a driver that hands JSON back as text
        values = json.loads(values)
    prior = event.get("prior")
    if isinstance(prior, str):
        prior = json.loads(prior)
    payload = [CHAIN_FORMAT, kind, record_id, event["seq"], event["trigger"], event.get("from_state"),
               event["to_state"], event.get("line"), event["actor"], _instant(event["at"]),
               _instant(event["recorded_at"]), event.get("note"), values, prior]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev or ''}\n{text}".encode()).hexdigest()


def chain(kind: str, record_id: int, events: Iterable[dict[str, Any]], prev: str | None = None) -> str | None:
    """Set ``hash`` on each event (in seq order), chained from ``prev``; the last hash."""
    for event in events:
        prev = event["hash"] = event_hash(prev, kind, record_id, event)
    return prev


# -- verification ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    kind: str  # case | petition | matter | subject
    record: str  # its number (subjects: id and name)
    seq: int | None  # the event, when one is named
    what: str  # edited | deleted | reordered | unchained | record_edited (a chain's: see mediation/chain.py)
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "record": self.record, "seq": self.seq, "what": self.what, "detail": self.detail}


@dataclass
class Verification:
    records: int = 0
    events: int = 0
    links: int = 0  # of the towns' chains
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "records": self.records, "events": self.events, "links": self.links,
                "problems": [p.to_json() for p in self.problems]}


def check_record(kind: str, label: str, record: Mapping[str, Any], events: list[dict[str, Any]]) -> list[Problem]:
    """Every way ``events`` (as stored, in seq order) fail the record's chain."""
    out: list[Problem] = []
    say = lambda seq, what, detail: out.append(Problem(kind, label, seq, what, detail))  # noqa: E731
    prev: str | None = None
    expected = 1
    for i, e in enumerate(events):
        if e["seq"] != expected:
            say(expected, "deleted", _("event {expected} is missing (the next is {seq})").format(
                expected=expected, seq=e["seq"]))
            expected = e["seq"]
        if not e.get("hash"):
            say(e["seq"], "unchained", _("the event has no hash"))
        elif event_hash(prev, kind, record["id"], e) != e["hash"]:
            moved = _original_place(kind, record["id"], e, events)
            if moved is not None and moved != e["seq"]:
                say(e["seq"], "reordered", _("this event was event {moved}").format(moved=moved))
            else:
                say(e["seq"], "edited", _("the event does not match its hash"))
        prev = e.get("hash")
        expected += 1
    last_seq = events[-1]["seq"] if events else 0
    if record["version"] > last_seq:
        say(last_seq + 1, "deleted", _("the record is at version {version} but its last event is {last_seq}").format(
            version=record["version"], last_seq=last_seq))
    if events and record.get("last_hash") and record["last_hash"] != events[-1].get("hash"):
        say(last_seq, "deleted", _("the record's chain ends elsewhere: events were removed or replaced"))
    undone = {e["seq"] for e in events if e.get("undone")}
    undoes = {(e.get("values") or {}).get("undoes"): e["seq"] for e in events if e["trigger"] == "undo"}
    for e in events:  # voiding takes back every event before it
        if e["trigger"] == "void":
            undoes.update({seq: e["seq"] for seq in range(1, e["seq"])})
    for seq in sorted(undone - set(undoes)):
        say(seq, "edited", _("marked undone, but no undo step takes it back"))
    for seq, by in sorted(undoes.items(), key=lambda x: x[1]):
        if seq not in undone:
            say(by, "edited", _("undoes event {seq}, which is not marked undone").format(seq=seq))
    if events and record["state"] != events[-1]["to_state"]:
        say(None, "record_edited", _("the record's state {state} is not the one its last event left, {to_state}").format(
            state=record["state"], to_state=events[-1]["to_state"]))
    return out


def _original_place(kind: str, record_id: int, event: dict[str, Any], events: list[dict[str, Any]]) -> int | None:
    """The seq at which ``event``'s stored hash verifies, if another one: a moved event."""
    hashes = [None] + [e.get("hash") for e in events]
    for seq in range(1, len(events) + 2):
        for prev in hashes:
            if event_hash(prev, kind, record_id, {**event, "seq": seq}) == event["hash"]:
                return seq
    return None


def verify(db, *, town: str | None = None, seal: str | None = None, actor: str | None = None) -> Verification:
    """Recompute every record's chain (of one town, or all), streaming record by record, then
    each town's chain over every item its counts read (``mediation.chain``); with ``seal``
    (a code ``audit seal`` printed), that the town's chain still holds that head."""
    from sqlalchemy import select

    from mediation import access, chain, permissions
    from mediation.models import (Case, CaseEvent, Matter, MatterEvent, Petition, PetitionEvent, Subject,
                                  SubjectEvent, Town)

    registers = (("case", Case, CaseEvent, "case_id"), ("petition", Petition, PetitionEvent, "petition_id"),
                 ("matter", Matter, MatterEvent, "matter_id"), ("subject", Subject, SubjectEvent, "subject_id"))
    sealed = chain.parse_code(seal) if seal else None
    result = Verification()
    names: dict[tuple[str, int], str] = {}  # (register, id) → how problems name the record
    with db.read() as s:
        # A town's chain runs through every village: checked by who sees the whole town.
        permissions.may_verify(access.optional_actor(s, actor), own_login=s.info.get("login") is not None)
        town_id = access.town(s, town).id if (town or sealed) else None
        for kind, table, event_table, fk in registers:
            t, e = table.__table__, event_table.__table__
            label = (t.c.number if "number" in t.c else t.c.name).label("label")
            records = select(t.c.id, label, t.c.state, t.c.version, t.c.last_hash)
            events = select(e).join(t, t.c.id == e.c[fk]).order_by(e.c[fk], e.c.seq)
            if town_id is not None:
                records, events = records.where(t.c.town_id == town_id), events.where(t.c.town_id == town_id)
            # Both in record order, merged: memory holds one record's events at a time. (Every
            # event has its record: the foreign key keeps a record with events from deletion.)
            stream = s.execute(events.execution_options(yield_per=2000)).mappings()
            groups = groupby(stream, key=lambda row: row[fk])
            group = next(groups, None)
            for record in s.execute(records.order_by(t.c.id).execution_options(yield_per=2000)).mappings():
                found: list[dict[str, Any]] = []
                if group is not None and group[0] == record["id"]:
                    found = [dict(row) for row in group[1]]
                    group = next(groups, None)
                result.records += 1
                result.events += len(found)
                name = names[(kind, record["id"])] = \
                    record["label"] if kind != "subject" else f"{record['id']} {record['label']}"
                result.problems += check_record(kind, name, record, found)
        for town_row in s.scalars(select(Town).order_by(Town.id)).all() if town_id is None else [s.get(Town, town_id)]:
            links, problems = chain.town_problems(s, town_row, names=names, seal=sealed)
            result.links += links
            result.problems += problems
    return result
