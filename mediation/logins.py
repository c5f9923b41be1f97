"""Who is connected: on a shared PostgreSQL server each person may have a login of their own
(docs/architecture.md, "Who acts").

A person's login is a member of one group role per application role (``GROUPS``); the
group holds the table rights, and row-level security policies on every table that holds a
village's or a town's data limit each login to the rows ``mediation.permissions`` gives its
user: a mediator's village, a town user's town, a county user's every town. Connected as a
login that is mapped to a user (``app_user.login``), that user is the acting user, and a
claim to act as anyone else is refused.

The schema owner (the login that runs ``init`` and ``upgrade``) is no person: it owns the
tables, is not limited by the policies, and needs ``CREATEROLE`` to make the group roles and
people's logins. Connected as the owner, the acting user is the one named, as on SQLite.

Group roles belong to the whole server, so two databases on one server share them; what a
login sees in a database is decided by that database's ``app_user`` row for it: every table,
the ones every user reads whole included (``SHARED``), answers only to a user of its own
database.

A user's login is known by its identity on the server (``app_user.login_oid``, the role's
OID when it was given), not by its name alone: a role dropped and made again under the same
name is nobody until an office relinks it (``mediation_relink``). A retired user's login is
disabled (``NOLOGIN``) and answers for no one.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mediation.errors import DatabaseError, InvalidValue, PermissionDenied
from workflows import ask, option
from workflows.config import Role
from workflows.i18n import _

if TYPE_CHECKING:
    from sqlmodel import Session

    from mediation.tables.places import User

GROUPS: dict[str, str] = {Role.mediator: "mediation_mediator", Role.town: "mediation_town",
                          Role.county: "mediation_county"}

# Records with a place: (town column, village column or None for town-level records).
PLACED: dict[str, tuple[str, str | None]] = {
    "dispute_case": ("town_id", "village_id"), "petition": ("town_id", "village_id"),
    "subject": ("town_id", "village_id"), "screening_round": ("town_id", "village_id"),
    "zero_report": ("town_id", "village_id"), "matter": ("town_id", None),
}
# Rows that belong to a placed record: visible and writable with it (its policy applies to
# the subquery). (column, parent table)
BELONGING: dict[str, tuple[str, str]] = {
    "party": ("case_id", "dispute_case"), "case_event": ("case_id", "dispute_case"),
    "petition_event": ("petition_id", "petition"), "matter_event": ("matter_id", "matter"),
    "subject_event": ("subject_id", "subject"), "employment": ("subject_id", "subject"),
    "attachment": ("case_id", "dispute_case"),
}
EVENTS = ("case_event", "petition_event", "matter_event", "subject_event")
# An import key's kind and its record's table.
IMPORTED = {"case": "dispute_case", "petition": "petition", "matter": "matter", "subject": "subject",
            "screening": "screening_round"}
# Every table under row-level security; the rest (town, village names, the revision) every login
# of the database reads (tests/cli/test_catalog.py holds the list of those).
GUARDED = set(PLACED) | set(BELONGING) | {"access_log", "app_user", "village", "import_key", "chain_link",
                                            "user_event"}
# Read whole by every user of the database, by no one else (from migration 0015).
SHARED = {"town", "calendar_year", "alembic_version"}
# What a person writes under a name (table → the column naming them): written under their own
# name only (from migration 0020). The chain links whatever is inserted, so an event signed with
# another's name (a mediator's login writing "王主任 approved") would pass ``audit verify``. A
# holiday notice is replaced in place: its loader is checked when it changes too.
SIGNED = {**{table: "actor" for table in (*EVENTS, "employment", "screening_round", "zero_report", "attachment",
                                          "access_log", "user_event")},
          "calendar_year": "loaded_by"}
_SIGNED_CHANGES = {"calendar_year"}
SIGNED_POLICIES = ("mediation_signed", "mediation_signed_change")
# Rights beyond SELECT, per group. Nothing is ever deleted, so no one may DELETE; events are
# written once (only ``undone`` changes); users, villages and towns are added, not changed.
_ALL = tuple(GROUPS.values())
_OFFICES = (GROUPS[Role.town], GROUPS[Role.county])
WRITES: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
    ("INSERT, UPDATE", ("dispute_case", "petition", "subject", "screening_round", "zero_report", "party",
                        "employment", "import_key"), _ALL),
    ("INSERT", EVENTS + ("access_log", "attachment"), _ALL),  # (an attachment is written once)
    ("UPDATE (undone)", EVENTS, _ALL),
    ("INSERT, UPDATE", ("matter",), _OFFICES),
    # (``login`` may only be NULL, its policy says: a login is given by ``mediation_give_login``)
    ("INSERT (name, role, town_id, village_id, created_at, login)", ("app_user",), _OFFICES),
    # (a new user's identity and retirement: NULL, the policy says)
    ("INSERT (login_oid, retired_at)", ("app_user",), _OFFICES),
    # (a user is renamed, moved or retired by an office; role, town and login never change so)
    ("UPDATE (name, village_id, retired_at)", ("app_user",), _OFFICES),
    ("INSERT", ("user_event",), _ALL),  # (a person records setting their own password)
    ("INSERT", ("village",), _OFFICES),
    ("INSERT, UPDATE", ("calendar_year",), _OFFICES),  # the holiday notices: the whole database's
    ("INSERT", ("town",), (GROUPS[Role.county],)),
]

# The connected person is ``session_user`` (who logged in), read inside each function: a
# function answers for the caller only, never for a login named by an argument.
_ME = "(SELECT mediation_{}())"
ALL, TOWN, VILLAGE, HOME_TOWN, NAME, ROLE = (_ME.format(f) for f in
                                             ("all", "town", "village", "home_town", "name", "role"))


def _scope(town: str, village: str | None) -> str:
    """The rows a login's user may see and change: ``permissions.may_act_on`` in SQL."""
    parts = [ALL, f"{town} = {TOWN}"] + ([f"{village} = {VILLAGE}"] if village else [])
    return "(" + " OR ".join(parts) + ")"


# The functions added by migration 0015 (dropped by its downgrade).
FUNCTIONS_SINCE_0015 = ("mediation_set_login(integer, boolean)", "mediation_set_password(integer, text)",
                        "mediation_relink(integer, text)")


def _functions(schema: str, *, by_oid: bool = True) -> list[str]:
    """The acting user of the connected login, read past the policies (``SECURITY DEFINER``):
    the policies call these once per statement (``(SELECT f())`` is an init plan). Each answers
    for ``session_user`` alone (who logged in; ``SET ROLE`` does not change it), so no login
    learns another's place or role. ``PARALLEL SAFE``: they only read, so a login's report may
    use parallel workers as the owner's does. ``by_oid``: the schema knows each login's identity
    and who is retired (migration 0015): a login answers for its user only while it is the very
    role that was given, and the user is not retired."""
    head = (f"LANGUAGE sql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = {_ident(schema)}, pg_temp AS $$ ")
    one = "FROM app_user u WHERE u.login = session_user"
    if by_oid:
        one += (" AND u.login_oid = (SELECT r.oid FROM pg_roles r WHERE r.rolname = session_user)"
                " AND u.retired_at IS NULL")
    sql = [
        f"CREATE OR REPLACE FUNCTION mediation_me() RETURNS integer {head}SELECT u.id {one} $$",
        f"CREATE OR REPLACE FUNCTION mediation_all() RETURNS boolean {head}"
        f"SELECT coalesce((SELECT u.role = 'county' OR (u.role = 'town' AND u.town_id IS NULL) {one}), false) $$",
        f"CREATE OR REPLACE FUNCTION mediation_town() RETURNS integer {head}"
        f"SELECT u.town_id {one} AND u.role = 'town' $$",
        f"CREATE OR REPLACE FUNCTION mediation_village() RETURNS integer {head}"
        f"SELECT u.village_id {one} AND u.role = 'mediator' $$",
        f"CREATE OR REPLACE FUNCTION mediation_home_town() RETURNS integer {head}SELECT u.town_id {one} $$",
        f"CREATE OR REPLACE FUNCTION mediation_name() RETURNS text {head}SELECT u.name::text {one} $$",
        f"CREATE OR REPLACE FUNCTION mediation_role() RETURNS text {head}SELECT u.role::text {one} $$",
        f"CREATE OR REPLACE FUNCTION mediation_county_exists() RETURNS boolean {head}"
        "SELECT EXISTS (SELECT 1 FROM app_user WHERE role = 'county') $$",
        # Whether a village is one of a town's (a new user's village must be of their town).
        f"CREATE OR REPLACE FUNCTION mediation_village_in(integer, integer) RETURNS boolean {head}"
        "SELECT EXISTS (SELECT 1 FROM village v WHERE v.id = $1 AND v.town_id = $2) $$",
        # Whether the connected login is the schema owner's (no person: it runs init and upgrade).
        f"CREATE OR REPLACE FUNCTION mediation_is_owner() RETURNS boolean {head}"
        "SELECT NOT EXISTS (SELECT 1 FROM app_user WHERE login = session_user) "
        "AND pg_has_role(session_user, (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = 'app_user'), 'MEMBER') $$",
    ]
    definer = f"LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = {_ident(schema)}, pg_temp AS $$"
    # The next number of a town's yearly register, counted over every village (a mediator's
    # login sees only theirs), with the town locked until the numbering transaction ends. Only
    # for the owner and the people of that town (or of every town): no one locks or counts
    # another town's register.
    sql.append(f"""CREATE OR REPLACE FUNCTION mediation_next_seq(p_register text, p_town integer, p_year integer,
        p_kind text DEFAULT NULL) RETURNS integer {definer}
DECLARE n integer;
BEGIN
  IF NOT coalesce(mediation_is_owner() OR mediation_all() OR p_town = mediation_home_town(), false) THEN
    RAISE EXCEPTION 'mediation: % may not number town %', session_user, p_town USING ERRCODE = '42501';
  END IF;
  PERFORM 1 FROM town WHERE id = p_town FOR UPDATE;
  IF p_register = 'dispute_case' THEN
    SELECT max(seq) INTO n FROM dispute_case WHERE town_id = p_town AND year = p_year;
  ELSIF p_register = 'petition' THEN
    SELECT max(seq) INTO n FROM petition WHERE town_id = p_town AND year = p_year;
  ELSIF p_register = 'matter' THEN
    SELECT max(seq) INTO n FROM matter WHERE town_id = p_town AND year = p_year AND kind = p_kind;
  ELSE
    RAISE EXCEPTION 'mediation: no register %', p_register;
  END IF;
  RETURN coalesce(n, 0) + 1;
END $$""")
    # A user's own login, made by the schema owner's rights, when the connected person may
    # (``permissions.may_give_login``, checked again here for plain SQL callers).
    # ID numbers and phones in full, with their access-log rows (mediation/personal.py).
    from mediation import personal

    sql.append(personal.unmask_function(definer, _scope("r.town_id", "r.village_id")))
    sql.append(_manageable(definer))
    sql.append(f"""CREATE OR REPLACE FUNCTION mediation_give_login(p_user integer, p_login text, p_password text)
        RETURNS void {definer}
DECLARE target app_user;
BEGIN
  target := mediation_manageable(p_user, false, 'give a login to');
  IF target.village_id IS NOT NULL AND NOT mediation_village_in(target.village_id, target.town_id) THEN
    RAISE EXCEPTION 'mediation: % has a village outside their town', target.name USING ERRCODE = '42501';
  END IF;
  IF target.login IS NOT NULL THEN
    RAISE EXCEPTION 'mediation: % already has login %', target.name, target.login;
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN IN ROLE %I', p_login, 'mediation_' || target.role)
          || CASE WHEN p_password IS NULL THEN '' ELSE format(' PASSWORD %L', p_password) END;
  UPDATE app_user SET login = p_login, login_oid = (SELECT oid FROM pg_roles WHERE rolname = p_login)
    WHERE id = p_user;
END $$""")
    if by_oid:
        sql += _lifecycle(definer)
    return sql


def _manageable(definer: str) -> str:
    """``mediation_manageable(user, self, what)``: the user the caller may manage or give a login
    to (an office of the user's town, the county, the schema owner; with ``self`` the user
    themselves too), or an exception naming ``what`` was refused."""
    return f"""CREATE OR REPLACE FUNCTION mediation_manageable(p_user integer, p_self boolean,
        p_what text DEFAULT 'change') RETURNS app_user {definer}
DECLARE caller app_user; target app_user;
BEGIN
  SELECT * INTO target FROM app_user WHERE id = p_user;
  IF target.id IS NULL THEN RAISE EXCEPTION 'mediation: no user %', p_user; END IF;
  SELECT * INTO caller FROM app_user WHERE id = mediation_me();
  IF caller.id IS NULL THEN
    IF NOT mediation_is_owner() THEN
      RAISE EXCEPTION 'mediation: % is neither a user nor the schema owner', session_user USING ERRCODE = '42501';
    END IF;
  ELSIF caller.role = 'county' OR (p_self AND caller.id = target.id) THEN
    NULL;
  ELSIF caller.role = 'town' AND target.role <> 'county'
        AND (caller.town_id IS NULL OR caller.town_id = target.town_id) THEN
    NULL;
  ELSE
    RAISE EXCEPTION 'mediation: % may not % %', caller.name, p_what, target.name USING ERRCODE = '42501';
  END IF;
  RETURN target;
END $$"""


def _lifecycle(definer: str) -> list[str]:
    """A user's login over the years, by the schema owner's rights, each checking its caller
    as ``permissions.may_manage_user`` does (for plain SQL callers too): disabled when the user
    retires, a password set, relinked after a restore or a role made again."""
    # The user's login, if it is still the role that was given (same name, same identity).
    theirs = ("EXISTS (SELECT 1 FROM pg_roles WHERE rolname = target.login AND oid = target.login_oid)")
    set_login = f"""CREATE OR REPLACE FUNCTION mediation_set_login(p_user integer, p_can_login boolean)
        RETURNS boolean {definer}
DECLARE target app_user;
BEGIN
  target := mediation_manageable(p_user, false);
  IF target.login IS NULL OR NOT {theirs} THEN
    RETURN false;
  END IF;
  IF p_can_login AND target.retired_at IS NOT NULL THEN
    RAISE EXCEPTION 'mediation: % is retired', target.name USING ERRCODE = '42501';
  END IF;
  EXECUTE format('ALTER ROLE %I %s', target.login, CASE WHEN p_can_login THEN 'LOGIN' ELSE 'NOLOGIN' END);
  RETURN true;
END $$"""
    set_password = f"""CREATE OR REPLACE FUNCTION mediation_set_password(p_user integer, p_verifier text)
        RETURNS void {definer}
DECLARE target app_user;
BEGIN
  target := mediation_manageable(p_user, true);
  IF target.login IS NULL OR NOT {theirs} THEN
    RAISE EXCEPTION 'mediation: % has no login of theirs on this server', target.name USING ERRCODE = '55000';
  END IF;
  IF target.retired_at IS NOT NULL THEN
    RAISE EXCEPTION 'mediation: % is retired', target.name USING ERRCODE = '42501';
  END IF;
  IF p_verifier IS NULL OR p_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
    RAISE EXCEPTION 'mediation: a password is set as a SCRAM verifier' USING ERRCODE = '22023';
  END IF;
  EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', target.login, p_verifier);
END $$"""
    # A user's login named anew: a missing one is made, disabled until a password is set; an
    # existing role (not the owner's, no superuser, no other user's login, no role that may make
    # roles), only by the schema owner's login, joins the user's group alone.
    relink = f"""CREATE OR REPLACE FUNCTION mediation_relink(p_user integer, p_login text)
        RETURNS boolean {definer}
DECLARE target app_user; found pg_roles; grp text; made boolean := false;
BEGIN
  target := mediation_manageable(p_user, false);
  IF p_login !~ '^[a-z][a-z0-9_]{{1,62}}$' OR p_login LIKE 'pg\\_%' OR p_login LIKE 'mediation\\_%' THEN
    RAISE EXCEPTION 'mediation: % cannot be a login', p_login USING ERRCODE = '22023';
  END IF;
  IF EXISTS (SELECT 1 FROM app_user WHERE login = p_login AND id <> p_user) THEN
    RAISE EXCEPTION 'mediation: % is another user''s login', p_login USING ERRCODE = '42501';
  END IF;
  SELECT * INTO found FROM pg_roles WHERE rolname = p_login;
  IF found.oid IS NULL THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN IN ROLE %I', p_login, 'mediation_' || target.role);
    made := true;
  ELSE
    -- An existing role may be another database's person's, or another program's (the groups
    -- are the server's): only the schema owner's login, which administers the server, links one.
    IF NOT mediation_is_owner() THEN
      RAISE EXCEPTION 'mediation: % exists on the server: an existing role is linked by the schema owner''s login',
        p_login USING ERRCODE = '42501';
    END IF;
    IF found.rolsuper OR found.rolcreaterole OR found.rolcreatedb OR found.rolreplication OR found.rolbypassrls
       OR pg_has_role(found.oid, (SELECT tableowner FROM pg_tables WHERE schemaname = current_schema()
                                  AND tablename = 'app_user'), 'MEMBER') THEN
      RAISE EXCEPTION 'mediation: % has powers of its own: it cannot be a person''s login', p_login
        USING ERRCODE = '42501';
    END IF;
    FOR grp IN SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
               WHERE m.member = found.oid AND g.rolname LIKE 'mediation\\_%' LOOP
      EXECUTE format('REVOKE %I FROM %I', grp, p_login);
    END LOOP;
    EXECUTE format('GRANT %I TO %I', 'mediation_' || target.role, p_login);
    IF target.retired_at IS NOT NULL THEN
      EXECUTE format('ALTER ROLE %I NOLOGIN', p_login);
    END IF;
  END IF;
  UPDATE app_user SET login = p_login, login_oid = (SELECT oid FROM pg_roles WHERE rolname = p_login)
    WHERE id = p_user;
  RETURN made;
END $$"""
    return [set_login, set_password, relink]


# The functions of earlier releases, which answered for any login named (dropped on install).
_OLD_FUNCTIONS = ("mediation_all(name)", "mediation_town(name)", "mediation_village(name)",
                  "mediation_home_town(name)", "mediation_name(name)", "mediation_role(name)")


def _policies(tables: set[str], towned: set[str] = frozenset(EVENTS), *, by_oid: bool = True) -> list[str]:
    """``towned``: the event tables that have their ``town_id`` (migration 0009; an older
    schema being upgraded through 0006 has not); ``by_oid``: users are known by their login's
    identity and may be renamed, moved and retired (migration 0015)."""
    sql: list[str] = []

    def policy(table: str, name: str, command: str, using: str | None, check: str | None) -> None:
        sql.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        sql.append(f"CREATE POLICY {name} ON {table} FOR {command}"
                   + (f" USING {using}" if using else "") + (f" WITH CHECK {check}" if check else ""))

    for table, (town, village) in PLACED.items():
        if table in tables:
            policy(table, "mediation_place", "ALL", _scope(town, village), _scope(town, village))
    for table, (column, parent) in BELONGING.items():
        if table not in tables:
            continue
        # Seen whole by who sees every record; otherwise by whoever sees the record.
        parent_seen = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {column})"
        if table not in towned:
            for name in ("mediation_office", "mediation_mediator"):
                sql.append(f"DROP POLICY IF EXISTS {name} ON {table}")
            belongs = f"({ALL} OR {parent_seen})"
            policy(table, "mediation_place", "ALL", belongs, belongs)
            continue
        # Events carry their record's town: an office reads its town's by that column alone,
        # with no lookup of the record per event (which made a town's report 2.5× the owner's
        # at 1M cases and kept it from parallel workers); a mediator, whose cases are a village's,
        # through the record. Written only into a record the writer sees, in its own town.
        sql.append(f"DROP POLICY IF EXISTS mediation_place ON {table}")  # before 0009: one policy for all
        office = f"{GROUPS[Role.town]}, {GROUPS[Role.county]}"
        policy(table, "mediation_office", f"ALL TO {office}", f"({ALL} OR town_id = {TOWN})",
               f"({ALL} OR (town_id = {TOWN} AND {parent_seen}))")
        policy(table, "mediation_mediator", f"ALL TO {GROUPS[Role.mediator]}", f"({parent_seen})",
               f"(town_id = {HOME_TOWN} AND {parent_seen})")
    if "access_log" in tables:
        # The office reads its town's trail; anyone records (and sees) their own reading.
        mine = f"actor = {NAME}"
        policy("access_log", "mediation_read", "SELECT", f"({ALL} OR town_id = {TOWN} OR {mine})", None)
        policy("access_log", "mediation_write", "INSERT", None, f"({mine} AND ({ALL} OR town_id = {HOME_TOWN}))")
    if "app_user" in tables:
        # Everyone sees themselves, the people of their place, and the offices above them.
        offices = f"(role <> 'mediator' AND (town_id IS NULL OR town_id = {HOME_TOWN}))"
        if by_oid:  # (a login that is no one's — a role made again under an old name — sees no one)
            offices = f"((SELECT mediation_me()) IS NOT NULL AND {offices[1:]}"
        me = "id = (SELECT mediation_me())" if by_oid else "login = current_user"
        seen = f"({me} OR {_scope('town_id', 'village_id')} OR {offices})"
        # Who may add whom (``permissions.may_add_user``), and a well-formed user: a mediator
        # has a village of their own town, no one else has a village, a county user no town;
        # a login is given only through ``mediation_give_login``.
        adds = (f"(({ROLE} = 'county' OR ({ROLE} = 'town' AND (role = 'county' AND NOT mediation_county_exists()"
                f" OR role <> 'county' AND ({ALL} OR town_id = {TOWN}))))"
                " AND login IS NULL AND role IN ('mediator', 'town', 'county')"
                " AND (role = 'mediator') = (village_id IS NOT NULL)"
                " AND (role <> 'county' OR town_id IS NULL)"
                " AND (village_id IS NULL OR mediation_village_in(village_id, town_id)))")
        policy("app_user", "mediation_read", "SELECT", seen, None)
        policy("app_user", "mediation_add", "INSERT", None,
               adds[:-1] + " AND login_oid IS NULL AND retired_at IS NULL)" if by_oid else adds)
        if by_oid:
            # Renamed, moved or retired (``permissions.may_manage_user``): by the county, or by an
            # office of the user's town for its people; still well formed after (a mediator has a
            # village of their town, no one else has one).
            manages = (f"({ROLE} = 'county' OR ({ROLE} = 'town' AND role <> 'county' AND ({ALL} OR town_id = {TOWN})))")
            formed = ("((role = 'mediator') = (village_id IS NOT NULL)"
                      " AND (village_id IS NULL OR mediation_village_in(village_id, town_id)))")
            policy("app_user", "mediation_change", "UPDATE", manages, f"({manages} AND {formed})")
    if "user_event" in tables:
        # What befell a user: read by the office of their town (and by them); written under
        # the writer's own name, in their own town (a person records their own password).
        policy("user_event", "mediation_read", "SELECT",
               f"({ALL} OR town_id = {TOWN} OR user_id = (SELECT mediation_me()))", None)
        policy("user_event", "mediation_write", "INSERT", None,
               f"(actor = {NAME} AND ({ALL} OR town_id = {HOME_TOWN}))")
    # The tables every user of the database reads whole (the places' names, the calendar, the
    # revision) answer only to a user of *this* database: the group roles are the server's, so a
    # person of another mediation database on the server is in the same groups (migration 0015).
    anyone = "((SELECT mediation_me()) IS NOT NULL)" if by_oid else "(true)"
    if "village" in tables:
        policy("village", "mediation_read", "SELECT", anyone, None)
        policy("village", "mediation_add", "INSERT", None, f"({ALL} OR town_id = {TOWN})")
    if by_oid:
        if "town" in tables:
            policy("town", "mediation_read", "SELECT", anyone, None)
            policy("town", "mediation_add", "INSERT", None, f"({ROLE} = 'county')")
        if "calendar_year" in tables:
            offices = f"({ROLE} IN ('town', 'county'))"
            policy("calendar_year", "mediation_read", "SELECT", anyone, None)
            policy("calendar_year", "mediation_add", "INSERT", None, offices)
            policy("calendar_year", "mediation_change", "UPDATE", offices, offices)
        if "alembic_version" in tables:
            policy("alembic_version", "mediation_read", "SELECT", anyone, None)
    if "import_key" in tables:
        # Which record a key of an import file became: seen and written with that record.
        kinds = " ".join(f"WHEN '{kind}' THEN EXISTS (SELECT 1 FROM {table} r WHERE r.id = record_id)"
                         for kind, table in IMPORTED.items())
        # (a zero report's key names no record: its month and village are unique on their own)
        keyed = f"({ALL} OR CASE kind {kinds} WHEN 'zero_report' THEN {anyone} ELSE false END)"
        policy("import_key", "mediation_place", "ALL", keyed, keyed)
    if "chain_link" in tables:
        # The town chains (mediation/chain.py): written by their triggers alone, read by the office
        # of the town (a mediator's login sees one village, too little to check a town's chain).
        policy("chain_link", "mediation_read", "SELECT", f"({ALL} OR town_id = {TOWN})", None)
    for table in sorted(tables & set(SIGNED)):
        # Restrictive: it holds whatever the table's other policies allow (theirs are or-ed).
        own = f"({SIGNED[table]} = {NAME})"
        sql += [f"DROP POLICY IF EXISTS {name} ON {table}" for name in SIGNED_POLICIES]
        sql.append(f"CREATE POLICY mediation_signed ON {table} AS RESTRICTIVE FOR INSERT WITH CHECK {own}")
        if table in _SIGNED_CHANGES:
            sql.append(f"CREATE POLICY mediation_signed_change ON {table} AS RESTRICTIVE FOR UPDATE USING (true) "
                       f"WITH CHECK {own}")
    for table in sorted(tables & (GUARDED | (SHARED if by_oid else set()))):
        sql.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    return sql


# Functions that run only as triggers: granted to no one (a trigger runs its function whoever
# fired it).
TRIGGER_FUNCTIONS = ("mediation_link", "mediation_user_changed")
# What an office may change of a user, and the event (``user_event.trigger``) that says so.
USER_CHANGES = {"name": "rename", "village_id": "move", "retired_at": "retire"}


def _user_changes(schema: str) -> list[str]:
    """A user renamed, moved or retired with the event that says who did it and why, in the same
    transaction (from migration 0020): an office's login could ``UPDATE app_user`` with plain SQL
    and leave no trace in ``user log``. Checked when the transaction commits (a deferred
    constraint trigger), against the ``user_event`` rows this very transaction wrote (their
    ``xmin``), which no login can fake."""
    checks = " ".join(
        f"IF OLD.{column} IS DISTINCT FROM NEW.{column} AND NOT EXISTS (SELECT 1 FROM user_event e "
        f"WHERE e.user_id = NEW.id AND e.trigger = '{trigger}' AND e.xmin = pg_current_xact_id()::xid) THEN "
        f"RAISE EXCEPTION 'mediation: user % is changed (%) without its event: change users with mediation user', "
        f"NEW.id, '{trigger}' USING ERRCODE = '42501'; END IF;"
        for column, trigger in USER_CHANGES.items())
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in USER_CHANGES)
    return [
        f"CREATE OR REPLACE FUNCTION mediation_user_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
        f"SET search_path = {_ident(schema)}, pg_temp AS $$ BEGIN {checks} RETURN NULL; END $$",
        "DROP TRIGGER IF EXISTS mediation_user_changed ON app_user",
        f"CREATE CONSTRAINT TRIGGER mediation_user_changed AFTER UPDATE OF {', '.join(USER_CHANGES)} ON app_user "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION mediation_user_changed()",
    ]


def drop_user_changes(connection) -> None:
    """Take ``_user_changes`` away (with migration 0020, and before 0015's columns it reads go)."""
    connection.exec_driver_sql("DROP TRIGGER IF EXISTS mediation_user_changed ON app_user")
    connection.exec_driver_sql("DROP FUNCTION IF EXISTS mediation_user_changed()")


def install(connection) -> None:
    """Group roles, rights, policies and their functions, on PostgreSQL (idempotent; run by
    the schema's creation and by migration 0006, in their transaction)."""
    from sqlalchemy import inspect

    if connection.dialect.name != "postgresql":
        return
    from mediation import personal

    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    missing = [g for g in GROUPS.values()
               if not connection.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (g,)).first()]
    if missing:
        may = connection.exec_driver_sql(
            "SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").scalar()
        if not may:
            raise DatabaseError(_("the schema owner needs CREATEROLE to make the group roles {roles}: ALTER ROLE "
                                  "{owner} CREATEROLE").format(roles=", ".join(missing), owner=_owner(connection)))
        for group in missing:
            connection.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")
    inspector = inspect(connection)
    tables = set(inspector.get_table_names())
    towned = {t for t in tables & set(EVENTS) if any(c["name"] == "town_id" for c in inspector.get_columns(t))}
    by_oid = "app_user" in tables and any(c["name"] == "login_oid" for c in inspector.get_columns("app_user"))
    changes = _user_changes(schema) if by_oid and "user_event" in tables else []
    for statement in _functions(schema, by_oid=by_oid) + _policies(tables, towned, by_oid=by_oid) + changes:
        connection.exec_driver_sql(statement.replace("%", "%%"))  # the driver's placeholders
    for fn in _OLD_FUNCTIONS:  # no policy reads them any more
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {fn}")
    groups = ", ".join(GROUPS.values())
    connection.exec_driver_sql(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {groups}")
    # Every right is given anew: what an earlier release granted is taken back first.
    connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {_ident(schema)} FROM PUBLIC, {groups}")
    for fn in _our_functions(connection, schema):
        # No function of ours is anyone's by default (PostgreSQL gives EXECUTE to PUBLIC); each
        # checks its caller's place itself. Trigger functions run only as triggers.
        connection.exec_driver_sql(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        if not fn.startswith(TRIGGER_FUNCTIONS):
            connection.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION {fn} TO {groups}")
    # Every column may be read but an ID number's or a phone's: those only through
    # ``mediation_unmask``, which logs the reading (a right on the table would cover them too).
    private = {table: set(columns) for table, columns in personal.PRIVATE.items() if table in tables}
    open_tables = sorted(tables - set(private))
    if open_tables:
        connection.exec_driver_sql(f"GRANT SELECT ON {', '.join(open_tables)} TO {groups}")
    for table, hidden in private.items():
        readable = ", ".join(_ident(c["name"]) for c in inspector.get_columns(table) if c["name"] not in hidden)
        connection.exec_driver_sql(f"GRANT SELECT ({readable}) ON {table} TO {groups}")
    connection.exec_driver_sql(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {_ident(schema)} TO {groups}")
    for rights, names, to in WRITES:
        if ("retired_at" in rights or "user_event" in names) and not by_oid:  # (a schema before migration 0015)
            continue
        present = [t for t in names if t in tables]
        if present:
            connection.exec_driver_sql(f"GRANT {rights} ON {', '.join(present)} TO {', '.join(to)}")


def uninstall(connection) -> None:
    """Undo ``install`` on this schema (migration 0006's downgrade); the group roles stay, as
    other databases on the server may use them."""
    from sqlalchemy import inspect

    if connection.dialect.name != "postgresql":
        return
    schema = connection.exec_driver_sql("SELECT current_schema()").scalar()
    tables = set(inspect(connection).get_table_names())
    groups = ", ".join(GROUPS.values())
    for table in sorted(tables & (GUARDED | SHARED)):
        for name in ("mediation_place", "mediation_read", "mediation_write", "mediation_add", "mediation_office",
                     "mediation_mediator", "mediation_change", *SIGNED_POLICIES):
            connection.exec_driver_sql(f"DROP POLICY IF EXISTS {name} ON {table}")
        connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL TABLES IN SCHEMA {_ident(schema)} FROM {groups}")
    connection.exec_driver_sql(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {_ident(schema)} FROM {groups}")
    connection.exec_driver_sql(f"REVOKE USAGE ON SCHEMA {_ident(schema)} FROM {groups}")
    from mediation import chain

    chain.uninstall(connection)
    if "app_user" in tables:
        drop_user_changes(connection)
    for fn in _our_functions(connection, schema):
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {fn}")


def _our_functions(connection, schema: str) -> list[str]:
    """Every function of this schema named ``mediation_…``, with its argument types, from the
    catalog (so that one added later is covered too)."""
    return list(connection.exec_driver_sql(
        "SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
        "WHERE n.nspname = %s AND p.proname LIKE 'mediation\\_%%' ORDER BY 1", (schema,)).scalars())


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _owner(connection) -> str:
    return connection.exec_driver_sql("SELECT current_user").scalar()


# --- the connected person ---------------------------------------------------------------

_IDENTITY = """
SELECT me.login, me.person, u.id, u.name, u.role, u.town_id, u.village_id, u.created_at, u.login_oid
FROM (SELECT current_user::text AS login, (SELECT oid FROM pg_roles WHERE rolname = current_user) AS oid,
             EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     JOIN pg_roles r ON r.oid = m.member
                     WHERE r.rolname = current_user AND g.rolname IN ({groups})) AS person) me
LEFT JOIN app_user u ON u.login = me.login AND u.login_oid = me.oid AND u.retired_at IS NULL
""".format(groups=", ".join(f"'{g}'" for g in GROUPS.values()))


def connected_user(session: Session) -> User | None:
    """The user whose own login this connection is (``None``: SQLite, or the schema owner).
    A person's login that no user of this database is mapped to is refused."""
    from sqlalchemy import text

    from mediation.tables.places import User

    if session.get_bind().dialect.name != "postgresql":
        return None
    row = session.execute(text(_IDENTITY)).mappings().one()
    if row["id"] is not None:
        return User(id=row["id"], name=row["name"], role=row["role"], town_id=row["town_id"],
                    village_id=row["village_id"], created_at=row["created_at"], login=row["login"],
                    login_oid=row["login_oid"])
    if row["person"]:
        raise PermissionDenied(ask(_("login {login} belongs to no user of this database: ask the 司法所 to give it to a "
                                 "user (`mediation user login NAME {option} {login}`)"), login=row["login"], option=option("login")))
    return None


LOGIN_NAME = re.compile(r"[a-z][a-z0-9_]{1,62}")


def clean_login(value: str) -> str:
    """A login name people can type in a URL: lower-case letters, digits and ``_`` (pinyin,
    e.g. ``liumingshan``), starting with a letter; not a name the server reserves."""
    login = (value or "").strip().lower()
    if not LOGIN_NAME.fullmatch(login) or login.startswith(("pg_", "mediation_")) or login in ("postgres", "public"):
        raise InvalidValue(_("'{login}' cannot be a login: a login is 2-63 lower-case letters, digits or _, "
                             "starting with a letter (e.g. pinyin, liumingshan), and not pg_…, mediation_…, postgres "
                             "or public").format(login=value))
    return login


def give_login(session: Session, user_id: int, login: str, password: str | None) -> None:
    """Make ``login`` (a new server login with ``password``) the user's own, in the caller's
    transaction. The password is sent already hashed (SCRAM), never in clear text."""
    if session.get_bind().dialect.name != "postgresql":
        raise InvalidValue(ask(_("{option} is for a shared PostgreSQL database; an SQLite file is protected by its "
                             "file permissions"), option=option("login")))
    from sqlalchemy import text

    if session.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login}).first():
        raise InvalidValue(_("the server already has a login {login}: choose another").format(login=login))
    verifier_ = None
    if password is not None:
        if not password:
            raise InvalidValue(_("the password is empty"))
        verifier_ = verifier(session, login, password)
    session.execute(text("SELECT mediation_give_login(:u, :l, :p)"), {"u": user_id, "l": login, "p": verifier_})


def verifier(session: Session, login: str, password: str) -> str:
    """The password as the server keeps it (SCRAM-SHA-256), made here: it never travels in clear."""
    pgconn = session.connection().connection.driver_connection.pgconn
    return pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()
