"""Cases loaded in batches (``mediation.bulk``) are exactly what the per-call services write."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

import mediation.models  # noqa: F401
from mediation import bulk, cases, loader
from mediation.db import Database
from mediation.errors import InvalidRecords
from mediation.timeutil import parse_at
from tests.conftest import drop_pg_schema, new_pg_schema, snapshot

SAMPLE = Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021"
# When a row was entered differs between two loads (and so do the audit hashes, which cover
# it: both loads' chains are verified by tests/mediation/test_audit.py); everything else must not.
ENTERED = {"recorded_at", "loaded_at", "created_at", "hash", "last_hash"}


@pytest.fixture
def other_db(db, tmp_path):
    """A second empty database on the same engine as ``db``."""
    if db.dialect == "sqlite":
        second = Database(str(tmp_path / "other.db"), create=True)
        yield second
        second.dispose()
        return
    schema, url = new_pg_schema("mediation_bulk")
    second = Database(url, create=True)
    try:
        yield second
    finally:
        second.dispose()
        drop_pg_schema(schema)


def rows(db) -> dict[str, list[tuple]]:
    out = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name not in ENTERED]
            out[table.name] = sorted(tuple(map(repr, r)) for r in conn.execute(select(*cols)).all())
    return out


def test_batched_cases_are_the_rows_the_services_write(db, other_db, monkeypatch):
    # Small batches: several flushes, interleaved with the case a petition starts (which
    # goes through the services) and the petitions about cases that read the cases back.
    monkeypatch.setattr(bulk, "BATCH", 7)
    batched = loader.load(db, str(SAMPLE))
    monkeypatch.setattr(loader, "_in_batches", lambda rec: False)
    one_by_one = loader.load(other_db, str(SAMPLE))
    assert [r.loaded for r in batched] == [r.loaded for r in one_by_one]
    got, want = rows(db), rows(other_db)
    assert len(got["dispute_case"]) == 65 and len(got["case_event"]) > 65
    for table in want:
        if table != "chain_link":  # the town's chain links each write: a batch writes a case once, not per step
            assert got[table] == want[table], table
    from mediation import audit

    assert audit.verify(db).ok and audit.verify(other_db).ok


def test_a_case_refused_after_batches_were_written_leaves_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(bulk, "BATCH", 2)
    loader.load(db, str(SAMPLE / "00-town.toml"))
    before = snapshot(db)
    good = '[[case]]\nkey = "k{i}"\nby = "刘明山"\nvillage = "龙潭村"\ntype = "邻里"\nsummary = "排水沟"\n' \
           'parties = ["甲{i}", "乙{i}"]\nat = 2021-03-0{i}\n' \
           'actions = [{{ do = "triage", at = 2021-03-0{i}, set = {{ risk = "green" }} }}]\n'
    refused = good.format(i=5).replace('set = { risk = "green" }', 'note = "无风险等级"')
    text = "\n".join([*(good.format(i=i) for i in range(1, 5)), refused, good.format(i=6)])
    path = tmp_path / "cases.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, str(path))
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith("cases.toml: case 5 (key k5): actions[0] triage: ")
    assert snapshot(db) == before  # the two batches written before it are gone with the file


def test_numbers_and_ids_continue_after_a_batched_load(db, tmp_path):
    loader.load(db, str(SAMPLE / "00-town.toml"))
    text = "\n".join(f'[[case]]\nkey = "k{i}"\nby = "刘明山"\nvillage = "龙潭村"\ntype = "邻里"\nsummary = "排水沟"\n'
                     f'parties = ["甲"]\nat = 2021-03-0{i}\n' for i in range(1, 4))
    (tmp_path / "cases.toml").write_text(text, encoding="utf-8")
    loader.load(db, str(tmp_path / "cases.toml"))
    view = cases.register(db, actor="刘明山", village="龙潭村", type="邻里", summary="之后登记", parties=["丙"],
                          at=parse_at("2021-03-09"))
    assert view.number == "(2021)营调字第004号" and view.id == 4  # the id sequence was advanced too
    assert [c.number for c in cases.list_cases(db, year=2021)][-1] == "(2021)营调字第004号"


def test_a_terminal_registering_during_a_load_waits_and_takes_the_next_number(db, db_url):
    """The numbers a batch hands out stay its own until the file commits: a registration at
    another terminal (a second real connection) waits for the load, then numbers after it."""
    import threading

    loader.load(db, str(SAMPLE / "00-town.toml"))
    terminal = Database(db_url)
    written = threading.Event()
    registered: list = []

    def register_elsewhere():
        written.wait(timeout=30)
        registered.append(cases.register(terminal, actor="刘明山", village="龙潭村", type="邻里", summary="另一终端",
                                         parties=["丙"], at=parse_at("2021-03-09")))

    other = threading.Thread(target=register_elsewhere)
    other.start()
    try:
        with db.batch() as batch:
            writer = bulk.CaseWriter(batch.session)
            for day in (1, 2):
                reg = cases.check_registration(type="邻里", summary="导入", parties=["甲"])
                draft = writer.register(reg, actor="刘明山", village="龙潭村", at=parse_at(f"2021-03-0{day}"))
                writer.keep(draft, import_key=f"case:t{day}", source="test")
            writer.flush()
            written.set()
            other.join(timeout=1.5)
            assert not registered  # still waiting for the file's transaction
    finally:
        other.join(timeout=60)
        terminal.dispose()
    assert registered and registered[0].number == "(2021)营调字第003号"
    assert [c.number for c in cases.list_cases(db, year=2021)] == [
        "(2021)营调字第001号", "(2021)营调字第002号", "(2021)营调字第003号"]
