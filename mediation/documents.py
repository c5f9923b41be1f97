"""Word documents (python-docx) the office files and sends: the year-end report section as the
county receives it, a case's 人民调解协议书 and 卷宗 cover, a petition's 不予受理告知书 and
导入法定途径告知书.

Each is built from the services' views and the report (never from the database directly), in
the words every other format uses (``report_formats.sections``). Charts are Word's own
(DrawingML bar charts with their figures cached in the document), so Word, WPS and
LibreOffice draw them with the reader's fonts; page numbers are Word fields.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from mediation import timeutil
from mediation.report import AnnualReport
from mediation.report_formats import COUNTING_RULES, matrix_rows, sections
from workflows import config
from workflows.i18n import N_, _

FONT = "宋体"  # what a Chinese office's documents are set in; readers substitute their own
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


# --- the parts every document shares -------------------------------------------------------

def _document():
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    for name in ("Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    _page_numbers(doc.sections[0])
    return doc


def _page_numbers(section) -> None:
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


def _title(doc, text: str, sub: str | None = None) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold, run.font.size = True, Pt(18)
    if sub:
        s = doc.add_paragraph(sub)
        s.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _table(doc, header: list[str] | None, rows: list[list[Any]], *, widths: list[float] | None = None,
           size: float | None = None):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=0, cols=len(header or rows[0]))
    table.style = "Table Grid"
    for i, values in enumerate(([header] if header else []) + rows):
        cells = table.add_row().cells
        for j, value in enumerate(values):
            cells[j].text = "" if value is None else str(value)
            para = cells[j].paragraphs[0]
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            for run in para.runs:
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


def _day(value: Any) -> str:
    """A day as an official document writes it: 2021年3月2日."""
    if value is None:
        return "____年__月__日"
    day = timeutil.local(value).date() if isinstance(value, datetime) else value
    return f"{day.year}年{day.month}月{day.day}日"


# --- charts --------------------------------------------------------------------------------

def _chart_xml(title: str, labels: list[str], values: list[int]) -> bytes:
    n = len(labels)
    cats = "".join(f'<c:pt idx="{i}"><c:v>{escape(str(v))}</c:v></c:pt>' for i, v in enumerate(labels))
    nums = "".join(f'<c:pt idx="{i}"><c:v>{v}</c:v></c:pt>' for i, v in enumerate(values))
    text = escape(title)
    return f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<c:roundedCorners val="0"/>
<c:chart>
<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="1200" b="1"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="1200" b="1"/>
<a:t>{text}</a:t></a:r></a:p></c:rich></c:tx><c:overlay val="0"/></c:title>
<c:autoTitleDeleted val="0"/>
<c:plotArea><c:layout/>
<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>
<c:ser><c:idx val="0"/><c:order val="0"/>
<c:tx><c:strRef><c:f>Sheet1!$B$1</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0"><c:v>件数</c:v></c:pt>
</c:strCache></c:strRef></c:tx>
<c:spPr><a:solidFill><a:srgbClr val="4472C4"/></a:solidFill></c:spPr>
<c:invertIfNegative val="0"/>
<c:dLbls><c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/><c:showSerName val="0"/>
<c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>
<c:cat><c:strRef><c:f>Sheet1!$A$2:$A${n + 1}</c:f><c:strCache><c:ptCount val="{n}"/>{cats}</c:strCache></c:strRef></c:cat>
<c:val><c:numRef><c:f>Sheet1!$B$2:$B${n + 1}</c:f><c:numCache><c:formatCode>General</c:formatCode>
<c:ptCount val="{n}"/>{nums}</c:numCache></c:numRef></c:val>
</c:ser>
<c:gapWidth val="60"/><c:axId val="500001"/><c:axId val="500002"/>
</c:barChart>
<c:catAx><c:axId val="500001"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>
<c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/>
<c:txPr><a:bodyPr rot="-2700000"/><a:p><a:pPr><a:defRPr sz="900"/></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>
<c:crossAx val="500002"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/>
</c:catAx>
<c:valAx><c:axId val="500002"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling><c:delete val="0"/>
<c:axPos val="l"/><c:majorGridlines/><c:numFmt formatCode="0" sourceLinked="0"/><c:tickLblPos val="nextTo"/>
<c:crossAx val="500001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/>
</c:valAx>
</c:plotArea>
<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/>
</c:chart>
</c:chartSpace>""".encode()


def _bar_chart(doc, title: str, labels: list[str], values: list[int]) -> None:
    """A Word bar chart of ``values`` by ``labels``, in its own paragraph."""
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml import OxmlElement, parse_xml
    from docx.shared import Cm

    package = doc.part.package
    n = 1 + sum(1 for p in package.iter_parts() if str(p.partname).startswith("/word/charts/"))
    part = Part(PackURI(f"/word/charts/chart{n}.xml"), CHART_TYPE, _chart_xml(title, labels, values), package)
    rid = doc.part.relate_to(part, CHART_REL)
    cx, cy = int(Cm(15.5)), int(Cm(8))
    inline = parse_xml(
        '<wp:inline distT="0" distB="0" distL="0" distR="0" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:docPr id="{1000 + n}" name="图表 {n}" descr="{escape(title)}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
        f'<c:chart r:id="{rid}"/></a:graphicData></a:graphic></wp:inline>')
    drawing = OxmlElement("w:drawing")
    drawing.append(inline)
    doc.add_paragraph().add_run()._r.append(drawing)


# --- the year-end report -------------------------------------------------------------------

def annual_report(report: AnnualReport, path: str) -> None:
    """The report section as the county receives it: title with the town and the as-of date,
    the summary in the 2021 report's phrasing, every figure's table, a bar chart per category
    and per village, the category × village table, and the counting rules."""
    from docx.enum.section import WD_ORIENT

    doc = _document()
    _title(doc, f"{report.town}{report.heading.replace(' ', '')}矛盾纠纷化解工作统计", f"(统计截止{_day(report.as_of)})")
    doc.add_heading("一、总体情况", level=1)
    doc.add_paragraph(report.summary_zh)
    doc.add_heading("二、分项统计", level=1)
    for title, rows in sections(report):
        if title in ("纠纷分类", "各村(社区)"):
            continue  # shown as charts and in the table of section 三
        doc.add_heading(title, level=2)
        _table(doc, ["指标", "数值"], [[r.label, r.shown()] for r in rows], widths=[10, 5])
    d = report.disputes
    doc.add_heading("三、分类与分布", level=1)
    _bar_chart(doc, "各类纠纷件数", list(d["by_type"]), list(d["by_type"].values()))
    _bar_chart(doc, "各村(社区)纠纷件数", list(d["by_village"]), list(d["by_village"].values()))
    wide = doc.add_section()
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = wide.page_height, wide.page_width
    doc.add_paragraph("纠纷分类统计(按登记,村 × 类别)")
    matrix = matrix_rows(report)
    _table(doc, matrix[0], matrix[1:], size=7.5)
    doc.add_paragraph(COUNTING_RULES)
    _save(doc, path)


# --- a case's papers -----------------------------------------------------------------------

def agreement(view, path: str, *, confirmation_last_day: date | None) -> None:
    """人民调解协议书 (人民调解法第28、29条): the parties, the facts and the matter in dispute,
    the terms, how and when they are performed, the committee and the mediator, and the
    reminder of 司法确认 with its last day. ID numbers as the view gives them (masked unless
    the caller unmasked them)."""
    doc = _document()
    _title(doc, "人民调解协议书", f"编号:{view.number}")
    rows = [[p.name, p.id_number or "", p.phone or ""] for p in view.party_details]
    doc.add_paragraph("当事人:")
    _table(doc, ["姓名", "公民身份号码", "联系电话"], rows, widths=[3.5, 7.5, 4.5])
    doc.add_heading("纠纷主要事实、争议事项", level=2)
    doc.add_paragraph(f"纠纷类别:{view.type}。{view.summary}")
    doc.add_heading("经调解,双方当事人自愿达成如下协议", level=2)
    doc.add_paragraph(view.terms or "")
    if view.amount and view.amount != "0.00":
        doc.add_paragraph(f"涉及金额:人民币 {view.amount} 元。")
    doc.add_heading("履行方式、时限", level=2)
    fulfilled = [e for e in (view.history or []) if e.trigger == "fulfil" and not e.undone]
    doc.add_paragraph(f"已于{_day(fulfilled[-1].at)}履行完毕。" if fulfilled
                      else "按上述协议内容履行;履行情况由调解委员会回访。")
    doc.add_paragraph("本协议自各方当事人签名(盖章或按指印)、人民调解员签名并加盖人民调解委员会印章之日起生效,"
                      "具有法律约束力,当事人应当按照约定履行(《中华人民共和国人民调解法》第三十一条)。")
    if confirmation_last_day is not None:
        doc.add_paragraph(f"双方当事人认为有必要的,可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
                          f"(《人民调解法》第三十三条),最后一日为{_day(confirmation_last_day)}。")
    doc.add_paragraph("本协议一式三份,双方当事人、人民调解委员会各执一份。")
    doc.add_paragraph()
    signing = [[f"当事人:{p.name}", "签名(按指印):"] for p in view.party_details]
    signing += [[f"人民调解员:{view.mediator or ''}", "签名:"],
                [f"{view.village}人民调解委员会", "(印章)"],
                ["", _day(view.agreed_at)]]
    _table(doc, None, signing, widths=[8, 7.5])
    _save(doc, path)


def cover(view, path: str) -> None:
    """卷宗封面 (一案一卷): what the file holds, for the archive."""
    doc = _document()
    _title(doc, f"{view.village}人民调解委员会", "人民调解卷宗")
    closed = [e for e in (view.history or []) if e.to in ("closed", "terminated", "redirected") and not e.undone]
    outcome = {"agreed": "调解成功", "confirmed": "调解成功(已司法确认)", "performed": "调解成功,已履行",
               "breached": "调解成功,未履行", "confirmation_rejected": "调解成功,司法确认被驳回",
               "failed": "调解不成", "declined": "当事人拒绝调解", "redirected": "分流"}.get(view.outcome or "",
                                                                                  view.state_label)
    rows = [["卷宗编号", view.number], ["案由(纠纷类别)", view.type], ["当事人", "、".join(view.parties)],
            ["调解类型", config.MEDIATION_KINDS.get(view.kind, view.kind)],
            ["人民调解员", view.mediator or ""], ["受理日期", _day(view.registered_at)],
            ["结案日期", _day(closed[-1].at) if closed else "(在办)"], ["调解结果", outcome],
            ["协议形式", config.AGREEMENT_FORMS.get(view.agreement or "", "")],
            ["涉及金额(元)", view.amount or ""], ["所在线", config.LINES.get(view.line, "")],
            ["步骤", f"{len([e for e in view.history or [] if not e.undone])} 步(见卷内目录)"],
            ["保管期限", "长期"]]
    _table(doc, None, rows, widths=[4.5, 11])
    doc.add_paragraph()
    doc.add_paragraph("卷内目录:申请书或受理登记表、调查笔录、调解笔录、人民调解协议书、回访记录。")
    _save(doc, path)


# --- a petition's notices ------------------------------------------------------------------

def refusal(view, path: str, *, office: str, dated: Any = None) -> None:
    """不予受理告知书 (信访工作条例第24条): the petition, why it is not accepted, where to turn."""
    doc = _document()
    _title(doc, "信访事项不予受理告知书", f"编号:{view.number}")
    doc.add_paragraph(f"{view.petitioner}:")
    doc.add_paragraph(f"你于{_day(view.received_at)}提出的信访事项(“{view.summary}”),经审查,{view.refusal or '不予受理'}。"
                      "根据《信访工作条例》的规定,决定不予受理。")
    doc.add_paragraph("如对本告知有异议,可依法通过相应法定途径主张权利。")
    doc.add_paragraph()
    doc.add_paragraph(office)
    doc.add_paragraph(_day(dated or timeutil.now()))
    _save(doc, path)


def redirect(view, path: str, *, office: str, channel: str, law: str | None, dated: Any = None) -> None:
    """导入法定途径告知书 (诉访分离, 信访工作条例第31条): the channel, its law and, when the
    petitioner said when they knew of the matter, the last day to apply."""
    doc = _document()
    _title(doc, "导入法定途径告知书", f"编号:{view.number}")
    doc.add_paragraph(f"{view.petitioner}:")
    doc.add_paragraph(f"你于{_day(view.received_at)}提出的信访事项(“{view.summary}”),属于应当通过{channel}途径解决的事项。"
                      f"根据《信访工作条例》第三十一条,请你依法向有关机关申请{channel}。")
    if view.channel_deadline is not None:
        doc.add_paragraph(f"依照{law or '有关法律'},申请期限的最后一日为{_day(timeutil.deadline_day(view.channel_deadline))};"
                          "逾期可能丧失相应权利。")
    else:
        doc.add_paragraph(f"申请期限依照{law or '有关法律'}计算,请尽早提出,以免逾期丧失权利。")
    doc.add_paragraph()
    doc.add_paragraph(office)
    doc.add_paragraph(_day(dated or timeutil.now()))
    _save(doc, path)


# --- the services' entry points ------------------------------------------------------------

CASE_FORMS = {"agreement": "人民调解协议书", "cover": "卷宗封面"}
PETITION_FORMS = {"refusal": "不予受理告知书", "redirect": "导入法定途径告知书"}


def print_case(db, *, actor: str | None, case: str, form: str, path: str, unmask: bool = False) -> str:
    """Write a case's ``form`` (agreement | cover) to ``path``; returns the case's number.
    ``unmask`` prints ID numbers and phones in full (recorded in the case's access history)."""
    from mediation import cases, deadlines
    from mediation.errors import NotAllowed
    from mediation.validation import choice
    from workflows.dispute import CONFIRMATION_WINDOW

    form = choice(form, CASE_FORMS, N_("document form"))
    view = cases.show(db, case=case, actor=actor, unmask=unmask)
    if form == "cover":
        cover(view, path)
        return view.number
    if view.agreement != "written" or view.agreed_at is None:
        said = _("an oral agreement has no written form") if view.agreement == "oral" else _("no agreement yet")
        raise NotAllowed(_("{number}: {said}, no agreement to print").format(number=view.number, said=said))
    last = deadlines.last_day(timeutil.local_date(view.agreed_at), CONFIRMATION_WINDOW)
    agreement(view, path, confirmation_last_day=last)
    return view.number


def print_petition(db, *, actor: str | None, petition: str, form: str, path: str) -> str:
    """Write a petition's notice (refusal | redirect) to ``path``; returns its number."""
    from dataclasses import replace

    from mediation import petitions
    from mediation.errors import NotAllowed
    from mediation.validation import choice

    form = choice(form, PETITION_FORMS, N_("document form"))
    view = petitions.show(db, petition=petition, actor=actor)
    office = f"{view.town}人民政府"
    if form == "refusal":
        if view.state != "not_accepted":
            raise NotAllowed(_("{number} was not refused (state {state})").format(number=view.number, state=view.state))
        rejected = [e for e in view.history or [] if e.trigger == "reject" and not e.undone]
        reason = view.refusal or (rejected[-1].note if rejected else None)
        refusal(replace(view, refusal=reason), path, office=office, dated=rejected[-1].at if rejected else None)
        return view.number
    if view.state != "redirected" or not view.channel:
        raise NotAllowed(_("{number} was not redirected to a legal channel").format(number=view.number))
    redirected = [e for e in view.history or [] if e.trigger == "redirect" and not e.undone]
    redirect(view, path, office=office, channel=config.CHANNELS.get(view.channel, view.channel), law=view.channel_law,
             dated=redirected[-1].at if redirected else None)
    return view.number



def _save(doc, path: str) -> None:
    """A case's paper holds names, and ID numbers when unmasked: private from its first byte."""
    from mediation import files

    with files.private(path) as tmp:
        doc.save(tmp)
