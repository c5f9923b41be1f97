"""Rendering in one place: the ``--json`` option, the ISO serialiser and the rich display.

Rich is imported only when something is drawn (docs/performance.md: ~40 ms), and built with
``markup=False, highlight=False, emoji=False``: party names and notes are typed by people,
and rich must not read ``[bold]`` in them as markup.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import cached_property
from typing import Any

import click
from cli.i18n import _, ngettext


def terminal_words(kind: str, arg: str) -> str:
    """How the marks of a refusal read at the terminal (``workflows.phrase``): as the options
    one types — ``--note``, ``--at``, ``--set key=value``, ``--summary``."""
    if kind in ("note", "at"):
        return f"--{kind}"
    if kind == "opt":
        return "--" + arg.replace("_", "-")
    return f"--set {arg}"


def named(ident: str | None, label: str | None) -> str:
    """A state or a step as the reader reads it: its Chinese label alone under a Chinese locale
    (``已研判``), the identifier beside it otherwise (``triaged 已研判``), as scripts know it."""
    from workflows.i18n import translated

    if translated() and label:
        return label
    return f"{ident or ''} {label or ''}".strip()


def tell_recurrence(found) -> None:
    """反复 at intake: each earlier dispute of the same person resolved not long before — told on
    stderr, never refused."""
    from mediation.timeutil import show

    for again in found or []:
        click.echo(_("Warning: {party} had a dispute resolved on {day} ({number}): it may be recurring (反复)").format(
            day=show(again["resolved_at"], minutes=False), party=again["party"], number=again["number"]), err=True)


def channel_named(key: str | None) -> str:
    """A legal channel (分流渠道) as the reader reads it (``named``)."""
    from workflows.config import CHANNELS
    return named(key, CHANNELS.get(key or ""))


def for_terminal(text: str) -> str:
    if not hasattr(text, "wants"):  # plain words (no ``workflows.Wording``)
        return text
    return text.phrase(terminal_words)


def step_values(trigger: str, values: dict[str, Any], *, fields: Any = None, skip: tuple[str, ...] = (),
                sep: str = "\n") -> str:
    """An event's values for a history table: a correction as ``field: old → new``; a step's
    values under the labels its workflow gives them (``fields``: 协议金额=3100.00, a choice by
    its label), and nothing the program keeps for itself (``amount_fen``)."""
    if trigger in ("amend", "calendar"):  # a correction; a deadline moved by a holiday notice
        return sep.join(f"{k}: {v.get('old') or '—'} → {v.get('new') or '—'}" for k, v in values.items()
                        if isinstance(v, dict))
    if trigger == "attach":  # a file kept with the case: its number, kind and name (the hash is in JSON)
        from mediation.attachments import KINDS

        return f"#{values.get('n')} {KINDS.get(values.get('kind'), values.get('kind'))} {values.get('name')}"
    skip = (*skip, "late", "lapsed")  # (shown with the step's label, or beside the deadline told)

    def shown(key: str, value: Any) -> str:
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        spec = fields.get(key) if fields else None
        if spec is not None and spec.kind == "choice":
            return str(spec.options.get(value, value)).split("/")[0]
        if spec is not None and spec.kind in ("date", "date_or_unknown") and isinstance(value, str) and "T" in value:
            return _day(value)  # kept as an ISO instant; shown as the day a person wrote
        return str(value)

    def label(key: str) -> str:
        spec = fields.get(key) if fields else None
        return spec.label if spec is not None else key

    keys = [k for k in values if k not in skip and (fields is None or k in fields)]
    return sep.join(f"{label(k)}={shown(k, values[k])}" for k in keys)


def _day(iso: str) -> str:
    from datetime import datetime

    from mediation.timeutil import show
    try:
        return show(datetime.fromisoformat(iso), minutes=False)
    except ValueError:
        return iso


def numbered(v) -> tuple[str, str]:
    """A record's first field in a ``show`` view: its number, id and version."""
    return _("number"), _("{number}  (id {id}, version {version})").format(number=v.number, id=v.id, version=v.version)


def history_table(display, *, line: bool = False):
    """A record's steps: #, when, the step, the state it led to, (the case's line), who, and
    the note with the step's values (the one column that wraps)."""
    note = _("note")
    return display.table("#", _("at"), _("step"), "→ " + _("state"), *((_("line"),) if line else ()), _("by"), note,
                         wrap=(note,))


def provisional_mark(deadline) -> str:
    """`` 暂定`` after a deadline that ends in a year whose 调休 are not known yet."""
    from mediation.deadlines import provisional

    return " " + _("provisional") if provisional(deadline) else ""


def step_label(labels: dict[str, str], event) -> str:
    """A history step by its label, marked when it was late (逾期) or a later undo took it back."""
    return (labels.get(event.trigger, event.trigger) + (" (" + _("late") + ")" if getattr(event, "late", False) else "")
            + (" (" + _("undone") + ")" if event.undone else ""))


def render_access(display, access: list[dict[str, Any]] | None) -> None:
    """Who saw a record's personal data in full (for town and county users)."""
    if not access:
        return
    from mediation.timeutil import show

    t = display.table(_("full identity seen by"), _("at"), title=None)
    for a in access:
        t.add_row(a["actor"], show(a["at"]))
    display.print(t)


PAPER_OPTION = click.option("--paper", "paper_folder", type=click.Path(file_okay=False), envvar="MEDIATION_PAPER",
                            help="The town's paper folder: template.docx (letterhead, fonts) and paper.toml "
                                 "(names printed). Default: $MEDIATION_PAPER.")


PAGE = 20  # a list's rows at a terminal: a screen, not a county's million


def limit_option(records: str) -> Callable:
    """``--limit``: at most this many rows; a table shows ``PAGE`` by default, JSON (what
    scripts read) every row; 0 lists them all. ``records``: what the list holds, in English."""
    return click.option("--limit", type=click.IntRange(0, 1_000_000),
                        help=f"At most this many {records} (default {PAGE} in the table, all in JSON; 0: all).")


def listed(db, listing: Callable, counting: Callable, narrowed: dict[str, Any], limit: int | None,
           as_json: bool) -> tuple[list, int] | None:
    """A register's list by ``limit_option``'s rule: the views of the rows shown only
    (``listing(db, limit=…, **narrowed)``) and how many there are (``counting(db, **narrowed)``,
    asked only when the page is full). ``--json`` writes every view asked for and gives None."""
    shown = (None if as_json else PAGE) if limit is None else (limit or None)
    views = listing(db, limit=shown, **narrowed)
    if as_json:
        dump_json(views)
        return None
    return views, counting(db, **narrowed) if shown and len(views) == shown else len(views)


def page_and_count(display, table, shown: int, total: int, *, more: str, counted: str) -> None:
    """A list's table (through the pager when it is long), then how many: ``more`` (an ``N_``
    text with ``{shown}``, ``{total}`` and ``{all}``) when the page holds fewer than all, else
    ``counted``."""
    display.page(table)
    display.line(_(more).format(shown=shown, total=total, all="--limit 0") if total > shown else counted)


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
        return click.prompt(_(prompt), **prompt_kwargs)

    if not option.startswith("-"):  # an argument (CASE, NAME), not an option
        raise click.UsageError(_("Missing argument '{name}'.").format(name=option))
    raise click.UsageError(_("Missing option '{option}'.").format(option=option))


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

    def table(self, *columns: str, title: str | None = None, box: bool = True, wrap: tuple[str, ...] = (),
              optional: tuple[str, ...] = ()):
        """A table readable at 80 columns: every column stays on one line (a category, a state,
        a number or a date is never broken inside); only the free-text ``wrap`` columns (notes,
        summaries) run onto more lines. When the terminal is too narrow, the ``optional``
        columns are left out, in that order, before anything is cut (``print``)."""
        from rich import box as boxes
        from rich.table import Table

        t = Table(title=title, box=boxes.SIMPLE_HEAD if box else None, show_header=True,
                  title_justify="left", pad_edge=False)
        for c in columns:
            if c in wrap:
                t.add_column(c, overflow="fold", ratio=1, min_width=12)
            else:
                t.add_column(c, no_wrap=True, overflow="ellipsis")
        t.optional = optional  # read by print
        return t

    def _fit(self, t) -> None:
        """Leave out optional columns until the table fits the terminal, then keep every
        one-line column at its full width (the wrapping ones take what is left)."""
        from rich.cells import cell_len

        def width(column) -> int:
            return max(cell_len(line) for cell in (column.header, *column._cells) for line in str(cell).split("\n"))

        room = self.console.width
        optional = list(getattr(t, "optional", ()))

        def frame() -> int:
            """What the table takes besides its cells (padding, the box's spaces), as rich measures
            it: its widest rendering less its widest cells."""
            widest = t.__rich_measure__(self.console, self.console.options).maximum
            return widest - sum(width(c) for c in t.columns)

        while True:
            need = sum(width(c) if c.no_wrap else c.min_width or 0 for c in t.columns) + frame()
            if need <= room or not optional:
                break
            drop = optional.pop(0)
            t.columns[:] = [c for c in t.columns if c.header != drop]
        for c in t.columns:
            if c.no_wrap:
                c.min_width = width(c)

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
        for thing in things:
            if hasattr(thing, "optional"):
                self._fit(thing)
        self.console.print(*things)

    def page(self, table) -> None:
        """A long list through the pager ($PAGER, else less) when a person reads it at a
        terminal; printed as it is when piped."""
        if interactive() and table.row_count > self.console.height - 4:
            with self.console.pager():
                self.print(table)
        else:
            self.print(table)

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

    def __init__(self, table: str, what: str):
        self.table, self.what = table, what  # what: a catalog text, for refusals

    def options(self) -> dict[str, str]:
        import importlib

        module, _colon, attr = self.table.partition(":")
        return dict(getattr(importlib.import_module(module), attr))

    def get_metavar(self, param, ctx=None) -> str:
        return "[" + "|".join(f"{k}|{v.split('/')[0]}" for k, v in self.options().items()) + "]"

    def convert(self, value, param, ctx):
        from mediation.errors import InvalidValue
        from mediation.validation import choice

        try:
            return choice(str(value), self.options(), self.what)
        except InvalidValue as exc:
            self.fail(str(exc), param, ctx)

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem

        from workflows.config import WORDS

        words = [w for k, v in self.options().items() for w in (k, *v.split("/"))] + list(WORDS.get(self.what, {}))
        return [CompletionItem(w) for w in dict.fromkeys(words) if w.startswith(incomplete)]


_BREAK_AFTER = "\u3002\uff0c\uff1b\u3001\uff1a\uff01\uff1f\uff09\u3011\u300b\u201d\u2019"  # 。，；、：！？）】》”’
_ASCII_BREAK = ",;:!?)"


def wrap_cjk(text: str, width: int) -> list[str]:
    """Chinese prose in lines of at most ``width`` columns, broken after punctuation where it
    can be, else between two Chinese characters; never inside a number or a Latin word."""
    from rich.cells import cell_len

    pieces, run = [], ""
    for i, ch in enumerate(text):  # clauses end after punctuation; numbers (93.3%, 1,200) stay whole
        run += ch
        after = text[i + 1:i + 2]
        if ch in _BREAK_AFTER or (ch in _ASCII_BREAK and not after.isdigit()):
            pieces.append(run)
            run = ""
    if run:
        pieces.append(run)
    lines, line = [], ""
    for piece in pieces:
        if cell_len(line + piece) <= width:
            line += piece
            continue
        if line:
            lines.append(line)
            line = ""
        last = ""  # the unit the line ends with: it goes down with punctuation that does not fit
        for unit in re.findall(r"[0-9A-Za-z%¥]+(?:[.,:/\-][0-9A-Za-z%¥]+)*|.", piece):  # too long: between characters
            if cell_len(line + unit) > width and line:
                if unit not in _BREAK_AFTER + _ASCII_BREAK:
                    lines.append(line)
                    line = ""
                elif last and line != last:  # (punctuation never starts a line: its word goes down with it)
                    lines.append(line[:-len(last)])
                    line = last
            line += unit
            last = unit
    if line:
        lines.append(line)
    return lines


def waited(since) -> str:
    """How long something has waited, as a person says it: 已等待3天, 已等待2个月, 已等待6年
    (waited 3 days, 2 months, 6 years)."""
    from mediation import timeutil

    days = max(0, (timeutil.now() - since).days)
    if days >= 365:
        n = days // 365
        return ngettext("waited {n} year", "waited {n} years", n).format(n=n)
    if days >= 30:
        n = days // 30
        return ngettext("waited {n} month", "waited {n} months", n).format(n=n)
    return ngettext("waited {n} day", "waited {n} days", days).format(n=days) if days else _("today")


def _completion_database(ctx):
    """The database the command line being completed names (``--db``, else MEDIATION_DB, else
    the default file), opened as its ``--as`` user."""
    from mediation.db import Database

    root = ctx.find_root().params
    where = root.get("db") or os.environ.get("MEDIATION_DB") or os.path.join(click.get_app_dir("mediation"),
                                                                             "mediation.db")
    return Database(where, claim=root.get("actor"))


def completed(ctx, incomplete: str, read: Callable[[Any], list[str]]) -> list[str]:
    """Completion from the database; nothing (never an error in the shell) when it cannot be read."""
    try:
        db = _completion_database(ctx)
        try:
            words = read(db)
        finally:
            db.dispose()
    except Exception:  # noqa: BLE001 - completion must not fail the shell
        return []
    return [w for w in words if w.startswith(incomplete)]


def complete_villages(ctx, param, incomplete: str) -> list[str]:
    from mediation.ledger import village_names
    return completed(ctx, incomplete, village_names)


def complete_users(ctx, param, incomplete: str) -> list[str]:
    from mediation.admin import list_users
    return completed(ctx, incomplete, lambda db: [u.name for u in list_users(db)])


def complete_set(table: str):
    """``--set`` completion: each value a workflow's steps take, as ``key=`` and ``label=``
    (``table``: ``module:NAME`` of a workflow, or of a mapping of them by kind)."""
    def complete(ctx, param, incomplete: str) -> list[str]:
        import importlib

        module, _sep, attr = table.partition(":")
        found = getattr(importlib.import_module(module), attr)  # a workflow, or several by kind
        flows = found.values() if isinstance(found, dict) else [found]
        words = [f"{w}=" for flow in flows for key, spec in flow.fields.items() for w in (key, spec.label)]
        return [w for w in words if w.startswith(incomplete)]
    return complete


def parse_sets(pairs: tuple[str, ...]) -> dict[str, str]:
    """``--set KEY=VALUE`` pairs as a dict (a pair without ``=`` is a usage error)."""
    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(_("'{pair}' is not KEY=VALUE").format(pair=pair), param_hint="--set")
        values[key.strip()] = value
    return values


def moment(text: str | None):
    """``--at`` as typed, parsed (None: not given, i.e. now)."""
    if text is None:
        return None  # not given: now ('' is given, and no date)
    from mediation.timeutil import parse_at
    return parse_at(text)
