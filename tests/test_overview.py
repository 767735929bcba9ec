"""Plan overviews (<plan>/index.html), the milestone trend and the dashboard index.

The embedded plans' overviews and the dashboard are checked in ``test_cli_pages.py``
(which renders every embedded period once); here: the milestone trend on a small made
register whose moves are computed by hand, that register's overview and index, a failed
period shown as failed, and the GMPP example.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kerslake_analysis import cli
from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.register import load_register
from kerslake_analysis.measure.milestone_trend import milestone_moves, milestone_trend
from kerslake_analysis.report import overview, pages

HEADER = ["Ref", "Action", "Lead", "Start", "Due", "Status"]
MAPPING = """
name = "moving-council"
title = "Moving council tracker"

[files]
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Action"
owner = "Lead"
due_start = "Start"
due_end = "Due"
status = "Status"

[status.values]
"On track" = "In progress"
"""
#: Each item's due date at the January, February and March 2024 snapshots.
DUES = {
    "A1": ("31/03/2024", "30/04/2024", "30/06/2024"),  # slips twice: +30, +61 days
    "B2": ("31/05/2024", "31/05/2024", "30/04/2024"),  # brought forward once: -31 days
    "C3": ("29/02/2024", "31/07/2024", "29/02/2024"),  # out +153 days and back -153
    "D4": ("30/09/2024", "30/09/2024", "30/09/2024"),  # never moves
}


def make_moving_register(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "register"
    folder.mkdir()
    for index, month in enumerate(("2024-01", "2024-02", "2024-03")):
        with (folder / f"tracker_{month}.csv").open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADER)
            for ref, dues in DUES.items():
                writer.writerow(
                    [ref, f"Action {ref}", "Lead", "01/01/2024", dues[index], "On track"]
                )
    mapping = tmp_path / "MAP.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return folder, mapping


def test_milestone_moves_are_the_hand_computed_ones(tmp_path):
    folder, mapping = make_moving_register(tmp_path)
    register = load_register(folder, mapping)
    moves = milestone_moves(milestone_trend(register.observations)).set_index("commitment_id")
    # A1: 31 Mar -> 30 Apr (+30) -> 30 Jun (+61): net +91 days, 91 / 30.44 = 3.0 months.
    # B2: 31 May -> 31 May -> 30 Apr: net -31, one move.
    # C3: 29 Feb -> 31 Jul (+153: Mar 31 + Apr 30 + May 31 + Jun 30 + Jul 31) -> 29 Feb.
    expected = {
        "C3": (0, 0.0, 306, 2),
        "A1": (91, 3.0, 91, 2),
        "B2": (-31, -1.0, 31, 1),
        "D4": (0, 0.0, 0, 0),
    }
    assert list(moves.index) == ["C3", "A1", "B2", "D4"]  # largest total move first
    for ref, (net, months, total, times) in expected.items():
        row = moves.loc[ref]
        assert (row["move_days"], row["move_months"], row["total_move_days"]) == (
            net,
            months,
            total,
        )
        assert row["times_moved"] == times
        assert row["snapshots"] == 3
    assert moves.loc["A1", "first_due"] == pd.Timestamp("2024-03-31")
    assert moves.loc["A1", "latest_due"] == pd.Timestamp("2024-06-30")


@pytest.fixture(scope="module")
def moving_reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("moving")
    folder, mapping = make_moving_register(tmp)
    out = tmp / "reports"
    status = cli.main(
        ["report", "--register", str(folder), "--mapping", str(mapping), "--out", str(out)]
        + ["--quiet"]
    )
    assert status == 0
    return out


def _table(soup: BeautifulSoup, caption_start: str):
    for table in soup.find_all("table"):
        if table.caption and table.caption.get_text().startswith(caption_start):
            return table
    raise AssertionError(f"no table captioned {caption_start!r}")


def _rows(table) -> dict[str, list[str]]:
    rows = {}
    for tr in table.tbody.find_all("tr"):
        head = tr.find("th")
        rows[head.get_text(" ", strip=True)] = [
            td.get_text(" ", strip=True) for td in tr.find_all("td")
        ]
    return rows


def test_register_overview_has_the_milestone_trend_with_the_hand_computed_moves(moving_reports):
    page = (moving_reports / "moving-council" / "index.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(page, "html.parser")
    assert soup.html["lang"] == "en-GB" and len(soup.find_all("h1")) == 1
    text = soup.get_text(" ", strip=True)
    assert "A flat line is a due date that held" in text and "rises" in text
    # 4 items in two or more snapshots; 3 moved: A1 later, B2 earlier, C3 back.
    assert (
        "4 commitments were reported with a due date in two or more snapshots; the due date "
        "of 3 of them moved at least once: 1 ended later than first reported, 1 earlier, and "
        "1 came back to the date first given" in text
    )
    table = _table(soup, "The 3 commitments whose due dates moved most")
    assert [th.get("scope") for th in table.thead.find_all("th")] == ["col"] * 8
    rows = _rows(table)
    assert list(rows) == ["C3", "A1", "B2"]
    assert rows["A1"] == [
        "3",
        "31 Mar 2024 (31 Jan 2024)",
        "30 Jun 2024 (31 Mar 2024)",
        "+91",
        "+3.0",
        "91",
        "2",
    ]
    assert rows["B2"][3:] == ["-31", "-1.0", "31", "1"]
    assert rows["C3"][3:] == ["+0", "+0.0", "306", "2"]
    chart = soup.find("img", alt=re.compile("^Milestone trend chart"))
    assert chart["src"].startswith("data:image/png;base64,")
    assert "A1 from 31 Mar 2024 to 30 Jun 2024" in chart["alt"]


def test_register_overview_figures_equal_each_period_figures_json(moving_reports):
    plan_dir = moving_reports / "moving-council"
    soup = BeautifulSoup((plan_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    rows = _rows(_table(soup, "Headline figures of Moving council tracker"))
    for month, label in (("2024-01", "January 2024"), ("2024-02", "February 2024")):
        figures = json.loads((plan_dir / month / "figures.json").read_text(encoding="utf-8"))
        # Four items, every one with evidence (a tracker reports each every month).
        assert figures["headline"]["commitments"] == 4
        assert rows[label][0] == "4" and rows[label][1] == "4" and rows[label][2] == "100.0%"
        assert rows[label][3] == str(figures["headline"]["complete"])
        assert rows[label][4] == str(figures["headline"]["behind_schedule"])
    # Every link of the overview and the index resolves to a file.
    for page in (plan_dir / "index.html", moving_reports / "index.html"):
        _assert_self_contained(page)


def _assert_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    soup = BeautifulSoup(text, "html.parser")
    assert not soup.find("script") and "<script" not in text.lower()
    for img in soup.find_all("img"):
        assert img["src"].startswith("data:image/png;base64,") and img["alt"]
    for link in soup.find_all("a"):
        href = link["href"]
        assert not re.match(r"[a-z]+:", href), href  # nothing fetched, nothing external
        assert (page.parent / href).is_file(), href
    for element in soup.find_all(src=True):
        assert element["src"].startswith("data:"), element
    assert not soup.find("link")


def test_index_of_a_register_is_a_dashboard(moving_reports):
    soup = BeautifulSoup((moving_reports / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.find("a", href="moving-council/index.html")
    rows = _rows(_table(soup, "Latest figures of Moving council tracker (March 2024)"))
    figures = json.loads(
        (moving_reports / "moving-council" / "2024-03" / "figures.json").read_text("utf-8")
    )
    assert rows["Commitments"] == ["4"]
    assert rows["Complete"] == [str(figures["headline"]["complete"])]
    assert soup.find("img", alt=re.compile("^Line chart of Moving council tracker"))


def test_a_failed_period_is_shown_as_failed_not_dropped(tmp_path, failing_notebook):
    periods = [ReportPeriod("cgip-2018", m) for m in ("2018-07", "2018-08", "2018-09")]
    results = pages.render_reports(
        periods, reports_root=tmp_path, notebook=failing_notebook, progress=False
    )
    assert [r.ok for r in results] == [True, False, True]
    soup = BeautifulSoup(
        (tmp_path / "cgip-2018" / overview.OVERVIEW_FILE).read_text(encoding="utf-8"),
        "html.parser",
    )
    items = [li.get_text(" ", strip=True) for li in soup.find_all("li")]
    assert any(item.startswith("August 2018: failed") for item in items), items
    rows = _rows(_table(soup, "Headline figures of"))
    assert set(rows["August 2018"]) == {"failed"}
    # The fixture notebook writes no figures.json: said so, not shown as figures.
    assert set(rows["July 2018"]) == {"no figures.json"}
    index = BeautifulSoup((tmp_path / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert "August 2018: failed" in index.get_text(" ", strip=True)
    _assert_self_contained(tmp_path / "index.html")


def test_an_overview_not_written_by_the_tool_is_refused_before_rendering(tmp_path):
    (tmp_path / "cgip-2018").mkdir()
    (tmp_path / "cgip-2018" / "index.html").write_text("<p>my own notes</p>", encoding="utf-8")
    with pytest.raises(pages.ReportError, match="cgip-2018/index.html there was not written"):
        pages.render_reports([ReportPeriod("cgip-2018", "2018-07")], reports_root=tmp_path)
    assert (tmp_path / "cgip-2018" / "index.html").read_text() == "<p>my own notes</p>"


def test_gmpp_overview_has_the_milestone_trend(gmpp_dir, tmp_path):
    mapping = paths.PROJ_ROOT / "examples" / "gmpp" / "mapping.toml"
    args = ["report", "--register", str(gmpp_dir), "--mapping", str(mapping)]
    assert cli.main(args + ["--period", "2023-03", "--out", str(tmp_path), "--quiet"]) == 0
    page = tmp_path / "gmpp" / "index.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    figures = json.loads((tmp_path / "gmpp" / "2023-03" / "figures.json").read_text("utf-8"))
    rows = _rows(_table(soup, "Headline figures of"))
    assert rows["March 2023"][0] == str(figures["headline"]["commitments"])
    table = _table(soup, "The 20 commitments whose due dates moved most")
    for cells in _rows(table).values():
        first = pd.Timestamp(cells[1].split(" (")[0])
        latest = pd.Timestamp(cells[2].split(" (")[0])
        assert int(cells[3]) == (latest - first).days  # the move is latest - first
        assert int(cells[5]) >= abs(int(cells[3]))  # the total of every move bounds the net
    assert soup.find("img", alt=re.compile("^Milestone trend chart"))
    _assert_self_contained(page)


def test_overview_escapes_what_figures_json_says(tmp_path):
    period = tmp_path / "hostile" / "2024-01"
    period.mkdir(parents=True)
    (period / "report.html").write_text("<p>page</p>", encoding="utf-8")
    headline = dict.fromkeys(
        ["commitments", "with_evidence", "complete", "behind_schedule", "due", "past_due"], 1
    )
    headline.update(
        evidence_coverage=1.0,
        slippage_rate=None,
        schedule_variance_months=None,
        schedule_basis_commitments=0,
    )
    figures = {
        "figures_version": 3,
        "plan_title": '<script>alert("x")</script>',
        "headline_sentence": '<img src="https://example.org/x.png">',
        "headline": headline,
        "previous": None,
        "previous_period": None,
        "published": None,
    }
    (period / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    page = overview.overview_page(tmp_path / "hostile")
    assert "<script" not in page and '<img src="https:' not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    rows = _rows(_table(BeautifulSoup(page, "html.parser"), "Headline figures of"))
    assert rows["January 2024"][5:] == ["not computable", "not computable"]
