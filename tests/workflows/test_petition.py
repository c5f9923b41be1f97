"""The petition machine and the 诉访分离 routing table, pure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.workflows.definition import AT, make_tests
from workflows import Action, Refused
from workflows.petition import (ARBITRATION_CLOCKS, PETITION, RECHECK_REQUEST, REVIEW_REQUEST, ROUTES, channel_period,
                                deadline_basis)

SATISFY = {
    "routed_in_time": ({"route_deadline": AT + timedelta(days=1)}, {}),
    "note_given": ({}, {"note": "理由"}),
    "channel_given": ({}, {"values": {"channel": "arbitration"}}),
    "body_given": ({}, {"values": {"to": "县委政法委"}}),
    "not_extended": ({"extended_days": 0}, {}),
    "extension_within_30": ({}, {"values": {"days": 30}}),
    "opinion_given": ({}, {"values": {"opinion": "support"}}),
    "review_in_time": ({"request_deadline": AT + timedelta(seconds=1)}, {}),
    "recheck_in_time": ({"request_deadline": AT + timedelta(seconds=1)}, {}),
    "not_reviewed": ({"reviewed": False}, {}),
    "reviewed": ({"reviewed": True}, {}),
    "clock_start_given": ({}, {"values": {"known_at": AT - timedelta(days=40)}}),
    "handling_head": ({}, {"actor_role": "town"}),
    "answer_period_running": ({"answer_deadline": AT + timedelta(seconds=1)}, {}),
    "not_served": ({"served_at": None}, {}),
    "not_notified": ({"notified_at": None}, {}),
    "notice_in_time": ({"route_deadline": AT + timedelta(days=1)}, {}),
    "window_closed_or_waived": ({"served_at": AT - timedelta(days=31), "request_deadline": AT}, {}),
}
VIOLATE = {
    "routed_in_time": ({"route_deadline": AT - timedelta(seconds=1)}, {"note": None}, "15"),
    "note_given": ({}, {"note": ""}, "(note)"),
    "channel_given": ({}, {"values": {"channel": "petition"}}, "channel"),
    "body_given": ({}, {"values": {"to": " "}}, "transferred to"),
    "not_extended": ({"extended_days": 30}, {}, "only once"),
    "extension_within_30": ({}, {"values": {"days": 31}}, "1 to 30 days"),
    "opinion_given": ({}, {"values": {"opinion": "maybe"}}, "opinion"),
    "review_in_time": ({"request_deadline": AT}, {}, "within 30 days of receiving the written answer"),
    "recheck_in_time": ({"request_deadline": AT}, {}, "within 30 days of receiving the review"),
    "not_reviewed": ({"reviewed": True}, {}, "already reviewed"),
    "reviewed": ({"reviewed": False}, {}, "follows a review"),
    "clock_start_given": ({}, {"values": {"channel": "reconsideration"}}, "known_at=unknown"),
    "handling_head": ({}, {"actor_role": "mediator"}, "a town or county user"),
    "answer_period_running": ({"answer_deadline": AT}, {}, "already run out"),
    "not_served": ({"served_at": AT - timedelta(days=1)}, {}, "already recorded"),
    "not_notified": ({"notified_at": AT - timedelta(days=1)}, {}, "already recorded as served"),
    "notice_in_time": ({"route_deadline": AT}, {"note": None}, "past its 15 days"),
    "window_closed_or_waived": ({"served_at": AT - timedelta(days=2), "request_deadline": AT + timedelta(days=28)},
                                {"note": ""}, "may still ask for a review"),
}

globals().update(make_tests(PETITION, SATISFY, VIOLATE))


ROUTING = {
    "civil": ("accept", None, None, True),
    "court_judgment": ("transfer", None, "政法部门", False),
    "labour": ("redirect", "arbitration", None, False),
    "land_contract": ("redirect", "arbitration", None, False),
    "admin_act": ("redirect", "reconsideration", None, False),
    "request": ("accept", None, None, False),
    "complaint": ("transfer", None, "纪检监察机关", False),
    "other": ("accept", None, None, False),
}


@pytest.mark.parametrize("category", sorted(ROUTING))
def test_routing_table_sends_each_category_to_its_channel(category):
    r = ROUTES[category]
    assert (r.trigger, r.channel, r.to, r.start_case) == ROUTING[category]
    assert r.why


def test_routing_table_keeps_every_contract_category():
    assert set(ROUTING) <= set(ROUTES)


def test_channel_clocks():
    assert channel_period("reconsideration", "admin_act").amount == 60
    assert (channel_period("litigation", "admin_act").amount, channel_period("litigation", "admin_act").unit) == (6, "months")
    assert channel_period("litigation", "admin_act", after_reconsideration=True).amount == 15
    assert channel_period("arbitration", "labour") == ARBITRATION_CLOCKS["labour"]
    assert channel_period("arbitration", "land_contract").amount == 24
    assert channel_period("police", "other") is None


def test_extension_adds_to_the_answer_period():
    start, period = deadline_basis({"state": "handling", "accepted_at": AT, "extended_days": 30})
    assert start == AT and period.amount == 90
    assert deadline_basis({"state": "closed"}) is None


def test_the_review_window_counts_from_service_not_from_the_answer():
    """信访工作条例第35条: 30 days from receiving the written answer (送达)."""
    assert deadline_basis({"state": "answered", "answered_at": AT, "served_at": None}) is None
    served = AT + timedelta(days=5)
    assert deadline_basis({"state": "answered", "answered_at": AT, "served_at": served}) == (served, REVIEW_REQUEST)
    assert deadline_basis({"state": "answered", "answered_at": AT, "served_at": served, "reviewed": True}) == \
        (served, RECHECK_REQUEST)


def test_an_answer_and_a_review_request_start_a_new_service():
    facts = {"served_at": AT - timedelta(days=3)}
    assert PETITION.fire("handling", "answer", facts, Action(at=AT, values={"opinion": "support"})) \
        .changes["served_at"] is None
    result = PETITION.fire("answered", "request_review", {**facts, "request_deadline": AT + timedelta(days=1)},
                           Action(at=AT))
    assert result.changes["served_at"] is None
    # a 复查 opinion served while still in review keeps its service through review_answer
    result = PETITION.fire("review", "review_answer", {"served_at": AT}, Action(at=AT, values={"opinion": "explain"}))
    assert "served_at" not in result.changes


def test_close_with_the_petitioners_waiver_while_the_window_runs():
    facts = {"served_at": AT - timedelta(days=2), "request_deadline": AT + timedelta(days=28)}
    assert PETITION.fire("answered", "close", facts, Action(at=AT, note="信访人书面放弃复查")).dest == "closed"
    with pytest.raises(Refused, match="service is not recorded"):
        PETITION.fire("answered", "close", {"served_at": None}, Action(at=AT))


def test_default_extension_is_30_days():
    result = PETITION.fire("handling", "extend", {"extended_days": 0, "answer_deadline": AT + timedelta(days=1)},
                           Action(at=AT, note="需鉴定", actor_role="county"))
    assert result.changes["extended_days"] == 30


def test_routing_late_with_a_reason_is_allowed():
    facts = {"route_deadline": AT - timedelta(days=2)}
    assert PETITION.fire("received", "accept", facts, Action(at=AT, note="信访人补充材料")).dest == "handling"
    with pytest.raises(Refused):
        PETITION.fire("received", "accept", facts, Action(at=AT))
