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
    """``sample_cases/yingpan-2021`` beside the package (a clone installed with pip -e), or
    the folder named by ``MEDIATION_SAMPLES``."""
    env = os.environ.get("MEDIATION_SAMPLES")
    folder = Path(env) if env else Path(__file__).resolve().parent.parent / "sample_cases" / "yingpan-2021"
    if not folder.is_dir():
        raise NotFound(_("no sample cases at {folder}: run from a clone (pip install -e .) or set "
                         "MEDIATION_SAMPLES").format(folder=folder))
    return str(folder)


def fresh_database(path: str | None) -> tuple[str, Database]:
    if path is None:
        path = os.path.join(tempfile.mkdtemp(prefix="mediation-demo-"), "demo.db")
    elif os.path.exists(path):
        raise InvalidValue(_("{path} exists already: the demo writes a fresh database").format(path=path))
    return path, Database(path, create=True)
