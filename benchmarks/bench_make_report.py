"""Benchmark: ``make report`` from a warm ``.venv`` — total time and peak memory.

Run with ``.venv/bin/python benchmarks/bench_make_report.py`` (``--record`` rewrites the
``bench_make_report`` section of ``benchmarks/RESULTS.md``; ``--quick`` is a smoke run
that renders the small test register instead of running ``make report``).

Two variants take turns within each repeat:

* ``make report`` itself (every embedded period, the lineage and audit pages, the GMPP
  example: whatever the Makefile's recipe holds when the benchmark runs);
* the same recipe (read with ``make -n report``) with ``--jobs 2`` added to each
  ``kerslake report`` command.

The ``.venv`` is warm: ``make -q install`` must say it is up to date (the benchmark runs
``make install`` first, untimed, if it is not). Memory is sampled every 50 ms with
psutil over the whole process tree: the peak of the tree's total resident set size, and
the peak of each process, grouped by role (notebook kernel, ``kerslake`` command, worker
process, other). The largest single process is cross-checked against the kernel's own
account (``ru_maxrss`` of the waited-for tree, from ``wait4``). Target: no period-report
process (a kernel, or the process driving it) above 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from _common import (
    ROOT,
    VENV_BIN,
    Timing,
    busy_seconds,
    interleave,
    machine,
    machine_lines,
    median,
    record,
)

SECTION = "bench_make_report"
SMALL = ROOT / "tests" / "data" / "registers" / "small"
GIB = 1024**3
MIB = 1024**2
LIMIT = 1 * GIB


def _role(process: psutil.Process) -> str:
    try:
        command = " ".join(process.cmdline())
    except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
        return "other"
    if "ipykernel_launcher" in command:
        return "notebook kernel"
    if "multiprocessing" in command or "forkserver" in command:
        return "worker process"
    if "/kerslake " in command + " " or command.endswith("/kerslake"):
        return "kerslake command"
    if command.startswith("make") or "/make " in command:
        return "make"
    return "other"


class TreeSampler(threading.Thread):
    """Sample the resident memory of a process and all its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.peak_total = 0
        self.peak_by_pid: dict[int, tuple[int, str]] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                processes = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            total = 0
            for process in processes:
                try:
                    rss = process.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                total += rss
                # The role is read every time: a new process shows its parent's command
                # line until it has executed its own (a kernel starts as a copy of its
                # parent), and an exiting one shows none ("other").
                best, role = self.peak_by_pid.get(process.pid, (0, "other"))
                if role != "notebook kernel":
                    role = next((r for r in (_role(process),) if r != "other"), role)
                self.peak_by_pid[process.pid] = (max(best, rss), role)
            self.peak_total = max(self.peak_total, total)
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def peak_by_role(self) -> dict[str, dict]:
        roles: dict[str, dict] = {}
        for rss, role in self.peak_by_pid.values():
            entry = roles.setdefault(role, {"processes": 0, "peak": 0})
            entry["processes"] += 1
            entry["peak"] = max(entry["peak"], rss)
        return roles


def measure(command: list[str], cwd: Path = ROOT) -> dict:
    """Run ``command`` to completion; return its wall time and memory figures."""
    busy_before = busy_seconds()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    sampler = TreeSampler(process.pid)
    sampler.start()
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    busy = (busy_seconds() - busy_before) / elapsed
    sampler.stop()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{output[-4000:]}")
    return {
        "wall": elapsed,
        "busy": busy,
        "peak_total": sampler.peak_total,
        "by_role": sampler.peak_by_role(),
        "largest_process": max(rss for rss, _ in sampler.peak_by_pid.values()),
        "ru_maxrss": usage.ru_maxrss * 1024,  # kilobytes on Linux
    }


def recipe(target: str = "report") -> list[str]:
    """The shell commands of a make target, as ``make -n`` prints them."""
    done = subprocess.run(
        ["make", "-n", "--no-print-directory", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line.strip()]


def with_jobs(commands: list[str], jobs: int) -> list[str]:
    out = []
    for line in commands:
        words = shlex.split(line)
        if len(words) > 1 and words[0].endswith("/kerslake") and words[1] == "report":
            line = f"{line} --jobs {jobs}"
        out.append(line)
    return out


def _script(commands: list[str], folder: Path, name: str) -> list[str]:
    path = folder / f"{name}.sh"
    path.write_text("set -e\n" + "\n".join(commands) + "\n")
    return ["bash", str(path)]


def warm_venv() -> str:
    """Make sure ``.venv`` is installed and up to date, as a user's second run finds it."""
    if subprocess.run(["make", "-q", "install"], cwd=ROOT).returncode == 0:
        return "up to date (`make -q install`)"
    subprocess.run(["make", "install"], cwd=ROOT, check=True, capture_output=True)
    return "brought up to date with `make install` before timing"


def _role_peak(measured: list[dict], role: str) -> int:
    return max(m["by_role"].get(role, {}).get("peak", 0) for m in measured)


def _mib(n: int) -> str:
    return f"{n / MIB:,.0f}"


def results_text(info, venv, repeats, variants, runs, quick) -> str:
    lines = [
        "## bench_make_report — `make report` from a warm .venv: time and peak memory",
        "",
        "Command: `.venv/bin/python benchmarks/bench_make_report.py --record`"
        + (
            " (**--quick**: smoke run on the small test register, not a measurement)"
            if quick
            else ""
        )
        + f". {repeats} repeats, variants interleaved; times are medians (all repeats in "
        f"brackets). .venv {venv}.",
        "",
        *machine_lines(info),
        "",
        "Variants:",
        "",
    ]
    for name, commands in variants.items():
        lines.append(
            f"- **{name}**: " + "; ".join(f"`{c.replace(str(ROOT) + '/', '')}`" for c in commands)
        )
    lines += [
        "",
        "| variant | wall s | cores busy | peak RSS of the whole tree MiB | largest process "
        "MiB (sampled / ru_maxrss) | peak kernel MiB | kernels | peak `kerslake` MiB |"
        " peak worker MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts = []
    for name, measured in runs.items():
        walls = [m["wall"] for m in measured]
        worst = max(measured, key=lambda m: m["largest_process"])
        kernels = max(m["by_role"].get("notebook kernel", {}).get("processes", 0) for m in measured)
        lines.append(
            f"| {name} | {median(walls):.1f} ({', '.join(f'{w:.1f}' for w in walls)}) | "
            f"{median([m['busy'] for m in measured]):.1f} | "
            f"{_mib(max(m['peak_total'] for m in measured))} | "
            f"{_mib(worst['largest_process'])} / {_mib(max(m['ru_maxrss'] for m in measured))} | "
            f"{_mib(_role_peak(measured, 'notebook kernel'))} | {kernels} | "
            f"{_mib(_role_peak(measured, 'kerslake command'))} | "
            f"{_mib(_role_peak(measured, 'worker process'))} |"
        )
        largest = max(max(m["largest_process"], m["ru_maxrss"]) for m in measured)
        verdicts.append(largest <= LIMIT)
    lines += [
        "",
        "No process above 1 GiB: " + ("**met**" if all(verdicts) else "**missed**") + ".",
        "",
        "Peak RSS of the whole tree adds every process alive at the same moment (with "
        "`--jobs 2`: this command, the worker server, two workers and two kernels). "
        "`ru_maxrss` counts only processes their parent waited for, so it leaves out the "
        "`--jobs` workers and their kernels (forked from the worker server); the sampled "
        "figure covers them. *Cores busy*: the machine's average busy cores during the "
        "run, every process counted.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="rewrite RESULTS.md's section")
    parser.add_argument("--quick", action="store_true", help="smoke run on the small register")
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each run, wait up to SECONDS for the machine to be idle (shared machines)",
    )
    args = parser.parse_args()
    info = machine()
    work = Path(tempfile.mkdtemp(prefix="bench-make-report-"))
    if args.quick:
        venv = "not checked (quick run)"
        repeats = 1
        base = [
            f"{VENV_BIN / 'kerslake'} report --register {SMALL} --mapping {SMALL / 'mapping.toml'} "
            f"--period 2024-02 --out {work / 'out'} --quiet"
        ]
        variants = {"kerslake report (small register)": base}
    else:
        venv = warm_venv()
        repeats = args.repeats
        base = recipe("report")
        variants = {"make report": ["make report"]}
    variants["the same with --jobs 2"] = with_jobs(base, 2)
    print(f"bench_make_report: {repeats} repeats; {info}", flush=True)
    runs: dict[str, list[dict]] = {name: [] for name in variants}

    def runner(name, commands):
        def variant(repeat):
            command = ["make", "report"] if commands == ["make report"] else None
            slug = "".join(ch if ch.isalnum() else "-" for ch in name)
            command = command or _script(commands, work, f"{slug}-{repeat}")
            measured = measure(command)
            runs[name].append(measured)
            wall = Timing(measured["wall"])
            wall.busy = measured["busy"]
            return wall

        return variant

    interleave({name: runner(name, c) for name, c in variants.items()}, repeats, args.quiet_wait)
    text = results_text(info, venv, repeats, variants, runs, args.quick)
    print()
    print(text)
    if args.record:
        record(SECTION, text)


if __name__ == "__main__":
    sys.exit(main())
