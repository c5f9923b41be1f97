"""Imports point one way: cli → mediation → workflows (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {
    "workflows": {"cli", "mediation", "click", "rich", "sqlmodel", "sqlalchemy"},
    "mediation": {"cli", "click", "rich"},
}
FILES = [(pkg, p) for pkg in FORBIDDEN for p in sorted((ROOT / pkg).rglob("*.py"))]


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("pkg,path", FILES, ids=[str(p.relative_to(ROOT)) for _, p in FILES])
def test_no_back_edges(pkg, path):
    bad = set(_imports(path)) & FORBIDDEN[pkg]
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_cli_start_imports_no_heavy_module():
    """--help must cost about a bare click import: nothing heavy at the top of cli/."""
    import subprocess
    import sys

    code = ("import sys, cli; heavy = [m for m in ('sqlmodel', 'sqlalchemy', 'pendulum', 'rich', 'transitions') "
            "if m in sys.modules]; print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("pkg,path", FILES, ids=[str(p.relative_to(ROOT)) for _, p in FILES])
def test_the_core_words_no_command_line_flag(pkg, path):
    """Refusals name what to give as data (workflows.given, option, NOTE); the terminal and
    the loader word them for their audience. A flag typed into the core would tell an import
    file's author to pass ``--set``."""
    import re

    text = path.read_text(encoding="utf-8")
    flags = re.findall(r"--(?:set|note|at|summary|village|party|as)\b", text)
    assert not flags, f"{path.relative_to(ROOT)} words a flag: {sorted(set(flags))}"
