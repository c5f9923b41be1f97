"""An independent count of every annual figure, in plain Python over the raw rows — written
without the report's SQL, to check it (tests only: it loads everything)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timezone

from sqlalchemy import text

from workflows import config

FINAL = {"closed", "terminated", "redirected"}


def _utc(v):
    if isinstance(v, str):
        v = datetime.fromisoformat(v)
    return v.replace(tzinfo=timezone.utc) if v.tzinfo is None else v.astimezone(timezone.utc)


def rows(db, sql):
    import json
    with db.engine.connect() as c:
        out = []
        for r in c.execute(text(sql)).mappings():
            d = dict(r)
            for k, v in d.items():
                if k.endswith("_at") or k == "at":
                    d[k] = _utc(v) if v is not None else None
                if k == "values" and isinstance(v, str):
                    d[k] = json.loads(v)
            out.append(d)
        return out


def expected(db, year: int, as_of: date) -> dict:
    from mediation import timeutil
    import pendulum

    start = timeutil.year_bounds(year)[0]
    end = timeutil.utc(pendulum.datetime(as_of.year, as_of.month, as_of.day, tz="Asia/Shanghai").add(days=1))
    inside = lambda t: t is not None and start <= t < end  # noqa: E731
    cases = rows(db, "SELECT c.*, v.name AS village FROM dispute_case c JOIN village v ON v.id = c.village_id")
    # An undone step is kept but no count sees it.
    events = [e for e in rows(db, "SELECT * FROM case_event ORDER BY case_id, seq") if not e["undone"]]
    by_case = defaultdict(list)
    for e in events:
        by_case[e["case_id"]].append(e)
    reg = [c for c in cases if inside(c["registered_at"]) and c["state"] != "void"]  # 作废: in no count
    firsts = [next(e for e in by_case[c["id"]] if e["trigger"] == "agree") for c in cases
              if any(e["trigger"] == "agree" for e in by_case[c["id"]])]
    firsts = [e for e in firsts if inside(e["at"])]
    distinct = lambda trig: len({e["case_id"] for e in events if e["trigger"] == trig and inside(e["at"])})  # noqa: E731
    resolved, terminated = len(firsts), distinct("fail")
    open_ = 0
    for c in reg:
        past = [e for e in by_case[c["id"]] if e["at"] < end]
        if past and past[-1]["to_state"] not in FINAL:
            open_ += 1
    forms = Counter(e["values"]["agreement"] for e in firsts)
    amount = sum(e["values"].get("amount_fen", 0) for e in firsts)
    petitions = rows(db, "SELECT * FROM petition")
    pevents = [e for e in rows(db, "SELECT * FROM petition_event") if not e["undone"]]
    pe = [e for e in pevents if inside(e["at"])]
    matters = rows(db, "SELECT * FROM matter")
    rounds = [r for r in rows(db, "SELECT * FROM screening_round") if inside(r["at"])]
    zeros = [z for z in rows(db, "SELECT * FROM zero_report")
             if f"{year}-01" <= z["month"] <= f"{as_of.year}-{as_of.month:02d}"]
    subjects = rows(db, "SELECT * FROM subject")
    jobs = rows(db, "SELECT * FROM employment ORDER BY at, id")
    managed = [s for s in subjects if s["received_at"] < end and (s["ended_at"] is None or s["ended_at"] >= start)
               and (s["term_end"] is None or _utc(s["term_end"]) >= start)]
    status = {}
    for j in jobs:
        if j["at"] < end:
            status[j["subject_id"]] = j["status"]
    employed = sum(1 for s in managed if status.get(s["id"]) in ("employed", "self_employed"))
    return {
        "disputes": {
            "registered": len(reg), "resolved": resolved,
            "success_rate": round(resolved / (resolved + terminated), 4) if resolved + terminated else 0.0,
            "by_type": {t: sum(1 for c in reg if c["type"] == t) for t in config.DISPUTE_TYPES},
            "by_village": dict(Counter(c["village"] for c in reg)),
            "resolved_by_line": {str(n): sum(1 for e in firsts if e["line"] == n) for n in (1, 2, 3)},
            "escalated": distinct("approve_escalation"), "redirected": distinct("redirect"),
            "terminated": terminated, "declined": distinct("decline"), "reopened": sum(1 for e in events if e["trigger"] == "reopen" and inside(e["at"])),
            "open": open_,
            "agreements": {"written": forms["written"], "oral": forms["oral"],
                           "amount": f"{amount // 100}.{amount % 100:02d}"},
            "judicial_confirmations": distinct("confirm"),
        },
        "administrative_mediation": sum(1 for c in reg if c["kind"] == "administrative"),
        "administrative_reconsideration": sum(1 for m in matters if m["kind"] == "reconsideration"
                                              and inside(m["received_at"])),
        "administrative_litigation": sum(1 for m in matters if m["kind"] == "litigation" and inside(m["received_at"])),
        "petitions": {
            "received": sum(1 for p in petitions if inside(p["received_at"])),
            "accepted": sum(1 for e in pe if e["trigger"] == "accept"),
            "redirected": {ch: sum(1 for e in pe if e["trigger"] == "redirect" and e["values"]["channel"] == ch)
                           for ch in config.CHANNELS},
            "transferred": sum(1 for e in pe if e["trigger"] == "transfer"),
            "not_accepted": sum(1 for e in pe if e["trigger"] == "reject"),
            "first_time": sum(1 for p in petitions if inside(p["received_at"]) and p["first_time"]),
            "closed": sum(1 for e in pe if e["to_state"] == "closed"),
            "representatives_groups": sum(1 for p in petitions if inside(p["received_at"])
                                          and p["representatives"] not in (None, "null", [])),
        },
        "screening": {"rounds": len(rounds),
                      "by_mode": {m: sum(1 for r in rounds if r["mode"] == m) for m in config.SCREENING_MODES},
                      "disputes_found": sum(r["found"] for r in rounds),
                      "disputes_prevented": sum(r["prevented"] for r in rounds), "zero_reports": len(zeros)},
        "corrections": {"subjects": len(managed), "employed": employed},
    }


def compare(report_json: dict, exp: dict) -> None:
    got = {k: report_json[k] for k in exp}
    got["disputes"] = dict(got["disputes"])
    got["disputes"]["by_village"] = {k: v for k, v in got["disputes"]["by_village"].items() if v}
    got["corrections"] = {k: report_json["corrections"][k] for k in ("subjects", "employed")}
    assert got == exp
