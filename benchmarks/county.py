"""A synthetic county at any scale, deterministic from a seed: nine towns of ten villages,
cases over five years in every category, state and line with their full event histories,
parties, petitions, matters, subjects with employment, screening rounds and zero reports.

Each kind of case history is a *path* run once through the real dispute workflow (so every
state, line and effect is what the services would write) and then instantiated per case with
its own dates, people and amounts. Rows go in with the driver's bulk path (sqlite3
``executemany``, PostgreSQL ``COPY``): building the county is set-up, not what is measured.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from mediation import chain, search
from workflows import Action, config
from workflows.dispute import DISPUTE

TOWNS = ["营盘镇", "曹坪镇", "下梁镇", "凤凰镇", "红岩寺镇", "瓦房口镇", "杏坪镇", "小岭镇", "乾佑街道"]
YEARS = (2019, 2020, 2021, 2022, 2023)
SHANGHAI = timezone(timedelta(hours=8))
EPOCH = datetime(2019, 1, 1, tzinfo=SHANGHAI)

# (weight, steps): each step is (trigger, who, values); who is m (village mediator), t (town), c (county).
PATHS = [
    (28, [("triage", "m", {"risk": "green"}), ("start", "m", {"mediator": "M"}),
          ("agree", "m", {"agreement": "written", "terms": "按协议赔偿", "amount": "A"}), ("fulfil", "m", {}),
          ("visit", "m", {"satisfied": True})]),
    (18, [("triage", "m", {"risk": "yellow"}), ("start", "m", {"mediator": "M"}),
          ("agree", "m", {"agreement": "oral"}), ("fulfil", "m", {}), ("visit", "m", {"satisfied": True})]),
    (8, [("triage", "m", {"risk": "yellow"}), ("start", "m", {"mediator": "M"}),
         ("request_escalation", "m", {}), ("approve_escalation", "t", {}),
         ("agree", "t", {"agreement": "written", "terms": "司法所主持达成协议", "amount": "A"}), ("fulfil", "m", {}),
         ("visit", "m", {"satisfied": True})]),
    (6, [("triage", "t", {"risk": "orange"}), ("start", "t", {"mediator": "T"}),
         ("agree", "t", {"agreement": "written", "terms": "镇里调解达成协议", "amount": "A"}), ("fulfil", "t", {}),
         ("visit", "t", {"satisfied": True})]),
    (2, [("triage", "t", {"risk": "red"}), ("start", "t", {"mediator": "T"}), ("request_escalation", "t", {}),
         ("approve_escalation", "c", {}), ("agree", "t", {"agreement": "written", "terms": "县级联调", "amount": "A"}),
         ("fulfil", "t", {})]),
    (2, [("triage", "m", {"risk": "green"}), ("start", "m", {"mediator": "M"}),
         ("agree", "m", {"agreement": "written", "terms": "申请司法确认", "amount": "A"}),
         ("apply_confirmation", "m", {}), ("confirm", "m", {}), ("fulfil", "m", {}), ("visit", "m", {"satisfied": True})]),
    (6, [("triage", "m", {"risk": "yellow"}), ("start", "m", {"mediator": "M"}), ("fail", "m", {}),
         ("redirect", "m", {"channel": "litigation", "known_at": "unknown"})]),
    (3, [("triage", "m", {"risk": "red"}), ("redirect", "m", {"channel": "police"})]),
    (2, [("triage", "m", {"risk": "green"}), ("start", "m", {"mediator": "M"}), ("agree", "m", {"agreement": "oral"}),
         ("fulfil", "m", {}), ("visit", "m", {"satisfied": True}), ("reopen", "m", {}), ("start", "m", {"mediator": "M"}),
         ("agree", "m", {"agreement": "oral"}), ("fulfil", "m", {}), ("visit", "m", {"satisfied": True})]),
    (3, [("triage", "m", {"risk": "yellow"}), ("start", "m", {"mediator": "M"})]),
    (2, [("triage", "m", {"risk": "green"})]),
    (2, []),
]
NOTES = {"request_escalation": "村级调解未果,申请上报", "fail": "一方拒绝调解", "reopen": "纠纷再次发生",
         "redirect": "告知依法通过法定途径解决", "reject_confirmation": "法院驳回", "breach": "未按期履行"}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = ("秀英桂兰建国明山志强玉梅宏伟长青文华学军新民凤英金花德福春生海燕丽娟红梅小龙国庆永强晓东立新"
         "建华淑珍秀兰桂芳玉兰凤兰玉珍翠兰秀珍建军卫东俊杰子轩浩然欣怡梓涵雨桐思远博文婷婷佳怡")
SUMMARY = "因琐事发生纠纷,经排查登记在案,当事人双方各执一词,需调解员上门了解情况并组织双方协商"
SUMMARY_WORD = "协商"  # a two-character word every case's summary holds: the broadest word search


def _traces():
    """Run each path once through the workflow: (trigger, from, to, line, changes) per step."""
    out = []
    for weight, steps in PATHS:
        facts: dict = {"state": "registered", "line": 1, "reopened": 0}
        trace = []
        at = EPOCH
        for trigger, who, values in steps:
            at += timedelta(days=1)
            vals = {k: ("王调解" if v in ("M", "T") else 100000 if v == "A" else v) for k, v in values.items()}
            role = {"m": "mediator", "t": "town", "c": "county"}[who]
            if trigger == "approve_escalation":
                role = config.LINE_APPROVER[facts["line"] + 1]
            result = DISPUTE.fire(facts["state"], trigger, {**facts, **vals},
                                  Action(actor_role=role, at=at, note=NOTES.get(trigger, "说明"), values=vals))
            facts.update(vals)
            facts.update(result.changes)
            facts["state"] = result.dest
            trace.append((trigger, result.source, result.dest, facts["line"], who, values))
        out.append((weight, trace, facts["state"], facts["line"]))
    return out


@dataclass
class County:
    """Row generators for every table, in insert order."""

    scale: int
    seed: int = 7

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        # Party names from a generator of their own, so the rest of the county is what it was.
        self.names = random.Random(self.seed + 1)
        self.probe: str | None = None  # a party's name in the middle of the county, for the search figure
        self.traces = _traces()
        self.weights = [t[0] for t in self.traces]
        self.villages = [(ti * 10 + vi + 1, ti + 1, f"{TOWNS[ti][:2]}{vi + 1}村") for ti in range(len(TOWNS))
                         for vi in range(10)]
        now = datetime(2024, 1, 15, tzinfo=timezone.utc)
        self.created = now
        self.users = []  # (id, name, role, town_id, village_id, created_at)
        for vid, tid, _ in self.villages:
            self.users.append((len(self.users) + 1, f"调解员{vid:03d}", "mediator", tid, vid, now))
        for tid in range(1, len(TOWNS) + 1):
            self.users.append((len(self.users) + 1, f"镇干部{tid:02d}", "town", tid, None, now))
        self.users.append((len(self.users) + 1, "县矛调中心", "county", None, None, now))

    # -- helpers --------------------------------------------------------------------------

    def _instant(self, year: int) -> datetime:
        day = self.rng.randrange(0, 358)
        return (datetime(year, 1, 1, 8, tzinfo=SHANGHAI) + timedelta(days=day, minutes=self.rng.randrange(0, 600))
                ).astimezone(timezone.utc)

    @staticmethod
    def _due(since: datetime, days: int) -> datetime:
        local = since.astimezone(SHANGHAI)
        end = datetime(local.year, local.month, local.day, tzinfo=SHANGHAI) + timedelta(days=days + 1)
        return end.astimezone(timezone.utc)

    # -- tables -----------------------------------------------------------------------------

    def towns(self) -> Iterator[tuple]:
        for i, name in enumerate(TOWNS, 1):
            yield (i, name, name[0], self.created)

    def village_rows(self) -> Iterator[tuple]:
        for vid, tid, name in self.villages:
            yield (vid, tid, name)

    def user_rows(self) -> Iterator[tuple]:
        yield from self.users

    def cases(self) -> Iterator[tuple[tuple, list[tuple], list[tuple]]]:
        """(case row, party rows, event rows) per case; ids from 1."""
        rng = self.rng
        seqs: dict[tuple[int, int], int] = {}
        event_id = party_id = 0
        types = config.DISPUTE_TYPES
        modes = list(config.SCREENING_MODES)
        sources = list(config.SOURCES)
        for cid in range(1, self.scale + 1):
            vid, tid, _ = self.villages[rng.randrange(len(self.villages))]
            year = YEARS[rng.randrange(len(YEARS))]
            registered = self._instant(year)
            seq = seqs.get((tid, year), 0) + 1
            seqs[(tid, year)] = seq
            _, trace, state, line = rng.choices(self.traces, weights=self.weights)[0]
            mediator_name = f"调解员{vid:03d}"
            town_user = f"镇干部{tid:02d}"
            kind = "administrative" if rng.random() < 0.02 else "people"
            source = sources[rng.randrange(len(sources))]
            screening = modes[rng.randrange(4)] if source == "screening" else None
            events = [(event_id := event_id + 1, cid, 1, "register", None, "registered", 1, mediator_name, registered,
                       registered, None, json.dumps({"type": "x"}))]
            at = registered
            case = {"risk": None, "mediator": None, "agreement": None, "terms": None, "amount_fen": None,
                    "agreed_at": None, "confirmation_applied_at": None, "channel": None, "satisfied": None,
                    "outcome": None, "reopened": 0, "line_since": registered}
            cur_line = 1
            for trigger, src, dest, step_line, who, values in trace:
                at = at + timedelta(days=rng.randrange(1, 5), minutes=rng.randrange(0, 300))
                actor = {"m": mediator_name, "t": town_user, "c": "县矛调中心"}[who]
                vals = {}
                for k, v in values.items():
                    if v == "M":
                        v = mediator_name
                    elif v == "T":
                        v = town_user
                    elif v == "A":
                        v = rng.randrange(5, 800) * 100
                    vals[k] = v
                if "risk" in vals:
                    case["risk"] = vals["risk"]
                if "mediator" in vals:
                    case["mediator"] = vals["mediator"]
                if trigger == "agree":
                    case.update(agreement=vals["agreement"], terms=vals.get("terms"), amount_fen=vals.get("amount"),
                                agreed_at=at, outcome="agreed")
                    if "amount" in vals:
                        vals["amount_fen"] = vals["amount"]
                        vals["amount"] = f"{vals['amount'] // 100}.00"
                if step_line != cur_line or trigger in ("triage", "reopen"):
                    case["line_since"] = at
                    cur_line = step_line
                case["outcome"] = {"confirm": "confirmed", "fulfil": "performed", "fail": "failed",
                                   "redirect": "redirected"}.get(trigger, case["outcome"])
                if trigger == "apply_confirmation":
                    case["confirmation_applied_at"] = at
                if trigger == "redirect":
                    case["channel"] = vals["channel"]
                if trigger == "visit":
                    case["satisfied"] = True
                if trigger == "reopen":
                    case["reopened"] += 1
                    case["outcome"] = None
                events.append((event_id := event_id + 1, cid, len(events) + 1, trigger, src, dest, step_line, actor,
                               at, at, NOTES.get(trigger), json.dumps(vals, ensure_ascii=False) if vals else None))
            deadline = None
            if state in ("registered", "triaged", "mediating", "escalation_pending"):
                deadline = self._due(case["line_since"], config.LINE_BUDGET_DAYS[line])
            number = f"({year}){TOWNS[tid - 1][0]}调字第{seq:03d}号"
            row = (cid, tid, year, seq, number, vid, types[rng.randrange(len(types))], SUMMARY, state, line,
                   case["risk"], kind, source, screening, case["mediator"], registered, registered,
                   case["line_since"], deadline, case["outcome"], case["agreement"], case["terms"], case["amount_fen"],
                   case["agreed_at"], case["confirmation_applied_at"], case["channel"], case["satisfied"],
                   case["reopened"], at, len(events))
            parties = []
            names = [self._name() for _ in range(2)]
            if cid == max(1, self.scale // 2):
                self.probe = names[0]
            for pos, name in enumerate(names):
                party_id += 1
                parties.append((party_id, cid, pos, name, None, f"138{cid % 10 ** 8:08d}" if pos == 0 else None))
            text = search.appended(search.text_for(SUMMARY, names), *(e[10] for e in events if e[10]))
            yield (*row, text), parties, events

    def _name(self) -> str:
        """A Chinese name: a common surname and one or two given characters."""
        r = self.names
        given = "".join(GIVEN[r.randrange(len(GIVEN))] for _ in range(1 + (r.random() < 0.7)))
        return SURNAMES[r.randrange(len(SURNAMES))] + given

    def petitions(self) -> Iterator[tuple[tuple, list[tuple]]]:
        rng = self.rng
        seqs: dict[tuple[int, int], int] = {}
        eid = 0
        cats = ["civil", "labour", "admin_act", "request", "court_judgment", "complaint"]
        for pid in range(1, max(1, self.scale // 20) + 1):
            vid, tid, _ = self.villages[rng.randrange(len(self.villages))]
            year = YEARS[rng.randrange(len(YEARS))]
            received = self._instant(year)
            seq = seqs.get((tid, year), 0) + 1
            seqs[(tid, year)] = seq
            cat = cats[rng.randrange(len(cats))]
            officer = f"镇干部{tid:02d}"
            events = [(eid := eid + 1, pid, 1, "receive", None, "received", officer, received, received, None, None)]
            t1 = received + timedelta(days=rng.randrange(1, 10))
            route_deadline = self._due(received, 15)
            state, channel = "received", None
            accepted = answered = None
            if cat in ("labour", "admin_act"):
                channel = "arbitration" if cat == "labour" else "reconsideration"
                state = "redirected"
                events.append((eid := eid + 1, pid, 2, "redirect", "received", state, officer, t1, t1, "诉访分离",
                               json.dumps({"channel": channel})))
            elif cat in ("court_judgment", "complaint"):
                state = "transferred"
                events.append((eid := eid + 1, pid, 2, "transfer", "received", state, officer, t1, t1, None,
                               json.dumps({"to": "县委政法委"}, ensure_ascii=False)))
            else:
                accepted = t1
                answered = t1 + timedelta(days=rng.randrange(10, 50))
                closed = answered + timedelta(days=31)
                state = "closed"
                events += [(eid := eid + 1, pid, 2, "accept", "received", "handling", officer, t1, t1, None, None),
                           (eid := eid + 1, pid, 3, "answer", "handling", "answered", officer, answered, answered, None,
                            json.dumps({"opinion": "support"})),
                           (eid := eid + 1, pid, 4, "close", "answered", "closed", officer, closed, closed, None, None)]
            row = (pid, tid, year, seq, f"({year}){TOWNS[tid - 1][0]}信字第{seq:03d}号", vid, f"信访人{pid}", None,
                   None, cat, f"事项{pid}", "信访事项", "visit", "town", state, True, received, received,
                   route_deadline, accepted, None, 0, answered, "support" if answered else None, False, None, False,
                   channel, None, None, None, None, None, events[-1][7], len(events))
            yield row, events

    def matters(self) -> Iterator[tuple[tuple, list[tuple]]]:
        eid = 0
        seqs: dict[tuple[int, int, str], int] = {}
        for mid in range(1, max(1, self.scale // 5000) + 1):
            tid = self.rng.randrange(len(TOWNS)) + 1
            year = YEARS[self.rng.randrange(len(YEARS))]
            kind = "litigation" if mid % 3 else "reconsideration"
            received = self._instant(year)
            seq = seqs.get((tid, year, kind), 0) + 1
            seqs[(tid, year, kind)] = seq
            char = "诉" if kind == "litigation" else "复"
            state = "served" if kind == "litigation" else "received"
            row = (mid, tid, year, seq, f"({year}){TOWNS[tid - 1][0]}{char}字第{seq:03d}号", kind, "行政事项", state,
                   received, received, None, None, None, self._due(received, 15), received, 1)
            yield row, [(eid := eid + 1, mid, 1, "register", None, state, "县矛调中心", received, received, None,
                         json.dumps({"kind": kind}))]

    def subjects(self) -> Iterator[tuple[tuple, list[tuple], list[tuple]]]:
        eid = jid = 0
        statuses = ["employed"] * 12 + ["self_employed"] * 6 + ["unemployed", "unable"]
        for sid in range(1, max(1, self.scale // 300) + 1):
            vid, tid, _ = self.villages[self.rng.randrange(len(self.villages))]
            received = self._instant(YEARS[self.rng.randrange(len(YEARS))])
            started = received + timedelta(days=3)
            officer = f"镇干部{tid:02d}"
            row = (sid, tid, vid, f"对象{sid}", "correction" if sid % 3 else "resettlement", "supervised", received,
                   received, received + timedelta(days=730), None, None, started, 2)
            events = [(eid := eid + 1, sid, 1, "register", None, "received", officer, received, received, None, None),
                      (eid := eid + 1, sid, 2, "start", "received", "supervised", officer, started, started, None, None)]
            jobs = [(jid := jid + 1, sid, statuses[self.rng.randrange(len(statuses))], started, started, officer)]
            yield row, events, jobs

    def screening(self) -> Iterator[tuple]:
        for rid in range(1, max(1, self.scale // 10) + 1):
            vid, tid, _ = self.villages[self.rng.randrange(len(self.villages))]
            at = self._instant(YEARS[self.rng.randrange(len(YEARS))])
            yield (rid, tid, vid, list(config.SCREENING_MODES)[rid % 4], self.rng.randrange(0, 4), 0, at, at,
                   f"调解员{vid:03d}", None)


# Column lists for the tuples above (named explicitly: never trust a table's column order).
COLUMNS = {
    "town": ["id", "name", "abbr", "created_at"],
    "village": ["id", "town_id", "name"],
    "app_user": ["id", "name", "role", "town_id", "village_id", "created_at"],
    "dispute_case": ["id", "town_id", "year", "seq", "number", "village_id", "type", "summary", "state", "line", "risk",
                     "kind", "source", "screening", "mediator", "registered_at", "recorded_at", "line_since",
                     "deadline", "outcome", "agreement", "terms", "amount_fen", "agreed_at",
                     "confirmation_applied_at", "channel", "satisfied", "reopened", "last_event_at", "version",
                     "search"],
    "party": ["id", "case_id", "position", "name", "id_number", "phone"],
    "case_event": ["id", "case_id", "seq", "trigger", "from_state", "to_state", "line", "actor", "at", "recorded_at",
                   "note", "values", "town_id"],
    "petition": ["id", "town_id", "year", "seq", "number", "village_id", "petitioner", "petitioner_id_number",
                 "petitioner_phone", "category", "matter", "summary", "form", "level", "state", "first_time",
                 "received_at", "recorded_at", "route_deadline", "accepted_at", "answer_deadline", "extended_days",
                 "answered_at", "opinion", "reviewed", "requested_at", "final", "channel", "channel_deadline",
                 "channel_law", "transferred_to", "case_id", "deadline", "last_event_at", "version"],
    "petition_event": ["id", "petition_id", "seq", "trigger", "from_state", "to_state", "actor", "at", "recorded_at",
                       "note", "values", "town_id"],
    "matter": ["id", "town_id", "year", "seq", "number", "kind", "summary", "state", "received_at", "recorded_at",
               "answered_at", "decided_at", "outcome", "deadline", "last_event_at", "version"],
    "matter_event": ["id", "matter_id", "seq", "trigger", "from_state", "to_state", "actor", "at", "recorded_at",
                     "note", "values", "town_id"],
    "subject": ["id", "town_id", "village_id", "name", "category", "state", "received_at", "recorded_at", "term_end",
                "ended_at", "end_reason", "last_event_at", "version"],
    "subject_event": ["id", "subject_id", "seq", "trigger", "from_state", "to_state", "actor", "at", "recorded_at",
                      "note", "values", "town_id"],
    "employment": ["id", "subject_id", "status", "at", "recorded_at", "actor"],
    "screening_round": ["id", "town_id", "village_id", "mode", "found", "prevented", "at", "recorded_at", "actor",
                        "note"],
}


def batches(county: County, size: int = 20_000) -> Iterator[tuple[str, list[tuple]]]:
    """(table, rows) in insert order, streamed in batches so memory stays flat at any scale."""
    yield "town", list(county.towns())
    yield "village", list(county.village_rows())
    yield "app_user", list(county.user_rows())
    buf: dict[str, list[tuple]] = {"dispute_case": [], "party": [], "case_event": []}
    for row, parties, events in county.cases():
        buf["dispute_case"].append(row)
        buf["party"] += parties
        buf["case_event"] += [(*e, row[1]) for e in events]  # each event with its case's town
        if len(buf["case_event"]) >= size:
            yield from ((t, rows) for t, rows in buf.items())
            buf = {t: [] for t in buf}
    yield from ((t, rows) for t, rows in buf.items() if rows)
    for table, gen in (("petition", county.petitions()), ("matter", county.matters())):
        rows, events = [], []
        for row, evs in gen:
            rows.append(row)
            events += [(*e, row[1]) for e in evs]
        yield table, rows
        yield f"{table}_event", events
    subjects, events, jobs = [], [], []
    for row, evs, js in county.subjects():
        subjects.append(row)
        events += [(*e, row[1]) for e in evs]
        jobs += js
    yield "subject", subjects
    yield "subject_event", events
    yield "employment", jobs
    yield "screening_round", list(county.screening())


def _sqlite_value(v):
    if isinstance(v, datetime):
        v = v.astimezone(timezone.utc)
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")  # SQLAlchemy's SQLite DATETIME storage format
    if isinstance(v, bool):
        return int(v)
    return v


def write_sqlite(path: str, county: County) -> int:
    """The schema through the project, the rows through sqlite3 executemany. Returns row count."""
    import sqlite3

    from mediation.db import Database

    db = Database(path, create=True)
    db.create_schema()
    with db.engine.begin() as c:  # the search index is built once, after the rows (below)
        search.uninstall(c)
        # Set-up, not a town's history: the rows are not linked into the towns' chains (the
        # triggers come back after them, so what the benchmark then writes is linked as usual).
        chain.uninstall(c)
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    total = 0
    for table, rows in batches(county):
        cols = COLUMNS[table]
        conn.executemany(f'INSERT INTO {table} ({", ".join(f"{c!r}" if c == "values" else c for c in cols)}) '
                         f'VALUES ({", ".join("?" * len(cols))})',
                         ([_sqlite_value(v) for v in r] for r in rows))
        conn.commit()
        total += len(rows)
    conn.close()
    db = Database(path)
    with db.engine.begin() as c:
        search.install(c)
        chain.install(c)
        c.exec_driver_sql("ANALYZE")
    db.dispose()
    return total


def write_postgres(url: str, county: County) -> int:
    """The schema through the project, the rows through COPY. Returns row count."""
    import psycopg

    from mediation.db import Database

    db = Database(url, create=True)
    db.create_schema()
    with db.engine.begin() as c:  # the search index is built once, after the rows (below)
        search.uninstall(c)
        # Set-up, not a town's history: the rows are not linked into the towns' chains (the
        # triggers come back after them, so what the benchmark then writes is linked as usual).
        chain.uninstall(c)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    total = 0
    with psycopg.connect(dsn) as conn:
        with conn.cursor() as cur:
            for table, rows in batches(county):
                cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)
                total += len(rows)
            for table in COLUMNS:
                if "id" in COLUMNS[table]:
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"COALESCE((SELECT max(id) FROM {table}), 1))")
        conn.commit()
    with db.engine.begin() as c:
        search.install(c)
        chain.install(c)
        c.exec_driver_sql("ANALYZE")
    db.dispose()
    return total
