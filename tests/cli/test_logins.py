"""Who acts, on the live PostgreSQL server: each person's own login, and row-level security.

Two mediators of two villages, a town user and a county user each get a login; as each, the
command line and plain SQL (no application code) allow and refuse exactly what the README's
permission matrix says. The logins and the scratch schema are dropped afterwards.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from cli import main
from tests.conftest import PG_URL, drop_pg_schema, new_pg_schema

pytestmark = pytest.mark.postgres


@dataclass
class Shared:
    """One shared database: the owner's URL and a URL per person's login."""

    owner: str
    schema: str
    suffix: str
    logins: dict[str, str] = field(default_factory=dict)  # user name -> login
    roles: list[str] = field(default_factory=list)  # every server role made here, dropped after

    def url(self, login: str) -> str:
        return make_url(self.owner).set(username=login, password="secret 密码").render_as_string(hide_password=False)

    def as_login(self, user: str) -> str:
        return self.url(self.logins[user])

    def cli(self, url: str, *args: str, claim: str | None = None, input: str | None = None):
        runner = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "100", "MEDIATION_USER": None})
        head = ["--db", url] + (["--as", claim] if claim else [])
        return runner.invoke(main, head + list(args), input=input, catch_exceptions=False)

    def ok(self, who: str | None, *args: str, claim: str | None = None, input: str | None = None):
        result = self.cli(self.as_login(who) if who else self.owner, *args, claim=claim, input=input)
        assert result.exit_code == 0, result.output
        return result

    def json(self, who: str | None, *args: str, **kw):
        return json.loads(self.ok(who, *args, "--json", **kw).stdout)

    def refused(self, who: str | None, *args: str, match: str, url: str | None = None, claim: str | None = None,
                input: str | None = None):
        result = self.cli(url or (self.as_login(who) if who else self.owner), *args, claim=claim, input=input)
        assert result.exit_code == 1, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
        assert match in lines[0], lines[0]
        assert "Traceback" not in result.output
        return lines[0]

    def sql(self, who: str, statement: str, **params):
        """Plain SQL as the person's login: rows (or the row count of a change), committed."""
        engine = create_engine(self.as_login(who))
        try:
            with engine.begin() as conn:
                result = conn.execute(text(statement), params)
                return result.all() if result.returns_rows else result.rowcount
        finally:
            engine.dispose()

    def sql_refused(self, who: str, statement: str, match: str, **params) -> None:
        with pytest.raises(DBAPIError) as caught:
            self.sql(who, statement, **params)
        assert match in str(caught.value.orig)


def _owner_sql(statement: str, url: str = PG_URL, **params):
    """Plain SQL as the schema owner (of ``url``'s schema): rows, or the row count of a change."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount
    finally:
        engine.dispose()


@pytest.fixture
def shared():
    schema, owner = new_pg_schema("mediation_rls")
    s = Shared(owner=owner, schema=schema, suffix=uuid.uuid4().hex[:6])
    try:
        s.ok(None, "init", "--town", "营盘镇", "--village", "龙潭村", "--village", "朱家湾村")
        s.ok(None, "init", "--town", "杏坪镇", "--abbr", "杏", "--village", "金米村")
        # The schema owner adds the county's first user; from then on people add people.
        for name, args, by in [
            ("县矛调", ["--role", "county"], None),
            ("王主任", ["--role", "town", "--town", "营盘镇"], "县矛调"),
            ("刘调解", ["--role", "mediator", "--village", "龙潭村"], "王主任"),
            ("周调解", ["--role", "mediator", "--village", "朱家湾村"], "王主任"),
        ]:
            login = f"t{s.suffix}_{len(s.logins)}"
            s.roles.append(login)
            s.ok(by, "user", "add", name, *args, "--login", login, "--password-stdin", input="secret 密码\n")
            s.logins[name] = login
        s.ok("县矛调", "user", "add", "杏主任", "--role", "town", "--town", "杏坪镇")
        s.ok("刘调解", "case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
             "--party", "孙秀英,11010519491231002X,13812345678", "--party", "吴大海", "--at", "2021-03-02")
        s.ok("周调解", "case", "new", "--village", "朱家湾村", "--type", "合同", "--summary", "货款拖欠",
             "--party", "钱某", "--party", "赵某", "--at", "2021-03-03")
        s.ok("县矛调", "case", "new", "--village", "杏坪镇/金米村", "--type", "邻里", "--summary", "林地界址",
             "--party", "甲", "--party", "乙", "--at", "2021-03-04")
        s.ok("王主任", "matter", "new", "--kind", "litigation", "--summary", "某诉镇政府", "--at", "2021-04-12")
        yield s
    finally:
        drop_pg_schema(schema)
        for role in s.roles:
            _owner_sql(f'DROP ROLE IF EXISTS "{role}"')


def _numbers(s: Shared, who: str) -> list[str]:
    return [c["number"] for c in s.json(who, "case", "list")]


def test_each_login_lists_only_its_own_place(shared):
    s = shared
    # Numbers are the town's, counted over villages a mediator's login cannot see.
    assert _numbers(s, "刘调解") == ["(2021)营调字第001号"]
    assert _numbers(s, "周调解") == ["(2021)营调字第002号"]
    assert sorted(_numbers(s, "王主任")) == ["(2021)营调字第001号", "(2021)营调字第002号"]
    assert sorted(_numbers(s, "县矛调")) == ["(2021)杏调字第001号", "(2021)营调字第001号", "(2021)营调字第002号"]
    assert [m["number"] for m in s.json("王主任", "matter", "list")] == ["(2021)营诉字第001号"]
    assert s.json("刘调解", "matter", "list") == []
    # Another village's case does not exist for a mediator's login.
    s.refused("刘调解", "case", "show", "(2021)营调字第002号", match="no such case")
    s.refused("王主任", "case", "show", "(2021)杏调字第001号", match="no such case")


def test_the_login_is_the_acting_user(shared):
    s = shared
    made = s.json("刘调解", "case", "do", "2021-1", "triage", "--set", "risk=黄", "--at", "2021-03-02")
    assert made["state"] == "triaged"
    shown = s.json("刘调解", "case", "show", "2021-1")
    assert shown["history"][-1]["actor"] == "刘调解"
    # Naming oneself is fine; naming anyone else is refused, and nothing is written.
    s.ok("刘调解", "case", "list", claim="刘调解")
    line = s.refused("刘调解", "case", "do", "2021-1", "start", "--set", "mediator=刘调解", claim="王主任",
                     match="acting as 王主任 is refused")
    assert s.logins["刘调解"] in line
    s.refused("刘调解", "case", "list", claim="王主任", match="acting as 王主任 is refused")  # reading too
    assert s.json("刘调解", "case", "show", "2021-1")["state"] == "triaged"
    # The owner's connection names the acting user with --as, as on SQLite.
    assert s.json(None, "case", "show", "营调字2021-1", claim="王主任")["state"] == "triaged"


def test_refusals_through_the_command_line_follow_the_matrix(shared):
    s = shared
    s.refused("刘调解", "case", "new", "--village", "朱家湾村", "--type", "邻里", "--summary", "越村登记",
              "--party", "甲", "--party", "乙", match="registers only in their own village")
    s.refused("刘调解", "review", match="the review queue is for town and county users")
    s.refused("刘调解", "user", "add", "某人", "--role", "mediator", "--village", "龙潭村", match="only a town or county user may add users")
    s.refused("王主任", "user", "add", "县二", "--role", "county", match="cannot add another county user")
    s.refused("王主任", "user", "login", "县矛调", "--login", f"t{s.suffix}_x", "--password-stdin",
              input="pw\n", match="of their own town")
    s.refused("王主任", "user", "login", "杏主任", "--login", f"t{s.suffix}_x", "--password-stdin",
              input="pw\n", match="no such user")  # another town's people are not even seen
    s.refused("王主任", "init", "--town", "新镇", match="a new town is added by a county user")
    s.refused("王主任", "backup", "/tmp/never-written.dump", match="schema owner")
    s.refused("刘调解", "case", "void", "营调字2021-1", "--note", "重复", match="a registration is voided by a town or county user")
    s.ok("刘调解", "case", "do", "营调字2021-1", "triage", "--set", "risk=黄", "--at", "2021-03-02")
    s.refused("周调解", "case", "undo", "营调字2021-1", "--note", "误录", match="no such case")  # not even seen
    # The year-end report counts what the login may see.
    # The year-end report counts what the login may see: by default, its own village or town.
    totals = {who: s.json(who, "report", "annual", "2021", "--as-of", "2021-12-31") for who in ("刘调解", "王主任")}
    totals["县矛调"] = s.json("县矛调", "report", "annual", "2021", "--town", "营盘镇", "--as-of", "2021-12-31")
    assert [totals[w]["disputes"]["registered"] for w in ("刘调解", "王主任", "县矛调")] == [1, 2, 2]
    assert [totals[w]["town"] for w in ("刘调解", "王主任", "县矛调")] == ["营盘镇龙潭村", "营盘镇", "营盘镇"]
    assert list(totals["刘调解"]["by_village_type"]) == ["龙潭村"]
    assert s.json("县矛调", "report", "annual", "2021", "--as-of", "2021-12-31")["disputes"]["registered"] == 3
    # The town adds a village to its own town; the county adds a town.
    s.ok("王主任", "init", "--town", "营盘镇", "--village", "秦丰村")
    s.ok("县矛调", "init", "--town", "新镇", "--abbr", "新", "--village", "新村")
    users = {u["name"]: u for u in s.json("刘调解", "user", "list")}
    assert set(users) == {"刘调解", "王主任", "县矛调"}  # themselves and the offices over them
    assert "杏主任" in {u["name"] for u in s.json("县矛调", "user", "list")}
    assert "杏主任" not in {u["name"] for u in s.json("王主任", "user", "list")}
    assert users["刘调解"]["login"] == s.logins["刘调解"]


def test_plain_sql_sees_and_changes_only_the_logins_rows(shared):
    s = shared
    zhu = s.sql("周调解", "SELECT village_id FROM dispute_case")[0][0]
    long_tan = s.sql("刘调解", "SELECT village_id FROM dispute_case")[0][0]
    town = s.sql("刘调解", "SELECT town_id FROM dispute_case")[0][0]
    counts = "SELECT (SELECT count(*) FROM dispute_case), (SELECT count(*) FROM party), " \
             "(SELECT count(*) FROM case_event), (SELECT count(*) FROM matter)"
    assert s.sql("刘调解", counts) == [(1, 2, 1, 0)]
    assert s.sql("周调解", counts) == [(1, 2, 1, 0)]
    assert s.sql("王主任", counts) == [(2, 4, 2, 1)]
    assert s.sql("县矛调", counts) == [(3, 6, 3, 1)]
    # Changes to rows one cannot see change nothing; deleting is no one's right.
    assert s.sql("刘调解", "UPDATE dispute_case SET summary = '改' WHERE village_id = :v", v=zhu) == 0
    assert s.sql("刘调解", "UPDATE party SET name = '改'") == 2  # their own case's parties only
    assert s.sql("王主任", "UPDATE dispute_case SET summary = '改' WHERE town_id <> :t", t=town) == 0
    assert s.sql("县矛调", "SELECT summary FROM dispute_case WHERE village_id = :v", v=zhu) == [("货款拖欠",)]
    assert [r[0] for r in s.sql("县矛调", "SELECT name FROM party WHERE case_id IN "
                                          "(SELECT id FROM dispute_case WHERE village_id = :v)", v=zhu)] \
        == ["钱某", "赵某"]
    s.sql_refused("刘调解", "DELETE FROM dispute_case", "permission denied")
    s.sql_refused("王主任", "DELETE FROM case_event", "permission denied")
    # Writing into another village, or a town matter as a mediator, is refused by the server.
    s.sql_refused("刘调解", "UPDATE dispute_case SET village_id = :v", "row-level security", v=zhu)
    s.sql_refused("刘调解", "INSERT INTO matter (town_id, year, seq, number, kind, summary, state, received_at, "
                           "recorded_at, last_event_at, version) VALUES (:t, 2021, 9, 'x', 'litigation', 'x', "
                           "'served', now(), now(), now(), 1)", "permission denied", t=town)
    other = s.sql("周调解", "SELECT id FROM dispute_case")[0][0]
    s.sql_refused("刘调解", "INSERT INTO party (case_id, name) VALUES (:c, '冒名')", "row-level security", c=other)
    # An event goes only onto a record the writer sees, with that record's town (the offices'
    # policy reads the event's own town_id: a forged one would show it to another town).
    event = ('INSERT INTO case_event (case_id, town_id, seq, "trigger", to_state, line, actor, at, recorded_at) '
             "VALUES (:c, :t, 99, 'x', 'x', 1, 'x', now(), now())")
    elsewhere, its_town = s.sql("县矛调", "SELECT id, town_id FROM dispute_case WHERE town_id <> :t", t=town)[0]
    s.sql_refused("王主任", event, "row-level security", c=elsewhere, t=town)
    s.sql_refused("刘调解", event, "row-level security", c=s.sql("刘调解", "SELECT id FROM dispute_case")[0][0],
                  t=its_town)
    assert s.sql("王主任", "SELECT count(*) FROM case_event WHERE town_id <> :t", t=town) == [(0,)]
    # Events are written once: only ``undone`` may change.
    s.sql_refused("刘调解", "UPDATE case_event SET actor = '王主任'", "permission denied")
    assert s.sql("刘调解", "UPDATE case_event SET undone = undone") == 1
    # Users: a mediator adds no one and cannot give themselves a wider role.
    s.sql_refused("刘调解", "INSERT INTO app_user (name, role, created_at) VALUES ('冒充', 'county', now())",
                  "permission denied")
    s.sql_refused("刘调解", "UPDATE app_user SET role = 'county'", "permission denied")
    s.sql_refused("王主任", "INSERT INTO app_user (name, role, created_at) VALUES ('县二', 'county', now())",
                  "row-level security")
    s.sql_refused("刘调解", "SELECT mediation_give_login(1, 'x', NULL)", "may not give a login to")
    # And the numbers of the town's register stay whole for everyone.
    assert long_tan != zhu
    assert s.sql("周调解", "SELECT mediation_next_seq('dispute_case', :t, 2021)", t=town) == [(3,)]


def test_no_one_reads_personal_data_unseen(shared):
    s = shared
    full = s.json("刘调解", "case", "show", "2021-1", "--unmask")
    assert full["party_details"][0]["id_number"] == "11010519491231002X"
    logged = s.sql("王主任", "SELECT actor, kind FROM access_log")
    assert logged == [("刘调解", "case")]
    assert s.sql("周调解", "SELECT count(*) FROM access_log") == [(0,)]
    shown = s.json("王主任", "case", "show", "2021-1")
    assert [a["actor"] for a in shown["access"]] == ["刘调解"]


def test_bad_logins_are_one_clear_line(shared):
    s = shared
    stranger = f"t{s.suffix}_stranger"
    disabled = f"t{s.suffix}_disabled"
    bare = f"t{s.suffix}_bare"
    s.roles += [stranger, disabled, bare]
    _owner_sql(f"CREATE ROLE {stranger} LOGIN IN ROLE mediation_mediator")
    _owner_sql(f"CREATE ROLE {disabled} NOLOGIN IN ROLE mediation_mediator")
    _owner_sql(f"CREATE ROLE {bare} LOGIN")
    s.refused(None, "case", "list", url=s.url(stranger), match="belongs to no user")
    s.refused(None, "case", "list", url=s.url(disabled), match="may not log in")
    s.refused(None, "case", "list", url=s.url(f"t{s.suffix}_nobody"), match="wrong password, or no such login")
    s.refused(None, "case", "list", url=s.url(bare), match="has no right")
    down = make_url(s.owner).set(port=1).render_as_string(hide_password=False)
    s.refused(None, "case", "list", url=down, match="not answering")
    # A login given twice, a name taken on the server, a login on SQLite: refused, nothing made.
    s.refused("王主任", "user", "login", "刘调解", "--login", f"t{s.suffix}_again", "--password-stdin",
              input="pw\n", match="already has")
    s.refused("王主任", "user", "add", "新人", "--role", "mediator", "--village", "龙潭村", "--login",
              s.logins["周调解"], "--password-stdin", input="pw\n", match="already has a login")
    assert "新人" not in {u["name"] for u in s.json("王主任", "user", "list")}
    s.refused("王主任", "user", "add", "新人", "--role", "mediator", "--village", "龙潭村", "--login", "Bad Name",
              "--password-stdin", input="pw\n", match="login is 2-63")


def test_an_attachment_is_seen_and_written_as_its_case_is(shared, tmp_path):
    """A scan kept with a case: attached through a mediator's login, seen by the town and not by
    the other village's mediator, never changed or removed by plain SQL, its address private."""
    s = shared
    scan = tmp_path / "协议书.pdf"
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n")
    s.ok("刘调解", "case", "attach", "(2021)营调字第001号", str(scan), "--kind", "scan")
    count = "SELECT count(*) FROM attachment"
    assert s.sql("刘调解", count) == [(1,)] and s.sql("王主任", count) == [(1,)]
    assert s.sql("周调解", count) == [(0,)]
    s.refused("周调解", "case", "attachments", "(2021)营调字第001号", match="no such case")
    s.sql_refused("刘调解", "UPDATE attachment SET content = 'x'::bytea", "permission denied")
    s.sql_refused("王主任", "DELETE FROM attachment", "permission denied")
    theirs = s.sql("刘调解", "SELECT id FROM dispute_case")[0][0]
    s.sql_refused("周调解", "INSERT INTO attachment (case_id, seq, kind, name, media_type, size, sha256, actor, at, "
                           "content) VALUES (:c, 9, 'other', 'x', 'application/pdf', 1, 'x', '周调解', now(), "
                           "'x'::bytea)", "row-level security", c=theirs)
    # A party's address, as its ID number: readable through the logged path only.
    s.ok("刘调解", "case", "amend", "(2021)营调字第001号", "--party-fix", "孙秀英=孙秀英,住址=龙潭村三组15号",
         "--note", "补充住址")
    s.sql_refused("王主任", "SELECT address FROM party", "permission denied")
    assert ("龙潭村三****",) in s.sql("王主任", "SELECT address_masked FROM party")
    shown = s.json("王主任", "case", "show", "(2021)营调字第001号", "--unmask")
    assert shown["party_details"][0]["address"] == "龙潭村三组15号"
    assert s.ok(None, "audit", "verify").exit_code == 0
