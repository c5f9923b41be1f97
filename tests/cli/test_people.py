"""People come and go (issue "People come and go"): a user retired, moved, renamed; a login's
password set; a login made again under an old name, and a user relinked — through the command
line, on SQLite and on the live PostgreSQL server with each person's own login."""

from __future__ import annotations

import json

import pytest

from mediation.migrate import KNOWN
from tests.cli.test_logins import Shared, _owner_sql, shared  # noqa: F401  (the fixture)

NEW_CASE = ("case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞", "--party", "甲",
            "--party", "乙", "--at", "2026-03-02")


def test_a_retired_mediators_cases_go_to_the_successor_and_their_history_stays(run):
    run.ok("user", "add", "李调解", "--role", "mediator", "--village", "龙潭村", user="王主任")
    made = run.json(*NEW_CASE, user="刘调解")
    ref = str(made["id"])
    run.ok("case", "do", ref, "triage", "--set", "risk=green", user="刘调解")
    run.ok("case", "do", ref, "start", "--set", "mediator=刘调解", user="刘调解")
    before = run.json("case", "show", ref, user="王主任")["history"]
    # Who takes over must be named, and able to mediate there; only an office retires people.
    run.refused("user", "retire", "刘调解", "--note", "调离", user="王主任", match="--to NAME")
    run.refused("user", "retire", "刘调解", "--to", "周调解", "--note", "调离", user="王主任", match="cannot take over")
    run.refused("user", "retire", "刘调解", "--to", "李调解", "--note", "调离", user="周调解", match="only a town")
    run.refused("user", "retire", "王主任", "--note", "x", user="王主任", match="cannot retire themselves")
    said = run.json("user", "retire", "刘调解", "--to", "李调解", "--note", "调离", user="王主任")
    assert said["handed_over"] == [made["number"]] and said["successor"] == "李调解"
    shown = run.json("case", "show", ref, user="王主任")
    assert shown["mediator"] == "李调解"
    assert shown["history"][:len(before)] == before  # what happened is kept as it was
    assert shown["history"][-1]["trigger"] == "amend" and "handed over from 刘调解" in shown["history"][-1]["note"]
    # The retired user acts no more, reads no more, and cannot be retired twice; the list says so.
    run.refused("case", "do", ref, "agree", user="刘调解", match="retired on")
    run.refused("case", "list", user="刘调解", match="retired on")
    run.refused("user", "retire", "刘调解", "--note", "x", user="王主任", match="retired on")
    listed = {u["name"]: u for u in run.json("user", "list", user="王主任")}
    assert listed["刘调解"]["retired_at"] and listed["李调解"]["retired_at"] is None
    assert listed["刘调解"]["last_active"] is not None
    run.ok("case", "do", ref, "agree", "--set", "agreement=oral", user="李调解")
    assert run.json("audit", "verify", user="王主任")["problems"] == []
    # The log: who did what across records, newest first, in the reader's scope.
    done = run.json("log", user="王主任")
    assert [(d["actor"], d["register"], d["trigger"]) for d in done[:3]] == [
        ("李调解", "case", "agree"), ("王主任", "user", "retire"), ("王主任", "case", "amend")]
    assert {d["trigger"] for d in run.json("log", "--user", "刘调解", user="王主任")} == {"register", "triage", "start"}
    run.ok("case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "货款", "--party", "钱某",
           "--at", "2026-03-03", user="周调解")
    assert {d["record"] for d in run.json("log", user="李调解")} == {made["number"]}  # (not 朱家湾村's)
    assert len(run.json("log", user="王主任", )) == len(done) + 1
    run.refused("log", "--from", "2026-12-01", "--to", "2026-11-01", user="王主任", match="start comes after")
    run.refused("log", "--user", "无名氏", user="王主任", match="no such user")


def test_a_moved_mediator_hands_over_the_old_villages_cases_and_a_rename_follows_the_open_ones(run):
    made = run.json(*NEW_CASE, user="刘调解")
    ref = str(made["id"])
    run.ok("case", "do", ref, "triage", "--set", "risk=green", user="刘调解")
    run.ok("case", "do", ref, "start", "--set", "mediator=刘调解", user="刘调解")
    run.refused("user", "move", "刘调解", "--village", "朱家湾村", "--note", "调整", user="王主任", match="--to NAME")
    run.refused("user", "move", "王主任", "--village", "朱家湾村", "--note", "调整", user="王主任", match="only a mediator")
    moved = run.json("user", "move", "刘调解", "--village", "朱家湾村", "--to", "王主任", "--note", "调整", user="王主任")
    assert moved["village"] == "朱家湾村" and moved["handed_over"] == [made["number"]]
    assert run.json("case", "show", ref, user="王主任")["mediator"] == "王主任"
    # A rename: the open cases follow; the old name is no one else's, ever.
    renamed = run.json("user", "rename", "周调解", "周调节", "--note", "录入错误", user="王主任")
    assert renamed["name"] == "周调节"
    run.refused("user", "add", "周调解", "--role", "mediator", "--village", "龙潭村", user="王主任",
                match="another user's before a rename")
    run.refused("user", "rename", "刘调解", "王主任", "--note", "x", user="王主任", match="is or was another user's")
    run.ok("user", "rename", "周调节", "周调解", "--note", "改回", user="王主任")  # (their own name again)
    if run.db_url.startswith("sqlite"):
        run.refused("user", "password", "周调解", user="王主任", match="no logins")


@pytest.mark.postgres
def test_logins_over_the_years(shared, tmp_path):  # noqa: F811
    """Retire a mediator with a login, make a role again under their login's name, reset a
    password as the town, relink after a restore — as the people would, through the CLI."""
    s: Shared = shared
    s.ok("王主任", "user", "add", "李调解", "--role", "mediator", "--village", "龙潭村")
    ref = str(s.json("刘调解", "case", "list")[0]["id"])
    s.ok("刘调解", "case", "do", ref, "triage", "--set", "risk=green")
    s.ok("刘调解", "case", "do", ref, "start", "--set", "mediator=刘调解")
    # 周调解 (a mediator) may not retire anyone, nor set another's password; another village's
    # mediator they do not even see.
    s.refused("周调解", "user", "retire", "王主任", "--note", "x", match="only a town")
    s.refused("周调解", "user", "password", "王主任", "--password-stdin", input="new pw\n", match="only a town")
    s.refused("周调解", "user", "retire", "刘调解", "--to", "李调解", "--note", "x", match="no such user")
    # Nor by plain SQL: the functions check their caller again.
    liu = _owner_sql("SELECT id FROM app_user WHERE name = '刘调解'", s.owner)[0][0]
    s.sql_refused("周调解", "SELECT mediation_set_login(:u, false)", match="may not change", u=liu)
    s.sql_refused("周调解", "SELECT mediation_relink(:u, 'someone_else')", match="may not change", u=liu)
    s.sql_refused("周调解", "SELECT mediation_set_password(:u, 'SCRAM-SHA-256$x')", match="may not change", u=liu)
    s.sql_refused("周调解", "UPDATE app_user SET retired_at = now() WHERE name = '周调解'", match="permission denied")
    # The town retires 刘调解: the login is refused, the open case is 李调解's.
    said = s.json("王主任", "user", "retire", "刘调解", "--to", "李调解", "--note", "调离")
    assert said["login_disabled"] is True and said["handed_over"]
    s.refused("刘调解", "case", "list", match="may not log in")
    listed = {u["name"]: u for u in s.json("王主任", "user", "list")}
    assert listed["刘调解"]["login_state"] == "disabled" and listed["周调解"]["login_state"] == "active"
    # 杏坪镇's town user sees nothing of it and may not retire 营盘镇's people.
    s.refused(None, "user", "retire", "周调解", "--note", "x", claim="杏主任", match="own town")
    # A role made again under the retired login's name is nobody (and sees no user row).
    old = s.logins["刘调解"]
    _owner_sql(f'DROP ROLE "{old}"')
    _owner_sql(f"CREATE ROLE \"{old}\" LOGIN PASSWORD 'secret 密码' IN ROLE mediation_mediator")
    s.refused("刘调解", "case", "list", match="belongs to no user")
    assert s.sql("刘调解", "SELECT name FROM app_user") == []
    assert {u["name"]: u for u in s.json("王主任", "user", "list")}["刘调解"]["login_state"] == "replaced"
    # The town resets 周调解's password (this server trusts local logins, so the test reads the
    # verifier the server keeps: SCRAM, of the new password, not the old); a person sets their own.
    zhou = s.logins["周调解"]
    assert _password_is(zhou, "secret 密码")
    s.ok("王主任", "user", "password", "周调解", "--password-stdin", input="另一个 密码\n")
    assert _password_is(zhou, "另一个 密码") and not _password_is(zhou, "secret 密码")
    s.ok("周调解", "user", "password", "--password-stdin", input="secret 密码\n")
    assert _password_is(zhou, "secret 密码")
    s.refused(None, "user", "password", "刘调解", "--password-stdin", input="x\n", claim="王主任", match="retired")
    # Relinked to a login that is missing: made disabled, enabled by its password.
    fresh = f"t{s.suffix}_fresh"
    s.roles.append(fresh)
    s.ok("王主任", "user", "add", "新调解", "--role", "mediator", "--village", "龙潭村")
    made = s.json("王主任", "user", "relink", "新调解", "--login", fresh, "--note", "恢复后重新关联")
    assert made["login_made"] is True
    assert {u["name"]: u for u in s.json("王主任", "user", "list")}["新调解"]["login_state"] == "disabled"
    s.ok("王主任", "user", "password", "新调解", "--password-stdin", input="secret 密码\n")
    s.logins["新调解"] = fresh
    assert s.json("新调解", "case", "list")  # (龙潭村's case, now 李调解's)
    # A role with powers of its own, or another user's login, is never a person's login; an
    # existing role (the one made again under 刘调解's old login) is linked by the owner alone.
    s.refused("王主任", "user", "relink", "新调解", "--login", s.logins["周调解"], "--note", "x",
              match="is 周调解's login")
    s.refused("王主任", "user", "relink", "刘调解", "--login", old, "--note", "x", match="schema owner")
    relinked = s.json(None, "user", "relink", "刘调解", "--login", old, "--note", "同一人", claim="王主任")
    assert relinked["login_made"] is False
    assert {u["name"]: u for u in s.json("王主任", "user", "list")}["刘调解"]["login_state"] == "disabled"
    s.refused("刘调解", "case", "list", match="may not log in")  # (retired: relinked, still disabled)
    assert s.json("县矛调", "audit", "verify")["problems"] == []
    # A backup restored where a login is gone (as on a new server): the owner takes and restores
    # it (no one named), the restore names each user to relink, and relinking makes the login.
    dump = str(tmp_path / "backup.dump")
    s.ok(None, "backup", dump)
    _owner_sql(f'DROP ROLE "{fresh}"')
    restored = json.loads(s.ok(None, "restore", dump, "--yes", "--json").stdout)
    assert restored["logins_to_relink"] == [{"name": "新调解", "login": fresh, "state": "missing"}]
    assert {u["name"]: u for u in s.json("王主任", "user", "list")}["新调解"]["login_state"] == "missing"
    again = s.json("王主任", "user", "relink", "新调解", "--login", fresh, "--note", "恢复到新服务器")
    assert again["login_made"] is True
    s.ok("王主任", "user", "password", "新调解", "--password-stdin", input="secret 密码\n")
    assert [c["village"] for c in s.json("新调解", "case", "list")] == ["龙潭村"]


def _password_is(login: str, password: str) -> bool:
    """Whether the server's SCRAM-SHA-256 verifier of ``login`` is of ``password`` (RFC 5802/7677)."""
    import base64
    import hashlib
    import hmac

    stored = _owner_sql("SELECT rolpassword FROM pg_authid WHERE rolname = :l", l=login)[0][0]
    method, rest = stored.split("$", 1)
    params, keys = rest.split("$")
    iterations, salt = params.split(":")
    stored_key = base64.b64decode(keys.split(":")[0])
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    return method == "SCRAM-SHA-256" and hashlib.sha256(client_key).digest() == stored_key


@pytest.mark.postgres
def test_an_upgrade_names_the_owner_to_a_person(shared):  # noqa: F811
    s: Shared = shared
    owner = _owner_sql("SELECT tableowner FROM pg_tables WHERE schemaname = :s AND tablename = 'alembic_version'",
                       s=s.schema)[0][0]
    s.ok("王主任", "upgrade")  # (current: nothing to do, nothing refused)
    s.ok("王主任", "init", "--town", "营盘镇", "--village", "新村")  # an office adds a village
    _owner_sql("UPDATE alembic_version SET version_num = :v", s.owner, v=KNOWN[-2])
    try:
        said = s.refused("刘调解", "case", "list", match="older release")
        assert f"schema owner's login ({owner})" in said
        s.refused("王主任", "upgrade", match=f"schema owner's login ({owner})")
    finally:
        _owner_sql("UPDATE alembic_version SET version_num = :v", s.owner, v=KNOWN[-1])


@pytest.mark.postgres
def test_a_person_of_another_database_on_the_server_reads_nothing_here(shared):  # noqa: F811
    """The group roles are the server's: a person of a second mediation database (here a second
    schema, which shares them the same way) is in the same groups, and reads no row of this one."""
    from tests.conftest import drop_pg_schema, new_pg_schema

    s: Shared = shared
    schema, other = new_pg_schema("mediation_other")
    login = f"t{s.suffix}_other"
    s.roles.append(login)
    try:
        assert s.cli(other, "init", "--town", "别镇", "--abbr", "别", "--village", "别村").exit_code == 0
        assert s.cli(other, "user", "add", "别主任", "--role", "town", "--login", login, "--password-stdin",
                     input="secret 密码\n").exit_code == 0
        assert s.cli(s.url(login).replace(s.schema, schema), "case", "list").exit_code == 0  # (at home: fine)
        here = s.url(login)  # this database's URL, the other database's person
        s.refused(None, "case", "list", url=here, match="belongs to no user")
        s.logins["别主任"] = login
        tables = [t for (t,) in _owner_sql("SELECT tablename FROM pg_tables WHERE schemaname = :s", s=s.schema)]
        for table in tables:
            try:
                rows = s.sql("别主任", f'SELECT * FROM "{table}"')
            except Exception as exc:  # noqa: BLE001 - no right at all is as good
                assert "permission denied" in str(exc), (table, exc)
                continue
            assert rows == [], f"{table}: {len(rows)} row(s) read by another database's person"
    finally:
        drop_pg_schema(schema)


@pytest.mark.postgres
def test_a_person_on_a_database_not_set_up_is_told_whose_login_sets_it_up(shared):  # noqa: F811
    from tests.conftest import drop_pg_schema, new_pg_schema

    s: Shared = shared
    schema, _url = new_pg_schema("mediation_empty")
    try:
        _owner_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO mediation_mediator')
        s.refused(None, "case", "list", url=s.as_login("周调解").replace(s.schema, schema),
                  match="its owner's login")
    finally:
        drop_pg_schema(schema)
