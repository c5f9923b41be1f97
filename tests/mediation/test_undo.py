"""Undo on SQLite and PostgreSQL: the last step is taken back by a compensating event, the
record's values return, the step is kept and marked undone, no count sees it (checked against
the independent counts of report_check), and the trail still verifies."""

from __future__ import annotations

from datetime import date

from mediation import audit, cases, matters, petitions, report, timeutil
from mediation.errors import NotAllowed, PermissionDenied
from tests.conftest import refused
from tests.mediation.report_check import compare, expected


def at(text):
    return timeutil.parse_at(text)


def _case(db, steps):
    v = cases.register(db, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟", parties=["甲", "乙"],
                       at=at("2022-03-01"))
    for who, trigger, day, note, values in steps:
        cases.fire(db, actor=who, case=v.number, trigger=trigger, note=note, at=at(day), values=values)
    return v.number


TO_AGREED = [("刘调解", "triage", "2022-03-01", None, {"risk": "yellow"}),
             ("刘调解", "start", "2022-03-02", None, {"mediator": "刘调解"}),
             ("刘调解", "agree", "2022-03-05", None, {"agreement": "written", "terms": "赔偿", "amount": "800"})]


def test_undo_puts_the_values_back_and_no_count_sees_the_step(town):
    number = _case(town, TO_AGREED)
    before = cases.show(town, case=number)
    assert before.state == "agreed" and before.amount == "800.00"
    resolved = report.annual(town, year=2022, as_of=date(2022, 12, 31)).disputes["resolved"]
    assert resolved == 1

    view = cases.undo(town, actor="刘调解", case=number, note="协议尚未签字,误录")
    assert (view.state, view.agreement, view.amount, view.outcome) == ("mediating", None, None, None)
    assert view.deadline is not None and view.version == before.version + 1
    history = cases.show(town, case=number).history
    assert [(e.trigger, e.undone) for e in history][-2:] == [("agree", True), ("undo", False)]
    assert history[-1].values == {"undoes": 4, "step": "agree"}

    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    assert r["disputes"]["resolved"] == 0 and r["disputes"]["agreements"]["amount"] == "0.00"
    compare(r, expected(town, 2022, date(2022, 12, 31)))
    assert audit.verify(town).ok
    # the right step entered again, back-dated to the day it happened
    again = cases.fire(town, actor="刘调解", case=number, trigger="agree", at=at("2022-03-05"),
                       values={"agreement": "oral"})
    assert again.state == "agreed" and again.agreement == "oral"
    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    assert r["disputes"]["agreements"] == {"written": 0, "oral": 1, "amount": "0.00"}
    compare(r, expected(town, 2022, date(2022, 12, 31)))


def test_what_cannot_be_undone(town):
    number = _case(town, TO_AGREED[:1])
    refused(town, NotAllowed, "say why", cases.undo, town, actor="刘调解", case=number, note=" ")
    cases.undo(town, actor="王主任", case=number, note="研判有误")  # an office user may
    # the registration itself is not a step to undo, and an undo is not undone
    refused(town, NotAllowed, "cannot be undone", cases.undo, town, actor="刘调解", case=number, note="再撤")
    other = _case(town, TO_AGREED[:2])
    from mediation import admin
    admin.add_user(town, actor="王主任", name="龙潭二调解", role="mediator", village="龙潭村")
    refused(town, PermissionDenied, "who took the step", cases.undo, town, actor="龙潭二调解", case=other,
            note="不是我做的")
    refused(town, PermissionDenied, "own village", cases.undo, town, actor="周调解", case=other, note="x")


def test_petitions_and_matters_undo_too(town):
    p = petitions.new(town, actor="王主任", village="龙潭村", petitioner="甲", category="admin_act", summary="不服罚款",
                      at=at("2022-06-01"))
    petitions.fire(town, actor="王主任", petition=p.number, trigger="redirect", at=at("2022-06-02"),
                   values={"channel": "reconsideration", "known_at": "2022-04-10"})
    view = petitions.undo(town, actor="王主任", petition=p.number, note="应先受理")
    assert (view.state, view.channel, view.channel_deadline) == ("received", None, None)
    assert timeutil.iso_deadline(view.deadline) == "2022-06-16"
    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    assert sum(r["petitions"]["redirected"].values()) == 0
    compare(r, expected(town, 2022, date(2022, 12, 31)))

    m = matters.new(town, actor="王主任", kind="reconsideration", summary="不服处罚", at=at("2022-02-28"),
                    accepted=at("2022-02-24"))
    matters.fire(town, actor="王主任", matter=m.number, trigger="answer", at=at("2022-03-07"))
    extended = matters.fire(town, actor="王主任", matter=m.number, trigger="extend", at=at("2022-04-20"),
                            note="复议机关批准延长")
    assert timeutil.iso_deadline(extended.deadline) == "2022-05-25"
    back = matters.undo(town, actor="王主任", matter=m.number, note="延长通知尚未收到")
    assert not back.extended and timeutil.iso_deadline(back.deadline) == "2022-04-25"
    assert audit.verify(town).ok


def test_a_voided_registration_is_kept_shown_and_in_no_count(town):
    kept = _case(town, TO_AGREED)
    duplicate = _case(town, TO_AGREED)
    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    assert (r["disputes"]["registered"], r["disputes"]["resolved"]) == (2, 2)
    refused(town, PermissionDenied, "town or county", cases.void, town, actor="刘调解", case=duplicate, note="重复")
    refused(town, NotAllowed, "say why", cases.void, town, actor="王主任", case=duplicate, note="")
    view = cases.void(town, actor="王主任", case=duplicate, note=f"与{kept}重复登记")
    assert (view.state, view.state_label, view.outcome, view.deadline) == ("void", "已作废", "void", None)
    history = cases.show(town, case=duplicate).history
    assert all(e.undone for e in history[:-1]) and history[-1].trigger == "void"
    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    assert (r["disputes"]["registered"], r["disputes"]["resolved"], r["disputes"]["open"]) == (1, 1, 1)
    assert r["disputes"]["agreements"]["amount"] == "800.00"
    compare(r, expected(town, 2022, date(2022, 12, 31)))
    assert audit.verify(town).ok
    # the number is not given again, and a void is final
    assert _case(town, []).endswith("第003号")
    refused(town, NotAllowed, "already void", cases.void, town, actor="王主任", case=duplicate, note="再次")
    refused(town, NotAllowed, "cannot be undone", cases.undo, town, actor="王主任", case=duplicate, note="撤销作废")
    refused(town, NotAllowed, "no step follows a voided registration", cases.fire, town, actor="王主任", case=duplicate,
            trigger="reopen", note="x")
