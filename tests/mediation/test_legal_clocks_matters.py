"""行政复议 and 行政应诉, third pass: each rule with dates worked out by hand from the statute
(docs/legal-clocks.md, "行政复议 and 行政应诉 against the town", the row named in each test).
Deadlines are compared as their last day, the way the JSON gives them."""

from __future__ import annotations

from mediation import matters, timeutil
from mediation.errors import InvalidValue, NotAllowed
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


def day(dt) -> str | None:
    return timeutil.iso_deadline(dt)


def mdo(db, ref, trigger, when, note=None, **values):
    return matters.fire(db, actor="王主任", matter=ref, trigger=trigger, note=note, at=at(when), values=values)


def test_a_decision_period_is_extended_only_while_it_runs_and_by_at_most_30_days(town):
    """Row "The 复议机关's decision" and "Extension": 行政复议法第62条. Accepted 2026-01-04: the 60
    days are Jan 5-31 (27), Feb (28), Mar 1-5 (5): last day Thursday 2026-03-05."""
    m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服罚款", at=at("2026-01-05"),
                    accepted=at("2026-01-04"))
    answered = mdo(town, m.number, "answer", "2026-01-10")
    assert day(answered.deadline) == "2026-03-05"
    # 46 days after the period ended: refused, nothing written.
    refused(town, NotAllowed, "ended on 2026-03-05", mdo, town, m.number, "extend", "2026-04-20", note="复杂")
    refused(town, NotAllowed, "1 to 30 days", mdo, town, m.number, "extend", "2026-03-01", note="复杂", days=31)
    refused(town, NotAllowed, "1 to 30 days", mdo, town, m.number, "extend", "2026-03-01", note="复杂", days=0)
    assert matters.show(town, matter=m.number).version == answered.version
    # On the last day it may still be extended; by 20 days: 80 days from Jan 4 is Wednesday 2026-03-25.
    extended = mdo(town, m.number, "extend", "2026-03-05", note="案情复杂,复议机关负责人批准延长20日", days=20)
    assert day(extended.deadline) == "2026-03-25" and extended.extension_days == 20
    refused(town, NotAllowed, "only once", mdo, town, m.number, "extend", "2026-03-06", note="再延", days=5)


def test_an_extension_needs_the_acceptance_day_which_a_correction_can_give(town):
    """Without the acceptance the period is unknown: no extension until the day is recorded."""
    m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服拆除", at=at("2026-01-05"))
    mdo(town, m.number, "answer", "2026-01-10")
    refused(town, NotAllowed, "unknown without the day", mdo, town, m.number, "extend", "2026-02-01", note="复杂")
    refused(town, InvalidValue, "cannot come after", matters.amend, town, actor="王主任", matter=m.number,
            note="补录", accepted=at("2026-01-06"))
    fixed = matters.amend(town, actor="王主任", matter=m.number, note="补录复议机关受理日期", accepted=at("2026-01-04"))
    assert day(fixed.deadline) == "2026-03-05" and fixed.history is None
    said = matters.show(town, matter=m.number).history[-1]
    assert said.trigger == "amend" and said.values["accepted_at"] == {"old": None, "new": "2026-01-04"}
    # 90 days from Jan 4 end on Saturday April 4, in the 清明 holiday (April 4-6): rolled to Tuesday April 7.
    assert day(mdo(town, m.number, "extend", "2026-02-01", note="复杂").deadline) == "2026-04-07"


def test_the_second_instance_is_final(town):
    """Row "Appeal" and "两审终审": 行政诉讼法第7、85条. Served 2026-07-06: 15 days, last day
    Tuesday 2026-07-21; after the appeal, the second judgment opens no clock and takes no appeal."""
    m = matters.new(town, actor="王主任", kind="litigation", summary="某诉镇政府", at=at("2026-06-01"))
    mdo(town, m.number, "defend", "2026-06-10")
    first = mdo(town, m.number, "judge", "2026-07-01", outcome="lost", served_at="2026-07-06")
    assert day(first.deadline) == "2026-07-21" and first.instance == 1
    mdo(town, m.number, "appeal", "2026-07-15")
    second = mdo(town, m.number, "judge", "2026-10-12", outcome="won", served_at="2026-10-15")
    assert second.instance == 2 and second.deadline is None
    refused(town, NotAllowed, "两审终审", mdo, town, m.number, "appeal", "2026-10-20")
    assert mdo(town, m.number, "close", "2026-10-16").state == "closed"


def test_a_judgment_is_closed_before_the_appeal_period_ends_only_with_a_reason(town):
    """Row "Closing before the judgment is final": served Friday 2026-10-23, the 15th day is
    Saturday 2026-11-07, rolled to Monday 2026-11-09 (民事诉讼法第85条 as applied by 行政诉讼法第101条)."""
    m = matters.new(town, actor="王主任", kind="litigation", summary="某诉镇政府", at=at("2026-09-01"))
    mdo(town, m.number, "defend", "2026-09-10")
    judged = mdo(town, m.number, "judge", "2026-10-20", outcome="won", served_at="2026-10-23")
    assert day(judged.deadline) == "2026-11-09"
    refused(town, NotAllowed, "not final until the appeal period ends on 2026-11-09", mdo, town, m.number, "close",
            "2026-11-08")
    assert mdo(town, m.number, "close", "2026-11-10").state == "closed"
    n = matters.new(town, actor="王主任", kind="litigation", summary="另案", at=at("2026-09-01"))
    mdo(town, n.number, "defend", "2026-09-10")
    mdo(town, n.number, "judge", "2026-10-20", outcome="won", served_at="2026-10-23")
    assert mdo(town, n.number, "close", "2026-10-26", note="原告书面表示不上诉").state == "closed"


def test_a_judgment_is_not_served_before_it_is_given(town):
    """Row "Appeal": the period counts from service, which follows the judgment."""
    m = matters.new(town, actor="王主任", kind="litigation", summary="某诉镇政府", at=at("2026-06-01"))
    mdo(town, m.number, "defend", "2026-06-10")
    refused(town, NotAllowed, r"cannot come before the judgment or ruling it serves \(2026-09-17\)", mdo, town, m.number,
            "judge", "2026-09-17", outcome="lost", served_at="2026-09-01")
    same_day = mdo(town, m.number, "judge", "2026-09-17", outcome="lost", served_at="2026-09-17")
    # Sep 17 + 15 = Friday Oct 2, in the National Day holiday (Oct 1-7, 2026 notice): Thursday Oct 8.
    assert day(same_day.deadline) == "2026-10-08"


def test_the_towns_answer_counts_a_working_sunday(town):
    """Row "The town's written answer … 10 working days" (行政复议法第48条): the copy received
    Monday 2026-09-14; Sunday 09-20 is a working day by the 2026 notice (国庆 调休) and Friday
    09-25 is 中秋: the working days are 15-18, 20, 21-24 and 28, so the tenth is Monday
    2026-09-28 (without the working Sunday, Tuesday 09-29)."""
    m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服罚款", at=at("2026-09-14"),
                    accepted=at("2026-09-10"))
    assert day(m.deadline) == "2026-09-28"
    refused(town, NotAllowed, "past the limit for the answer", mdo, town, m.number, "answer", "2026-09-29")
