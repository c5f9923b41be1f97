"""Finding a case or a petition by what people remember: a party's name, a word of the summary
or of a note, or a name's pinyin initials (``sxy`` finds 孙秀英).

Each record keeps one ``search`` text, written with it: the summary, the names, each name's
pinyin (full and initials) at registration, and every note as its step is written (in
``records.write_transition`` and the bulk writer, the two places a step is written). The
database indexes it by trigrams: SQLite through an FTS5 table (``tokenize='trigram'``) kept in
step by triggers, PostgreSQL through a ``pg_trgm`` GIN index. Both answer a substring of three
characters or more from the index; a shorter one (a two-character name) is still found, by a
scan. ID numbers and phones are never put in the text.

Pinyin comes from pypinyin's character table, read directly (importing the package costs about
115 ms, which every ``case new`` would pay): a character's first reading, tones removed.
"""

from __future__ import annotations

import json
import os
import unicodedata
from functools import cache
from typing import Any

SEARCHABLE = {"dispute_case": "case_search", "petition": "petition_search"}  # table -> SQLite FTS table


@cache
def _readings() -> dict[int, str]:
    import importlib.util

    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a declared dependency
        return {}
    with open(os.path.join(spec.submodule_search_locations[0], "pinyin_dict.json"), encoding="utf-8") as fh:
        table = json.load(fh)
    return {int(code): reading.split(",")[0] for code, reading in table.items()}


def pinyin(name: str) -> tuple[str, str]:
    """(initials, full) of a name: 孙秀英 → ("sxy", "sunxiuying"); other characters kept."""
    readings = _readings()
    full, initials = [], []
    for ch in name:
        reading = readings.get(ord(ch))
        if reading is None:
            if ch.isalnum():
                full.append(ch.lower())
                initials.append(ch.lower())
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c))
        full.append(plain)
        initials.append(plain[:1])
    return "".join(initials), "".join(full)


def text_for(summary: str, names: list[str]) -> str:
    """The search text a record starts with. Names and their pinyin stand between bars
    (``|孙秀英|``, ``|sxy|``), so that two characters, too few for a trigram, are still found
    from the index as the start or the end of a name: ``王丽`` as ``|王丽``, ``秀英`` as ``秀英|``."""
    words = [summary.strip()]
    for name in names:
        words += [f"|{w}|" for w in (name, *pinyin(name)) if w]
    return " ".join(w for w in words if w)


def appended(text: str | None, *more: Any) -> str:
    """The search text with a step's note (or a correction's new values) added."""
    extra = " ".join(str(m).strip() for m in more if m is not None and str(m).strip())
    return f"{text or ''} {extra}".strip() if extra else (text or "")


def owned(name: str | None) -> bool:
    """Whether a table or index is this module's (the FTS5 table and its shadow tables, the
    trigram indexes): made by ``install``, not by the models, so schema comparisons skip it."""
    return bool(name) and (name.startswith(tuple(SEARCHABLE.values())) or name.endswith("_search"))


def patterns(query: str) -> tuple[list[str], bool]:
    """The LIKE patterns (escape ``\\``) that find ``query``, and whether the trigram index
    answers them: three characters or more anywhere; two as the start or end of a name (or its
    pinyin); one only by a scan."""
    q = unicodedata.normalize("NFKC", query).strip().lower()
    literal = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if len(q) == 2:
        return [f"%|{literal}%", f"%{literal}|%"], True
    return [f"%{literal}%"], len(q) >= 3


def condition(table, query: str, dialect: str):
    """The WHERE clause that finds ``query`` in ``table``'s records (case-insensitive for
    pinyin; a literal substring, ``%`` and ``_`` included)."""
    from sqlalchemy import literal_column, or_, select, text, union

    likes, indexed = patterns(query)
    if dialect == "sqlite" and indexed and "\\" not in "".join(likes):
        # No ESCAPE clause: with one, FTS5 scans instead of using its trigrams (50x slower).
        fts = SEARCHABLE[table.__tablename__]
        hits = [select(literal_column("rowid")).select_from(text(fts)).where(
            literal_column(f"{fts}.search").like(p)) for p in likes]
        return table.id.in_(hits[0] if len(hits) == 1 else union(*hits))
    if dialect == "postgresql":  # backslash is PostgreSQL's own LIKE escape: no clause to get in the way
        return or_(*(table.search.ilike(p) for p in likes))
    return or_(*(table.search.like(p, escape="\\") for p in likes))  # SQLite LIKE ignores ASCII case


def install(connection) -> None:
    """The trigram index of every searchable table (idempotent): run when a schema is created
    and by migration 0007."""
    from sqlalchemy import inspect

    tables = set(inspect(connection).get_table_names())
    if connection.dialect.name == "sqlite":
        for table, fts in SEARCHABLE.items():
            if table not in tables:
                continue
            connection.exec_driver_sql(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search, content='{table}', "
                "content_rowid='id', tokenize='trigram')")
            connection.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_insert AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, search) VALUES (new.id, new.search); END")
            connection.exec_driver_sql(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_update AFTER UPDATE OF search ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, search) VALUES ('delete', old.id, old.search); "
                f"INSERT INTO {fts}(rowid, search) VALUES (new.id, new.search); END")
            connection.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    elif connection.dialect.name == "postgresql":
        if not connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        for table in SEARCHABLE:
            if table in tables:
                connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
                                           "USING gin (search public.gin_trgm_ops)")


def uninstall(connection) -> None:
    for table, fts in SEARCHABLE.items():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_insert")
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_update")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
        else:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search")


def backfill(connection) -> int:
    """Write the search text of every record made before it existed (migration 0007)."""
    from sqlalchemy import text

    count = 0
    names: dict[int, list[str]] = {}
    for case_id, name in connection.execute(text("SELECT case_id, name FROM party ORDER BY case_id, position")):
        names.setdefault(case_id, []).append(name)
    notes: dict[tuple[str, int], list[str]] = {}
    for kind, fk, events in (("dispute_case", "case_id", "case_event"), ("petition", "petition_id", "petition_event")):
        for rid, note in connection.execute(text(f"SELECT {fk}, note FROM {events} WHERE note IS NOT NULL "
                                                 f"AND note <> '' ORDER BY {fk}, seq")):
            notes.setdefault((kind, rid), []).append(note)
    rows = []
    for rid, summary in connection.execute(text("SELECT id, summary FROM dispute_case")):
        rows.append(("dispute_case", rid, appended(text_for(summary, names.get(rid, [])),
                                                   *notes.get(("dispute_case", rid), []))))
    for rid, summary, who in connection.execute(text("SELECT id, summary, petitioner FROM petition")):
        rows.append(("petition", rid, appended(text_for(summary, [who]), *notes.get(("petition", rid), []))))
    for table in SEARCHABLE:
        batch = [{"id": rid, "search": body} for t, rid, body in rows if t == table]
        if batch:
            connection.execute(text(f"UPDATE {table} SET search = :search WHERE id = :id"), batch)
            count += len(batch)
    return count
