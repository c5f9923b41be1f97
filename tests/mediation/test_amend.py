"""Corrections (更正) on SQLite and PostgreSQL: one audited step with the old and new values,
the counts use the corrected values (checked against report_check's independent counts),
moving a record between villages is the office's, and refusals change nothing."""

from __future__ import annotations

from datetime import date

from mediation import audit, cases, matters, petitions, report, subjects, timeutil
from mediation.errors import InvalidValue, NotAllowed, PermissionDenied
from tests.conftest import refused
from tests.mediation.report_check import compare, expected

ID_OK = "11010519491231002X"


def at(text):
    return timeutil.parse_at(text)


def test_a_case_is_corrected_and_the_counts_follow(town):
    v = cases.register(town, actor="刘调解", village="龙潭村", type="邻里", summary="排水沟", parties=["吴大海", "乙"],
                       at=at("2022-03-01"))
    refused(town, NotAllowed, "say why", cases.amend, town, actor="刘调解", case=v.number, note="",
            type="合同")
    refused(town, NotAllowed, "nothing to correct", cases.amend, town, actor="刘调解", case=v.number,
            note="x", type="邻里")
    refused(town, InvalidValue, "no single party", cases.amend, town, actor="刘调解", case=v.number, note="x",
            party_fixes=["张三=李四"])
    refused(town, PermissionDenied, "town or county", cases.amend, town, actor="刘调解", case=v.number,
            note="登记错村", village="朱家湾村")
    refused(town, PermissionDenied, "own village", cases.amend, town, actor="周调解", case=v.number, note="x",
            type="合同")
    view = cases.amend(town, actor="刘调解", case=v.number, note="登记时类别和姓名有误", type="合同",
                       party_fixes=[f"吴大海=吴大河,{ID_OK}"])
    assert (view.type, view.parties, view.version) == ("合同", ["吴大河", "乙"], 2)
    step = cases.show(town, case=v.number).history[-1]
    assert step.trigger == "amend" and step.actor == "刘调解" and step.note == "登记时类别和姓名有误"
    assert step.values["type"] == {"old": "邻里", "new": "合同"}
    assert step.values["party[0]"] == {"old": "吴大海", "new": "吴大河,1101**********002X"}  # masked in the trail
    moved = cases.amend(town, actor="王主任", case=v.number, note="纠纷发生在朱家湾村", village="朱家湾村")
    assert moved.village == "朱家湾村" and moved.number == v.number
    r = report.annual(town, year=2022, as_of=date(2022, 12, 31)).to_json()
    assert r["disputes"]["by_type"]["合同"] == 1 and r["disputes"]["by_type"]["邻里"] == 0
    assert r["disputes"]["by_village"]["朱家湾村"] == 1 and r["disputes"]["by_village"]["龙潭村"] == 0
    compare(r, expected(town, 2022, date(2022, 12, 31)))
    assert audit.verify(town).ok


def test_petitions_matters_and_subjects_are_corrected_too(town):
    p = petitions.new(town, actor="王主任", village="龙潭村", petitioner="陈建国", category="request", summary="修路",
                      at=at("2022-03-01"))
    view = petitions.amend(town, actor="王主任", petition=p.number, note="补录身份证号",
                           petitioner=f"陈建国,{ID_OK}")
    assert view.petitioner_id_number == "1101**********002X"
    assert petitions.show(town, petition=p.number).history[-1].values["petitioner"]["new"].endswith("002X")
    m = matters.new(town, actor="王主任", kind="litigation", summary="某诉镇政府", at=at("2022-03-01"))
    assert matters.amend(town, actor="王主任", matter=m.number, note="案由笔误",
                         summary="某养殖户诉镇政府").summary == "某养殖户诉镇政府"
    refused(town, PermissionDenied, "town or county", matters.amend, town, actor="刘调解", matter=m.number,
            note="x", summary="y")
    sub = subjects.new(town, actor="刘调解", name="赵某", category="correction", village="龙潭村", at=at("2022-03-01"),
                       term_end=at("2023-03-01"))
    assert subjects.amend(town, actor="刘调解", subject=str(sub.id), note="姓名不全", name="赵某某").name == "赵某某"
    assert audit.verify(town).ok
