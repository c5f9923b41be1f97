"""``mediation demo``: the main job on the embedded default — a fresh SQLite database, the 2021
sample of 营盘镇 loaded through the workflows, and the 2021 year-end report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mediation.db import Database
from mediation.errors import InvalidValue, NotFound
from workflows.i18n import _

YEAR = 2021


def sample_folder() -> str:
    """The folder named by ``MEDIATION_SAMPLES``; else ``sample_cases/yingpan-2021`` beside the
    package (a clone, pip install -e), else the copy every install carries in the
    environment's ``share/mediation`` (pyproject's data-files: pip install ., pipx)."""
    import sys
    import sysconfig

    env = os.environ.get("MEDIATION_SAMPLES")
    if env:
        candidates = [Path(env)]
    else:
        tail = Path("sample_cases") / "yingpan-2021"
        candidates = [Path(__file__).resolve().parent.parent / tail,
                      Path(sysconfig.get_path("data")) / "share" / "mediation" / tail,
                      Path(sys.prefix) / "share" / "mediation" / tail]
    for folder in candidates:
        if folder.is_dir() and any(folder.glob("*.toml")):
            return str(folder)
    raise NotFound(_("no sample cases at {folder}: reinstall the package, or set MEDIATION_SAMPLES to the "
                     "sample folder").format(folder=candidates[0]))


def fresh_database(path: str | None) -> tuple[str, Database]:
    if path is None:
        path = os.path.join(tempfile.mkdtemp(prefix="mediation-demo-"), "demo.db")
    elif os.path.exists(path):
        raise InvalidValue(_("{path} exists already: the demo writes a fresh database").format(path=path))
    return path, Database(path, create=True)
