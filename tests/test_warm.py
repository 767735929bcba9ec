"""The warm renderer: no state of one period reaches another, and a dying child loses only its own.

Each period runs in a fresh child of one pre-imported server (``report.warm``). The
fixture notebook first shows the state it starts from — matplotlib's backend and
settings, the working directory, an environment variable, a module attribute, a module
import, numpy's global random state — and then changes all of it, as a careless
notebook might. Every period must start from the same state.
"""

from __future__ import annotations

import json
import os

import nbformat
import pytest

from kerslake_analysis.report import pages, warm
from kerslake_analysis.report.plan_data import embedded_report_periods

LEAKY = """\
import json, os, sys
import matplotlib
import numpy as np
import kerslake_analysis.base.paths as kpaths
seen = {
    "backend": matplotlib.get_backend(),
    "dpi": float(matplotlib.rcParams["figure.dpi"]),
    "style_colour": str(matplotlib.rcParams["axes.prop_cycle"]),
    "cwd": os.getcwd(),
    "env": os.environ.get("KERSLAKE_WARM_LEAK"),
    "module_attribute": getattr(kpaths, "_warm_leak", None),
    "imported": "tabnanny" in sys.modules,
    "numpy_draw": float(np.random.random()),
}
print("SEEN " + json.dumps(seen, sort_keys=True))
matplotlib.rcParams["figure.dpi"] = 17
matplotlib.rcParams["axes.prop_cycle"] = matplotlib.cycler(color=["#123456"])
os.environ["KERSLAKE_WARM_LEAK"] = period
kpaths._warm_leak = period
import tabnanny
np.random.seed(12345)
os.chdir("/")
"""


def _notebook(tmp_path, body: str):
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'plan: str = "cgip-2018"  # plan\nperiod: str = "2018-07"  # month'
    )
    params.metadata["tags"] = ["parameters"]
    params.id = "parameters"
    cell = nbformat.v4.new_code_cell(body)
    cell.id = "body"
    nb.cells = [params, cell]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "notebook.ipynb"
    nbformat.write(nb, path)
    return path


def _seen(result) -> dict:
    nb = nbformat.read(result.notebook_path, as_version=4)
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    return json.loads(text.split("SEEN ", 1)[1].splitlines()[0])


def test_no_state_of_one_period_reaches_the_next(tmp_path):
    notebook = _notebook(tmp_path, LEAKY)
    periods = embedded_report_periods()
    results = pages.render_reports(
        periods, reports_root=tmp_path / "out", notebook=notebook, progress=False, jobs=1
    )
    assert all(r.ok for r in results), [r.error for r in results]
    seen = [_seen(r) for r in results]
    assert all(s == seen[0] for s in seen), seen
    first = seen[0]
    assert first["backend"].endswith("inline")  # as in a kernel
    assert first["dpi"] != 17 and "#123456" not in first["style_colour"]
    assert first["cwd"] == str(notebook.parent)
    assert first["env"] is None and first["module_attribute"] is None
    assert first["imported"] is False
    assert os.environ.get("KERSLAKE_WARM_LEAK") is None, "nothing reached the caller either"


def test_a_child_that_exits_mid_run_fails_its_period_only(tmp_path):
    body = (
        "import os\n"
        "from IPython.display import HTML, display\n"
        "display(HTML(f'<p>report for {period}</p>'))\n"
        "if period == '2018-07':\n"
        "    os._exit(3)\n"
    )
    notebook = _notebook(tmp_path, body)
    periods = [p for p in embedded_report_periods() if p.plan == "cgip-2018"]
    root = tmp_path / "out"
    results = pages.render_reports(
        periods, reports_root=root, notebook=notebook, progress=False, jobs=2
    )
    assert [r.ok for r in results] == [False, True, True]
    assert "exited with status 3" in results[0].error
    assert not (root / "cgip-2018" / "2018-07" / "report.html").exists()
    for result, period in zip(results[1:], periods[1:], strict=True):
        assert f"report for {period.period}" in result.html_path.read_text(encoding="utf-8")


def test_a_cell_error_fails_its_period_with_the_notebook_kept(tmp_path, failing_notebook):
    periods = [p for p in embedded_report_periods() if p.plan == "cgip-2018"]
    results = pages.render_reports(
        periods, reports_root=tmp_path, notebook=failing_notebook, progress=False, jobs=1
    )
    assert [r.ok for r in results] == [True, False, True]
    assert "raised ValueError: the August register is broken" in results[1].error
    failed = nbformat.read(results[1].notebook_path, as_version=4)
    assert [c.id for c in failed.cells].count(pages.INJECTED_CELL_ID) == 1  # papermill's
    assert any(out.get("ename") == "ValueError" for out in failed.cells[-1].outputs)


def test_default_jobs_is_the_usable_cores():
    expected = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    assert warm.default_jobs() == (expected or os.cpu_count() or 1)


@pytest.mark.parametrize("value", [1, "text"])
def test_run_each_returns_values_and_reports_exceptions(value):
    found = {}
    warm.run_each([(str, (value,)), (int, ("x",))], 2, lambda i, o: found.__setitem__(i, o))
    assert found[0].ok and found[0].value == str(value)
    assert not found[1].ok and "ValueError" in found[1].error


def test_every_preloaded_module_exists():
    # multiprocessing's forkserver skips a preload name it cannot import without a word,
    # so a renamed module would quietly bring back the start-up cost: fail here instead.
    import importlib

    for name in warm.PRELOAD:
        importlib.import_module(name)
