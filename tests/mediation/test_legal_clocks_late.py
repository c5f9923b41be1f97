"""Late steps leave a mark (docs/legal-clocks.md, "Late steps"): a step taken after the deadline
it was for needs the reason, its event says ``late``, and the year's report counts them. Dates
by hand from the statutes."""

from __future__ import annotations

from mediation import matters, petitions, report, timeutil
from mediation.errors import NotAllowed
from tests.conftest import refused


def at(text):
    return timeutil.parse_at(text)


def day(dt) -> str | None:
    return timeutil.iso_deadline(dt)


def test_a_petition_answered_late_needs_the_reason_and_is_marked(town):
    """信访工作条例第32条: accepted Tuesday 2026-01-06, 60 days end Saturday 03-07, rolled to
    Monday 2026-03-09; answered 34 days later."""
    p = petitions.new(town, actor="王主任", village="朱家湾村", petitioner="陈建国", category="request",
                      summary="修路", at=at("2026-01-05"))
    handling = petitions.fire(town, actor="王主任", petition=p.number, trigger="accept", at=at("2026-01-06"))
    assert day(handling.deadline) == "2026-03-09"
    refused(town, NotAllowed, "late, its deadline was 2026-03-09", petitions.fire, town, actor="王主任",
            petition=p.number, trigger="answer", at=at("2026-04-12"), values={"opinion": "support"})
    answered = petitions.fire(town, actor="王主任", petition=p.number, trigger="answer", at=at("2026-04-12"),
                              values={"opinion": "support"}, note="涉及多部门协调")
    shown = petitions.show(town, petition=answered.number)
    assert [e.late for e in shown.history] == [False, False, True]
    assert shown.history[-1].to_json()["late"] is True
    # On time: no mark, no note needed.
    q = petitions.new(town, actor="王主任", village="朱家湾村", petitioner="李四", category="request",
                      summary="路灯", at=at("2026-01-05"))
    petitions.fire(town, actor="王主任", petition=q.number, trigger="accept", at=at("2026-01-06"))
    on_time = petitions.fire(town, actor="王主任", petition=q.number, trigger="answer", at=at("2026-03-09"),
                             values={"opinion": "explain"})
    assert not petitions.show(town, petition=on_time.number).history[-1].late
    assert report.annual(town, year=2026).late_steps == {"petitions": 1, "reconsideration": 0, "litigation": 0}


def test_a_reconsideration_decided_late_is_marked_and_the_applicant_may_sue(town):
    """行政复议法第62条: accepted 2026-01-04, decision due 2026-03-05; decided two months late.
    行政诉讼法第45条: undecided past its period, the applicant may sue within 15 days of its end —
    accepted 2026-08-03, the 60 days end Friday 10-02 in the National Day holiday (Oct 1-7), so
    Thursday 10-08; 15 days from it: Friday 2026-10-23."""
    m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服罚款", at=at("2026-01-05"),
                    accepted=at("2026-01-04"))
    matters.fire(town, actor="王主任", matter=m.number, trigger="answer", at=at("2026-01-10"))
    refused(town, NotAllowed, "late, its deadline was 2026-03-05", matters.fire, town, actor="王主任",
            matter=m.number, trigger="decide", at=at("2026-05-05"), values={"outcome": "upheld"})
    decided = matters.fire(town, actor="王主任", matter=m.number, trigger="decide", at=at("2026-05-05"),
                           values={"outcome": "upheld"}, note="复议机关逾期作出决定")
    assert matters.show(town, matter=decided.number).history[-1].late and decided.sue_by is None
    n = matters.new(town, actor="王主任", kind="reconsideration", summary="不服拆除", at=at("2026-08-05"),
                    accepted=at("2026-08-03"))
    waiting = matters.fire(town, actor="王主任", matter=n.number, trigger="answer", at=at("2026-08-10"))
    assert day(waiting.deadline) == "2026-10-08" and waiting.overdue
    assert day(waiting.sue_by) == "2026-10-23" and waiting.to_json()["sue_by"] == "2026-10-23"
    assert report.annual(town, year=2026).late_steps["reconsideration"] == 1
