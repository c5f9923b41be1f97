"""Benchmarks: every figure beside the floor it cannot beat, measured in the same run.

    python benchmarks/run.py [--scale N] [--db URL] [--runs K] [--only NAME …] [--json]

Figures (medians of --runs runs; peak RSS is the measured process's own VmHWM):
  cold_help        whole-process `mediation --help`          / `python -c "import click"`
  cold_write       whole-process `mediation case new …`      / `python -c "import sqlmodel, transitions, pendulum, click, rich"`
                   (wall time; its CPU time beside, cpu_ratio)
  shell_*          `mediation shell`: show, a village's list, next, a name search, each after the first / 50 ms
  load_rate        records/s through `mediation load`        / raw executemany of the same final rows
  report_annual    `report annual` over the county (N cases) / hand-written GROUP BY SQL, same figures
  report_login     PostgreSQL: the same report as a town user's own login (row-level security) / as the owner
  search           `case list --search NAME` through the service (a party's name, all and the terminal's first
                   page of 20 (search_page); its pinyin initials,
                   first 20; a two-character word of the summary, which every case holds, first 20)
                   / the same index query on the raw driver
  transition_rate  triggers/s through the services, each committed with its audit event (floor: 1,000/s target;
                   also shown: the same transaction's statements on the raw driver)
SQLite always; PostgreSQL too with --db (a scratch schema is created there and dropped).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import county as county_mod  # noqa: E402
from benchmarks import rawsql  # noqa: E402

PY = sys.executable
MEDIATION = [PY, "-m", "cli"]
if shutil.which("mediation", path=str(Path(PY).parent)):
    MEDIATION = [str(Path(PY).parent / "mediation")]


# Peak memory is the child's own VmHWM, read by the child itself at exit: wait4's ru_maxrss
# would include the pages of this (large) process that the child had before exec.
_RSS_HOOK = ("import atexit, os\n"
             "def _hwm():\n"
             "    with open('/proc/self/status') as f:\n"
             "        kb = next(line.split()[1] for line in f if line.startswith('VmHWM:'))\n"
             "    with open(os.environ['BENCH_RSS_FILE'], 'w') as out:\n"
             "        out.write(kb)\n"
             "atexit.register(_hwm)\n")


def run_process(cmd: list[str], env: dict | None = None) -> float:
    """Wall time (s) of one whole process."""
    return timed_process(cmd, env)[0]


def timed_process(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall time and CPU time (user + system), in seconds, of one whole process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT,
                          env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.decode(errors='replace').strip()[-500:]}")
    return elapsed, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def run_python(code: str) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of ``python -c code``."""
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as f:
        elapsed = run_process([PY, "-c", _RSS_HOOK + code], env={"BENCH_RSS_FILE": f.name})
        return elapsed, int(open(f.name).read() or 0) / 1024


def run_mediation(*args: str) -> tuple[float, float]:
    """Wall time (s) and peak RSS (MB) of the `mediation` command itself."""
    code = f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nsys.argv = ['mediation', *{list(args)!r}]\n" \
           "from cli import main\nmain(prog_name='mediation')\n"
    return run_python(code)


def median_time(fn, runs: int) -> float:
    return statistics.median(fn() for _ in range(runs))


def figure(name, value, floor, unit, *, target=None, **extra):
    """``ratio`` is always value ÷ floor: for times lower is better, for rates higher."""
    ratio = value / floor if floor else None
    sig = lambda x: float(f"{x:.6g}") if x is not None else None  # noqa: E731
    return {"name": name, "value": sig(value), "floor": sig(floor), "unit": unit, "ratio": sig(ratio),
            "target": target, **extra}


# -- figures ---------------------------------------------------------------------------------

def compiled() -> None:
    """Our modules' bytecode written, as an installed package has it: with
    ``PYTHONDONTWRITEBYTECODE`` set (as on the machine these figures were first taken on) every
    process would compile ~35 of our source files (~0.1 s) while the libraries of the floor
    load theirs from site-packages' caches."""
    import compileall

    for package in ("workflows", "mediation", "cli"):
        compileall.compile_dir(str(ROOT / package), quiet=1)


def cold_help(runs: int) -> dict:
    ours = median_time(lambda: run_process(MEDIATION + ["--help"]), runs)
    floor = median_time(lambda: run_process([PY, "-c", "import click"]), runs)
    return figure("cold_help", ours * 1000, floor * 1000, "ms", target="≤ 1.5×")


def cold_write(db_path: str, runs: int) -> dict:
    n = iter(range(10 ** 6))
    cpu: dict[str, list[float]] = {"ours": [], "floor": []}

    def timed(cmd: list[str], key: str) -> float:
        wall, used = timed_process(cmd)
        cpu[key].append(used)
        return wall

    ours = median_time(lambda: timed(MEDIATION + [
        "--db", db_path, "--as", "调解员001", "case", "new", "--village", "营盘1村", "--type", "邻里",
        "--summary", f"冷启动写入 {next(n)}", "--party", "甲", "--party", "乙"], "ours"), runs)
    floor = median_time(lambda: timed([PY, "-c", "import sqlmodel, transitions, pendulum, click, rich"], "floor"),
                        runs)
    ours_cpu, floor_cpu = statistics.median(cpu["ours"]), statistics.median(cpu["floor"])
    return figure("cold_write", ours * 1000, floor * 1000, "ms", target="≤ 1.25× (CPU)",
                  cpu_ms=round(ours_cpu * 1000), floor_cpu_ms=round(floor_cpu * 1000),
                  cpu_ratio=round(ours_cpu / floor_cpu, 3) if floor_cpu else None)


def shell_latency(url: str, runs: int) -> list[dict]:
    """`mediation shell`: each command after the first, in the warm process (show, a village's
    list, next, a name search's first page), against the 50 ms a person does not notice."""
    import contextlib
    import io

    from sqlalchemy import create_engine, text

    from cli import App, main
    from cli.shell import _run

    engine = create_engine(url)
    with engine.connect() as conn:
        number, village, user = conn.execute(text(
            "SELECT c.number, v.name, (SELECT name FROM app_user WHERE role = 'county' LIMIT 1) FROM dispute_case c "
            "JOIN village v ON v.id = c.village_id WHERE c.state = 'mediating' ORDER BY c.id LIMIT 1")).one()
    engine.dispose()
    app = App(url, user)
    head = ["--db", url, "--as", user]
    out = []
    for name, args in (("show", ["case", "show", number]), ("list", ["case", "list", "--village", village]),
                       ("next", ["case", "next", number]), ("search", ["case", "list", "--search", "程兰"])):
        times = []
        for _ in range(runs + 1):
            start = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                _run(main, head, args, app)
            times.append(time.perf_counter() - start)
        out.append(figure(f"shell_{name}", statistics.median(times[1:]) * 1000, 50.0, "ms",
                          target="< 50 ms (ratio < 1)", first_ms=round(times[0] * 1000)))
    return out


def report_annual(url: str, dialect: str, year: int, runs: int, scale: int) -> dict:
    from mediation import report
    from mediation.db import Database

    db = Database(url)
    ours = median_time(lambda: _timed(lambda: report.annual(db, year=year)), runs)
    got = report.annual(db, year=year).to_json()
    db.dispose()
    floor, raw = rawsql.timed_report(url, dialect, year, runs)
    rawsql.assert_same(got, raw)
    _, rss = run_mediation("--db", url, "report", "annual", str(year), "--json")
    return figure(f"report_annual[{dialect}]", ours, floor, "s", target="≤ 1.5× at 1M, ≤ 200 MB",
                  cases=scale, peak_rss_mb=round(rss, 1))


def report_login(url: str, year: int, runs: int) -> dict:
    """What row-level security costs a person's login: the report as a town user's own login,
    beside the same report as the schema owner (whom the policies do not limit)."""
    import psycopg
    from sqlalchemy.engine import make_url
    from sqlmodel import select

    from mediation import logins, report
    from mediation.db import Database
    from mediation.tables.places import Town, User

    login = f"bench_{uuid.uuid4().hex[:8]}"
    owner = Database(url)
    with owner.write() as s:
        user = s.exec(select(User).where(User.role == "town").order_by(User.id)).first()
        town = s.get(Town, user.town_id).name
        logins.give_login(s, user.id, login, None)
    person = Database(make_url(url).set(username=login).render_as_string(hide_password=False))
    try:
        floor = median_time(lambda: _timed(lambda: report.annual(owner, year=year, town=town)), runs)
        ours = median_time(lambda: _timed(lambda: report.annual(person, year=year)), runs)  # its town by default
        if report.annual(person, year=year).to_json() != report.annual(owner, year=year, town=town).to_json():
            raise AssertionError("the town's login and the owner count differently")
    finally:
        person.dispose()
        owner.dispose()
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
            c.execute(f'DROP ROLE IF EXISTS "{login}"')
    return figure("report_login[postgresql]", ours, floor, "s", target="≤ 2× the owner's")


def search_figures(url: str, dialect: str, runs: int, name: str, scale: int) -> list[dict]:
    """Finding a case by a party's name, and by its pinyin initials (the first 20), through the
    service, beside the same trigram lookup on the raw driver (ids of the matching cases)."""
    from mediation import cases, search
    from mediation.db import Database

    db = Database(url)
    out = []
    try:
        for label, text, limit in (("search", name, None), ("search_page", name, 20),
                                   ("search_initials", search.pinyin(name)[0], 20),
                                   ("search_word", county_mod.SUMMARY_WORD, 20)):
            found = len(cases.list_cases(db, text=text, limit=limit))
            ours = median_time(lambda t=text, n=limit: _timed(lambda: cases.list_cases(db, text=t, limit=n)), runs)
            floor = median_time(lambda t=text, n=limit: _timed(lambda: _raw_search(url, dialect, t, n)), runs)
            out.append(figure(f"{label}[{dialect}]", ours * 1000, floor * 1000, "ms", target="< 50 ms at 1M",
                              cases=scale, query=text, found=found))
    finally:
        db.dispose()
    return out


def _raw_search(url: str, dialect: str, text: str, limit: int | None) -> list:
    """The floor: the same index lookup and rows, on the driver, connection included."""
    from mediation import search

    cap = f" LIMIT {limit}" if limit else ""
    likes, _indexed = search.patterns(text)
    if dialect == "sqlite":
        import sqlite3
        hits = " UNION ".join("SELECT rowid FROM case_search WHERE search LIKE ?" for _ in likes)
        if len(text) == 2 and not text.isascii():  # a two-character word: through the index's vocabulary
            hits = ("SELECT DISTINCT case_search.rowid FROM case_search_vocab JOIN case_search ON case_search MATCH "
                    "('\"' || case_search_vocab.term || '\"') WHERE term >= ? AND term < ?")
            likes = [text, text + "\U0010ffff"]
        conn = sqlite3.connect(url.split(":///", 1)[1])
        try:
            return conn.execute(f"SELECT * FROM dispute_case WHERE id IN ({hits}) ORDER BY registered_at, id{cap}",
                                likes).fetchall()
        finally:
            conn.close()
    import psycopg
    where = " OR ".join(("search ILIKE %s" if text.upper() != text.lower() else "search LIKE %s") for _ in likes)
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        return conn.execute(f"SELECT * FROM dispute_case WHERE {where} ORDER BY registered_at, id{cap}",
                            likes).fetchall()


def _server_objects(url: str) -> set[str]:
    """The group roles and the pg_trgm extension already on the server (the schemas this run
    makes add them if missing; what it added, it drops)."""
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        roles = {r[0] for r in c.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'mediation\\_%'")}
        trgm = {"pg_trgm"} if c.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'").fetchone() else set()
    return roles | trgm


def _drop_new_server_objects(url: str, before: set[str]) -> None:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as c:
        for name in sorted(_server_objects(url) - before):
            try:
                kind = "EXTENSION" if name == "pg_trgm" else "ROLE"
                c.execute(f'DROP {kind} IF EXISTS "{name}"')
            except psycopg.Error:  # still used by another schema or database: it stays
                pass


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def ledger_export(url: str, runs: int, village: str, work: Path) -> dict:
    """A village's ledger written as a workbook (styles, widths, drop-down lists, print setup)
    against openpyxl appending the same rows to a bare workbook and saving it."""
    from openpyxl import Workbook

    from mediation import ledger
    from mediation.db import Database

    db = Database(url)
    try:
        table = list(ledger.rows(db, actor=None, village=village))
        villages = ledger.village_names(db)
    finally:
        db.dispose()

    def bare() -> None:
        wb = Workbook()
        for row in table:
            wb.active.append(row)
        wb.save(work / "bare.xlsx")

    ours = median_time(lambda: _timed(lambda: ledger.write_xlsx(str(work / "ledger.xlsx"), iter(table),
                                                                 villages=villages)), runs)
    floor = median_time(lambda: _timed(bare), runs)
    return figure("ledger_xlsx", ours * 1000, floor * 1000, "ms",
                  target="≤ 2.5× (styling grows with the rows, never quadratic)", rows=len(table) - 1)


# The targets of issue "Speed to the floor": each figure ÷ the raw driver doing the same work.
TRANSITION_TARGET = {"sqlite": 0.45, "postgresql": 0.7}
LOAD_TARGET = {"sqlite": 0.30, "postgresql": 0.40}


def transition_rate(fresh, dialect: str, cases: int, runs: int) -> dict:
    """Steps/s through the service (five triggers on each of ``cases`` cases, one committed
    transaction with its event each) against the raw driver's loop of the same statements, in
    ``runs`` pairs on fresh databases (``fresh(i)``: the URL of the i-th): the median of the
    pairs' ratios and their spread."""
    ours, raws, ratios = [], [], []
    for i in range(runs):
        target = fresh(i)
        rate, numbers = _service_steps(target, cases)
        raw = rawsql.raw_transitions(target, dialect, numbers, 5)
        ours.append(rate)
        raws.append(raw)
        ratios.append(rate / raw)
    return figure(f"transition_rate[{dialect}]", statistics.median(ours), statistics.median(raws), "steps/s",
                  target=f"ratio ≥ {TRANSITION_TARGET[dialect]}", ratio_median=round(statistics.median(ratios), 3),
                  spread=f"{min(ratios):.3f}–{max(ratios):.3f}")


def _service_steps(url: str, cases: int) -> tuple[float, list[str]]:
    from mediation import admin
    from mediation import cases as svc
    from mediation.db import Database
    from mediation.timeutil import parse_at

    db = Database(url, create=True)
    admin.init_town(db, town="营盘镇", villages=["龙潭村"])
    admin.add_user(db, actor=None, name="刘调解", role="mediator", village="龙潭村")
    numbers = [svc.register(db, actor="刘调解", village="龙潭村", type="邻里", summary="基准", parties=["甲", "乙"],
                            at=parse_at("2024-03-01")).number for _ in range(cases)]
    steps = [("triage", {"risk": "green"}), ("start", {"mediator": "刘调解"}),
             ("agree", {"agreement": "written", "terms": "赔偿", "amount": "1000"}), ("fulfil", {}),
             ("visit", {"satisfied": "yes"})]
    start = time.perf_counter()
    for trigger, values in steps:
        for number in numbers:
            svc.fire(db, actor="刘调解", case=number, trigger=trigger, values=values)
    elapsed = time.perf_counter() - start
    db.dispose()
    return cases * len(steps) / elapsed, numbers


def load_rate(url: str, dialect: str, records: int, work: Path, runs: int) -> dict:
    """records/s through `mediation load` (the command itself, in a process) against raw
    executemany of the rows it produced."""
    from benchmarks import loadfile

    folder = work / f"load-{dialect}"
    loadfile.write(folder, records)
    times, rss = [], 0.0
    for i in range(runs):
        target = loadfile.fresh(url, dialect, work, i)
        t, r = run_mediation("--db", target, "load", str(folder))
        times.append(t)
        rss = max(rss, r)
    ours = records / statistics.median(times)
    floor_s = loadfile.raw_insert(target, dialect, work, runs)
    _, half_rss = run_mediation("--db", loadfile.fresh(url, dialect, work, runs + 1), "load",
                                str(loadfile.write(work / f"half-{dialect}", max(1, records // 2))))
    return figure(f"load_rate[{dialect}]", ours, records / floor_s, "records/s",
                  target=f"ratio ≥ {LOAD_TARGET[dialect]}, memory flat",
                  records=records, peak_rss_mb=round(rss, 1), peak_rss_half_mb=round(half_rss, 1))


# -- main --------------------------------------------------------------------------------------

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=100_000, help="cases in the synthetic county (default 100000)")
    ap.add_argument("--db", help="also measure on this PostgreSQL URL (postgresql+psycopg://…)")
    ap.add_argument("--runs", type=int, default=5, help="runs per figure; the median is reported (default 5)")
    ap.add_argument("--load-records", type=int, help="records in the load benchmark (default: min(20000, scale/5))")
    ap.add_argument("--transitions", type=int, default=200, help="cases × 5 triggers in transition_rate")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these figures (cold_help, report_annual, "
                    "search, cold_write, shell, ledger, transition_rate, load_rate, report_login); the county is built all the "
                    "same")
    ap.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    args = ap.parse_args(argv)

    def wanted(name: str) -> bool:
        return not args.only or name in args.only

    log = (lambda *a: print(*a, file=sys.stderr)) if args.json else print
    work = Path(tempfile.mkdtemp(prefix="mediation-bench-"))
    figures = []
    year = 2021
    # Enough records that the command's start (~0.45 s) does not decide the rate.
    load_records = args.load_records or max(10, min(20_000, args.scale // 5))
    try:
        log(f"building a county of {args.scale} cases (SQLite) …")
        start = time.perf_counter()
        sqlite_path = str(work / "county.db")
        county = county_mod.County(args.scale)
        rows = county_mod.write_sqlite(sqlite_path, county)
        log(f"  {rows} rows in {time.perf_counter() - start:.1f} s")
        compiled()
        if wanted("cold_help"):
            figures.append(cold_help(args.runs))
        if wanted("report_annual"):
            figures.append(report_annual(f"sqlite:///{sqlite_path}", "sqlite", year, args.runs, args.scale))
        if wanted("search"):
            figures += search_figures(f"sqlite:///{sqlite_path}", "sqlite", args.runs, county.probe, args.scale)
        if wanted("cold_write"):
            figures.append(cold_write(sqlite_path, args.runs))
        if wanted("shell"):
            figures += shell_latency(f"sqlite:///{sqlite_path}", args.runs)
        if wanted("ledger"):
            figures.append(ledger_export(f"sqlite:///{sqlite_path}", args.runs, "营盘1村", work))
        if wanted("transition_rate"):
            figures.append(transition_rate(lambda i: f"sqlite:///{work / f'transitions-{i}.db'}", "sqlite",
                                           args.transitions, min(args.runs, 3)))
        if wanted("load_rate"):
            figures.append(load_rate(f"sqlite:///{work / 'load.db'}", "sqlite", load_records, work, min(args.runs, 3)))
        if args.db:
            made_before = _server_objects(args.db)
            schema = f"mediation_bench_{uuid.uuid4().hex[:8]}"
            pg = rawsql.pg_schema(args.db, schema)
            try:
                log(f"building the county on PostgreSQL (schema {schema}) …")
                county = county_mod.County(args.scale)
                county_mod.write_postgres(pg, county)
                if wanted("report_annual"):
                    figures.append(report_annual(pg, "postgresql", year, args.runs, args.scale))
                if wanted("report_login"):
                    figures.append(report_login(pg, year, args.runs))
                if wanted("search"):
                    figures += search_figures(pg, "postgresql", args.runs, county.probe, args.scale)
                if wanted("transition_rate"):
                    def fresh_schema(_i: int) -> str:
                        rawsql.pg_reset(args.db, schema)
                        return rawsql.pg_schema(args.db, schema)

                    figures.append(transition_rate(fresh_schema, "postgresql", args.transitions, min(args.runs, 3)))
                if wanted("load_rate"):
                    rawsql.pg_reset(args.db, schema)
                    figures.append(load_rate(args.db, "postgresql", load_records, work, min(args.runs, 3)))
            finally:
                rawsql.pg_drop(args.db, schema)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if args.db:
            rawsql.drop_all()
            if "made_before" in locals():
                _drop_new_server_objects(args.db, made_before)
    doc = {"scale": args.scale, "runs": args.runs, "python": sys.version.split()[0], "cores": os.cpu_count(),
           "figures": figures}
    if args.json:
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print_table(doc)
    return 0


def print_table(doc: dict) -> None:
    print(f"\nscale {doc['scale']} cases · median of {doc['runs']} runs · Python {doc['python']} · {doc['cores']} cores")
    print(f"{'figure':28} {'value':>14} {'floor':>14} {'ratio':>8}  target / notes   (ratio = value ÷ floor)")
    for f in doc["figures"]:
        notes = [f.get("target") or ""]
        for k in ("peak_rss_mb", "peak_rss_half_mb", "records", "rows", "cases", "spread", "cpu_ms",
                  "floor_cpu_ms", "cpu_ratio", "first_ms"):
            if k in f:
                notes.append(f"{k}={f[k]}")
        print(f"{f['name']:28} {f['value']:>12,.3f} {f['unit'][:2]:<1} {f['floor'] or 0:>12,.3f} "
              f"{(f['ratio'] or 0):>8.3f}  {' · '.join(n for n in notes if n)}")


if __name__ == "__main__":
    raise SystemExit(main())
