"""Exhaustive tests from a workflow's own definition: every transition fires when its guards
hold, every guard refuses with its reason, every undefined trigger is refused per state."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from workflows import Action, Refused, Workflow

AT = datetime(2021, 3, 10, 2, 0, tzinfo=timezone.utc)


def _names(x):
    return x if isinstance(x, list) else ([x] if x else [])


def transition_cases(w: Workflow):
    return [(t["trigger"], s.value, t) for t in w.transitions for s in _names(t["source"])]


def refusal_cases(w: Workflow):
    return [(t["trigger"], g) for t in w.transitions for g in _names(t.get("conditions"))]


def setup(w: Workflow, satisfy: dict, transition: dict, override=None, base_facts=None):
    facts, action = dict(base_facts or {}), {"at": AT, "values": {}}
    for g in _names(transition.get("conditions")):
        f, a = satisfy[g]
        facts.update(f)
        for k, v in a.items():
            action[k] = {**action[k], **v} if k == "values" else v
    if override:
        f, a = override
        facts.update(f)
        for k, v in a.items():
            action[k] = v
    action["values"] = {k: v for k, v in action["values"].items() if k in w.inputs.get(transition["trigger"], ())}
    return facts, Action(**action)


def make_tests(w: Workflow, satisfy: dict, violate: dict, base_facts=None):
    """Return test functions to bind into a test module's namespace."""
    cases = transition_cases(w)
    refusals = refusal_cases(w)

    def test_every_guard_has_a_satisfying_and_a_violating_case():
        assert set(satisfy) == set(w.guards) == set(violate)

    @pytest.mark.parametrize("trigger,source,transition", cases, ids=[f"{c[0]}-{c[1]}" for c in cases])
    def test_transition_fires_when_its_guards_hold(trigger, source, transition):
        facts, action = setup(w, satisfy, transition, base_facts=base_facts)
        result = w.fire(source, trigger, facts, action)
        assert (result.source, result.dest) == (source, transition["dest"].value)

    @pytest.mark.parametrize("trigger,guard", refusals, ids=[f"{t}-{g}" for t, g in refusals])
    def test_each_guard_refuses_with_its_reason(trigger, guard):
        transition = next(t for t in w.transitions
                          if t["trigger"] == trigger and guard in _names(t.get("conditions")))
        source = _names(transition["source"])[0].value
        f, a, expected = violate[guard]
        facts, action = setup(w, satisfy, transition, (f, a), base_facts=base_facts)
        with pytest.raises(Refused) as err:
            w.fire(source, trigger, facts, action)
        assert expected in str(err.value)

    @pytest.mark.parametrize("state", w.state_names())
    def test_triggers_not_defined_from_a_state_are_refused(state):
        allowed = {t for t, s, _ in cases if s == state}
        for trigger in set(w.triggers) - allowed:
            with pytest.raises(Refused) as err:
                w.fire(state, trigger, dict(base_facts or {}), Action(at=AT))
            assert f"not allowed in state {state}" in str(err.value)

    return {f.__name__: f for f in (test_every_guard_has_a_satisfying_and_a_violating_case,
                                    test_transition_fires_when_its_guards_hold,
                                    test_each_guard_refuses_with_its_reason,
                                    test_triggers_not_defined_from_a_state_are_refused)}
