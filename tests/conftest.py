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
    if "schema" in _pg_state:
        drop_pg_schema(_pg_state["schema"])


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
    from sqlalchemy import create_engine, text
    from sqlmodel import SQLModel

    import mediation.models  # noqa: F401

    engine = create_engine(url)
    with engine.begin() as conn:
        existing = set(conn.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))
                       .scalars())
        names = [t.name for t in SQLModel.metadata.sorted_tables if t.name in existing]
        if names:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()

@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database URL (no schema yet)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'mediation.db'}"
    url = _pg_schema_url()
    _empty_pg(url)
    return url

@pytest.fixture
def db(db_url):
    from mediation.db import Database

    database = Database(db_url, create=True)
    database.create_schema()
    yield database
    database.dispose()

@pytest.fixture
def town(db):
    """营盘镇 with three villages, a town officer, a county officer and two mediators."""
    from mediation import admin

    admin.init_town(db, town="营盘镇", villages=["营镇社区", "龙潭村", "朱家湾村"])
    admin.add_user(db, actor=None, name="王主任", role="town")
    admin.add_user(db, actor="王主任", name="县矛调", role="county")
    admin.add_user(db, actor="王主任", name="刘调解", role="mediator", village="龙潭村")
    admin.add_user(db, actor="王主任", name="周调解", role="mediator", village="朱家湾村")
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
