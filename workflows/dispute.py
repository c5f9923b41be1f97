"""The dispute workflow: 三线管控 × 五步联调 (docs/contract.md, "Dispute workflow").

① 排查登记 registered → ② 研判分流 triaged → ③ 联合调解 mediating ⇄ escalation_pending →
④ 协议履行 agreed → confirming/confirmed → ⑤ 回访归档 follow_up → closed; terminated;
redirected; reopen on recurrence (防反复).
"""

from __future__ import annotations

import enum
from datetime import datetime

from workflows import config
from workflows.base import Action, Facts, Guard, Input, Period, Workflow, ask, day_of, given, note_given, wanted
from workflows.petition import ARBITRATION_CLOCKS, CLOCK_START_HINT, channel_clock, channel_period, clock_start_given
from workflows.i18n import N_, _


class DisputeState(enum.Enum):
    registered = "registered"
    triaged = "triaged"
    mediating = "mediating"
    escalation_pending = "escalation_pending"
    agreed = "agreed"
    confirming = "confirming"
    confirmed = "confirmed"
    follow_up = "follow_up"
    closed = "closed"
    terminated = "terminated"
    redirected = "redirected"
    # 作废: a duplicate or mistaken registration, kept and shown but in no count. Not reached by a
    # trigger of this workflow: ``mediation.records.void`` takes a case there, with every event.
    void = "void"


S = DisputeState

STATE_LABELS = {
    "registered": "已登记", "triaged": "已研判", "mediating": "调解中",
    "escalation_pending": "待审批上报", "agreed": "已达成协议", "confirming": "司法确认中",
    "confirmed": "已司法确认", "follow_up": "待回访", "closed": "已归档",
    "terminated": "调解终止", "redirected": "已分流", "void": "已作废",
}

TRIGGER_LABELS = {
    "triage": "研判分流", "start": "开始调解", "request_escalation": "申请上报",
    "approve_escalation": "批准上报", "return_escalation": "退回上报", "agree": "达成协议",
    "apply_confirmation": "申请司法确认", "court_accept": "法院受理司法确认申请", "confirm": "司法确认", "reject_confirmation": "驳回确认",
    "fulfil": "履行完毕", "breach": "未履行", "visit": "回访", "reopen": "再次受理(反复)",
    "fail": "调解不成", "redirect": "分流", "register": "登记", "decline": "当事人拒绝调解",
    "undo": "撤销上一步", "void": "作废", "amend": "更正", "calendar": "按节假日安排调整期限", "attach": "附件归档",
}

# 五步联调: the step each state belongs to.
STEPS = {
    "registered": "① 排查登记", "triaged": "② 研判分流", "mediating": "③ 联合调解",
    "escalation_pending": "③ 联合调解", "agreed": "④ 协议履行", "confirming": "④ 协议履行",
    "confirmed": "④ 协议履行", "follow_up": "⑤ 回访归档", "closed": "⑤ 回访归档",
    "terminated": "③ 联合调解", "redirected": "② 研判分流", "void": "作废",
}

# States in which the case is being worked at its line: the line's time budget runs.
ACTIVE_STATES = frozenset({"registered", "triaged", "mediating", "escalation_pending"})
# States in which a passed deadline means the case is overdue: the line's budget, or the
# court's decision on a 司法确认 application. (While ``agreed``, the deadline is the last day
# to apply for 司法确认: a window that lapses, not a step that is late.)
CLOCK_STATES = ACTIVE_STATES | frozenset({"confirming"})
# States that end the case unless it is reopened.
FINAL_STATES = frozenset({"closed", "terminated", "redirected", "void"})

# 人民调解法第33条: both parties apply for 司法确认 within 30 days of the agreement taking
# effect. Counted by the day (the agreement's day is day 0), and a last day that is a rest day
# moves to the next working day (民事诉讼法第85条, 期间的计算; docs/legal-clocks.md).
CONFIRMATION_WINDOW = Period(config.CONFIRMATION_WINDOW_DAYS, "days",
                             law="人民调解法第33条; 民事诉讼法第85条(期间届满日遇节假日顺延)")


_AGREEMENT = given("agreement", "|".join(config.AGREEMENT_FORMS))


# -- guards: None when satisfied, else the reason ------------------------------------------

def _risk_set(f: Facts, a: Action) -> str | None:
    if f.get("risk") not in config.RISKS:
        return ask(_("the risk level must be set before triage ({given})"), given=given("risk", "|".join(config.RISKS)))
    return None


def _mediator_set(f: Facts, a: Action) -> str | None:
    if not f.get("mediator"):
        return ask(_("a mediator must be assigned before mediation starts ({mediator})"), mediator=given("mediator", N_("NAME")))
    return None


def _below_top_line(f: Facts, a: Action) -> str | None:
    if (f.get("line") or 1) >= 3:
        return _("the case is already at line 3 (the county) and cannot be escalated further")
    return None


def _actor_of_next_line(f: Facts, a: Action) -> str | None:
    target = (f.get("line") or 1) + 1
    role = config.LINE_APPROVER.get(target)
    if role and a.actor_role != role:
        return _("escalation to line {target} is decided by a {role} ({code}) user").format(
            target=target, role=config.ROLES[role], code=role)
    return None


def _agreement_form(f: Facts, a: Action) -> str | None:
    if a.values.get("agreement") not in config.AGREEMENT_FORMS:
        return ask(_("say whether the agreement is written or oral ({agreement})"), agreement=_AGREEMENT)
    return None


def _written_terms(f: Facts, a: Action) -> str | None:
    if a.values.get("agreement") == "written" and not (a.values.get("terms") or "").strip():
        return ask(_("a written agreement needs its terms ({terms}; 人民调解法 art 29)"), terms=given("terms"))
    return None


def _written_agreement(f: Facts, a: Action) -> str | None:
    if f.get("agreement") != "written":
        return _("only a written agreement can be submitted for judicial confirmation, not an oral one "
                 "(人民调解法 art 33)")
    return None


def _within_confirmation_window(f: Facts, a: Action) -> str | None:
    """``confirmation_deadline`` is the end of the window's last day (the service computes it
    on the holiday calendar); an application during that day is in time."""
    end, at = f.get("confirmation_deadline"), a.at
    if end and at and at >= end:
        day = f.get("confirmation_last_day")
        return _("judicial confirmation had to be applied for within {days} days of the agreement, by {day} "
                 "({law})").format(days=CONFIRMATION_WINDOW.amount, day=day, law=CONFIRMATION_WINDOW.law)
    return None


def _satisfaction_given(f: Facts, a: Action) -> str | None:
    if not isinstance(a.values.get("satisfied"), bool):
        return ask(_("record whether the parties are satisfied ({satisfied})"), satisfied=given("satisfied", "yes|no"))
    return None


def _channel_given(f: Facts, a: Action) -> str | None:
    if a.values.get("channel") not in config.CHANNELS:
        return ask(_("say which legal channel the matter goes to ({given})"), given=given("channel", "|".join(config.CHANNELS)))
    return None


GUARDS = {
    "risk_set": Guard(_risk_set),
    "mediator_set": Guard(_mediator_set),
    "note_given": note_given(N_("a note")),
    "below_top_line": Guard(_below_top_line),
    "actor_of_next_line": Guard(_actor_of_next_line),
    "agreement_form": Guard(_agreement_form, input=True, **wanted(_AGREEMENT)),
    "written_terms": Guard(_written_terms, input=True, hint=N_("{terms} (a written agreement)"),
                           asks={"terms": given("terms")}),
    "written_agreement": Guard(_written_agreement),
    "within_confirmation_window": Guard(_within_confirmation_window),
    "satisfaction_given": Guard(_satisfaction_given, input=True, **wanted(given("satisfied", "yes|no"))),
    "channel_given": Guard(_channel_given, input=True,
                           **wanted(given("channel", "|".join(config.CHANNELS)))),
    "clock_start_given": Guard(clock_start_given, input=True,
                               **CLOCK_START_HINT),
    "court_not_accepted": Guard(lambda f, a: _("the court's acceptance is already recorded")
                                if f.get("confirmation_accepted_at") else None),
}

# A dispute's own channel clocks: a civil lawsuit runs on the 3-year limitation (时效, which a
# claim interrupts); a 复议 or a lawsuit against an administrative act, and arbitration, as for
# a petition. A labour dispute goes to labour arbitration, a land-contract one to its own.
CIVIL_LIMITATION = Period(36, "months", law="民法典第188条: 向人民法院请求保护民事权利的诉讼时效期间为三年,自知道或者"
                                            "应当知道权利受到损害以及义务人之日起计算(可中断、中止)")
_ARBITRATION_OF_TYPE = {"劳动争议": "labour", "山林土地": "land_contract"}


def _dispute_channel_period(channel: str, f: Facts, after_reconsideration: bool) -> Period | None:
    if channel == "litigation" and not after_reconsideration and f.get("kind") != "administrative":
        return CIVIL_LIMITATION
    if channel == "arbitration":
        return ARBITRATION_CLOCKS[_ARBITRATION_OF_TYPE.get(f.get("type") or "", "labour")]
    return channel_period(channel, "admin_act", after_reconsideration=after_reconsideration)


# -- effects: the derived facts a transition sets ------------------------------------------

def _line_from_risk(f: Facts, a: Action) -> dict:
    return {"line": config.RISK_LINE[f["risk"]], "line_since": a.at}


def _next_line(f: Facts, a: Action) -> dict:
    return {"line": (f.get("line") or 1) + 1, "line_since": a.at}


def _record_agreement(f: Facts, a: Action) -> dict:
    """The agreement's day, and its 回访 the days after it the office set for the category (a
    deadline: the end of that day, Asia/Shanghai, as every deadline is kept)."""
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    days = config.VISIT_DAYS.get(f.get("type") or "", config.VISIT_DAYS_DEFAULT)
    visit = None
    if a.at is not None:
        visit = datetime.combine(day_of(a.at) + timedelta(days=days + 1), time(), tzinfo=ZoneInfo("Asia/Shanghai"))
    return {"agreed_at": a.at, "outcome": "agreed", "visit_due": visit}


def _reopened(f: Facts, a: Action) -> dict:
    return {"reopened": (f.get("reopened") or 0) + 1, "line_since": a.at, "outcome": None}


def _confirmation_applied(f: Facts, a: Action) -> dict:
    return {"confirmation_applied_at": a.at}


# What each outcome is called (a case's 结果).
OUTCOMES: dict[str, str] = {
    "agreed": "达成协议", "confirmed": "司法确认", "confirmation_rejected": "司法确认驳回", "performed": "已履行",
    "breached": "未履行", "failed": "调解不成", "redirected": "导入法定途径", "declined": "拒绝调解",
}


def _outcome(name: str):
    def effect(f: Facts, a: Action) -> dict:
        return {"outcome": name}
    return effect


EFFECTS = {
    "line_from_risk": _line_from_risk,
    "next_line": _next_line,
    "record_agreement": _record_agreement,
    "reopened": _reopened,
    "confirmation_applied": _confirmation_applied,
    "outcome_confirmed": _outcome("confirmed"),
    "outcome_confirmation_rejected": _outcome("confirmation_rejected"),
    "outcome_performed": _outcome("performed"),
    "outcome_breached": _outcome("breached"),
    "outcome_failed": _outcome("failed"),
    "outcome_redirected": _outcome("redirected"),
    "outcome_declined": _outcome("declined"),
    "channel_clock": channel_clock(_dispute_channel_period),
    "court_accepted": lambda f, a: {"confirmation_accepted_at": a.at},
}

TRANSITIONS = [
    {"trigger": "triage", "source": S.registered, "dest": S.triaged,
     "conditions": ["risk_set"], "after": "line_from_risk"},
    {"trigger": "start", "source": S.triaged, "dest": S.mediating, "conditions": ["mediator_set"]},
    {"trigger": "request_escalation", "source": S.mediating, "dest": S.escalation_pending,
     "conditions": ["below_top_line", "note_given"]},
    {"trigger": "approve_escalation", "source": S.escalation_pending, "dest": S.mediating,
     "conditions": ["actor_of_next_line"], "after": "next_line"},
    {"trigger": "return_escalation", "source": S.escalation_pending, "dest": S.mediating,
     "conditions": ["actor_of_next_line", "note_given"]},
    {"trigger": "agree", "source": S.mediating, "dest": S.agreed,
     "conditions": ["agreement_form", "written_terms"], "after": "record_agreement"},
    {"trigger": "apply_confirmation", "source": S.agreed, "dest": S.confirming,
     "conditions": ["written_agreement", "within_confirmation_window"], "after": "confirmation_applied"},
    # 法院受理: the court's 15 days to decide count from it (the step's ``at`` is its day).
    {"trigger": "court_accept", "source": S.confirming, "dest": S.confirming, "conditions": ["court_not_accepted"],
     "after": "court_accepted"},
    {"trigger": "confirm", "source": S.confirming, "dest": S.confirmed, "after": "outcome_confirmed"},
    {"trigger": "reject_confirmation", "source": S.confirming, "dest": S.mediating,
     "conditions": ["note_given"], "after": "outcome_confirmation_rejected"},
    {"trigger": "fulfil", "source": [S.agreed, S.confirmed], "dest": S.follow_up,
     "after": "outcome_performed"},
    {"trigger": "breach", "source": [S.agreed, S.confirmed], "dest": S.mediating,
     "conditions": ["note_given"], "after": "outcome_breached"},
    {"trigger": "visit", "source": S.follow_up, "dest": S.closed, "conditions": ["satisfaction_given"]},
    {"trigger": "reopen", "source": [S.follow_up, S.closed], "dest": S.triaged,
     "conditions": ["note_given"], "after": "reopened"},
    {"trigger": "fail", "source": S.mediating, "dest": S.terminated,
     "conditions": ["note_given"], "after": "outcome_failed"},
    {"trigger": "redirect", "source": [S.registered, S.triaged, S.terminated], "dest": S.redirected,
     "conditions": ["channel_given", "clock_start_given"], "after": ["outcome_redirected", "channel_clock"]},
    # Mediation needs consent (人民调解法第17条): a party's refusal ends it, as its own outcome
    # (counted apart from ``fail``); the parties keep every other route (第26条), so a declined
    # case can still be redirected to the channel they were told about.
    {"trigger": "decline", "source": [S.registered, S.triaged, S.mediating], "dest": S.terminated,
     "conditions": ["note_given"], "after": "outcome_declined"},
]

# The values a trigger can be given, how each is typed and where it is kept.
FIELDS: dict[str, Input] = {
    "risk": Input("choice", "风险等级", config.RISKS),
    "kind": Input("choice", "调解类型", config.MEDIATION_KINDS),
    "mediator": Input("user", "调解员"),
    "agreement": Input("choice", "协议形式", config.AGREEMENT_FORMS),
    "terms": Input("text", "协议内容"),
    "amount": Input("money", "协议金额", column="amount_fen"),
    "performance_due": Input("day", "履行期限"),
    "satisfied": Input("yes_no", "回访满意"),
    "channel": Input("choice", "分流渠道", config.CHANNELS),
    "known_at": Input("date_or_unknown", "知道权利受损或该行为之日", column=None),
    "decided_at": Input("date", "复议决定之日", column=None),
}

# The values each trigger accepts; anything else is refused.
INPUTS: dict[str, tuple[str, ...]] = {
    "triage": ("risk", "kind"),
    "start": ("mediator",),
    "approve_escalation": ("mediator",),
    "agree": ("agreement", "terms", "amount", "performance_due"),
    "visit": ("satisfied",),
    "reopen": ("risk",),
    "redirect": ("channel", "known_at", "decided_at"),
}

DISPUTE = Workflow(
    name="dispute",
    states=DisputeState,
    transitions=TRANSITIONS,
    initial=S.registered,
    guards=GUARDS,
    effects=EFFECTS,
    inputs=INPUTS,
    fields=FIELDS,
    labels=STATE_LABELS,
    trigger_labels=TRIGGER_LABELS,
    told=("channel_deadline",),
)


def deadline_basis(facts: Facts) -> tuple[datetime, Period] | None:
    """From when, and by which period, the case's current step is due: the time budget of its
    line (docs/legal-clocks.md, calendar days), the last day to apply for 司法确认 while a
    written agreement stands, or the court's decision on a 司法确认 application."""
    state = facts["state"]
    if state in ACTIVE_STATES and facts.get("line_since"):
        line = facts.get("line") or 1
        return facts["line_since"], Period(config.LINE_BUDGET_DAYS[line], "days", roll=False,
                                           law=f"第{line}线时限 (三线管控)")
    if state == "agreed" and facts.get("agreement") == "written" and facts.get("agreed_at"):
        return facts["agreed_at"], CONFIRMATION_WINDOW
    if state == "confirming" and facts.get("confirmation_accepted_at"):
        # Counted from the court's 受理, once recorded (court_accept); not from the application.
        return facts["confirmation_accepted_at"], Period(
            config.CONFIRMATION_DECISION_DAYS, "days",
            law="最高人民法院关于人民调解协议司法确认程序的若干规定第6条: 自受理之日起十五日内作出是否确认的决定")
    return None
