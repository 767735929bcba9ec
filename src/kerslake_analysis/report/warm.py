"""Run each call in a fresh child forked from a process that has imported the heavy modules.

A report's fixed cost used to be a fresh kernel importing pandas, matplotlib, seaborn,
papermill and nbconvert (about 3.5 s against about 1 s of the report's own work). Here
one *server* process (multiprocessing's ``forkserver``) imports them once, and every
call runs in a new child forked from it: the child starts with everything imported and
nothing else, runs one call, sends its result back and exits. No child is ever reused,
so nothing one call does — module-level caches, matplotlib's settings, the random
state, the working directory, the environment — can reach another; and a child that is
killed loses only its own call.

The server never runs a call itself; it starts with the first call and lives as long
as the process that started it (multiprocessing keeps it), so later calls — the other
periods, the audit and lineage pages, every test of a pytest session — find it ready.
It is not started earlier (say, while the data is read): a run that refuses its input
then never pays for it, nor runs out of memory under a tight limit importing it.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import wait

#: Modules the server imports once, so that no child pays for them. A name that fails to
#: import is skipped by multiprocessing (the child then imports it itself).
PRELOAD = (
    "kerslake_analysis.report.pages",
    "kerslake_analysis.report.notebook_run",
    "kerslake_analysis.report.inprocess",
    "kerslake_analysis.report.plan_data",
    "kerslake_analysis.report.figures_file",
    "kerslake_analysis.report.document_sections",
    "kerslake_analysis.report.plots",
    "kerslake_analysis.report.display",
    "kerslake_analysis.report.lineage_page",
    "kerslake_analysis.report.audit_page",
    "matplotlib_inline.backend_inline",
    "seaborn",
)


def default_jobs() -> int:
    """How many calls to run at once by default: the cores this process may use.

    ``os.sched_getaffinity`` (the cores the operating system lets this process run on,
    which honours ``taskset`` and container CPU sets) where the platform has it, else
    ``os.cpu_count()``; at least 1.

    Returns
    -------
    int

    Examples
    --------
    >>> default_jobs() >= 1
    True
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)


def context() -> multiprocessing.context.BaseContext:
    """The ``forkserver`` context whose server has imported :data:`PRELOAD`.

    Where ``forkserver`` is missing (Windows), ``spawn``: each child then imports what
    it needs itself (isolated, but without the saving).

    Returns
    -------
    multiprocessing.context.BaseContext

    Examples
    --------
    >>> context().get_start_method() in ("forkserver", "spawn")
    True
    """
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Outcome:
    """What became of one call.

    Attributes
    ----------
    ok : bool
        True when the call returned (its value is ``value``).
    value : object
        The call's return value, or None.
    error : str
        Empty when ``ok``; otherwise how the child ended: the exception it raised
        (with its traceback), or the signal or exit status it died with.
    """

    ok: bool
    value: object = None
    error: str = ""


def _child(conn, environ: dict[str, str], func: Callable, args: tuple) -> None:
    """Body of a child: the caller's environment, one call, its outcome sent back."""
    os.environ.clear()
    os.environ.update(environ)
    try:
        outcome = Outcome(True, func(*args))
    except BaseException as exc:  # noqa: BLE001 - reported to the caller, never lost
        text = "".join(traceback.format_exception(exc))
        outcome = Outcome(False, None, f"{type(exc).__name__}: {exc}\n{text}")
    conn.send(outcome)
    conn.close()


def _ended(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"its process was killed by {name}"
    return f"its process exited with status {exitcode} before reporting back"


def run_each(
    calls: Sequence[tuple[Callable, tuple]],
    jobs: int,
    done: Callable[[int, Outcome], None],
) -> None:
    """Run every ``func(*args)`` in its own fresh child, up to ``jobs`` at once.

    ``func`` must be importable by name (a module-level function) and its arguments and
    result picklable. Each child gets this process's environment as it is now.

    Parameters
    ----------
    calls : sequence of (callable, tuple)
        The calls, in order.
    jobs : int
        Children alive at once (at least 1).
    done : callable
        Called in this process as ``done(index, outcome)`` when a call ends, in the
        order they end; a child that dies gives a failed :class:`Outcome` for its call
        only, the others carry on.
    """
    ctx = context()
    pending = deque(enumerate(calls))
    running: dict[int, tuple] = {}
    environ = dict(os.environ)
    while pending or running:
        while pending and len(running) < max(1, jobs):
            index, (func, args) = pending.popleft()
            receive, send = ctx.Pipe(duplex=False)
            child = ctx.Process(
                target=_child, args=(send, environ, func, args), name=f"kerslake-{index}"
            )
            child.daemon = True
            child.start()
            send.close()
            running[index] = (child, receive)
        handles = [h for child, receive in running.values() for h in (receive, child.sentinel)]
        ready = set(wait(handles))
        for index, (child, receive) in list(running.items()):
            if receive not in ready and child.sentinel not in ready:
                continue
            try:
                outcome = receive.recv()
            except (EOFError, OSError):
                outcome = None
            child.join()
            receive.close()
            del running[index]
            if outcome is None:
                outcome = Outcome(False, None, _ended(child.exitcode))
            done(index, outcome)
