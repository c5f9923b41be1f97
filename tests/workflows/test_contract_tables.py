"""Each register's transitions as docs/contract.md states them, written here by hand — not read
from the definitions they check. A destination changed in ``workflows/`` without the contract
(or a step added or dropped) fails here, whatever the other workflow tests derive."""

from __future__ import annotations

import pytest

from workflows.dispute import DISPUTE
from workflows.matter import LITIGATION, RECONSIDERATION
from workflows.petition import PETITION
from workflows.subject import SUBJECT

# (trigger, from, to), from docs/contract.md ("Dispute workflow", "Petition workflow",
# "Matters and subjects").
CONTRACT = {
    "dispute": {
        ("triage", "registered", "triaged"), ("start", "triaged", "mediating"),
        ("request_escalation", "mediating", "escalation_pending"),
        ("approve_escalation", "escalation_pending", "mediating"),
        ("return_escalation", "escalation_pending", "mediating"), ("agree", "mediating", "agreed"),
        ("apply_confirmation", "agreed", "confirming"), ("court_accept", "confirming", "confirming"),
        ("confirm", "confirming", "confirmed"), ("reject_confirmation", "confirming", "mediating"),
        ("fulfil", "agreed", "follow_up"), ("fulfil", "confirmed", "follow_up"),
        ("breach", "agreed", "mediating"), ("breach", "confirmed", "mediating"),
        ("visit", "follow_up", "closed"), ("reopen", "follow_up", "triaged"), ("reopen", "closed", "triaged"),
        ("fail", "mediating", "terminated"),
        ("decline", "registered", "terminated"), ("decline", "triaged", "terminated"),
        ("decline", "mediating", "terminated"),
        ("redirect", "registered", "redirected"), ("redirect", "triaged", "redirected"),
        ("redirect", "terminated", "redirected"),
    },
    "petition": {
        ("accept", "received", "handling"), ("redirect", "received", "redirected"),
        ("transfer", "received", "transferred"), ("reject", "received", "not_accepted"),
        ("notify", "not_accepted", "not_accepted"), ("extend", "handling", "handling"),
        ("answer", "handling", "answered"), ("serve", "answered", "answered"), ("serve", "review", "review"),
        ("request_review", "answered", "review"), ("review_answer", "review", "answered"),
        ("request_recheck", "answered", "recheck"), ("recheck_answer", "recheck", "closed"),
        ("close", "answered", "closed"),
    },
    "reconsideration": {
        ("answer", "received", "answered"), ("extend", "answered", "answered"), ("decide", "answered", "decided"),
    },
    "litigation": {
        ("defend", "served", "defended"), ("judge", "defended", "judged"), ("judge", "appealed", "judged"),
        ("appeal", "judged", "appealed"), ("close", "judged", "closed"),
    },
    "subject": {
        ("start", "received", "supervised"), ("release", "supervised", "released"),
        ("terminate", "received", "terminated"), ("terminate", "supervised", "terminated"),
        ("revoke", "received", "revoked"), ("revoke", "supervised", "revoked"),
    },
}
WORKFLOWS = {"dispute": DISPUTE, "petition": PETITION, "reconsideration": RECONSIDERATION,
             "litigation": LITIGATION, "subject": SUBJECT}


def _defined(workflow) -> set[tuple[str, str, str]]:
    out = set()
    for t in workflow.transitions:
        sources = t["source"] if isinstance(t["source"], list) else [t["source"]]
        for source in sources:
            out.add((t["trigger"], source.value, t["dest"].value))
    return out


@pytest.mark.parametrize("name", list(CONTRACT))
def test_the_transitions_are_the_contracts(name):
    defined = _defined(WORKFLOWS[name])
    assert defined - CONTRACT[name] == set(), "defined but not in the contract"
    assert CONTRACT[name] - defined == set(), "in the contract but not defined"
