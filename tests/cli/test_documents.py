"""Word documents from the 2021 sample, opened the way an office would: each converted to PDF
by LibreOffice headless (installed by .ci/run) and its text checked."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

SAMPLE = str(Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021")
FULL_ID = "611022195501163234"  # a party of (2021)营调字第001号 in the sample


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found and shutil.which("pdftotext"):
        return found
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail("LibreOffice (libreoffice-writer-nogui) and pdftotext (poppler-utils) are installed by .ci/run",
                    pytrace=False)
    pytest.skip("LibreOffice headless is not installed here")


@pytest.fixture(scope="module")
def papers(tmp_path_factory):
    """The sample loaded once; every document printed from it, converted to PDF in one run of
    LibreOffice; each PDF's text with its whitespace removed (LibreOffice spaces digits apart
    from Chinese)."""
    soffice = _soffice()
    work = tmp_path_factory.mktemp("papers")
    db = str(work / "town.db")
    runner = CliRunner(env={"NO_COLOR": "1", "MEDIATION_USER": None})

    def ok(*args):
        result = runner.invoke(main, ["--db", db, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    ok("load", SAMPLE)
    docs = {
        "report": ["report", "annual", "2021", "--as-of", "2021-11-30", "--format", "docx"],
        "agreement": ["case", "print", "(2021)营调字第001号", "--form", "agreement", "--masked"],
        "unmasked": ["--as", "王主任", "case", "print", "2021-1", "--form", "agreement", "--unmask"],
        "cover": ["case", "print", "(2021)营调字第001号", "--form", "cover"],
        "refusal": ["petition", "print", "(2021)营信字第007号", "--form", "refusal"],
        "redirect": ["petition", "print", "(2021)营信字第001号", "--form", "redirect"],
    }
    for name, args in docs.items():
        if args[0] == "--as":
            result = runner.invoke(main, ["--db", db, *args[:2], *args[2:], "--out", str(work / f"{name}.docx")])
            assert result.exit_code == 0, result.output
        else:
            ok(*args, "--out", str(work / f"{name}.docx"))
    subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work),
                    *(str(work / f"{n}.docx") for n in docs)], check=True, capture_output=True, timeout=300,
                   env={**os.environ, "HOME": str(work)})
    texts = {}
    for name in docs:
        out = subprocess.run(["pdftotext", "-layout", str(work / f"{name}.pdf"), "-"], check=True,
                             capture_output=True, text=True).stdout
        texts[name] = re.sub(r"\s+", "", out)
    return {"texts": texts, "dir": work, "db": db, "runner": runner}


def test_the_report_holds_the_seeds_sentence_charts_and_page_numbers(papers):
    text = papers["texts"]["report"]
    assert "营盘镇2021年度矛盾纠纷化解工作统计" in text and "统计期间2021年1月1日至2021年11月30日" in text
    assert "全年行政调解案件4件,行政应诉案件1件,无行政复议事项发生。" in text
    assert "截止2021年11月,全镇35名社区矫正和刑满释放对象创业就业率达到94.2%。" in text
    assert "各类纠纷件数" in text and "各村(社区)纠纷件数" in text  # the two charts' titles
    assert "第1页共" in text and "调解成功率" in text and "统计口径" in text
    with zipfile.ZipFile(papers["dir"] / "report.docx") as z:
        charts = [n for n in z.namelist() if n.startswith("word/charts/")]
        assert len(charts) == 2
        assert "婚姻家庭" in z.read(charts[0]).decode()


def test_the_agreement_holds_its_terms_and_masked_ids(papers):
    text = papers["texts"]["agreement"]
    assert "人民调解协议书" in text and "(2021)营调字第001号" in text
    assert "限期拆除越界部分并恢复原状" in text and "人民币叁仟壹佰元整(¥3,100.00)" in text
    assert "6110**********3234" in text and FULL_ID not in text
    assert "司法确认" in text and "最后一日为2021年2月26日" in text
    assert "刘明山" in text and "龙潭村人民调解委员会" in text
    full = papers["texts"]["unmasked"]
    assert FULL_ID in full
    shown = papers["runner"].invoke(main, ["--db", papers["db"], "--as", "王主任", "case", "show", "2021-1", "--json"])
    assert '"actor": "王主任"' in shown.stdout.split('"access"', 1)[1]  # the printing left its trace


def test_the_cover_and_the_petition_notices(papers):
    cover = papers["texts"]["cover"]
    assert "人民调解卷宗" in cover and "房屋宅基地" in cover and "调解成功" in cover
    refusal = papers["texts"]["refusal"]
    assert "不予受理告知书" in refusal and "彭翠兰" in refusal and "户籍事项属公安机关职责" in refusal
    assert "营盘镇人民政府" in refusal
    redirect = papers["texts"]["redirect"]
    assert "导入法定途径告知书" in redirect and "仲裁" in redirect and "最后一日为2022年2月28日" in redirect


def test_what_cannot_be_printed_is_one_line(papers):
    runner, db = papers["runner"], papers["db"]
    for args, said in [
        (["petition", "print", "(2021)营信字第001号", "--form", "refusal"], "was not refused"),
        (["petition", "print", "(2021)营信字第007号", "--form", "redirect"], "was not redirected"),
        (["case", "print", "(2021)营调字第999号", "--form", "cover"], "no such case"),
        (["case", "print", "1", "--form", "agreement", "--unmask"], "shows full ID numbers: say who prints it"),
        (["case", "print", "1", "--form", "agreement"], "shows full ID numbers: say who prints it"),
        (["case", "print", "1", "--form", "cover", "--paper", str(papers["dir"] / "nowhere")], "no such folder"),
    ]:
        result = runner.invoke(main, ["--db", db, *args, "--out", str(papers["dir"] / "never.docx")])
        assert result.exit_code == 1 and said in result.stderr, result.output
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (papers["dir"] / "never.docx").exists()
    oral = runner.invoke(main, ["--db", db, "case", "list", "--json"])
    import json
    number = next(c["number"] for c in json.loads(oral.stdout) if c.get("agreement") == "oral")
    result = runner.invoke(main, ["--db", db, "case", "print", number, "--form", "agreement", "--out",
                                  str(papers["dir"] / "never.docx")])
    assert result.exit_code == 1 and "an oral agreement has no written form" in result.stderr
