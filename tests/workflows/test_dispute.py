"""The dispute machine, pure: every transition, every refusal, parametrised over the definition."""

from __future__ import annotations

import re

from datetime import timedelta

import pytest

from tests.workflows.definition import AT, make_tests
from workflows import Action, Refused, config, given
from workflows.dispute import DISPUTE, DisputeState, deadline_basis

# For each guard: (facts, action fields) that satisfy it, and that violate it, plus a piece
# of the reason the violation must give.
SATISFY = {
    "risk_set": ({"risk": "yellow"}, {}),
    "mediator_set": ({"mediator": "刘调解"}, {}),
    "note_given": ({}, {"note": "说明"}),
    "below_top_line": ({"line": 2}, {}),
    "actor_of_next_line": ({"line": 1}, {"actor_role": "town"}),
    "agreement_form": ({}, {"values": {"agreement": "written", "terms": "赔偿"}}),
    "written_terms": ({}, {"values": {"agreement": "written", "terms": "赔偿"}}),
    "written_agreement": ({"agreement": "written"}, {}),
    "within_confirmation_window": ({"confirmation_deadline": AT + timedelta(seconds=1)}, {}),
    "satisfaction_given": ({}, {"values": {"satisfied": True}}),
    "channel_given": ({}, {"values": {"channel": "litigation", "known_at": "unknown"}}),
    "clock_start_given": ({}, {"values": {"channel": "police"}}),
    "court_not_accepted": ({"confirmation_accepted_at": None}, {}),
}
VIOLATE = {
    "risk_set": ({"risk": None}, {}, "risk level"),
    "mediator_set": ({"mediator": None}, {}, "a mediator must be assigned"),
    "note_given": ({}, {"note": "  "}, "(note)"),
    "below_top_line": ({"line": 3}, {}, "already at line 3"),
    "actor_of_next_line": ({"line": 1}, {"actor_role": "mediator"}, "(town) user"),
    "agreement_form": ({}, {"values": {"agreement": "handshake"}}, "written or oral"),
    "written_terms": ({}, {"values": {"agreement": "written"}}, "terms"),
    "written_agreement": ({"agreement": "oral"}, {}, "only a written agreement"),
    "within_confirmation_window": ({"confirmation_deadline": AT, "confirmation_last_day": "2021-03-09"}, {},
                                   "by 2021-03-09"),
    "satisfaction_given": ({}, {"values": {}}, "satisfied"),
    "channel_given": ({}, {"values": {"channel": "court"}}, "channel"),
    "clock_start_given": ({}, {"values": {"channel": "arbitration"}}, "known_at=unknown"),
    "court_not_accepted": ({"confirmation_accepted_at": AT}, {}, "already recorded"),
}

globals().update(make_tests(DISPUTE, SATISFY, VIOLATE, base_facts={"line": 1}))


def test_unknown_trigger_and_unaccepted_value_are_refused():
    with pytest.raises(Refused, match="unknown trigger"):
        DISPUTE.fire("registered", "approve", {}, Action(at=AT))
    with pytest.raises(Refused, match="does not take amount"):
        DISPUTE.fire("registered", "triage", {"risk": "red"}, Action(at=AT, values={"amount": 5}))


@pytest.mark.parametrize("risk,line", sorted(config.RISK_LINE.items()))
def test_triage_routes_risk_to_its_line(risk, line):
    result = DISPUTE.fire("registered", "triage", {"risk": risk, "line": 1}, Action(at=AT))
    assert result.changes["line"] == line
    assert result.changes["line_since"] == AT


def test_escalation_approval_needs_the_next_lines_role():
    ok = DISPUTE.fire("escalation_pending", "approve_escalation", {"line": 2}, Action(actor_role="county", at=AT))
    assert ok.changes["line"] == 3
    with pytest.raises(Refused, match=r"\(county\) user"):
        DISPUTE.fire("escalation_pending", "approve_escalation", {"line": 2}, Action(actor_role="town", at=AT))


def test_reopen_counts_a_recurrence():
    result = DISPUTE.fire("closed", "reopen", {"reopened": 1}, Action(at=AT, note="又起争执"))
    assert result.dest == "triaged" and result.changes["reopened"] == 2


def test_options_list_blocks_with_reasons_and_inputs_as_needs():
    options = {o.trigger: o for o in DISPUTE.options("triaged", {"line": 1}, Action(actor_role="mediator"))}
    assert set(options) == {"start", "redirect", "decline"}
    reason = options["start"].blocked_by[0]
    assert not options["start"].allowed and "a mediator must be assigned" in str(reason)
    assert reason.code == "mediator_set" and reason.wants == (given("mediator", "NAME"),)  # data, worded by each edge
    assert "{mediator}" in reason.text.template and "⟦" not in reason.text
    assert options["redirect"].allowed and options["redirect"].needs


def test_deadline_follows_the_line_budget():
    for line, days in config.LINE_BUDGET_DAYS.items():
        start, period = deadline_basis({"state": "mediating", "line": line, "line_since": AT})
        assert start == AT and period.amount == days and period.unit == "days" and not period.roll
    assert deadline_basis({"state": "closed", "line": 1, "line_since": AT}) is None


def test_mermaid_diagram_lists_every_state_and_trigger():
    text = DISPUTE.mermaid()
    assert text.splitlines()[3] == "stateDiagram-v2"
    for s in DisputeState:
        assert f'state "{s.value}"' in text
    edges = " ".join(line for line in text.splitlines() if "-->" in line)
    for t in DISPUTE.triggers:
        assert re.search(rf"[:|] {t} ", edges + " "), t
    assert "s_active" not in text.split("classDef s_previous")[1]


def test_a_definition_whose_guard_and_effect_share_a_name_is_refused():
    from workflows import Guard, Workflow

    with pytest.raises(ValueError, match="share names"):
        Workflow(name="bad", states=DisputeState, transitions=[], initial=DisputeState.registered,
                 guards={"x": Guard(lambda f, a: None)}, effects={"x": lambda f, a: {}})
