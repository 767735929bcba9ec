"""Render the period reports: papermill runs the notebook, nbconvert exports HTML.

One report per (plan, period). Each run writes into ``reports/<plan>/<period>/``:

* ``report.html`` — self-contained page for the panel: no code, no prompts, no
  scripts, no external URLs, PNG charts inline.
* ``report.ipynb`` — the executed notebook the page was made from.
* ``report.failed.ipynb`` — only when the run failed: the partly executed notebook,
  kept for inspection. A failure never touches the previous good ``report.html``
  or ``report.ipynb``; new files replace old ones only once complete (written to a
  temporary file, then renamed).

``reports/index.html`` links every report found under the reports folder.
"""

from __future__ import annotations

import html
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from tqdm.auto import tqdm

from kerslake_analysis import __version__, paths
from kerslake_analysis.periods import PLAN_TITLES, ReportPeriod, embedded_periods

#: Fixed id given to papermill's injected-parameters cell (papermill draws a random one).
INJECTED_CELL_ID = "injected-parameters"
#: Kernel the notebooks run in: the Python running this package.
KERNEL_NAME = "python3"


class IPCKernelManager(AsyncKernelManager):
    """Kernel manager talking to the kernel over IPC sockets in a private temporary folder.

    IPC instead of TCP means no ports to race for when several reports run at once,
    and no "running over TCP without encryption" warning.
    """

    def __init__(self, **kwargs):
        self._socket_dir = tempfile.TemporaryDirectory(prefix="kerslake-kernel-")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", str(Path(self._socket_dir.name) / "kernel"))
        super().__init__(**kwargs)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._socket_dir.cleanup()


class ReportError(RuntimeError):
    """A period report could not be rendered."""


@dataclass(frozen=True)
class ReportResult:
    """Outcome of rendering one period report.

    Attributes
    ----------
    label : str
        What was rendered, e.g. ``"cgip-2018 2018-09"``.
    ok : bool
        True when ``report.html`` was written.
    html_path : pathlib.Path
        Where the page is (or would have been) written.
    notebook_path : pathlib.Path
        The executed notebook (``report.ipynb``, or ``report.failed.ipynb`` on failure).
    error : str
        Empty on success; otherwise which cell failed and why.
    """

    label: str
    ok: bool
    html_path: Path
    notebook_path: Path
    error: str = ""


class _DropStderrAndErrors(Preprocessor):
    """Drop stderr streams (warnings, logging) so the panel's page shows results only."""

    def preprocess_cell(self, cell, resources, index):  # noqa: D102 - nbconvert hook
        if cell.get("cell_type") == "code":
            cell.outputs = [
                out
                for out in cell.get("outputs", [])
                if not (out.get("output_type") == "stream" and out.get("name") == "stderr")
            ]
        return cell, resources


def _atomic_write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(
            fd, mode, **({} if isinstance(data, bytes) else {"encoding": "utf-8"})
        ) as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; reports are shared, not secret
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _stylesheet() -> str:
    return files("kerslake_analysis").joinpath("report.css").read_text(encoding="utf-8")


def _page(title: str, body: str) -> str:
    """Wrap an HTML fragment in a complete, self-contained page with the house stylesheet."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{_stylesheet()}</style>\n</head>\n"
        f'<body>\n<main class="report">\n{body}\n</main>\n</body>\n</html>\n'
    )


def fix_injected_cell_id(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Give papermill's injected-parameters cell a fixed id so reruns are byte-identical.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    nbformat.NotebookNode
        The same notebook, modified in place.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook()
    >>> cell = nbformat.v4.new_code_cell("x = 1")
    >>> cell.metadata["tags"] = ["injected-parameters"]
    >>> nb.cells.append(cell)
    >>> fix_injected_cell_id(nb).cells[0].id
    'injected-parameters'
    """
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = INJECTED_CELL_ID
    return nb


def notebook_to_html(nb: nbformat.NotebookNode, title: str) -> str:
    """Export an executed notebook as the panel's self-contained HTML page.

    Inputs and prompts are hidden, stderr output is dropped, images stay inline as
    PNG, and the ``basic`` template is used so the page carries no script and no
    external URL.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.
    title : str
        The page title (escaped).

    Returns
    -------
    str
        The complete HTML page.
    """
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(_DropStderrAndErrors(), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return _page(title, body)


def _failure_message(label: str, exc: BaseException, nb_path: Path) -> str:
    if isinstance(exc, papermill.PapermillExecutionError):
        where = f"cell {exc.cell_index} (execution count {exc.exec_count})"
        what = f"{exc.ename}: {exc.evalue}"
    else:
        where = "before any cell ran"
        what = f"{type(exc).__name__}: {exc}"
    return f"{label}: {where} raised {what}; executed notebook kept at {nb_path}"


def render_notebook(
    notebook: Path,
    parameters: dict[str, object],
    out_dir: Path,
    title: str,
    label: str,
    stem: str = "report",
) -> ReportResult:
    """Execute a parameterised notebook with papermill and export it as a page.

    Writes ``<stem>.html`` and ``<stem>.ipynb`` into ``out_dir``. If the notebook
    declares an ``output_dir`` parameter it is given a private staging folder; files
    it writes there (``figures.json``, chart PNGs …) are moved into ``out_dir`` only
    when every cell succeeded. On failure nothing in ``out_dir`` is replaced: the
    partly executed notebook is kept as ``<stem>.failed.ipynb``.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook to run.
    parameters : dict
        Parameters injected by papermill.
    out_dir : pathlib.Path
        Where the page and its companions go (created if missing).
    title : str
        Page title.
    label : str
        Names the run in messages, e.g. ``"cgip-2018 2018-09"``.
    stem : str, default "report"
        File name stem of the outputs.

    Returns
    -------
    ReportResult
    """
    out_dir = Path(out_dir).resolve()  # the kernel runs in the notebook's folder
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{stem}.html"
    good_nb_path = out_dir / f"{stem}.ipynb"
    failed_nb_path = out_dir / f"{stem}.failed.ipynb"
    staging = Path(tempfile.mkdtemp(prefix=f".{stem}.", dir=out_dir))
    partial_path = staging / f"{stem}.partial.ipynb"
    declared = papermill.inspect_notebook(str(notebook))
    injected = dict(parameters)
    if "output_dir" in declared:
        injected["output_dir"] = str(staging)
    try:
        try:
            nb = papermill.execute_notebook(
                str(notebook),
                str(partial_path),
                parameters=injected,
                kernel_name=KERNEL_NAME,
                progress_bar=False,
                cwd=str(notebook.parent),
                kernel_manager_class=IPCKernelManager,
            )
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
            if partial_path.exists() and partial_path.stat().st_size:
                failed = fix_injected_cell_id(nbformat.read(partial_path, as_version=4))
                _atomic_write(failed_nb_path, nbformat.writes(failed))
            return ReportResult(
                label,
                False,
                html_path,
                failed_nb_path,
                _failure_message(label, exc, failed_nb_path),
            )
        partial_path.unlink()
        nb = fix_injected_cell_id(nb)
        page = notebook_to_html(nb, title=title)
        for produced in sorted(staging.iterdir()):
            os.chmod(produced, 0o644)
            os.replace(produced, out_dir / produced.name)
        _atomic_write(good_nb_path, nbformat.writes(nb))
        _atomic_write(html_path, page)
        failed_nb_path.unlink(missing_ok=True)
        return ReportResult(label, True, html_path, good_nb_path)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def render_period(
    period: ReportPeriod,
    reports_root: Path | None = None,
    notebook: Path | None = None,
) -> ReportResult:
    """Execute the period notebook for one (plan, period) and export its HTML page.

    Parameters
    ----------
    period : ReportPeriod
        Plan and reporting period.
    reports_root : pathlib.Path, optional
        Folder holding the reports; defaults to ``paths.REPORTS_DIR``.
    notebook : pathlib.Path, optional
        Notebook to run; defaults to ``paths.PERIOD_REPORT_NOTEBOOK``.

    Returns
    -------
    ReportResult
        ``ok`` is False when a cell raised; ``error`` names the cell and the error,
        and the partly executed notebook is kept as ``report.failed.ipynb``.
    """
    return render_notebook(
        notebook or paths.PERIOD_REPORT_NOTEBOOK,
        period.parameters(),
        paths.report_dir(period.plan, period.period, root=reports_root),
        title=period.title,
        label=f"{period.plan} {period.period}",
    )


def render_index(reports_root: Path | None = None) -> Path:
    """Write ``index.html`` linking every ``<plan>/<period>/report.html`` under the root.

    Parameters
    ----------
    reports_root : pathlib.Path, optional
        Folder holding the reports; defaults to ``paths.REPORTS_DIR``.

    Returns
    -------
    pathlib.Path
        The index page written.
    """
    root = reports_root or paths.REPORTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    found = sorted(p.relative_to(root) for p in root.glob("*/*/report.html"))
    items: dict[str, list[str]] = {}
    for rel in found:
        plan, period = rel.parts[0], rel.parts[1]
        items.setdefault(plan, []).append(
            f'<li><a href="{html.escape(rel.as_posix())}">{html.escape(period)}</a></li>'
        )
    sections = [
        f"<h2>{html.escape(PLAN_TITLES.get(plan, plan))}</h2>\n<ul>\n"
        + "\n".join(links)
        + "\n</ul>"
        for plan, links in items.items()
    ] or ["<p>No reports have been rendered yet. Run <code>make report</code>.</p>"]
    body = "<h1>Improvement plan reports</h1>\n" + "\n".join(sections)
    body += f"\n<footer><p>kerslake-analysis {html.escape(__version__)}</p></footer>"
    index = root / "index.html"
    _atomic_write(index, _page("Improvement plan reports", body))
    return index


def render_reports(
    periods: Sequence[ReportPeriod],
    reports_root: Path | None = None,
    notebook: Path | None = None,
    progress: bool = True,
) -> list[ReportResult]:
    """Render several period reports, one failure never stopping the others, then the index.

    Parameters
    ----------
    periods : sequence of ReportPeriod
        What to render, in order.
    reports_root : pathlib.Path, optional
        Folder holding the reports; defaults to ``paths.REPORTS_DIR``.
    notebook : pathlib.Path, optional
        Notebook to run; defaults to ``paths.PERIOD_REPORT_NOTEBOOK``.
    progress : bool, default True
        Show a progress bar across periods on stderr.

    Returns
    -------
    list of ReportResult
        One per period, in order. Failures are also written to stderr.
    """
    results = []
    bar = tqdm(periods, desc="period reports", unit="report", disable=not progress, file=sys.stderr)
    for period in bar:
        bar.set_postfix_str(f"{period.plan} {period.period}")
        result = render_period(period, reports_root=reports_root, notebook=notebook)
        if not result.ok:
            tqdm.write(f"error: {result.error}", file=sys.stderr)
        results.append(result)
    render_index(reports_root)
    return results


def select_periods(
    plan: str | None = None, period: str | None = None, all_periods: bool = False
) -> list[ReportPeriod]:
    """Choose the embedded periods named on the command line.

    Parameters
    ----------
    plan : str, optional
        Keep only this plan.
    period : str, optional
        Keep only this period (``YYYY-MM``).
    all_periods : bool, default False
        Select every embedded period (``plan``/``period`` still filter).

    Returns
    -------
    list of ReportPeriod

    Raises
    ------
    ReportError
        When nothing matches, naming what was asked and what exists.

    Examples
    --------
    >>> [p.period for p in select_periods(plan="cgip-2018", all_periods=True)]
    ['2018-07', '2018-08', '2018-09']
    """
    if not (all_periods or plan or period):
        raise ReportError("say which reports to render: --all, or --plan and/or --period")
    chosen = [
        p
        for p in embedded_periods()
        if (plan is None or p.plan == plan) and (period is None or p.period == period)
    ]
    if not chosen:
        known = ", ".join(f"{p.plan} {p.period}" for p in embedded_periods())
        raise ReportError(f"no embedded report for plan={plan!r} period={period!r}; known: {known}")
    return chosen


def _iter_failures(results: Iterable[ReportResult]) -> list[ReportResult]:
    return [r for r in results if not r.ok]


def summary_line(results: Sequence[ReportResult]) -> str:
    """One line saying how many reports were rendered and how many failed.

    Parameters
    ----------
    results : sequence of ReportResult

    Returns
    -------
    str
    """
    failed = _iter_failures(results)
    return f"{len(results) - len(failed)} of {len(results)} period reports rendered; {len(failed)} failed"
