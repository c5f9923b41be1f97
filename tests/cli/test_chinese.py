"""A mediator who types only Chinese: steps, keys, values, roles, forms, levels, dates as people
say them (前天, 3月2日, 二〇二一年三月二日) and case numbers without the year (第1号)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from mediation import timeutil
from mediation.errors import InvalidValue
from mediation.validation import choice
from workflows import config
from workflows.petition import FORMS


def _today_said() -> str:
    """Today as a mediator writes it: 11月29日 (this year; never in the future)."""
    today = timeutil.local_date(timeutil.now())
    return f"{today.month}月{today.day}日"


def test_a_case_from_registration_to_closed_and_a_petition_redirected_in_chinese(run):
    run.ok("user", "add", "孙调解", "--role", "调解员", "--village", "龙潭", user="王主任")
    made = run.json("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞互相指责",
                    "--party", "孙秀英,11010519491231002X,13812345678", "--party", "吴大海", "--source", "排查发现",
                    "--screening", "逐个", "--at", "前天", user="孙调解")
    year = timeutil.local_date(timeutil.now()).year
    assert made["number"] == f"({year})营调字第001号"
    assert made["registered_at"].startswith((timeutil.local_date(timeutil.now()) - timedelta(days=2)).isoformat())
    for step in [
        ("第1号", "研判分流", "--set", "风险=黄", "--at", "前天"),
        ("营调字第1号", "开始调解", "--set", "调解员=孙调解", "--at", "昨天"),
        ("（第1号）", "达成协议", "--set", "协议形式=书面", "--set", "协议内容=吴家疏通水沟", "--set", "协议金额=2000",
         "--at", _today_said()),
        ("第1号", "履行完毕", "--at", "今天"),
        ("第1号", "回访", "--set", "回访满意=是", "--at", "今天"),
    ]:
        run.ok("case", "do", *step, user="孙调解")
    shown = run.json("case", "show", "第1号")
    assert shown["state"] == "closed" and shown["risk"] == "yellow" and shown["agreement"] == "written"
    assert shown["amount"] == "2000.00" and shown["satisfied"] is True  # JSON keeps the identifiers
    assert [e["trigger"] for e in shown["history"]][-3:] == ["agree", "fulfil", "visit"]

    p = run.json("petition", "new", "--village", "龙潭村", "--petitioner", "陈建国", "--category", "劳动争议",
                 "--summary", "包工头拖欠工资", "--form", "走访", "--level", "镇", "--at", "前天", user="王主任")
    assert p["form"] == "visit" and p["level"] == "town"
    redirected = run.json("petition", "do", "信字第1号", "诉访分离导入", "--set", "法定途径=仲裁",
                          "--set", "知道该行为之日=前天", "--at", "昨天", user="王主任")
    assert redirected["state"] == "redirected" and redirected["channel"] == "arbitration"
    assert redirected["channel_deadline"] is not None


def test_chinese_words_refused_clearly_in_chinese(run):
    zh = run.speaking("zh_CN.UTF-8")
    ambiguous = zh("user", "add", "某", "--role", "级", user="王主任")
    assert ambiguous.exit_code == 2 and "未知角色 '级'" in ambiguous.stderr and "错误:" in ambiguous.stderr
    zh.refused("case", "do", "第9号", "研判分流", "--set", "风险=黄", user="刘调解", match="带括号的编号须加引号")
    zh.refused("case", "do", "第1号", "同意", user="刘调解", match="没有案件 '第1号'")
    unknown = zh("petition", "new", "--village", "龙潭村", "--petitioner", "某", "--category", "劳动争议",
                  "--summary", "x", "--form", "托人带话", user="王主任")
    assert unknown.exit_code == 2 and "信访形式" in unknown.stderr and "走访" in unknown.stderr


@pytest.mark.parametrize(("typed", "expected"), [
    ("二〇二一年三月二日", "2021-03-02"), ("2021年3月2日14时30分", "2021-03-02T14:30"),
    ("2021年十月一日晚上8点", "2021-10-01T20:00"), ("2021年3月2日 下午3点半", "2021-03-02T15:30"),
    ("2021年3月2日 上午9点", "2021-03-02T09:00"), ("２０２１年３月２日", "2021-03-02"), ("20210302", "2021-03-02"),
    ("2021.3.2", "2021-03-02"), ("2021/3/2", "2021-03-02"),
])
def test_dates_as_people_say_them(typed, expected):
    at = timeutil.local(timeutil.parse_at(typed).at)
    assert at.isoformat().startswith(expected if "T" in expected else expected + "T00:00")


def test_relative_days_and_this_year():
    today = timeutil.local_date(timeutil.now())
    assert timeutil.local_date(timeutil.parse_at("昨天").at) == today - timedelta(days=1)
    assert timeutil.local_date(timeutil.parse_at("前天").at) == today - timedelta(days=2)
    # A day to come, for what is due then (履行期限=后天); a step said to happen then is refused as future.
    assert timeutil.local_date(timeutil.parse_at("明天").at) == today + timedelta(days=1)
    assert timeutil.local(timeutil.parse_at("后天下午3点").at).replace(tzinfo=None) == \
        datetime.combine(today + timedelta(days=2), datetime.min.time()).replace(hour=15)
    assert timeutil.local_date(timeutil.parse_at(_today_said()).at) == today
    morning = timeutil.local(timeutil.parse_at("上午9点").at)
    assert morning.date() == today and morning.hour == 9
    with pytest.raises(InvalidValue):
        timeutil.parse_at("三月三十二日")
    later = today + timedelta(days=40)
    future = timeutil.parse_at(f"{later.year}年{later.month}月{later.day}日").at
    assert future > datetime.now(timezone.utc)  # parsed as said; the services refuse a future day
    assert timeutil.parse_at("2021-03-02").at.date() == date(2021, 3, 1)  # 00:00 in Shanghai is 16:00 UTC


def test_one_table_of_words():
    assert choice("调解员", config.ROLES, "role") == "mediator"
    assert choice("司法所", config.ROLES, "role") == "town"
    assert choice("走访", FORMS, "petition form") == choice("来访", FORMS, "petition form") == "visit"
    assert choice("道路交通", config.DISPUTE_TYPES, "dispute type") == "道路交通事故"
    with pytest.raises(InvalidValue, match="is ambiguous"):
        choice("协议", {"a": "书面协议", "b": "口头协议"}, "agreement")


def test_a_step_chosen_from_a_numbered_menu_at_a_terminal(run, monkeypatch):
    run.ok("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟", "--party", "甲",
           "--party", "乙", "--at", "前天", user="刘调解")
    piped = run("case", "do", "第1号", user="刘调解")
    assert piped.exit_code == 2 and "Missing argument 'TRIGGER'" in piped.stderr  # scripts stay strict
    monkeypatch.setattr("cli.steps.interactive", lambda: True)
    # 研判分流 is the first step allowed; its risk is chosen from the list (2 = 黄).
    menu = run("case", "do", "第1号", user="刘调解", input="1\n2\n")
    assert menu.exit_code == 0, menu.output
    assert "1. 研判分流 (triage)" in menu.stdout and "2. 黄" in menu.stdout
    assert run.json("case", "show", "第1号")["risk"] == "yellow"
    # A step that must say why asks for the note.
    asked = run("case", "do", "第1号", user="刘调解", input="3\n当事人不愿调解\n")
    assert asked.exit_code == 0, asked.output
    # 开始调解 is offered too: it wants only the mediator, which the menu would ask for.
    assert "1. 开始调解 (start)" in asked.stdout and "3. 当事人拒绝调解 (decline)" in asked.stdout
    shown = run.json("case", "show", "第1号")
    assert shown["state"] == "terminated" and shown["history"][-1]["note"] == "当事人不愿调解"


def test_completion_offers_the_steps_allowed_for_that_case(run):
    from click.testing import CliRunner

    from cli import main

    run.ok("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟", "--party", "甲",
           "--party", "乙", "--at", "前天", user="刘调解")
    words = f"mediation --db {run.db_url} --as 刘调解 case do 1 "
    result = CliRunner().invoke(main, [], env={"_MEDIATION_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                              "COMP_CWORD": str(len(words.split()))}, prog_name="mediation")
    offered = {line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line}
    assert {"triage", "研判分流", "redirect", "decline"} <= offered
    assert "agree" not in offered and "visit" not in offered  # not allowed from registered


def test_completion_offers_villages_users_and_set_keys_in_both_languages(run):
    from click.testing import CliRunner

    from cli import main

    def offered(words: str) -> set[str]:
        result = CliRunner().invoke(main, [], env={"_MEDIATION_COMPLETE": "bash_complete", "COMP_WORDS": words,
                                                  "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ")
                                                                                         else 1))},
                                    prog_name="mediation")
        return {line.split(",", 1)[1] for line in result.stdout.splitlines() if "," in line}

    assert offered(f"mediation --db {run.db_url} case list --village 龙") == {"龙潭村"}
    assert offered(f"mediation --db {run.db_url} --as 刘") == {"刘调解"}
    keys = offered(f"mediation --db {run.db_url} case do 1 triage --set ")
    assert {"risk=", "风险等级=", "mediator=", "调解员="} <= keys
