"""Each town's chain: one line through everything the town's counts read, in the order written.

A record's own chain (``mediation.audit``) shows an event edited or moved, but not one cut from
its tail together with the record's columns, nor a whole record removed, nor a column that no
event covers (an employment status, a screening round's count, a party's name, an amount).
So every row a count reads — the four registers' records and events, parties, employment,
screening rounds and zero reports — is an *item* of its town's chain: when it is written
(inserted, or changed), the database's own trigger appends a link holding

    the town, the link's number (1, 2, 3 … with no gap), the writing transaction,
    the item's table and id, the record it belongs to, the hash of the item's columns,
    and the hash of all that chained to the previous link's hash.

The trigger is the database's, so nothing the program or a person's login writes escapes it;
``verify`` then reads the chain and the rows and names:

- a gap in the numbering of links, or a link whose hash does not follow (links removed or edited);
- a row whose columns no longer match its last link (changed behind the triggers' back), a row
  with no link, a link whose row is gone (a record, event, party … deleted);
- a row changed in a transaction that wrote no step (event) of its record: the program changes
  a record, its parties and its employment only together with an event, so a plain
  ``UPDATE employment SET status = …`` is named even though its trigger linked it;
- an event, screening round or zero report changed after it was written (they are written once);
- a number missing from a town's yearly register (voided records keep theirs).

What the chain alone cannot show is its own tail cut off by someone who can also rewrite the
links (the schema's owner): ``seal`` prints a short code of the chain's head, to be written on
the signed year-end report and kept with the backup; ``verify --seal CODE`` proves that the
chain still holds that head, i.e. that nothing linked before it was changed or removed since.

PostgreSQL: the triggers run as the schema owner (``SECURITY DEFINER``) under a lock on the
town row, so links are numbered in commit order and no person's login may write or change a
link. SQLite: a file is not a security boundary (README); the triggers call two functions the
program registers on each connection (``register_functions``).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import time
from dataclasses import dataclass
from typing import Any

from mediation.personal import PRIVATE
from workflows.i18n import _

# item table → (the register its record is in, the column naming that record; None: the row's
# own id). Screening rounds and zero reports stand alone: no register, no events.
ITEMS: dict[str, tuple[str | None, str]] = {
    "dispute_case": ("case", "id"), "party": ("case", "case_id"), "case_event": ("case", "case_id"),
    "petition": ("petition", "id"), "petition_event": ("petition", "petition_id"),
    "matter": ("matter", "id"), "matter_event": ("matter", "matter_id"),
    "subject": ("subject", "id"), "employment": ("subject", "subject_id"), "subject_event": ("subject", "subject_id"),
    "screening_round": (None, "id"), "zero_report": (None, "id"), "attachment": ("case", "case_id"),
}
EVENT_TABLES = frozenset(t for t in ITEMS if t.endswith("_event"))
# How an item finds its town: its own column, or its record's.
_TOWN_VIA = {"party": ("case_id", "dispute_case"), "employment": ("subject_id", "subject"),
             "attachment": ("case_id", "dispute_case")}
# Not part of an item's hash: what finding searches (derived from the rest), and an event's
# ``undone`` mark (checked against the undo steps by ``audit.check_record``), an attachment's
# bytes (its ``sha256`` column is hashed instead, and ``_altered_files`` checks the bytes against it).
_LEFT_OUT = {"search", "undone", "content"}
# Written once: a second link of one of these is a change.
_WRITTEN_ONCE = set(EVENT_TABLES) | {"screening_round", "zero_report", "attachment"}
# The registers whose yearly numbers must have no gap: (table, register, split by kind).
_NUMBERED = (("dispute_case", "case", False), ("petition", "petition", False), ("matter", "matter", True))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(prev: str | None, link: dict[str, Any]) -> str:
    """A link's hash (the triggers compute the same in SQL)."""
    return sha256("\n".join(str(x) for x in (prev or "", link["town_id"], link["seq"], link["tx"], link["kind"],
                                              link["item_id"], link["record_id"], link["item_hash"])))


# --- the triggers ----------------------------------------------------------------------------

def _columns(connection, table: str) -> list[tuple[str, str]]:
    """The item's columns (name, how rendered), as the database has them now."""
    from sqlalchemy import JSON, Boolean, DateTime, inspect

    out = []
    for c in inspect(connection).get_columns(table):
        if c["name"] in _LEFT_OUT or c.get("computed"):  # (what the database derives: the masks)
            continue
        t = c["type"]
        kind = "time" if isinstance(t, DateTime) else "bool" if isinstance(t, Boolean) else \
            "json" if isinstance(t, JSON) else "plain"
        out.append((c["name"], kind))
    return sorted(out)


def item_text(dialect: str, columns: list[tuple[str, str]], prefix: str) -> str:
    """SQL for the text an item's hash covers: ``name=length:value`` of each column that is not
    NULL (so a column added later, NULL in old rows, leaves their hashes as they were).
    PostgreSQL renders instants as microseconds since the epoch (not in the session's time
    zone); SQLite as stored."""
    sep = "chr(30)" if dialect == "postgresql" else "char(30)"
    parts = []
    for name, kind in columns:
        ref = f'{prefix}"{name}"'
        if dialect == "postgresql":
            rendered = {"time": f"(extract(epoch FROM {ref}) * 1000000)::bigint::text",
                        "bool": f"{ref}::int::text"}.get(kind, f"{ref}::text")
        else:
            rendered = f"CAST({ref} AS TEXT)"
        parts.append(f"coalesce('{name}=' || length({rendered}) || ':' || {rendered} || {sep}, '')")
    return " || ".join(parts)


def _sha(dialect: str, text: str) -> str:
    if dialect == "postgresql":
        return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"
    return f"mediation_sha256({text})"


def _link_text(dialect: str, table: str, prev: str, town: str, seq: str, tx: str, record: str, item: str) -> str:
    nl = "chr(10)" if dialect == "postgresql" else "char(10)"
    return f" || {nl} || ".join([f"coalesce({prev}, '')", town, seq, tx, f"'{table}'", "NEW.id", record, item])


def install(connection) -> None:
    """The triggers that link every item of a town as it is written (idempotent; on schema
    creation and in migrations after any that rebuilds an item table)."""
    from sqlalchemy import inspect

    dialect = connection.dialect.name
    tables = set(inspect(connection).get_table_names())
    if "chain_link" not in tables:
        return
    if dialect == "postgresql":
        schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
        search_path = '"' + schema.replace('"', '""') + '", pg_temp'
    for table, (_register, record_col) in ITEMS.items():
        if table not in tables:
            continue
        columns = _columns(connection, table)
        written_once = table in EVENT_TABLES
        # An event's ``undone`` mark changes, nothing else of it: only a change of another column links it again.
        on = "INSERT OR UPDATE OF " + ", ".join(f'"{n}"' for n, _k in columns) if written_once else \
            "INSERT OR UPDATE"
        record = f'NEW."{record_col}"'
        if dialect == "postgresql":
            town = (f"SELECT town_id INTO t FROM {_TOWN_VIA[table][1]} WHERE id = NEW.{_TOWN_VIA[table][0]};"
                    if table in _TOWN_VIA else "t := NEW.town_id;")
            item = _sha(dialect, item_text(dialect, columns, "NEW."))
            connection.exec_driver_sql(f"""CREATE OR REPLACE FUNCTION mediation_link_{table}() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {search_path} AS $$
DECLARE t integer; n integer; prev text; h text; x text := txid_current()::text;
BEGIN
  {town}
  PERFORM 1 FROM town WHERE id = t FOR NO KEY UPDATE;
  SELECT seq, hash INTO n, prev FROM chain_link WHERE town_id = t ORDER BY seq DESC LIMIT 1;
  n := coalesce(n, 0) + 1;
  h := {item};
  INSERT INTO chain_link (town_id, seq, tx, kind, item_id, record_id, item_hash, hash)
  VALUES (t, n, x, '{table}', NEW.id, {record}, h,
          {_sha(dialect, _link_text(dialect, table, "prev", "t", "n", "x", record, "h"))});
  RETURN NULL;
END $$""".replace("%", "%%"))
            connection.exec_driver_sql(f"REVOKE ALL ON FUNCTION mediation_link_{table}() FROM PUBLIC")
            if table in PRIVATE:
                # The hashes cover ID numbers and phones, which people's logins may not read:
                # the office's ``audit verify`` has them computed past the column rights.
                connection.exec_driver_sql(f"""CREATE OR REPLACE FUNCTION mediation_hashes_{table}(p_town integer)
        RETURNS TABLE (id integer, record integer, h text)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = {search_path} AS $$
BEGIN
  IF NOT coalesce(mediation_is_owner() OR mediation_all() OR p_town = mediation_town(), false) THEN
    RAISE EXCEPTION 'mediation: % may not verify town %', session_user, p_town USING ERRCODE = '42501';
  END IF;
  RETURN QUERY {_hashes_query(dialect, table, columns, "p_town")};
END $$""".replace("%", "%%"))
                connection.exec_driver_sql(f"REVOKE ALL ON FUNCTION mediation_hashes_{table}(integer) FROM PUBLIC")
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS mediation_link ON {table}")
            connection.exec_driver_sql(f"CREATE TRIGGER mediation_link AFTER {on} ON {table} "
                                       f"FOR EACH ROW EXECUTE FUNCTION mediation_link_{table}()")
            continue
        town = (f"(SELECT town_id FROM {_TOWN_VIA[table][1]} WHERE id = NEW.{_TOWN_VIA[table][0]})"
                if table in _TOWN_VIA else "NEW.town_id")
        item = _sha(dialect, item_text(dialect, columns, "NEW."))
        link = _sha(dialect, _link_text(dialect, table, "x.prev", "x.t", "x.n", "x.tx", record, "x.h"))
        body = f"""INSERT INTO chain_link (town_id, seq, tx, kind, item_id, record_id, item_hash, hash)
  SELECT x.t, x.n, x.tx, '{table}', NEW.id, {record}, x.h, {link}
  FROM (SELECT tt.t AS t,
               coalesce((SELECT seq FROM chain_link WHERE town_id = tt.t ORDER BY seq DESC LIMIT 1), 0) + 1 AS n,
               (SELECT hash FROM chain_link WHERE town_id = tt.t ORDER BY seq DESC LIMIT 1) AS prev,
               mediation_tx() AS tx, {item} AS h
        FROM (SELECT {town} AS t) AS tt) AS x;"""
        for when in ("insert", "update"):
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS mediation_link_{table}_{when}")
        connection.exec_driver_sql(f"CREATE TRIGGER mediation_link_{table}_insert AFTER INSERT ON {table} "
                                   f"BEGIN {body} END")
        update_of = " OF " + ", ".join(f'"{n}"' for n, _k in columns) if written_once else ""
        connection.exec_driver_sql(f"CREATE TRIGGER mediation_link_{table}_update AFTER UPDATE{update_of} ON {table} "
                                   f"BEGIN {body} END")


def uninstall(connection) -> None:
    dialect = connection.dialect.name
    for table in ITEMS:
        if dialect == "postgresql":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS mediation_link ON {table}")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS mediation_link_{table}()")
            connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS mediation_hashes_{table}(integer)")
        else:
            for when in ("insert", "update"):
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS mediation_link_{table}_{when}")


_TX = itertools.count(1)


def register_functions(dbapi_connection) -> dict[str, str]:
    """SQLite: the functions the triggers call, on a new connection. ``mediation_tx()`` names the
    transaction under way; the state returned is the connection's, and ``begin`` gives it a new
    name at each BEGIN (the caller keeps it with the connection: its pool record's ``info``)."""
    state = {"tx": _new_tx()}
    dbapi_connection.create_function("mediation_sha256", 1, lambda text: sha256(text or ""), deterministic=True)
    dbapi_connection.create_function("mediation_tx", 0, lambda: state["tx"])
    return state


def begin(state: dict[str, str] | None) -> None:
    if state is not None:
        state["tx"] = _new_tx()


def _new_tx() -> str:
    return f"{os.getpid()}.{time.time_ns()}.{next(_TX)}"


def relink(connection) -> int:
    """Link every item as it is now, in the order of its town's rows (migration 0010: a chain
    for what was written before chains existed). The links' transaction is the migration's."""
    from sqlalchemy import inspect

    tables = set(inspect(connection).get_table_names())
    n = 0
    for table in ITEMS:
        if table in tables:
            # A no-op change of one column fires the update trigger, which links the row as it is.
            col = _columns(connection, table)[0][0]
            n += connection.exec_driver_sql(f'UPDATE {table} SET "{col}" = "{col}"').rowcount or 0
    return n


# --- verification ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Seal:
    town: str
    events: int  # links in the town's chain
    code: str
    at: Any

    def to_json(self) -> dict[str, Any]:
        from mediation import timeutil

        return {"town": self.town, "events": self.events, "code": self.code, "at": timeutil.utc(self.at).isoformat()}


def code_of(seq: int, head_hash: str) -> str:
    """A chain head as people can copy it by hand: ``1234-9F3A-7C21-5B6E-0D44`` (the number of
    links, then 64 bits of the head's hash)."""
    h = head_hash[:16].upper()
    return f"{seq}-" + "-".join(h[i:i + 4] for i in range(0, 16, 4))


_CODE = re.compile(r"^\s*(\d+)\s*-\s*([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})-?([0-9A-Fa-f]{4})\s*$")


def parse_code(code: str) -> tuple[int, str]:
    from mediation.errors import InvalidValue

    m = _CODE.match(code or "")
    if not m:
        raise InvalidValue(_("'{code}' is not a seal code: it reads like 1234-9F3A-7C21-5B6E-0D44 (as "
                             "`mediation audit seal` printed it)").format(code=(code or "")[:60]))
    return int(m.group(1)), "".join(m.group(i) for i in range(2, 6)).lower()


def town_problems(s, town_row, *, names: dict[tuple[str, int], str],
                  seal: tuple[int, str] | None = None) -> tuple[int, list]:
    """Every way the town's chain and its items fail; (links read, problems). ``names``: how
    problems name a record, by (register, id), as the records' own chains were read."""

    def labels(table: str, record_id: int, *, item: int | None = None) -> str:
        register = ITEMS.get(table, (None, ""))[0]
        if register is None:
            return f"{table} {item if item is not None else record_id}"
        return names.get((register, record_id), f"{register} id {record_id}")

    from sqlalchemy import text

    from mediation.audit import Problem

    dialect = s.get_bind().dialect.name
    problems: list[Problem] = []
    say = lambda kind, record, seq, what, detail: problems.append(Problem(kind, record, seq, what, detail))  # noqa: E731
    conn = s.connection()
    latest: dict[tuple[str, int], tuple[int, str, int]] = {}  # (table, item id) → (link seq, item hash, record)
    tx_steps: dict[str, set[tuple[str, int]]] = {}  # transaction → the records it wrote a step of
    changes: list[tuple[str, str, int, int, int]] = []  # (tx, table, item, record, link seq): owned, to explain
    prev: str | None = None
    expected = 1
    count = 0
    sealed_ok = None
    rows = conn.execute(text("SELECT town_id, seq, tx, kind, item_id, record_id, item_hash, hash FROM chain_link "
                             "WHERE town_id = :t ORDER BY seq").execution_options(yield_per=5000), {"t": town_row.id})
    for link in rows.mappings():
        count += 1
        if link["seq"] != expected:
            say("chain", town_row.name, expected, "deleted", _("links {first}–{last} of the town's chain are missing")
                .format(first=expected, last=link["seq"] - 1))
            expected = link["seq"]
        if link_hash(prev, link) != link["hash"]:
            say("chain", town_row.name, link["seq"], "edited", _("the link does not follow from the one before it"))
        prev = link["hash"]
        expected += 1
        if seal is not None and link["seq"] == seal[0]:
            sealed_ok = link["hash"].startswith(seal[1])
        key = (link["kind"], link["item_id"])
        if key in latest and link["kind"] in _WRITTEN_ONCE:
            say(_kind(link["kind"]), labels(link["kind"], link["record_id"]), link["seq"], "edited",
                _("{what} {id} was changed after it was written").format(what=link["kind"], id=link["item_id"]))
        latest[key] = (link["seq"], link["item_hash"], link["record_id"])
        register = ITEMS.get(link["kind"], (None, ""))[0]
        if link["kind"] in EVENT_TABLES:
            tx_steps.setdefault(link["tx"], set()).add((register, link["record_id"]))
        elif register is not None:
            changes.append((link["tx"], link["kind"], link["item_id"], link["record_id"], link["seq"]))
    for tx, table, item, record, seq in changes:
        if (ITEMS[table][0], record) not in tx_steps.get(tx, ()):
            say(_kind(table), labels(table, record), seq, "record_edited",
                _("{what} {id} was written without a step of its record").format(what=table, id=item))
    if seal is not None:
        if count < seal[0]:
            say("chain", town_row.name, seal[0], "deleted", _("the chain was sealed at {sealed} links and now has "
                                                             "{count}: its end was cut off").format(sealed=seal[0],
                                                                                                  count=count))
        elif sealed_ok is False:
            say("chain", town_row.name, seal[0], "edited", _("the chain no longer holds the sealed head: what was "
                                                            "recorded before the seal was changed"))
    # Every row as it is now against its last link.
    seen: set[tuple[str, int]] = set()
    for table in ITEMS:
        if dialect == "postgresql" and table in PRIVATE:
            q = text(f"SELECT id, record, h FROM mediation_hashes_{table}(:t)")
        else:
            q = text(_hashes_query(dialect, table, _columns(conn, table), ":t"))
        for row in conn.execute(q.execution_options(yield_per=5000), {"t": town_row.id}).mappings():
            key = (table, row["id"])
            seen.add(key)
            link = latest.get(key)
            if link is None:
                say(_kind(table), labels(table, row["record"]), None, "unchained",
                    _("{what} {id} was added behind the program's back (no link)").format(what=table, id=row["id"]))
            elif link[1] != row["h"]:
                say(_kind(table), labels(table, row["record"]), None, "record_edited",
                    _("{what} {id} was changed behind the program's back").format(what=table, id=row["id"]))
    for (table, item), (seq, _h, record) in latest.items():
        if (table, item) not in seen:
            say(_kind(table), labels(table, record, item=item), seq, "deleted",
                _("{what} {id} was removed").format(what=table, id=item))
    for record, n, name in _altered_files(conn, dialect, town_row.id):
        say("case", labels("attachment", record), None, "edited",
            _("attachment {n} ({name}) no longer holds the file attached: its bytes were changed").format(n=n, name=name))
    problems += _missing_numbers(conn, town_row)
    return count, problems


def _altered_files(conn, dialect: str, town_id: int) -> list[tuple[int, int, str]]:
    """Each attachment of the town whose bytes no longer hash to the SHA-256 kept beside them
    (and in its ``attach`` step and its link): (case id, its number in the case, its name)."""
    from sqlalchemy import inspect, text

    if "attachment" not in inspect(conn).get_table_names():
        return []
    town = "JOIN dispute_case c ON c.id = a.case_id WHERE c.town_id = :t"
    if dialect == "postgresql":
        q = text(f"SELECT a.case_id, a.seq, a.name FROM attachment a {town} "
                 "AND encode(sha256(a.content), 'hex') <> a.sha256 ORDER BY a.case_id, a.seq")
        return [tuple(r) for r in conn.execute(q, {"t": town_id})]
    out = []
    rows = conn.execute(text(f"SELECT a.case_id, a.seq, a.name, a.sha256, a.content FROM attachment a {town} "
                             "ORDER BY a.case_id, a.seq").execution_options(yield_per=20), {"t": town_id})
    for case_id, seq, name, kept, content in rows:
        if hashlib.sha256(content or b"").hexdigest() != kept:
            out.append((case_id, seq, name))
    return out


def _hashes_query(dialect: str, table: str, columns: list[tuple[str, str]], town: str) -> str:
    """Each item of a town as it is now: its id, its record's and its hash."""
    expr = _sha(dialect, item_text(dialect, columns, "i."))
    if table in _TOWN_VIA:
        fk, parent = _TOWN_VIA[table]
        where = f"JOIN {parent} p ON p.id = i.{fk} WHERE p.town_id = {town}"
    else:
        where = f"WHERE i.town_id = {town}"
    return f'SELECT i.id, i."{ITEMS[table][1]}" AS record, {expr} AS h FROM {table} i {where}'


def _kind(table: str) -> str:
    register = ITEMS.get(table, (None, ""))[0]
    return register or table


def _missing_numbers(conn, town_row) -> list:
    """A number skipped in a town's yearly register: a record removed whole (voided ones stay)."""
    from sqlalchemy import text

    from mediation.audit import Problem

    out = []
    for table, kind, by_kind in _NUMBERED:
        split = ", kind" if by_kind else ""
        rows = conn.execute(text(f"SELECT year{split}, seq, number FROM {table} WHERE town_id = :t "
                                 f"ORDER BY year{split}, seq"), {"t": town_row.id}).all()
        for _group, items in itertools.groupby(rows, key=lambda r: tuple(r[:-2])):
            expected = 1
            for r in items:
                if r.seq > expected:
                    gap = f"{expected}" if r.seq == expected + 1 else f"{expected}–{r.seq - 1}"
                    out.append(Problem(kind, r.number, None, "deleted", _("numbers {gap} before it are missing from "
                                                                          "the register").format(gap=gap)))
                expected = r.seq + 1
    return out


def seal(db, *, town: str | None = None, actor: str | None = None) -> Seal:
    """The code of the town chain's head, as it is now."""
    from sqlalchemy import text

    from mediation import access, permissions, timeutil

    with db.read() as s:
        permissions.may_verify(access.optional_actor(s, actor), own_login=s.info.get("login") is not None)
        town_row = access.town(s, town)
        row = s.connection().execute(text("SELECT seq, hash FROM chain_link WHERE town_id = :t ORDER BY seq DESC "
                                          "LIMIT 1"), {"t": town_row.id}).first()
        seq, head = (row.seq, row.hash) if row else (0, sha256(""))
        return Seal(town=town_row.name, events=seq, code=code_of(seq, head), at=timeutil.now())
