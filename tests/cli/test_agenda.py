"""The agenda (issue "The office's day and month"): a week of a village's work, dated back from
today, shows it growing and clearing — a 回访 three days after an agreement, a 履行 date, a 司法确认
window, a petition's answer, a 不予受理 notice — each with the command that clears it."""

from __future__ import annotations

from datetime import date, timedelta

from workflows import config


def _day(offset: int) -> str:
    return (date.today() + timedelta(days=offset)).isoformat()


def _kinds(run, *args, user="王主任") -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for item in run.json("agenda", *args, user=user):
        out.setdefault(item["kind"], []).append(item)
    return out


def test_a_week_of_the_agenda_grows_and_clears(run):
    assert run.json("agenda", user="刘调解") == []
    case = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞", "--party", "甲",
                    "--party", "乙", "--at", _day(-6), user="刘调解")
    ref = f"id:{case['id']}"
    run.ok("case", "do", ref, "triage", "--set", "risk=green", "--at", _day(-6), user="刘调解")
    run.ok("case", "do", ref, "start", "--set", "mediator=刘调解", "--at", _day(-5), user="刘调解")
    agreed = run.json("case", "do", ref, "agree", "--set", "agreement=written", "--set", "terms=三日内疏通排水沟",
                      "--set", f"履行期限={_day(2)}", "--at", _day(-4), user="刘调解")
    # The 回访 is due the days the office set after the agreement; the 履行 on the day agreed.
    assert agreed["visit_due"] == _day(-4 + config.VISIT_DAYS_DEFAULT)
    assert agreed["performance_due"] == _day(2)
    week = _kinds(run, user="刘调解")
    assert set(week) == {"visit", "performance"}
    visit = week["visit"][0]
    assert visit["overdue"] is True and visit["number"] == case["number"] and visit["village"] == "龙潭村"
    assert week["performance"][0]["command"] == f"mediation case do {ref} fulfil"
    assert next(iter(run.json("agenda", user="刘调解")))["kind"] == "visit"  # (overdue first)
    # Further ahead: the written agreement's 司法确认 window.
    month = _kinds(run, "--days", "30", user="刘调解")
    assert month["confirmation"][0]["command"] == f"mediation case do {ref} apply_confirmation"
    # A petition answered within 60 days, and one not accepted whose notice is to be served.
    petition = run.json("petition", "new", "--village", "龙潭村", "--petitioner", "王五", "--category", "request",
                        "--summary", "修村道", "--at", _day(-2), user="王主任")
    run.ok("petition", "do", f"id:{petition['id']}", "accept", "--at", _day(-1), user="王主任")
    refused = run.json("petition", "new", "--village", "龙潭村", "--petitioner", "赵六", "--category", "request",
                       "--summary", "已经法院判决", "--at", _day(-3), user="王主任")
    run.ok("petition", "do", f"id:{refused['id']}", "reject", "--note", "已经法院判决", "--at", _day(-2), user="王主任")
    office = _kinds(run, "--days", "90")
    assert office["answer"][0]["number"] == petition["number"]
    assert office["notice"][0]["command"] == f"mediation petition do id:{refused['id']} notify"
    assert "answer" not in _kinds(run, "--days", "7")  # (60 days away)
    # Each is cleared by its step.
    run.ok("case", "do", ref, "fulfil", user="刘调解")
    after = _kinds(run, "--days", "30", user="刘调解")
    assert "performance" not in after and "confirmation" not in after
    assert after["visit"][0]["command"] == f"mediation case do {ref} visit --set satisfied=yes"
    run.ok("case", "do", ref, "visit", "--set", "satisfied=yes", user="刘调解")
    run.ok("petition", "do", f"id:{refused['id']}", "notify", user="王主任")
    run.ok("petition", "do", f"id:{petition['id']}", "answer", "--set", "opinion=support", user="王主任")
    left = _kinds(run, "--days", "90")
    assert not {"visit", "performance", "confirmation", "notice"} & set(left)
    assert petition["number"] not in [i["number"] for i in left.get("answer", [])]
    # A mediator's agenda is their village's; another village's is not theirs to see.
    assert run.json("agenda", "--days", "90", user="周调解") == []
    run.refused("agenda", "--village", "龙潭村", user="周调解", match="own village")
    listed = run.json("agenda", "--days", "90", user="王主任")
    shown = run.ok("agenda", "--days", "90", user="王主任").stdout
    assert all(i["number"] in shown for i in listed)
    assert (f"{len(listed)} item" in shown) if listed else ("nothing falls due in the next 90 days" in shown)


def test_a_recurring_dispute_is_told_at_intake(run):
    first = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞", "--party", "孙秀英",
                     "--party", "吴大海", "--at", _day(-40), user="刘调解")
    ref = f"id:{first['id']}"
    run.ok("case", "do", ref, "triage", "--set", "risk=green", "--at", _day(-40), user="刘调解")
    run.ok("case", "do", ref, "start", "--set", "mediator=刘调解", "--at", _day(-39), user="刘调解")
    run.ok("case", "do", ref, "agree", "--set", "agreement=oral", "--at", _day(-38), user="刘调解")
    again = run("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "院墙倒塌", "--party", "吴大海",
                "--party", "钱某", user="刘调解")
    assert again.exit_code == 0 and "吴大海" in again.stderr and first["number"] in again.stderr
    told = run.json("case", "new", "--village", "龙潭村", "--type", "合同", "--summary", "货款", "--party", "孙秀英",
                    user="刘调解")
    assert told["recurrence"] == [{"party": "孙秀英", "number": first["number"], "resolved_at": told["recurrence"][0]
                                   ["resolved_at"]}]
    other = run.json("case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "货款", "--party", "孙秀英",
                     user="周调解")
    assert other["recurrence"] == []  # (a namesake in another village, no ID number to tell)
    # The agenda lists the new cases that recur, while they are new.
    listed = [i for i in run.json("agenda", "--days", "60", user="刘调解") if i["kind"] == "recurrence"]
    assert sorted(i["number"] for i in listed) == sorted([told["number"], again.stdout.split()[0]])
    assert all(first["number"] in i["what"] for i in listed)


def test_a_petitioner_whose_dispute_was_resolved_is_told_at_intake(run):
    first = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞", "--party", "王五",
                     "--at", _day(-20), user="刘调解")
    ref = f"id:{first['id']}"
    run.ok("case", "do", ref, "triage", "--set", "risk=green", "--at", _day(-20), user="刘调解")
    run.ok("case", "do", ref, "start", "--set", "mediator=刘调解", "--at", _day(-19), user="刘调解")
    run.ok("case", "do", ref, "agree", "--set", "agreement=oral", "--at", _day(-18), user="刘调解")
    said = run("petition", "new", "--village", "龙潭村", "--petitioner", "王五", "--category", "civil", "--summary",
               "排水沟又堵了", user="王主任")
    assert said.exit_code == 0 and "王五" in said.stderr and first["number"] in said.stderr
    told = run.json("petition", "new", "--village", "龙潭村", "--petitioner", "王五", "--category", "request",
                    "--summary", "修村道", user="王主任")
    assert [r["number"] for r in told["recurrence"]] == [first["number"]]
    assert "recurrence" not in run.json("petition", "show", str(told["id"]), user="王主任")
