"""Screenshot the reports' dashboard and one plan overview for the README (docs/img/*.png).

Usage (after ``make report``)::

    .venv/bin/python tools/screenshot_pages.py [REPORTS] [--out docs/img] [--plan ap-2015]

Opens ``REPORTS/index.html`` and ``REPORTS/<plan>/index.html`` in headless Chromium
(playwright, the Chromium ``kerslake report --pdf`` uses unless ``--chromium`` says otherwise)
at 1200 px wide, nothing fetched from the network, and writes ``dashboard.png`` and
``overview.png``: the top of each page, at most ``--height`` pixels tall, as 8-bit
palette PNGs (optimised with Pillow) so that they stay small in the repository.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

from kerslake_analysis.report.pdf import CHROMIUM_ARGS, chromium_path


def _optimised(png: bytes) -> bytes:
    """The screenshot as a 256-colour palette PNG, optimised."""
    with Image.open(io.BytesIO(png)) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
        out = io.BytesIO()
        small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def screenshot(pages: dict[str, Path], out: Path, chromium: str, width: int, height: int) -> None:
    """Write one PNG per page: ``out/<name>.png``.

    Parameters
    ----------
    pages : dict of str to pathlib.Path
        File name stem → the HTML page to open.
    out : pathlib.Path
        Folder for the PNGs (created if missing).
    chromium : str
        The Chromium executable.
    width, height : int
        Viewport width and the most pixels of the page kept, from its top.
    """
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as play:
        browser = play.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            for name, path in pages.items():
                page.goto(path.resolve().as_uri())
                png = page.screenshot(full_page=False)
                target = out / f"{name}.png"
                target.write_bytes(_optimised(png))
                print(f"wrote {target} ({target.stat().st_size // 1024} KB)")
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    """Run the command line; see the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", nargs="?", type=Path, default=Path("reports"))
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--plan", default="ap-2015", help="the plan whose overview is shown")
    parser.add_argument("--chromium", default=str(chromium_path()))
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=1400)
    args = parser.parse_args(argv)
    pages = {
        "dashboard": args.reports / "index.html",
        "overview": args.reports / args.plan / "index.html",
    }
    missing = [str(p) for p in pages.values() if not p.is_file()]
    if missing:
        parser.error(f"not rendered yet: {', '.join(missing)} (run make report first)")
    screenshot(pages, args.out, args.chromium, args.width, args.height)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
