"""Reports rendered in child processes (``--jobs``) and on a dask cluster, and dying kernels.

The fixture notebook renders a one-line page per period, except that for August 2018
its second cell kills the process running it with SIGKILL (locally the fresh child of
the warm server, on dask the kernel): a report that dies mid-run, as one would when the
machine runs out of memory.
"""

from __future__ import annotations

import os
import re
import signal

import dask
import nbformat
import pytest
from distributed import Client, LocalCluster

from kerslake_analysis import cli
from kerslake_analysis.base import paths
from kerslake_analysis.report import pages
from kerslake_analysis.report.plan_data import embedded_report_periods

EARLIER_AUGUST = "earlier good August page"


@pytest.fixture
def dying_notebook(tmp_path):
    """A tiny report notebook whose kernel kills itself in period 2018-08 (after one cell)."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'plan: str = "cgip-2018"  # plan\nperiod: str = "2018-07"  # month'
    )
    params.metadata["tags"] = ["parameters"]
    params.id = "parameters"
    first = nbformat.v4.new_code_cell(
        "import os\n"
        "from IPython.display import HTML, display\n"
        "display(HTML(f'<p>report for {plan} {period}</p><p>kernel parent {os.getppid()}.</p>'\n"
        "             f'<p>process {os.getpid()}.</p>'))"
    )
    first.id = "first"
    killer = nbformat.v4.new_code_cell(
        "import signal\n"
        "if period == '2018-08':\n"
        f"    os.kill(os.getpid(), signal.SIGKILL)  # {signal.SIGKILL!r}\n"
        "display(HTML('<p>second cell ran</p>'))"
    )
    killer.id = "killer"
    nb.cells = [params, first, killer]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "dying_report.ipynb"
    nbformat.write(nb, path)
    return path


def _earlier_good_august(root):
    august = paths.report_dir("cgip-2018", "2018-08", root=root)
    august.mkdir(parents=True)
    (august / "report.html").write_text(EARLIER_AUGUST, encoding="utf-8")
    return august


def _assert_kernel_death_isolated(root, status, err):
    """Every other embedded period rendered, August kept its earlier page, exit status 1."""
    assert status == 1
    august = paths.report_dir("cgip-2018", "2018-08", root=root)
    assert (august / "report.html").read_text(encoding="utf-8") == EARLIER_AUGUST
    assert not (august / "report.ipynb").exists()
    failed = nbformat.read(august / "report.failed.ipynb", as_version=4)
    # The first cell ran before the kernel died; its output is kept for inspection.
    assert "report for cgip-2018 2018-08" in str(failed.cells[2].outputs)
    assert "cgip-2018 2018-08" in err and "kernel died" in err
    index = (root / "index.html").read_text(encoding="utf-8")
    for period in embedded_report_periods():
        rel = f"{period.plan}/{period.period}/report.html"
        page = root / rel
        if period.period == "2018-08":
            continue
        assert f"report for {period.plan} {period.period}" in page.read_text(encoding="utf-8")
        assert "second cell ran" in page.read_text(encoding="utf-8")
        assert f'href="{rel}"' in index
    # The earlier good August page is still listed: it is still the latest good report.
    assert 'href="cgip-2018/2018-08/report.html"' in index
    assert not list(root.rglob("*.tmp")), "temporary files left behind"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_kernel_killed_mid_run_fails_its_period_only(
    tmp_path, dying_notebook, monkeypatch, capsys, jobs
):
    monkeypatch.setattr(paths, "PERIOD_REPORT_NOTEBOOK", dying_notebook)
    root = tmp_path / "reports"
    _earlier_good_august(root)
    status = cli.main(["report", "--all", "--out", str(root), "--quiet", "--jobs", jobs])
    out, err = capsys.readouterr()
    _assert_kernel_death_isolated(root, status, err)
    assert "4 of 5 period reports rendered; 1 failed" in out


def _kernel_parents(results) -> set[int]:
    """The process that ran each rendered page's kernel (the fixture prints its parent pid)."""
    found = set()
    for result in results:
        if result.ok:
            page = result.html_path.read_text(encoding="utf-8")
            found.add(int(re.search(r"kernel parent (\d+)\.", page).group(1)))
    return found


def _processes(results) -> list[int]:
    """The process that ran each rendered page's cells."""
    return [
        int(re.search(r"process (\d+)\.", r.html_path.read_text(encoding="utf-8")).group(1))
        for r in results
        if r.ok
    ]


@pytest.mark.parametrize("jobs", [1, 3])
def test_each_period_runs_in_its_own_fresh_child_and_results_come_in_order(
    tmp_path, dying_notebook, jobs
):
    periods = embedded_report_periods()
    results = pages.render_reports(
        periods, reports_root=tmp_path, notebook=dying_notebook, progress=False, jobs=jobs
    )
    assert [r.label for r in results] == [f"{p.plan} {p.period}" for p in periods]
    assert [r.ok for r in results] == [True, True, True, False, True]
    assert "kernel died" in results[3].error and "SIGKILL" in results[3].error
    processes = _processes(results)
    assert len(set(processes)) == 4, "no process rendered two periods"
    assert os.getpid() not in processes
    parents = _kernel_parents(results)
    assert len(parents) == 1, "every child was forked from the one warm server"
    assert os.getpid() not in parents


@pytest.fixture(scope="module")
def cluster():
    """A two-worker dask.distributed cluster on this machine, one thread per worker."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as local:
        yield local


def test_dask_executor_renders_on_the_cluster_and_isolates_a_dead_kernel(
    tmp_path, dying_notebook, monkeypatch, capsys, cluster
):
    monkeypatch.setattr(paths, "PERIOD_REPORT_NOTEBOOK", dying_notebook)
    root = tmp_path / "reports"
    _earlier_good_august(root)
    status = cli.main(
        [
            "report",
            "--all",
            "--out",
            str(root),
            "--quiet",
            "--executor",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
        ]
    )
    out, err = capsys.readouterr()
    _assert_kernel_death_isolated(root, status, err)
    assert "4 of 5 period reports rendered; 1 failed" in out


def test_dask_workers_do_the_rendering(tmp_path, dying_notebook, cluster):
    periods = [p for p in embedded_report_periods() if p.plan == "ap-2015"]
    results = pages.render_reports(
        periods,
        reports_root=tmp_path,
        notebook=dying_notebook,
        progress=False,
        executor="dask",
        scheduler=cluster.scheduler_address,
    )
    assert all(r.ok for r in results)
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        workers = set(client.run(os.getpid).values())
    assert len(workers) == 2
    assert _kernel_parents(results) <= workers


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys):
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        status = cli.main(
            [
                "report",
                "--plan",
                "cgip-2018",
                "--period",
                "2018-09",
                "--out",
                str(tmp_path),
                "--quiet",
                "--executor",
                "dask",
                "--scheduler",
                "tcp://127.0.0.1:9",
            ]
        )
    assert status == 2
    assert "cannot reach the dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not list(tmp_path.iterdir()), "nothing is written when the cluster is unreachable"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--jobs", "0"], "must be 1 or more, not 0"),
        (["--jobs", "two"], "not a whole number: 'two'"),
        (["--executor", "dask"], "needs the scheduler's address (--scheduler)"),
        (["--executor", "dask", "--scheduler", "tcp://x:1", "--jobs", "2"], "--jobs is for"),
        (["--executor", "ray"], "invalid choice: 'ray'"),
    ],
)
def test_bad_parallel_options_exit_2_with_a_message(tmp_path, capsys, args, message):
    argv = ["report", "--plan", "cgip-2018", "--out", str(tmp_path), "--quiet", *args]
    try:
        status = cli.main(argv)
    except SystemExit as exit_:  # argparse rejects the value itself
        status = exit_.code
    assert status == 2
    assert message in capsys.readouterr().err
    assert not list(tmp_path.iterdir())
