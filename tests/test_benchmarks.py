"""Smoke test: each report benchmark (reports, make report, warm) runs end to end with ``--quick``.

The benchmarks themselves are not run by the tests (they take many minutes and their
figures belong in benchmarks/RESULTS.md); this only checks that the commands work and
produce every figure, on one period of the small test register, without touching
RESULTS.md.
"""

from __future__ import annotations

import json
import subprocess
import sys

from kerslake_analysis.base import paths

BENCHMARKS = paths.PROJ_ROOT / "benchmarks"


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(BENCHMARKS / script), "--quick", *args],
        cwd=paths.PROJ_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_quick_runs_of_the_report_benchmarks_give_every_figure_and_leave_results_alone(tmp_path):
    results = BENCHMARKS / "RESULTS.md"
    before = results.read_bytes() if results.exists() else None
    figures = tmp_path / "figures.json"
    warm_figures = tmp_path / "warm.json"
    # All at once: the smoke test checks that they work, not how fast.
    reports = _start("bench_reports.py", "--json", str(figures))
    memory = _start("bench_make_report.py")
    warm = _start("bench_warm.py", "--no-peers", "--json", str(warm_figures))
    reports_out, reports_err = reports.communicate(timeout=600)
    memory_out, memory_err = memory.communicate(timeout=600)

    assert reports.returncode == 0, reports_err[-3000:]
    raw = json.loads(figures.read_text())
    assert [row["period"] for row in raw["floor"]["rows"]] == ["small-council 2024-02"]
    assert raw["floor"]["ratio"] > 0
    assert set(raw["commands"]) == {
        "kerslake --jobs 1",
        "kerslake --jobs 2",
        "papermill CLI + nbconvert --no-input",
        "ploomber build",
    }
    for text in ("### Floor", "### Parallel", "### Peers", "report / floor", "× serial"):
        assert text in reports_out

    assert memory.returncode == 0, memory_err[-3000:]
    assert "| kerslake report (small register) |" in memory_out
    assert "| the same with --jobs 2 |" in memory_out
    assert "No process above 1 GiB: **met**." in memory_out

    warm_out, warm_err = warm.communicate(timeout=600)
    assert warm.returncode == 0, warm_err[-3000:]
    raw = json.loads(warm_figures.read_text())
    row = raw["periods"]["rows"][0]
    assert row["period"] == "small-council 2024-02"
    assert row["cold floor"] > 0 and row["warm"] > 0 and row["own work"] > 0
    assert set(raw["commands"]) == {"report + lineage + audit", "the same, --jobs 1"}
    for text in ("warm / cold floor", "peak PSS sum MiB", "target < 2 GiB"):
        assert text in warm_out

    assert (results.read_bytes() if results.exists() else None) == before
