"""Facts about a run that make its output traceable: checksums, versions, git commit."""

from __future__ import annotations

import hashlib
import subprocess
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kerslake_analysis.base import paths

#: Packages whose versions a report or manifest records.
RECORDED_PACKAGES = (
    "kerslake-analysis",
    "pandas",
    "numpy",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
)


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file.

    Parameters
    ----------
    path : pathlib.Path

    Returns
    -------
    str

    Examples
    --------
    >>> sha256_file(paths.raw_file("gap_2016"))[:12]
    '5220b88f77cd'
    """
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def package_versions(names: tuple[str, ...] = RECORDED_PACKAGES) -> dict[str, str]:
    """Return the installed version of each named package ("not installed" if absent).

    Parameters
    ----------
    names : tuple of str

    Returns
    -------
    dict of str to str
    """
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def git_commit(root: Path | None = None) -> str:
    """Return the checked-out git commit of the project, or ``"unknown"`` outside git.

    A ``+dirty`` suffix says the work tree had uncommitted changes to tracked files.
    An installed package without a checkout has no commit (``"unknown"``): the git
    repository of the folder a command runs in is not this package's.

    Parameters
    ----------
    root : pathlib.Path, optional
        The repository root; defaults to :data:`kerslake_analysis.base.paths.CHECKOUT`.

    Returns
    -------
    str
    """
    root = root if root is not None else paths.CHECKOUT
    if root is None:
        return "unknown"
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return commit + ("+dirty" if dirty else "")
