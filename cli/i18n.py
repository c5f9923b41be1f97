"""Chinese help and messages when the locale is Chinese (``LANG=zh_CN.UTF-8``), English
otherwise: the standard library's gettext over the program's one catalog (``workflows.i18n``,
which every layer's refusals go through; kept with Babel: ``python -m cli.locale.catalog``;
docs/architecture.md, "Words").

click's own messages (``Usage:``, ``Missing option …``) go through gettext's default domain,
which ``install`` points at this catalog; the commands' help, written in English in the code,
is looked up by its text when a command is loaded (``translate``), so the code keeps one
language and the catalog the other.
"""

from __future__ import annotations

import gettext

from workflows.i18n import DOMAIN, LOCALEDIR, N_, _, ngettext

__all__ = ["N_", "_", "install", "ngettext", "translate"]


def install() -> None:
    """Make the catalog gettext's default domain too, for click's own messages (the language
    comes from LANGUAGE, LC_ALL, LC_MESSAGES or LANG; no catalog for it means English)."""
    gettext.bindtextdomain(DOMAIN, LOCALEDIR)
    gettext.textdomain(DOMAIN)


def _shown(text: str | None) -> str | None:
    return _(text) if text else text


def first_sentence(text: str, width: int = 56) -> str:
    """A Chinese help's first sentence for a command list: click ends a sentence only at '.'
    and counts characters, so a Chinese line would run far past 80 columns."""
    import unicodedata

    head = text.split("\n\n")[0].strip()
    head = head.split("。")[0] + ("。" if "。" in head else "")
    out, used = "", 0
    for ch in head:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if used + w > width - 1:
            return out + "…"
        out, used = out + ch, used + w
    return out


def translate(command) -> None:
    """The command's help, short help, and its options' and subcommands' help, in the
    reader's language, from the English the code wrote (kept on first use, so one process
    may show either language)."""
    import click

    if not hasattr(command, "_english"):
        command._english = (command.help, command.short_help,
                            [p.help for p in command.params if isinstance(p, click.Option)])
    help_text, short, options = command._english
    command.help = _shown(help_text)
    command.short_help = _shown(short)
    if short is None and command.help and command.help != help_text:
        command.short_help = first_sentence(command.help)
    for param, text in zip([p for p in command.params if isinstance(p, click.Option)], options, strict=True):
        param.help = _shown(text)
    if hasattr(command, "_help_option"):
        command._help_option = None  # click words --help once per command: let it word it again
    for sub in getattr(command, "commands", {}).values():
        translate(sub)
