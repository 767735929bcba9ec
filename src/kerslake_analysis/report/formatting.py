"""How a value is shown in words: the one set of formatters the report and the e-mail use."""

from __future__ import annotations

import pandas as pd


def json_number(value) -> float | None:
    """A float for JSON, or None where the metric could not be computed."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)


def day_label(when: pd.Timestamp, year: bool = True) -> str:
    """A date in words, ``"30 September 2018"`` (``"30 September"`` without the year)."""
    return f"{when.day} {when:%B}" + (f" {when:%Y}" if year else "")


def format_percent(share: float | None) -> str:
    return "not computable" if share is None else f"{share * 100:.0f}%"


def format_months(value: float | None) -> str:
    if value is None:
        return "not computable"
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
    if value is None:
        return "—" if kind == "bound" else "not computable"
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
