"""The command line as a whole: help everywhere, workflow diagrams, setup, the database option."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from cli import main


def _commands(group: click.Group, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        yield prefix + (name,), cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + (name,))


ALL = list(_commands(main))


@pytest.mark.parametrize("path,cmd", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_command_has_help_with_text(path, cmd):
    result = CliRunner().invoke(main, list(path) + ["--help"])
    assert result.exit_code == 0, result.output
    assert cmd.help and len(cmd.help.strip()) > 20
    if not isinstance(cmd, click.Group):
        assert "Example:" in cmd.help, f"{' '.join(path)} has no Example: block"


def test_the_help_examples_type_valid_id_numbers_and_phones():
    """A mediator copies an example: every ID number and mobile in a command's help passes the
    checks the command applies (one example once had a wrong GB 11643 check digit)."""
    import re

    from mediation import validation

    found = []
    for path, cmd in ALL:
        for ident in re.findall(r"(?<!\d)\d{17}[\dX](?!\d)", cmd.help or ""):
            assert validation.id_number_problem(ident) is None, (" ".join(path), ident)
            found.append(ident)
        for mobile in re.findall(r"(?<!\d)1[3-9]\d{9}(?!\d)", cmd.help or ""):
            validation.phone(mobile)
    assert found  # (the examples do type ID numbers)


def test_workflow_show_prints_mermaid():
    result = CliRunner().invoke(main, ["workflow", "show", "dispute"])
    assert result.exit_code == 0 and "stateDiagram-v2" in result.output
    data = json.loads(CliRunner().invoke(main, ["workflow", "show", "dispute", "--json"]).stdout)
    assert "escalation_pending" in data["states"]
    result = CliRunner().invoke(main, ["workflow", "show", "nope"])
    assert result.exit_code == 2


def test_init_is_idempotent_and_adds_villages(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    first = json.loads(runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村", "--json"]).stdout)
    again = json.loads(runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村",
                                            "--village", "秦丰村", "--json"]).stdout)
    assert first["created"] and not again["created"]
    assert again["villages"] == ["龙潭村", "秦丰村"] and again["added_villages"] == ["秦丰村"]


def test_a_second_town_cannot_share_the_case_number_abbreviation(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村"])
    result = runner.invoke(main, ["--db", db, "init", "--town", "营口镇", "--village", "东村"])
    assert result.exit_code == 1 and "taken by 营盘镇" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(main, ["--db", db, "init", "--town", "营口镇", "--abbr", "口", "--village", "东村"])
    assert result.exit_code == 0, result.output


def test_a_missing_database_is_one_error_line(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.db"), "case", "list"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: ") and "mediation init" in result.stderr
    result = CliRunner().invoke(main, ["--db", "postgresql+psycopg://nobody@127.0.0.1:1/x", "case", "list"])
    assert result.exit_code == 1 and "not answering" in result.stderr
    assert "Traceback" not in result.output
    result = CliRunner().invoke(main, ["--db", "mysql://u@h/x", "case", "list"])
    assert result.exit_code == 1 and "not a usable database URL" in result.stderr


def test_the_first_user_bootstraps_even_with_an_acting_user_set(tmp_path):
    db = str(tmp_path / "m.db")
    runner = CliRunner(env={"MEDIATION_USER": "王主任"})
    runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村"])
    result = runner.invoke(main, ["--db", db, "user", "add", "王主任", "--role", "town"])
    assert result.exit_code == 0, result.output


def test_user_add_needs_a_town_or_county_user_after_the_first(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村"])
    assert runner.invoke(main, ["--db", db, "user", "add", "王主任", "--role", "town"]).exit_code == 0
    result = runner.invoke(main, ["--db", db, "user", "add", "刘调解", "--role", "mediator", "--village", "龙潭村"])
    assert result.exit_code == 1 and "no acting user" in result.stderr
    result = runner.invoke(main, ["--db", db, "--as", "王主任", "user", "add", "刘调解", "--role", "mediator"])
    assert result.exit_code == 2 and "--village" in result.stderr


def test_demo_loads_the_sample_and_prints_the_2021_report(tmp_path):
    out = tmp_path / "demo.db"
    result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "80"}).invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "全年行政调解案件4件,行政应诉案件1件,无行政复议事项发生。" in result.stdout.replace("\n", "")
    assert "94.2%" in result.stdout and out.exists()
    again = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert again.exit_code == 1 and "exists" in again.stderr


def test_the_static_short_help_matches_each_commands_own():
    """`mediation --help` lists commands without importing them; its lines must not drift."""
    from cli import COMMANDS

    ctx = click.Context(main)
    for name, (_, _, short) in COMMANDS.items():
        own = main.get_command(ctx, name).get_short_help_str(limit=len(short))
        assert own == short, f"{name}: update cli.COMMANDS to {own!r}"
    result = CliRunner().invoke(main, ["--help"])
    assert all(name in result.output for name in COMMANDS)


def test_an_unknown_command_is_a_usage_error():
    result = CliRunner().invoke(main, ["cases"])
    assert result.exit_code == 2 and "No such command" in result.stderr


def test_a_database_whose_first_user_was_a_mediator_still_gets_its_office(tmp_path):
    """The first user bootstraps; if that was a mediator, nobody could ever add users. The
    office's first town or county user is then added as the first user is (without --as), and
    a mediator is told so instead of being refused without a way out."""
    db = str(tmp_path / "m.db")
    runner = CliRunner()
    runner.invoke(main, ["--db", db, "init", "--town", "营盘镇", "--village", "龙潭村"])
    assert runner.invoke(main, ["--db", db, "user", "add", "刘调解", "--role", "mediator", "--village", "龙潭村"]).exit_code == 0
    refused = runner.invoke(main, ["--db", db, "--as", "刘调解", "user", "add", "周调解", "--role", "mediator",
                                   "--village", "龙潭村"])
    assert refused.exit_code == 1 and "no town or county user yet" in refused.stderr
    assert runner.invoke(main, ["--db", db, "user", "add", "王主任", "--role", "town"]).exit_code == 0
    # From then on the office adds users, and nobody else does.
    again = runner.invoke(main, ["--db", db, "user", "add", "李主任", "--role", "town"])
    assert again.exit_code == 1 and "no acting user" in again.stderr
    assert runner.invoke(main, ["--db", db, "--as", "王主任", "user", "add", "周调解", "--role", "mediator",
                                "--village", "龙潭村"]).exit_code == 0
    assert runner.invoke(main, ["--db", db, "--as", "刘调解", "user", "add", "李主任", "--role", "town"]).exit_code == 1
