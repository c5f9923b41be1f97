"""Totals for data entered by hand through the services (another year), checked independently."""

from __future__ import annotations

from datetime import date

from mediation import cases, matters, petitions, report, screening, subjects, timeutil
from tests.mediation.report_check import compare, expected


def at(t):
    return timeutil.parse_at(t)


def test_hand_entered_2022(town):
    def case(village, actor, when, steps, **kw):
        v = cases.register(town, actor=actor, village=village, type=kw.pop("type", "邻里"), summary="纠纷",
                           parties=["甲", "乙"], at=at(when), **kw)
        for who, trig, day, note, values in steps:
            cases.fire(town, actor=who, case=v.number, trigger=trig, note=note, at=at(day), values=values)
        return v

    ok = [("刘调解", "triage", "2022-03-01", None, {"risk": "green"}),
          ("刘调解", "start", "2022-03-02", None, {"mediator": "刘调解"}),
          ("刘调解", "agree", "2022-03-03", None, {"agreement": "written", "terms": "赔偿", "amount": "1200.50"})]
    case("龙潭村", "刘调解", "2022-03-01", ok)
    case("龙潭村", "刘调解", "2022-03-01", ok[:2] + [("刘调解", "fail", "2022-03-09", "拒绝", {})])
    case("朱家湾村", "王主任", "2022-04-01", [("王主任", "triage", "2022-04-01", None, {"risk": "orange"}),
                                         ("王主任", "start", "2022-04-02", None, {"mediator": "王主任"}),
                                         ("王主任", "agree", "2022-04-09", None, {"agreement": "oral"})],
         kind="administrative", type="征地拆迁")
    # registered in 2021, resolved in 2022: counts as resolved in 2022, registered in 2021
    case("龙潭村", "刘调解", "2021-12-20", [(w, t, d.replace("2022-03-0", "2022-01-1"), n, v) for w, t, d, n, v in ok])
    p = petitions.new(town, actor="王主任", village="朱家湾村", petitioner="陈某", category="labour",
                      summary="欠薪", at=at("2022-05-01"))
    petitions.fire(town, actor="王主任", petition=p.number, trigger="redirect", at=at("2022-05-02"),
                   values={"channel": "arbitration", "known_at": "2022-04-20"})
    # a party refuses mediation: its own outcome, not a failed mediation (人民调解法第17条)
    case("龙潭村", "刘调解", "2022-05-03", [("刘调解", "decline", "2022-05-04", "一方明确拒绝调解,告知可诉讼", {})])
    # a group visit with its representatives, and the same matter again: 不予受理, still counted
    petitions.new(town, actor="王主任", village="龙潭村", petitioner="孙某", category="request", summary="修桥",
                  representatives=["孙某", "李某", "赵某"], at=at("2022-06-02"))
    refusal = petitions.new(town, actor="王主任", village="龙潭村", petitioner="孙某", category="request",
                            summary="修桥", at=at("2022-06-09"))
    assert refusal.state == "not_accepted"
    # released in 2016: 安置帮教 ended in 2021, so 2022 does not count this subject
    old = subjects.new(town, actor="王主任", name="旧对象", category="resettlement", at=at("2016-03-01"),
                       released=at("2016-02-20"))
    subjects.employment(town, actor="王主任", subject=str(old.id), status="unemployed", at=at("2016-04-01"))
    matters.new(town, actor="王主任", kind="reconsideration", summary="不服罚款", at=at("2022-06-01"))
    screening.add_round(town, actor="刘调解", village="龙潭村", mode="专项", found=2, at=at("2022-02-01"))
    for i, status in enumerate(["employed", "self_employed", "unemployed"]):
        s = subjects.new(town, actor="王主任", name=f"对象{i}", category="resettlement", at=at("2022-01-10"),
                         released=at("2021-12-20"))
        subjects.employment(town, actor="王主任", subject=str(s.id), status=status, at=at("2022-02-01"))

    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    compare(r, expected(town, 2022, date(2022, 12, 31)))
    d = r["disputes"]
    assert (d["registered"], d["resolved"], d["terminated"], d["declined"]) == (4, 3, 1, 1)
    assert d["success_rate"] == 0.75 and d["agreements"] == {"written": 2, "oral": 1, "amount": "2401.00"}
    assert d["resolved_by_line"] == {"1": 2, "2": 1, "3": 0}
    assert (r["administrative_mediation"], r["administrative_reconsideration"], r["administrative_litigation"]) == (1, 1, 0)
    assert r["corrections"]["employment_rate"] == "66.6%"  # 2 of 3, truncated
    assert r["corrections"]["subjects"] == 3
    pet = r["petitions"]
    assert (pet["received"], pet["not_accepted"], pet["representatives_groups"]) == (3, 1, 1)
    assert "收到群众信访3件" in r["summary_zh"] and "依法受理0件" in r["summary_zh"]
    assert "全年行政调解案件1件,行政复议案件1件,无行政应诉事项发生。" in r["summary_zh"]
    assert report.annual(town, year=2021, as_of=date(2021, 12, 31)).disputes["registered"] == 1


def test_county_wide_and_per_town_totals(town):
    from mediation import admin

    admin.init_town(town, town="曹坪镇", villages=["马房子村"], actor="县矛调")
    admin.add_user(town, actor="县矛调", name="曹坪调解", role="mediator", village="马房子村")
    for actor, village in (("刘调解", "龙潭村"), ("刘调解", "龙潭村"), ("曹坪调解", "马房子村")):
        cases.register(town, actor=actor, village=village, type="邻里", summary="x", parties=["甲"],
                       at=at("2022-03-01"))
    county = report.annual(town, year=2022, as_of=date(2022, 12, 31))
    assert county.town.startswith("全县") and county.disputes["registered"] == 3
    assert county.disputes["by_village"]["曹坪镇/马房子村"] == 1 and "全县" in county.summary_zh
    one = report.annual(town, year=2022, as_of=date(2022, 12, 31), town="曹坪镇")
    assert one.town == "曹坪镇" and one.disputes["registered"] == 1 and one.disputes["by_village"] == {"马房子村": 1}
