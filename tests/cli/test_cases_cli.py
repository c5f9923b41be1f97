"""The mediator's terminal, through CliRunner: Chinese input, --json, piped output, refusals."""

from __future__ import annotations

import pytest

from tests.conftest import snapshot

ID_OK = "11010519491231002X"

NEW = ["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞,[bold]互相指责[/b]",
       "--party", f"孙秀英,{ID_OK},13812345678", "--party", "吴大海", "--source", "排查发现",
       "--screening", "逐个", "--at", "2021-03-02"]


def test_register_and_carry_a_case_to_closed(run):
    made = run.json(*NEW, user="刘调解")
    assert made["number"] == "(2021)营调字第001号" and made["state"] == "registered"
    assert made["parties"] == ["孙秀英", "吴大海"]
    assert made["party_details"][0] == {"name": "孙秀英", "id_number": "1101**********002X", "phone": "138****5678"}
    assert made["registered_at"] == "2021-03-02T00:00:00+08:00"
    assert made["source"] == "screening" and made["screening"] == "逐个"
    n = made["number"]
    steps = [
        ("triage", "--set", "risk=黄", "--at", "2021-03-02"),
        ("start", "--set", "mediator=刘调解", "--at", "2021-03-03"),
        ("request_escalation", "--note", "双方分歧大", "--at", "2021-03-04"),
    ]
    for step in steps:
        run.ok("case", "do", n, *step, user="刘调解")
    run.ok("case", "do", "2021-1", "approve_escalation", "--at", "2021-03-05", user="王主任")
    out = run.ok("case", "do", n, "agree", "--set", "agreement=written", "--set", "terms=李家赔偿", "--set",
                 "amount=¥2,000", "--at", "2021-03-06", user="王主任").stdout
    assert "agreed" in out
    run.ok("case", "do", n, "fulfil", "--at", "2021-03-20", user="刘调解")
    final = run.json("case", "do", n, "visit", "--set", "satisfied=是", "--at", "2021-04-01", user="刘调解")
    assert final["state"] == "closed" and final["amount"] == "2000.00" and final["line"] == 2
    shown = run.json("case", "show", n)
    assert [e["trigger"] for e in shown["history"]] == [
        "register", "triage", "start", "request_escalation", "approve_escalation", "agree", "fulfil", "visit"]
    assert shown["history"][4]["actor"] == "王主任"
    assert set(shown["history"][0]) >= {"seq", "trigger", "from", "to", "line", "actor", "at", "recorded_at", "note"}
    text = run.ok("case", "show", n).stdout
    assert "[bold]互相指责[/b]" in text  # people's text is never read as markup
    assert "1101**********002X" in text and ID_OK not in text
    assert "\x1b[" not in text  # piped: no colour codes


def test_list_and_next(run):
    made = run.json(*NEW, user="刘调解")
    listed = run.json("case", "list", "--village", "龙潭村", "--year", "2021")
    assert [c["number"] for c in listed] == [made["number"]]
    assert "history" not in listed[0]
    assert run.json("case", "list", "--year", "2020") == []
    nxt = run.json("case", "next", made["number"], user="刘调解")
    assert {b["trigger"] for b in nxt["blocked"]} == {"triage"}
    assert "risk level" in nxt["blocked"][0]["reasons"][0]
    assert {a["trigger"] for a in nxt["allowed"]} == {"redirect", "decline"}
    table = " ".join(run.ok("case", "next", made["number"], user="刘调解").stdout.split())  # wrapped at spaces
    assert "redirect" in table and "decline" in table and "risk level must be set" in table


def test_listing_overdue_cases(run):
    run.ok(*NEW, user="刘调解")
    assert len(run.json("case", "list", "--overdue")) == 1


BAD = [
    (["case", "new", "--village", "不存在村", "--type", "邻里", "--summary", "x", "--party", "a"], "unknown village"),
    (["case", "new", "--village", "龙潭村", "--type", "打架", "--summary", "x", "--party", "a"], "unknown dispute type"),
    (["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "a", "--risk", "紫"],
     "unknown risk"),
    (["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "张三,110105194912310021"],
     "check digit"),
    (["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "a", "--at", "2099-1-1"],
     "in the future"),
    (["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "a", "--at", "2021-02-30"],
     "not a valid date"),
    (["case", "do", "1", "fly"], "unknown trigger"),
    (["case", "do", "1", "agree", "--set", "agreement=oral"], "not allowed in state registered"),
    (["case", "do", "(2021)营调字第077号", "triage"], "no such case"),
    (["case", "do", "1", "triage", "--set", "risk=red", "--at", "2021-03-01"], "before"),
    (["case", "do", "1", "triage", "--set", "risk=red", "--expect-version", "3"], "version"),
    (["case", "do", "1", "triage", "--set", "risk=red", "--set", "amount=5000"], "does not take amount"),
    (["case", "do", "1", "triage", "--set", "risk=red", "--set", "amount=abc"], "not an amount"),
]


@pytest.mark.parametrize("args,match", BAD, ids=[b[1] for b in BAD])
def test_bad_input_is_one_error_line_and_changes_nothing(run, args, match):
    run.ok(*NEW, user="刘调解")
    from mediation.db import Database
    db = Database(run.db_url)
    before = snapshot(db)
    run.refused(*args, match=match, user="刘调解")
    assert snapshot(db) == before
    db.dispose()


def test_mediator_outside_their_village_is_refused(run):
    run.ok(*NEW, user="刘调解")
    run.refused("case", "do", "1", "triage", "--set", "risk=red", user="周调解", match="own village")
    run.refused(*NEW, user="周调解", match="own village")


def test_no_acting_user_and_unknown_user(run):
    run.refused(*NEW, match="no acting user")
    run.refused(*NEW, user="张飞", match="no such user")


def test_missing_options_are_a_usage_error_without_a_terminal(run):
    result = run("case", "new", "--village", "龙潭村", user="刘调解")
    assert result.exit_code == 2 and "Missing option '--type'" in result.stderr
    result = run("case", "do", "1", "triage", "--set", "risk", user="刘调解")
    assert result.exit_code == 2 and "KEY=VALUE" in result.stderr


def test_unmask_shows_full_numbers_to_the_villages_mediator(run):
    run.ok(*NEW, user="刘调解")
    full = run.json("case", "show", "1", "--unmask", user="刘调解")
    assert full["party_details"][0]["id_number"] == ID_OK
    run.refused("case", "show", "1", "--unmask", user="周调解", match="own village")


def test_a_refusal_names_the_terminals_options(run):
    run.ok(*NEW, user="刘调解")
    nxt = run.json("case", "next", "1", user="刘调解")
    assert any("--set risk=" in r for b in nxt["blocked"] for r in b["reasons"])
    run.ok("case", "do", "1", "triage", "--set", "risk=green", user="刘调解")
    run.refused("case", "do", "1", "start", user="刘调解", match="--set mediator=")
    run.refused("case", "do", "1", "decline", user="刘调解", match="--note")
    nxt = run.json("case", "next", "1", user="刘调解")
    said = [n for a in nxt["allowed"] for n in a["needs"]] + [r for b in nxt["blocked"] for r in b["reasons"]]
    assert said and all("⟦" not in s and "{" not in s for s in said)


def test_every_unmask_is_listed_in_the_records_access_history(run):
    made = run.json(*NEW, user="刘调解")
    plain = run.json("case", "show", made["number"], user="王主任")
    assert plain["access"] == [] and "002X" in plain["party_details"][0]["id_number"]
    assert ID_OK not in str(plain)
    full = run.json("case", "show", made["number"], "--unmask", user="刘调解")
    assert full["party_details"][0]["id_number"] == ID_OK and "access" not in full  # a mediator sees no log
    run.refused("case", "show", made["number"], "--unmask", user="周调解", match="own village")
    office = run.json("case", "show", made["number"], "--unmask", user="王主任")
    assert [a["actor"] for a in office["access"]] == ["刘调解", "王主任"]
    assert all(a["at"].endswith("+08:00") for a in office["access"])
    table = run.ok("case", "show", made["number"], user="王主任").stdout
    assert "full identity seen by" in table and "刘调解" in table
    petition = run.json("petition", "new", "--village", "龙潭村", "--petitioner", f"孙秀英,{ID_OK}", "--category",
                        "request", "--summary", "修路", user="王主任")
    run.json("petition", "show", petition["number"], "--unmask", user="刘调解")
    assert [a["actor"] for a in run.json("petition", "show", petition["number"], user="王主任")["access"]] == ["刘调解"]


def test_steps_and_values_typed_in_chinese(run):
    """The words a mediator types: a step by its Chinese label, a value by its label (or a
    unique start of it) and a choice by its label; the record keeps the identifiers."""
    run.ok(*NEW, user="刘调解")
    run.ok("case", "do", "1", "研判分流", "--set", "风险=黄", user="刘调解")
    run.ok("case", "do", "1", "开始调解", "--set", "调解员=刘调解", user="刘调解")
    run.ok("case", "do", "1", "达成协议", "--set", "协议形式=书面协议", "--set", "协议内容=赔偿500元",
           "--set", "协议金额=500", user="刘调解")
    shown = run.json("case", "show", "1")
    assert (shown["state"], shown["risk"], shown["agreement"], shown["amount"]) == ("agreed", "yellow", "written",
                                                                                  "500.00")
    assert [e["trigger"] for e in shown["history"]][1:] == ["triage", "start", "agree"]
    run.refused("case", "do", "1", "履行完毕", "--set", "颜色=口头", user="刘调解", match="unknown key")


def test_a_countys_list_says_whose_case_it_is(run):
    run.ok("user", "add", "县矛调", "--role", "county", user="王主任")
    run.ok("init", "--town", "杏坪镇", "--abbr", "杏", "--village", "金米村", user="县矛调")
    run.ok(*NEW, user="刘调解")
    run.ok("case", "new", "--village", "杏坪镇/金米村", "--type", "邻里", "--summary", "林地界址", "--party", "甲",
           "--party", "乙", user="县矛调")
    county = run.ok("case", "list", user="县矛调").stdout
    assert " town " in county and "杏坪镇" in county and "营盘镇" in county
    assert " town " not in run.ok("case", "list", user="王主任").stdout  # (one town's list: no column for it)


@pytest.mark.parametrize("lang", ["C.UTF-8", "zh_CN.UTF-8"])
def test_a_list_at_80_columns_never_cuts_a_date(run, lang):
    import re as _re

    from click.testing import CliRunner

    from cli import main

    made = run.json(*NEW, user="刘调解")
    ref = str(made["id"])
    run.ok("case", "do", ref, "triage", "--set", "risk=green", user="刘调解")
    run.ok("case", "do", ref, "start", "--set", "mediator=刘调解", user="刘调解")
    agreed = run.json("case", "do", ref, "agree", "--set", "agreement=written", "--set", "terms=赔偿", user="刘调解")
    narrow = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80", "LANG": lang, "MEDIATION_USER": None, "LANGUAGE": None,
                            "LC_ALL": None, "LC_MESSAGES": None})
    shown = narrow.invoke(main, ["--db", run.db_url, "--as", "刘调解", "case", "list"], catch_exceptions=False).stdout
    assert agreed["deadline"] in shown, shown
    assert "…" not in shown and all(len(line) <= 80 for line in shown.splitlines())
    assert not _re.search(r"\d{4}-\d{2}(?!-\d{2})\b", shown.replace(agreed["deadline"], ""))
