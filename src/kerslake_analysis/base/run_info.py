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


def write_manifest(results, periods, reports_root: Path) -> Path:
    """Write ``manifest.json``: what a ``kerslake report`` run read, ran and wrote.

    Parameters
    ----------
    results : sequence of kerslake_analysis.report.pages.ReportResult
        One per period, in the order of ``periods``.
    periods : sequence of kerslake_analysis.base.periods.ReportPeriod
        The periods rendered.
    reports_root : pathlib.Path
        The reports folder; the manifest goes to its top.

    Returns
    -------
    pathlib.Path
        The manifest written: package versions, git commit, the SHA-256 of every input
        (the raw documents and curated tables, or a tracker's files and mapping), and per
        report its parameters, outcome and the SHA-256 of its page and ``figures.json``.
        No timestamps, so two runs on the same inputs write the same manifest.
    """
    import json

    inputs: dict[str, str] = {}
    for period in periods:
        if period.register:
            folder = Path(period.register)
            files = [*sorted(p for p in folder.iterdir() if p.is_file()), Path(period.mapping)]
        else:
            files = sorted(paths.RAW_DIR.glob("*.txt")) + sorted(paths.CURATED_DIR.glob("*.csv"))
        for path in files:
            inputs[_shown(path)] = sha256_file(path)
    reports = []
    for period, result in zip(periods, results, strict=True):
        entry = {"plan": period.plan, "period": period.period, "parameters": period.parameters()}
        entry["ok"] = result.ok
        if result.ok:
            entry["html_sha256"] = sha256_file(result.html_path)
            figures = result.html_path.parent / "figures.json"
            if figures.is_file():
                entry["figures_sha256"] = sha256_file(figures)
        else:
            entry["error"] = result.error
        reports.append(entry)
    manifest = {
        "package_versions": package_versions(),
        "git_commit": git_commit(),
        "inputs": dict(sorted(inputs.items())),
        "reports": reports,
    }
    from kerslake_analysis.report.pages import _atomic_write

    target = reports_root / "manifest.json"
    _atomic_write(target, json.dumps(manifest, indent=2, sort_keys=True) + "\n", reports_root)
    return target


def _shown(path: Path) -> str:
    """A path relative to the repository when it is inside it, else as given."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(paths.PROJ_ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()
