"""``mediation backup`` and ``mediation restore``: a consistent copy, and putting one back."""

from __future__ import annotations

import click

from cli.output import dump_json, interactive, json_option
from cli.i18n import _


@click.command()
@click.argument("path", metavar="FILE")
@json_option
@click.pass_obj
def backup(app, path, as_json):
    """Copy the database to a new FILE while others keep working (a consistent snapshot).

    SQLite: the library's online backup. PostgreSQL: pg_dump (custom format), or the command
    to run where it is installed.

    \b
    Example:
      mediation --as 王主任 backup ~/备份/mediation-2021-12-31.db
    """
    from mediation import backup as backups

    view = backups.backup(app.db, path, actor=app.actor)
    if as_json:
        return dump_json(view)
    said = (_("backed up to {path} ({size} bytes, schema revision {revision})") if view.revision
            else _("backed up to {path} ({size} bytes)"))
    app.display.line(said.format(path=view.path, size=f"{view.size:,}", revision=view.revision))


@click.command()
@click.argument("path", metavar="FILE")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
@json_option
@click.pass_obj
def restore(app, path, yes, as_json):
    """Replace the database's contents with the backup in FILE (asks first).

    \b
    Example:
      mediation --as 王主任 restore ~/备份/mediation-2021-12-31.db
    """
    from mediation import backup as backups

    db = app.db
    if not yes:
        if not interactive() or as_json:
            raise click.UsageError(_("restore replaces every record in the database: confirm with {option}").format(
                option="--yes"))
        click.confirm(_("replace every record in {database} with the backup {path}?").format(
            database=app.db_location, path=path), abort=True)
    view = backups.restore(db, path, actor=app.actor)
    if as_json:
        return dump_json(view)
    app.display.line(_("restored {location} from {path}; check it with {command}").format(
        location=app.db_location, path=view.path, command="`mediation audit verify`"))
    for drift in view.logins:  # (the logins are the server's, not the backup's)
        app.display.line("  " + _("{name}: login {login} is {state} on this server: `mediation user relink {name} "
                                  "--login {login} --note …`").format(state=_(drift["state"]), **drift))
