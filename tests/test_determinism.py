"""Two full renders give byte-identical pages, figures and charts.

All embedded periods and a council's register are rendered twice into two folders: once
one report after another in this process, once with ``--jobs 2`` in worker processes.
Every page (``report.html``, each plan's overview ``<plan>/index.html``, ``index.html``), every ``figures.json``, every chart and
the run's ``manifest.json`` must be byte-for-byte the same. (The executed ``report.ipynb`` records when each cell
ran, so it differs by design; the git commit shown in the footer is the same within one
test run.)

Both renders use the warm renderer (each period in a fresh child of one pre-imported
server, after the periods before it). The last period is also rendered alone, the old
way, in a fresh kernel of its own: its page and ``figures.json`` must be byte-identical
to the warm ones rendered after every other period.
"""

from __future__ import annotations

import pytest

from kerslake_analysis import cli
from kerslake_analysis.base import paths
from kerslake_analysis.report import pages
from kerslake_analysis.report.plan_data import embedded_report_periods

SMALL = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"
COMPARED = (
    "*/*/report.html",
    "*/*/figures.json",
    "*/*/*.png",
    "*/index.html",
    "index.html",
    "manifest.json",
)


def _render_everything(root, jobs: str) -> None:
    common = ["--out", str(root), "--quiet", "--jobs", jobs]
    assert cli.main(["report", "--all", *common]) == 0
    register = ["--register", str(SMALL), "--mapping", str(SMALL / "mapping.toml")]
    assert cli.main(["report", *register, *common]) == 0


@pytest.fixture(scope="module")
def two_renders(tmp_path_factory):
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    _render_everything(first, "1")
    _render_everything(second, "2")
    return first, second


def _files(root) -> dict[str, bytes]:
    return {
        str(path.relative_to(root)): path.read_bytes()
        for pattern in COMPARED
        for path in sorted(root.glob(pattern))
    }


def test_every_report_of_both_renders_was_written(two_renders):
    for root in two_renders:
        pages = sorted(str(p.relative_to(root)) for p in root.glob("*/*/report.html"))
        expected = [f"{p.plan}/{p.period}/report.html" for p in embedded_report_periods()]
        expected += ["small-council/2024-01/report.html", "small-council/2024-02/report.html"]
        assert pages == sorted(expected)
        assert len(list(root.glob("*/*/figures.json"))) == len(expected)
        assert len(list(root.glob("*/*/*.png"))) >= len(expected)


def test_two_full_renders_are_byte_identical(two_renders):
    first, second = (_files(root) for root in two_renders)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_a_period_rendered_warm_after_the_others_is_byte_identical_to_it_alone_in_a_kernel(
    two_renders, tmp_path
):
    last = embedded_report_periods()[-1]
    alone = pages.execute_period(last, paths.PERIOD_REPORT_NOTEBOOK)  # a fresh kernel
    assert alone.ok, alone.error
    folder = paths.report_dir(last.plan, last.period, two_renders[0])
    for name in ("report.html", "figures.json"):
        assert alone.files[name] == (folder / name).read_bytes(), name
