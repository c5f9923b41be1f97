"""Backups on SQLite (online backup API) and PostgreSQL (pg_dump / pg_restore): the round trip
gives the same report and a clean audit; a backup taken while an import runs holds all of it
or none of it; refusals change nothing."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from mediation import attachments, audit, backup, cases, loader, report
from mediation.errors import DatabaseError, InvalidValue, NotFound, PermissionDenied
from tests.conftest import refused
from tests.mediation.test_loader import SETUP, _cases_file, write

SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021")


def _report(db):
    return report.annual(db, year=2021, as_of=date(2021, 12, 31)).to_json()


def _count(db) -> int:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM dispute_case")).scalar()


def test_a_round_trip_gives_the_same_report_and_a_clean_audit(db, tmp_path):
    loader.load(db, SAMPLE)
    before = _report(db)
    first = cases.show(db, case="(2021)营调字第001号")
    scan = tmp_path / "协议书扫描.pdf"
    scan.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")  # every byte value, kept as it is
    attachments.attach(db, actor="王主任", case=first.number, path=str(scan), kind="scan")
    first = cases.show(db, case=first.number)
    copy = backup.backup(db, str(tmp_path / "copy.db"), actor="王主任")
    assert copy.size > 0 and Path(copy.path).stat().st_mode & 0o777 == 0o600
    # work goes on after the backup …
    assert cases.fire(db, actor="王主任", case=first.number, trigger="reopen", note="又起争执").state == "triaged"
    late = cases.register(db, actor="王主任", village="龙潭村", type="邻里", summary="新纠纷", parties=["甲"])
    # … and the restore takes the database back to the moment of the backup
    backup.restore(db, copy.path, actor="王主任")
    assert _report(db) == before and audit.verify(db).ok
    assert cases.show(db, case=first.number).state == first.state
    back = tmp_path / "back.pdf"
    attachments.save(db, actor="王主任", case=first.number, n=1, path=str(back))  # the scan came back with the rest
    assert back.read_bytes() == scan.read_bytes()
    with pytest.raises(NotFound):
        cases.show(db, case=late.number)


def test_a_backup_during_an_import_holds_all_of_it_or_none(db, tmp_path):
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    loader.load(db, write(tmp_path, "first.toml", _cases_file("F", 20)))
    big = write(tmp_path, "big.toml", _cases_file("B", 1500))
    started, taken = threading.Event(), threading.Event()
    outcome: list = []

    def progress(_n: int) -> None:
        if not started.is_set():
            started.set()
            taken.wait(timeout=60)  # the import is mid-transaction while the copy is taken

    def run() -> None:
        try:
            outcome.append(loader.load(db, big, progress=progress))
        except Exception as exc:  # noqa: BLE001 - reported below
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(timeout=60)
        copy = backup.backup(db, str(tmp_path / "during.db"), actor="王主任")
    finally:
        taken.set()
        worker.join(timeout=120)
    assert outcome and not isinstance(outcome[0], Exception), outcome
    assert _count(db) == 1520
    backup.restore(db, copy.path, actor="王主任")
    assert _count(db) == 20 and audit.verify(db).ok  # the copy holds none of the running import


def test_refusals_change_nothing(db, tmp_path):
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    existing = tmp_path / "exists.db"
    existing.write_bytes(b"x")
    refused(db, InvalidValue, "exists", backup.backup, db, str(existing), actor="王主任")
    refused(db, PermissionDenied, "town or county", backup.backup, db, str(tmp_path / "b.db"), actor="刘调解")
    refused(db, InvalidValue, "no backup file", backup.restore, db, str(tmp_path / "none.db"), actor="王主任")
    if db.dialect == "sqlite":
        refused(db, InvalidValue, "not a", backup.restore, db, str(existing), actor="王主任")


def test_the_terminal_asks_before_restoring(db, db_url, tmp_path):
    from click.testing import CliRunner

    from cli import main

    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    runner = CliRunner(env={"NO_COLOR": "1"})
    target = str(tmp_path / "t.db")
    made = runner.invoke(main, ["--db", db_url, "--as", "王主任", "backup", target])
    assert made.exit_code == 0 and "backed up to" in made.stdout
    piped = runner.invoke(main, ["--db", db_url, "--as", "王主任", "restore", target])
    assert piped.exit_code == 2 and "--yes" in piped.stderr
    done = runner.invoke(main, ["--db", db_url, "--as", "王主任", "restore", target, "--yes"])
    assert done.exit_code == 0 and "restored" in done.stdout


def test_without_pg_dump_the_refusal_says_what_to_run(db, tmp_path, monkeypatch):
    if db.dialect != "postgresql":
        pytest.skip("the PostgreSQL tools only")
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    target = tmp_path / "x.dump"
    with pytest.raises(DatabaseError) as err:
        backup.backup(db, str(target), actor="王主任")
    message = str(err.value)
    assert "pg_dump --format=custom" in message and "--schema=" in message and not target.exists()


def test_an_unwritable_place_is_one_line_not_a_traceback(db, tmp_path):
    import os

    from mediation.db import Database
    from mediation.errors import DatabaseError

    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    refused(db, InvalidValue, "cannot write .*b.db: Not a directory", backup.backup, db, str(blocked / "sub" / "b.db"), actor="王主任")
    with pytest.raises(DatabaseError, match="cannot create the database"):
        Database(str(blocked / "sub" / "m.db"), create=True)
    assert os.path.isfile(blocked)
