"""People come and go: a user retired (their login disabled, their open cases handed over), moved
to another village, renamed; a login's password set; a login relinked after a restore or a role
made again. Each is a ``user_event`` written with the change, in one transaction; nothing about a
user is ever deleted, and their history keeps the name they acted under.

On a shared PostgreSQL server the login changes go through the schema owner's functions
(``mediation.logins``: ``mediation_set_login``, ``mediation_set_password``,
``mediation_relink``), which check their caller again; on SQLite there are no logins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import select

from mediation import access, logins, permissions, records, timeutil
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotAllowed, NotFound, PermissionDenied
from mediation.tables.disputes import Case
from mediation.tables.places import Town, User, UserEvent, Village
from workflows import NOTE, ask, option
from workflows.dispute import FINAL_STATES
from workflows.i18n import N_, _


@dataclass(frozen=True)
class Retired:
    name: str
    retired_at: datetime
    successor: str | None
    handed_over: list[str]  # the numbers of the open cases the successor took over
    login_disabled: bool


@dataclass(frozen=True)
class Changed:
    """A user after a move, a rename, a password or a relink."""

    name: str
    role: str
    town: str | None
    village: str | None
    login: str | None
    handed_over: list[str]
    login_made: bool = False  # relink: a missing login was made (disabled until a password is set)


def _user(s, name: str) -> User:
    row = s.exec(select(User).where(User.name == (name or "").strip())).first()
    if row is None:
        raise NotFound(_("no such user '{name}'").format(name=name))
    return row


def _managed(s, acting: User, name: str, *, own: bool = False) -> User:
    """The user ``acting`` may change (``permissions.may_manage_user``), locked for the change
    (after the check: on the server only an office may lock a user's row)."""
    user = _user(s, name)
    permissions.may_manage_user(acting, user, own=own)
    if _on_server(s) and not own:
        s.exec(select(User.id).where(User.id == user.id).with_for_update()).first()
        s.refresh(user)
    return user


def _note(note: str | None, label: str) -> str:
    if not (note or "").strip():
        raise NotAllowed(ask(_("{label}: say why ({note})"), label=label, note=NOTE))
    return note.strip()


def _event(s, user: User, acting: User, trigger: str, note: str | None, values: dict[str, Any] | None) -> None:
    s.add(UserEvent(user_id=user.id, town_id=user.town_id, trigger=trigger, actor=acting.name, at=timeutil.now(),
                    note=note, values=values))


def _hand_over(s, acting: User, user: User, successor: User | None, note: str, *,
               village_id: int | None = None) -> list[str]:
    """The open cases ``user`` mediates (those of ``village_id`` only, when given) go to
    ``successor``, each with its correction (``amend``: mediator old → new) in the case's
    history. Refused when there are some and no successor, or one they cannot mediate."""
    cases = _open_cases(s, user.name, village_id=village_id)
    if not cases:
        return []
    if successor is None:
        raise InvalidValue(ask(_("{name} mediates {count} open case(s) ({numbers}): name who takes them over "
                                 "({option} NAME)"), name=user.name, count=len(cases),
                               numbers=", ".join(c.number for c in cases[:5]), option=option("to")))
    for case in cases:
        if not permissions.may_take_over(successor, case.village_id):
            raise InvalidValue(_("{successor} cannot take over {number}: a case is mediated by a mediator of its "
                                 "village or an office user").format(successor=successor.name, number=case.number))
        permissions.may_act_on(acting, case)
    return _reassign(s, acting, cases, user.name, successor.name, note)


def _open_cases(s, mediator: str, *, village_id: int | None = None) -> list[Case]:
    """The open cases ``mediator`` mediates (of ``village_id`` only, when given), locked."""
    query = select(Case).where(Case.mediator == mediator, Case.state.not_in(FINAL_STATES))
    if village_id is not None:
        query = query.where(Case.village_id == village_id)
    return s.exec((query.with_for_update() if _on_server(s) else query).order_by(Case.id)).all()


def _reassign(s, acting: User, cases: list[Case], old: str, new: str, note: str) -> list[str]:
    """Each case's mediator ``old`` → ``new``, as a correction (``amend``) in its history."""
    from mediation.cases import REGISTER

    for case in cases:
        records.amend(s, REGISTER, case, user=acting, note=note, changes={"mediator": new},
                      shown={"mediator": (old, new)})
    return [c.number for c in cases]


def _successor(s, to: str | None, user: User) -> User | None:
    if not to:
        return None
    successor = _user(s, to)
    if successor.id == user.id:
        raise InvalidValue(_("{name} cannot take over from themselves").format(name=user.name))
    if successor.retired_at is not None:
        raise InvalidValue(_("{name} is retired").format(name=successor.name))
    return successor


def retire(db: UnitOfWork, *, actor: str | None, name: str, to: str | None = None, note: str | None = None) -> Retired:
    """退出: the user acts no more (their login, if any, is disabled), their open cases go to
    ``to``; they stay in the list and in every record's history under their name."""
    with db.write() as s:
        acting = access.actor(s, actor)
        user = _managed(s, acting, name)
        if user.retired_at is not None:
            raise NotAllowed(_("{name} retired on {day}").format(name=user.name, day=timeutil.show(user.retired_at)))
        if user.id == acting.id:
            raise NotAllowed(_("{name} cannot retire themselves: another town or county user does").format(
                name=user.name))
        why = _note(note, user.name)
        successor = _successor(s, to, user)
        handed = _hand_over(s, acting, user, successor, _("{why} (handed over from {name})").format(
            why=why, name=user.name))
        user.retired_at = timeutil.now()
        s.add(user)
        s.flush()
        disabled = bool(user.login) and _on_server(s) and bool(s.execute(
            text("SELECT mediation_set_login(:u, false)"), {"u": user.id}).scalar())
        _event(s, user, acting, "retire", why, {"to": successor.name if successor else None,
                                               "handed_over": handed, "login_disabled": disabled})
        access.forget_users(s)  # (users found are kept per pool: a changed one is read again)
        return Retired(name=user.name, retired_at=user.retired_at, successor=successor.name if successor else None,
                       handed_over=handed, login_disabled=disabled)


def move(db: UnitOfWork, *, actor: str | None, name: str, village: str, to: str | None = None,
         note: str | None = None) -> Changed:
    """A mediator moves to another village of their town; their open cases of the old village
    go to ``to`` (they can no longer mediate there)."""
    with db.write() as s:
        acting = access.actor(s, actor)
        user = _managed(s, acting, name)
        if user.retired_at is not None:
            raise NotAllowed(_("{name} is retired").format(name=user.name))
        if user.village_id is None:
            raise InvalidValue(_("{name} is a {role} user, with no village: only a mediator moves between "
                                 "villages").format(name=user.name, role=user.role))
        new = access.village(s, village)
        if new.town_id != user.town_id:
            raise InvalidValue(_("{village} is not of {name}'s town: a mediator moves within their town (another "
                                 "town's mediator is a new user there)").format(village=new.name, name=user.name))
        if new.id == user.village_id:
            raise InvalidValue(_("{name} is already of {village}").format(name=user.name, village=new.name))
        why = _note(note, user.name)
        old = s.get(Village, user.village_id)
        successor = _successor(s, to, user)
        handed = _hand_over(s, acting, user, successor, _("{why} ({name} moved to {village})").format(
            why=why, name=user.name, village=new.name), village_id=old.id)
        user.village_id = new.id
        s.add(user)
        _event(s, user, acting, "move", why, {"village": {"old": old.name, "new": new.name}, "handed_over": handed,
                                             "to": successor.name if successor else None})
        s.flush()
        access.forget_users(s)  # (users found are kept per pool: a changed one is read again)
        return _changed(s, user, handed)


def rename(db: UnitOfWork, *, actor: str | None, name: str, new: str, note: str | None = None) -> Changed:
    """A user's name corrected (a typo, a name changed): their open cases follow the new name;
    what they did before keeps the name they did it under. A name once used is never given to
    anyone else, so a history's names stay one person's each."""
    from mediation.admin import _clean_name

    with db.write() as s:
        acting = access.actor(s, actor)
        user = _managed(s, acting, name)
        wanted = _clean_name(new, N_("user"))
        if wanted == user.name:
            raise InvalidValue(_("{name} is already called so").format(name=user.name))
        if s.exec(select(User.id).where(User.name == wanted)).first() is not None or wanted in former_names(
                s, but=user.id):
            raise InvalidValue(_("the name '{name}' is or was another user's: choose one no history holds").format(
                name=wanted))
        why = _note(note, user.name)
        old = user.name
        cases = _open_cases(s, old)
        user.name = wanted
        s.add(user)
        s.flush()
        followed = _reassign(s, acting, cases, old, wanted, _("{why} (renamed)").format(why=why))
        _event(s, user, acting, "rename", why, {"name": {"old": old, "new": wanted}})
        s.flush()
        access.forget_users(s)  # (users found are kept per pool: a changed one is read again)
        return _changed(s, user, followed)


def former_names(s, *, but: int | None = None) -> set[str]:
    """Every name a user (other than ``but``) was renamed from."""
    events = s.exec(select(UserEvent.user_id, UserEvent.values).where(UserEvent.trigger == "rename")).all()
    return {v["name"]["old"] for user_id, v in events if v and "name" in v and user_id != but}


def require_logins(db: UnitOfWork) -> None:
    """Refuse at once, before a password is asked for, where there are no logins (SQLite)."""
    if db.dialect != "postgresql":
        raise InvalidValue(_("an SQLite file has no logins: it is protected by its file permissions"))


def set_password(db: UnitOfWork, *, actor: str | None, name: str | None, password: str) -> Changed:
    """A login's password set anew (SCRAM; sent hashed): by the person for themselves (``name``
    None: the acting user), by the office of their town, by the county. A login made disabled
    by ``relink`` is enabled by it."""
    require_logins(db)
    with db.write() as s:
        acting = access.actor(s, actor)
        user = _managed(s, acting, name or acting.name, own=True)
        if user.retired_at is not None:
            raise NotAllowed(_("{name} is retired").format(name=user.name))
        if not user.login:
            raise InvalidValue(_("{name} has no login: give one with `mediation user login`").format(name=user.name))
        if not password:
            raise InvalidValue(_("the password is empty"))
        s.execute(text("SELECT mediation_set_password(:u, :v)"),
                  {"u": user.id, "v": logins.verifier(s, user.login, password)})
        _event(s, user, acting, "password", None, {"login": user.login})
        return _changed(s, user, [])


def relink(db: UnitOfWork, *, actor: str | None, name: str, login: str, note: str | None = None) -> Changed:
    """The user's login named anew, by its identity on this server: after a restore onto
    another server, or a role dropped and made again. An existing role joins the user's group
    (and no other); a missing one is made, disabled until ``set_password``."""
    require_logins(db)
    login = logins.clean_login(login)
    with db.write() as s:
        acting = access.actor(s, actor)
        user = _managed(s, acting, name)
        why = _note(note, user.name)
        other = s.exec(select(User.name).where(User.login == login, User.id != user.id)).first()
        if other is not None:
            raise InvalidValue(_("{login} is {name}'s login").format(login=login, name=other))
        exists = s.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :l"), {"l": login}).first() is not None
        if exists and s.info.get("login") is not None:  # (a person's own login, not the owner's)
            raise PermissionDenied(_("{login} exists on the server: an existing role is linked with the schema "
                                     "owner's login (it may be another database's person's, or another "
                                     "program's)").format(login=login))
        old_login = user.login
        made = bool(s.execute(text("SELECT mediation_relink(:u, :l)"), {"u": user.id, "l": login}).scalar())
        s.refresh(user)
        _event(s, user, acting, "relink", why, {"login": {"old": old_login, "new": login}, "made": made})
        access.forget_users(s)  # (users found are kept per pool: a changed one is read again)
        return Changed(**{**_changed(s, user, []).__dict__, "login_made": made})


def _changed(s, user: User, handed: list[str]) -> Changed:
    town = s.get(Town, user.town_id).name if user.town_id else None
    village = s.get(Village, user.village_id).name if user.village_id else None
    return Changed(name=user.name, role=user.role, town=town, village=village, login=user.login, handed_over=handed)


def _on_server(s) -> bool:
    return s.get_bind().dialect.name == "postgresql"


# -- what the list shows of each login and each person's last step ----------------------------

def login_states(s, users: list[User]) -> dict[int, str]:
    """Each login's state on this server: ``active``, ``disabled``, ``missing`` (no role of its
    name: restored onto another server, or dropped) or ``replaced`` (a role of its name that is
    not the one given). Users without a login are left out; SQLite has none."""
    named = [u for u in users if u.login]
    if not named or not _on_server(s):
        return {}
    roles = {r.rolname: r for r in s.execute(text("SELECT rolname, oid, rolcanlogin FROM pg_roles WHERE rolname = "
                                                  "ANY(:names)"), {"names": [u.login for u in named]})}
    out = {}
    for u in named:
        role = roles.get(u.login)
        out[u.id] = ("missing" if role is None else "replaced" if role.oid != u.login_oid
                     else "active" if role.rolcanlogin else "disabled")
    return out


def last_steps(s) -> dict[str, datetime]:
    """Each actor's last recorded step (when it was entered), over every register and the users'
    own events, within what the connected login may read."""
    from mediation.tables.disputes import CaseEvent
    from mediation.tables.petitions import PetitionEvent
    from mediation.tables.registers import MatterEvent, SubjectEvent

    out: dict[str, datetime] = {}
    for table, column in ((CaseEvent, CaseEvent.recorded_at), (PetitionEvent, PetitionEvent.recorded_at),
                          (MatterEvent, MatterEvent.recorded_at), (SubjectEvent, SubjectEvent.recorded_at),
                          (UserEvent, UserEvent.at)):
        from sqlalchemy import func
        for actor, last in s.exec(select(table.actor, func.max(column)).group_by(table.actor)).all():
            if last is not None and (actor not in out or last > out[actor]):
                out[actor] = last
    return out


# -- who did what, across records ---------------------------------------------------------------

@dataclass(frozen=True)
class Done:
    """One recorded step of the log: who, when (``at``: when it happened; ``recorded_at``: when
    it was entered), on what (register and record), which step, from and to which state."""

    recorded_at: datetime
    at: datetime
    actor: str
    register: str  # case | petition | matter | subject | user
    record: str  # the record's number (a subject's or user's name)
    trigger: str
    from_state: str | None
    to_state: str | None
    note: str | None


def log(db: UnitOfWork, *, actor: str | None, user: str | None = None, start: timeutil.Moment | None = None,
        end: timeutil.Moment | None = None, limit: int = 500) -> list[Done]:
    """Who did what, newest first: every step written in the acting user's scope (a mediator's
    village, a town's town, the county's all — the server's policies on a person's own login),
    from ``start`` to the end of ``end``'s day (default: the last 30 days), by ``user`` if given;
    at most ``limit`` steps."""
    from datetime import timedelta

    from mediation.tables.disputes import CaseEvent
    from mediation.tables.petitions import Petition, PetitionEvent
    from mediation.tables.registers import Matter, MatterEvent, Subject, SubjectEvent

    with db.read() as s:
        acting = access.actor(s, actor)
        until = (timeutil.day_start(timeutil.local_date(end.at)) + timedelta(days=1)) if end else timeutil.now()
        since = timeutil.day_start(timeutil.local_date(start.at)) if start else until - timedelta(days=30)
        if since >= until:
            raise InvalidValue(_("the log's start comes after its end"))
        if user and s.exec(select(User.id).where(User.name == user.strip())).first() is None:
            raise NotFound(_("no such user '{name}'").format(name=user))
        scope = permissions.default_scope(acting)
        out: list[Done] = []
        for register, table, event, fk, label in (
                ("case", Case, CaseEvent, "case_id", Case.number),
                ("petition", Petition, PetitionEvent, "petition_id", Petition.number),
                ("matter", Matter, MatterEvent, "matter_id", Matter.number),
                ("subject", Subject, SubjectEvent, "subject_id", Subject.name)):
            query = (select(event, label).join(table, table.id == getattr(event, fk))
                     .where(event.recorded_at >= since, event.recorded_at < until))
            if user:
                query = query.where(event.actor == user.strip())
            if scope is not None:
                query = query.where(table.town_id == scope[2])
                if scope[0] == "village" and hasattr(table, "village_id"):
                    query = query.where(table.village_id == scope[1])
                elif scope[0] == "village":
                    continue  # (a town's 复议/应诉: not a village's)
            for e, name in s.exec(query.order_by(event.recorded_at.desc()).limit(limit)).all():
                out.append(Done(recorded_at=e.recorded_at, at=e.at, actor=e.actor, register=register, record=name,
                                trigger=e.trigger, from_state=e.from_state, to_state=e.to_state, note=e.note))
        query = (select(UserEvent, User.name).join(User, User.id == UserEvent.user_id)
                 .where(UserEvent.at >= since, UserEvent.at < until))
        if user:
            query = query.where(UserEvent.actor == user.strip())
        if scope is not None:
            query = query.where(UserEvent.town_id == scope[2])
            if scope[0] == "village":
                query = query.where(UserEvent.user_id == acting.id)
        for e, name in s.exec(query.order_by(UserEvent.at.desc()).limit(limit)).all():
            out.append(Done(recorded_at=e.at, at=e.at, actor=e.actor, register="user", record=name, trigger=e.trigger,
                            from_state=None, to_state=None, note=e.note))
        out.sort(key=lambda d: d.recorded_at, reverse=True)
        return out[:limit]
