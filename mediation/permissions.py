"""Who may do what: every rule about the acting user's role and place, named, in one module.

Roles (``workflows.config.Role``): a *mediator* belongs to one village, a *town* user to one
town (or to none: an office over every town of the database), a *county* user to the whole
database. The place of a record is its town and, for most, its village. Each rule raises
``PermissionDenied`` with the reason; ``problem`` turns a rule into a reason or ``None`` for
"what may I do next" listings. Every service asks here, never compares role names itself;
PostgreSQL row-level security (``mediation.logins``) mirrors the rules about places, so a
person connected with their own login meets the same limits in any SQL client.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from mediation.errors import PermissionDenied
from workflows import config
from workflows.config import OFFICE_ROLES, Role
from workflows.i18n import _


class Actor(Protocol):
    name: str
    role: str
    town_id: int | None
    village_id: int | None


class Place(Protocol):
    """A village (``id``, ``town_id``) or a record (``town_id``, ``village_id``)."""

    town_id: int


def _in_town(user: Actor, town_id: int | None) -> bool:
    """A town user with a town acts only there; one without (a database-wide office) anywhere."""
    return user.town_id is None or town_id is None or user.town_id == town_id


def may_register_in(user: Actor, village: Place) -> None:
    """Register a record (case, petition, screening round, subject) in ``village``: a mediator
    in their own village, a town user in their own town, a county user anywhere."""
    if user.role == Role.mediator and user.village_id != village.id:
        raise PermissionDenied(_("mediator {name} registers only in their own village").format(name=user.name))
    if user.role == Role.town and not _in_town(user, village.town_id):
        raise PermissionDenied(_("{name} acts only within their own town").format(name=user.name))


def may_register_in_town(user: Actor, town_id: int) -> None:
    """Register a town-level record (a subject under the town's own management, no village):
    the town's office or the county."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("{name} cannot register town-level records: only town or county users do").format(name=user.name))
    if user.role == Role.town and not _in_town(user, town_id):
        raise PermissionDenied(_("{name} acts only within their own town").format(name=user.name))


def may_act_on(user: Actor, record: Place) -> None:
    """Act on a record (fire a trigger, see its ID numbers): a mediator on their own village's
    records only (a town-level record, without a village, is not theirs), a town user on their
    own town's, a county user on any."""
    village_id = getattr(record, "village_id", None)
    if user.role == Role.mediator and (village_id is None or user.village_id != village_id):
        raise PermissionDenied(_("mediator {name} acts only on records of their own village").format(name=user.name))
    if user.role == Role.town and not _in_town(user, record.town_id):
        raise PermissionDenied(_("{name} acts only on records of their own town").format(name=user.name))


def may_see(user: Actor, record: Place) -> None:
    """Read a record in full (``show``): the same place as acting on it — what a person's own
    login sees on a shared server, and what a named user sees on SQLite too."""
    try:
        may_act_on(user, record)
    except PermissionDenied:
        raise PermissionDenied(_("{name} sees only the records of their own village or town").format(
            name=user.name)) from None


def may_review(user: Actor) -> None:
    """The review queue (escalations, deadlines) is the town and county offices'."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("the review queue is for town and county users"))


def may_load_calendar(user: Actor, *, towns: int) -> None:
    """The year's holiday notice is the database's, loaded by an office (it moves deadlines):
    in a database of several towns, by the county, whose login sees every town's deadlines."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("the holiday calendar is loaded by town or county users"))
    if towns > 1 and user.role == Role.town and user.town_id is not None:
        raise PermissionDenied(_("this database holds {towns} towns: their calendar is loaded by a county user, "
                                 "so that every town's deadlines move with it").format(towns=towns))


def may_handle_matters(user: Actor, town_id: int | None = None) -> None:
    """行政复议 / 行政应诉 against a town: its own town user, or a county user."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("matters are handled by town or county users"))
    if user.role == Role.town and not _in_town(user, town_id):
        raise PermissionDenied(_("{name} acts only within their own town").format(name=user.name))


def may_add_user(acting: Actor | None, *, has_users: bool, town_id: int | None, role: str | None = None,
                 county_exists: bool = True) -> None:
    """The first user bootstraps the database; after that a town user adds users of their own
    town, a county user anyone. A county user is added by a county user, except the first one:
    a town's own database needs the county's approver of line 3 (``LINE_APPROVER``) once."""
    if not has_users:
        return
    if acting is None or acting.role not in OFFICE_ROLES:
        raise PermissionDenied(_("only a town or county user may add users"))
    if acting.role == Role.town and role == Role.county and county_exists:
        raise PermissionDenied(_("{name} cannot add another county user: a town user adds only the first, further "
                                 "ones are added by a county user").format(name=acting.name))
    if acting.role == Role.town and role != Role.county and not _in_town(acting, town_id):
        raise PermissionDenied(_("{name} adds users only in their own town").format(name=acting.name))


def may_give_login(acting: Actor | None, target: Actor) -> None:
    """Giving a user their own PostgreSQL login (``mediation.logins``): a town user for the
    mediators and town staff of their own town, a county user for anyone. ``None`` is the
    schema owner's connection, which set the database up and may."""
    if acting is None:
        return
    if acting.role not in OFFICE_ROLES:
        raise PermissionDenied(_("only a town or county user gives people logins"))
    if acting.role == Role.town and (target.role == Role.county or not _in_town(acting, target.town_id)):
        raise PermissionDenied(_("{name} gives logins only to the mediators and town users of their own town").format(
            name=acting.name))


def may_manage_user(acting: Actor | None, target: Actor, *, own: bool = False) -> None:
    """Retiring, moving, renaming a user or setting their password: a town user for the
    mediators and town staff of their own town, a county user for anyone, the schema owner's
    connection (``None``); with ``own`` (a password) the user themselves too."""
    if acting is None:
        return
    if own and getattr(acting, "id", None) is not None and getattr(acting, "id", None) == getattr(target, "id", None):
        return
    if acting.role not in OFFICE_ROLES:
        raise PermissionDenied(_("only a town or county user changes other users; a person sets only their own "
                                 "password"))
    if acting.role == Role.town and (target.role == Role.county or not _in_town(acting, target.town_id)):
        raise PermissionDenied(_("{name} changes only the mediators and town users of their own town").format(
            name=acting.name))


def may_take_over(successor: Actor, village_id: int) -> bool:
    """Whether ``successor`` can take over a case of a village (``may_mediate``), being active."""
    return getattr(successor, "retired_at", None) is None and may_mediate(successor, village_id)


def may_amend(user: Actor, record: Place, *, to_village: Place | None = None) -> None:
    """Correcting a record: whoever may act on it; moving it to another village is the
    office's (a town user within their town, or the county)."""
    may_act_on(user, record)
    if to_village is not None and to_village.id != getattr(record, "village_id", None):
        if user.role not in OFFICE_ROLES:
            raise PermissionDenied(_("moving a record to another village is for a town or county user"))
        may_register_in(user, to_village)


def may_undo(user: Actor, step_actor: str) -> None:
    """Taking back a step: the user who took it, or an office user."""
    if user.name != step_actor and user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("only {name}, who took the step, or a town or county user may undo it").format(
            name=step_actor))


def may_void(user: Actor) -> None:
    """Voiding a registration takes it out of every count: the town and county offices'."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("a registration is voided by a town or county user"))


def may_keep_backups(user: Actor, *, own_login: bool = False) -> None:
    """Backing up and restoring the whole database (every village's records, ID numbers
    included) is the town and county offices'. On a shared PostgreSQL server a person's own
    login sees only their rows, so the copy is taken by the schema owner's login."""
    if own_login:
        raise PermissionDenied(_("on a shared server, backups are taken and restored with the schema owner's "
                                 "login, which sees every row"))
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("backups are taken and restored by town or county users"))


def may_report_on(user: Actor, town: Place) -> None:
    """A report of a town counts what the login sees: the town's own people (and the county)
    report on it; anyone else would see nothing and print zeros, so it is refused."""
    home = getattr(user, "town_id", None)
    if user.role == Role.county or (user.role == Role.town and home is None) or home == town.id:
        return
    raise PermissionDenied(_("{name} reports on their own town, not {town}").format(name=user.name, town=town.name))


def may_verify(user: Actor | None, *, own_login: bool = False) -> None:
    """A town's chain runs through every village of the town: checked by the offices (and by
    whoever holds the whole database, on SQLite or as the schema owner). A mediator's own login
    sees one village, too little to tell a removed row from one it may not see."""
    if own_login and user is not None and user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("the trail is verified by town or county users: a mediator's login sees one "
                                 "village of the town's chain"))


def may_set_up_places(user: Actor, *, town_id: int | None) -> None:
    """Adding villages (``town_id``: the town's) or a new town (``None``), once the database has
    users: a town user for their own town, a county user for any."""
    if user.role not in OFFICE_ROLES:
        raise PermissionDenied(_("only a town or county user adds towns or villages"))
    if user.role == Role.town and (town_id is None or not _in_town(user, town_id)):
        raise PermissionDenied(_("{name} adds villages only to their own town; a new town is added by a county "
                                 "user").format(name=user.name))


def may_mediate(user: Actor, village_id: int) -> bool:
    """Whether ``user`` can be a case's mediator: a mediator of its village, or an office user."""
    return user.role != Role.mediator or user.village_id == village_id


def place_of_new_user(role: str, *, village: str | None, town: str | None) -> str | None:
    """Where a new user of ``role`` belongs: a mediator to a village, a town user to a town, a
    county user to none ("village", "town" or None); a place given for the wrong role is refused."""
    from mediation.errors import InvalidValue
    from workflows import ask, option

    if role == Role.mediator:
        if not village:
            raise InvalidValue(ask(_("a mediator needs a village ({option})"), option=option("village")))
        return "village"
    if village:
        raise InvalidValue(ask(_("{option} is for the mediator role, not {role}"), option=option("village"),
                                                                                    role=role))
    if role == Role.town:
        return "town"
    if town:
        raise InvalidValue(_("a county user belongs to no single town"))
    return None


def office_exists(s) -> bool:
    """Whether the database has a town or county user (someone who may add users)."""
    return _has_user(s, OFFICE_ROLES)


def county_exists(s) -> bool:
    """Whether the database has its county user (there is one; the first is added by the owner)."""
    return _has_user(s, (Role.county,))


def _has_user(s, roles) -> bool:
    from sqlmodel import select

    from mediation.tables.places import User

    return s.exec(select(User.id).where(User.role.in_(roles)).limit(1)).first() is not None


def may_mediate_query(village_id: int):
    """The users who mediate in a village by default (its mediators), as a query's condition."""
    from mediation.tables.places import User

    return (User.role == Role.mediator, User.village_id == village_id)


def lines_approved_by(user: Actor) -> list[int]:
    """The lines whose escalations ``user`` decides (from line N to N+1: the approver of N+1)."""
    return [line - 1 for line, role in config.LINE_APPROVER.items() if role == user.role]


def registers_by_village(user: Actor) -> bool:
    """A mediator's records belong to a village: they name it (a town's own are the office's)."""
    return user.role == Role.mediator


def default_scope(user: Actor | None) -> tuple[str, int | None, int | None] | None:
    """What a user's lists show unless they name a village: a mediator's village, a town
    user's town, everything for the county (None). ("village"|"town", village id, town id)."""
    if user is None or user.role == Role.county or user.town_id is None:
        return None
    if user.role == Role.mediator and user.village_id is not None:
        return ("village", user.village_id, user.town_id)
    return ("town", None, user.town_id)


def problem(rule: Callable[..., None], *args: Any, **kwargs: Any) -> str | None:
    """Why ``rule`` refuses, or None: for listings that show what a user may do."""
    try:
        rule(*args, **kwargs)
    except PermissionDenied as exc:
        return str(exc)
    return None
