"""Every register alike (issue "Every register alike"): the same scenario on cases, petitions,
matters and subjects — what can follow, a step, a correction, the step taken back past the
correction, the registration voided and counted nowhere — with the same commands."""

from __future__ import annotations

import pytest

REGISTERS = {
    "case": (["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞", "--party", "王秀兰",
              "--party", "李四", "--at", "2026-03-02"],
             ["triage", "--set", "risk=green"], "triaged",
             ["--summary", "排水沟堵塞漫水"], "registered"),
    "petition": (["petition", "new", "--village", "龙潭村", "--petitioner", "王秀兰", "--category", "request",
                  "--summary", "修路", "--at", "2026-03-02"],
                 ["accept", "--at", "2026-03-05"], "handling", ["--summary", "修村道"], "received"),
    "matter": (["matter", "new", "--kind", "litigation", "--summary", "某诉镇政府", "--at", "2026-03-02"],
               ["defend", "--at", "2026-03-05"], "defended", ["--summary", "某某诉镇政府"], "served"),
    "subject": (["subject", "new", "王秀兰", "--category", "correction", "--village", "龙潭村", "--at", "2026-03-02",
                 "--term-end", "2027-03-01"],
                ["start", "--at", "2026-03-03"], "supervised", ["--name", "王秀英"], "received"),
}


@pytest.mark.parametrize("register", list(REGISTERS))
def test_each_register_takes_the_same_verbs(run, register):
    new, step, after, fix, before = REGISTERS[register]
    who = "刘调解" if register == "case" else "王主任"  # (a case's first steps are its mediator's)
    created = run.json(*new, user=who)
    ref = str(created["id"])
    nxt = run.json(register, "next", ref, user=who)
    assert step[0] in {a["trigger"] for a in nxt["allowed"] + nxt["blocked"]}
    assert run.json(register, "do", ref, *step, user=who)["state"] == after
    # A correction after the step does not take away its undo.
    run.ok(register, "amend", ref, *fix, "--note", "登记笔误", user=who)
    undone = run.json(register, "undo", ref, "--note", "误操作", user=who)
    assert undone["state"] == before
    shown = run.json(register, "show", ref)
    assert [e["trigger"] for e in shown["history"]][-3:] == [step[0], "amend", "undo"]
    # Voided: kept, shown, final, counted nowhere.
    run.refused(register, "void", ref, "--note", "重复登记", user="刘调解", match="town or county")
    assert run.json(register, "void", ref, "--note", "重复登记", user="王主任")["state"] == "void"
    assert run.json(register, "next", ref, user="王主任")["allowed"] == []
    run.refused(register, "do", ref, *step, user="王主任", match="void")
    report = run.json("report", "annual", "2026")
    counted = {"case": report["disputes"]["registered"], "petition": report["petitions"]["received"],
               "matter": report["administrative_litigation"], "subject": report["corrections"]["subjects"]}
    assert counted[register] == 0


@pytest.mark.parametrize("register", list(REGISTERS))
def test_each_register_offers_its_steps_as_a_menu_at_a_terminal(run, register, monkeypatch):
    """One ``do`` for every register: left without a step at a terminal it lists the steps
    allowed now, numbered, and takes the one chosen; a script without one is a usage error."""
    new, step, after, _fix, _before = REGISTERS[register]
    who = "刘调解" if register == "case" else "王主任"
    ref = str(run.json(*new, user=who)["id"])
    piped = run(register, "do", ref, user=who)
    assert piped.exit_code == 2 and "Missing argument 'TRIGGER'" in piped.stderr
    monkeypatch.setattr("cli.steps.interactive", lambda: True)
    menu = run(register, "do", ref, user=who, input="1\n1\n")
    assert menu.exit_code == 0, menu.output
    assert "1. " in menu.stdout and f"({step[0]})" in menu.stdout
    assert run.json(register, "show", ref)["state"] == after
    assert f"{step[0]} " in menu.stdout and f"→ {after}" in menu.stdout and "version 2" in menu.stdout


def test_a_correction_is_found_by_what_it_says_now(run):
    run.ok(*REGISTERS["case"][0], user="王主任")
    assert [c["number"] for c in run.json("case", "list", "--search", "wxl")] == ["(2026)营调字第001号"]
    run.ok("case", "amend", "1", "--party-fix", "王秀兰=王秀英", "--note", "姓名笔误", user="王主任")
    assert run.json("case", "list", "--search", "wxl") == []
    assert [c["number"] for c in run.json("case", "list", "--search", "wxy")] == ["(2026)营调字第001号"]
    assert [c["number"] for c in run.json("case", "list", "--search", "笔误")] == ["(2026)营调字第001号"]
    run.ok("petition", "new", "--village", "龙潭村", "--petitioner", "王秀兰", "--category", "request", "--summary",
           "修路", "--at", "2026-03-02", user="王主任")
    run.ok("petition", "amend", "1", "--petitioner", "王秀英", "--note", "姓名笔误", user="王主任")
    assert [p["number"] for p in run.json("petition", "list", "--search", "wxy")] == ["(2026)营信字第001号"]
    assert run.json("petition", "list", "--search", "wxl") == []


def test_a_duplicate_matter_or_subject_is_warned_of(run):
    new = REGISTERS["matter"][0]
    run.ok(*new, user="王主任")
    second = run(*new, user="王主任")
    assert second.exit_code == 0 and "(2026)营诉字第001号" in second.stderr
    subject = REGISTERS["subject"][0]
    run.ok(*subject, user="王主任")
    again = run(*subject, user="王主任")
    assert again.exit_code == 0 and "id 1 王秀兰" in again.stderr


def test_a_mediators_lists_are_their_villages_by_default(run):
    run.ok(*REGISTERS["case"][0], user="刘调解")
    run.ok("case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "货款", "--party", "钱某",
           "--at", "2026-03-03", user="周调解")
    mine = [c["village"] for c in run.json("case", "list", user="刘调解")]
    assert mine == ["龙潭村"]
    assert sorted(c["village"] for c in run.json("case", "list", user="王主任")) == ["朱家湾村", "龙潭村"]
    assert [c["village"] for c in run.json("case", "list", "--village", "朱家湾村", user="刘调解")] == ["朱家湾村"]


def test_a_mediator_sees_in_full_only_their_villages_records(run):
    run.ok("case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "货款", "--party", "钱某",
           "--at", "2026-03-03", user="周调解")
    run.refused("case", "show", "id:1", user="刘调解", match="own village or town")
    assert run.json("case", "show", "id:1", user="王主任")["village"] == "朱家湾村"


@pytest.mark.parametrize("register", list(REGISTERS))
def test_each_register_lists_a_page_alike(run, register):
    """Every register's list shows a page at a terminal and says how many there are; --limit 0
    lists them all, --limit N that many; JSON (what scripts read) keeps every record."""
    new = REGISTERS[register][0]
    who = "刘调解" if register == "case" else "王主任"
    for i in range(3):
        made = [a.replace("王秀兰", f"王秀兰{i}").replace("修路", f"修路{i}") for a in new]
        if register == "matter":  # (two matters of one summary are told apart as a likely double entry)
            made[made.index("--summary") + 1] = f"某{i}诉镇政府"
        run.ok(*made, user=who)
    noun = {"case": "cases", "petition": "petitions", "matter": "matters", "subject": "subjects"}[register]
    assert f"2 of 3 {noun} (--limit 0 lists them all)" in run.ok(register, "list", "--limit", "2").stdout
    assert run.ok(register, "list").stdout.splitlines()[-1] == f"3 {noun}"
    assert run.ok(register, "list", "--limit", "0").stdout.splitlines()[-1] == f"3 {noun}"
    assert len(run.json(register, "list")) == 3 and len(run.json(register, "list", "--limit", "1")) == 1


def test_a_subject_is_told_by_its_labels_not_its_identifiers(run):
    """What `subject new` and `subject employment` print reads as the office says it."""
    made = run.ok("subject", "new", "王某", "--category", "resettlement", "--village", "龙潭村", "--released",
                  "2026-11-01", "--at", "2026-12-02", user="王主任").stdout
    assert "安置帮教" in made and "resettlement" not in made
    said = run.ok("subject", "employment", "1", "self_employed", user="王主任").stdout
    assert "自主创业" in said and "self_employed" not in said
