"""Run one parameterised notebook with papermill on an IPC kernel, and export its HTML body.

The heavy machinery of :mod:`kerslake_analysis.report.pages` (papermill, nbclient,
jupyter_client, nbconvert), kept apart so that a process that only orchestrates
reports — ``kerslake report --jobs N`` hands the rendering to worker processes — does
not pay for importing it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines

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

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts (SIGINT) every kernel before asking it to shut down.
        # nbclient shuts the kernel down only after the last cell, so there is nothing
        # to interrupt, and a SIGINT arriving while the kernel handles the shutdown
        # makes it print "ERROR | KeyboardInterrupt caught in kernel" on the terminal.
        # A kernel that does not stop is still terminated (SIGTERM, then SIGKILL).
        if self.shutting_down:
            return
        await super()._async_interrupt_kernel()


class _SaveAtEndManager(NotebookExecutionManager):
    """Papermill's execution manager, writing the output notebook when the run starts and ends.

    Papermill rewrites the whole output notebook before and after every cell (two JSON
    encodings of a notebook holding every chart per cell). The report only needs the
    notebook at the end, which papermill writes whatever happened, a failing cell or a
    dead kernel included (``notebook_complete`` runs in a ``finally``).
    """

    _saving = False

    def save(self, **kwargs) -> None:  # noqa: D102 - papermill hook
        if self._saving:
            super().save(**kwargs)

    def notebook_start(self, **kwargs) -> None:  # noqa: D102 - papermill hook
        self._saving = True
        try:
            super().notebook_start(**kwargs)
        finally:
            self._saving = False

    def notebook_complete(self, **kwargs) -> None:  # noqa: D102 - papermill hook
        self._saving = True
        try:
            super().notebook_complete(**kwargs)
        finally:
            self._saving = False


class _ReportEngine(NBClientEngine):
    """Papermill's nbclient engine with :class:`_SaveAtEndManager` (as ``Engine.execute_notebook``)."""

    @classmethod
    def execute_notebook(
        cls,
        nb,
        kernel_name,
        output_path=None,
        progress_bar=True,
        log_output=False,
        autosave_cell_every=30,
        **kwargs,
    ):
        manager = _SaveAtEndManager(
            nb,
            output_path=output_path,
            progress_bar=progress_bar,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
        )
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, log_output=log_output, **kwargs)
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb


#: Name under which :class:`_ReportEngine` is registered with papermill.
ENGINE_NAME = "kerslake"
papermill_engines.register(ENGINE_NAME, _ReportEngine)


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


def run_notebook(
    notebook: Path, output_path: Path, parameters: dict[str, object]
) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill on an IPC kernel; write it to ``output_path``.

    The output notebook is written when the run starts and when it ends, also when a
    cell fails or the kernel dies (then papermill raises after writing it).

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook; its folder is the kernel's working directory.
    output_path : pathlib.Path
        Where the executed notebook is written.
    parameters : dict
        Injected by papermill.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    papermill.PapermillExecutionError
        A cell raised.
    Exception
        Whatever else stopped the run, for example ``nbclient.exceptions.DeadKernelError``.
    """
    return papermill.execute_notebook(
        str(notebook),
        str(output_path),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(notebook.parent),
        kernel_manager_class=IPCKernelManager,
        engine_name=ENGINE_NAME,
    )


def run_notebook_in_process(
    notebook: Path, output_path: Path, parameters: dict[str, object]
) -> nbformat.NotebookNode:
    """Execute ``notebook`` with papermill in this process, without a kernel; write it to ``output_path``.

    As :func:`run_notebook`, with :class:`kerslake_analysis.report.inprocess.InProcessEngine`:
    the cells run in an IPython shell in this process, so call it only in a process that
    runs this one notebook and then exits (:mod:`kerslake_analysis.report.warm`). The
    output notebook is also saved after each cell, so a process killed mid-run leaves
    the cells run so far on disk.

    Parameters
    ----------
    notebook : pathlib.Path
        The notebook; its folder is the working directory while it runs.
    output_path : pathlib.Path
        Where the executed notebook is written.
    parameters : dict
        Injected by papermill.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.

    Raises
    ------
    papermill.PapermillExecutionError
        A cell raised.
    """
    from kerslake_analysis.report import inprocess

    return papermill.execute_notebook(
        str(notebook),
        str(output_path),
        parameters=parameters,
        kernel_name=KERNEL_NAME,
        progress_bar=False,
        cwd=str(notebook.parent),
        engine_name=inprocess.ENGINE_NAME,
    )


def declared_parameters(notebook: Path) -> set[str]:
    """The parameters a notebook's ``parameters`` cell declares.

    Parameters
    ----------
    notebook : pathlib.Path

    Returns
    -------
    set of str
    """
    return set(papermill.inspect_notebook(str(notebook)))


def failure_reason(exc: BaseException) -> str:
    """Which cell failed and why, in words, from what :func:`run_notebook` raised.

    Parameters
    ----------
    exc : BaseException

    Returns
    -------
    str
    """
    if isinstance(exc, papermill.PapermillExecutionError):
        return (
            f"cell {exc.cell_index} (execution count {exc.exec_count}) raised "
            f"{exc.ename}: {exc.evalue}"
        )
    if type(exc).__name__ == "DeadKernelError":
        return f"the kernel died while a cell ran (DeadKernelError: {exc})"
    return f"before any cell ran raised {type(exc).__name__}: {exc}"


def html_body(nb: nbformat.NotebookNode) -> str:
    """The HTML of an executed notebook's outputs, for the panel's page.

    Inputs and prompts are hidden, stderr output is dropped, images stay inline as
    PNG, and nbconvert's ``basic`` template is used so the fragment carries no script
    and no external URL.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook.

    Returns
    -------
    str
        An HTML fragment (no ``<html>`` or ``<head>``).
    """
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_preprocessor(_DropStderrAndErrors(), enabled=True)
    body, _ = exporter.from_notebook_node(nb)
    return body
