"""The audit: each check on cases worked by hand from the documents, and on small registers.

Expected numbers come from the documents (quoted with their line) or from hand
arithmetic written next to them, never from the code's output.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kerslake_analysis import audit
from kerslake_analysis.audit.dates import check_dates, reported_as_past
from kerslake_analysis.audit.findings import (
    CONSISTENT,
    INCONSISTENT,
    UNVERIFIABLE,
    ClaimRef,
    Finding,
)
from kerslake_analysis.audit.outcomes import check_outcomes
from kerslake_analysis.audit.prepared import prepare_claims
from kerslake_analysis.audit.recompute import check_due_dates
from kerslake_analysis.audit.reproducibility import compare_figures, json_differences
from kerslake_analysis.audit.restated import check_restated
from kerslake_analysis.audit.rounding import (
    check_percentages,
    conventions,
    possible_counts,
    round_half_even,
    round_half_up,
)
from kerslake_analysis.audit.sums import check_sums
from kerslake_analysis.base import paths
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.provenance import SourceDocument
from kerslake_analysis.report import audit_page, page_summaries

PROGRESS = "000_e235c92a6776d4ac.txt"
CGIP = "001_3e6875fb2dbcaf44.txt"
IIF = "002_e19b15a5f720a5bc.txt"


# --------------------------------------------------------------------------- helpers


def register(*rows: dict) -> pd.DataFrame:
    """A small claims register: each row gives at least quantity_key, value and unit."""
    defaults = {"as_of": "", "text": "", "source": "test.txt", "note": ""}
    full = []
    for n, row in enumerate(rows, start=1):
        claim = {**defaults, **row}
        claim.setdefault("claim_id", f"CLM-T-{n:03d}")
        claim.setdefault("source_line", n)
        claim.setdefault("quote", f"quote {n}")
        full.append(claim)
    return prepare_claims(pd.DataFrame(full))


def involving(findings, *claim_ids: str, check: str | None = None) -> list[Finding]:
    """The findings whose claims include all of ``claim_ids``."""
    return [
        f
        for f in findings
        if set(claim_ids) <= set(f.claim_ids) and (check is None or f.check == check)
    ]


def only(findings, *claim_ids: str, check: str, subject: str = "") -> Finding:
    """The one finding of ``check`` on these claims (whose subject starts ``subject``)."""
    found = [
        f for f in involving(findings, *claim_ids, check=check) if f.subject.startswith(subject)
    ]
    assert len(found) == 1, [f.subject for f in found]
    return found[0]


@pytest.fixture(scope="module")
def tables():
    return load.load_all()


@pytest.fixture(scope="module")
def findings(tables):
    return audit.run_audit(tables=tables)


# --------------------------------------------------------------------------- 1. sums


def test_status_counts_of_december_2015_add_up_to_134(findings):
    # Line 59 of 000_…: "The Improvement Plan set out 134 actions. 82 … 17 … Eleven …
    # 21 … and 3". By hand: 82 + 17 + 11 + 21 + 3 = 134.
    finding = only(findings, "CLM-000-013", "CLM-000-014", "CLM-000-022", check="sums")
    assert finding.status == CONSISTENT
    assert "82 + 17 + 11 + 21 + 3 = 134" in finding.explanation


def test_behind_schedule_subtotal_is_the_two_slipped_statuses(findings):
    # Line 147: "which leaves 24 actions behind schedule"; line 59: 21 slipped in
    # progress and 3 not started. By hand: 21 + 3 = 24.
    finding = only(findings, "CLM-000-064", "CLM-000-020", "CLM-000-022", check="sums")
    assert finding.status == CONSISTENT
    assert "21 + 3 = 24" in finding.explanation


def test_december_2015_percentages_add_to_100_within_rounding(findings):
    # 61% + 13% + 8% + 16% + 2% = 100%; five whole-number shares may miss 100 by 2.5.
    finding = only(findings, "CLM-000-015", "CLM-000-023", check="sums")
    assert finding.status == CONSISTENT
    assert "= 100%" in finding.explanation and "97.5% to 102.5%" in finding.explanation


def test_community_safety_fund_shares_add_to_100(findings):
    # Line 241 of 001_…: approximately 75% spent, 25% carried forward: 75 + 25 = 100.
    finding = only(findings, "CLM-001-276", "CLM-001-278", check="sums")
    assert finding.status == CONSISTENT


def test_parts_that_do_not_add_up_are_inconsistent():
    claims = register(
        {"quantity_key": "x.total", "value": "10", "unit": "count"},
        {"quantity_key": "x.by_kind.a@2015-12", "value": "4", "unit": "count"},
        {"quantity_key": "x.by_kind.b@2015-12", "value": "5", "unit": "count"},
    )
    (finding,) = check_sums(claims)
    assert finding.status == INCONSISTENT
    assert "4 + 5 = 9" in finding.explanation and "10" in finding.explanation


def test_a_part_stated_with_two_values_cannot_be_added():
    claims = register(
        {"quantity_key": "x.total", "value": "10", "unit": "count"},
        {"quantity_key": "x.by_kind.a", "value": "4", "unit": "count"},
        {"quantity_key": "x.by_kind.a", "value": "5", "unit": "count"},
        {"quantity_key": "x.by_kind.b", "value": "6", "unit": "count"},
    )
    (finding,) = check_sums(claims)
    assert finding.status == UNVERIFIABLE


def test_a_wrong_subtotal_is_inconsistent():
    claims = register(
        {"quantity_key": "x.by_kind.a", "value": "21", "unit": "count"},
        {"quantity_key": "x.by_kind.b", "value": "3", "unit": "count"},
        {"quantity_key": "x.by_kind.a+b", "value": "25", "unit": "count"},
    )
    (finding,) = check_sums(claims)
    assert finding.status == INCONSISTENT
    assert "21 + 3 = 24" in finding.explanation


@pytest.mark.parametrize(
    ("values", "status"),
    [
        # three thirds written as 33% each: 99, within 3 × 0.5 = 1.5 of 100
        (("33", "33", "33"), CONSISTENT),
        # 33.3 × 3 = 99.9, within 3 × 0.05 = 0.15 of 100
        (("33.3", "33.3", "33.3"), CONSISTENT),
        # 30 × 3 = 90: more than 1.5 away from 100
        (("30", "30", "30"), INCONSISTENT),
        # 50 + 52 = 102: more than 2 × 0.5 = 1 away from 100
        (("50", "52"), INCONSISTENT),
    ],
)
def test_shares_must_add_to_100_within_rounding(values, status):
    claims = register(
        *(
            {"quantity_key": f"x.by_kind.p{i}.share", "value": v, "unit": "percent"}
            for i, v in enumerate(values)
        )
    )
    (finding,) = check_sums(claims)
    assert finding.status == status


# --------------------------------------------------------------------------- 2. percentages


def test_rounding_conventions_differ_only_half_way():
    # 1/8 = 12.5% exactly: half-up gives 13, half-even gives 12 (12 is even).
    assert round_half_up(Fraction(25, 2), 0) == 13
    assert round_half_even(Fraction(25, 2), 0) == 12
    # 5/8 = 62.5%: half-up 63, half-even 62; 3/8 = 37.5%: both 38 (38 is even).
    assert conventions(5, 8, "63") == (True, False)
    assert conventions(5, 8, "62") == (False, True)
    assert conventions(3, 8, "38") == (True, True)
    # 1/3 = 33.333…%: 33.3 at one decimal under both.
    assert conventions(1, 3, "33.3") == (True, True)


def test_grim_finds_the_counts_that_give_a_percentage():
    # Out of 8 the possible percentages are 0, 12.5, 25, 37.5, 50, …: 25% needs 2 of 8,
    # 14% is impossible, 13% needs 1 of 8 rounded half-up.
    assert possible_counts(8, "25") == ([2], [2])
    assert possible_counts(8, "14") == ([], [])
    assert possible_counts(8, "13") == ([1], [])


def test_december_2015_percentages_match_their_counts(findings):
    # By hand, of 134: 82 → 61.19% (61), 17 → 12.69% (13), 11 → 8.21% (8),
    # 21 → 15.67% (16), 3 → 2.24% (2); none is half-way, so both conventions agree.
    shares = {
        "CLM-000-015": "82 of 134 is 61.19%",
        "CLM-000-017": "17 of 134 is 12.69%",
        "CLM-000-019": "11 of 134 is 8.21%",
        "CLM-000-021": "21 of 134 is 15.67%",
        "CLM-000-023": "3 of 134 is 2.24%",
    }
    for claim, words in shares.items():
        finding = only(findings, claim, check="percentage-count")
        assert finding.status == CONSISTENT
        assert words in finding.explanation
        assert "both half-up and half-even" in finding.explanation


@pytest.mark.parametrize(
    ("stated", "status", "words"),
    [
        ("12", CONSISTENT, "half-even rounding gives it, half-up does not"),
        ("13", CONSISTENT, "half-up rounding gives it, half-even does not"),
        ("14", INCONSISTENT, "not the stated 14%"),
    ],
)
def test_a_half_way_percentage_names_the_convention(stated, status, words):
    # 1 of 8 = 12.5%: see test_rounding_conventions_differ_only_half_way.
    claims = register(
        {"quantity_key": "x.total", "value": "8", "unit": "count"},
        {"quantity_key": "x.by_kind.a", "value": "1", "unit": "count"},
        {"quantity_key": "x.by_kind.a.share", "value": stated, "unit": "percent"},
    )
    (finding,) = check_percentages(claims)
    assert finding.status == status
    assert words in finding.explanation


def test_a_percentage_without_its_count_is_tested_grim_style():
    claims = register(
        {"quantity_key": "x.total", "value": "8", "unit": "count"},
        {"quantity_key": "x.by_kind.a.share", "value": "14", "unit": "percent"},
    )
    (finding,) = check_percentages(claims)
    assert finding.status == INCONSISTENT


# --------------------------------------------------------------------------- 3. stated twice


def test_councillors_attending_80_and_82_disagree(findings):
    # Line 67: "80 councillors attending development sessions"; line 237: "82 of our
    # councillors have signed up and attended development sessions".
    finding = only(findings, "CLM-000-026", "CLM-000-076", check="stated-twice")
    assert finding.status == INCONSISTENT
    assert "80 (line 67)" in finding.explanation and "82 (line 237)" in finding.explanation


def test_workforce_strategy_span_2018_2022_against_2018_2020(findings):
    # Lines 102 and 141 of 001_…: "Workforce Strategy 2018-2022" / "2018-2020".
    finding = only(findings, "CLM-001-126", "CLM-001-160", check="stated-twice")
    assert finding.status == INCONSISTENT


def test_games_18_months_away_against_20_months(findings):
    # Lines 28 and 441 of 002_… say 18 months, line 280 says 20.
    finding = only(findings, "CLM-002-005", "CLM-002-062", check="stated-twice")
    assert finding.status == INCONSISTENT


def test_a_lower_bound_and_a_figure_above_it_agree(findings):
    # Line 85: "over 230 ideas"; line 321: "236 possible ideas"; 236 > 230.
    finding = only(findings, "CLM-000-037", "CLM-000-100", check="stated-twice")
    assert finding.status == CONSISTENT


def test_a_month_holds_a_day_in_it(findings):
    # "City Board in train for September 2018" (line 65) and "took place on 19 September"
    # (line 163).
    finding = only(findings, "CLM-001-084", "CLM-001-172", check="stated-twice")
    assert finding.status == CONSISTENT


def test_a_date_moved_by_a_later_update_is_a_revision_not_a_contradiction(findings):
    # Line 130 (August update): workshop "planned with BIIP in September"; line 171
    # (September update): "planned in October".
    finding = only(findings, "CLM-001-151", "CLM-001-189", check="stated-twice")
    assert finding.status == CONSISTENT
    assert "revised" in finding.explanation
    assert "August 2018 update gives September 2018" in finding.explanation


@pytest.mark.parametrize(
    ("rows", "status"),
    [
        # about 70 allows 63–77: 75 fits, 80 does not
        ((("70", "approx"), ("75", "")), CONSISTENT),
        ((("70", "approx"), ("80", "")), INCONSISTENT),
        # a range 2–5 and an exact 6: no common value
        ((("2", "min"), ("5", "max"), ("6", "")), INCONSISTENT),
        ((("2", "min"), ("5", "max"), ("3", "")), CONSISTENT),
    ],
)
def test_bounds_and_approximations(rows, status):
    claims = register(
        *(
            {"quantity_key": f"x.size{'.' + bound if bound else ''}", "value": v, "unit": "count"}
            for v, bound in rows
        )
    )
    (finding,) = check_restated(claims)
    assert finding.status == status


def test_a_range_read_from_one_quote_is_not_a_quantity_stated_twice():
    claims = register(
        {
            "quantity_key": "x.size.min",
            "value": "2",
            "unit": "years",
            "source_line": 5,
            "quote": "2-5 years",
        },
        {
            "quantity_key": "x.size.max",
            "value": "5",
            "unit": "years",
            "source_line": 5,
            "quote": "2-5 years",
        },
    )
    assert check_restated(claims) == []


def test_statements_in_different_units_cannot_be_compared():
    claims = register(
        {"quantity_key": "x.size", "value": "2", "unit": "years"},
        {"quantity_key": "x.size", "value": "24", "unit": "months"},
    )
    (finding,) = check_restated(claims)
    assert finding.status == UNVERIFIABLE


# --------------------------------------------------------------------------- 4. dates


def test_games_18_months_away_fits_january_2021_not_the_printed_header(findings):
    # Line 1 of 002_… prints "19 January 2020"; the Games opened on 28 July 2022.
    # From 19 January 2021: to 19 January 2022 is 365 days, to 19 July 2022 a further
    # 31+28+31+30+31+30 = 181 days, plus 9 days to 28 July: 555 days = 555 / 30.436875
    # = 18.23 months, so "18 months away" fits. From 19 January 2020 add the 366 days of
    # 2020: 921 days = 30.26 months, so it does not.
    finding = only(findings, "CLM-002-005", "CLM-002-001", check="dates")
    assert finding.status == INCONSISTENT
    assert "30.3 months" in finding.explanation
    assert "18.2 months, which fits" in finding.explanation


def test_games_20_months_away_fits_neither_date(findings):
    # Line 280: "in just 20 months-time": neither 30.3 nor 18.2 months rounds to 20.
    finding = only(findings, "CLM-002-062", "CLM-002-001", check="dates")
    assert finding.status == INCONSISTENT
    assert "does not fit either" in finding.explanation


def test_2021_header_date_is_earlier_than_events_the_report_calls_past(findings):
    # Line 118: the Delivery Plan "agreed by Cabinet in November 2020", after the
    # header's 19 January 2020, which was a Sunday (19 January 2021 was a Tuesday).
    finding = only(findings, "CLM-002-001", "CLM-002-022", check="dates")
    assert finding.status == INCONSISTENT
    assert "a Sunday" in finding.explanation and "a Tuesday" in finding.explanation


def test_progress_report_twelve_months_after_the_review(findings):
    # Published December 2014 (line 43), report December 2015: 12 months.
    finding = only(findings, "CLM-000-007", check="dates")
    assert finding.status == CONSISTENT


def test_staff_survey_two_months_early(findings):
    # Live 3 July 2018 (line 53), target September 2018: 60 to 89 days, 2.0 to 2.9
    # months, so "2 months earlier than planned" fits.
    finding = only(findings, "CLM-001-065", "CLM-001-066", check="dates")
    assert finding.status == CONSISTENT


def test_a_duration_that_does_not_fit_its_dates_is_inconsistent():
    # 2014-12 to 2015-12 is 11.0 to 13.0 months (335 to 395 days): 14 does not fit.
    claims = register(
        {"quantity_key": "progress15.report.months_after_review", "value": "14", "unit": "months"},
        {"quantity_key": "kerslake.review.published.date", "value": "2014-12", "unit": "date"},
        {"quantity_key": "progress15.report.date", "value": "2015-12", "unit": "date"},
    )
    (finding,) = check_dates(claims)
    assert finding.status == INCONSISTENT
    assert "between 11.0 and 13.0 months" in finding.explanation


def test_an_end_before_its_start_is_inconsistent():
    claims = register(
        {"quantity_key": "x.consultation.start.date", "value": "2016-02", "unit": "date"},
        {"quantity_key": "x.consultation.end.date", "value": "2016-01-08", "unit": "date"},
    )
    (finding,) = check_dates(claims)
    assert finding.status == INCONSISTENT


def test_past_events_are_told_from_plans_by_their_sentence():
    claims = register(
        {
            "quantity_key": "x.agreed.date",
            "value": "2020-11",
            "unit": "date",
            "text": "The plan was agreed in November 2020.",
        },
        {
            "quantity_key": "y.agreed.date",
            "value": "2016-06",
            "unit": "date",
            "text": "A model will be agreed by June.",
        },
        {
            "quantity_key": "z.target_year",
            "value": "2020",
            "unit": "date",
            "text": "The council agreed a 2020 vision.",
        },
    )
    assert reported_as_past(claims).tolist() == [True, False, False]


# --------------------------------------------------------------------------- 5. recomputation


def test_134_actions_are_not_the_published_plan(findings):
    # The plan (004_…) numbers 27 + 29 + 16 + 14 + 26 = 112 actions, plus 4.6a–c = 115.
    finding = only(
        findings, "CLM-000-013", "CLM-000-060", check="recomputation", subject="Number of"
    )
    assert finding.status == INCONSISTENT
    assert "112 numbered actions (115" in finding.explanation
    assert "19 actions" in finding.explanation  # 134 - 115


def test_not_due_to_have_started_by_the_plan_timescales(findings):
    # Timescales after December 2015 in the plan: 1.16 Mar-16, 1.27 Spring 16, 2.8
    # Feb-16, 2.19 Apr-16, 2.27 and 2.28 Jan-16, 2.29 Feb-16, 3.16 Jan-16, 5.16 Jan-16,
    # 5.23 Mar-16, 5.24 and 5.25 May-16, 5.26 Jun-16: 13 (the report says 11). With the
    # five Winter 15 actions (1.11, 1.26, 2.6, 2.7, 2.18, due to finish by February
    # 2016) 18 were not yet due to finish; 4.4 and 4.13 (TBC) and 4.5 (Ongoing) have no
    # date. The report's key (000 line 185): "Not Due to have Started = Action not
    # started, but not due yet": an action started early is In Progress, so the stated
    # count can be at most 13; 11 <= 13 fits (2 may have started early).
    finding = only(findings, "CLM-000-018", "CLM-000-063", check="recomputation")
    assert finding.status == CONSISTENT
    assert "13 of its 115 actions" in finding.explanation
    assert "18 were not yet due to finish and 3 had no date" in finding.explanation
    assert "at most 13" in finding.explanation and "2 may have been started early" in (
        finding.explanation
    )


def test_behind_schedule_against_the_plan_trajectory(findings):
    # Due by 31 December 2015: 112 dated - 18 = 94 of 115 = 81.7%. Complete 82/134 =
    # 61.2%. At least 81.74% - 61.19% = 20.55% behind, 0.2055 × 134 = 27.5 ≈ 28 actions;
    # the report says 24 = 17.9%.
    finding = only(findings, "CLM-000-020", "CLM-000-022", "CLM-000-014", check="recomputation")
    assert finding.status == INCONSISTENT
    for words in ("94 of its 115 actions (81.7%)", "(61.2%)", "about 28 of 134", "24 (17.9%)"):
        assert words in finding.explanation


def test_eleven_recommendations_are_counted_in_the_data(findings):
    finding = only(findings, "CLM-000-052", check="recomputation")
    assert finding.status == CONSISTENT


def test_every_2015_action_due_date_matches_the_commitments(findings):
    due = [f for f in findings if f.subject.startswith("Due date of AP15-")]
    assert len(due) == 112  # every dated action of the plan
    assert {f.status for f in due} == {CONSISTENT}


def test_a_due_date_the_data_reads_differently_is_inconsistent(tables):
    claims = register(
        {"quantity_key": "ap15.action.1-1.due", "value": "2015-03", "unit": "date"},
    )
    (finding,) = check_due_dates(claims, tables["commitments"])
    # AP15-1.1's timescale is "Feb-15" (004_…), not March.
    assert finding.status == INCONSISTENT
    assert "'Feb-15'" in finding.explanation


# --------------------------------------------------------------------------- 6. outcomes


def test_scrutiny_committees_five_against_no_more_than_three(findings):
    # Recommendation 7d (line 393): "no more than 3"; line 102: "reduced to five".
    finding = only(findings, "CLM-000-131", "CLM-000-041", check="recommendation-outcome")
    assert finding.status == INCONSISTENT


def test_all_out_elections_2018_against_may_2017(findings):
    # Recommendation 4 (line 296): "enable elections by May 2017"; line 298: the first
    # all-out election "should take place in 2018".
    finding = only(findings, "CLM-000-092", "CLM-000-093", check="recommendation-outcome")
    assert finding.status == INCONSISTENT


def test_financial_plan_to_2019_20_meets_up_to_2018_19(findings):
    # Recommendation 5 (line 302): "up to 2018/19"; line 83: "outlook to 2019-20".
    finding = only(findings, "CLM-000-098", "CLM-000-035", check="recommendation-outcome")
    assert finding.status == CONSISTENT


def test_recommendations_1_and_2_are_met_by_this_very_report(findings):
    # Line 195: recommendations 1 and 2 require "a report to the Secretary of State in
    # December 2015". Line 200, the same paragraph: "This report is the December report
    # referred in the recommendation, and the Panel will write to the Secretary of State
    # itself in January 2016." The report is dated "December 2015" (line 3). So the
    # December report exists in December 2015 (met); the January 2016 letter (lines 51,
    # 132, 200: "writing to him again") is a further letter, not the December report.
    finding = only(findings, "CLM-000-066", check="recommendation-outcome")
    assert finding.status == CONSISTENT
    assert {"CLM-000-001", "CLM-000-069"} <= set(finding.claim_ids)
    assert not {"CLM-000-011", "CLM-000-058", "CLM-000-070"} & set(finding.claim_ids)
    assert "This report is the December report referred in the recommendation" in (
        finding.explanation
    )


def test_recommendation_11_plan_for_government_not_met_in_context(findings):
    # Line 505: an agreed plan "including proposals for Government by April 2015". Line
    # 509: the Board had planned "to pull together a multi-agency plan to share with
    # Government, but on reflection decided that this was not the best way to proceed".
    # No figure states an outcome, but the text says the plan was not produced: not met.
    finding = only(findings, "CLM-000-175", check="recommendation-outcome")
    assert finding.status == INCONSISTENT
    assert "on reflection decided" in finding.explanation


def test_every_recommendation_outcome_finding_records_its_context(findings):
    # Item 10 of issue 12: no target is judged without reading the lines around it; the
    # register note of each target says which lines were read and what they say.
    outcome = [f for f in findings if f.check == "recommendation-outcome"]
    assert len(outcome) == 17
    for finding in outcome:
        assert "Context checked: " in finding.explanation, finding.subject


def test_a_recommendation_with_no_reported_outcome_is_unverifiable(findings):
    finding = only(findings, "CLM-000-153", check="recommendation-outcome")
    assert finding.status == UNVERIFIABLE


def test_an_aim_is_judged_only_by_a_later_document():
    aim = {
        "quantity_key": "x.share.target.min",
        "value": "80",
        "unit": "percent",
        "source": "early.txt",
    }
    same = register(
        aim, {"quantity_key": "x.share", "value": "20", "unit": "percent", "source": "early.txt"}
    )
    dates = {"early.txt": pd.Timestamp("2021-01-19"), "late.txt": pd.Timestamp("2023-01-01")}
    (finding,) = check_outcomes(same, dates)
    assert finding.status == UNVERIFIABLE
    later = register(
        aim, {"quantity_key": "x.share", "value": "85", "unit": "percent", "source": "late.txt"}
    )
    (finding,) = check_outcomes(later, dates)
    assert finding.status == CONSISTENT


# --------------------------------------------------------------------------- the whole audit


def test_every_claim_has_at_least_one_finding(findings, tables):
    covered = {claim for finding in findings for claim in finding.claim_ids}
    assert covered == set(tables["claims"]["claim_id"])


def test_claims_no_check_can_test_say_why(findings):
    untested = [f for f in findings if f.check == "no-counterpart"]
    assert untested
    for finding in untested:
        assert finding.status == UNVERIFIABLE and len(finding.claims) == 1
        assert finding.explanation.endswith(".")


def test_every_quote_in_the_findings_is_on_its_line(findings):
    documents = {}
    for finding in findings:
        for ref in finding.claims:
            key = next(k for k, v in paths.SOURCE_FILES.items() if v == ref.source)
            document = documents.setdefault(key, SourceDocument.open(key))
            assert ref.quote in document.lines[ref.source_line - 1], ref


def test_findings_json_structure_and_determinism(findings, tables, tmp_path):
    first = audit.write_findings(findings, tmp_path / "a.json")
    second = audit.write_findings(audit.run_audit(tables=tables), tmp_path / "b.json")
    text = first.read_text(encoding="utf-8")
    assert text == second.read_text(encoding="utf-8")
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert len(data) == len(findings)
    for item in data:
        assert {"check", "status", "claims", "explanation"} <= set(item)
        assert item["check"] in audit.CHECKS and item["status"] in audit.STATUSES
        assert item["claims"] and item["explanation"]
        for claim in item["claims"]:
            assert set(claim) == {"claim_id", "source", "source_line", "quote"}
            assert isinstance(claim["source_line"], int)


def test_findings_read_back_equal_those_written(findings, tmp_path):
    path = audit.write_findings(findings, tmp_path)
    assert path.name == "findings.json"
    assert audit.read_findings(tmp_path) == audit.sort_findings(findings)


def test_a_broken_findings_file_names_the_entry(tmp_path):
    (tmp_path / "findings.json").write_text('[{"check": "sums"}]', encoding="utf-8")
    with pytest.raises(ValueError, match="finding 0"):
        audit.read_findings(tmp_path)


def test_summary_line_and_figures_count_claims_by_their_worst_finding():
    a, b, c = (ClaimRef(f"C-{n}", "f.txt", n, "q") for n in (1, 2, 3))
    found = [
        Finding("sums", CONSISTENT, "s", "e", (a, b)),
        Finding("dates", INCONSISTENT, "s", "e", (b,)),
        Finding("no-counterpart", UNVERIFIABLE, "s", "e", (c,)),
    ]
    # C-1 consistent; C-2 consistent once and inconsistent once, so inconsistent;
    # C-3 unverifiable.
    assert audit.summary_line(found) == (
        "3 claims checked: 1 consistent, 1 inconsistent, 1 unverifiable "
        "(3 findings, 1 inconsistent)"
    )
    numbers = audit.figures(found)
    assert numbers["claims_checked"] == 3 and numbers["findings"] == 3
    assert numbers["findings_by_check"]["dates"] == {
        CONSISTENT: 0,
        INCONSISTENT: 1,
        UNVERIFIABLE: 0,
    }


def test_strict_exit_code():
    ref = ClaimRef("C-1", "f.txt", 1, "q")
    assert audit.strict_exit_code([Finding("sums", CONSISTENT, "s", "e", (ref,))]) == 0
    assert audit.strict_exit_code([Finding("sums", UNVERIFIABLE, "s", "e", (ref,))]) == 0
    assert audit.strict_exit_code([Finding("sums", INCONSISTENT, "s", "e", (ref,))]) == 1


def test_the_real_register_fails_strict(findings):
    # 80 against 82 councillors alone is inconsistent.
    assert audit.strict_exit_code(findings) == 1


def test_a_finding_needs_a_known_check_status_and_claims():
    ref = ClaimRef("C-1", "f.txt", 1, "q")
    with pytest.raises(ValueError, match="unknown check"):
        Finding("spelling", CONSISTENT, "s", "e", (ref,))
    with pytest.raises(ValueError, match="unknown status"):
        Finding("sums", "fine", "s", "e", (ref,))
    with pytest.raises(ValueError, match="no claims"):
        Finding("sums", CONSISTENT, "s", "e", ())


def test_a_malformed_register_names_the_claim_and_column():
    with pytest.raises(ValueError, match=r"column value: is not a number: CLM-T-001"):
        register({"quantity_key": "x.total", "value": "many", "unit": "count"})
    with pytest.raises(ValueError, match=r"missing column\(s\) note"):
        prepare_claims(
            pd.DataFrame(
                {
                    c: []
                    for c in (
                        "claim_id",
                        "quantity_key",
                        "value",
                        "unit",
                        "as_of",
                        "text",
                        "source",
                        "source_line",
                        "quote",
                    )
                }
            )
        )


# --------------------------------------------------------------------------- compare_figures


def write_figures(root, name, data):
    path = root / name / "figures.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_identical_trees_have_no_differences(tmp_path):
    for side in ("old", "new"):
        write_figures(tmp_path / side, "cgip-2018/2018-09", {"complete": 21, "rate": 0.5})
    assert compare_figures(tmp_path / "old", tmp_path / "new") == []


def test_every_difference_is_listed_with_its_key_path(tmp_path):
    write_figures(tmp_path / "old", "a", {"now": {"complete": 21, "ids": [1, 2]}, "gone": 1})
    write_figures(tmp_path / "new", "a", {"now": {"complete": 22, "ids": [1, 2, 3]}, "new": 1})
    write_figures(tmp_path / "old", "b", {})
    write_figures(tmp_path / "new", "c", {})
    assert compare_figures(tmp_path / "old", tmp_path / "new") == [
        "a/figures.json: gone: only in old: 1",
        "a/figures.json: new: only in new: 1",
        "a/figures.json: now.complete: 21 -> 22",
        "a/figures.json: now.ids: length 2 -> 3",
        "a/figures.json: now.ids[2]: only in new: 3",
        f"b/figures.json: only in {tmp_path / 'old'}",
        f"c/figures.json: only in {tmp_path / 'new'}",
    ]


def test_numbers_compare_by_value_and_types_by_kind():
    assert json_differences({"x": 1}, {"x": 1.0}) == []
    assert json_differences({"x": 1}, {"x": True}) == ["x: 1 -> true (type changed)"]
    assert json_differences({"x": "1"}, {"x": 1}) == ['x: "1" -> 1 (type changed)']


def test_a_broken_figures_file_is_reported(tmp_path):
    write_figures(tmp_path / "old", "a", {})
    (tmp_path / "new" / "a").mkdir(parents=True)
    (tmp_path / "new" / "a" / "figures.json").write_text("{", encoding="utf-8")
    (line,) = compare_figures(tmp_path / "old", tmp_path / "new")
    assert line.startswith("a/figures.json: new file is not valid JSON")


def test_a_missing_reports_folder_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such reports folder"):
        compare_figures(tmp_path / "nowhere", tmp_path)


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    result = audit_page.render_audit(out)
    assert result.ok, result.error
    return out


def test_audit_page_has_no_scripts_and_no_code(rendered):
    html = (rendered / "audit.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    for code in ("import ", "run_audit(", "show.show_", "page.status_chart", "Traceback"):
        assert code not in html, code
    assert "In&nbsp;[" not in html and "Out[" not in html


def test_audit_page_summary_equals_the_findings_written_beside_it(rendered, findings):
    written = json.loads((rendered / "findings.json").read_text(encoding="utf-8"))
    numbers = json.loads((rendered / "figures.json").read_text(encoding="utf-8"))
    assert numbers == audit.figures(findings)
    assert (rendered / "findings.json").read_text(encoding="utf-8") == audit.findings_json(findings)
    claims = {c["claim_id"] for f in written for c in f["claims"]}
    worst = {}
    order = {INCONSISTENT: 0, CONSISTENT: 1, UNVERIFIABLE: 2}
    for finding in written:
        for claim in finding["claims"]:
            current = worst.get(claim["claim_id"], UNVERIFIABLE)
            worst[claim["claim_id"]] = min(current, finding["status"], key=order.get)
    expected = {
        "Claims checked": (len(claims), len(written)),
        **{
            status.capitalize(): (
                sum(v == status for v in worst.values()),
                sum(f["status"] == status for f in written),
            )
            for status in (CONSISTENT, INCONSISTENT, UNVERIFIABLE)
        },
    }
    soup = BeautifulSoup((rendered / "audit.html").read_text(encoding="utf-8"), "html.parser")
    table = next(t for t in soup.find_all("table") if t.caption and "by result" in t.caption.text)
    shown = {
        cells[0]: (int(cells[1]), int(cells[2]))
        for cells in ([td.text for td in tr.find_all("td")] for tr in table.find_all("tr"))
        if cells
    }
    assert shown == expected
    assert shown["Claims checked"][0] == len(load.load_claims())


def test_audit_page_lists_each_inconsistency_with_file_and_line(rendered, findings):
    soup = BeautifulSoup((rendered / "audit.html").read_text(encoding="utf-8"), "html.parser")
    headings = [h.text for h in soup.find_all("h3")]
    inconsistent = [f for f in findings if f.status == INCONSISTENT]
    assert headings[: len(inconsistent)] == [f.subject for f in inconsistent]
    text = soup.get_text(" ")
    assert "80 councillors attending development sessions" in text
    assert re.search(r"000_e235c92a6776d4ac\.txt\s+67", text)


def test_audit_notebook_has_one_parameters_cell_of_typed_literals():
    nb = json.loads(audit_page.AUDIT_NOTEBOOK.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    lines = [ln for ln in "".join(tagged[0]["source"]).splitlines() if ln.strip()]
    assert [ln.split(":")[0] for ln in lines] == ["curated_dir", "output_dir"]
    for line in lines:
        assert ': str = ""  # ' in line, line


@pytest.mark.parametrize(
    ("stated", "status"), [(2, CONSISTENT), (3, CONSISTENT), (4, INCONSISTENT)]
)
def test_not_due_to_have_started_is_at_most_the_actions_whose_window_opens_later(stated, status):
    from kerslake_analysis.audit.recompute import _not_due

    # Three of four actions open after 31 December 2015 (January, February, March 2016);
    # one opened in 2015. An action started early counts as In Progress in the report's
    # key, so a stated 2 or 3 fits and 4 does not.
    plan = pd.DataFrame(
        {
            "due_start": pd.to_datetime(["2015-06-01", "2016-01-01", "2016-02-01", "2016-03-01"]),
            "due_end": pd.to_datetime(["2015-06-30", "2016-01-31", "2016-02-29", "2016-03-31"]),
        }
    )
    claims = pd.DataFrame(
        {
            "claim_id": ["C-1"],
            "source": [PROGRESS],
            "source_line": [59],
            "quote": [f"{stated} actions were not due to have started yet"],
            "bound": [""],
            "number": [float(stated)],
        }
    )
    finding = _not_due(claims, plan, pd.Timestamp("2015-12-31"))
    assert finding.status == status
    assert "3 of its 4 actions" in finding.explanation


def test_the_audit_headline_tells_missed_targets_from_wrong_figures():
    # Four claims: C-1 and C-2 stated differently (one stated-twice finding), C-3 a
    # target a later document shows was missed, C-4 with nothing to test against.
    # Examined 4, testable 4 - 1 = 3, consistent 0, inconsistent 3 in 2 findings.
    ref = {i: ClaimRef(f"C-{i}", PROGRESS, i, "q") for i in range(1, 5)}
    findings = [
        Finding("stated-twice", INCONSISTENT, "s", "e", (ref[1], ref[2])),
        Finding("recommendation-outcome", INCONSISTENT, "s", "e", (ref[3],)),
        Finding("no-counterpart", UNVERIFIABLE, "s", "e", (ref[4],)),
    ]
    text = page_summaries.audit_headline(findings)
    assert "state 4 figures; all were examined and 3 could be tested" in text
    assert "3 are involved in 2 inconsistent findings" in text
    assert "1 (2 figures) where the documents state a figure differently" in text
    assert "1 (1 figures) where a later document shows a target was not met" in text
    assert "not borne out" not in text  # no recomputation finding
