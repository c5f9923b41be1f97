"""Files that hold citizens' data (backups, ledgers and papers with ID numbers) are private from
their first byte and complete when they appear under their name.

A file is written under a temporary name beside its target, created 0600 with ``O_EXCL``, and
renamed onto the target only when the writer has finished; a writer that fails, or a process
killed half-way, leaves at most a hidden ``.NAME.….partial`` file that no one takes for the real one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def private(path: str, *, replace: bool = True) -> Iterator[str]:
    """Yield a temporary path to write; on success it becomes ``path`` (mode 0600). With
    ``replace=False`` an existing ``path`` is never overwritten (the rename is a link)."""
    target = os.path.abspath(path)
    folder, name = os.path.split(target)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".partial")  # 0600, O_EXCL
    except OSError as exc:  # named as the file people asked for, not the temporary one
        raise OSError(exc.errno, exc.strerror, target) from None
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o600)  # whatever the writer did to it
        if replace:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the target appeared meanwhile
            os.remove(tmp)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
