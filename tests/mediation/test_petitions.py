"""Petitions and the review queue, on SQLite and on the live PostgreSQL server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mediation import cases, petitions, review, timeutil
from mediation.errors import InvalidValue, NotAllowed, PermissionDenied
from tests.conftest import refused

ID_OK = "11010519491231002X"


def at(text):
    return timeutil.parse_at(text)


def days_ago(n: int, hour: int = 10):
    d = timeutil.local(timeutil.now()) - timedelta(days=n)
    return at(f"{d:%Y-%m-%d}T{hour:02d}:00")


def new(db, *, actor="王主任", village="朱家湾村", petitioner="陈建国", category="labour",
        summary="包工头拖欠工资三个月", when="2021-05-10", **kw):
    return petitions.new(db, actor=actor, village=village, petitioner=petitioner, category=category,
                         summary=summary, at=at(when) if isinstance(when, str) else when, **kw)


def do(db, ref, trigger, when, note=None, actor="王主任", **values):
    return petitions.fire(db, actor=actor, petition=ref, trigger=trigger, note=note,
                          at=at(when) if isinstance(when, str) else when, values=values)


def test_intake_numbers_and_deadlines(town):
    p = new(town)
    assert p.number == "(2021)营信字第001号" and p.state == "received" and p.first_time
    # 15 days from 2021-05-10 is Tue 05-25: due at the end of that day
    assert timeutil.iso(p.route_deadline) == "2021-05-26T00:00:00+08:00"


def test_redirect_records_the_channel_and_its_own_clock(town):
    p = new(town, category="admin_act", summary="不服镇政府罚款决定")
    view = do(town, p.number, "redirect", "2021-05-12", channel="reconsideration", known_at="2021-05-01")
    assert view.state == "redirected" and view.channel == "reconsideration"
    # 60 days from 2021-05-01 is 06-30 (Wed)
    assert timeutil.show_due(view.channel_deadline, minutes=False) == "2021-06-30"
    assert "60" in view.channel_law
    q = new(town, petitioner="赵六", category="admin_act", summary="复议后仍不服")
    view = do(town, q.number, "redirect", "2021-05-12", channel="litigation", decided_at="2021-05-11")
    assert timeutil.show_due(view.channel_deadline, minutes=False) == "2021-05-26"  # 15 days after the decision


def test_full_course_accept_extend_answer_review_recheck_and_closed_for_good(town):
    p = new(town, category="request", summary="请求修缮村道")
    do(town, p.number, "accept", "2021-05-11")
    view = do(town, p.number, "extend", "2021-06-20", note="需多部门会商", days="30")
    assert view.extended_days == 30
    assert timeutil.show_due(view.answer_deadline) == "2021-08-09 24:00"  # 90 days from 05-11: 08-09 (Mon)
    refused(town, NotAllowed, "only once", do, town, p.number, "extend", "2021-06-21", note="再延", days="5")
    do(town, p.number, "answer", "2021-07-01", opinion="not_support")
    refused(town, NotAllowed, "follows a review", do, town, p.number, "request_recheck", "2021-07-02")
    do(town, p.number, "request_review", "2021-07-30")
    do(town, p.number, "review_answer", "2021-08-15", opinion="explain")
    refused(town, NotAllowed, "already reviewed", do, town, p.number, "request_review", "2021-08-16")
    do(town, p.number, "request_recheck", "2021-09-10")
    final = do(town, p.number, "recheck_answer", "2021-10-08", opinion="explain")
    assert final.state == "closed" and final.final
    again = new(town, category="request", summary="请求修缮村道", when="2022-01-05")
    assert again.state == "not_accepted" and "已经复核终结" in again.refusal and not again.first_time
    history = petitions.show(town, petition=p.number).history
    assert [e.trigger for e in history][-1] == "recheck_answer" and len(history) == final.version


def test_review_must_be_asked_within_30_days_of_the_answers_service(town):
    p = new(town, category="request", summary="请求安装路灯")
    do(town, p.number, "accept", "2021-05-11")
    do(town, p.number, "answer", "2021-05-28", opinion="explain")
    assert do(town, p.number, "serve", "2021-06-01").deadline is not None
    # 30 days from service on 06-01 is 07-01 (Thu): day 31 is refused
    refused(town, NotAllowed, "within 30 days", do, town, p.number, "request_review", "2021-07-02T09:00")
    refused(town, NotAllowed, "within 30 days", do, town, p.number, "request_review", "2021-07-02")  # day 31
    assert do(town, p.number, "request_review", "2021-07-01T17:00").state == "review"


def test_routing_after_15_days_needs_a_reason(town):
    p = new(town)
    refused(town, NotAllowed, "15-day limit", do, town, p.number, "accept", "2021-06-01")
    assert do(town, p.number, "accept", "2021-06-01", note="信访人补充材料后受理").state == "handling"


def test_bad_routing_input_is_refused_and_changes_nothing(town):
    p = new(town)
    refused(town, NotAllowed, "legal channel", do, town, p.number, "redirect", "2021-05-11")
    refused(town, InvalidValue, r"unknown channel \(法定途径\)", do, town, p.number, "redirect", "2021-05-11", channel="court")
    refused(town, NotAllowed, "transferred to", do, town, p.number, "transfer", "2021-05-11")
    refused(town, NotAllowed, "reason is required", do, town, p.number, "reject", "2021-05-11")
    refused(town, NotAllowed, "not allowed in state received", do, town, p.number, "answer", "2021-05-11",
            opinion="support")
    refused(town, InvalidValue, "unknown petition category", new, town, category="gossip")
    do(town, p.number, "accept", "2021-05-11")
    refused(town, NotAllowed, "1 to 30 days", do, town, p.number, "extend", "2021-05-12", note="x", days="31")


def test_intake_refusals_same_matter_and_skipped_levels(town):
    """不予受理 at intake is recorded, not lost: state not_accepted, the reason, a reject step."""
    new(town, petitioner=f"陈建国,{ID_OK}")
    repeat = new(town, petitioner="陈建国", summary="包工头 拖欠工资三个月!", when="2021-05-11")
    assert repeat.state == "not_accepted" and "正在办理中" in repeat.refusal
    assert not repeat.first_time and repeat.deadline == repeat.route_deadline
    assert timeutil.show_due(repeat.deadline) == "2021-05-26 24:00"  # the written notice: 15 days
    history = petitions.show(town, petition=repeat.number).history
    assert [(e.trigger, e.to) for e in history] == [("receive", "received"), ("reject", "not_accepted")]
    assert history[1].note == repeat.refusal and repeat.version == 2
    skipped = new(town, petitioner="孙秀英", category="civil", summary="宅基地纠纷", level="county", form="visit")
    assert skipped.state == "not_accepted" and "越级走访" in skipped.refusal
    # a letter to the county is not a visit: 逐级走访 concerns visits (and a refused petition does
    # not block the next one, though it was the first on the matter: this one is not 初信)
    letter = new(town, petitioner="孙秀英", category="civil", summary="宅基地纠纷", level="county", form="letter")
    assert letter.state == "received" and not letter.first_time


def test_first_time_flag_and_order(town):
    a = new(town, petitioner="吴大海", category="request", summary="请求修路")
    do(town, a.number, "transfer", "2021-05-11", to="县交通局")
    b = new(town, petitioner="吴大海", category="request", summary="请求修路", when="2021-06-01")
    c = new(town, petitioner="郑七", category="request", summary="请求修桥", when="2021-06-02")
    assert not b.first_time and c.first_time
    listed = [p.number for p in petitions.list_petitions(town)]
    assert listed == [a.number, c.number, b.number]  # first-time petitions first, then by receipt


def test_a_mediator_acts_only_in_their_village(town):
    refused(town, PermissionDenied, "own village", new, town, actor="刘调解", village="朱家湾村")
    p = new(town, actor="周调解")
    refused(town, PermissionDenied, "own village", do, town, p.number, "accept", "2021-05-11", actor="刘调解")


def test_petition_starts_a_linked_case_and_both_show_the_link(town):
    p = new(town, actor="刘调解", village="龙潭村", petitioner="孙秀英", category="civil", summary="邻居排水沟堵塞")
    refused(town, NotAllowed, "accept the petition", cases.register, town, actor="刘调解", village="龙潭村",
            type="邻里", summary="排水沟", parties=["孙秀英", "吴大海"], at=at("2021-05-11"), petition=p.number)
    do(town, p.number, "accept", "2021-05-11", actor="刘调解")
    c = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟",
                       parties=["孙秀英", "吴大海"], at=at("2021-05-12"), petition=p.number)
    assert c.source == "petition" and c.petitions == [p.number]
    assert petitions.show(town, petition=p.number).linked_case == c.number
    # and the other way: a petition about an existing case
    q = new(town, actor="刘调解", village="龙潭村", petitioner="吴大海", category="civil",
            summary="对调解结果不满", case=c.number, when="2021-06-01")
    assert q.linked_case == c.number
    assert cases.show(town, case=c.number).petitions == [p.number, q.number]


def test_overdue_petitions(town):
    late = new(town)
    fresh = new(town, petitioner="郑七", summary="请求修桥", category="request", when=days_ago(0, hour=0))
    assert [p.id for p in petitions.list_petitions(town, overdue=True)] == [late.id]
    assert fresh.deadline > timeutil.now()


def test_review_queue_contents_and_order(town):
    from mediation import admin
    admin.add_user(town, actor="王主任", name="孙书记", role="town")
    # an escalation awaiting the town, requested 2 days ago
    esc = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟",
                         parties=["甲", "乙"], at=days_ago(4))
    for trigger, values, note in (("triage", {"risk": "yellow"}, None), ("start", {"mediator": "刘调解"}, None),
                                  ("request_escalation", {}, "需司法所参与")):
        cases.fire(town, actor="刘调解", case=esc.number, trigger=trigger, values=values, note=note, at=days_ago(2))
    red = cases.register(town, actor="刘调解", village="龙潭村", type="征地拆迁", summary="多户阻工",
                         parties=["甲", "乙", "丙", "丁", "戊"], risk="red", at=days_ago(0, hour=0))
    overdue = cases.register(town, actor="周调解", village="朱家湾村", type="合同", summary="欠款",
                             parties=["甲", "乙"], at=days_ago(10))
    soon = new(town, petitioner="郑七", category="request", summary="请求修桥", when=days_ago(14))
    later = new(town, petitioner="冯八", category="request", summary="请求修渠", when=days_ago(1))
    q = review.queue(town, actor="孙书记")
    assert [i.number for i in q.escalations] == [esc.number]
    assert q.escalations[0].since is not None and "需司法所参与" in q.escalations[0].detail
    assert [i.number for i in q.red_risk] == [red.number]
    due = [i.number for i in q.due]
    assert due[0] == overdue.number and soon.number in due and later.number not in due
    assert due == sorted(due, key=lambda n: next(i.deadline for i in q.due if i.number == n))
    assert [i.number for i in q.new_petitions] == [soon.number, later.number]
    data = q.to_json()
    assert set(data) >= {"escalations", "red_risk", "due"}
    assert all({"kind", "id", "number", "deadline"} <= set(i) for items in data.values() for i in items)
    # a 行政复议 answer due within 3 days is in the queue as a matter; a defence due in 13 days is not
    from mediation import matters
    m = matters.new(town, actor="孙书记", kind="reconsideration", summary="不服罚款", at=days_ago(12))
    matters.new(town, actor="孙书记", kind="litigation", summary="已答辩", at=days_ago(2))
    items = [(i.kind, i.number) for i in review.queue(town, actor="孙书记").due]
    assert ("matter", m.number) in items and [k for k, _ in items].count("matter") == 1
    # the county sees no 1→2 escalation; a mediator has no queue
    assert review.queue(town, actor="县矛调").escalations == []
    with pytest.raises(PermissionDenied):
        review.queue(town, actor="刘调解")
    # decide from the queue
    assert review.decide(town, actor="孙书记", case=esc.number, approve=True).line == 2
    assert review.queue(town, actor="孙书记").escalations == []
