"""Backups a town can trust: a consistent copy taken while others work, and putting one back.

SQLite: the library's online backup API copies the database as one read transaction sees it,
so an import still running is either wholly in the copy (it committed first) or not at all.
PostgreSQL: ``pg_dump`` (custom format) of the database, or of the schema the connection's
``search_path`` names, and ``pg_restore --clean`` to put it back; when the tools are not on the
machine, the refusal says which command to run there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from typing import Any

from mediation import files, migrate
from mediation.db import Database
from mediation.errors import DatabaseError, InvalidValue
from workflows.i18n import _


@dataclass(frozen=True)
class BackupView:
    path: str
    engine: str
    revision: str | None
    size: int
    # After a restore on PostgreSQL: each user whose login this server does not have, or has
    # as another role of its name ({"name", "login", "state"}): to relink (``user relink``).
    logins: tuple = ()

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "engine": self.engine, "revision": self.revision, "bytes": self.size,
                "logins_to_relink": list(self.logins)}


def _office(db: Database, actor: str | None) -> None:
    from sqlalchemy import text

    from mediation import access, permissions

    with db.read() as s:
        if not actor and db.dialect == "postgresql" and s.info.get("login") is None \
                and s.execute(text("SELECT mediation_is_owner()")).scalar():
            return  # the schema owner's login, which administers the database, needs no one named
        permissions.may_keep_backups(access.actor(s, actor), own_login=s.info.get("login") is not None)


def backup(db: Database, path: str, *, actor: str | None) -> BackupView:
    """Copy the database to ``path`` (a new file) while others may be working."""
    _office(db, actor)
    target = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(target):
        raise InvalidValue(_("{target} exists: choose another name").format(target=target))
    try:
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    except OSError as exc:
        raise InvalidValue(_("cannot write {target}: {reason}").format(target=target, reason=exc.strerror)) from None
    dump = ["pg_dump", "--format=custom", "--no-owner"]
    if db.dialect != "sqlite":
        args, env = _pg_args(db)
        _need_tool([*dump, f"--file={target}", *args], what="pg_dump")  # the command as it would be run there
    try:
        with files.private(target, replace=False) as tmp:
            if db.dialect == "sqlite":
                _sqlite_copy(db, tmp)
            else:
                _run_pg([*dump, f"--file={tmp}", *args], env, what="pg_dump")
    except FileExistsError:
        raise InvalidValue(_("{target} exists: choose another name").format(target=target)) from None
    except OSError as exc:
        raise InvalidValue(_("cannot write {target}: {reason}").format(target=target, reason=exc.strerror)) from None
    if db.dialect == "sqlite":
        return BackupView(target, "sqlite", _sqlite_revision(target), os.path.getsize(target))
    return BackupView(target, "postgresql", None, os.path.getsize(target))


def _sqlite_copy(db: Database, tmp: str) -> None:
    """The database as one read transaction sees it, into the (empty, private) file ``tmp``."""
    src = sqlite3.connect(_sqlite_path(db))
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)  # all pages in one step: one consistent snapshot
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise DatabaseError(_("the backup failed: {reason}").format(reason=exc)) from None
    finally:
        src.close()


def restore(db: Database, path: str, *, actor: str | None) -> BackupView:
    """Put the backup at ``path`` back in place of the database's contents (the caller has
    asked for confirmation). A backup of a newer release's schema is refused. Into an empty
    database (a new server's) anyone who may connect restores: there is nothing to protect yet."""
    if not _empty(db):
        _office(db, actor)
    source = os.path.abspath(os.path.expanduser(path))
    if not os.path.isfile(source):
        raise InvalidValue(_("no backup file {source}").format(source=source))
    if db.dialect == "sqlite":
        revision = _sqlite_revision(source)
        if revision is not None and revision not in migrate.KNOWN:
            raise DatabaseError(migrate.newer(revision))
        try:
            src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
            dst = sqlite3.connect(_sqlite_path(db), timeout=30)
            try:
                src.backup(dst)  # under the database's write lock: others wait, then see the restored copy
            finally:
                src.close()
                dst.close()
        except sqlite3.Error as exc:
            raise DatabaseError(_("the restore failed: {reason}").format(reason=exc)) from None
        db.dispose()  # pooled connections may cache the old schema
        return BackupView(source, "sqlite", revision, os.path.getsize(source))
    args, env = _pg_args(db)
    _run_pg(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args, source], env,
            what="pg_restore")
    db.dispose()
    return BackupView(source, "postgresql", None, os.path.getsize(source), logins=_drifted(db))


def _drifted(db: Database) -> tuple:
    """The users whose logins a restored database names but this server has not (or has as
    another role of the same name): the backup holds the database, the logins are the server's."""
    from sqlmodel import select

    from mediation import people
    from mediation.tables.places import User

    fresh = Database(db.url)
    try:
        with fresh.read() as s:
            users = s.exec(select(User).where(User.login.is_not(None), User.retired_at.is_(None))).all()
            states = people.login_states(s, list(users))
            return tuple({"name": u.name, "login": u.login, "state": states[u.id]} for u in users
                         if states.get(u.id) in ("missing", "replaced"))
    finally:
        fresh.dispose()


def _empty(db: Database) -> bool:
    """Whether the database has no tables of ours (read past the schema check)."""
    from sqlalchemy import inspect

    try:
        with db.engine.connect() as conn:
            return not inspect(conn).has_table("dispute_case")
    except Exception:  # noqa: BLE001 - cannot tell: the usual checks decide
        return False


def _sqlite_path(db: Database) -> str:
    path = db.url.split(":///", 1)[1] if ":///" in db.url else ""
    if not path or path == ":memory:":
        raise InvalidValue(_("an in-memory database cannot be backed up"))
    return path


def _sqlite_revision(path: str) -> str | None:
    """The schema revision a backup file holds; refuses a file that is not one of ours."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "dispute_case" not in tables:
                raise InvalidValue(_("{path} is not a backup of a mediation database").format(path=path))
            if "alembic_version" not in tables:
                return None  # release 0.1
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise InvalidValue(_("{path} is not an SQLite database file").format(path=path)) from None


def _pg_args(db: Database) -> tuple[list[str], dict[str, str]]:
    """The connection as libpq options (the password in the environment, never on the
    command line), and the schema when the URL's ``search_path`` names one."""
    from sqlalchemy.engine import make_url

    url = make_url(db.url)
    args = [f"--host={url.host or 'localhost'}", f"--port={url.port or 5432}", f"--dbname={url.database}"]
    if url.username:
        args.append(f"--username={url.username}")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    options = url.query.get("options")
    for option in ([options] if isinstance(options, str) else list(options or ())):
        for part in option.split():
            if part.startswith("-csearch_path="):
                args.append(f"--schema={part.split('=', 1)[1].split(',')[0]}")
    return args, env


def _need_tool(cmd: list[str], *, what: str) -> None:
    """Refuse with the command to run on the server when the tool is not on this machine."""
    if shutil.which(cmd[0]) is None:
        shown = " ".join(c for c in cmd)
        raise DatabaseError(_("{what} is not on this machine: run `{shown}` on the database server (PGPASSWORD in "
                              "the environment)").format(what=what, shown=shown))


def _run_pg(cmd: list[str], env: dict[str, str], *, what: str) -> None:
    _need_tool(cmd, what=what)
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        raise DatabaseError(_("{what} failed: {reason}").format(what=what, reason=last))

