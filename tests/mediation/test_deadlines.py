"""Deadlines on real calendar edges (State Council calendar with 调休), and past its data."""

from __future__ import annotations

import warnings
from datetime import date

import pytest

from mediation import deadlines, timeutil
from workflows import Period


@pytest.fixture(autouse=True)
def _fresh_calendar(monkeypatch):
    monkeypatch.delenv("MEDIATION_HOLIDAYS", raising=False)
    deadlines.reload_local_calendar()
    yield
    deadlines.reload_local_calendar()


def test_national_day_2021_and_its_make_up_workdays():
    assert deadlines.is_workday(date(2021, 9, 26))  # Sunday, 调休 workday
    assert deadlines.is_workday(date(2021, 10, 9))  # Saturday, 调休 workday
    assert not deadlines.is_workday(date(2021, 10, 4))
    # 3 working days from Friday 2021-09-24: Sun 26 (make-up), Mon 27, Tue 28
    assert deadlines.last_day(date(2021, 9, 24), Period(3, "working_days")) == date(2021, 9, 28)
    # 10 working days from 2021-09-29 (答复期限, 行政复议法 art 48): 30, 8, 9 (Sat, make-up), 11–15, 18, 19
    assert deadlines.last_day(date(2021, 9, 29), Period(10, "working_days")) == date(2021, 10, 19)


def test_spring_festival_2021():
    # holiday 2021-02-11..17; make-up workdays Sun 02-07 and Sat 02-20
    assert deadlines.is_workday(date(2021, 2, 7)) and deadlines.is_workday(date(2021, 2, 20))
    # from 02-10: the 11th–17th are holiday, so the 18th is the first working day and the 19th the second
    assert deadlines.last_day(date(2021, 2, 10), Period(2, "working_days")) == date(2021, 2, 19)
    # from the make-up Sunday 02-07: Mon 8, Tue 9, Wed 10, then Thu 18
    assert deadlines.last_day(date(2021, 2, 7), Period(4, "working_days")) == date(2021, 2, 18)


def test_a_period_ending_on_a_rest_day_rolls_to_the_next_working_day():
    assert deadlines.last_day(date(2021, 3, 5), Period(15)) == date(2021, 3, 22)  # 3-20 is a Saturday
    assert deadlines.last_day(date(2021, 9, 16), Period(15)) == date(2021, 10, 8)  # into National Day
    assert deadlines.last_day(date(2021, 3, 5), Period(15, roll=False)) == date(2021, 3, 20)


def test_due_is_the_end_of_the_last_day_in_shanghai():
    start = timeutil.parse_at("2021-03-05T16:00").at
    assert timeutil.iso(deadlines.due(start, Period(15))) == "2021-03-23T00:00:00+08:00"


def test_months():
    assert deadlines.last_day(date(2021, 8, 31), Period(6, "months")) == date(2022, 2, 28)


def test_beyond_the_official_data_the_statutory_holidays_still_count_and_a_warning_says_so_once():
    """2027 is past chinesecalendar's data: 元旦 and 春节 are still rest days (全国年节及纪念日
    放假办法), weekends too; only the 调休 swaps are unknown, and the warning says so once."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert not deadlines.is_workday(date(2027, 1, 1))  # 元旦, a Friday
        assert not any(deadlines.is_workday(date(2027, 2, d)) for d in range(5, 11))  # 除夕 … 初三 and 补假
        assert not deadlines.is_workday(date(2027, 10, 1)) and deadlines.is_workday(date(2027, 3, 1))
        assert deadlines.last_day(date(2027, 1, 1), Period(5, "working_days")) == date(2027, 1, 8)
        # from Thursday 02-04: the Spring Festival days are skipped: 11, 12, 15, 16, 17
        assert deadlines.last_day(date(2027, 2, 4), Period(5, "working_days")) == date(2027, 2, 17)
        # a calendar-day period ending on 元旦 2027 rolls past the weekend to Monday 01-04
        assert deadlines.last_day(date(2026, 11, 2), Period(60)) == date(2027, 1, 4)
    found = [w for w in caught if issubclass(w.category, deadlines.CalendarWarning)]
    assert len(found) == 1 and "调休" in str(found[0].message)


def test_the_written_out_statutory_days_are_what_the_holidays_package_computes():
    """The years written out (so that no command imports ``holidays`` to count into 2027) are,
    day for day, the package's own; a year past them is still computed."""
    from mediation import statutory_days

    assert sorted(statutory_days.DAYS) == list(range(statutory_days.FIRST, statutory_days.LAST + 1))
    for year, days in statutory_days.DAYS.items():
        assert days.split() == statutory_days.computed(year), (
            f"{year} differs from the installed holidays package: regenerate mediation/statutory_days.py")
    assert date(2027, 2, 6) in deadlines.statutory_holidays(2027)  # 春节, 初一
    beyond = statutory_days.LAST + 1
    deadlines.statutory_holidays.cache_clear()
    assert date(beyond, 1, 1) in deadlines.statutory_holidays(beyond) and len(deadlines.statutory_holidays(beyond)) >= 13


def test_counting_into_a_year_without_official_data_imports_no_holiday_package():
    """The written-out days spare a command the ``holidays`` package (~0.2 s a process)."""
    import subprocess
    import sys

    code = ("import sys, warnings; warnings.simplefilter('ignore'); from datetime import date; "
            "from workflows import Period; from mediation import deadlines; "
            "assert deadlines.last_day(date(2026, 12, 6), Period(62)) == date(2027, 2, 11); "
            "print('holidays' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_local_holiday_file_extends_the_calendar(tmp_path, monkeypatch):
    f = tmp_path / "holidays.toml"
    f.write_text('holidays = [2027-01-01, 2027-01-04]\nworkdays = [2027-01-09]\n', encoding="utf-8")
    monkeypatch.setenv("MEDIATION_HOLIDAYS", str(f))
    deadlines.reload_local_calendar()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert not deadlines.is_workday(date(2027, 1, 4))
        assert deadlines.is_workday(date(2027, 1, 9))
        # from 2026-12-31: 1-1 holiday, 1-4 holiday, 5, 6, 7, 8, 9 (make-up)
        assert deadlines.last_day(date(2026, 12, 31), Period(5, "working_days")) == date(2027, 1, 9)


def test_a_broken_holiday_file_is_a_clear_error(tmp_path, monkeypatch):
    f = tmp_path / "h.toml"
    f.write_text("holidays = [not a date]", encoding="utf-8")
    monkeypatch.setenv("MEDIATION_HOLIDAYS", str(f))
    deadlines.reload_local_calendar()
    from mediation.errors import InvalidValue
    with pytest.raises(InvalidValue, match="holiday file"):
        deadlines.is_workday(date(2027, 1, 4))
