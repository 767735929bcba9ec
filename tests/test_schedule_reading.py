"""How the period report words earned schedule, its basis and bound, BEI and the key."""

from __future__ import annotations

import re

import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.report import figures_file, headline_figures
from kerslake_analysis.report.headline import headline_sentence, headline_table
from kerslake_analysis.report.plan_data import embedded_plan, load_plan, period_view
from kerslake_analysis.report.schedule_readings import earned_schedule_reading

SMALL = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"


@pytest.fixture(scope="module")
def ap_2015():
    return embedded_plan("ap-2015")


@pytest.fixture(scope="module")
def cgip_2018():
    return embedded_plan("cgip-2018")


def test_july_2018_bei_and_earned_schedule_against_a_hand_count(cgip_2018):
    # Hand count from the current curated data (data/curated/commitments.csv and
    # observations.csv, read row by row; it changes if the evidence is corrected):
    # 23 CGIP18 commitments are due by 31 July 2018 (1.2-2, 1.3-1, 1.3-2, 1.3-4, 1.5-1,
    # 1.6-1, 1.7-1, 1.8-2, 1.8-4, 1.9-1, 1.10-1, 2.1-1, 3.2-1, 3.3-1, 3.3-2, 4.1-1, 4.1-2,
    # 4.2-1, 4.3-1, 4.3-2, 4.8-1, 4.10-1, 5.1-1). Complete by then, whenever due: 12, of
    # which 11 are dated (1.2-2, 1.3-1, 1.3-7, 1.5-1, 1.7-1, 1.9-1, 1.10-1, 3.2-2, 3.5-3,
    # 4.1-1, 4.2-1) and one undated (1.7-4, "July 2018 onwards").
    # DCMA BEI = dated completed, whenever due (11) / due by t (23) = 0.478; not the old
    # 4 of 4 = 1.00.
    view = period_view(cgip_2018, "2018-07")
    h = headline_figures.headline(view)["now"]
    assert h["baseline_execution_index"] == pytest.approx(11 / 23, abs=1e-6)
    # Earned schedule over the 36 dated commitments with evidence (33 before the second
    # reading of 2026 added July evidence for 1.4-1 and 1.7-3, due September 2018, and
    # 4.5-1, due August 2018). The plan starts in
    # January 2018 (month 1), the window of "during 2018" (CGIP18-1.4-a1). Their due
    # months: May 2, June 6, July 9, August 2 + 1 = 3, September 9 + 2 = 11, October 3,
    # March 2019 1, April 2019 1 (2 + 6 + 9 + 3 + 11 + 3 + 1 + 1 = 36), so PV by the end
    # of month 4 (April) = 0, 5 (May) = 2, 6 (June) = 8,
    # 7 (July) = 17. EV = the 11 dated completions. C = 6 (PV 8 <= 11 < 17):
    # ES = 6 + (11 - 8) / (17 - 8) = 6.333; AT = 7 (end of July); SV = -0.667;
    # SPI = 6.333 / 7 = 0.905.
    es = view.metrics.earned_schedule.iloc[0]
    assert (es["dated_with_evidence"], es["complete_dated"]) == (36, 11)
    assert es["es_months"] == pytest.approx(6 + 3 / 9)
    assert es["at_months"] == pytest.approx(7.0)
    assert h["schedule_variance_months"] == pytest.approx(6 + 3 / 9 - 7)
    assert h["schedule_performance_index"] == pytest.approx((6 + 3 / 9) / 7)
    sentence = headline_sentence(view)
    assert (
        "the 36 of the 100 dated commitments that have evidence are 0.7 months behind" in sentence
    )
    # Four "… onwards" commitments have evidence and no due end (1.7-5, 4.2-2, 4.5-3,
    # 6.1a-1): Ongoing, not TBC; 1.7-4 is complete.
    counts = dict(zip(view.metrics.counts["status"], view.metrics.counts["n"], strict=True))
    assert (counts["Ongoing"], counts["TBC"]) == (4, 0)
    status = view.status.set_index("commitment_id")["status"]
    assert status["CGIP18-1.7-4"] == "Complete"


def test_the_headline_never_states_the_bound_as_a_point_figure(ap_2015, cgip_2018):
    for data in (ap_2015, cgip_2018):
        for period in data.periods:
            view = period_view(data, period)
            h = headline_figures.headline(view)["now"]
            sentence = headline_sentence(view)
            bound = h["schedule_variance_bound_months"]
            if bound is None:
                assert "at most" not in sentence and "at least" not in sentence
                continue
            shown = f"{abs(bound):.1f} months"
            assert f"at most {shown} behind" in sentence or f"at least {shown} ahead" in sentence
            assert f"the plan is {shown}" not in sentence
            # The point figure is said of the commitments it counts, not of the plan.
            basis, dated = h["schedule_basis_commitments"], h["schedule_dated_commitments"]
            assert f"the {basis} of the {dated} dated commitments that have evidence are" in (
                sentence
            )
            point = f"{abs(h['schedule_variance_months']):.1f} months"
            assert f"the plan is {point}" not in sentence


def test_december_2015_reading_shows_the_published_position_with_its_derivation(ap_2015):
    # 82 of 134 = 61.2%; planned share by the end of May 2015 (month 6 of a plan from
    # December 2014) 66/115 = 57.4%, June 2015 71/115 = 61.7%: 6 + (61.2 - 57.4) /
    # (61.7 - 57.4) = 6.87 months (6 + (82 * 115 / 134 - 66) / 5 = 6.8746); AT 13, so
    # SV = -6.13 and SPI = 0.53. See tests/test_metrics.py for the full hand count.
    view = period_view(ap_2015, "2015-12")
    reading = earned_schedule_reading(view)
    assert "82 of 134 complete is 61.2%" in reading
    assert "month 6 (2015-05)" in reading and "month 7 (2015-06)" in reading
    assert "6 + (61.2 − 57.4) / (61.7 − 57.4) = 6.87 months" in reading
    assert "schedule variance is -6.13 months" in reading
    assert re.search(r"at most \d+\.\d months behind", reading)
    figures = figures_file.figures(view)
    position = figures["earned_schedule"]["published_position"]
    assert position["position_months"] == pytest.approx(6 + (82 * 115 / 134 - 66) / 5, abs=1e-6)
    assert (position["month_before_label"], position["month_after_label"]) == (
        "2015-05",
        "2015-06",
    )
    assert figures["earned_schedule"]["basis"] == "dated commitments with evidence"
    # No published count for March 2016: no position.
    later = figures_file.figures(period_view(ap_2015, "2016-03"))
    assert later["earned_schedule"]["published_position"] is None


def test_full_evidence_gives_the_point_figure_without_a_bound():
    # The small register (tests/test_period_report.py): every commitment has evidence,
    # ES = 1, AT = 2, SV = -1 month; there is no bound to state.
    small = load_plan("", str(SMALL), str(SMALL / "mapping.toml"))
    view = period_view(small, "2024-02")
    sentence = headline_sentence(view)
    assert "by earned schedule the plan is 1.0 months behind." in sentence
    assert "at most" not in sentence
    table = headline_table(view).set_index("Measure")
    bound_row = [m for m in table.index if "over all dated commitments" in m]
    assert table.loc[bound_row[0], "February 2024"] == "—"


def test_the_report_key_names_ongoing_apart_from_tbc():
    notebook = paths.PERIOD_REPORT_NOTEBOOK.read_text()
    assert "**Ongoing**" in notebook and "**TBC**" in notebook
