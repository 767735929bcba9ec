"""The plans and reporting periods the package can report on.

Examples
--------
>>> p = ReportPeriod("cgip-2018", "2018-09")
>>> p.title
'Corporate Governance Improvement Plan 2018 — September 2018'
>>> period_end("2018-09")
datetime.date(2018, 9, 30)
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

#: Human titles of the plans, by plan slug.
PLAN_TITLES: dict[str, str] = {
    "ap-2015": "Kerslake Review action plan 2015",
    "cgip-2018": "Corporate Governance Improvement Plan 2018",
    "gap-2016": "Gap analysis 2016",
    "iif-2021": "Investing in our Future 2021–2026",
}

#: A reporting period ``YYYY-MM`` with a month 01–12 (match it whole: ``fullmatch``).
#: The project's one period pattern: schemas, the register mapping and loader use it.
PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")

#: Days in a month on average (365.25 / 12), for moves and slips stated in months.
DAYS_PER_MONTH = 365.25 / 12


class PeriodError(ValueError):
    """A reporting period is not a valid ``YYYY-MM`` string."""


def parse_period(period: str) -> tuple[int, int]:
    """Split a ``YYYY-MM`` period into (year, month).

    Parameters
    ----------
    period : str
        For example ``"2018-09"``.

    Returns
    -------
    tuple of int

    Raises
    ------
    PeriodError
        If the text is not ``YYYY-MM`` with a month 01–12.

    Examples
    --------
    >>> parse_period("2015-12")
    (2015, 12)
    """
    match = PERIOD.fullmatch(period)
    if not match:
        raise PeriodError(f"period {period!r} is not YYYY-MM (for example 2018-09)")
    return int(match.group(1)), int(match.group(2))


#: Month names and abbreviations, lower case ("sept" too), to the month's number: the
#: one table the period rules and the timescale parser read.
MONTH_NUMBERS: dict[str, int] = {
    name.casefold(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
} | {"sept": 9}


def period_from_groups(groups: dict[str, str | None]) -> str | None:
    """The period ``YYYY-MM`` that a regex match's named groups give, or None.

    ``year`` (four digits) with ``month`` (a number or an English month name) or
    ``quarter`` (``Q1``-``Q4``, ``T1``-``T4`` or ``1``-``4``: the quarter's last month).
    Other groups (``day``, ``hour``, ``minute``) are ignored.

    Parameters
    ----------
    groups : dict
        ``match.groupdict()``.

    Returns
    -------
    str or None

    Examples
    --------
    >>> period_from_groups({"year": "2024", "quarter": "Q3"})
    '2024-09'
    >>> period_from_groups({"year": "2012", "month": "Sept", "day": "30"})
    '2012-09'
    >>> period_from_groups({"year": "12", "month": "07"}) is None
    True
    """
    year_text = groups.get("year") or ""
    if not (year_text.isdigit() and len(year_text) == 4):
        return None
    if "quarter" in groups:
        quarter = re.fullmatch(r"[QT]?([1-4])", (groups["quarter"] or "").strip().upper())
        month = 3 * int(quarter.group(1)) if quarter else None
    else:
        month_text = (groups.get("month") or "").strip().casefold()
        month = int(month_text) if month_text.isdigit() else MONTH_NUMBERS.get(month_text)
    if month is None or not 1 <= month <= 12:
        return None
    return f"{int(year_text):04d}-{month:02d}"


def period_end(period: str) -> dt.date:
    """Return the date of a period: the last day of its month.

    Parameters
    ----------
    period : str
        ``YYYY-MM``.

    Returns
    -------
    datetime.date
    """
    year, month = parse_period(period)
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period_label(period: str) -> str:
    """Return a period as words, ``"September 2018"``.

    Parameters
    ----------
    period : str
        ``YYYY-MM``.

    Returns
    -------
    str

    Examples
    --------
    >>> period_label("2015-12")
    'December 2015'
    """
    year, month = parse_period(period)
    return f"{calendar.month_name[month]} {year}"


@dataclass(frozen=True, order=True)
class ReportPeriod:
    """One (plan, period) pair: the unit a report is rendered for.

    Parameters
    ----------
    plan : str
        Plan slug, a key of :data:`PLAN_TITLES` or a register's own name.
    period : str
        ``YYYY-MM``.
    register : str, optional
        Folder of a council's tracker snapshots ("" for the embedded data).
    mapping : str, optional
        The tracker's TOML mapping ("" for the embedded data).
    plan_title : str, optional
        Title of a register's plan (the embedded plans' titles are in :data:`PLAN_TITLES`).
    """

    plan: str
    period: str
    register: str = ""
    mapping: str = ""
    plan_title: str = ""

    def __post_init__(self) -> None:
        parse_period(self.period)

    @property
    def title(self) -> str:
        """The report's title: plan title and period in words."""
        title = self.plan_title or PLAN_TITLES.get(self.plan, self.plan)
        return f"{title} — {period_label(self.period)}"

    def parameters(self) -> dict[str, str]:
        """Parameters passed to the report notebook by papermill."""
        params = {"plan": self.plan, "period": self.period}
        if self.register:
            params.update(register=self.register, mapping=self.mapping)
        return params
