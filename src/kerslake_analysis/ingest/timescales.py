"""Parse timescales as the documents write them into dated due windows.

UK local-government plans give deadlines as ``Feb-15``, ``Spring 15``, ``2016/17``,
``(July 2018 onwards)``, ``TBC`` or ``within two years``. :func:`parse_timescale` turns
one such text into a :class:`Timescale`: a ``kind`` and the first and last day of the
window in which the commitment falls due (a commitment is *due* on ``end``).

The rules (see docs/design.md, "Timescales"):

========================================  ==================  ===========================
text                                      kind                window
========================================  ==================  ===========================
``Feb-15``, ``Sept 2018``, ``(May 2018)``  ``month``           that calendar month
``28th January 2021``, ``23.07.18``       ``day``             that day
``Spring 15``, ``Winter 15``              ``season``          meteorological; Winter 15 =
                                                              1 Dec 2015 - 29 Feb 2016
``March-June 2018``, ``Oct 2018 - Feb     ``range``           first day of the first part
2019``, ``January / February 2019``                           to last day of the last
``2022``, ``by 2022``, ``through to 2022``  ``year``            that calendar year
``2016/17``, ``16/17``, ``2019-2020``     ``financial_year``  1 Apr 2016 - 31 Mar 2017
``monthly``, ``quarterly``, ``annual``    ``recurring``       start only if ``from X``
``Ongoing``, ``(July 2018 onwards)``      ``ongoing``         start of X; no end
``TBC``, ``TBA``, ``Timescales TBA``      ``tbc``             none
empty text                                ``none``            none
``within two years``, ``18-24 months``,   ``relative``        computed from ``reference``
``in six months' time``, ``by the end of
September``, ``the summer``, ``on March 22``
========================================  ==================  ===========================

``by``, ``end of``, ``in``, ``during`` and ``throughout`` in front of a window, brackets
around it and a full stop after it do not change it. A two-digit year is 20xx, so
``March 22`` is March 2022 as ``Feb-15`` is February 2015; a day of a month without a
year needs ``on`` (``on March 22``). Relative texts need ``reference``, the date of the
document:

* ``in N months' time`` is the single day ``reference + N months``;
* ``within N years``, ``over the next N years``, ``in the coming N months`` and a bare
  ``N months`` run from ``reference`` to ``reference + N``;
* ``N-M months``, ``over the next two to five years`` run from ``reference + N`` to
  ``reference + M`` (it will take between N and M);
* a month, season or day named without a year is the occurrence nearest to
  ``reference`` (the one containing it, else the closer; a tie goes to the later one);
  after ``by`` or ``end of`` it is the first occurrence ending on or after ``reference``.

Adding months keeps the day of the month, clipped to the month's length
(31 March 2016 + 6 months = 30 September 2016). Any other text raises
:class:`TimescaleError` quoting it.

Examples
--------
>>> parse_timescale("Winter 15")
Timescale(kind='season', start=datetime.date(2015, 12, 1), end=datetime.date(2016, 2, 29), raw='Winter 15')
>>> parse_timescale("in six months' time", reference="2016-03-31").end
datetime.date(2016, 9, 30)
>>> parse_timescale("Feb-15 or so")
Traceback (most recent call last):
...
kerslake_analysis.ingest.timescales.TimescaleError: cannot parse timescale 'Feb-15 or so'
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kerslake_analysis.base.periods import MONTH_NUMBERS

#: Every value of :attr:`Timescale.kind`.
KINDS: tuple[str, ...] = (
    "day",
    "month",
    "season",
    "range",
    "year",
    "financial_year",
    "relative",
    "recurring",
    "ongoing",
    "tbc",
    "none",
)
#: Kinds whose window has a last day (a due date).
DATED_KINDS: tuple[str, ...] = (
    "day",
    "month",
    "season",
    "range",
    "year",
    "financial_year",
    "relative",
)


class TimescaleError(ValueError):
    """A timescale text that the rules of :mod:`kerslake_analysis.ingest.timescales` cannot read."""


@dataclass(frozen=True)
class TimescaleProblem:
    """One row of a column that failed to parse.

    Parameters
    ----------
    row : object
        The row's label in the parsed Series (its index value).
    raw : str
        The text as written.
    message : str
        Why it failed.
    """

    row: Any
    raw: str
    message: str


class TimescaleErrors(TimescaleError):
    """Every row of a column that failed to parse, raised by :func:`parse_timescales`.

    Parameters
    ----------
    problems : list of TimescaleProblem
        The failing rows, in the order of the Series.
    source : str, optional
        The file the column came from, for the message.
    column : str, default "timescale"
        The column's name, for the message.
    """

    def __init__(self, problems: list[TimescaleProblem], source: str = "", column: str = ""):
        self.problems = problems
        self.source = source
        self.column = column or "timescale"
        where = f"{source}, " if source else ""
        lines = [f"{where}row {p.row}, column {self.column}: {p.message}" for p in problems]
        noun = "timescale" if len(problems) == 1 else "timescales"
        super().__init__(f"{len(problems)} {noun} cannot be parsed:\n" + "\n".join(lines))


@dataclass(frozen=True)
class Timescale:
    """A parsed timescale.

    Parameters
    ----------
    kind : str
        One of :data:`KINDS`.
    start : datetime.date or None
        First day of the due window (for ``ongoing``/``recurring``: when it starts, if
        known).
    end : datetime.date or None
        Last day of the due window: the due date. None for ``recurring``, ``ongoing``,
        ``tbc`` and ``none``.
    raw : str
        The text as written.
    """

    kind: str
    start: dt.date | None
    end: dt.date | None
    raw: str


# --------------------------------------------------------------------------- vocabulary

_MONTHS: dict[str, int] = MONTH_NUMBERS
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_SEASONS: dict[str, int] = {"spring": 3, "summer": 6, "autumn": 9, "winter": 12}
_SEASON = r"(?P<season>spring|summer|autumn|winter)"
_YEAR = r"(?P<year>\d{4}|'?\d{2})"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"

_NUMBER_WORDS: dict[str, int] = {
    word: number
    for number, word in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}
_NUMBER_WORDS.update({"a": 1, "an": 1, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60})
_NUMBER = r"(?:\d{1,4}|(?:twenty|thirty|forty|fifty)[- ](?:one|two|three|four|five|six|seven|eight|nine)|[a-z]+)"
_UNIT = r"(?P<unit>day|week|month|year)s?"
#: Longest relative span accepted, in months (keeps dates far from datetime's limits).
_MAX_MONTHS = 1200

_CADENCE = (
    r"(?:weekly|fortnightly|monthly|quarterly|annual(?:ly)?|yearly|half[- ]yearly"
    r"|bi-?annual(?:ly)?|(?:6|six)[- ]?(?:monthly|weekly)|once a (?:week|month|year)"
    r"|every (?:\d+|[a-z]+) (?:weeks|months|years))"
)

_TBC = re.compile(
    r"(?:timescales?|date|dates|timing)?\s*(?:tbc|tba|tbd|to be (?:confirmed|agreed|determined|announced))"
)
_ONGOING = re.compile(r"on-?\s?going|continuous(?:ly)?")
_RECURRING = re.compile(rf"(?:monitored |reviewed |reported )?{_CADENCE}(?: from (?P<rest>.+))?")
_ONWARDS = re.compile(r"(?:from )?(?P<rest>.+?),? onwards|from (?P<from>.+)")
_ONGOING_WINDOW = re.compile(r"on-?\s?going,? (?P<rest>.+)")

_MONTH_YEAR = re.compile(rf"{_MONTH}[\s,/'-]*{_YEAR}")
_SEASON_YEAR = re.compile(rf"{_SEASON}(?: of)?[\s-]*{_YEAR}")
_DAY_MONTH_YEAR = re.compile(rf"{_DAY}(?: of)? {_MONTH},? {_YEAR}")
_MONTH_DAY_YEAR = re.compile(rf"{_MONTH} {_DAY}(?:,| ,)? (?P<year>\d{{4}})")
_NUMERIC_DATE = re.compile(r"(?P<day>\d{1,2})[./](?P<month>\d{1,2})[./](?P<year>\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})")
_CALENDAR_YEAR = re.compile(r"(?P<year>\d{4})")
_FINANCIAL_YEAR = re.compile(
    r"(?:(?:financial|fiscal) year |fy ?)?(?P<first>\d{4}|\d{2}) ?[/-] ?(?P<second>\d{4}|\d{2})"
)
_MONTH_YEAR_LIST = re.compile(
    rf"{_MONTH} (?P<first>\d{{4}})(?: ?, ?\d{{4}})*(?: ?,)? (?:and|&) (?P<last>\d{{4}})"
)
_YEARLESS_MONTH = re.compile(_MONTH)
_YEARLESS_SEASON = re.compile(_SEASON)
_YEARLESS_DAY_MONTH = re.compile(rf"on {_DAY}(?: of)? {_MONTH}")
_YEARLESS_MONTH_DAY = re.compile(rf"on {_MONTH} {_DAY}")
_YEARLESS_YEAR = re.compile(r"(?P<financial>(?:financial|fiscal) )?year")

_POINT = re.compile(
    rf"(?P<within>in (?:just )?)?(?P<n>{_NUMBER}) {_UNIT}(?P<time>(?:'s?|s')?[ -]time)?"
)
_SPAN = re.compile(
    r"(?:(?:within|over|during|for|in) )?(?:the )?(?:next |coming |following )?"
    rf"(?P<n>{_NUMBER})(?: ?(?:-|to) ?(?P<m>{_NUMBER}))? ?{_UNIT}"
)

_RANGE_SEPARATOR = re.compile(
    r" ?(?:-|/|&|\band\b|\bto\b|\buntil\b|\btill\b|\bthrough(?: to)?\b) ?"
)
_TRAILING_QUALIFIER = re.compile(r" (?:results?|trajectory|deadline|target)$")
_LEADS = (
    ("by the end of ", True),
    ("by end of ", True),
    ("at the end of ", True),
    ("the end of ", True),
    ("end of ", True),
    ("no later than ", True),
    ("by ", True),
    ("through to ", True),
    ("up to ", True),
    ("until ", True),
    ("till ", True),
    ("to ", True),
    ("in ", False),
    ("during ", False),
    ("throughout ", False),
    ("the ", False),
)


# --------------------------------------------------------------------------- public API


def parse_timescale(raw: str, reference: Any = None) -> Timescale:
    """Parse one timescale as written into its kind and due window.

    Parameters
    ----------
    raw : str
        The timescale as the document writes it, e.g. ``"Spring 15"``.
    reference : datetime.date, str or pandas.Timestamp, optional
        The document's date (ISO text is accepted). Needed only for relative
        timescales such as ``"within two years"``; empty text or NaT count as none.

    Returns
    -------
    Timescale
        ``kind`` is one of :data:`KINDS`; ``end`` is the due date (last day of the
        window) or None when the timescale sets no due date.

    Raises
    ------
    TimescaleError
        If the text follows none of the rules, is relative and ``reference`` is
        missing, or names an impossible date. The message quotes the text.

    Examples
    --------
    >>> parse_timescale("Feb-15")
    Timescale(kind='month', start=datetime.date(2015, 2, 1), end=datetime.date(2015, 2, 28), raw='Feb-15')
    >>> parse_timescale("16/17").end
    datetime.date(2017, 3, 31)
    >>> parse_timescale("(July 2018 onwards)")
    Timescale(kind='ongoing', start=datetime.date(2018, 7, 1), end=None, raw='(July 2018 onwards)')
    >>> parse_timescale("Timescales TBA").kind
    'tbc'
    >>> parse_timescale("within two years", reference="2021-01-19").end
    datetime.date(2023, 1, 19)
    """
    if not isinstance(raw, str):
        raise TimescaleError(f"timescale must be text, got {raw!r}")
    reference_date = _as_reference(reference, raw)
    kind, start, end = _parse(_normalise(raw), reference_date, raw)
    return Timescale(kind=kind, start=start, end=end, raw=raw)


def parse_timescales(
    timescales: pd.Series,
    references: Any = None,
    *,
    source: str = "",
    column: str = "timescale",
) -> pd.DataFrame:
    """Parse a column of timescales, reporting every failing row at once.

    Each distinct (text, reference) pair is parsed once, so long columns of repeated
    values cost little.

    Parameters
    ----------
    timescales : pandas.Series
        Timescale texts; missing values are read as empty text (kind ``none``).
    references : scalar or pandas.Series, optional
        The document date for every row, or a Series aligned with ``timescales``
        (empty text or NaT where none).
    source : str, optional
        File name used in error messages.
    column : str, default "timescale"
        Column name used in error messages.

    Returns
    -------
    pandas.DataFrame
        Same index as ``timescales``, with columns ``timescale_kind`` (str),
        ``due_start`` and ``due_end`` (``datetime64[us]``, NaT where none).

    Raises
    ------
    TimescaleErrors
        If any row fails; ``.problems`` lists every failing row with its index label,
        and the message names ``source``, row and ``column`` for each.

    Examples
    --------
    >>> parsed = parse_timescales(pd.Series(["Feb-15", "TBC"]))
    >>> parsed["due_end"].dt.strftime("%Y-%m-%d").tolist()
    ['2015-02-28', nan]
    >>> parse_timescales(pd.Series(["Feb-15", "soon", "later"]), source="x.csv")
    Traceback (most recent call last):
    ...
    kerslake_analysis.ingest.timescales.TimescaleErrors: 2 timescales cannot be parsed:
    x.csv, row 1, column timescale: cannot parse timescale 'soon'
    x.csv, row 2, column timescale: cannot parse timescale 'later'
    """
    texts = timescales.astype(object).where(timescales.notna(), "")
    if isinstance(references, pd.Series):
        refs = references.reindex(timescales.index).astype(object)
    else:
        refs = pd.Series([references] * len(timescales), index=timescales.index, dtype=object)
    refs = refs.map(_reference_key)

    cache: dict[tuple[str, dt.date | None], Timescale | TimescaleError] = {}
    for key in dict.fromkeys(zip(texts, refs, strict=True)):
        try:
            cache[key] = parse_timescale(*key)
        except TimescaleError as error:
            cache[key] = error

    results = [cache[key] for key in zip(texts, refs, strict=True)]
    problems = [
        TimescaleProblem(row=row, raw=text, message=str(result))
        for row, text, result in zip(timescales.index, texts, results, strict=True)
        if isinstance(result, TimescaleError)
    ]
    if problems:
        raise TimescaleErrors(problems, source=source, column=column)
    return pd.DataFrame(
        {
            "timescale_kind": pd.Series([r.kind for r in results], index=timescales.index),
            "due_start": _dates([r.start for r in results], timescales.index),
            "due_end": _dates([r.end for r in results], timescales.index),
        }
    )


# --------------------------------------------------------------------------- internals


def _dates(values: list[dt.date | None], index: pd.Index) -> pd.Series:
    return pd.to_datetime(pd.Series(values, index=index, dtype=object)).astype("datetime64[us]")


def _reference_key(value: Any) -> dt.date | None:
    """Turn one reference into a date (or None) usable as a dict key."""
    return _as_reference(value, "")


def _as_reference(reference: Any, raw: str) -> dt.date | None:
    if reference is None or (isinstance(reference, str) and not reference.strip()):
        return None
    if isinstance(reference, dt.datetime):
        return None if pd.isna(reference) else reference.date()
    if isinstance(reference, dt.date):
        return reference
    try:
        if pd.isna(reference):
            return None
    except (TypeError, ValueError):
        pass
    try:
        return pd.Timestamp(reference).date()
    except (TypeError, ValueError) as error:
        raise TimescaleError(f"bad reference date {reference!r} for timescale {raw!r}") from error


def _normalise(raw: str) -> str:
    """Lower-case, unify dashes and quotes, fold spaces, drop brackets and end punctuation."""
    text = raw.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    text = re.sub(r"\s+", " ", text).strip().lower()
    previous = None
    while text != previous:
        previous = text
        text = text.strip(" .,;:")
        if len(text) >= 2 and (text[0], text[-1]) in {("(", ")"), ("[", "]")}:
            text = text[1:-1]
    text = re.sub(r" ?- ?", lambda m: " - " if m.group(0) != "-" else "-", text)
    return _TRAILING_QUALIFIER.sub("", text)


def _parse(
    text: str, reference: dt.date | None, raw: str
) -> tuple[str, dt.date | None, dt.date | None]:
    if not text:
        return "none", None, None
    if _TBC.fullmatch(text):
        return "tbc", None, None
    if _ONGOING.fullmatch(text):
        return "ongoing", None, None
    if match := _ONGOING_WINDOW.fullmatch(text):
        window = _single(match["rest"], reference, raw)
        if window is not None:
            return "ongoing", window[1], None
    if match := _RECURRING.fullmatch(text):
        if match["rest"] is None:
            return "recurring", None, None
        window = _single(match["rest"], reference, raw)
        if window is not None:
            return "recurring", window[1], None
    if match := _ONWARDS.fullmatch(text):
        window = _single(match["rest"] or match["from"], reference, raw)
        if window is not None:
            return "ongoing", window[1], None
    window = _window(text, reference, raw)
    if window is not None:
        return window
    raise TimescaleError(f"cannot parse timescale {raw!r}")


def _window(text: str, reference: dt.date | None, raw: str) -> tuple[str, dt.date, dt.date] | None:
    """A dated window (kind, start, end) for ``text``, or None if no rule fits."""
    single = _single(text, reference, raw)
    if single is not None:
        return single
    if match := _MONTH_YEAR_LIST.fullmatch(text):
        first = _month_window(_MONTHS[match["month"]], _year(match["first"], raw), raw)
        last = _month_window(_MONTHS[match["month"]], _year(match["last"], raw), raw)
        return _ordered("range", first[0], last[1], raw)
    relative = _relative_span(text, reference, raw)
    if relative is not None:
        return relative
    return _range(text, reference, raw)


def _single(text: str, reference: dt.date | None, raw: str) -> tuple[str, dt.date, dt.date] | None:
    """One absolute or yearless month, season, day, year or financial year."""
    by = False
    stripped = True
    while stripped:
        stripped = False
        for lead, is_by in _LEADS:
            if text.startswith(lead) and len(text) > len(lead):
                text, by, stripped = text[len(lead) :], by or is_by, True
                break
    return _absolute(text, raw) or _yearless(text, reference, raw, by=by)


def _absolute(text: str, raw: str) -> tuple[str, dt.date, dt.date] | None:
    if match := _MONTH_YEAR.fullmatch(text):
        start, end = _month_window(_MONTHS[match["month"]], _year(match["year"], raw), raw)
        return "month", start, end
    if match := _SEASON_YEAR.fullmatch(text):
        start, end = _season_window(match["season"], _year(match["year"], raw), raw)
        return "season", start, end
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR):
        if match := pattern.fullmatch(text):
            day = _date(_year(match["year"], raw), _MONTHS[match["month"]], int(match["day"]), raw)
            return "day", day, day
    for pattern in (_NUMERIC_DATE, _ISO_DATE):
        if match := pattern.fullmatch(text):
            day = _date(_year(match["year"], raw), int(match["month"]), int(match["day"]), raw)
            return "day", day, day
    if match := _FINANCIAL_YEAR.fullmatch(text):
        first, second = _year(match["first"], raw), _year(match["second"], raw)
        if second == first + 1:
            return "financial_year", dt.date(first, 4, 1), dt.date(second, 3, 31)
        return None
    if match := _CALENDAR_YEAR.fullmatch(text):
        year = _year(match["year"], raw)
        return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


def _yearless(
    text: str, reference: dt.date | None, raw: str, *, by: bool
) -> tuple[str, dt.date, dt.date] | None:
    """A month, season or day with no year, placed by ``reference``."""
    if match := (_YEARLESS_DAY_MONTH.fullmatch(text) or _YEARLESS_MONTH_DAY.fullmatch(text)):
        month, day = _MONTHS[match["month"]], int(match["day"])

        def candidate(year: int) -> tuple[dt.date, dt.date] | None:
            try:
                return dt.date(year, month, day), dt.date(year, month, day)
            except ValueError:
                return None

    elif match := _YEARLESS_MONTH.fullmatch(text):

        def candidate(year: int) -> tuple[dt.date, dt.date] | None:
            return _month_window(_MONTHS[match["month"]], year, raw)

    elif match := _YEARLESS_SEASON.fullmatch(text):

        def candidate(year: int) -> tuple[dt.date, dt.date] | None:
            return _season_window(match["season"], year, raw)

    elif match := _YEARLESS_YEAR.fullmatch(text):
        financial = bool(match["financial"])

        def candidate(year: int) -> tuple[dt.date, dt.date] | None:
            if financial:
                return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)

    else:
        return None
    reference = _require(reference, raw)
    years = range(max(reference.year - 2, 1), min(reference.year + 6, 9998))
    windows = [w for year in years if (w := candidate(year))]
    if by:
        windows = [w for w in windows if w[1] >= reference][:1]
    if not windows:
        raise TimescaleError(f"timescale {raw!r} names a day that does not exist")
    chosen = min(reversed(windows), key=lambda w: _gap(w, reference))
    return "relative", chosen[0], chosen[1]


def _gap(window: tuple[dt.date, dt.date], reference: dt.date) -> int:
    start, end = window
    if start <= reference <= end:
        return 0
    return min(abs((start - reference).days), abs((end - reference).days))


def _relative_span(
    text: str, reference: dt.date | None, raw: str
) -> tuple[str, dt.date, dt.date] | None:
    if (match := _POINT.fullmatch(text)) and (match["within"] or match["time"]):
        n = _number(match["n"], raw)
        if n is None:
            return None
        reference = _require(reference, raw)
        day = _shift(reference, n, match["unit"], raw)
        return "relative", day, day
    if match := _SPAN.fullmatch(text):
        n = _number(match["n"], raw)
        m = _number(match["m"], raw) if match["m"] else None
        if n is None or (match["m"] and m is None):
            return None
        reference = _require(reference, raw)
        if m is None:
            return _ordered("relative", reference, _shift(reference, n, match["unit"], raw), raw)
        first = _shift(reference, n, match["unit"], raw)
        last = _shift(reference, m, match["unit"], raw)
        return _ordered("relative", first, last, raw)
    return None


def _range(text: str, reference: dt.date | None, raw: str) -> tuple[str, dt.date, dt.date] | None:
    """``A - B``, ``A to B``, ``A / B``: from the start of A to the end of B."""
    text = text.removeprefix("between ").removeprefix("from ")
    for separator in _RANGE_SEPARATOR.finditer(text):
        left, right = text[: separator.start()].strip(), text[separator.end() :].strip()
        if not left or not right:
            continue
        right_window = _single(right, reference, raw)
        if right_window is None:
            continue
        left_window = _absolute(left, raw)
        if left_window is None:
            left_window = _before(left, right_window[1], raw)
        if left_window is None:
            continue
        kind = "relative" if "relative" in (left_window[0], right_window[0]) else "range"
        return _ordered(kind, left_window[1], right_window[2], raw)
    return None


def _before(text: str, limit: dt.date, raw: str) -> tuple[str, dt.date, dt.date] | None:
    """A yearless month or season: its latest occurrence starting on or before ``limit``."""
    if match := _YEARLESS_MONTH.fullmatch(text):
        month = _MONTHS[match["month"]]
        year = limit.year if month <= limit.month else limit.year - 1
        start, end = _month_window(month, year, raw)
        return "month", start, end
    if match := _YEARLESS_SEASON.fullmatch(text):
        season = match["season"]
        for year in (limit.year, limit.year - 1):
            start, end = _season_window(season, year, raw)
            if start <= limit:
                return "season", start, end
    return None


def _ordered(kind: str, start: dt.date, end: dt.date, raw: str) -> tuple[str, dt.date, dt.date]:
    if start > end:
        raise TimescaleError(f"timescale {raw!r} ends before it starts")
    return kind, start, end


def _require(reference: dt.date | None, raw: str) -> dt.date:
    if reference is None:
        raise TimescaleError(f"timescale {raw!r} is relative and needs a reference date")
    return reference


def _number(word: str, raw: str) -> int | None:
    word = word.replace(" ", "-")
    if word.isdigit():
        return int(word)
    if "-" in word:
        tens, _, units = word.partition("-")
        if tens in _NUMBER_WORDS and units in _NUMBER_WORDS:
            return _NUMBER_WORDS[tens] + _NUMBER_WORDS[units]
        return None
    return _NUMBER_WORDS.get(word)


def _shift(day: dt.date, n: int, unit: str, raw: str) -> dt.date:
    months = {"month": n, "year": 12 * n}.get(unit)
    days = {"day": n, "week": 7 * n}.get(unit)
    if (months or 0) > _MAX_MONTHS or (days or 0) > 31 * _MAX_MONTHS:
        raise TimescaleError(f"timescale {raw!r} is further ahead than {_MAX_MONTHS} months")
    if days is not None:
        try:
            return day + dt.timedelta(days=days)
        except OverflowError as error:
            raise TimescaleError(f"timescale {raw!r} runs past the calendar") from error
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    if year > 9998:
        raise TimescaleError(f"timescale {raw!r} runs past the calendar")
    return dt.date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def _year(text: str, raw: str) -> int:
    text = text.lstrip("'")
    year = 2000 + int(text) if len(text) == 2 else int(text)
    if not 1 <= year <= 9998:
        raise TimescaleError(f"timescale {raw!r} has an impossible year")
    return year


def _date(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise TimescaleError(f"timescale {raw!r} names a day that does not exist") from error


def _month_window(month: int, year: int, raw: str) -> tuple[dt.date, dt.date]:
    if not 1 <= year <= 9998:
        raise TimescaleError(f"timescale {raw!r} has an impossible year")
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _season_window(season: str, year: int, raw: str) -> tuple[dt.date, dt.date]:
    first = _SEASONS[season]
    start, _ = _month_window(first, year, raw)
    end_year, end_month = (year + 1, 2) if first == 12 else (year, first + 2)
    return start, _month_window(end_month, end_year, raw)[1]
