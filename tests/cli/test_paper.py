"""Paper fit to sign, stamp and file (issue "Paper fit to sign and file"), read the way an office
reads it: every document converted to PDF by LibreOffice headless (installed by .ci/run), its
text read by pdftotext and its pages counted by pdfinfo.

A three-party case with every party's details is carried to a written agreement of 2,000 yuan
and printed for signing; printed again after it was fulfilled; the 2021 sample's report is
printed with who answers for it; the ledger and the workbook are printed as filed.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.cli.test_documents import SAMPLE, _soffice

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def resident_id(first17: str) -> str:
    """A well-formed ID number (GB 11643 check digit) for a test's party."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS)) % 11]


IDS = [resident_id("61102219550116323"), resident_id("61102219620203451"), resident_id("61102219781109122")]
PARTIES = [f"郝长青,{IDS[0]},13912345678,男,汉族,住址=营盘镇龙潭村三组15号,职业=农民",
           f"钟玉兰,{IDS[1]},0914-3312345,女,回族,住址=营盘镇龙潭村四组2号,单位=营盘镇中心小学",
           f"董秀英,{IDS[2]},女,汉族,住址=营盘镇龙潭村一组8号"]


def _pdf_texts(soffice: str, work: Path, names: list[str]) -> dict[str, list[str]]:
    """Each document's PDF as a list of its pages' text, whitespace removed."""
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work / "pdf"),
                    *(str(work / n) for n in names)], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(work)})
    out = {}
    for name in names:
        pdf = work / "pdf" / (Path(name).stem + ".pdf")
        pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True,
                                                                 text=True).stdout).group(1))
        out[name] = [re.sub(r"\s+", "", subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), "-layout", str(pdf), "-"],
                                                       check=True, capture_output=True, text=True).stdout)
                     for p in range(1, pages + 1)]
    return out


def _landscape(pdf: Path) -> bool:
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                                         text=True).stdout)
    return float(size.group(1)) > float(size.group(2))


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    soffice = _soffice()
    work = tmp_path_factory.mktemp("filed")
    db = str(work / "town.db")
    runner = CliRunner(env={"NO_COLOR": "1", "MEDIATION_USER": None, "MEDIATION_PAPER": None})

    def ok(*args, user="王主任"):
        result = runner.invoke(main, ["--db", db, *(["--as", user] if user else []), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    ok("load", SAMPLE, user=None)
    made = ok("case", "new", "--village", "龙潭村", "--type", "损害赔偿", "--summary", "放牛踩踏庄稼引发赔偿争议",
              *[x for p in PARTIES for x in ("--party", p)], "--at", "2021-06-01", "--json")
    number = __import__("json").loads(made.stdout)["number"]
    ok("case", "do", number, "triage", "--set", "risk=yellow", "--at", "2021-06-01")
    ok("case", "do", number, "start", "--set", "mediator=刘明山", "--at", "2021-06-02")
    ok("case", "do", number, "agree", "--set", "agreement=written", "--set", "terms=郝长青赔偿钟玉兰、董秀英庄稼损失",
       "--set", "amount=2000", "--set", "performance_due=2021-06-20", "--at", "2021-06-05")
    ok("case", "print", number, "--form", "协议书", "--out", str(work / "agreement.docx"))
    ok("case", "print", number, "--form", "agreement", "--masked", "--out", str(work / "reading.docx"))
    ok("case", "do", number, "fulfil", "--at", "2021-06-18")
    ok("case", "print", number, "--form", "agreement", "--out", str(work / "after.docx"))
    scan = work / "协议书签字扫描.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    ok("case", "attach", number, str(scan), "--kind", "协议书扫描件", "--note", "三方签字原件")
    forms = ["cover", "application", "register", "investigation", "record", "visit", "receipt"]
    for form in forms:
        ok("case", "print", number, "--form", form, "--out", str(work / f"{form}.docx"))
    ok("report", "annual", "2021", "--as-of", "2021-11-30", "--format", "docx", "--out", str(work / "report.docx"),
       "--filler", "李文书", "--head", "陈所长", "--phone", "0914-3310000", "--dated", "2021-12-01")
    ok("report", "annual", "2021", "--as-of", "2021-11-30", "--format", "xlsx", "--out", str(work / "workbook.xlsx"))
    ok("case", "list", "--village", "秦丰村", "--format", "xlsx", "--out", str(work / "ledger.xlsx"))
    ok("petition", "print", "(2021)营信字第001号", "--form", "redirect", "--out", str(work / "redirect.docx"))
    ok("petition", "print", "(2021)营信字第007号", "--form", "refusal", "--out", str(work / "refusal.docx"))
    ok("petition", "print", "(2021)营信字第007号", "--form", "送达回证", "--out", str(work / "served.docx"))
    # A town's own paper: its letterhead in a template, its names in paper.toml.
    folder = work / "本镇文书"
    folder.mkdir()
    from docx import Document

    letterhead = Document()
    letterhead.sections[0].header.paragraphs[0].text = "营盘镇人民调解委员会文书专用"
    letterhead.add_paragraph("这一段是模板正文,打印时不出现")
    letterhead.save(str(folder / "template.docx"))
    (folder / "paper.toml").write_text('committee = "龙潭村人民调解委员会(营盘镇龙潭村)"\noffice = "营盘镇综治中心"\n'
                                       'head = "陈所长"\nclerk = "李文书"\nphone = "0914-3310000"\n', encoding="utf-8")
    ok("case", "print", number, "--form", "cover", "--paper", str(folder), "--out", str(work / "town_cover.docx"))
    ok("report", "annual", "2021", "--format", "docx", "--paper", str(folder), "--out", str(work / "town_report.docx"))
    (folder / "paper.toml").write_text("committee = ", encoding="utf-8")
    broken = runner.invoke(main, ["--db", db, "case", "print", number, "--form", "cover", "--paper", str(folder),
                                  "--out", str(work / "never.docx")])
    assert broken.exit_code == 1 and "paper.toml" in broken.stderr and len(broken.stderr.strip().splitlines()) == 1
    (folder / "paper.toml").write_text("", encoding="utf-8")
    (folder / "template.docx").write_text("不是Word文件", encoding="utf-8")
    broken = runner.invoke(main, ["--db", db, "report", "annual", "2021", "--format", "docx", "--paper", str(folder),
                                  "--out", str(work / "never.docx")])
    assert broken.exit_code == 1 and "not a Word document" in broken.stderr, broken.output
    assert len(broken.stderr.strip().splitlines()) == 1 and "Traceback" not in broken.output
    assert not (work / "never.docx").exists()
    names = ["town_cover.docx", "town_report.docx", "agreement.docx", "reading.docx", "after.docx", *[f"{f}.docx" for f in forms], "report.docx",
             "workbook.xlsx", "ledger.xlsx", "redirect.docx", "refusal.docx", "served.docx"]
    return {"pages": _pdf_texts(soffice, work, names), "work": work, "number": number, "db": db}


def test_a_three_party_agreement_is_printed_whole_for_signing(filed):
    text = "".join(filed["pages"]["agreement.docx"])
    assert "人民调解协议书" in text and filed["number"] in text
    assert "三方当事人" in text and "一式四份" in text and "双方" not in text
    for full in IDS:  # the copy the parties sign holds every ID number in full
        assert full in text
    assert "营盘镇龙潭村三组15号" in text and "回族" in text and "营盘镇中心小学" in text
    assert "1955年1月16日" in text  # the birth date read from the ID number
    assert "人民币贰仟元整(¥2,000.00)" in text
    assert "2021年6月20日前" in text and "《中华人民共和国人民调解法》第三十三条" in text
    assert text.count("签名(盖章或按指印)") == 3 and "人民调解员:刘明山" in text  # a row for each party
    reading = "".join(filed["pages"]["reading.docx"])
    assert not any(full in reading for full in IDS) and "6110**********" in reading


def test_the_agreement_printed_after_fulfilment_is_the_agreement_signed(filed):
    before, after = ("".join(filed["pages"][n]) for n in ("agreement.docx", "after.docx"))
    assert "履行完毕" not in after and "2021年6月18日" not in after
    assert after == before


def test_every_form_of_the_file_renders_with_its_parts(filed):
    pages = filed["pages"]
    cover = "".join(pages["cover.docx"])
    assert "人民调解卷宗" in cover and "卷内目录" in cover
    for entry in ("人民调解受理登记表", "人民调解调查记录", "人民调解记录", "人民调解协议书", "送达回证",
                  "协议书扫描件:协议书签字扫描.pdf", "三方签字原件"):
        assert entry in cover, entry
    assert "受理登记表" in "".join(pages["register.docx"]) and "受理意见" in "".join(pages["register.docx"])
    application = "".join(pages["application.docx"])
    assert "申请人" in application and "被申请人" in application and IDS[0] in application
    assert "调查记录" in "".join(pages["investigation.docx"])
    assert "人民调解记录" in "".join(pages["record.docx"]) and "开始调解" in "".join(pages["record.docx"])
    assert "回访记录" in "".join(pages["visit.docx"])
    receipt = "".join(pages["receipt.docx"])
    assert "送达回证" in receipt and all(name in receipt for name in ("郝长青", "钟玉兰", "董秀英"))


def test_the_report_section_can_be_filed(filed):
    text = "".join(filed["pages"]["report.docx"])
    for said in ("填报单位(盖章):营盘镇人民政府", "填报日期:2021年12月1日", "负责人:陈所长", "填表人:李文书",
                 "联系电话:0914-3310000"):
        assert said in text, said
    assert "535,100.00" in text and "93.3%" in text and "93.33%" not in text  # (the sample and this 2,000)
    assert not re.search(r"[A-Za-z]{4,}", text), re.findall(r"[A-Za-z]{4,}", text)  # Chinese only


def test_the_workbook_and_the_ledger_print_one_page_wide(filed):
    work = filed["work"]
    sheets = filed["pages"]["workbook.xlsx"]
    assert _landscape(work / "pdf" / "workbook.pdf")
    # Every page carries its sheet's first and last column: none was cut between two pages.
    for page in sheets:
        if "分类统计" in page:
            assert "村(社区)" in page and "合计" in page, page[:200]
        else:
            assert "数值" in page and ("指标" in page or "矛盾纠纷" in page or "信访" in page or "三线管控" in page)
    assert "填报单位(盖章)" in "".join(sheets) and "####" not in "".join(sheets)
    assert "".join(sheets).count("拒绝调解单列,不计为调解不成。") == 4  # the counting rules whole on each sheet
    ledger = filed["pages"]["ledger.xlsx"]
    assert _landscape(work / "pdf" / "ledger.pdf")
    assert len(ledger) == 1  # 13 rows and more, on one page
    assert "矛盾纠纷排查调处台账" in ledger[0] and "编号" in ledger[0] and "回访满意" in ledger[0]
    assert ledger[0].count("(2021)营调字") >= 13 or ledger[0].count("2021-") >= 13


def test_a_towns_own_paper_folder_gives_its_letterhead_and_names(filed):
    cover = "".join(filed["pages"]["town_cover.docx"])
    assert "营盘镇人民调解委员会文书专用" in cover and "龙潭村人民调解委员会(营盘镇龙潭村)" in cover
    assert "这一段是模板正文" not in cover
    report = "".join(filed["pages"]["town_report.docx"])
    for said in ("填报单位(盖章):营盘镇综治中心", "负责人:陈所长", "填表人:李文书", "联系电话:0914-3310000"):
        assert said in report, said


def test_the_notices_cite_laws_as_official_paper_does(filed):
    redirect = "".join(filed["pages"]["redirect.docx"])
    assert "《中华人民共和国劳动争议调解仲裁法》第二十七条" in redirect and "劳动人事争议仲裁委员会" in redirect
    assert "营盘镇人民政府(印章)" in redirect and "送达回证" in redirect and "受送达人" in redirect
    refusal = "".join(filed["pages"]["refusal.docx"])
    assert "《信访工作条例》" in refusal and "送达回证" in refusal and "彭翠兰" in refusal
    served = filed["pages"]["served.docx"]
    assert len(served) == 1 and "送达回证" in served[0] and "信访事项不予受理告知书" in served[0]
