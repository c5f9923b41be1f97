"""Finding a case by what a mediator remembers, on SQLite (FTS5 trigram) and PostgreSQL
(pg_trgm): a name, two characters of one, pinyin initials, a word of the summary or of a
note written later, a corrected name, an imported record; and the warning at a second
registration of the same dispute."""

from __future__ import annotations

import pytest

from mediation import search

NEW = ["case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞互相指责",
       "--party", "孙秀英,11010519491231002X,13812345678", "--party", "吴大海", "--at", "2021-03-02"]


def _found(run, *args: str) -> list[str]:
    return [c["number"] for c in run.json("case", "list", *args)]


def test_a_case_is_found_by_name_pinyin_summary_and_note(run):
    first = run.json(*NEW, user="刘调解")["number"]
    other = run.json("case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "货款拖欠",
                     "--party", "钱多多", "--party", "赵四", "--at", "2021-03-05", user="周调解")["number"]
    for text in ("孙秀英", "秀英", "吴大", "sxy", "SXY", "sunxiuying", "排水沟", "互相指责"):
        assert _found(run, "--search", text) == [first], text
    assert _found(run, "--search", "qdd") == [other]
    assert _found(run, "--search", "赵四") == [other] and _found(run, "--search", "zs") == [other]  # two characters
    assert _found(run, "--search", "不存在的人") == []
    assert _found(run, "--search", "11010519491231002X") == []  # ID numbers are never searchable
    run.ok("case", "do", first, "triage", "--set", "risk=黄", "--note", "涉及宅基地边界", "--at", "2021-03-03",
           user="刘调解")
    assert _found(run, "--search", "宅基地边界") == [first]  # a note written later
    run.ok("case", "amend", first, "--party-fix", "吴大海=吴大河", "--note", "登记时笔误", user="刘调解")
    assert _found(run, "--search", "吴大河") == [first]  # the corrected name
    assert _found(run, "--search", "%") == [] and _found(run, "--search", "_") == []  # literal, not a wildcard


def test_a_two_character_word_is_found_anywhere(run):
    """Chinese words are often two characters: a word of the summary, of a note (at its very
    end too), or inside a name, not only a name's start or end; two Latin letters stay
    initials, never the inside of a pinyin."""
    first = run.json(*NEW, user="刘调解")["number"]
    other = run.json("case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "包工头拖欠工资三个月",
                     "--party", "钱多多", "--party", "赵四", "--at", "2021-03-05", user="周调解")["number"]
    for word, found in (("工资", [other]), ("堵塞", [first]), ("水沟", [first]), ("多多", [other]), ("秀英", [first]),
                        ("孙秀", [first]), ("秀", [first]), ("宅基", [])):
        assert _found(run, "--search", word) == found, word
    run.ok("case", "do", first, "triage", "--set", "risk=黄", "--note", "涉及宅基", "--at", "2021-03-03",
           user="刘调解")
    assert _found(run, "--search", "宅基") == [first]  # the last two characters of the text
    assert _found(run, "--search", "un") == [] and _found(run, "--search", "sx") == [first]
    assert [p["petitioner"] for p in run.json("petition", "list", "--search", "工资")] == []


def test_filters_by_party_type_and_mediator(run):
    first = run.json(*NEW, user="刘调解")["number"]
    run.json("case", "new", "--village", "龙潭村", "--type", "合同", "--summary", "借款", "--party", "甲某",
             "--party", "乙某", "--at", "2021-03-04", user="刘调解")
    run.ok("case", "do", first, "研判分流", "--set", "风险=黄", "--at", "2021-03-03", user="刘调解")
    run.ok("case", "do", first, "开始调解", "--set", "调解员=刘调解", "--at", "2021-03-03", user="刘调解")
    assert _found(run, "--party", "孙秀") == [first]
    assert _found(run, "--type", "邻里") == [first]
    assert _found(run, "--mediator", "刘调解") == [first]
    bad = run("case", "list", "--type", "打架")
    assert bad.exit_code == 1 and "unknown dispute type" in bad.stderr


def test_petitions_are_found_too(run):
    run.json("petition", "new", "--village", "龙潭村", "--petitioner", "陈建国", "--category", "劳动争议",
             "--summary", "包工头拖欠工资", "--at", "2021-03-02", user="王主任")
    assert [p["petitioner"] for p in run.json("petition", "list", "--search", "cjg")] == ["陈建国"]
    assert [p["petitioner"] for p in run.json("petition", "list", "--search", "拖欠工资")] == ["陈建国"]
    assert run.json("petition", "list", "--search", "孙秀英") == []


def test_imported_cases_are_found(run, tmp_path):
    f = tmp_path / "cases.toml"
    f.write_text('''
[[case]]
key = "k1"
by = "刘调解"
village = "龙潭村"
type = "邻里"
summary = "鸡鸭毁坏菜地"
parties = ["冯桂兰", "袁红霞"]
at = 2021-06-18
actions = [ { do = "triage", at = 2021-06-18, set = { risk = "yellow" }, note = "双方情绪激动" } ]
''', encoding="utf-8")
    run.ok("load", str(f))
    assert len(_found(run, "--search", "fgl")) == 1
    assert len(_found(run, "--search", "情绪激动")) == 1


def test_a_second_registration_of_the_same_dispute_is_warned_not_refused(run):
    first = run.json(*NEW, user="刘调解")["number"]
    again = run(*NEW[:-1], "2021-04-01", user="刘调解")
    assert again.exit_code == 0
    assert "Warning:" in again.stderr and first in again.stderr
    as_json = run.json(*NEW[:-1], "2021-04-02", user="刘调解")
    assert first in as_json["similar"]
    later = run(*NEW[:-1], "2021-08-01", user="刘调解")  # more than 90 days after the first two
    assert "Warning" not in later.stderr


def test_the_sqlite_index_holds_every_case(run):
    if not run.db_url.startswith("sqlite"):
        pytest.skip("the FTS5 table is SQLite's; PostgreSQL indexes the column itself")
    run.json(*NEW, user="刘调解")
    import sqlite3

    conn = sqlite3.connect(run.db_url.split("///", 1)[1])
    try:
        assert conn.execute("SELECT count(*) FROM case_search").fetchone() == conn.execute(
            "SELECT count(*) FROM dispute_case").fetchone()
        conn.execute("INSERT INTO case_search(case_search) VALUES ('integrity-check')")  # raises if out of step
        hits = conn.execute("SELECT rowid FROM case_search WHERE search LIKE '%孙秀英%'").fetchall()
        assert hits == conn.execute("SELECT id FROM dispute_case WHERE search LIKE '%孙秀英%'").fetchall() == [(1,)]
    finally:
        conn.close()


def test_pinyin_of_names():
    assert search.pinyin("孙秀英") == ("sxy", "sunxiuying")
    assert search.pinyin("吕A") == ("la", "lua")


def test_a_list_at_the_terminal_shows_a_page_and_says_how_many_more(run):
    """Views are built for the rows shown: 20 at the terminal, with how many there are in all;
    --limit 0 lists every case; JSON (what scripts read) keeps every case unless limited."""
    for i in range(23):
        run.ok("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", f"排水沟堵塞{i}", "--party", f"甲{i}",
               "--at", f"2021-03-{i + 1:02d}", user="刘调解")
    page = run.ok("case", "list").stdout
    assert "20 of 23 cases (--limit 0 lists them all)" in page and "(2021)营调字第020号" in page
    assert "(2021)营调字第021号" not in page
    assert "23 cases" in run.ok("case", "list", "--limit", "0").stdout
    assert len(run.json("case", "list")) == 23 and len(run.json("case", "list", "--limit", "5")) == 5
    assert run.ok("case", "list", "--search", "排水沟堵塞2").stdout.splitlines()[-1] == "4 cases"  # 2, 20, 21, 22


def test_two_characters_are_found_from_an_index_on_postgresql(run):
    """pg_trgm answers three characters or more; a two-character word goes to the index of
    each text's character pairs (migration 0019) and finds what a scan finds."""
    if not run.db_url.startswith("postgresql"):
        pytest.skip("SQLite answers two characters from its FTS5 vocabulary (test above)")
    from sqlalchemy import create_engine, text

    from mediation import search as finding
    from mediation.tables.disputes import Case

    run.json(*NEW, user="刘调解")
    run.json("case", "new", "--village", "龙潭村", "--type", "劳动争议", "--summary", "拖欠工资三个月", "--party", "程兰",
             "--party", "某建筑公司", "--at", "2021-05-02", user="刘调解")
    for word, found in (("工资", ["拖欠工资三个月"]), ("程兰", ["拖欠工资三个月"]), ("水沟", ["排水沟堵塞互相指责"]), ("沟工", []), ("秀英", ["排水沟堵塞互相指责"])):
        assert [c["summary"] for c in run.json("case", "list", "--search", word)] == found, word
    engine = create_engine(run.db_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            where = finding.condition(Case, "工资", "postgresql")
            sql = str(where.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN SELECT id FROM dispute_case WHERE {sql}")))
            assert "ix_dispute_case_bigrams" in plan, plan
    finally:
        engine.dispose()
