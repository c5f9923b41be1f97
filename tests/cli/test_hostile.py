"""Hostile input as a standing test: the parsers of what people type (dates, amounts, names,
record references, counts, import keys), fed generated text — every refusal is one line
(a ``MediationError``, never another exception), quoting at most 60 characters of the value;
through the command line, exit 1 or 2 with no traceback and the database unchanged.
Seeded (``derandomize``), so CI runs the same examples every time."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from mediation import timeutil, validation
from mediation.errors import MediationError
from tests.conftest import snapshot

RUNS = settings(max_examples=2000, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Text people paste: any character at all, Chinese, digits and the separators the parsers read.
TYPED = st.one_of(st.text(max_size=80), st.text(alphabet="0123456789-年月日.:T /,,¥元eE+", max_size=30),
                  st.text(alphabet=st.characters(min_codepoint=0x4e00, max_codepoint=0x4e80), max_size=10))


def _parsed_or_refused(parse, value):
    """What ``parse`` makes of ``value``, or None when it refused in one line."""
    try:
        return parse(value)
    except MediationError as exc:
        message = str(exc)
        assert "\n" not in message
        assert len(message) < 600, message[:100]
        return None


@RUNS
@given(TYPED)
def test_dates_are_parsed_or_refused_in_one_line(text):
    moment = _parsed_or_refused(timeutil.parse_at, text)
    assert moment is None or 1 <= moment.at.year <= 9999


@RUNS
@given(st.one_of(TYPED, st.integers(), st.floats(allow_nan=True), st.decimals()))
def test_amounts_are_fen_in_range_or_refused(value):
    fen = _parsed_or_refused(validation.amount_fen, value)
    assert fen is None or 0 <= fen <= validation.MOST_FEN


@RUNS
@given(TYPED)
def test_parties_are_clean_or_refused(spec):
    party = _parsed_or_refused(validation.party, spec)
    if party is not None:
        assert party.name and len(party.name) <= validation.MOST_CHARS["name"]
        assert not any(ord(c) < 32 or c == "\x7f" for c in party.name)


@RUNS
@given(st.text(max_size=200_000).filter(lambda t: t.strip() != ""))
def test_texts_keep_their_limits(value):
    kept = _parsed_or_refused(lambda v: validation.clean_text(v, "note", multiline=True), value)
    assert kept is None or (len(kept) <= validation.MOST_CHARS["note"] and "\x00" not in kept)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    from mediation import admin
    from mediation.db import Database

    path = tmp_path_factory.mktemp("hostile") / "m.db"
    db = Database(f"sqlite:///{path}", create=True)
    db.create_schema()
    admin.init_town(db, town="营盘镇", villages=["龙潭村"])
    admin.add_user(db, actor=None, name="王主任", role="town")
    yield db, f"sqlite:///{path}"
    db.dispose()


@settings(max_examples=150, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.sampled_from([
    ["case", "show"], ["case", "list", "--year"], ["case", "list", "--limit"], ["screening", "add", "--village",
                                                                                   "龙潭村", "--mode", "逐个", "--found"],
    ["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "甲", "--party"],
    ["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "甲", "--party", "乙",
     "--at"],
]), st.one_of(TYPED, st.integers().map(str), st.just("9" * 25), st.just("-1"), st.just("")))
def test_the_command_line_refuses_in_one_line_and_changes_nothing(sample_db, args, value):
    db, url = sample_db
    before = snapshot(db)
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "MEDIATION_USER": "王主任"})
    result = runner.invoke(main, ["--db", url, *args, value], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    if result.exit_code != 0:
        assert result.exit_code in (1, 2)
        assert snapshot(db) == before
        if result.exit_code == 1:
            assert len(result.stderr.strip().splitlines()) == 1, result.stderr
