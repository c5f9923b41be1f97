"""``mediation shell``: the same commands, typed one after another in one warm process.

A mediator logging ten cases in a row pays the start of a command (importing the libraries,
opening the database) once, not ten times: every line is a ``mediation`` command without the
word ``mediation``, run in this process with the database and the acting user the shell was
started with (``mediation --as 刘调解 shell``). Lines are edited and completed with the
standard library's readline — Tab completes commands, options, villages, steps and case
numbers exactly as the shell completion of ``mediation`` does, since it is the same click
completion — and kept in a history file in the app's folder. A refused command prints its one
line and the shell goes on; ``exit``, ``quit`` or Ctrl-D leave it.
"""

from __future__ import annotations

import os
import shlex
import sys

import click

from cli.i18n import _

_LEAVE = {"exit", "quit", "退出"}


@click.command("shell")
@click.pass_context
def shell(ctx: click.Context) -> None:
    """Type commands one after another in one warm process (completion, history).

    Each line is a command without the word `mediation`; the database and --as are the
    shell's. `help` lists the commands; exit, quit or Ctrl-D leaves.

    \b
    Example:
      mediation --as 刘调解 shell
      mediation> case new --village 龙潭村 --type 邻里 --summary 排水沟堵塞 --party 孙秀英
      mediation> case do 1 研判分流 --set risk=绿
    """
    from cli import main

    root = ctx.find_root()
    app = root.obj
    head = [*(["--db", app.db_arg] if app.db_arg else []), *(["--as", app.actor] if app.actor else [])]
    at_terminal = sys.stdin.isatty()
    history = _readline(head) if at_terminal else None
    prompt = f"mediation{'(' + app.actor + ')' if app.actor else ''}> " if at_terminal else ""
    try:
        while True:
            try:
                line = input(prompt)
            except EOFError:
                if at_terminal:
                    click.echo()
                break
            except KeyboardInterrupt:  # Ctrl-C drops the line being typed, not the shell
                click.echo()
                continue
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line in _LEAVE:
                break
            try:
                args = shlex.split(line)
            except ValueError as exc:  # an unclosed quote
                click.echo(_("Error: {problem}").format(problem=exc), err=True)
                continue
            if args[0] == "mediation":
                args = args[1:]
            if args in (["help"], ["?"]):
                args = ["--help"]
            _run(main, head, args, app)
    finally:
        if history:
            history()


def _run(main: click.Group, head: list[str], args: list[str], app) -> int:
    """One line as ``mediation`` would run it; its exit status (a refusal is shown, not raised)."""
    try:
        main.main(args=[*head, *args], prog_name="mediation", standalone_mode=False, obj=app)
        return 0
    except click.exceptions.Abort:
        click.echo(_("Aborted!"), err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except SystemExit as exc:  # (a command that exits itself)
        return exc.code if isinstance(exc.code, int) else 1
    except BrokenPipeError:
        return 1


def _readline(head: list[str]):
    """Line editing, Tab completion and a history file; returns what saves the history."""
    try:
        import readline
    except ImportError:  # (Windows without pyreadline: lines are read plainly)
        return None
    path = os.path.join(click.get_app_dir("mediation"), "shell_history")
    try:
        readline.read_history_file(path)
    except OSError:
        pass
    readline.set_history_length(2000)
    readline.set_completer_delims(" \t\n")
    readline.set_completer(_completer(head))
    readline.parse_and_bind("tab: complete")

    def save() -> None:
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            readline.write_history_file(path)
        except OSError:
            pass

    return save


def _completer(head: list[str]):
    """readline's completer over click's own completion (the commands' ``shell_complete``)."""
    found: list[str] = []

    def complete(text: str, state: int) -> str | None:
        if state == 0:
            import readline

            found[:] = candidates(head, readline.get_line_buffer()[:readline.get_endidx()], text)
        return found[state] if state < len(found) else None

    return complete


def candidates(head: list[str], before: str, incomplete: str) -> list[str]:
    """What completes ``incomplete`` after the words ``before`` it (a line's start)."""
    from click.shell_completion import ShellComplete

    from cli import main

    try:
        words = shlex.split(before)
    except ValueError:
        return []
    if words and not before.endswith((" ", "\t")):
        words = words[:-1]
    if words[:1] == ["mediation"]:
        words = words[1:]
    done = ShellComplete(main, {}, "mediation", "_MEDIATION_COMPLETE")
    try:
        items = done.get_completions([*head, *words], incomplete)
    except Exception:  # noqa: BLE001 — a completion that fails offers nothing, never ends the shell
        return []
    return [f"{item.value} " for item in items if item.type == "plain"]
