"""Opening the database (SQLite or PostgreSQL) and its units of work: a ``Database`` gives
each service call its own transaction; an import file's ``Batch`` (and each record's
``Record``) makes the calls given it share one. Services take any of the three.

SQLite: WAL, foreign keys, a busy timeout so two terminals on one file wait instead of
failing, and ``BEGIN IMMEDIATE`` for write transactions so that a command reads the case it
changes under the write lock (no stale read can win). PostgreSQL: the write path locks the
rows it changes (``SELECT … FOR UPDATE``). Both: every change is checked against ``version``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from mediation.errors import DatabaseError, MediationError
from workflows.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

BUSY_TIMEOUT_MS = 30_000


def normalise_url(url_or_path: str) -> str:
    """An SQLAlchemy URL, or a plain file path meaning SQLite."""
    s = url_or_path.strip()
    if s.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + s.split("://", 1)[1]
    if "://" in s:
        return s
    return "sqlite:///" + os.path.abspath(os.path.expanduser(s))


def display_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


class Database:
    def __init__(self, url_or_path: str, *, create: bool = False, claim: str | None = None):
        """``claim``: the user the caller says it acts as (the command line's acting user).
        Connected with a person's own login, any claim to be someone else is refused before
        anything is read, whatever the command (``mediation.logins``)."""
        from sqlalchemy import create_engine, event
        from sqlalchemy.exc import ArgumentError, NoSuchModuleError

        self.url = normalise_url(url_or_path)
        try:
            is_sqlite = self.url.startswith("sqlite")
            if is_sqlite:
                path = self.url.split(":///", 1)[1] if ":///" in self.url else ""
                if path and path != ":memory:" and not create and not os.path.exists(path):
                    raise DatabaseError(_("no database {path}: run `mediation init --town NAME` first").format(
                        path=path))
                if path and path != ":memory:" and create:
                    try:
                        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
                        if not os.path.exists(path):
                            # One office, one file: it holds citizens' ID numbers, so only its owner
                            # may read or write it (SQLite gives its -wal and -shm files the same mode).
                            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
                    except OSError as exc:
                        raise DatabaseError(_("cannot create the database {path}: {reason}").format(
                            path=path, reason=exc.strerror)) from None
                engine = create_engine(self.url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
                event.listen(engine, "connect", _sqlite_connect)
                event.listen(engine, "begin", _sqlite_begin)
            else:
                engine = create_engine(self.url, pool_pre_ping=False)
        except (ArgumentError, NoSuchModuleError, ValueError, ImportError) as exc:
            raise DatabaseError(_("'{url}' is not a usable database URL or path (SQLite path, sqlite:///…, "
                                  "postgresql+psycopg://…): {reason}").format(url=url_or_path, reason=exc)) from None
        self.engine = engine
        self.dialect = engine.dialect.name
        self._write_engine = engine.execution_options(sqlite_write=True)
        self._revision_checked = False  # once per Database: its schema is this release's
        self._login: tuple = ()  # once per Database: (the user of the connection's own login, or None)
        self.claim = claim

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlmodel import Session

        with _translated(self):
            with Session(self._write_engine, expire_on_commit=False, autoflush=False) as session:
                with session.begin():
                    self._open(session)
                    yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        with _translated(self):
            with Session(self.engine, expire_on_commit=False, autoflush=False) as session:
                with session.begin():
                    self._open(session)
                    yield session

    def _open(self, session) -> None:
        """What every session learns first: that the schema is this release's, and who is
        connected (``session.info["login"]``: the user of a person's own PostgreSQL login,
        who is then the acting user; ``mediation.logins``)."""
        self._check_revision(session)
        if not self._login:
            from mediation import access
            login = None
            if self.dialect == "postgresql":  # (SQLite has no logins: nothing to import for them)
                from mediation import logins
                login = logins.connected_user(session)
            if login is not None and self.claim:
                session.info["login"] = login
                access.actor(session, self.claim)  # refuses a claim to be someone else
            self._login = (login,)
        session.info["login"] = self._login[0]
        if self._login[0] is None and self.claim:  # SQLite, or the owner acting as a named user
            from mediation import access
            named = access.user_named(session, self.claim)
            if named is not None:  # (an unknown name is refused by the command that needs it)
                access.actor(session, self.claim)  # (a retired user is refused, reading too)

    def _check_revision(self, session) -> None:
        """Refuse, with one line saying what to run, a database whose schema is older or newer
        than this release's: one query, the first time this Database is used."""
        if self._revision_checked:
            return
        from sqlalchemy import exc as sa_exc
        from sqlalchemy import inspect

        from mediation import migrate

        try:
            revision = session.connection().exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        except sa_exc.DBAPIError as exc:  # no revision table: an empty database, or release 0.1's tables
            _password_needed(self.url, str(exc.orig))
            refusal = _refusal(self.url, str(exc.orig))
            if refusal:  # the server refused the login, or the login has no rights here
                raise DatabaseError(refusal) from None
            if self.dialect == "postgresql":
                with self.engine.connect() as probe:  # a schema this login may not use looks empty
                    if probe.exec_driver_sql("SELECT current_schema()").scalar() is None:
                        raise DatabaseError(_refusal(self.url, "permission denied for schema")) from None
            if inspect(self.engine).has_table("dispute_case"):
                raise DatabaseError(migrate.older()) from None
            if self.dialect == "postgresql":  # (only the login that will own the tables makes them)
                raise DatabaseError(_("the database has no schema yet: its owner's login (the one the server's "
                                      "administrator made for it) runs `mediation init --town NAME`")) from None
            raise DatabaseError(_("the database has no schema: run `mediation init --town NAME`")) from None
        if revision is None and self.dialect == "postgresql":  # (the revision answers only to a user of this database)
            from mediation import logins
            logins.connected_user(session)  # refuses a login no user of this database has
        if revision != migrate.HEAD:
            if revision in migrate.KNOWN:
                raise DatabaseError(migrate.older(migrate.other_owner(session.connection())))
            raise DatabaseError(migrate.newer(revision))
        self._revision_checked = True
        from mediation import calendars

        calendars.use(session)  # the holiday notices the office loaded, for every deadline counted

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """One transaction for many service calls (an import file): all or nothing. The
        ``Batch`` it yields is the unit of work those calls are given instead of the Database."""
        from sqlmodel import Session

        with _translated(self):
            with Session(self._write_engine, expire_on_commit=False, autoflush=False) as session:
                with session.begin():
                    self._open(session)
                    yield Batch(self, session)

    def create_schema(self) -> str:
        """Create the schema, or bring an older one up to the newest revision (Alembic, in
        one transaction); idempotent. Returns the revision."""
        return self.upgrade()[1]

    def upgrade(self) -> tuple[str | None, str]:
        """``create_schema``, saying which revision the database was at before (``None``:
        it was empty) and which it is at now."""
        from mediation import migrate

        with _translated(self):
            with self.engine.begin() as connection:
                owner = migrate.other_owner(connection)
                if owner and connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
                        == migrate.HEAD:
                    owner = None  # (current: nothing to change, as when an office adds a village)
                if owner:
                    from mediation.errors import PermissionDenied
                    raise PermissionDenied(_("the schema is created and upgraded with the schema owner's login ({owner}), "
                                             "not {login}").format(owner=owner, login=connection.exec_driver_sql(
                                                 "SELECT current_user").scalar()))
                before, after = migrate.ensure_schema(connection)
        self._revision_checked = True
        return before, after

    def dispose(self) -> None:
        self.engine.dispose()


class Batch:
    """The unit of work of an import file: one transaction that every service call made
    through it shares. Each call's ``write()`` is a savepoint of it, so one failing call is
    undone alone while the file's other problems are still collected; ``record()`` gives the
    unit for one record's several calls, undone whole if any of them fails."""

    def __init__(self, db: Database, session: Session):
        self.db, self.session = db, session
        self.url, self.dialect, self.engine = db.url, db.dialect, db.engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        with _translated(self.db), self.session.begin_nested():
            yield self.session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with _translated(self.db):
            yield self.session

    @contextmanager
    def record(self) -> Iterator[Record]:
        """One savepoint for a record's service calls; the record's objects leave the session
        afterwards, so a long file does not grow the session's memory."""
        try:
            with _translated(self.db), self.session.begin_nested():
                yield Record(self)
        finally:
            self.session.expunge_all()

    def create_schema(self) -> str:
        """The schema is made current before a batch begins (``Database.create_schema``)."""
        from mediation import migrate
        return migrate.head()


class Record:
    """The unit of work of one record of an import file: its service calls share the
    record's savepoint (``Batch.record``) and open none of their own."""

    def __init__(self, batch: Batch):
        self.batch, self.session = batch, batch.session
        self.url, self.dialect, self.engine = batch.url, batch.dialect, batch.engine

    @contextmanager
    def write(self) -> Iterator[Session]:
        with _translated(self.batch.db):
            yield self.session

    read = write

    def create_schema(self) -> str:
        return self.batch.create_schema()


# What services are given: a Database (each call its own transaction), or the Batch or Record
# of an import file (the calls share its transaction).
UnitOfWork = Database | Batch | Record


def _sqlite_connect(dbapi_connection, _record) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=FULL")  # a village office loses power; a commit must survive
    cur.close()
    from mediation import chain

    _record.info["chain"] = chain.register_functions(dbapi_connection)  # what the towns' chains' triggers call


def _sqlite_begin(conn) -> None:
    from mediation import chain

    chain.begin(conn.connection.info.get("chain"))  # a new transaction: the chains name it
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("sqlite_write") else "BEGIN")


@contextmanager
def _translated(db: Database) -> Iterator[None]:
    """Database failures become one readable ``DatabaseError`` line, never a traceback."""
    from sqlalchemy import exc as sa_exc

    try:
        yield
    except MediationError:
        raise
    except sa_exc.DBAPIError as exc:
        text = str(exc.orig) if exc.orig is not None else str(exc)
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        # PostgreSQL says what failed by its SQLSTATE, whatever language its messages are in
        # (a server with Chinese lc_messages words them in Chinese); SQLite's words are fixed.
        state = getattr(exc.orig, "sqlstate", None)
        if state == "42P01" or "no such table" in text or "does not exist" in text and "relation" in text:
            raise DatabaseError(_("the database has no schema: run `mediation init --town NAME`")) from None
        if state == "42703" or "no such column" in text or "does not exist" in text and "column" in text:
            from mediation import migrate
            raise DatabaseError(migrate.older()) from None
        if state in ("55P03", "40P01") or "database is locked" in text:  # a lock not granted; a deadlock
            raise DatabaseError(_("the database is busy (another command holds it); try again")) from None
        _password_needed(db.url, text)
        refusal = _refusal(db.url, text, state)
        if refusal:
            raise DatabaseError(refusal) from None
        if isinstance(exc, sa_exc.OperationalError):
            raise DatabaseError(_("database {url} unavailable: {reason}").format(
                url=display_url(db.url), reason=first)) from None
        # Anything else the database refuses (a constraint, a failed migration step) is one line
        # too, and the transaction it happened in has been rolled back.
        raise DatabaseError(_("the database refused it, nothing was written: {reason}").format(reason=first)) from None


def _password_needed(url: str, text: str) -> None:
    """libpq's own words when the server asks for a password the client does not have."""
    if "no password supplied" in text:
        from sqlalchemy.engine import make_url

        from mediation.errors import PasswordNeeded
        raise PasswordNeeded(_("the server asks for the password of login {who}: type it at a terminal, or keep "
                               "it in ~/.pgpass (the README's \"Passwords\")").format(who=make_url(url).username or "?"))


def _refusal(url: str, text: str, state: str | None = None) -> str | None:
    """What a server's refusal means for the person at the terminal, and what to do: a wrong
    password, a login the server does not know, a server not answering, a right the login
    does not have (``mediation.logins``)."""
    from sqlalchemy.engine import make_url

    u = make_url(url)
    who, where = u.username or "?", f"{u.host or 'localhost'}:{u.port or 5432}"
    if state == "28P01" or "password authentication failed" in text \
            or ("role" in text and "does not exist" in text and "FATAL" in text):
        return _("the server refused login {who}: wrong password, or no such login (a person's login and password "
                 "come from the 司法所: `mediation user login`, `mediation user password`; the schema owner's from "
                 "the server's administrator)").format(who=who)
    if state == "28000" and "role" not in text or "is not permitted to log in" in text:
        return _("login {who} may not log in: ask the 司法所").format(who=who)
    if "Connection refused" in text or "could not connect" in text or "timeout expired" in text \
            or "Name or service not known" in text or "could not translate host name" in text:
        return _("the PostgreSQL server at {where} is not answering: is it running, and is the address right?").format(
            where=where)
    if state == "3D000" or "database" in text and "does not exist" in text and "FATAL" in text:
        return _("no database {database} on the server at {where}").format(where=where, database=u.database)
    if "row-level security" in text:
        return _("that is outside the village or town of login {who}: nothing was written").format(who=who)
    if state == "42501" or "permission denied" in text:  # (a policy's refusal shares the state)
        return _("login {who} has no right to do that, nothing was written ({reason})").format(
            who=who, reason=text.strip().splitlines()[0])
    return None
