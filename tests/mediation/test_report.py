"""The year-end totals over the 2021 sample reproduce the town's own report, on both engines;
every figure is checked against an independent count over the raw rows."""

from __future__ import annotations

import csv
import io
import re
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


def _flatten(data: dict, prefix: str = ""):
    """Every figure of the JSON with its dotted key (``disputes.by_type.邻里``): what the formats
    must each say once."""
    for key, value in data.items():
        if key == "by_village_type":
            continue
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield path, str(value)


def test_csv_and_xlsx_read_back_equal_the_json(sample, tmp_path):
    r = report.annual(sample, year=2021)
    flat = dict(_flatten(r.to_json()))
    labelled = [row for _, rows in report_formats.sections(r) for row in rows]
    # Every figure of the JSON is said once, in Chinese, in the report's order.
    # (the head, not figures; and the rule as scripts read it: the Chinese formats say rule_zh)
    header = ("year", "town", "as_of", "period.from", "period.to", "summary_zh", "corrections.rule")
    assert sorted(row.key for row in labelled) == sorted(k for k in flat if k not in header)
    assert all(not row.label.isascii() for row in labelled)
    from_csv = {row["key"]: row["数值"] for row in csv.DictReader(io.StringIO(report_formats.to_csv(r)))}
    for row in labelled:
        if row.kind == "percent":
            assert from_csv[row.key].endswith("%")
        else:
            assert from_csv[row.key] == flat[row.key], row.key
    assert from_csv["disputes.success_rate"] == "93.3%" and from_csv["corrections.employment_rate"] == "94.2%"

    path = str(tmp_path / "totals.xlsx")
    report_formats.write_xlsx(r, path)
    from openpyxl import load_workbook
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "信访", "三线管控", "分类统计"]
    dotted = re.compile(r"^[a-z_]+(\.[\w_]+)+$")
    looks_numeric = re.compile(r"^[\d.,%¥-]+$")
    for sheet in wb:
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    assert not dotted.match(cell.value), (sheet.title, cell.coordinate, cell.value)
                    assert not looks_numeric.match(cell.value), (sheet.title, cell.coordinate, cell.value)
    summary = wb["汇总"]
    figures = {row[0].value: row[1] for row in summary.iter_rows() if row[0].value and row[1].value is not None}
    assert figures["登记纠纷"].value == r.disputes["registered"] and figures["行政应诉"].value == 1
    assert figures["调解成功率"].value == pytest.approx(0.9333) and figures["调解成功率"].number_format == "0.0%"
    assert figures["创业就业率"].value == pytest.approx(0.942) and figures["创业就业率"].number_format == "0.0%"
    assert figures["协议金额(元)"].value == pytest.approx(546900.0) and figures["协议金额(元)"].number_format == "#,##0.00"
    assert figures["截止日期"].value.date() == r.as_of
    texts = [c.value for c in summary["A"] if isinstance(c.value, str)]
    assert any(r.summary_zh in t for t in texts) and any(t.startswith("统计口径") for t in texts)
    assert summary.column_dimensions["A"].width >= 20  # Chinese labels fit
    lines = {row[0].value: row[1].value for row in wb["三线管控"].iter_rows() if row[0].value}
    assert [v for k, v in lines.items() if k.startswith("第")] == [r.disputes["resolved_by_line"][n] for n in "123"]
    assert {row[0].value: row[1].value for row in wb["信访"].iter_rows() if row[0].value}["收到信访"] == 12
    rows = [row for row in wb["分类统计"].iter_rows(values_only=True) if row[0] is not None]
    matrix = rows[[r[0] for r in rows].index("村(社区)"):][:len(r.by_village_type) + 2]
    assert matrix[0][0] == "村(社区)" and len(matrix[0]) == 17
    assert matrix[-1][-1] == r.disputes["registered"]
    for row in matrix[1:-1]:
        assert row[-1] == r.disputes["by_village"][row[0]]
    md = report_formats.to_markdown(r)
    assert r.summary_zh in md and "| 村(社区) |" in md and "| 调解成功率 | 93.3% |" in md
    assert "disputes." not in md


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
