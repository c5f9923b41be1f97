"""Petitions (信访): intake with 逐级走访 and 初信初访, 诉访分离 routing, statutory deadlines."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import select

from mediation import access, permissions, personal, records, search, steps, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotAllowed
from mediation.models import Case, Petition, PetitionEvent, Town, Village
from mediation.views import EventView, RecordView, event_view, options_json
from workflows import Option, ask, config, option
from workflows.petition import (CATEGORY_LABELS, CLOCK_STATES, FORMS, LEVELS, MAX_REPRESENTATIVES, OPEN_STATES,
                                PETITION, ROUTES, STATE_LABELS, LAPSED_REMEDIES, Route, deadline_basis)
from workflows.i18n import N_, _

PETITION_CATEGORIES = {k: CATEGORY_LABELS[k] for k in ROUTES}


@dataclass(frozen=True)
class PetitionView(RecordView):
    state_labels = STATE_LABELS
    instants = ("received_at", "served_at", "notified_at")
    deadlines = ("route_deadline", "answer_deadline", "deadline", "channel_deadline")
    clock_states = CLOCK_STATES

    id: int
    number: str
    town: str
    village: str
    petitioner: str
    petitioner_id_number: str | None
    petitioner_phone: str | None
    category: str
    matter: str
    summary: str
    form: str
    level: str
    state: str
    first_time: bool
    received_at: Any
    representatives: list[str]
    refusal: str | None
    served_at: Any
    notified_at: Any
    route_deadline: Any
    answer_deadline: Any
    deadline: Any
    opinion: str | None
    channel: str | None
    channel_deadline: Any
    channel_law: str | None
    # The period had already run when the petitioner was told (``lapsed``): what remains to them.
    channel_lapsed: bool
    channel_remedy: str | None
    transferred_to: str | None
    extended_days: int
    reviewed: bool
    final: bool
    linked_case: str | None
    version: int
    history: list[EventView] | None = None
    access: list[dict[str, Any]] | None = None  # who saw the personal data in full (office users only)
    # at registration: the petitioner's dispute resolved within ``config.RECURRENCE_MONTHS`` (反复)
    recurrence: list[dict[str, Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        d = super().to_json()
        if self.recurrence is None:
            d.pop("recurrence", None)
        return d


@dataclass(frozen=True)
class PetitionNext:
    petition: PetitionView
    route: Route
    options: list[Option]
    permission: str | None

    def to_json(self) -> dict[str, Any]:
        r = self.route
        return {
            "id": self.petition.id, "number": self.petition.number, "state": self.petition.state,
            "version": self.petition.version, "permission": self.permission,
            "suggested": {"trigger": r.trigger, "channel": r.channel, "to": r.to, "why": r.why,
                          "start_case": r.start_case},
            **options_json(self.options, self.permission),
        }


def matter_key(text: str) -> str:
    """Same matter, however it was typed: whitespace and punctuation do not count."""
    return re.sub(r"[\s\W_]+", "", text.lower())


def new(db: UnitOfWork, *, actor: str | None, village: str, petitioner: str, category: str, summary: str,
        form: str = "visit", level: str = "town", matter: str | None = None,
        at: timeutil.Moment | None = None, case: str | None = None,
        representatives: list[str] | tuple[str, ...] = ()) -> PetitionView:
    """Register a petition. When the same person's same matter is being handled or was
    concluded, or a visit skipped the town level (逐级走访), it is not accepted (不予受理) but
    still registered, with the reason: the office owes the petitioner a written notice within
    15 days, and the county counts repeated petitions. A group visit names at most five
    representatives (信访工作条例第20条)."""
    spec = validation.party(petitioner)
    cat = validation.choice(category, PETITION_CATEGORIES, N_("petition category"))
    form_key = validation.choice(form or "visit", FORMS, N_("petition form"))
    level_key = validation.choice(level or "town", LEVELS, N_("petition level"))
    if not (summary or "").strip():
        raise InvalidValue(ask(_("the petition's matter is required ({option})"), option=option("summary")))
    key = matter_key(matter or summary)
    if not key:
        raise InvalidValue(_("the matter cannot be empty"))
    reps = _representatives(representatives, form_key)
    with db.write() as s:
        user, village_row, town_row = access.register_in(s, actor, village)
        when = timeutil.resolve(at, not_before=None)
        earlier = _same_matter(s, town_row.id, spec, key)
        refusal = intake_refusal(earlier, form_key, level_key)
        linked = None
        if case:
            linked = access.case(s, case)
            if linked.town_id != town_row.id:
                raise InvalidValue(_("case {number} belongs to another town").format(number=linked.number))
        year = timeutil.local(when).year
        seq = records.next_seq(s, Petition, town_row.id, year)
        facts = {"state": "received", "received_at": when}
        route_deadline = records.due(deadline_basis(facts))
        row = Petition(
            town_id=town_row.id, village_id=village_row.id, year=year, seq=seq,
            number=config.PETITION_NUMBER_FORMAT.format(year=year, abbr=town_row.abbr, seq=seq),
            petitioner=spec.name, petitioner_id_number=spec.id_number, petitioner_phone=spec.phone,
            category=cat, matter=key, summary=summary.strip(), form=form_key, level=level_key, state="received",
            first_time=not earlier, received_at=when, recorded_at=timeutil.now(), route_deadline=route_deadline,
            deadline=route_deadline, last_event_at=when, case_id=linked.id if linked else None,
            representatives=reps or None, search=search.text_for(summary, [spec.name]),
        )
        s.add(row)
        s.flush()
        events = [dict(seq=1, trigger="receive", from_state=None, to_state="received", actor=user.name, at=when,
                       recorded_at=row.recorded_at, note=None,
                       values={"category": cat, "form": form_key, "level": level_key, "first_time": not earlier,
                               **({"representatives": reps} if reps else {})})]
        if refusal:
            # Registered, then not accepted at intake: the same ``reject`` step as a refusal
            # at routing, so every count of 不予受理 sees it; the written notice is due by the
            # route deadline (15 days, 信访工作条例第22条).
            row.state, row.refusal, row.version = "not_accepted", refusal, 2  # (the deadline: the notice's)
            events.append(dict(seq=2, trigger="reject", from_state="received", to_state="not_accepted",
                               actor=user.name, at=when, recorded_at=row.recorded_at, note=refusal,
                               values={"intake": True}))
        records.opening_events(s, row, kind="petition", event_table=PetitionEvent, fk="petition_id", events=events)
        s.flush()
        from mediation.cases import resolved_before
        s.refresh(row, ["petitioner_id_number_masked"])
        again = resolved_before(s, town_id=row.town_id, village_id=row.village_id, when=row.received_at,
                                people=[(row.petitioner, row.petitioner_id_number_masked)])
        return replace(_view(s, row), recurrence=again)


def _representatives(names, form: str) -> list[str]:
    """走访 by many people on one matter: at most five representatives (信访工作条例第20条)."""
    reps: list[str] = []
    for raw in names or ():
        name = (raw or "").strip()
        if not name:
            raise InvalidValue(_("a representative needs a name"))
        if name not in reps:
            reps.append(name)
    if reps and form != "visit":
        raise InvalidValue(ask(_("representatives are named for a group visit ({option} visit) (信访工作条例 art 20)"), option=option("form")))
    if len(reps) > MAX_REPRESENTATIVES:
        raise InvalidValue(_("a group visit names at most {most} representatives ({given} given) (信访工作条例 "
                             "art 20)").format(most=MAX_REPRESENTATIVES, given=len(reps)))
    return reps


def _same_matter(s, town_id: int, spec: validation.PartySpec, key: str) -> list[Petition]:
    rows = s.exec(select(Petition).where(Petition.town_id == town_id, Petition.petitioner == spec.name,
                                         Petition.matter == key).order_by(Petition.received_at)).all()
    # Two people with one name are told apart by their ID numbers when both are known: by the
    # masks (the full numbers are read only through the logged path), which differ for two
    # people unless their region and last four digits are the same.
    mask = validation.mask_id(spec.id_number)
    return [r for r in rows if not (mask and r.petitioner_id_number_masked and r.petitioner_id_number_masked != mask)]


def intake_refusal(earlier: list[Petition], form: str, level: str) -> str | None:
    """Why a new petition is not accepted at intake (逐级走访 rules), or None. The reason is
    the record's (the 不予受理 notice prints it): in Chinese, whatever the terminal's language."""
    for p in earlier:
        if p.final:
            return f"不予受理:该事项已经复核终结({p.number}),同一事实不再受理(信访工作条例第36条)"
        if p.state == "closed":
            return f"不予受理:该事项已办结({p.number}),对处理意见不服可申请复查"
        if p.state in OPEN_STATES:
            return f"不予受理:该事项正在办理中({p.number},{STATE_LABELS[p.state]})"
    if form == "visit" and level == "county" and not any(p.level == "town" for p in earlier):
        return "不予受理:越级走访,应先向乡镇提出(逐级走访)"
    return None


def _acting_on(s, actor: str | None, petition: str, expect_version: int | None):
    return steps.acting_on(s, REGISTER, actor, petition, expect_version)


def fire(db: UnitOfWork, *, actor: str | None, petition: str, trigger: str, note: str | None = None,
         at: timeutil.Moment | None = None, values: Mapping[str, str] | None = None,
         expect_version: int | None = None) -> PetitionView:
    return steps.fire(db, REGISTER, actor=actor, ref=petition, trigger=trigger, note=note, at=at, values=values,
                      expect_version=expect_version)


def amend(db: UnitOfWork, *, actor: str | None, petition: str, note: str | None, summary: str | None = None,
          village: str | None = None, petitioner: str | None = None,
          expect_version: int | None = None) -> PetitionView:
    """更正: correct the summary, the village or the petitioner (``NAME[,ID][,PHONE]``), as one
    audited step with the old and new values (ID numbers and phones masked in the trail)."""
    with db.write() as s:
        user, row = _acting_on(s, actor, petition, expect_version)
        fix = records.Correction(s, user, row, village=village)
        fix.text("summary", summary)
        if petitioner:
            # The full numbers are not read (mediation/personal.py): one typed is written, and
            # the trail holds it masked, as shown (a retyped number is a correction too).
            spec = validation.party(petitioner)
            old = (row.petitioner, row.petitioner_id_number_masked, row.petitioner_phone_masked)
            new = (spec.name, validation.mask_id(spec.id_number) if spec.id_number else old[1],
                   validation.mask_phone(spec.phone) if spec.phone else old[2])
            if new != old or spec.id_number or spec.phone:
                fix.changes.update(petitioner=spec.name, **({"petitioner_id_number": spec.id_number}
                                                             if spec.id_number else {}),
                                   **({"petitioner_phone": spec.phone} if spec.phone else {}))
                fix.shown["petitioner"] = tuple(",".join(y for y in x if y) for x in (old, new))
        fix.found_by((row.summary, [row.petitioner]),
                     (fix.changes.get("summary", row.summary), [fix.changes.get("petitioner", row.petitioner)]), note)
        records.amend(s, REGISTER, row, user=user, note=note, changes=fix.changes, shown=fix.shown)
        return _view(s, row)


def undo(db: UnitOfWork, *, actor: str | None, petition: str, note: str | None,
         expect_version: int | None = None) -> PetitionView:
    """Take back the petition's last workflow step (kept, marked undone, in no count)."""
    return steps.undo(db, REGISTER, actor=actor, ref=petition, note=note, expect_version=expect_version)


def void(db: UnitOfWork, *, actor: str | None, petition: str, note: str | None,
         expect_version: int | None = None) -> PetitionView:
    """作废: a duplicate or mistaken registration; kept and shown, in no count."""
    return steps.void(db, REGISTER, actor=actor, ref=petition, note=note, expect_version=expect_version)


def _facts(row: Petition) -> dict[str, Any]:
    return {
        "state": row.state, "received_at": row.received_at, "route_deadline": row.route_deadline,
        "accepted_at": row.accepted_at, "answered_at": row.answered_at, "requested_at": row.requested_at,
        "extended_days": row.extended_days, "reviewed": row.reviewed, "final": row.final,
        "answer_deadline": row.answer_deadline, "served_at": row.served_at, "notified_at": row.notified_at,
        "request_deadline": row.deadline if row.state == "answered" else None, "category": row.category,
    }


REGISTER = records.Register(
    name="petition", table=Petition, event_table=PetitionEvent, fk="petition_id", workflow=lambda row: PETITION,
    facts=_facts, deadline_basis=lambda row, facts: deadline_basis(facts), label=lambda row: row.number,
    clock_states=CLOCK_STATES, load=lambda s, ref, lock=False, viewed=False: access.petition(s, ref, lock=lock),
    view=lambda s, row, user: _view(s, row))


def list_petitions(db: UnitOfWork, *, village: str | None = None, state: str | None = None,
                   year: int | None = None, overdue: bool = False, text: str | None = None,
                   limit: int | None = None) -> list[PetitionView]:
    """First-time petitions (初信初访) first, then by receipt. ``text``: the petitioner's name, a
    word of the summary or a note, or the name's pinyin initials (``mediation.search``). Views
    are built for the ``limit`` rows returned only."""
    with db.read() as s:
        q = _list_query(s, village=village, state=state, year=year, overdue=overdue, text=text)
        return [_view(s, r) for r in s.exec(q.limit(limit) if limit else q).all()]


def count_petitions(db: UnitOfWork, **narrowed: Any) -> int:
    """How many petitions ``list_petitions`` would give without a limit."""
    with db.read() as s:
        return records.count(s, _list_query(s, **narrowed), Petition)


def _list_query(s, *, village=None, state=None, year=None, overdue=False, text=None):
    if state:
        state = validation.choice(state, STATE_LABELS, N_("state"))
    q = records.narrow(s, select(Petition).order_by(Petition.first_time.desc(), Petition.received_at, Petition.id),
                       Petition, Petition.received_at, village=village, state=state, year=year)
    if overdue:
        q = q.where(*REGISTER.overdue(timeutil.now()))
    if text and text.strip():
        q = q.where(search.condition(Petition, text, s.get_bind().dialect.name))
    return q


def show(db: UnitOfWork, *, petition: str, actor: str | None = None, unmask: bool = False) -> PetitionView:
    """One petition with its history. ``unmask`` shows the ID number and phone to a user allowed
    to act on it, and records that they did; town and county users see who did."""
    with (db.write() if unmask else db.read()) as s:
        user = access.actor(s, actor) if (unmask or actor) else None
        row = access.petition(s, petition)
        if user is not None:
            permissions.may_see(user, row)
        if unmask:
            permissions.may_act_on(user, row)
        full = personal.reveal(s, "petition", [row], user=user)[row.id][0] if unmask else None
        office = user is not None and permissions.problem(permissions.may_review, user) is None
        events = s.exec(select(PetitionEvent).where(PetitionEvent.petition_id == row.id)
                        .order_by(PetitionEvent.seq)).all()
        view = _view(s, row, full=full, history=[event_view(e) for e in events])
        return replace(view, access=personal.history(s, row, kind="petition")) if office else view


def next_actions(db: UnitOfWork, *, petition: str, actor: str | None = None) -> PetitionNext:
    with db.read() as s:
        user = access.optional_actor(s, actor)
        row = access.petition(s, petition)
        options, permission = steps.options(s, REGISTER, row, user)
        return PetitionNext(petition=_view(s, row), route=ROUTES[row.category], options=options,
                            permission=permission)


def link_case(s, petition_ref: str, case_row: Case, user, when) -> str:
    """信访转人民调解: the accepted petition starts ``case_row`` (within its registration's
    transaction); the link is an event in the petition's history. Returns its number."""
    row = access.petition(s, petition_ref, lock=True)
    permissions.may_act_on(user, row)
    if row.state != "handling":
        raise NotAllowed(_("{number}: accept the petition before starting a dispute case from it (state "
                           "{state})").format(number=row.number, state=row.state))
    if row.case_id is not None:
        raise NotAllowed(_("{number}: the petition is already linked to a case").format(number=row.number))
    if row.town_id != case_row.town_id:
        raise InvalidValue(_("{number}: the petition belongs to another town").format(number=row.number))
    records.write_transition(
        s, row, kind="petition", table=Petition, event_table=PetitionEvent, fk="petition_id",
        changes={"case_id": case_row.id},
        label=f"信访件 {row.number}",
        event=dict(trigger="start_case", from_state=row.state, to_state=row.state, actor=user.name,
                   at=max(when, row.last_event_at), recorded_at=timeutil.now(), note=f"转人民调解 {case_row.number}",
                   values=None))
    return row.number


def _view(s, row: Petition, *, full: tuple | None = None, history=None) -> PetitionView:
    """``full``: the petitioner's (ID number, phone) when unmasked (``mediation.personal``)."""
    village, town = s.exec(select(Village.name, Town.name).join(Town, Town.id == Village.town_id)
                           .where(Village.id == row.village_id)).one()
    linked = s.exec(select(Case.number).where(Case.id == row.case_id)).first() if row.case_id else None
    lapsed = False
    if row.channel_deadline is not None:
        told = s.exec(select(PetitionEvent.values).where(
            PetitionEvent.petition_id == row.id, PetitionEvent.trigger == "redirect",
            PetitionEvent.undone.is_(False)).order_by(PetitionEvent.seq.desc()).limit(1)).first()
        lapsed = bool((told or {}).get("lapsed"))
    return PetitionView(
        id=row.id, number=row.number, town=town, village=village, petitioner=row.petitioner,
        petitioner_id_number=full[0] if full else row.petitioner_id_number_masked,
        petitioner_phone=full[1] if full else row.petitioner_phone_masked,
        category=row.category, matter=row.matter, summary=row.summary, form=row.form, level=row.level,
        state=row.state, first_time=row.first_time, received_at=row.received_at,
        representatives=list(row.representatives or []), refusal=row.refusal, served_at=row.served_at,
        notified_at=row.notified_at,
        route_deadline=row.route_deadline,
        answer_deadline=row.answer_deadline, deadline=row.deadline, opinion=row.opinion, channel=row.channel,
        channel_deadline=row.channel_deadline, channel_law=row.channel_law, channel_lapsed=lapsed,
        channel_remedy=LAPSED_REMEDIES.get(row.channel) if lapsed else None, transferred_to=row.transferred_to,
        extended_days=row.extended_days, reviewed=row.reviewed, final=row.final, linked_case=linked,
        version=row.version, history=history,
    )
