"""Deadlines: calendar days, working days (工作日) and months, on the State Council calendar.

Working days follow the State Council holiday calendar with its make-up workdays (调休),
from the ``chinesecalendar`` package (2004–2026). Past its data the statutory holidays are
still known — 全国年节及纪念日放假办法 fixes 元旦, 春节, 清明, 劳动节, 端午, 中秋 and 国庆, and
a holiday that falls on a weekend is made up on a working day — so they come from the
``holidays`` package (which computes China's, lunar dates included), with weekends; only the
yearly 调休 arrangement (which weekend days become working days) is unknown, and a warning
says so once per year and process. The office enters the State Council's notice when it
is published (``mediation calendar load``, kept in the database for every terminal:
``use_loaded``), which overrides both; a local file (``MEDIATION_HOLIDAYS``, TOML with
``holidays`` and ``workdays`` lists of dates) overrides everything, for one terminal. A
deadline counted on a year without either is provisional (``provisional``). A period whose last day is a rest day ends on
the next working day when its rule says so (民事诉讼法 art 85; 行政复议法 art 88), at the
end of that day in Asia/Shanghai.
"""

from __future__ import annotations

import os
import warnings
from datetime import date, datetime, timedelta
from functools import lru_cache

from mediation import timeutil
from mediation.errors import InvalidValue
from workflows import Period
from workflows.i18n import _


class CalendarWarning(UserWarning):
    """The official calendar has no data for a year: statutory holidays and weekends are
    used, without that year's 调休 make-up workdays."""


_warned: set[int] = set()
# The notices loaded into the database (``use_loaded``): year → (rest days, make-up workdays).
_loaded: dict[int, tuple[frozenset[date], frozenset[date]]] = {}


def use_loaded(notices: dict[int, tuple[frozenset[date], frozenset[date]]]) -> None:
    """Count on the notices the database holds (once per process, and after a load); the
    cached periods are forgotten when they change."""
    if notices != _loaded:
        _loaded.clear()
        _loaded.update(notices)
        last_day.cache_clear()
        due.cache_clear()
        official.cache_clear()


@lru_cache(maxsize=1)
def _local_file() -> tuple[frozenset[date], frozenset[date]]:
    path = os.environ.get("MEDIATION_HOLIDAYS")
    if not path:
        return frozenset(), frozenset()
    import tomllib

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        holidays = frozenset(date.fromisoformat(str(d)) for d in data.get("holidays", []))
        workdays = frozenset(date.fromisoformat(str(d)) for d in data.get("workdays", []))
    except (OSError, ValueError) as exc:  # TOMLDecodeError is a ValueError
        raise InvalidValue(_("the holiday file {path} cannot be read: {reason}").format(path=path, reason=exc)) from None
    return holidays, workdays


def reload_local_calendar() -> None:
    """Forget the cached holiday file (after ``MEDIATION_HOLIDAYS`` changes)."""
    _local_file.cache_clear()
    official.cache_clear()
    statutory_holidays.cache_clear()
    last_day.cache_clear()
    due.cache_clear()
    _warned.clear()


def is_workday(day: date) -> bool:
    holidays, workdays = _local_file()
    if day in holidays:
        return False
    if day in workdays:
        return True
    notice = _loaded.get(day.year)
    if notice is not None:  # the year's notice lists every rest day and every 调休 working day
        rest, work = notice
        return day not in rest and (day in work or day.weekday() < 5)
    import chinese_calendar

    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned:
            _warned.add(day.year)
            warnings.warn(_("no State Council calendar for {year}: statutory holidays and weekends are used, "
                            "make-up workdays (调休) are unknown, and its deadlines are provisional (暂定) until "
                            "the office loads that year's notice (`mediation calendar load FILE`)").format(
                year=day.year), CalendarWarning, stacklevel=2)
        return day.weekday() < 5 and day not in statutory_holidays(day.year)


@lru_cache(maxsize=64)
def official(year: int) -> bool:
    """Whether ``year``'s 调休 are known: the package's data, a notice loaded, or the local
    file naming a day of that year."""
    if year in _loaded:
        return True
    holidays, workdays = _local_file()
    if any(d.year == year for d in holidays | workdays):
        return True
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def provisional(deadline: datetime | None) -> bool:
    """A deadline whose last day falls in a year without its 调休 known: it may move when the
    notice is loaded (暂定)."""
    return deadline is not None and not official(timeutil.deadline_day(deadline).year)


@lru_cache(maxsize=64)
def statutory_holidays(year: int) -> frozenset[date]:
    """The rest days 全国年节及纪念日放假办法 fixes for ``year``: the holidays themselves and
    the working day given for one that falls on a weekend (补假), as the ``holidays`` package
    computes them (lunar dates included; written out for 2027–2060 in
    ``mediation.statutory_days``). The yearly 调休 swaps are not among them: a "substituted"
    day off is one half of a swap, and without its make-up working day it would shorten
    periods."""
    from mediation import statutory_days

    days = statutory_days.DAYS.get(year)
    return frozenset(date(year, int(mmdd[:2]), int(mmdd[2:]))
                     for mmdd in (days.split() if days is not None else statutory_days.computed(year)))


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after ``start`` (the start day itself does not count)."""
    day, left = start, n
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


@lru_cache(maxsize=8192)
def last_day(start: date, period: Period) -> date:
    """The last day of a period counted from ``start`` (the next day is day one). Kept per
    (day, period): an import asks the same few hundred questions thousands of times."""
    if period.unit == "working_days":
        return add_working_days(start, period.amount)
    if period.unit == "months":
        import pendulum
        end = pendulum.date(start.year, start.month, start.day).add(months=period.amount)
        day = date(end.year, end.month, end.day)
    else:
        day = start + timedelta(days=period.amount)
    if period.roll:
        while not is_workday(day):
            day += timedelta(days=1)
    return day


@lru_cache(maxsize=8192)
def due(start: datetime, period: Period) -> datetime:
    """The instant a period started at ``start`` runs out: the end (24:00, Asia/Shanghai) of
    its last day, as UTC."""
    return timeutil.day_start(last_day(timeutil.local_date(start), period) + timedelta(days=1))
