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
     {"answered_in_time": (_ok, {}), "outcome_given": ({}, {"values": {"outcome": "upheld"}})},
     {"answered_in_time": (_late, {"note": None}, "late"),
      "outcome_given": ({}, {"values": {"outcome": "won"}}, "outcome")}),
    ("litigation", LITIGATION,
     {"defended_in_time": (_ok, {}), "outcome_given": ({}, {"values": {"outcome": "won"}}),
      "appeal_in_time": (_ok, {})},
     {"defended_in_time": (_late, {"note": None}, "late"),
      "outcome_given": ({}, {"values": {"outcome": "upheld"}}, "outcome"),
      "appeal_in_time": (_late, {}, "15 days")}),
    ("subject", SUBJECT,
     {"reason_given": ({}, {"values": {"reason": "revoked"}})},
     {"reason_given": ({}, {"values": {"reason": "bored"}}, "reason")}),
]:
    for name, fn in make_tests(workflow, satisfy, violate).items():
        globals()[f"{name}__{prefix}"] = fn
