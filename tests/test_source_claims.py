"""Tests for the claims register (data/transcriptions/claims.csv, ingest/documents/claims.py).

Expected values below were read off the raw documents by hand; the line numbers are
those of the raw files in data/raw/.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd
import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.documents import claims as claims_module

PROGRESS = "000_e235c92a6776d4ac.txt"  # Progress Report on Kerslake Recommendations, Dec 2015
CGIP = "001_3e6875fb2dbcaf44.txt"  # Corporate Governance Improvement Plan, September 2018
IIF = "002_e19b15a5f720a5bc.txt"  # Cabinet report "Investing in our Future 2021-2026"
GAP = "003_5c42c1f83524bff3.txt"  # Gap analysis summary, March 2016
PLAN = "004_8cc2926d097384ad.txt"  # Kerslake Review action plan 2015

# The key grammar of data/transcriptions/README.md, written out independently of the module.
SEGMENT = r"[a-z0-9][a-z0-9_-]*"
KEY = re.compile(rf"[a-z][a-z0-9_]*(\.{SEGMENT}(\+{SEGMENT})*)+(@\d{{4}}(-\d{{2}})?)?")


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return claims_module.build()["claims"]


@pytest.fixture(scope="module")
def raw_lines() -> dict[str, list[str]]:
    return {
        name: (paths.RAW_DIR / name).read_text(encoding="utf-8").split("\n")
        for name in (PROGRESS, CGIP, IIF, GAP, PLAN)
    }


def _claim(claims: pd.DataFrame, source: str, line: int, key: str) -> pd.Series:
    rows = claims[
        (claims["source"] == source)
        & (claims["source_line"] == line)
        & (claims["quantity_key"] == key)
    ]
    assert len(rows) >= 1, f"no claim {key} on {source}:{line}"
    assert rows["value"].nunique() == 1, f"{key} on {source}:{line} has several values"
    return rows.iloc[0]


# --- structure ------------------------------------------------------------------------


def test_build_returns_the_claims_table_from_all_five_documents(claims):
    assert list(claims.columns) == list(claims_module.COLUMNS)
    assert claims["source_line"].dtype == "int64"
    assert set(claims["source"]) == {PROGRESS, CGIP, IIF, GAP, PLAN}


def test_every_quote_is_verbatim_on_its_stated_line(claims, raw_lines):
    misses = [
        (row.claim_id, row.source, row.source_line, row.quote)
        for row in claims.itertuples()
        if row.quote not in raw_lines[row.source][row.source_line - 1]
    ]
    assert misses == []


def test_ids_are_unique_and_run_by_file_then_line(claims):
    assert claims["claim_id"].is_unique
    assert (claims["claim_id"].str[4:7] == claims["source"].str[:3]).all()
    for _, group in claims.groupby("source"):
        ordered = group.sort_values("claim_id")
        assert ordered["source_line"].is_monotonic_increasing
        numbers = ordered["claim_id"].str[8:].astype(int).tolist()
        assert numbers == list(range(1, len(group) + 1))


def test_keys_follow_the_grammar(claims):
    bad = claims.loc[~claims["quantity_key"].map(lambda k: bool(KEY.fullmatch(k))), "quantity_key"]
    assert bad.tolist() == []


def test_units_and_values_agree(claims):
    assert set(claims["unit"]) <= claims_module.UNITS
    numeric = claims[claims["unit"].isin(claims_module.NUMBER_UNITS)]
    assert pd.to_numeric(numeric["value"], errors="coerce").notna().all()
    dates = claims.loc[claims["unit"] == "date", "value"]
    assert dates.str.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?").all()
    periods = claims.loc[claims["unit"] == "period", "value"].str.split("/", expand=True)
    assert (periods[0] <= periods[1]).all()


def test_split_key_separates_bound_and_period():
    assert claims_module.split_key("bcc.scrutiny_committees.total.target.max") == (
        "bcc.scrutiny_committees.total.target",
        "max",
        "",
    )
    assert claims_module.split_key("ap15.actions.by_status.complete@2015-12") == (
        "ap15.actions.by_status.complete",
        "",
        "2015-12",
    )
    with pytest.raises(claims_module.ClaimsError, match="grammar"):
        claims_module.split_key("Not A Key")


# --- a sample checked by hand ---------------------------------------------------------

# (source, line, key, value, unit), each read off the document.
HAND_CHECKED = [
    (PROGRESS, 3, "progress15.report.date", "2015-12", "date"),  # "December 2015"
    (PROGRESS, 59, "ap15.actions.total", "134", "count"),  # "set out 134 actions"
    (PROGRESS, 59, "ap15.actions.by_status.complete.share@2015-12", "61", "percent"),
    (PROGRESS, 59, "ap15.actions.by_status.not_due@2015-12", "11", "count"),  # "Eleven actions"
    (
        PROGRESS,
        147,
        "ap15.actions.by_status.in_progress_slipped+not_started_slipped@2015-12",
        "24",
        "count",
    ),  # "leaves 24 actions behind schedule"
    (PROGRESS, 43, "progress15.report.months_after_review", "12", "months"),  # "twelve months"
    (PROGRESS, 120, "wmca.devolution_deal.value", "8000000000", "gbp"),  # "£8 billion"
    (PROGRESS, 132, "kerslake.recommendations.total", "11", "count"),  # "11 recommendations"
    (PROGRESS, 393, "bcc.scrutiny_committees.total.target.max", "3", "count"),  # "no more than 3"
    (PROGRESS, 298, "lgbce.initial_proposals.date", "2015-12-15", "date"),  # "15th December"
    (PROGRESS, 494, "wmca.devolution_deal.land_remediation_fund", "200000000", "gbp"),  # £200m
    (CGIP, 6, "cgip18.report.date", "2018-09", "date"),  # "September Update 2018"
    (CGIP, 53, "cgip18.staff_survey.response_rate@2018", "26", "percent"),
    (CGIP, 53, "cgip18.staff_survey.response_rate@2016", "12.5", "percent"),
    (CGIP, 53, "cgip18.staff_survey.date", "2018-07-03", "date"),  # "on 3 July 2018"
    (CGIP, 157, "cgip18.staff_survey.messages", "2500", "count"),  # "2,500 messages"
    (CGIP, 241, "bcsp.legacy_funding", "1173000", "gbp"),  # "£1,173,000"
    (CGIP, 241, "bcsp.eif_bid.annual.max", "350000", "gbp"),  # "up to the value of £350K"
    (CGIP, 163, "cgip18.city_board.first_meeting.date", "2018-09-19", "date"),  # "19 September"
    (IIF, 1, "iif21.report.date", "2020-01-19", "date"),  # "19 January 2020" (as printed)
    (IIF, 28, "cwg.months_away", "18", "months"),  # "only 18 months away"
    (IIF, 43, "iif21.senior_management.cost_increase.annual", "510000", "gbp"),  # "£0.51m"
    (IIF, 132, "iif21.discovery.phase1.spend", "1141320", "gbp"),  # "£1,141,320"
    (IIF, 183, "bham.covid.jobs_lost", "33000", "count"),  # "33,000 people"
    (IIF, 300, "bcc.ceo.direct_reports", "10", "count"),  # "ten direct reports"
    (IIF, 300, "bcc.span_of_control", "6", "ratio"),  # "1:6"
    (GAP, 3, "gap16.report.date", "2016-03", "date"),  # "March 2016"
    (GAP, 51, "bcc.stonewall_index.rank@2016", "28", "rank"),  # "placed 28th"
    (GAP, 51, "bcc.stonewall_index.rank@2015", "59", "rank"),  # "59th place in 2015"
    (GAP, 41, "sutton_coldfield.town_council.established.date", "2016-03-01", "date"),
    (PLAN, 3, "kerslake.review.published.date", "2014-12", "date"),  # "December 2014"
    (PLAN, 138, "ap15.action.1-2.due", "2015-03", "date"),  # "... supplementary Mar-15"
    (PLAN, 213, "ap15.action.1-11.due", "2015-12/2016-02", "period"),  # "Winter 15"
    (PLAN, 872, "lgbce.meeting.date", "2015-02-06", "date"),  # "on 6 Feb"
    (PLAN, 50, "bcc.financial_plan.length.planned", "5", "years"),  # "a five-year plan"
]


@pytest.mark.parametrize(("source", "line", "key", "value", "unit"), HAND_CHECKED)
def test_hand_checked_claim(claims, source, line, key, value, unit):
    claim = _claim(claims, source, line, key)
    assert (claim["value"], claim["unit"]) == (value, unit)


def test_hand_checked_sample_covers_all_five_documents():
    assert {source for source, *_ in HAND_CHECKED} == {PROGRESS, CGIP, IIF, GAP, PLAN}
    assert len(HAND_CHECKED) >= 15


# --- one quantity stated twice ----------------------------------------------------------

# Quantities stated more than once, found by reading: key -> the (source, line) pairs that
# state it, and the values they state (one value when the statements agree).
STATED_TWICE = {
    "ap15.actions.total": ([(PROGRESS, 59), (PROGRESS, 147)], {"134"}),
    "ap15.actions.by_status.complete@2015-12": ([(PROGRESS, 59), (PROGRESS, 147)], {"82"}),
    "ap15.actions.by_status.in_progress@2015-12": ([(PROGRESS, 59), (PROGRESS, 147)], {"17"}),
    "ap15.actions.by_status.not_due@2015-12": ([(PROGRESS, 59), (PROGRESS, 147)], {"11"}),
    "kerslake.review.published.date": (
        [(PROGRESS, 43), (PROGRESS, 51), (PLAN, 3)],
        {"2014-12"},
    ),
    "iip.letters_to_sos.total@2015": ([(PROGRESS, 51), (PROGRESS, 132)], {"3"}),  # three / 3
    "iip.report_to_sos.date": ([(PROGRESS, 51), (PROGRESS, 132), (PROGRESS, 200)], {"2016-01"}),
    "ap15.key_areas.total": ([(PROGRESS, 53), (PROGRESS, 136)], {"5"}),
    "bcc.council_size.recommended": ([(PROGRESS, 79), (PROGRESS, 298)], {"100"}),
    "bcc.all_out_elections.first.date": ([(PROGRESS, 79), (PROGRESS, 298)], {"2018"}),
    "bcc.scrutiny_committees.total": ([(PROGRESS, 102), (PROGRESS, 423)], {"5"}),
    "bcc.agm_2015.date": ([(PROGRESS, 406), (PROGRESS, 423)], {"2015-05-21"}),
    "wmca.devolution_deal.value": ([(PROGRESS, 120), (PROGRESS, 490)], {"8000000000"}),
    "wmca.shadow_board.announced.date": ([(PROGRESS, 120), (PROGRESS, 481)], {"2015-08-24"}),
    "wmca.leps.total": ([(PROGRESS, 118), (PROGRESS, 475)], {"3"}),
    "bcc.political_groups.total": (
        [(PROGRESS, 13), (PROGRESS, 249), (GAP, 11), (GAP, 13)],
        {"3"},
    ),  # "all three of the political groups" ... "three group leaders"
    "bcc.all_out_elections.cycle": ([(PROGRESS, 79), (CGIP, 39)], {"4"}),  # four yearly / 4-year
    "bcc.vision.target_year": ([(PROGRESS, 69), (GAP, 25), (PLAN, 223)], {"2020"}),
    "bcc.budget.next.period": ([(PROGRESS, 198), (PLAN, 387)], {"2016-04/2017-03"}),
    "cwg.year": ([(IIF, 23), (CGIP, 255)], {"2022"}),
    "gap16.horizon.length": ([(GAP, n) for n in (11, 19, 35, 43, 53, 61)], {"6"}),
    "iif21.senior_management.cost_increase.annual": (
        [(IIF, 43), (IIF, 127)],
        {"510000"},
    ),
    "iif21.structure.build.duration.max": ([(IIF, 63), (IIF, 315)], {"5"}),
    "iif21.officer_governance.meetings.total": ([(IIF, 92), (IIF, 510)], {"4"}),
    "cgip18.inlogov_stocktake.due": ([(CGIP, 11), (CGIP, 39), (CGIP, 53)], {"2018-09"}),
    "cgip18.culture_dashboard.due": ([(CGIP, 100), (CGIP, 102), (CGIP, 121)], {"2018-09"}),
    "cgip18.staff_survey.response_rate@2018": ([(CGIP, 53), (CGIP, 157)], {"26"}),  # 26%
    "cgip18.council_plan.period": ([(CGIP, 89), (CGIP, 165)], {"2018/2022"}),
    # Stated twice with different values (the audit's inconsistencies):
    "bcc.councillor_development.attendees@2015-12": (
        [(PROGRESS, 67), (PROGRESS, 237)],
        {"80", "82"},
    ),  # "80 councillors attending" / "82 of our councillors"
    "bcc.workforce_strategy.period": ([(CGIP, 102), (CGIP, 141)], {"2018/2022", "2018/2020"}),
    "cwg.months_away": ([(IIF, 28), (IIF, 280)], {"18", "20"}),  # 18 months / 20 months-time
}


@pytest.mark.parametrize("key", sorted(STATED_TWICE))
def test_a_quantity_stated_twice_shares_one_key(claims, key):
    places, values = STATED_TWICE[key]
    stated = {_claim(claims, source, line, key)["value"] for source, line in places}
    assert stated == values


def test_at_least_twenty_repeated_quantities_are_matchable(claims):
    repeated = claims.groupby("quantity_key")["source_line"].size()
    assert (repeated[list(STATED_TWICE)] >= 2).all()
    assert len(STATED_TWICE) >= 20


# --- parts and totals -------------------------------------------------------------------


def test_december_2015_status_counts_sum_to_the_stated_total(claims):
    # Line 59: 82 achieved + 17 in progress + 11 not due + 21 slipped + 3 not started
    #        = 82 + 17 = 99; 99 + 11 = 110; 110 + 21 = 131; 131 + 3 = 134 = "134 actions".
    # Shares: 61 + 13 + 8 + 16 + 2 = 100 (%).
    # Line 147: behind schedule 24 = 21 + 3 (the two slipped statuses).
    december = claims[claims["quantity_key"].str.startswith("ap15.actions.by_status.")]
    december = december[december["quantity_key"].str.endswith("@2015-12")]
    key = december["quantity_key"].str.removesuffix("@2015-12").str.rsplit(".", n=1).str[-1]
    counts = (
        december[(key != "share") & ~key.str.contains("+", regex=False)]
        .drop_duplicates("quantity_key")
        .set_index("quantity_key")["value"]
        .astype(int)
    )
    assert counts.to_dict() == {
        "ap15.actions.by_status.complete@2015-12": 82,
        "ap15.actions.by_status.in_progress@2015-12": 17,
        "ap15.actions.by_status.not_due@2015-12": 11,
        "ap15.actions.by_status.in_progress_slipped@2015-12": 21,
        "ap15.actions.by_status.not_started_slipped@2015-12": 3,
    }
    total = _claim(claims, PROGRESS, 59, "ap15.actions.total")
    assert counts.sum() == int(total["value"]) == 134
    shares = december[december["quantity_key"].str.contains(r"\.share@")]
    assert shares.drop_duplicates("quantity_key")["value"].astype(int).sum() == 100
    behind = _claim(
        claims,
        PROGRESS,
        147,
        "ap15.actions.by_status.in_progress_slipped+not_started_slipped@2015-12",
    )
    assert int(behind["value"]) == 21 + 3


def test_every_partition_share_has_a_base_or_sibling_shares(claims):
    # A share X.by_<dim>.<part>.share is checked against X.total, or (when no total is
    # stated) against its sibling shares, which must then add up to 100 within rounding.
    keys = set(claims["quantity_key"])
    for key in keys:
        base = key.split("@")[0]
        if ".by_" not in base or ".share" not in base:
            continue
        group = base.split(".by_")[0]
        siblings = {k for k in keys if k.startswith(group + ".by_") and ".share" in k}
        assert f"{group}.total" in keys or len(siblings) >= 2, key


# --- completeness -----------------------------------------------------------------------

# Digit runs that are not claims, by rule (see data/transcriptions/README.md). Keys are the
# file's three-digit prefix, "all", or "<prefix>:<line>" for a single line.
NOT_CLAIMS = {
    "all": [
        r"HS2",  # name of the rail line
        r"360[- ](Review|degree)s?",  # name of a review method
        r"Forward Together 2020 [Vv]ision",  # title of a document
        r"(?i)covid[- ]19",  # name of the disease
        r"21(st| <sup>st</sup>|<sup>st</sup>) [Cc]entury",  # '21st century' as a phrase or title
    ],
    "000": [
        r"(?i)recommendations? \d+[a-e]?( and \d+)?",  # recommendation numbering
        r"\((\d+[a-e](, | & | and )?)+\)",  # sub-part references such as (3a & 3d)
        r"(?i)section \d+",  # section numbering
        r"stage \d",  # stage numbering
        r"p\d+\.",  # page reference
        r"chapter \d+, paragraphs \d+-\d+",  # cross-reference to the Kerslake report
    ],
    "001": [
        r"^\| *\d+\.\d+ +\|",  # improvement-aim numbering in the first column
        r"^\| (<b>)?\d\.? [A-Z]",  # section headings inside tables
        r"^\*\*\d [A-Z]",  # section heading outside a table
        r"section \d+ – political",  # cross-reference to section 1
        r"See \d+\.\d+",  # cross-reference to an aim
        r"<sup>\d+</sup>",  # footnote markers
        r"^<sup>\d+</sup> \[.*",  # footnote lines
        r"\((August / )?(July|August|September|Sept)( 2018)? [Uu]pdates?( 2018)?\)",  # update labels
        r"^### .*(Update|– September 2018)",  # headings of the other improvement-plan updates
        r"(?i)\b(years?|yrs?) ?\d+((, ?| ?& ?|-)\d+)*",  # plan-year labels: year 1, Yr2,3&4
        r"S151|S24",  # statutory references (section 151 officer, section 24 recommendations)
        r"CEO 1-1 briefings",  # one-to-one meetings (a format, not a count)
        r"BBC4SR",  # name of the Birmingham Business Charter for Social Responsibility
        r"ITEM 6",  # agenda item number
    ],
    # Update labels written as a bare month at the end of an update paragraph.
    "001:11": [r"colleagues \(September 2018\)\."],
    "001:65": [r"<b>2018\. \(September Update\)</b>"],
    "001:70": [r"strengths\. \(September 2018\)\."],
    "001:111": [r"decisions \(August 2018\)\."],
    "001:172": [r"others\. \(September 2018\)</b>"],
    "001:203": [r"Homelessness\)\. \(September 2018\)</b>"],
    "002": [
        r"^[ -]*\d+(\.\d+)*:? ",  # paragraph and list numbering at the start of a line
        r"paragraph \d+(\.\d+)*",  # cross-reference to a paragraph
        r"^- \d\) ",  # list numbering
        r"Equality Act 2010",  # title of an Act
        r"section 151 officer",  # statutory role named by its section
    ],
    "003": [
        r"Big Conversation 3",  # name of an event series
    ],
    "004": [
        r"^\d+ (?=[A-Z])",  # action numbering at the start of an action's first line
        r"^1 that focuses",  # the '1' of 'year 1' wrapped onto the next line
        r"(?i)\b(year|yr)s? \d+(-\d+)?\b",  # plan-year labels: year 1, yr 2, years 2-3
        r"^ ?(ACTION PLAN (\d\.|2015)|MILESTONE MAP 2015)",  # headings
        r"page \d+",  # page reference
        r"^\d+/\d+$",  # page number
        r"^\d+[a-e]?(, \d+[a-e]?)+$",  # Kerslake recommendation references
        r"Rec\.? \d+(, \d+)*",  # Kerslake recommendation references
        r"^\d\. ",  # list numbering
        r"In line with \d+ above",  # cross-reference to an action number
    ],
}


def _covered_spans(line: str, patterns: list[str]) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for p in patterns for m in re.finditer(p, line)]


def test_every_number_in_the_documents_is_a_claim_or_excluded_by_rule(claims, raw_lines):
    quotes: dict[tuple[str, int], list[str]] = defaultdict(list)
    for row in claims.itertuples():
        quotes[(row.source, row.source_line)].append(re.escape(row.quote))
    unregistered = []
    for source, lines in raw_lines.items():
        prefix = source[:3]
        for number, line in enumerate(lines, start=1):
            patterns = (
                NOT_CLAIMS["all"]
                + NOT_CLAIMS.get(prefix, [])
                + NOT_CLAIMS.get(f"{prefix}:{number}", [])
                + quotes[(source, number)]
            )
            spans = _covered_spans(line, patterns)
            for digits in re.finditer(r"\d+", line):
                if not any(a <= digits.start() and digits.end() <= b for a, b in spans):
                    unregistered.append(f"{prefix}:{number}: {line[digits.start() - 30 :][:70]}")
    assert unregistered == []


# --- errors -----------------------------------------------------------------------------


def test_a_quote_not_on_its_line_is_reported_with_file_row_and_column(tmp_path):
    frame = pd.read_csv(claims_module.CLAIMS_FILE, dtype=str, keep_default_na=False)
    frame.loc[3, "quote"] = "a quote the report never printed"
    path = tmp_path / "claims.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(claims_module.ClaimsError) as error:
        claims_module.read_claims(path)
    claim = frame.loc[3, "claim_id"]
    # data row 3 (0-based) is line 5 of the file: header on line 1.
    assert f"claims.csv, row 5 (claim {claim}), column 'quote'" in str(error.value)


def test_bad_unit_key_value_and_duplicate_id_are_all_reported(tmp_path):
    frame = pd.read_csv(claims_module.CLAIMS_FILE, dtype=str, keep_default_na=False)
    frame.loc[0, "unit"] = "furlongs"
    frame.loc[1, "quantity_key"] = "Not A Key"
    frame.loc[2, "as_of"] = "2015-12"
    frame.loc[5, "claim_id"] = frame.loc[4, "claim_id"]
    path = tmp_path / "claims.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(claims_module.ClaimsError) as error:
        claims_module.read_claims(path)
    message = str(error.value)
    assert "row 2 (claim CLM-000-001), column 'unit'" in message
    assert "row 3 (claim CLM-000-002), column 'quantity_key'" in message
    assert "row 4 (claim CLM-000-003), column 'as_of'" in message
    assert "column 'claim_id': is not unique" in message


def test_a_missing_column_is_reported(tmp_path):
    frame = pd.read_csv(claims_module.CLAIMS_FILE, dtype=str, keep_default_na=False)
    path = tmp_path / "claims.csv"
    frame.drop(columns="note").to_csv(path, index=False)
    with pytest.raises(claims_module.ClaimsError, match="claims.csv: columns are"):
        claims_module.read_claims(path)
