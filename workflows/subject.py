"""社区矫正 and 安置帮教 subjects (社区矫正法; 安置帮教 practice): received → under supervision
(宣告 / 帮教) → released (解除) or terminated (终止). Employment is a status with a history,
recorded beside the workflow, not a state of it."""

from __future__ import annotations

import enum

from workflows.base import Action, Facts, Guard, Input, Workflow, given
from workflows.i18n import _

SUBJECT_CATEGORIES = {"correction": "社区矫正", "resettlement": "安置帮教"}
EMPLOYMENT = {"employed": "就业", "self_employed": "自主创业", "unemployed": "未就业", "unable": "无劳动能力"}
TERMINATIONS = {"revoked": "撤销缓刑/假释", "imprisoned": "收监执行", "death": "死亡", "moved": "迁出"}
# 安置帮教 covers people released within the last 5 years.
RESETTLEMENT_YEARS = 5


class SubjectState(enum.Enum):
    received = "received"  # 接收 (调查评估, 报到)
    supervised = "supervised"  # 宣告后监管 / 帮教中
    released = "released"  # 解除
    terminated = "terminated"  # 终止


STATE_LABELS = {"received": "已接收", "supervised": "监管帮教中", "released": "已解除", "terminated": "已终止"}
TRIGGER_LABELS = {"register": "接收", "start": "宣告/开始帮教", "release": "解除", "terminate": "终止",
                  "employment": "就业状况", "amend": "更正"}


def _reason_given(f: Facts, a: Action) -> str | None:
    if a.values.get("reason") not in TERMINATIONS:
        return _("say why supervision ends ({given})").format(given=given("reason", "|".join(TERMINATIONS)))
    return None


SUBJECT = Workflow(
    name="subject", states=SubjectState, initial=SubjectState.received,
    transitions=[
        {"trigger": "start", "source": SubjectState.received, "dest": SubjectState.supervised},
        {"trigger": "release", "source": SubjectState.supervised, "dest": SubjectState.released,
         "after": "ended"},
        {"trigger": "terminate", "source": [SubjectState.received, SubjectState.supervised],
         "dest": SubjectState.terminated, "conditions": ["reason_given"], "after": "ended"},
    ],
    guards={"reason_given": Guard(_reason_given, input=True, hint="⟦set reason=" + "|".join(TERMINATIONS) + "⟧")},
    effects={"ended": lambda f, a: {"ended_at": a.at}},
    inputs={"terminate": ("reason",)},
    fields={"reason": Input("choice", "终止原因", TERMINATIONS, column="end_reason")},
    labels=STATE_LABELS,
    trigger_labels=TRIGGER_LABELS,
)

ENDED_STATES = frozenset({"released", "terminated"})
