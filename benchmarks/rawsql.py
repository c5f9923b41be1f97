"""The floor for `report annual`: the same figures by hand-written GROUP BY queries on the raw
driver (sqlite3 / psycopg), and PostgreSQL scratch schemas for the benchmarks."""

from __future__ import annotations

import statistics
import time
from datetime import datetime, timedelta, timezone

SHANGHAI = timezone(timedelta(hours=8))
FINAL = ("closed", "terminated", "redirected")


def _bounds(year: int):
    start = datetime(year, 1, 1, tzinfo=SHANGHAI).astimezone(timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=SHANGHAI).astimezone(timezone.utc)
    return start, end


def _connect(url: str, dialect: str):
    if dialect == "sqlite":
        import sqlite3

        from mediation import chain
        conn = sqlite3.connect(url.split(":///", 1)[1])
        chain.register_functions(conn)  # the towns' chains are the database's work, on the floor too
        return conn
    import psycopg
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    return psycopg.connect(dsn)


def raw_report(conn, dialect: str, year: int) -> dict:
    start, end = _bounds(year)
    if dialect == "sqlite":
        p = "?"
        s, e = (x.strftime("%Y-%m-%d %H:%M:%S.%f") for x in (start, end))
        js = lambda col, key: f"json_extract({col}, '$.{key}')"  # noqa: E731
    else:
        p = "%s"
        s, e = start, end
        js = lambda col, key: f"({col}->>'{key}')"  # noqa: E731
    w = f">= {p} AND {{c}} < {p}"
    win = lambda c: f"{c} {w.format(c=c)}"  # noqa: E731
    cur = conn.cursor()

    def q(sql, n=1):
        cur.execute(sql, (s, e) * n)
        return cur.fetchall()

    out: dict = {}
    out["registered"] = q(f"SELECT count(*) FROM dispute_case WHERE {win('registered_at')} AND state <> 'void'")[0][0]
    out["by_type"] = dict(q(f"SELECT type, count(*) FROM dispute_case WHERE {win('registered_at')} "
                            "AND state <> 'void' GROUP BY type"))
    out["village_type"] = q(f"SELECT village_id, type, count(*) FROM dispute_case WHERE {win('registered_at')} "
                            "AND state <> 'void' "
                            "GROUP BY village_id, type")
    out["admin"] = q(f"SELECT count(*) FROM dispute_case WHERE kind = 'administrative' AND {win('registered_at')} "
                     "AND state <> 'void'")[0][0]
    firsts = q(f"""SELECT e.line, {js('e."values"', 'agreement')}, count(*),
                          sum(CAST({js('e."values"', 'amount_fen')} AS INTEGER))
                   FROM case_event e
                   WHERE e."trigger" = 'agree' AND {win('e.at')} AND NOT e.undone
                     AND NOT EXISTS (SELECT 1 FROM case_event p WHERE p.case_id = e.case_id
                                     AND p."trigger" = 'agree' AND NOT p.undone AND p.seq < e.seq)
                   GROUP BY e.line, {js('e."values"', 'agreement')}""")
    out["resolved"] = sum(r[2] for r in firsts)
    out["by_line"] = {str(line): sum(r[2] for r in firsts if r[0] == line) for line in (1, 2, 3)}
    out["written"] = sum(r[2] for r in firsts if r[1] == "written")
    out["amount_fen"] = sum(r[3] or 0 for r in firsts)
    counts = dict(q(f"""SELECT "trigger", count(DISTINCT case_id) FROM case_event
                        WHERE "trigger" IN ('fail', 'decline', 'approve_escalation', 'redirect', 'confirm')
                          AND {win('at')} AND NOT undone
                        GROUP BY "trigger" """))
    out["terminated"], out["escalated"] = counts.get("fail", 0), counts.get("approve_escalation", 0)
    out["declined"] = counts.get("decline", 0)
    out["redirected"], out["confirmations"] = counts.get("redirect", 0), counts.get("confirm", 0)
    out["reopened"] = q(f"""SELECT count(*) FROM case_event WHERE "trigger" = 'reopen' AND {win('at')}
                            AND NOT undone""")[0][0]
    cur.execute(f"""SELECT count(*) FROM dispute_case c
                    WHERE {win('c.registered_at')} AND c.state <> 'void'
                      AND (SELECT e.to_state FROM case_event e WHERE e.case_id = c.id AND e.at < {p}
                           AND NOT e.undone ORDER BY e.seq DESC LIMIT 1) NOT IN {FINAL}""", (s, e, e))
    out["open"] = cur.fetchone()[0]
    out["petitions_received"] = q(f"SELECT count(*) FROM petition WHERE {win('received_at')}")[0][0]
    out["representatives_groups"] = q(f"""SELECT count(*) FROM petition
                                           WHERE {win('received_at')} AND representatives IS NOT NULL""")[0][0]
    out["petition_events"] = dict(q(f"""SELECT "trigger", count(*) FROM petition_event WHERE {win('at')}
                                        AND NOT undone GROUP BY "trigger" """))
    out["matters"] = dict(q(f"SELECT kind, count(*) FROM matter WHERE {win('received_at')} GROUP BY kind"))
    out["screening"] = dict(q(f"SELECT mode, count(*) FROM screening_round WHERE {win('at')} GROUP BY mode"))
    cur.execute(f"""SELECT count(*), sum(CASE WHEN (SELECT status FROM employment j WHERE j.subject_id = s.id
                                                     AND j.at < {p} ORDER BY j.at DESC, j.id DESC LIMIT 1)
                                                    IN ('employed', 'self_employed') THEN 1 ELSE 0 END)
                    FROM subject s WHERE s.received_at < {p} AND (s.ended_at IS NULL OR s.ended_at >= {p})
                                     AND (s.term_end IS NULL OR s.term_end >= {p})""",
                (e, e, s, s))
    out["subjects"], out["employed"] = cur.fetchone()
    return out


def timed_report(url: str, dialect: str, year: int, runs: int) -> tuple[float, dict]:
    conn = _connect(url, dialect)
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = raw_report(conn, dialect, year)
        times.append(time.perf_counter() - start)
    conn.close()
    return statistics.median(times), result


def assert_same(report: dict, raw: dict) -> None:
    """The floor must compute the same figures, or the ratio means nothing."""
    d = report["disputes"]
    pairs = [(d["registered"], raw["registered"]), (d["resolved"], raw["resolved"]),
             (d["resolved_by_line"], raw["by_line"]), (d["agreements"]["written"], raw["written"]),
             (d["terminated"], raw["terminated"]), (d["declined"], raw["declined"]),
             (d["escalated"], raw["escalated"]),
             (d["redirected"], raw["redirected"]), (d["reopened"], raw["reopened"]), (d["open"], raw["open"]),
             (d["judicial_confirmations"], raw["confirmations"]),
             (int(d["agreements"]["amount"].replace(".", "")), raw["amount_fen"]),
             ({k: v for k, v in d["by_type"].items() if v}, raw["by_type"]),
             (report["administrative_mediation"], raw["admin"]),
             (report["petitions"]["received"], raw["petitions_received"]),
             (report["petitions"]["representatives_groups"], raw["representatives_groups"]),
             (report["corrections"]["subjects"], raw["subjects"]), (report["corrections"]["employed"], raw["employed"] or 0)]
    for ours, floor in pairs:
        if ours != floor:
            raise AssertionError(f"report and raw SQL disagree: {ours!r} != {floor!r}")


def raw_transitions(url: str, dialect: str, numbers: list[str], rounds: int) -> float:
    """Transactions per second of what one trigger writes, on the raw driver: look the case up
    by number (locked), the version-checked UPDATE, the event INSERT, the parties and
    petitions read back, the commit (SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE). No
    workflow and no ORM: the ceiling the service layer's transition_rate is measured against."""
    conn = _connect(url, dialect)
    if dialect == "sqlite":
        conn.isolation_level = None
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        p, lock, begin = "?", "", "BEGIN IMMEDIATE"
    else:
        p, lock, begin = "%s", " FOR UPDATE", None
    now = datetime.now(timezone.utc)
    at = now.strftime("%Y-%m-%d %H:%M:%S.%f") if dialect == "sqlite" else now
    start = time.perf_counter()
    for _ in range(rounds):
        for number in numbers:
            cur = conn.cursor()
            if begin:
                cur.execute(begin)
            cur.execute(f"SELECT * FROM dispute_case WHERE number = {p}{lock}", (number,))
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
            case_id, town_id, version = (row[names.index(c)] for c in ("id", "town_id", "version"))
            cur.execute(f"UPDATE dispute_case SET state = {p}, last_event_at = {p}, deadline = NULL, "
                        f"version = version + 1 WHERE id = {p} AND version = {p}", ("raw", at, case_id, version))
            cur.execute('INSERT INTO case_event (case_id, town_id, seq, "trigger", from_state, to_state, line, actor, '
                        f'at, recorded_at, note, "values") VALUES ({", ".join([p] * 12)})',
                        (case_id, town_id, version + 1, "raw", "raw", "raw", 1, "raw", at, at, None, '{"raw": 1}'))
            cur.execute(f"SELECT 'party', position, name, id_number_masked, phone_masked FROM party WHERE case_id = {p} "
                        f"UNION ALL SELECT 'petition', id, number, NULL, NULL FROM petition WHERE case_id = {p} "
                        "ORDER BY 1, 2", (case_id, case_id))
            cur.fetchall()
            if begin:
                cur.execute("COMMIT")
            else:
                conn.commit()
    elapsed = time.perf_counter() - start
    conn.close()
    return rounds * len(numbers) / elapsed


CREATED: list[tuple[str, str]] = []  # (server URL, schema): dropped by drop_all() when the run ends


def pg_schema(url: str, schema: str) -> str:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    CREATED.append((url, schema))
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def drop_all() -> None:
    """Drop every scratch schema this run created."""
    while CREATED:
        pg_drop(*CREATED.pop())


def pg_drop(url: str, schema: str) -> None:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        c.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def pg_reset(url: str, schema: str) -> None:
    pg_drop(url, schema)
