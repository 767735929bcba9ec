"""Print written HTML pages to PDF with headless Chromium (``kerslake report --pdf``).

A post-step over the HTML files a run wrote: each ``<name>.html`` gets ``<name>.pdf``
beside it, on A4, with the plan and period in the header and "Page n of m" in the
footer (Chromium's ``pageNumber`` and ``totalPages``). The page's print CSS
(``templates/report.css``) keeps charts and table rows unsplit. Each PDF is written
atomically: a page that fails to print is reported and leaves its HTML and any earlier
PDF untouched.

Needs the ``playwright`` Python package (the ``pdf`` extra) and a Chromium binary
(``/usr/bin/chromium`` or ``KERSLAKE_CHROMIUM``); no browser is downloaded.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kerslake_analysis.base import paths
from kerslake_analysis.base.files import atomic_write
from kerslake_analysis.base.periods import period_label

#: Chromium flags for a closed network (as ``tests/test_browser.py``).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
_SMALL = "font-size:9px;font-family:Arial,Helvetica,sans-serif;width:100%;margin:0 12mm;"


@dataclass(frozen=True)
class PdfResult:
    """The outcome of printing one page.

    Attributes
    ----------
    html_path : pathlib.Path
        The page printed.
    pdf_path : pathlib.Path
        The PDF beside it (written only when ``ok``).
    ok : bool
        Whether the PDF was written.
    error : str
        Why not ("" when ``ok``).
    """

    html_path: Path
    pdf_path: Path
    ok: bool
    error: str = ""


def chromium_path() -> Path:
    """The Chromium binary: ``KERSLAKE_CHROMIUM`` or ``/usr/bin/chromium``.

    Returns
    -------
    pathlib.Path
    """
    return Path(os.environ.get("KERSLAKE_CHROMIUM", "/usr/bin/chromium"))


def header_text(html_path: Path) -> str:
    """The header line of a page's PDF: plan title and period, from ``figures.json``.

    Parameters
    ----------
    html_path : pathlib.Path
        The page; a period report has ``figures.json`` beside it.

    Returns
    -------
    str
        "<plan title> – <period>" for a period report, else the file's folder name.
    """
    figures = html_path.parent / paths.FIGURES_FILE
    if html_path.name == "report.html" and figures.is_file():
        data = json.loads(figures.read_text(encoding="utf-8"))
        plan = data.get("plan_title") or data.get("plan", "")
        return f"{plan} – {period_label(data.get('period', ''))}"
    return f"{html_path.parent.name} – {html_path.stem}"


def print_pdfs(html_paths: Iterable[Path]) -> list[PdfResult]:
    """Print each page to a PDF beside it (A4, header and page-numbered footer).

    Parameters
    ----------
    html_paths : iterable of pathlib.Path
        HTML pages written by this run.

    Returns
    -------
    list of PdfResult
        One per page, in order; a failure is reported here, never raised.
    """
    paths = [Path(p) for p in html_paths]
    chromium = chromium_path()
    if not chromium.exists():
        error = f"Chromium not found at {chromium} (apt-get install chromium)"
        return [PdfResult(p, p.with_suffix(".pdf"), False, error) for p in paths]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        error = "printing needs playwright: pip install 'kerslake-analysis[pdf]'"
        return [PdfResult(p, p.with_suffix(".pdf"), False, error) for p in paths]
    results = []
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            for path in paths:
                results.append(_print_one(browser, path))
        finally:
            browser.close()
    return results


def _print_one(browser, path: Path) -> PdfResult:
    target = path.with_suffix(".pdf")
    try:
        page = browser.new_page()
        try:
            page.goto(path.resolve().as_uri())
            page.wait_for_load_state("load")
            data = page.pdf(
                format="A4",
                print_background=True,
                display_header_footer=True,
                header_template=f'<div style="{_SMALL}">{html.escape(header_text(path))}</div>',
                footer_template=f'<div style="{_SMALL}text-align:right;">Page '
                '<span class="pageNumber"></span> of <span class="totalPages"></span></div>',
                margin={"top": "18mm", "bottom": "18mm", "left": "12mm", "right": "12mm"},
            )
        finally:
            page.close()
        atomic_write(target, data)
    except Exception as exc:  # noqa: BLE001 - one page's failure is reported, not raised
        return PdfResult(path, target, False, f"{type(exc).__name__}: {exc}")
    return PdfResult(path, target, True)
