"""信访 and the review queue from the terminal."""

from __future__ import annotations

from tests.conftest import snapshot

NEW = ["petition", "new", "--village", "朱家湾村", "--petitioner", "陈建国", "--category", "劳动争议",
       "--summary", "包工头拖欠工资三个月", "--at", "2021-05-10"]


def test_petition_from_receipt_to_redirect(run):
    made = run.json(*NEW, user="王主任")
    assert made["number"] == "(2021)营信字第001号" and made["category"] == "labour" and made["first_time"]
    assert made["route_deadline"] == made["deadline"] == "2021-05-25"  # the last day (contract: last days)
    assert made["received_at"] == "2021-05-10T00:00:00+08:00"
    nxt = run.json("petition", "next", made["number"], user="王主任")
    assert nxt["suggested"]["trigger"] == "redirect" and nxt["suggested"]["channel"] == "arbitration"
    text = run.ok("petition", "next", "2021-1", user="王主任").stdout
    assert "劳动争议" in text and "redirect" in text
    out = run.ok("petition", "do", "2021-1", "redirect", "--set", "channel=仲裁", "--set", "known_at=2021-04-01",
                 "--at", "2021-05-11", user="王主任").stdout
    assert "tell the petitioner: arbitration 仲裁 by 2022-04-01" in out
    shown = run.json("petition", "show", made["number"])
    assert shown["state"] == "redirected" and [e["trigger"] for e in shown["history"]] == ["receive", "redirect"]


def test_petition_refusals_are_one_line_and_change_nothing(run):
    run.ok(*NEW, user="王主任")
    from mediation.db import Database
    db = Database(run.db_url)
    before = snapshot(db)
    run.refused("petition", "do", "1", "redirect", "--at", "2021-05-11", user="王主任", match="legal channel")
    run.refused("petition", "do", "1", "redirect", "--set", "channel=arbitration", "--at", "2021-05-11",
                user="王主任", match="known_at=unknown")
    run.refused("petition", "do", "1", "accept", "--at", "2021-06-30", user="王主任", match="15-day limit")
    run.refused("petition", "new", "--village", "朱家湾村", "--petitioner", "甲", "--category", "八卦",
                "--summary", "x", user="王主任", match="unknown petition category")
    run.refused(*NEW[:2], "--village", "朱家湾村", *NEW[4:], user="刘调解", match="own village")
    assert snapshot(db) == before
    db.dispose()


def test_an_intake_refusal_is_recorded_and_says_why(run):
    run.ok(*NEW, user="王主任")
    result = run.ok(*NEW[:-1], "2021-05-12", user="王主任")
    assert "不予受理" in result.stdout and "written notice of refusal to the petitioner by 2021-05-27 24:00" in result.stdout
    shown = run.speaking("zh_CN.UTF-8").ok("petition", "show", "2").stdout
    assert "不予受理" in shown and "编号" in shown
    shown = run.json("petition", "show", "2")
    assert shown["state"] == "not_accepted" and not shown["first_time"] and "正在办理中" in shown["refusal"]


def test_a_group_visit_names_at_most_five_representatives(run):
    five = [x for name in ("甲", "乙", "丙", "丁", "戊") for x in ("--representative", name)]
    made = run.json(*NEW, *five, user="王主任")
    assert made["representatives"] == ["甲", "乙", "丙", "丁", "戊"]
    from mediation.db import Database
    db = Database(run.db_url)
    before = snapshot(db)
    run.refused(*NEW, *five, "--representative", "己", "--petitioner", "李四", user="王主任",
                match="at most 5 representatives")
    run.refused(*NEW, "--representative", "甲", "--form", "letter", "--petitioner", "李四", user="王主任",
                match="group visit")
    assert snapshot(db) == before
    db.dispose()


def test_redirect_with_an_unknown_day_of_knowledge_tells_the_period(run):
    run.ok(*NEW[:7], "admin_act", *NEW[8:], user="王主任")
    out = run.ok("petition", "do", "1", "redirect", "--set", "channel=reconsideration", "--set", "known_at=unknown",
                 "--at", "2021-05-11", user="王主任").stdout
    assert "tell the petitioner the legal period" in out and "60日内" in out
    shown = run.json("petition", "show", "1")
    assert shown["channel_deadline"] is None and "60日" in shown["channel_law"]


def test_review_queue_and_decisions(run):
    run.ok("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟", "--party", "甲",
           "--party", "乙", "--at", "2021-03-01", user="刘调解")
    run.ok("case", "do", "1", "triage", "--set", "risk=red", user="刘调解")
    run.ok("case", "do", "1", "start", "--set", "mediator=刘调解", user="刘调解")
    run.ok("case", "do", "1", "request_escalation", "--note", "需县级协调", user="刘调解")
    q = run.json("review", user="王主任")
    # at line 2 (red), the escalation goes to the county, not to the town
    assert q["escalations"] == [] and [i["number"] for i in q["red_risk"]] == ["(2021)营调字第001号"]
    assert all(i["kind"] in ("case", "petition", "matter") for i in q["due"])
    run.refused("review", user="刘调解", match="town and county")
    run.refused("review", "approve", "1", user="王主任", match="(county) user")
    run.ok("user", "add", "县矛调", "--role", "county", user="王主任")
    assert run.json("review", user="县矛调")["escalations"][0]["number"] == "(2021)营调字第001号"
    out = run.ok("review", "approve", "1", user="县矛调").stdout
    assert "line 3" in out
    text = run.ok("review", user="王主任").stdout
    assert "red risk (1)" in text
    assert "红色风险 (1)" in run.speaking("zh_CN.UTF-8").ok("review", user="王主任").stdout


def test_screening_from_the_terminal(run):
    made = run.json("screening", "add", "--village", "龙潭村", "--mode", "拉网", "--found", "2", "--at",
                    "2021-09-28", user="刘调解")
    assert made["mode"] == "拉网" and made["at"] == "2021-09-28T00:00:00+08:00"
    run.ok("screening", "zero", "--village", "龙潭村", "--month", "2021-10", user="刘调解")
    listed = run.json("screening", "list", "--year", "2021")
    assert len(listed["rounds"]) == 1 and listed["zero_reports"][0]["month"] == "2021-10"
    run.refused("screening", "zero", "--village", "龙潭村", "--month", "2021-09", user="刘调解",
                match="zero report would be false")
    result = run("screening", "add", "--village", "龙潭村", "--mode", "拉网", "--found", "-1", user="刘调解")
    assert result.exit_code == 2


def test_a_petition_list_at_the_terminal_shows_a_page(run):
    """As a case list: 20 at the terminal with how many there are; --limit 0 all; JSON all."""
    for i in range(22):
        run.ok("petition", "new", "--village", "龙潭村", "--petitioner", f"信访人{i}", "--category", "request",
               "--summary", f"请求修路{i}", "--at", f"2021-03-{i + 1:02d}", user="王主任")
    assert "20 of 22 petitions (--limit 0 lists them all)" in run.ok("petition", "list").stdout
    assert run.ok("petition", "list", "--limit", "0").stdout.splitlines()[-1] == "22 petitions"
    assert len(run.json("petition", "list")) == 22 and len(run.json("petition", "list", "--limit", "3")) == 3
