"""四网排查 rounds and zero reports, on SQLite and on the live PostgreSQL server."""

from __future__ import annotations


from mediation import screening, timeutil
from mediation.errors import InvalidValue, NotAllowed, PermissionDenied
from tests.conftest import refused


def test_rounds_and_zero_reports(town):
    r = screening.add_round(town, actor="刘调解", village="龙潭村", mode="拉网排查", found=2, prevented=1,
                            at=timeutil.parse_at("2021-09-28"))
    assert (r.mode, r.found, r.prevented) == ("拉网", 2, 1)
    screening.add_round(town, actor="刘调解", village="龙潭村", mode="逐个", at=timeutil.parse_at("2021-10-08"))
    z = screening.zero_report(town, actor="刘调解", village="龙潭村", month="2021-10")
    assert z.month == "2021-10"
    assert [x.mode for x in screening.list_rounds(town, year=2021)] == ["拉网", "逐个"]
    assert [(x.village, x.month) for x in screening.list_zero_reports(town, year=2021)] == [("龙潭村", "2021-10")]
    assert screening.list_rounds(town, year=2022) == []


def test_refusals_change_nothing(town):
    screening.add_round(town, actor="刘调解", village="龙潭村", mode="专项", found=1, at=timeutil.parse_at("2021-09-01"))
    screening.zero_report(town, actor="刘调解", village="龙潭村", month="2021-8")
    refused(town, NotAllowed, "a zero report would be false", screening.zero_report, town, actor="刘调解",
            village="龙潭村", month="2021-09")
    refused(town, NotAllowed, "already reported zero", screening.zero_report, town, actor="刘调解",
            village="龙潭村", month="2021-08")
    refused(town, NotAllowed, "contradicts it", screening.add_round, town, actor="刘调解", village="龙潭村",
            mode="拉网", found=3, at=timeutil.parse_at("2021-08-20"))
    refused(town, InvalidValue, "unknown screening mode", screening.add_round, town, actor="刘调解",
            village="龙潭村", mode="抽查")
    refused(town, InvalidValue, "not a month", screening.zero_report, town, actor="刘调解", village="龙潭村",
            month="2021-13")
    refused(town, InvalidValue, "has not begun", screening.zero_report, town, actor="刘调解", village="龙潭村",
            month="2099-01")
    refused(town, InvalidValue, "negative", screening.add_round, town, actor="刘调解", village="龙潭村",
            mode="拉网", found=-1)
    refused(town, PermissionDenied, "own village", screening.add_round, town, actor="周调解", village="龙潭村",
            mode="拉网")
