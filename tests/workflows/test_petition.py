"""The petition machine and the 诉访分离 routing table, pure."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.workflows.definition import AT, make_tests
from workflows import Action, Refused
from workflows.petition import (ARBITRATION_CLOCKS, PETITION, ROUTES, channel_period, deadline_basis)

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
}
VIOLATE = {
    "routed_in_time": ({"route_deadline": AT - timedelta(seconds=1)}, {"note": None}, "15"),
    "note_given": ({}, {"note": ""}, "--note"),
    "channel_given": ({}, {"values": {"channel": "petition"}}, "channel"),
    "body_given": ({}, {"values": {"to": " "}}, "transferred to"),
    "not_extended": ({"extended_days": 30}, {}, "only once"),
    "extension_within_30": ({}, {"values": {"days": 31}}, "1 to 30 days"),
    "opinion_given": ({}, {"values": {"opinion": "maybe"}}, "opinion"),
    "review_in_time": ({"request_deadline": AT}, {}, "within 30 days"),
    "recheck_in_time": ({"request_deadline": AT}, {}, "within 30 days"),
    "not_reviewed": ({"reviewed": True}, {}, "already reviewed"),
    "reviewed": ({"reviewed": False}, {}, "follows a review"),
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
    assert deadline_basis({"state": "answered", "answered_at": AT, "reviewed": False})[1].amount == 30
    assert deadline_basis({"state": "closed"}) is None


def test_default_extension_is_30_days():
    result = PETITION.fire("handling", "extend", {"extended_days": 0}, Action(at=AT, note="需鉴定"))
    assert result.changes["extended_days"] == 30


def test_routing_late_with_a_reason_is_allowed():
    facts = {"route_deadline": AT - timedelta(days=2)}
    assert PETITION.fire("received", "accept", facts, Action(at=AT, note="信访人补充材料")).dest == "handling"
    with pytest.raises(Refused):
        PETITION.fire("received", "accept", facts, Action(at=AT))
