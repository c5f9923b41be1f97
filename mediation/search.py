"""Finding a case or a petition by what people remember: a party's name, a word of the summary
or of a note, or a name's pinyin initials (``sxy`` finds 孙秀英).

Each record keeps one ``search`` text, written with it: the summary, the names, each name's
pinyin (full and initials) at registration, and every note as its step is written (in
``records.write_transition`` and the bulk writer, the two places a step is written). The
database indexes it by trigrams: SQLite through an FTS5 table (``tokenize='trigram'``) kept in
step by triggers, PostgreSQL through a ``pg_trgm`` GIN index. Both answer a substring of three
characters or more from the index. ID numbers and phones are never put in the text.

Two Chinese characters are a word (工资, 宅基, a name such as 程兰), too short for a trigram.
They are found anywhere in the text: on SQLite from the index too, through its vocabulary
(``fts5vocab``): every place ``ab`` occurs starts a trigram ``ab?``, because the text always
ends with a space, so the trigrams that start with ``ab`` are looked up in the vocabulary and
matched. PostgreSQL's trigrams have no such list, and it scans. Two Latin letters are pinyin
initials (``zs``), found as a whole name's initials or the start of a pinyin, not inside one
(``an`` is in half of all names). One character of either is found by a scan.

Pinyin comes from pypinyin's character table, read directly (importing the package costs about
115 ms, which every ``case new`` would pay): a character's first reading, tones removed.
"""

from __future__ import annotations

import json
import os
import unicodedata
from functools import cache, lru_cache
from typing import Any

SEARCHABLE = {"dispute_case": "case_search", "petition": "petition_search"}  # table -> SQLite FTS table


@cache
def _readings() -> dict[str, str]:
    """pypinyin's table of readings, as it ships it (character code as text → its readings,
    comma-separated): read once, not rebuilt — a command registering one case looks up a
    handful of characters (building a dict of 41,923 entries cost it ~10 ms)."""
    import importlib.util

    spec = importlib.util.find_spec("pypinyin")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - a declared dependency
        return {}
    with open(os.path.join(spec.submodule_search_locations[0], "pinyin_dict.json"), encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=8192)
def _plain(ch: str) -> str | None:
    """A character's first reading without tone marks (秀 → xiu), or None if it has none."""
    reading = _readings().get(str(ord(ch)))
    if reading is None:
        return None
    return "".join(c for c in unicodedata.normalize("NFKD", reading.split(",")[0]) if not unicodedata.combining(c))


def pinyin(name: str) -> tuple[str, str]:
    """(initials, full) of a name: 孙秀英 → ("sxy", "sunxiuying"); other characters kept."""
    full, initials = [], []
    for ch in name:
        plain = _plain(ch)
        if plain is None:
            if ch.isalnum():
                full.append(ch.lower())
                initials.append(ch.lower())
            continue
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
    return _ended(" ".join(w for w in words if w))


def appended(text: str | None, *more: Any) -> str:
    """The search text with a step's note (or a correction's new values) added."""
    extra = " ".join(str(m).strip() for m in more if m is not None and str(m).strip())
    return _ended(f"{text or ''} {extra}") if extra else (text or "")


def corrected(text: str | None, old: tuple[str, list[str]], new: tuple[str, list[str]]) -> str:
    """The search text after a correction of the summary or the names (``(summary, names)``
    before and after): the record is found by what it says now, its pinyin included, with
    the notes it gathered kept. A text that does not start as ``old`` would (written by an
    earlier release) keeps all it had after the new beginning."""
    before, after = text_for(*old), text_for(*new)
    rest = (text or "")[len(before):] if (text or "").startswith(before.rstrip()) else (text or "")
    return appended(after, rest)


def _ended(text: str) -> str:
    """The text with one space at its end: the last two characters of a note then start a
    trigram too, and a two-character word there is found from the index."""
    return text.strip() + " "


def owned(name: str | None) -> bool:
    """Whether a table or index is this module's (the FTS5 table and its shadow tables, the
    trigram and character-pair indexes): made by ``install``, not by the models, so schema
    comparisons skip it."""
    return bool(name) and (name.startswith(tuple(SEARCHABLE.values())) or name.endswith(("_search", "_bigrams")))


def _normal(query: str) -> str:
    return unicodedata.normalize("NFKC", query).strip().lower()


def _initials(q: str) -> bool:
    """Two Latin letters or digits: pinyin initials, not a Chinese word."""
    return len(q) == 2 and q.isascii()


def patterns(query: str) -> tuple[list[str], bool]:
    """The LIKE patterns (escape ``\\``) that find ``query``, and whether the trigram index
    answers them: three characters or more anywhere; two Latin letters as the start or end of
    a name's pinyin; two Chinese characters anywhere (the index answers them only through
    SQLite's vocabulary: ``condition``); one only by a scan."""
    q = _normal(query)
    literal = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if _initials(q):
        return [f"%|{literal}%", f"%{literal}|%"], True
    return [f"%{literal}%"], len(q) >= 3


def condition(table, query: str, dialect: str):
    """The WHERE clause that finds ``query`` in ``table``'s records (case-insensitive for
    pinyin; a literal substring, ``%`` and ``_`` included)."""
    from sqlalchemy import literal_column, or_, select, text, union

    likes, indexed = patterns(query)
    q = _normal(query)
    if dialect == "sqlite" and len(q) == 2 and not _initials(q):
        # Every trigram that starts with the two characters, from the index's vocabulary,
        # matched as a phrase: the rows that hold the word, without reading any row.
        fts = SEARCHABLE[table.__tablename__]
        return table.id.in_(text(
            f"SELECT DISTINCT {fts}.rowid FROM {fts}_vocab JOIN {fts} ON {fts} MATCH "
            f"('\"' || replace({fts}_vocab.term, '\"', '\"\"') || '\"') "
            f"WHERE {fts}_vocab.term >= :low AND {fts}_vocab.term < :high").bindparams(low=q, high=q + "\U0010ffff"))
    if dialect == "sqlite" and indexed and "\\" not in "".join(likes):
        # No ESCAPE clause: with one, FTS5 scans instead of using its trigrams (50x slower).
        fts = SEARCHABLE[table.__tablename__]
        hits = [select(literal_column("rowid")).select_from(text(fts)).where(
            literal_column(f"{fts}.search").like(p)) for p in likes]
        return table.id.in_(hits[0] if len(hits) == 1 else union(*hits))
    if dialect == "postgresql" and len(q) == 2 and not _initials(q) and q.upper() == q.lower() == q \
            and not set(q) & {"%", "_", "\\"}:
        # pg_trgm cannot answer two characters: the index of each text's character pairs can
        # (``install``; the same expression as the index, so the planner uses it).
        from sqlalchemy import ARRAY, Text, func, literal

        return func.mediation_bigrams(table.search).op("@>")(literal([q], ARRAY(Text)))
    if dialect == "postgresql":  # backslash is PostgreSQL's own LIKE escape: no clause to get in the way
        # ILIKE only when case can matter: on Chinese text LIKE finds the same rows, and a scan
        # (one or two characters) reads them three times faster.
        cased = q.upper() != q
        return or_(*((table.search.ilike(p) if cased else table.search.like(p)) for p in likes))
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
            # its terms, for two-character words (``condition``)
            connection.exec_driver_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts}_vocab USING fts5vocab({fts}, 'row')")
    elif connection.dialect.name == "postgresql":
        if not connection.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").first():
            connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        for table in SEARCHABLE:
            if table in tables:
                connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{table}_search ON {table} "
                                           "USING gin (search public.gin_trgm_ops)")
        install_bigrams(connection, tables)


# (pinned and a definer's, as every function of ours is: tests/cli/test_catalog.py). Its COST
# tells the planner that computing it row by row is dear: with the default, a list's first page
# (ORDER BY registered_at LIMIT 20) walked the registration index computing the pairs of each of
# a million texts until 20 matched (3.3 s), where the GIN index and a sort take milliseconds.
BIGRAMS_FUNCTION = """CREATE OR REPLACE FUNCTION mediation_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
COST 100000 AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}') FROM generate_series(1, length(t) - 1) AS i
$$"""


def install_bigrams(connection, tables: set[str]) -> None:
    """PostgreSQL: every pair of neighbouring characters of each search text, in a GIN index
    (``condition``: a two-character word, 程兰 or 工资, found from the index, not by a scan;
    migration 0019)."""
    connection.exec_driver_sql(BIGRAMS_FUNCTION)
    for table in SEARCHABLE:
        if table in tables:
            connection.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_{table}_bigrams ON {table} "
                                       "USING gin (mediation_bigrams(search))")


def uninstall(connection) -> None:
    for table, fts in SEARCHABLE.items():
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_insert")
            connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_update")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}_vocab")
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
        else:
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_search")
            connection.exec_driver_sql(f"DROP INDEX IF EXISTS ix_{table}_bigrams")


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
