"""Rendering in one place: the ``--json`` option, the ISO serialiser and the rich display.

Rich is imported only when something is drawn (docs/performance.md: ~40 ms), and built with
``markup=False, highlight=False, emoji=False``: party names and notes are typed by people,
and rich must not read ``[bold]`` in them as markup.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import cached_property
from typing import Any

import click


def terminal_words(kind: str, arg: str) -> str:
    """How the marks of a refusal read at the terminal (``workflows.phrase``): as the options
    one types — ``--note``, ``--at``, ``--set key=value``, ``--summary``."""
    if kind in ("note", "at"):
        return f"--{kind}"
    if kind == "opt":
        return "--" + arg.replace("_", "-")
    return f"--set {arg}"


def for_terminal(text: str) -> str:
    if "⟦" not in text:
        return text
    from workflows import phrase
    return phrase(text, terminal_words)


def step_values(trigger: str, values: dict[str, Any], *, skip: tuple[str, ...] = ()) -> str:
    """An event's values for a history table: a correction as ``field: old → new``, anything
    else as ``key=value`` (yes/no in Chinese)."""
    if trigger == "amend":
        return "; ".join(f"{k}: {v.get('old') or '—'} → {v.get('new') or '—'}" for k, v in values.items()
                         if isinstance(v, dict))
    plain = lambda v: ("是" if v else "否") if isinstance(v, bool) else str(v)  # noqa: E731
    return ", ".join(f"{k}={plain(v)}" for k, v in values.items() if k not in skip)


def render_access(display, access: list[dict[str, Any]] | None) -> None:
    """Who saw a record's personal data in full (for town and county users)."""
    if not access:
        return
    from mediation.timeutil import show

    t = display.table("查看完整身份信息 unmasked by", "时间 at", title=None, nowrap=("时间 at",))
    for a in access:
        t.add_row(a["actor"], show(a["at"]))
    display.print(t)


def json_option(f: Callable) -> Callable:
    """``--json``: exactly one JSON document on stdout, nothing else there."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Write one JSON document to stdout instead of a table.")(f)


def jsonable(value: Any) -> Any:
    import dataclasses
    from datetime import date, datetime

    if hasattr(value, "to_json"):
        return jsonable(value.to_json())
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return jsonable(dataclasses.asdict(value))
    if isinstance(value, (datetime, date)):
        from mediation.timeutil import iso
        return iso(value)
    if isinstance(value, str):
        return for_terminal(value)
    return value


def dump_json(value: Any) -> None:
    import json

    click.echo(json.dumps(jsonable(value), ensure_ascii=False, indent=2))


def interactive() -> bool:
    """Prompt only when a person sits at the terminal (stdin and stdout both a TTY)."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def need(value: Any, option: str, prompt: str, *, as_json: bool = False, **prompt_kwargs: Any) -> Any:
    """A required option: prompted for on a terminal, a usage error (exit 2) otherwise."""
    if value not in (None, "", ()):
        return value
    if interactive() and not as_json:
        return click.prompt(prompt, **prompt_kwargs)
    raise click.UsageError(f"Missing option '{option}'.")


class Display:
    """Owns the Console. Honours NO_COLOR; no colour and no styling when piped."""

    @cached_property
    def console(self):
        from rich.console import Console
        return Console(markup=False, highlight=False, emoji=False,
                       no_color=bool(os.environ.get("NO_COLOR")) or None)

    @cached_property
    def err(self):
        from rich.console import Console
        return Console(stderr=True, markup=False, highlight=False, emoji=False,
                       no_color=bool(os.environ.get("NO_COLOR")) or None)

    def table(self, *columns: str, title: str | None = None, box: bool = True, nowrap: tuple[str, ...] = ()):
        """A table whose columns fold long Chinese text (rich wraps only at spaces otherwise);
        the ``nowrap`` columns (case numbers, dates) stay on one line."""
        from rich import box as boxes
        from rich.table import Table

        t = Table(title=title, box=boxes.SIMPLE_HEAD if box else None, show_header=True,
                  title_justify="left", pad_edge=False)
        for c in columns:
            t.add_column(c, overflow="fold", no_wrap=c in nowrap)
        return t

    def fields(self, pairs: list[tuple[str, Any]], title: str | None = None):
        """A two-column key/value table."""
        from rich.table import Table

        t = Table(title=title, show_header=False, box=None, title_justify="left", pad_edge=False)
        t.add_column("field", style="bold", no_wrap=True)
        t.add_column("value", overflow="fold")
        for k, v in pairs:
            t.add_row(k, "" if v is None else str(v))
        return t

    def print(self, *things: Any) -> None:
        self.console.print(*things)

    def line(self, text: str) -> None:
        """Plain text (no rich parsing of any kind)."""
        click.echo(text)


class Labelled(click.ParamType):
    """A choice typed by its identifier or by its Chinese label, from the one table the
    workflows or the config define (``mediation.validation.choice``: parts of a label, a
    unique start of one, ambiguity refused with the candidates). The command gets the
    identifier; completion offers both. ``table`` is imported on first use, so ``--help`` of
    the whole program stays cheap."""

    name = "choice"

    def __init__(self, table: str, zh: str, en: str):
        self.table, self.zh, self.en = table, zh, en

    def options(self) -> dict[str, str]:
        import importlib

        module, _, attr = self.table.partition(":")
        return dict(getattr(importlib.import_module(module), attr))

    def get_metavar(self, param, ctx=None) -> str:
        return "[" + "|".join(f"{k}|{v.split('/')[0]}" for k, v in self.options().items()) + "]"

    def convert(self, value, param, ctx):
        from mediation.errors import InvalidValue
        from mediation.validation import choice

        try:
            return choice(str(value), self.options(), self.zh, self.en)
        except InvalidValue as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        words = [w for k, v in self.options().items() for w in (k, *v.split("/"))]
        return [CompletionItem(w) for w in words if w.startswith(incomplete)]
