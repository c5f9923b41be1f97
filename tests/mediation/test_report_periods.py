"""Reports for a month, a quarter, any period (issue "The office's day and month"): counted as the
annual report counts, so the twelve months of the 2021 sample add up to the year."""

from __future__ import annotations

from datetime import date

import pytest

from mediation import report
from mediation.errors import InvalidValue

# What a period adds to the next: counts of things that happened in it. (The open cases, the
# subjects under management and their employment are states at the period's end, not sums.)
NOT_ADDED = {("disputes", "open"), ("disputes", "success_rate"), ("corrections", "subjects"),
             ("corrections", "employed"), ("corrections", "employment_rate"), ("corrections", "rule"), ("corrections", "rule_zh"),
             ("corrections", "by_status")}
PARTS = ("disputes", "administrative_mediation", "administrative_reconsideration", "administrative_litigation",
         "petitions", "screening", "corrections", "late_steps", "by_village_type")


def _counts(doc, path=()):
    """Every figure of a report that is a count, by its path of keys."""
    if isinstance(doc, dict):
        for key, value in doc.items():
            if path[:1] + (key,) not in NOT_ADDED and (path + (key,))[:2] not in NOT_ADDED:
                yield from _counts(value, path + (key,))
    elif isinstance(doc, int) and not isinstance(doc, bool):
        yield path, doc
    elif isinstance(doc, str) and path[-1] == "amount":
        yield path, round(float(doc) * 100)  # yuan, as fen


def _figures(r) -> dict:
    doc = r.to_json()
    return dict(kv for part in PARTS for kv in _counts(doc[part], (part,)))


@pytest.fixture
def sample(db):
    return db


def test_the_twelve_months_add_up_to_the_year(sample):
    year = _figures(report.annual(sample, year=2021))
    months = [_figures(report.month(sample, month=f"2021-{m:02d}")) for m in range(1, 13)]
    assert len(year) > 60 and year[("disputes", "registered")] > 0
    summed = {path: sum(m[path] for m in months) for path in year}
    assert summed == year
    quarters = [_figures(report.quarter(sample, quarter=f"2021Q{q}")) for q in range(1, 5)]
    assert {path: sum(q[path] for q in quarters) for path in year} == year


def test_a_period_is_its_days_whole(sample):
    march = report.month(sample, month="2021年3月")
    same = report.period(sample, first=date(2021, 3, 1), last=date(2021, 3, 31))
    assert _figures(march) == _figures(same)
    assert march.to_json()["period"] == {"from": "2021-03-01", "to": "2021-03-31"}
    assert march.summary_zh.startswith("本月排查登记矛盾纠纷") and same.summary_zh.startswith("本期")
    assert report.quarter(sample, quarter="2021年第一季度").heading == "2021年第1季度"
    assert report.annual(sample, year=2021).summary_zh.startswith("全年")


@pytest.mark.parametrize("call,match", [
    (lambda db: report.month(db, month="2021-13"), "not a month"),
    (lambda db: report.month(db, month="2021-00"), "not a month"),
    (lambda db: report.quarter(db, quarter="2021Q5"), "not a quarter"),
    (lambda db: report.month(db, month="2999-01"), "in the future"),
    (lambda db: report.period(db, first=date(2021, 4, 1), last=date(2021, 3, 1)), "comes after"),
    (lambda db: report.period(db, first=date(2021, 4, 1), last=date(2999, 3, 1)), "in the future"),
])
def test_a_period_that_cannot_be_is_refused(sample, call, match):
    with pytest.raises(InvalidValue, match=match):
        call(sample)
