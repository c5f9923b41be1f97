"""A party's details (性别, 民族, 出生日期, 住址, 单位或职业) typed at registration, corrected,
exported in a ledger and loaded back, on both engines; the address masked by the database as
the program masks it."""

from __future__ import annotations

from mediation import validation

ADDRESS = "营盘镇龙潭村三组15号院内"


def test_details_are_kept_corrected_and_carried_by_a_ledger(run, tmp_path):
    made = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
                    "--party", f"孙秀英,11010519491231002X,13812345678,女,汉族,住址={ADDRESS},职业=农民",
                    "--party", "吴大海", "--at", "2021-03-02", user="刘调解")
    first = made["party_details"][0]
    assert first["gender"] == "女" and first["ethnicity"] == "汉族" and first["employer"] == "农民"
    assert first["address"] == validation.mask_address(ADDRESS) != ADDRESS  # the database's mask, the same
    assert made["party_details"][1] == {"name": "吴大海", "id_number": None, "phone": None}  # (none given: none said)
    shown = run.json("case", "show", made["number"], "--unmask", user="王主任")
    assert shown["party_details"][0]["address"] == ADDRESS
    # A correction changes the details typed and keeps the rest; the trail shows the address masked.
    run.ok("case", "amend", made["number"], "--party-fix", "吴大海=吴大海,男,出生日期=1962-02-03,单位=营盘镇中学",
           "--party-fix", "孙秀英=孙秀英,住址=营盘镇龙潭村五组2号", "--note", "补充当事人情况", user="刘调解")
    after = run.json("case", "show", made["number"], "--unmask", user="王主任")
    assert after["party_details"][1] == {"name": "吴大海", "id_number": None, "phone": None, "gender": "男",
                                         "birth_date": "1962-02-03", "employer": "营盘镇中学"}
    assert after["party_details"][0]["address"] == "营盘镇龙潭村五组2号" and after["party_details"][0]["gender"] == "女"
    amended = [e for e in after["history"] if e["trigger"] == "amend"][0]["values"]
    assert amended["party[0].address"] == {"old": validation.mask_address(ADDRESS),
                                           "new": validation.mask_address("营盘镇龙潭村五组2号")}
    assert ADDRESS not in str(after["history"])
    run.refused("case", "amend", made["number"], "--party-fix", "吴大海=吴大海,性别=不详", "--note", "x",
                match="gender is 男 or 女", user="刘调解")
    # Exported in full by the office (a logged reading) and loaded into another database: the same.
    ledger = tmp_path / "台账.csv"
    run.ok("case", "list", "--format", "csv", "--unmask", "--out", str(ledger), user="王主任")
    text = ledger.read_text(encoding="utf-8-sig")
    assert "住址=营盘镇龙潭村五组2号" in text and "出生日期=1962-02-03" in text
    plain = tmp_path / "不含个人信息.csv"
    run.ok("case", "list", "--format", "csv", "--out", str(plain))
    assert "住址=" not in plain.read_text(encoding="utf-8-sig") and "单位=营盘镇中学" in plain.read_text(encoding="utf-8-sig")
    other = type(run)(f"sqlite:///{tmp_path / 'other.db'}")
    other.ok("init", "--town", "营盘镇", "--village", "龙潭村")
    other.ok("user", "add", "王主任", "--role", "town")
    other.ok("user", "add", "刘调解", "--role", "mediator", "--village", "龙潭村", user="王主任")
    other.ok("load", str(ledger), user="王主任")
    again = other.json("case", "show", "1", "--unmask", user="王主任")
    assert again["party_details"] == after["party_details"]


def test_a_correction_keeps_a_partys_birth_date_and_id_number_agreeing(run):
    """The agreement prints the birth date typed, else the ID number's: a correction may not
    make them differ, whichever of the two it types."""
    made = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "出生日期核对",
                    "--party", "孙秀英,11010519491231002X", "--party", "吴大海,出生日期=1962-02-03",
                    "--at", "2021-03-02", user="刘调解")
    number = made["number"]
    run.refused("case", "amend", number, "--party-fix", "孙秀英=孙秀英,出生日期=1950-01-01", "--note", "x",
                match="differs from the one in the ID number", user="刘调解")
    run.refused("case", "amend", number, "--party-fix", "吴大海=吴大海,110105196501010013", "--note", "x",
                match="differs from the one in the ID number", user="刘调解")
    assert run.json("case", "show", number)["version"] == made["version"]  # (nothing written)
    run.ok("case", "amend", number, "--party-fix", "孙秀英=孙秀英,出生日期=1949-12-31",
           "--party-fix", "吴大海=吴大海,110105196202030014", "--note", "补充", user="刘调解")
    after = run.json("case", "show", number, "--unmask", user="王主任")["party_details"]
    assert after[0]["birth_date"] == "1949-12-31" and after[1]["id_number"] == "110105196202030014"


def test_a_toml_file_carries_details_and_a_wrong_one_is_placed(run, tmp_path):
    good = tmp_path / "cases.toml"
    good.write_text('''[[case]]
key = "D-1"
by = "刘调解"
village = "龙潭村"
type = "邻里"
summary = "院墙滴水"
parties = ["孙秀英,女,回族,住址=龙潭村三组15号,单位=龙潭村小学", "吴大海,男,出生日期=1962-02-03"]
at = 2021-03-02
''', encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text(encoding="utf-8").replace("D-1", "D-2").replace("男,", "男,女,")
                   .replace("出生日期=1962-02-03", "出生日期=1962-02-30"), encoding="utf-8")
    refused = run("load", str(bad), user="王主任")
    assert refused.exit_code == 1 and "parties[1].birth_date" in refused.stderr
    twice = tmp_path / "twice.toml"
    twice.write_text(bad.read_text(encoding="utf-8").replace("1962-02-30", "1962-02-03"), encoding="utf-8")
    refused = run("load", str(twice), user="王主任")
    assert refused.exit_code == 1 and "parties[1]: gender given twice" in refused.stderr
    assert run.json("case", "list") == []  # all or nothing
    run.ok("load", str(good), user="王主任")
    shown = run.json("case", "show", "1", "--unmask", user="王主任")
    assert shown["party_details"][0] == {"name": "孙秀英", "id_number": None, "phone": None, "gender": "女",
                                         "ethnicity": "回族", "address": "龙潭村三组15号", "employer": "龙潭村小学"}
    assert shown["party_details"][1]["birth_date"] == "1962-02-03"
