"""``mediation load PATH``: import records, every action replayed through the workflows."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option
from cli.i18n import N_, _


@click.command()
@click.argument("path", type=click.Path(exists=True))
@json_option
@click.pass_obj
def load(app, path, as_json):
    """Load TOML records, a folder of them, or a village's ledger (台账 .xlsx / .csv).

    Each file loads completely or not at all; every problem is listed with its place (in a
    ledger, its cell: 台账!5:E(当事人)). Loading the same file again adds nothing (records are
    known by their key; a ledger's by its 编号).

    \b
    Example:
      mediation --db town.db load sample_cases/yingpan-2021
      mediation --as 刘明山 load 龙潭村台账.xlsx
    """

    db = app.database(create=True)
    results = run_load(app, db, path, quiet=as_json)
    if as_json:
        return dump_json(results)
    for r in results:
        counts = ", ".join(f"{_(LOADED.get(k, k))} {n}" for k, n in sorted(r.loaded.items())) or _("nothing new")
        app.display.line(f"{r.path}: {counts}"
                         + (" (" + _("{count} already loaded").format(count=r.skipped) + ")" if r.skipped else ""))


# What an import file's records are, as a load's summary names them.
LOADED = {"town": N_("town"), "user": N_("user"), "case": N_("case"), "petition": N_("petition"), "matter": N_("matter"),
          "subject": N_("subject"), "screening": N_("screening round"), "zero_report": N_("zero report")}


def run_load(app, db, path, *, quiet: bool = False):
    """Load with a progress bar on stderr when a person is watching."""
    from mediation import loader

    if quiet or not app.display.err.is_terminal:
        return loader.load(db, path)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = loader.count_records(path)
    with Progress(TextColumn(_("loading")), BarColumn(), MofNCompleteColumn(), console=app.display.err,
                  transient=True) as bar:
        task = bar.add_task("load", total=total)
        return loader.load(db, path, progress=lambda n: bar.advance(task, n))


@click.command()
@click.argument("path", type=click.Path(dir_okay=False))
@click.pass_obj
def template(app, path):
    """Write a blank ledger (台账) to fill in and load: headers, an example, drop-down lists.

    The lists offer the categories, this database's villages, the steps and every choice a
    step takes, in Chinese. Fill it in Excel or WPS, then `mediation load FILE`.

    \b
    Example:
      mediation template 台账.xlsx
    """
    import os

    from mediation import ledger

    if not path.lower().endswith(".xlsx"):
        raise click.UsageError(_("the template is an Excel workbook: give a FILE ending in {suffix}").format(suffix=".xlsx"))
    if os.path.exists(path):
        raise click.ClickException(_("{target} exists: choose another name").format(target=path))
    ledger.template(path, villages=ledger.village_names(app.db))
    click.echo(_("wrote {path}").format(path=path), err=True)
