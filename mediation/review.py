"""The town office's queue (``mediation review``): what waits for this user's decision."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlmodel import select

from mediation import access, agenda, cases, permissions, timeutil
from mediation.db import UnitOfWork
from mediation.models import Case, CaseEvent, Petition, Town, Village
from workflows.dispute import FINAL_STATES

DUE_SOON = timedelta(days=3)
# The agenda's kinds the queue shows (a 回访 or a 履行 date is the mediator's to keep).
REVIEWED = frozenset({"mediation", "confirmation", "route", "answer", "review", "notice", "reconsideration",
                      "litigation"})


@dataclass(frozen=True)
class Item:
    kind: str  # case | petition | matter
    id: int
    number: str
    deadline: datetime | None
    village: str
    state: str
    detail: str
    since: datetime | None = None  # escalations: when it was requested
    first_time: bool = False
    town: str = ""  # (a county's queue spans towns)

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline < timeutil.now()

    def to_json(self) -> dict[str, Any]:
        d = {"kind": self.kind, "id": self.id, "number": self.number, "deadline": timeutil.iso_deadline(self.deadline),
             "village": self.village, "town": self.town, "state": self.state, "detail": self.detail,
             "overdue": self.overdue}
        if self.since is not None:
            d["waiting_since"] = timeutil.iso(self.since)
            d["waiting_days"] = (timeutil.now() - self.since).days
        if self.kind == "petition":
            d["first_time"] = self.first_time
        return d


@dataclass(frozen=True)
class Queue:
    escalations: list[Item]
    red_risk: list[Item]
    due: list[Item]
    new_petitions: list[Item]

    def to_json(self) -> dict[str, Any]:
        return {k: [i.to_json() for i in getattr(self, k)]
                for k in ("escalations", "red_risk", "due", "new_petitions")}


def queue(db: UnitOfWork, *, actor: str | None) -> Queue:
    """Escalations awaiting this user's line (oldest first), open red-risk cases, everything
    overdue or due within 3 days across cases, petitions and the town's answers and defences
    in 行政复议/行政应诉 (soonest first), and petitions waiting to be routed (first-time
    petitions, 初信初访, first)."""
    now = timeutil.now()
    with db.read() as s:
        user = access.actor(s, actor)
        permissions.may_review(user)
        town_filter = (permissions.default_scope(user) or (None, None, None))[2]
        villages = {vid: name for vid, name in s.exec(select(Village.id, Village.name))}
        towns = dict(s.exec(select(Village.id, Town.name).join(Town, Town.id == Village.town_id)).all())

        def scoped(q, table):
            return q.where(table.town_id == town_filter) if town_filter is not None else q

        lines_from = permissions.lines_approved_by(user)
        escalations = []
        rows = s.exec(scoped(select(Case).where(Case.state == "escalation_pending", Case.line.in_(lines_from)),
                             Case).order_by(Case.last_event_at)).all()
        for r in rows:
            note = s.exec(select(CaseEvent.note).where(CaseEvent.case_id == r.id)
                          .order_by(CaseEvent.seq.desc()).limit(1)).first()
            escalations.append(Item("case", r.id, r.number, r.deadline, villages[r.village_id], r.state,
                                    f"第{r.line}线→第{r.line + 1}线: {note or ''}", since=r.last_event_at,
                                    town=towns.get(r.village_id, "")))
        red = [Item("case", r.id, r.number, r.deadline, villages[r.village_id], r.state, f"{r.type}: {r.summary}",
                    town=towns.get(r.village_id, ""))
               for r in s.exec(scoped(select(Case).where(Case.risk == "red", Case.state.not_in(FINAL_STATES)),
                                      Case).order_by(Case.registered_at)).all()]
        # Everything due within 3 days, from the agenda's one source: a case's line budget, a
        # written agreement's 司法确认 window closing (人民调解法第33条: the parties should be reminded
        # while they can still apply; a lapsed window is not "overdue"), a petition's deadlines,
        # the town's own in 行政复议/行政应诉 (its answer, its defence, its decision to appeal; a 复议
        # awaiting the county's decision is not here).
        due = [Item(d.register, d.record, d.number, d.due, d.village, d.state, d.what, first_time=d.first_time,
                    town=d.town)
               for d in agenda.due(s, user, until=now + DUE_SOON, kinds=REVIEWED)]
        due.sort(key=lambda i: (i.deadline, not i.first_time, i.number))
        new = [Item("petition", r.id, r.number, r.deadline, villages[r.village_id], r.state,
                    f"{r.petitioner}: {r.summary}", first_time=r.first_time, town=towns.get(r.village_id, ""))
               for r in s.exec(scoped(select(Petition).where(Petition.state == "received"), Petition)
                               .order_by(Petition.first_time.desc(), Petition.deadline)).all()]
        return Queue(escalations=escalations, red_risk=red, due=due, new_petitions=new)


def decide(db: UnitOfWork, *, actor: str | None, case: str, approve: bool, note: str | None = None,
           at: timeutil.Moment | None = None):
    """Approve or return an escalation from the queue (the same trigger as ``case do``)."""
    return cases.fire(db, actor=actor, case=case, trigger="approve_escalation" if approve else "return_escalation",
                      note=note, at=at)



