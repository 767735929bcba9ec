"""The claims register made ready for the checks: key parts, numbers and date windows.

:func:`prepare_claims` adds to each claim the parts of its quantity key (``base``,
``bound``, ``period``, see ``data/transcriptions/README.md``), its value as a number
(number units) or as a window of days (``date`` and ``period`` units), and the title
of its document. :func:`describe_value` writes a value the way a reader would say it.

Examples
--------
>>> claims = pd.DataFrame({
...     "claim_id": ["CLM-000-015", "CLM-000-097"],
...     "quantity_key": ["ap15.actions.by_status.complete.share@2015-12",
...                      "lgbce.final_recommendations.date"],
...     "value": ["61", "2016-03/2016-05"], "unit": ["percent", "period"],
...     "as_of": ["2015-12-31", ""], "text": ["", ""],
...     "source": ["000_e235c92a6776d4ac.txt"] * 2, "source_line": [59, 298],
...     "quote": ["61%", "next spring"], "note": ["", ""]})
>>> prepared = prepare_claims(claims)
>>> prepared.loc[0, "base"], prepared.loc[0, "period"], float(prepared.loc[0, "number"])
('ap15.actions.by_status.complete.share', '2015-12', 61.0)
>>> prepared.loc[1, "start"].date(), prepared.loc[1, "end"].date()
(datetime.date(2016, 3, 1), datetime.date(2016, 5, 31))
>>> describe_value("2016-03/2016-05", "period")
'March 2016 to May 2016'
"""

from __future__ import annotations

import calendar
import re

import numpy as np
import pandas as pd

from kerslake_analysis.audit.findings import ClaimRef
from kerslake_analysis.base import paths
from kerslake_analysis.ingest.documents.claims import NUMBER_UNITS

#: Units whose value is a date (``YYYY[-MM[-DD]]``) or a span of dates (``A/B``).
DATE_UNITS: frozenset[str] = frozenset({"date", "period"})

#: The columns a claims frame must have.
REQUIRED_COLUMNS: tuple[str, ...] = (
    "claim_id",
    "quantity_key",
    "value",
    "unit",
    "as_of",
    "text",
    "source",
    "source_line",
    "quote",
    "note",
)

#: How the report names each document, by the key of :data:`paths.SOURCE_FILES`.
_DOCUMENT_NAMES: dict[str, str] = {
    "progress_2015": "the December 2015 progress report",
    "cgip_2018": "the September 2018 improvement plan update",
    "iif_2021": "the 2021 Cabinet report Investing in our Future",
    "gap_2016": "the March 2016 gap analysis",
    "action_plan_2015": "the 2015 action plan",
}
#: Document names by raw file name.
DOCUMENT_NAMES: dict[str, str] = {
    paths.SOURCE_FILES[key]: name for key, name in _DOCUMENT_NAMES.items()
}

_KEY = re.compile(r"^(?P<quantity>[^@]+)(?:@(?P<period>[0-9-]+))?$")
_BOUND = re.compile(r"^(?P<base>.+)\.(?P<bound>min|max|approx)$")
_PRECISION = {4: "year", 7: "month", 10: "day"}
_PADDING = {4: "-01-01", 7: "-01", 10: ""}


def document_name(source: str) -> str:
    """Return how the report names a raw file (the file name if it is not a known source).

    Parameters
    ----------
    source : str
        A raw file name, e.g. ``"000_e235c92a6776d4ac.txt"``.

    Returns
    -------
    str

    Examples
    --------
    >>> document_name("000_e235c92a6776d4ac.txt")
    'the December 2015 progress report'
    >>> document_name("other.txt")
    'other.txt'
    """
    return DOCUMENT_NAMES.get(source, source)


def prepare_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Add the columns the checks work on to a claims frame.

    Parameters
    ----------
    claims : pandas.DataFrame
        The claims table (``load_claims()``) or a frame with the same columns, as text
        or typed (``as_of`` may be text or datetime; empty text means none).

    Returns
    -------
    pandas.DataFrame
        A copy sorted by ``claim_id`` with a fresh index, and these columns added:
        ``base`` (the key without bound and period), ``bound`` (``""``, ``"min"``,
        ``"max"`` or ``"approx"``), ``period`` (``""`` or ``YYYY[-MM]``), ``number``
        (float; NaN for date units), ``decimals`` (digits after the decimal point as
        written), ``first_start``/``first_end`` (the first day of the value's first
        endpoint and the last day of it), ``last_start``/``last_end`` (the same for its
        last endpoint; for a single date both endpoints are the date), ``start`` and
        ``end`` (the whole window, = ``first_start`` and ``last_end``), ``precision``
        (``"year"``, ``"month"`` or ``"day"``; empty for numbers), ``document`` (how
        the report names the source) and ``ref`` (the claim's
        :class:`~kerslake_analysis.audit.findings.ClaimRef`).

    Raises
    ------
    ValueError
        If a column is missing, a key does not follow the grammar or a value does not
        suit its unit; the message names the claim and the column.
    """
    missing = [column for column in REQUIRED_COLUMNS if column not in claims.columns]
    if missing:
        raise ValueError(f"claims: missing column(s) {', '.join(missing)}")
    out = claims.loc[:, list(REQUIRED_COLUMNS)].copy()
    for column in ("claim_id", "quantity_key", "value", "unit", "text", "source", "quote", "note"):
        out[column] = out[column].fillna("").astype("str")
    out["source_line"] = out["source_line"].astype("int64")
    out["as_of"] = pd.to_datetime(out["as_of"].replace("", None), format="ISO8601")
    out = out.sort_values("claim_id", ignore_index=True)

    key = out["quantity_key"].str.extract(_KEY)
    _fail_where(out, key["quantity"].isna(), "quantity_key", "does not follow the key grammar")
    bound = key["quantity"].str.extract(_BOUND)
    out["base"] = bound["base"].fillna(key["quantity"])
    out["bound"] = bound["bound"].fillna("")
    out["period"] = key["period"].fillna("")

    numeric = out["unit"].isin(NUMBER_UNITS)
    out["number"] = pd.to_numeric(out["value"].where(numeric), errors="coerce")
    _fail_where(out, numeric & out["number"].isna(), "value", "is not a number")
    out["decimals"] = out["value"].str.extract(r"\.(\d+)$")[0].str.len().fillna(0).astype("int64")

    dated = out["unit"].isin(DATE_UNITS)
    first = out["value"].where(dated, "").str.split("/").str[0]
    last = out["value"].where(dated, "").str.split("/").str[-1]
    out["first_start"], out["first_end"] = _window(first, out, "value")
    out["last_start"], out["last_end"] = _window(last, out, "value")
    out["start"], out["end"] = out["first_start"], out["last_end"]
    out["precision"] = first.str.len().map(_PRECISION).fillna("").astype("str")
    out["document"] = out["source"].map(document_name)
    out["ref"] = [
        ClaimRef(claim, source, int(line), quote)
        for claim, source, line, quote in zip(
            out["claim_id"], out["source"], out["source_line"], out["quote"], strict=True
        )
    ]
    return out


def _window(text: pd.Series, claims: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """First and last day of each ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (NaT if empty)."""
    length = text.str.len()
    padded = text + length.map(_PADDING).fillna("")
    start = pd.to_datetime(padded.replace("", None), format="%Y-%m-%d", errors="coerce")
    _fail_where(claims, text.ne("") & start.isna(), column, "is not a date YYYY[-MM[-DD]]")
    end = pd.Series(
        np.select(
            [length.eq(4), length.eq(7)],
            [start + pd.offsets.YearEnd(0), start + pd.offsets.MonthEnd(0)],
            default=start,
        ),
        index=text.index,
    ).astype("datetime64[ns]")
    return start.astype("datetime64[ns]"), end


def _fail_where(claims: pd.DataFrame, bad: pd.Series, column: str, message: str) -> None:
    if bad.any():
        shown = ", ".join(
            f"{claim} ({value!r})"
            for claim, value in zip(
                claims.loc[bad, "claim_id"], claims.loc[bad, column], strict=True
            )
        )
        raise ValueError(f"claims, column {column}: {message}: {shown}")


# --------------------------------------------------------------------------- words


def describe_date(text: str) -> str:
    """Write ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` in words.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> describe_date("2015-12"), describe_date("2015-12-14"), describe_date("2020")
    ('December 2015', '14 December 2015', '2020')
    """
    parts = [int(p) for p in text.split("-")]
    if len(parts) == 1:
        return str(parts[0])
    month = calendar.month_name[parts[1]]
    if len(parts) == 2:
        return f"{month} {parts[0]}"
    return f"{parts[2]} {month} {parts[0]}"


def describe_day(day: pd.Timestamp) -> str:
    """Write a day in words, e.g. ``"19 January 2021"``.

    Parameters
    ----------
    day : pandas.Timestamp

    Returns
    -------
    str

    Examples
    --------
    >>> describe_day(pd.Timestamp("2021-01-19"))
    '19 January 2021'
    """
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def describe_number(number: float) -> str:
    """Write a number without a needless ``.0`` and with thousands separators.

    Parameters
    ----------
    number : float

    Returns
    -------
    str

    Examples
    --------
    >>> describe_number(1141320.0), describe_number(12.5), describe_number(0.333333)
    ('1,141,320', '12.5', '0.333333')
    """
    if float(number).is_integer():
        return f"{int(number):,}"
    return f"{number:,.6f}".rstrip("0")


_UNIT_WORDS = {
    "months": "months",
    "years": "years",
    "weeks": "weeks",
    "days": "days",
}
_BOUND_WORDS = {"": "", "min": "at least ", "max": "at most ", "approx": "about "}


def describe_value(value: str, unit: str, bound: str = "") -> str:
    """Write a claim's value as a reader would say it.

    Parameters
    ----------
    value : str
        The register's value (``"82"``, ``"2015-12"``, ``"2016-04/2017-03"`` …).
    unit : str
        The register's unit.
    bound : str, default ""
        ``"min"``, ``"max"`` or ``"approx"`` for a bound.

    Returns
    -------
    str

    Examples
    --------
    >>> describe_value("61", "percent"), describe_value("8000000000", "gbp")
    ('61%', '£8,000,000,000')
    >>> describe_value("18", "months"), describe_value("3", "count", "max")
    ('18 months', 'at most 3')
    >>> describe_value("2017-05", "date", "max")
    'no later than May 2017'
    >>> describe_value("6", "ratio"), describe_value("3", "rank")
    ('1:6', '3rd')
    """
    if unit in DATE_UNITS:
        first, _, last = value.partition("/")
        words = (
            describe_date(first) if not last else f"{describe_date(first)} to {describe_date(last)}"
        )
        if bound == "max":
            return f"no later than {describe_date(last or first)}"
        if bound == "min":
            return f"at least as far as {describe_date(last or first)}"
        return ("about " if bound == "approx" else "") + words
    number = float(value)
    written = describe_number(number)
    if unit == "percent":
        written = f"{written}%"
    elif unit == "gbp":
        written = f"£{written}"
    elif unit in _UNIT_WORDS:
        written = f"{written} {_UNIT_WORDS[unit] if number != 1 else _UNIT_WORDS[unit][:-1]}"
    elif unit == "ratio":
        written = f"1:{written}"
    elif unit == "rank":
        written = _ordinal(int(number))
    elif unit == "multiple":
        written = f"{written} times"
    return _BOUND_WORDS.get(bound, "") + written


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_lines(rows: pd.DataFrame, with_document: bool = True) -> str:
    """Say where some claims are: ``"the December 2015 progress report, lines 59 and 147"``.

    Parameters
    ----------
    rows : pandas.DataFrame
        Claims with ``source`` and ``source_line``.
    with_document : bool, default True
        Name the document; ``False`` gives only ``"lines 59 and 147"`` (for claims of
        one document named elsewhere in the sentence).

    Returns
    -------
    str
        Documents in order of first appearance, each with its lines in order.

    Examples
    --------
    >>> rows = pd.DataFrame({"source": ["000_e235c92a6776d4ac.txt"] * 3,
    ...                      "source_line": [147, 59, 59]})
    >>> describe_lines(rows)
    'the December 2015 progress report, lines 59 and 147'
    """
    parts = []
    for source, group in rows.groupby("source", sort=False):
        lines = sorted(set(group["source_line"].astype(int)))
        words = _join([str(line) for line in lines])
        where = f"line{'s' if len(lines) > 1 else ''} {words}"
        parts.append(f"{document_name(source)}, {where}" if with_document else where)
    return "; ".join(parts)


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def join_words(words: list[str]) -> str:
    """Join words as a list in prose: ``"a, b and c"``.

    Parameters
    ----------
    words : list of str

    Returns
    -------
    str

    Examples
    --------
    >>> join_words(["82", "17", "11"])
    '82, 17 and 11'
    """
    return _join(list(words))
