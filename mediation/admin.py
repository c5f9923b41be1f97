"""Setting up a town: schema, town and villages (``init``), users and their roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import select

from mediation import access, logins, permissions, timeutil
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotFound, PermissionDenied
from mediation.models import Town, User, Village
from mediation.validation import choice
from workflows import ask, config, option
from workflows.i18n import N_, _


@dataclass(frozen=True)
class TownView:
    town: str
    abbr: str
    villages: list[str]
    created: bool
    added_villages: list[str]


@dataclass(frozen=True)
class UserView:
    name: str
    role: str
    town: str | None
    village: str | None
    login: str | None = None
    # In ``user list``: the login's state on this server (``mediation.people.login_states``),
    # when the user retired, and when they last recorded a step.
    login_state: str | None = None
    retired_at: datetime | None = None
    last_active: datetime | None = None


def _clean_name(value: str, noun: str) -> str:
    """``noun``: what is named, a catalog text."""
    v = (value or "").strip()
    if not v:
        raise InvalidValue(_("the {noun} needs a name").format(noun=_(noun)))
    if "/" in v:
        raise InvalidValue(_("a name cannot contain '/': {name}").format(name=v))
    return v


def init_town(db: UnitOfWork, *, town: str, villages: list[str], abbr: str | None = None,
              actor: str | None = None) -> TownView:
    """Create the schema if missing, the town and any villages not there yet (idempotent).
    Before the first user anyone may (the database is being set up); after it, a town user
    for their own town, or a county user."""
    name = _clean_name(town, N_("town"))
    wanted = list(dict.fromkeys(_clean_name(v, N_("village")) for v in villages))
    db.create_schema()
    with db.write() as s:
        row = s.exec(select(Town).where(Town.name == name)).first()
        has_users = s.exec(select(User.id).limit(1)).first() is not None
        if has_users:
            permissions.may_set_up_places(access.actor(s, actor), town_id=row.id if row else None)
        created = row is None
        if created:
            prefix = (abbr or name[0]).strip()
            taken = s.exec(select(Town.name).where(Town.abbr == prefix)).first()
            if taken:  # case numbers are unique across the county: (2021)营调字第001号 names one case
                raise InvalidValue(ask(_("the case-number abbreviation '{prefix}' is taken by {taken}: choose another "
                                     "with {option}"), prefix=prefix, taken=taken, option=option("abbr")))
            row = Town(name=name, abbr=prefix, created_at=timeutil.now())
            s.add(row)
            s.flush()
        elif abbr and abbr.strip() != row.abbr:
            raise InvalidValue(_("the case-number abbreviation of {name} is already '{abbr}': it cannot change once "
                                 "cases may be numbered with it").format(name=name, abbr=row.abbr))
        existing = set(s.exec(select(Village.name).where(Village.town_id == row.id)).all())
        added = [v for v in wanted if v not in existing]
        for v in added:
            s.add(Village(town_id=row.id, name=v))
        s.flush()
        all_villages = s.exec(select(Village.name).where(Village.town_id == row.id).order_by(Village.id)).all()
        return TownView(town=row.name, abbr=row.abbr, villages=list(all_villages), created=created,
                        added_villages=added)


def add_user(db: UnitOfWork, *, actor: str | None, name: str, role: str,
             village: str | None = None, town: str | None = None,
             login: str | None = None, password: str | None = None) -> UserView:
    """Add a user. The first user may be added by anyone (bootstrap), and so may the first town
    or county user while there is none (a database whose first user was a mediator would
    otherwise never have anyone to add users); after that only a ``town`` user (within their
    town) or a ``county`` user may add users. On PostgreSQL,
    ``login`` also makes the person's own server login (``mediation.logins``), in the same
    transaction: both are made, or neither."""
    uname = _clean_name(name, N_("user"))
    role = choice(role, config.ROLES, N_("role"))
    login = logins.clean_login(login) if login is not None else None
    with db.write() as s:
        has_users = s.exec(select(User.id).limit(1)).first() is not None
        # The first user bootstraps; so does the office's first user, added without a person's
        # own login (the owner's connection, or the SQLite file's holder) while there is none.
        office = has_users and permissions.office_exists(s)
        bootstrap = not has_users or (role in config.OFFICE_ROLES and s.info.get("login") is None and not office)
        acting = None if bootstrap else access.actor(s, actor)
        checked = not bootstrap  # (who may add users is asked only after the bootstrap)
        if checked and not office:
            raise PermissionDenied(ask(_("the database has no town or county user yet: add one first, without {option} "
                                         "(`mediation user add NAME --role town --town TOWN`); it adds the others"),
                                       option=option("as")))
        permissions.may_add_user(acting, has_users=checked, town_id=None)
        if s.exec(select(User).where(User.name == uname)).first():
            raise InvalidValue(_("a user named '{name}' exists already").format(name=uname))
        from mediation.people import former_names
        if uname in former_names(s):  # (a history's names stay one person's each)
            raise InvalidValue(_("the name '{name}' was another user's before a rename: choose one no history "
                                 "holds").format(name=uname))
        village_row = town_row = None
        place = permissions.place_of_new_user(role, village=village, town=town)
        if place == "village":
            village_row = access.village(s, village)
            town_row = s.get(Town, village_row.town_id)
        elif place == "town":
            town_row = access.town(s, town)
        county_exists = place is None and permissions.county_exists(s)
        permissions.may_add_user(acting, has_users=checked, town_id=town_row.id if town_row else None, role=role,
                                 county_exists=bool(county_exists))
        user = User(name=uname, role=role, town_id=town_row.id if town_row else None,
                    village_id=village_row.id if village_row else None, created_at=timeutil.now())
        s.add(user)
        if login is not None:
            s.flush()
            permissions.may_give_login(acting, user)
            logins.give_login(s, user.id, login, password)
        return UserView(name=uname, role=role, town=town_row.name if town_row else None,
                        village=village_row.name if village_row else None, login=login)


def give_login(db: UnitOfWork, *, actor: str | None, name: str, login: str, password: str | None) -> UserView:
    """Give an existing user their own PostgreSQL login (users loaded from a file, or made
    before the database was shared)."""
    login = logins.clean_login(login)
    with db.write() as s:
        acting = access.actor(s, actor) if (actor or s.info.get("login")) else None
        user = s.exec(select(User).where(User.name == (name or "").strip())).first()
        if user is None:
            raise NotFound(_("no such user '{name}'").format(name=name))
        permissions.may_give_login(acting, user)
        if user.login:
            raise InvalidValue(_("{name} already has the login {login}").format(name=user.name, login=user.login))
        logins.give_login(s, user.id, login, password)
        view = _view(s, user)
        return UserView(**{**view.__dict__, "login": login})


def _view(s, user: User) -> UserView:
    town = s.get(Town, user.town_id).name if user.town_id else None
    village = s.get(Village, user.village_id).name if user.village_id else None
    return UserView(name=user.name, role=user.role, town=town, village=village, login=user.login)


def list_users(db: UnitOfWork) -> list[UserView]:
    """Every user the connected login may see, with their login's state on this server, when
    they retired and their last recorded step."""
    from mediation import people

    with db.read() as s:
        rows = s.exec(
            select(User, Town.name, Village.name)
            .join(Town, Town.id == User.town_id, isouter=True)
            .join(Village, Village.id == User.village_id, isouter=True)
            .order_by(User.id)
        ).all()
        states = people.login_states(s, [u for u, _t, _v in rows])
        last = people.last_steps(s)
        return [UserView(name=u.name, role=u.role, town=t, village=v, login=u.login, login_state=states.get(u.id),
                         retired_at=u.retired_at, last_active=last.get(u.name)) for u, t, v in rows]
