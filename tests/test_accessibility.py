"""Accessibility of every kind of page: axe-core in headless Chromium, and the palette.

Every page kind is rendered once per session (an embedded period report, a register's
period report, the plan overview, the dashboard, the audit page, the lineage page and
the e-mail body written by the deliver code path) and axe-core (shipped with
``axe-playwright-python``; nothing is fetched) is injected *by this test only* and run
with the WCAG 2.0/2.1 A and AA and WCAG 2.2 AA rules: no page may have a violation.

Chromium must be installed (``.ci/run`` installs Debian's ``chromium``); the browser
tests fail, never skip, without it (as ``tests/test_browser.py``).

The status palette is checked under simulated colour-vision deficiency: the matrices
of Machado, Oliveira & Fernandes (2009), "A Physiologically-based Model for Simulation
of Color Vision Deficiency", IEEE TVCG 15(6):1291-1298, at severity 1.0, applied in
linear RGB.
"""

from __future__ import annotations

import datetime as dt
import email
import itertools
import re
from email import policy
from pathlib import Path

import axe_playwright_python
import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import sync_playwright

from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.deliver.message import build_message
from kerslake_analysis.deliver.panel import MailSettings, Recipient
from kerslake_analysis.measure.status import STATUS_COLOURS, STATUS_HATCHES, STATUS_ORDER
from kerslake_analysis.report import pages, plots
from kerslake_analysis.report.audit_page import render_audit
from kerslake_analysis.report.lineage_page import render_lineage
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, SMALL

AXE_JS = Path(axe_playwright_python.__file__).parent / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

EMBEDDED = ReportPeriod("ap-2015", "2015-12")
REGISTER = ReportPeriod(
    "small-council", "2024-02", register=str(SMALL), mapping=str(SMALL / "mapping.toml")
)
#: The register's earlier period too, so the overview and dashboard list several links
#: one under another (where WCAG 2.2's target-size rule bites).
REGISTER_EARLIER = ReportPeriod(
    "small-council", "2024-01", register=str(SMALL), mapping=str(SMALL / "mapping.toml")
)


def _email_body(report_dir: Path, out: Path) -> Path:
    """The HTML body of the period's e-mail, built by the deliver code, as a file."""
    settings = MailSettings(
        host="127.0.0.1",
        port=2525,
        security="none",
        from_address="reports@example.org",
        from_name="Improvement plan reports",
        message_id_domain="reports.example.org",
    )
    panel = [Recipient("Ann", "ann@example.org", "chair")]
    built = build_message(report_dir, panel, settings, date=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    out.write_text(parsed.get_body(("html",)).get_content(), encoding="utf-8")
    return out


@pytest.fixture(scope="session")
def page_files(tmp_path_factory) -> dict[str, Path]:
    """Every kind of page, rendered once: name -> HTML file."""
    root = tmp_path_factory.mktemp("a11y")
    files = {}
    for name, period in (
        ("embedded period report", EMBEDDED),
        ("register period report", REGISTER),
        ("earlier register period report", REGISTER_EARLIER),
    ):
        result = pages.render_period(period, reports_root=root)
        assert result.ok, result.error
        files[name] = result.html_path
    overviews = pages.render_overviews([EMBEDDED, REGISTER], reports_root=root)
    files["overview"] = overviews[0]
    files["register overview"] = overviews[1]
    files["dashboard"] = pages.render_index(root)
    audit = render_audit(root / "audit")
    assert audit.ok, audit.error
    files["audit"] = audit.html_path
    lineage = render_lineage(root / "lineage")
    assert lineage.ok, lineage.error
    files["lineage"] = lineage.html_path
    files["e-mail body"] = _email_body(files["embedded period report"].parent, root / "email.html")
    return files


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), f"Chromium not found at {CHROMIUM}: apt-get install chromium"
    with sync_playwright() as play:
        chromium = play.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def axe_violations(browser, path: Path) -> list[dict]:
    """Run axe-core on a page file: ``[{id, impact, help, nodes: [target, ...]}, ...]``."""
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.add_script_tag(content=AXE_JS.read_text(encoding="utf-8"))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS
        )
    finally:
        page.close()
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]


PAGE_KINDS = [
    "embedded period report",
    "register period report",
    "overview",
    "register overview",
    "dashboard",
    "audit",
    "lineage",
    "e-mail body",
]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_has_no_axe_violations(page_files, browser, kind):
    assert axe_violations(browser, page_files[kind]) == []


def test_axe_catches_a_violation_injected_into_a_copy(page_files, browser, tmp_path):
    # The machinery is live: an image without alt text and an unlabelled table cell
    # header injected into a copy of a real page are reported.
    copy = tmp_path / "bad.html"
    text = page_files["embedded period report"].read_text(encoding="utf-8")
    copy.write_text(
        text.replace("<body>", '<body><img src="data:image/png;base64,AA==">', 1),
        encoding="utf-8",
    )
    assert "image-alt" in {v["id"] for v in axe_violations(browser, copy)}


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_tables_have_captions_and_header_cells(page_files, kind):
    text = page_files[kind].read_text(encoding="utf-8")
    tables = re.findall(r"<table\b.*?</table>", text, flags=re.S | re.I)
    for table in tables:
        assert re.search(r"<caption\b", table, re.I), table[:300]
        assert re.search(r"<th\b", table, re.I), table[:300]


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_reading_order_does_not_depend_on_css(page_files, kind):
    text = page_files[kind].read_text(encoding="utf-8")
    # No CSS reordering or absolute placement of content.
    assert not re.search(r"(?<![-\w])order\s*:", text)
    assert not re.search(r"position\s*:\s*(absolute|fixed)", text)
    # Headings never skip a level going down the DOM (h1, then h2, ...).
    levels = [int(n) for n in re.findall(r"<h([1-6])\b", text, flags=re.I)]
    assert levels and levels[0] <= 2
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, (before, after)


# -- the status palette under colour-vision deficiency ---------------------------------

#: Machado, Oliveira & Fernandes (2009), severity 1.0 (their Table 1, last rows).
MACHADO_2009 = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
    "tritanopia": np.array(
        [
            [1.255528, -0.076749, -0.178779],
            [-0.078411, 0.930809, 0.147602],
            [0.004733, 0.691367, 0.303900],
        ]
    ),
}
#: Least CIE76 ΔE between any two status colours, with and without simulated
#: deficiency. ΔE 2.3 is a just-noticeable difference side by side (Sharma 2003); a chart
#: key is read across a page, not side by side, so we ask for about five times that:
#: ΔE ≥ 10, the level at which colours are commonly taken as clearly different at a
#: glance (Stone, Albers Szafir & Setlur 2014 report about 10 for marks the size of bars).
MIN_DELTA_E = 10.0


def _linear(hex_colour: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    rgb = np.clip(linear_rgb, 0, 1)
    xyz = (
        np.array(
            [
                [0.4124564, 0.3575761, 0.1804375],
                [0.2126729, 0.7151522, 0.0721750],
                [0.0193339, 0.1191920, 0.9503041],
            ]
        )
        @ rgb
    )
    xyz = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _closest_pair(matrix: np.ndarray | None) -> tuple[float, str, str]:
    labs = {
        name: _lab(_linear(colour) if matrix is None else matrix @ _linear(colour))
        for name, colour in STATUS_COLOURS.items()
    }
    return min(
        (float(np.linalg.norm(labs[a] - labs[b])), a, b) for a, b in itertools.combinations(labs, 2)
    )


def test_delta_e_helpers_agree_with_known_values():
    assert np.allclose(_lab(_linear("#ffffff")), [100, 0, 0], atol=0.01)
    assert np.allclose(_lab(_linear("#ff0000")), [53.24, 80.09, 67.20], atol=0.05)
    # A protanope sees pure red and a dark olive much alike: the simulation works.
    red = _lab(MACHADO_2009["protanopia"] @ _linear("#ff0000"))
    assert abs(red[1]) < abs(_lab(_linear("#ff0000"))[1]) / 2


@pytest.mark.parametrize("vision", [None, *MACHADO_2009])
def test_status_colours_stay_apart_under_colour_blindness(vision):
    delta, a, b = _closest_pair(None if vision is None else MACHADO_2009[vision])
    assert delta >= MIN_DELTA_E, f"{vision}: {a} and {b} only ΔE {delta:.1f} apart"


def test_a_too_close_palette_is_caught(monkeypatch):
    # A red and an olive ΔE 71 apart to normal vision merge for a deuteranope (ΔE 2.8):
    # the check must say so.
    monkeypatch.setitem(globals(), "STATUS_COLOURS", {"red": "#e0301e", "olive": "#8c7d00"})
    assert _closest_pair(None)[0] > MIN_DELTA_E
    assert _closest_pair(MACHADO_2009["deuteranopia"])[0] < MIN_DELTA_E


def test_status_chart_carries_each_status_by_pattern_as_well_as_colour():
    # Every status in the chart: each legend entry has its own hatch pattern, so a reader
    # who cannot tell the colours apart can still match bars to the key.
    frame = pd.DataFrame(
        {
            "theme": ["Finance"] * len(STATUS_ORDER),
            "status": pd.Categorical(STATUS_ORDER, categories=STATUS_ORDER, ordered=True),
            "n": [1] * len(STATUS_ORDER),
        }
    )
    legend = plots.status_by_theme_chart(frame).axes[0].get_legend()
    hatches = {
        t.get_text(): h.get_hatch() or ""
        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
    }
    assert set(hatches) == set(STATUS_ORDER)
    assert len(set(hatches.values())) == len(STATUS_ORDER), hatches
    assert set(STATUS_HATCHES) == set(STATUS_COLOURS)
