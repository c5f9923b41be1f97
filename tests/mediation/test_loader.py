"""``mediation load``: replayed through the services, located errors, all or nothing, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from mediation import cases, loader, petitions
from mediation.errors import InvalidRecords
from tests.conftest import snapshot

ROOT = Path(__file__).resolve().parents[2]

SETUP = '''
by = "王主任"
[town]
name = "营盘镇"
villages = ["龙潭村", "朱家湾村"]
[[user]]
name = "王主任"
role = "town"
[[user]]
name = "刘调解"
role = "mediator"
village = "龙潭村"
'''

GOOD = '''
by = "刘调解"
[[petition]]
key = "p1"
village = "龙潭村"
petitioner = "孙秀英"
category = "civil"
summary = "邻居排水沟堵塞"
at = 2021-05-10
actions = [{ do = "accept", at = 2021-05-11 }]

[[case]]
key = "c1"
village = "龙潭村"
type = "邻里"
summary = "排水沟堵塞"
parties = ["孙秀英,11010519491231002X,13812345678", "吴大海"]
petition = "p1"
at = 2021-05-12
actions = [
  { do = "triage", at = 2021-05-12, set = { risk = "yellow" } },
  { do = "start", at = 2021-05-13, set = { mediator = "刘调解" } },
  { do = "agree", at = 2021-05-15, set = { agreement = "written", terms = "疏通并赔偿", amount = 300 } },
  { do = "fulfil", at = 2021-05-20 },
  { do = "visit", at = 2021-06-01, set = { satisfied = true } },
]

[[petition]]
key = "p2"
village = "龙潭村"
petitioner = "吴大海"
category = "civil"
summary = "对调解结果有异议"
case = "c1"
at = 2021-06-10

[[screening]]
key = "s1"
village = "龙潭村"
mode = "拉网"
found = 1
at = 2021-05-01

[[zero_report]]
key = "z1"
village = "龙潭村"
month = "2021-07"
'''


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


def test_a_folder_loads_through_the_services_and_twice_adds_nothing(db, tmp_path):
    write(tmp_path, "00-setup.toml", SETUP)
    write(tmp_path, "10-records.toml", GOOD)
    results = loader.load(db, str(tmp_path))
    assert results[1].loaded == {"case": 1, "petition": 2, "screening": 1, "zero_report": 1}
    case = cases.show(db, case="(2021)营调字第001号")
    assert case.state == "closed" and case.amount == "300.00" and case.source == "petition"
    assert case.petitions == ["(2021)营信字第001号", "(2021)营信字第002号"]
    assert [e.trigger for e in case.history][-1] == "visit"
    before = snapshot(db)
    again = loader.load(db, str(tmp_path))
    assert again[1].loaded == {} and again[1].skipped == 5
    assert snapshot(db) == before


def test_every_problem_is_located_and_nothing_is_kept(db, tmp_path):
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    before = snapshot(db)
    bad = GOOD.replace("11010519491231002X", "110105194912310021").replace('type = "邻里"', 'type = "吵架"') \
        .replace("{ do = \"fulfil\", at = 2021-05-20 }", "{ do = \"fulfil\", at = 2021-05-01 }") \
        .replace('mode = "拉网"', 'mode = "抽查"')
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "bad.toml", bad))
    problems = err.value.problems
    assert "bad.toml: case 1 (key c1): parties[0].id_number: the ID number's check digit is wrong (GB 11643)" \
        in problems
    assert not any("110105194912310021" in p or "11010519491231002X" in p for p in problems)
    assert any(p.startswith("bad.toml: case 1 (key c1): type: ") for p in problems)
    assert any("actions[3].at: 2021-05-01 is before the step before it" in p for p in problems)
    assert any(p.startswith("bad.toml: screening 1 (key s1): mode: ") for p in problems)
    assert snapshot(db) == before


def test_an_action_the_workflow_refuses_is_located_and_the_file_is_undone(db, tmp_path):
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    before = snapshot(db)
    bad = GOOD.replace('{ do = "start", at = 2021-05-13, set = { mediator = "刘调解" } },\n', "")
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "bad.toml", bad))
    assert any(p.startswith("bad.toml: case 1 (key c1): actions[1] agree: ") and "not allowed in state triaged" in p
               for p in err.value.problems)
    assert snapshot(db) == before  # the petition before it, loaded fine, is undone too
    assert petitions.list_petitions(db) == []


def test_duplicate_keys_and_unknown_fields(db, tmp_path):
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    dup = GOOD + '\n[[screening]]\nkey = "s1"\nvillage = "龙潭村"\nmode = "逐个"\nat = 2021-05-02\nwho = "x"\n'
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "dup.toml", dup))
    assert "dup.toml: screening 2 (key s1): key: duplicate of screening 1 (key s1)" in err.value.problems
    with pytest.raises(InvalidRecords, match="problem"):
        loader.load(db, write(tmp_path, "syntax.toml", "[[case]\nkey = 1"))


SAMPLES = sorted(p for p in (ROOT / "sample_cases").iterdir() if p.is_dir())


@pytest.mark.parametrize("folder", SAMPLES, ids=[p.name for p in SAMPLES])
def test_every_sample_folder_loads_without_errors(db, folder):
    results = loader.load(db, str(folder))
    assert sum(sum(r.loaded.values()) for r in results) > 0


def test_fields_of_the_wrong_toml_type_are_located_not_a_traceback(db, tmp_path):
    bad = '''town = "营盘镇"
[[user]]
name = 3
role = "town"
[[case]]
key = "c1"
village = "龙潭村"
type = "邻里"
summary = "x"
parties = ["甲", 7]
at = 2021-03-02
actions = [{ do = "triage", at = 2021-03-02, set = "risk" }]
[[subject]]
key = "j1"
name = "乙"
category = "correction"
at = 2021-03-02
employment = ["employed"]
'''
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "shape.toml", bad))
    assert err.value.problems == [
        "shape.toml: town: expected a table [town] with name and villages",
        "shape.toml: user 1: name: expected text in quotes",
    ]
    fixed = bad.replace('town = "营盘镇"\n', "").replace("name = 3", 'name = "王主任"')
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "shape2.toml", fixed))
    assert "shape2.toml: case 1 (key c1): parties[1]: expected text in quotes" in err.value.problems
    assert "shape2.toml: case 1 (key c1): actions[0].set: expected a table { key = value }" in err.value.problems
    assert ("shape2.toml: subject 1 (key j1): employment[0]: expected a table { status = …, at = … }"
            in err.value.problems)


def test_a_file_that_is_not_utf8_or_not_toml_is_one_located_problem(db, tmp_path):
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[[case]]\nkey = "c1"\nsummary = "排水沟"\n'.encode("gbk"))
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, str(gbk))
    assert len(err.value.problems) == 1 and "not UTF-8 text" in err.value.problems[0]
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "syntax.toml", "[[case]\nkey = 1"))
    assert err.value.problems[0].startswith(f"{tmp_path / 'syntax.toml'}: ") and "line 1" in err.value.problems[0]


def _cases_file(key_prefix: str, n: int, *, broken_last: bool = False) -> str:
    records = []
    for i in range(n):
        kind = "吵架" if broken_last and i == n - 1 else "邻里"
        records.append(f'''
[[case]]
key = "{key_prefix}-{i}"
village = "龙潭村"
type = "{kind}"
summary = "排水沟堵塞 {key_prefix} {i}"
parties = ["甲{i}", "乙{i}"]
at = 2021-05-12
actions = [
  {{ do = "triage", at = 2021-05-12, set = {{ risk = "green" }} }},
  {{ do = "start", at = 2021-05-13, set = {{ mediator = "刘调解" }} }},
]
''')
    return 'by = "刘调解"\n' + "".join(records)


def _load_at_once(db_url: str, paths: list[str]) -> list:
    """Each file loaded by its own Database (as two `mediation load` processes would), started
    together; what each returned or raised."""
    import threading

    from mediation.db import Database

    outcomes: list = [None] * len(paths)
    start = threading.Barrier(len(paths))

    def run(i: int) -> None:
        own = Database(db_url)
        try:
            start.wait()
            outcomes[i] = loader.load(own, paths[i])
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcomes[i] = exc
        finally:
            own.dispose()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(paths))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


def test_two_loads_at_once_are_each_all_or_nothing_and_never_collide(db, db_url, tmp_path):
    """Two imports into one database at the same moment: both land whole, with distinct ids
    and case numbers; when one file has a bad record, that file leaves nothing and the other
    lands whole."""
    from sqlalchemy import text

    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    a, b = write(tmp_path, "a.toml", _cases_file("A", 150)), write(tmp_path, "b.toml", _cases_file("B", 150))
    outcomes = _load_at_once(db_url, [a, b])
    assert [o[0].loaded for o in outcomes] == [{"case": 150}, {"case": 150}], outcomes
    with db.engine.connect() as conn:
        ids = conn.execute(text("SELECT id FROM dispute_case")).scalars().all()
        seqs = sorted(conn.execute(text("SELECT seq FROM dispute_case")).scalars().all())
        events = conn.execute(text("SELECT count(*) FROM case_event")).scalar()
    assert len(ids) == len(set(ids)) == 300 and seqs == list(range(1, 301)) and events == 900

    before = snapshot(db)
    c = write(tmp_path, "c.toml", _cases_file("C", 150))
    d = write(tmp_path, "d.toml", _cases_file("D", 150, broken_last=True))
    good, bad = _load_at_once(db_url, [c, d])
    assert good[0].loaded == {"case": 150}
    assert isinstance(bad, InvalidRecords) and any("D-149" in p for p in bad.problems)
    with db.engine.connect() as conn:
        keys = conn.execute(text("SELECT key FROM import_key WHERE key LIKE 'case:D-%'")).scalars().all()
        seqs = sorted(conn.execute(text("SELECT seq FROM dispute_case")).scalars().all())
    assert keys == [] and seqs == list(range(1, 451))
    assert len(snapshot(db)["dispute_case"]) == len(before["dispute_case"]) + 150


def test_a_refusal_in_a_file_names_the_files_keys_not_the_terminals_flags(db, tmp_path):
    loader.load(db, write(tmp_path, "setup.toml", SETUP))
    text = _cases_file("E", 1).replace('{ do = "start", at = 2021-05-13, set = { mediator = "刘调解" } },',
                                       '{ do = "start", at = 2021-05-13 },')
    with pytest.raises(InvalidRecords) as err:
        loader.load(db, write(tmp_path, "e.toml", text))
    problem = err.value.problems[0]
    assert 'set = { mediator = "NAME" }' in problem and "--set" not in problem and "⟦" not in problem
