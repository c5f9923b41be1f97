"""The sample ships with every install: a wheel carries it where ``mediation demo`` looks (the
environment's share/mediation), so `pip install .` or pipx, run from anywhere, has it."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_carries_the_sample(tmp_path):
    # Built from a copy: a build in the clone would leave its build/ folder behind.
    src = tmp_path / "src"
    for part in ("cli", "mediation", "workflows", "sample_cases"):
        shutil.copytree(ROOT / part, src / part, ignore=shutil.ignore_patterns("__pycache__"))
    for part in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / part, src / part)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(src), "-w", str(tmp_path)],
                   check=True, capture_output=True, cwd=tmp_path)
    wheel = next(tmp_path.glob("mediation-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if "/data/share/mediation/sample_cases/yingpan-2021/" in n}
    assert shipped == {p.name for p in (ROOT / "sample_cases" / "yingpan-2021").glob("*.toml")}
    assert any(n.endswith("workflows/locale/zh_CN/LC_MESSAGES/mediation.mo") for n in names)
