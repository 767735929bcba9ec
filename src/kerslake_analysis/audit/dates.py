"""Check 4 — dates: dates and durations agree with each other and with the document's date.

Three kinds of test, all on windows of days (a month stands for all its days, so a test
fails only when no reading of the stated precision can make it hold):

* **The document's date against the dates it cites.** Each document states its own
  date (``<document>.report.date``). An event the text reports as already past (the
  claim's sentence is in the past tense or says "since", and its key is an event date
  ``….date``) cannot be later than that date.
* **Durations between dated things** (:data:`DURATIONS`): a duration claim and the two
  dates it runs between, paired by reading the documents; a duration "away" from the
  document's date is measured from that date. A stated whole number of months or years
  agrees when it lies between the shortest and longest elapsed time the windows allow,
  rounded outward (18.2 months agrees with "18 months").
* **Order** (:data:`ORDERED_FACETS`): a start is not after its end, a first not after a
  second, a draft not after the final version.

Where the curated data reads a document's date differently from its header (the 2021
report is headed 19 January 2020 but cites November 2020 as past; see
``data/DATA_LOG.md``), the explanation also gives the result from the curated reading.
One fact is taken from outside the documents, in :data:`EXTERNAL_EVENTS`: the opening
day of the Birmingham 2022 Commonwealth Games.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pandas as pd

from kerslake_analysis.audit.findings import (
    CONSISTENT,
    INCONSISTENT,
    UNVERIFIABLE,
    Finding,
    claim_refs,
)
from kerslake_analysis.audit.prepared import (
    DATE_UNITS,
    describe_day,
    describe_lines,
    describe_value,
    join_words,
)

CHECK = "dates"

#: A duration measured from (or to) the date of the document that states it.
DOCUMENT_DATE = "(document date)"

#: Dates the documents rely on but do not state, with where they come from.
EXTERNAL_EVENTS: dict[str, tuple[str, str]] = {
    "cwg.opening": (
        "2022-07-28",
        "the Games opened on 28 July 2022, a date taken from outside the documents "
        "(Commonwealth Games Federation)",
    ),
}

#: Days in one unit of each duration unit (Gregorian averages).
DAYS_PER_UNIT: dict[str, float] = {
    "days": 1.0,
    "weeks": 7.0,
    "months": 365.2425 / 12,
    "years": 365.2425,
}

_REPORT_DATE = re.compile(r"^[a-z0-9_]+\.report\.date$")
#: Words that put a claim's sentence in the past (it reports something that happened).
_PAST = re.compile(
    r"\b(?:was|were|took place|has been|have been|had|began|started|launched|held|met|"
    r"agreed|published|completed|submitted|signed|established|announced|since)\b",
    re.IGNORECASE,
)
#: Words that put it in the future or make it a plan, which override the past words.
_FUTURE = re.compile(r"\b(?:will|to be|is to|are to|planned|due|expected|should)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    """A duration claim and the two dated things it runs between.

    Parameters
    ----------
    duration : str
        Base key of the duration claims (unit ``days``, ``weeks``, ``months`` or ``years``).
    start, end : str
        Base keys of the dates it runs between, :data:`DOCUMENT_DATE`, or a key of
        :data:`EXTERNAL_EVENTS`. For ``kind="span"`` ``start`` is a period claim and
        ``end`` is empty.
    kind : str
        ``"between"`` (the elapsed time is the duration), ``"within"`` (the start lies
        within the duration before the end: "over the last 12 months, X happened") or
        ``"span"`` (the duration is the length of the period, counted inclusively).
    reading : str
        Why these claims belong together, as read in the document.
    """

    duration: str
    start: str
    end: str
    kind: str
    reading: str


#: The durations of the register and what they run between (read from the documents).
DURATIONS: tuple[Duration, ...] = (
    Duration(
        "progress15.report.months_after_review",
        "kerslake.review.published.date",
        "progress15.report.date",
        "between",
        "the progress report was agreed for twelve months after the review's publication",
    ),
    Duration(
        "bcc.vision.horizon.length",
        DOCUMENT_DATE,
        "bcc.vision.target_year",
        "between",
        "the council of 2020 is the council 'in 5 years' time' from the report",
    ),
    Duration(
        "cgip18.staff_survey.months_early",
        "cgip18.staff_survey.date",
        "cgip18.staff_survey.due",
        "between",
        "the staff survey went live 2 months before its target date",
    ),
    Duration(
        "cgip18.council_plan.length",
        "cgip18.council_plan.period",
        "",
        "span",
        "the 'four year council plan' is the Council Plan 2018-2022",
    ),
    Duration(
        "cgip18.budget_workshops.length",
        "cgip18.budget_workshops.date",
        "",
        "span",
        "the 'two-day intensive' is the away days of 16 and 17 July",
    ),
    Duration(
        "cwg.months_away",
        DOCUMENT_DATE,
        "cwg.opening",
        "between",
        "the Commonwealth Games are said to be this many months after the report",
    ),
    Duration(
        "covid.duration",
        "covid.impact_period.start.date",
        DOCUMENT_DATE,
        "within",
        "'over the last 12 months, Covid-19 has materialised' (since March 2020)",
    ),
)

#: Pairs of facets naming events in order: a key with the first facet is not later than
#: the same key with the second facet in its place.
ORDERED_FACETS: tuple[tuple[str, str], ...] = (
    ("start", "end"),
    ("start", "close"),
    ("first", "second"),
    ("first_meeting", "second_meeting"),
    ("draft", "final"),
    ("commissioned", "published"),
    ("initial_proposals", "final_recommendations"),
    ("milestone1", "milestone2"),
    ("milestone2", "milestone3"),
    ("next", "after_next"),
)
_FACET_WORDS = {
    "first_meeting": "first meeting",
    "second_meeting": "second meeting",
    "final": "final version",
    "commissioned": "commissioning",
    "published": "publication",
    "initial_proposals": "initial proposals",
    "final_recommendations": "final recommendations",
    "milestone1": "first milestone",
    "milestone2": "second milestone",
    "milestone3": "third milestone",
    "next": "next one",
    "after_next": "one after",
}


def check_dates(
    claims: pd.DataFrame, reference_dates: dict[str, pd.Timestamp] | None = None
) -> list[Finding]:
    """Run the three date tests.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    reference_dates : dict, optional
        The date the curated data uses for a document, by raw file name, where it
        differs from the document's header (from ``commitments.timescale_reference``).

    Returns
    -------
    list of Finding
    """
    references = reference_dates or {}
    return [
        *check_document_dates(claims, references),
        *check_durations(claims, references),
        *check_order(claims),
    ]


# --------------------------------------------------------------------------- document date


def document_dates(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims stating each document's own date.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.

    Returns
    -------
    pandas.DataFrame
        The ``<document>.report.date`` claims.
    """
    return claims[claims["base"].str.match(_REPORT_DATE) & claims["unit"].eq("date")]


def reported_as_past(claims: pd.DataFrame) -> pd.Series:
    """Which claims date an event the text reports as already past.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.

    Returns
    -------
    pandas.Series of bool
        True for an event date (key ending ``.date``, unit ``date`` or ``period``, not a
        document's own date) whose sentence is in the past tense or says "since", and
        is not a plan ("will", "planned", "due" …).

    Examples
    --------
    >>> from kerslake_analysis.audit.prepared import prepare_claims
    >>> claims = prepare_claims(pd.DataFrame({
    ...     "claim_id": ["C-1", "C-2"], "quantity_key": ["x.agreed.date", "y.agreed.date"],
    ...     "value": ["2020-11", "2016-06"], "unit": ["date", "date"], "as_of": ["", ""],
    ...     "text": ["The plan was agreed in November 2020.", "A model will be agreed by June."],
    ...     "source": ["f", "f"], "source_line": [1, 2], "quote": ["a", "b"], "note": ["", ""]}))
    >>> reported_as_past(claims).tolist()
    [True, False]
    """
    event = (
        claims["base"].str.endswith(".date")
        & claims["unit"].isin(DATE_UNITS)
        & ~claims["base"].str.match(_REPORT_DATE)
    )
    past = claims["text"].str.contains(_PAST) & ~claims["text"].str.contains(_FUTURE)
    return event & past


def check_document_dates(
    claims: pd.DataFrame, reference_dates: dict[str, pd.Timestamp]
) -> list[Finding]:
    """Test each document's date against the past events it cites.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    reference_dates : dict
        See :func:`check_dates`.

    Returns
    -------
    list of Finding
        Per document with a stated date: one consistent finding for the past events
        dated on or before it, one inconsistent finding for those dated after it.
    """
    headers = document_dates(claims)
    past = claims[reported_as_past(claims)]
    findings = []
    for source, header in headers.groupby("source", sort=True):
        events = past[past["source"].eq(source)]
        if events.empty:
            continue
        latest_day = header["end"].min()
        late = events[events["start"] > latest_day]
        in_time = events[events["start"] <= latest_day]
        name = header["document"].iloc[0]
        stated = describe_value(header["value"].iloc[0], "date")
        if len(in_time):
            findings.append(
                Finding(
                    CHECK,
                    CONSISTENT,
                    f"Date of {name} against the past events it cites",
                    f"All {len(in_time)} events {name} reports as past are dated no later "
                    f"than its date, {stated}.",
                    claim_refs(pd.concat([header, in_time])),
                )
            )
        if len(late):
            findings.append(_late_events(header, late, reference_dates.get(source)))
    return findings


def _late_events(header: pd.DataFrame, late: pd.DataFrame, reference) -> Finding:
    name = header["document"].iloc[0]
    value = header["value"].iloc[0]
    stated = describe_value(value, "date")
    if header["precision"].iloc[0] == "day":
        stated += f" (a {header['start'].iloc[0].day_name()})"
    latest = late.sort_values("end").iloc[-1]
    events = join_words(
        [
            f"{describe_value(v, u)} (line {line})"
            for v, u, line in late[["value", "unit", "source_line"]]
            .drop_duplicates(["value", "source_line"])
            .itertuples(index=False)
        ]
    )
    sentence = (
        f"The header dates {name} {stated}, but the report describes as already past "
        f"{len(late)} events dated after it ({events}), so it was written after "
        f"{describe_value(latest['value'], latest['unit'])}"
    )
    if reference is not None and pd.Timestamp(reference) >= latest["start"]:
        day = pd.Timestamp(reference)
        sentence += (
            f"; the curated data reads the date as {describe_day(day)} "
            f"(a {day.day_name()}), which fits every event"
        )
    return Finding(
        CHECK,
        INCONSISTENT,
        f"Date of {name} against the past events it cites",
        sentence + ".",
        claim_refs(pd.concat([header, late])),
    )


# --------------------------------------------------------------------------- durations


def _elapsed_units(
    start: tuple[pd.Timestamp, pd.Timestamp],
    end: tuple[pd.Timestamp, pd.Timestamp],
    unit: str,
    inclusive: bool = False,
) -> tuple[float, float]:
    """Shortest and longest time from a start window to an end window, in ``unit``."""
    extra = pd.Timedelta(days=1) if inclusive else pd.Timedelta(0)
    shortest = (end[0] - start[1] + extra) / pd.Timedelta(days=1)
    longest = (end[1] - start[0] + extra) / pd.Timedelta(days=1)
    per = DAYS_PER_UNIT[unit]
    return shortest / per, longest / per


def _agrees(stated: float, elapsed: tuple[float, float], kind: str) -> bool:
    shortest, longest = elapsed
    if kind == "within":  # the start lies at most ``stated`` before the end
        return longest >= 0 and shortest <= stated
    return math.floor(round(shortest, 9)) <= stated <= math.ceil(round(longest, 9))


def check_durations(
    claims: pd.DataFrame, reference_dates: dict[str, pd.Timestamp]
) -> list[Finding]:
    """Test each duration of :data:`DURATIONS` against the dates it runs between.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    reference_dates : dict
        See :func:`check_dates`.

    Returns
    -------
    list of Finding
        One per duration claim whose two ends are known.
    """
    headers = document_dates(claims)
    findings = []
    for relation in DURATIONS:
        durations = claims[claims["base"].eq(relation.duration) & claims["bound"].eq("")]
        for _, claim in durations.iterrows():
            finding = _duration(claims, headers, relation, claim, reference_dates)
            if finding is not None:
                findings.append(finding)
    return findings


def _end_point(
    claims: pd.DataFrame, headers: pd.DataFrame, key: str, source: str
) -> tuple[pd.DataFrame, tuple[pd.Timestamp, pd.Timestamp] | None, str]:
    """The claims, window and words of one end of a duration (window None if unknown).

    A date stated in the duration's own document is preferred to the same date stated
    elsewhere.
    """
    if key == DOCUMENT_DATE:
        rows = headers[headers["source"].eq(source)]
    elif key in EXTERNAL_EVENTS:
        day = pd.Timestamp(EXTERNAL_EVENTS[key][0])
        return claims.iloc[0:0], (day, day), describe_day(day)
    else:
        rows = claims[claims["base"].eq(key) & claims["bound"].eq("")]
        if rows["source"].eq(source).any():  # prefer the document's own statement
            rows = rows[rows["source"].eq(source)]
    if rows.empty or rows[["start", "end"]].drop_duplicates().shape[0] != 1:
        return rows, None, ""
    first = rows.iloc[0]
    return rows, (first["start"], first["end"]), describe_value(first["value"], first["unit"])


def _duration(
    claims: pd.DataFrame,
    headers: pd.DataFrame,
    relation: Duration,
    claim: pd.Series,
    reference_dates: dict[str, pd.Timestamp],
) -> Finding | None:
    unit, stated = claim["unit"], float(claim["number"])
    subject = claim["text"] or claim["quantity_key"]
    said = describe_value(claim["value"], unit)
    source = claim["source"]
    if relation.kind == "span":
        rows, _, words = _end_point(claims, headers, relation.start, source)
        if rows.empty or rows[["start", "end"]].drop_duplicates().shape[0] != 1:
            return None
        span = rows.iloc[0]
        elapsed = _elapsed_units(
            (span["first_start"], span["first_end"]),
            (span["last_start"], span["last_end"]),
            unit,
            inclusive=True,
        )
        ok = _agrees(stated, elapsed, relation.kind)
        involved = pd.concat([claim.to_frame().T, rows])
        return Finding(
            CHECK,
            CONSISTENT if ok else INCONSISTENT,
            subject,
            f"{said.capitalize()} {'fits' if ok else 'does not fit'} {words}, which lasts "
            f"{_range_words(elapsed, unit)} counted inclusively ({relation.reading}; "
            f"{describe_lines(involved)}).",
            claim_refs(involved),
        )
    start_rows, start, start_words = _end_point(claims, headers, relation.start, source)
    end_rows, end, end_words = _end_point(claims, headers, relation.end, source)
    involved = pd.concat([claim.to_frame().T, start_rows, end_rows])
    if start is None or end is None:
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            f"One end of the {said} ({relation.reading}) is not stated once and "
            f"unambiguously, so it cannot be measured.",
            claim_refs(involved),
        )
    elapsed = _elapsed_units(start, end, unit)
    ok = _agrees(stated, elapsed, relation.kind)
    outside = [
        EXTERNAL_EVENTS[k][1] for k in (relation.start, relation.end) if k in EXTERNAL_EVENTS
    ]
    sentence = (
        f"{_gap_words(start_words, end_words, elapsed, unit, relation.kind)}, so "
        f"'{said}' {'fits' if ok else 'does not fit'} ({relation.reading}"
        + (f"; {outside[0]}" if outside else "")
        + ")"
    )
    reference = reference_dates.get(source)
    uses_document = DOCUMENT_DATE in (relation.start, relation.end)
    if uses_document and reference is not None and not ok:
        day = pd.Timestamp(reference)
        alt_start = (day, day) if relation.start == DOCUMENT_DATE else start
        alt_end = (day, day) if relation.end == DOCUMENT_DATE else end
        alt = _elapsed_units(alt_start, alt_end, unit)
        alt_ok = _agrees(stated, alt, relation.kind)
        sentence += (
            f"; taking the report's date as {describe_day(day)}, as the curated data does, "
            f"{_gap_words('', '', alt, unit, relation.kind, short=True)}, which "
            f"{'fits' if alt_ok else 'does not fit either'}"
        )
    return Finding(
        CHECK, CONSISTENT if ok else INCONSISTENT, subject, sentence + ".", claim_refs(involved)
    )


def _gap_words(
    start: str, end: str, elapsed: tuple[float, float], unit: str, kind: str, short: bool = False
) -> str:
    """``"From X to Y is 18.2 months"``, or for ``within``: ``"X is 10 months before Y"``."""
    if kind == "within" and elapsed[1] < 0:
        return "the gap is negative" if short else f"{start} is after {end}"
    if short:
        return f"the gap is {_range_words(elapsed, unit)}"
    if kind == "within":
        return f"{start} is {_range_words(elapsed, unit)} before {end}"
    return f"From {start} to {end} is {_range_words(elapsed, unit)}"


def _range_words(elapsed: tuple[float, float], unit: str) -> str:
    shortest, longest = elapsed
    if abs(longest - shortest) < 0.05:
        return f"{shortest:.1f} {unit}"
    return f"between {shortest:.1f} and {longest:.1f} {unit}"


# --------------------------------------------------------------------------- order


def check_order(claims: pd.DataFrame) -> list[Finding]:
    """Test that events named in order (:data:`ORDERED_FACETS`) are dated in that order.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.

    Returns
    -------
    list of Finding
        One per pair of keys found, consistent when every earlier claim can be no later
        than every later one.
    """
    dated = claims[claims["unit"].isin(DATE_UNITS) & claims["bound"].eq("")]
    bases = set(dated["base"])
    findings = []
    for base in sorted(bases):
        facets = base.split(".")
        for first, second in ORDERED_FACETS:
            if first not in facets:
                continue
            position = facets.index(first)
            later = ".".join([*facets[:position], second, *facets[position + 1 :]])
            if later in bases:
                findings.append(_order(dated, base, later, first, second))
    return findings


def _order(dated: pd.DataFrame, earlier: str, later: str, first: str, second: str) -> Finding:
    before = dated[dated["base"].eq(earlier)]
    after = dated[dated["base"].eq(later)]
    ok = before["start"].max() <= after["end"].min()
    rows = pd.concat([before, after])
    return Finding(
        CHECK,
        CONSISTENT if ok else INCONSISTENT,
        before["text"].iloc[0] or earlier,
        f"The {_FACET_WORDS.get(first, first)} ({_dates_words(before)}) is "
        f"{'not after' if ok else 'after'} the {_FACET_WORDS.get(second, second)} "
        f"({_dates_words(after)}; {describe_lines(rows)}).",
        claim_refs(rows),
    )


def _dates_words(rows: pd.DataFrame) -> str:
    return join_words(
        sorted({describe_value(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)})
    )
