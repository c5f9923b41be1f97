"""Case services on SQLite and on the live PostgreSQL server."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from mediation import cases, records, timeutil
from mediation.errors import (ConcurrentChange, InvalidValue, NotAllowed, NotFound, PermissionDenied)
from mediation.models import Case, CaseEvent
from tests.conftest import refused, snapshot

ID_OK = "11010519491231002X"
ID_BAD = "110105194912310021"


def at(text):
    return timeutil.parse_at(text)


def new_case(db, *, actor="刘调解", village="龙潭村", when="2021-03-02", **kw):
    args = dict(type="邻里", summary="排水沟堵塞互相指责", parties=[f"孙秀英,{ID_OK},13812345678", "吴大海"])
    args.update(kw)
    return cases.register(db, actor=actor, village=village, at=at(when), **args)


def walk(db, number, steps):
    view = None
    for actor, trigger, when, note, values in steps:
        view = cases.fire(db, actor=actor, case=number, trigger=trigger, note=note, at=at(when), values=values)
    return view


TO_CLOSED = [
    ("刘调解", "triage", "2021-03-02", None, {"risk": "yellow"}),
    ("刘调解", "start", "2021-03-03", None, {"mediator": "刘调解"}),
    ("刘调解", "request_escalation", "2021-03-05", "分歧大", {}),
    ("王主任", "approve_escalation", "2021-03-06", None, {}),
    ("王主任", "agree", "2021-03-10", None, {"agreement": "written", "terms": "赔偿2000元", "amount": "2,000.50"}),
    ("刘调解", "apply_confirmation", "2021-03-15", None, {}),
    ("王主任", "confirm", "2021-03-25", None, {}),
    ("刘调解", "fulfil", "2021-04-01", None, {}),
    ("刘调解", "visit", "2021-04-20", "回访无异议", {"satisfied": "yes"}),
]


def test_register_numbers_per_town_and_year(town):
    a = new_case(town)
    b = new_case(town, when="2021-12-31T23:30")
    c = new_case(town, when="2022-01-01")
    assert (a.number, b.number, c.number) == ("(2021)营调字第001号", "(2021)营调字第002号", "(2022)营调字第001号")
    assert a.state == "registered" and a.line == 1 and a.version == 1
    assert a.parties == ["孙秀英", "吴大海"]
    assert a.party_details[0].id_number == "1101**********002X"
    assert a.party_details[0].phone == "138****5678"
    # the line-1 budget: 7 days, to the end of the 7th day after registration (Asia/Shanghai)
    assert timeutil.show_due(a.deadline) == "2021-03-09 24:00"


def test_a_case_goes_to_closed_and_its_events_replay_to_its_state(town):
    case = new_case(town)
    final = walk(town, case.number, TO_CLOSED)
    assert final.state == "closed" and final.line == 2 and final.outcome == "performed"
    assert final.amount == "2000.50" and final.satisfied is True and final.agreement == "written"
    shown = cases.show(town, case=case.number)
    history = shown.history
    assert [e.trigger for e in history] == ["register"] + [s[1] for s in TO_CLOSED]
    assert [e.seq for e in history] == list(range(1, len(history) + 1))
    state = None
    for e in history:
        assert e.from_ == state
        state = e.to
    assert state == shown.state
    # one event per change: the version counts them
    assert shown.version == len(history)
    assert history[4].actor == "王主任" and history[4].line == 2
    assert history[0].recorded_at > history[0].at  # back-dated: both times kept


def test_escalation_to_line_three_needs_the_county(town):
    case = new_case(town)
    walk(town, case.number, TO_CLOSED[:4])
    cases.fire(town, actor="王主任", case=case.number, trigger="request_escalation", note="涉及多部门")
    with pytest.raises(NotAllowed, match=r"\(county\) user"):
        cases.fire(town, actor="王主任", case=case.number, trigger="approve_escalation")
    view = cases.fire(town, actor="县矛调", case=case.number, trigger="approve_escalation")
    assert view.line == 3
    with pytest.raises(NotAllowed, match="line 3"):
        cases.fire(town, actor="县矛调", case=case.number, trigger="request_escalation", note="再上报")


def test_return_escalation_keeps_the_line(town):
    case = new_case(town)
    walk(town, case.number, TO_CLOSED[:3])
    view = cases.fire(town, actor="王主任", case=case.number, trigger="return_escalation", note="村级可调处")
    assert view.state == "mediating" and view.line == 1


def test_fail_redirect_and_reopen(town):
    one = new_case(town)
    walk(town, one.number, TO_CLOSED[:2])
    cases.fire(town, actor="刘调解", case=one.number, trigger="fail", note="一方拒绝调解")
    view = cases.fire(town, actor="刘调解", case=one.number, trigger="redirect",
                      values={"channel": "litigation", "known_at": "unknown"})
    assert view.state == "redirected" and view.channel == "litigation" and view.outcome == "redirected"
    assert view.channel_deadline is None and view.channel_law.startswith("民法典第188条")
    two = new_case(town)
    walk(town, two.number, TO_CLOSED)
    view = cases.fire(town, actor="刘调解", case=two.number, trigger="reopen", note="又起争执")
    assert view.state == "triaged" and view.reopened == 1


def test_bad_input_is_refused_and_changes_nothing(town):
    case = new_case(town)
    n = case.number
    refused(town, NotFound, "unknown village", new_case, town, village="不存在村")
    refused(town, InvalidValue, "unknown dispute type", new_case, town, type="打架")
    refused(town, InvalidValue, "unknown risk", new_case, town, risk="purple")
    # Said masked, and without the right check digit (which would complete a valid number).
    refused(town, InvalidValue, r"^1101\*{10}0021: the ID number's check digit is wrong \(GB 11643\)$", new_case, town,
            parties=[f"张三,{ID_BAD}"])
    refused(town, InvalidValue, "mobile", new_case, town, parties=["张三,12345"])
    refused(town, InvalidValue, "in the future", new_case, town, when="2099-01-01")
    refused(town, InvalidValue, "implausibly early", new_case, town, when="0221-03-02")
    refused(town, NotFound, "no case with id", cases.show, town, case="99999999999999999999")
    refused(town, PermissionDenied, "own village", new_case, town, village="朱家湾村")
    refused(town, NotAllowed, "unknown trigger", cases.fire, town, actor="刘调解", case=n, trigger="approve")
    refused(town, NotAllowed, "not allowed in state registered", cases.fire, town, actor="刘调解", case=n,
             trigger="agree", values={"agreement": "oral"})
    refused(town, NotAllowed, "risk level must be set", cases.fire, town, actor="刘调解", case=n, trigger="triage")
    refused(town, NotFound, "no such case", cases.fire, town, actor="刘调解", case="(2021)营调字第099号",
             trigger="triage")
    refused(town, InvalidValue, "before", cases.fire, town, actor="刘调解", case=n, trigger="triage",
             values={"risk": "red"}, at=at("2021-03-01"))
    refused(town, PermissionDenied, "own village", cases.fire, town, actor="周调解", case=n, trigger="triage",
             values={"risk": "red"})
    refused(town, ConcurrentChange, "version", cases.fire, town, actor="刘调解", case=n, trigger="triage",
             values={"risk": "red"}, expect_version=7)
    refused(town, InvalidValue, "unknown key", cases.fire, town, actor="刘调解", case=n, trigger="triage",
             values={"colour": "red"})
    refused(town, PermissionDenied, "no acting user", cases.fire, town, actor=None, case=n, trigger="triage",
             values={"risk": "red"})
    refused(town, NotFound, "no such user", cases.fire, town, actor="张飞", case=n, trigger="triage",
             values={"risk": "red"})


def test_mediator_must_be_a_user_of_the_village_or_the_town(town):
    case = new_case(town)
    walk(town, case.number, TO_CLOSED[:1])
    refused(town, InvalidValue, "another village", cases.fire, town, actor="刘调解", case=case.number,
             trigger="start", values={"mediator": "周调解"})
    refused(town, NotFound, "this village's mediators: 刘调解", cases.fire, town, actor="刘调解",
             case=case.number, trigger="start", values={"mediator": "赵六"})
    assert cases.fire(town, actor="刘调解", case=case.number, trigger="start",
                      values={"mediator": "王主任"}).mediator == "王主任"


def test_same_day_date_keeps_history_in_order(town):
    case = new_case(town, when="2021-03-02T15:00")
    view = cases.fire(town, actor="刘调解", case=case.number, trigger="triage", values={"risk": "red"},
                      at=at("2021-03-02"))
    assert cases.show(town, case=view.number).history[1].at == case.registered_at


@pytest.mark.parametrize("ref", ["(2021)营调字第001号", "（2021）营调字第1号", "2021-1", "2021营1", " 1 ",
                                 "（２０２１）营调字第１号"])
def test_case_found_by_half_remembered_number(town, ref):
    case = new_case(town)
    assert cases.show(town, case=ref).id == case.id


def test_list_filters(town):
    a = new_case(town)
    b = new_case(town, actor="周调解", village="朱家湾村", when="2022-05-01")
    walk(town, a.number, TO_CLOSED[:2])
    assert [v.id for v in cases.list_cases(town, village="龙潭")] == [a.id]
    assert [v.id for v in cases.list_cases(town, state="mediating")] == [a.id]
    assert [v.id for v in cases.list_cases(town, year=2022)] == [b.id]
    assert {v.id for v in cases.list_cases(town, overdue=True)} == {a.id, b.id}
    cases.fire(town, actor="刘调解", case=a.number, trigger="fail", note="x")
    assert [v.id for v in cases.list_cases(town, overdue=True)] == [b.id]
    with pytest.raises(InvalidValue, match="unknown state"):
        cases.list_cases(town, state="open")


def test_next_lists_reasons_and_permission(town):
    case = new_case(town)
    walk(town, case.number, TO_CLOSED[:3])
    mediator = cases.next_actions(town, case=case.number, actor="刘调解")
    blocked = {o.trigger: o for o in mediator.options}
    assert not blocked["approve_escalation"].allowed
    reason = blocked["approve_escalation"].blocked_by[0]
    assert "(town) user" in str(reason) and reason.code == "actor_of_next_line"
    officer = cases.next_actions(town, case=case.number, actor="王主任")
    assert all(o.allowed for o in officer.options)
    other = cases.next_actions(town, case=case.number, actor="周调解")
    assert other.permission and "own village" in other.permission


def test_unmask_needs_a_user_with_a_right_to_the_case(town):
    case = new_case(town)
    assert cases.show(town, case=case.number, actor="刘调解", unmask=True).party_details[0].id_number == ID_OK
    with pytest.raises(PermissionDenied):
        cases.show(town, case=case.number, actor="周调解", unmask=True)
    with pytest.raises(PermissionDenied):
        cases.show(town, case=case.number, unmask=True)


def test_two_terminals_race_one_wins_the_other_writes_nothing(town):
    """Two real connections fire at once: one wins, the other is refused."""
    case = new_case(town)
    walk(town, case.number, TO_CLOSED[:3])
    barrier = threading.Barrier(2)
    outcomes: list = []

    def approve(user):
        barrier.wait()
        try:
            outcomes.append(cases.fire(town, actor=user, case=case.number, trigger="approve_escalation"))
        except (NotAllowed, ConcurrentChange) as exc:
            outcomes.append(exc)

    from mediation import admin
    admin.add_user(town, actor="王主任", name="李副主任", role="town")
    threads = [threading.Thread(target=approve, args=(u,)) for u in ("王主任", "李副主任")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    wins = [o for o in outcomes if not isinstance(o, Exception)]
    losses = [o for o in outcomes if isinstance(o, Exception)]
    assert len(wins) == 1 and len(losses) == 1, outcomes
    shown = cases.show(town, case=case.number)
    assert shown.line == 2 and shown.version == len(shown.history) == 5


def test_a_stale_read_cannot_write(town, db_url):
    """The version check itself: a session that read version N cannot write after another
    commits N+1. (On SQLite BEGIN IMMEDIATE already serialises commands, so the stale read is
    built by hand: read, let another terminal commit, then write.)"""
    from mediation import access

    case = new_case(town)
    with town.read() as s:
        stale = s.exec(select(Case).where(Case.id == case.id)).one()
        user = access.actor(s, "刘调解")
    cases.fire(town, actor="刘调解", case=case.number, trigger="triage", values={"risk": "red"})
    before = snapshot(town)
    with pytest.raises(ConcurrentChange):
        with town.write() as s:
            records.advance(s, cases.REGISTER, s.merge(stale, load=False), user=user, trigger="triage", note=None,
                            at=None, values={"risk": "green"})
    assert snapshot(town) == before
    with town.read() as s:
        assert len(s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()) == 2
