"""The written notice of 不予受理 (信访工作条例第22条; docs/legal-clocks.md, "信访", the row "A
refusal … the written 不予受理告知 is due"): due within the 15 days of routing, counted from
receipt; recorded with ``notify``; overdue and in the review queue until then. Dates by hand."""

from __future__ import annotations

from mediation import petitions, review, timeutil
from mediation.errors import NotAllowed
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


def day(dt) -> str | None:
    return timeutil.iso_deadline(dt)


def petition(db, when, summary="请求修缮村道", petitioner="陈建国"):
    return petitions.new(db, actor="王主任", village="朱家湾村", petitioner=petitioner, category="request",
                         summary=summary, at=at(when))


def pdo(db, ref, trigger, when, note=None, **values):
    return petitions.fire(db, actor="王主任", petition=ref, trigger=trigger, note=note, at=at(when), values=values)


def test_a_refusal_owes_its_written_notice_within_15_days_of_receipt(town):
    # Received Friday 2026-03-06: the 15th day is Saturday 03-21, rolled to Monday 2026-03-23.
    p = petition(town, "2026-03-06")
    rejected = pdo(town, p.number, "reject", "2026-03-10", note="不属于本机关职权范围")
    assert rejected.state == "not_accepted" and day(rejected.deadline) == "2026-03-23"
    assert rejected.overdue  # (today is long after)
    assert p.number in [x.number for x in petitions.list_petitions(town, overdue=True)]
    assert p.number in [i.number for i in review.queue(town, actor="王主任").due]
    # Late: recorded only with the reason; once served the clock stops.
    refused(town, NotAllowed, "past its 15 days", pdo, town, p.number, "notify", "2026-03-24")
    served = pdo(town, p.number, "notify", "2026-03-24", note="信访人外出务工,邮寄退回后重新送达")
    assert served.deadline is None and not served.overdue and day(served.notified_at) is not None
    assert p.number not in [x.number for x in petitions.list_petitions(town, overdue=True)]
    assert p.number not in [i.number for i in review.queue(town, actor="王主任").due]
    refused(town, NotAllowed, "already recorded", pdo, town, p.number, "notify", "2026-03-25")
    # Undone, it is owed again.
    again = petitions.undo(town, actor="王主任", petition=p.number, note="送达登记有误")
    assert again.notified_at is None and day(again.deadline) == "2026-03-23"


def test_an_intake_refusal_owes_the_notice_too(town):
    first = petition(town, "2026-05-11")
    pdo(town, first.number, "accept", "2026-05-12")
    # Received Monday 2026-06-01: 15 days end Tuesday 2026-06-16.
    repeat = petition(town, "2026-06-01", summary="请求修缮村道!")
    assert repeat.state == "not_accepted" and day(repeat.deadline) == "2026-06-16"
    assert pdo(town, repeat.number, "notify", "2026-06-05").deadline is None


def test_a_redirect_never_announces_a_date_already_past(town):
    """Row "行政复议" of the channels (行政复议法第20条): known 2026-06-01, the 60 days end Friday
    2026-07-31; redirected 2026-11-02, the petitioner is told the period has run and what
    remains (第20条第2、3款), and the step records it."""
    p = petitions.new(town, actor="王主任", village="朱家湾村", petitioner="赵某", category="admin_act",
                      summary="不服罚款", at=at("2026-10-28"))
    late = pdo(town, p.number, "redirect", "2026-11-02", channel="reconsideration", known_at="2026-06-01")
    assert day(late.channel_deadline) == "2026-07-31" and late.channel_lapsed
    assert late.channel_remedy.startswith("行政复议法第20条") and "一年" in late.channel_remedy
    assert petitions.show(town, petition=p.number).history[-1].values.get("lapsed") is True
    q = petitions.new(town, actor="王主任", village="朱家湾村", petitioner="钱某", category="admin_act",
                      summary="不服处罚", at=at("2026-10-28"))
    told = pdo(town, q.number, "redirect", "2026-11-02", channel="reconsideration", known_at="2026-10-20")
    assert not told.channel_lapsed and told.channel_remedy is None
    assert told.to_json()["channel_lapsed"] is False


def test_what_the_petitioner_knew_comes_before_the_redirect(town):
    """Item 8: a day that belongs to a step cannot come after it."""
    p = petitions.new(town, actor="王主任", village="朱家湾村", petitioner="孙某", category="admin_act",
                      summary="不服处罚", at=at("2026-10-28"))
    refused(town, NotAllowed, r"known_at \(2026-11-05\) cannot come after", pdo, town, p.number, "redirect",
            "2026-11-02", channel="reconsideration", known_at="2026-11-05")
