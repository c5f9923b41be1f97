from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import main
from tests.conftest import from_template


class Run:
    """Invoke ``mediation`` against one database, as a script would (no TTY, NO_COLOR)."""

    def __init__(self, db_url: str, lang: str = "C.UTF-8"):
        self.db_url = db_url
        self.runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "MEDIATION_USER": None, "LANG": lang,
                                     "LANGUAGE": None, "LC_ALL": None, "LC_MESSAGES": None})

    def speaking(self, lang: str) -> Run:
        """The same database, at a terminal in another language (``zh_CN.UTF-8``)."""
        return Run(self.db_url, lang)

    def __call__(self, *args: str, user: str | None = None, input: str | None = None):
        head = ["--db", self.db_url] + (["--as", user] if user else [])
        return self.runner.invoke(main, head + list(args), input=input, catch_exceptions=False)

    def ok(self, *args: str, **kw):
        result = self(*args, **kw)
        assert result.exit_code == 0, result.output
        return result

    def json(self, *args: str, **kw):
        return json.loads(self.ok(*args, "--json", **kw).stdout)

    def refused(self, *args: str, match: str, **kw):
        result = self(*args, **kw)
        assert result.exit_code == 1, result.output
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(("Error: ", "错误:")), result.stderr
        assert match in lines[0], lines[0]
        assert "Traceback" not in result.output
        return result


def _town(url: str) -> None:
    r = Run(url)
    r.ok("init", "--town", "营盘镇", "--village", "龙潭村", "--village", "朱家湾村")
    r.ok("user", "add", "王主任", "--role", "town")
    r.ok("user", "add", "刘调解", "--role", "mediator", "--village", "龙潭村", user="王主任")
    r.ok("user", "add", "周调解", "--role", "mediator", "--village", "朱家湾村", user="王主任")


@pytest.fixture
def run(db_url):
    """营盘镇 made at the command line (``init``, three users), copied from the run's template."""
    from_template(db_url, "cli_town", _town)
    return Run(db_url)
