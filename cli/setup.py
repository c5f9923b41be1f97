"""``init``, ``user`` and ``demo``: setting a town up and showing it working."""

from __future__ import annotations

import importlib
import sys

import click

from cli.output import Labelled, complete_villages, dump_json, json_option, moment, need
from workflows import config
from workflows.config import Role
from cli.i18n import N_, _, ngettext



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
    """List users with their roles and places, each login's state on this server (active,
    disabled, missing, replaced by another role of its name), who retired and each one's
    last recorded step.

    \b
    Example:
      mediation user list
    """
    from mediation import admin
    from mediation.timeutil import show

    users = admin.list_users(app.db)
    if as_json:
        return dump_json(users)
    states = {"active": _("active"), "disabled": _("disabled"), "missing": _("missing"), "replaced": _("replaced")}
    t = app.display.table(_("Name"), _("Role"), _("Place"), _("login"), _("last step"))
    for u in users:
        login = f"{u.login} ({states.get(u.login_state, u.login_state)})" if u.login and u.login_state else u.login or ""
        name = u.name + ("\n" + _("retired {day}").format(day=show(u.retired_at, minutes=False)) if u.retired_at else "")
        t.add_row(name, config.ROLES.get(u.role, u.role), u.village or u.town or "", login,
                  show(u.last_active, minutes=False) if u.last_active else "")
    app.display.print(t)


@user.command("retire")
@click.argument("name")
@click.option("--to", "to", metavar="NAME", help="Who takes over the user's open cases.")
@click.option("--note", help="Why (left the post, …); required.")
@json_option
@click.pass_obj
def user_retire(app, name, to, note, as_json):
    """Retire a user who leaves (退出): they act no more, their own login is disabled, their open
    cases go to --to (each with a correction in its history); they stay in the list and in every
    history under their name. A town user for their town's people, a county user for anyone.

    \b
    Example:
      mediation --as 王主任 user retire 刘调解 --to 周调解 --note "调离"
    """
    from mediation import people
    from mediation.timeutil import show

    note = need(note, "--note", N_("Why"), as_json=as_json)
    view = people.retire(app.db, actor=app.actor, name=name, to=to, note=note)
    if as_json:
        return dump_json(view)
    app.display.line(_("{name}: retired {day}").format(name=view.name, day=show(view.retired_at, minutes=False))
                     + ("; " + _("login disabled") if view.login_disabled else ""))
    if view.handed_over:
        app.display.line("  " + _("{count} open case(s) to {successor}: {numbers}").format(
            count=len(view.handed_over), successor=view.successor, numbers=", ".join(view.handed_over)))


@user.command("move")
@click.argument("name")
@click.option("--village", shell_complete=complete_villages, required=True, help="The mediator's new village.")
@click.option("--to", "to", metavar="NAME", help="Who takes over their open cases of the old village.")
@click.option("--note", help="Why; required.")
@json_option
@click.pass_obj
def user_move(app, name, village, to, note, as_json):
    """Move a mediator to another village of their town; their open cases of the old village go
    to --to.

    \b
    Example:
      mediation --as 王主任 user move 刘调解 --village 朱家湾村 --to 李调解 --note "工作调整"
    """
    from mediation import people

    note = need(note, "--note", N_("Why"), as_json=as_json)
    view = people.move(app.db, actor=app.actor, name=name, village=village, to=to, note=note)
    _said_changed(app, view, as_json)


@user.command("rename")
@click.argument("name")
@click.argument("new")
@click.option("--note", help="Why (a typo, a name changed); required.")
@json_option
@click.pass_obj
def user_rename(app, name, new, note, as_json):
    """Correct a user's name. Their open cases follow it; what they did before keeps the name it
    was done under; a name once used is not given to anyone else.

    \b
    Example:
      mediation --as 王主任 user rename 刘调介 刘调解 --note "姓名录入错误"
    """
    from mediation import people

    note = need(note, "--note", N_("Why"), as_json=as_json)
    view = people.rename(app.db, actor=app.actor, name=name, new=new, note=note)
    _said_changed(app, view, as_json)


@user.command("password")
@click.argument("name", required=False)
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin "
              "(default: ask twice at the terminal).")
@json_option
@click.pass_obj
def user_password(app, name, password_stdin, as_json):
    """Set a login's password (PostgreSQL): your own (leave NAME out), or, as a town user, that of
    your town's people; a county user anyone's. A login relinked as disabled is enabled by it.

    \b
    Example:
      mediation --db postgresql+psycopg://liumingshan@server/mediation user password
      mediation --as 王主任 user password 刘调解
    """
    from mediation import people

    people.require_logins(app.db)
    password = _password(name or "-", password_stdin, as_json=as_json)
    view = people.set_password(app.db, actor=app.actor, name=name, password=password)
    if as_json:
        return dump_json(view)
    app.display.line(_("{name}: the password of login {login} is set").format(name=view.name, login=view.login))


@user.command("relink")
@click.argument("name")
@click.option("--login", required=True, help="The login on this server that is the user's own (made, "
              "disabled, when missing).")
@click.option("--note", help="Why (restored onto a new server, a login made again); required.")
@json_option
@click.pass_obj
def user_relink(app, name, login, note, as_json):
    """Link a user to their login on this server anew: after a restore onto another server, or
    when a login was dropped and made again (a role made under an old name is nobody until
    relinked). A missing login is made disabled: set its password with `user password`.

    \b
    Example:
      mediation --as 王主任 user relink 刘调解 --login liumingshan --note "恢复到新服务器"
    """
    from mediation import people

    note = need(note, "--note", N_("Why"), as_json=as_json)
    view = people.relink(app.db, actor=app.actor, name=name, login=login, note=note)
    if as_json:
        return dump_json(view)
    app.display.line(_("{name}: login {login}").format(name=view.name, login=view.login)
                     + ("; " + _("made disabled: set its password with `mediation user password {name}`").format(
                         name=view.name) if view.login_made else ""))


def _said_changed(app, view, as_json: bool) -> None:
    if as_json:
        return dump_json(view)
    app.display.line(f"{view.name} ({config.ROLES.get(view.role, view.role)}, {view.village or view.town or ''})")
    if view.handed_over:
        app.display.line("  " + _("open cases: {numbers}").format(numbers=", ".join(view.handed_over)))


@click.command("log")
@click.option("--user", "who", metavar="NAME", help="Only the steps this user recorded.")
@click.option("--from", "start", metavar="DATE", help="From this day (default: 30 days ago).")
@click.option("--to", "end", metavar="DATE", help="To the end of this day (default: now).")
@click.option("--limit", type=click.IntRange(1, 100000), default=500, show_default=True)
@json_option
@click.pass_obj
def log(app, who, start, end, limit, as_json):
    """Who did what, across every register, newest first (操作记录).

    Every step recorded in your scope — a mediator's village, a town user's town, the
    county's every town — with who recorded it and when: cases, petitions, matters, subjects
    and the users' own changes (retired, moved, renamed, a password, a login).

    \b
    Example:
      mediation --as 王主任 log --user 刘调解 --from 2026-11-01 --to 2026-11-30
    """
    from mediation import people
    from mediation.timeutil import show

    done = people.log(app.db, actor=app.actor, user=who, start=moment(start), end=moment(end), limit=limit)
    if as_json:
        return dump_json(done)
    registers = {"case": _("case"), "petition": _("petition"), "matter": _("matter"), "subject": _("subject"),
                 "user": _("user")}
    steps = {"retire": _("retire"), "move": _("move"), "rename": _("rename"), "password": _("password"),
             "relink": _("relink")}
    for module in ("workflows.dispute", "workflows.petition", "workflows.matter", "workflows.subject"):
        steps.update({k: v for k, v in importlib.import_module(module).TRIGGER_LABELS.items() if k not in steps})
    t = app.display.table(_("recorded"), _("who"), _("record"), _("step"), _("note"),
                          wrap=(_("record"), _("note")))
    for d in done:
        t.add_row(show(d.recorded_at), d.actor, f"{registers[d.register]} {d.record}", steps.get(d.trigger, d.trigger),
                  d.note or "")
    app.display.print(t)
    app.display.line(ngettext("{count} step", "{count} steps", len(done)).format(count=len(done)))


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
    from cli import started
    from cli.load import run_load
    from cli.report import render
    from mediation import demo as service
    from mediation import report

    started()
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
