"""What the period report shows, checked against hand calculations and the documents."""

from __future__ import annotations

import json
import re

import pytest

from kerslake_analysis import paths, report
from kerslake_analysis import report_content as content
from kerslake_analysis.periods import ReportPeriod

SMALL = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"
SMALL_MAP = SMALL / "mapping.toml"


@pytest.fixture(scope="module")
def small():
    return content.load_plan("", str(SMALL), str(SMALL_MAP))


def test_small_register_headline_worked_by_hand(small):
    # tracker_2024-02.csv, as of 29 Feb 2024:
    #   A due 15 Jan, Done in Jan            -> Complete
    #   B due 31 Jan, Under way in Feb       -> In progress – completion slipped (29 Feb > 31 Jan)
    #   C due 31 Mar, Not begun              -> Not due to have started
    #   D due 29 Feb, Done in Feb            -> Complete (on its due date)
    # due = A, B, D (due_end <= 29 Feb) = 3; behind = B = 1; slippage rate 1/3;
    # behind share 1/4; baseline execution index = complete and due (A, D) / due = 2/3.
    # Earned schedule: planned cumulative due is 2 by end Jan (A, B), 3 by end Feb (+D);
    # 2 dated completions -> ES = 1 month (end Jan); AT = 2 months (Jan, Feb) from the
    # plan's start on 1 Jan 2024 -> SV = 1 - 2 = -1 month, SPI = 1/2.
    view = content.period_view(small, "2024-02")
    h = content.headline(view)["now"]
    assert (h["commitments"], h["complete"], h["due"], h["behind_schedule"]) == (4, 2, 3, 1)
    assert h["slippage_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert h["behind_share"] == pytest.approx(0.25)
    assert h["baseline_execution_index"] == pytest.approx(2 / 3, abs=1e-6)
    assert h["schedule_variance_months"] == pytest.approx(-1.0)
    assert h["schedule_performance_index"] == pytest.approx(0.5)


def test_small_register_changes_since_january(small):
    # January (31 Jan): A complete; B in progress and due that day (not slipped);
    # C not due; D in progress (due 29 Feb). February: D done, B slipped.
    view = content.period_view(small, "2024-02")
    before = content.headline(view)["previous"]
    assert (before["complete"], before["behind_schedule"]) == (1, 0)
    changes = content.changes_since_previous(view)
    assert changes["newly_complete"]["ID"].tolist() == ["D"]
    assert changes["newly_slipped"]["ID"].tolist() == ["B"]
    assert "complete +1, behind schedule +1" in content.headline_sentence(view)


def test_overdue_list_names_days_overdue_and_latest_evidence_with_source(small):
    view = content.period_view(small, "2024-02")
    overdue = content.overdue_list(view)
    assert overdue["ID"].tolist() == ["B"]
    assert overdue["Days overdue"].tolist() == [29]  # 29 Feb 2024 - 31 Jan 2024
    evidence = overdue["Latest evidence [source]"].item()
    assert evidence.startswith("Consultation extended <b>to March</b>")
    assert "tracker_2024-02.csv line 3" in evidence  # B is the second record: row 3


def test_published_figures_of_december_2015_beside_recomputed():
    # 000_e235c92a6776d4ac.txt line 147: "Of the 134 actions in the Improvement Plan,
    # 82 are complete, 17 are progressing to the original timescales ... 11 which aren't
    # due to have started yet"; line 59: "21 (16%) have seen some slippage", "3 (2%)".
    view = content.period_view(content.embedded_plan("ap-2015"), "2015-12")
    table = content.published_against_recomputed(view).set_index("Measure")
    assert table["Published"].to_dict() == {
        "Complete": 82,
        "In progress": 17,
        "In progress – completion slipped": 21,
        "Not due to have started": 11,
        "Not started – completion slipped": 3,
        "Total": 134,
    }
    assert table.loc["Total", "Recomputed"] == 115  # 112 numbered actions + 4.6a–c
    assert table.loc["Complete", "Published source"] == "000_e235c92a6776d4ac.txt:147"
    assert "134" in table.loc["Total", "Why they differ"]


def test_embedded_periods_are_the_months_with_evidence():
    listed = [(p.plan, p.period) for p in content.embedded_report_periods()]
    assert listed == [
        ("ap-2015", "2015-12"),
        ("ap-2015", "2016-03"),
        ("cgip-2018", "2018-07"),
        ("cgip-2018", "2018-08"),
        ("cgip-2018", "2018-09"),
    ]


@pytest.fixture(scope="module")
def small_rendered(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    period = ReportPeriod("small-council", "2024-02", register=str(SMALL), mapping=str(SMALL_MAP))
    result = report.render_period(period, reports_root=root)
    assert result.ok, result.error
    return result.html_path.parent


def test_rendered_register_report_writes_the_hand_figures(small_rendered):
    figures = json.loads((small_rendered / "figures.json").read_text(encoding="utf-8"))
    assert figures["headline"]["commitments"] == 4
    assert figures["headline"]["behind_schedule"] == 1
    assert figures["status_counts"]["Complete"] == 2
    assert figures["overdue"] == {"count": 1, "ids": ["B"]}
    assert (small_rendered / figures["charts"]["status_by_theme"]["file"]).is_file()


def test_rendered_page_is_small_self_contained_and_escapes_register_text(small_rendered):
    page = (small_rendered / "report.html").read_text(encoding="utf-8")
    assert len(page.encode()) < 1_000_000
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror" in page
    for tag in re.findall(r"<img[^>]*>", page):
        assert 'src="data:image/png;base64,' in tag and re.search(r'alt="[^"]{20,}"', tag)
    for heading in ("Headline", "Status by theme", "Trajectory", "Milestone map"):
        assert f">{heading}</h2>" in page
    assert "What changed since the last period" in page and "Overdue commitments" in page
    assert "Sources and parameters" in page and "tracker_2024-02.csv" in page


def test_gmpp_snapshot_reports_its_own_projects_and_ratings(gmpp_dir):
    # uk_2023.csv holds 244 projects (counted with the csv module in tests/test_gmpp.py);
    # the GMPP records no progress states, so the headline says so instead of slippage.
    data = content.load_plan("", str(gmpp_dir), str(paths.GMPP_MAPPING))
    view = content.period_view(data, "2023-03")
    figures = content.figures(view)
    assert figures["headline"]["commitments"] == 244
    assert sum(figures["rating_counts"].values()) == 244
    assert "records no state of progress" in figures["headline_sentence"]
    assert not content.has_status_evidence(view)


def test_period_report_links_to_the_lineage_chains_of_its_commitments():
    # LC-whistleblowing starts at AP15-3.14 (data/transcriptions/lineage.csv, checked by
    # hand in tests/test_lineage.py); the 2015 plan's report must link to it.
    view = content.period_view(content.embedded_plan("ap-2015"), "2015-12")
    links = content.lineage_links(view).set_index("chain_id")
    assert links.loc["LC-whistleblowing", "href"] == "../../lineage/lineage.html#LC-whistleblowing"
    assert "AP15-3.14" in links.loc["LC-whistleblowing", "label"]


@pytest.mark.parametrize(
    "target",
    ["https://example.org/x", "javascript:alert(1)", "//example.org/x", "data:text/html,x"],
)
def test_links_to_anything_outside_the_reports_are_refused(target):
    import pandas as pd

    from kerslake_analysis.display import link_list_html

    with pytest.raises(ValueError, match="not a relative path"):
        link_list_html(pd.DataFrame({"t": ["x"], "h": [target]}), "t", "h")
