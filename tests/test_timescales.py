"""Tests for kerslake_analysis.ingest.timescales.

Every expected date below is worked out by hand from the rules in docs/design.md
("Timescales"): a month runs from its 1st to its last day (February 2016 has 29 days,
February 2015 has 28); seasons are meteorological (Spring = Mar-May, Summer = Jun-Aug,
Autumn = Sep-Nov, Winter YY = Dec YY - Feb YY+1); a financial year runs 1 April -
31 March; relative spans add calendar months to the reference date, clipping the day to
the month's length.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerslake_analysis.ingest.provenance import SourceDocument, strip_markup
from kerslake_analysis.ingest.timescales import (
    DATED_KINDS,
    KINDS,
    Timescale,
    TimescaleError,
    TimescaleErrors,
    parse_timescale,
    parse_timescales,
)

D = dt.date


def _check(raw, reference, kind, start, end):
    parsed = parse_timescale(raw, reference)
    assert (parsed.kind, parsed.start, parsed.end, parsed.raw) == (kind, start, end, raw)


# ----------------------------------------------------------------------------- each rule

RULES = [
    # months: that calendar month
    ("Feb-15", None, "month", D(2015, 2, 1), D(2015, 2, 28)),
    ("Feb-16", None, "month", D(2016, 2, 1), D(2016, 2, 29)),  # 2016 is a leap year
    ("Sept 2018", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("(September 2018)", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("[April 2019]", None, "month", D(2019, 4, 1), D(2019, 4, 30)),
    ("Dec 15", None, "month", D(2015, 12, 1), D(2015, 12, 31)),
    ("by October 2018", None, "month", D(2018, 10, 1), D(2018, 10, 31)),
    ("end of March 2016", None, "month", D(2016, 3, 1), D(2016, 3, 31)),
    ("March 22", None, "month", D(2022, 3, 1), D(2022, 3, 31)),  # two-digit year, as Feb-15
    # days
    ("28th January 2021", None, "day", D(2021, 1, 28), D(2021, 1, 28)),
    ("1 November 2018", None, "day", D(2018, 11, 1), D(2018, 11, 1)),
    ("January 28, 2021", None, "day", D(2021, 1, 28), D(2021, 1, 28)),
    ("23.07.18", None, "day", D(2018, 7, 23), D(2018, 7, 23)),
    ("2021-01-28", None, "day", D(2021, 1, 28), D(2021, 1, 28)),
    # meteorological seasons
    ("Spring 15", None, "season", D(2015, 3, 1), D(2015, 5, 31)),
    ("Summer 15", None, "season", D(2015, 6, 1), D(2015, 8, 31)),
    ("Autumn 15", None, "season", D(2015, 9, 1), D(2015, 11, 30)),
    ("Winter 15", None, "season", D(2015, 12, 1), D(2016, 2, 29)),  # Dec 2015 - Feb 2016
    ("Winter 16", None, "season", D(2016, 12, 1), D(2017, 2, 28)),  # 2017 not a leap year
    ("the summer of 2016", None, "season", D(2016, 6, 1), D(2016, 8, 31)),
    # ranges: first day of the first part to the last day of the last
    ("October 2018 – Feb 2019", None, "range", D(2018, 10, 1), D(2019, 2, 28)),
    ("March-June 2018", None, "range", D(2018, 3, 1), D(2018, 6, 30)),
    ("January / February 2019", None, "range", D(2019, 1, 1), D(2019, 2, 28)),
    ("November – February 2019", None, "range", D(2018, 11, 1), D(2019, 2, 28)),
    ("from March to June 2018", None, "range", D(2018, 3, 1), D(2018, 6, 30)),
    ("Spring 15 - Summer 15", None, "range", D(2015, 3, 1), D(2015, 8, 31)),
    ("2021 to 2026", None, "range", D(2021, 1, 1), D(2026, 12, 31)),
    ("April 2019, 2020 and 2021", None, "range", D(2019, 4, 1), D(2021, 4, 30)),
    # calendar years
    ("2022", None, "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("through to 2022", None, "year", D(2022, 1, 1), D(2022, 12, 31)),
    # financial years: 1 April - 31 March
    ("2016/17", None, "financial_year", D(2016, 4, 1), D(2017, 3, 31)),
    ("16/17", None, "financial_year", D(2016, 4, 1), D(2017, 3, 31)),
    ("2018-19", None, "financial_year", D(2018, 4, 1), D(2019, 3, 31)),
    ("2019-2020", None, "financial_year", D(2019, 4, 1), D(2020, 3, 31)),
    ("in 2016/17", None, "financial_year", D(2016, 4, 1), D(2017, 3, 31)),
    # open or recurring: start where known, never an end
    ("(July 2018 onwards)", None, "ongoing", D(2018, 7, 1), None),
    ("from 2021/22", None, "ongoing", D(2021, 4, 1), None),
    ("Ongoing", None, "ongoing", None, None),
    ("on-going", None, "ongoing", None, None),
    ("ongoing 2018-19", None, "ongoing", D(2018, 4, 1), None),
    ("monthly", None, "recurring", None, None),
    ("quarterly", None, "recurring", None, None),
    ("6 monthly", None, "recurring", None, None),
    ("once a month", None, "recurring", None, None),
    ("monthly from July 2018", None, "recurring", D(2018, 7, 1), None),
    # not set
    ("TBC", None, "tbc", None, None),
    ("TBA", None, "tbc", None, None),
    ("Timescales TBA", None, "tbc", None, None),
    ("to be confirmed", None, "tbc", None, None),
    ("", None, "none", None, None),
    ("   ", None, "none", None, None),
    # relative to the reference date
    # 2016-03-31 + 6 months = 2016-09-31, clipped to 2016-09-30
    ("in six months' time", "2016-03-31", "relative", D(2016, 9, 30), D(2016, 9, 30)),
    ("in 6 months", D(2016, 1, 15), "relative", D(2016, 7, 15), D(2016, 7, 15)),
    # 2021-01-19 + 24 months = 2023-01-19
    ("within two years", "2021-01-19", "relative", D(2021, 1, 19), D(2023, 1, 19)),
    # + 18 months = 2022-07-19, + 24 months = 2023-01-19
    ("18-24 months", "2021-01-19", "relative", D(2022, 7, 19), D(2023, 1, 19)),
    ("over the next 2-5 years", "2021-01-19", "relative", D(2023, 1, 19), D(2026, 1, 19)),
    ("in the coming 18 months", "2021-01-19", "relative", D(2021, 1, 19), D(2022, 7, 19)),
    ("within 2 weeks", D(2018, 9, 30), "relative", D(2018, 9, 30), D(2018, 10, 14)),
    # by: the first such window ending on or after the reference
    ("by the end of September", "2018-09-30", "relative", D(2018, 9, 1), D(2018, 9, 30)),
    ("by the end of September", "2018-10-01", "relative", D(2019, 9, 1), D(2019, 9, 30)),
    ("end of March", "2015-11-30", "relative", D(2016, 3, 1), D(2016, 3, 31)),
    ("by the summer", "2016-03-31", "relative", D(2016, 6, 1), D(2016, 8, 31)),
    ("by the end of the year", "2018-09-30", "relative", D(2018, 1, 1), D(2018, 12, 31)),
    # no "by": the occurrence nearest the reference (the one containing it wins)
    ("in the spring", "2016-03-31", "relative", D(2016, 3, 1), D(2016, 5, 31)),
    ("on March 22", "2016-03-31", "relative", D(2016, 3, 22), D(2016, 3, 22)),
    ("January", "2015-12-31", "relative", D(2016, 1, 1), D(2016, 1, 31)),
    ("November", "2015-01-10", "relative", D(2014, 11, 1), D(2014, 11, 30)),
    ("spring and summer", "2016-03-31", "relative", D(2016, 3, 1), D(2016, 8, 31)),
]


@pytest.mark.parametrize(("raw", "reference", "kind", "start", "end"), RULES)
def test_each_rule(raw, reference, kind, start, end):
    _check(raw, reference, kind, start, end)


def test_references_of_every_type_agree():
    expected = D(2016, 9, 30)
    for reference in (
        "2016-03-31",
        D(2016, 3, 31),
        dt.datetime(2016, 3, 31, 12),
        pd.Timestamp("2016-03-31"),
    ):
        assert parse_timescale("in six months' time", reference).end == expected


def test_every_kind_is_listed():
    kinds = {kind for _, _, kind, _, _ in RULES}
    assert kinds == set(KINDS)


# --------------------------------------------------- every timescale in the five documents

# (document key, text as written in the document, reference, kind, start, end)
DOCUMENT_TIMESCALES = [
    # 004 action plan 2015: the 25 distinct values of the Timescale column
    ("action_plan_2015", "Dec-14", None, "month", D(2014, 12, 1), D(2014, 12, 31)),
    ("action_plan_2015", "Jan-15", None, "month", D(2015, 1, 1), D(2015, 1, 31)),
    ("action_plan_2015", "Feb-15", None, "month", D(2015, 2, 1), D(2015, 2, 28)),
    ("action_plan_2015", "Mar-15", None, "month", D(2015, 3, 1), D(2015, 3, 31)),
    ("action_plan_2015", "Apr-15", None, "month", D(2015, 4, 1), D(2015, 4, 30)),
    ("action_plan_2015", "May-15", None, "month", D(2015, 5, 1), D(2015, 5, 31)),
    ("action_plan_2015", "Jun-15", None, "month", D(2015, 6, 1), D(2015, 6, 30)),
    ("action_plan_2015", "Jul-15", None, "month", D(2015, 7, 1), D(2015, 7, 31)),
    ("action_plan_2015", "Aug-15", None, "month", D(2015, 8, 1), D(2015, 8, 31)),
    ("action_plan_2015", "Sep-15", None, "month", D(2015, 9, 1), D(2015, 9, 30)),
    ("action_plan_2015", "Oct-15", None, "month", D(2015, 10, 1), D(2015, 10, 31)),
    ("action_plan_2015", "Dec-15", None, "month", D(2015, 12, 1), D(2015, 12, 31)),
    ("action_plan_2015", "Jan-16", None, "month", D(2016, 1, 1), D(2016, 1, 31)),
    ("action_plan_2015", "Feb-16", None, "month", D(2016, 2, 1), D(2016, 2, 29)),
    ("action_plan_2015", "Mar-16", None, "month", D(2016, 3, 1), D(2016, 3, 31)),
    ("action_plan_2015", "Apr-16", None, "month", D(2016, 4, 1), D(2016, 4, 30)),
    ("action_plan_2015", "May-16", None, "month", D(2016, 5, 1), D(2016, 5, 31)),
    ("action_plan_2015", "Jun-16", None, "month", D(2016, 6, 1), D(2016, 6, 30)),
    ("action_plan_2015", "Spring 15", None, "season", D(2015, 3, 1), D(2015, 5, 31)),
    ("action_plan_2015", "Summer 15", None, "season", D(2015, 6, 1), D(2015, 8, 31)),
    ("action_plan_2015", "Autumn 15", None, "season", D(2015, 9, 1), D(2015, 11, 30)),
    ("action_plan_2015", "Winter 15", None, "season", D(2015, 12, 1), D(2016, 2, 29)),
    ("action_plan_2015", "Spring 16", None, "season", D(2016, 3, 1), D(2016, 5, 31)),
    ("action_plan_2015", "TBC", None, "tbc", None, None),
    ("action_plan_2015", "Ongoing", None, "ongoing", None, None),
    # 000 progress report December 2015: its status key and dated promises
    ("progress_2015", "TBC", None, "tbc", None, None),
    ("progress_2015", "by May 2017", None, "month", D(2017, 5, 1), D(2017, 5, 31)),
    ("progress_2015", "by April 2015", None, "month", D(2015, 4, 1), D(2015, 4, 30)),
    ("progress_2015", "by March 2016", None, "month", D(2016, 3, 1), D(2016, 3, 31)),
    ("progress_2015", "January 2016 onwards", None, "ongoing", D(2016, 1, 1), None),
    # 003 gap analysis March 2016 (reference 2016-03-31, the period date)
    ("gap_2016", "In six months' time", "2016-03-31", "relative", D(2016, 9, 30), D(2016, 9, 30)),
    ("gap_2016", "By the summer", "2016-03-31", "relative", D(2016, 6, 1), D(2016, 8, 31)),
    ("gap_2016", "on March 22", "2016-03-31", "relative", D(2016, 3, 22), D(2016, 3, 22)),
    ("gap_2016", "in the spring", "2016-03-31", "relative", D(2016, 3, 1), D(2016, 5, 31)),
    ("gap_2016", "monthly", None, "recurring", None, None),
    ("gap_2016", "2016/17", None, "financial_year", D(2016, 4, 1), D(2017, 3, 31)),
    ("gap_2016", "2017/18", None, "financial_year", D(2017, 4, 1), D(2018, 3, 31)),
    # 001 improvement plan September 2018: target dates in the outputs column
    ("cgip_2018", "(May 2018)", None, "month", D(2018, 5, 1), D(2018, 5, 31)),
    ("cgip_2018", "May 2018", None, "month", D(2018, 5, 1), D(2018, 5, 31)),
    ("cgip_2018", "(June 2018)", None, "month", D(2018, 6, 1), D(2018, 6, 30)),
    ("cgip_2018", "June 2018", None, "month", D(2018, 6, 1), D(2018, 6, 30)),
    ("cgip_2018", "(July 2018)", None, "month", D(2018, 7, 1), D(2018, 7, 31)),
    ("cgip_2018", "(July 2018.)", None, "month", D(2018, 7, 1), D(2018, 7, 31)),
    ("cgip_2018", "July 2018", None, "month", D(2018, 7, 1), D(2018, 7, 31)),
    ("cgip_2018", "July 2018.", None, "month", D(2018, 7, 1), D(2018, 7, 31)),
    ("cgip_2018", "[July 2018]", None, "month", D(2018, 7, 1), D(2018, 7, 31)),
    ("cgip_2018", "(August 2018)", None, "month", D(2018, 8, 1), D(2018, 8, 31)),
    ("cgip_2018", "August 2018", None, "month", D(2018, 8, 1), D(2018, 8, 31)),
    ("cgip_2018", "(September 2018)", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "(September 2018).", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "(September 2018.)", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "(Sept 2018)", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "Sept 2018", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "(September 18)", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "September 2018", None, "month", D(2018, 9, 1), D(2018, 9, 30)),
    ("cgip_2018", "(October 2018)", None, "month", D(2018, 10, 1), D(2018, 10, 31)),
    ("cgip_2018", "October 2018", None, "month", D(2018, 10, 1), D(2018, 10, 31)),
    ("cgip_2018", "(by October 2018)", None, "month", D(2018, 10, 1), D(2018, 10, 31)),
    ("cgip_2018", "(November 2018)", None, "month", D(2018, 11, 1), D(2018, 11, 30)),
    ("cgip_2018", "November 2018", None, "month", D(2018, 11, 1), D(2018, 11, 30)),
    ("cgip_2018", "December 2018", None, "month", D(2018, 12, 1), D(2018, 12, 31)),
    ("cgip_2018", "(January 2019)", None, "month", D(2019, 1, 1), D(2019, 1, 31)),
    ("cgip_2018", "January 2019", None, "month", D(2019, 1, 1), D(2019, 1, 31)),
    ("cgip_2018", "(March 2019)", None, "month", D(2019, 3, 1), D(2019, 3, 31)),
    ("cgip_2018", "March 2019", None, "month", D(2019, 3, 1), D(2019, 3, 31)),
    ("cgip_2018", "(March 2019 results)", None, "month", D(2019, 3, 1), D(2019, 3, 31)),
    ("cgip_2018", "(April 2019)", None, "month", D(2019, 4, 1), D(2019, 4, 30)),
    ("cgip_2018", "April 2019", None, "month", D(2019, 4, 1), D(2019, 4, 30)),
    ("cgip_2018", "[April 2019]", None, "month", D(2019, 4, 1), D(2019, 4, 30)),
    ("cgip_2018", "March-June 2018", None, "range", D(2018, 3, 1), D(2018, 6, 30)),
    ("cgip_2018", "(June – September 2018)", None, "range", D(2018, 6, 1), D(2018, 9, 30)),
    ("cgip_2018", "June – September 2018", None, "range", D(2018, 6, 1), D(2018, 9, 30)),
    # written "June – <b>July 2018.</b>" (line 163)
    ("cgip_2018", "June – July 2018", None, "range", D(2018, 6, 1), D(2018, 7, 31)),
    ("cgip_2018", "October 2018 – Feb 2019", None, "range", D(2018, 10, 1), D(2019, 2, 28)),
    ("cgip_2018", "January / February 2019.", None, "range", D(2019, 1, 1), D(2019, 2, 28)),
    ("cgip_2018", "January / February 2019", None, "range", D(2019, 1, 1), D(2019, 2, 28)),
    # April 2019 to the end of April 2021, the last point of the trajectory
    (
        "cgip_2018",
        "(April 2019, 2020 and 2021 trajectory)",
        None,
        "range",
        D(2019, 4, 1),
        D(2021, 4, 30),
    ),
    ("cgip_2018", "(2019-2020)", None, "financial_year", D(2019, 4, 1), D(2020, 3, 31)),
    ("cgip_2018", "(July 2018 onwards)", None, "ongoing", D(2018, 7, 1), None),
    ("cgip_2018", "July 2018 onwards", None, "ongoing", D(2018, 7, 1), None),
    ("cgip_2018", "(September 2018 onwards)", None, "ongoing", D(2018, 9, 1), None),
    ("cgip_2018", "September 2018 onwards", None, "ongoing", D(2018, 9, 1), None),
    ("cgip_2018", "(October 2018 onwards)", None, "ongoing", D(2018, 10, 1), None),
    ("cgip_2018", "October 2018 onwards", None, "ongoing", D(2018, 10, 1), None),
    ("cgip_2018", "[April 2019 onwards]", None, "ongoing", D(2019, 4, 1), None),
    ("cgip_2018", "April 2019 onwards", None, "ongoing", D(2019, 4, 1), None),
    ("cgip_2018", "(ongoing 2018-19)", None, "ongoing", D(2018, 4, 1), None),
    ("cgip_2018", "(ongoing)", None, "ongoing", None, None),
    ("cgip_2018", "(on-going)", None, "ongoing", None, None),
    ("cgip_2018", "quarterly", None, "recurring", None, None),
    ("cgip_2018", "(monthly)", None, "recurring", None, None),
    ("cgip_2018", "Monthly", None, "recurring", None, None),
    ("cgip_2018", "(Monitored monthly)", None, "recurring", None, None),
    ("cgip_2018", "Annual", None, "recurring", None, None),
    ("cgip_2018", "Timescales TBA", None, "tbc", None, None),
    # dated promises made commitments (data/transcriptions/cgip18_dated_promises.csv):
    # "during 2018" (line 32) is the calendar year; "2018/19" (line 241, printed
    # "208/19") the financial year 1 April 2018 - 31 March 2019
    ("cgip_2018", "during 2018", "2018-09-30", "year", D(2018, 1, 1), D(2018, 12, 31)),
    ("cgip_2018", "2018/19", "2018-09-30", "financial_year", D(2018, 4, 1), D(2019, 3, 31)),
    (
        "cgip_2018",
        "by the end of September",
        "2018-09-30",
        "relative",
        D(2018, 9, 1),
        D(2018, 9, 30),
    ),
    # 002 Cabinet report, January 2021 (reference 2021-01-19; see ingest/documents/iif_2021.py)
    ("iif_2021", "28th January 2021", None, "day", D(2021, 1, 28), D(2021, 1, 28)),
    ("iif_2021", "March 2021", None, "month", D(2021, 3, 1), D(2021, 3, 31)),
    ("iif_2021", "through to 2022", None, "year", D(2022, 1, 1), D(2022, 12, 31)),
    ("iif_2021", "from 2021/22", None, "ongoing", D(2021, 4, 1), None),
    ("iif_2021", "once a month", None, "recurring", None, None),
    ("iif_2021", "over the next 2 years", "2021-01-19", "relative", D(2021, 1, 19), D(2023, 1, 19)),
    ("iif_2021", "Within two years", "2021-01-19", "relative", D(2021, 1, 19), D(2023, 1, 19)),
    ("iif_2021", "18-24 months", "2021-01-19", "relative", D(2022, 7, 19), D(2023, 1, 19)),
    (
        "iif_2021",
        "For the next 18-24 months",
        "2021-01-19",
        "relative",
        D(2022, 7, 19),
        D(2023, 1, 19),
    ),
    (
        "iif_2021",
        "In the coming 18 months",
        "2021-01-19",
        "relative",
        D(2021, 1, 19),
        D(2022, 7, 19),
    ),
    (
        "iif_2021",
        "over the next 2-5 years",
        "2021-01-19",
        "relative",
        D(2023, 1, 19),
        D(2026, 1, 19),
    ),
    (
        "iif_2021",
        "Over the next 2-5 years",
        "2021-01-19",
        "relative",
        D(2023, 1, 19),
        D(2026, 1, 19),
    ),
    (
        "iif_2021",
        "Over the coming two to five years",
        "2021-01-19",
        "relative",
        D(2023, 1, 19),
        D(2026, 1, 19),
    ),
]


@pytest.mark.parametrize(("key", "raw", "reference", "kind", "start", "end"), DOCUMENT_TIMESCALES)
def test_every_timescale_in_the_documents(key, raw, reference, kind, start, end):
    # the text really is in that document, as written (or once its markup is stripped)
    text = SourceDocument.open(key).text
    assert raw in text or raw in strip_markup(text)
    _check(raw, reference, kind, start, end)


def test_the_table_covers_every_timescale_the_source_modules_emit():
    # Every (timescale, reference) pair in the commitments built from the documents has a
    # hand-checked row above; one whose reference does not matter may be listed without it.
    from kerslake_analysis.ingest.documents.build import collect

    tables, _ = collect(allow_missing=True)
    commitments = tables["commitments"]
    used = set(zip(commitments["timescale"], commitments["timescale_reference"], strict=True))
    listed = {(raw, reference or "") for _, raw, reference, *_ in DOCUMENT_TIMESCALES}
    missing = {
        (raw, reference)
        for raw, reference in used
        if (raw, reference) not in listed and (raw, "") not in listed
    }
    assert not missing


def test_the_action_plan_timescale_list_is_complete():
    # Every "Mon-YY", "Season YY", TBC and Ongoing token in the 2015 action plan is in the
    # table above, so a new form in the text cannot slip past the parser untested.
    import re

    text = SourceDocument.open("action_plan_2015").text
    found = set(
        re.findall(
            r"\b(?:[A-Z][a-z]{2}-\d{2}|(?:Spring|Summer|Autumn|Winter) \d{2}|TBC|Ongoing)\b", text
        )
    )
    listed = {raw for key, raw, *_ in DOCUMENT_TIMESCALES if key == "action_plan_2015"}
    assert found == listed
    assert len(listed) == 25


@pytest.mark.parametrize(
    "raw",
    [
        # texts in the documents' date columns that are not a timescale by themselves:
        # the loader must split the label off, or report them
        "[Culture dashboard – September 2018]",
        "No further update required",
        "framework (July 2018 onwards) and 6 monthly partner survey (January 2019)",
    ],
)
def test_document_texts_that_are_not_timescales_are_refused(raw):
    assert raw in SourceDocument.open("cgip_2018").text
    with pytest.raises(
        TimescaleError, match=raw.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")
    ):
        parse_timescale(raw)


# ------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("raw", ["soon", "Feb-15 or so", "Q3", "next time", "Fab-15", "Winter"])
def test_unreadable_text_raises_quoting_it(raw):
    with pytest.raises(TimescaleError) as caught:
        parse_timescale(raw)
    assert repr(raw) in str(caught.value)


def test_relative_text_needs_a_reference():
    with pytest.raises(TimescaleError, match="needs a reference date"):
        parse_timescale("within two years")
    with pytest.raises(TimescaleError, match="needs a reference date"):
        parse_timescale("by the end of September")


@pytest.mark.parametrize("raw", ["31 February 2016", "31.04.18", "0000", "October 2018 - Feb 2018"])
def test_impossible_dates_raise(raw):
    with pytest.raises(TimescaleError, match=repr(raw).replace("(", r"\(")):
        parse_timescale(raw)


def test_error_is_a_value_error():
    assert issubclass(TimescaleError, ValueError)
    with pytest.raises(ValueError):
        parse_timescale("whenever")


def test_non_text_raises():
    with pytest.raises(TimescaleError):
        parse_timescale(2015)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- the column


def test_parse_timescales_returns_aligned_typed_frame():
    series = pd.Series(["Feb-15", "TBC", None, "Winter 15"], index=[10, 11, 12, 13])
    parsed = parse_timescales(series)
    assert list(parsed.index) == [10, 11, 12, 13]
    assert parsed["timescale_kind"].tolist() == ["month", "tbc", "none", "season"]
    assert str(parsed["due_end"].dtype) == "datetime64[us]"
    assert str(parsed["due_start"].dtype) == "datetime64[us]"
    assert parsed.loc[10, "due_end"] == pd.Timestamp("2015-02-28")
    assert pd.isna(parsed.loc[11, "due_end"]) and pd.isna(parsed.loc[12, "due_start"])
    assert parsed.loc[13, "due_start"] == pd.Timestamp("2015-12-01")
    assert parsed.loc[13, "due_end"] == pd.Timestamp("2016-02-29")


def test_parse_timescales_uses_per_row_references():
    series = pd.Series(["in six months' time", "in six months' time", "Feb-15"])
    references = pd.Series(["2016-03-31", "2016-01-15", ""])
    parsed = parse_timescales(series, references)
    assert parsed["due_end"].tolist() == [
        pd.Timestamp("2016-09-30"),
        pd.Timestamp("2016-07-15"),
        pd.Timestamp("2015-02-28"),
    ]


def test_parse_timescales_reports_every_bad_row():
    series = pd.Series(
        ["Feb-15", "soon", "Spring 15", "within two years", "later"], index=[2, 3, 4, 5, 6]
    )
    with pytest.raises(TimescaleErrors) as caught:
        parse_timescales(series, source="commitments.csv", column="timescale")
    error = caught.value
    assert [p.row for p in error.problems] == [3, 5, 6]
    assert [p.raw for p in error.problems] == ["soon", "within two years", "later"]
    message = str(error)
    assert "3 timescales cannot be parsed" in message
    assert "commitments.csv, row 3, column timescale: cannot parse timescale 'soon'" in message
    assert "row 5, column timescale: timescale 'within two years' is relative" in message
    assert isinstance(error, TimescaleError)


# ------------------------------------------------------------------------------ fuzzing

_TOKENS = st.sampled_from(
    [
        "Feb",
        "Sept",
        "March",
        "december",
        "Spring",
        "winter",
        "15",
        "2016",
        "16/17",
        "2018-19",
        "-",
        "–",
        "/",
        "to",
        "and",
        "by",
        "the",
        "end of",
        "in",
        "within",
        "over the next",
        "months",
        "years",
        "six",
        "18-24",
        "onwards",
        "from",
        "(",
        ")",
        "[",
        "]",
        ".",
        ",",
        "TBC",
        "Ongoing",
        "monthly",
        "time",
        "months'",
        "on",
        "22",
        "31",
        "0000",
        "99999",
        "9999",
    ]
)
_REFERENCES = st.one_of(st.none(), st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 12, 31)))


def _assert_well_formed(result: Timescale, raw: str):
    assert isinstance(result, Timescale)
    assert result.raw == raw
    assert result.kind in KINDS
    if result.kind in DATED_KINDS:
        assert result.start is not None and result.end is not None
        assert result.start <= result.end
    else:
        assert result.end is None


@settings(max_examples=400, deadline=None)
@given(raw=st.text(max_size=40), reference=_REFERENCES)
def test_any_text_parses_or_raises_timescale_error(raw, reference):
    try:
        result = parse_timescale(raw, reference)
    except TimescaleError:
        return
    _assert_well_formed(result, raw)


@settings(max_examples=600, deadline=None)
@given(tokens=st.lists(_TOKENS, min_size=1, max_size=6), reference=_REFERENCES)
def test_timescale_like_text_parses_or_raises_timescale_error(tokens, reference):
    raw = " ".join(tokens)
    try:
        result = parse_timescale(raw, reference)
    except TimescaleError:
        return
    _assert_well_formed(result, raw)
