"""Every path the package uses, anchored at the repository root.

No other module writes a path string: import the names below instead.

Examples
--------
>>> from kerslake_analysis import paths
>>> paths.RAW_DIR.relative_to(paths.PROJ_ROOT).as_posix()
'data/raw'
>>> paths.report_dir("cgip-2018", "2018-09").relative_to(paths.PROJ_ROOT).as_posix()
'reports/cgip-2018/2018-09'
"""

from __future__ import annotations

from pathlib import Path

#: The repository root (the folder holding ``pyproject.toml``).
PROJ_ROOT: Path = Path(__file__).resolve().parents[2]

DATA_DIR: Path = PROJ_ROOT / "data"
#: The published documents, byte-for-byte; read-only.
RAW_DIR: Path = DATA_DIR / "raw"
#: Tables derived from ``RAW_DIR`` by ``make data``.
CURATED_DIR: Path = DATA_DIR / "curated"
#: Hand transcriptions, each with its own provenance, read by ``make data``.
TRANSCRIPTIONS_DIR: Path = DATA_DIR / "transcriptions"
#: Council trackers in their own column names (one file per period).
REGISTERS_DIR: Path = DATA_DIR / "registers"

NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"
REPORT_NOTEBOOKS_DIR: Path = NOTEBOOKS_DIR / "reports"
EXPLORATORY_NOTEBOOKS_DIR: Path = NOTEBOOKS_DIR / "exploratory"
PERIOD_REPORT_NOTEBOOK: Path = REPORT_NOTEBOOKS_DIR / "period_report.ipynb"

#: Generated output; never committed.
REPORTS_DIR: Path = PROJ_ROOT / "reports"
REPORTS_INDEX: Path = REPORTS_DIR / "index.html"
#: The audit of the published figures (``kerslake audit``).
AUDIT_DIR: Path = REPORTS_DIR / "audit"
AUDIT_NOTEBOOK: Path = REPORT_NOTEBOOKS_DIR / "audit.ipynb"
#: The commitment lineage page (``kerslake lineage``).
LINEAGE_DIR: Path = REPORTS_DIR / "lineage"
LINEAGE_NOTEBOOK: Path = REPORT_NOTEBOOKS_DIR / "lineage.ipynb"

CONFIG_DIR: Path = PROJ_ROOT / "config"
EXAMPLES_DIR: Path = PROJ_ROOT / "examples"
#: The UK Government Major Projects Portfolio example: mapping here, data in ``../shared``.
GMPP_EXAMPLE_DIR: Path = EXAMPLES_DIR / "gmpp"
GMPP_MAPPING: Path = GMPP_EXAMPLE_DIR / "mapping.toml"
#: Where ``make report`` renders the GMPP example's reports (not committed).
GMPP_REPORTS_DIR: Path = GMPP_EXAMPLE_DIR / "reports"
#: The GMPP annual data files, read in place from the shared folder beside the repository.
GMPP_DIR: Path = PROJ_ROOT.parent / "shared" / "external" / "gmpp"
BENCHMARKS_DIR: Path = PROJ_ROOT / "benchmarks"

#: File names of the five source documents in ``RAW_DIR``.
SOURCE_FILES: dict[str, str] = {
    "progress_2015": "000_e235c92a6776d4ac.txt",
    "cgip_2018": "001_3e6875fb2dbcaf44.txt",
    "iif_2021": "002_e19b15a5f720a5bc.txt",
    "gap_2016": "003_5c42c1f83524bff3.txt",
    "action_plan_2015": "004_8cc2926d097384ad.txt",
}


def raw_file(key: str) -> Path:
    """Return the path of one source document in ``data/raw/``.

    Parameters
    ----------
    key : str
        One of the keys of :data:`SOURCE_FILES` (for example ``"cgip_2018"``).

    Returns
    -------
    pathlib.Path
        The document's path.

    Raises
    ------
    KeyError
        If ``key`` names no known document; the message lists the known keys.

    Examples
    --------
    >>> raw_file("cgip_2018").name
    '001_3e6875fb2dbcaf44.txt'
    """
    try:
        return RAW_DIR / SOURCE_FILES[key]
    except KeyError:
        known = ", ".join(sorted(SOURCE_FILES))
        raise KeyError(f"unknown source document {key!r}; known: {known}") from None


def report_dir(plan: str, period: str, root: Path | None = None) -> Path:
    """Return the folder of one period report, ``reports/<plan>/<period>/``.

    Parameters
    ----------
    plan : str
        Plan identifier, for example ``"cgip-2018"``.
    period : str
        Reporting period as ``YYYY-MM``.
    root : pathlib.Path, optional
        Reports folder to use instead of :data:`REPORTS_DIR`.

    Returns
    -------
    pathlib.Path
        The folder (not created).
    """
    return (root or REPORTS_DIR) / plan / period
