"""Every path the package uses: the checkout's folders and the package's own files.

No other module writes a path string: import the names below instead.

Two kinds of path:

* **Package data** ships inside the package and is found with
  :func:`importlib.resources.files`, from a checkout or an installed wheel alike: the
  report notebooks and the stylesheet (:data:`TEMPLATES_DIR`) and the list of example
  data files with their checksums (:data:`EXAMPLE_DATA_LIST`).
* **Checkout folders** (``data/``, ``config/``, ``examples/``, ``reports/``) exist only in
  a git checkout of the repository, found from this file's location
  (:data:`CHECKOUT`). Installed without a checkout, :data:`CHECKOUT` is ``None``, the
  Birmingham data is absent (commands that need it refuse with
  :func:`require_checkout`), and the folders a user's commands write to or read from
  (``reports/``, ``config/``, ``examples/``) are relative to the current folder.

Examples
--------
>>> from kerslake_analysis.base import paths
>>> paths.RAW_DIR.relative_to(paths.PROJ_ROOT).as_posix()
'data/raw'
>>> paths.report_dir("cgip-2018", "2018-09").relative_to(paths.PROJ_ROOT).as_posix()
'reports/cgip-2018/2018-09'
>>> paths.PERIOD_REPORT_NOTEBOOK.relative_to(paths.PACKAGE_DIR).as_posix()
'report/templates/period_report.ipynb'
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


class CheckoutError(RuntimeError):
    """A command needs the Birmingham data of a repository checkout, and there is none."""


def _package_file(*parts: str) -> Path:
    """A file shipped inside the package, as a filesystem path (papermill needs one)."""
    resource = files("kerslake_analysis").joinpath(*parts)
    # Installed from a wheel or a checkout, the package is a folder, so this is a Path.
    return Path(str(resource))


def _find_checkout() -> Path | None:
    """The repository root when this package runs from a checkout, else None."""
    root = Path(__file__).resolve().parents[3]
    is_checkout = (root / "pyproject.toml").is_file() and (root / "data" / "curated").is_dir()
    return root if is_checkout else None


#: The package's own folder (``src/kerslake_analysis`` in a checkout).
PACKAGE_DIR: Path = _package_file()
#: Report notebooks and the house stylesheet, shipped as package data.
TEMPLATES_DIR: Path = _package_file("report", "templates")
PERIOD_REPORT_NOTEBOOK: Path = TEMPLATES_DIR / "period_report.ipynb"
AUDIT_NOTEBOOK: Path = TEMPLATES_DIR / "audit.ipynb"
LINEAGE_NOTEBOOK: Path = TEMPLATES_DIR / "lineage.ipynb"
STYLESHEET: Path = TEMPLATES_DIR / "report.css"
#: The file beside each period report holding its figures (``report.figures_file``).
FIGURES_FILE = "figures.json"
#: The example data sets: published location, file names and SHA-256 (package data).
EXAMPLE_DATA_LIST: Path = _package_file("ingest", "example_data.toml")

#: The repository root (the folder holding ``pyproject.toml`` and ``data/``), or None
#: when the package is installed without a checkout.
CHECKOUT: Path | None = _find_checkout()
#: The repository root; without a checkout, the current folder (relative paths), so
#: the folders below that users write to are under the folder a command runs in.
PROJ_ROOT: Path = CHECKOUT if CHECKOUT is not None else Path()

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
EXPLORATORY_NOTEBOOKS_DIR: Path = NOTEBOOKS_DIR / "exploratory"

#: Generated output; never committed.
REPORTS_DIR: Path = PROJ_ROOT / "reports"
REPORTS_INDEX: Path = REPORTS_DIR / "index.html"
#: The audit of the published figures (``kerslake audit``).
AUDIT_DIR: Path = REPORTS_DIR / "audit"
#: The commitment lineage page (``kerslake lineage``).
LINEAGE_DIR: Path = REPORTS_DIR / "lineage"

CONFIG_DIR: Path = PROJ_ROOT / "config"
EXAMPLES_DIR: Path = PROJ_ROOT / "examples"
#: The UK Government Major Projects Portfolio example: mapping and README here; the data
#: is third-party and not in the repository (see :func:`example_data_dir`).
GMPP_EXAMPLE_DIR: Path = EXAMPLES_DIR / "gmpp"
GMPP_MAPPING: Path = GMPP_EXAMPLE_DIR / "mapping.toml"
#: Where ``make report`` renders the GMPP example's reports (not committed).
GMPP_REPORTS_DIR: Path = GMPP_EXAMPLE_DIR / "reports"
#: The shared folder beside the repository that may hold a copy of the example data
#: (None without a checkout).
SHARED_DIR: Path | None = CHECKOUT.parent / "shared" if CHECKOUT is not None else None
BENCHMARKS_DIR: Path = PROJ_ROOT / "benchmarks"


def fetched_example_dir(name: str) -> Path:
    """Return the folder ``kerslake examples fetch NAME`` downloads into.

    ``examples/<name>/data/`` of the checkout (or of the current folder when installed);
    ignored by git.

    Parameters
    ----------
    name : str
        The example, e.g. ``"gmpp"``.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> fetched_example_dir("gmpp").relative_to(PROJ_ROOT).as_posix()
    'examples/gmpp/data'
    """
    return EXAMPLES_DIR / name / "data"


def example_data_candidates(name: str, shared_subdir: str) -> list[Path]:
    """Return where an example's data is looked for, in order.

    First the shared copy beside the repository (``../shared/<shared_subdir>``, read
    in place: the reference copy on the project's machines and in CI; only from a
    checkout), then the folder ``kerslake examples fetch`` downloads into
    (:func:`fetched_example_dir`).

    Parameters
    ----------
    name : str
        The example, e.g. ``"gmpp"``.
    shared_subdir : str
        The example's folder under ``../shared``, e.g. ``"external/gmpp"``.

    Returns
    -------
    list of pathlib.Path
    """
    shared = [SHARED_DIR / shared_subdir] if SHARED_DIR is not None else []
    return [*shared, fetched_example_dir(name)]


def require_checkout(what: str) -> Path:
    """Return the repository root, or refuse a command that needs the Birmingham data.

    Parameters
    ----------
    what : str
        The command refused, e.g. ``"kerslake report --all"``; named in the message.

    Returns
    -------
    pathlib.Path
        The checkout's root.

    Raises
    ------
    CheckoutError
        When the package is installed without a checkout: one line saying what is
        needed and what works instead.
    """
    if CHECKOUT is None or not CURATED_DIR.is_dir():
        raise CheckoutError(
            f"{what} needs the Birmingham data of a kerslake-analysis checkout (data/curated/), "
            "which the installed package does not carry: run it from a git clone, or report "
            "on a council tracker with --register FOLDER --mapping MAP.toml"
        )
    return CHECKOUT


#: File names of the five source documents in ``RAW_DIR``.
SOURCE_FILES: dict[str, str] = {
    "progress_2015": "000_e235c92a6776d4ac.txt",
    "cgip_2018": "001_3e6875fb2dbcaf44.txt",
    "iif_2021": "002_e19b15a5f720a5bc.txt",
    "gap_2016": "003_5c42c1f83524bff3.txt",
    "action_plan_2015": "004_8cc2926d097384ad.txt",
}


#: Short names of the five documents, by raw file name: how a table, a chart or a
#: sentence of a report names a document (with the file name beside it where it cites).
DOCUMENT_LABELS: dict[str, str] = {
    SOURCE_FILES["action_plan_2015"]: "2015 action plan",
    SOURCE_FILES["progress_2015"]: "December 2015 progress report",
    SOURCE_FILES["gap_2016"]: "March 2016 gap analysis",
    SOURCE_FILES["cgip_2018"]: "2018 improvement plan",
    SOURCE_FILES["iif_2021"]: "2021 Cabinet report",
}


def document_name(file: str) -> str:
    """Return how a report names a source document: its label, then its file name.

    Parameters
    ----------
    file : str
        A raw file name (a value of :data:`SOURCE_FILES`) or any other source name (a
        council's tracker file), which is returned unchanged.

    Returns
    -------
    str

    Examples
    --------
    >>> document_name("000_e235c92a6776d4ac.txt")
    'the December 2015 progress report (000_e235c92a6776d4ac.txt)'
    >>> document_name("tracker-2024-03.csv")
    'tracker-2024-03.csv'
    """
    label = DOCUMENT_LABELS.get(file)
    return f"the {label} ({file})" if label else file


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
