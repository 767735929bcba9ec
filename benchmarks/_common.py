"""Helpers shared by the report benchmarks: the machine, timing, and RESULTS.md sections."""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import psutil

BENCHMARKS = Path(__file__).resolve().parent
ROOT = BENCHMARKS.parent
RESULTS = BENCHMARKS / "RESULTS.md"
VENV_BIN = Path(sys.executable).parent
#: Packages whose versions a report benchmark records.
PACKAGES = (
    "kerslake-analysis",
    "papermill",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "jupyter_client",
    "pyzmq",
    "pandas",
    "matplotlib",
    "seaborn",
    "ploomber",
    "dask",
    "distributed",
    "psutil",
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024**2
    except OSError:
        pass
    return float("nan")


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


def machine() -> dict:
    """The machine, software and moment a benchmark ran on."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "ram_gib": round(_ram_gib(), 1),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "packages": versions,
        "git": _git_commit(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def machine_lines(info: dict) -> list[str]:
    """Markdown lines describing ``machine()``'s answer."""
    packages = ", ".join(f"{k} {v}" for k, v in info["packages"].items())
    load = ", ".join(f"{x:.2f}" for x in info["load_average"])
    return [
        f"Date {info['date']}; commit {info['git']}; {info['nproc']} cores ({info['cpu']}), "
        f"{info['ram_gib']} GiB RAM; {info['os']}; Python {info['python']}.",
        f"Packages: {packages}.",
        f"Load average at the start: {load} (the machine is shared with other work, so "
        "every comparison interleaves its variants within each repeat).",
    ]


class Timing(float):
    """A wall time in seconds that also carries ``busy``: the machine's busy cores meanwhile.

    ``busy`` counts every process on the machine, ours and others', averaged over the
    run (from the system's CPU times): a serial run alone on the machine keeps about one
    core busy, so a figure near 2 for it means other work was competing.
    """

    busy: float = float("nan")


def timed(action: Callable[[], object]) -> tuple[Timing, object]:
    """Run ``action``; return its wall time (with busy cores) and its result."""
    before = busy_seconds()
    start = time.perf_counter()
    result = action()
    elapsed = time.perf_counter() - start
    timing = Timing(elapsed)
    timing.busy = (busy_seconds() - before) / elapsed if elapsed > 0 else float("nan")
    return timing, result


def busy_seconds() -> float:
    """CPU seconds the machine has spent busy since boot, all cores and processes."""
    times = psutil.cpu_times()
    fields = ("user", "nice", "system", "irq", "softirq")  # guest time is inside user
    return sum(getattr(times, name, 0.0) for name in fields)


def wait_until_quiet(limit: float, idle_cores: float = 1.8, window: float = 5.0) -> bool:
    """Wait up to ``limit`` seconds for other work to leave ``idle_cores`` idle over ``window``.

    Returns
    -------
    bool
        Whether the machine was quiet before the limit.
    """
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + limit
    while True:
        before = busy_seconds()
        time.sleep(window)
        if cores - (busy_seconds() - before) / window >= min(idle_cores, cores - 0.2):
            return True
        if time.monotonic() >= deadline:
            return False


def run(command: list[str], cwd: Path = ROOT, env: dict | None = None) -> Timing:
    """Run a command to completion (raising on failure) and return its wall time in seconds."""
    elapsed, done = timed(
        lambda: subprocess.run(
            command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True
        )
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}"
            f"\n{done.stderr[-4000:]}"
        )
    return elapsed


def interleave(
    variants: dict[str, Callable[[int], float]], repeats: int, quiet_wait: float = 0.0
) -> dict[str, list]:
    """Time each variant ``repeats`` times, taking turns (A B C A B C …), in one run.

    Each callable gets the repeat number and returns its own wall time in seconds.
    With ``quiet_wait``, each run first waits up to that many seconds for the machine
    to be idle (see :func:`wait_until_quiet`).
    """
    times: dict[str, list[float]] = {name: [] for name in variants}
    for repeat in range(repeats):
        for name, variant in variants.items():
            if quiet_wait and not wait_until_quiet(quiet_wait):
                print(f"  (machine still busy after {quiet_wait:.0f} s; running anyway)")
            times[name].append(variant(repeat))
            busy = getattr(times[name][-1], "busy", float("nan"))
            print(
                f"  repeat {repeat + 1}/{repeats} {name}: {times[name][-1]:.2f} s "
                f"({busy:.1f} cores busy)",
                flush=True,
            )
    return times


def busy(values: list[float]) -> float:
    """Median busy cores over the repeats (``nan`` where not measured)."""
    found = [v.busy for v in values if isinstance(v, Timing)]
    return statistics.median(found) if found else float("nan")


def median(values: list[float]) -> float:
    """Median of the repeats (the figure the ratios use)."""
    return statistics.median(values)


def record(name: str, text: str) -> None:
    """Replace the section ``name`` of RESULTS.md, keeping every other section."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    section = f"{start}\n{text}\n{end}"
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if start in old:
        new = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: section, old, flags=re.S)
    else:
        new = old.rstrip() + "\n\n" + section + "\n"
    RESULTS.write_text(new)
