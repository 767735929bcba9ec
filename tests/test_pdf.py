"""``kerslake report --pdf``: pages printed by headless Chromium, read back with pypdf.

Chromium must be installed (``.ci/run`` installs it): these tests fail, never skip,
without it.
"""

from __future__ import annotations

import json
import shutil
import unicodedata

import pytest
from pypdf import PdfReader

from kerslake_analysis.base.periods import ReportPeriod, period_label
from kerslake_analysis.report import pages
from kerslake_analysis.report.pdf import chromium_path, header_text, print_pdfs

PERIOD = ReportPeriod("ap-2015", "2015-12")


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    assert chromium_path().exists(), "Chromium not found: apt-get install chromium"
    root = tmp_path_factory.mktemp("pdf")
    result = pages.render_period(PERIOD, reports_root=root)
    assert result.ok, result.error
    overview = pages.render_overviews([PERIOD], reports_root=root)[0]
    results = print_pdfs([result.html_path, overview])
    assert all(r.ok for r in results), [r.error for r in results]
    return result.html_path, overview


def _texts(path):
    # NFKC undoes the font's ligatures ("ﬁ" -> "fi").
    pages_ = PdfReader(path).pages
    return [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in pages_]


def test_period_report_pdf_has_headline_header_and_footer_on_every_page(printed):
    html_path = printed[0]
    pdf = html_path.with_suffix(".pdf")
    figures = json.loads((html_path.parent / "figures.json").read_text(encoding="utf-8"))
    texts = _texts(pdf)
    assert len(texts) >= 1
    headline = " ".join(figures["headline_sentence"].split())
    assert headline[:60] in " ".join(texts)
    header = header_text(html_path)
    assert header == f"{figures['plan_title']} – {period_label('2015-12')}"
    for number, text in enumerate(texts, start=1):
        assert len(text) > 80, f"page {number} is (nearly) blank"
        assert header in text, f"page {number} has no header"
        assert f"Page {number} of {len(texts)}" in text, f"page {number} has no footer"


def test_overview_is_printed_too(printed):
    texts = _texts(printed[1].with_suffix(".pdf"))
    assert texts and all("Page" in t for t in texts)


def test_a_page_that_fails_to_print_keeps_its_html_and_earlier_pdf(printed, tmp_path):
    # A broken figures.json beside the page makes its header unreadable: that page fails,
    # its HTML and earlier PDF stay as they were, and the next page is still printed.
    bad = tmp_path / "bad" / "report.html"
    bad.parent.mkdir()
    shutil.copy(printed[0], bad)
    (bad.parent / "figures.json").write_text("{not json", encoding="utf-8")
    earlier = bad.with_suffix(".pdf")
    earlier.write_bytes(b"%PDF earlier good copy")
    good = tmp_path / "good" / "report.html"
    good.parent.mkdir()
    shutil.copy(printed[0], good)
    shutil.copy(printed[0].parent / "figures.json", good.parent / "figures.json")

    failed, printed_ok = print_pdfs([bad, good])

    assert not failed.ok and "JSONDecodeError" in failed.error
    assert bad.read_bytes() == printed[0].read_bytes()
    assert earlier.read_bytes() == b"%PDF earlier good copy"
    assert sorted(p.name for p in bad.parent.iterdir()) == [
        "figures.json",
        "report.html",
        "report.pdf",
    ]
    assert printed_ok.ok and len(PdfReader(good.with_suffix(".pdf")).pages) >= 1
