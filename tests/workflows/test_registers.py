"""行政复议 / 行政应诉 and subject workflows, pure and exhaustive."""

from __future__ import annotations

from datetime import timedelta

from tests.workflows.definition import AT, make_tests
from workflows.matter import LITIGATION, RECONSIDERATION
from workflows.subject import SUBJECT

_late = {"deadline": AT - timedelta(seconds=1)}
_ok = {"deadline": AT + timedelta(days=1)}

for prefix, workflow, satisfy, violate in [
    ("reconsideration", RECONSIDERATION,
     {"answered_in_time": (_ok, {}), "outcome_given": ({}, {"values": {"outcome": "upheld"}}),
      "not_extended": ({"extended": False}, {}), "note_given": ({}, {"note": "案情复杂"}),
      "decision_period_running": ({**_ok, "accepted_at": AT - timedelta(days=50)}, {}),
      "extension_within_30": ({}, {"values": {"days": 30}})},
     {"answered_in_time": (_late, {"note": None}, "past the limit for the answer"),
      "outcome_given": ({}, {"values": {"outcome": "won"}}, "outcome"),
      "not_extended": ({"extended": True}, {}, "only once"),
      "decision_period_running": ({"deadline": AT, "accepted_at": AT - timedelta(days=60)}, {},
                                  "it can no longer be extended"),
      "extension_within_30": ({}, {"values": {"days": 31}}, "1 to 30 days"),
      "note_given": ({}, {"note": " "}, "the reason for the extension is required")}),
    ("litigation", LITIGATION,
     {"defended_in_time": (_ok, {}), "outcome_given": ({}, {"values": {"outcome": "won"}}),
      "served_given": ({}, {"values": {"served_at": AT + timedelta(days=1)}}),
      "served_after_judgment": ({}, {"values": {"served_at": AT + timedelta(days=1)}}),
      "appeal_in_time": (_ok, {}), "appealable": ({"instance": 1}, {}),
      "final_or_noted": ({"deadline": AT - timedelta(days=1), "instance": 1}, {})},
     {"defended_in_time": (_late, {"note": None}, "past the limit for the defence"),
      "outcome_given": ({}, {"values": {"outcome": "upheld", "served_at": AT}}, "outcome"),
      "served_given": ({}, {"values": {"outcome": "won"}}, "when the judgment or ruling was served"),
      "appeal_in_time": (_late, {"note": None}, "art 48"),
      "served_after_judgment": ({}, {"values": {"outcome": "won", "served_at": AT - timedelta(days=2)}},
                                "cannot come before the judgment"),
      "appealable": ({"instance": 2}, {}, "两审终审"),
      "final_or_noted": ({"deadline": AT + timedelta(days=3), "instance": 1}, {"note": None}, "not final until")}),
    ("subject", SUBJECT,
     {"reason_given": ({}, {"values": {"reason": "death"}}),
      "release_grounds": ({"category": "correction", "term_end": AT}, {"values": {"ground": "term_served"}}),
      "revocation_given": ({"category": "correction"}, {"values": {"grounds": "parole_revoked"}})},
     {"reason_given": ({}, {"values": {"reason": "revoked"}}, "reason"),
      "release_grounds": ({"category": "correction", "term_end": AT + timedelta(days=2)}, {}, "at 期满"),
      "revocation_given": ({"category": "resettlement"}, {"values": {"grounds": "imprisoned"}}, "not under a sentence")}),
]:
    for name, fn in make_tests(workflow, satisfy, violate).items():
        globals()[f"{name}__{prefix}"] = fn


def test_the_decision_period_runs_from_the_acceptance_and_extends_once_by_30():
    """行政复议法第62条: 60 days from the 复议机关's acceptance, +30 once; unknown without it."""
    from workflows.matter import deadline_basis

    facts = {"state": "answered", "answered_at": AT, "accepted_at": AT - timedelta(days=10)}
    start, period = deadline_basis("reconsideration", facts)
    assert (start, period.amount) == (AT - timedelta(days=10), 60)
    assert deadline_basis("reconsideration", {**facts, "extended": True})[1].amount == 90
    assert deadline_basis("reconsideration", {**facts, "accepted_at": None}) is None


def test_the_appeal_counts_from_service_15_days_for_a_judgment_10_for_a_ruling():
    from workflows.matter import APPEAL, APPEAL_RULING, deadline_basis

    served = AT + timedelta(days=3)
    facts = {"state": "judged", "decided_at": AT, "served_at": served, "decision_form": "judgment"}
    assert deadline_basis("litigation", facts) == (served, APPEAL)
    assert deadline_basis("litigation", {**facts, "decision_form": "ruling"}) == (served, APPEAL_RULING)
    assert (APPEAL.amount, APPEAL_RULING.amount) == (15, 10)


def test_a_late_appeal_is_recorded_with_its_reason():
    from workflows import Action

    late = {"deadline": AT - timedelta(days=1)}
    assert LITIGATION.fire("judged", "appeal", late, Action(at=AT, note="因病未能按期上诉,申请延长期限")).dest == "appealed"
