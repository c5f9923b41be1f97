"""``init``, ``user`` and ``demo``: setting a town up and showing it working."""

from __future__ import annotations

import sys

import click

from cli.output import Labelled, complete_villages, dump_json, json_option, need
from workflows.config import Role
from cli.i18n import N_, _



@click.command()
@click.option("--town", help="The town (乡镇) name, e.g. 营盘镇.")
@click.option("--village", "villages", multiple=True, help="A village or community (村/社区); repeatable.")
@click.option("--abbr", help="Case-number abbreviation of the town (default: its first character).")
@json_option
@click.pass_obj
def init(app, town, villages, abbr, as_json):
    """Create the schema if missing, the town and its villages (idempotent).

    Running it again adds villages that are not there yet.

    \b
    Example:
      mediation init --town 营盘镇 --village 营镇社区 --village 龙潭村
    """
    from mediation import admin

    town = need(town, "--town", N_("Town"), as_json=as_json)
    view = admin.init_town(app.database(create=True), town=town, villages=list(villages), abbr=abbr,
                           actor=app.actor)
    if as_json:
        return dump_json(view)
    said = (_("{town} (created, case numbers …{abbr}调字…): {count} villages") if view.created
            else _("{town} (exists, case numbers …{abbr}调字…): {count} villages"))
    app.display.line(said.format(town=view.town, abbr=view.abbr, count=len(view.villages))
                     + (", " + _("added {villages}").format(villages="、".join(view.added_villages))
                        if view.added_villages else ""))
    app.display.line(_("database: {location}").format(location=app.db_location))


@click.command()
@json_option
@click.pass_obj
def upgrade(app, as_json):
    """Bring the database's schema up to this release (migrations, in one transaction).

    A database made by an older release is upgraded in place; running it again changes
    nothing. Back the database up first.

    \b
    Example:
      mediation --db ~/mediation.db upgrade
    """
    before, after = app.db.upgrade()
    if as_json:
        return dump_json({"before": before, "revision": after, "database": app.db_location})
    if before == after:
        app.display.line(_("schema up to date (revision {revision}): {location}").format(
            revision=after, location=app.db_location))
    else:
        app.display.line(_("schema upgraded {before} → {after}: {location}").format(
            before=before or _("empty"), after=after, location=app.db_location))


@click.group()
def user():
    """Users and their roles: mediator (村调解员), town (镇), county (县)."""


@user.command("add")
@click.argument("name", required=False)
@click.option("--role", type=Labelled("workflows.config:ROLES", N_("role")), help="The user's role (or its Chinese: 调解员, 司法所, 县级).")
@click.option("--village", shell_complete=complete_villages, help="The mediator's village (required for --role mediator).")
@click.option("--town", help="The town of a town user (default: the only town).")
@click.option("--login", help="PostgreSQL: also make the person's own server login (pinyin, e.g. liumingshan).")
@click.option("--password-stdin", is_flag=True, help="Read the login's password from the first line of stdin "
              "(default: ask for it at the terminal).")
@json_option
@click.pass_obj
def user_add(app, name, role, village, town, login, password_stdin, as_json):
    """Add a user. The first user needs no --as; after that a town or county user adds users.

    On a shared PostgreSQL database, --login gives the person their own login: connected
    with it they act as themselves, and see only their village's (or town's) rows.

    \b
    Example:
      mediation user add 王主任 --role town
      mediation --as 王主任 user add 李调解 --role mediator --village 龙潭村
      mediation --db postgresql+psycopg://sifasuo@server/mediation \\
          user add 刘明山 --role mediator --village 龙潭村 --login liumingshan
    """
    from mediation import admin

    db = app.db  # open it first: no one should type a whole record into a missing database
    name = need(name, "NAME", N_("Name"), as_json=as_json)
    role = need(role, "--role", N_("Role"), as_json=as_json,
                type=Labelled("workflows.config:ROLES", N_("role")))
    if role == Role.mediator:
        village = need(village, "--village", N_("Village"), as_json=as_json)
    password = _password(login, password_stdin, as_json=as_json)
    view = admin.add_user(db, actor=app.actor, name=name, role=role, village=village, town=town,
                          login=login, password=password)
    if as_json:
        return dump_json(view)
    where = view.village or view.town or Role.county
    app.display.line(_("added {name} ({role}, {place})").format(name=view.name, role=view.role, place=where)
                     + (", " + _("login {login}").format(login=view.login) if view.login else ""))


@user.command("login")
@click.argument("name")
@click.option("--login", required=True, help="The person's own server login (pinyin, e.g. liumingshan).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin "
              "(default: ask for it at the terminal).")
@json_option
@click.pass_obj
def user_login(app, name, login, password_stdin, as_json):
    """Give an existing user their own PostgreSQL login (开通登录).

    A town user gives logins to their town's mediators and staff, a county user to anyone;
    the schema owner's login may too.

    \b
    Example:
      mediation --db postgresql+psycopg://sifasuo@server/mediation \\
          user login 刘明山 --login liumingshan
    """
    from mediation import admin

    db = app.db
    password = _password(login, password_stdin, as_json=as_json)
    view = admin.give_login(db, actor=app.actor, name=name, login=login, password=password)
    if as_json:
        return dump_json(view)
    app.display.line(f"{view.name} ({view.role}, {view.village or view.town or Role.county}): "
                     + _("login {login}").format(login=view.login))


def _password(login: str | None, from_stdin: bool, *, as_json: bool) -> str | None:
    """A new login's password: the first line of stdin, or asked twice at the terminal."""
    from cli.output import interactive

    if login is None:
        if from_stdin:
            raise click.UsageError(_("{option} goes with {other}").format(option="--password-stdin", other="--login"))
        return None
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.UsageError(_("{option}: stdin gave no password (one line, not empty)").format(option="--password-stdin"))
        return line
    if as_json or not interactive():
        raise click.UsageError(_("a new login needs a password: type it at a terminal, or give {option}").format(
            option="--password-stdin"))
    return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)


@user.command("list")
@json_option
@click.pass_obj
def user_list(app, as_json):
    """List users with their roles and places.

    \b
    Example:
      mediation user list
    """
    from mediation import admin

    users = admin.list_users(app.db)
    if as_json:
        return dump_json(users)
    t = app.display.table(_("Name"), _("Role"), _("Town"), _("village"), _("login"))
    for u in users:
        t.add_row(u.name, u.role, u.town or "", u.village or "", u.login or "")
    app.display.print(t)


@click.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Where to write the demo database "
              "(default: a new temporary file). It must not exist yet.")
@json_option
@click.pass_obj
def demo(app, out, as_json):
    """The main job on the embedded default: a fresh SQLite database, the 2021 sample of
    营盘镇 loaded through the workflows, and the 2021 year-end report printed.

    \b
    Example:
      mediation demo
    """
    from cli.load import run_load
    from cli.report import render
    from mediation import demo as service
    from mediation import report

    folder = service.sample_folder()
    path, db = service.fresh_database(out)
    try:
        run_load(app, db, folder, quiet=as_json)
        r = report.annual(db, year=service.YEAR)
    finally:
        db.dispose()
    if as_json:
        return dump_json({"database": path, "report": r})
    render(app.display.console, r)
    app.display.line("")
    app.display.line(_("demo database: {path}").format(path=path))
    app.display.line(_("try:"))
    app.display.line(f"  export MEDIATION_DB={path}")
    app.display.line("  mediation case list --village 龙潭村")
    app.display.line("  mediation report annual 2021 --format docx --out 2021年度统计.docx")
