"""Schema upgrades: a database created by release 0.1 (its DDL kept in tests/fixtures) is
brought to the current schema by the migrations, keeps its rows, and then matches the tables
the code defines exactly (Alembic's own comparison) — on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from mediation import migrate
from mediation.db import Database
from tests.conftest import drop_pg_schema, new_pg_schema

FIXTURES = Path(__file__).parent.parent / "fixtures"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """A database with nothing in it at all (PostgreSQL: a scratch schema of its own)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    schema, url = new_pg_schema("mediation_mig")
    try:
        yield url
    finally:
        drop_pg_schema(schema)


def _release_0_1(url: str) -> None:
    """The tables exactly as release 0.1 created them, with a little of its data."""
    _release_0_1_tables(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO town (id, name, abbr, created_at) VALUES (1, '营盘镇', '营', :t)"),
                     {"t": "2021-01-01 00:00:00"})
        conn.execute(text("INSERT INTO village (id, town_id, name) VALUES (1, 1, '龙潭村')"))
        conn.execute(text(
            "INSERT INTO petition (id, town_id, village_id, year, seq, number, petitioner, category, matter, summary,"
            " form, level, state, first_time, received_at, recorded_at, route_deadline, extended_days, reviewed,"
            " final, deadline, last_event_at, version) VALUES (1, 1, 1, 2021, 1, '(2021)营信字第001号', '彭某',"
            " 'request', '户口', '户口迁移', 'visit', 'town', 'not_accepted', :true, :t, :t, :t, 0, :false, :false,"
            " NULL, :t, 2)"), {"t": "2021-03-22 00:00:00", "true": True, "false": False})
        conn.execute(text(
            "INSERT INTO petition_event (id, petition_id, seq, \"trigger\", from_state, to_state, actor, at,"
            " recorded_at, note) VALUES (1, 1, 2, 'reject', 'received', 'not_accepted', '王主任', :t, :t,"
            " '户籍事项属公安机关职责')"), {"t": "2021-03-30 00:00:00"})
        conn.execute(text(
            "INSERT INTO matter (id, town_id, year, seq, number, kind, summary, state, received_at, recorded_at,"
            " decided_at, outcome, deadline, last_event_at, version) VALUES (1, 1, 2021, 1, '(2021)营诉字第001号',"
            " 'litigation', '某诉镇政府', 'judged', :t, :t, :d, 'won', NULL, :d, 3)"),
            {"t": "2021-04-12 00:00:00", "d": "2021-08-20 00:00:00"})
        # events that refer to the tables a migration changes (SQLite must not rebuild them)
        conn.execute(text(
            "INSERT INTO matter_event (id, matter_id, seq, \"trigger\", from_state, to_state, actor, at, recorded_at)"
            " VALUES (1, 1, 1, 'register', NULL, 'served', '王主任', :t, :t)"), {"t": "2021-04-12 00:00:00"})
    engine.dispose()


def _context(conn):
    """Alembic's comparison, leaving out what ``mediation.search`` makes beside the models."""
    from alembic.migration import MigrationContext

    from mediation import search

    return MigrationContext.configure(conn, opts={"include_object": lambda obj, name, *_: not search.owned(name)})


def test_release_0_1_upgrades_to_the_current_schema_and_keeps_its_rows(empty_url):
    from alembic.autogenerate import compare_metadata

    _release_0_1(empty_url)
    db = Database(empty_url)
    assert db.create_schema() == migrate.head()
    with db.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        diffs = compare_metadata(_context(conn), migrate.target_metadata())
        assert diffs == []
        # the reason of a refusal at routing moved from its event's note to the column
        assert conn.execute(text("SELECT refusal FROM petition")).scalar_one() == "户籍事项属公安机关职责"
        served, form = conn.execute(text("SELECT served_at, decision_form FROM matter")).one()
        assert served is not None and form == "judgment"
        # every event carries its record's town (0009)
        for events in ("petition_event", "matter_event"):
            assert conn.execute(text(f"SELECT DISTINCT town_id FROM {events}")).scalars().all() == [1]
    # upgrading again is a no-op; the old rows read through the services
    assert db.create_schema() == migrate.head()
    from mediation import matters, petitions, timeutil

    assert petitions.show(db, petition="(2021)营信字第001号").refusal == "户籍事项属公安机关职责"
    # an old record is found by a two-character word, the last of its search text too (0007, 0008)
    for word in ("迁移", "职责", "彭某"):
        assert [v.number for v in petitions.list_petitions(db, text=word)] == ["(2021)营信字第001号"], word
    judged = matters.show(db, matter="(2021)营诉字第001号")
    assert timeutil.local_date(judged.served_at) == date(2021, 8, 20) and judged.decision_form == "judgment"
    db.dispose()


def test_a_new_database_is_created_at_the_newest_revision(empty_url):
    from alembic.autogenerate import compare_metadata

    db = Database(empty_url, create=True)
    assert db.create_schema() == migrate.head()
    with db.engine.connect() as conn:
        assert migrate.current(conn) == migrate.head()
        assert compare_metadata(_context(conn), migrate.target_metadata()) == []
    db.dispose()


def test_the_terminal_names_the_upgrade_and_runs_it(empty_url):
    """An older database is refused with one line naming `mediation upgrade`, which works."""
    from click.testing import CliRunner

    from cli import main

    _release_0_1(empty_url)
    runner = CliRunner(env={"NO_COLOR": "1"})
    result = runner.invoke(main, ["--db", empty_url, "matter", "list"])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1 and "mediation upgrade" in result.stderr
    result = runner.invoke(main, ["--db", empty_url, "upgrade"])
    assert result.exit_code == 0 and "0001 → " + migrate.head() in result.stdout
    result = runner.invoke(main, ["--db", empty_url, "matter", "list", "--json"])
    assert result.exit_code == 0 and '"(2021)营诉字第001号"' in result.stdout
    assert "up to date" in runner.invoke(main, ["--db", empty_url, "upgrade"]).stdout


def test_the_revisions_this_release_knows_are_its_migrations():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate._config(None))
    walked = [rev.revision for rev in script.walk_revisions()][::-1]
    assert tuple(walked) == migrate.KNOWN and migrate.HEAD == migrate.head()


def test_a_newer_database_is_refused_by_every_command_and_by_upgrade(empty_url):
    from click.testing import CliRunner

    from cli import main

    db = Database(empty_url, create=True)
    db.create_schema()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    db.dispose()
    runner = CliRunner(env={"NO_COLOR": "1"})
    for args in (["case", "list"], ["report", "annual", "2021"], ["upgrade"], ["init", "--town", "营盘镇"]):
        result = runner.invoke(main, ["--db", empty_url, *args])
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.count("\n") == 1 and "newer release (schema revision 0099)" in result.stderr


def _release_0_1_sample(url: str, tmp_path) -> None:
    """The 2021 sample as release 0.1 loaded it (its database kept in tests/fixtures), at ``url``:
    the file itself on SQLite; on PostgreSQL release 0.1's tables with the file's rows copied in."""
    import gzip
    import shutil

    from sqlalchemy import MetaData

    packed = FIXTURES / "release-0.1-sample-2021.db.gz"
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        with gzip.open(packed) as src, open(url.split(":///", 1)[1], "wb") as dst:
            shutil.copyfileobj(src, dst)
        return
    local = tmp_path / "release-0.1.db"
    with gzip.open(packed) as src, open(local, "wb") as dst:
        shutil.copyfileobj(src, dst)
    _release_0_1_tables(url)
    old, new = MetaData(), MetaData()
    source = create_engine(f"sqlite:///{local}")
    old.reflect(source)
    new.reflect(engine)
    with source.connect() as read, engine.begin() as write:
        for table in new.sorted_tables:
            rows = [dict(r) for r in read.execute(old.tables[table.name].select()).mappings()]
            if rows:
                write.execute(table.insert(), rows)
            if "id" in table.c:
                write.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                      f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))")
    source.dispose()
    engine.dispose()


def _release_0_1_tables(url: str) -> None:
    engine = create_engine(url)
    ddl = (FIXTURES / f"release-0.1-{engine.dialect.name}.sql").read_text()
    with engine.begin() as conn:
        for statement in ddl.split(";"):
            if statement.strip():
                conn.exec_driver_sql(statement)
    engine.dispose()


def test_release_0_1s_sample_database_upgrades_and_gives_the_same_2021_report(empty_url, tmp_path):
    """What a town running release 0.1 has: its 2021 data, loaded by that release. After
    `upgrade` the report is the one release 0.1 printed, but for what this release's rules
    changed on purpose, and the events written by release 0.1 verify as one chain."""
    import json

    from click.testing import CliRunner

    from cli import main
    from mediation import audit

    _release_0_1_sample(empty_url, tmp_path)
    runner = CliRunner(env={"NO_COLOR": "1"})
    refused = runner.invoke(main, ["--db", empty_url, "report", "annual", "2021", "--json"])
    assert refused.exit_code == 1 and "mediation upgrade" in refused.stderr
    assert runner.invoke(main, ["--db", empty_url, "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["--db", empty_url, "report", "annual", "2021", "--json"])
    assert result.exit_code == 0, result.output
    now, then = json.loads(result.stdout), json.loads((FIXTURES / "release-0.1-report-2021.json").read_text())
    # What this release counts differently, on purpose:
    # - 社区矫正 ends with the term: 雷宝山's ended in 2020 and release 0.1 still counted him in 2021;
    assert (then["corrections"]["subjects"], now["corrections"]["subjects"]) == (35, 34)
    assert (then["corrections"]["employed"], now["corrections"]["employed"]) == (33, 32)
    assert now["corrections"]["employment_rate"] == "94.1%"
    # - new figures: declined mediations and group visits (none in release 0.1's data);
    assert now["disputes"].pop("declined") == 0 and now["petitions"].pop("representatives_groups") == 0
    # - steps taken after their deadline (release 0.1 did not mark them, so none are counted);
    assert now.pop("late_steps") == {"petitions": 0, "reconsideration": 0, "litigation": 0}
    # - the period the figures are of (a month's and a quarter's report have theirs too);
    assert now.pop("period") == {"from": "2021-01-01", "to": "2021-12-31"}
    # - the summary says 收到 for petitions received, 受理 for the accepted.
    assert "收到群众信访12件" in now["summary_zh"] and "依法受理6件" in now["summary_zh"]
    for key in ("corrections", "summary_zh"):
        now.pop(key), then.pop(key)
    assert now == then
    db = Database(empty_url)
    assert audit.verify(db).ok
    db.dispose()


def test_0008_makes_the_texts_of_0007_findable_by_two_characters_and_goes_back(empty_url):
    """A database at 0007 (search texts without their closing space, no FTS5 vocabulary) is
    brought to 0008 and back."""
    from alembic import command

    from mediation import cases, timeutil

    db = Database(empty_url, create=True)
    db.create_schema()
    from mediation import admin
    admin.init_town(db, town="营盘镇", villages=["龙潭村"], actor=None)
    admin.add_user(db, actor=None, name="刘调解", role="mediator", village="龙潭村")
    cases.register(db, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟堵塞", parties=["孙秀英"],
                   at=timeutil.parse_at("2021-03-02"))
    with db.engine.begin() as conn:
        command.downgrade(migrate._config(conn), "0007")
        assert conn.execute(text("SELECT search FROM dispute_case")).scalar_one().endswith("|")
    assert db.create_schema() == migrate.head()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT search FROM dispute_case")).scalar_one().endswith("| ")
    for word in ("堵塞", "秀英", "sxy"):
        assert [v.summary for v in cases.list_cases(db, text=word)] == ["排水沟堵塞"], word
    db.dispose()
