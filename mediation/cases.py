"""Dispute cases: register, fire a trigger, list, show, what next. One transaction each.

Every state change is written together with its audit event (``case_event``) or not at all,
and only if the case's ``version`` is still the one that was read.
"""

from __future__ import annotations

import weakref
from collections import namedtuple
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import select

from mediation import access, permissions, personal, records, search, steps, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue, NotFound, PermissionDenied
from mediation.tables.disputes import Case, CaseEvent, Party
from mediation.tables.places import Town, User, Village
from mediation.views import CaseView, NextView, case_view, event_view
from workflows import ask, config, option
from workflows.i18n import N_, _
from workflows.dispute import CLOCK_STATES, CONFIRMATION_WINDOW, DISPUTE, deadline_basis

@dataclass(frozen=True)
class Registration:
    """A new case's inputs, checked and normalised (what the register step needs besides who,
    where and when)."""

    type: str
    summary: str
    parties: list[validation.PartySpec]
    source: str | None
    screening: str | None
    risk: str | None
    kind: str
    petition: str | None


def check_registration(*, type: str, summary: str, parties: list[str], source: str | None = None,
                       screening: str | None = None, risk: str | None = None, kind: str | None = None,
                       petition: str | None = None) -> Registration:
    dispute_type = validation.choice(type, config.DISPUTE_TYPES, N_("dispute type"))
    summary = validation.clean_text(summary, N_("summary"), limit="summary", multiline=True)
    if not summary:
        raise InvalidValue(ask(_("a summary of the dispute is required ({option})"), option=option("summary")))
    if not parties:
        raise InvalidValue(ask(_("at least one party is required ({option})"), option=option("party")))
    specs = [validation.party(p) for p in parties]
    source_key = validation.choice(source, config.SOURCES, N_("source")) if source else None
    mode = validation.choice(screening, config.SCREENING_MODES, N_("screening mode")) if screening else None
    if mode and source_key is None:
        source_key = "screening"
    if petition and source_key is None:
        source_key = "petition"
    if mode and source_key != "screening":
        raise InvalidValue(ask(_("{screening} goes with {source} screening: only a dispute found by screening has a "
                             "screening mode"), screening=option("screening"), source=option("source")))
    risk_key = validation.choice(risk, config.RISKS, N_("risk")) if risk else None
    kind_key = validation.choice(kind, config.MEDIATION_KINDS, N_("mediation kind")) if kind else "people"
    return Registration(type=dispute_type, summary=summary.strip(), parties=specs, source=source_key,
                        screening=mode, risk=risk_key, kind=kind_key, petition=petition)


def opening(reg: Registration, *, user: User, town_row: Town, village_id: int, seq: int, year: int,
            when, recorded) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """① 排查登记 decided: the new case's columns, its parties and its first event (without
    ids; the caller writes them)."""
    line = config.RISK_LINE.get(reg.risk or "", 1)
    values = dict(
        town_id=town_row.id, village_id=village_id, year=year, seq=seq,
        number=config.CASE_NUMBER_FORMAT.format(year=year, abbr=town_row.abbr, seq=seq),
        type=reg.type, summary=reg.summary, state="registered", line=line, risk=reg.risk, kind=reg.kind,
        search=search.text_for(reg.summary, [p.name for p in reg.parties]),
        source=reg.source, screening=reg.screening, registered_at=when, recorded_at=recorded, line_since=when,
        last_event_at=when, deadline=records.due(deadline_basis({"state": "registered", "line": line,
                                                                 "line_since": when})))
    parties = [dict(position=i, name=p.name, id_number=p.id_number, phone=p.phone,
                    **{k: getattr(p, k) for k in validation.DETAILS}) for i, p in enumerate(reg.parties)]
    event = dict(seq=1, trigger="register", from_state=None, to_state="registered", line=line, actor=user.name,
                 at=when, recorded_at=recorded, note=None,
                 values={k: v for k, v in (("type", reg.type), ("risk", reg.risk), ("kind", reg.kind),
                                           ("source", reg.source), ("screening", reg.screening),
                                           ("petition", reg.petition)) if v is not None})
    return values, parties, event


def register(db: UnitOfWork, *, actor: str | None, village: str, type: str, summary: str,
             parties: list[str], source: str | None = None, screening: str | None = None,
             risk: str | None = None, kind: str | None = None,
             at: timeutil.Moment | None = None, petition: str | None = None) -> CaseView:
    """① 排查登记: register a dispute and give it its number, e.g. (2021)营调字第003号.
    With ``petition``, the accepted petition starts the case (信访转人民调解)."""
    reg = check_registration(type=type, summary=summary, parties=parties, source=source, screening=screening,
                             risk=risk, kind=kind, petition=petition)
    with db.write() as s:
        user, village_row, town_row = access.register_in(s, actor, village)
        when = timeutil.resolve(at, not_before=None)
        year = timeutil.local(when).year
        values, party_values, event = opening(reg, user=user, town_row=town_row, village_id=village_row.id,
                                              seq=records.next_seq(s, Case, town_row.id, year), year=year,
                                              when=when, recorded=timeutil.now())
        row = Case(**values)
        s.add(row)
        s.flush()
        party_rows = [Party(case_id=row.id, **p) for p in party_values]
        s.add_all(party_rows)
        records.opening_events(s, row, kind="case", event_table=CaseEvent, fk="case_id", events=[event])
        s.flush()
        linked = []
        if petition:
            from mediation import petitions
            linked = [petitions.link_case(s, petition, row, user, when)]
        earlier = similar_cases(s, row, [p.name for p in party_rows])
        again = recurrences(s, row, party_rows)
        return replace(_view(s, row, user=user, parties=party_rows, petitions=linked), similar=earlier,
                       recurrence=again)


# A second registration of one dispute: the same parties, in the same village, within this many days.
SIMILAR_DAYS = 90


def similar_cases(s, row: Case, names: list[str]) -> list[str]:
    """Earlier cases of the village registered within ``SIMILAR_DAYS`` before this one, with the
    same parties and a summary alike (one holds the other, or half their characters in order):
    a warning at ``case new``, never a refusal (the same neighbours may quarrel twice)."""
    from datetime import timedelta

    since = row.registered_at - timedelta(days=SIMILAR_DAYS)
    q = (select(Case.id, Case.number, Case.summary).where(
        Case.village_id == row.village_id, Case.id != row.id, Case.state != "void",
        Case.registered_at >= since, Case.registered_at <= row.registered_at + timedelta(days=1))
         .order_by(Case.registered_at))
    found = []
    wanted = set(names)
    for cid, number, summary in s.exec(q).all():
        theirs = set(s.exec(select(Party.name).where(Party.case_id == cid)).all())
        if theirs != wanted:
            continue
        if alike(summary, row.summary):
            found.append(number)
    return found


def recurrences(s, row: Case, parties: list[Party]) -> list[dict[str, Any]]:
    """反复: the new case's parties who had a dispute resolved (an agreement reached) in the town
    within ``config.RECURRENCE_MONTHS`` before it — the same name in the same village, or the
    same name and (masked) ID number elsewhere in the town. Told at intake, never refused."""
    return resolved_before(s, town_id=row.town_id, village_id=row.village_id, when=row.registered_at,
                           people=[(p.name, p.id_number_masked) for p in parties], besides=row.id)


def resolved_before(s, *, town_id: int, village_id: int, when, people: list[tuple[str, str | None]],
                    besides: int | None = None) -> list[dict[str, Any]]:
    """The people (name, masked ID number) who had a dispute resolved in the town within
    ``config.RECURRENCE_MONTHS`` before ``when``: a case's parties, a petitioner."""
    from datetime import timedelta

    since = when - timedelta(days=31 * config.RECURRENCE_MONTHS)
    q = (select(Case.number, Case.agreed_at, Case.village_id, Party.name, Party.id_number_masked)
         .join(Party, Party.case_id == Case.id)
         .where(Case.town_id == town_id, Case.id != (besides or 0), Case.state != "void",
                Case.agreed_at.is_not(None), Case.agreed_at >= since, Case.agreed_at <= when,
                Party.name.in_([name for name, _masked in people]))
         .order_by(Case.agreed_at))
    out = []
    for number, agreed_at, village, name, masked in s.exec(q).all():
        for who, theirs in people:
            if who == name and (village == village_id or (masked and theirs and masked == theirs)):
                out.append({"party": name, "number": number, "resolved_at": agreed_at})
                break
    return out


def alike(a: str, b: str) -> bool:
    """Two summaries that look like one matter written twice: one holds the other, or half
    their characters are in order (difflib)."""
    from difflib import SequenceMatcher

    a, b = a.strip(), b.strip()
    return a in b or b in a or SequenceMatcher(None, a, b).ratio() >= 0.5


def _acting_on(s, actor: str | None, case: str, expect_version: int | None) -> tuple[User, Case]:
    return steps.acting_on(s, REGISTER, actor, case, expect_version)


def fire(db: UnitOfWork, *, actor: str | None, case: str, trigger: str, note: str | None = None,
         at: timeutil.Moment | None = None, values: Mapping[str, str] | None = None,
         expect_version: int | None = None, view: bool = True) -> CaseView | None:
    """Fire a workflow trigger (``steps.fire``). ``view=False`` skips building the view."""
    return steps.fire(db, REGISTER, actor=actor, ref=case, trigger=trigger, note=note, at=at, values=values,
                      expect_version=expect_version, view=view)


def undo(db: UnitOfWork, *, actor: str | None, case: str, note: str | None,
         expect_version: int | None = None) -> CaseView:
    """Take back the case's last workflow step (``steps.undo``)."""
    return steps.undo(db, REGISTER, actor=actor, ref=case, note=note, expect_version=expect_version)


def amend(db: UnitOfWork, *, actor: str | None, case: str, note: str | None, summary: str | None = None,
          type: str | None = None, village: str | None = None, party_fixes: list[str] | tuple[str, ...] = (),
          expect_version: int | None = None) -> CaseView:
    """更正: correct the summary, the category, the village or a party (``OLD=NAME[,ID][,PHONE]``),
    as one audited step holding the old and new values; the counts use the corrected values.
    Moving a case to another village is a town or county user's."""
    with db.write() as s:
        user, row = _acting_on(s, actor, case, expect_version)
        fix = records.Correction(s, user, row, village=village)
        fix.text("summary", summary)
        if type:
            fix.text("type", validation.choice(type, config.DISPUTE_TYPES, N_("dispute type")))
        parties = s.exec(select(Party).where(Party.case_id == row.id).order_by(Party.position)).all()
        found_by = (row.summary, [p.name for p in parties])  # what finding searched before
        for wanted in party_fixes:
            old, new = _party_fix(wanted, parties)
            spec = validation.party(new)
            _same_birth(s, user, row, parties, old, spec)
            # The full numbers are not read to be corrected (mediation/personal.py; only to check a
            # birth date typed against the ID number kept, above): one typed is written, and the
            # trail holds it masked, as it is shown (a retyped number is a correction too). Details
            # not typed stay as they were.
            before = (old.name, old.id_number_masked, old.phone_masked)
            old.name = spec.name
            if spec.id_number:
                old.id_number = spec.id_number
            if spec.phone:
                old.phone = spec.phone
            after = (old.name, validation.mask_id(spec.id_number) if spec.id_number else before[1],
                     validation.mask_phone(spec.phone) if spec.phone else before[2])
            if after != before or spec.id_number or spec.phone:
                fix.shown[f"party[{old.position}]"] = (",".join(x for x in before if x),
                                                       ",".join(x for x in after if x))
            for key, value in spec.details().items():
                was = old.address_masked if key == "address" else getattr(old, key)
                setattr(old, key, value)
                now = validation.mask_address(value) if key == "address" else value
                if key == "address" or now != was:
                    fix.shown[f"party[{old.position}].{key}"] = (_said(was), _said(now))
        fix.found_by(found_by, (fix.changes.get("summary", row.summary), [p.name for p in parties]), note)
        records.amend(s, REGISTER, row, user=user, note=note, changes=fix.changes, shown=fix.shown)
        s.flush()
        return _view(s, row, user=user)


def _same_birth(s, user, row, parties, old, spec) -> None:
    """A birth date and an ID number of one party say the same day, whichever of them a
    correction types: a new ID number against the birth date kept, a birth date against the ID
    number kept (read in full for it, and the reading logged as every reading is)."""
    if spec.id_number:  # a new ID number against the birth date typed or kept
        id_no, born = spec.id_number, spec.birth_date or old.birth_date
    elif spec.birth_date and old.id_number_masked:  # a birth date against the ID number kept
        id_no, born = personal.reveal(s, "case", [row], user=user)[row.id][parties.index(old)][0], spec.birth_date
    else:
        return
    if born is not None and validation.born_from_id(id_no) not in (None, born):
        raise InvalidValue(_("the birth date differs from the one in the ID number: '{spec}'").format(
            spec=validation.shown(validation.mask_id(id_no))))


def _said(value: Any) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, date) else str(value)


def _party_fix(fix: str, parties: list[Party]) -> tuple[Party, str]:
    """``OLD=NAME[,ID][,PHONE]``: the party named OLD, and what it becomes."""
    old, sep, new = (fix or "").partition("=")
    if not sep or not old.strip() or not new.strip():
        raise InvalidValue(_("a party fix is OLD=NAME[,ID][,PHONE]: '{fix}'").format(fix=fix))
    found = [p for p in parties if p.name == old.strip()]
    if len(found) != 1:
        names = "、".join(p.name for p in parties)
        raise InvalidValue(_("no single party of the case is named '{name}'; parties: {parties}").format(
            name=old.strip(), parties=names))
    return found[0], new


def void(db: UnitOfWork, *, actor: str | None, case: str, note: str | None,
         expect_version: int | None = None) -> CaseView:
    """作废: the registration was a duplicate or a mistake; kept and shown, in no count."""
    return steps.void(db, REGISTER, actor=actor, ref=case, note=note, expect_version=expect_version)


def list_cases(db: UnitOfWork, *, village: str | None = None, state: str | None = None,
               year: int | None = None, overdue: bool = False, limit: int | None = None,
               text: str | None = None, party: str | None = None, type: str | None = None,
               mediator: str | None = None, first=None, last=None) -> list[CaseView]:
    """Cases oldest first, narrowed by place, state, year (or the days registered, ``first`` to
    ``last``), overdue; ``text`` finds a party's
    name, a word of the summary or a note, or pinyin initials (``mediation.search``);
    ``party`` a party by (part of) their name; ``type`` a category; ``mediator`` by name.
    Views are built for the ``limit`` rows returned only."""
    with db.read() as s:
        q = _list_query(s, village=village, state=state, year=year, overdue=overdue, text=text, party=party,
                        type=type, mediator=mediator, first=first, last=last)
        if limit:
            q = q.limit(limit)
        # Plain rows, not ORM objects, and without the search text: a list of thousands is built
        # three times faster (docs/performance.md).
        rows = s.execute(q.with_only_columns(*(c for c in Case.__table__.c if c.name != "search"))).all()
        return _views(s, rows)


def count_cases(db: UnitOfWork, **narrowed: Any) -> int:
    """How many cases ``list_cases`` would give without a limit (what a page says is left)."""
    with db.read() as s:
        return records.count(s, _list_query(s, **narrowed), Case)


def _list_query(s, *, village=None, state=None, year=None, overdue=False, text=None, party=None, type=None,
                mediator=None, first=None, last=None):
    if state is not None:
        state = validation.choice(state, {k: v for k, v in DISPUTE.labels.items()}, N_("state"))
    if type is not None:
        type = validation.choice(type, config.DISPUTE_TYPES, N_("dispute type"))
    q = records.narrow(s, select(Case).order_by(Case.registered_at, Case.id), Case, Case.registered_at,
                       village=village, state=state, year=year, first=first, last=last)
    if overdue:
        q = q.where(*REGISTER.overdue(timeutil.now()))
    if text and text.strip():
        q = q.where(search.condition(Case, text, s.get_bind().dialect.name))
    if party and party.strip():
        q = q.where(Case.id.in_(select(Party.case_id).where(Party.name.contains(party.strip(), autoescape=True))))
    if type is not None:
        q = q.where(Case.type == type)
    if mediator and mediator.strip():
        q = q.where(Case.mediator == mediator.strip())
    return q


def ledger(db: UnitOfWork, *, actor: str | None, village: str | None = None, state: str | None = None,
           year: int | None = None, unmask: bool = False) -> list[dict[str, Any]]:
    """The cases ``list_cases`` gives, each with its registration and its steps as they stand,
    for an office's ledger (``mediation.ledger``): keyed by the import key it was loaded
    with, or its number; steps taken back, and their undoing, left out; voided registrations
    left out. ``unmask`` gives ID numbers and phones in full, to a user who may act on each
    case, and records each reading in the case's access history."""
    from mediation.tables.imports import ImportKey
    from mediation.tables.petitions import Petition

    if state is not None:
        state = validation.choice(state, {k: v for k, v in DISPUTE.labels.items()}, N_("state"))
    with (db.write() if unmask else db.read()) as s:
        user = access.optional_actor(s, actor)
        if unmask and user is None:
            raise PermissionDenied(ask(_("exporting full ID numbers needs an acting user ({option})"), option=option("as")))
        q = records.narrow(s, select(Case).where(Case.state != "void").order_by(Case.registered_at, Case.id), Case,
                           Case.registered_at, village=village, state=state, year=year)
        rows = s.exec(q).all()
        keys = {k.record_id: k.key.split(":", 1)[1] for k in s.exec(select(ImportKey).where(ImportKey.kind == "case"))}
        petition_keys = dict(s.exec(select(Petition.number, ImportKey.key).join(
            ImportKey, (ImportKey.kind == "petition") & (ImportKey.record_id == Petition.id))).all())
        names = _place_names(s, {r.village_id for r in rows})
        if unmask:
            for row in rows:
                permissions.may_act_on(user, row)
        full = personal.reveal(s, "case", rows, user=user) if unmask else {}
        out = []
        for row in rows:
            parties, _petitions = _parties_and_petitions(s, row.id)
            events = s.exec(select(CaseEvent).where(CaseEvent.case_id == row.id, CaseEvent.undone.is_(False))
                            .order_by(CaseEvent.seq)).all()
            opening = events[0]
            opened = dict(opening.values or {})
            out.append({
                "key": keys.get(row.id, row.number), "village": names[row.village_id][1], "type": row.type,
                "summary": row.summary, "source": row.source, "screening": row.screening,
                "kind": opened.get("kind", row.kind), "risk": opened.get("risk"),
                "petition": _petition_key(petition_keys, opened.get("petition")),
                "at": timeutil.local(opening.at).replace(tzinfo=None),
                "by": opening.actor,
                "parties": [d.spec(private=unmask) for d in case_view(row, names[row.village_id], parties,
                                                                      full=full.get(row.id)).party_details],
                "steps": [{"trigger": e.trigger, "at": timeutil.local(e.at).replace(tzinfo=None), "by": e.actor,
                           "note": e.note, "values": e.values}
                          for e in events[1:] if e.trigger in DISPUTE.triggers],
            })
        return out


def _petition_key(keys: dict[str, str], number: str | None) -> str | None:
    """A petition as a ledger names it: by the key it was imported with, else its number."""
    return keys[number].split(":", 1)[1] if number in keys else number


def show(db: UnitOfWork, *, case: str, actor: str | None = None, unmask: bool = False) -> CaseView:
    """One case with its full history. ``unmask`` shows ID numbers and phones to a user allowed
    to act on the case, and records that they did; town and county users see who did."""
    with (db.write() if unmask else db.read()) as s:
        user = access.optional_actor(s, actor)
        row = access.case(s, case)
        if user is not None:
            permissions.may_see(user, row)
        if unmask:
            if user is None:
                raise PermissionDenied(ask(_("showing full ID numbers needs an acting user ({option})"), option=option("as")))
            permissions.may_act_on(user, row)
        full = personal.reveal(s, "case", [row], user=user)[row.id] if unmask else None
        office = user is not None and permissions.problem(permissions.may_review, user) is None
        events = s.exec(select(CaseEvent).where(CaseEvent.case_id == row.id).order_by(CaseEvent.seq)).all()
        view = _view(s, row, user=user, full=full, history=[event_view(e) for e in events])
        return replace(view, access=personal.history(s, row, kind="case")) if office else view


def next_actions(db: UnitOfWork, *, case: str, actor: str | None = None) -> NextView:
    """The triggers allowed now for this actor, and for each blocked one the reason."""
    with db.read() as s:
        user = access.optional_actor(s, actor)
        row = access.case(s, case)
        options, permission = steps.options(s, REGISTER, row, user)
        return NextView(case=_view(s, row, user=user), options=options, permission=permission)


# -- helpers --------------------------------------------------------------------------------

def _facts(row: Case) -> dict[str, Any]:
    # The 司法确认 window matters only while the agreement stands (its one guard reads it there).
    window_end = records.due((row.agreed_at, CONFIRMATION_WINDOW)) if row.state == "agreed" and row.agreed_at else None
    return {
        "confirmation_deadline": window_end, "confirmation_last_day": timeutil.deadline_day(window_end),
        "state": row.state, "line": row.line, "risk": row.risk, "kind": row.kind, "mediator": row.mediator,
        "agreement": row.agreement, "terms": row.terms, "amount": row.amount_fen, "agreed_at": row.agreed_at,
        "confirmation_applied_at": row.confirmation_applied_at, "channel": row.channel, "type": row.type,
        "confirmation_accepted_at": row.confirmation_accepted_at,
        "satisfied": row.satisfied, "reopened": row.reopened, "line_since": row.line_since,
        "registered_at": row.registered_at,
    }


def _mediator(s, row: Case, name: str) -> str:
    """A mediator is a known user: a mediator of the case's village, or a town/county user."""
    user = access.user_named(s, name) if name else None
    if user is not None and permissions.may_mediate(user, row.village_id):
        return user.name
    local = s.exec(select(User.name).where(*permissions.may_mediate_query(row.village_id))).all()
    listed = ", ".join(local) or _("none")
    if user is None:
        raise NotFound(_("no mediator '{name}'; this village's mediators: {listed}").format(name=name, listed=listed))
    raise InvalidValue(_("{name} mediates in another village; this village's mediators: {listed}").format(
        name=name, listed=listed))


def mediator_resolver(s, row):
    """How a ``mediator`` value is resolved for this case (a user who may mediate it)."""
    return lambda name: _mediator(s, row, name)


REGISTER = records.Register(
    name="case", table=Case, event_table=CaseEvent, fk="case_id", workflow=lambda row: DISPUTE, facts=_facts,
    deadline_basis=lambda row, facts: deadline_basis(facts), label=lambda row: row.number,
    event_extra=lambda row, facts: {"line": facts.get("line") or row.line}, clock_states=CLOCK_STATES,
    load=lambda s, ref, lock=False, viewed=False: access.case(
        s, ref, lock=lock, extra=_view_columns(s.get_bind().dialect.name) if viewed else ()),
    view=lambda s, row, user: _view(s, row, user=user),
    resolver=lambda s, row: mediator_resolver(s, row))


def _views(s, rows: list) -> list[CaseView]:
    if not rows:
        return []
    ids = [r.id for r in rows]
    parties: dict[int, list[Party]] = {}
    for chunk in range(0, len(ids), 500):
        part_ids = ids[chunk:chunk + 500]
        for p in s.execute(select(Party.case_id, *(Party.__table__.c[k] for k in _PARTY_COLUMNS))
                           .where(Party.case_id.in_(part_ids)).order_by(Party.case_id, Party.position)):
            parties.setdefault(p.case_id, []).append(p)
    t = _petitions()
    names = _place_names(s, {r.village_id for r in rows})
    linked: dict[int, list[str]] = {}
    for chunk in range(0, len(ids), 500):
        # (ordered by the indexed column first: ordered by id alone, SQLite's planner, told by
        # sqlite_stat1 that case_id is almost always NULL, scanned the whole petition table)
        for case_id, number in s.execute(select(t.case_id, t.number).where(t.case_id.in_(ids[chunk:chunk + 500]))
                                         .order_by(t.case_id, t.id)):
            linked.setdefault(case_id, []).append(number)
    return [case_view(r, names[r.village_id], parties.get(r.id, []), petitions=linked.get(r.id)) for r in rows]


def _view(s, row: Case, *, user: User | None = None, full: list | None = None, history=None,
          parties: list[Party] | None = None, petitions: list[str] | None = None) -> CaseView:
    """The case as services return it. ``parties`` and ``petitions`` are read unless the
    caller already knows them (a case registered a moment ago)."""
    if parties is None or petitions is None:  # (a step's record carries them: read with it)
        read_parties, read_petitions = _carried(row) if "_parties" in vars(row) else _parties_and_petitions(s, row.id)
        parties = read_parties if parties is None else parties
        petitions = read_petitions if petitions is None else petitions
    names = _place_names(s, {row.village_id})
    return case_view(row, names[row.village_id], parties, full=full, history=history, petitions=petitions)


def _parties_and_petitions(s, case_id: int) -> tuple[list, list[str]]:
    """A case's parties (rows with ``name``, ``id_number_masked``, ``phone_masked``) and the numbers of its
    petitions, in one statement (on PostgreSQL each statement is a round trip)."""
    parties, petitions = [], []
    for row in s.connection().execute(_parties_and_petitions_query(), {"case_id": case_id}):
        if row.kind == "party":
            parties.append(row)
        else:
            petitions.append(row.name)
    return parties, petitions


# A party's columns a case's view shows (lists, a case's own read, a step's record read).
_PARTY_COLUMNS = ("name", "id_number_masked", "phone_masked", "gender", "ethnicity", "birth_date", "address_masked",
                  "employer")
_CarriedParty = namedtuple("_CarriedParty", _PARTY_COLUMNS)  # a party as a step's record read carries it


@cache
def _petitions():
    """The three columns of the petition table a case's view reads (the petitions linked to
    it), named as a table rather than through the Petition model: building that class costs a
    command's cold start ~20 ms (a case's show, list or step needs no more of it)."""
    from sqlalchemy import Integer, String, column, table

    return table("petition", column("id", Integer), column("case_id", Integer), column("number", String)).c


@cache
def _view_columns(dialect: str) -> tuple:
    """What a case's view reads besides the case — its parties and the numbers of its
    petitions — as two JSON texts read in the record's own statement (``records.read``'s
    ``extra``): a step is then one round trip fewer (docs/performance.md, "A step's round
    trips"). Each party is ``[position, name, …]``; the order is restored from the position."""
    from sqlalchemy import Text, cast

    p, c, t = Party.__table__.c, Case.__table__.c, _petitions()
    if dialect == "postgresql":
        pack, gather = func.json_build_array, func.json_agg
    else:
        pack, gather = func.json_array, func.json_group_array
    parties = (select(cast(gather(pack(p.position, *(p[k] for k in _PARTY_COLUMNS))), Text))
               .where(p.case_id == c.id).scalar_subquery().label("_parties"))
    petitions = (select(cast(gather(pack(t.id, t.number)), Text))
                 .where(t.case_id == c.id).scalar_subquery().label("_petitions"))
    return parties, petitions


def _carried(row) -> tuple[list[_CarriedParty], list[str]]:
    """The parties and petition numbers a step's record read carries (``_view_columns``)."""
    import json

    parties = []
    for position, *values in sorted(json.loads(row._parties or "[]")):
        born = values[_PARTY_COLUMNS.index("birth_date")]
        values[_PARTY_COLUMNS.index("birth_date")] = date.fromisoformat(born[:10]) if born else None
        parties.append(_CarriedParty(*values))
    return parties, [number for _id, number in sorted(json.loads(row._petitions or "[]"))]


@cache
def _parties_and_petitions_query():
    """Built once: building a statement costs more than running it."""
    from sqlalchemy import literal, null, union_all

    t = _petitions()
    return union_all(
        select(literal("party").label("kind"), Party.position.label("ord"),
               *(Party.__table__.c[k] for k in _PARTY_COLUMNS))
        .where(Party.case_id == bindparam("case_id")),
        select(literal("petition"), t.id, t.number, *[null()] * (len(_PARTY_COLUMNS) - 1))
        .where(t.case_id == bindparam("case_id")),
    ).order_by("kind", "ord")


_PLACES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _place_names(s, village_ids: set[int]) -> dict[int, tuple[str, str]]:
    """(town, village) names by village id. Villages are only ever added, never renamed or
    moved, so the names are kept while the database is open (keyed by its connection pool,
    which one Database's engines share and which goes when it is disposed)."""
    known = _PLACES.setdefault(s.get_bind().pool, {})
    wanted = village_ids - set(known)
    if wanted:
        rows = s.exec(select(Village.id, Village.name, Town.name).join(Town, Town.id == Village.town_id)
                      .where(Village.id.in_(wanted))).all()
        known.update({vid: (tname, vname) for vid, vname, tname in rows})
    missing = village_ids - set(known)
    if missing:
        raise NotFound(f"village ids {sorted(missing)} missing")
    return {vid: known[vid] for vid in village_ids}
