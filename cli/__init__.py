"""The ``mediation`` command line. Parses, calls one service, renders (docs/architecture.md).

Only click is imported at start: sqlmodel, SQLAlchemy, pendulum and rich load inside the
commands that need them, so ``--help`` and completion cost about a bare click import.
"""

from __future__ import annotations

import gc
import os
from functools import cached_property

import click

from cli import i18n
from mediation.errors import InvalidRecords, MediationError, PasswordNeeded

i18n.install()  # Chinese help and messages under a Chinese locale (cli/i18n.py)

# A command's start allocates the libraries' and our modules' objects and frees almost none of
# them: the cycle collector's ~170 passes over them find nothing and cost ~60 ms, about a tenth
# of a cold `case new`. It is off until the command comes to its data (``started``); what
# exists then is frozen (never scanned again) and the collector runs as usual from there on.
gc.disable()


def started() -> None:
    """The command's modules are loaded and its work begins: collect cycles from here on."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class App:
    """``ctx.obj``: the database and the acting user, opened on first use."""

    def __init__(self, db: str | None, actor: str | None):
        self.db_arg = db
        self.actor = actor

    @property
    def db_location(self) -> str:
        return self.db_arg or os.path.join(click.get_app_dir("mediation"), "mediation.db")

    def database(self, *, create: bool = False):
        from mediation.db import Database
        started()
        return Database(self.db_location, create=create, claim=self.actor)

    @cached_property
    def db(self):
        return self.database()

    @cached_property
    def display(self):
        from cli.output import Display
        return Display()


# Subcommands load on first use (click's "lazily loading subcommands" pattern): a run imports
# only the module of the command it runs. The one-line help of each is kept here so that
# `mediation --help` imports none of them; tests/cli/test_app.py checks these lines against
# the commands' own help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("cli.setup", "init", "Create the schema if missing, the town and its villages (idempotent)."),
    "upgrade": ("cli.setup", "upgrade", "Bring the database's schema up to this release (migrations, in one..."),
    "user": ("cli.setup", "user", "Users and their roles: mediator (村调解员), town (镇), county (县)."),
    "case": ("cli.cases", "case", "Dispute cases (纠纷案件): the 五步联调 pipeline across the 三线管控 lines."),
    "petition": ("cli.petitions", "petition", "Petitions (信访): routed within 15 days, answered within 60 (信访工作条例)."),
    "agenda": ("cli.agenda", "agenda", "What falls due today and in the next days (待办): a case's mediation..."),
    "review": ("cli.review", "review", "The town or county office's queue: escalations awaiting your line,..."),
    "screening": ("cli.screening", "screening", "四网排查: screening rounds (逐个, 拉网, 反复, 专项) and zero reports (零上报)."),
    "matter": ("cli.registers", "matter", "行政复议 (reconsideration) and 行政应诉 (litigation) against the town."),
    "subject": ("cli.registers", "subject", "社区矫正 and 安置帮教 subjects, and their employment (就业率)."),
    "load": ("cli.load", "load", "Load TOML records, a folder of them, or a village's ledger (台账..."),
    "template": ("cli.load", "template", "Write a blank ledger (台账) to fill in and load: headers, an..."),
    "report": ("cli.report", "report", "Reports for the town office: year-end totals, and the same for a..."),
    "backup": ("cli.backup", "backup", "Copy the database to a new FILE while others keep working (a consistent..."),
    "restore": ("cli.backup", "restore", "Replace the database's contents with the backup in FILE (asks first)."),
    "audit": ("cli.audit", "audit", "The tamper-evident trail of every record's steps (校验审计链)."),
    "log": ("cli.setup", "log", "Who did what, across every register, newest first (操作记录)."),
    "calendar": ("cli.calendar", "calendar", "The holiday calendar deadlines count on: load a year's State Council..."),
    "workflow": ("cli.workflow", "workflow", "The state machines behind cases, petitions, matters and subjects."),
    "demo": ("cli.setup", "demo", "The main job on the embedded default: a fresh SQLite database, the 2021..."),
    "shell": ("cli.shell", "shell", "Type commands one after another in one warm process (completion, history)."),
}


def _complete_users(ctx, param, incomplete):
    from cli.output import complete_users
    return complete_users(ctx, param, incomplete)


class MediationGroup(click.Group):
    """Loads subcommands lazily, and turns every refusal into ``Error: …`` on stderr with
    exit 1 — here, and only here."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        import importlib

        module, attr, _short = COMMANDS[name]
        command = getattr(importlib.import_module(module), attr)
        i18n.translate(command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section(i18n._("Commands")):
            formatter.write_dl([(name, i18n._(short)) for name, (_m, _a, short) in COMMANDS.items()])

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        i18n.translate(self)  # before --help is read: it prints as soon as it is parsed
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        import warnings

        # A warning (e.g. no official holiday calendar for a year) is one line on stderr; at a
        # terminal, the same warning once a day, not on every command.
        warnings.showwarning = lambda message, *_a, **_k: _warn(str(message))
        given = (list(getattr(ctx, "_protected_args", [])), list(ctx.args))
        try:
            try:
                return super().invoke(ctx)
            except PasswordNeeded:
                from cli.output import interactive
                if not interactive():
                    raise
                # The server asks for the login's password: asked once at the terminal, kept for
                # this command only (libpq reads PGPASSWORD), and the command runs again from
                # its start (nothing was done: the connection was refused).
                os.environ["PGPASSWORD"] = click.prompt(i18n._("Password"), hide_input=True, err=True)
                ctx._protected_args, ctx.args = list(given[0]), list(given[1])
                return super().invoke(ctx)
        except InvalidRecords as exc:
            for problem in exc.problems:
                click.echo(_one_line(problem), err=True)
            raise click.ClickException(str(exc)) from None
        except MediationError as exc:
            from cli.output import terminal_words
            raise click.ClickException(_one_line(exc.phrased(terminal_words))) from None
        except UnicodeEncodeError as exc:  # a file asked for in a narrower encoding (--encoding gbk)
            raise click.ClickException(i18n._("'{text}' cannot be written in {encoding}: use --encoding utf-8").format(
                text=exc.object[exc.start:exc.end], encoding=exc.encoding.upper())) from None
        except BrokenPipeError:  # the reader left (`… | head`): click's own handling says nothing, exits 1
            raise
        except OSError as exc:  # a file people named (--out, a template, a document) that cannot be used
            where = exc.filename or ""
            raise click.ClickException(i18n._("cannot use the file {path}: {reason}").format(
                path=where, reason=exc.strerror or exc)) from None


def _warn(message: str) -> None:
    import sys

    if sys.stderr.isatty() and _warned_today(message):
        return
    click.echo(i18n._("Warning: {message}").format(message=message), err=True)


def _warned_today(message: str) -> bool:
    """Whether this warning was shown at a terminal today already (kept in the app's folder;
    a file that cannot be read or written only means it is shown again)."""
    import hashlib
    import json
    from datetime import date

    path = os.path.join(click.get_app_dir("mediation"), "warned.json")
    today, key = date.today().isoformat(), hashlib.sha256(message.encode()).hexdigest()[:16]
    try:
        with open(path, encoding="utf-8") as fh:
            seen = json.load(fh)
    except (OSError, ValueError):
        seen = {}
    shown = seen.get(today, []) if isinstance(seen, dict) else []
    if key in shown:
        return True
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump({today: [*shown, key]}, fh)
    except OSError:
        pass
    return False


def _one_line(message: str) -> str:
    """A refusal is one line, whatever a quoted value held (a line break, an escape sequence)."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode() for c in message)


def _version(ctx: click.Context, param, value: bool) -> None:
    """``--version``: the release and the schema revision it runs on (what `upgrade` brings a
    database to)."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    from mediation.migrate import HEAD
    try:
        release = version("mediation")
    except PackageNotFoundError:  # (run from a source tree that was never installed)
        release = "?"
    click.echo(i18n._("mediation {release} (schema {revision})").format(release=release, revision=HEAD))
    ctx.exit()


@click.group(cls=MediationGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the release and its schema revision, and exit.")
@click.option("--db", "db", envvar="MEDIATION_DB", metavar="URL_OR_PATH",
              help="SQLAlchemy URL (sqlite:///…, postgresql+psycopg://…) or an SQLite file path. "
                   "Env MEDIATION_DB. Default: an SQLite file in your data directory.")
@click.option("--as", "actor", envvar="MEDIATION_USER", metavar="USERNAME", shell_complete=_complete_users,
              help="The acting user; every change is recorded under this name. Env MEDIATION_USER.")
@click.pass_context
def main(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """调解 — dispute mediation case workflow for town and village governments.

    三线管控、四网排查、五步联调: register disputes, carry them through the
    town's pipeline, and export the year-end totals.

    \b
    Example:
      mediation init --town 营盘镇 --village 龙潭村 --village 朱家湾村
      mediation user add 王主任 --role town
      mediation --as 王主任 case new --village 龙潭村 --type 邻里 \\
          --summary "宅基地边界争执" --party 张三 --party 李四
    """
    if not (isinstance(ctx.obj, App) and (ctx.obj.db_arg, ctx.obj.actor) == (db, actor)):
        ctx.obj = App(db, actor)  # (``mediation shell`` hands each line its own, warm, App)
