"""Benchmark: the period reports against their floor, in parallel, and against the peers.

Run with ``.venv/bin/python benchmarks/bench_reports.py`` (``--record`` rewrites the
``bench_reports`` section of ``benchmarks/RESULTS.md``; ``--quick`` is a smoke run on
one period of the small test register, one repeat). Every comparison is timed side by side in one run:
within each repeat the variants take turns, and the ratios use the median of the repeats.

What is compared, on the embedded periods (``kerslake periods``):

``floor``
    Each period report (:func:`kerslake_analysis.report.pages.render_period`: since the
    warm renderer, a fresh child of the pre-imported server running papermill in
    process; nbconvert's HTMLExporter, files written) against papermill on a fresh IPC
    kernel (:func:`kerslake_analysis.report.pages.execute_notebook`, as every report ran
    before) on a *floor* notebook with
    the same parameters cell whose only other cell imports every module the period
    report had imported by its end (read from ``sys.modules`` in a probe run of the real
    notebook, less what a bare kernel already has). Target: report ≤ 1.3 × floor.
``parallel``
    ``kerslake report --all --jobs N`` for N = 1, 2 and 3, as the command a user runs
    (a fresh process each time). Target on 2 cores: all embedded periods in ≤ 0.6 × the
    serial (``--jobs 1``) time.
``peers``
    What a user would otherwise write, per period: the papermill CLI and then
    ``jupyter nbconvert --to html --no-input`` (as tutorials and the cookiecutter
    Makefile do), and Ploomber building the same notebook (a ``pipeline.yaml`` with one
    NotebookRunner task per period; Ploomber needs ``upstream = None`` and
    ``product = None`` in the parameters cell, so it runs a copy with those two lines
    added). Every variant gets ``output_dir`` so the notebook does the same work.
    Reported: our time per period (``kerslake report --all``, the serial run of
    ``parallel``) as a ratio of each peer's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

import nbformat
import papermill
from _common import (
    ROOT,
    VENV_BIN,
    Timing,
    busy,
    interleave,
    machine,
    machine_lines,
    median,
    record,
    run,
    timed,
)

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.register import load_register
from kerslake_analysis.report import notebook_run, pages
from kerslake_analysis.report.plan_data import embedded_report_periods

SECTION = "bench_reports"
SMALL = ROOT / "tests" / "data" / "registers" / "small"
QUICK = "2024-02"
JOBS = (1, 2, 3)
TARGET_FLOOR = 1.3
TARGET_PARALLEL = 0.6
#: Ploomber's telemetry stays off (and the machine may have no network).
#: Seconds each run may wait for other work on the machine to stop (``--quiet-wait``).
QUIET_WAIT = 0.0
PLOOMBER_ENV = {"PLOOMBER_STATS_ENABLED": "false", "PLOOMBER_VERSION_CHECK_DISABLED": "true"}


# --------------------------------------------------------------------------- floor


def _probe_modules(notebook: Path, parameters: dict, work: Path) -> set[str]:
    """Run ``notebook`` with a last cell that lists ``sys.modules``; return the names."""
    nb = nbformat.read(notebook, as_version=4)
    listing = work / "modules.json"
    cell = nbformat.v4.new_code_cell(
        f"import json as _j, sys as _s\n_j.dump(sorted(_s.modules), open({str(listing)!r}, 'w'))"
    )
    nb.cells.append(cell)
    probe = work / "probe.ipynb"
    nbformat.write(nb, probe)
    papermill.execute_notebook(
        str(probe),
        str(work / "probe.out.ipynb"),
        parameters=parameters,
        kernel_name=notebook_run.KERNEL_NAME,
        progress_bar=False,
        cwd=str(notebook.parent),
        kernel_manager_class=notebook_run.IPCKernelManager,
    )
    return set(json.loads(listing.read_text()))


def floor_notebook(period: ReportPeriod, work: Path) -> tuple[Path, int]:
    """Write the floor notebook of ``period``; return it and the number of modules imported."""
    work.mkdir(parents=True, exist_ok=True)
    params = {**period.parameters(), "output_dir": str(work / "probe-output")}
    (work / "probe-output").mkdir(exist_ok=True)
    used = _probe_modules(paths.PERIOD_REPORT_NOTEBOOK, params, work)
    bare = nbformat.v4.new_notebook()
    bare.metadata = nbformat.read(paths.PERIOD_REPORT_NOTEBOOK, as_version=4).metadata
    nbformat.write(bare, work / "bare.ipynb")
    baseline = _probe_modules(work / "bare.ipynb", {}, work)
    wanted = sorted(used - baseline)
    source = nbformat.read(paths.PERIOD_REPORT_NOTEBOOK, as_version=4)
    parameters_cell = next(c for c in source.cells if "parameters" in c.metadata.get("tags", []))
    imports = nbformat.v4.new_code_cell(
        "import importlib, sys\n"
        f"MODULES = {wanted!r}\n"
        "for name in MODULES:\n"
        "    if name not in sys.modules:\n"
        "        try:\n"
        "            importlib.import_module(name)\n"
        "        except ImportError:\n"
        "            pass  # a private alias registered by its package; the package is imported"
    )
    floor = nbformat.v4.new_notebook(metadata=source.metadata, cells=[parameters_cell, imports])
    path = work / "floor.ipynb"
    nbformat.write(floor, path)
    return path, len(wanted)


def bench_floor(periods: list[ReportPeriod], repeats: int, work: Path) -> dict:
    print("floor: probing the modules each report imports …", flush=True)
    floors = {}
    for period in periods:
        label = f"{period.plan} {period.period}"
        floors[label] = floor_notebook(period, work / "floor" / label.replace(" ", "_"))
    variants = {}
    for period in periods:
        label = f"{period.plan} {period.period}"
        nb_path = floors[label][0]

        def floor_run(repeat, period=period, nb_path=nb_path, label=label):
            out = work / "floor-out" / f"{repeat}" / label.replace(" ", "_")
            # The floor is cold: a fresh kernel, as every report ran before the warm
            # renderer (bench_warm.py compares the two).
            return _timed_ok(
                lambda: pages.write_rendering(
                    pages.execute_notebook(nb_path, period.parameters(), period.title, label),
                    out,
                )
            )

        def report_run(repeat, period=period):
            root = work / "report-out" / f"{repeat}"
            return _timed_ok(lambda: pages.render_period(period, reports_root=root))

        variants[f"floor {label}"] = floor_run
        variants[f"report {label}"] = report_run
    times = interleave(variants, repeats, QUIET_WAIT)
    rows = []
    for period in periods:
        label = f"{period.plan} {period.period}"
        floor_s, report_s = median(times[f"floor {label}"]), median(times[f"report {label}"])
        rows.append(
            {
                "period": label,
                "modules": floors[label][1],
                "floor": floor_s,
                "report": report_s,
                "ratio": report_s / floor_s,
                "floor_all": times[f"floor {label}"],
                "report_all": times[f"report {label}"],
            }
        )
    total_floor = sum(r["floor"] for r in rows)
    total_report = sum(r["report"] for r in rows)
    return {"rows": rows, "ratio": total_report / total_floor}


def _timed_ok(render) -> float:
    elapsed, result = timed(render)
    if not result.ok:
        raise RuntimeError(result.error)
    return elapsed


# --------------------------------------------------------------------------- parallel, peers


def _kerslake(args: list[str]) -> list[str]:
    return [str(VENV_BIN / "kerslake"), "report", *args, "--quiet"]


def _selection(quick: bool) -> list[str]:
    if not quick:
        return ["--all"]
    return ["--register", str(SMALL), "--mapping", str(SMALL / "mapping.toml"), "--period", QUICK]


def quick_periods() -> list[ReportPeriod]:
    """The last period of the small synthetic test register (the ``--quick`` run)."""
    register = load_register(SMALL, SMALL / "mapping.toml")
    return [
        ReportPeriod(
            register.name,
            QUICK,
            register=str(SMALL),
            mapping=str(SMALL / "mapping.toml"),
            plan_title=register.title,
        )
    ]


def _ours(periods, quick, work, jobs):
    def variant(repeat):
        out = work / f"jobs{jobs}" / str(repeat)
        return run(_kerslake([*_selection(quick), "--out", str(out), "--jobs", str(jobs)]))

    return variant


def _papermill_nbconvert(periods, work):
    def variant(repeat):
        steps = []
        for period in periods:
            out = work / "papermill" / str(repeat) / period.plan / period.period
            out.mkdir(parents=True, exist_ok=True)
            executed = out / "report.ipynb"
            params = [
                arg
                for key, value in {**period.parameters(), "output_dir": str(out)}.items()
                for arg in ("-p", key, value)
            ]
            papermill_cli = [str(VENV_BIN / "papermill"), str(paths.PERIOD_REPORT_NOTEBOOK)]
            steps.append(
                run(
                    [
                        *papermill_cli,
                        str(executed),
                        *params,
                        "--cwd",
                        str(paths.TEMPLATES_DIR),
                        "--no-progress-bar",
                    ]
                )
            )
            nbconvert = [str(VENV_BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input"]
            steps.append(run([*nbconvert, str(executed)]))
        total = Timing(sum(steps))
        total.busy = sum(step * step.busy for step in steps) / total
        return total

    return variant


def ploomber_project(periods: list[ReportPeriod], folder: Path) -> Path:
    """Write a Ploomber project building the period notebook once per period."""
    folder.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(paths.PERIOD_REPORT_NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source += (
        "\nupstream = None  # Ploomber: no upstream tasks\nproduct = None  # Ploomber: outputs"
    )
    nbformat.write(nb, folder / "period_report.ipynb")
    tasks = []
    for period in periods:
        out = f"out/{period.plan}/{period.period}"
        params = {**period.parameters(), "output_dir": str(folder / out)}
        tasks.append(
            {
                "source": "period_report.ipynb",
                "name": f"report-{period.plan}-{period.period}",
                "product": f"{out}/report.html",
                "params": params,
                "nbconvert_export_kwargs": {"exclude_input": True},
            }
        )
    # JSON is valid YAML; Ploomber reads pipeline.yaml.
    (folder / "pipeline.yaml").write_text(json.dumps({"tasks": tasks}, indent=2))
    return folder


def _ploomber(periods, work):
    def variant(repeat):
        project = ploomber_project(periods, work / "ploomber" / str(repeat))
        for period in periods:  # the notebook writes figures.json there
            (project / "out" / period.plan / period.period).mkdir(parents=True, exist_ok=True)
        return run([str(VENV_BIN / "ploomber"), "build", "--force"], cwd=project, env=PLOOMBER_ENV)

    return variant


def bench_commands(periods, repeats, work, quick, sections) -> dict:
    variants = {}
    if "parallel" in sections or "peers" in sections:
        variants["kerslake --jobs 1"] = _ours(periods, quick, work, 1)
    if "parallel" in sections:
        for jobs in JOBS[1:2] if quick else JOBS[1:]:
            variants[f"kerslake --jobs {jobs}"] = _ours(periods, quick, work, jobs)
    if "peers" in sections:
        variants["papermill CLI + nbconvert --no-input"] = _papermill_nbconvert(periods, work)
        variants["ploomber build"] = _ploomber(periods, work)
    times = interleave(variants, repeats, QUIET_WAIT)
    return {name: {"median": median(t), "all": t, "busy": busy(t)} for name, t in times.items()}


# --------------------------------------------------------------------------- results


def _seconds(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def _own_work(floor: dict) -> float:
    """Median over periods of report − floor, in seconds."""
    return median([r["report"] - r["floor"] for r in floor["rows"]])


def results_text(info, periods, repeats, floor, commands, quick) -> str:
    n = len(periods)
    lines = [
        "## bench_reports — period reports: floor, parallel, peers",
        "",
        "Command: `.venv/bin/python benchmarks/bench_reports.py --record`"
        + (
            " (**--quick**: smoke run on one period of the small test register, not a measurement)"
            if quick
            else ""
        )
        + f". {n} periods ({', '.join(f'{p.plan} {p.period}' for p in periods)}); "
        f"{repeats} repeats, variants interleaved within each repeat; figures are medians "
        "(all repeats in brackets), wall-clock seconds. *Cores busy* is the machine's "
        "average number of busy cores during a run, every process counted (ours and any "
        "other work): a serial run alone keeps about one core busy."
        + (
            f" Each run first waited up to {QUIET_WAIT:.0f} s for other work to leave the "
            "machine idle (`--quiet-wait`)."
            if QUIET_WAIT
            else ""
        ),
        "",
        *machine_lines(info),
        "",
    ]
    if floor:
        verdict = "met" if floor["ratio"] <= TARGET_FLOOR else "**missed**"
        lines += [
            "### Floor: the period report against papermill + HTMLExporter on its imports alone",
            "",
            "| period | modules the floor imports | floor s | report s | report / floor "
            "| cores busy (floor, report) |",
            "|---|---:|---:|---:|---:|---:|",
            *(
                f"| {r['period']} | {r['modules']} | {r['floor']:.2f} ({_seconds(r['floor_all'])}) "
                f"| {r['report']:.2f} ({_seconds(r['report_all'])}) | {r['ratio']:.2f} "
                f"| {busy(r['floor_all']):.1f}, {busy(r['report_all']):.1f} |"
                for r in floor["rows"]
            ),
            "",
            f"All periods: report / floor = **{floor['ratio']:.2f}** (target ≤ {TARGET_FLOOR}: "
            f"{verdict}).",
            "",
            "Both sides start a kernel, import the same modules, run papermill and export "
            "with nbconvert; the difference is the report's own work, "
            f"{_own_work(floor):.2f} s a period here: reading and validating the curated "
            "tables, the statuses and metrics, three charts (about half of it; matplotlib "
            "draws each twice for the tight bounding box) and a larger page to export.",
            "",
        ]
    if commands:
        serial = commands["kerslake --jobs 1"]["median"]
        parallel = [(name, c) for name, c in commands.items() if name.startswith("kerslake")]
        if len(parallel) > 1:
            lines += [
                f"### Parallel: `kerslake report --all --jobs N` on {info['nproc']} cores",
                "",
                "| command | all periods s | per period s | ratio to --jobs 1 | cores busy |",
                "|---|---:|---:|---:|---:|",
            ]
            for name, c in parallel:
                lines.append(
                    f"| `{name}` | {c['median']:.1f} ({_seconds(c['all'])}) | "
                    f"{c['median'] / n:.2f} | {c['median'] / serial:.2f} | {c['busy']:.1f} |"
                )
            best_name, best = min(parallel[1:], key=lambda item: item[1]["median"])
            verdict = "met" if best["median"] / serial <= TARGET_PARALLEL else "**missed**"
            lines += [
                "",
                f"Best: `{best_name}` at **{best['median'] / serial:.2f}** × serial "
                f"(target ≤ {TARGET_PARALLEL}: {verdict}).",
                "",
                "Each report is a kernel plus the worker driving it. With `--jobs 2`, five "
                "reports take three rounds of two, the last with one core idle, and the "
                "workers start only once the worker server has imported papermill and "
                "nbconvert (about 3 s here, 2 s of it `jsonschema` compiling the "
                "`rfc3987-syntax` grammar that the JupyterLab extra installs, 0.8 s the "
                "`ploomber-engine` papermill plugin); a third worker on two cores fills "
                "those gaps.",
                "",
            ]
        peers = [
            name
            for name in commands
            if name in ("papermill CLI + nbconvert --no-input", "ploomber build")
        ]
        if peers:
            lines += [
                "### Peers: the same notebook, the way a user would otherwise run it",
                "",
                "| how | all periods s | per period s | ours (`kerslake report`) / theirs "
                "| cores busy |",
                "|---|---:|---:|---:|---:|",
                f"| `kerslake report` (ours, serial) | {serial:.1f} "
                f"({_seconds(commands['kerslake --jobs 1']['all'])}) | {serial / n:.2f} | 1.00 "
                f"| {commands['kerslake --jobs 1']['busy']:.1f} |",
            ]
            for name in peers:
                c = commands[name]
                lines.append(
                    f"| {name} | {c['median']:.1f} ({_seconds(c['all'])}) | {c['median'] / n:.2f} "
                    f"| **{serial / c['median']:.2f}** | {c['busy']:.1f} |"
                )
            lines += [
                "",
                "The papermill CLI and `jupyter nbconvert` start Python and import papermill "
                "or nbconvert twice per period; `kerslake report` and Ploomber do it once "
                "per run, so they differ by the work per report (ours also writes the "
                "executed notebook, the index and the manifest).",
                "",
            ]
    return "\n".join(lines).rstrip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", action="store_true", help="rewrite RESULTS.md's section")
    parser.add_argument("--quick", action="store_true", help="smoke run: few periods, 1 repeat")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only",
        default="floor,parallel,peers",
        help="comma-separated sections to run (floor, parallel, peers)",
    )
    parser.add_argument("--json", type=Path, help="also write the raw figures to this file")
    parser.add_argument(
        "--quiet-wait",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each run, wait up to SECONDS for the machine to be idle (shared machines)",
    )
    args = parser.parse_args()
    global QUIET_WAIT
    QUIET_WAIT = args.quiet_wait
    sections = set(args.only.split(","))
    unknown = sections - {"floor", "parallel", "peers"}
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    periods = embedded_report_periods()
    repeats = args.repeats
    if args.quick:
        repeats = 1
        periods = quick_periods()
    info = machine()
    print(f"bench_reports: {len(periods)} periods, {repeats} repeats; {info}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    try:
        floor_periods = periods[-1:] if args.quick else periods
        floor = bench_floor(floor_periods, repeats, work) if "floor" in sections else None
        commands = (
            bench_commands(periods, repeats, work, args.quick, sections)
            if sections & {"parallel", "peers"}
            else None
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = results_text(info, periods, repeats, floor, commands, args.quick)
    print()
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"floor": floor, "commands": commands}, indent=2))
    if args.record:
        record(SECTION, text)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
