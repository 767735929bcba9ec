"""Rendering period reports: papermill in process, nbconvert to a self-contained page."""

from __future__ import annotations

import re

import nbformat
import papermill
import pytest

from kerslake_analysis import cli
from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.report import notebook_run, pages

SEPT = ReportPeriod("cgip-2018", "2018-09")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The real September 2018 report rendered twice into two folders."""
    first = tmp_path_factory.mktemp("first")
    second = tmp_path_factory.mktemp("second")
    a = pages.render_period(SEPT, reports_root=first)
    b = pages.render_period(SEPT, reports_root=second)
    assert a.ok, a.error
    assert b.ok, b.error
    return a, b


def test_papermill_records_the_parameters_passed(tmp_path):
    out = tmp_path / "executed.ipynb"
    papermill.execute_notebook(
        str(paths.PERIOD_REPORT_NOTEBOOK),
        str(out),
        parameters={"plan": "cgip-2018", "period": "2018-07"},
        kernel_name=notebook_run.KERNEL_NAME,
        progress_bar=False,
    )
    nb = nbformat.read(out, as_version=4)
    assert nb.metadata.papermill.parameters == {"plan": "cgip-2018", "period": "2018-07"}


def test_page_has_no_code_prompts_tracebacks_scripts_or_external_urls(rendered):
    page = rendered[0].html_path.read_text(encoding="utf-8")
    assert "<script" not in page.lower()
    assert "Traceback" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "http://" not in page and "https://" not in page
    for code in ("import ", "show.show_", "section_counts(", "plots."):
        assert code not in page, f"source code leaked into the page: {code!r}"
    assert "In&nbsp;[" not in page and "Out[" not in page
    assert "<!DOCTYPE html>" in page and "<style>" in page


def test_page_images_are_inline_png_with_alt_text(rendered):
    page = rendered[0].html_path.read_text(encoding="utf-8")
    images = re.findall(r"<img[^>]*>", page)
    assert images
    for tag in images:
        assert 'src="data:image/png;base64,' in tag
        assert re.search(r'alt="[^"]{20,}"', tag), tag


def test_two_runs_give_byte_identical_html(rendered):
    a, b = rendered
    assert a.html_path.read_bytes() == b.html_path.read_bytes()


def test_injected_parameters_cell_gets_a_fixed_id(rendered):
    nb = nbformat.read(rendered[0].notebook_path, as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert [c.id for c in injected] == [pages.INJECTED_CELL_ID]


def test_failure_in_one_period_keeps_the_others_and_the_earlier_good_page(
    tmp_path, failing_notebook, capsys
):
    periods = [ReportPeriod("cgip-2018", m) for m in ("2018-07", "2018-08", "2018-09")]
    root = tmp_path / "reports"
    # An earlier good page for August, which the failing run must not touch.
    august_dir = paths.report_dir("cgip-2018", "2018-08", root=root)
    august_dir.mkdir(parents=True)
    (august_dir / "report.html").write_text("earlier good August page", encoding="utf-8")

    results = pages.render_reports(periods, reports_root=root, notebook=failing_notebook)

    assert [r.ok for r in results] == [True, False, True]
    assert (august_dir / "report.html").read_text(encoding="utf-8") == "earlier good August page"
    failed_nb = nbformat.read(august_dir / "report.failed.ipynb", as_version=4)
    assert any(
        o.get("ename") == "ValueError" for c in failed_nb.cells for o in c.get("outputs", [])
    )
    err = capsys.readouterr().err
    assert "cgip-2018 2018-08" in err and "cell 2" in err
    assert "ValueError: the August register is broken" in err
    for month in ("2018-07", "2018-09"):
        page = paths.report_dir("cgip-2018", month, root=root) / "report.html"
        assert f"report for {month}" in page.read_text(encoding="utf-8")
    assert not list(root.rglob("*.tmp")), "temporary files left behind"


def test_index_links_every_rendered_report(tmp_path, failing_notebook):
    periods = [ReportPeriod("cgip-2018", m) for m in ("2018-07", "2018-09")]
    pages.render_reports(periods, reports_root=tmp_path, notebook=failing_notebook, progress=False)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="cgip-2018/2018-07/report.html"' in index
    assert 'href="cgip-2018/2018-09/report.html"' in index


def test_cli_exits_non_zero_when_a_period_fails(tmp_path, failing_notebook, monkeypatch):
    monkeypatch.setattr(paths, "PERIOD_REPORT_NOTEBOOK", failing_notebook)
    status = cli.main(["report", "--all", "--out", str(tmp_path), "--quiet"])
    assert status == 1
    assert (tmp_path / "cgip-2018" / "2018-07" / "report.html").exists()
    assert (tmp_path / "cgip-2018" / "2018-09" / "report.html").exists()
    assert (tmp_path / "index.html").exists()


def test_cli_rejects_an_unknown_period(capsys):
    assert cli.main(["report", "--plan", "cgip-2018", "--period", "2019-01"]) == 2
    assert "known: ap-2015 2015-12, ap-2015 2016-03, cgip-2018 2018-07" in capsys.readouterr().err


def test_september_page_shows_aims_per_section_counted_from_the_document(rendered):
    # Hand count of the numbered rows of 001_3e6875fb2dbcaf44.txt (`grep -o '^| [0-9]\+\.[0-9]\+ '`):
    # section 1 has 1.1–1.10 (10); section 6 has 6.1–6.5 plus the unnumbered aim under 6.1 (6);
    # section 7 has 7.1–7.3 (3); 46 numbered rows + 1 unnumbered = 47 aims in all.
    page = rendered[0].html_path.read_text(encoding="utf-8")
    rows = dict(re.findall(r"<tr>\s*<td>(\d)</td>\s*<td>[^<]*</td>\s*<td>(\d+)</td>", page))
    assert rows["1"] == "10"
    assert rows["6"] == "6"
    assert rows["7"] == "3"
    assert sum(int(v) for v in rows.values()) == 47
