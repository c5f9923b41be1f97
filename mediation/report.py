"""Year-end totals (docs/contract.md, "Year-end totals"): one SQL aggregate per figure.

Counting rules. A dispute, petition, matter or screening round counts in year Y when it was
registered (received, held) in Y, in Asia/Shanghai; an outcome counts in Y when the event that
produced it happened in Y. Only what happened before the end of the ``as_of`` day counts, so
the same database gives the same figures for the same year and date every time. ``resolved``
is a case's first ``agree`` (达成协议); ``agreements`` describe those same first agreements,
so written + oral = resolved. Years are filtered as instant ranges, never as a function of a
column (docs/performance.md: the index stays usable).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import exists, false, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import select

from mediation import access, permissions, timeutil, validation
from mediation.db import UnitOfWork
from mediation.errors import InvalidValue
from mediation.models import (Case, CaseEvent, Employment, Matter, MatterEvent, Petition, PetitionEvent,
                              ScreeningRound, Subject, Town, Village, ZeroReport)
from workflows import ask, config, option
from workflows.dispute import FINAL_STATES
from workflows.i18n import _


@dataclass(frozen=True)
class AnnualReport:
    """The totals of a period: a year up to its as-of day (``annual``), a month, a quarter or
    any range of days (``period``); ``start``..``as_of`` are its first and last days."""

    year: int
    town: str
    as_of: date
    disputes: dict[str, Any]
    administrative_mediation: int
    administrative_reconsideration: int
    administrative_litigation: int
    petitions: dict[str, Any]
    screening: dict[str, Any]
    corrections: dict[str, Any]
    late_steps: dict[str, int]
    summary_zh: str
    by_village_type: dict[str, dict[str, int]]
    start: date | None = None  # (None: the year's first day)
    title: str = ""  # 2021 年度, 2021年3月, 2021年第1季度, 2021-03-05 至 2021-04-04

    @property
    def first_day(self) -> date:
        return self.start or date(self.year, 1, 1)

    @property
    def heading(self) -> str:
        return self.title or f"{self.year} 年度"

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year, "town": self.town, "as_of": self.as_of.isoformat(),
            "period": {"from": self.first_day.isoformat(), "to": self.as_of.isoformat()},
            "disputes": self.disputes,
            "administrative_mediation": self.administrative_mediation,
            "administrative_reconsideration": self.administrative_reconsideration,
            "administrative_litigation": self.administrative_litigation,
            "petitions": self.petitions, "screening": self.screening, "corrections": self.corrections,
            "late_steps": self.late_steps, "summary_zh": self.summary_zh, "by_village_type": self.by_village_type,
        }


def default_as_of(year: int) -> date:
    today = timeutil.local_date(timeutil.now())
    return today if year == today.year else date(year, 12, 31)


def annual(db: UnitOfWork, *, year: int, as_of: date | None = None, town: str | None = None) -> AnnualReport:
    today = timeutil.local_date(timeutil.now())
    if year > today.year:
        raise InvalidValue(_("{year} is in the future").format(year=year))
    if year < timeutil.EARLIEST_YEAR:
        raise InvalidValue(_("{year} is implausibly early").format(year=year))
    as_of = as_of or default_as_of(year)
    if as_of.year != year:
        raise InvalidValue(ask(_("{option} {as_of} must be a date in {year}"), as_of=as_of, year=year, option=option("as_of")))
    if as_of > today:
        raise InvalidValue(ask(_("{option} {as_of} is in the future"), as_of=as_of, option=option("as_of")))
    return _report(db, first=date(year, 1, 1), last=as_of, town=town, title=f"{year} 年度", label="全年")


def period(db: UnitOfWork, *, first: date, last: date, town: str | None = None) -> AnnualReport:
    """The same totals for the days ``first`` to ``last`` (both included)."""
    if first > last:
        raise InvalidValue(_("the period's first day {first} comes after its last {last}").format(first=first, last=last))
    return _within(db, first, last, town, f"{first.isoformat()} 至 {last.isoformat()}", "本期")


def month(db: UnitOfWork, *, month: str, town: str | None = None) -> AnnualReport:
    """A month's totals (``2021-03``, ``2021年3月``); the current month up to today."""
    year, number = timeutil.parse_month(month)
    first = date(year, number, 1)
    last = (date(year + number // 12, number % 12 + 1, 1) - timedelta(days=1))
    return _within(db, first, last, town, f"{year}年{number}月", "本月", clip=True)


def quarter(db: UnitOfWork, *, quarter: str, town: str | None = None) -> AnnualReport:
    """A quarter's totals (``2021Q1``, ``2021-Q1``, ``2021年第一季度``); the current one up to today."""
    year, q = _quarter(quarter)
    first = date(year, 3 * q - 2, 1)
    last = date(year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return _within(db, first, last, town, f"{year}年第{q}季度", "本季度", clip=True)


_CN_NUMBERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _quarter(text: str) -> tuple[int, int]:
    import re
    import unicodedata

    raw = unicodedata.normalize("NFKC", text or "").strip()
    m = (re.fullmatch(r"(\d{4})[-/ ]?[Qq]([1-4])", raw)
         or re.fullmatch(r"(\d{4})年?第?([一二三四1-4])季度?", raw))
    if not m:
        raise InvalidValue(_("'{text}' is not a quarter: give it as 2021Q1 or 2021年第一季度").format(text=text))
    return int(m.group(1)), _CN_NUMBERS[m.group(2)]


def _within(db: UnitOfWork, first: date, last: date, town: str | None, title: str, label: str, *,
            clip: bool = False) -> AnnualReport:
    """A period's report, refused when it begins in the future or implausibly early; ``clip``: a
    month or quarter still running counts up to today."""
    today = timeutil.local_date(timeutil.now())
    if first > today:
        raise InvalidValue(_("{first} is in the future").format(first=first))
    if first.year < timeutil.EARLIEST_YEAR:
        raise InvalidValue(_("{year} is implausibly early").format(year=first.year))
    if last > today:
        if not clip:
            raise InvalidValue(_("{last} is in the future").format(last=last))
        last = today
    return _report(db, first=first, last=last, town=town, title=title, label=label)


def _report(db: UnitOfWork, *, first: date, last: date, town: str | None, title: str, label: str) -> AnnualReport:
    """Every figure for the days ``first``..``last`` (Asia/Shanghai), as instant ranges."""
    as_of = last
    start = timeutil.day_start(first)
    end = timeutil.day_start(as_of + timedelta(days=1))
    with db.read() as s:
        towns = s.exec(select(Town).order_by(Town.id)).all()
        # A person's own login counts only the rows it may see (mediation.logins); a named user
        # (the acting user, on SQLite) is given the same report: their village's, their town's.
        login = s.info.get("login") or s.info.get("acting")
        if not town and login is not None and login.town_id is not None:
            town = next(t.name for t in towns if t.id == login.town_id)  # so its report is of its own town
        if town or len(towns) <= 1:
            town_row = access.town(s, town)
            if login is not None:  # another town's report would be all zeros: refused, not answered
                permissions.may_report_on(login, town_row)
            scope, place, town_id = town_row.name, "全镇", town_row.id
        else:  # a county database and no town named: every town's totals together
            scope, place, town_id = f"全县 ({len(towns)} 个乡镇)", "全县", None
        of_village = (permissions.default_scope(login) or ("",))[0] == "village"
        f = _Filters(town_id, start, end, login.village_id if of_village else None)
        vq = select(Village.name, Town.name).join(Town, Town.id == Village.town_id).order_by(Village.id)
        if town_id is not None:
            vq = vq.where(Village.town_id == town_id)
        if of_village:  # … a mediator's, of their own village
            vq = vq.where(Village.id == login.village_id)
        village_rows = s.exec(vq).all()
        if of_village and village_rows:
            scope, place = f"{scope}{village_rows[0][0]}", "全村"
        villages = [v if town_id is not None else f"{t}/{v}" for v, t in village_rows]
        disputes, matrix = _disputes(s, f, villages)
        petitions = _petitions(s, f)
        matters = dict(s.exec(select(Matter.kind, func.count()).where(*f.of(Matter), *f.window(Matter.received_at),
                                                                      Matter.state != "void")
                              .group_by(Matter.kind)).all())
        admin_mediation = s.exec(select(func.count()).select_from(Case).where(
            *f.of(Case), Case.kind == "administrative", *f.window(Case.registered_at), Case.state != "void")).one()
        screening = _screening(s, f, first, as_of)
        corrections = _corrections(s, f)
        late_steps = _late_steps(s, f)
    report = dict(year=first.year, town=scope, as_of=as_of, disputes=disputes,
                  administrative_mediation=admin_mediation,
                  administrative_reconsideration=matters.get("reconsideration", 0),
                  administrative_litigation=matters.get("litigation", 0), petitions=petitions,
                  screening=screening, corrections=corrections, late_steps=late_steps, by_village_type=matrix)
    return AnnualReport(summary_zh=summary_zh(report, place, label), start=first, title=title, **report)


@dataclass(frozen=True)
class _Filters:
    town: int | None  # None: every town (a county-wide report)
    start: datetime
    end: datetime
    village: int | None = None  # a mediator's report: their village's records only (none of the town's own)

    def window(self, column):
        return (column >= self.start, column < self.end)

    def of(self, table):
        """The rows of the report's place: its town, and a mediator's village (a town-level
        register, 复议/应诉, is no village's)."""
        out = () if self.town is None else (table.town_id == self.town,)
        if self.village is not None:
            out += (table.village_id == self.village,) if hasattr(table, "village_id") else (false(),)
        return out

    def of_cases(self, case_id):
        """Events of the report's place, through their case."""
        if self.town is None and self.village is None:
            return ()
        return (case_id.in_(select(Case.id).where(*self.of(Case))),)


def _events(s, f: _Filters, triggers: tuple[str, ...]) -> dict[str, int]:
    """Cases with each trigger in the window (one grouped query)."""
    q = (select(CaseEvent.trigger, func.count(func.distinct(CaseEvent.case_id))).select_from(CaseEvent)
         .where(CaseEvent.trigger.in_(triggers), *f.window(CaseEvent.at), CaseEvent.undone == false())
         .group_by(CaseEvent.trigger))
    found = dict(s.exec(q.where(*f.of_cases(CaseEvent.case_id))).all())
    return {t: found.get(t, 0) for t in triggers}


def _disputes(s, f: _Filters, villages: list[str]) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    registered_in_year = (*f.of(Case), *f.window(Case.registered_at), Case.state != "void")
    matrix = {v: {t: 0 for t in config.DISPUTE_TYPES} for v in villages}
    q = (select(Town.name, Village.name, Case.type, func.count()).join(Village, Village.id == Case.village_id)
         .join(Town, Town.id == Village.town_id).where(*registered_in_year).group_by(Town.name, Village.name, Case.type))
    for town, village, dtype, n in s.exec(q).all():
        matrix[village if f.town is not None else f"{town}/{village}"][dtype] = n
    by_village = {v: sum(row.values()) for v, row in matrix.items()}
    by_type = {t: sum(row[t] for row in matrix.values()) for t in config.DISPUTE_TYPES}
    registered = sum(by_village.values())

    # Resolutions: the window's agree events that are their case's first agree (no earlier one).
    earlier = aliased(CaseEvent)
    form = CaseEvent.values["agreement"].as_string()
    q = (select(CaseEvent.line, form, func.count(), func.coalesce(func.sum(CaseEvent.values["amount_fen"].as_integer()), 0))
         .where(CaseEvent.trigger == "agree", *f.window(CaseEvent.at), CaseEvent.undone == false(),
                ~exists().where(earlier.case_id == CaseEvent.case_id, earlier.trigger == "agree",
                                earlier.undone == false(), earlier.seq < CaseEvent.seq))
         .group_by(CaseEvent.line, form))
    firsts = s.exec(q.where(*f.of_cases(CaseEvent.case_id))).all()
    resolved = sum(n for _, _, n, _ in firsts)
    by_line = {str(line): 0 for line in config.LINES}
    forms: dict[str, int] = {}
    for line, agreement, n, _amount in firsts:
        by_line[str(line)] += n
        forms[agreement] = forms.get(agreement, 0) + n
    amount_fen = sum(int(a) for *_, a in firsts)

    counts = _events(s, f, ("fail", "decline", "approve_escalation", "redirect", "confirm"))
    terminated = counts["fail"]
    reopened = s.exec(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.trigger == "reopen", *f.window(CaseEvent.at), CaseEvent.undone == false(),
        *f.of_cases(CaseEvent.case_id))).one()
    # Open: registered in the year and, as of the as-of date, not closed, terminated or redirected.
    last_state = (select(CaseEvent.to_state).where(CaseEvent.case_id == Case.id, CaseEvent.at < f.end,
                                                   CaseEvent.undone == false())
                  .order_by(CaseEvent.seq.desc()).limit(1).correlate(Case).scalar_subquery())
    open_cases = s.exec(select(func.count()).select_from(Case)
                        .where(*registered_in_year, last_state.not_in(FINAL_STATES))).one()
    return {
        "registered": registered,
        "resolved": resolved,
        "success_rate": round(resolved / (resolved + terminated), 4) if resolved + terminated else 0.0,
        "by_type": by_type,
        "by_village": by_village,
        "resolved_by_line": by_line,
        "escalated": counts["approve_escalation"],
        "redirected": counts["redirect"],
        "terminated": terminated,
        "declined": counts["decline"],
        "reopened": reopened,
        "open": open_cases,
        "agreements": {"written": forms.get("written", 0), "oral": forms.get("oral", 0),
                       "amount": validation.yuan(amount_fen)},
        "judicial_confirmations": counts["confirm"],
    }, matrix


def _petition_events(s, f: _Filters, *where) -> Any:
    return (select(func.count()).select_from(PetitionEvent).join(Petition, Petition.id == PetitionEvent.petition_id)
            .where(*f.of(Petition), *f.window(PetitionEvent.at), PetitionEvent.undone == false(), *where))


def _petitions(s, f: _Filters) -> dict[str, Any]:
    received_in_year = (*f.of(Petition), *f.window(Petition.received_at), Petition.state != "void")
    channel = PetitionEvent.values["channel"].as_string()
    redirected = {c: 0 for c in config.CHANNELS}
    redirected.update(dict(s.exec(select(channel, func.count()).select_from(PetitionEvent)
                                  .join(Petition, Petition.id == PetitionEvent.petition_id)
                                  .where(*f.of(Petition), PetitionEvent.trigger == "redirect",
                                         *f.window(PetitionEvent.at), PetitionEvent.undone == false())
                                  .group_by(channel)).all()))
    return {
        "received": s.exec(select(func.count()).select_from(Petition).where(*received_in_year)).one(),
        "accepted": s.exec(_petition_events(s, f, PetitionEvent.trigger == "accept")).one(),
        "redirected": redirected,
        "transferred": s.exec(_petition_events(s, f, PetitionEvent.trigger == "transfer")).one(),
        "not_accepted": s.exec(_petition_events(s, f, PetitionEvent.trigger == "reject")).one(),
        "first_time": s.exec(select(func.count()).select_from(Petition)
                             .where(*received_in_year, Petition.first_time.is_(True))).one(),
        "closed": s.exec(_petition_events(s, f, PetitionEvent.to_state == "closed")).one(),
        # 走访 by many people on one matter, with named representatives (信访工作条例第20条).
        "representatives_groups": s.exec(select(func.count()).select_from(Petition)
                                         .where(*received_in_year, Petition.representatives.is_not(None))).one(),
    }


def _late_steps(s, f: _Filters) -> dict[str, int]:
    """Steps taken in the year after the deadline they were for (``records.decide`` marks
    them): a petition routed, answered or its notice served late; a 复议 answered or decided
    late; a defence or an appeal late."""
    out = {"petitions": s.exec(select(func.count()).select_from(PetitionEvent).join(
        Petition, Petition.id == PetitionEvent.petition_id).where(
        *f.of(Petition), *f.window(PetitionEvent.at), PetitionEvent.undone == false(),
        PetitionEvent.values["late"].as_boolean().is_(True))).one()}
    by_kind = dict(s.exec(select(Matter.kind, func.count()).select_from(MatterEvent)
                          .join(Matter, Matter.id == MatterEvent.matter_id)
                          .where(*f.of(Matter), *f.window(MatterEvent.at), MatterEvent.undone == false(),
                                 MatterEvent.values["late"].as_boolean().is_(True))
                          .group_by(Matter.kind)).all())
    out.update(reconsideration=by_kind.get("reconsideration", 0), litigation=by_kind.get("litigation", 0))
    return out


def _screening(s, f: _Filters, first: date, as_of: date) -> dict[str, Any]:
    in_year = (*f.of(ScreeningRound), *f.window(ScreeningRound.at))
    by_mode = {m: 0 for m in config.SCREENING_MODES}
    by_mode.update(dict(s.exec(select(ScreeningRound.mode, func.count()).where(*in_year)
                               .group_by(ScreeningRound.mode)).all()))
    found, prevented = s.exec(select(func.coalesce(func.sum(ScreeningRound.found), 0),
                                     func.coalesce(func.sum(ScreeningRound.prevented), 0)).where(*in_year)).one()
    zero = s.exec(select(func.count()).select_from(ZeroReport).where(
        *f.of(ZeroReport), ZeroReport.month >= f"{first.year}-{first.month:02d}",
        ZeroReport.month <= f"{as_of.year}-{as_of.month:02d}")).one()
    return {"rounds": sum(by_mode.values()), "by_mode": by_mode, "disputes_found": int(found),
            "disputes_prevented": int(prevented), "zero_reports": zero}


def _corrections(s, f: _Filters) -> dict[str, Any]:
    """Subjects under management for some part of the year: received by the as-of date, and
    neither ended (解除/终止) nor past their term before the year began — 社区矫正 ends with
    the term, 安置帮教 five years after release (``term_end``) — and each one's employment
    status as of that date."""
    latest = (select(Employment.status).where(Employment.subject_id == Subject.id, Employment.at < f.end)
              .order_by(Employment.at.desc(), Employment.id.desc()).limit(1).correlate(Subject).scalar_subquery())
    managed = (*f.of(Subject), Subject.received_at < f.end, Subject.state != "void",
               or_(Subject.ended_at.is_(None), Subject.ended_at >= f.start),
               or_(Subject.term_end.is_(None), Subject.term_end >= f.start))
    rows = s.exec(select(latest.label("status"), func.count()).where(*managed).group_by(latest)).all()
    by_status = {k: 0 for k in ("employed", "self_employed", "unemployed", "unable", "unknown")}
    for status, n in rows:
        by_status[status or "unknown"] += n
    total = sum(by_status.values())
    subjects = total - sum(by_status[x] for x in config.EMPLOYMENT_RATE_EXCLUDED)
    employed = sum(by_status[x] for x in config.EMPLOYMENT_RATE_EMPLOYED)
    # How supervision ended in the year (社区矫正法第44–46条): 解除 (期满/赦免), 终止 (死亡/迁出),
    # 撤销缓刑/假释 or 收监执行 (before 撤销 was its own step, a ``terminate`` with that reason).
    ended = {"released": 0, "terminated": 0, "revoked": 0}
    for state, reason, n in s.exec(select(Subject.state, Subject.end_reason, func.count()).where(
            *f.of(Subject), Subject.ended_at >= f.start, Subject.ended_at < f.end)
            .group_by(Subject.state, Subject.end_reason)).all():
        kind = "revoked" if state == "revoked" or reason in ("revoked", "imprisoned") else state
        if kind in ended:
            ended[kind] += n
    return {"subjects": subjects, "employed": employed, "employment_rate": employment_rate(employed, subjects),
            "rule": employment_rule(), "rule_zh": employment_rule_zh(), "by_status": by_status, "ended": ended}


def employment_rate(employed: int, subjects: int) -> str:
    if not subjects:
        return "0.0%"
    pct = Decimal(employed) * 100 / Decimal(subjects)
    q = Decimal(1).scaleb(-config.EMPLOYMENT_RATE_DECIMALS)
    mode = ROUND_DOWN if config.EMPLOYMENT_RATE_ROUNDING == "truncate" else ROUND_HALF_UP
    return f"{pct.quantize(q, rounding=mode)}%"


def employment_rule() -> str:
    top = " + ".join(config.EMPLOYMENT_RATE_EMPLOYED)
    excluded = f" (excluding {', '.join(config.EMPLOYMENT_RATE_EXCLUDED)})" if config.EMPLOYMENT_RATE_EXCLUDED else ""
    how = "truncated" if config.EMPLOYMENT_RATE_ROUNDING == "truncate" else "rounded"
    step = f"{Decimal(1).scaleb(-config.EMPLOYMENT_RATE_DECIMALS)}%"
    return f"({top}) / subjects{excluded}, {how} to {step}"


def employment_rule_zh() -> str:
    """The same rule in the words of the Chinese documents (``rule`` stays as scripts read it)."""
    from workflows.subject import EMPLOYMENT

    top = " + ".join(EMPLOYMENT.get(k, k) for k in config.EMPLOYMENT_RATE_EMPLOYED)
    excluded = (f"(不含{'、'.join(EMPLOYMENT.get(k, k) for k in config.EMPLOYMENT_RATE_EXCLUDED)})"
                if config.EMPLOYMENT_RATE_EXCLUDED else "")
    how = "截尾" if config.EMPLOYMENT_RATE_ROUNDING == "truncate" else "四舍五入"
    return f"({top})÷ 对象人数{excluded},{how}保留到 {Decimal(1).scaleb(-config.EMPLOYMENT_RATE_DECIMALS)}%"


def summary_zh(r: dict[str, Any], place: str = "全镇", label: str = "全年") -> str:
    """The paragraph in the report's own style (营盘镇 2021, sections 二(五) and 五(四));
    ``label`` names the period (全年, 本月, 本季度, 本期)."""
    d, p, c = r["disputes"], r["petitions"], r["corrections"]
    from mediation.report_formats import percent

    rate = percent(d["success_rate"])
    routed = sum(p["redirected"].values())
    admin = [f"{label}行政调解案件{r['administrative_mediation']}件" if r["administrative_mediation"]
             else f"{label}无行政调解案件"]
    absent = []
    for key, name in (("administrative_litigation", "行政应诉"), ("administrative_reconsideration", "行政复议")):
        if r[key]:
            admin.append(f"{name}案件{r[key]}件")
        else:
            absent.append(name)
    admin_text = ",".join(admin) + (f",无{'、'.join(absent)}事项发生" if absent else "") + "。"
    as_of = r["as_of"]
    return (f"{label}排查登记矛盾纠纷{d['registered']}件,调解成功{d['resolved']}件,调解成功率{rate}"
            f"(其中书面协议{d['agreements']['written']}件、口头协议{d['agreements']['oral']}件,"
            f"涉及金额{Decimal(d['agreements']['amount']):,.2f}元,司法确认{d['judicial_confirmations']}件)。"
            f"收到群众信访{p['received']}件,其中初信初访{p['first_time']}件;依法受理{p['accepted']}件,"
            f"诉访分离导入法定途径{routed}件。"
            f"{admin_text}"
            f"截止{as_of.year}年{as_of.month}月,{place}{c['subjects']}名社区矫正和刑满释放对象创业就业率达到"
            f"{c['employment_rate']}。")
