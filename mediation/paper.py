"""What every printed form shares: amounts in capitals, Chinese numerals, laws cited as an
official document cites them, and the Word pieces (title, 当事人 blocks, signature areas, the
落款 with room for a seal, ruled lines to write on) built with python-docx.

A town adjusts the look of its paper without touching code: a folder (``--paper DIR`` or
``MEDIATION_PAPER``) may hold ``template.docx`` (its styles, margins, header and footer are
used — a letterhead, a font — and its body is dropped) and ``paper.toml`` (the names and
phones the forms print: ``committee``, ``office``, ``head``, ``clerk``, ``phone``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from mediation import timeutil
from workflows.i18n import _

FONT = "宋体"  # what a Chinese office's documents are set in; readers substitute their own
HEADING_FONT = "黑体"

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = "零一二三四五六七八九"
_SECTIONS = ("", "万", "亿", "万亿")


# --- numbers as official paper writes them --------------------------------------------------

def _section(n: int, digits: str, units: tuple[str, str, str]) -> str:
    """1–9999 in words: 壹仟零壹 (a zero said once between digits, never at the end)."""
    out, zero = "", False
    for pos, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        d = n // pos % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += digits[0]
            zero = False
        out += digits[d] + unit
    return out


def _integer(n: int, digits: str, units: tuple[str, str, str]) -> str:
    if n == 0:
        return digits[0]
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_SECTIONS):
        raise ValueError("too large")
    out, gap = "", False
    for i in reversed(range(len(groups))):
        g = groups[i]
        if g == 0:
            gap = bool(out)
            continue
        if out and (gap or g < 1000):
            out += digits[0]
        out += _section(g, digits, units) + _SECTIONS[i]
        gap = False
    return out


def rmb(amount: Decimal | int | str) -> str:
    """人民币大写 (中国人民银行《正确填写票据和结算凭证的基本规定》): 2000 → 贰仟元整,
    3100.5 → 叁仟壹佰元伍角, 1001.05 → 壹仟零壹元零伍分, 0.05 → 伍分; 整 only after 元."""
    value = Decimal(str(amount)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if value < 0:
        raise ValueError("a negative amount")
    fen_total = int(value * 100)
    yuan, jiao, fen = fen_total // 100, fen_total // 10 % 10, fen_total % 10
    if fen_total == 0:
        return "零元整"
    out = _integer(yuan, _DIGITS, ("拾", "佰", "仟")) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        return out + "整"
    if jiao:
        out += _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen:
        out += _DIGITS[fen] + "分"
    return out


def yuan(amount: Decimal | str) -> str:
    """An amount with separators, as a table prints it: 546,900.00."""
    return f"{Decimal(str(amount)):,.2f}"


def numeral(n: int) -> str:
    """An article's or a count's number in Chinese: 27 → 二十七, 10 → 十, 110 → 一百一十."""
    if n < 0:
        raise ValueError("a negative number")
    words = _integer(n, _SMALL, ("十", "百", "千"))
    return words[1:] if 10 <= n < 20 else words


def sides(n: int) -> str:
    """How many sides an agreement binds: 双方, 三方, 四方…"""
    return "双方" if n == 2 else f"{numeral(n)}方" if n > 2 else "一方"


# --- laws as cited ---------------------------------------------------------------------------

# Laws by the short name the program's rules use, and their full title.
LAWS = {
    "人民调解法": "中华人民共和国人民调解法",
    "劳动争议调解仲裁法": "中华人民共和国劳动争议调解仲裁法",
    "农村土地承包经营纠纷调解仲裁法": "中华人民共和国农村土地承包经营纠纷调解仲裁法",
    "行政复议法": "中华人民共和国行政复议法",
    "行政诉讼法": "中华人民共和国行政诉讼法",
    "民事诉讼法": "中华人民共和国民事诉讼法",
    "民法典": "中华人民共和国民法典",
    "信访工作条例": "信访工作条例",
}
_CITED = re.compile(r"《?(" + "|".join(sorted(map(re.escape, LAWS), key=len, reverse=True)) + r")》?(?:第(\d+)条)?")


def cite(text: str | None) -> str:
    """Every law in ``text`` as an official document names it: ``劳动争议调解仲裁法第27条`` →
    ``《中华人民共和国劳动争议调解仲裁法》第二十七条``; what follows (a colon and the rule in
    words) is kept, its colon full-width."""
    if not text:
        return ""

    def one(m: re.Match) -> str:
        law, article = m.group(1), m.group(2)
        return f"《{LAWS[law]}》" + (f"第{numeral(int(article))}条" if article else "")

    return _CITED.sub(one, text).replace(": ", ":")


# Who decides each channel a petition is redirected to, named as a notice names them.
def body_for(channel: str, law: str | None) -> str:
    if channel == "arbitration":
        return "农村土地承包仲裁委员会" if law and "土地" in law else "劳动人事争议仲裁委员会"
    return {"litigation": "人民法院", "reconsideration": "行政复议机关(县级以上地方人民政府)",
            "administrative": "有关行政机关", "police": "公安机关"}.get(channel, "有关机关")


def day(value: Any) -> str:
    """A day as an official document writes it: 2021年3月2日; blanks to fill in when unknown."""
    if value is None:
        return "    年  月  日"
    d = timeutil.local(value).date() if isinstance(value, datetime) else value
    return f"{d.year}年{d.month}月{d.day}日"


# --- the town's own settings -----------------------------------------------------------------

@dataclass(frozen=True)
class Settings:
    """What a town prints on its paper (``paper.toml`` in the paper folder)."""

    folder: Path | None = None
    values: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: str = "") -> str:
        return str(self.values.get(key) or default)

    @property
    def template(self) -> Path | None:
        if self.folder is None:
            return None
        found = self.folder / "template.docx"
        return found if found.is_file() else None


def settings(folder: str | os.PathLike | None = None) -> Settings:
    """The paper folder's settings (``folder``, else ``MEDIATION_PAPER``, else none)."""
    from mediation.errors import InvalidValue

    chosen = folder or os.environ.get("MEDIATION_PAPER")
    if not chosen:
        return Settings()
    where = Path(chosen)
    if not where.is_dir():
        raise InvalidValue(_("{path}: no such folder (the paper folder holds template.docx and paper.toml)").format(
            path=where))
    values: dict[str, str] = {}
    toml = where / "paper.toml"
    if toml.is_file():
        import rtoml

        try:
            loaded = rtoml.load(toml)
        except (rtoml.TomlParsingError, UnicodeDecodeError) as exc:
            raise InvalidValue(f"{toml}: {str(exc).splitlines()[0]}") from None
        values = {k: str(v) for k, v in loaded.items() if isinstance(v, (str, int))}
    return Settings(where, values)


# --- Word pieces -----------------------------------------------------------------------------

def document(paper: Settings | None = None, *, landscape: bool = False):
    """A new A4 document in 宋体 with page numbers; a town's ``template.docx`` when it has one
    (its body dropped, its styles, margins, header and footer kept)."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    template = paper.template if paper else None
    doc = _opened(template) if template else Document()
    if template:
        body = doc.element.body
        for child in list(body):
            if not child.tag.endswith("}sectPr"):
                body.remove(child)
        footer = doc.sections[0].footer
        if not any(p.text.strip() for p in footer.paragraphs) and not footer._element.xpath(".//w:fldSimple"):
            page_numbers(doc.sections[0])  # (a template without its own page numbers gets ours)
    else:
        normal = doc.styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(12)
        normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
        for name in ("Title", "Heading 1", "Heading 2"):
            style = doc.styles[name]
            style.font.color.rgb = RGBColor(0, 0, 0)  # black: paper is printed in black
            style.font.name = HEADING_FONT
            style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), HEADING_FONT)
        section = doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(3.0), Cm(2.5)
        page_numbers(section)
    if landscape:
        section = doc.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.left_margin = section.right_margin = Cm(1.8)
        section.top_margin = section.bottom_margin = Cm(1.8)
    return doc


def _opened(template: Path):
    """A town's ``template.docx``, or one line saying it is none."""
    import zipfile

    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    from mediation.errors import InvalidValue

    try:
        return Document(str(template))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InvalidValue(_("{path}: not a Word document (.docx) to print on ({reason})").format(
            path=template, reason=exc)) from None


def page_numbers(section) -> None:
    """第 N 页 共 M 页, centred in the footer, as Word fields."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run("第 ")
    _field(p, "PAGE")
    p.add_run(" 页 共 ")
    _field(p, "NUMPAGES")
    p.add_run(" 页")


def _field(paragraph, code: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def title(doc, text: str, number: str | None = None) -> None:
    """The form's name, centred and large; its number on the right beneath."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold, run.font.size = True, Pt(20)
    _font(run, HEADING_FONT)
    if number:
        s = doc.add_paragraph(number)
        s.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _font(run, name: str) -> None:
    from docx.oxml.ns import qn

    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def heading(doc, text: str):
    """A section's heading: black, bold, 黑体, never Word's blue."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold, run.font.size = True, Pt(13)
    _font(run, HEADING_FONT)
    p.paragraph_format.space_before = Pt(8)
    return p


def para(doc, text: str = "", *, indent: bool = True):
    """A paragraph, its first line indented two characters as Chinese paper is."""
    from docx.shared import Pt

    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    p.add_run(text)
    return p


def lines(doc, count: int) -> None:
    """Ruled lines to write on by hand."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    for _ in range(count):
        p = doc.add_paragraph()
        p.paragraph_format.space_after = Pt(0)
        p.paragraph_format.line_spacing = Pt(26)
        ppr = p._p.get_or_add_pPr()
        border = OxmlElement("w:pBdr")
        for side in ("w:bottom", "w:between"):  # (Word joins bordered paragraphs: ``between`` rules each)
            rule = OxmlElement(side)
            for k, v in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "000000")):
                rule.set(qn(k), v)
            border.append(rule)
        ppr.append(border)


def table(doc, header: list[str] | None, rows: list[list[Any]], *, widths: list[float] | None = None,
          size: float | None = None, height: float | None = None, right: set[int] | None = None):
    """A bordered table; numbers (and the columns in ``right``) right-aligned, the header bold
    and repeated on each page; ``height`` a row's least height in cm (room to sign in)."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=0, cols=len(header or rows[0]))
    table.style = "Table Grid"
    for i, values in enumerate(([header] if header else []) + rows):
        row = table.add_row()
        if header and i == 0:
            trpr = row._tr.get_or_add_trPr()
            mark = OxmlElement("w:tblHeader")
            mark.set(qn("w:val"), "true")
            trpr.append(mark)
        if height and not (header and i == 0):
            row.height, row.height_rule = Cm(height), WD_ROW_HEIGHT_RULE.AT_LEAST
        for j, value in enumerate(values):
            cell = row.cells[j]
            cell.text = "" if value is None else str(value)
            p = cell.paragraphs[0]
            number = isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)
            if header and i == 0:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            elif number or (right and j in right):
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in p.runs:
                run.bold = bool(header) and i == 0
                if size:
                    run.font.size = Pt(size)
    if widths:  # fixed widths: LibreOffice and WPS follow the grid, Word the cells
        table.autofit = False
        for column, w in zip(table.columns, widths, strict=False):
            column.width = Cm(w)
        for row in table.rows:
            for cell, w in zip(row.cells, widths, strict=False):
                cell.width = Cm(w)
    return table


def merge(row, first: int, last: int):
    """Cells ``first``..``last`` of a table row as one (its text kept, no empty lines added)."""
    cell = row.cells[first].merge(row.cells[last])
    paragraphs = cell.paragraphs
    for p in paragraphs[1:]:
        if not p.text.strip():
            p._p.getparent().remove(p._p)
    return cell


def signed_off(doc, who: str, *, dated: Any = None, seal: bool = True) -> None:
    """The 落款: the body's name and the date on the right, with room above for its seal."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if seal:
        for _ in range(3):  # a seal is about 4 cm across and is pressed over the name and date
            doc.add_paragraph()
    for text in ((f"{who}(印章)" if seal else who), day(dated)):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(24)
        p.paragraph_format.space_after = Pt(2)


def save(doc, path: str) -> None:
    """Paper holds names, and ID numbers when unmasked: private from its first byte."""
    from mediation import files

    with files.private(path) as tmp:
        doc.save(tmp)
