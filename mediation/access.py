"""Finding what people name (villages, users, cases, petitions, matters). Who may act on
what is ``mediation.permissions``.

People type half-remembered names: ``龙潭`` finds 龙潭村 when only one village starts so, and
``2021-3`` or ``（2021）营调字第3号`` finds ``(2021)营调字第003号``. Anything ambiguous is
refused with the candidates listed, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from typing import TYPE_CHECKING

from sqlmodel import select

from mediation import validation
from mediation.errors import InvalidValue, NotFound, PermissionDenied
from mediation.tables.disputes import Case
from mediation.tables.places import Town, User, Village
from workflows import ask, option
from workflows.i18n import N_, _

if TYPE_CHECKING:
    from sqlmodel import Session

_NUMBER = re.compile(r"(\d{4})\D*?(\d+)\D*$")
_THIS_YEAR = re.compile(r"第(\d+)号?\W*$")


_USERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def actor(session: Session, name: str | None) -> User:
    """The acting user; every change is recorded under this name. Connected with a person's
    own PostgreSQL login, it is that login's user, and naming anyone else is refused
    (``mediation.logins``). A retired user acts no more. A user found is kept while the
    database is open (per connection pool), detached from any session; a command that changes
    a user (``mediation.people``) forgets them."""
    login = session.info.get("login")
    if login is not None:
        if name and name.strip() and name.strip() != login.name:
            raise PermissionDenied(_("connected as {login}, who is {name}: acting as {other} is refused").format(
                login=login.login, name=login.name, other=name.strip()))
        session.info["acting"] = login
        return login
    if not name or not name.strip():
        raise PermissionDenied(ask(_("no acting user: give {option} NAME or set MEDIATION_USER"), option=option("as")))
    user = user_named(session, name)
    if user is None:
        raise NotFound(_("no such user '{name}' (add one with `mediation user add`)").format(name=name))
    if user.retired_at is not None:
        from mediation import timeutil
        raise PermissionDenied(_("{name} retired on {day} and acts no more").format(
            name=user.name, day=timeutil.show(user.retired_at, minutes=False)))
    session.info["acting"] = user  # a record's number is then read within their town (``_record``)
    return user


def user_named(session: Session, name: str) -> User | None:
    """A user by name, or None (see ``actor`` for why found users are kept)."""
    key = name.strip()
    known = _USERS.setdefault(session.get_bind().pool, {})
    if key not in known:
        user = session.exec(select(User).where(User.name == key)).first()
        if user is None:
            return None
        known[key] = User(**user.model_dump())
    return known[key]


def forget_users(session: Session) -> None:
    """Read users again (one was retired, moved or renamed)."""
    _USERS.pop(session.get_bind().pool, None)


def optional_actor(session: Session, name: str | None) -> User | None:
    return actor(session, name) if name or session.info.get("login") is not None else None


def town(session: Session, name: str | None) -> Town:
    if name:
        found = session.exec(select(Town).where(Town.name == name.strip())).first()
        if found:
            return found
        towns = session.exec(select(Town.name)).all()
        raise NotFound(_("no such town '{name}'; known: {known}").format(name=name, known=", ".join(towns) or _("none")))
    towns = session.exec(select(Town)).all()
    if len(towns) == 1:
        return towns[0]
    if not towns:
        raise NotFound(_("no town yet: run `mediation init --town NAME`"))
    raise InvalidValue(_("several towns: name one of {towns}").format(towns=", ".join(t.name for t in towns)))


def village(session: Session, text: str) -> Village:
    """A village by name, ``TOWN/VILLAGE``, or a unique prefix (``龙潭`` → 龙潭村)."""
    raw = (text or "").strip()
    if not raw:
        raise InvalidValue(_("a village is required"))
    town_name, _slash, name = raw.rpartition("/")
    q = select(Village, Town).join(Town, Town.id == Village.town_id)
    if town_name:
        q = q.where(Town.name == town_name.strip())
    rows = session.exec(q).all()
    exact = [v for v, _ in rows if v.name == name.strip()]
    if len(exact) == 1:
        return exact[0]
    candidates = exact or [v for v, _ in rows if v.name.startswith(name.strip())]
    if len(candidates) == 1:
        return candidates[0]
    labels = {v.id: f"{t.name}/{v.name}" for v, t in rows}
    if candidates:
        raise InvalidValue(_("village '{text}' is ambiguous: {candidates}").format(
            text=text, candidates=", ".join(labels[v.id] for v in candidates)))
    known = ", ".join(v.name for v, _t in rows) or _("none")
    raise NotFound(_("unknown village '{text}'; known: {known}").format(text=text, known=known))


def case(session: Session, ref: str, *, lock: bool = False, extra: tuple = ()):
    """A case by id or number, tolerant of full-width brackets and missing leading zeros
    (``extra``: more to read with it, ``records.read``)."""
    return _record(session, Case, ref, lock=lock, noun=N_("case"), example="(2021)营调字第003号", extra=extra)


def petition(session: Session, ref: str, *, lock: bool = False):
    """A petition by id or number, e.g. (2021)营信字第002号 or 2021-2."""
    from mediation.tables.petitions import Petition
    return _record(session, Petition, ref, lock=lock, noun=N_("petition"), example="(2021)营信字第002号")


def matter(session: Session, ref: str, *, lock: bool = False):
    """A 行政复议/行政应诉 matter by id or number, e.g. (2021)营诉字第001号."""
    from mediation.tables.registers import Matter
    return _record(session, Matter, ref, lock=lock, noun=N_("matter"), example="(2021)营诉字第001号")


def _record(session: Session, table, ref: str, *, lock: bool, noun: str, example: str, extra: tuple = ()):
    """What the user means: ``id:N`` is the id; a bare number ``N`` or ``第N号`` is the acting
    user's town's record of that number (this year's, else the latest year's), as a mediator
    or a town user says it; for a user of no town (county) or no user, a bare number is the
    id. A full number is itself."""
    # NFKC folds full-width digits and brackets (（２０２１）) into their ASCII forms.
    raw = unicodedata.normalize("NFKC", ref or "").strip()
    if not raw:
        raise InvalidValue(_("a {noun} id or number is required").format(noun=_(noun)))

    from mediation import records

    by_id = raw[3:].strip() if raw.lower().startswith("id:") else None
    acting = session.info.get("acting")
    home = getattr(acting, "town_id", None)
    if raw.isdigit() and home is not None and len(raw) <= 9:
        found = _in_town(session, table, home, int(raw), lock, extra)
        if found is not None:
            return found
        raise NotFound(_("no {noun} number {seq} in your town (an id is given as id:{seq})").format(
            noun=_(noun), seq=int(raw)))
    if raw.isdigit():
        by_id = raw
    if by_id is not None:
        found = records.read(session, table, id=int(by_id), lock=lock, extra=extra) \
            if by_id.isdigit() and len(by_id) <= 15 else None
        if found:
            return found
        raise NotFound(_("no {noun} with id {id}").format(id=validation.shown(by_id), noun=_(noun)))
    norm = raw.replace(" ", "")  # (full-width brackets and digits were folded by NFKC above)
    found = records.read(session, table, number=norm, lock=lock, extra=extra)
    if found:
        return found
    m = _NUMBER.search(norm)
    short = None if m else _THIS_YEAR.search(norm)
    digits = (m.group(2) if m else short.group(1)) if (m or short) else ""
    if digits and len(digits) <= 9:  # a longer one is no number of ours
        from mediation import timeutil

        # 营调字第1号 or 第1号 said without a year: this year's register.
        year = int(m.group(1)) if m else timeutil.local_date(timeutil.now()).year
        seq = int(digits)
        if not m and home is not None:  # 第1号 said by a town's user: their town's
            found = _in_town(session, table, home, seq, lock, extra)
            if found is not None:
                return found
        rows = session.exec(select(table.id, table.number).where(table.year == year, table.seq == seq)).all()
        prefix = norm[: m.start(2)] if m else norm[: short.start(1)]
        rows = [r for r in rows if _prefix_matches(prefix, r.number)]
        if len(rows) == 1:
            return records.read(session, table, id=rows[0].id, lock=lock, extra=extra)
        if len(rows) > 1:
            raise InvalidValue(_("{noun} number '{ref}' is ambiguous: {numbers}").format(
                noun=_(noun), ref=ref, numbers=", ".join(r.number for r in rows)))
    raise NotFound(_("no such {noun} '{ref}' (give the id or a number like {example}; at a shell, put a number with "
                     "brackets in quotes: \"{example}\")").format(noun=_(noun), ref=validation.shown(ref),
                                                                          example=example))


def _in_town(session: Session, table, town_id: int, seq: int, lock: bool, extra: tuple = ()):
    """A town's record of number ``seq``: this year's, else the latest year's."""
    from mediation import timeutil

    this_year = timeutil.local_date(timeutil.now()).year
    rows = session.exec(select(table.id, table.year, table.number).where(
        table.town_id == town_id, table.seq == seq, table.year <= this_year).order_by(table.year.desc())).all()
    rows = [r for r in rows if r.year == rows[0].year] if rows else []
    if not rows:
        return None
    if len(rows) > 1:  # a 复议 and an 应诉 of one number: say which
        raise InvalidValue(_("number {seq} is ambiguous: {numbers}").format(
            seq=seq, numbers=", ".join(r.number for r in rows)))
    from mediation import records

    return records.read(session, table, id=rows[0].id, lock=lock, extra=extra)


def _prefix_matches(typed_prefix: str, number: str) -> bool:
    """Every Chinese character typed before the sequence number appears in the real number."""
    return all(ch in number for ch in typed_prefix if "\u4e00" <= ch <= "\u9fff")


def register_in(session: Session, actor_name: str | None, village_name: str) -> tuple[User, Village, Town]:
    """Who registers a record in which village, checked; and the village's town (its yearly
    register is numbered by ``records.next_seq``, which holds the numbering)."""
    from mediation import permissions

    user = actor(session, actor_name)
    village_row = village(session, village_name)
    permissions.may_register_in(user, village_row)
    town_row = session.get(Town, village_row.town_id)
    return user, village_row, town_row
