"""Open rendered reports in headless Chromium (Debian's package, driven by Playwright).

Chromium must be installed (``.ci/run`` installs Debian's ``chromium``); this test never
skips. Set ``KERSLAKE_CHROMIUM`` to use another binary.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.report import pages

CHROMIUM = Path(os.environ.get("KERSLAKE_CHROMIUM", "/usr/bin/chromium"))
#: Flags for a closed network: no background connections, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SMALL = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"

REPORTS = {
    "small register with hostile text": ReportPeriod(
        "small-council", "2024-02", register=str(SMALL), mapping=str(SMALL / "mapping.toml")
    ),
    "2015 plan, December 2015": ReportPeriod("ap-2015", "2015-12"),
    "2018 plan, September 2018": ReportPeriod("cgip-2018", "2018-09"),
}
#: Rendered from the example data, when it is here (see tests/conftest.py).
GMPP = "GMPP example, March 2023"
PAGES = [*REPORTS, pytest.param(GMPP, marks=pytest.mark.example_data)]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    html_pages = {}
    for name, period in REPORTS.items():
        result = pages.render_period(period, reports_root=root)
        assert result.ok, result.error
        html_pages[name] = result.html_path
    return html_pages


@pytest.fixture(scope="module")
def gmpp_page(tmp_path_factory, gmpp_dir):
    period = ReportPeriod(
        "gmpp", "2023-03", register=str(gmpp_dir), mapping=str(paths.GMPP_MAPPING)
    )
    result = pages.render_period(period, reports_root=tmp_path_factory.mktemp("browser-gmpp"))
    assert result.ok, result.error
    return {GMPP: result.html_path}


def _rendered_page(request, name: str) -> Path:
    """The page of one report: the GMPP one only when its example data is here."""
    return request.getfixturevalue("gmpp_page" if name == GMPP else "rendered")[name]


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _open(browser, path: Path, width: int = 600):
    page = browser.new_page(viewport={"width": width, "height": 900})
    events = {"console_errors": [], "dialogs": [], "requests": []}
    page.on("console", lambda m: m.type == "error" and events["console_errors"].append(m.text))
    page.on("pageerror", lambda e: events["console_errors"].append(str(e)))
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, events


@pytest.mark.parametrize("name", PAGES)
def test_every_chart_loads_without_console_errors_or_requests(request, browser, name):
    path = _rendered_page(request, name)
    page, events = _open(browser, path)
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.alt])"
    )
    assert images, "the report shows no chart"
    for complete, width, alt in images:
        assert complete and width > 0
        assert len(alt) > 20
    assert events["console_errors"] == []
    # Only the page itself is fetched: images are inline, nothing is loaded from outside.
    assert [u for u in events["requests"] if not u.startswith("data:")] == [path.as_uri()]
    page.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_reads_at_600_pixels_without_sideways_scrolling(request, browser, name):
    page, _ = _open(browser, _rendered_page(request, name), width=600)
    assert page.evaluate("document.documentElement.scrollWidth") <= 600
    page.close()


def test_hostile_register_text_is_shown_as_text_and_runs_nothing(rendered, browser):
    page, events = _open(browser, rendered["small register with hostile text"])
    text = page.inner_text("body")
    assert "Agree the workforce plan <script>alert('x')</script>" in text
    assert "Review scrutiny committees <img src=x onerror=alert('y')>" in text
    assert events["dialogs"] == []
    assert page.evaluate("document.scripts.length") == 0
    page.close()
