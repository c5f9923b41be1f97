"""The State Council's holiday notices, loaded by the office (``mediation calendar load``) and
kept in the database, so that every terminal counts periods on the same calendar. Loading a
notice recomputes the deadlines it moves, each with an audited step of its record that says
from which day to which (docs/legal-clocks.md, "Calendars")."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import select

from mediation import deadlines, permissions, timeutil
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue
from mediation.tables.places import CalendarYear
from workflows.i18n import _

EARLIEST, LATEST = 1949, 2100  # the years a record may have (README, "Limits")


@dataclass(frozen=True)
class Moved:
    kind: str
    number: str
    old: str | None
    new: str | None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "number": self.number, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class YearView:
    year: int
    source: str  # loaded notice, the package's data, or the fallback
    official: bool
    rest_days: list[str]  # weekday rest days (holidays) and weekend days that are rest days by the notice
    workdays: list[str]  # make-up working days (调休) on weekends
    loaded_by: str | None = None
    loaded_at: Any = None
    moved: list[Moved] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"year": self.year, "source": self.source, "official": self.official,
                "holidays": self.rest_days, "workdays": self.workdays, "loaded_by": self.loaded_by,
                "loaded_at": timeutil.iso(self.loaded_at) if self.loaded_at else None,
                "moved": [m.to_json() for m in self.moved]}


def use(session) -> None:
    """Count on the notices this database holds (``Database`` calls it once per process)."""
    rows = session.execute(select(CalendarYear.year, CalendarYear.holidays, CalendarYear.workdays)).all()
    deadlines.use_loaded({y: (frozenset(map(date.fromisoformat, h)), frozenset(map(date.fromisoformat, w)))
                          for y, h, w in rows})


def read_notice(path: str) -> tuple[int, list[date], list[date], str]:
    """A notice file: ``year = 2027``, ``holidays = [2027-01-01, …]`` (every rest day of the
    holidays, weekend days included), ``workdays = [2027-02-20, …]`` (the 调休 working days),
    and ``source`` (the notice's name and number)."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise InvalidValue(_("cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    except ValueError as exc:
        raise InvalidValue(_("{path} is not a TOML file: {reason}").format(path=path, reason=exc)) from None
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not EARLIEST <= year <= LATEST:
        raise InvalidValue(_("{path}: say which year the notice is for (year = {example})").format(
            path=path, example=2027))
    days: dict[str, list[date]] = {}
    for key in ("holidays", "workdays"):
        raw = data.get(key, [])
        if isinstance(raw, list):  # a day written in quotes, "2027-01-01", is that day too
            raw = [_day(d) if isinstance(d, str) else d for d in raw]
        if not isinstance(raw, list) or not all(isinstance(d, date) and not hasattr(d, "hour") for d in raw):
            raise InvalidValue(_("{path}: {key} is a list of days (e.g. [{year}-01-01])").format(
                path=path, key=key, year=year))
        wrong = [d for d in raw if d.year != year]
        if wrong:
            raise InvalidValue(_("{path}: {day} is not in {year}").format(path=path, day=wrong[0].isoformat(),
                                                                          year=year))
        days[key] = sorted(set(raw))
    if not days["holidays"]:
        raise InvalidValue(_("{path}: the notice lists no holidays").format(path=path))
    both = set(days["holidays"]) & set(days["workdays"])
    if both:
        raise InvalidValue(_("{path}: {day} is both a holiday and a working day").format(
            path=path, day=min(both).isoformat()))
    source = str(data.get("source") or "").strip() or f"国务院办公厅关于{year}年部分节假日安排的通知"
    return year, days["holidays"], days["workdays"], source


def _day(text: str) -> date | str:
    """A quoted day (``"2027-01-01"``, ``"2027年1月1日"``) as a date, or the text if it is none."""
    try:
        return timeutil.local_date(timeutil.parse_at(text).at)
    except InvalidValue:
        return text


def load(db: UnitOfWork, *, actor: str | None, path: str) -> YearView:
    """Keep a year's notice (replacing one loaded before) and move every deadline it moves,
    each with a ``calendar`` step of its record, in one transaction."""
    from mediation import access

    year, holidays, workdays, source = read_notice(path)
    with db.write() as s:
        user = access.actor(s, actor)
        from sqlalchemy import func

        from mediation.tables.places import Town

        permissions.may_load_calendar(user, towns=s.exec(select(func.count()).select_from(Town)).one())
        row = s.get(CalendarYear, year)
        values = dict(holidays=[d.isoformat() for d in holidays], workdays=[d.isoformat() for d in workdays],
                      source=source, loaded_by=user.name, loaded_at=timeutil.now())
        if row is None:
            s.add(CalendarYear(year=year, **values))
        else:
            for k, v in values.items():
                setattr(row, k, v)
        s.flush()
        use(s)
        moved = _recount(s, user, year, source)
        view = _year(s, year)
        return YearView(**{**view.__dict__, "moved": moved})


def show(db: UnitOfWork, *, year: int) -> YearView:
    if not EARLIEST <= year <= LATEST:
        raise InvalidValue(_("a year from {first} to {last}").format(first=EARLIEST, last=LATEST))
    with db.read() as s:
        return _year(s, year)


def _year(s, year: int) -> YearView:
    row = s.get(CalendarYear, year)
    day, end = date(year, 1, 1), date(year, 12, 31)
    rest, work = [], []
    import warnings

    with warnings.catch_warnings():  # (the view itself says whether the year's 调休 are known)
        warnings.simplefilter("ignore", deadlines.CalendarWarning)
        days = {day + timedelta(days=n): deadlines.is_workday(day + timedelta(days=n))
                for n in range((end - day).days + 1)}
    for day, workday in days.items():
        if not workday and day.weekday() < 5:
            rest.append(day.isoformat())
        elif workday and day.weekday() >= 5:
            work.append(day.isoformat())
    if row is not None:
        return YearView(year, row.source, True, rest, work, row.loaded_by, row.loaded_at)
    official = deadlines.official(year)
    source = _("the State Council calendar (chinesecalendar package)") if official else \
        _("statutory holidays and weekends only: 调休 unknown, deadlines provisional")
    return YearView(year, source, official, rest, work)


def _recount(s, user, year: int, source: str) -> list[Moved]:
    """Every deadline whose last day falls in ``year`` or later (or in the December before,
    from where a rest day may roll it into the year), counted again on the calendar in force."""
    from mediation import cases, matters, petitions, records

    since = timeutil.day_start(date(year - 1, 12, 1))
    moved: list[Moved] = []
    for reg, kind in ((cases.REGISTER, "case"), (petitions.REGISTER, "petition"), (matters.REGISTER, "matter")):
        table = reg.table
        rows = s.exec(select(table).where(table.deadline.is_not(None), table.deadline >= since)
                      .order_by(table.id).with_for_update()).all()
        for row in rows:
            new = records.due(reg.deadline_basis(row, reg.facts(row)))
            if new is None or new == row.deadline:
                continue
            old = row.deadline
            changes: dict[str, Any] = {"deadline": new}
            for column in ("route_deadline", "answer_deadline"):  # the same clock, kept apart
                if getattr(row, column, None) == old:
                    changes[column] = new
            shown = (timeutil.iso_deadline(old), timeutil.iso_deadline(new))
            records.side_step(s, reg, row, user=user, trigger="calendar", note=source,
                              values={"deadline": {"old": shown[0], "new": shown[1]}, "year": year}, changes=changes,
                              facts={**reg.facts(row), **changes})
            moved.append(Moved(kind, reg.label(row), *shown))
    return moved
