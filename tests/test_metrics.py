"""Tests of kerslake_analysis.measure.metrics, each figure against a hand calculation."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_status import reference_metrics, reference_status

from kerslake_analysis.ingest.load import load_commitments, load_snapshots
from kerslake_analysis.measure import metrics, quantiles
from kerslake_analysis.measure.metrics import (
    ageing,
    completion_trajectory,
    earned_schedule,
    metrics_as_of,
    on_time_completion,
    schedule_summary,
    slip_summary,
    status_counts,
    status_transitions,
)
from kerslake_analysis.measure.status import (
    OBSERVATION_STATES,
    STATUS_ORDER,
    StatusIndex,
    status_as_of,
    status_by_period,
)

# ------------------------------------------------------------------ the hand-built register
#
# id  due_start   due_end     theme    owner              refs         observations
# A   2015-01-01  2015-01-31  Culture  CEx                KR-1;KR-3a   31 Jan in progress, 28 Feb complete
# B               2015-03-31  Culture  Director Delivery  KR-3a        28 Feb in progress, 31 Mar complete
# C               2015-04-30  Finance  CEx                KR-5         30 Jun in progress
# D               2015-02-28  Finance  Director Delivery  (none)       30 Jun not started
# E   2015-07-01  2015-09-30  Culture  CEx                KR-1         30 Jun not started
# F               (TBC)       Finance  CEx                KR-5         30 Jun in progress
# G               2015-05-31  Culture  CEx                KR-1         (none)
# H               2015-03-31  Finance  Director Delivery  KR-5         30 Jun complete (first seen)
#
# Status as of 30 June 2015: A, B, H Complete; C In progress – completion slipped;
# D Not started – completion slipped; E Not due to have started; F TBC; G No evidence.


@pytest.fixture
def register() -> tuple[pd.DataFrame, pd.DataFrame]:
    commitments = pd.DataFrame(
        {
            "commitment_id": list("ABCDEFGH"),
            "plan": "ap-2015",
            "theme": [
                "Culture",
                "Culture",
                "Finance",
                "Finance",
                "Culture",
                "Finance",
                "Culture",
                "Finance",
            ],
            "owner": [
                "CEx",
                "Director Delivery",
                "CEx",
                "Director Delivery",
                "CEx",
                "CEx",
                "CEx",
                "Director Delivery",
            ],
            "kerslake_refs": ["KR-1;KR-3a", "KR-3a", "KR-5", "", "KR-1", "KR-5", "KR-1", "KR-5"],
            "due_start": pd.to_datetime(
                ["2015-01-01", None, None, None, "2015-07-01", None, None, None]
            ).astype("datetime64[us]"),
            "due_end": pd.to_datetime(
                [
                    "2015-01-31",
                    "2015-03-31",
                    "2015-04-30",
                    "2015-02-28",
                    "2015-09-30",
                    None,
                    "2015-05-31",
                    "2015-03-31",
                ]
            ).astype("datetime64[us]"),
        }
    )
    rows = [
        ("A", "2015-01-31", "in_progress"),
        ("A", "2015-02-28", "complete"),
        ("B", "2015-02-28", "in_progress"),
        ("B", "2015-03-31", "complete"),
        ("C", "2015-06-30", "in_progress"),
        ("D", "2015-06-30", "not_started"),
        ("E", "2015-06-30", "not_started"),
        ("F", "2015-06-30", "in_progress"),
        ("H", "2015-06-30", "complete"),
    ]
    observations = pd.DataFrame(
        {
            "commitment_id": [r[0] for r in rows],
            "observed_on": pd.to_datetime([r[1] for r in rows]).astype("datetime64[us]"),
            "state": [r[2] for r in rows],
        }
    )
    return commitments, observations


@pytest.fixture
def june(register) -> pd.DataFrame:
    return status_as_of(*register, "2015-06")


def one(frame: pd.DataFrame) -> pd.Series:
    assert len(frame) == 1
    return frame.iloc[0]


# ------------------------------------------------------------------ counts and rates


def test_status_counts(june):
    # Complete A, B, H = 3; Not due E; IP slipped C; NS slipped D; Ongoing none; TBC F
    # (undated, and the frame has no timescale_kind to call it open); No evidence G.
    counts = status_counts(june)
    assert list(counts["status"].astype(str)) == list(STATUS_ORDER)
    assert counts["n"].tolist() == [3, 0, 1, 1, 1, 0, 1, 1]
    assert counts["n"].sum() == 8
    assert counts["share"].iloc[0] == pytest.approx(3 / 8)


def test_schedule_summary(june):
    # Dated: all but F = 7. Due by 30 June: A, B, C, D, G, H = 6 planned; G has no
    # evidence, so due = 5. Behind: C, D = 2. Complete and due: A, B, H = 3; complete
    # and dated, whenever due: A, B, H = 3.
    # Slippage rate 2/5 = 0.4; behind share 2/8 = 0.25; coverage 7/8.
    # DCMA BEI = completed (whenever due) / baseline finish <= t (with or without
    # evidence) = 3 / 6 = 0.5; G has no evidence, so it is a lower bound.
    row = one(schedule_summary(june))
    assert row["commitments"] == 8
    assert row["with_evidence"] == 7
    assert row["evidence_coverage"] == pytest.approx(0.875)
    assert row["dated"] == 7
    assert row["planned_due"] == 6
    assert row["due"] == 5
    assert row["complete"] == 3
    assert row["complete_due"] == 3
    assert row["complete_dated"] == 3
    assert row["behind"] == 2
    assert row["slippage_rate"] == pytest.approx(0.4)
    assert row["behind_share"] == pytest.approx(0.25)
    assert row["baseline_execution_index"] == pytest.approx(0.5)
    assert row["note"].startswith("baseline execution index is a lower bound")
    assert "1 of 8 commitments have no evidence" in row["note"]
    assert row["as_of"] == pd.Timestamp("2015-06-30") and row["period"] == "2015-06"


def test_nothing_due_yet_is_said_not_zero(register):
    # On 15 January 2015 nothing is due (A is due on the 31st): the slippage rate and
    # the BEI are not computable and the note says so.
    status = status_as_of(*register, "2015-01-15")
    row = one(schedule_summary(status))
    assert row["due"] == 0
    assert math.isnan(row["slippage_rate"]) and math.isnan(row["baseline_execution_index"])
    assert row["note"].startswith("not computable: nothing due yet")


def _frames(commitment_rows, observation_rows):
    """Commitments from (id, due_end or None) and observations from (id, day, state)."""
    c = pd.DataFrame(
        {
            "commitment_id": [r[0] for r in commitment_rows],
            "due_end": pd.to_datetime([r[1] for r in commitment_rows]).astype("datetime64[us]"),
        }
    )
    o = pd.DataFrame(
        {
            "commitment_id": [r[0] for r in observation_rows],
            "observed_on": pd.to_datetime([r[1] for r in observation_rows]).astype(
                "datetime64[us]"
            ),
            "state": [r[2] for r in observation_rows],
        }
    )
    return c, o


def test_bei_counts_an_early_completion_as_dcma_does():
    # DCMA 14-point check 14: BEI = tasks completed (whenever due) / tasks with a
    # baseline finish <= t. At 30 June 2015: X due 31 Mar, in progress (slipped); Y due
    # 30 Sep, complete on 31 May (early); Z due 30 Sep, not started. Due by t: X = 1.
    # Completed: Y = 1. BEI = 1 / 1 = 1.0, though the one task due is not done (the
    # ratio completed-and-due / due would say 0 / 1).
    c, o = _frames(
        [("X", "2015-03-31"), ("Y", "2015-09-30"), ("Z", "2015-09-30")],
        [
            ("X", "2015-05-31", "in_progress"),
            ("Y", "2015-05-31", "complete"),
            ("Z", "2015-05-31", "not_started"),
        ],
    )
    row = one(schedule_summary(status_as_of(c, o, "2015-06")))
    assert (row["complete_dated"], row["planned_due"], row["complete_due"]) == (1, 1, 0)
    assert row["baseline_execution_index"] == pytest.approx(1.0)
    assert row["note"] == ""
    # Y done early and X too: 2 completed / 1 due = 2.0 (BEI can exceed 1).
    o2 = pd.concat([o, _frames([], [("X", "2015-06-30", "complete")])[1]], ignore_index=True)
    assert one(schedule_summary(status_as_of(c, o2, "2015-06")))[
        "baseline_execution_index"
    ] == pytest.approx(2.0)


def test_bei_counts_due_commitments_without_evidence():
    # The July 2018 shape: 23 commitments due by t, 4 complete with evidence, 19 due with
    # no evidence at all. DCMA BEI = 4 / 23 (not 4 / 4 = 1.00); a lower bound, said so.
    ids = [f"C{i}" for i in range(23)]
    c, o = _frames(
        [(i, "2018-06-30") for i in ids],
        [(i, "2018-07-31", "complete") for i in ids[:4]],
    )
    row = one(schedule_summary(status_as_of(c, o, "2018-07")))
    assert (row["planned_due"], row["due"], row["complete_dated"]) == (23, 4, 4)
    assert row["baseline_execution_index"] == pytest.approx(4 / 23)
    assert row["slippage_rate"] == pytest.approx(
        0.0
    )  # of the 4 past due with evidence, none behind
    assert "19 of 23 commitments have no evidence" in row["note"]


def test_a_commitment_exactly_30_days_overdue_is_in_the_first_ageing_bucket():
    # Due 31 May 2015, open at 30 June: 30 June - 31 May = 30 days -> bucket 0–30 (its
    # upper bound is inclusive); due 30 May: 31 days -> 31–90.
    c, o = _frames(
        [("A", "2015-05-31"), ("B", "2015-05-30")],
        [("A", "2015-06-30", "in_progress"), ("B", "2015-06-30", "not_started")],
    )
    status = status_as_of(c, o, "2015-06")
    assert ageing(status)["n"].tolist() == [1, 1, 0, 0]
    # Slips 30 and 31: median 30.5; 90th percentile 30 + 0.9 * (31 - 30) = 30.9.
    row = one(slip_summary(status))
    assert (row["median_days"], row["p90_days"]) == (pytest.approx(30.5), pytest.approx(30.9))


def test_slip_quantiles_by_sorting_equal_the_histogram(monkeypatch, june):
    # The sort path (taken when a per-key histogram would be too large), forced with a
    # limit of one cell, must give the hand-worked figures of test_slip_summary_and_ageing:
    # slips 28, 61, 122 -> median 61, 90th percentile 109.8.
    monkeypatch.setattr(quantiles, "MAX_HISTOGRAM_CELLS", 1)
    row = one(slip_summary(june))
    assert row["median_days"] == pytest.approx(61)
    assert row["p90_days"] == pytest.approx(109.8)
    # By theme: Culture slips A 28 -> 28; Finance C 61, D 122 -> median 91.5,
    # p90 61 + 0.9 * 61 = 115.9.
    by_theme = slip_summary(june, by="theme").set_index("theme")
    assert by_theme.loc["Culture", "median_days"] == pytest.approx(28)
    assert by_theme.loc["Finance", "median_days"] == pytest.approx(91.5)
    assert by_theme.loc["Finance", "p90_days"] == pytest.approx(115.9)


def test_metrics_read_categorical_periods_and_groups(register):
    # A status_by_period panel carries period and theme as categoricals (the shortcut
    # of _period_codes). January: A due on the 31st and in progress -> due 1, behind 0.
    # June: due 5, behind C, D = 2 (see test_schedule_summary). By theme in June:
    # Culture due A, B -> behind 0; Finance due C, D, H -> behind 2.
    panel = status_by_period(*register, ["2015-01", "2015-06"])
    assert isinstance(panel["period"].dtype, pd.CategoricalDtype)
    assert isinstance(panel["theme"].dtype, pd.CategoricalDtype)
    summary = schedule_summary(panel, by="theme")
    got = {(p, t): (d, b) for p, t, d, b in summary[["period", "theme", "due", "behind"]].values}
    assert got == {
        ("2015-01", "Culture"): (1, 0),
        ("2015-01", "Finance"): (0, 0),
        ("2015-06", "Culture"): (2, 0),
        ("2015-06", "Finance"): (3, 2),
    }


def test_on_time_completion(june):
    # A: in progress on its due date 31 Jan, complete 28 Feb -> late.
    # B: complete 31 Mar, its due date -> on time.
    # H: first seen complete on 30 Jun, due 31 Mar, never seen before -> timing unknown.
    # Rate = on time / (on time + late) = 1/2.
    row = one(on_time_completion(june))
    assert (row["complete"], row["on_time"], row["late"], row["timing_unknown"]) == (3, 1, 1, 1)
    assert row["complete_undated"] == 0
    assert row["first_observed_complete"] == 1
    assert row["on_time_rate"] == pytest.approx(0.5)
    assert row["note"] == ""


def test_no_completion_dates_is_said(register):
    # Only H is complete by June if A and B's history is dropped: first seen complete
    # after its due date, so no completion has a known timing.
    commitments, observations = register
    status = status_as_of(
        commitments, observations[observations["commitment_id"] != "A"].iloc[2:], "2015-06"
    )
    row = one(on_time_completion(status))
    assert row["complete"] == 1 and row["timing_unknown"] == 1
    assert math.isnan(row["on_time_rate"])
    assert row["note"].startswith("not computable: completion dates unknown")
    nothing = one(on_time_completion(status_as_of(commitments, observations.iloc[:1], "2015-01")))
    assert nothing["note"] == "not computable: nothing complete"


def test_slip_summary_and_ageing(june):
    # Late: A, 28 Feb - 31 Jan = 28 days. Open overdue on 30 June: C since 30 April,
    # 61 days; D since 28 February, 122 days. Sorted 28, 61, 122: median 61; 90th
    # percentile at rank 0.9 * 2 = 1.8: 61 + 0.8 * (122 - 61) = 109.8.
    row = one(slip_summary(june))
    assert (row["late_complete"], row["overdue_open"], row["slipped"]) == (1, 2, 3)
    assert row["timing_unknown"] == 1
    assert row["median_days"] == pytest.approx(61)
    assert row["p90_days"] == pytest.approx(109.8)
    # Ageing of the open overdue: 61 days -> 31–90, 122 days -> 91–180.
    buckets = ageing(june)
    assert buckets["bucket"].astype(str).tolist() == ["0–30", "31–90", "91–180", ">180"]
    assert buckets["n"].tolist() == [0, 1, 1, 0]
    assert buckets["share"].tolist() == [0, 0.5, 0.5, 0]


def test_nothing_slipped_is_said(register):
    # By 31 January only A is due and it is in progress on its due date: nothing late.
    status = status_as_of(*register, "2015-01")
    assert one(slip_summary(status))["note"].startswith("not computable: nothing slipped")
    assert math.isnan(one(slip_summary(status))["median_days"])
    shares = ageing(status)
    assert shares["n"].sum() == 0 and shares["share"].isna().all()
    assert (shares["note"] == "not computable: nothing open and overdue").all()


# ------------------------------------------------------------------ over time


def test_completion_trajectory(june):
    # Months from January (A's window) to September 2015 (E's due month).
    # Planned cumulative due: Jan A=1, Feb +D=2, Mar +B,H=4, Apr +C=5, May +G=6,
    # Jun-Aug 6, Sep +E=7. Actual (dated, complete by the month's end): Jan 0, Feb A=1,
    # Mar B=2, Apr 2, May 2, Jun H=3; after June not yet observed.
    trajectory = completion_trajectory(june)
    monthly = trajectory.monthly
    assert monthly["month"].tolist() == [f"2015-{m:02d}" for m in range(1, 10)]
    assert monthly["planned_due_cum"].tolist() == [1, 2, 4, 5, 6, 6, 6, 6, 7]
    assert monthly["actual_complete_cum"].tolist()[:6] == [0, 1, 2, 2, 2, 3]
    assert monthly["actual_complete_cum"].isna().tolist() == [False] * 6 + [True] * 3
    assert monthly["observed"].tolist() == [True] * 6 + [False] * 3
    assert (monthly.loc[~monthly["observed"], "note"] == "after as_of: not yet observed").all()
    assert monthly["planned_share"].iloc[-1] == pytest.approx(7 / 8)
    assert monthly["month_end"].iloc[1] == pd.Timestamp("2015-02-28")
    # Forecast over the last 3 months (April-June): H was first seen complete, so no
    # completion was seen happening -> no forecast, said so.
    forecast = one(trajectory.forecast)
    assert (forecast["dated"], forecast["complete_dated"], forecast["remaining"]) == (7, 3, 4)
    assert forecast["recent_completions"] == 0
    assert pd.isna(forecast["forecast_month"]) and pd.isna(forecast["forecast_date"])
    assert forecast["note"].startswith("no forecast: no completion seen happening")


def test_completion_forecast_at_the_recent_rate(june):
    # Over 4 months (March-June) B was seen completing in March: 1 / 4 a month. Four
    # dated commitments remain: 4 / 0.25 = 16 months after June 2015 = October 2016.
    forecast = one(completion_trajectory(june, recent_months=4).forecast)
    assert forecast["recent_completions"] == 1
    assert forecast["rate_per_month"] == pytest.approx(0.25)
    assert forecast["forecast_month"] == "2016-10"
    assert forecast["forecast_date"] == pd.Timestamp("2016-10-31")
    assert forecast["note"] == ""
    with pytest.raises(ValueError, match="recent_months"):
        completion_trajectory(june, recent_months=0)


def test_one_observation_period_gives_no_forecast():
    # Everything observed once, on 30 June: two complete, but when is unknown.
    commitments = pd.DataFrame(
        {
            "commitment_id": ["A", "B", "C"],
            "due_end": pd.to_datetime(["2015-03-31", "2015-05-31", "2015-09-30"]),
        }
    )
    observations = pd.DataFrame(
        {
            "commitment_id": ["A", "B", "C"],
            "observed_on": pd.to_datetime(["2015-06-30"] * 3),
            "state": ["complete", "complete", "in_progress"],
        }
    )
    forecast = one(
        completion_trajectory(status_as_of(commitments, observations, "2015-06")).forecast
    )
    assert forecast["complete_dated"] == 2 and forecast["recent_completions"] == 0
    assert forecast["note"].startswith("no forecast")


def test_earned_schedule(june):
    # Plan start: January 2015 (A's window). Planned and earned value count the dated
    # commitments with evidence: A, B, C, D, E, H (G has none; F is undated).
    # PV(k), k = 1..9 (Jan..Sep): Jan A 1, Feb +D 2, Mar +B,H 4, Apr +C 5, May-Aug 5,
    # Sep +E 6; planned duration 9 months. EV = 3 (A, B, H).
    # C = #{k: PV(k) <= 3} = 2 (PV(1)=1, PV(2)=2); ES = 2 + (3 - 2) / (4 - 2) = 2.5.
    # AT on 30 June = 6 months; SV = 2.5 - 6 = -3.5; SPI = 2.5 / 6.
    # The bound over all 7 dated (G, due May, added): PV 1, 2, 4, 5, 6, 6, 6, 6, 7;
    # C = 2 again, ES = 2.5, SV bound -3.5.
    row = one(earned_schedule(june))
    assert row["plan_start"] == pd.Timestamp("2015-01-01")
    assert row["basis"] == "dated commitments with evidence"
    assert (row["dated"], row["dated_with_evidence"]) == (7, 6)
    assert row["planned_duration_months"] == 9
    assert row["at_months"] == pytest.approx(6.0)
    assert pd.isna(row["finished_on"])
    assert row["planned_due"] == 5  # A, B, C, D, H due by 30 June with evidence
    assert row["complete_dated"] == 3
    assert row["es_months"] == pytest.approx(2.5)
    assert row["sv_months"] == pytest.approx(-3.5)
    assert row["spi"] == pytest.approx(2.5 / 6)
    assert row["es_bound_months"] == pytest.approx(2.5)
    assert row["sv_bound_months"] == pytest.approx(-3.5)
    assert row["note"].startswith("ES counts the 6 of 7 dated commitments with evidence")


def test_earned_schedule_with_ev_exactly_on_a_pv_step_and_partial_evidence():
    # Plan from January 2015. P1..P4 due Jan, Feb, Mar, Apr, all with evidence; Q1, Q2
    # due Jan, Feb with no evidence. At 30 April (AT = 4): P1, P2 complete, P3 in
    # progress, P4 not started.
    # Basis (with evidence): PV 1, 2, 3, 4; EV = 2 = PV(2) exactly:
    #   C = #{k: PV(k) <= 2} = 2, ES = 2 + (2 - 2) / (3 - 2) = 2; SV = -2; SPI = 0.5.
    # Bound (all six dated, observed completions only): PV 2, 4, 5, 6; EV = 2 = PV(1):
    #   C = 1, ES = 1 + 0 = 1; SV bound = 1 - 4 = -3 (at most 3 months behind).
    c, o = _frames(
        [
            ("P1", "2015-01-31"),
            ("P2", "2015-02-28"),
            ("P3", "2015-03-31"),
            ("P4", "2015-04-30"),
            ("Q1", "2015-01-31"),
            ("Q2", "2015-02-28"),
        ],
        [
            ("P1", "2015-04-30", "complete"),
            ("P2", "2015-04-30", "complete"),
            ("P3", "2015-04-30", "in_progress"),
            ("P4", "2015-04-30", "not_started"),
        ],
    )
    row = one(earned_schedule(status_as_of(c, o, "2015-04")))
    assert (row["dated"], row["dated_with_evidence"], row["complete_dated"]) == (6, 4, 2)
    assert row["at_months"] == pytest.approx(4.0)
    assert row["es_months"] == pytest.approx(2.0)
    assert row["sv_months"] == pytest.approx(-2.0)
    assert row["spi"] == pytest.approx(0.5)
    assert row["es_bound_months"] == pytest.approx(1.0)
    assert row["sv_bound_months"] == pytest.approx(-3.0)


def test_earned_schedule_on_a_flat_stretch_of_the_plan():
    # Due Jan, Feb and Apr 2015 (nothing in March): PV 1, 2, 2, 3. EV = 2 at the end of
    # April: months 1-3 all have PV <= 2, so C = 3 and ES = 3 + (2 - 2) / (3 - 2) = 3
    # (Lipke: C counts every month whose PV the EV has reached). AT = 4, SV = -1.
    c, o = _frames(
        [("A", "2015-01-31"), ("B", "2015-02-28"), ("D", "2015-04-30")],
        [
            ("A", "2015-04-30", "complete"),
            ("B", "2015-04-30", "complete"),
            ("D", "2015-04-30", "in_progress"),
        ],
    )
    row = one(earned_schedule(status_as_of(c, o, "2015-04")))
    assert row["es_months"] == pytest.approx(3.0)
    assert row["sv_months"] == pytest.approx(-1.0)


@pytest.mark.parametrize("as_of", ["2015-02", "2015-06", "2016-12"])
def test_a_plan_finished_early_stays_ahead(as_of):
    # Four commitments due January to April 2015 (PD = 4), plan from January. All were
    # in progress on 31 January and complete on 28 February. Lipke: once everything
    # planned is complete, AT is the completion time: AT = 1 + 28/28 = 2 months, ES = 4,
    # SV = +2, SPI = 2, at the end of February and at any later date (without the
    # freeze, December 2016 would read AT = 24, SV = -20).
    ids = ["A", "B", "C", "D"]
    c, o = _frames(
        [("A", "2015-01-31"), ("B", "2015-02-28"), ("C", "2015-03-31"), ("D", "2015-04-30")],
        [(i, "2015-01-31", "in_progress") for i in ids]
        + [(i, "2015-02-28", "complete") for i in ids],
    )
    row = one(earned_schedule(status_as_of(c, o, as_of)))
    assert row["finished_on"] == pd.Timestamp("2015-02-28")
    assert row["at_months"] == pytest.approx(2.0)
    assert row["es_months"] == pytest.approx(4.0)
    assert row["sv_months"] == pytest.approx(2.0)
    assert row["spi"] == pytest.approx(2.0)
    assert "AT is the last completion's date" in row["note"]


def test_earned_schedule_mid_month_and_explicit_start(register):
    # As of 15 June with the plan starting in December 2014. Only A and B have evidence
    # by then (the others are first observed on 30 June), and both are complete: A on
    # 28 Feb, B on 31 Mar. Basis: PV Dec 0, Jan 1 (A), Feb 1, Mar 2 (B); PD = 4 (March
    # is month 4). EV = 2 = everything planned, so AT is B's completion: 4 whole months
    # (Dec-Mar) -> ES = 4, SV = 0, SPI = 1.
    # Bound over all 7 dated: PV Dec 0, Jan 1 (A), Feb 2 (D), Mar 4 (B, H), ...; EV = 2:
    # C = #{k: PV(k) <= 2} = 3, ES bound = 3 + (2 - 2) / (4 - 2) = 3. AT now = 6 whole
    # months (Dec-May) + 15/30 of June = 6.5, so SV bound = 3 - 6.5 = -3.5.
    row = one(earned_schedule(status_as_of(*register, "2015-06-15"), plan_start="2014-12"))
    assert row["plan_start"] == pd.Timestamp("2014-12-01")
    assert row["complete_dated"] == 2
    assert row["finished_on"] == pd.Timestamp("2015-03-31")
    assert row["at_months"] == pytest.approx(4.0)
    assert row["es_months"] == pytest.approx(4.0)
    assert row["spi"] == pytest.approx(1.0)
    assert row["es_bound_months"] == pytest.approx(3.0)
    assert row["sv_bound_months"] == pytest.approx(-3.5)
    with pytest.raises(ValueError, match="plan_start '12/2014'"):
        earned_schedule(status_as_of(*register, "2015-06"), plan_start="12/2014")


def test_implied_schedule_position_of_a_published_count():
    # Four commitments due January to April 2015 and four undated (TBC): planned share
    # due by month = 1/8, 2/8, 3/8, 4/8 (undated in the denominator, never due). A
    # document publishes "9 of 20 complete" = 45% at the end of April (AT = 4).
    # 3/8 = 37.5% <= 45% < 50% = 4/8, so C = 3 (March) and the position is
    # 3 + (45 - 37.5) / (50 - 37.5) = 3.6 months; SV = 3.6 - 4 = -0.4; SPI = 0.9.
    c, o = _frames(
        [("A", "2015-01-31"), ("B", "2015-02-28"), ("C", "2015-03-31"), ("D", "2015-04-30")]
        + [(f"T{i}", None) for i in range(4)],
        [],
    )
    o = o.astype({"state": object})
    implied = metrics.implied_schedule_position(9, 20, status_as_of(c, o, "2015-04"))
    assert implied.published_share == pytest.approx(0.45)
    assert implied.commitments == 8
    assert (implied.month_before, implied.month_before_label) == (3, "2015-03")
    assert (implied.month_after, implied.month_after_label) == (4, "2015-04")
    assert implied.share_before == pytest.approx(0.375)
    assert implied.share_after == pytest.approx(0.5)
    assert implied.position_months == pytest.approx(3.6)
    assert implied.at_months == pytest.approx(4.0)
    assert implied.sv_months == pytest.approx(-0.4)
    assert implied.spi == pytest.approx(0.9)
    assert "3 + (45.0 − 37.5) / (50.0 − 37.5) = 3.60 months" in implied.derivation
    # Exactly on a step: 5 of 20 = 25% = 2/8 -> position 2 months.
    on_step = metrics.implied_schedule_position(5, 20, status_as_of(c, o, "2015-04"))
    assert on_step.position_months == pytest.approx(2.0)
    # Above the largest planned share (50%): the plan's last due month, said so.
    above = metrics.implied_schedule_position(15, 20, status_as_of(c, o, "2015-04"))
    assert above.position_months == pytest.approx(4.0) and above.month_after is None
    assert "above the plan's largest planned share" in above.note
    with pytest.raises(ValueError, match="0 <= published_complete <= published_total"):
        metrics.implied_schedule_position(21, 20, status_as_of(c, o, "2015-04"))


def test_earned_schedule_not_computable_cases(register, june):
    before = one(earned_schedule(june, plan_start="2016-01"))
    assert before["note"] == "not computable: as_of is before the plan's start"
    assert math.isnan(before["es_months"]) and math.isnan(before["spi"])
    commitments, observations = register
    undated = commitments.assign(due_end=pd.NaT, due_start=pd.NaT).astype(
        {"due_end": "datetime64[us]", "due_start": "datetime64[us]"}
    )
    status = status_as_of(undated, observations, "2015-06")
    assert one(earned_schedule(status))["note"] == "not computable: no dated commitments"
    trajectory = completion_trajectory(status)
    assert trajectory.monthly.empty
    # Dated commitments, none with evidence: nothing to put planned and earned value on;
    # the bound over all seven remains (EV 0 -> ES 0, SV bound = -AT = -6).
    silent = one(earned_schedule(status_as_of(commitments, observations.iloc[:0], "2015-06")))
    assert silent["note"] == "not computable: no dated commitment has evidence"
    assert math.isnan(silent["es_months"])
    assert silent["sv_bound_months"] == pytest.approx(-6.0)
    assert one(trajectory.forecast)["note"] == "no forecast: no dated commitments"
    two_plans = june.assign(plan=["ap-2015"] * 4 + ["cgip-2018"] * 4)
    with pytest.raises(ValueError, match="several plans"):
        earned_schedule(two_plans)
    per_plan = earned_schedule(two_plans, by="plan")
    assert per_plan["plan"].tolist() == ["ap-2015", "cgip-2018"]


def test_status_transitions(register):
    # May -> June. In May only A and B had evidence (both complete); in June C, D, E, F,
    # H gained evidence and G still has none.
    index = StatusIndex(*register, ["2015-05", "2015-06"])
    moves = status_transitions(index.status_as_of("2015-05"), index.status_as_of("2015-06"))
    assert len(moves) == 9 * 9 - 1  # every pair but (Not in register, Not in register)
    nonzero = moves[moves["n"] > 0]
    got = {
        (str(b), str(a)): n
        for b, a, n in nonzero[["status_before", "status_after", "n"]].itertuples(index=False)
    }
    assert got == {
        ("Complete", "Complete"): 2,
        ("No evidence", "In progress – completion slipped"): 1,
        ("No evidence", "Not started – completion slipped"): 1,
        ("No evidence", "Not due to have started"): 1,
        ("No evidence", "TBC"): 1,
        ("No evidence", "No evidence"): 1,
        ("No evidence", "Complete"): 1,
    }
    assert (moves["period_before"] == "2015-05").all() and (moves["period"] == "2015-06").all()


def test_transitions_match_on_id_and_count_commitments_in_one_frame_only(register):
    commitments, observations = register

    def of(ids):
        return observations[observations["commitment_id"].isin(list(ids))]

    may = status_as_of(commitments.iloc[:3], of("ABC"), "2015-05")  # A, B, C
    june = status_as_of(commitments.iloc[1:], of("BCDEFGH"), "2015-06").iloc[::-1]  # H..B
    moves = status_transitions(may, june)
    got = {
        (str(b), str(a)): n
        for b, a, n in moves[moves["n"] > 0][["status_before", "status_after", "n"]].itertuples(
            index=False
        )
    }
    # A left the register; B stayed complete; C gained evidence; D-H joined.
    assert got[("Complete", "Not in register")] == 1
    assert got[("Complete", "Complete")] == 1
    assert got[("No evidence", "In progress – completion slipped")] == 1
    assert sum(n for (b, _), n in got.items() if b == "Not in register") == 5
    with pytest.raises(ValueError, match="earlier"):
        status_transitions(june, may)


def test_one_period_only_is_said(june):
    single = status_transitions(None, june)
    assert len(single) == 1
    assert single["n"].isna().all()
    assert (
        single["note"].iloc[0]
        == "not computable: one period only (no earlier status frame to compare with)"
    )


# ------------------------------------------------------------------ breakdowns


def test_breakdown_by_theme(june):
    # Culture: A, B, E, G. Due A, B, G; G has no evidence -> due 2, behind 0 -> 0.0.
    # Finance: C, D, F, H. Due C, D, H = 3, behind C, D -> 2/3; BEI: completed H /
    # planned due C, D, H = 1/3.
    summary = schedule_summary(june, by="theme").set_index("theme")
    assert summary.loc["Culture", ["commitments", "due", "behind"]].tolist() == [4, 2, 0]
    assert summary.loc["Culture", "slippage_rate"] == 0.0
    assert summary.loc["Finance", ["commitments", "due", "behind"]].tolist() == [4, 3, 2]
    assert summary.loc["Finance", "slippage_rate"] == pytest.approx(2 / 3)
    assert summary.loc["Finance", "baseline_execution_index"] == pytest.approx(1 / 3)


def test_breakdown_by_owner(june):
    # CEx: A, C, E, F, G -> due A, C (G no evidence), behind C -> 1/2.
    # Director Delivery: B, D, H -> due 3, behind D -> 1/3.
    summary = schedule_summary(june, by="owner").set_index("owner")
    assert summary.loc["CEx", ["commitments", "due", "behind"]].tolist() == [5, 2, 1]
    assert summary.loc["Director Delivery", "slippage_rate"] == pytest.approx(1 / 3)


def test_breakdown_by_kerslake_recommendation_explodes_the_list(june):
    # KR-1: A, E, G; KR-3a: A, B; KR-5: C, F, H; (none): D. A counts under KR-1 and KR-3a.
    counts = status_counts(june, by="kerslake_refs")
    totals = counts.groupby("kerslake_ref", sort=False)["n"].sum()
    assert totals.to_dict() == {"KR-1": 3, "KR-3a": 2, "KR-5": 3, "(none)": 1}
    assert list(totals.index) == ["KR-1", "KR-3a", "KR-5", "(none)"]
    kr5 = schedule_summary(june, by="kerslake_refs").set_index("kerslake_ref").loc["KR-5"]
    # KR-5 due: C, H = 2; behind C -> 0.5.
    assert (kr5["due"], kr5["behind"], kr5["slippage_rate"]) == (2, 1, 0.5)
    kr1 = completion_trajectory(june, by="kerslake_refs").monthly.query("kerslake_ref == 'KR-1'")
    # KR-1 planned: A (Jan), G (May), E (Sep).
    assert kr1["planned_due_cum"].tolist() == [1, 1, 1, 1, 2, 2, 2, 2, 3]


def test_breakdown_by_two_columns_and_unknown_column(june):
    table = schedule_summary(june, by=["theme", "owner"])
    assert table[["theme", "owner"]].values.tolist() == [
        ["Culture", "CEx"],
        ["Culture", "Director Delivery"],
        ["Finance", "CEx"],
        ["Finance", "Director Delivery"],
    ]
    assert table["commitments"].tolist() == [3, 1, 2, 2]
    with pytest.raises(ValueError, match=r"no column\(s\) \['directorate'\]"):
        schedule_summary(june, by="directorate")


def test_metrics_as_of_by_theme_worked_by_hand(register):
    index = StatusIndex(*register, ["2015-05", "2015-06"])
    may, june = index.status_as_of("2015-05"), index.status_as_of("2015-06")
    every = metrics_as_of(june, by="theme", before=may)
    # Culture A, B, E, G: due A, B (G has no evidence), behind 0; A late by 28 days.
    # Finance C, D, F, H: due C, D, H, behind C, D; open overdue C 61, D 122 days.
    summary = every.summary.set_index("theme")
    assert summary.loc["Culture", ["due", "behind"]].tolist() == [2, 0]
    assert summary.loc["Finance", ["due", "behind"]].tolist() == [3, 2]
    slips = every.slips.set_index("theme")
    assert slips.loc["Culture", "median_days"] == pytest.approx(28)
    assert slips.loc["Finance", "median_days"] == pytest.approx((61 + 122) / 2)
    # Earned schedule, plan from January 2015 for both themes, AT = 6.
    # Culture with evidence: A Jan, B Mar, E Sep -> PV 1, 1, 2, 2, 2, 2, 2, 2, 3; EV = 2
    # (A, B): C = 8 (Jan-Aug), ES = 8 + (2 - 2) / (3 - 2) = 8, SV = +2. Bound over A, B,
    # G (May), E: PV 1, 1, 2, 2, 3, 3, 3, 3, 4 -> C = 4, ES 4, SV bound = 4 - 6 = -2.
    # Finance with evidence: D Feb, H Mar, C Apr -> PV 0, 1, 2, 3 (PD 4); EV = 1 (H):
    # C = 2, ES = 2 + (1 - 1) / (2 - 1) = 2, SV = -4; all its dated have evidence: no bound.
    es = every.earned_schedule.set_index("theme")
    assert es.loc["Culture", "es_months"] == pytest.approx(8.0)
    assert es.loc["Culture", "sv_months"] == pytest.approx(2.0)
    assert es.loc["Culture", "sv_bound_months"] == pytest.approx(-2.0)
    assert es.loc["Finance", "es_months"] == pytest.approx(2.0)
    assert es.loc["Finance", "sv_months"] == pytest.approx(-4.0)
    assert math.isnan(es.loc["Finance", "sv_bound_months"])
    # May -> June: Culture A, B stay Complete, E gains evidence (Not due), G none;
    # Finance C, D, F, H gain evidence: IP slipped, NS slipped, TBC, Complete.
    moves = every.transitions[every.transitions["n"] > 0]
    got = {
        (t, str(b), str(a)): n
        for t, b, a, n in moves[["theme", "status_before", "status_after", "n"]].itertuples(
            index=False
        )
    }
    assert got == {
        ("Culture", "Complete", "Complete"): 2,
        ("Culture", "No evidence", "Not due to have started"): 1,
        ("Culture", "No evidence", "No evidence"): 1,
        ("Finance", "No evidence", "In progress – completion slipped"): 1,
        ("Finance", "No evidence", "Not started – completion slipped"): 1,
        ("Finance", "No evidence", "TBC"): 1,
        ("Finance", "No evidence", "Complete"): 1,
    }
    # And the shared computation gives what each function gives on its own.
    pd.testing.assert_frame_equal(every.summary, schedule_summary(june, by="theme"))
    pd.testing.assert_frame_equal(every.slips, slip_summary(june, by="theme"))
    pd.testing.assert_frame_equal(every.earned_schedule, earned_schedule(june, by="theme"))
    pd.testing.assert_frame_equal(every.transitions, status_transitions(may, june, by="theme"))
    pd.testing.assert_frame_equal(
        every.trajectory.monthly, completion_trajectory(june, by="theme").monthly
    )


def test_metrics_of_many_periods_at_once(register):
    panel = status_by_period(*register, ["2015-01", "2015-06"])
    summary = schedule_summary(panel)
    assert summary["period"].tolist() == ["2015-01", "2015-06"]
    # January: only A due (on the 31st) and in progress -> due 1, behind 0.
    assert summary["due"].tolist() == [1, 5]
    assert summary["behind"].tolist() == [0, 2]


# ------------------------------------------------------------------ properties and oracle

MONTH_ENDS = [pd.Timestamp(f"2015-{m:02d}") + pd.offsets.MonthEnd(0) for m in range(1, 13)]
#: Every 11th day, and the month ends (due on the date of a period: never slipped yet).
DAYS = sorted(
    {dt.date(2015, 1, 1) + dt.timedelta(days=d) for d in range(0, 420, 11)}
    | {m.date() for m in MONTH_ENDS}
)


@st.composite
def registers(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for i in range(n):
        due = draw(st.one_of(st.none(), st.sampled_from(DAYS)))
        start = draw(
            st.one_of(st.none(), st.sampled_from([d for d in DAYS if due is None or d <= due]))
        )
        rows.append((f"C{i}", start, due, draw(st.sampled_from(["Culture", "Finance"]))))
    obs = draw(
        st.lists(
            st.tuples(
                st.sampled_from([r[0] for r in rows]),
                st.sampled_from([d.date() for d in MONTH_ENDS] + DAYS[:5]),
                st.sampled_from(OBSERVATION_STATES),
            ),
            max_size=50,
        )
    )
    return rows, obs


def to_frames(register):
    rows, obs = register
    commitments = pd.DataFrame(
        {
            "commitment_id": [r[0] for r in rows],
            "due_start": pd.to_datetime([r[1] for r in rows]).astype("datetime64[us]"),
            "due_end": pd.to_datetime([r[2] for r in rows]).astype("datetime64[us]"),
            "theme": [r[3] for r in rows],
        }
    )
    observations = pd.DataFrame(
        {
            "commitment_id": pd.Series([o[0] for o in obs], dtype="str"),
            "observed_on": pd.to_datetime([o[1] for o in obs]).astype("datetime64[us]"),
            "state": pd.Series([o[2] for o in obs], dtype="str"),
        }
    )
    return commitments, observations


def close(a, b):
    if b is None:
        return a is None or pd.isna(a)
    if isinstance(b, pd.Timestamp):
        return a == b
    return a == pytest.approx(b)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers(), st.integers(1, 11))
def test_vectorised_metrics_agree_with_the_per_row_reference(register, k):
    rows, obs = register
    commitments, observations = to_frames(register)
    before_date, as_of = MONTH_ENDS[k - 1], MONTH_ENDS[k]
    index = StatusIndex(commitments, observations, [before_date, as_of])
    before, status = index.status_as_of(before_date), index.status_as_of(as_of)
    every = metrics_as_of(status, before=before)

    pairs = [(r[0], r[2]) for r in rows]
    records = reference_status(pairs, obs, as_of.date())
    previous = reference_status(pairs, obs, before_date.date())
    ref_rows = [
        {"commitment_id": r[0], "due_start": r[1], "due_end": r[2], **rec}
        for r, rec in zip(rows, records, strict=True)
    ]
    expected = reference_metrics(
        ref_rows,
        as_of.date(),
        previous={r[0]: p["status"] for r, p in zip(rows, previous, strict=True)},
    )

    assert every.counts["n"].tolist() == [expected["counts"].get(s, 0) for s in STATUS_ORDER]
    summary = one(every.summary)
    for name in (
        "with_evidence",
        "dated",
        "planned_due",
        "due",
        "complete",
        "complete_due",
        "behind",
        "past_due",
        "due_on_date",
        "due_on_date_open",
    ):
        assert summary[name] == expected[name], name
    for name in ("slippage_rate", "behind_share", "baseline_execution_index"):
        assert close(summary[name], expected[name]), name
    on_time = one(every.on_time)
    for name in (
        "on_time",
        "late",
        "timing_unknown",
        "complete_undated",
        "first_observed_complete",
    ):
        assert on_time[name] == expected[name], name
    assert close(on_time["on_time_rate"], expected["on_time_rate"])
    slips = one(every.slips)
    assert (slips["late_complete"], slips["overdue_open"]) == (
        expected["late_complete"],
        expected["overdue_open"],
    )
    assert close(slips["median_days"], expected["median_days"])
    assert close(slips["p90_days"], expected["p90_days"])
    assert every.ageing["n"].tolist() == expected["ageing"]
    forecast = one(every.trajectory.forecast)
    assert forecast["remaining"] == expected["remaining"]
    assert forecast["recent_completions"] == expected["recent_completions"]
    assert close(
        forecast["forecast_date"],
        expected["forecast_date"] and pd.Timestamp(expected["forecast_date"]),
    )
    monthly = every.trajectory.monthly
    got = {
        m: (p, None if pd.isna(a) else a)
        for m, p, a in monthly[["month", "planned_due_cum", "actual_complete_cum"]].itertuples(
            index=False
        )
    }
    assert got == expected["monthly"]
    es = one(every.earned_schedule)
    assert close(es["es_months"], expected["es_months"])
    assert close(es["at_months"], expected["at_months"]) or expected["at_months"] is None
    assert close(es["es_bound_months"], expected["es_bound_months"])
    assert close(es["sv_bound_months"], expected["sv_bound_months"])
    moves = every.transitions
    got_moves = {
        (str(b), str(a)): n
        for b, a, n in moves[moves["n"] > 0][["status_before", "status_after", "n"]].itertuples(
            index=False
        )
    }
    assert got_moves == dict(expected["transitions"])


@settings(max_examples=80, deadline=None)
@given(registers(), st.sampled_from(MONTH_ENDS))
def test_rates_lie_in_zero_one_and_counts_sum_to_the_total(register, as_of):
    commitments, observations = to_frames(register)
    status = status_as_of(commitments, observations, as_of)
    for by in (None, "theme"):
        summary = schedule_summary(status, by=by)
        for name in ("slippage_rate", "behind_share", "evidence_coverage"):
            values = summary[name].dropna()
            assert ((values >= 0) & (values <= 1)).all(), name
        # DCMA's BEI can exceed 1 (work finished ahead of its baseline), never below 0.
        assert (summary["baseline_execution_index"].dropna() >= 0).all()
        # A NaN rate always comes with a note.
        assert (summary.loc[summary["slippage_rate"].isna(), "note"] != "").all()
        counts = status_counts(status, by=by)
        group = [] if by is None else [by]
        totals = counts.groupby(["period", *group])["n"].sum()
        assert (totals.to_numpy() == summary["commitments"].to_numpy()).all()
    assert status_counts(status)["n"].sum() == len(commitments)


# ------------------------------------------------------------------ the real 2015 plan


def test_2015_plan_planned_share_due_by_month_against_a_hand_count():
    # Hand count from the timescale column of the 2015 action plan
    # (data/raw/004_8cc2926d097384ad.txt), read action by action (plan 1: 27 actions,
    # plan 2: 29, plan 3: 16, plan 4: 14 numbered + 3 "In line with 6 above" rows = 17,
    # plan 5: 26; 115 rows). Timescales found: Dec-14 1, Jan-15 9, Feb-15 14, Mar-15 15,
    # Apr-15 14, May-15 9, Spring 15 4, Jun-15 5, Jul-15 3, Aug-15 1, Summer 15 8, Sep-15 1,
    # Oct-15 2, Autumn 15 5, Dec-15 3, Winter 15 5, Jan-16 4, Feb-16 2, Mar-16 2, Apr-16 1,
    # Spring 16 1, May-16 2, Jun-16 1, TBC 2, Ongoing 1 (sum 115; the two further "TBC"
    # on lines 997-998 are in the Responsible column of actions 4.13-4.14).
    # Seasons are meteorological: Spring 15 due 31 May, Summer 15 31 Aug, Autumn 15 30 Nov,
    # Winter 15 29 Feb 2016. Cumulative due by the end of each month of 2015:
    #   Jan: Dec-14 1 + Jan-15 9 = 10      Jul: 71 + 3 = 74
    #   Feb: 10 + 14 = 24                  Aug: 74 + Aug-15 1 + Summer 15 8 = 83
    #   Mar: 24 + 15 = 39                  Sep: 83 + 1 = 84
    #   Apr: 39 + 14 = 53                  Oct: 84 + 2 = 86
    #   May: 53 + May-15 9 + Spring 15 4 = 66   Nov: 86 + Autumn 15 5 = 91
    #   Jun: 66 + 5 = 71                   Dec: 91 + Dec-15 3 = 94
    # Planned share = cumulative due / 115 commitments (TBC and Ongoing included).
    hand_count = [10, 24, 39, 53, 66, 71, 74, 83, 84, 86, 91, 94]
    commitments = load_commitments()
    plan = commitments[commitments["plan"] == "ap-2015"].reset_index(drop=True)
    assert len(plan) == 115
    assert plan["due_end"].notna().sum() == 112  # 115 - TBC 2 - Ongoing 1
    no_evidence = pd.DataFrame(
        {
            "commitment_id": pd.Series(dtype="str"),
            "observed_on": pd.Series(dtype="datetime64[us]"),
            "state": pd.Series(dtype="str"),
        }
    )
    status = status_as_of(plan, no_evidence, "2015-12")
    monthly = completion_trajectory(status).monthly.set_index("month")
    months = [f"2015-{m:02d}" for m in range(1, 13)]
    assert monthly.loc[months, "planned_due_cum"].tolist() == hand_count
    assert monthly.loc[months, "planned_share"].tolist() == pytest.approx(
        [n / 115 for n in hand_count]
    )
    # And the summary as of December 2015 agrees: 94 planned due, none with evidence here.
    summary = one(schedule_summary(status))
    assert (summary["planned_due"], summary["due"], summary["with_evidence"]) == (94, 0, 0)
    assert np.isnan(summary["slippage_rate"])


def test_module_exports():
    assert metrics.AGEING_BUCKETS == ("0–30", "31–90", "91–180", ">180")
    assert list(metrics.TRANSITION_DTYPE.categories) == [*STATUS_ORDER, "Not in register"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registers(), st.integers(1, 11), st.sampled_from(["theme", "kerslake_refs"]))
def test_breakdowns_agree_with_the_reference_run_on_each_group(register, k, by):
    # Each group's figures must be the reference's figures on that group's commitments
    # alone (a commitment referencing two recommendations is in both groups).
    rows, obs = register
    commitments, observations = to_frames(register)
    refs = ["KR-1;KR-3a", "KR-3a", "", "KR-1"]
    commitments["kerslake_refs"] = [refs[i % 4] for i in range(len(commitments))]
    before_date, as_of = MONTH_ENDS[k - 1], MONTH_ENDS[k]
    index = StatusIndex(commitments, observations, [before_date, as_of])
    every = metrics_as_of(index.status_as_of(as_of), by=by, before=index.status_as_of(before_date))
    column = "kerslake_ref" if by == "kerslake_refs" else by

    pairs = [(r[0], r[2]) for r in rows]
    records = reference_status(pairs, obs, as_of.date())
    previous = reference_status(pairs, obs, before_date.date())
    starts = [r[1] or r[2] for r in rows if r[1] or r[2]]
    plan_start = min(starts).replace(day=1) if starts else None
    groups: dict[str, list[int]] = {}
    for i, value in enumerate(commitments[by]):
        for label in (
            (value.split(";") if value else ["(none)"]) if by == "kerslake_refs" else [value]
        ):
            groups.setdefault(label, []).append(i)
    assert sorted(every.summary[column]) == sorted(groups)
    for label, members in groups.items():
        ref_rows = [
            {
                "commitment_id": rows[i][0],
                "due_start": rows[i][1],
                "due_end": rows[i][2],
                **records[i],
            }
            for i in members
        ]
        expected = reference_metrics(
            ref_rows,
            as_of.date(),
            previous={rows[i][0]: previous[i]["status"] for i in members},
            plan_start=plan_start,
        )
        summary = one(every.summary[every.summary[column] == label])
        for name in ("commitments", "due", "behind", "complete_due", "planned_due"):
            assert summary[name] == (len(members) if name == "commitments" else expected[name]), (
                name
            )
        slips = one(every.slips[every.slips[column] == label])
        assert close(slips["median_days"], expected["median_days"])
        assert close(slips["p90_days"], expected["p90_days"])
        on_time = one(every.on_time[every.on_time[column] == label])
        assert (on_time["on_time"], on_time["late"]) == (expected["on_time"], expected["late"])
        ageing_n = every.ageing.loc[every.ageing[column] == label, "n"].tolist()
        assert ageing_n == expected["ageing"]
        forecast = one(every.trajectory.forecast[every.trajectory.forecast[column] == label])
        assert forecast["remaining"] == expected["remaining"]
        monthly = every.trajectory.monthly[every.trajectory.monthly[column] == label]
        for month, planned, actual in monthly[
            ["month", "planned_due_cum", "actual_complete_cum"]
        ].itertuples(index=False):
            if month in expected["monthly"]:
                assert (planned, None if pd.isna(actual) else actual) == expected["monthly"][month]
        es = one(every.earned_schedule[every.earned_schedule[column] == label])
        assert close(es["es_months"], expected["es_months"])
        moves = every.transitions[
            (every.transitions[column] == label) & (every.transitions["n"] > 0)
        ]
        got = {
            (str(b), str(a)): n
            for b, a, n in moves[["status_before", "status_after", "n"]].itertuples(index=False)
        }
        assert got == dict(expected["transitions"])


def test_december_2015_published_count_implies_a_schedule_position():
    # The December 2015 progress report (000_e235c92a6776d4ac.txt): "Of the 134 actions
    # in the Improvement Plan" ... "82 are complete": 82 / 134 = 61.19%.
    # The 2015 plan's own timescales (hand count in
    # test_2015_plan_planned_share_due_by_month_against_a_hand_count): the plan starts in
    # December 2014 (Dec-14, month 1); cumulative due by the end of May 2015 (month 6)
    # 66, of June 2015 (month 7) 71, of 115 commitments: 57.39% and 61.74%.
    # Position = 6 + (82/134 - 66/115) / (71/115 - 66/115)
    #          = 6 + (82 * 115 / 134 - 66) / 5 = 6 + (70.3731 - 66) / 5 = 6.8746 months.
    # AT at 31 December 2015 = 13 months; SV = 6.8746 - 13 = -6.1254; SPI = 0.5288.
    # The evidence plays no part: the planned curve and the published count decide.
    snapshots = load_snapshots()
    published = snapshots.set_index("snapshot_id")["value"]
    assert (published["PR15-complete"], published["PR15-total"]) == (82, 134)
    commitments = load_commitments()
    plan = commitments[commitments["plan"] == "ap-2015"].reset_index(drop=True)
    no_evidence = pd.DataFrame(
        {
            "commitment_id": pd.Series(dtype="str"),
            "observed_on": pd.Series(dtype="datetime64[us]"),
            "state": pd.Series(dtype="str"),
        }
    )
    implied = metrics.implied_schedule_position(82, 134, status_as_of(plan, no_evidence, "2015-12"))
    assert implied.plan_start == pd.Timestamp("2014-12-01")
    assert implied.commitments == 115
    assert (implied.month_before, implied.month_before_label) == (6, "2015-05")
    assert (implied.month_after, implied.month_after_label) == (7, "2015-06")
    assert implied.share_before == pytest.approx(66 / 115)
    assert implied.share_after == pytest.approx(71 / 115)
    assert implied.position_months == pytest.approx(6 + (82 * 115 / 134 - 66) / 5)
    assert implied.position_months == pytest.approx(6.8746, abs=1e-4)
    assert implied.at_months == pytest.approx(13.0)
    assert implied.sv_months == pytest.approx(-6.1254, abs=1e-4)
    assert implied.spi == pytest.approx(6.8746 / 13, abs=1e-4)
