"""load and report annual from the terminal."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from click.testing import CliRunner

from cli import main

SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021")


def test_load_then_report_in_every_format(tmp_path):
    db = str(tmp_path / "town.db")
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"})
    loaded = runner.invoke(main, ["--db", db, "load", SAMPLE, "--json"])
    assert loaded.exit_code == 0, loaded.output
    assert sum(sum(f["loaded"].values()) for f in json.loads(loaded.stdout)) > 150
    again = runner.invoke(main, ["--db", db, "load", SAMPLE])
    assert again.exit_code == 0 and "already loaded" in again.stdout

    as_json = json.loads(runner.invoke(main, ["--db", db, "report", "annual", "2021", "--json"]).stdout)
    assert as_json == json.loads(runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "json"]).stdout)
    assert as_json["administrative_mediation"] == 4 and as_json["corrections"]["employment_rate"] == "94.2%"
    table = runner.invoke(main, ["--db", db, "report", "annual", "2021"])
    assert table.exit_code == 0 and "94.2%" in table.stdout and "\x1b[" not in table.stdout
    rows = {r["key"]: r["数值"] for r in csv.DictReader(io.StringIO(
        runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "csv"]).stdout))}
    assert rows["administrative_litigation"] == "1" and rows["corrections.subjects"] == "35"
    out = tmp_path / "totals.xlsx"
    made = runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "xlsx", "--out", str(out)])
    assert made.exit_code == 0 and out.stat().st_size > 0 and made.stdout == ""
    from openpyxl import load_workbook
    assert load_workbook(out)["汇总"]["A1"].value.startswith("营盘镇2021")
    md = tmp_path / "r.md"
    assert runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "md", "--out", str(md)]).exit_code == 0
    assert "无行政复议事项发生" in md.read_text(encoding="utf-8")


def test_report_refusals(tmp_path):
    db = str(tmp_path / "town.db")
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村"])
    future = runner.invoke(main, ["--db", db, "report", "annual", "2099"])
    assert future.exit_code == 1 and "future" in future.stderr
    empty = json.loads(runner.invoke(main, ["--db", db, "report", "annual", "2020", "--json"]).stdout)
    assert empty["disputes"]["registered"] == 0
    xlsx = runner.invoke(main, ["--db", db, "report", "annual", "2020", "--format", "xlsx"])
    assert xlsx.exit_code == 2 and "--out" in xlsx.stderr
    for fmt in ("xlsx", "csv", "docx"):  # a place that cannot be written: one line, no traceback
        nowhere = runner.invoke(main, ["--db", db, "report", "annual", "2020", "--format", fmt, "--out",
                                       str(tmp_path / "none" / f"r.{fmt}")])
        assert nowhere.exit_code == 1 and "cannot use the file" in nowhere.stderr
        assert len(nowhere.stderr.strip().splitlines()) == 1


def test_a_bad_import_file_lists_every_problem_and_exits_1(tmp_path):
    db = str(tmp_path / "town.db")
    bad = tmp_path / "bad.toml"
    bad.write_text('[[case]]\nkey = "x"\nvillage = "龙潭村"\ntype = "吵架"\nparties = ["张三,110105194912310021"]\n'
                   'at = 2021-03-02\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", db, "load", str(bad)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "Error: 3 problem(s) found; nothing was loaded"
    assert "bad.toml: case 1 (key x): summary: required" in lines
    assert any("parties[0].id_number" in line for line in lines) and any("type:" in line for line in lines)


def test_a_csv_file_opens_in_chinese_excel(tmp_path):
    """UTF-8 with a byte-order mark by default (Excel reads a bare UTF-8 CSV as the local code
    page), or GBK on request."""
    from click.testing import CliRunner

    from cli import main

    runner = CliRunner()
    db = str(tmp_path / "r.db")
    runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村"])
    utf8, gbk = tmp_path / "r.csv", tmp_path / "r-gbk.csv"
    made = runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "csv", "--out", str(utf8)])
    assert made.exit_code == 0
    assert utf8.read_bytes().startswith(b"\xef\xbb\xbf") and "营盘镇" in utf8.read_text(encoding="utf-8-sig")
    result = runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "csv", "--out", str(gbk),
                                  "--encoding", "gbk"])
    assert result.exit_code == 0 and "营盘镇" in gbk.read_bytes().decode("gbk")


def test_a_mediators_report_is_their_villages(tmp_path):
    """A mediator named with --as gets their village's figures, as their own login would on a
    shared server: the town report's 龙潭村 column, no town-level 复议/应诉."""
    db = str(tmp_path / "town.db")
    runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"})
    assert runner.invoke(main, ["--db", db, "load", SAMPLE]).exit_code == 0
    town = json.loads(runner.invoke(main, ["--db", db, "report", "annual", "2021", "--json"]).stdout)
    mine = json.loads(runner.invoke(main, ["--db", db, "--as", "刘明山", "report", "annual", "2021", "--json"]).stdout)
    assert mine["disputes"]["registered"] == town["disputes"]["by_village"]["龙潭村"] > 0
    assert list(mine["disputes"]["by_village"]) == ["龙潭村"]
    assert mine["administrative_litigation"] == 0 and mine["town"].endswith("龙潭村")
    assert mine["disputes"]["resolved"] <= town["disputes"]["resolved"]
    assert mine["petitions"]["received"] <= town["petitions"]["received"]
    office = json.loads(runner.invoke(main, ["--db", db, "--as", "王主任", "report", "annual", "2021", "--json"]).stdout)
    assert office == town


def test_a_month_a_quarter_and_a_range_at_the_command_line(db_url):
    from tests.cli.conftest import Run
    from tests.conftest import _sample, from_template

    from_template(db_url, "sample", _sample)
    run = Run(db_url)
    march = run.json("report", "month", "2021年3月")
    listed = run.json("case", "list", "--from", "2021-03-01", "--to", "2021年3月31日", user="王主任")
    assert march["period"] == {"from": "2021-03-01", "to": "2021-03-31"}
    assert march["disputes"]["registered"] == len(listed) > 0
    assert march["summary_zh"].startswith("本月")
    q1 = run.json("report", "quarter", "2021Q1")
    assert run.json("report", "period", "--from", "2021-01-01", "--to", "2021-03-31")["disputes"] == q1["disputes"]
    shown = run.ok("report", "quarter", "2021年第一季度").stdout
    assert "2021年第1季度统计" in shown
    run.refused("report", "month", "2021-13", match="not a month")
    run.refused("report", "quarter", "2021Q5", match="not a quarter")
    run.refused("case", "list", "--from", "2021-04-01", "--to", "2021-03-01", user="王主任", match="comes after")
