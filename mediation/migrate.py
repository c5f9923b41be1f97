"""Schema revisions (Alembic): a new database gets the current tables and is stamped at the
newest revision; an older one is brought up to it, one migration at a time, inside one
transaction (PostgreSQL and SQLite both roll DDL back, so a failed upgrade changes nothing).

Release 0.1 created its tables without a revision: such a database is recognised by its
tables, stamped at the base revision ``0001``, then upgraded.
"""

from __future__ import annotations

from typing import Any
from workflows.i18n import _

BASE = "0001"
# The revisions this release knows, oldest first, the last being the one it runs on. Kept here
# so that every command can check a database's revision without loading Alembic (a test keeps
# this list equal to mediation/migrations/versions).
KNOWN = ("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010", "0011", "0012", "0013",
         "0014", "0015", "0016", "0017", "0018", "0019", "0020")
HEAD = KNOWN[-1]

def older(owner: str | None = None) -> str:
    """``owner``: on a shared server, the schema owner's login, when the connected login is not
    it (only the owner changes tables: a person cannot upgrade)."""
    if owner:
        return _("the database was made by an older release: the schema owner's login ({owner}) runs `mediation "
                 "backup` and then `mediation upgrade`; ask whoever holds it").format(owner=owner)
    return _("the database was made by an older release: run `mediation upgrade` (back it up first)")


def other_owner(connection) -> str | None:
    """On PostgreSQL, the login that owns the schema's tables, when the connected login is not
    it (nor a member of it); None otherwise."""
    if connection.dialect.name != "postgresql":
        return None
    row = connection.exec_driver_sql(
        "SELECT tableowner, pg_has_role(current_user, tableowner, 'MEMBER') FROM pg_tables "
        "WHERE schemaname = current_schema() AND tablename = 'alembic_version'").first()
    return row[0] if row is not None and not row[1] else None


def newer(revision: str) -> str:
    return _("the database was made by a newer release (schema revision {revision}): use that release, not this "
             "one").format(revision=revision)


def target_metadata():
    from sqlmodel import SQLModel

    import mediation.models  # noqa: F401  (registers the tables)

    return SQLModel.metadata


def _config(connection) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "mediation:migrations")
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(None)).get_current_head()


def current(connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def ensure_schema(connection) -> tuple[str | None, str]:
    """Create or upgrade the schema on ``connection`` (in its transaction): the revision it
    was at (``None`` for an empty database) and the one it is at now."""
    from alembic import command
    from sqlalchemy import inspect

    cfg = _config(connection)
    inspector = inspect(connection)
    before = current(connection) if inspector.has_table("alembic_version") else None
    if before is None:
        if not inspector.has_table("dispute_case"):
            from mediation import logins, search

            from mediation import chain

            target_metadata().create_all(connection)
            command.stamp(cfg, "head")
            chain.install(connection)  # the town chains' triggers
            search.install(connection)  # the indexes of what finding a case searches (and their function)
            logins.install(connection)  # PostgreSQL: group roles, rights (every function's), row-level security
            return None, head()
        command.stamp(cfg, BASE)  # release 0.1: its tables, no revision
        before = BASE
    if before not in KNOWN:
        from mediation.errors import DatabaseError
        raise DatabaseError(newer(before))
    if before != head():
        command.upgrade(cfg, "head")
    return before, head()
