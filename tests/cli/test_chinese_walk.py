"""Chinese all the way (issue "The office's day and month"): the demo and a walk through the
registers under zh_CN at an 80-column terminal say no English word — beside the commands they
suggest (which are typed as they are) and the numbers and ids the user typed."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from cli import main

WALK = [("case", "list", "--village", "龙潭村"), ("case", "show", "1"), ("case", "next", "5"), ("petition", "list"),
        ("petition", "show", "1"), ("petition", "show", "2"), ("petition", "next", "2"), ("review",),
        ("agenda", "--days", "30"), ("user", "list"), ("report", "month", "2021-03"), ("matter", "list", "--year", "2021"),
        ("subject", "list"), ("log", "--from", "2021-01-01", "--limit", "20")]


def _english(text: str) -> list[str]:
    """The English words of a screen, leaving out the lines that show a command (``mediation …``,
    an option, a variable to export) or a file's path."""
    words = []
    for line in text.splitlines():
        if "mediation" in line or "--" in line or "export " in line or "/" in line and ".db" in line:
            continue
        words += re.findall(r"[A-Za-z_]{3,}", line)
    return words


@pytest.mark.parametrize("width", [80])
def test_the_demo_and_a_walk_say_no_english_word(tmp_path, width):
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": str(width), "LANG": "zh_CN.UTF-8", "LANGUAGE": None,
                            "LC_ALL": None, "LC_MESSAGES": None, "MEDIATION_USER": None})
    db = str(tmp_path / "demo.db")
    demo = runner.invoke(main, ["demo", "--out", db], catch_exceptions=False)
    assert demo.exit_code == 0, demo.output
    seen = {"demo": _english(demo.output)}
    for args in WALK:
        result = runner.invoke(main, ["--db", db, "--as", "王主任", *args], catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        seen[" ".join(args)] = _english(result.output)
    assert {k: v for k, v in seen.items() if v} == {}
