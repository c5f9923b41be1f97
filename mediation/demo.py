"""``mediation demo``: a fresh SQLite database with 营盘镇 set up and disputes carried through
every path of the pipeline, all through the same services as the terminal."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

from mediation import admin, cases
from mediation.db import Database
from mediation.errors import InvalidValue
from mediation.timeutil import parse_at
from mediation.views import CaseView

TOWN = "营盘镇"
VILLAGES = ["营镇社区", "龙潭村", "朱家湾村", "秦丰村", "药王堂村", "丰河村", "曹店村", "北河村", "两河村"]

# (actor, trigger, date, note, values) per case; the first step is the registration.
STORIES = [
    ({"village": "龙潭村", "type": "房屋宅基地", "summary": "两户因宅基地界址及滴水檐发生争执",
      "parties": ["张德明,11010519491231002X,13812345678", "李桂芳"], "source": "排查发现", "screening": "逐个",
      "at": "2021-03-02"},
     [("刘调解", "triage", "2021-03-03", None, {"risk": "yellow"}),
      ("刘调解", "start", "2021-03-03", None, {"mediator": "刘调解"}),
      ("刘调解", "request_escalation", "2021-03-08", "双方分歧较大,需镇司法所参与", {}),
      ("王主任", "approve_escalation", "2021-03-09", "司法所介入联合调解", {}),
      ("王主任", "agree", "2021-03-20", "现场勘界后达成一致",
       {"agreement": "written", "terms": "以原界桩为准,李家拆除越界滴水檐", "amount": "2000"}),
      ("刘调解", "apply_confirmation", "2021-03-25", "双方共同申请司法确认", {}),
      ("王主任", "confirm", "2021-04-06", "法院裁定确认协议有效", {}),
      ("刘调解", "fulfil", "2021-04-20", "已拆除并支付补偿", {}),
      ("刘调解", "visit", "2021-05-10", "回访双方无异议", {"satisfied": "yes"})]),
    ({"village": "朱家湾村", "type": "劳动争议", "summary": "务工人员与包工头因拖欠工资发生纠纷",
      "parties": ["陈建国", "赵老板"], "source": "当事人申请", "at": "2021-06-11"},
     [("周调解", "triage", "2021-06-11", None, {"risk": "orange"}),
      ("王主任", "start", "2021-06-12", None, {"mediator": "王主任"}),
      ("王主任", "fail", "2021-06-25", "包工头拒不到场,调解不成", {}),
      ("王主任", "redirect", "2021-06-26", "告知申请劳动仲裁", {"channel": "arbitration"})]),
    ({"village": "龙潭村", "type": "邻里", "summary": "邻里因排水沟堵塞互相指责",
      "parties": ["孙秀英", "吴大海"], "source": "网格员上报", "at": "2021-08-02"},
     [("刘调解", "triage", "2021-08-02", None, {"risk": "green"}),
      ("刘调解", "start", "2021-08-03", None, {"mediator": "刘调解"}),
      ("刘调解", "agree", "2021-08-05", "当场疏通排水沟", {"agreement": "oral"}),
      ("刘调解", "fulfil", "2021-08-06", None, {}),
      ("刘调解", "visit", "2021-08-20", None, {"satisfied": "yes"}),
      ("刘调解", "reopen", "2021-09-15", "雨季排水沟再次堵塞,双方又起争执", {})]),
]


@dataclass(frozen=True)
class DemoResult:
    path: str
    town: str
    cases: list[CaseView]
    featured: CaseView


def run(path: str | None = None) -> DemoResult:
    if path is None:
        path = os.path.join(tempfile.mkdtemp(prefix="mediation-demo-"), "demo.db")
    elif os.path.exists(path):
        raise InvalidValue(f"{path} 已存在 / exists already: the demo writes a fresh database")
    db = Database(path, create=True)
    try:
        admin.init_town(db, town=TOWN, villages=VILLAGES)
        admin.add_user(db, actor=None, name="王主任", role="town")
        admin.add_user(db, actor="王主任", name="刘调解", role="mediator", village="龙潭村")
        admin.add_user(db, actor="王主任", name="周调解", role="mediator", village="朱家湾村")
        views = []
        for registration, steps in STORIES:
            reg = dict(registration)
            actor = "刘调解" if reg["village"] == "龙潭村" else "周调解"
            view = cases.register(db, actor=actor, at=parse_at(reg.pop("at")), **reg)
            for who, trigger, when, note, values in steps:
                view = cases.fire(db, actor=who, case=view.number, trigger=trigger, note=note,
                                  at=parse_at(when), values=values)
            views.append(view)
        featured = cases.show(db, case=views[0].number)
        return DemoResult(path=path, town=TOWN, cases=cases.list_cases(db), featured=featured)
    finally:
        db.dispose()
