"""Calendars (docs/legal-clocks.md, "Calendars"): a deadline counted on a year whose 调休 are
unknown is provisional; the office loads the year's notice with a command, and every deadline
it moves is counted again, each with a step of its record. Dates by hand: accepted Monday
2026-11-02, the 60 days of 行政复议法第62条 end Friday 2027-01-01 (元旦). Without 2027's notice
the weekend follows and the period ends Monday 01-04; with a notice making Saturday 01-02 a
working day, it ends on that Saturday."""

from __future__ import annotations

import pytest

from mediation import audit, deadlines
from mediation.db import Database

NOTICE = """year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知(测试)"
holidays = [2027-01-01]
workdays = [2027-01-02]
"""


@pytest.fixture(autouse=True)
def _no_notice_left():
    yield
    deadlines.use_loaded({})  # the next test's database brings its own


def _matter(run, summary="不服处罚"):
    run.ok("matter", "new", "--kind", "reconsideration", "--summary", summary, "--at", "2026-11-05",
           "--accepted", "2026-11-02", user="王主任")
    number = run.json("matter", "list")[-1]["number"]
    return run.json("matter", "do", number, "answer", "--at", "2026-11-10", user="王主任")


def test_a_notice_loaded_moves_the_deadlines_it_moves_with_a_step_each(run, tmp_path):
    before = _matter(run)
    assert (before["deadline"], before["provisional"]) == ("2027-01-04", True)
    assert "2027-01-04 24:00 暂定" in run.speaking("zh_CN.UTF-8").ok("matter", "show", before["number"]).stdout
    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE, encoding="utf-8")
    run.refused("calendar", "load", str(notice), user="刘调解", match="town or county")
    loaded = run.json("calendar", "load", str(notice), user="王主任")
    assert loaded["moved"] == [{"kind": "matter", "number": before["number"], "old": "2027-01-04",
                                "new": "2027-01-02"}]
    after = run.json("matter", "show", before["number"])
    assert (after["deadline"], after["provisional"]) == ("2027-01-02", False)
    step = after["history"][-1]
    assert step["trigger"] == "calendar" and step["values"]["deadline"] == {"old": "2027-01-04", "new": "2027-01-02"}
    # A new matter counts on the notice at once; another terminal (a new process) too.
    assert _matter(run, "不服拆除")["deadline"] == "2027-01-02"
    deadlines.use_loaded({})
    assert _matter(run, "不服罚款二")["deadline"] == "2027-01-02"
    shown = run.json("calendar", "show", "2027")
    assert shown["official"] and shown["workdays"] == ["2027-01-02"] and "2027-01-01" in shown["holidays"]
    # Loaded again: nothing left to move.
    assert run.json("calendar", "load", str(notice), user="王主任")["moved"] == []
    db = Database(run.db_url)
    assert audit.verify(db).ok
    db.dispose()


def test_a_notice_with_its_days_in_quotes_is_read_as_days(run, tmp_path):
    notice = tmp_path / "2027.toml"
    notice.write_text('year = 2027\nholidays = ["2027-01-01", "2027年2月5日"]\nworkdays = ["2027-02-20"]\n',
                      encoding="utf-8")
    run.ok("calendar", "load", str(notice), user="王主任")
    shown = run.json("calendar", "show", "2027")
    assert shown["official"] is True


@pytest.mark.parametrize("text, match", [
    ("holidays = [2027-01-01]", "which year"),
    ("year = 2027\nholidays = [2026-12-31]", "not in 2027"),
    ("year = 2027\nholidays = [2027-01-01]\nworkdays = [2027-01-01]", "both a holiday and a working day"),
    ("year = 2027\nholidays = []", "no holidays"),
    ("year = 2027\nholidays = '元旦'", "list of days"),
    ("year = 2027\nholidays = ['2027-01-01', '元旦']", "list of days"),
    ("year = 2027\nholidays = ['2027-02-30']", "list of days"),
    ("year = = 2027", "not a TOML file"),
])
def test_a_bad_notice_is_refused_in_one_line_and_nothing_moves(run, tmp_path, text, match):
    before = _matter(run)
    notice = tmp_path / "bad.toml"
    notice.write_text(text, encoding="utf-8")
    run.refused("calendar", "load", str(notice), user="王主任", match=match)
    assert run.json("matter", "show", before["number"])["deadline"] == "2027-01-04"
    assert run.json("calendar", "show", "2027")["official"] is False
