"""Cases of an import file, decided in memory and written in batches (``mediation load``).

At the terminal a case's every step is its own transaction: read the row, decide, write it
with its event. An import replays hundreds of steps per second, so here each case is built
up in memory through the very same decisions (``cases.check_registration``, ``cases.opening``,
``records.decide``: the same checks, workflow, guards, deadlines and events) and the finished
rows go to the database with the driver's ``executemany``, a batch at a time, inside the
file's one transaction. A record that fails leaves nothing behind, since nothing of it was
written; the file stays all or nothing because every batch shares its transaction.

The numbers a batch hands out are safe: SQLite holds the write lock from the file's first
statement (``BEGIN IMMEDIATE``), and on PostgreSQL the town row stays locked from the first
number (``records.next_seq``) until the file commits, exactly as at the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from operator import itemgetter
from typing import Any

from mediation import access, audit, cases, permissions, records, search, timeutil
from mediation.tables.disputes import Case, CaseEvent, Party
from mediation.tables.imports import ImportKey

# Finished cases kept in memory before they are written (memory stays flat in a long file).
BATCH = 1000


class Draft:
    """A case being replayed: its columns as attributes (what ``records.decide`` reads), with
    its parties and events waiting to be written."""

    def __init__(self, values: dict[str, Any], parties: list[dict[str, Any]], event: dict[str, Any]):
        self.__dict__.update(_defaults(Case))
        self.__dict__.update(values)
        self.parties = parties
        self.events = [event]

    def columns(self) -> dict[str, Any]:
        """Every column's value (with ``parties`` and ``events`` beside them)."""
        return self.__dict__


class CaseWriter:
    """Registers and advances cases in memory; ``keep`` queues a finished one, ``flush``
    writes the queue. Call ``flush`` before anything else reads or numbers cases."""

    def __init__(self, session):
        self.s = session
        self.dialect = session.get_bind().dialect.name
        self._places: dict[tuple[str | None, str], tuple] = {}
        self._next_seq: dict[tuple[int, int], int] = {}
        self._kept: list[tuple[Draft, str, str]] = []
        self.recorded = timeutil.now()  # the file's records are entered when its load begins

    def register(self, reg: cases.Registration, *, actor: str | None, village: str,
                 at: timeutil.Moment | None) -> Draft:
        """① 排查登记, as ``cases.register`` decides it; nothing is written yet."""
        place = self._places.get((actor, village))
        if place is None:  # who, where, and the town's register locked: once per file
            place = self._places[(actor, village)] = access.register_in(self.s, actor, village)
        user, village_row, town_row = place
        when = timeutil.resolve(at, not_before=None)
        year = timeutil.local(when).year
        number_key = (town_row.id, year)
        if number_key not in self._next_seq:
            self._next_seq[number_key] = records.next_seq(self.s, Case, town_row.id, year)
        values, parties, event = cases.opening(reg, user=user, town_row=town_row, village_id=village_row.id,
                                               seq=self._next_seq[number_key], year=year, when=when,
                                               recorded=self.recorded)
        return Draft(values, parties, event)

    def fire(self, draft: Draft, *, actor: str | None, trigger: str, note: str | None,
             at: timeutil.Moment | None, values: Mapping[str, str]) -> None:
        """A trigger, as ``cases.fire`` decides it (the actor's right included)."""
        user = access.actor(self.s, actor)
        permissions.may_act_on(user, draft)
        changes, event = records.decide(cases.REGISTER, draft, user=user, trigger=trigger, note=note, at=at,
                                        values=values, recorded=self.recorded,
                                        resolve_user=cases.mediator_resolver(self.s, draft))
        draft.version += 1
        event["seq"] = draft.version
        event["prior"] = records.prior_of(draft, changes)
        if event.get("note"):
            changes["search"] = search.appended(draft.search, event["note"])
        draft.__dict__.update(changes)
        draft.events.append(event)

    def keep(self, draft: Draft, *, import_key: str, source: str) -> None:
        """The draft is complete: its number is taken, and it is written with the next batch."""
        self._next_seq[(draft.town_id, draft.year)] = draft.seq + 1
        self._kept.append((draft, import_key, source))
        if len(self._kept) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the kept cases, their parties, events and import keys."""
        self._next_seq.clear()  # recounted from the database once others may number cases
        if not self._kept:
            return
        kept, self._kept = self._kept, []
        case_rows, party_rows, event_rows, key_rows = [], [], [], []
        for (draft, key, source), case_id in zip(kept, self._new_ids(len(kept))):
            values = draft.columns()  # the draft is finished with: its rows are completed in place
            values["id"] = case_id
            values["last_hash"] = audit.chain("case", case_id, values["events"])  # as opening_events
            case_rows.append(values)
            for row in values["parties"]:
                row["case_id"] = case_id
            for row in values["events"]:
                row["case_id"] = case_id
                row["town_id"] = values["town_id"]
                row.setdefault("prior", None)  # the registration has nothing before it
                row.setdefault("undone", False)
            party_rows += values["parties"]
            event_rows += values["events"]
            key_rows.append(dict(key=key, kind="case", record_id=case_id, source=source, loaded_at=self.recorded))
        for model, rows in ((Case, case_rows), (Party, party_rows), (CaseEvent, event_rows), (ImportKey, key_rows)):
            self._insert(model.__table__, rows)

    def _new_ids(self, n: int) -> list[int]:
        conn = self.s.connection()
        if self.dialect == "postgresql":
            return list(conn.exec_driver_sql(
                "SELECT nextval(pg_get_serial_sequence('dispute_case', 'id')) FROM generate_series(1, %s)",
                (n,)).scalars())
        # SQLite: the file's transaction holds the write lock, so nobody else takes these.
        top = conn.exec_driver_sql("SELECT COALESCE(MAX(id), 0) FROM dispute_case").scalar()
        return list(range(top + 1, top + 1 + n))

    def _insert(self, table, rows: list[dict[str, Any]]) -> None:
        """One ``executemany`` of the driver. Every row has a value for every column (the
        database's own id aside), converted by the column types' own bind processing."""
        if not rows:
            return
        columns = [c for c in table.columns if not (c.primary_key and c.name not in rows[0]) and c.computed is None]
        pick = itemgetter(*(c.name for c in columns))
        dialect = self.s.get_bind().dialect
        converted = [(i, f) for i, f in enumerate(_converter(c.type, dialect) for c in columns) if f]
        data = []
        for r in rows:
            values = list(pick(r))
            for i, f in converted:
                values[i] = f(values[i])
            data.append(tuple(values))
        mark = "?" if self.dialect == "sqlite" else "%s"
        quote = self.s.get_bind().dialect.identifier_preparer.quote
        self.s.connection().exec_driver_sql(
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c.name) for c in columns)}) "
            f"VALUES ({', '.join([mark] * len(columns))})", data)


@cache
def _defaults(model) -> dict[str, Any]:
    """The model's own default for every column that has one (``reopened = 0``, ``version = 1``)."""
    return {name: f.default for name, f in model.model_fields.items() if not f.is_required()}


def _converter(sa_type, dialect):
    """How a column's value reaches the driver: the column type's own bind processing (a
    TypeDecorator's ``process_bind_param`` and then the dialect's processor — the same
    conversion an ORM insert applies), or None when the value goes as it is. Memoised: an
    import's values repeat (whole days, the load's own time, ``{"risk": "green"}`` …)."""
    process = sa_type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return None
    seen: dict = {}

    def convert(v):
        if v is None:
            return None
        try:
            key = tuple((k, type(x), x) for k, x in v.items()) if isinstance(v, dict) else (type(v), v)
            hash(key)
        except TypeError:  # a value that cannot be a key (a list): converted each time
            return process(v)
        if key not in seen:
            seen[key] = process(v)
        return seen[key]
    return convert
