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
        """The value as the terminal and the text formats print it: every rate to 0.1%, as the
        summary says it."""
        if self.kind == "percent":
            return percent(self.value)
        if self.kind == "amount":
            return f"{self.value:.2f}"
        return str(self.value)

    def printed(self) -> str:
        """As paper prints it: amounts with thousands separators (546,900.00)."""
        return f"{self.value:,.2f}" if self.kind == "amount" else self.shown()


def percent(value: Any) -> str:
    """A rate as every format says it: 0.93333 → 93.3% (half up, one decimal)."""
    from decimal import ROUND_HALF_UP

    return f"{(Decimal(str(value)) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


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


_FORMATS = {"count": "#,##0", "percent": "0.0%", "amount": "#,##0.00", "text": "@"}


def write_xlsx(report: AnnualReport, path: str, *, signoff: Any = None) -> None:
    """汇总: every figure in the report's order with the summary, the period and the counting
    rules; 信访 and 三线管控 on sheets of their own; 分类统计: category × village. Each sheet
    prints as filed: A4 landscape, one page wide, its header rows repeated, every cell bordered,
    widths that hold the longest label and date, 填报单位(盖章) above and 负责人 / 填表人 /
    联系电话 / 填报日期 below (``signoff``: ``documents.Signoff``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    bold = Font(bold=True)
    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    parts = sections(report)
    signed = dict(signoff.rows()) if signoff is not None else {}

    def heading(sheet, title: str, columns: int) -> None:
        sheet.append([f"{report.town}{report.heading.replace(' ', '')}矛盾纠纷化解统计 — {title}"])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=columns)
        sheet.cell(1, 1).font = Font(bold=True, size=14)
        sheet.cell(1, 1).alignment = Alignment(horizontal="center")
        for label, day in (("起始日期", report.first_day), ("截止日期", report.as_of)):
            sheet.append([label, day])
            sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
            sheet.cell(sheet.max_row, 2).alignment = Alignment(horizontal="left")
        if signed:
            sheet.append(["填报单位(盖章)", signed["填报单位(盖章)"]])

    def figures(sheet, title: str, rows: list[Row]) -> None:
        sheet.append([])
        sheet.append([title, "数值"])
        for cell in sheet[sheet.max_row]:
            cell.font, cell.border = bold, box
            cell.alignment = Alignment(horizontal="center")
        for r in rows:
            value = float(r.value) if isinstance(r.value, Decimal) else r.value
            sheet.append([r.label, value])
            sheet.cell(sheet.max_row, 1).border = box
            figure = sheet.cell(sheet.max_row, 2)
            figure.number_format, figure.border = _FORMATS[r.kind], box
            figure.alignment = Alignment(horizontal="right", wrap_text=r.kind == "text")

    def closing(sheet, columns: int, *texts: str) -> None:
        sheet.append([])
        width = sum(sheet.column_dimensions[_column(i)].width or 10 for i in range(1, columns + 1))
        for text in texts:
            sheet.append([text])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=columns)
            sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[sheet.max_row].height = 16 * (display_width(text) // max(int(width * 0.95), 1) + 1)
        if signed:
            sheet.append([])
            sheet.append([f"负责人:{signed['负责人']}", f"填表人:{signed['填表人']}"])
            sheet.append([f"联系电话:{signed['联系电话']}", f"填报日期:{signed['填报日期']}"])

    def widths(sheet, *, first_row: int, most: int = 40) -> None:
        for column in sheet.columns:
            shown = [display_width(_said(c.value)) for c in column[first_row - 1:]
                     if c.value is not None and display_width(_said(c.value)) < most]
            sheet.column_dimensions[_column(column[0].column)].width = min(max(shown or [8]) + 3, most + 3)

    def printed(sheet, header_rows: str) -> None:
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = header_rows
        sheet.print_options.horizontalCentered = True
        sheet.page_margins.left = sheet.page_margins.right = 0.5
        sheet.oddFooter.center.text = "第 &P 页 共 &N 页"

    heading(ws, "汇总", 2)
    for title, rows in parts:
        figures(ws, title, rows)
    widths(ws, first_row=2)
    ws.column_dimensions["B"].width = max(ws.column_dimensions["B"].width, 24)
    closing(ws, 2, "综述:" + report.summary_zh, COUNTING_RULES)
    printed(ws, "1:2")

    by_title = dict(parts)
    for name, title in (("信访", "信访"), ("三线管控", "三线管控 各线调结")):
        sheet = wb.create_sheet(name)
        heading(sheet, name, 2)
        figures(sheet, title, by_title[title])
        if name == "三线管控":
            figures(sheet, "上报与结果", [r for r in by_title["矛盾纠纷"] if r.key in (
                "disputes.escalated", "disputes.redirected", "disputes.terminated", "disputes.resolved")])
        widths(sheet, first_row=2)
        sheet.column_dimensions["B"].width = max(sheet.column_dimensions["B"].width, 24)
        closing(sheet, 2, COUNTING_RULES)
        printed(sheet, "1:2")

    sheet = wb.create_sheet("分类统计")
    matrix = matrix_rows(report)
    heading(sheet, "分类统计(按登记)", len(matrix[0]))
    sheet.append([])
    top = sheet.max_row + 1
    for r in matrix:
        sheet.append(r)
        for cell in sheet[sheet.max_row]:
            cell.border = box
            if r[0] in ("村(社区)", "合计"):
                cell.font = bold
            if r[0] == "村(社区)":
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    widths(sheet, first_row=top + 1)
    for i in range(2, len(matrix[0]) + 1):  # the categories' headers wrap; their counts are short
        sheet.column_dimensions[_column(i)].width = 7
    sheet.row_dimensions[top].height = 32
    closing(sheet, len(matrix[0]), COUNTING_RULES)
    printed(sheet, f"1:{top}")
    wb.save(path)


def _column(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _said(value: Any) -> str:
    from datetime import date

    return value.isoformat() if isinstance(value, date) else str(value)
