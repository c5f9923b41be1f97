"""The petition (信访) workflow and the 诉访分离 routing table (信访工作条例, 2022).

received → handling (accept) / redirected / transferred / not_accepted within 15 days
(arts 22–23); handling → answered within 60 days, one extension of at most 30 approved by the
handling body's 负责人 while the 60 days run (art 34); the written opinion is served (送达,
``serve``), and 复查 may be asked within 30 days of that service (art 35), 复核 within 30 days
of the service of the 复查 opinion (art 36); after 复核 the matter is closed for good. The
rules with their articles: docs/legal-clocks.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from workflows import config
from workflows.base import (AT, NOTE, Action, Due, Facts, Guard, Input, Period, Workflow, ask, day_of,
                            extension_within, given, note_given, wanted)
from workflows.i18n import N_, _


class PetitionState(enum.Enum):
    received = "received"
    handling = "handling"
    redirected = "redirected"
    transferred = "transferred"
    not_accepted = "not_accepted"
    answered = "answered"
    review = "review"
    recheck = "recheck"
    closed = "closed"


P = PetitionState

STATE_LABELS = {
    "received": "已登记待分流", "handling": "办理中", "redirected": "已导入法定途径", "transferred": "已转送",
    "not_accepted": "不予受理", "answered": "已答复", "review": "复查中", "recheck": "复核中", "closed": "已办结", "void": "已作废",
}
TRIGGER_LABELS = {
    "receive": "登记", "accept": "受理", "redirect": "诉访分离导入", "transfer": "转送/交办",
    "reject": "不予受理", "extend": "延期", "answer": "出具处理意见", "request_review": "申请复查",
    "review_answer": "复查答复", "request_recheck": "申请复核", "recheck_answer": "复核答复", "close": "办结",
    "serve": "送达处理意见", "notify": "送达不予受理告知书", "start_case": "转人民调解", "undo": "撤销上一步", "amend": "更正", "calendar": "按节假日安排调整期限",
}
OPINIONS = {"support": "予以支持", "explain": "解释说明", "not_support": "不予支持", "mediated": "调解和解"}
FORMS = {"letter": "来信", "visit": "来访/走访", "phone": "来电", "web": "网上信访"}
LEVELS = {"town": "乡镇/镇级", "county": "县级"}

# The limits of the 信访工作条例, as data.
ROUTE = Period(15, "days", law="信访工作条例第22条")
ANSWER = Period(60, "days", law="信访工作条例第32条")
EXTENSION_MAX_DAYS = 30  # art 34: once, at most 30 days, with a reason
MAX_REPRESENTATIVES = 5  # art 20: a group visit sends at most five representatives
REVIEW_REQUEST = Period(30, "days", law="信访工作条例第35条: 自收到书面答复之日起30日内请求复查")
REVIEW_ANSWER = Period(30, "days", law="信访工作条例第35条")
RECHECK_REQUEST = Period(30, "days", law="信访工作条例第36条: 自收到复查意见之日起30日内请求复核")
RECHECK_ANSWER = Period(30, "days", law="信访工作条例第36条")

# The clock of each legal channel a petition is redirected to, from when the petitioner knew
# of the act or dispute (``known_at``): what the petitioner must be told.
# The channels whose clock the petitioner must be told; each needs the day the petitioner knew
# of the act (``known_at``, or ``decided_at`` of a 复议 decision for a lawsuit after it), which
# only they can say: it is never defaulted to the petition's date.
CLOCKED_CHANNELS = ("reconsideration", "litigation", "arbitration")
UNKNOWN = "unknown"  # known_at=unknown: the petitioner is told the period, not a date
CHANNEL_CLOCKS = {
    "reconsideration": Period(60, "days", law="行政复议法第20条: 知道行政行为之日起60日内申请行政复议"),
    "litigation": Period(6, "months", law="行政诉讼法第46条: 知道作出行政行为之日起6个月内起诉"),
    "litigation_after_reconsideration": Period(15, "days", law="行政诉讼法第45条: 收到复议决定书之日起15日内起诉"),
}
ARBITRATION_CLOCKS = {
    "labour": Period(12, "months", law="劳动争议调解仲裁法第27条: 仲裁时效期间为一年"),
    "land_contract": Period(24, "months", law="农村土地承包经营纠纷调解仲裁法第18条: 仲裁时效为二年"),
}


@dataclass(frozen=True)
class Route:
    """诉访分离: the route suggested for a matter category, and why."""

    trigger: str
    channel: str | None
    to: str | None
    why: str
    start_case: bool = False


ROUTES: dict[str, Route] = {
    "civil": Route("accept", None, None, "民间纠纷,受理后转人民调解(信访转人民调解)", start_case=True),
    "court_judgment": Route("transfer", None, "政法部门", "涉法涉诉事项,转政法部门依法处理(信访工作条例第31条)"),
    "labour": Route("redirect", "arbitration", None, "劳动争议,导入劳动人事争议仲裁(劳动争议调解仲裁法)"),
    "land_contract": Route("redirect", "arbitration", None, "农村土地承包纠纷,导入农村土地承包仲裁"),
    "admin_act": Route("redirect", "reconsideration", None,
                       "对行政行为不服,导入行政复议(知道之日起60日内)或行政诉讼(6个月内)"),
    "request": Route("accept", None, None, "请求政府履职或帮助,依法受理办理"),
    "complaint": Route("transfer", None, "纪检监察机关", "检举控告公职人员,转纪检监察机关(信访工作条例第31条)"),
    "other": Route("accept", None, None, "其他事项,依法受理"),
}
CATEGORY_LABELS = {
    "civil": "民间纠纷", "court_judgment": "涉法涉诉", "labour": "劳动争议", "land_contract": "土地承包",
    "admin_act": "不服行政行为", "request": "请求事项", "complaint": "检举控告", "other": "其他",
}


_BODY = given("to", N_("BODY"))
_OPINION = given("opinion", "|".join(OPINIONS))
# What a redirect to a clocked channel asks for (disputes and petitions alike).
CLOCK_START_HINT = {"hint": N_("{known_at} (复议/诉讼/仲裁), {decided_at} (a lawsuit after a 复议 decision)"),
                    "asks": {"known_at": given("known_at", N_("DATE") + "|unknown"), "decided_at": given("decided_at", N_("DATE"))}}


# -- guards ---------------------------------------------------------------------------------

def _routed_in_time(f: Facts, a: Action) -> str | None:
    if f.get("route_deadline") and a.at and a.at >= f["route_deadline"] and not (a.note or "").strip():
        return ask(_("routed after the 15-day limit: record the reason for the delay with {note} (信访工作条例 art 22)"),
                   note=NOTE)
    return None


def _not_notified(f: Facts, a: Action) -> str | None:
    if f.get("notified_at"):
        return _("the written notice of 不予受理 is already recorded as served")
    return None


def _notice_in_time(f: Facts, a: Action) -> str | None:
    """The written notice of 不予受理 is due within the 15 days of routing (信访工作条例第22条);
    a later one is still recorded, with the reason for the delay."""
    if f.get("route_deadline") and a.at and a.at >= f["route_deadline"] and not (a.note or "").strip():
        return ask(_("the written notice is past its 15 days: record the reason for the delay with {note} (信访工作条例 "
                   "art 22)"), note=NOTE)
    return None


def _channel_given(f: Facts, a: Action) -> str | None:
    if a.values.get("channel") not in config.CHANNELS:
        return ask(_("say which legal channel ({given})"), given=given("channel", "|".join(config.CHANNELS)))
    return None


def clock_start_given(f: Facts, a: Action) -> str | None:
    """A redirect to a clocked channel says when its clock starts: only the person can say."""
    channel, v = a.values.get("channel"), a.values
    if v.get("decided_at") is not None and channel != "litigation":
        return _("decided_at is the date of a 复议 decision, for a lawsuit after it (channel=litigation)")
    if v.get("decided_at") is not None and v.get("known_at") is not None:
        return _("give known_at or decided_at, not both")
    for key in ("known_at", "decided_at"):  # what the person knew, or the decision, came before this step
        when = v.get(key)
        if isinstance(when, datetime) and a.at is not None and when > a.at:
            return _("{key} ({day}) cannot come after the step it belongs to").format(
                key=key, day=day_of(when).isoformat())
    if channel in CLOCKED_CHANNELS and v.get("known_at") is None and v.get("decided_at") is None:
        return ask(_("say when the person knew of the act or the dispute ({known_at}, or "
                   "{known_at_unknown} to tell them the legal period instead of a date; after a 复议 decision, "
                   "{decided_at})"), known_at=given("known_at", N_("DATE")),
                   known_at_unknown=given("known_at", "unknown"), decided_at=given("decided_at", N_("DATE")))
    return None


def _body_given(f: Facts, a: Action) -> str | None:
    if not (a.values.get("to") or "").strip():
        return ask(_("say which body it is transferred to ({to})"), to=_BODY)
    return None


def _not_extended(f: Facts, a: Action) -> str | None:
    if f.get("extended_days"):
        return _("the handling period can be extended only once (信访工作条例 art 34)")
    return None


def _handling_head(f: Facts, a: Action) -> str | None:
    if a.actor_role not in config.HANDLING_HEADS:
        return _("an extension is approved by the handling body's head, a town or county user (信访工作条例 "
                 "art 34)")
    return None


def _answer_period_running(f: Facts, a: Action) -> str | None:
    end = f.get("answer_deadline")
    if end and a.at and a.at >= end:
        return _("the 60-day answer period has already run out: it can no longer be extended (信访工作条例 art 34)")
    return None


def _not_served(f: Facts, a: Action) -> str | None:
    if f.get("served_at"):
        return _("the service of this opinion is already recorded")
    return None


def _window_closed_or_waived(f: Facts, a: Action) -> str | None:
    """Closing cuts off 复查/复核: only after the window has run out, or on the petitioner's
    written waiver recorded in the note."""
    if (a.note or "").strip():
        return None
    end = f.get("request_deadline")
    if not f.get("served_at"):
        return ask(_("the opinion's service is not recorded, so the 30 days for a review have not begun: record it "
                   "with serve {at}, or record the petitioner's written waiver with {note}"), at=AT, note=NOTE)
    if end and a.at and a.at < end:
        return ask(_("the petitioner may still ask for a review or recheck: close after the 30 days, or record their "
                   "written waiver with {note} (信访工作条例 art 35, 36)"), note=NOTE)
    return None


def _opinion_given(f: Facts, a: Action) -> str | None:
    if a.values.get("opinion") not in OPINIONS:
        return ask(_("say what the answer is ({opinion})"), opinion=_OPINION)
    return None


def _window(period: Period, what: str, served: str):
    """``what``: the request; ``served``: the opinion whose service starts its days (catalog
    texts, ``N_``)."""
    def check(f: Facts, a: Action) -> str | None:
        end = f.get("request_deadline")
        if end and a.at and a.at >= end:
            return _("{what} must be asked for within {days} days of receiving {served} ({law}): too late").format(
                what=_(what), days=period.amount, served=_(served), law=period.law)
        return None
    return check


def _not_reviewed(f: Facts, a: Action) -> str | None:
    if f.get("reviewed"):
        return _("already reviewed once: ask for a recheck (复核, request_recheck) instead")
    return None


def _reviewed(f: Facts, a: Action) -> str | None:
    if not f.get("reviewed"):
        return _("a recheck (复核) follows a review (复查) (信访工作条例 art 36)")
    return None


GUARDS = {
    "routed_in_time": Guard(_routed_in_time, input=True, hint=N_("{note} the reason for the delay (if past 15 days)"),
                            asks={"note": NOTE}),
    "note_given": note_given(),
    "channel_given": Guard(_channel_given, input=True, **wanted(given("channel", "|".join(config.CHANNELS)))),
    "clock_start_given": Guard(clock_start_given, input=True,
                               **CLOCK_START_HINT),
    "handling_head": Guard(_handling_head),
    "answer_period_running": Guard(_answer_period_running),
    "not_served": Guard(_not_served),
    "not_notified": Guard(_not_notified),
    "notice_in_time": Guard(_notice_in_time, input=True, hint=N_("{note} the reason for the delay (if past 15 days)"),
                            asks={"note": NOTE}),
    "window_closed_or_waived": Guard(_window_closed_or_waived, input=True,
                                     hint=N_("{note} the petitioner's written waiver (if the 30 days are still running)"),
                                     asks={"note": NOTE}),
    "body_given": Guard(_body_given, input=True, **wanted(_BODY)),
    "not_extended": Guard(_not_extended),
    "extension_within_30": extension_within(EXTENSION_MAX_DAYS, "信访工作条例第34条"),
    "opinion_given": Guard(_opinion_given, input=True, **wanted(_OPINION)),
    "review_in_time": Guard(_window(REVIEW_REQUEST, N_("a review (复查)"), N_("the written answer"))),
    "recheck_in_time": Guard(_window(RECHECK_REQUEST, N_("a recheck (复核)"), N_("the review (复查) opinion"))),
    "not_reviewed": Guard(_not_reviewed),
    "reviewed": Guard(_reviewed),
}


def _set(**fixed):
    def effect(f: Facts, a: Action) -> dict:
        out = {}
        for key, value in fixed.items():
            out[key] = a.at if value == "AT" else value
        return out
    return effect


def _extended(f: Facts, a: Action) -> dict:
    return {"extended_days": a.values.get("days", EXTENSION_MAX_DAYS)}


def _answer_due(f: Facts, a: Action) -> dict:
    """60 days from acceptance, plus the extension (第32、34条)."""
    extra = f.get("extended_days") or 0
    return {"answer_deadline": Due(f.get("accepted_at"), Period(ANSWER.amount + extra, "days", law=ANSWER.law))}


def channel_clock(period_of):
    """The redirected person's own clock: from when they knew of the act (or of the 复议
    decision, for a lawsuit after 复议). Only they can say when that was, so it is never taken
    from the record's date: with ``known_at=unknown`` there is no last day, and they are told
    the legal period itself (``channel_law``). ``period_of(channel, facts, after 复议)``: the
    channel's period for this register (a petition's, a dispute's)."""
    def effect(f: Facts, a: Action) -> dict:
        decided = a.values.get("decided_at")
        period = period_of(a.values["channel"], f, decided is not None)
        if period is None:
            return {}
        start = decided or a.values.get("known_at")
        return {"channel_deadline": Due(start, period) if start not in (None, UNKNOWN) else None,
                "channel_law": period.law}
    return effect


EFFECTS = {
    "accepted": _set(accepted_at="AT"),
    "answer_due": _answer_due,
    "channel_clock": channel_clock(lambda channel, f, after: channel_period(channel, f.get("category") or "",
                                                                          after_reconsideration=after)),
    "answered": _set(answered_at="AT", served_at=None),
    "extended": _extended,
    # A 复查 opinion served while the state was still ``review`` keeps its service date.
    "mark_reviewed": _set(reviewed=True, answered_at="AT"),
    "review_requested": _set(requested_at="AT", served_at=None),
    "served": _set(served_at="AT"),
    "notified": _set(notified_at="AT"),
    "refused": lambda f, a: {"refusal": (a.note or "").strip() or None},
    "final": _set(final=True),
}

TRANSITIONS = [
    {"trigger": "accept", "source": P.received, "dest": P.handling, "conditions": ["routed_in_time"],
     "after": ["accepted", "answer_due"]},
    {"trigger": "redirect", "source": P.received, "dest": P.redirected,
     "conditions": ["routed_in_time", "channel_given", "clock_start_given"], "after": "channel_clock"},
    {"trigger": "transfer", "source": P.received, "dest": P.transferred,
     "conditions": ["routed_in_time", "body_given"]},
    {"trigger": "reject", "source": P.received, "dest": P.not_accepted,
     "conditions": ["routed_in_time", "note_given"], "after": "refused"},
    # 送达不予受理告知书: the step's ``at`` is the day the written notice reached the petitioner.
    {"trigger": "notify", "source": P.not_accepted, "dest": P.not_accepted,
     "conditions": ["not_notified", "notice_in_time"], "after": "notified"},
    {"trigger": "extend", "source": P.handling, "dest": P.handling,
     "conditions": ["handling_head", "not_extended", "answer_period_running", "note_given", "extension_within_30"],
     "after": ["extended", "answer_due"]},
    {"trigger": "answer", "source": P.handling, "dest": P.answered, "conditions": ["opinion_given"],
     "after": "answered"},
    {"trigger": "request_review", "source": P.answered, "dest": P.review,
     "conditions": ["not_reviewed", "review_in_time"], "after": "review_requested"},
    {"trigger": "review_answer", "source": P.review, "dest": P.answered, "conditions": ["opinion_given"],
     "after": "mark_reviewed"},
    {"trigger": "request_recheck", "source": P.answered, "dest": P.recheck,
     "conditions": ["reviewed", "recheck_in_time"], "after": "review_requested"},
    {"trigger": "recheck_answer", "source": P.recheck, "dest": P.closed, "conditions": ["opinion_given"],
     "after": "final"},
    # 送达: the step's ``at`` is the day the petitioner received the written opinion (or, in ``review``,
    # the 复查 opinion); the 30 days for 复查/复核 count from it.
    {"trigger": "serve", "source": P.answered, "dest": P.answered, "conditions": ["not_served"], "after": "served"},
    {"trigger": "serve", "source": P.review, "dest": P.review, "conditions": ["not_served"], "after": "served"},
    {"trigger": "close", "source": P.answered, "dest": P.closed, "conditions": ["window_closed_or_waived"]},
]

FIELDS: dict[str, Input] = {
    "channel": Input("choice", "法定途径", config.CHANNELS),
    "known_at": Input("date_or_unknown", "知道该行为之日", column=None),
    "decided_at": Input("date", "复议决定之日", column=None),
    "to": Input("text", "转送机关", column="transferred_to"),
    "days": Input("count", "延长天数", column=None),
    "opinion": Input("choice", "处理意见", OPINIONS),
}

INPUTS: dict[str, tuple[str, ...]] = {
    "redirect": ("channel", "known_at", "decided_at"),
    "transfer": ("to",),
    "extend": ("days",),
    "answer": ("opinion",),
    "review_answer": ("opinion",),
    "recheck_answer": ("opinion",),
}

# The steps each state's deadline is for: routing (15 days), the answer (60, or as extended),
# the 复查 and 复核 answers (30), the written notice of 不予受理 (15).
CLOCKED = {"received": ("accept", "redirect", "transfer", "reject"), "handling": ("answer",),
           "review": ("review_answer",), "recheck": ("recheck_answer",), "not_accepted": ("notify",)}

PETITION = Workflow(
    name="petition", states=PetitionState, transitions=TRANSITIONS, initial=P.received,
    guards=GUARDS, effects=EFFECTS, inputs=INPUTS, fields=FIELDS, labels=STATE_LABELS, trigger_labels=TRIGGER_LABELS,
    clocked=CLOCKED, told=("channel_deadline",),
)

# What remains to a petitioner whose period for the channel had already run when redirected.
LAPSED_REMEDIES = {
    "reconsideration": "行政复议法第20条: 因不可抗力或者其他正当理由耽误法定申请期限的,申请期限自障碍消除之日起继续计算;"
                       "行政机关未告知申请行政复议的权利、行政复议机关和申请期限的,自知道或者应当知道之日起计算,"
                       "但自知道或者应当知道行政行为内容之日起最长不得超过一年",
    "litigation": "行政诉讼法第48条: 因不可抗力或者其他不属于其自身的原因耽误起诉期限的,被耽误的时间不计算在起诉期限内;"
                  "因前款规定以外的其他特殊情况耽误起诉期限的,在障碍消除后十日内,可以申请延长期限,是否准许由人民法院决定",
    "arbitration": "仲裁时效因当事人一方向对方主张权利、向有关部门请求权利救济或者对方同意履行义务而中断,"
                   "因不可抗力或者其他正当理由不能申请仲裁的中止(劳动争议调解仲裁法第27条)",
}

OPEN_STATES = frozenset({"received", "handling", "answered", "review", "recheck"})
# States whose deadline, once passed, makes the petition overdue: the open ones, and a refusal
# whose written notice is not yet served.
CLOCK_STATES = OPEN_STATES | {"not_accepted"}


def deadline_basis(facts: Facts) -> tuple[datetime, Period] | None:
    """From when, and by which period, the petition's current step is due."""
    state = facts["state"]
    if state == "received":
        return facts["received_at"], ROUTE
    if state == "handling":
        extra = facts.get("extended_days") or 0
        return facts["accepted_at"], Period(ANSWER.amount + extra, "days", law=ANSWER.law)
    if state == "answered":
        # The 30 days run from service (送达); before it is recorded there is no last day yet.
        if not facts.get("served_at"):
            return None
        return facts["served_at"], RECHECK_REQUEST if facts.get("reviewed") else REVIEW_REQUEST
    if state == "review":
        return facts["requested_at"], REVIEW_ANSWER
    if state == "recheck":
        return facts["requested_at"], RECHECK_ANSWER
    if state == "not_accepted" and not facts.get("notified_at"):
        # The written notice of 不予受理 (信访工作条例第22条): within the 15 days of routing.
        return facts["received_at"], ROUTE
    return None


def channel_period(channel: str, category: str, *, after_reconsideration: bool = False) -> Period | None:
    """The legal clock the petitioner must be told about when redirected to ``channel``."""
    if channel == "arbitration":
        return ARBITRATION_CLOCKS.get(category, ARBITRATION_CLOCKS["labour"])
    if channel == "litigation" and after_reconsideration:
        return CHANNEL_CLOCKS["litigation_after_reconsideration"]
    if channel in ("reconsideration", "litigation"):
        return CHANNEL_CLOCKS[channel]
    return None
