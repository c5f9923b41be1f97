"""A village's dispute ledger (台账) as an office keeps it in Excel or CSV: written by
``case list --format xlsx|csv``, a blank one with its drop-down lists by ``template``, and read
back by ``load`` through the same checks, workflows and audit events as a TOML import.

One sheet, 台账: a case's registration row (步骤 ``登记``) and then its steps, one row each,
in the order they happened, every row carrying the case's 编号. The registration columns are
those of ``case new``; a step's values have a column each, headed by the label the dispute
workflow gives them (风险等级, 调解员, 协议金额 …), so one column serves the registration and
the steps that share a value (风险等级, 调解类型). A ledger is read into the records a TOML file
holds (``loader.load_data``), and every problem is placed at its cell: ``台账!5:E(当事人)``.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from mediation import files
from mediation.errors import InvalidRecords
from workflows import config
from workflows.dispute import DISPUTE
from workflows.i18n import _

SHEET = "台账"
REGISTER = "登记"
# (header, field): the registration's fields, then the step's, then every value a step takes.
COLUMNS: list[tuple[str, str]] = [
    ("编号", "key"), ("村(社区)", "village"), ("纠纷类别", "type"), ("简要情况", "summary"), ("当事人", "parties"),
    ("来源", "source"), ("排查方式", "screening"), ("关联信访", "petition"),
    ("步骤", "do"), ("日期", "at"), ("操作人", "by"), ("说明", "note"),
    *[(spec.label, key) for key, spec in DISPUTE.fields.items()],
]
HEADERS = [h for h, _ in COLUMNS]
FIELD = dict(COLUMNS)
HEADER = {f: h for h, f in COLUMNS}
REGISTRATION = ("village", "type", "summary", "parties", "source", "screening", "petition", "risk", "kind")
# Rows whose 编号 starts so are the template's examples: shown to the clerk, never loaded.
EXAMPLE = "示例"
TITLE = "矛盾纠纷排查调处台账"
PARTY_SEPARATORS = ("\n", ";", "\uff1b")  # (\uff1b: the full-width semicolon)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(index + 1)


@dataclass
class _Row:
    number: int  # the sheet's row number (1 is the header)
    cells: dict[str, Any]  # field -> value (empty cells left out)


def _read_rows(path: str) -> tuple[str, list[str], list[_Row]]:
    """The sheet's name, its headers and its non-empty rows, from .xlsx or .csv."""
    name = os.path.basename(path)
    if not os.path.exists(path):
        raise InvalidRecords([f"{path}: " + _("no such file or folder")])
    if path.lower().endswith(".xlsx"):
        from openpyxl import load_workbook
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise InvalidRecords([f"{name}: " + _("not a readable .xlsx workbook ({reason})").format(reason=exc)]) from None
        sheet = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        title = sheet.title
        wb.close()
    else:
        raw = open(path, "rb").read()
        for encoding in ("utf-8-sig", "gbk"):  # what Chinese Excel saves: UTF-8 with a BOM, or GBK
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidRecords([f"{name}: " + _("not UTF-8 or GBK text")])
        rows = list(csv.reader(io.StringIO(text, newline="")))
        title = os.path.splitext(name)[0]
    if not rows:
        raise InvalidRecords([f"{name}: {title}!1: " + _("the sheet is empty")])
    headers = [str(h).strip() if h is not None else "" for h in rows[0]]
    out = []
    for n, values in enumerate(rows[1:], 2):
        cells = {}
        for header, value in zip(headers, values, strict=False):
            if value is None or (isinstance(value, str) and not value.strip()) or header not in FIELD:
                continue
            cells[FIELD[header]] = value.strip() if isinstance(value, str) else value
        if cells and not str(cells.get("key", "")).startswith(EXAMPLE):
            out.append(_Row(n, cells))
    return title, headers, out


def read(path: str) -> tuple[dict[str, Any], Any]:
    """The ledger as TOML-shaped records (``{"case": [...]}``) and the ``place`` that puts a
    problem of one of them at its cell."""
    name = os.path.basename(path)
    title, headers, rows = _read_rows(path)
    problems = [f"{name}: {title}!1:{_letter(i)}: " + _("unknown column '{header}' (known: {known})").format(
                    header=h, known="、".join(HEADERS))
                for i, h in enumerate(headers) if h and h not in FIELD]
    problems += [f"{name}: {title}!1: " + _("missing column '{header}'").format(header=h) for h in ("编号", "步骤", "日期")
                 if h not in headers]
    if problems:
        raise InvalidRecords(problems)
    column = {FIELD[h]: i for i, h in enumerate(headers) if h in FIELD}

    def cell(row: int, field: str) -> str:
        return f"{title}!{row}:{_letter(column[field])}({HEADER[field]})" if field in column else f"{title}!{row}"

    cases: dict[str, dict[str, Any]] = {}
    places: dict[str, dict[str, Any]] = {}  # key -> {"row": n, "actions": [row numbers]}
    for row in rows:
        key = row.cells.get("key")
        if key is None:
            problems.append(f"{name}: {cell(row.number, 'key')}: " + _("every row needs the case's 编号"))
            continue
        key = _text(key)
        step = _text(row.cells.get("do", "")) or REGISTER
        if step in (REGISTER, "register"):
            if key in cases:
                problems.append(f"{name}: {cell(row.number, 'key')}: " + _("{key} is registered twice: first at row "
                                                                           "{row}").format(key=key, row=places[key]["row"]))
                continue
            record: dict[str, Any] = {"key": key, "actions": []}
            for f in REGISTRATION:
                if f in row.cells:
                    record[f] = _parties(row.cells[f]) if f == "parties" else _value(row.cells[f])
            for f in ("at", "by"):
                if f in row.cells:
                    record[f] = _value(row.cells[f])
            extra = sorted(set(row.cells) - set(REGISTRATION) - {"key", "do", "at", "by"})
            problems += [f"{name}: {cell(row.number, f)}: " + _("a registration row leaves this column empty")
                         for f in extra]
            cases[key] = record
            places[key] = {"row": row.number, "actions": []}
            continue
        if key not in cases:
            problems.append(f"{name}: {cell(row.number, 'key')}: " + _("the {register} row of {key} must come "
                                                                       "before its steps").format(register=REGISTER, key=key))
            continue
        action: dict[str, Any] = {"do": step}
        for f in ("at", "by", "note"):
            if f in row.cells:
                action[f] = _value(row.cells[f])
        values = {f: _value(v) for f, v in row.cells.items() if f in DISPUTE.fields}
        if values:
            action["set"] = values
        stray = sorted(f for f in set(row.cells) - set(DISPUTE.fields) - {"key", "do", "at", "by", "note"})
        problems += [f"{name}: {cell(row.number, f)}: " + _("a step row leaves this column empty") for f in stray]
        if "at" not in action:
            problems.append(f"{name}: {cell(row.number, 'at')}: " + _("a step needs its date"))
        cases[key]["actions"].append(action)
        places[key]["actions"].append(row.number)
    if problems:
        raise InvalidRecords(problems)
    order = list(cases)

    def place(file: str, rec, problem) -> str:
        """The cell a loader ``Problem`` belongs in: a step's problem in its row, in the column
        of the field it names (an action's ``at``; for a step the services refused, the value
        its refusal asks for, else the step itself); a registration field in the first row."""
        key = order[rec.index - 1] if 0 < rec.index <= len(order) else None
        where = places.get(key)
        if where is None:
            return f"{file}: {problem}"
        file = os.path.basename(file)
        if problem.field == "actions" and problem.index is not None:
            row = where["actions"][problem.index]
            target = problem.sub if problem.sub in column else _asked(problem) if problem.step else "do"
            return f"{file}: {cell(row, target)}: {problem.said}"
        if problem.field in column:
            return f"{file}: {cell(where['row'], problem.field)}: {problem.said}"
        return f"{file}: {cell(where['row'], 'key')}: {problem}"

    return {"case": [cases[k] for k in order]}, place


def _asked(problem) -> str:
    """The column of a refused step's problem: what its refusal asks for (the first that is a
    column: a value, the date, the note), else a value it names by its label, else the step."""
    for want in problem.asks:
        key = want.key if want.kind == "set" else want.kind if want.kind in ("note", "at") else ""
        if key in HEADER:
            return key
    named = [f for f, spec in DISPUTE.fields.items() if spec.label in problem.said]
    return named[0] if named else "do"


def _text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M") if (value.hour, value.minute) != (0, 0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _value(value: Any) -> Any:
    """A cell as the loader takes a TOML value: dates and numbers as text people would type."""
    if isinstance(value, bool):
        return value
    return _text(value)


def _parties(value: Any) -> list[str]:
    """当事人: one a line (or separated by ;), each ``姓名,身份证号,电话`` as at the terminal."""
    text = _text(value)
    for sep in PARTY_SEPARATORS[1:]:
        text = text.replace(sep, "\n")
    return [p.strip() for p in text.split("\n") if p.strip()]


# --- writing -----------------------------------------------------------------------------

def rows(db, *, actor: str | None, village: str | None = None, state: str | None = None, year: int | None = None,
         unmask: bool = False) -> Iterator[list[Any]]:
    """The ledger's rows (headers first) for the cases ``case list`` would list: a registration
    row each, then its steps as they stand (steps taken back, and the undoing, left out; a
    voided registration left out). Parties by name; with ``unmask``, ID numbers and phones in
    full, each case's reading recorded in its access history."""
    from mediation import cases

    yield HEADERS
    for record in cases.ledger(db, actor=actor, village=village, state=state, year=year, unmask=unmask):
        yield _registration_row(record)
        for step in record["steps"]:
            yield _step_row(record["key"], step)


def _registration_row(record: dict[str, Any]) -> list[Any]:
    by_field = {"key": record["key"], "village": record["village"], "type": record["type"],
                "summary": record["summary"], "parties": "\n".join(record["parties"]),
                "source": config.SOURCES.get(record["source"], record["source"]) if record["source"] else None,
                "screening": record["screening"], "petition": record["petition"], "do": REGISTER,
                "at": record["at"], "by": record["by"],
                "kind": _shown("kind", record["kind"]), "risk": _shown("risk", record["risk"])}
    return [by_field.get(f) for _, f in COLUMNS]


def _step_row(key: str, step: dict[str, Any]) -> list[Any]:
    label = DISPUTE.trigger_labels.get(step["trigger"], step["trigger"])
    by_field = {"key": key, "do": label, "at": step["at"], "by": step["by"], "note": step["note"] or None}
    for f, v in (step["values"] or {}).items():
        if f in DISPUTE.fields:
            by_field[f] = _shown(f, v)
    return [by_field.get(f) for _, f in COLUMNS]


def _shown(field: str, value: Any) -> Any:
    """A stored value as a person writes it in the ledger (a choice by its label, money as yuan)."""
    spec = DISPUTE.fields.get(field)
    if value is None or spec is None:
        return value
    if spec.kind == "choice":
        return spec.options.get(value, value)
    if spec.kind == "yes_no":
        return "是" if value in (True, "yes", "true") else "否"
    if spec.kind == "money":
        return Decimal(str(value)).quantize(Decimal("0.01"))
    return value


def write_csv(path: str, table: Iterator[list[Any]], *, encoding: str = "utf-8") -> int:
    """A CSV ledger Chinese Excel opens as it is: UTF-8 with a byte-order mark, or GBK. Encoded
    whole before the file is opened, so text GBK cannot hold leaves no half-written file."""
    out = io.StringIO(newline="")
    w = csv.writer(out)
    lines = 0
    for row in table:
        w.writerow(["" if v is None else _text(v) if isinstance(v, (date, datetime)) else v for v in row])
        lines += 1
    data = out.getvalue().encode("utf-8-sig" if encoding == "utf-8" else "gbk")
    with files.private(path) as tmp, open(tmp, "wb") as fh:  # ID numbers and phones, when unmasked
        fh.write(data)
    return lines - 1


def write_xlsx(path: str, table: Iterator[list[Any]], *, villages: list[str]) -> int:
    """The ledger as a workbook, with the template's drop-down lists and widths."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    count = 0
    day, amount = HEADERS.index("日期") + 1, HEADERS.index(HEADER["amount"]) + 1
    for i, row in enumerate(table):
        ws.append(row)
        count = i
    _dress(wb, ws, villages=villages, rows=max(count + 200, 1000))
    for (at,) in ws.iter_rows(min_row=2, min_col=day, max_col=day):  # (after the rows' style: it sets a format)
        if isinstance(at.value, datetime):
            at.number_format = "yyyy-mm-dd hh:mm" if (at.value.hour, at.value.minute) != (0, 0) else "yyyy-mm-dd"
    for (cell,) in ws.iter_rows(min_row=2, min_col=amount, max_col=amount):
        cell.number_format = "0.00"
    with files.private(path) as tmp:  # ID numbers and phones, when unmasked
        wb.save(tmp)
    return count


def template(path: str, *, villages: list[str]) -> None:
    """A blank ledger: the headers, a filled example case (its 编号 starts with 示例, so a
    load skips it) and the drop-down lists (categories, villages, steps, every choice a step
    takes) for a clerk to fill in, and how to fill it in on a second sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append(HEADERS)
    example = [
        {"key": f"{EXAMPLE}-2021-001", "village": villages[0] if villages else "龙潭村", "type": "邻里",
         "summary": "排水沟堵塞互相指责", "parties": "孙秀英,11010519491231002X,13812345678,女,汉族,住址=龙潭村3组\n吴大海",
         "source": "排查发现", "screening": "逐个", "do": REGISTER, "at": "2021-03-02", "by": "刘明山"},
        {"key": f"{EXAMPLE}-2021-001", "do": "研判分流", "at": "2021-03-02", "risk": "黄"},
        {"key": f"{EXAMPLE}-2021-001", "do": "开始调解", "at": "2021-03-03", "mediator": "刘明山"},
        {"key": f"{EXAMPLE}-2021-001", "do": "达成协议", "at": "2021-03-06", "agreement": "书面协议",
         "terms": "吴家疏通水沟", "amount": 200, "performance_due": "2021-03-20"},
    ]
    grey, shade = Font(italic=True, color="666666"), PatternFill("solid", fgColor="EEEEEE")
    for row in example:
        ws.append([row.get(f) for _, f in COLUMNS])
    _dress(wb, ws, villages=villages, rows=1000)
    for row in ws.iter_rows(min_row=2, max_row=len(example) + 1):  # (after the rows' style)
        for cell in row:
            cell.font, cell.fill = grey, shade
    notes = wb.create_sheet("填写说明")
    for line in (
        "每个案件先填一行“登记”(步骤列填 登记),再按时间顺序每个步骤一行;每行都填该案的编号。",
        f"灰色的几行是示例:编号以“{EXAMPLE}”开头的行导入时跳过,可以删除,也可以留着参考。",
        "当事人:每人一行(或用分号隔开),写作 姓名,身份证号,电话,性别,民族,住址=…,单位=…;除姓名外都可不填。",
        "日期:登记行是登记日期,步骤行是该步骤发生的日期,如 2021-03-02 或 2021-03-02 09:30。",
        "步骤和各项取值可用下拉列表中的中文,也可用英文标识;不填的列留空。",
        "导入:mediation load 本文件.xlsx —— 全部通过才写入;每个问题都指出 工作表!行:列。",
        "导出的台账不含身份证号、电话和住址,除非由有权限的用户加 --unmask 导出(记入查阅记录);"
        "不含这些的台账导回后,案件也不含它们。",
    ):
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    wb.save(path)


def _dress(wb, ws, *, villages: list[str], rows: int) -> None:
    """Bold headers, widths that fit what the sheet holds, borders, the drop-down lists (kept
    on a hidden sheet: a list longer than 255 characters cannot be written into the rule
    itself), and a page set up to print as a ledger: A4 landscape, one page wide, the title
    in the page header, the header row repeated, page numbers."""
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
    from openpyxl.worksheet.datavalidation import DataValidation

    from mediation.report_formats import display_width

    thin = Side(style="thin", color="000000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    # Two named styles, each cell given one by name: setting a border and an alignment on every
    # cell hashed both each time (seconds for a town's few thousand rows).
    head = NamedStyle("台账表头", font=Font(bold=True), border=box,
                      alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
    body = NamedStyle("台账", border=box, alignment=Alignment(vertical="top", wrap_text=True))
    for style in (head, body):
        if style.name not in wb.named_styles:
            wb.add_named_style(style)
    for cell in ws[1]:
        cell.style = head.name
    for row in ws.iter_rows(min_row=2, max_row=ws.max_row):
        for cell in row:
            cell.style = body.name
    ws.freeze_panes = "A2"
    lists = {"village": villages, "type": list(config.DISPUTE_TYPES), "source": list(config.SOURCES.values()),
             "screening": list(config.SCREENING_MODES),
             "do": [REGISTER, *(DISPUTE.trigger_labels.get(t, t) for t in DISPUTE.triggers)]}
    for key, spec in DISPUTE.fields.items():
        if spec.kind == "choice":
            lists[key] = list(spec.options.values())
        elif spec.kind == "yes_no":
            lists[key] = ["是", "否"]
    hidden = wb.create_sheet("选项")
    hidden.sheet_state = "hidden"
    for i, (field, options) in enumerate(lists.items(), 1):
        if field not in HEADER or not options:
            continue
        letter = _letter(i - 1)
        hidden.cell(1, i, HEADER[field])
        for j, option in enumerate(options, 2):
            hidden.cell(j, i, option)
        rule = DataValidation(type="list", formula1=f"=选项!${letter}$2:${letter}${len(options) + 1}",
                              allow_blank=True, showErrorMessage=False)
        ws.add_data_validation(rule)
        column = _letter(HEADERS.index(HEADER[field]))
        rule.add(f"{column}2:{column}{rows}")
    # Widths from what the columns hold (a line of a cell, at most 30: longer text wraps), and
    # room for the header (which wraps at 8) and a date with its time.
    most = {"简要情况": 30, "当事人": 30, "说明": 24, "协议内容": 24}
    for i, header in enumerate(HEADERS):
        held = [display_width(line) for c in ws.iter_cols(min_col=i + 1, max_col=i + 1, min_row=2)
                for cell in c if cell.value is not None for line in _text(cell.value).splitlines()]
        width = max([min(display_width(header), 8), *held]) + 2
        ws.column_dimensions[_letter(i)].width = min(max(width, 6), most.get(header, 24))
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddHeader.center.text = TITLE
    ws.oddHeader.center.size = 14
    ws.oddHeader.center.font = "宋体,Bold"
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"


def village_names(db) -> list[str]:
    """The villages a ledger's drop-down list offers (those the connection may see)."""
    from sqlmodel import select

    from mediation.tables.places import Village

    with db.read() as s:
        return list(s.exec(select(Village.name).order_by(Village.id)).all())
