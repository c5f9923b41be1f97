"""The year-end totals over the 2021 sample reproduce the town's own report, on both engines;
every figure is checked against an independent count over the raw rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from mediation import loader, report, report_formats
from mediation.errors import InvalidValue
from tests.conftest import drop_pg_schema, new_pg_schema
from tests.mediation.report_check import compare, expected

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = str(ROOT / "sample_cases" / "yingpan-2021")


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def sample(request, tmp_path_factory):
    """The 2021 sample, loaded once per engine for this module (read only)."""
    from mediation.db import Database

    if request.param == "sqlite":
        schema, url = None, f"sqlite:///{tmp_path_factory.mktemp('report') / 'sample.db'}"
    else:
        schema, url = new_pg_schema("mediation_report")
    db = Database(url, create=True)
    loader.load(db, SAMPLE)
    yield db
    db.dispose()
    if schema:
        drop_pg_schema(schema)


def test_the_sample_reproduces_the_2021_report(sample):
    r = report.annual(sample, year=2021, as_of=date(2021, 11, 30)).to_json()
    assert (r["administrative_mediation"], r["administrative_litigation"], r["administrative_reconsideration"]) == (4, 1, 0)
    assert r["corrections"]["subjects"] == 35 and r["corrections"]["employed"] == 33
    assert r["corrections"]["employment_rate"] == "94.2%"
    assert r["corrections"]["rule"] == "(employed + self_employed) / subjects, truncated to 0.1%"
    assert "全年行政调解案件4件,行政应诉案件1件,无行政复议事项发生。" in r["summary_zh"]
    assert r["summary_zh"].endswith("截止2021年11月,全镇35名社区矫正和刑满释放对象创业就业率达到94.2%。")
    assert r["as_of"] == "2021-11-30" and r["town"] == "营盘镇" and r["year"] == 2021


@pytest.mark.parametrize("as_of", [date(2021, 12, 31), date(2021, 11, 30), date(2021, 6, 30), date(2021, 1, 31)])
def test_every_figure_matches_an_independent_count(sample, as_of):
    r = report.annual(sample, year=2021, as_of=as_of).to_json()
    compare(r, expected(sample, 2021, as_of))


def test_the_sample_covers_what_the_report_counts(sample):
    d = report.annual(sample, year=2021).to_json()["disputes"]
    assert d["registered"] >= 60 and all(n > 0 for n in d["by_type"].values())
    assert all(n > 0 for n in d["resolved_by_line"].values())
    assert d["escalated"] and d["redirected"] and d["terminated"] and d["reopened"] and d["judicial_confirmations"]
    assert d["agreements"]["written"] and d["agreements"]["oral"] and d["agreements"]["amount"] != "0.00"
    s = report.annual(sample, year=2021).screening
    assert all(n > 0 for n in s["by_mode"].values()) and s["zero_reports"] > 0


def test_csv_and_xlsx_read_back_equal_the_json(sample, tmp_path):
    r = report.annual(sample, year=2021)
    flat = dict(report_formats.flatten(r))
    assert flat["administrative_litigation"] == "1" and flat["disputes.by_type.邻里"] == str(r.disputes["by_type"]["邻里"])
    from_csv = {row["key"]: row["value"] for row in csv.DictReader(io.StringIO(report_formats.to_csv(r)))}
    assert from_csv == flat
    path = str(tmp_path / "totals.xlsx")
    report_formats.write_xlsx(r, path)
    from openpyxl import load_workbook
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "分类统计"]
    from_xlsx = {str(k): str(v) for k, v in wb["汇总"].iter_rows(min_row=3, values_only=True)}
    assert from_xlsx == flat
    matrix = list(wb["分类统计"].iter_rows(values_only=True))
    assert matrix[0][0] == "村(社区)" and len(matrix[0]) == 17
    assert matrix[-1][-1] == r.disputes["registered"]
    for row in matrix[1:-1]:
        assert row[-1] == r.disputes["by_village"][row[0]]
    md = report_formats.to_markdown(r)
    assert r.summary_zh in md and "| 村(社区) |" in md


def test_a_year_without_data_is_zeros_and_the_future_is_refused(sample):
    empty = report.annual(sample, year=2019).to_json()
    assert empty["disputes"]["registered"] == 0 and empty["disputes"]["success_rate"] == 0.0
    assert empty["disputes"]["agreements"]["amount"] == "0.00"
    assert "全年无行政调解案件" in empty["summary_zh"]
    with pytest.raises(InvalidValue, match="future"):
        report.annual(sample, year=2099)
    with pytest.raises(InvalidValue, match="must be a date in 2021"):
        report.annual(sample, year=2021, as_of=date(2022, 1, 5))


def test_the_same_year_and_date_give_the_same_figures(sample):
    a = report.annual(sample, year=2021, as_of=date(2021, 9, 30)).to_json()
    b = report.annual(sample, year=2021, as_of=date(2021, 9, 30)).to_json()
    assert a == b
