"""ID numbers and phones in full: read here and nowhere else, each reading written to the
record's access history in the same transaction (README, "What a login can do").

Everywhere else the program reads the masks the database derives (``party.id_number_masked``
…, ``mediation.tables.base.masked``); the ORM never loads the full columns with a row
(``private_columns``). On a shared PostgreSQL server a person's login has no right to read
them at all (``mediation.logins``): the server function ``mediation_unmask`` checks the
caller's place, writes the access-log rows and returns the values, so plain SQL has no path
around the log either. On SQLite (one person's file) and for the schema owner the same is
done here in two statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text
from sqlmodel import select

from mediation import timeutil

# What is personal in each register: (table, record column, columns of ID number, phone and
# address — None where the register keeps none —, position column).
KINDS = {"case": ("party", "case_id", ("id_number", "phone", "address"), "position"),
         "petition": ("petition", "id", ("petitioner_id_number", "petitioner_phone", None), None)}
# The columns no person's login may read on PostgreSQL.
PRIVATE = {table: tuple(c for c in columns if c) for table, _key, columns, _pos in KINDS.values()}
# What a revealed person is: (ID number, phone, address).
Full = tuple[str | None, str | None, str | None]


def _selected(columns: tuple[str | None, ...], prefix: str = "") -> str:
    """The columns as selected (``prefix``: for the server's function, typed as it returns them)."""
    cast = "::text" if prefix else ""
    return ", ".join(f"{prefix}{c}{cast}" if c else f"NULL{cast}" for c in columns)


def reveal(s, kind: str, rows: Sequence[Any], *, user) -> dict[int, list[Full]]:
    """For each record in ``rows`` (cases or petitions, which the caller has checked ``user``
    may act on): its people's (ID number, phone, address) in order (a case's parties by
    position, a petition's petitioner), with one access-log row per record, by ``user``."""
    if not rows:
        return {}
    ids = [r.id for r in rows]
    out: dict[int, list[Full]] = {i: [] for i in ids}
    if s.get_bind().dialect.name == "postgresql":
        found = s.execute(text("SELECT record_id, id_number, phone, address FROM mediation_unmask(:kind, :ids, :actor) "
                               "ORDER BY record_id, pos"), {"kind": kind, "ids": ids, "actor": user.name})
    else:
        from mediation.tables.imports import AccessLog

        now = timeutil.now()
        s.add_all(AccessLog(town_id=r.town_id, kind=kind, record_id=r.id, actor=user.name, at=now, what="unmask")
                  for r in rows)
        s.flush()
        table, key, columns, position = KINDS[kind]
        order = f", {position}" if position else ""
        found = s.execute(text(f"SELECT {key}, {_selected(columns)} FROM {table} "
                               f"WHERE {key} IN ({', '.join(str(int(i)) for i in ids)}) ORDER BY {key}{order}"))
    for record_id, number, phone_number, address in found:
        out[record_id].append((number, phone_number, address))
    return out


def history(s, row, *, kind: str) -> list[dict[str, Any]]:
    """Who saw the record's personal data in full, and when (for the office)."""
    from mediation.tables.imports import AccessLog

    logs = s.exec(select(AccessLog).where(AccessLog.kind == kind, AccessLog.record_id == row.id)
                  .order_by(AccessLog.at, AccessLog.id)).all()
    return [{"actor": a.actor, "at": a.at, "what": a.what} for a in logs]


def unmask_function(definer: str, scope: str) -> str:
    """``mediation_unmask(kind, record ids, actor)``: the logged path on PostgreSQL, a
    ``SECURITY DEFINER`` function (people's logins may not read the columns). Every record asked
    for must be in the caller's place (``scope``, the policies' own rule over ``r.``), or
    nothing is returned; the actor is the connected person (``actor`` counts only for the
    schema owner, who acts as a named user, as on SQLite)."""
    branches = []
    for kind, (table, key, columns, position) in KINDS.items():
        parent = "dispute_case" if kind == "case" else table
        pos = f"t.{position}" if position else "0"
        branches.append(f"""  {'IF' if not branches else 'ELSIF'} p_kind = '{kind}' THEN
    SELECT count(*) INTO seen FROM {parent} r WHERE r.id = ANY(p_records) AND (mediation_is_owner() OR {scope});
    IF seen <> wanted THEN
      RAISE EXCEPTION 'mediation: % may not see every record asked for', who USING ERRCODE = '42501';
    END IF;
    INSERT INTO access_log (town_id, kind, record_id, actor, at, what)
      SELECT r.town_id, p_kind, r.id, who, now(), 'unmask' FROM {parent} r WHERE r.id = ANY(p_records);
    RETURN QUERY SELECT t.{key}, {pos}::integer, {_selected(columns, "t.")} FROM {table} t
      WHERE t.{key} = ANY(p_records);""")
    return f"""CREATE OR REPLACE FUNCTION mediation_unmask(p_kind text, p_records integer[], p_actor text DEFAULT NULL)
        RETURNS TABLE (record_id integer, pos integer, id_number text, phone text, address text) {definer}
DECLARE who text; seen integer; wanted integer;
BEGIN
  who := CASE WHEN mediation_is_owner() THEN p_actor ELSE mediation_name() END;
  IF who IS NULL THEN
    RAISE EXCEPTION 'mediation: % is no user of this database', session_user USING ERRCODE = '42501';
  END IF;
  SELECT count(DISTINCT x) INTO wanted FROM unnest(p_records) x;
{chr(10).join(branches)}
  ELSE
    RAISE EXCEPTION 'mediation: nothing personal in %', p_kind;
  END IF;
END $$"""
