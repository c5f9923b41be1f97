"""行政复议 and 行政应诉 against the town: two small workflows with their legal limits.

行政复议 (the county reviews a town's act, 行政复议法 2023): the town answers within 10
working days of receiving the copy of the application (art 48); the county decides within 60
days of *its acceptance* of the application, extendable once by 30 (art 62). 行政应诉 (the
town as defendant, 行政诉讼法): defence and evidence within 15 days of being served (art 67);
an appeal within 15 days of the *service* of a judgment, 10 of a ruling (art 85); a late
appeal is recorded with its reason, as an application to extend the period (art 48); the
second instance is final (art 7, 两审终审), and a judgment is final, and the matter closed
without a reason, only once the appeal period has run.
Rules and articles: docs/legal-clocks.md.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from workflows.base import (NOTE, Action, Facts, Guard, Input, Period, Workflow, ask, day_of, extension_within, given,
                            note_given, option, wanted)
from workflows.i18n import N_, _

MATTER_KINDS = {"reconsideration": "行政复议", "litigation": "行政应诉"}


class ReconsiderationState(enum.Enum):
    received = "received"  # the town received the copy of the application
    answered = "answered"  # the town filed its answer and evidence
    decided = "decided"


class LitigationState(enum.Enum):
    served = "served"
    defended = "defended"
    judged = "judged"
    appealed = "appealed"
    closed = "closed"


RECONSIDERATION_OUTCOMES = {"upheld": "维持", "revoked": "撤销", "changed": "变更",
                            "confirmed_unlawful": "确认违法", "mediated": "调解", "withdrawn": "撤回申请"}
LITIGATION_OUTCOMES = {"won": "胜诉", "lost": "败诉", "withdrawn": "撤诉", "settled": "和解"}

ANSWER = Period(10, "working_days", law="行政复议法第48条: 收到申请书副本之日起10日内提出书面答复")
DECISION = Period(60, "days", law="行政复议法第62条: 受理申请之日起60日内作出决定")
DECISION_EXTENSION_DAYS = 30  # art 62: once, at most 30 days, approved by the 复议机关's head
DEFENCE = Period(15, "days", law="行政诉讼法第67条: 收到起诉状副本之日起15日内提交答辩状和证据")
APPEAL = Period(15, "days", law="行政诉讼法第85条: 判决书送达之日起15日内上诉")
APPEAL_RULING = Period(10, "days", law="行政诉讼法第85条: 裁定书送达之日起10日内上诉")
DECISION_FORMS = {"judgment": "判决", "ruling": "裁定"}
# When the 复议机关 lets its period pass without a decision, the applicant may sue within 15
# days of the period's end: what the town should expect (and tell, if asked).
SUE_AFTER_SILENCE = Period(15, "days", law="行政诉讼法第45条: 复议机关逾期不作决定的,申请人可以在复议期满之日起"
                                           "十五日内向人民法院提起诉讼")

STATE_LABELS = {"received": "已收到申请书副本", "answered": "已答复", "decided": "已决定", "served": "已送达起诉状",
                "defended": "已答辩", "judged": "已判决", "appealed": "已上诉", "closed": "已结案", "void": "已作废"}
TRIGGER_LABELS = {"register": "登记", "answer": "提交答复", "decide": "复议决定", "defend": "提交答辩",
                  "judge": "判决/裁定", "appeal": "上诉", "close": "结案", "extend": "延长复议期限",
                  "undo": "撤销上一步", "amend": "更正", "calendar": "按节假日安排调整期限"}


_SERVED_AT = given("served_at", N_("DATE"))
_LATE_HINT = {"hint": N_("{note} the reason for the delay (if late)"), "asks": {"note": NOTE}}


def _in_time(deadline_key: str, what: str, law: str):
    """``what``: the limit, a catalog text (``N_``)."""
    def check(f: Facts, a: Action) -> str | None:
        end = f.get(deadline_key)
        if end and a.at and a.at >= end and not (a.note or "").strip():
            return ask(_("past the limit for {what} ({law}): record why with {note}"), what=_(what), law=law, note=NOTE)
        return None
    return check


def _outcome_in(outcomes: dict[str, str]):
    def check(f: Facts, a: Action) -> str | None:
        if a.values.get("outcome") not in outcomes:
            return ask(_("say what the outcome is ({given})"), given=given("outcome", "|".join(outcomes)))
        return None
    return check


def _appeal_in_time(f: Facts, a: Action) -> str | None:
    """Past the appeal period the appeal is still recorded, with the reason for the delay:
    the court may allow it (行政诉讼法第48条, 申请延长期限)."""
    end = f.get("deadline")
    if end and a.at and a.at >= end and not (a.note or "").strip():
        period = APPEAL_RULING if f.get("decision_form") == "ruling" else APPEAL
        return ask(_("the appeal period has passed ({law}): record the reason with {note}, as the application "
                   "to extend it (art 48)"), law=period.law, note=NOTE)
    return None


def _served_given(f: Facts, a: Action) -> str | None:
    if a.values.get("served_at") is None:
        return ask(_("say when the judgment or ruling was served ({served_at}): the appeal period counts "
                   "from it (行政诉讼法 art 85)"), served_at=_SERVED_AT)
    return None


def _served_after_judgment(f: Facts, a: Action) -> str | None:
    """A judgment is served on or after the day it is given (the step's date)."""
    served = a.values.get("served_at")
    if served is not None and a.at is not None and _day(served) < _day(a.at):
        return _("the service ({served}) cannot come before the judgment or ruling it serves ({at})").format(
            served=_day(served).isoformat(), at=_day(a.at).isoformat())
    return None


def _not_extended(f: Facts, a: Action) -> str | None:
    if f.get("extended"):
        return _("the decision period can be extended only once (行政复议法 art 62)")
    return None


def _decision_period_running(f: Facts, a: Action) -> str | None:
    """Extended only while the 60 days run (行政复议法第62条: 情况复杂、不能在规定期限内作出
    决定的 … 可以适当延长): a period that has ended cannot be lengthened afterwards."""
    end = f.get("deadline")
    if not f.get("accepted_at") or end is None:
        return ask(_("the decision period is unknown without the day the 复议机关 accepted the application: record "
                   "it first ({accepted} of matter amend)"), accepted=option("accepted"))
    if a.at is not None and a.at >= end:
        return _("the 60-day decision period ended on {day}: it can no longer be extended (行政复议法 art 62)").format(
            day=_last_day(end).isoformat())
    return None


def _appealable(f: Facts, a: Action) -> str | None:
    if f.get("instance") == 2:
        return _("a second-instance judgment or ruling is final (行政诉讼法 art 7, 两审终审): it cannot be appealed")
    return None


def _final_or_noted(f: Facts, a: Action) -> str | None:
    """Closed once the judgment is final: at second instance, or when the appeal period has
    run (行政诉讼法第85条); before that only with the reason (e.g. both sides' written waiver)."""
    end = f.get("deadline")
    if f.get("instance") == 2 or end is None or (a.at is not None and a.at >= end) or (a.note or "").strip():
        return None
    return ask(_("the judgment is not final until the appeal period ends on {day} (行政诉讼法 art 85): record why "
               "it is closed now with {note}"), day=_last_day(end).isoformat(), note=NOTE)


_day = day_of


def _last_day(end: datetime) -> date:
    """A deadline is the instant the period has run out (00:00 after its last day)."""
    return date.fromordinal(_day(end).toordinal() - 1)




def _outcome(f: Facts, a: Action) -> dict:
    return {"outcome": a.values["outcome"], "decided_at": a.at}


def _judged(f: Facts, a: Action) -> dict:
    """The judgment of the first instance, or of the second after an appeal (final)."""
    return {"outcome": a.values["outcome"], "decided_at": a.at, "served_at": a.values["served_at"],
            "decision_form": a.values.get("form") or "judgment", "instance": 2 if f.get("state") == "appealed" else 1}


def _stamp(key: str):
    def effect(f: Facts, a: Action) -> dict:
        return {key: a.at}
    return effect


RECONSIDERATION = Workflow(
    name="reconsideration", states=ReconsiderationState, initial=ReconsiderationState.received,
    transitions=[
        {"trigger": "answer", "source": ReconsiderationState.received, "dest": ReconsiderationState.answered,
         "conditions": ["answered_in_time"], "after": "stamp_answered"},
        {"trigger": "extend", "source": ReconsiderationState.answered, "dest": ReconsiderationState.answered,
         "conditions": ["not_extended", "decision_period_running", "extension_within_30", "note_given"],
         "after": "mark_extended"},
        {"trigger": "decide", "source": ReconsiderationState.answered, "dest": ReconsiderationState.decided,
         "conditions": ["outcome_given"], "after": "record_outcome"},
    ],
    guards={
        "answered_in_time": Guard(_in_time("deadline", N_("the answer (10 working days)"), ANSWER.law), input=True,
                                  **_LATE_HINT),
        "outcome_given": Guard(_outcome_in(RECONSIDERATION_OUTCOMES), input=True,
                               **wanted(given("outcome", "|".join(RECONSIDERATION_OUTCOMES)))),
        "not_extended": Guard(_not_extended),
        "decision_period_running": Guard(_decision_period_running),
        "extension_within_30": extension_within(DECISION_EXTENSION_DAYS, "行政复议法第62条"),
        "note_given": note_given(N_("the reason for the extension")),
    },
    effects={"stamp_answered": _stamp("answered_at"), "record_outcome": _outcome,
             "mark_extended": lambda f, a: {"extended": True,
                                            "extension_days": a.values.get("days", DECISION_EXTENSION_DAYS)}},
    inputs={"decide": ("outcome",), "extend": ("days",)},
    # the town's answer (10 working days); the 复议机关's decision (60 days, or as extended)
    clocked={"received": ("answer",), "answered": ("decide",)},
    fields={"outcome": Input("choice", "复议结果", RECONSIDERATION_OUTCOMES),
            "days": Input("count", "延长天数", column=None)},
    labels=STATE_LABELS,
    trigger_labels=TRIGGER_LABELS,
)

LITIGATION = Workflow(
    name="litigation", states=LitigationState, initial=LitigationState.served,
    transitions=[
        {"trigger": "defend", "source": LitigationState.served, "dest": LitigationState.defended,
         "conditions": ["defended_in_time"], "after": "stamp_answered"},
        {"trigger": "judge", "source": [LitigationState.defended, LitigationState.appealed],
         "dest": LitigationState.judged, "conditions": ["outcome_given", "served_given", "served_after_judgment"],
         "after": "record_judgment"},
        {"trigger": "appeal", "source": LitigationState.judged, "dest": LitigationState.appealed,
         "conditions": ["appealable", "appeal_in_time"]},
        {"trigger": "close", "source": LitigationState.judged, "dest": LitigationState.closed,
         "conditions": ["final_or_noted"]},
    ],
    guards={
        "defended_in_time": Guard(_in_time("deadline", N_("the defence (15 days)"), DEFENCE.law), input=True,
                                  **_LATE_HINT),
        "outcome_given": Guard(_outcome_in(LITIGATION_OUTCOMES), input=True,
                               **wanted(given("outcome", "|".join(LITIGATION_OUTCOMES)))),
        "served_given": Guard(_served_given, input=True, hint="{served_at} [{form}]",
                              asks={"served_at": _SERVED_AT, "form": given("form", "|".join(DECISION_FORMS))}),
        "served_after_judgment": Guard(_served_after_judgment, input=True, **wanted(_SERVED_AT)),
        "appealable": Guard(_appealable),
        "final_or_noted": Guard(_final_or_noted, input=True,
                                hint=N_("{note} why it is closed before the appeal period ends"), asks={"note": NOTE}),
        "appeal_in_time": Guard(_appeal_in_time, input=True,
                                hint=N_("{note} the reason for the delay (if past the appeal period)"), asks={"note": NOTE}),
    },
    effects={"stamp_answered": _stamp("answered_at"), "record_judgment": _judged},
    inputs={"judge": ("outcome", "served_at", "form")},
    clocked={"served": ("defend",), "judged": ("appeal",)},  # the town's defence, its appeal
    fields={"outcome": Input("choice", "判决结果", LITIGATION_OUTCOMES),
            "served_at": Input("date", "判决书/裁定书送达之日"),
            "form": Input("choice", "文书类型", DECISION_FORMS, column="decision_form")},
    labels=STATE_LABELS,
    trigger_labels=TRIGGER_LABELS,
)

WORKFLOWS = {"reconsideration": RECONSIDERATION, "litigation": LITIGATION}

# States whose deadline is the town's own step: its answer (10 working days), its defence (15
# days), its decision to appeal. (While ``answered``, the deadline is the 复议机关's decision.)
TOWN_CLOCK_STATES = frozenset({"received", "served", "judged"})
# States in which a passed deadline means the matter is overdue, whoever's step it is.
CLOCK_STATES = TOWN_CLOCK_STATES | {"answered"}


def deadline_basis(kind: str, facts: Facts) -> tuple[datetime, Period] | None:
    """The town's answer (10 working days from the copy), then the 复议机关's decision (60
    days from its acceptance, up to 90 once extended; unknown without the acceptance date); the
    town's defence (15 days from service), then its appeal (from the judgment's service; none
    after a second-instance judgment, which is final)."""
    state = facts["state"]
    if kind == "reconsideration":
        if state == "received":
            return facts["received_at"], ANSWER
        if state == "answered" and facts.get("accepted_at"):
            extra = (facts.get("extension_days") or DECISION_EXTENSION_DAYS) if facts.get("extended") else 0
            return facts["accepted_at"], Period(DECISION.amount + extra, "days", law=DECISION.law)
        return None
    if state == "served":
        return facts["received_at"], DEFENCE
    if state == "judged" and facts.get("served_at") and facts.get("instance") != 2:  # 两审终审: final
        return facts["served_at"], APPEAL_RULING if facts.get("decision_form") == "ruling" else APPEAL
    return None
