"""Render the period reports: papermill runs the notebook, nbconvert exports HTML.

One report per (plan, period). Each run writes into ``reports/<plan>/<period>/``:

* ``report.html`` — self-contained page for the panel: no code, no prompts, no
  scripts, no external URLs, PNG charts inline.
* ``report.ipynb`` — the executed notebook the page was made from.
* ``report.failed.ipynb`` — only when the run failed: the partly executed notebook,
  kept for inspection. A failure never touches the previous good ``report.html``
  or ``report.ipynb``; new files replace old ones only once complete (written to a
  temporary file, then renamed).

After the periods, ``reports/<plan>/index.html`` (each plan's overview: every period's
headline figures side by side, from their ``figures.json``) and ``reports/index.html``
(the dashboard: each plan's latest figures and trend, and links to every page) are
written from templates (``report.overview``, ``report.dashboard``).

Rendering (:func:`execute_notebook`, in memory) and writing (:func:`write_rendering`)
are separate steps, so several reports can render at once in worker processes
(``kerslake report --jobs N``) or on a dask.distributed cluster (``--executor dask``)
while the calling process alone writes into the reports folder.
"""

from __future__ import annotations

import sys
import tempfile
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm.auto import tqdm

from kerslake_analysis.base import paths
from kerslake_analysis.base.files import atomic_write
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.register.mapping import SLUG
from kerslake_analysis.report import templating
from kerslake_analysis.report.plan_data import embedded_report_periods

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: Fixed id given to papermill's injected-parameters cell (papermill draws a random one).
INJECTED_CELL_ID = "injected-parameters"


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


def write_inside(root: Path, path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` with :func:`~kerslake_analysis.base.files.atomic_write`,
    refusing (:class:`ReportError`) a ``path`` that resolves outside the folder ``root``
    (through ``..``, an absolute part or a symbolic link).

    Parameters
    ----------
    root : pathlib.Path
        The reports folder.
    path : pathlib.Path
        The file to write.
    data : str or bytes
    """
    check_inside(root, path)
    atomic_write(path, data)


def check_inside(root: Path, path: Path) -> Path:
    """Return ``path`` resolved, or refuse it if it lies outside the folder ``root``.

    Parameters
    ----------
    root : pathlib.Path
        The folder every output must stay in (``--out``).
    path : pathlib.Path
        A file or folder about to be written.

    Returns
    -------
    pathlib.Path
        ``path`` resolved (``..`` and symbolic links followed).

    Raises
    ------
    ReportError
        If the resolved path is not ``root`` or below it.

    Examples
    --------
    >>> check_inside(Path("/tmp/out"), Path("/tmp/out/a/../b")).as_posix()
    '/tmp/out/b'
    >>> check_inside(Path("/tmp/out"), Path("/tmp/out/../elsewhere"))
    Traceback (most recent call last):
    ...
    kerslake_analysis.report.pages.ReportError: refusing to write /tmp/out/../elsewhere: it is outside the reports folder /tmp/out
    """
    resolved = Path(path).resolve()
    base = Path(root).resolve()
    if resolved != base and base not in resolved.parents:
        raise ReportError(f"refusing to write {path}: it is outside the reports folder {root}")
    return resolved


def check_reports_root(root: Path) -> None:
    """Refuse a reports folder that is a file, or holds top-level files this tool did not write.

    ``index.html`` and ``manifest.json`` at the top of the folder are rewritten by every
    run; if they are there but were not written by kerslake-analysis they are kept and
    the run is refused, naming them.

    Parameters
    ----------
    root : pathlib.Path
        The reports folder (``--out``).

    Raises
    ------
    ReportError
        Naming the file at fault.
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise ReportError(
            f"--out {root}: it is a file, not a folder; give a folder for the reports"
        )
    foreign = []
    for name, mark in (("index.html", _INDEX_MARK), ("manifest.json", b'"package_versions"')):
        target = root / name
        if target.is_symlink() or (target.exists() and not target.is_file()):
            foreign.append(name)
        elif target.is_file():
            with target.open("rb") as fh:
                head = fh.read(2_000_000)
            if mark not in head:
                foreign.append(name)
    if foreign:
        raise ReportError(
            f"--out {root}: {', '.join(foreign)} there was not written by kerslake-analysis; "
            "it would be overwritten: move it away or choose another folder"
        )


#: Text every index page this tool writes carries (its footer).
_INDEX_MARK = b"<footer><p>kerslake-analysis "


def _page(title: str, body: str) -> str:
    """Wrap an HTML fragment in a complete, self-contained page (``templates/page.html.j2``)."""
    return templating.page(title, body)


def fix_injected_cell_id(nb: NotebookNode) -> NotebookNode:
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
    >>> import nbformat
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


def notebook_to_html(nb: NotebookNode, title: str) -> str:
    """Export an executed notebook as the panel's self-contained HTML page.

    Inputs and prompts are hidden, stderr output is dropped, images stay inline as
    PNG, and the ``basic`` template is used so the page carries no script and no
    external URL (:func:`kerslake_analysis.report.notebook_run.html_body`).

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
    from kerslake_analysis.report.notebook_run import html_body

    return _page(title, html_body(nb))


@dataclass(frozen=True)
class Rendering:
    """A notebook run, held in memory until it is written into its report folder.

    Rendering and writing are separate so that a report can be rendered in another
    process (``--jobs``) or on another machine (``--executor dask``) while only the
    process that asked for it writes into the reports folder.

    Attributes
    ----------
    label : str
        What was rendered, e.g. ``"cgip-2018 2018-09"``.
    ok : bool
        True when every cell ran and the page was exported.
    files : dict of str to bytes
        On success, every file of the report folder by name: the page, the executed
        notebook and whatever the notebook wrote into its ``output_dir``.
    failed_notebook : bytes or None
        On failure, the partly executed notebook (None if no cell ran).
    error : str
        Empty on success; otherwise which cell failed and why (without the path of
        the kept notebook, which :func:`write_rendering` adds).
    """

    label: str
    ok: bool
    files: dict[str, bytes]
    failed_notebook: bytes | None = None
    error: str = ""


def execute_notebook(
    notebook: Path,
    parameters: dict[str, object],
    title: str,
    label: str,
    stem: str = "report",
    work: Path | None = None,
    in_process: bool = False,
) -> Rendering:
    """Run a parameterised notebook with papermill and export its page, writing nothing.

    The notebook runs with its own folder as working directory, in a fresh kernel (IPC
    transport), or with ``in_process`` in this process (only in a process that runs
    this one notebook and exits: :func:`execute_in_children`). If it declares an
    ``output_dir`` parameter it is given a private temporary folder; the files it writes
    there are returned with the page.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook to run.
    parameters : dict
        Parameters injected by papermill.
    title : str
        Page title.
    label : str
        Names the run in messages, e.g. ``"cgip-2018 2018-09"``.
    stem : str, default "report"
        File name stem of the page and notebook (``<stem>.html``, ``<stem>.ipynb``).
    work : pathlib.Path, optional
        An empty folder to work in (the executed notebook is written there as
        ``<stem>.partial.ipynb``); by default a temporary folder, removed at the end.
    in_process : bool, default False
        Run the cells in this process
        (:func:`kerslake_analysis.report.notebook_run.run_notebook_in_process`).

    Returns
    -------
    Rendering
        Never raises for a failing cell or a dying kernel: ``ok`` is then False.
    """
    if work is None:
        with tempfile.TemporaryDirectory(prefix=f"kerslake-{stem}-") as temporary:
            return execute_notebook(
                notebook, parameters, title, label, stem, Path(temporary), in_process
            )
    import nbformat

    from kerslake_analysis.report import notebook_run

    notebook = Path(notebook).resolve()
    staging = Path(work) / "output"
    staging.mkdir()
    partial_path = _partial_path(Path(work), stem)
    injected = dict(parameters)
    if "output_dir" in notebook_run.declared_parameters(notebook):
        injected["output_dir"] = str(staging)
    run = notebook_run.run_notebook_in_process if in_process else notebook_run.run_notebook
    try:
        nb = run(notebook, partial_path, injected)
    except Exception as exc:  # noqa: BLE001 - every failure is reported, none is fatal
        return Rendering(
            label, False, {}, _failed_notebook(partial_path), notebook_run.failure_reason(exc)
        )
    nb = fix_injected_cell_id(nb)
    files = {p.name: p.read_bytes() for p in sorted(staging.iterdir()) if p.is_file()}
    files[f"{stem}.ipynb"] = nbformat.writes(nb).encode("utf-8")
    files[f"{stem}.html"] = notebook_to_html(nb, title=title).encode("utf-8")
    return Rendering(label, True, files)


def _partial_path(work: Path, stem: str) -> Path:
    return work / f"{stem}.partial.ipynb"


def _failed_notebook(partial_path: Path) -> bytes | None:
    """The partly executed notebook saved at ``partial_path``, or None if none was saved."""
    import nbformat

    if not (partial_path.exists() and partial_path.stat().st_size):
        return None
    try:
        partial = nbformat.read(partial_path, as_version=4)
    except Exception:  # noqa: BLE001 - a notebook cut short by a killed process
        return None
    return nbformat.writes(fix_injected_cell_id(partial)).encode("utf-8")


@dataclass(frozen=True)
class NotebookRun:
    """One notebook to render: the arguments of :func:`execute_notebook`.

    Attributes
    ----------
    notebook : pathlib.Path
    parameters : dict
    title : str
    label : str
    stem : str
    """

    notebook: Path
    parameters: dict
    title: str
    label: str
    stem: str = "report"


def execute_in_children(
    runs: Sequence[NotebookRun], jobs: int, done: Callable[[int, Rendering], None]
) -> None:
    """Render each notebook in its own fresh child of the warm server, up to ``jobs`` at once.

    Each child is forked from a server that has imported pandas, matplotlib, papermill,
    nbconvert and this package once (:mod:`kerslake_analysis.report.warm`), runs one
    notebook in process (papermill, with its injected parameters cell and per-run
    executed notebook, then nbconvert) and exits; no child is reused. A cell that raises
    fails its notebook as with a kernel; a child that dies (killed, out of memory)
    fails its notebook only, with the cells it had run kept.

    Parameters
    ----------
    runs : sequence of NotebookRun
        What to render, in order.
    jobs : int
        Children rendering at once.
    done : callable
        Called in this process as ``done(index, rendering)`` as each one ends.
    """
    from kerslake_analysis.report import warm

    with tempfile.TemporaryDirectory(prefix="kerslake-runs-") as temporary:
        works = [Path(temporary) / str(index) for index in range(len(runs))]
        for work in works:
            work.mkdir()

        def finished(index: int, outcome) -> None:
            run = runs[index]
            if outcome.ok:
                rendering = outcome.value
            else:
                failed = _failed_notebook(_partial_path(works[index], run.stem))
                reason = (
                    f"the kernel died while a cell ran ({outcome.error})"
                    if failed is not None
                    else f"the process rendering it failed ({outcome.error})"
                )
                rendering = Rendering(run.label, False, {}, failed, reason)
            done(index, rendering)

        calls = [
            (
                execute_notebook,
                (run.notebook, run.parameters, run.title, run.label, run.stem, work, True),
            )
            for run, work in zip(runs, works, strict=True)
        ]
        warm.run_each(calls, jobs, finished)


def execute_warm(run: NotebookRun) -> Rendering:
    """Render one notebook in a fresh child of the warm server (:func:`execute_in_children`).

    Parameters
    ----------
    run : NotebookRun

    Returns
    -------
    Rendering
    """
    found: list[Rendering] = []
    execute_in_children([run], 1, lambda index, rendering: found.append(rendering))
    return found[0]


def write_rendering(rendering: Rendering, out_dir: Path, stem: str = "report") -> ReportResult:
    """Write a rendering into its report folder, never damaging an earlier good report.

    On success every file is written through a temporary file and renamed into place
    (the page last) and any ``<stem>.failed.ipynb`` of an earlier run is removed. On
    failure only ``<stem>.failed.ipynb`` is written: the earlier page, notebook and
    figures stay as they were.

    Parameters
    ----------
    rendering : Rendering
        What :func:`execute_notebook` returned.
    out_dir : pathlib.Path
        The report folder (created if missing).
    stem : str, default "report"
        File name stem of the page and notebook.

    Returns
    -------
    ReportResult
    """
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    html_path = out_dir / f"{stem}.html"
    failed_nb_path = out_dir / f"{stem}.failed.ipynb"
    if not rendering.ok:
        if rendering.failed_notebook is not None:
            atomic_write(failed_nb_path, rendering.failed_notebook)
        message = (
            f"{rendering.label}: {rendering.error}; executed notebook kept at {failed_nb_path}"
        )
        return ReportResult(rendering.label, False, html_path, failed_nb_path, message)
    page = rendering.files[html_path.name]
    for name, data in rendering.files.items():
        if name != html_path.name:
            atomic_write(out_dir / name, data)
    atomic_write(html_path, page)
    failed_nb_path.unlink(missing_ok=True)
    return ReportResult(rendering.label, True, html_path, out_dir / f"{stem}.ipynb")


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
    rendering = execute_warm(NotebookRun(Path(notebook).resolve(), parameters, title, label, stem))
    return write_rendering(rendering, out_dir, stem=stem)


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
    rendering = execute_warm(_period_run(period, notebook or paths.PERIOD_REPORT_NOTEBOOK))
    return write_rendering(rendering, paths.report_dir(period.plan, period.period, reports_root))


def execute_period(period: ReportPeriod, notebook: Path) -> Rendering:
    """Run the period notebook for one (plan, period) in a fresh kernel; return the report in memory.

    This is the unit of work a dask worker runs (a dask worker serves many tasks, so
    each report gets its own kernel there); it writes nothing outside a private
    temporary folder. Locally, :func:`render_reports` uses :func:`execute_in_children`.

    Parameters
    ----------
    period : ReportPeriod
        Plan and reporting period.
    notebook : pathlib.Path
        The notebook to run.

    Returns
    -------
    Rendering
    """
    label = f"{period.plan} {period.period}"
    return execute_notebook(notebook, period.parameters(), title=period.title, label=label)


def _period_run(period: ReportPeriod, notebook: Path) -> NotebookRun:
    label = f"{period.plan} {period.period}"
    return NotebookRun(Path(notebook).resolve(), period.parameters(), period.title, label)


def render_index(reports_root: Path | None = None) -> Path:
    """Write ``index.html``: the dashboard of every plan and the pages across the documents.

    Each plan under the root with period reports gets its latest figures, a small trend
    chart and links to its overview and every period (:func:`kerslake_analysis.report.dashboard.index_page`).

    Parameters
    ----------
    reports_root : pathlib.Path, optional
        Folder holding the reports; defaults to ``paths.REPORTS_DIR``.

    Returns
    -------
    pathlib.Path
        The index page written.
    """
    # Imported here, not at the top: the overview and the dashboard draw charts
    # (matplotlib, seaborn), and a register is read (and bad input refused) before
    # any page is drawn, in as little memory as the reader needs.
    from kerslake_analysis.report import dashboard

    root = reports_root or paths.REPORTS_DIR
    root.mkdir(parents=True, exist_ok=True)
    index = root / "index.html"
    write_inside(root, index, dashboard.index_page(root))
    return index


def check_overview_paths(root: Path, plans: Iterable[str]) -> None:
    """Refuse to overwrite a plan's ``index.html`` this tool did not write.

    Parameters
    ----------
    root : pathlib.Path
        The reports folder.
    plans : iterable of str
        The plans about to be rendered.

    Raises
    ------
    ReportError
        Naming the file.
    """
    # Imported here, not at the top: the overview and the dashboard draw charts
    # (matplotlib, seaborn), and a register is read (and bad input refused) before
    # any page is drawn, in as little memory as the reader needs.
    from kerslake_analysis.report import overview

    for plan in sorted(set(plans)):
        target = Path(root) / plan / overview.OVERVIEW_FILE
        check_inside(root, target)
        if target.is_symlink() or (target.exists() and not target.is_file()):
            foreign = True
        elif target.is_file():
            foreign = overview.OVERVIEW_MARK not in target.read_text(
                encoding="utf-8", errors="replace"
            )
        else:
            foreign = False
        if foreign:
            raise ReportError(
                f"--out {root}: {plan}/{overview.OVERVIEW_FILE} there was not written by "
                "kerslake-analysis; it would be overwritten: move it away or choose another folder"
            )


def render_overviews(
    periods: Sequence[ReportPeriod], reports_root: Path | None = None
) -> list[Path]:
    """Write ``<plan>/index.html``, the overview of every period, for each plan rendered.

    Written from the period folders' ``figures.json`` files after the periods ran (a
    failed period is shown as failed); a council's register also gets its milestone
    trend, from its snapshots' due dates.

    Parameters
    ----------
    periods : sequence of ReportPeriod
        The periods just rendered (their plans get an overview).
    reports_root : pathlib.Path, optional
        Folder holding the reports; defaults to ``paths.REPORTS_DIR``.

    Returns
    -------
    list of pathlib.Path
        The overview pages written.
    """
    # Imported here, not at the top: the overview and the dashboard draw charts
    # (matplotlib, seaborn), and a register is read (and bad input refused) before
    # any page is drawn, in as little memory as the reader needs.
    from kerslake_analysis.report import overview

    root = Path(reports_root or paths.REPORTS_DIR)
    registers = {}
    for period in periods:
        registers.setdefault(period.plan, (period.register, period.mapping))
    written = []
    for plan, (register, mapping) in registers.items():
        plan_dir = root / plan
        if not plan_dir.is_dir():
            continue
        observations = None
        if register:
            from kerslake_analysis.ingest.register import load_register

            observations = load_register(register, mapping).observations
        target = plan_dir / overview.OVERVIEW_FILE
        write_inside(root, target, overview.overview_page(plan_dir, observations))
        written.append(target)
    return written


#: Ways of running several period reports (``--executor``).
EXECUTORS = ("local", "dask")


def render_reports(
    periods: Sequence[ReportPeriod],
    reports_root: Path | None = None,
    notebook: Path | None = None,
    progress: bool = True,
    jobs: int | None = None,
    executor: str = "local",
    scheduler: str | None = None,
) -> list[ReportResult]:
    """Render several period reports, one failure never stopping the others, then the index.

    Locally each report runs in its own fresh child process forked from a server that
    has imported the rendering machinery once (:func:`execute_in_children`), up to
    ``jobs`` at once; with ``executor="dask"`` they run as tasks on the dask.distributed
    cluster at ``scheduler``, each in its own kernel. In every case the workers only
    render: this process writes each report into its folder as it arrives, and the
    index once at the end, so a failed or killed worker can never leave a half-written
    report.

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
    jobs : int, optional
        Reports rendered at once by local child processes (``executor="local"``); by
        default the cores this process may use
        (:func:`kerslake_analysis.report.warm.default_jobs`).
    executor : {"local", "dask"}, default "local"
        Where the reports run.
    scheduler : str, optional
        Address of the dask scheduler (``tcp://host:8786``); required for ``"dask"``.
        The workers need this package installed and the notebook and data at the
        same paths as here; they send the reports back, so the reports folder need
        not be shared.

    Returns
    -------
    list of ReportResult
        One per period, in order. Failures are also written to stderr.

    Raises
    ------
    ReportError
        If ``jobs`` is below 1, ``executor`` is unknown, or dask is asked for without
        a scheduler address or without dask.distributed installed.
    """
    if jobs is None:
        from kerslake_analysis.report.warm import default_jobs

        jobs = default_jobs()
    if jobs < 1:
        raise ReportError(f"jobs must be 1 or more, not {jobs}")
    if executor not in EXECUTORS:
        raise ReportError(f"unknown executor {executor!r}; choose one of {', '.join(EXECUTORS)}")
    if executor == "dask" and not scheduler:
        raise ReportError("the dask executor needs the scheduler's address (--scheduler)")
    notebook = Path(notebook or paths.PERIOD_REPORT_NOTEBOOK).resolve()
    root = Path(reports_root or paths.REPORTS_DIR)
    periods = list(periods)
    check_reports_root(root)
    for period in periods:  # before anything is rendered
        if not SLUG.fullmatch(period.plan):
            raise ReportError(
                f"plan {period.plan!r} is not a slug like cgip-2018; cannot name its folder"
            )
        check_inside(root, paths.report_dir(period.plan, period.period, root))
    check_overview_paths(root, (period.plan for period in periods))
    bar = tqdm(
        total=len(periods),
        desc="period reports",
        unit="report",
        disable=not progress,
        file=sys.stderr,
    )
    results: dict[int, ReportResult] = {}

    def write(index: int, rendering: Rendering) -> None:
        period = periods[index]
        result = write_rendering(rendering, paths.report_dir(period.plan, period.period, root))
        if not result.ok:
            tqdm.write(f"error: {result.error}", file=sys.stderr)
        results[index] = result
        bar.set_postfix_str(rendering.label)
        bar.update()

    try:
        if executor == "dask":
            _run_on_dask(periods, notebook, scheduler, write)
        else:
            runs = [_period_run(period, notebook) for period in periods]
            execute_in_children(runs, jobs, write)
    finally:
        bar.close()
    render_overviews(periods, root)
    render_index(root)
    return [results[i] for i in range(len(periods))]


def _lost(period: ReportPeriod, exc: BaseException) -> Rendering:
    """The rendering of a period whose worker failed before it could report back."""
    label = f"{period.plan} {period.period}"
    reason = f"the worker rendering it failed ({type(exc).__name__}: {exc})"
    return Rendering(label, False, {}, None, reason)


def _run_on_dask(periods, notebook, scheduler, write) -> None:
    try:
        from distributed import Client
        from distributed import as_completed as dask_as_completed
    except ImportError as exc:
        raise ReportError(
            "the dask executor needs dask.distributed: pip install 'kerslake-analysis[distributed]'"
        ) from exc
    try:
        client = Client(scheduler, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ReportError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from exc
    with client:
        futures = {
            client.submit(
                execute_period,
                period,
                notebook,
                key=f"kerslake-report-{period.plan}-{period.period}-{uuid.uuid4().hex}",
                pure=False,
            ): index
            for index, period in enumerate(periods)
        }
        for future in dask_as_completed(list(futures), loop=client.loop):
            index = futures[future]
            try:
                rendering = future.result()
            except Exception as exc:  # noqa: BLE001 - a lost task fails its period only
                rendering = _lost(periods[index], exc)
            write(index, rendering)
            future.release()


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
        for p in embedded_report_periods()
        if (plan is None or p.plan == plan) and (period is None or p.period == period)
    ]
    if not chosen:
        known = ", ".join(f"{p.plan} {p.period}" for p in embedded_report_periods())
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
