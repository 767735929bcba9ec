"""What the period report shows, checked against hand calculations and the documents."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod, period_label
from kerslake_analysis.report import figures_file, headline_figures, pages
from kerslake_analysis.report.document_sections import document_sections
from kerslake_analysis.report.headline import change_on_basis, different_bases, headline_sentence
from kerslake_analysis.report.headline_figures import has_status_evidence
from kerslake_analysis.report.plan_data import (
    embedded_plan,
    embedded_report_periods,
    load_plan,
    period_view,
)
from kerslake_analysis.report.published import published_against_recomputed
from kerslake_analysis.report.schedule_readings import forecast_reading
from kerslake_analysis.report.sections import changes_since_previous, lineage_links, overdue_list

SMALL = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"
SMALL_MAP = SMALL / "mapping.toml"


@pytest.fixture(scope="module")
def small():
    return load_plan("", str(SMALL), str(SMALL_MAP))


def test_small_register_headline_worked_by_hand(small):
    # tracker_2024-02.csv, as of 29 Feb 2024:
    #   A due 15 Jan, Done in Jan            -> Complete
    #   B due 31 Jan, Under way in Feb       -> In progress – completion slipped (29 Feb > 31 Jan)
    #   C due 31 Mar, Not begun              -> Not due to have started
    #   D due 29 Feb, Done in Feb            -> Complete (on its due date)
    # due = A, B, D (due_end <= 29 Feb) = 3; behind = B = 1; due date passed (due_end <
    # 29 Feb) = A, B = 2, so slippage rate 1/2; D falls due on 29 Feb itself and is
    # complete, so none due on the date is open;
    # behind share 1/4; baseline execution index (DCMA) = completed, whenever due (A, D)
    # / due by t (A, B, D) = 2/3.
    # Earned schedule: planned cumulative due is 2 by end Jan (A, B), 3 by end Feb (+D);
    # 2 dated completions -> ES = 1 month (end Jan); AT = 2 months (Jan, Feb) from the
    # plan's start on 1 Jan 2024 -> SV = 1 - 2 = -1 month, SPI = 1/2.
    view = period_view(small, "2024-02")
    h = headline_figures.headline(view)["now"]
    assert (h["commitments"], h["complete"], h["due"], h["behind_schedule"]) == (4, 2, 3, 1)
    assert (h["past_due"], h["due_on_date_open"]) == (2, 0)
    assert h["slippage_rate"] == pytest.approx(1 / 2, abs=1e-6)
    assert h["behind_share"] == pytest.approx(0.25)
    assert h["baseline_execution_index"] == pytest.approx(2 / 3, abs=1e-6)
    assert h["schedule_variance_months"] == pytest.approx(-1.0)
    assert h["schedule_performance_index"] == pytest.approx(0.5)


def test_small_register_changes_since_january(small):
    # January (31 Jan): A complete; B in progress and due that day (not slipped);
    # C not due; D in progress (due 29 Feb). February: D done, B slipped.
    view = period_view(small, "2024-02")
    before = headline_figures.headline(view)["previous"]
    assert (before["complete"], before["behind_schedule"]) == (1, 0)
    changes = changes_since_previous(view)
    assert changes["newly_complete"]["ID"].tolist() == ["D"]
    assert changes["newly_slipped"]["ID"].tolist() == ["B"]
    assert "complete +1, behind schedule +1" in headline_sentence(view)
    assert changes["first_evidenced"].empty  # every commitment had evidence in January


def _ids(frame):
    return sorted(i for i in frame["ID"] if not str(i).startswith("…"))


def test_commitments_first_evidenced_are_not_newly_slipped_or_newly_complete():
    # observations.csv: CGIP18-1.6-1 (due 30 June 2018) and CGIP18-4.3-1 (due 31 July
    # 2018) have one observation each, dated 2018-09-30 (in progress): no evidence in
    # August, so they slipped before August and are only newly evidenced in September.
    # CGIP18-1.3-2 (due "July 2018") likewise; CGIP18-5.1-1 ("Draft strategy for May
    # 2018") has its only observation on 2018-08-31 (complete), none in July.
    cgip = embedded_plan("cgip-2018")
    september = changes_since_previous(period_view(cgip, "2018-09"))
    first = september["first_evidenced"].set_index("ID")
    for cid in ("CGIP18-1.6-1", "CGIP18-1.3-2", "CGIP18-4.3-1"):
        assert cid not in _ids(september["newly_slipped"])
        assert first.loc[cid, "Status now"] == "In progress – completion slipped"
        assert first.loc[cid, "Already overdue at August 2018"] == "yes"
    august = changes_since_previous(period_view(cgip, "2018-08"))
    assert "CGIP18-5.1-1" not in _ids(august["newly_complete"])
    first = august["first_evidenced"].set_index("ID")
    assert first.loc["CGIP18-5.1-1", "Status now"] == "Complete"
    assert first.loc["CGIP18-5.1-1", "Already overdue at July 2018"] == ""  # complete now
    # AP15-1.25 (due 30 June 2015): its only observation is the gap analysis, dated
    # 2016-02-29, so it had no evidence in December 2015.
    ap = embedded_plan("ap-2015")
    march = changes_since_previous(period_view(ap, "2016-03"))
    assert "AP15-1.25" not in _ids(march["newly_slipped"])
    first = march["first_evidenced"].set_index("ID")
    assert first.loc["AP15-1.25", "Already overdue at December 2015"] == "yes"
    # Newly slipped lists only commitments with evidence at the previous period.
    view = period_view(ap, "2016-03")
    before = view.previous_status.set_index("commitment_id")["status"]
    assert all(before[i] != "No evidence" for i in _ids(march["newly_slipped"]))


def test_overdue_list_names_days_overdue_and_the_latest_update_with_source(small):
    view = period_view(small, "2024-02")
    overdue = overdue_list(view)
    assert overdue["ID"].tolist() == ["B"]
    assert overdue["Days overdue"].tolist() == [29]  # 29 Feb 2024 - 31 Jan 2024
    # The tracker's update column, verbatim (markup and all), dated by the snapshot.
    update = overdue["Latest update, in the council's words"].item()
    assert update.startswith("February 2024: “Consultation extended <b>to March</b>")
    assert update.endswith("” [tracker_2024-02.csv line 3]")  # B is the second record: row 3


def test_published_figures_of_december_2015_beside_recomputed():
    # 000_e235c92a6776d4ac.txt line 147: "Of the 134 actions in the Improvement Plan,
    # 82 are complete, 17 are progressing to the original timescales ... 11 which aren't
    # due to have started yet"; line 59: "21 (16%) have seen some slippage", "3 (2%)".
    view = period_view(embedded_plan("ap-2015"), "2015-12")
    table = published_against_recomputed(view).set_index("Measure")
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


# Hand count from data/transcriptions/*_observations.csv (each row read from the
# documents) and the timescales of ap15_actions.csv; a commitment is behind when its
# latest observation is not complete and t > due_end (docs/design.md).
# December 2015 (t = 2015-12-31), not complete and overdue:
#   Mar-15: 1.2, 2.2, 2.3, 2.16, 5.18 | Feb-15: 1.22 | Jan-15: 3.6, 3.15 | Apr-15: 1.18 (not
#   started), 1.21, 1.23, 2.17, 5.3 (not started) | Jun-15: 1.4, 3.13 | Aug-15: 4.8 |
#   Spring 15: 5.12, 5.13 | Summer 15: 4.11 (not started), 5.14, 5.19 | Sep-15: 5.21 |
#   Oct-15: 5.22  -> 23 (3 not started).
# Second reading of 2026 (whole-action standard) downgraded five completions to in
# progress, all overdue at t: Jan-15: 3.10 | Feb-15: 4.7 | Mar-15: 3.11 | Apr-15: 1.12,
# 4.6a -> 23 + 5 = 28 (3 not started).
# Not behind: Winter 15 (due 29 Feb 2016) 1.11, 2.6, 2.7; Dec-15 (due 31 Dec, not past)
# 3.9, 5.15; later: 1.27, 2.8, 2.19, 5.16, 5.24; not started, not due: 1.16, 2.18, 3.16.
BEHIND_2015_12 = {
    *("AP15-1.2", "AP15-2.2", "AP15-2.3", "AP15-2.16", "AP15-5.18", "AP15-1.22", "AP15-3.6"),
    *("AP15-3.15", "AP15-1.18", "AP15-1.21", "AP15-1.23", "AP15-2.17", "AP15-5.3"),
    *("AP15-1.4", "AP15-3.13", "AP15-4.8", "AP15-5.12", "AP15-5.13", "AP15-4.11"),
    *("AP15-5.14", "AP15-5.19", "AP15-5.21", "AP15-5.22"),
    *("AP15-3.10", "AP15-4.7", "AP15-3.11", "AP15-1.12", "AP15-4.6a"),
}
# March 2016 (t = 2016-03-31): the gap analysis completes 1.21, 1.22, 2.3 (and 2.6); now
# overdue: Winter 15 1.11, 2.7; Feb-16 2.8; Dec-15 3.9, 5.15; Jan-16 5.16, 3.16 (not
# started); Winter 15 2.18 (not started); and 1.25 (Jun-15, first evidence March 2016).
# 23 - 3 + 9 = 29; with the five downgrades of the second reading (not mentioned in the
# gap analysis, so still in progress and overdue) 28 - 3 + 9 = 34. 1.16 (Mar-16, due
# 31 Mar) is not yet due.
BEHIND_2016_03 = (BEHIND_2015_12 - {"AP15-1.21", "AP15-1.22", "AP15-2.3"}) | {
    *("AP15-1.11", "AP15-2.7", "AP15-2.8", "AP15-3.9", "AP15-5.15", "AP15-5.16"),
    *("AP15-3.16", "AP15-2.18", "AP15-1.25"),
}


@pytest.mark.parametrize(
    ("period", "complete", "behind", "due", "with_evidence"),
    [
        # 13 complete rows of progress_2015_observations.csv (18 - 5 downgraded by the
        # second reading), all observed by 2015-12-31. Due: 11 complete with a date (4.4
        # and 4.13 are TBC) + 28 behind + 3.9 and 5.15 (due 2015-12-31) = 41. Evidence:
        # 55 rows (1.13, formerly unknown and not evidence, is now an exclusion) = 55.
        ("2015-12", 13, BEHIND_2015_12, 41, 55),
        # 13 + 1.21, 1.22, 2.3, 2.6 = 17 complete. Evidence: 55 + 1.25 = 56. Due: 15 dated
        # complete (17 less the TBC 4.4, 4.13) + 34 behind + 1.16 (due 31 Mar 2016) = 50.
        ("2016-03", 17, BEHIND_2016_03, 50, 56),
    ],
)
def test_ap15_headline_from_the_hand_linked_observations(
    period, complete, behind, due, with_evidence
):
    figures = figures_file.figures(period_view(embedded_plan("ap-2015"), period))
    assert figures["headline"]["complete"] == complete
    assert set(figures["overdue"]["ids"]) == behind
    assert figures["headline"]["behind_schedule"] == len(behind)
    assert figures["headline"]["due"] == due
    assert figures["headline"]["with_evidence"] == with_evidence


def test_embedded_periods_are_the_months_with_evidence():
    listed = [(p.plan, p.period) for p in embedded_report_periods()]
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
    result = pages.render_period(period, reports_root=root)
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
    data = load_plan("", str(gmpp_dir), str(paths.GMPP_MAPPING))
    view = period_view(data, "2023-03")
    figures = figures_file.figures(view)
    assert figures["headline"]["commitments"] == 244
    assert sum(figures["rating_counts"].values()) == 244
    assert "records no state of progress" in figures["headline_sentence"]
    assert not has_status_evidence(view)


def test_period_report_links_to_the_lineage_chains_of_its_commitments():
    # LC-whistleblowing starts at AP15-3.14 (data/transcriptions/lineage.csv, checked by
    # hand in tests/test_lineage.py); the 2015 plan's report must link to it.
    view = period_view(embedded_plan("ap-2015"), "2015-12")
    links = lineage_links(view).set_index("chain_id")
    assert links.loc["LC-whistleblowing", "href"] == "../../lineage/lineage.html#LC-whistleblowing"
    assert "AP15-3.14" in links.loc["LC-whistleblowing", "label"]


@pytest.mark.parametrize(
    "target",
    ["https://example.org/x", "javascript:alert(1)", "//example.org/x", "data:text/html,x"],
)
def test_links_to_anything_outside_the_reports_are_refused(target):
    import pandas as pd

    from kerslake_analysis.report.display import link_list_html

    with pytest.raises(ValueError, match="not a relative path"):
        link_list_html(pd.DataFrame({"t": ["x"], "h": [target]}), "t", "h")


def _hand_count(plan: str, as_of: str) -> dict:
    """Counts read straight from data/curated/*.csv with the csv module, the status rule
    spelled out here (docs/design.md): a commitment is complete once an observation on or
    before t says so; otherwise its latest observation with a known state decides (the
    more advanced state on one date); it is behind when not complete, it has evidence and
    t > due_end. Dates are ISO strings, so they compare as text."""
    import csv

    rank = {"complete": 0, "in_progress": 1, "not_started": 2}
    with open(paths.PROJ_ROOT / "data" / "curated" / "commitments.csv", encoding="utf-8") as f:
        due = {r["commitment_id"]: r["due_end"] for r in csv.DictReader(f) if r["plan"] == plan}
    with open(paths.PROJ_ROOT / "data" / "curated" / "observations.csv", encoding="utf-8") as f:
        obs = [
            r
            for r in csv.DictReader(f)
            if r["commitment_id"] in due and r["observed_on"] <= as_of and r["state"] in rank
        ]
    out = {"past_due": [], "due_on_date_open": [], "behind": [], "old": [], "doubtful": []}
    out |= {"evidenced": [], "complete": []}
    for cid, due_end in due.items():
        seen = [o for o in obs if o["commitment_id"] == cid]
        if seen:
            out["evidenced"].append(cid)
        if seen and any(o["state"] == "complete" for o in seen):
            out["complete"].append(cid)
        if not seen or not due_end:
            continue
        if any(o["state"] == "complete" for o in seen):
            if due_end < as_of:
                out["past_due"].append(cid)
            continue
        last = max(o["observed_on"] for o in seen)
        deciding = min(
            (o for o in seen if o["observed_on"] == last),
            key=lambda o: (rank[o["state"]], o["observation_id"]),
        )
        if due_end == as_of:
            out["due_on_date_open"].append(cid)
        elif due_end < as_of:
            out["past_due"].append(cid)
            out["behind"].append(cid)
            if deciding["observed_on"] < due_end:
                out["old"].append(cid)
            if "DOUBTFUL" in deciding["transcription_note"]:
                out["doubtful"].append(cid)
    return {k: sorted(v) for k, v in out.items()}


@pytest.mark.parametrize(
    ("plan", "period", "as_of", "expected"),
    [
        # Slippage rate = behind / with evidence and due date passed (due_end < t).
        # December 2015: 28 / 39 = 71.8% (was 28 / 41: 2 fall due on 31 December itself).
        ("ap-2015", "2015-12", "2015-12-31", (39, 2, 28, 0, 0)),
        # March 2016: 34 / 49 = 69.4%; 1 due on 31 March, open; 4 behind last reported in
        # December 2015, before their due dates (AP15-1.11, due 29 February 2016, line 228
        # "which will be in place from January 2016").
        ("ap-2015", "2016-03", "2016-03-31", (49, 1, 34, 4, 0)),
        # July 2018: 2 / 8 = 25% (was 2 / 17); 7 due on 31 July, open; both behind rest on
        # DOUBTFUL readings (1.8-2, 2.1-1).
        ("cgip-2018", "2018-07", "2018-07-31", (8, 7, 2, 0, 2)),
        # August 2018: 10 / 19 = 52.6% (was 10 / 23); 4 due on 31 August, open.
        ("cgip-2018", "2018-08", "2018-08-31", (19, 4, 10, 0, 4)),
        # September 2018: 15 / 28 = 53.6% (was 15 / 66 = 23%); 32 due on 30 September.
        ("cgip-2018", "2018-09", "2018-09-30", (28, 32, 15, 1, 3)),
    ],
)
def test_slippage_rate_counts_only_commitments_past_their_due_date(plan, period, as_of, expected):
    hand = _hand_count(plan, as_of)
    counted = tuple(
        len(hand[k]) for k in ("past_due", "due_on_date_open", "behind", "old", "doubtful")
    )
    assert counted == expected  # the CSVs still hold what the comments above say
    view = period_view(embedded_plan(plan), period)
    h = headline_figures.headline(view)["now"]
    past, on_date, behind, old, doubtful = expected
    assert (h["past_due"], h["due_on_date_open"], h["behind_schedule"]) == (past, on_date, behind)
    assert h["slippage_rate"] == pytest.approx(behind / past, abs=1e-6)
    assert h["behind_last_evidence_before_due"] == old
    assert h["behind_on_doubtful_readings"] == doubtful
    traced = figures_file.figures(view)["trace"]
    assert sorted(traced["past_due"]["evidence"]) == hand["past_due"]
    assert sorted(traced["due_on_date_open"]["evidence"]) == hand["due_on_date_open"]
    assert sorted(traced["behind_last_evidence_before_due"]["evidence"]) == hand["old"]
    assert sorted(traced["behind_on_doubtful_readings"]["evidence"]) == hand["doubtful"]
    assert traced["slippage_rate"]["denominator"] == "past_due"
    sentence = headline_sentence(view)
    day = f"{int(as_of[-2:])} {period_label(period)}"
    assert (
        f"Of the {past} commitments with evidence whose due date had passed by {day}, "
        f"{behind / past * 100:.0f}% had slipped" in sentence
    )
    if on_date > 1:
        assert f"a further {on_date} fall due on {day.rsplit(' ', 1)[0]} itself" in sentence
    if old:
        assert "last reported before" in sentence and "with no evidence since" in sentence
    if doubtful:
        assert f"{doubtful} of the {behind} behind rest on readings of the text declared" in (
            sentence
        )
    overdue = overdue_list(view).set_index("ID")
    for cid in hand["old"]:  # the list shows the evidence's date, before the due date
        latest = pd.to_datetime(overdue.at[cid, "Latest evidence dated"], format="%d %b %Y")
        assert latest < pd.to_datetime(overdue.at[cid, "Due"], format="%d %b %Y")


def test_september_2018_says_how_many_newly_behind_had_no_evidence_in_august():
    # Newly behind at 30 September 2018 (not behind at 31 August), read from the CSVs:
    # 7, of which 1.1-1, 1.3-2, 1.6-1, 4.3-1 had no observation by 31 August. Newly
    # complete: 8, of which 1.3-4, 1.3-8, 1.4-3 had no evidence in August.
    august, september = (
        _hand_count("cgip-2018", "2018-08-31"),
        _hand_count("cgip-2018", "2018-09-30"),
    )
    for what, unseen in (
        ("behind", ["CGIP18-1.1-1", "CGIP18-1.3-2", "CGIP18-1.6-1", "CGIP18-4.3-1"]),
        ("complete", ["CGIP18-1.3-4", "CGIP18-1.3-8", "CGIP18-1.4-3"]),
    ):
        new = set(september[what]) - set(august[what])
        assert len(new) == (7 if what == "behind" else 8)
        assert sorted(new - set(august["evidenced"])) == unseen
    view = period_view(embedded_plan("cgip-2018"), "2018-09")
    sentence = headline_sentence(view)
    assert "of the 7 newly behind, 4 had no evidence at the end of August 2018" in sentence
    assert "of the 8 newly complete, 3 had no evidence at the end of August 2018" in sentence
    assert "part of the change" not in sentence


def test_december_2015_no_forecast_names_the_completions_it_cannot_count():
    # observations.csv, AP15 rows dated 1 Oct - 31 Dec 2015 with state complete: one on
    # 2015-10-28 (AP15-4.13, 000 line 483: "On 28th October, the shadow board submitted
    # to Government") and 8 on 2015-12-31; no earlier reading of any of them, so none
    # is seen happening and the forecast has no rate.
    view = period_view(embedded_plan("ap-2015"), "2015-12")
    text = forecast_reading(view)
    assert text.startswith("No forecast:")
    assert "first reads 9 commitments complete in those 3 months" in text
    assert "(AP15-4.13 on 28 October 2015; 8 on 31 December 2015)" in text
    assert "the forecast does not count them" in text


def test_march_2016_forecast_says_which_open_commitments_have_no_evidence():
    # March 2016: 112 dated commitments, 15 of them complete, leave 97 not known to be
    # complete; 59 commitments have no evidence (headline), all dated and none complete,
    # so 97 - 59 = 38 have evidence and are still open.
    view = period_view(embedded_plan("ap-2015"), "2016-03")
    text = forecast_reading(view)
    assert (
        "the 97 dated commitments not known to be complete (38 with evidence still open, "
        "59 with no evidence)"
    ) in text
    assert "The forecast assumes all 97 are open; for the 59 with no evidence" in text
    assert "completions the evidence dates in the last 3 months and shows happening" in text


def test_changes_across_different_bases_are_not_subtracted():
    # August 2018: 61 of 111 commitments with evidence, earned schedule over 55 dated
    # commitments with evidence; September 2018: all 111, earned schedule over all 100
    # dated ones. The BEI of August is a lower bound, September's a full figure.
    view = period_view(embedded_plan("cgip-2018"), "2018-09")
    h = headline_figures.headline(view)
    now, before = h["now"], h["previous"]
    assert (before["with_evidence"], now["with_evidence"]) == (61, 111)
    assert (before["schedule_basis_commitments"], now["schedule_basis_commitments"]) == (55, 100)
    bases = different_bases(now, before)
    assert bases["schedule_variance_months"] == "55 → 100 dated commitments with evidence"
    assert bases["baseline_execution_index"] == (
        "evidence for 61 → 111 of 111 commitments (a lower bound, then a full figure)"
    )
    assert "complete" not in bases and "behind_schedule" not in bases  # counts stay
    assert change_on_basis(now, before, "schedule_variance_months", "months") == (
        "— (different basis)"
    )
    # 23 complete in September, 15 in August: a count, subtracted
    assert change_on_basis(now, before, "complete", "count") == "+8"


def test_document_sections_are_the_ones_that_apply_and_the_notebook_has_no_plan_branch(small):
    ap15 = document_sections(period_view(embedded_plan("ap-2015"), "2015-12"))
    cgip18 = document_sections(period_view(embedded_plan("cgip-2018"), "2018-09"))
    register = document_sections(period_view(small, small.periods[-1]))
    first_snapshot = document_sections(period_view(small, small.periods[0]))
    assert ap15 == [] and first_snapshot == []
    assert [s.title for s in cgip18] == [
        "Improvement aims and updates by section",
        "The temperature take: views gathered from partners",  # published in September
    ]
    assert list(cgip18[0].tables[0][0].columns)[-1] == "Updates dated September 2018"
    assert [s.title for s in register] == ["Due dates moved since the previous snapshot"]
    cells = json.loads(paths.PERIOD_REPORT_NOTEBOOK.read_text())["cells"]
    code = "\n".join(
        "".join(c["source"])
        for c in cells
        if c["cell_type"] == "code" and "parameters" not in c["metadata"].get("tags", [])
    )
    assert not re.search(r"^\s*(el)?if\b.*(plan|register|cgip|ap-2015)", code, re.MULTILINE)
