"""Word documents (python-docx) the office signs, stamps, files and sends: the year-end report
section as the county receives it; a case's 卷宗 (司法部《人民调解文书格式》): 人民调解申请书,
受理登记表, 调查记录, 调解记录, 人民调解协议书 (人民调解法第29条), 回访记录, 送达回证 and the
卷宗封面 with its 卷内目录; a petition's 不予受理告知书 and 导入法定途径告知书, each with its
送达回证.

Each is built from the services' views and the report (never from the database directly), in
the words every other format uses (``report_formats.sections``); the pieces every form shares
and what a town may adjust (its template and its names) are in ``mediation.paper``. Charts are
Word's own (DrawingML bar charts with their figures cached in the document), so Word, WPS and
LibreOffice draw them with the reader's fonts; page numbers are Word fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.sax.saxutils import escape

from mediation import paper, timeutil
from mediation.paper import day, heading, lines, para, signed_off, table, title
from mediation.report import AnnualReport
from mediation.report_formats import COUNTING_RULES, matrix_rows, sections
from workflows import config
from workflows.i18n import N_, _

CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"


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

@dataclass(frozen=True)
class Signoff:
    """Who answers for a report the county files (domain §9): 填报单位(盖章), 负责人, 填表人,
    联系电话, 填报日期. A name not known is a line to write on."""

    unit: str
    head: str = ""
    filler: str = ""
    phone: str = ""
    dated: date | None = None

    @classmethod
    def of(cls, town: str, settings: paper.Settings | None = None, *, unit: str | None = None,
           head: str | None = None, filler: str | None = None, phone: str | None = None,
           dated: date | None = None, actor: str | None = None) -> Signoff:
        """Options first, then the paper folder's ``paper.toml``, then the town's government
        (填报单位) and the acting user (填表人)."""
        s = settings or paper.Settings()
        return cls(unit=unit or s.get("office", f"{town}人民政府"), head=head or s.get("head"),
                   filler=filler or s.get("clerk") or actor or "", phone=phone or s.get("phone"),
                   dated=dated or timeutil.local_date(timeutil.now()))

    def rows(self) -> list[tuple[str, str]]:
        blank = "            "
        return [("填报单位(盖章)", self.unit), ("填报日期", day(self.dated)), ("负责人", self.head or blank),
                ("填表人", self.filler or blank), ("联系电话", self.phone or blank)]


def annual_report(report: AnnualReport, path: str, *, signoff: Signoff | None = None,
                  settings: paper.Settings | None = None) -> None:
    """The report section as the county receives it: title with the town and the as-of date,
    填报单位 and 填报日期, the summary in the 2021 report's phrasing, every figure's table
    (numbers right-aligned, amounts with separators, each rate to 0.1% as the summary says
    it), a bar chart per category and per village, the category × village table on a
    landscape page, the counting rules, and 负责人 / 填表人 / 联系电话 to sign."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    signoff = signoff or Signoff.of(report.town, settings)
    doc = paper.document(settings)
    title(doc, f"{report.town}{report.heading.replace(' ', '')}矛盾纠纷化解工作统计")
    sub = para(doc, f"(统计期间{day(report.first_day)}至{day(report.as_of)})", indent=False)
    sub.alignment = 1  # centred
    said = dict(signoff.rows())
    table(doc, None, [[f"填报单位(盖章):{said['填报单位(盖章)']}", f"填报日期:{said['填报日期']}"]],
          widths=[9.3, 6.5]).style = None
    heading(doc, "一、总体情况")
    para(doc, report.summary_zh)
    heading(doc, "二、分项统计")
    n = 0
    for name, rows in sections(report):
        if name in ("纠纷分类", "各村(社区)"):
            continue  # shown as charts and in the table of section 三
        n += 1
        heading(doc, f"({paper.numeral(n)}){name}")
        table(doc, ["指标", "数值"], [[r.label, r.printed()] for r in rows], widths=[10.3, 5.5], right={1})
    d = report.disputes
    heading(doc, "三、分类与分布")
    _bar_chart(doc, "各类纠纷件数", list(d["by_type"]), list(d["by_type"].values()))
    _bar_chart(doc, "各村(社区)纠纷件数", list(d["by_village"]), list(d["by_village"].values()))
    wide = doc.add_section()
    wide.orientation = WD_ORIENT.LANDSCAPE
    wide.page_width, wide.page_height = Cm(29.7), Cm(21)
    wide.left_margin = wide.right_margin = Cm(1.5)
    heading(doc, "纠纷分类统计(按登记,村(社区)× 类别)")
    matrix = matrix_rows(report)
    # The village column holds its longest name on one line (9 pt: a character is 0.32 cm).
    longest = max(len(str(r[0])) for r in matrix)
    first = max(2.0, 0.34 * longest + 0.4)
    rest = (29.7 - 3.0 - first) / (len(matrix[0]) - 1)
    table(doc, matrix[0], matrix[1:], size=9, widths=[first, *[rest] * (len(matrix[0]) - 1)])
    para(doc, COUNTING_RULES)
    heading(doc, "填报")
    table(doc, None, [[f"负责人:{said['负责人']}", f"填表人:{said['填表人']}", f"联系电话:{said['联系电话']}"]],
          widths=[8.0, 8.0, 10.0]).style = None
    paper.save(doc, path)


# --- a case's 卷宗 -------------------------------------------------------------------------

def _committee(view, settings: paper.Settings | None) -> str:
    return (settings.get("committee") if settings else "") or f"{view.village}人民调解委员会"


def _done(view, *triggers: str) -> list:
    """The case's steps of these kinds that stand (not undone), in order."""
    return [e for e in view.history or [] if e.trigger in triggers and not e.undone]


def _age(born: date | None, on: date) -> str:
    if born is None:
        return ""
    return str(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def _party_rows(view, on: date) -> list[list[list[str]]]:
    """Each party as the forms state them (人民调解法第29条): name, 性别, 民族, 出生日期 (and
    age), 联系电话, 公民身份号码, 住址, 单位或职业. The birth date is read from the ID number
    when it was not typed."""
    from mediation.validation import born_from_id

    out = []
    for p in view.party_details:
        born = p.birth_date or born_from_id(p.id_number)
        out.append([["姓名", p.name, "性别", p.gender or "", "民族", p.ethnicity or ""],
                    ["出生日期", f"{day(born)}({_age(born, on)}岁)" if born else "", "联系电话", p.phone or "", "", ""],
                    ["公民身份号码", p.id_number or "", "", "", "", ""],
                    ["住址", p.address or "", "", "", "", ""],
                    ["单位或职业", p.employer or "", "", "", "", ""]])
    return out


_PARTY_WIDTHS = [2.8, 5.0, 2.1, 2.5, 1.2, 2.2]


def _party_table(doc, rows: list[list[str]]) -> None:
    """A party's block: every detail in its own cell (blank ones to fill in by hand); a value
    whose row has no more labels spans the rest of the row."""
    t = table(doc, None, rows, widths=_PARTY_WIDTHS, size=10.5, height=0.8)
    for row, values in zip(t.rows, rows, strict=True):
        if values[2:] == ["", "", "", ""]:
            paper.merge(row, 1, 5)
        elif values[4:] == ["", ""]:
            paper.merge(row, 3, 5)


def _parties(doc, view, on: date) -> None:
    for i, rows in enumerate(_party_rows(view, on), 1):
        para(doc, f"当事人{paper.numeral(i) if len(view.party_details) > 1 else ''}:", indent=False).runs[0].bold = True
        _party_table(doc, rows)


def _as_agreed(view) -> dict[str, Any]:
    """The agreement as it was signed: the ``agree`` step's day and values (never what happened
    after it — fulfilment, a breach — nor a later correction of the case's columns)."""
    from datetime import datetime

    agreed = _done(view, "agree")
    values = dict(agreed[-1].values) if agreed else {}
    due = values.get("performance_due", view.performance_due)
    if isinstance(due, str):  # (an event keeps its values as JSON: the deadline as an instant)
        due = datetime.fromisoformat(due)
    return {"at": agreed[-1].at if agreed else view.agreed_at, "terms": values.get("terms", view.terms),
            "amount": values.get("amount", view.amount), "due": timeutil.deadline_day(due) if due else None,
            "kind": values.get("agreement", view.agreement), "mediator": _mediator_at(view, agreed[-1] if agreed else None)}


def _mediator_at(view, agreed) -> str | None:
    """Who mediated when the agreement was made: the mediator the last step before it named."""
    named = [e.values["mediator"] for e in view.history or []
             if not e.undone and e.values.get("mediator") and (agreed is None or e.seq <= agreed.seq)]
    return named[-1] if named else view.mediator


def agreement(view, path: str, *, confirmation_last_day: date | None, settings: paper.Settings | None = None) -> None:
    """人民调解协议书 (人民调解法第28、29条): every party with the details the law names, the
    facts and the matter in dispute, the terms, how and when they are performed, 一式N份 (one
    per party and one for the committee), the reminder of 司法确认 with its last day, and a
    signing area sized for a signature, a fingerprint and a seal, each with its date line."""
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm

    signed = _as_agreed(view)
    on = timeutil.local_date(signed["at"]) if signed["at"] else timeutil.local_date(timeutil.now())
    n = len(view.party_details)
    doc = paper.document(settings)
    title(doc, "人民调解协议书", f"编号:{view.number}")
    _parties(doc, view, on)
    heading(doc, "纠纷主要事实、争议事项:")
    para(doc, f"纠纷类别:{view.type}。{view.summary}")
    heading(doc, f"经人民调解委员会调解,{paper.sides(n)}当事人自愿达成如下协议:")
    for line in (signed["terms"] or "").splitlines() or [""]:
        para(doc, line)
    amount = signed["amount"]
    if amount and str(amount) not in ("0", "0.00"):
        para(doc, f"协议涉及金额:人民币{paper.rmb(amount)}(¥{paper.yuan(amount)})。")
    heading(doc, "履行方式、时限:")
    due = signed["due"]
    para(doc, f"当事人应当于{day(due)}前(含当日)履行上述协议。" if due else
         "当事人应当按上述协议内容约定的方式和期限履行;人民调解委员会对履行情况进行回访。")
    para(doc, "本协议自各方当事人签名、盖章或者按指印,人民调解员签名并加盖人民调解委员会印章之日起生效。"
              "经人民调解委员会调解达成的调解协议,具有法律约束力,当事人应当按照约定履行"
              "(《中华人民共和国人民调解法》第二十九条、第三十一条)。")
    if confirmation_last_day is not None:
        para(doc, f"{paper.sides(n)}当事人认为有必要的,可以自本协议生效之日起三十日内共同向人民法院申请司法确认"
                  f"(《中华人民共和国人民调解法》第三十三条),最后一日为{day(confirmation_last_day)}。")
    para(doc, f"本协议一式{paper.numeral(n + 1)}份,{paper.sides(n)}当事人、人民调解委员会各执一份。")
    doc.add_paragraph().add_run().add_break(WD_BREAK.LINE)
    signing = [[f"当事人:{p.name}", "签名(盖章或按指印):", "    年  月  日"] for p in view.party_details]
    signing += [[f"人民调解员:{signed['mediator'] or ''}", "签名:", "    年  月  日"],
                [_committee(view, settings), "(印章)", day(signed["at"])]]
    t = table(doc, ["签署人", "签名、盖章或按指印", "日期"], signing, widths=[5.0, 6.8, 4.0], height=2.6)
    t.rows[-1].height = Cm(4.2)  # the committee's seal is about 4 cm across
    paper.save(doc, path)


def application(view, path: str, *, settings: paper.Settings | None = None) -> None:
    """人民调解申请书: the first party applies, the others are named as 被申请人; the dispute
    and what is asked, and each applicant's signature with its date."""
    on = timeutil.local_date(view.registered_at)
    doc = paper.document(settings)
    title(doc, "人民调解申请书", f"编号:{view.number}")
    rows = _party_rows(view, on)
    for i, block in enumerate(rows):
        para(doc, "申请人:" if i == 0 else f"被申请人{paper.numeral(i) if len(rows) > 2 else ''}:", indent=False
             ).runs[0].bold = True
        _party_table(doc, block)
    heading(doc, "纠纷简要情况:")
    para(doc, f"纠纷类别:{view.type}。{view.summary}")
    heading(doc, "申请事项:")
    para(doc, f"请求{_committee(view, settings)}依法调解上述纠纷。")
    lines(doc, 3)
    para(doc, f"此致\n{_committee(view, settings)}", indent=False)
    signed_off(doc, f"申请人(签名或按指印):{view.party_details[0].name if view.party_details else ''}",
               dated=view.registered_at, seal=False)
    paper.save(doc, path)


def register(view, path: str, *, settings: paper.Settings | None = None) -> None:
    """人民调解受理登记表: number, day, how the dispute came, the parties, the dispute, who
    took it in and who mediates, the committee's decision to accept."""
    opened = _done(view, "register")
    on = timeutil.local_date(view.registered_at)
    doc = paper.document(settings)
    title(doc, "人民调解受理登记表", f"编号:{view.number}")
    source = config.SOURCES.get(view.source or "", view.source or "")
    t = table(doc, None, [
        ["受理日期", day(view.registered_at), "纠纷来源", source],
        ["纠纷类别", view.type, "调解类型", config.MEDIATION_KINDS.get(view.kind, view.kind)],
        ["当事人", "、".join(view.parties), "人数", str(len(view.parties))],
        ["纠纷简要情况", view.summary, "", ""],
        ["受理人", opened[0].actor if opened else "", "人民调解员", view.mediator or ""],
        ["受理意见", "经审查,该纠纷属于人民调解受理范围,决定受理。", "", ""],
    ], widths=[3.0, 6.0, 2.8, 4.0], height=1.0)
    for row in (t.rows[3], t.rows[5]):
        paper.merge(row, 1, 3)
    _parties(doc, view, on)
    signed_off(doc, _committee(view, settings), dated=view.registered_at)
    paper.save(doc, path)


def _record(doc, view, *, kind: str, steps: list, who: str) -> None:
    """What a 调查记录 or 调解记录 holds above its body: when, where, who."""
    first = steps[0] if steps else None
    t = table(doc, None, [
        ["时间", day(first.at) if first else day(None), "地点", ""],
        [who, (first.actor if first else view.mediator) or "", "记录人", ""],
        ["当事人", "、".join(view.parties), "", ""],
        ["案由", f"{view.type}:{view.summary}", "", ""],
    ], widths=[2.6, 6.2, 2.4, 4.6], height=0.9)
    for row in (t.rows[2], t.rows[3]):
        paper.merge(row, 1, 3)
    heading(doc, f"{kind}内容:")
    for e in steps:
        label = _step_label(e.trigger)
        para(doc, f"{day(e.at)} {label}:{e.note or ''}".rstrip(":"))
    lines(doc, 10)
    signed_off(doc, f"{'被调查人' if kind == '调查' else '当事人'}(签名或按指印):", seal=False)
    signed_off(doc, f"{who}(签名):  记录人(签名):", seal=False)


def _step_label(trigger: str) -> str:
    from workflows.dispute import TRIGGER_LABELS

    return TRIGGER_LABELS.get(trigger, trigger)


def investigation(view, path: str, *, settings: paper.Settings | None = None) -> None:
    """人民调解调查记录 (调查笔录): the case's head filled in, what its 研判 recorded, ruled lines
    for the rest, and the signatures of the person heard and of the mediator."""
    doc = paper.document(settings)
    title(doc, "人民调解调查记录", f"编号:{view.number}")
    _record(doc, view, kind="调查", steps=_done(view, "triage"), who="调查人")
    paper.save(doc, path)


def record(view, path: str, *, settings: paper.Settings | None = None) -> None:
    """人民调解记录 (调解笔录): the mediation's sessions as its steps recorded them (开始调解 to
    the outcome), ruled lines, and the parties' and mediator's signatures."""
    doc = paper.document(settings)
    title(doc, "人民调解记录", f"编号:{view.number}")
    steps = _done(view, "start", "request_escalation", "approve_escalation", "return_escalation", "agree", "fail",
                  "decline", "redirect")
    _record(doc, view, kind="调解", steps=steps, who="人民调解员")
    paper.save(doc, path)


def visit(view, path: str, *, settings: paper.Settings | None = None) -> None:
    """人民调解回访记录: the agreement visited, when, by whom, how it was performed, whether the
    parties are satisfied, and the visitor's and the party's signatures."""
    from docx.shared import Cm

    visits = _done(view, "visit")
    performed = _done(view, "fulfil", "breach")
    signed = _as_agreed(view)
    shown = visits[-1] if visits else None
    satisfied = {True: "满意", False: "不满意"}.get(shown.values.get("satisfied") if shown else None, "")
    doc = paper.document(settings)
    title(doc, "人民调解回访记录", f"编号:{view.number}")
    t = table(doc, None, [
        ["回访时间", day(shown.at if shown else view.visit_due), "回访人", (shown.actor if shown else view.mediator) or ""],
        ["被回访人", "、".join(view.parties), "回访方式", ""],
        ["调解协议", f"{day(signed['at'])}达成{config.AGREEMENT_FORMS.get(signed['kind'] or '', '')}", "", ""],
        ["履行情况", (f"{_step_label(performed[-1].trigger)}({day(performed[-1].at)})" if performed else ""), "", ""],
        ["当事人意见", satisfied, "", ""],
        ["回访情况", (shown.note or "") if shown else "", "", ""],
    ], widths=[2.8, 6.0, 2.6, 4.4], height=1.0)
    for row in t.rows[2:]:
        paper.merge(row, 1, 3)
    t.rows[-1].height = Cm(5)
    signed_off(doc, "被回访人(签名):      回访人(签名):", seal=False)
    paper.save(doc, path)


def receipt_section(doc, *, document_name: str, number: str, people: list[str], sender: str, dated: Any = None,
                    new_page: bool = True) -> None:
    """送达回证: the document served, by whom, where and how, each recipient's signature and
    day, the server's and a witness's signatures (a 留置送达 needs one)."""
    from docx.enum.text import WD_BREAK

    if new_page:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    title(doc, "送达回证", f"编号:{number}")
    t = table(doc, None, [["送达文书", document_name, "", ""], ["送达机关", sender, "送达日期", day(dated)],
                          ["送达地点", "", "送达方式", "直接送达 / 留置送达 / 邮寄送达"]],
              widths=[2.8, 6.0, 2.6, 4.4], height=1.0)
    paper.merge(t.rows[0], 1, 3)
    para(doc)
    table(doc, ["受送达人", "签名或盖章", "签收日期"], [[p, "", "    年  月  日"] for p in people],
          widths=[4.0, 7.8, 4.0], height=2.0)
    para(doc)
    t = table(doc, None, [["送达人(签名)", "", "见证人(签名)", ""], ["备注", "", "", ""]], widths=[2.8, 5.2, 2.8, 5.0],
              height=1.4)
    paper.merge(t.rows[1], 1, 3)


def receipt(view, path: str, *, settings: paper.Settings | None = None) -> None:
    """送达回证 of the case's agreement (or, with none, of its 受理) for every party."""
    doc = paper.document(settings)
    served = "人民调解协议书" if view.agreement == "written" else "人民调解受理通知"
    receipt_section(doc, document_name=f"{served} {view.number}", number=view.number, people=list(view.parties),
                    sender=_committee(view, settings), dated=_as_agreed(view)["at"] if view.agreement else None,
                    new_page=False)
    paper.save(doc, path)


def cover(view, path: str, *, attachments: list | None = None,
          settings: paper.Settings | None = None) -> None:
    """卷宗封面 (一案一卷) and, on its own page, the 卷内目录: every paper the case's steps call
    for, in the order the file keeps them, and every attachment (scans, photos) with its day."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Pt

    closed = [e for e in (view.history or []) if e.to in ("closed", "terminated", "redirected") and not e.undone]
    outcome = {"agreed": "调解成功", "confirmed": "调解成功(已司法确认)", "performed": "调解成功,已履行",
               "breached": "调解成功,未履行", "confirmation_rejected": "调解成功,司法确认被驳回",
               "failed": "调解不成", "declined": "当事人拒绝调解", "redirected": "分流"}.get(view.outcome or "",
                                                                                  view.state_label)
    doc = paper.document(settings)
    for text, size in ((_committee(view, settings), 18), ("人 民 调 解 卷 宗", 30)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_before = Pt(36)
        run = p.add_run(text)
        run.bold, run.font.size = True, Pt(size)
    for _blank in range(3):  # (not `_`: that is the translation function here)
        doc.add_paragraph()
    rows = [["卷  号", view.number], ["案  由", f"{view.type}纠纷"], ["当 事 人", "、".join(view.parties)],
            ["人民调解员", view.mediator or ""], ["受理日期", day(view.registered_at)],
            ["结案日期", day(closed[-1].at) if closed else "(在办)"], ["调解结果", outcome],
            ["立 卷 人", ""], ["立卷日期", "    年  月  日"], ["保管期限", "长期"]]
    table(doc, None, rows, widths=[3.6, 10.0], height=1.1, size=14).style = None
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    title(doc, "卷内目录", f"卷号:{view.number}")
    entries = contents(view, attachments or [])
    table(doc, ["序号", "文件名称", "日期", "页数", "备注"],
          [[str(i), name, day(when) if when else "", "", note] for i, (name, when, note) in enumerate(entries, 1)],
          widths=[1.2, 6.6, 4.0, 1.6, 2.4], height=0.9, size=10.5)
    paper.save(doc, path)


def contents(view, attachments: list) -> list[tuple[str, Any, str]]:
    """The 卷内目录's entries: (paper, its day, a remark), the forms the case's steps call for
    and then the attachments (``attachments.AttachmentView``)."""
    from mediation.attachments import KINDS

    out: list[tuple[str, Any, str]] = []
    if view.source == "application":
        out.append(("人民调解申请书", view.registered_at, ""))
    out.append(("人民调解受理登记表", view.registered_at, ""))
    if _done(view, "triage"):
        out.append(("人民调解调查记录", _done(view, "triage")[0].at, ""))
    if _done(view, "start"):
        out.append(("人民调解记录", _done(view, "start")[0].at, ""))
    signed = _as_agreed(view)
    if signed["kind"] == "written" and _done(view, "agree"):
        out.append(("人民调解协议书", signed["at"], ""))
        out.append(("送达回证", signed["at"], ""))
    elif signed["kind"] == "oral" and _done(view, "agree"):
        out.append(("口头调解协议登记", signed["at"], ""))
    if _done(view, "confirm"):
        out.append(("司法确认裁定书", _done(view, "confirm")[-1].at, "人民法院"))
    if _done(view, "visit"):
        out.append(("人民调解回访记录", _done(view, "visit")[-1].at, ""))
    for a in attachments:
        out.append((f"{KINDS.get(a.kind, a.kind)}:{a.name}", a.at, a.note or "附件"))
    return out


# --- a petition's notices ------------------------------------------------------------------

def refusal(view, path: str, *, office: str, dated: Any = None, settings: paper.Settings | None = None) -> None:
    """不予受理告知书 (《信访工作条例》第三十条): the petition, why it is not accepted, where to
    turn; the office's 落款 with room for its seal; its 送达回证."""
    doc = paper.document(settings)
    title(doc, "信访事项不予受理告知书", f"编号:{view.number}")
    para(doc, f"{view.petitioner}:", indent=False)
    para(doc, f"你于{day(view.received_at)}提出的信访事项(“{view.summary}”),经审查,"
              f"{paper.cite(view.refusal) or '不属于本机关受理范围'}。根据《信访工作条例》的规定,本机关决定不予受理。")
    para(doc, "如对本告知有异议,可以依法通过相应的法定途径主张权利。")
    signed_off(doc, office, dated=dated or timeutil.now())
    receipt_section(doc, document_name=f"信访事项不予受理告知书 {view.number}", number=view.number,
                    people=[view.petitioner], sender=office, dated=dated)
    paper.save(doc, path)


def redirect(view, path: str, *, office: str, channel: str, law: str | None, dated: Any = None,
             settings: paper.Settings | None = None) -> None:
    """导入法定途径告知书 (诉访分离, 《信访工作条例》第三十一条): the channel and the body that
    decides it by name, its law with 书名号 and the article in Chinese numerals, and, when the
    petitioner said when they knew of the matter, the last day to apply; 落款 and 送达回证."""
    body = paper.body_for(view.channel or "", law)
    doc = paper.document(settings)
    title(doc, "导入法定途径告知书", f"编号:{view.number}")
    para(doc, f"{view.petitioner}:", indent=False)
    para(doc, f"你于{day(view.received_at)}提出的信访事项(“{view.summary}”),属于应当通过{channel}途径解决的事项。"
              f"根据《信访工作条例》第三十一条的规定,请你依法向{body}申请{channel}。")
    cited = paper.cite(law) or "有关法律"
    if view.channel_deadline is not None:
        para(doc, f"依照{cited},申请期限的最后一日为{day(timeutil.deadline_day(view.channel_deadline))};"
                  "逾期可能丧失相应权利。")
    else:
        para(doc, f"申请期限依照{cited}计算,请尽早提出,以免逾期丧失权利。")
    signed_off(doc, office, dated=dated or timeutil.now())
    receipt_section(doc, document_name=f"导入法定途径告知书 {view.number}", number=view.number,
                    people=[view.petitioner], sender=office, dated=dated)
    paper.save(doc, path)


# --- the services' entry points ------------------------------------------------------------

CASE_FORMS = {"agreement": "人民调解协议书", "cover": "卷宗封面与卷内目录", "application": "人民调解申请书",
              "register": "受理登记表", "investigation": "调查笔录", "record": "调解笔录", "visit": "回访记录",
              "receipt": "送达回证"}
PETITION_FORMS = {"refusal": "不予受理告知书", "redirect": "导入法定途径告知书", "receipt": "送达回证"}
# The forms a party signs that state their ID number: printed in full unless asked for masked.
SIGNED_IN_FULL = ("agreement", "application", "register")
_CASE_WRITERS = {"application": application, "register": register, "investigation": investigation,
                 "record": record, "visit": visit, "receipt": receipt}


def print_case(db, *, actor: str | None, case: str, form: str, path: str, unmask: bool | None = None,
               paper_folder: str | None = None) -> str:
    """Write a case's ``form`` (``CASE_FORMS``) to ``path``; returns the case's number. The
    forms a party signs (``SIGNED_IN_FULL``) print ID numbers, phones and addresses in full
    unless ``unmask`` is False; the others only when it is True. Printing in full is recorded
    in the case's access history, by the acting user."""
    from mediation import attachments as attached
    from mediation import cases, deadlines
    from mediation.errors import NotAllowed, PermissionDenied
    from mediation.validation import choice
    from workflows import ask, option
    from workflows.dispute import CONFIRMATION_WINDOW

    form = choice(form, CASE_FORMS, N_("document form"))
    settings = paper.settings(paper_folder)
    full = unmask if unmask is not None else form in SIGNED_IN_FULL
    view = cases.show(db, case=case, actor=actor)
    if form == "agreement" and (view.agreement != "written" or view.agreed_at is None):
        said = _("an oral agreement has no written form") if view.agreement == "oral" else _("no agreement yet")
        raise NotAllowed(_("{number}: {said}, no agreement to print").format(number=view.number, said=said))
    if full and actor is None:
        raise PermissionDenied(ask(_("the {form} for signing shows full ID numbers: say who prints it ({who}), "
                                     "or print {masked}"), form=CASE_FORMS[form], who=option("as"),
                                   masked=option("masked")))
    if full:  # (the reading in full, recorded)
        view = cases.show(db, case=case, actor=actor, unmask=True)
    if form == "cover":
        cover(view, path, attachments=attached.views(db, actor=actor, case=case), settings=settings)
        return view.number
    if form in _CASE_WRITERS:
        _CASE_WRITERS[form](view, path, settings=settings)
        return view.number
    last = deadlines.last_day(timeutil.local_date(view.agreed_at), CONFIRMATION_WINDOW)
    agreement(view, path, confirmation_last_day=last, settings=settings)
    return view.number


def print_petition(db, *, actor: str | None, petition: str, form: str, path: str,
                   paper_folder: str | None = None) -> str:
    """Write a petition's notice (``PETITION_FORMS``) to ``path``; returns its number. The
    送达回证 alone is for the notice the petition was given."""
    from dataclasses import replace

    from mediation import petitions
    from mediation.errors import NotAllowed
    from mediation.validation import choice

    form = choice(form, PETITION_FORMS, N_("document form"))
    settings = paper.settings(paper_folder)
    view = petitions.show(db, petition=petition, actor=actor)
    office = settings.get("office", f"{view.town}人民政府")
    if form == "receipt":
        served = {"not_accepted": "信访事项不予受理告知书", "redirected": "导入法定途径告知书"}.get(view.state,
                                                                                       "信访事项受理告知书")
        doc = paper.document(settings)
        receipt_section(doc, document_name=f"{served} {view.number}", number=view.number, people=[view.petitioner],
                        sender=office, new_page=False)
        paper.save(doc, path)
        return view.number
    if form == "refusal":
        if view.state != "not_accepted":
            raise NotAllowed(_("{number} was not refused (state {state})").format(number=view.number, state=view.state))
        rejected = [e for e in view.history or [] if e.trigger == "reject" and not e.undone]
        reason = view.refusal or (rejected[-1].note if rejected else None)
        refusal(replace(view, refusal=reason), path, office=office, dated=rejected[-1].at if rejected else None,
                settings=settings)
        return view.number
    if view.state != "redirected" or not view.channel:
        raise NotAllowed(_("{number} was not redirected to a legal channel").format(number=view.number))
    redirected = [e for e in view.history or [] if e.trigger == "redirect" and not e.undone]
    redirect(view, path, office=office, channel=config.CHANNELS.get(view.channel, view.channel), law=view.channel_law,
             dated=redirected[-1].at if redirected else None, settings=settings)
    return view.number
