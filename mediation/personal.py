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

# What is personal in each register: (table, columns of ID number and phone, position column).
KINDS = {"case": ("party", "case_id", "id_number", "phone", "position"),
         "petition": ("petition", "id", "petitioner_id_number", "petitioner_phone", None)}
# The columns no person's login may read on PostgreSQL.
PRIVATE = {table: (id_number, phone) for table, _key, id_number, phone, _pos in KINDS.values()}


def reveal(s, kind: str, rows: Sequence[Any], *, user) -> dict[int, list[tuple[str | None, str | None]]]:
    """For each record in ``rows`` (cases or petitions, which the caller has checked ``user``
    may act on): its people's (ID number, phone) in order (a case's parties by position, a
    petition's petitioner), with one access-log row per record, by ``user``."""
    if not rows:
        return {}
    ids = [r.id for r in rows]
    out: dict[int, list[tuple[str | None, str | None]]] = {i: [] for i in ids}
    if s.get_bind().dialect.name == "postgresql":
        found = s.execute(text("SELECT record_id, id_number, phone FROM mediation_unmask(:kind, :ids, :actor) "
                               "ORDER BY record_id, pos"), {"kind": kind, "ids": ids, "actor": user.name})
    else:
        from mediation.tables.imports import AccessLog

        now = timeutil.now()
        s.add_all(AccessLog(town_id=r.town_id, kind=kind, record_id=r.id, actor=user.name, at=now, what="unmask")
                  for r in rows)
        s.flush()
        table, key, id_number, phone, position = KINDS[kind]
        order = f", {position}" if position else ""
        found = s.execute(text(f"SELECT {key} AS record_id, {id_number} AS id_number, {phone} AS phone FROM {table} "
                               f"WHERE {key} IN ({', '.join(str(int(i)) for i in ids)}) ORDER BY {key}{order}"))
    for record_id, number, phone_number in found:
        out[record_id].append((number, phone_number))
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
    for kind, (table, key, id_number, phone, position) in KINDS.items():
        parent = "dispute_case" if kind == "case" else table
        pos = f"t.{position}" if position else "0"
        branches.append(f"""  {'IF' if not branches else 'ELSIF'} p_kind = '{kind}' THEN
    SELECT count(*) INTO seen FROM {parent} r WHERE r.id = ANY(p_records) AND (mediation_is_owner() OR {scope});
    IF seen <> wanted THEN
      RAISE EXCEPTION 'mediation: % may not see every record asked for', who USING ERRCODE = '42501';
    END IF;
    INSERT INTO access_log (town_id, kind, record_id, actor, at, what)
      SELECT r.town_id, p_kind, r.id, who, now(), 'unmask' FROM {parent} r WHERE r.id = ANY(p_records);
    RETURN QUERY SELECT t.{key}, {pos}::integer, t.{id_number}::text, t.{phone}::text FROM {table} t
      WHERE t.{key} = ANY(p_records);""")
    return f"""CREATE OR REPLACE FUNCTION mediation_unmask(p_kind text, p_records integer[], p_actor text DEFAULT NULL)
        RETURNS TABLE (record_id integer, pos integer, id_number text, phone text) {definer}
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
