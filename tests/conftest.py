"""Fixtures: a real database per test on SQLite and on the live PostgreSQL server.

PostgreSQL comes from ``MEDIATION_TEST_PG`` (default: the machine's server on 127.0.0.1).
Each test run works in its own schema, emptied between tests. When it is unreachable the
PostgreSQL tests are skipped on a developer's machine and fail under CI (``CI=true``).
"""

from __future__ import annotations

import os
import uuid

import pytest

# Messages are worded in the environment's language (workflows/i18n.py): the suite expects the
# English, whatever the machine's locale; tests of the Chinese ask for it (Run.speaking).
os.environ["LANG"] = "C.UTF-8"
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)

PG_URL = os.environ.get("MEDIATION_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_pg_state: dict = {}


def new_pg_schema(prefix: str) -> tuple[str, str]:
    """Create a scratch schema on the server; (its name, a URL whose search_path is it).
    Skips (or fails under CI) when the server is unreachable."""
    if "error" in _pg_state:
        _unreachable(_pg_state["error"])
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        engine = create_engine(PG_URL)
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            if "groups_before" not in _pg_state:  # the server's group roles (mediation.logins) before this run
                _pg_state["groups_before"] = set(conn.execute(
                    text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'mediation\\_%'")).scalars())
                _pg_state["trgm_before"] = conn.execute(  # the database's pg_trgm (mediation.search)
                    text("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")).first() is not None
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server
        _pg_state["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        _unreachable(_pg_state["error"])
    sep = "&" if "?" in PG_URL else "?"
    return schema, f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


def drop_pg_schema(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


def _pg_schema_url() -> str:
    """This run's shared schema, created once."""
    if "url" not in _pg_state:
        _pg_state["schema"], _pg_state["url"] = new_pg_schema("mediation_test")
    return _pg_state["url"]


def _unreachable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"PostgreSQL unreachable under CI ({PG_URL}): {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL unreachable: {reason}")


def pytest_sessionfinish(session, exitstatus):
    for engine in _pg_state.pop("engines", {}).values():
        engine.dispose()
    for schema in ([_pg_state["schema"]] if "schema" in _pg_state else []) + _pg_state.pop("kept", []):
        drop_pg_schema(schema)
    import shutil

    for key, path in _templates.items():
        if key.startswith("sqlite:"):
            shutil.rmtree(os.path.dirname(path), ignore_errors=True)


def pytest_unconfigure(config):
    # After every fixture is finalised (a module's scratch schema may outlive sessionfinish).
    if "groups_before" in _pg_state:
        _drop_new_groups(_pg_state["groups_before"], drop_trgm=not _pg_state["trgm_before"])

def _drop_new_groups(before: set[str], *, drop_trgm: bool) -> None:
    """The group roles (and the pg_trgm extension) this run's schemas made: dropped with the
    schemas that used them."""
    from sqlalchemy import create_engine, text

    from mediation.logins import GROUPS

    engine = create_engine(PG_URL)
    try:
        drops = [f'DROP ROLE IF EXISTS "{group}"' for group in set(GROUPS.values()) - before]
        for statement in drops + (["DROP EXTENSION IF EXISTS pg_trgm"] if drop_trgm else []):
            try:
                with engine.begin() as conn:
                    conn.execute(text(statement))
            except Exception:  # noqa: BLE001 - still used elsewhere on the server: it stays
                pass
    finally:
        engine.dispose()

def _empty_pg(url: str) -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    import mediation.models  # noqa: F401

    engine = _pg_engine(url)
    with engine.begin() as conn:
        existing = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
                       .scalars())
        names = [t.name for t in SQLModel.metadata.sorted_tables if t.name in existing]
        if names:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


def _pg_engine(url: str):
    """One engine per URL for the fixtures' own statements (a connection costs ~10 ms)."""
    engines = _pg_state.setdefault("engines", {})
    if url not in engines:
        from sqlalchemy import create_engine
        engines[url] = create_engine(url)
    return engines[url]


# -- templates: a database built once per run, copied for each test --------------------------
#
# Building the schema and the fixtures' town costs ~0.1 s a test on SQLite and ~0.15 s on the
# server; a copy costs a few ms. On SQLite the template is a file, copied; on the server the
# tables' rows are kept in a schema of their own and put back in one round trip (triggers off,
# sequences set after the rows), over the test schema emptied the same way.

_templates: dict[str, object] = {}


def from_template(url: str, name: str, build) -> None:
    """Make the database at ``url`` (empty: a new SQLite file, or the run's server schema) what
    ``build(url)`` makes, building it once per run under ``name``."""
    if url.startswith("sqlite"):
        import shutil
        import tempfile

        key = f"sqlite:{name}"
        if key not in _templates:
            folder = tempfile.mkdtemp(prefix=f"mediation-template-{name}-")
            built, path = os.path.join(folder, "built.db"), os.path.join(folder, "template.db")
            build(f"sqlite:///{built}")
            _sqlite_copy(built, path)  # (its write-ahead log included: the builder's connections may be open)
            _templates[key] = path
        shutil.copyfile(_templates[key], url.removeprefix("sqlite:///"))
        return
    key = f"pg:{name}"
    if key not in _templates:
        _empty_pg(url)
        build(url)
        _templates[key] = _keep_pg_rows(url, name)
    _restore_pg_rows(url, _templates[key])


def _sqlite_copy(source: str, target: str) -> None:
    import sqlite3

    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def _pg_tables(conn) -> list[str]:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    import mediation.models  # noqa: F401

    existing = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
                   .scalars())
    return [t.name for t in SQLModel.metadata.sorted_tables if t.name in existing]


def _keep_pg_rows(url: str, name: str) -> str:
    """Copy the rows of the schema's tables into a schema of their own; the statement that
    puts them back (one round trip)."""
    from sqlalchemy import text

    with _pg_engine(url).begin() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        kept = f"{schema}_{name}"
        conn.execute(text(f'CREATE SCHEMA "{kept}"'))
        _pg_state.setdefault("kept", []).append(kept)
        tables = _pg_tables(conn)
        filled = {}  # table → its columns the database does not derive itself
        for table in tables:
            columns = ", ".join(f'"{c}"' for c in conn.execute(text(
                "SELECT attname FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) AND attnum > 0 "
                "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum"), {"t": f'"{table}"'}).scalars())
            conn.execute(text(f'CREATE TABLE "{kept}"."{table}" AS SELECT {columns} FROM "{table}"'))
            if conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one():
                filled[table] = columns
        sequences = conn.execute(text(
            "SELECT s.relname, t.relname, a.attname FROM pg_class s "
            "JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass "
            "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid "
            "WHERE s.relkind = 'S' AND s.relnamespace = current_schema()::regnamespace")).all()
    statements = ["SET LOCAL session_replication_role = replica"]
    statements += [f'DELETE FROM "{table}"' for table in tables]
    statements += [f'INSERT INTO "{table}" ({columns}) SELECT * FROM "{kept}"."{table}"'
                   for table, columns in filled.items()]
    statements += [f"SELECT setval('\"{seq}\"', coalesce((SELECT max(\"{col}\") FROM \"{table}\"), 0) + 1, false)"
                   for seq, table, col in sequences]
    return ";\n".join(statements)


def _restore_pg_rows(url: str, statement: str) -> None:
    with _pg_engine(url).begin() as conn:
        conn.exec_driver_sql(statement)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL (no schema yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mediation.db'}"
    url = _pg_schema_url()
    if not _TEMPLATED.intersection(request.fixturenames):  # (those put a template's rows in place of all)
        _empty_pg(url)
    return url


_TEMPLATED = {"db", "town", "run", "sample"}


def _schema(url: str) -> None:
    from mediation.db import Database

    database = Database(url, create=True)
    database.create_schema()
    database.dispose()


@pytest.fixture
def db(request, db_url):
    """The newest schema, no rows (copied from the run's template); a test that asks for
    ``town`` too gets the town's rows in the same database."""
    from mediation.db import Database

    name = next((n for n in ("sample", "town") if n in request.fixturenames), "schema")
    from_template(db_url, name, {"sample": _sample, "town": _town, "schema": _schema}[name])
    database = Database(db_url)
    yield database
    database.dispose()


SAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sample_cases", "yingpan-2021")


def _sample(url: str) -> None:
    """The 2021 sample, loaded whole."""
    from mediation import loader
    from mediation.db import Database

    database = Database(url, create=True)
    database.create_schema()
    loader.load(database, SAMPLE)
    database.dispose()


def _town(url: str) -> None:
    from mediation import admin
    from mediation.db import Database

    database = Database(url, create=True)
    database.create_schema()
    admin.init_town(database, town="营盘镇", villages=["营镇社区", "龙潭村", "朱家湾村"])
    admin.add_user(database, actor=None, name="王主任", role="town")
    admin.add_user(database, actor="王主任", name="县矛调", role="county")
    admin.add_user(database, actor="王主任", name="刘调解", role="mediator", village="龙潭村")
    admin.add_user(database, actor="王主任", name="周调解", role="mediator", village="朱家湾村")
    database.dispose()


@pytest.fixture
def town(db):
    """营盘镇 with three villages, a town officer, a county officer and two mediators (the
    ``db`` fixture copies them from the run's template)."""
    return db


def snapshot(db) -> dict:
    """Every row of every table, to prove that a refused operation changed nothing."""
    from sqlalchemy import select
    from sqlmodel import SQLModel

    import mediation.models  # noqa: F401

    out = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            rows = conn.execute(select(table)).all()
            out[table.name] = sorted((tuple(map(repr, r)) for r in rows))
    return out

def refused(db, exc, match, fn, *args, **kwargs):
    """``fn`` is refused with ``exc`` matching ``match``, and the database is exactly as it was."""
    import pytest

    before = snapshot(db)
    with pytest.raises(exc, match=match):
        fn(*args, **kwargs)
    assert snapshot(db) == before
