"""Keeping the Chinese catalog (a developer's tool; needs Babel, in the ``test`` extra).

    python -m cli.locale.catalog update    # new English texts into workflows/locale/zh_CN/LC_MESSAGES/mediation.po
    python -m cli.locale.catalog compile   # the .po into the .mo the program reads

The texts are the commands' help and options (walked from the click tree, exactly as click
shows them), the short help of ``cli.COMMANDS``, the hints of the workflows' guards (walked
from the workflows), our own ``_()`` and ``N_()`` calls in ``cli/``, ``mediation/`` and
``workflows/``, and click's own messages (extracted from click's source by Babel).
"""

from __future__ import annotations

import importlib
from functools import cache
import os
import sys

from workflows.i18n import LOCALEDIR

PO = os.path.join(LOCALEDIR, "zh_CN", "LC_MESSAGES", "mediation.po")
MO = os.path.join(LOCALEDIR, "zh_CN", "LC_MESSAGES", "mediation.mo")
ROOT = os.path.dirname(os.path.dirname(LOCALEDIR))


def texts() -> list[str | tuple[str, str]]:
    """Every text the program shows that the catalog may translate, in a stable order; a
    ``ngettext`` text is its (singular, plural) pair, one plural entry of the catalog (as
    two plain entries, ``ngettext`` would never find them)."""
    import click

    import cli

    found: list[str | tuple[str, str]] = []

    def walk(command) -> None:
        english = getattr(command, "_english", None)  # what the code wrote, if shown translated
        help_text, short, options = english or (command.help, command.short_help,
                                                [p.help for p in command.params if isinstance(p, click.Option)])
        found.extend(t for t in (help_text, short, *options) if t)
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(cli.main)
    for module, attr, short in cli.COMMANDS.values():
        found.append(short)
        walk(getattr(importlib.import_module(module), attr))
    found += hints()
    for folder in (os.path.dirname(click.__file__), *(os.path.join(ROOT, p) for p in ("cli", "mediation", "workflows"))):
        found += extracted(folder)
    return list(dict.fromkeys(found))


def hints() -> list[str]:
    """What the workflows' guards say a step needs (``case next``), where it has words and not
    only placeholders (``{risk}`` reads the same in both languages)."""
    import re
    from workflows.dispute import DISPUTE
    from workflows.matter import WORKFLOWS as MATTERS
    from workflows.petition import PETITION
    from workflows.subject import SUBJECT

    out = []
    for workflow in (DISPUTE, PETITION, SUBJECT, *MATTERS.values()):
        out += [g.hint for g in workflow.guards.values() if re.search(r"[A-Za-z]", re.sub(r"\{\w+\}", "", g.hint))]
    return out


@cache
def extracted(folder: str) -> tuple[str | tuple[str, str], ...]:
    """The ``_()`` and ``ngettext()`` texts of a source folder (Babel's extractor)."""
    from babel.messages.extract import extract_from_dir

    out: list[str | tuple[str, str]] = []
    for _file, _line, message, _comments, _context in extract_from_dir(folder, keywords={"_": None, "N_": None,
                                                                                        "ngettext": (1, 2)}):
        if isinstance(message, str):
            out.append(message)
        elif all(message):
            out.append(tuple(message))
    return tuple(out)


def update() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(domain="mediation")
    for text in texts():
        template.add(text)
    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    catalog.update(template, no_fuzzy_matching=True)
    with open(PO, "wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=False, ignore_obsolete=True)  # (git keeps them)


def compiled() -> bytes:
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(PO, "rb") as fh:
        catalog = read_po(fh, locale="zh_CN")
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compile_mo() -> None:
    with open(MO, "wb") as fh:
        fh.write(compiled())


if __name__ == "__main__":
    {"update": update, "compile": compile_mo}[sys.argv[1]]()
