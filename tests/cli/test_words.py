"""The words people type (issue "The office's day and month"): each word the issue found refused
is accepted, read through the one table of words (``workflows.config.WORDS``), or answered with
the choices where it is ambiguous."""

from __future__ import annotations

import pytest

from workflows.config import WORDS


def test_every_word_the_office_types_is_understood(run, tmp_path):
    made = run.json("case", "new", "--village", "龙潭村", "--type", "欠薪", "--summary", "工资拖欠", "--party", "何大,,0571-88886666",
                    "--party", "李四,,88886666-123", user="王主任")
    assert made["type"] == "劳动争议"
    assert [p["phone"] for p in made["party_details"]] == ["057******6666", "888*****-123"]
    assert run.json("case", "new", "--village", "龙潭村", "--type", "劳资", "--summary", "x", "--party", "甲",
                    user="王主任")["type"] == "劳动争议"
    ref = str(made["id"])
    run.ok("case", "do", ref, "研判分流", "--set", "风险=黄", user="王主任")
    said = run("case", "do", ref, "上报", user="王主任")  # (the word is the step: its refusal names it)
    assert "request_escalation" in said.stderr
    run.ok("case", "do", ref, "调解", "--set", "调解员=刘调解", user="王主任")
    agreed = run.json("case", "do", ref, "达成", "--set", "协议=书面", "--set", "内容=三日内付清", "--set", "金额=2000",
                      user="王主任")
    assert (agreed["state"], agreed["agreement"], agreed["amount"]) == ("agreed", "written", "2000.00")
    run.ok("case", "do", ref, "履行", user="王主任")
    assert run.json("case", "do", ref, "回访", "--set", "满意=满意", user="王主任")["state"] == "closed"
    shown = run.ok("case", "do", str(run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "y",
                                              "--party", "乙", user="王主任")["id"]), "研判分流", "--set", "风险=绿",
                   user="王主任").stdout
    assert ": triage 研判分流 → triaged" in shown  # (said by the step's name, whatever word was typed)
    petition = run.json("petition", "new", "--village", "龙潭村", "--petitioner", "张三", "--category", "民事",
                        "--summary", "邻里纠纷", user="王主任")
    assert petition["category"] == "civil"
    run.ok("petition", "do", str(petition["id"]), "受理", user="王主任")
    answered = run.json("petition", "do", str(petition["id"]), "答复", "--set", "处理意见=已调解", user="王主任")
    assert (answered["state"], answered["opinion"]) == ("answered", "mediated")
    other = run.json("petition", "new", "--village", "龙潭村", "--petitioner", "王五", "--category", "劳资",
                     "--summary", "工资", user="王主任")
    routed = run.json("petition", "do", str(other["id"]), "分流", "--set", "渠道=仲裁", "--set", "known_at=unknown",
                      user="王主任")
    assert (other["category"], routed["channel"]) == ("labour", "arbitration")
    assert run.json("screening", "zero", "--village", "龙潭村", "--month", "上月", user="王主任")["month"]
    assert run.json("screening", "zero", "--village", "朱家湾村", "--month", "11月", user="王主任")["month"].endswith("-11")
    printed = run.ok("case", "print", ref, "--form", "协议书", "--out", str(tmp_path / "协议书.docx"), user="王主任")
    assert "人民调解协议书" in printed.stderr + printed.stdout


def test_the_table_of_words_never_hides_a_name():
    """A word is another name for a key or a label; it is never itself a key or label of what it
    names (that would make the table decide what the list already says)."""
    from workflows import config
    from workflows.petition import CATEGORY_LABELS

    names = {"dispute type": set(config.DISPUTE_TYPES), "petition category": set(CATEGORY_LABELS) | set(
        CATEGORY_LABELS.values())}
    for what, known in names.items():
        assert not set(WORDS[what]) & known, what
        assert set(WORDS[what].values()) <= known, what


@pytest.mark.parametrize("typed,match", [("告知", "unknown form"), ("xyz", "unknown form")])
def test_a_form_not_known_is_answered_with_the_forms(run, typed, match):
    run.ok("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "x", "--party", "甲", user="王主任")
    result = run("case", "print", "1", "--form", typed, "--out", "/tmp/never.docx", user="王主任")
    assert result.exit_code == 2 and match in result.stderr and "agreement(人民调解协议书)" in result.stderr
