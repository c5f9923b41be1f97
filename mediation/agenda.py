"""What falls due (``mediation agenda``, and the review queue's "due" list): one source of the
days the office and the mediators must act by, across every register — a case's line budget, an
agreement's 司法确认 window, its 履行期限 and its 回访; a petition's routing, answer, review and
不予受理 notice; the town's answer and defence in 行政复议/行政应诉; a 社区矫正 term ending.
Each item names its record and the command that clears it (the record as ``id:N``: a
number such as ``(2021)营调字第001号`` would need quoting at a shell)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from mediation import access, permissions, timeutil
from mediation.db import UnitOfWork
from mediation.models import Case, Matter, Petition, Subject, Town, Village
from workflows.dispute import CLOCK_STATES
from workflows import ask, given
from workflows.i18n import _
from workflows.matter import MATTER_KINDS, TOWN_CLOCK_STATES
from workflows.petition import CLOCK_STATES as PETITION_CLOCK_STATES

# What each kind is, in the order the agenda groups them (contract: "Agenda and periods").
KINDS: dict[str, str] = {
    "mediation": "调解期限", "confirmation": "司法确认", "performance": "履行", "visit": "回访", "route": "信访分流",
    "answer": "信访答复", "review": "复查复核", "notice": "不予受理告知书", "reconsideration": "行政复议",
    "litigation": "行政应诉", "term_end": "矫正期满", "recurrence": "反复纠纷",
}
# A recurrence is listed while its case is new: registered within these days.
RECURRENCE_WINDOW_DAYS = 30


@dataclass(frozen=True)
class Due:
    kind: str  # a key of KINDS
    due: datetime  # the end of the last day (a deadline, as every deadline is kept)
    register: str  # case | petition | matter | subject
    record: int
    number: str
    village: str
    town: str
    state: str
    what: str
    command: str  # (what it asks to be given stays data: each edge words it, ``workflows.Wording``)
    first_time: bool = False  # a petition's 初信初访 (first in the review queue at the same deadline)

    @property
    def overdue(self) -> bool:
        return self.due < timeutil.now()

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "due": timeutil.iso_deadline(self.due), "overdue": self.overdue,
                "register": self.register, "record": self.record, "number": self.number, "village": self.village,
                "town": self.town, "state": self.state, "what": self.what, "command": self.command}


def due(s, user, *, until: datetime, village_id: int | None = None, kinds: frozenset[str] | None = None) -> list[Due]:
    """Everything due by ``until`` (overdue included) in ``user``'s place — a mediator's village,
    a town user's town, every town for the county — or ``village_id``'s; overdue first, then
    soonest. ``kinds`` narrows it (the review queue's)."""
    now = timeutil.now()
    scope = permissions.default_scope(user)
    places = {vid: (v, t) for vid, v, t in s.exec(select(Village.id, Village.name, Town.name)
                                                   .join(Town, Town.id == Village.town_id))}
    towns = dict(s.exec(select(Town.id, Town.name)).all())
    wanted = kinds or frozenset(KINDS)

    def placed(q, table):
        if village_id is not None:
            return q.where(table.village_id == village_id) if hasattr(table, "village_id") else None
        if scope is not None and scope[0] == "village":
            return q.where(table.village_id == scope[1]) if hasattr(table, "village_id") else None
        return q.where(table.town_id == scope[2]) if scope is not None else q

    out: list[Due] = []

    def add(kind, when, register, row, what, command, village_id=None):
        village, town = places.get(village_id, ("", towns.get(row.town_id, "")))
        out.append(Due(kind, when, register, row.id, getattr(row, "number", None) or str(row.id), village, town,
                       row.state, what, command, first_time=bool(getattr(row, "first_time", False))))

    if wanted & {"mediation", "confirmation", "performance", "visit"}:
        def cases(*where):
            q = placed(select(Case).where(*where), Case)
            return s.exec(q).all() if q is not None else []

        if "mediation" in wanted:
            for r in cases(Case.state.in_(CLOCK_STATES), Case.deadline <= until):
                add("mediation", r.deadline, "case", r, f"{r.type}: {r.summary}", f"mediation case next id:{r.id}",
                    r.village_id)
        if "confirmation" in wanted:  # a window still open (a lapsed one is no one's to act on)
            for r in cases(Case.state == "agreed", Case.agreement == "written", Case.deadline > now,
                           Case.deadline <= until):
                add("confirmation", r.deadline, "case", r, f"司法确认申请期限 {r.type}: {r.summary}",
                    f"mediation case do id:{r.id} apply_confirmation", r.village_id)
        if "performance" in wanted:
            for r in cases(Case.state.in_(("agreed", "confirmed")), Case.performance_due <= until):
                add("performance", r.performance_due, "case", r, f"{r.terms or r.summary}",
                    f"mediation case do id:{r.id} fulfil", r.village_id)
        if "visit" in wanted:
            for r in cases(Case.state.in_(("agreed", "confirming", "confirmed", "follow_up")), Case.visit_due <= until):
                command = (ask("mediation case do id:{id} visit {satisfied}", id=r.id,
                               satisfied=given("satisfied", "yes")) if r.state == "follow_up"
                           else f"mediation case do id:{r.id} fulfil")
                add("visit", r.visit_due, "case", r, f"{r.type}: {r.summary}", command, r.village_id)
    petition_kinds = {"route", "answer", "review", "notice"}
    if wanted & petition_kinds:
        q = placed(select(Petition).where(Petition.state.in_(PETITION_CLOCK_STATES)), Petition)
        for r in s.exec(q).all() if q is not None else []:
            if r.state == "not_accepted":
                kind, when, command = "notice", r.route_deadline, f"mediation petition do id:{r.id} notify"
                if r.notified_at is not None:
                    continue
            else:
                kind = {"received": "route", "review": "review", "recheck": "review"}.get(r.state, "answer")
                when, command = r.deadline, f"mediation petition next id:{r.id}"
            if kind in wanted and when is not None and when <= until:
                add(kind, when, "petition", r, f"{r.petitioner}: {r.summary}", command, r.village_id)
    if wanted & {"reconsideration", "litigation"} and (village_id is None and (scope is None or scope[0] != "village")):
        q = placed(select(Matter).where(Matter.state.in_(TOWN_CLOCK_STATES), Matter.deadline.is_not(None),
                                        Matter.deadline <= until), Matter)
        for r in s.exec(q).all():
            if r.kind in wanted:
                add(r.kind, r.deadline, "matter", r, f"{MATTER_KINDS[r.kind]}: {r.summary}",
                    f"mediation matter next id:{r.id}")
    if "term_end" in wanted:
        q = placed(select(Subject).where(Subject.state == "supervised", Subject.category == "correction",
                                         Subject.term_end.is_not(None), Subject.term_end <= until), Subject)
        for r in s.exec(q).all() if q is not None else []:
            add("term_end", r.term_end, "subject", r, _("{name}: the correction term ends").format(name=r.name),
                f"mediation subject do {r.id} release", r.village_id)
    if "recurrence" in wanted:  # 反复: an open case whose party had a dispute resolved not long before
        from mediation.cases import recurrences
        from mediation.models import Party
        from workflows.dispute import FINAL_STATES

        q = placed(select(Case).where(Case.state.not_in(FINAL_STATES),
                                      Case.registered_at >= now - timedelta(days=RECURRENCE_WINDOW_DAYS)), Case)
        for r in s.exec(q).all() if q is not None else []:
            parties = s.exec(select(Party).where(Party.case_id == r.id).order_by(Party.position)).all()
            again = recurrences(s, r, list(parties))
            if again:
                said = "、".join(f"{a['party']}({a['number']})" for a in again)
                add("recurrence", r.deadline or r.registered_at + timedelta(days=RECURRENCE_WINDOW_DAYS), "case", r,
                    _("{type}: {summary}; resolved before: {said}").format(type=r.type, summary=r.summary, said=said),
                    f"mediation case show id:{r.id}", r.village_id)
    out.sort(key=lambda d: (not d.overdue, d.due, d.number))
    return out


def agenda(db: UnitOfWork, *, actor: str | None, days: int = 7, village: str | None = None) -> list[Due]:
    """What falls due today and in the next ``days`` days, in the acting user's place (or a
    village of it), overdue first."""
    if days < 0 or days > 366:
        from mediation.errors import InvalidValue
        raise InvalidValue(_("the agenda looks 0 to 366 days ahead, not {days}").format(days=days))
    with db.read() as s:
        user = access.actor(s, actor)
        village_id = None
        if village:
            row = access.village(s, village)
            permissions.may_see(user, row)
            village_id = row.id
        today = timeutil.local_date(timeutil.now())
        return due(s, user, until=timeutil.day_start(today + timedelta(days=days + 1)), village_id=village_id)
