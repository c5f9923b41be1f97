"""行政复议/行政应诉 matters and 社区矫正/安置帮教 subjects, on both databases."""

from __future__ import annotations


from mediation import matters, subjects, timeutil
from mediation.errors import InvalidValue, NotAllowed, PermissionDenied
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


def test_reconsideration_answer_in_10_working_days(town):
    m = matters.new(town, actor="王主任", kind="reconsideration", summary="李某不服罚款决定申请复议",
                    at=at("2021-09-29"))
    assert m.number == "(2021)营复字第001号" and m.state == "received"
    # 10 working days from 09-29 across National Day (make-up 10-09): ends 10-19
    assert timeutil.show_due(m.deadline) == "2021-10-19 24:00"
    refused(town, NotAllowed, "past the limit for the answer", matters.fire, town, actor="王主任", matter=m.number, trigger="answer",
            at=at("2021-10-20"))
    ans = matters.fire(town, actor="王主任", matter=m.number, trigger="answer", at=at("2021-10-18"))
    assert ans.state == "answered"
    refused(town, InvalidValue, r"unknown outcome \(复议结果\)", matters.fire, town, actor="王主任", matter=m.number,
            trigger="decide", values={"outcome": "won"})
    done = matters.fire(town, actor="王主任", matter=m.number, trigger="decide", values={"outcome": "upheld"},
                        at=at("2021-11-30"))
    assert done.state == "decided" and done.outcome == "upheld" and done.deadline is None
    assert [e.trigger for e in matters.show(town, matter=m.number).history] == ["register", "answer", "decide"]


def test_litigation_defence_judgment_and_appeal_window(town):
    m = matters.new(town, actor="王主任", kind="litigation", summary="张某诉镇政府", at=at("2021-06-03"))
    assert m.number == "(2021)营诉字第001号"
    assert timeutil.show_due(m.deadline, minutes=False) == "2021-06-18"
    matters.fire(town, actor="王主任", matter=m.number, trigger="defend", at=at("2021-06-15"))
    j = matters.fire(town, actor="王主任", matter=m.number, trigger="judge",
                     values={"outcome": "won", "served_at": "2021-09-10"}, at=at("2021-09-08"))
    # 15 days from service on 09-10 is Sat 09-25, a rest day; Sun 09-26 is a 调休 make-up workday
    assert timeutil.show_due(j.deadline, minutes=False) == "2021-09-26"
    refused(town, NotAllowed, "art 48", matters.fire, town, actor="王主任", matter=m.number, trigger="appeal",
            at=at("2021-09-28"))
    assert matters.fire(town, actor="王主任", matter=m.number, trigger="close", at=at("2021-09-28")).state == "closed"
    assert [v.number for v in matters.list_matters(town, kind="litigation", year=2021)] == [m.number]


def test_only_town_or_county_users_handle_matters(town):
    refused(town, PermissionDenied, "town or county", matters.new, town, actor="刘调解", kind="litigation",
            summary="x")
    refused(town, InvalidValue, "unknown matter kind", matters.new, town, actor="王主任", kind="appeal",
            summary="x")


def test_subject_lifecycle_and_employment_history(town):
    s = subjects.new(town, actor="刘调解", name="赵某", category="correction", village="龙潭村",
                     at=at("2021-02-01"), term_end=at("2021-12-01"))
    assert s.state == "received" and s.employment is None
    subjects.fire(town, actor="刘调解", subject=str(s.id), trigger="start", at=at("2021-02-05"))
    subjects.employment(town, actor="刘调解", subject=str(s.id), status="unemployed", at=at("2021-02-05"))
    view = subjects.employment(town, actor="刘调解", subject=str(s.id), status="自主创业", at=at("2021-05-01"))
    assert view.employment == "self_employed"
    refused(town, InvalidValue, "before", subjects.employment, town, actor="刘调解", subject=str(s.id),
            status="employed", at=at("2021-04-01"))
    refused(town, NotAllowed, "reason", subjects.fire, town, actor="刘调解", subject=str(s.id), trigger="terminate")
    refused(town, PermissionDenied, "own village", subjects.fire, town, actor="周调解", subject=str(s.id),
            trigger="release")
    ended = subjects.fire(town, actor="刘调解", subject=str(s.id), trigger="release", at=at("2021-12-01"))
    assert ended.state == "released" and ended.ended_at is not None
    refused(town, NotAllowed, "supervision has ended", subjects.employment, town, actor="刘调解", subject=str(s.id),
            status="employed")
    shown = subjects.show(town, subject=str(s.id))
    assert [j.status for j in shown.employment_history] == ["unemployed", "self_employed"]
    assert [e.trigger for e in shown.history] == ["register", "start", "employment", "employment", "release"]
    assert shown.version == len(shown.history)  # every change, employment too, is one audit event


def test_subject_refusals(town):
    refused(town, InvalidValue, "unknown subject category", subjects.new, town, actor="王主任", name="x",
            category="parole")
    refused(town, InvalidValue, "named by its id", subjects.show, town, subject="赵某")
    s = subjects.new(town, actor="王主任", name="钱某", category="resettlement", released=at("2022-01-01"))
    refused(town, InvalidValue, "unknown employment status", subjects.employment, town, actor="王主任",
            subject=str(s.id), status="retired")
    refused(town, PermissionDenied, "own village", subjects.employment, town, actor="刘调解", subject=str(s.id),
            status="employed")


def test_subject_terms(town):
    c = subjects.new(town, actor="王主任", name="甲", category="correction", at=at("2021-01-05"),
                     term_end=at("2021-07-05"))
    assert c.term_over and timeutil.show(c.term_end, minutes=False) == "2021-07-05"
    r = subjects.new(town, actor="王主任", name="乙", category="resettlement", at=at("2021-03-01"),
                     released=at("2020-02-29"))
    assert timeutil.show(r.term_end, minutes=False) == "2025-02-28"  # five years on, no 29 February
    refused(town, InvalidValue, "five years", subjects.new, town, actor="王主任", name="丙",
            category="resettlement", at=at("2021-03-01"), released=at("2015-01-01"))
    refused(town, InvalidValue, "for resettlement", subjects.new, town, actor="王主任", name="丁",
            category="correction", released=at("2020-01-01"))
