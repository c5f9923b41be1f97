"""The annual report as CSV, Markdown and an Excel workbook (openpyxl), from its JSON shape.

Every format says each figure with the same Chinese words as the terminal (``sections``), in
the report's order, each beside the JSON key it comes from; a spreadsheet gets numbers as
numbers (rates as percentages, amounts with two decimals), never text that looks like one.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mediation.report import AnnualReport
from workflows import config

# How the figures are counted, said on every sheet and document that carries them (README, "Counting rules").
COUNTING_RULES = (
    "统计口径:纠纷、信访、复议应诉和排查按登记日期计入当年(北京时间);结果按产生它的步骤发生之日计入;"
    "只计截止日期(含)以前发生的事项;已撤销的步骤和已作废的登记不计入。调解成功率 = 调解成功 ÷(调解成功 + 调解不成);"
    "拒绝调解单列,不计为调解不成。")


@dataclass(frozen=True)
class Row:
    """One figure: its words, its value, how it is shown (``count``, ``percent``, ``amount``,
    ``text``) and the JSON key it comes from (``disputes.by_type.邻里``)."""

    label: str
    value: Any
    kind: str
    key: str

    def shown(self) -> str:
        """The value as the terminal and the text formats print it."""
        if self.kind == "percent":
            return f"{self.value * 100:.2f}%" if self.key.endswith("success_rate") else f"{self.value * 100:.1f}%"
        if self.kind == "amount":
            return f"{self.value:.2f}"
        return str(self.value)


def sections(report: AnnualReport) -> list[tuple[str, list[Row]]]:
    """Every figure of the report but the summary and the category × village matrix, in the
    report's order, under the section it belongs to."""
    from workflows.config import CHANNELS, LINES

    d, p, s, c = report.disputes, report.petitions, report.screening, report.corrections
    disputes = [
        Row("登记纠纷", d["registered"], "count", "disputes.registered"),
        Row("调解成功", d["resolved"], "count", "disputes.resolved"),
        Row("调解成功率", d["success_rate"], "percent", "disputes.success_rate"),
        Row("上报", d["escalated"], "count", "disputes.escalated"),
        Row("分流", d["redirected"], "count", "disputes.redirected"),
        Row("调解不成", d["terminated"], "count", "disputes.terminated"),
        Row("拒绝调解", d["declined"], "count", "disputes.declined"),
        Row("反复", d["reopened"], "count", "disputes.reopened"),
        Row("在办", d["open"], "count", "disputes.open"),
        Row("书面协议", d["agreements"]["written"], "count", "disputes.agreements.written"),
        Row("口头协议", d["agreements"]["oral"], "count", "disputes.agreements.oral"),
        Row("协议金额(元)", Decimal(d["agreements"]["amount"]), "amount", "disputes.agreements.amount"),
        Row("司法确认", d["judicial_confirmations"], "count", "disputes.judicial_confirmations"),
        Row("行政调解", report.administrative_mediation, "count", "administrative_mediation"),
        Row("行政复议", report.administrative_reconsideration, "count", "administrative_reconsideration"),
        Row("行政应诉", report.administrative_litigation, "count", "administrative_litigation"),
    ]
    lines = [Row(f"第{n}线调结 {LINES[int(n)]}", k, "count", f"disputes.resolved_by_line.{n}")
             for n, k in d["resolved_by_line"].items()]
    by_type = [Row(t, n, "count", f"disputes.by_type.{t}") for t, n in d["by_type"].items()]
    by_village = [Row(v, n, "count", f"disputes.by_village.{v}") for v, n in d["by_village"].items()]
    petitions = [
        Row("收到信访", p["received"], "count", "petitions.received"),
        Row("初信初访", p["first_time"], "count", "petitions.first_time"),
        Row("依法受理", p["accepted"], "count", "petitions.accepted"),
        *[Row(f"导入法定途径:{CHANNELS[k]}", n, "count", f"petitions.redirected.{k}") for k, n in p["redirected"].items()],
        Row("转送", p["transferred"], "count", "petitions.transferred"),
        Row("不予受理", p["not_accepted"], "count", "petitions.not_accepted"),
        Row("多人走访", p["representatives_groups"], "count", "petitions.representatives_groups"),
        Row("办结", p["closed"], "count", "petitions.closed"),
    ]
    screening = [
        Row("排查次数", s["rounds"], "count", "screening.rounds"),
        *[Row(f"{m}排查", n, "count", f"screening.by_mode.{m}") for m, n in s["by_mode"].items()],
        Row("发现纠纷", s["disputes_found"], "count", "screening.disputes_found"),
        Row("防止激化", s["disputes_prevented"], "count", "screening.disputes_prevented"),
        Row("零上报", s["zero_reports"], "count", "screening.zero_reports"),
    ]
    from workflows.subject import EMPLOYMENT

    status = {**EMPLOYMENT, "unknown": "不详"}  # the labels the workflow gives, one word each
    corrections = [
        Row("对象", c["subjects"], "count", "corrections.subjects"),
        Row("就业创业", c["employed"], "count", "corrections.employed"),
        Row("创业就业率", Decimal(c["employment_rate"].rstrip("%")) / 100, "percent", "corrections.employment_rate"),
        *[Row(status.get(k, k), n, "count", f"corrections.by_status.{k}") for k, n in c["by_status"].items()],
        *[Row(label, c["ended"][k], "count", f"corrections.ended.{k}")
          for k, label in (("released", "本年解除"), ("terminated", "本年终止"), ("revoked", "本年撤销/收监"))],
        Row("计算规则", c["rule_zh"], "text", "corrections.rule_zh"),
    ]
    late = [Row(label, report.late_steps[k], "count", f"late_steps.{k}")
            for k, label in (("petitions", "信访逾期办理步骤"), ("reconsideration", "行政复议逾期步骤"),
                             ("litigation", "行政应诉逾期步骤"))]
    return [("矛盾纠纷", disputes), ("三线管控 各线调结", lines), ("纠纷分类", by_type), ("各村(社区)", by_village),
            ("信访", petitions), ("四网排查", screening), ("社区矫正/安置帮教", corrections), ("逾期办理", late)]


def to_csv(report: AnnualReport) -> str:
    """分类, 指标, 数值 as Chinese Excel shows them, and each figure's JSON key for scripts."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["分类", "指标", "数值", "key"])
    w.writerow(["", "乡镇", report.town, "town"])
    w.writerow(["", "年度", report.year, "year"])
    w.writerow(["", "起始日期", report.first_day.isoformat(), "period.from"])
    w.writerow(["", "截止日期", report.as_of.isoformat(), "as_of"])
    for title, rows in sections(report):
        w.writerows([title, r.label, r.shown(), r.key] for r in rows)
    w.writerow(["", "综述", report.summary_zh, "summary_zh"])
    w.writerow(["", "统计口径", COUNTING_RULES, ""])
    return out.getvalue()


def display_width(text: str) -> int:
    """Columns a text takes in a spreadsheet or terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


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
    lines = [f"# {report.town} {report.heading}矛盾纠纷化解统计", "", f"截止日期:{report.as_of}", "",
             report.summary_zh, ""]
    for title, rows in sections(report):
        lines += [f"## {title}", "", "| 指标 | 数值 |", "|---|---:|"]
        lines += [f"| {r.label} | {r.shown()} |" for r in rows]
        lines.append("")
    lines += ["## 分类统计(15 类 × 村)", ""]
    m = matrix_rows(report)
    lines.append("| " + " | ".join(map(str, m[0])) + " |")
    lines.append("|---" + "|---:" * (len(m[0]) - 1) + "|")
    lines += ["| " + " | ".join(map(str, r)) + " |" for r in m[1:]]
    lines += ["", COUNTING_RULES]
    return "\n".join(lines) + "\n"


_FORMATS = {"count": "0", "percent": "0.00%", "amount": "#,##0.00", "text": "@"}


def write_xlsx(report: AnnualReport, path: str) -> None:
    """汇总: every figure in the report's order with the summary, the as-of date and the
    counting rules; 信访 and 三线管控 on sheets of their own; 分类统计: category × village."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    bold = Font(bold=True)
    parts = sections(report)

    def heading(sheet, title: str) -> None:
        sheet.append([f"{report.town} {report.heading}矛盾纠纷化解统计 — {title}"])
        sheet.cell(sheet.max_row, 1).font = Font(bold=True, size=13)
        sheet.append(["截止日期", report.as_of])
        sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
        sheet.cell(sheet.max_row, 2).alignment = Alignment(horizontal="left")

    def figures(sheet, title: str, rows: list[Row]) -> None:
        sheet.append([])
        sheet.append([title, "数值"])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        for r in rows:
            value = float(r.value) if isinstance(r.value, Decimal) else r.value
            sheet.append([r.label, value])
            sheet.cell(sheet.max_row, 2).number_format = _FORMATS[r.kind]
            if r.kind == "percent" and r.key == "corrections.employment_rate":
                sheet.cell(sheet.max_row, 2).number_format = "0.0%"

    def closing(sheet, *texts: str) -> None:
        sheet.append([])
        for text in texts:
            sheet.append([text])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=2)
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[sheet.max_row].height = 15 * (display_width(text) // 70 + 1)

    def widths(sheet) -> None:
        for column in sheet.columns:
            shown = [display_width(c.value) for c in column[2:] if c.value is not None and len(str(c.value)) < 40]
            sheet.column_dimensions[column[0].column_letter].width = min(max(shown or [8]) + 4, 40)

    heading(ws, "汇总")
    for title, rows in parts:
        figures(ws, title, rows)
    closing(ws, "综述:" + report.summary_zh, COUNTING_RULES)
    widths(ws)
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width, 16)

    by_title = dict(parts)
    for name, title in (("信访", "信访"), ("三线管控", "三线管控 各线调结")):
        sheet = wb.create_sheet(name)
        heading(sheet, name)
        figures(sheet, title, by_title[title])
        if name == "三线管控":
            figures(sheet, "上报与结果", [r for r in by_title["矛盾纠纷"] if r.key in (
                "disputes.escalated", "disputes.redirected", "disputes.terminated", "disputes.resolved")])
        closing(sheet, COUNTING_RULES)
        widths(sheet)

    sheet = wb.create_sheet("分类统计")
    heading(sheet, "分类统计(按登记)")
    sheet.append([])
    for r in matrix_rows(report):
        sheet.append(r)
        if r[0] in ("村(社区)", "合计"):
            for cell in sheet[sheet.max_row]:
                cell.font = bold
    widths(sheet)
    wb.save(path)
