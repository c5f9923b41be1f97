"""The server's rules as an attacker meets them: read from the schema's own catalog (every
table, policy and function there is, not a list someone keeps), and tried with plain SQL as
each kind of login on a database of two towns. A table or function added later is covered
without anyone remembering to add it here: an unknown one fails until it is judged.
"""

from __future__ import annotations

import re

import pytest
from tests.cli.test_logins import Shared, _owner_sql, shared  # noqa: F401  (the fixture)

pytestmark = pytest.mark.postgres

# Tables every login of the database reads whole: the places' names and the schema revision.
SHARED_TABLES = {"town", "village", "alembic_version", "calendar_year"}


def _owner(s: Shared, statement: str, **params):
    return _owner_sql(statement, s.owner, **params)


@pytest.fixture
def two_towns(shared):  # noqa: F811
    """营盘镇 (王主任, 刘调解, 周调解, 县矛调 have logins) and 杏坪镇, whose 杏主任 gets one too."""
    s = shared
    login = f"t{s.suffix}_xing"
    s.roles.append(login)
    s.ok("县矛调", "user", "login", "杏主任", "--login", login, "--password-stdin", input="secret 密码\n")
    s.logins["杏主任"] = login
    s.ok("杏主任", "matter", "new", "--kind", "reconsideration", "--summary", "杏坪某复议", "--at", "2021-05-06",
         "--accepted", "2021-05-06")
    s.ok("王主任", "screening", "add", "--village", "龙潭村", "--mode", "逐个", "--found", "2", "--at", "2021-04-01")
    towns = dict(_owner(s, "SELECT name, id FROM town"))
    return s, towns["营盘镇"], towns["杏坪镇"]


def _tables(s: Shared) -> dict[str, dict]:
    rows = _owner(s, """SELECT c.relname, c.relrowsecurity,
                               array(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid
                                     AND a.attnum > 0 AND NOT a.attisdropped) AS columns
                        FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'""")
    return {name: {"rls": rls, "columns": set(cols)} for name, rls, cols in rows}


def _parent_with_town(s: Shared, table: str) -> tuple[str, str] | None:
    """(the column, the table it points to) of a foreign key to a table that has a town."""
    rows = _owner(s, """SELECT a.attname::text, f.relname::text FROM pg_constraint k
                        JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.conkey[1]
                        WHERE k.contype = 'f' AND t.relname = :t AND t.relnamespace = current_schema()::regnamespace
                          AND EXISTS (SELECT 1 FROM pg_attribute x WHERE x.attrelid = f.oid AND x.attname = 'town_id')
                          AND f.relname <> 'town'""", t=table)
    return (rows[0][0], rows[0][1]) if rows else None


def test_every_table_shows_a_town_login_only_its_town(two_towns):
    s, ying, xing = two_towns
    tables = _tables(s)
    judged = []
    for table, info in sorted(tables.items()):
        if table in SHARED_TABLES:
            continue
        assert info["rls"], f"{table}: no row-level security, and not a table every login may read"
        if "town_id" in info["columns"]:
            of_other = f"SELECT count(*) FROM {table} WHERE town_id = :other"
        elif (parent := _parent_with_town(s, table)) is not None:
            column, ptable = parent
            of_other = (f"SELECT count(*) FROM {table} x WHERE EXISTS (SELECT 1 FROM {ptable} p "
                        f"WHERE p.id = x.{column} AND p.town_id = :other)")
        elif table == "import_key":
            continue  # keys follow their record: test_import_keys_follow_their_record
        else:
            pytest.fail(f"{table}: neither a town nor a record with one; judge it here")
        for who, other in (("杏主任", ying), ("王主任", xing), ("刘调解", xing)):
            assert s.sql(who, of_other, other=other) == [(0,)], (table, who)
            # deleting is no one's right (changing: test_no_login_writes_outside_its_place)
            s.sql_refused(who, f"DELETE FROM {table}", "permission denied")
        judged.append(table)
    assert {"dispute_case", "party", "case_event", "matter", "employment", "chain_link", "access_log"} <= set(judged)


def test_no_login_writes_outside_its_place(two_towns):
    s, ying, xing = two_towns
    for table, info in sorted(_tables(s).items()):
        if "town_id" not in info["columns"] or table in SHARED_TABLES or table == "app_user":
            continue
        col = sorted(info["columns"] - {"id", "town_id"})[0]
        for who, other in (("杏主任", ying), ("王主任", xing), ("刘调解", xing)):
            try:
                changed = s.sql(who, f'UPDATE {table} SET "{col}" = "{col}" WHERE town_id = :o', o=other)
            except Exception as exc:  # noqa: BLE001 - a refusal is as good as nothing changed
                assert "permission denied" in str(exc), (table, who, exc)
                continue
            assert changed == 0, (table, who)
        # Moving one's own rows into another town is refused by the server.
        if table in ("dispute_case", "petition", "subject", "screening_round", "matter"):
            for who, other in (("杏主任", ying), ("王主任", xing)):
                if s.sql(who, f"SELECT count(*) FROM {table}")[0][0]:
                    s.sql_refused(who, f"UPDATE {table} SET town_id = :o", "row-level security", o=other)


def test_every_function_is_no_ones_by_default_and_pinned(two_towns):
    s, _ying, _xing = two_towns
    rows = _owner(s, """SELECT p.oid::regprocedure::text, p.proname::text, p.prosecdef, p.proconfig,
                               EXISTS (SELECT 1 FROM aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                                       WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE') AS public
                        FROM pg_proc p WHERE p.pronamespace = current_schema()::regnamespace
                          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""")
    assert rows
    for signature, name, definer, config, public in rows:
        assert name.startswith("mediation_"), f"{signature}: not ours; judge it here"
        assert not public, f"{signature}: PUBLIC may execute it"
        assert any(c.startswith("search_path=") for c in (config or [])), f"{signature}: search_path not pinned"
        assert definer, signature
        # Nothing takes a login to answer for: each reads the connected one.
        assert "(name)" not in signature, signature


def test_a_town_cannot_take_over_another(two_towns):
    s, ying, xing = two_towns
    jinmi = _owner(s, "SELECT id FROM village WHERE name = '金米村'")[0][0]
    # A user of 营盘镇 placed in 杏坪镇's village, or given a login by plain SQL: refused.
    s.sql_refused("王主任", "INSERT INTO app_user (name, role, town_id, village_id, created_at) "
                           "VALUES ('x', 'mediator', :t, :v, now())", "row-level security", t=ying, v=jinmi)
    s.sql_refused("王主任", "INSERT INTO app_user (name, role, town_id, village_id, created_at, login) "
                           "VALUES ('x', 'town', :t, NULL, now(), :l)", "row-level security", t=ying,
                  l=s.logins["刘调解"] + "_x")
    s.sql_refused("王主任", "INSERT INTO app_user (name, role, town_id, village_id, created_at) "
                           "VALUES ('x', 'mediator', :t, NULL, now())", "row-level security", t=ying)
    # Numbering: only one's own town's register is counted and locked.
    s.sql_refused("刘调解", "SELECT mediation_next_seq('dispute_case', :t, 2021)", "may not number", t=xing)
    s.sql_refused("杏主任", "SELECT mediation_next_seq('dispute_case', :t, 2021)", "may not number", t=ying)
    assert s.sql("周调解", "SELECT mediation_next_seq('dispute_case', :t, 2021)", t=ying) == [(3,)]
    # The helpers answer for the connected login only.
    assert s.sql("刘调解", "SELECT mediation_name(), mediation_role(), mediation_town()") == [("刘调解", "mediator", None)]
    s.sql_refused("刘调解", "SELECT mediation_name(:l)", "does not exist", l=s.logins["王主任"])
    # Another town's report is refused, not a page of zeros.
    s.refused("王主任", "report", "annual", "2021", "--town", "杏坪镇", match="reports on their own town")
    s.refused("刘调解", "audit", "verify", match="verified by town or county users")


def test_whatever_a_login_writes_under_a_name_is_its_own_name(two_towns):
    """Every table with an ``actor`` or a ``loaded_by`` (read from the catalog) refuses a row
    signed with another person's name: a mediator writing "王主任 approved" into a case's trail,
    an office signing a screening round as a village's mediator. The same row under one's own name passes the
    server's rules (in a transaction rolled back)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    s, _ying, _xing = two_towns
    # A row the writer may see is copied with another's name (a step's number moved past the
    # last, so the copy is new), as a person with psql would forge one.
    s.ok("刘调解", "case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "署名测试",
         "--party", "甲", "--party", "乙", "--at", "2021-06-01")
    naming = {"actor", "loaded_by"}  # the columns that say who wrote a row
    signed = {t: min(info["columns"] & naming) for t, info in _tables(s).items() if info["columns"] & naming}
    assert {"case_event", "petition_event", "matter_event", "subject_event", "employment", "screening_round",
            "zero_report", "attachment", "calendar_year"} <= set(signed)
    policies = _owner(s, "SELECT tablename::text, permissive, cmd, with_check FROM pg_policies "
                         "WHERE schemaname = current_schema()")

    def checked(table: str, column: str, commands: tuple[str, ...]) -> bool:
        return any(t == table and permissive == "RESTRICTIVE" and cmd in commands
                   and re.search(rf"\(?{column}\)?(::text)? = \( SELECT mediation_name\(\)", check or "")
                   for t, permissive, cmd, check in policies)

    tried = []
    for table, column in sorted(signed.items()):
        assert checked(table, column, ("INSERT", "ALL")), f"{table}: a row may be signed by anyone"
        columns = sorted(_tables(s)[table]["columns"] - {"id"})
        values = ", ".join("seq + 1000" if c == "seq" else ":name" if c == column else f'"{c}"' for c in columns)
        insert = (f'INSERT INTO {table} ({", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)}) '
                  f"SELECT {values} FROM {table} ORDER BY 1 LIMIT 1")
        for who, other in (("刘调解", "王主任"), ("王主任", "刘调解")):
            engine = create_engine(s.as_login(who))
            try:
                with engine.connect() as conn:
                    seen = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                    conn.rollback()
                    if not seen:
                        continue
                    with pytest.raises(DBAPIError, match="row-level security"):
                        with conn.begin():
                            conn.execute(text(insert), {"name": other})
                    with conn.begin() as tx:  # one's own name: whatever else may refuse it, not this rule
                        try:
                            conn.execute(text(insert), {"name": who})
                        except DBAPIError as exc:
                            assert "row-level security" not in str(exc.orig), (table, who, exc.orig)
                        tx.rollback()
                    tried.append((table, who))
            finally:
                engine.dispose()
    assert {("case_event", "刘调解"), ("case_event", "王主任"), ("screening_round", "王主任")} <= set(tried), tried
    # A holiday notice is replaced in place: its loader is checked when it changes too.
    assert checked("calendar_year", "loaded_by", ("UPDATE", "ALL"))
    _owner(s, "INSERT INTO calendar_year (year, holidays, workdays, source, loaded_by, loaded_at) "
              "VALUES (2031, '[]', '[]', '署名测试', '王主任', now())")
    try:
        s.sql_refused("王主任", "UPDATE calendar_year SET loaded_by = '县矛调' WHERE year = 2031", "row-level security")
        assert s.sql("王主任", "UPDATE calendar_year SET source = '署名测试二' WHERE year = 2031") == 1
    finally:
        _owner(s, "DELETE FROM calendar_year WHERE year = 2031")


def test_a_user_is_renamed_moved_or_retired_only_with_its_event(two_towns):
    """What an office may change of a user (``logins.USER_CHANGES``) is refused by plain SQL
    that leaves ``user log`` silent, and passes with the event written in the same transaction,
    as ``mediation user rename`` writes it."""
    s, ying, _xing = two_towns
    zhou = _owner(s, "SELECT id, village_id FROM app_user WHERE name = '周调解'")[0]
    other_village = _owner(s, "SELECT id FROM village WHERE town_id = :t AND id <> :v ORDER BY id LIMIT 1",
                           t=ying, v=zhou[1])[0][0]
    for change in ("name = '周某'", "village_id = :v", "retired_at = now()"):
        s.sql_refused("王主任", f"UPDATE app_user SET {change} WHERE id = :u", "without its event", u=zhou[0],
                      v=other_village)
    assert _owner(s, "SELECT name, village_id, retired_at FROM app_user WHERE id = :u", u=zhou[0]) == [
        ("周调解", zhou[1], None)]
    # An event of another transaction, or of another kind, does not cover the change.
    s.sql("王主任", "INSERT INTO user_event (user_id, town_id, \"trigger\", actor, at) VALUES (:u, :t, 'rename', "
                   "'王主任', now())", u=zhou[0], t=ying)
    s.sql_refused("王主任", "UPDATE app_user SET name = '周某' WHERE id = :u", "without its event", u=zhou[0])
    s.sql_refused("王主任", "WITH e AS (INSERT INTO user_event (user_id, town_id, \"trigger\", actor, at) "
                           "VALUES (:u, :t, 'move', '王主任', now())) UPDATE app_user SET name = '周某' WHERE id = :u",
                  "without its event", u=zhou[0], t=ying)
    # The program's own way passes, and the log says it.
    s.ok("王主任", "user", "rename", "周调解", "周小燕", "--note", "户籍更名")
    assert _owner(s, "SELECT name FROM app_user WHERE id = :u", u=zhou[0]) == [("周小燕",)]
    s.ok("王主任", "user", "rename", "周小燕", "周调解", "--note", "改回")


def test_the_county_reads_id_numbers_through_the_log(two_towns):
    s, _ying, _xing = two_towns
    full = s.json("县矛调", "case", "show", "(2021)营调字第001号", "--unmask")
    assert full["party_details"][0]["id_number"] == "11010519491231002X"
    assert s.sql("王主任", "SELECT actor FROM access_log") == [("县矛调",)]


# Personal columns: any column of the schema named so, found in the catalog (a table added
# later with an ID number or a phone is covered without anyone remembering to).
PERSONAL = "(attname LIKE '%id_number' OR attname LIKE '%phone')"


def test_id_numbers_and_phones_only_through_the_log(two_towns):
    s, ying, xing = two_towns
    s.ok("王主任", "petition", "new", "--village", "龙潭村", "--petitioner", "陈建国,11010519491231002X,13900001111",
         "--category", "request", "--summary", "修路", "--at", "2021-05-01")
    columns = _owner(s, f"""SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                           WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
                             AND a.attnum > 0 AND NOT a.attisdropped AND {PERSONAL}""")
    assert {("party", "id_number"), ("party", "phone"), ("petition", "petitioner_id_number"),
            ("petition", "petitioner_phone")} == set(columns)
    for who in ("王主任", "刘调解", "县矛调", "杏主任"):
        for table, column in columns:
            s.sql_refused(who, f"SELECT {column} FROM {table}", "permission denied")
            s.sql_refused(who, f"SELECT count(*) FROM {table} WHERE {column} LIKE '1101%'", "permission denied")
        s.sql_refused(who, "SELECT * FROM party", "permission denied")
    # What people's logins read is the mask the database derives.
    assert s.sql("刘调解", "SELECT id_number_masked, phone_masked FROM party WHERE id_number_masked IS NOT NULL") == \
        [("1101**********002X", "138****5678")]
    assert s.sql("王主任", "SELECT petitioner_id_number_masked FROM petition") == [("1101**********002X",)]
    assert s.sql("王主任", "SELECT count(*) FROM access_log") == [(0,)]
    # The one path: the values with their access-log rows, by the connected person (a name
    # passed for the actor counts for the schema owner only).
    case = s.sql("刘调解", "SELECT id FROM dispute_case")[0][0]
    assert s.sql("刘调解", "SELECT pos, id_number, phone FROM mediation_unmask('case', ARRAY[:c], '王主任') "
                          "ORDER BY pos", c=case) == [(0, "11010519491231002X", "13812345678"), (1, None, None)]
    petition = s.sql("王主任", "SELECT id FROM petition")[0][0]
    assert s.sql("王主任", "SELECT id_number, phone FROM mediation_unmask('petition', ARRAY[:p])", p=petition) == \
        [("11010519491231002X", "13900001111")]
    assert s.sql("王主任", "SELECT actor, kind FROM access_log ORDER BY id") == [("刘调解", "case"), ("王主任", "petition")]
    # Out of place: nothing returned, nothing logged.
    other = s.sql("周调解", "SELECT id FROM dispute_case")[0][0]
    s.sql_refused("刘调解", "SELECT * FROM mediation_unmask('case', ARRAY[:c, :o])", "may not see", c=case, o=other)
    s.sql_refused("周调解", "SELECT * FROM mediation_unmask('petition', ARRAY[:p])", "may not see", p=petition)
    s.sql_refused("杏主任", "SELECT * FROM mediation_unmask('case', ARRAY[:c])", "may not see", c=case)
    s.sql_refused("杏主任", "SELECT * FROM mediation_unmask('subject', ARRAY[1])", "nothing personal")
    s.sql_refused("杏主任", "SELECT * FROM mediation_hashes_party(:t)", "may not verify", t=ying)
    s.sql_refused("刘调解", "SELECT * FROM mediation_hashes_petition(:t)", "may not verify", t=ying)
    assert s.sql("县矛调", "SELECT count(*) FROM access_log") == [(2,)]
    # The commands take the same path, for every kind of login within its place.
    assert s.json("王主任", "petition", "show", "(2021)营信字第001号", "--unmask")["petitioner_phone"] == "13900001111"
    assert s.json("王主任", "petition", "show", "(2021)营信字第001号")["petitioner_phone"] == "139****1111"
    assert s.json("刘调解", "case", "show", "2021-1", "--unmask")["party_details"][0]["phone"] == "13812345678"
    s.refused("杏主任", "case", "show", "(2021)营调字第001号", "--unmask", match="no such case")
    assert s.sql("县矛调", "SELECT count(*) FROM access_log") == [(4,)]
    # A correction writes the number typed; the trail keeps it masked, never in full.
    s.ok("王主任", "case", "amend", "2021-1", "--party-fix", "孙秀英=孙秀英,110105194912310046,13812349999",
         "--note", "身份证号录错")
    s.ok("王主任", "petition", "amend", "(2021)营信字第001号", "--petitioner", "陈建国,,13900002222", "--note", "换号")
    assert s.json("王主任", "case", "show", "2021-1", "--unmask")["party_details"][0]["id_number"] == \
        "110105194912310046"
    for table in ("case_event", "petition_event"):
        assert s.sql("县矛调", f"SELECT count(*) FROM {table} WHERE concat(values::text, prior::text) ~ "
                             "'[0-9]{11}'") == [(0,)], table
    assert s.json("王主任", "audit", "verify", "--town", "营盘镇")["ok"]


def test_import_keys_follow_their_record(two_towns):
    s, ying, xing = two_towns
    case = s.sql("县矛调", "SELECT id FROM dispute_case WHERE town_id = :t", t=xing)[0][0]
    _owner(s, "INSERT INTO import_key (key, kind, record_id, source, loaded_at) VALUES ('case:x', 'case', :c, 'f', "
              "now())", c=case)
    assert s.sql("王主任", "SELECT count(*) FROM import_key") == [(0,)]
    assert s.sql("王主任", "UPDATE import_key SET record_id = 1") == 0
    assert s.sql("县矛调", "SELECT count(*) FROM import_key") == [(1,)]


def test_the_chain_is_whole_as_each_office_sees_it(two_towns):
    s, _ying, _xing = two_towns
    assert s.json("王主任", "audit", "verify", "--town", "营盘镇")["ok"]
    sealed = s.json("杏主任", "audit", "seal", "--town", "杏坪镇")
    assert sealed["town"] == "杏坪镇" and sealed["events"] > 0
    assert s.json("县矛调", "audit", "verify", "--town", "杏坪镇", "--seal", sealed["code"])["ok"]
    # No login writes a link, nor changes one.
    s.sql_refused("王主任", "UPDATE chain_link SET hash = 'x'", "permission denied")
    s.sql_refused("王主任", "INSERT INTO chain_link VALUES (1, 999, 'x', 'party', 1, 1, 'x', 'x')", "permission denied")


def test_a_county_loads_the_calendar_and_every_towns_deadlines_move(two_towns, tmp_path):
    s, _ying, _xing = two_towns
    from mediation import deadlines

    numbers = []
    for who in ("王主任", "杏主任"):
        s.ok(who, "matter", "new", "--kind", "reconsideration", "--summary", "不服处罚", "--at", "2026-11-05",
             "--accepted", "2026-11-02")
        number = s.json(who, "matter", "list")[-1]["number"]
        assert s.json(who, "matter", "do", number, "answer", "--at", "2026-11-10")["deadline"] == "2027-01-04"
        numbers.append(number)
    notice = tmp_path / "2027.toml"
    notice.write_text("year = 2027\nholidays = [2027-01-01]\nworkdays = [2027-01-02]\n", encoding="utf-8")
    try:
        s.refused("王主任", "calendar", "load", str(notice), match="county user")
        moved = s.json("县矛调", "calendar", "load", str(notice))["moved"]
        assert sorted(m["number"] for m in moved) == sorted(numbers)
    finally:
        deadlines.use_loaded({})
