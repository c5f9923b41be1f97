"""``mediation load PATH``: import records, every action replayed through the workflows."""

from __future__ import annotations

import click

from cli.output import dump_json, json_option


@click.command()
@click.argument("path", type=click.Path(exists=True))
@json_option
@click.pass_obj
def load(app, path, as_json):
    """Load a TOML file, or every *.toml in a folder (e.g. sample_cases/yingpan-2021).

    Each file loads completely or not at all; every problem is listed with its place.
    Loading the same file again adds nothing (records are known by their key).

    \b
    Example:
      mediation --db town.db load sample_cases/yingpan-2021
    """

    db = app.database(create=True)
    results = run_load(app, db, path, quiet=as_json)
    if as_json:
        return dump_json(results)
    for r in results:
        counts = ", ".join(f"{k} {n}" for k, n in sorted(r.loaded.items())) or "nothing new"
        app.display.line(f"{r.path}: {counts}" + (f" ({r.skipped} already loaded)" if r.skipped else ""))


def run_load(app, db, path, *, quiet: bool = False):
    """Load with a progress bar on stderr when a person is watching."""
    from mediation import loader

    if quiet or not app.display.err.is_terminal:
        return loader.load(db, path)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    total = loader.count_records(path)
    with Progress(TextColumn("载入 loading"), BarColumn(), MofNCompleteColumn(), console=app.display.err,
                  transient=True) as bar:
        task = bar.add_task("load", total=total)
        return loader.load(db, path, progress=lambda n: bar.advance(task, n))
