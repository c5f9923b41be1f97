"""The annual report as CSV, Markdown and an Excel workbook (openpyxl), from its JSON shape."""

from __future__ import annotations

import csv
import io
from typing import Any

from mediation.report import AnnualReport
from workflows import config

SECTION_LABELS = {"disputes": "矛盾纠纷", "petitions": "信访", "screening": "四网排查", "corrections": "社区矫正/安置帮教"}


def flatten(report: AnnualReport) -> list[tuple[str, str]]:
    """(key, value) rows with dotted keys (``disputes.by_type.邻里``) — the same figures as the
    JSON, one per row, so a spreadsheet can be checked against it."""
    rows: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            rows.append((prefix, str(value)))

    data = report.to_json()
    data.pop("by_village_type")
    walk("", data)
    return rows


def to_csv(report: AnnualReport) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["key", "value"])
    w.writerows(flatten(report))
    return out.getvalue()


def matrix_rows(report: AnnualReport) -> list[list[Any]]:
    """村(社区) × the 15 categories (registered in the year), with totals."""
    header = ["村(社区)", *config.DISPUTE_TYPES, "合计"]
    rows = [header]
    for village, counts in report.by_village_type.items():
        rows.append([village, *[counts[t] for t in config.DISPUTE_TYPES], sum(counts.values())])
    totals = [sum(report.by_village_type[v][t] for v in report.by_village_type) for t in config.DISPUTE_TYPES]
    rows.append(["合计", *totals, sum(totals)])
    return rows


def to_markdown(report: AnnualReport) -> str:
    d, p = report.disputes, report.petitions
    lines = [f"# {report.town} {report.year} 年度矛盾纠纷化解统计", "", f"截止日期 as of: {report.as_of}", "",
             report.summary_zh, "", "| 指标 | 数值 |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in flatten(report) if k != "summary_zh"]
    lines += ["", "## 分类统计 (15 类 × 村)", ""]
    m = matrix_rows(report)
    lines.append("| " + " | ".join(map(str, m[0])) + " |")
    lines.append("|" + "---|" * len(m[0]))
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in m[1:]]
    lines += ["", f"调解成功率 = 调解成功 ÷ (调解成功 + 调解不成) = {d['resolved']} ÷ ({d['resolved']} + "
              f"{d['terminated']}); 就业率规则: {report.corrections['rule']}; 信访 {p['received']} 件."]
    return "\n".join(lines) + "\n"


def write_xlsx(report: AnnualReport, path: str) -> None:
    """Sheet 汇总: every figure and the summary paragraph; sheet 分类统计: category × village."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append([f"{report.town} {report.year} 年度统计", f"截止 {report.as_of}"])
    ws["A1"].font = Font(bold=True)
    ws.append(["key", "value"])
    for key, value in flatten(report):
        ws.append([key, int(value) if value.isdigit() else value])
    ws.column_dimensions["A"].width = 42
    ws.column_dimensions["B"].width = 90
    for row in ws.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    sheet = wb.create_sheet("分类统计")
    for r in matrix_rows(report):
        sheet.append(r)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 12
    wb.save(path)
