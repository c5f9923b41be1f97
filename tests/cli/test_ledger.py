"""Ledgers (台账) in and out: the sample's cases written as a ledger and loaded into a fresh
database give the same year-end report; bad cells are located and load nothing; the template
offers its drop-down lists. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cli import main
from mediation import ledger

SAMPLE = Path(__file__).resolve().parents[2] / "sample_cases" / "yingpan-2021"
BEFORE = ("00-town", "10-screening", "20-petitions")  # what the cases refer to
AFTER = ("40-petitions-about-cases", "50-matters", "60-subjects")


class Cli:
    def __init__(self, url: str):
        self.url = url
        self.runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "MEDIATION_USER": None})

    def __call__(self, *args: str, user: str | None = None):
        head = ["--db", self.url] + (["--as", user] if user else [])
        return self.runner.invoke(main, head + list(args), catch_exceptions=False)

    def ok(self, *args: str, **kw):
        result = self(*args, **kw)
        assert result.exit_code == 0, result.output
        return result

    def load(self, *names: str) -> None:
        for name in names:
            self.ok("load", str(SAMPLE / f"{name}.toml"))

    def report(self) -> dict:
        return json.loads(self.ok("report", "annual", "2021", "--json").stdout)


@pytest.fixture
def sample(db_url):
    """The 2021 sample, loaded whole."""
    from tests.conftest import _sample, from_template

    from_template(db_url, "sample", _sample)
    return Cli(db_url)


def _fresh(tmp_path, db_url) -> tuple[Cli, str | None]:
    """A second empty database on the same engine (PostgreSQL: a scratch schema of its own)."""
    from tests.conftest import new_pg_schema

    if db_url.startswith("sqlite"):
        return Cli(f"sqlite:///{tmp_path / 'fresh.db'}"), None
    schema, url = new_pg_schema("mediation_ledger")
    return Cli(url), schema


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_samples_ledger_loads_back_to_the_same_report(sample, db_url, tmp_path, fmt):
    from tests.conftest import drop_pg_schema

    path = tmp_path / f"台账.{fmt}"
    made = sample.ok("case", "list", "--year", "2021", "--format", fmt, "--out", str(path))
    assert "rows" in made.stderr
    fresh, schema = _fresh(tmp_path, db_url)
    try:
        fresh.load(*BEFORE)
        loaded = json.loads(fresh.ok("load", str(path), "--json").stdout)
        assert loaded[0]["loaded"] == {"case": 65}
        fresh.load(*AFTER)
        assert fresh.report() == sample.report()
        again = fresh.ok("load", str(path))  # known by 编号: nothing new
        assert "already loaded" in again.stdout
        # The steps are those of the sample, with who took them: the same history, case by case.
        a = json.loads(sample.ok("case", "show", "(2021)营调字第001号", "--json").stdout)
        b = json.loads(fresh.ok("case", "show", "(2021)营调字第001号", "--json").stdout)
        keep = ("trigger", "actor", "at", "note", "values", "line")
        assert [{k: e[k] for k in keep} for e in a["history"]] == [{k: e[k] for k in keep} for e in b["history"]]
    finally:
        if schema:
            drop_pg_schema(schema)


def test_a_ledger_is_a_sheet_a_clerk_reads(sample, tmp_path):
    path = tmp_path / "台账.xlsx"
    sample.ok("case", "list", "--village", "龙潭村", "--format", "xlsx", "--out", str(path))
    ws = load_workbook(path)["台账"]
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == ledger.HEADERS
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["步骤"] == "登记" and first["村(社区)"] == "龙潭村" and first["来源"] in ("排查发现", "12345热线", "当事人申请",
                                                                                 "网格员上报", "委托移送", "信访转入")
    assert "611022" not in (first["当事人"] or "")  # names only unless --unmask
    steps = [dict(zip(rows[0], r, strict=True)) for r in rows[2:] if r[0] == first["编号"]]
    assert steps[0]["步骤"] == "研判分流" and steps[0]["风险等级"] in "绿黄橙红"
    agreed = next(s for r in rows[1:] if (s := dict(zip(rows[0], r, strict=True)))["步骤"] == "达成协议")
    assert isinstance(agreed["协议金额"], (int, float)) and agreed["协议形式"] in ("书面协议", "口头协议")
    assert ws.cell(1, 1).font.b and ws.freeze_panes == "A2"


def test_unmasked_ledger_records_each_reading(sample, tmp_path):
    path = tmp_path / "full.csv"
    sample("case", "list", "--format", "csv", "--out", str(path), "--unmask")  # no acting user
    assert not path.exists()
    sample.ok("case", "list", "--village", "龙潭村", "--format", "csv", "--out", str(path), "--unmask", user="王主任")
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")  # Chinese Excel reads UTF-8 only with its BOM
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    full = [r["当事人"] for r in rows if r["步骤"] == "登记" and "," in r["当事人"]]
    assert full and any(len(p.split(",")[1]) == 18 for f in full for p in f.split("\n") if p.count(",") >= 1
                        and p.split(",")[1])
    shown = json.loads(sample.ok("case", "show", rows[0]["编号"] if rows[0]["编号"].startswith("(") else "1",
                                 "--json", user="王主任").stdout)
    assert any(a["actor"] == "王主任" for a in shown["access"])
    refused = sample("case", "list", "--village", "朱家湾村", "--format", "csv", "--out", str(tmp_path / "x.csv"),
                     "--unmask", user="刘明山")
    assert refused.exit_code == 1 and "acts only on records of their own village" in refused.stderr and not (tmp_path / "x.csv").exists()


def test_a_ledger_that_cannot_be_written_is_one_line_and_no_file(run, tmp_path):
    run.ok("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "𠮷家院墙", "--party", "甲",
           "--party", "乙", "--at", "2021-03-02", user="刘调解")
    gbk = tmp_path / "台账.csv"
    run.refused("case", "list", "--format", "csv", "--encoding", "gbk", "--out", str(gbk), match="use --encoding utf-8")
    assert not gbk.exists()  # nothing half-written
    run.refused("case", "list", "--format", "xlsx", "--out", str(tmp_path / "none" / "台账.xlsx"),
                match="cannot use the file")
    run.refused("template", str(tmp_path / "none" / "t.xlsx"), match="cannot use the file")


def test_three_bad_cells_are_three_located_problems_and_nothing_loads(sample, db_url, tmp_path):
    from tests.conftest import drop_pg_schema, snapshot

    path = tmp_path / "台账.xlsx"
    sample.ok("case", "list", "--year", "2021", "--format", "xlsx", "--out", str(path))
    wb = load_workbook(path)
    ws = wb["台账"]
    col = {h: i + 1 for i, h in enumerate(ledger.HEADERS)}
    ws.cell(2, col["当事人"], "郝学军,611022195501163235")  # the check digit is wrong
    ws.cell(2, col["纠纷类别"], "打架")  # no such category
    step_row = next(r for r in range(3, ws.max_row) if ws.cell(r, col["步骤"]).value == "达成协议"
                    and ws.cell(r, col["编号"]).value != ws.cell(2, col["编号"]).value)  # another case
    ws.cell(step_row, col["协议形式"], "手写")  # no such agreement form
    wb.save(path)
    fresh, schema = _fresh(tmp_path, db_url)
    try:
        fresh.load(*BEFORE)
        before = snapshot(fresh_db := _db(fresh.url))
        result = fresh("load", str(path))
        assert result.exit_code == 1 and "3 problem(s)" in result.stderr and "Traceback" not in result.output
        lines = result.stderr.strip().splitlines()[:-1]
        assert lines[0].startswith("台账.xlsx: 台账!2:C(纠纷类别): ")
        assert lines[1].startswith("台账.xlsx: 台账!2:E(当事人): ") and "GB 11643" in lines[1]
        assert lines[2].startswith(f"台账.xlsx: 台账!{step_row}:P(协议形式): ")
        assert snapshot(fresh_db) == before
        fresh_db.dispose()
    finally:
        if schema:
            drop_pg_schema(schema)


def _db(url):
    from mediation.db import Database
    return Database(url)


def test_a_ledgers_shape_is_checked_before_anything_is_read(run, tmp_path):
    bad = tmp_path / "台账.csv"
    bad.write_text("编号,村(社区),步骤,日期,备注\n1,龙潭村,研判分流,2021-03-02,x\n", encoding="utf-8-sig")
    result = run("load", str(bad), user="刘调解")
    assert result.exit_code == 1
    assert "台账!1:E: unknown column '备注'" in result.stderr
    bad.write_text("编号,村(社区),步骤,日期\n1,龙潭村,研判分流,2021-03-02\n", encoding="gbk")
    result = run("load", str(bad), user="刘调解")
    assert result.exit_code == 1 and "台账!2:A(编号)" in result.stderr and "row of 1 must come before its steps" in result.stderr
    junk = tmp_path / "x.xlsx"
    junk.write_bytes(b"not a workbook")
    result = run("load", str(junk), user="刘调解")
    assert result.exit_code == 1 and "not a readable .xlsx workbook" in result.stderr


def test_a_clerks_ledger_in_chinese_loads(run, tmp_path):
    path = tmp_path / "龙潭村.csv"
    rows = [ledger.HEADERS]

    def row(**cells):
        rows.append([cells.get(ledger.FIELD[h], "") for h in ledger.HEADERS])

    row(key="L-1", village="龙潭村", type="邻里", summary="排水沟堵塞", parties="孙秀英,11010519491231002X,13812345678\n吴大海",
        source="排查发现", screening="拉网", do="登记", at="2021-03-02", by="刘调解")
    row(key="L-1", do="研判分流", at="2021-03-02", risk="黄")
    row(key="L-1", do="开始调解", at="2021-03-03", mediator="刘调解")
    row(key="L-1", do="达成协议", at="2021-03-06", agreement="书面协议", terms="吴家疏通水沟", amount="200")
    with open(path, "w", encoding="gbk", newline="") as fh:  # as WPS saves it
        csv.writer(fh).writerows(rows)
    run.ok("load", str(path), user="刘调解")
    shown = run.json("case", "show", "(2021)营调字第001号")
    assert shown["state"] == "agreed" and shown["amount"] == "200.00" and shown["agreement"] == "written"
    assert shown["parties"] == ["孙秀英", "吴大海"] and shown["screening"] == "拉网"


def test_a_ledger_typed_with_full_width_punctuation_loads(run, tmp_path):
    """A Chinese IME types ，and ；: a party's parts and the parties of a cell are split on them
    as on , and ; (written as escapes here, so no editor can fold them to ASCII)."""
    path = tmp_path / "龙潭村.csv"
    rows = [ledger.HEADERS]

    def row(**cells):
        rows.append([cells.get(ledger.FIELD[h], "") for h in ledger.HEADERS])

    row(key="W-1", village="龙潭村", type="邻里", summary="排水沟堵塞",
        parties="孙秀英\uff0c11010519491231002X\uff0c13812345678\uff1b吴大海\uff0c男", source="排查发现",
        do="登记", at="2021-03-02", by="刘调解")
    row(key="W-1", do="研判分流", at="2021-03-02", risk="黄")
    row(key="W-1", do="开始调解", at="2021-03-03", mediator="刘调解")
    row(key="W-1", do="达成协议", at="2021-03-06", agreement="书面协议", terms="吴家疏通水沟", amount="1.5万元")
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    run.ok("load", str(path), user="刘调解")
    shown = run.json("case", "show", "(2021)营调字第001号")
    assert shown["parties"] == ["孙秀英", "吴大海"] and shown["amount"] == "15000.00"
    first, second = shown["party_details"]
    assert first["id_number"] == "1101**********002X" and first["phone"] == "138****5678" and second["gender"] == "男"
    made = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "宅基地",
                    "--party", "李四\uff0c13912345678\uff0c女", "--party", "王五", user="刘调解")
    assert made["party_details"][0]["phone"] == "139****5678" and made["party_details"][0]["gender"] == "女"


def test_the_template_offers_its_lists(run, tmp_path):
    path = tmp_path / "台账模板.xlsx"
    made = run("template", str(path))
    assert made.exit_code == 0, made.output
    wb = load_workbook(path)
    ws = wb["台账"]
    assert [c.value for c in ws[1]] == ledger.HEADERS
    # An example case, its 编号 marked 示例: a load of the template as it is loads nothing.
    examples = [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)]
    assert examples and all(k.startswith(ledger.EXAMPLE) for k in examples)
    assert ws.cell(2, ledger.HEADERS.index("当事人") + 1).value.startswith("孙秀英,11010519491231002X")
    loaded = run("load", str(path), "--json")
    assert loaded.exit_code == 0 and run.json("case", "list") == []
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    options = wb["选项"]
    assert options.sheet_state == "hidden"
    lists = {options.cell(1, c).value: [options.cell(r, c).value for r in range(2, options.max_row + 1)
                                         if options.cell(r, c).value] for c in range(1, options.max_column + 1)}
    assert lists["村(社区)"] == ["龙潭村", "朱家湾村"] and "邻里" in lists["纠纷类别"]
    assert lists["步骤"][0] == "登记" and "研判分流" in lists["步骤"] and lists["风险等级"] == ["绿", "黄", "橙", "红"]
    ranges = {str(dv.sqref).split(":")[0] for dv in ws.data_validations.dataValidation}
    col = {h: ws.cell(1, i + 1).column_letter for i, h in enumerate(ledger.HEADERS)}
    assert {f"{col[h]}2" for h in ("村(社区)", "纠纷类别", "步骤", "风险等级", "协议形式")} <= ranges
    assert "示例" in "".join(str(c.value) for c in wb["填写说明"]["A"])
    assert run("template", str(path)).exit_code == 1  # never overwrites
    assert run("template", str(tmp_path / "t.csv")).exit_code == 2


def test_a_refused_step_is_placed_in_the_cell_its_refusal_asks_for(run, tmp_path):
    """The loader hands the ledger each problem's facts (row, field, what the refusal asks for),
    not words to parse: the same cells in either language."""
    path = tmp_path / "龙潭村.csv"
    rows = [ledger.HEADERS]

    def row(**cells):
        rows.append([cells.get(ledger.FIELD[h], "") for h in ledger.HEADERS])

    row(key="L-1", village="龙潭村", type="邻里", summary="排水沟堵塞", parties="孙秀英\n吴大海", do="登记",
        at="2021-03-02", by="刘调解")
    row(key="L-1", do="研判分流", at="2021-03-02")  # no 风险等级: the workflow asks for it
    row(key="L-2", village="龙潭村", type="邻里", summary="院墙", parties="张三\n李四", do="登记", at="2021-03-02",
        by="刘调解")
    row(key="L-2", do="研判分流", at="2021-02-01", risk="黄")  # before its registration
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(rows)
    letters = {h: chr(ord("A") + ledger.HEADERS.index(h)) for h in ("风险等级", "日期")}
    for lang, words in (("C.UTF-8", ("risk", "dates out of order")), ("zh_CN.UTF-8", ("风险", "日期顺序"))):
        result = run.speaking(lang)("load", str(path), user="刘调解")
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        said = result.stderr
        assert f"龙潭村.csv: 龙潭村!3:{letters['风险等级']}(风险等级): " in said and words[0] in said, said
        assert f"龙潭村.csv: 龙潭村!5:{letters['日期']}(日期): " in said and words[1] in said, said
    assert run.json("case", "list") == []
