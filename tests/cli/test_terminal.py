"""Readable at 80 columns: every table of the demo and of the registers keeps each Chinese
word, number and date whole on one line, and nothing runs past the edge; internal values
never reach the screen; relative times read as people say them."""

from __future__ import annotations

import json
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.cells import cell_len

from cli import main
from cli.output import waited, wrap_cjk
from mediation import timeutil
from workflows import config
from workflows.dispute import STATE_LABELS, TRIGGER_LABELS
from workflows.petition import STATE_LABELS as PETITION_STATES

SAMPLE = Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021"


# the labels of the show views and tables: in Chinese, these too must stay whole
LABELS = ("number", "village or community", "apply for judicial confirmation by", "follow-up visit",
          "overdue or due within three days", "escalations to approve", "petitions to route", "months of zero reports",
          "full identity seen by", "closed for good after the recheck", "accepted by the reconsideration body",
          "term over, due for release", "not accepted because", "first-time petition", "linked case")


@pytest.fixture(scope="module", params=["C.UTF-8", "zh_CN.UTF-8"])
def shown(tmp_path_factory, request):
    """What a person sees at an 80-column terminal: the demo, the lists and every case, in
    English and in Chinese (the labels differ in width)."""
    import gettext

    from workflows.i18n import DOMAIN, LOCALEDIR

    db = str(tmp_path_factory.mktemp("terminal") / "demo.db")
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80", "MEDIATION_USER": None, "LANG": request.param})

    def out(*args: str) -> str:
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.stdout

    screens = {"demo": out("demo", "--out", db)}
    for args in (["case", "list"], ["petition", "list"], ["matter", "list"], ["subject", "list"],
                 ["screening", "list"], ["user", "list"], ["--as", "王主任", "review"]):
        screens[" ".join(args)] = out("--db", db, *args)
    cases = json.loads(out("--db", db, "case", "list", "--json"))
    for c in cases:
        screens[f"case show {c['number']}"] = out("--db", db, "case", "show", c["number"])
    for p in json.loads(out("--db", db, "petition", "list", "--json")):
        screens[f"petition show {p['number']}"] = out("--db", db, "petition", "show", p["number"])
    words = {c["number"] for c in cases} | set(config.DISPUTE_TYPES) | set(STATE_LABELS.values())
    words |= set(PETITION_STATES.values()) | {v for v in TRIGGER_LABELS.values() if "/" not in v}
    words |= {c["village"] for c in cases}
    words |= set(re.findall(r"\d{4}-\d{2}-\d{2}", "".join(screens.values())))
    if request.param.startswith("zh"):
        chinese = gettext.translation(DOMAIN, LOCALEDIR, languages=["zh_CN"]).gettext
        words |= {chinese(label) for label in LABELS}
        assert "编号" in screens["case list"] and "当事人" in screens["case show (2021)营调字第001号"]
    return screens, words


def test_nothing_runs_past_80_columns(shown):
    screens, _ = shown
    for name, text in screens.items():
        for line in text.splitlines():
            if "demo.db" not in line:  # the database's path is printed whole, to be copied
                assert cell_len(line) <= 80, (name, line)


def test_every_word_number_and_date_stays_whole(shown):
    screens, words = shown
    for name, text in screens.items():
        joined = re.sub(r"\s+", "", text)
        for word in words:
            if word in joined:  # shown somewhere: then on one line, not split across two
                assert word in text, (name, word)


def test_no_internal_value_and_no_ellipsis_in_the_lists(shown):
    screens, _ = shown
    for name, text in screens.items():
        assert "amount_fen" not in text and "_fen" not in text, name
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", text), name  # a day as people write it, not an ISO instant
    for name in ("case list", "petition list", "user list"):
        assert "…" not in screens[name], (name, screens[name][:400])
    assert "协议金额=" in screens["case show (2021)营调字第001号"]


def test_prose_wraps_after_punctuation_and_never_inside_a_number():
    summary = "全年排查登记矛盾纠纷65件,调解成功56件,调解成功率93.3%(其中书面协议40件、口头协议16件,涉及金额546,900.00元)。"
    for width in (20, 40, 60, 80):
        lines = wrap_cjk(summary, width)
        assert "".join(lines) == summary
        assert all(cell_len(line) <= width for line in lines)
        assert all(n in "".join(lines) and any(n in line for line in lines) for n in ("93.3%", "546,900.00"))
    assert wrap_cjk(summary, 40)[0].endswith(",")


def test_relative_times_read_naturally(monkeypatch):
    now = timeutil.now()
    assert waited(now - timedelta(days=6 * 365 + 3)) == "waited 6 years"
    assert waited(now - timedelta(days=31)) == "waited 1 month"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert waited(now - timedelta(days=6 * 365 + 3)) == "已等待6年"
    assert waited(now - timedelta(days=65)) == "已等待2个月"
    assert waited(now - timedelta(days=3, hours=2)) == "已等待3天"


def test_a_reader_who_leaves_early_gets_no_error_line(tmp_path):
    """`mediation case list | head -3`: the pipe closes under the command's feet; it stops
    without a word on stderr (neither ours nor Python's at exit)."""
    import shlex
    import subprocess
    import sys

    db = str(tmp_path / "demo.db")
    assert CliRunner().invoke(main, ["demo", "--out", db]).exit_code == 0
    command = f"{shlex.quote(sys.executable)} -m cli --db {shlex.quote(db)} case list"
    for _ in range(3):  # the break comes wherever the reader leaves: try a few times
        piped = subprocess.run(["bash", "-c", f"set -o pipefail; {command} | head -3"], capture_output=True,
                               text=True, env={**os.environ, "COLUMNS": "80"})
        assert "number" in piped.stdout and piped.stderr == "", piped.stderr
