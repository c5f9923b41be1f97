"""The legal clocks of the second pass, each with the exact dates a 司法所 officer would check,
on SQLite and on the live PostgreSQL server. Deadlines are compared as their last day, the
way the JSON gives them (``"2022-06-16"``). The rules and their articles: docs/legal-clocks.md."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest

from mediation import cases, deadlines, matters, petitions, report, review, timeutil
from mediation.errors import InvalidValue, NotAllowed
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


def day(dt) -> str | None:
    return timeutil.iso_deadline(dt)


def petition(db, when, *, category="request", summary="请求修缮村道", petitioner="陈建国", **kw):
    return petitions.new(db, actor="王主任", village="朱家湾村", petitioner=petitioner, category=category,
                         summary=summary, at=at(when), **kw)


def pdo(db, ref, trigger, when, note=None, actor="王主任", **values):
    return petitions.fire(db, actor=actor, petition=ref, trigger=trigger, note=note, at=at(when), values=values)


def agreed_case(db, agreed_on, agreement="written"):
    c = cases.register(db, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟", parties=["甲", "乙"],
                       at=at(agreed_on))
    for trigger, values in (("triage", {"risk": "green"}), ("start", {"mediator": "刘调解"}),
                            ("agree", {"agreement": agreement, "terms": "赔偿500元"})):
        view = cases.fire(db, actor="刘调解", case=c.number, trigger=trigger, at=at(agreed_on), values=values)
    return view


# -- petitions -------------------------------------------------------------------------------

def test_routing_is_due_15_days_after_receipt(town):
    p = petition(town, "2022-06-01")
    assert day(p.route_deadline) == day(p.deadline) == "2022-06-16"
    assert p.to_json()["route_deadline"] == "2022-06-16"


def test_a_redirect_to_a_legal_channel_needs_the_day_the_petitioner_knew(town):
    """诉访分离 (信访工作条例第31条): the channel's clock runs from when the petitioner knew of
    the act (行政复议法第20条: 60 days), which only they can say."""
    p = petition(town, "2022-06-01", category="admin_act", summary="不服镇政府责令拆除决定")
    refused(town, NotAllowed, "known_at=unknown", pdo, town, p.number, "redirect", "2022-06-02",
            channel="reconsideration")
    refused(town, NotAllowed, "decided_at is the date of a 复议 decision", pdo, town, p.number, "redirect",
            "2022-06-02", channel="reconsideration", decided_at="2022-05-30")
    view = pdo(town, p.number, "redirect", "2022-06-02", channel="reconsideration", known_at="2022-04-10")
    assert day(view.channel_deadline) == "2022-06-09" and "60日" in view.channel_law

    q = petition(town, "2022-06-01", category="admin_act", summary="不服罚款", petitioner="赵六")
    view = pdo(town, q.number, "redirect", "2022-06-02", channel="reconsideration", known_at="unknown")
    assert view.channel_deadline is None and "60日" in view.channel_law
    assert view.to_json()["channel_deadline"] is None
    r = petition(town, "2022-06-01", category="admin_act", summary="复议后仍不服", petitioner="钱七")
    view = pdo(town, r.number, "redirect", "2022-06-02", channel="litigation", decided_at="2022-05-30")
    assert day(view.channel_deadline) == "2022-06-14"  # 15 days from the 复议 decision
    s = petition(town, "2022-06-01", category="labour", summary="拖欠工资", petitioner="孙八")
    refused(town, NotAllowed, "known_at", pdo, town, s.number, "redirect", "2022-06-02", channel="arbitration")
    # a channel with no clock of its own (公安) needs no date
    t = petition(town, "2022-06-01", category="other", summary="被人殴打", petitioner="李九")
    assert pdo(town, t.number, "redirect", "2022-06-02", channel="police").channel_deadline is None


def test_the_review_window_counts_from_service_and_close_waits_for_it(town):
    """信访工作条例第35条: 复查 within 30 days of *receiving* the written answer."""
    p = petition(town, "2022-03-01")
    pdo(town, p.number, "accept", "2022-03-02")
    answered = pdo(town, p.number, "answer", "2022-04-01", opinion="not_support")
    assert answered.deadline is None and answered.served_at is None  # no last day before service
    refused(town, NotAllowed, "service is not recorded", pdo, town, p.number, "close", "2022-04-02")
    served = pdo(town, p.number, "serve", "2022-04-11")
    assert day(served.deadline) == "2022-05-11" and served.state == "answered"
    refused(town, NotAllowed, "already recorded", pdo, town, p.number, "serve", "2022-04-12")
    refused(town, NotAllowed, "may still ask for a review", pdo, town, p.number, "close", "2022-05-11")
    # the petitioner asks on the 30th day after service: in time (40 days after the answer)
    assert pdo(town, p.number, "request_review", "2022-05-11T16:00").state == "review"
    # the 复查 opinion, its service, and the 复核 window from that service
    pdo(town, p.number, "review_answer", "2022-05-20", opinion="explain")
    served = pdo(town, p.number, "serve", "2022-05-23")
    assert day(served.deadline) == "2022-06-22"
    refused(town, NotAllowed, "within 30 days", pdo, town, p.number, "request_recheck", "2022-06-23")
    closed = pdo(town, p.number, "close", "2022-06-23")
    assert closed.state == "closed"


def test_a_review_request_before_service_is_recorded_is_not_late(town):
    p = petition(town, "2022-03-01")
    pdo(town, p.number, "accept", "2022-03-02")
    pdo(town, p.number, "answer", "2022-04-01", opinion="explain")
    assert pdo(town, p.number, "request_review", "2022-05-20").state == "review"  # 49 days after the answer


def test_closing_early_needs_the_petitioners_written_waiver(town):
    p = petition(town, "2022-03-01")
    pdo(town, p.number, "accept", "2022-03-02")
    pdo(town, p.number, "answer", "2022-04-01", opinion="support")
    closed = pdo(town, p.number, "close", "2022-04-02", note="信访人书面表示放弃申请复查")
    assert closed.state == "closed"
    assert petitions.show(town, petition=p.number).history[-1].note == "信访人书面表示放弃申请复查"


def test_an_extension_is_for_the_handling_bodys_head_and_only_while_the_60_days_run(town):
    """信访工作条例第34条."""
    p = petitions.new(town, actor="刘调解", village="龙潭村", petitioner="吴大海", category="request",
                      summary="修渠", at=at("2022-03-01"))
    pdo(town, p.number, "accept", "2022-03-02", actor="刘调解")
    refused(town, NotAllowed, "a town or county user", pdo, town, p.number, "extend", "2022-04-01",
            note="需勘验", actor="刘调解")
    q = petition(town, "2022-03-01", summary="修桥")
    accepted = pdo(town, q.number, "accept", "2022-03-02")
    assert day(accepted.answer_deadline) == "2022-05-05"  # 60 days: 05-01 falls in 劳动节, rolled to 05-05
    refused(town, NotAllowed, "already run out", pdo, town, q.number, "extend", "2022-05-06", note="需勘验")
    extended = pdo(town, q.number, "extend", "2022-05-05T17:00", note="需勘验", days="30")
    assert day(extended.answer_deadline) == "2022-05-31" and extended.extended_days == 30


def test_an_intake_refusal_is_registered_and_counted(town):
    first = petition(town, "2022-03-01")
    repeat = petition(town, "2022-03-05", summary=" 请求修缮村道! ")
    assert (repeat.state, repeat.first_time, repeat.version) == ("not_accepted", False, 2)
    assert "正在办理中" in repeat.refusal and first.number in repeat.refusal
    assert day(repeat.route_deadline) == "2022-03-21"  # the written 不予受理告知: 15 days (03-20 is a Sunday)
    p = report.annual(town, year=2022).petitions
    assert (p["received"], p["not_accepted"], p["first_time"]) == (2, 1, 1)


def test_a_group_visit_names_at_most_five_representatives(town):
    five = ["甲", "乙", "丙", "丁", "戊"]
    p = petition(town, "2022-03-01", form="visit", representatives=five)
    assert p.representatives == five
    refused(town, InvalidValue, "at most 5", petition, town, "2022-03-01", summary="修桥", petitioner="李四",
            representatives=five + ["己"])
    refused(town, InvalidValue, "group visit", petition, town, "2022-03-01", summary="修桥", petitioner="李四",
            form="letter", representatives=["甲"])
    assert report.annual(town, year=2022).petitions["representatives_groups"] == 1


# -- disputes --------------------------------------------------------------------------------

def test_the_confirmation_window_rolls_past_national_day(town):
    """人民调解法第33条 + 民事诉讼法第85条: 30 days from 2021-09-01 is 10-01, a holiday: 10-08."""
    view = agreed_case(town, "2021-09-01")
    assert day(view.deadline) == "2021-10-08" and view.to_json()["deadline"] == "2021-10-08"
    assert not view.overdue  # a window that lapses is not a late step
    refused(town, NotAllowed, "by 2021-10-08", cases.fire, town, actor="刘调解", case=view.number,
            trigger="apply_confirmation", at=at("2021-10-09T08:00"))
    applied = cases.fire(town, actor="刘调解", case=view.number, trigger="apply_confirmation",
                         at=at("2021-10-08T16:00"))
    assert applied.state == "confirming"


def test_only_a_written_agreement_goes_to_judicial_confirmation(town):
    view = agreed_case(town, "2021-09-01", agreement="oral")
    assert view.deadline is None
    refused(town, NotAllowed, "only a written agreement", cases.fire, town, actor="刘调解", case=view.number,
            trigger="apply_confirmation", at=at("2021-09-02"))


def test_the_review_queue_lists_a_confirmation_window_closing_soon(town):
    horizon = timeutil.now() + review.DUE_SOON
    # the last agreement day whose window closes within the horizon (holidays may push it out)
    for back in range(29, 0, -1):
        agreed_on = timeutil.local(timeutil.now() - timedelta(days=back))
        if timeutil.now() < deadlines.due(agreed_on, cases.CONFIRMATION_WINDOW) <= horizon:
            break
    else:
        pytest.skip("no agreement day has its window closing within the next 3 days")
    soon = agreed_case(town, f"{agreed_on:%Y-%m-%d}")
    oral = agreed_case(town, f"{agreed_on:%Y-%m-%d}", agreement="oral")
    lapsed = agreed_case(town, f"{timeutil.local(timeutil.now() - timedelta(days=60)):%Y-%m-%d}")
    due = {i.number: i for i in review.queue(town, actor="王主任").due}
    assert soon.number in due and not due[soon.number].overdue
    assert oral.number not in due and lapsed.number not in due
    assert lapsed.number not in [c.number for c in cases.list_cases(town, overdue=True)]


def test_a_party_declining_mediation_is_its_own_outcome(town):
    """人民调解法第17条: no mediation without consent; 第26条: the other routes stay open."""
    c = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="x", parties=["甲", "乙"],
                       at=at("2022-03-01"))
    refused(town, NotAllowed, "note is required", cases.fire, town, actor="刘调解", case=c.number,
            trigger="decline", at=at("2022-03-02"))
    view = cases.fire(town, actor="刘调解", case=c.number, trigger="decline", note="乙方明确拒绝调解",
                      at=at("2022-03-02"))
    assert (view.state, view.outcome) == ("terminated", "declined")
    redirected = cases.fire(town, actor="刘调解", case=c.number, trigger="redirect", at=at("2022-03-03"),
                            values={"channel": "litigation", "known_at": "2022-02-20"})
    assert redirected.state == "redirected"
    d = report.annual(town, year=2022).disputes
    assert (d["declined"], d["terminated"], d["success_rate"]) == (1, 0, 0.0)


# -- 行政复议 / 行政应诉 ------------------------------------------------------------------------

def test_the_reconsideration_decision_runs_from_acceptance_and_extends_once(town):
    """行政复议法第62条: 60 days from the 复议机关's acceptance, +30 once."""
    m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服罚款", at=at("2022-02-28"),
                    accepted=at("2022-02-24"))
    answered = matters.fire(town, actor="王主任", matter=m.number, trigger="answer", at=at("2022-03-07"))
    assert day(answered.deadline) == "2022-04-25"
    refused(town, NotAllowed, "the reason for the extension is required", matters.fire, town, actor="王主任", matter=m.number,
            trigger="extend", at=at("2022-04-20"))
    extended = matters.fire(town, actor="王主任", matter=m.number, trigger="extend", at=at("2022-04-20"),
                            note="案情复杂,复议机关负责人批准延长")
    assert day(extended.deadline) == "2022-05-25" and extended.extended
    refused(town, NotAllowed, "only once", matters.fire, town, actor="王主任", matter=m.number, trigger="extend",
            at=at("2022-04-21"), note="再延")
    # without the acceptance date the decision deadline is unknown, not guessed
    n = matters.new(town, actor="王主任", kind="reconsideration", summary="不服拆除", at=at("2022-03-01"))
    assert matters.fire(town, actor="王主任", matter=n.number, trigger="answer", at=at("2022-03-08")).deadline is None
    refused(town, InvalidValue, "行政复议", matters.new, town, actor="王主任", kind="litigation", summary="x",
            accepted=at("2022-02-24"))


def test_a_decision_period_ending_on_new_year_2027_rolls_to_monday(town):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", deadlines.CalendarWarning)
        m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服处罚", at=at("2026-11-05"),
                        accepted=at("2026-11-02"))
        answered = matters.fire(town, actor="王主任", matter=m.number, trigger="answer", at=at("2026-11-10"))
    assert day(answered.deadline) == "2027-01-04"


def test_the_appeal_counts_from_service_of_the_judgment_or_ruling(town):
    """行政诉讼法第85条: 15 days from service of a judgment, 10 of a ruling; 第48条: late, with reason."""
    m = matters.new(town, actor="王主任", kind="litigation", summary="某诉镇政府", at=at("2022-01-05"))
    matters.fire(town, actor="王主任", matter=m.number, trigger="defend", at=at("2022-01-12"))
    refused(town, NotAllowed, "when the judgment or ruling was served", matters.fire, town, actor="王主任", matter=m.number,
            trigger="judge", at=at("2022-03-01"), values={"outcome": "lost"})
    judged = matters.fire(town, actor="王主任", matter=m.number, trigger="judge", at=at("2022-03-01"),
                          values={"outcome": "lost", "served_at": "2022-03-08"})
    assert day(judged.deadline) == "2022-03-23" and judged.decision_form == "judgment"
    refused(town, NotAllowed, "art 48", matters.fire, town, actor="王主任", matter=m.number, trigger="appeal",
            at=at("2022-03-24"))
    late = matters.fire(town, actor="王主任", matter=m.number, trigger="appeal", at=at("2022-03-24"),
                        note="收到判决后因疫情封控未能按期上诉,申请延长期限")
    assert late.state == "appealed"

    r = matters.new(town, actor="王主任", kind="litigation", summary="某诉镇政府(裁定)", at=at("2022-01-05"))
    matters.fire(town, actor="王主任", matter=r.number, trigger="defend", at=at("2022-01-12"))
    ruled = matters.fire(town, actor="王主任", matter=r.number, trigger="judge", at=at("2022-03-01"),
                         values={"outcome": "won", "served_at": "2022-03-08", "form": "ruling"})
    assert day(ruled.deadline) == "2022-03-18"


def test_a_redirected_dispute_tells_the_party_their_own_clock(town):
    """docs/legal-clocks.md, the channels' table: a labour dispute goes to arbitration within one
    year of knowing (劳动争议调解仲裁法第27条): known 2022-02-28, last day 2023-02-28 (Tuesday);
    a civil lawsuit on the 3-year limitation (民法典第188条): known 2022-03-31, last day
    2025-03-31 (Monday)."""
    c = cases.register(town, actor="刘调解", village="龙潭村", type="劳动争议", summary="欠薪", parties=["甲", "乙"],
                       at=at("2022-03-01"))
    refused(town, NotAllowed, "known_at=unknown", cases.fire, town, actor="刘调解", case=c.number,
            trigger="redirect", at=at("2022-03-02"), values={"channel": "arbitration"})
    labour = cases.fire(town, actor="刘调解", case=c.number, trigger="redirect", at=at("2022-03-02"),
                        values={"channel": "arbitration", "known_at": "2022-02-28"})
    assert day(labour.channel_deadline) == "2023-02-28" and "劳动争议调解仲裁法第27条" in labour.channel_law
    d = cases.register(town, actor="刘调解", village="龙潭村", type="合同", summary="货款", parties=["丙", "丁"],
                       at=at("2022-04-01"))
    civil = cases.fire(town, actor="刘调解", case=d.number, trigger="redirect", at=at("2022-04-02"),
                       values={"channel": "litigation", "known_at": "2022-03-31"})
    assert day(civil.channel_deadline) == "2025-03-31" and civil.to_json()["channel_deadline"] == "2025-03-31"


def test_the_courts_15_days_count_from_its_acceptance(town):
    """最高人民法院关于人民调解协议司法确认程序的若干规定第6条: applied 2022-06-01, accepted by the
    court 2022-06-08: 15 days end Thursday 2022-06-23 (not 06-16 from the application)."""
    view = agreed_case(town, "2022-05-20")
    confirming = cases.fire(town, actor="刘调解", case=view.number, trigger="apply_confirmation", at=at("2022-06-01"))
    assert confirming.deadline is None  # no rule counts from the application
    accepted = cases.fire(town, actor="刘调解", case=view.number, trigger="court_accept", at=at("2022-06-08"))
    assert day(accepted.deadline) == "2022-06-23" and accepted.confirmation_accepted_at is not None
    refused(town, NotAllowed, "already recorded", cases.fire, town, actor="刘调解", case=view.number,
            trigger="court_accept", at=at("2022-06-09"))
