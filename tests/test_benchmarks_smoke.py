"""`benchmarks/run.py` works (a tiny run); its timings are not judged here (issue 5: benchmarks
print figures, they are not pass/fail tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PG_URL, _pg_schema_url

ROOT = Path(__file__).resolve().parent.parent
FIGURES = {"cold_help", "cold_write", "report_annual[sqlite]", "transition_rate[sqlite]", "load_rate[sqlite]",
           "search[sqlite]", "search_page[sqlite]", "search_initials[sqlite]", "search_word[sqlite]",
           "shell_show", "shell_list", "shell_next", "shell_search", "ledger_xlsx"}


def _run(*extra: str) -> dict:
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--scale", "1000", "--runs", "1",
           "--load-records", "12", "--transitions", "6", "--json", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600,
                         env={**os.environ, "NO_COLOR": "1"})
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout)


def _check(doc: dict, names: set[str]) -> None:
    got = {f["name"]: f for f in doc["figures"]}
    assert names <= set(got), sorted(got)
    for f in got.values():
        assert f["value"] > 0 and f["floor"] > 0 and f["ratio"] == pytest.approx(f["value"] / f["floor"], rel=1e-2)
    assert got["report_annual[sqlite]"]["peak_rss_mb"] > 0 and got["load_rate[sqlite]"]["records"] == 12
    assert all(f["floor"] > 0 and f["ratio_median"] > 0 and "–" in f["spread"]
               for name, f in got.items() if name.startswith("transition_rate"))
    assert got["cold_write"]["cpu_ms"] > 0 and got["cold_write"]["cpu_ratio"] > 0


def test_the_benchmark_runs_on_sqlite():
    _check(_run(), FIGURES)
    only = {f["name"] for f in _run("--only", "search")["figures"]}
    assert only == {"search[sqlite]", "search_page[sqlite]", "search_initials[sqlite]", "search_word[sqlite]"}


@pytest.mark.postgres
def test_the_benchmark_runs_on_postgresql():
    _pg_schema_url()  # skips, or fails under CI, when the server is unreachable
    from sqlalchemy import create_engine, text

    def bench_schemas():
        engine = create_engine(PG_URL)
        with engine.connect() as c:
            names = set(c.execute(text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'mediation_bench%'"))
                        .scalars())
        engine.dispose()
        return names

    before = bench_schemas()
    _check(_run("--db", PG_URL), FIGURES | {"report_annual[postgresql]", "report_login[postgresql]",
                                            "search[postgresql]", "search_word[postgresql]",
                                            "transition_rate[postgresql]",
                                            "load_rate[postgresql]"})
    assert bench_schemas() == before  # the run cleans up after itself
