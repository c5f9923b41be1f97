"""四网排查: screening rounds and monthly zero reports (零上报), docs/domain.md."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from mediation import access, permissions, records, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotAllowed
from mediation.models import ScreeningRound, Village, ZeroReport
from workflows import ask, config, option
from workflows.i18n import N_, _


@dataclass(frozen=True)
class RoundView:
    id: int
    village: str
    mode: str
    found: int
    prevented: int
    at: datetime
    actor: str
    note: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "village": self.village, "mode": self.mode, "found": self.found,
                "prevented": self.prevented, "at": timeutil.iso(self.at), "actor": self.actor, "note": self.note}


@dataclass(frozen=True)
class ZeroView:
    village: str
    month: str
    actor: str


# More disputes than a village could find in one round: a typing slip, not a count.
MOST_FOUND = 100_000


def _count(value: int | None, what: str) -> int:
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidValue(_("{what} is a whole number").format(what=what))
    if value < 0:
        raise InvalidValue(_("{what} cannot be negative").format(what=what))
    if value > MOST_FOUND:
        raise InvalidValue(_("{what} is at most {most}").format(what=what, most=MOST_FOUND))
    return value


def _month_bounds(month: str) -> tuple[datetime, datetime]:
    year, mon = int(month[:4]), int(month[5:7])
    following = date(year + 1, 1, 1) if mon == 12 else date(year, mon + 1, 1)
    return timeutil.day_start(date(year, mon, 1)), timeutil.day_start(following)


def add_round(db: UnitOfWork, *, actor: str | None, village: str, mode: str, found: int | None = None,
              prevented: int | None = None, at: timeutil.Moment | None = None, note: str | None = None) -> RoundView:
    """Record a screening round. Refused in a month the village already reported as zero
    if it found disputes (the zero report would no longer be true)."""
    mode_key = validation.choice(mode, config.SCREENING_MODES, N_("screening mode"))
    n_found, n_prevented = _count(found, option("found")), _count(prevented, option("prevented"))
    if n_prevented > n_found:  # 防止激化: of the disputes found
        raise InvalidValue(ask(_("{prevented} ({n_prevented}) cannot exceed {found} ({n_found}): the disputes kept from "
                             "escalating are among those found"), prevented=option("prevented"), found=option("found"), n_prevented=n_prevented, n_found=n_found))
    note = validation.clean_text(note, N_("note"), multiline=True)
    with db.write() as s:
        user = access.actor(s, actor)
        village_row = access.village(s, village)
        permissions.may_register_in(user, village_row)
        when = timeutil.resolve(at, not_before=None)
        month = timeutil.local(when).strftime("%Y-%m")
        if n_found and s.exec(select(ZeroReport.id).where(ZeroReport.village_id == village_row.id,
                                                          ZeroReport.month == month)).first():
            raise NotAllowed(_("{village} reported zero for {month}: a round that found disputes contradicts it").format(
                village=village_row.name, month=month))
        row = ScreeningRound(town_id=village_row.town_id, village_id=village_row.id, mode=mode_key, found=n_found,
                             prevented=n_prevented, at=when, recorded_at=timeutil.now(), actor=user.name,
                             note=(note or "").strip() or None)
        s.add(row)
        s.flush()
        return RoundView(row.id, village_row.name, row.mode, row.found, row.prevented, row.at, row.actor, row.note)


def zero_report(db: UnitOfWork, *, actor: str | None, village: str, month: str) -> ZeroView:
    """零上报 for a month that has ended or is under way; once per village and month, and not
    when a round that month found disputes."""
    year, number = timeutil.parse_month(month)  # (2021-11, 2021年11月, 11月, 上月)
    key = f"{year}-{number:02d}"
    start, end = _month_bounds(key)
    if start > timeutil.now():
        raise InvalidValue(_("{month} has not begun").format(month=key))
    with db.write() as s:
        user = access.actor(s, actor)
        village_row = access.village(s, village)
        permissions.may_register_in(user, village_row)
        if s.exec(select(ZeroReport.id).where(ZeroReport.village_id == village_row.id,
                                              ZeroReport.month == key)).first():
            raise NotAllowed(_("{village} already reported zero for {month}").format(village=village_row.name, month=key))
        found = s.exec(select(func.coalesce(func.sum(ScreeningRound.found), 0))
                       .where(ScreeningRound.village_id == village_row.id, ScreeningRound.at >= start,
                              ScreeningRound.at < end)).one()
        if found:
            raise NotAllowed(_("screening in {village} found {found} dispute(s) in {month}: a zero report would be "
                               "false").format(village=village_row.name, month=key, found=found))
        s.add(ZeroReport(town_id=village_row.town_id, village_id=village_row.id, month=key,
                         recorded_at=timeutil.now(), actor=user.name))
        return ZeroView(village=village_row.name, month=key, actor=user.name)


def list_rounds(db: UnitOfWork, *, village: str | None = None, year: int | None = None) -> list[RoundView]:
    with db.read() as s:
        q = (select(ScreeningRound, Village.name).join(Village, Village.id == ScreeningRound.village_id)
             .order_by(ScreeningRound.at, ScreeningRound.id))
        q = records.narrow(s, q, ScreeningRound, ScreeningRound.at, village=village, year=year)
        return [RoundView(r.id, name, r.mode, r.found, r.prevented, r.at, r.actor, r.note) for r, name in s.exec(q)]


def list_zero_reports(db: UnitOfWork, *, village: str | None = None, year: int | None = None) -> list[ZeroView]:
    with db.read() as s:
        q = (select(ZeroReport, Village.name).join(Village, Village.id == ZeroReport.village_id)
             .order_by(ZeroReport.month, Village.name))
        if village:
            q = q.where(ZeroReport.village_id == access.village(s, village).id)
        if year is not None:
            q = q.where(ZeroReport.month.like(f"{year}-%"))
        return [ZeroView(village=name, month=z.month, actor=z.actor) for z, name in s.exec(q)]
