"""Benchmark: the warm renderer against the cold floor, the report's own work and the peers.

Run with ``.venv/bin/python benchmarks/bench_warm.py`` (``--record`` rewrites the
``bench_warm`` section of ``benchmarks/RESULTS.md``; ``--quick`` is a smoke run on one
period of the small test register, one repeat). Everything is timed in one run: within
each repeat the variants take turns, and the ratios use the medians of the repeats.

Per period (the embedded periods, ``kerslake periods``):

``cold floor``
    A fresh kernel that only imports every module the period report imports (the floor
    notebook of ``bench_reports.py``), run by papermill and exported by nbconvert as
    before this change (:func:`kerslake_analysis.report.pages.execute_notebook` on a
    kernel) — what each period used to pay before doing any work.
``warm``
    The period report as ``kerslake report`` renders it now
    (:func:`kerslake_analysis.report.pages.render_period`): a fresh child forked from the
    pre-imported server runs papermill in process and nbconvert, files written.
    Target: ≤ 0.5 × cold floor.
``own work``
    The report's own work, the limit: the same notebook run in process
    (``execute_notebook(..., in_process=True)``) in this benchmark's process, which has
    imported everything already (one untimed run first): no process, no imports.

Commands (a fresh process each, memory sampled every 50 ms over the whole process tree):

``report + lineage + audit``
    ``kerslake report --all`` (default ``--jobs``), ``kerslake lineage``,
    ``kerslake audit``: what ``make report`` runs (without the GMPP example). Target from
    a warm ``.venv``: ≤ 60 s; whole tree < 2 GiB.
``… --jobs 1``
    The same, one report at a time.
``papermill CLI + nbconvert --no-input`` and ``ploomber build``
    The peers of ``bench_reports.py``, on every period.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import psutil
from _common import (
    VENV_BIN,
    Timing,
    busy,
    busy_seconds,
    interleave,
    machine,
    machine_lines,
    median,
    record,
    timed,
)
from bench_reports import _papermill_nbconvert, _ploomber, floor_notebook, quick_periods

from kerslake_analysis.base import paths
from kerslake_analysis.report import pages
from kerslake_analysis.report.plan_data import embedded_report_periods

SECTION = "bench_warm"
TARGET_FLOOR = 0.5
TARGET_TOTAL = 60.0
TARGET_MEMORY = 2 * 1024**3
MIB = 1024**2


def _ok(rendering):
    if not rendering.ok:
        raise RuntimeError(rendering.error)
    return rendering


def bench_periods(periods, repeats: int, work: Path) -> dict:
    print("probing the modules each report imports (the cold floor) …", flush=True)
    floors = {}
    for period in periods:
        label = f"{period.plan} {period.period}"
        floors[label] = floor_notebook(period, work / "floor" / label.replace(" ", "_"))[0]
    # The warm server is started once per command (``kerslake report`` starts it while
    # it reads the data); its start is in the commands' totals below, not per period.
    print("starting the warm server …", flush=True)
    pages.render_period(periods[0], reports_root=work / "warm-up")
    # One untimed in-process run so that "own work" is measured with everything imported.
    _ok(
        pages.execute_notebook(
            paths.PERIOD_REPORT_NOTEBOOK,
            periods[0].parameters(),
            periods[0].title,
            "warm-up",
            in_process=True,
        )
    )
    variants = {}
    for period in periods:
        label = f"{period.plan} {period.period}"

        def cold(repeat, period=period, label=label):
            nb = floors[label]
            elapsed, _ = timed(
                lambda: _ok(pages.execute_notebook(nb, period.parameters(), period.title, label))
            )
            return elapsed

        def warm(repeat, period=period):
            root = work / "warm" / str(repeat)
            elapsed, result = timed(lambda: pages.render_period(period, reports_root=root))
            if not result.ok:
                raise RuntimeError(result.error)
            return elapsed

        def own(repeat, period=period, label=label):
            elapsed, _ = timed(
                lambda: _ok(
                    pages.execute_notebook(
                        paths.PERIOD_REPORT_NOTEBOOK,
                        period.parameters(),
                        period.title,
                        label,
                        in_process=True,
                    )
                )
            )
            return elapsed

        variants[f"cold floor {label}"] = cold
        variants[f"warm {label}"] = warm
        variants[f"own work {label}"] = own
    times = interleave(variants, repeats)
    rows = []
    for period in periods:
        label = f"{period.plan} {period.period}"
        row = {"period": label}
        for kind in ("cold floor", "warm", "own work"):
            row[kind] = median(times[f"{kind} {label}"])
            row[f"{kind} all"] = times[f"{kind} {label}"]
        rows.append(row)
    totals = {k: sum(r[k] for r in rows) for k in ("cold floor", "warm", "own work")}
    return {"rows": rows, "totals": totals, "ratio": totals["warm"] / totals["cold floor"]}


class TreeMemory(threading.Thread):
    """Sample the memory of a process and all its descendants every 50 ms until stopped.

    Two sums: resident set size (RSS, counts pages a forked child shares with its
    parent once per process, so it overstates a fork tree) and proportional set size
    (PSS, each shared page split between the processes sharing it: the tree's real
    footprint).
    """

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_rss = self.peak_pss = 0
        self.processes_at_peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            try:
                tree = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = pss = 0
            for process in tree:
                try:
                    full = process.memory_full_info()
                except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                    continue
                rss += full.rss
                pss += getattr(full, "pss", full.rss)
            if rss > self.peak_rss:
                self.processes_at_peak = len(tree)
            self.peak_rss, self.peak_pss = max(self.peak_rss, rss), max(self.peak_pss, pss)
            self._stop_event.wait(0.05)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def _commands(steps: list[list[str]]):
    """A variant running ``steps`` one after the other, with the tree's memory sampled."""

    def variant(repeat):
        peak_rss = peak_pss = 0
        step_times = []
        before, start = busy_seconds(), time.perf_counter()
        for step in steps:
            step_start = time.perf_counter()
            command = [arg.replace("{repeat}", str(repeat)) for arg in step]
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            sampler = TreeMemory(process.pid)
            sampler.start()
            output = process.stdout.read()
            process.wait()
            sampler.stop()
            if process.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} exited {process.returncode}:\n{output}")
            peak_rss, peak_pss = max(peak_rss, sampler.peak_rss), max(peak_pss, sampler.peak_pss)
            step_times.append(time.perf_counter() - step_start)
        elapsed = time.perf_counter() - start
        timing = Timing(elapsed)
        timing.busy = (busy_seconds() - before) / elapsed
        timing.peak_rss, timing.peak_pss = peak_rss, peak_pss
        timing.steps = step_times
        return timing

    return variant


def bench_commands(periods, repeats: int, work: Path, quick: bool, peers: bool) -> dict:
    kerslake = str(VENV_BIN / "kerslake")
    out = str(work / "cmd" / "{repeat}")
    if quick:
        small = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"
        selection = ["--register", str(small), "--mapping", str(small / "mapping.toml")]
        selection += ["--period", periods[0].period]
    else:
        selection = ["--all"]

    def recipe(jobs: list[str]) -> list[list[str]]:
        steps = [[kerslake, "report", *selection, "--out", out, "--quiet", *jobs]]
        if not quick:
            steps.append([kerslake, "lineage", "--out", f"{out}/lineage"])
            steps.append([kerslake, "audit", "--out", f"{out}/audit"])
        return steps

    variants = {
        "report + lineage + audit": _commands(recipe([])),
        "the same, --jobs 1": _commands(recipe(["--jobs", "1"])),
    }
    if peers:
        variants["papermill CLI + nbconvert --no-input"] = _papermill_nbconvert(periods, work)
        variants["ploomber build"] = _ploomber(periods, work)
    times = interleave(variants, repeats)
    found = {}
    for name, values in times.items():
        found[name] = {"median": median(values), "all": list(values), "busy": busy(values)}
        if hasattr(values[0], "peak_rss"):
            found[name]["peak_rss"] = max(v.peak_rss for v in values)
            found[name]["peak_pss"] = max(v.peak_pss for v in values)
            found[name]["steps"] = [median(s) for s in zip(*(v.steps for v in values), strict=True)]
            found[name]["report"] = found[name]["steps"][0]
        else:
            found[name]["report"] = found[name]["median"]
    return found


def _s(values) -> str:
    return "(" + ", ".join(f"{v:.1f}" for v in values) + ")"


def results_text(info, periods, repeats, per, commands, quick) -> str:
    lines = [
        "## bench_warm — period reports forked warm: cold floor, own work, totals, peers, memory",
        "",
        "Command: `.venv/bin/python benchmarks/bench_warm.py --record`. "
        f"{len(periods)} period(s); {repeats} repeat(s), variants interleaved within each "
        "repeat; figures are medians (all repeats in brackets), wall-clock seconds.",
        "",
        *machine_lines(info),
        "",
        "### Per period: warm against the cold floor and the report's own work",
        "",
        "| period | cold floor s | warm s | own work s | warm / cold floor | warm − own work |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in per["rows"]:
        lines.append(
            f"| {row['period']} | {row['cold floor']:.2f} {_s(row['cold floor all'])} "
            f"| {row['warm']:.2f} {_s(row['warm all'])} "
            f"| {row['own work']:.2f} {_s(row['own work all'])} "
            f"| {row['warm'] / row['cold floor']:.2f} | {row['warm'] - row['own work']:.2f} |"
        )
    t = per["totals"]
    met = "met" if per["ratio"] <= TARGET_FLOOR else "**missed**"
    lines += [
        "",
        f"All periods: warm / cold floor = **{per['ratio']:.2f}** (target ≤ {TARGET_FLOOR}: "
        f"{met}); warm / own work = {t['warm'] / t['own work']:.2f}; per period "
        f"{t['warm'] / len(periods):.2f} s warm, {t['own work'] / len(periods):.2f} s own "
        f"work, {t['cold floor'] / len(periods):.2f} s cold floor.",
        "",
        "### Commands: the `make report` recipe, peers, memory of the whole process tree",
        "",
        "| command | total s | period reports s | per period s | ours / theirs "
        "(period reports) | cores busy | peak RSS sum MiB | peak PSS sum MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = commands["report + lineage + audit"]
    for name, c in commands.items():
        rss = f"{c['peak_rss'] / MIB:,.0f}" if "peak_rss" in c else "—"
        pss = f"{c['peak_pss'] / MIB:,.0f}" if "peak_pss" in c else "—"
        steps = " + ".join(f"{v:.1f}" for v in c.get("steps", []))
        lines.append(
            f"| {name} | {c['median']:.1f} {_s(c['all'])}"
            + (f" = {steps}" if len(c.get("steps", [])) > 1 else "")
            + f" | {c['report']:.1f} | {c['report'] / len(periods):.2f} "
            f"| {total['report'] / c['report']:.2f} | {c['busy']:.1f} | {rss} | {pss} |"
        )
    lines += [
        "",
        f"`kerslake report --all` + lineage + audit: {total['median']:.1f} s (target for "
        f"`make report` ≤ {TARGET_TOTAL:.0f} s: "
        f"{'met' if total['median'] <= TARGET_TOTAL else '**missed**'}); whole tree at most "
        f"{total['peak_pss'] / MIB:,.0f} MiB PSS, {total['peak_rss'] / MIB:,.0f} MiB RSS "
        f"(target < 2 GiB: {'met' if total['peak_rss'] < TARGET_MEMORY else '**missed**'}).",
        "",
        "The total is the sum of its steps (report + lineage + audit, medians of each). "
        "*Period reports* is the `kerslake report` step alone (for the peers, their whole "
        "run of the same periods). RSS counts the pages a forked child shares with the "
        "server once per process; PSS shares them out, so it is the tree's footprint.",
    ]
    if quick:
        lines += ["", "(--quick: one period of the small test register, one repeat.)"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", action="store_true", help="rewrite RESULTS.md's section")
    parser.add_argument("--quick", action="store_true", help="smoke run: one small period")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--no-peers", action="store_true", help="skip papermill CLI, Ploomber")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw figures")
    args = parser.parse_args()
    repeats = args.repeats or (1 if args.quick else 3)
    periods = quick_periods() if args.quick else embedded_report_periods()
    info = machine()
    with tempfile.TemporaryDirectory(prefix="bench-warm-") as tmp:
        work = Path(tmp)
        per = bench_periods(periods, repeats, work)
        commands = bench_commands(periods, repeats, work, args.quick, not args.no_peers)
    text = results_text(info, periods, repeats, per, commands, args.quick)
    print()
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"periods": per, "commands": commands}, default=str))
    if args.record and not args.quick:
        record(SECTION, text)
        print(f"\nrecorded in {os.path.relpath(paths.PROJ_ROOT / 'benchmarks' / 'RESULTS.md')}")


if __name__ == "__main__":
    main()
