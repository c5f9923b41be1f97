"""Import files for the load benchmark, fresh targets, and the raw-insert floor."""

from __future__ import annotations

import statistics
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from benchmarks.county import _sqlite_value

VILLAGES = ["龙潭村", "朱家湾村", "秦丰村", "营镇社区"]
MEDIATORS = {v: f"调解员{i}" for i, v in enumerate(VILLAGES)}
SETUP = """by = "王主任"
[town]
name = "营盘镇"
villages = {villages}
[[user]]
name = "王主任"
role = "town"
{mediators}
"""


# Records per import file: a file is parsed whole and loads in one transaction, so a long
# import is several files (memory stays flat in the number of records).
PER_FILE = 1000


def write(folder: Path, records: int) -> Path:
    """A setup file and ``records`` dispute records, each with five to seven dated actions,
    in files of ``PER_FILE`` records."""
    folder.mkdir(parents=True, exist_ok=True)
    mediators = "\n".join(f'[[user]]\nname = "{m}"\nrole = "mediator"\nvillage = "{v}"' for v, m in MEDIATORS.items())
    (folder / "00-setup.toml").write_text(SETUP.format(villages=str(VILLAGES).replace("'", '"'), mediators=mediators),
                                          encoding="utf-8")
    parts = []
    for i in range(records):
        v = VILLAGES[i % len(VILLAGES)]
        m = MEDIATORS[v]
        d0 = date(2021, 1, 1) + timedelta(days=i % 330)
        day = lambda k: (d0 + timedelta(days=k)).isoformat()  # noqa: E731
        if i % 3 == 2:
            actions = [f'{{ do = "triage", at = {day(0)}, set = {{ risk = "yellow" }} }}',
                       f'{{ do = "start", at = {day(1)}, set = {{ mediator = "{m}" }} }}',
                       f'{{ do = "request_escalation", at = {day(3)}, note = "申请上报" }}',
                       f'{{ do = "approve_escalation", at = {day(4)}, by = "王主任" }}',
                       f'{{ do = "agree", at = {day(6)}, by = "王主任", set = {{ agreement = "written", terms = "赔偿", amount = {100 + i} }} }}',
                       f'{{ do = "fulfil", at = {day(9)} }}',
                       f'{{ do = "visit", at = {day(20)}, set = {{ satisfied = true }} }}']
        else:
            form = 'agreement = "written", terms = "赔偿", amount = 500' if i % 3 == 0 else 'agreement = "oral"'
            actions = [f'{{ do = "triage", at = {day(0)}, set = {{ risk = "green" }} }}',
                       f'{{ do = "start", at = {day(1)}, set = {{ mediator = "{m}" }} }}',
                       f'{{ do = "agree", at = {day(2)}, set = {{ {form} }} }}',
                       f'{{ do = "fulfil", at = {day(5)} }}',
                       f'{{ do = "visit", at = {day(15)}, set = {{ satisfied = true }} }}']
        parts.append(f'[[case]]\nkey = "b{i}"\nby = "{m}"\nvillage = "{v}"\ntype = "邻里"\n'
                     f'summary = "因排水沟堵塞发生纠纷,双方互相指责"\nparties = ["当事人{i}甲,,13812345678", "当事人{i}乙"]\n'
                     f'at = {day(0)}\nactions = [\n  ' + ",\n  ".join(actions) + "\n]\n")
    for n, start in enumerate(range(0, records, PER_FILE)):
        (folder / f"10-cases-{n:04d}.toml").write_text("\n".join(parts[start:start + PER_FILE]), encoding="utf-8")
    return folder


def fresh(url: str, dialect: str, work: Path, i: int) -> str:
    """An empty target database for one run."""
    if dialect == "sqlite":
        return str(work / f"load-{i}-{uuid.uuid4().hex[:6]}.db")
    from benchmarks.rawsql import pg_schema
    return pg_schema(url, f"mediation_bench_load_{uuid.uuid4().hex[:8]}")


TABLES = ["town", "village", "app_user", "dispute_case", "party", "case_event", "import_key"]


def raw_insert(loaded: str, dialect: str, work: Path, runs: int) -> float:
    """Median seconds to insert the rows ``mediation load`` produced, with the raw driver's
    executemany, into an empty database with the same schema and indexes."""
    from sqlalchemy import create_engine, text

    from mediation.db import Database, normalise_url

    src = create_engine(normalise_url(loaded))
    with src.connect() as c:
        # (not the masks the database derives from the ID numbers and phones)
        written = {t: [k for k in c.execute(text(f"SELECT * FROM {t} LIMIT 0")).keys() if not k.endswith("_masked")]
                   for t in TABLES}
        data = {t: (written[t], c.execute(text(f"SELECT {', '.join(f'{chr(34)}{k}{chr(34)}' for k in written[t])} FROM {t}")).all())
                for t in TABLES}
    src.dispose()
    times = []
    for i in range(runs):
        target = fresh(loaded, dialect, work, 100 + i) if dialect == "sqlite" else fresh(
            loaded.split("?")[0], dialect, work, 100 + i)
        db = Database(target, create=True)
        db.create_schema()
        db.dispose()
        if dialect == "sqlite":
            import sqlite3
            from mediation import chain
            conn = sqlite3.connect(target)
            chain.register_functions(conn)  # the towns' chains are the database's work, on the floor too
            conn.execute("PRAGMA journal_mode=WAL")
            start = time.perf_counter()
            for t in TABLES:
                cols, rows = data[t]
                conn.executemany(f"INSERT INTO {t} ({', '.join(repr(c) for c in cols)}) "
                                 f"VALUES ({', '.join('?' * len(cols))})", ([_sqlite_value(v) for v in r] for r in rows))
            conn.commit()
        else:
            import psycopg
            from psycopg.types.json import Json
            conn = psycopg.connect(target.split("?")[0].replace("postgresql+psycopg://", "postgresql://"),
                                   options=f"-csearch_path={target.split('%3D')[1]}")
            start = time.perf_counter()
            with conn.cursor() as cur:
                for t in TABLES:
                    cols, rows = data[t]
                    cur.executemany(f"INSERT INTO {t} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
                                    f"VALUES ({', '.join(['%s'] * len(cols))})",
                                    [[Json(v) if isinstance(v, dict) else v for v in r] for r in rows])
            conn.commit()
        times.append(time.perf_counter() - start)
        conn.close()
    return statistics.median(times)
