"""The README's "Sharing one database", followed literally on a server that asks for passwords
(the machine's own server trusts local logins, so a scratch cluster with ``scram-sha-256`` is
made for this module: initdb and pg_ctl as the ``postgres`` user, a port of its own, removed
after). Passwords come from a ``.pgpass`` file, from stdin, or are asked at the terminal."""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from cli import main

pytestmark = pytest.mark.postgres

ADMIN_PASSWORD = "admin 密码"


@dataclass
class Server:
    port: int
    folder: str

    def url(self, login: str, database: str = "mediation") -> str:
        return f"postgresql+psycopg://{login}@127.0.0.1:{self.port}/{database}"

    def admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", password=ADMIN_PASSWORD,
                             dbname="postgres", autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"cannot make a password-checking PostgreSQL cluster under CI: {reason}", pytrace=False)
    pytest.skip(f"cannot make a password-checking PostgreSQL cluster: {reason}")


@pytest.fixture(scope="module")
def server():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found or shutil.which("runuser") is None or os.geteuid() != 0:
        _unavailable("needs the server's initdb and root (to run it as the postgres user)")
    bindir = os.path.dirname(found[-1])
    folder = tempfile.mkdtemp(prefix="mediation-pw-")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    pwfile = os.path.join(folder, "pw")
    with open(pwfile, "w") as fh:
        fh.write(ADMIN_PASSWORD + "\n")
    shutil.chown(folder, "postgres")
    shutil.chown(pwfile, "postgres")
    data = os.path.join(folder, "data")

    def as_postgres(*cmd: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", *cmd], check=True, capture_output=True)

    try:
        as_postgres(f"{bindir}/initdb", "-D", data, "--auth=scram-sha-256", f"--pwfile={pwfile}", "-U", "postgres",
                    "-E", "UTF8", "--locale=C.UTF-8")
        as_postgres(f"{bindir}/pg_ctl", "-D", data, "-l", os.path.join(folder, "log"), "-w", "-o",
                    f"-p {port} -k {folder} -c listen_addresses=127.0.0.1", "start")
    except subprocess.CalledProcessError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable((exc.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or str(exc))
    try:
        yield Server(port, folder)
    finally:
        subprocess.run(["runuser", "-u", "postgres", "--", f"{bindir}/pg_ctl", "-D", data, "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def _cli(url: str, *args: str, pgpass: str | None = None, input: str | None = None):
    env = {"NO_COLOR": "1", "COLUMNS": "100", "MEDIATION_USER": None, "PGPASSWORD": None,
           "PGPASSFILE": pgpass or "/nonexistent"}
    return CliRunner(env=env).invoke(main, ["--db", url, *args], input=input, catch_exceptions=False)


def _ok(url: str, *args: str, **kw):
    result = _cli(url, *args, **kw)
    assert result.exit_code == 0, result.output
    return result


def _refused(url: str, *args: str, match: str, **kw) -> str:
    result = _cli(url, *args, **kw)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in result.output, result.output
    assert match in lines[0], lines[0]
    return lines[0]


def test_the_readmes_shared_server_literally(server, tmp_path, monkeypatch):
    # 1. The server's administrator makes the owner and the database (README, step 1).
    server.admin("CREATE ROLE mediation_owner LOGIN CREATEROLE PASSWORD 'owner 密码'",
                 "CREATE DATABASE mediation OWNER mediation_owner")
    owner = server.url("mediation_owner")
    # Without a password at hand, a script is told where to keep it; the .pgpass file works.
    _refused(owner, "init", "--town", "营盘镇", match="asks for the password of login mediation_owner")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{server.port}:mediation:mediation_owner:owner 密码\n"
                      f"127.0.0.1:{server.port}:*:wangzhuren:wang 密码\n", encoding="utf-8")
    pgpass.chmod(0o600)
    # 2. The owner creates the schema, the town and the first town user with a login.
    _ok(owner, "init", "--town", "营盘镇", "--village", "营镇社区", "--village", "龙潭村", "--village", "朱家湾村",
        pgpass=str(pgpass))
    _ok(owner, "user", "add", "王主任", "--role", "town", "--login", "wangzhuren", "--password-stdin",
        input="wang 密码\n", pgpass=str(pgpass))
    # 3. The town office adds its people, each with a login; the county's first user gets its
    # login from the owner.
    town = server.url("wangzhuren")
    _ok(town, "user", "add", "刘明山", "--role", "mediator", "--village", "龙潭村", "--login", "liumingshan",
        "--password-stdin", input="刘 密码\n", pgpass=str(pgpass))
    _ok(town, "user", "add", "县矛调中心", "--role", "county", pgpass=str(pgpass))
    _ok(owner, "user", "login", "县矛调中心", "--login", "xianmaodiao", "--password-stdin", input="县 密码\n",
        pgpass=str(pgpass))
    # 4. Each person: a wrong password is named; at a terminal the password is asked for.
    person = server.url("liumingshan")
    _refused(person.replace("liumingshan@", "liumingshan:wrong@"), "case", "list", match="wrong password")
    _refused(person, "case", "list", match="asks for the password of login liumingshan")
    monkeypatch.setattr("cli.output.interactive", lambda: True)
    asked = _ok(person, "case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
                "--party", "孙秀英", "--party", "吴大海", "--at", "2026-03-02", input="刘 密码\n")
    assert "Password" in asked.stderr and "营调字第001号" in asked.stdout
    monkeypatch.undo()
    # The person sets their own password; the old one no longer opens the database.
    _ok(person.replace("liumingshan@", "liumingshan:%E5%88%98%20%E5%AF%86%E7%A0%81@"), "user", "password",
        "--password-stdin", input="新 密码\n")
    _refused(person.replace("liumingshan@", "liumingshan:%E5%88%98%20%E5%AF%86%E7%A0%81@"), "case", "list",
             match="wrong password")
    mine = json.loads(_ok(person.replace("liumingshan@", "liumingshan:%E6%96%B0%20%E5%AF%86%E7%A0%81@"),
                          "case", "list", "--json").stdout)
    assert [c["village"] for c in mine] == ["龙潭村"]
    # The town resets it; a town user cannot upgrade, and is told whose login can.
    _ok(town, "user", "password", "刘明山", "--password-stdin", input="刘 密码\n", pgpass=str(pgpass))
    _ok(person.replace("liumingshan@", "liumingshan:%E5%88%98%20%E5%AF%86%E7%A0%81@"), "case", "list")
    _ok(town, "upgrade", pgpass=str(pgpass))  # (current: nothing to do)
    # 5. Backups with the owner's login, no one named; a person's login is refused.
    _ok(owner, "backup", str(tmp_path / "m.dump"), pgpass=str(pgpass))
    _refused(town, "backup", str(tmp_path / "n.dump"), pgpass=str(pgpass), match="schema owner")


def test_a_backup_restored_on_another_server_names_the_logins_to_relink(server, tmp_path):
    """The backup holds the database, the logins are the server's: restored onto another server
    (the machine's own), each person's login is missing there until relinked."""
    import uuid

    from sqlalchemy import create_engine, text

    from tests.conftest import PG_URL

    server.admin("CREATE ROLE owner_b LOGIN CREATEROLE PASSWORD 'owner 密码'", "CREATE DATABASE mediation_b OWNER owner_b")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{server.port}:*:owner_b:owner 密码\n", encoding="utf-8")
    pgpass.chmod(0o600)
    source = server.url("owner_b", "mediation_b")
    _ok(source, "init", "--town", "营盘镇", "--village", "龙潭村", pgpass=str(pgpass))
    suffix = uuid.uuid4().hex[:6]
    _ok(source, "user", "add", "王主任", "--role", "town", "--login", f"wang_{suffix}", "--password-stdin",
        input="pw 1\n", pgpass=str(pgpass))
    _ok(source, "--as", "王主任", "user", "add", "刘明山", "--role", "mediator", "--village", "龙潭村", pgpass=str(pgpass))
    _ok(source, "--as", "王主任", "case", "new", "--village", "龙潭村", "--type", "邻里", "--summary", "排水沟堵塞",
        "--party", "甲", "--party", "乙", "--at", "2026-03-02", pgpass=str(pgpass))
    dump = str(tmp_path / "b.dump")
    _ok(source, "backup", dump, pgpass=str(pgpass))
    # Onto the machine's own server, into a new database.
    database, login = f"mediation_restored_{suffix}", f"liu_{suffix}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{database}"'))
    target = PG_URL.rsplit("/", 1)[0] + f"/{database}"
    try:
        restored = json.loads(_ok(target, "restore", dump, "--yes", "--json").stdout)
        assert restored["logins_to_relink"] == [{"name": "王主任", "login": f"wang_{suffix}", "state": "missing"}]
        _ok(target, "--as", "王主任", "user", "relink", "刘明山", "--login", login, "--note", "恢复到新服务器")
        _ok(target, "--as", "王主任", "user", "password", "刘明山", "--password-stdin", input="pw 2\n")
        person = PG_URL.rsplit("/", 1)[0].replace("postgres@", f"{login}@") + f"/{database}"
        assert [c["village"] for c in json.loads(_ok(person, "case", "list", "--json").stdout)] == ["龙潭村"]
        assert _ok(target, "audit", "verify", "--json").exit_code == 0
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()
