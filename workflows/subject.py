"""社区矫正 and 安置帮教 subjects (社区矫正法; 安置帮教 practice): received → under supervision
(宣告 / 帮教) → 解除 (released), 终止 (terminated) or 撤销/收监 (revoked). Employment is a
status with a history, recorded beside the workflow, not a state of it.

How 社区矫正 ends (社区矫正法第44–46条): 解除 when the term is served (期满) or on 赦免; 终止
when the subject dies; 撤销缓刑/假释 or 收监执行 of 暂予监外执行 are their own step. An early
"release" is none of these. 安置帮教 runs five years from release from prison; it ends earlier
only with the reason recorded. Rules and articles: docs/legal-clocks.md.
"""

from __future__ import annotations

import enum
from workflows.base import NOTE, Action, Facts, Guard, Input, Workflow, ask, day_of, given, option, wanted
from workflows.i18n import _

SUBJECT_CATEGORIES = {"correction": "社区矫正", "resettlement": "安置帮教"}
EMPLOYMENT = {"employed": "就业", "self_employed": "自主创业", "unemployed": "未就业", "unable": "无劳动能力"}
# The grounds of each way out, kept in ``end_reason``: what the counts split by.
RELEASES = {"term_served": "期满解除", "pardon": "赦免解除"}  # art 44
TERMINATIONS = {"death": "死亡", "moved": "变更执行地/迁出"}  # art 45 (death); moved away: another office's
REVOCATIONS = {"probation_revoked": "撤销缓刑", "parole_revoked": "撤销假释", "imprisoned": "暂予监外执行收监执行"}
# Every ground a record may hold, with those of earlier releases ("revoked"/"imprisoned" were
# reasons of ``terminate`` before 撤销 was its own step).
END_REASONS = {**RELEASES, **TERMINATIONS, **REVOCATIONS, "revoked": "撤销缓刑/假释"}
# 安置帮教 covers people released within the last 5 years.
RESETTLEMENT_YEARS = 5


class SubjectState(enum.Enum):
    received = "received"  # 接收 (调查评估, 报到)
    supervised = "supervised"  # 宣告后监管 / 帮教中
    released = "released"  # 解除
    terminated = "terminated"  # 终止
    revoked = "revoked"  # 撤销缓刑/假释, 收监执行


STATE_LABELS = {"received": "已接收", "supervised": "监管帮教中", "released": "已解除", "terminated": "已终止",
                "revoked": "已撤销/收监", "void": "已作废"}
TRIGGER_LABELS = {"register": "接收", "start": "宣告/开始帮教", "release": "解除", "terminate": "终止",
                  "revoke": "撤销/收监执行", "employment": "就业状况", "amend": "更正", "undo": "撤销上一步"}

_day = day_of


def _release_grounds(f: Facts, a: Action) -> str | None:
    ground = a.values.get("ground") or "term_served"
    if ground not in RELEASES:
        return ask(_("say on what ground ({given})"), given=given("ground", "|".join(RELEASES)))
    end = f.get("term_end")
    if f.get("category") == "resettlement":
        if ground == "pardon":
            return _("赦免 ends a 社区矫正, not 安置帮教")
        if end is not None and a.at is not None and _day(a.at) < _day(end) and not (a.note or "").strip():
            return ask(_("安置帮教 runs five years from release, to {day}: ending it earlier needs the reason with "
                       "{note}"), day=_day(end).isoformat(), note=NOTE)
        return None
    if ground == "pardon":
        return None
    if end is None:
        return ask(_("the end of the correction term is not recorded: record it first ({term_end} of subject "
                   "amend)"), term_end=option("term_end"))
    if a.at is not None and _day(a.at) < _day(end):
        return ask(_("the correction term ends on {day}: 解除 is at 期满, or on 赦免 ({ground}) (社区矫正法 "
                   "art 44); a subject who dies is 终止 (terminate), a revocation is revoke"),
                   day=_day(end).isoformat(), ground=given("ground", "pardon"))
    return None


def _reason_given(f: Facts, a: Action) -> str | None:
    if a.values.get("reason") not in TERMINATIONS:
        return ask(_("say why supervision ends ({given})"), given=given("reason", "|".join(TERMINATIONS)))
    return None


def _revocation_given(f: Facts, a: Action) -> str | None:
    if f.get("category") == "resettlement":
        return _("撤销缓刑/假释 and 收监执行 end a 社区矫正; a 安置帮教 subject is not under a sentence served "
                 "in the community")
    if a.values.get("grounds") not in REVOCATIONS:
        return ask(_("say what was decided ({given})"), given=given("grounds", "|".join(REVOCATIONS)))
    return None


SUBJECT = Workflow(
    name="subject", states=SubjectState, initial=SubjectState.received,
    transitions=[
        {"trigger": "start", "source": SubjectState.received, "dest": SubjectState.supervised},
        {"trigger": "release", "source": SubjectState.supervised, "dest": SubjectState.released,
         "conditions": ["release_grounds"], "after": ["ended", "released"]},
        {"trigger": "terminate", "source": [SubjectState.received, SubjectState.supervised],
         "dest": SubjectState.terminated, "conditions": ["reason_given"], "after": "ended"},
        {"trigger": "revoke", "source": [SubjectState.received, SubjectState.supervised],
         "dest": SubjectState.revoked, "conditions": ["revocation_given"], "after": ["ended", "revoked"]},
    ],
    guards={"release_grounds": Guard(_release_grounds, input=True,
                                     **wanted(given("ground", "|".join(RELEASES)), optional=True)),
            "reason_given": Guard(_reason_given, input=True, **wanted(given("reason", "|".join(TERMINATIONS)))),
            "revocation_given": Guard(_revocation_given, input=True,
                                      **wanted(given("grounds", "|".join(REVOCATIONS))))},
    effects={"ended": lambda f, a: {"ended_at": a.at},
             "released": lambda f, a: {"end_reason": a.values.get("ground") or "term_served"},
             "revoked": lambda f, a: {"end_reason": a.values["grounds"]}},
    inputs={"terminate": ("reason",), "release": ("ground",), "revoke": ("grounds",)},
    fields={"reason": Input("choice", "终止原因", TERMINATIONS, column="end_reason"),
            "ground": Input("choice", "解除事由", RELEASES, column=None),
            "grounds": Input("choice", "撤销/收监事由", REVOCATIONS, column=None)},
    labels=STATE_LABELS,
    trigger_labels=TRIGGER_LABELS,
)

ENDED_STATES = frozenset({"released", "terminated", "revoked"})
