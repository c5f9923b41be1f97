"""The program's words in the reader's language: Chinese when the locale is Chinese
(``LANG=zh_CN.UTF-8``), English otherwise.

The code writes English, ``_("no such user '{name}'").format(name=…)``; the Chinese is the
catalog's (``locale/zh_CN/LC_MESSAGES/mediation.po``, kept with ``python -m cli.locale.catalog``),
so the two can never drift apart inside one string, and a message is worded once, when it is
raised, in the language of whoever runs the command. Placeholders are named, and a translation
uses the same ones as its English (tests/cli/test_i18n.py checks): word order differs between
the languages, the facts a message gives do not. This module sits below the workflows so that
every layer words its refusals the same way (docs/architecture.md, "Words").
"""

from __future__ import annotations

import gettext
import os

DOMAIN = "mediation"
LOCALEDIR = os.path.join(os.path.dirname(__file__), "locale")

_LANGUAGE = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
_catalogs: dict[tuple, gettext.NullTranslations] = {}


def _catalog() -> gettext.NullTranslations:
    """The catalog for the language the environment names now (looked up once per language:
    gettext's own lookup searches the disk on every call, about 30 µs)."""
    key = tuple(os.environ.get(v) for v in _LANGUAGE)
    found = _catalogs.get(key)
    if found is None:
        found = _catalogs[key] = gettext.translation(DOMAIN, LOCALEDIR, fallback=True)
    return found


def _(text: str) -> str:
    """``text`` in the reader's language (LANGUAGE, LC_ALL, LC_MESSAGES or LANG, read on
    every call: one process may serve either language)."""
    return _catalog().gettext(text)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog().ngettext(singular, plural, n)


def translated() -> bool:
    """Whether the reader reads the catalog's language (Chinese), not the code's."""
    return type(_catalog()) is not gettext.NullTranslations


def N_(text: str) -> str:
    """Marks a text for the catalog where it is defined (a module constant); it is translated
    where it is shown, with ``_``."""
    return text
