"""The tamper-evident trail (mediation/audit.py) on SQLite and PostgreSQL: the 2021 sample —
loaded in batches and through the services — verifies clean; event rows edited, deleted or
reordered with raw SQL are each named; an upgrade chains the events an older release wrote."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from mediation import audit, cases, loader, migrate, petitions, timeutil

SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021")


@pytest.fixture
def sample(db):
    """The 2021 sample, loaded whole (the ``db`` fixture copies it from the run's template)."""
    return db


def _sql(db, statement: str, **params) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def _problems(db):
    return [(p.kind, p.record, p.seq, p.what) for p in audit.verify(db).problems]


def test_the_sample_verifies_clean(sample):
    result = audit.verify(sample)
    assert result.ok and result.records == 114 and result.events > 500
    assert audit.verify(sample, town="营盘镇").events == result.events


def test_every_kind_of_tampering_is_named(sample):
    db = sample
    first = "(2021)营调字第001号"
    case_id = cases.show(db, case=first).id
    # an event's note rewritten
    _sql(db, "UPDATE case_event SET note = '改过的说明' WHERE case_id = :c AND seq = 2", c=case_id)
    # a step deleted from the middle of another case's history
    second = cases.show(db, case="(2021)营调字第002号")
    _sql(db, "DELETE FROM case_event WHERE case_id = :c AND seq = 3", c=second.id)
    # two steps of a petition swapped
    p = petitions.show(db, petition="(2021)营信字第005号")
    _sql(db, "UPDATE petition_event SET seq = 100 WHERE petition_id = :p AND seq = 2", p=p.id)
    _sql(db, "UPDATE petition_event SET seq = 2 WHERE petition_id = :p AND seq = 3", p=p.id)
    _sql(db, "UPDATE petition_event SET seq = 3 WHERE petition_id = :p AND seq = 100", p=p.id)
    # a case's state changed without a step
    third = cases.show(db, case="(2021)营调字第003号")
    _sql(db, "UPDATE dispute_case SET state = :s WHERE id = :c", c=third.id,
         s="confirming" if third.state != "confirming" else "closed")
    # the last step of a case removed (the record still says one more version)
    fourth = cases.show(db, case="(2021)营调字第004号")
    _sql(db, "DELETE FROM case_event WHERE case_id = :c AND seq = :s", c=fourth.id, s=fourth.version)

    found = _problems(db)
    assert ("case", first, 2, "edited") in found
    assert ("case", second.number, 3, "deleted") in found
    assert ("petition", p.number, 2, "reordered") in found and ("petition", p.number, 3, "reordered") in found
    assert ("case", third.number, None, "record_edited") in found
    assert ("case", fourth.number, fourth.version, "deleted") in found
    # nothing else is named: the other records still verify
    named = {(k, r) for k, r, _, _ in found}
    assert named == {("case", first), ("case", second.number), ("petition", p.number), ("case", third.number),
                     ("case", fourth.number)}


def test_the_terminal_lists_the_problems_and_exits_1(sample, db_url):
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "120"})
    ok = runner.invoke(main, ["--db", db_url, "audit", "verify"])
    assert ok.exit_code == 0 and "all chains intact" in ok.stdout
    _sql(sample, "UPDATE case_event SET actor = '某人' WHERE seq = 1 AND case_id = "
                 "(SELECT min(id) FROM dispute_case)")
    bad = runner.invoke(main, ["--db", db_url, "audit", "verify", "--json"])
    assert bad.exit_code == 1 and bad.stderr.startswith("Error: ") and bad.stderr.count("\n") == 1
    import json
    doc = json.loads(bad.stdout)
    assert not doc["ok"] and doc["problems"][0]["what"] == "edited" and doc["problems"][0]["seq"] == 1


def test_steps_taken_after_the_load_extend_the_chain(sample):
    p = petitions.new(sample, actor="王主任", village="龙潭村", petitioner="新来人", category="request", summary="修桥",
                      at=timeutil.parse_at("2021-12-20"))
    petitions.fire(sample, actor="王主任", petition=p.number, trigger="accept", at=timeutil.parse_at("2021-12-21"))
    again = petitions.new(sample, actor="王主任", village="龙潭村", petitioner="新来人", category="request",
                          summary="修桥", at=timeutil.parse_at("2021-12-22"))  # refused at intake: two events
    assert again.state == "not_accepted"
    assert audit.verify(sample).ok


def test_an_upgrade_chains_the_events_an_earlier_release_wrote(sample):
    """Back to revision 0002 (no hashes), then up again: the migration chains every event."""
    from alembic import command

    with sample.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0002")
    with sample.engine.connect() as conn:
        assert migrate.current(conn) == "0002"
    sample._revision_checked = False
    assert sample.upgrade() == ("0002", migrate.HEAD)
    assert audit.verify(sample).ok
