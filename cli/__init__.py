"""The ``mediation`` command line. Parses, calls one service, renders (style.md).

Only click is imported at start: sqlmodel, SQLAlchemy, pendulum and rich load inside the
commands that need them, so ``--help`` and completion cost about a bare click import.
"""

from __future__ import annotations

import os
from functools import cached_property

import click

from mediation.errors import InvalidRecords, MediationError


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
        return Database(self.db_location, create=create)

    @cached_property
    def db(self):
        return self.database()

    @cached_property
    def display(self):
        from cli.output import Display
        return Display()


class MediationGroup(click.Group):
    """Every refusal becomes ``Error: …`` on stderr with exit 1 — here, and only here."""

    def invoke(self, ctx: click.Context):
        import warnings

        # A warning (e.g. no official holiday calendar for a year) is one line on stderr.
        warnings.showwarning = lambda message, *_a, **_k: click.echo(f"Warning: {message}", err=True)
        try:
            return super().invoke(ctx)
        except InvalidRecords as exc:
            for problem in exc.problems:
                click.echo(problem, err=True)
            raise click.ClickException(str(exc)) from None
        except MediationError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=MediationGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db", envvar="MEDIATION_DB", metavar="URL_OR_PATH",
              help="SQLAlchemy URL (sqlite:///…, postgresql+psycopg://…) or an SQLite file path. "
                   "Env MEDIATION_DB. Default: an SQLite file in your data directory.")
@click.option("--as", "actor", envvar="MEDIATION_USER", metavar="USERNAME",
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
    ctx.obj = App(db, actor)


from cli import cases, load, petitions, registers, report, review, screening, setup, workflow  # noqa: E402  (registers the command groups)

main.add_command(setup.init)
main.add_command(setup.user)
main.add_command(setup.demo)
main.add_command(cases.case)
main.add_command(petitions.petition)
main.add_command(review.review)
main.add_command(screening.screening)
main.add_command(registers.matter)
main.add_command(registers.subject)
main.add_command(load.load)
main.add_command(report.report)
main.add_command(workflow.workflow)
