"""A papermill engine that runs a notebook's cells in this process, in an IPython shell.

No kernel is started: the cells run in an :class:`IPython.core.interactiveshell.InteractiveShell`
whose display publisher and display hook collect each cell's outputs as notebook outputs
(``display_data``, ``execute_result``, ``stream``, ``error``), with matplotlib's inline
backend as in a kernel. Papermill still parameterises the notebook (its injected
parameters cell), records each cell's metadata, writes the output notebook and raises
:class:`papermill.PapermillExecutionError` for a failing cell.

Running in this process is only safe in a process that runs one notebook and then
exits: :mod:`kerslake_analysis.report.warm` runs each notebook in a fresh child forked
from a process that has imported the heavy modules once, so nothing one notebook does
(modules' caches, matplotlib's settings, the random state, the working directory) can
reach another.
"""

from __future__ import annotations

import io
import sys
import traceback
from contextlib import redirect_stderr, redirect_stdout

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from papermill.engines import Engine, NotebookExecutionManager, papermill_engines

#: Name under which :class:`InProcessEngine` is registered with papermill.
ENGINE_NAME = "kerslake-inprocess"


class _Publisher(DisplayPublisher):
    """Collect ``display()`` calls (HTML, charts) as ``display_data`` outputs."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kw):  # noqa: D102
        self.shell.cell_outputs.append(
            nbformat.v4.new_output("display_data", data=data, metadata=metadata or {})
        )

    def clear_output(self, wait=False):  # noqa: D102 - IPython hook
        self.shell.cell_outputs.clear()


class _Hook(DisplayHook):
    """Collect a cell's last expression as its ``execute_result`` output."""

    def __call__(self, result=None):  # noqa: D102 - IPython hook
        if result is None:
            return
        data, metadata = self.shell.display_formatter.format(result)
        self.shell.cell_outputs.append(
            nbformat.v4.new_output(
                "execute_result",
                data=data,
                metadata=metadata,
                execution_count=self.shell.execution_count,
            )
        )


class CellShell(InteractiveShell):
    """An IPython shell whose outputs are gathered per cell, with the inline matplotlib backend."""

    def __init__(self, **kwargs):
        super().__init__(display_pub_class=_Publisher, displayhook_class=_Hook, **kwargs)
        self.cell_outputs: list = []
        self.enable_matplotlib("inline")

    def enable_gui(self, gui=None):  # noqa: D102 - abstract in InteractiveShell
        pass

    def showtraceback(self, *args, **kwargs):  # noqa: D102 - IPython hook
        etype, value, tb = sys.exc_info()
        if value is None:
            return
        lines = self.InteractiveTB.structured_traceback(etype, value, tb)
        self.cell_outputs.append(
            nbformat.v4.new_output(
                "error",
                ename=etype.__name__,
                evalue=str(value),
                traceback=lines or traceback.format_exception(etype, value, tb),
            )
        )

    def showsyntaxerror(self, filename=None, running_compiled_code=False):  # noqa: D102
        self.showtraceback()

    def run(self, source: str, execution_count: int) -> tuple[list, bool]:
        """Run one cell; return its outputs in order and whether it succeeded."""
        self.cell_outputs = []
        out, err = _Stream(self, "stdout"), _Stream(self, "stderr")
        with redirect_stdout(out), redirect_stderr(err):
            self.execution_count = execution_count
            result = self.run_cell(source, store_history=False)
        return self.cell_outputs, result.success


class _Stream(io.TextIOBase):
    """``sys.stdout`` or ``sys.stderr`` during a cell: text becomes ``stream`` outputs, merged in order."""

    def __init__(self, shell: CellShell, name: str):
        self._shell, self._name = shell, name

    def writable(self) -> bool:  # noqa: D102
        return True

    def write(self, text: str) -> int:  # noqa: D102
        outputs = self._shell.cell_outputs
        if (
            outputs
            and outputs[-1].get("output_type") == "stream"
            and outputs[-1].name == self._name
        ):
            outputs[-1].text += text
        elif text:
            outputs.append(nbformat.v4.new_output("stream", name=self._name, text=text))
        return len(text)


class _SaveAfterCellManager(NotebookExecutionManager):
    """Papermill's execution manager, saving the output notebook after each cell, not before.

    Papermill saves before and after every cell; the notebook before a cell adds nothing
    to the one saved after the previous cell.
    """

    _skip_save = False

    def save(self, **kwargs) -> None:  # noqa: D102 - papermill hook
        if not self._skip_save:
            super().save(**kwargs)

    def cell_start(self, cell, cell_index=None, **kwargs) -> None:  # noqa: D102
        self._skip_save = True
        try:
            super().cell_start(cell, cell_index, **kwargs)
        finally:
            self._skip_save = False


class InProcessEngine(Engine):
    """Papermill engine running every code cell in a :class:`CellShell` in this process.

    Stops at the first failing cell, as papermill's kernel engine does (the cell gets its
    ``error`` output; papermill then raises). After each cell the output notebook is
    saved, so if the process is killed mid-run the cells run so far are on disk.
    """

    @classmethod
    def execute_notebook(
        cls, nb, kernel_name, output_path=None, progress_bar=False, log_output=False, **kwargs
    ):  # noqa: D102 - papermill's Engine.execute_notebook with the manager above
        manager = _SaveAfterCellManager(
            nb, output_path=output_path, progress_bar=progress_bar, log_output=log_output
        )
        manager.notebook_start()
        try:
            cls.execute_managed_notebook(manager, kernel_name, **kwargs)
        finally:
            manager.cleanup_pbar()
            manager.notebook_complete()
        return manager.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):  # noqa: D102
        shell = CellShell.instance()
        count = 0
        for index, cell in enumerate(nb_man.nb.cells):
            if cell.cell_type != "code":
                continue
            count += 1
            nb_man.cell_start(cell, index)
            outputs, ok = shell.run(cell.source, count)
            cell.outputs = outputs
            cell.execution_count = count
            if not ok:
                nb_man.cell_exception(cell, cell_index=index)
            nb_man.cell_complete(cell, cell_index=index)
            if not ok:
                break
        return nb_man.nb


papermill_engines.register(ENGINE_NAME, InProcessEngine)
