"""The dispute machine, pure: every transition, every refusal, parametrised over the definition."""

from __future__ import annotations

import re

from datetime import datetime, timedelta, timezone

import pytest

from workflows import Action, Refused, config
from workflows.dispute import DISPUTE, GUARDS, TRANSITIONS, DisputeState, deadline

AT = datetime(2021, 3, 10, 2, 0, tzinfo=timezone.utc)

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
    "within_confirmation_window": ({"agreed_at": AT - timedelta(days=30)}, {}),
    "satisfaction_given": ({}, {"values": {"satisfied": True}}),
    "channel_given": ({}, {"values": {"channel": "litigation"}}),
}
VIOLATE = {
    "risk_set": ({"risk": None}, {}, "风险等级"),
    "mediator_set": ({"mediator": None}, {}, "调解员"),
    "note_given": ({}, {"note": "  "}, "--note"),
    "below_top_line": ({"line": 3}, {}, "第三线"),
    "actor_of_next_line": ({"line": 1}, {"actor_role": "mediator"}, "'town'"),
    "agreement_form": ({}, {"values": {"agreement": "handshake"}}, "written or oral"),
    "written_terms": ({}, {"values": {"agreement": "written"}}, "terms"),
    "within_confirmation_window": ({"agreed_at": AT - timedelta(days=31)}, {}, "31"),
    "satisfaction_given": ({}, {"values": {}}, "satisfied"),
    "channel_given": ({}, {"values": {"channel": "court"}}, "channel"),
}

CASES = [(t["trigger"], s.value, t) for t in TRANSITIONS
         for s in (t["source"] if isinstance(t["source"], list) else [t["source"]])]


def _names(x):
    return x if isinstance(x, list) else ([x] if x else [])


def _setup(transition, override=None):
    facts, action = {"line": 1}, {"at": AT, "values": {}}
    for g in _names(transition.get("conditions")):
        f, a = SATISFY[g]
        facts.update(f)
        for k, v in a.items():
            action[k] = {**action[k], **v} if k == "values" else v
    if override:
        f, a = override
        facts.update(f)
        for k, v in a.items():
            action[k] = v
    action["values"] = {k: v for k, v in action["values"].items()
                        if k in dict(DISPUTE.inputs).get(transition["trigger"], ())}
    return facts, Action(**action)


def test_every_guard_has_a_satisfying_and_a_violating_case():
    assert set(SATISFY) == set(GUARDS) == set(VIOLATE)


@pytest.mark.parametrize("trigger,source,transition", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES])
def test_transition_fires_when_its_guards_hold(trigger, source, transition):
    facts, action = _setup(transition)
    result = DISPUTE.fire(source, trigger, facts, action)
    assert result.source == source
    assert result.dest == transition["dest"].value


REFUSALS = [(t["trigger"], g) for t in TRANSITIONS for g in _names(t.get("conditions"))]


@pytest.mark.parametrize("trigger,guard", REFUSALS, ids=[f"{t}-{g}" for t, g in REFUSALS])
def test_each_guard_refuses_with_its_reason(trigger, guard):
    transition = next(t for t in TRANSITIONS if t["trigger"] == trigger and guard in _names(t.get("conditions")))
    source = _names(transition["source"])[0].value
    f, a, expected = VIOLATE[guard]
    facts, action = _setup(transition, (f, a))
    with pytest.raises(Refused) as err:
        DISPUTE.fire(source, trigger, facts, action)
    assert expected in str(err.value)


ALL_TRIGGERS = sorted(DISPUTE.triggers)


@pytest.mark.parametrize("state", [s.value for s in DisputeState])
def test_triggers_not_defined_from_a_state_are_refused(state):
    allowed = {t for t, s, _ in CASES if s == state}
    for trigger in set(ALL_TRIGGERS) - allowed:
        with pytest.raises(Refused) as err:
            DISPUTE.fire(state, trigger, {"line": 1}, Action(at=AT))
        assert f"not allowed in state {state}" in str(err.value)


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
    with pytest.raises(Refused, match="'county'"):
        DISPUTE.fire("escalation_pending", "approve_escalation", {"line": 2}, Action(actor_role="town", at=AT))


def test_reopen_counts_a_recurrence():
    result = DISPUTE.fire("closed", "reopen", {"reopened": 1}, Action(at=AT, note="又起争执"))
    assert result.dest == "triaged" and result.changes["reopened"] == 2


def test_options_list_blocks_with_reasons_and_inputs_as_needs():
    options = {o.trigger: o for o in DISPUTE.options("triaged", {"line": 1}, Action(actor_role="mediator"))}
    assert set(options) == {"start", "redirect"}
    assert not options["start"].allowed and "调解员" in options["start"].blocked_by[0]
    assert options["redirect"].allowed and options["redirect"].needs


def test_deadline_follows_the_line_budget():
    for line, days in config.LINE_BUDGET_DAYS.items():
        assert deadline({"state": "mediating", "line": line, "line_since": AT}) == AT + timedelta(days=days)
    assert deadline({"state": "closed", "line": 1, "line_since": AT}) is None


def test_mermaid_diagram_lists_every_state_and_trigger():
    text = DISPUTE.mermaid()
    assert text.splitlines()[3] == "stateDiagram-v2"
    for s in DisputeState:
        assert f'state "{s.value}"' in text
    edges = " ".join(line for line in text.splitlines() if "-->" in line)
    for t in DISPUTE.triggers:
        assert re.search(rf"[:|] {t} ", edges + " "), t
    assert "s_active" not in text.split("classDef s_previous")[1]
