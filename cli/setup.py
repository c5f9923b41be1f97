"""``init``, ``user`` and ``demo``: setting a town up and showing it working."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option, need
from workflows.config import Role

ROLE_NAMES = [r.value for r in Role]


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

    town = need(town, "--town", "乡镇 town", as_json=as_json)
    view = admin.init_town(app.database(create=True), town=town, villages=list(villages), abbr=abbr,
                           actor=app.actor)
    if as_json:
        return dump_json(view)
    verb = "created" if view.created else "exists"
    app.display.line(f"{view.town} ({verb}, case numbers …{view.abbr}调字…): {len(view.villages)} villages"
                     + (f", added {'、'.join(view.added_villages)}" if view.added_villages else ""))
    app.display.line(f"database: {app.db_location}")


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
        app.display.line(f"schema up to date (revision {after}): {app.db_location}")
    else:
        app.display.line(f"schema upgraded {before or 'empty'} → {after}: {app.db_location}")


@click.group()
def user():
    """Users and their roles: mediator (村调解员), town (镇), county (县)."""


@user.command("add")
@click.argument("name", required=False)
@click.option("--role", type=click.Choice(ROLE_NAMES), help="The user's role.")
@click.option("--village", help="The mediator's village (required for --role mediator).")
@click.option("--town", help="The town of a town user (default: the only town).")
@json_option
@click.pass_obj
def user_add(app, name, role, village, town, as_json):
    """Add a user. The first user needs no --as; after that a town or county user adds users.

    \b
    Example:
      mediation user add 王主任 --role town
      mediation --as 王主任 user add 李调解 --role mediator --village 龙潭村
    """
    from mediation import admin

    db = app.db  # open it first: no one should type a whole record into a missing database
    name = need(name, "NAME", "姓名 name", as_json=as_json)
    role = need(role, "--role", "角色 role", as_json=as_json,
                type=click.Choice(ROLE_NAMES))
    if role == Role.mediator:
        village = need(village, "--village", "村(社区) village", as_json=as_json)
    view = admin.add_user(db, actor=app.actor, name=name, role=role, village=village, town=town)
    if as_json:
        return dump_json(view)
    where = view.village or view.town or Role.county
    app.display.line(f"added {view.name} ({view.role}, {where})")


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
    t = app.display.table("姓名 name", "角色 role", "乡镇 town", "村 village")
    for u in users:
        t.add_row(u.name, u.role, u.town or "", u.village or "")
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
    app.display.line(f"demo database: {path}")
    app.display.line(f"try:  mediation --db {path} case list --village 龙潭村")
    app.display.line(f"      mediation --db {path} report annual 2021 --format xlsx --out totals.xlsx")
