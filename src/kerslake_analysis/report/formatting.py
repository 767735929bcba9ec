"""How a value is shown in words: the one set of formatters the pages and the e-mail use.

``kind`` names what a figure is: ``"count"`` (a whole number), ``"share"`` (a fraction
shown as a percentage), ``"months"`` (a schedule variance, negative behind),
``"bound"`` (a lower bound of one) or ``"ratio"`` (an index such as SPI).
"""

from __future__ import annotations

import pandas as pd

NOT_COMPUTABLE = "not computable"


def json_number(value) -> float | None:
    """A float for JSON, or None where the metric could not be computed."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)


def day_label(when: pd.Timestamp, year: bool = True) -> str:
    """A date in words, ``"30 September 2018"`` (``"30 September"`` without the year)."""
    return f"{when.day} {when:%B}" + (f" {when:%Y}" if year else "")


def short_day_label(value) -> str:
    """A date with the month abbreviated, ``"05 Sep 2018"`` (the overview's tables)."""
    return pd.Timestamp(value).strftime("%d %b %Y")


def iso_day(value) -> str:
    """A date as ``YYYY-MM-DD``; empty for a missing one (the lineage page)."""
    return "" if pd.isna(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def format_percent(share: float | None) -> str:
    """A share as a whole percentage in a sentence, ``"33%"``; "not computable" for None."""
    return NOT_COMPUTABLE if share is None else f"{share * 100:.0f}%"


def format_months(value: float | None) -> str:
    """A schedule variance in words, ``"2.8 months behind"``, ``"on schedule"`` within
    0.05 months, "not computable" for None."""
    if value is None:
        return NOT_COMPUTABLE
    months = abs(value)
    if months < 0.05:
        return "on schedule"
    return f"{months:.1f} months {'behind' if value < 0 else 'ahead'}"


def format_bound_months(value: float) -> str:
    """A lower bound of the schedule variance in words: the most the plan can be behind."""
    if value < -0.05:
        return f"at most {abs(value):.1f} months behind"
    if value > 0.05:
        return f"at least {value:.1f} months ahead"
    return "not behind"


def format_value(value, kind: str) -> str:
    """A figure as a table shows it.

    Parameters
    ----------
    value : int, float or None
        None where the figure could not be computed.
    kind : {"count", "share", "months", "bound", "ratio"}

    Returns
    -------
    str
        ``"21"``, ``"33.3%"``, ``"-2.8"``, ``"≥ -4.1"``, ``"0.87"``; "not computable"
        for None ("—" for a missing bound).

    Examples
    --------
    >>> format_value(21 / 63, "share"), format_value(-2.846, "months"), format_value(None, "count")
    ('33.3%', '-2.8', 'not computable')
    """
    if value is None:
        return "—" if kind == "bound" else NOT_COMPUTABLE
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "months":
        return f"{value:+.1f}"
    if kind == "bound":
        return f"≥ {value:+.1f}"
    if kind == "ratio":
        return f"{value:.2f}"
    return f"{value:d}"


def format_change(now, before, kind: str) -> str:
    """The change of a figure between two periods, ``"+3"``, ``"+4.5 points"``; "—" where
    either is missing or for a bound (two bounds' difference means nothing).

    Parameters
    ----------
    now, before : int, float or None
    kind : {"count", "share", "months", "bound", "ratio"}

    Returns
    -------
    str
    """
    if now is None or before is None:
        return "—"
    if kind == "share":
        return f"{(now - before) * 100:+.1f} points"
    if kind == "months":
        return f"{now - before:+.1f}"
    if kind == "bound":
        return "—"  # two bounds on different evidence: their difference means nothing
    if kind == "ratio":
        return f"{now - before:+.2f}"
    return f"{now - before:+d}"


def coverage_caution(figures: dict) -> str:
    """The caution a rate carries when evidence covers fewer than half of the commitments.

    Parameters
    ----------
    figures : dict
        Headline figures with ``commitments`` and ``with_evidence`` (either may be None).

    Returns
    -------
    str
        ``"; evidence covers only N of M commitments"``, or empty.

    Examples
    --------
    >>> coverage_caution({"commitments": 10, "with_evidence": 4})
    '; evidence covers only 4 of 10 commitments'
    >>> coverage_caution({"commitments": 10, "with_evidence": 5})
    ''
    """
    total, with_evidence = figures.get("commitments"), figures.get("with_evidence")
    if not total or with_evidence is None or with_evidence * 2 >= total:
        return ""
    return f"; evidence covers only {with_evidence} of {total} commitments"
