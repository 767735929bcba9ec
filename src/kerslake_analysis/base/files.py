"""Writing files so that a reader never sees half of one.

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> atomic_write(folder / "a" / "b.txt", "complete")
>>> (folder / "a" / "b.txt").read_text(encoding="utf-8")
'complete'
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    The file appears complete or not at all: the data is flushed to disk before the
    rename, and a failure leaves any earlier ``path`` untouched and removes the
    temporary file. This is the project's one atomic writer (reports, the outbox and
    its delivery log, the example data, the shipped trackers).

    Parameters
    ----------
    path : pathlib.Path
        The file to write; its folder is created if missing.
    data : str or bytes
        Text is written as UTF-8. The file is readable by everyone (mode 0644).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(
            fd, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})
        ) as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # on disk before the rename: a crash leaves old or new
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are shared, not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
