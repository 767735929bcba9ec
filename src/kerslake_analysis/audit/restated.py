"""Check 3 — one quantity stated twice: where the documents say it again, do they agree?

Claims state the same quantity when their keys are equal once the bound is removed
(same ``base`` and ``@period``; the keys were assigned by reading, see
``data/transcriptions/README.md``). Every group of two or more statements is tested:

* **numbers**: each claim allows an interval of true values (an exact figure itself,
  ``min`` from it upwards, ``max`` up to it, ``approx`` within 10 % of it); the
  statements agree when the intervals have a value in common. So "over 230 ideas" and
  "236 ideas" agree, "80 councillors" and "82 councillors" do not.
* **dates and periods**: each claim is a window of days (``2018-09`` is 1–30 September)
  and statements agree when the windows overlap, so a month holds a day in it. Two
  spans written at the same precision (``2018-2022`` and ``2018-2020``) are two
  statements of the span itself and must be equal.
* **revised plans**: the 2018 tracker repeats an aim's planned date in each monthly
  update. When dates disagree only between updates of different months (the August
  update plans September, the September update plans October), the later update has
  moved the date: that is a revision, reported as consistent and named as a slip, not a
  contradiction.

A group whose statements are all one statement (a range "2–5 years" read as a min and a
max from one quote) is not a quantity stated twice and is left to other checks.
"""

from __future__ import annotations

import numpy as np
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
    describe_date,
    describe_lines,
    describe_value,
    join_words,
)

CHECK = "stated-twice"

#: Relative tolerance of a figure stated as approximate ("about", "almost", "c70").
APPROX_TOLERANCE = 0.10


def check_restated(claims: pd.DataFrame, updates: pd.DataFrame | None = None) -> list[Finding]:
    """Test every quantity the register states more than once.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    updates : pandas.DataFrame, optional
        The 2018 tracker's monthly updates (``cgip18_updates``: ``month``, ``source``,
        ``source_line``, ``quote``), to recognise a date revised by a later update.

    Returns
    -------
    list of Finding
        One per quantity stated in two or more statements.
    """
    keyed = claims.assign(
        update_month=update_months(claims, updates),
        statement=claims["source"]
        + ":"
        + claims["source_line"].astype(str)
        + ":"
        + claims["quote"],
    )
    keys = ["base", "period"]
    keyed = keyed[keyed.groupby(keys)["statement"].transform("nunique") >= 2]
    keyed = keyed.assign(agree=_agreement(keyed, keys))
    month_keys = [*keys, "update_month"]
    keyed["agree_within_month"] = _agreement(keyed, month_keys)
    return [_finding(group) for _, group in keyed.groupby(keys, sort=True)]


def update_months(claims: pd.DataFrame, updates: pd.DataFrame | None) -> pd.Series:
    """The month of the 2018 tracker update each claim is quoted from (``""`` if none).

    A claim belongs to an update when it is on the update's line and its quote lies
    within the update's quote.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    updates : pandas.DataFrame or None
        ``cgip18_updates``.

    Returns
    -------
    pandas.Series
        Aligned with ``claims``: ``YYYY-MM`` or ``""`` (also when the update carries no
        month or two updates of different months hold the quote).
    """
    if updates is None or updates.empty:
        return pd.Series("", index=claims.index, dtype="str")
    pairs = claims.reset_index()[["index", "source", "source_line", "quote"]].merge(
        updates[["source", "source_line", "quote", "month"]].rename(
            columns={"quote": "update_quote"}
        ),
        on=["source", "source_line"],
    )
    inside = np.array(
        [q in u for q, u in zip(pairs["quote"], pairs["update_quote"], strict=True)], dtype=bool
    )
    pairs = pairs[inside & pairs["month"].fillna("").ne("").to_numpy()]
    months = pairs.groupby("index")["month"].agg(lambda m: m.iloc[0] if m.nunique() == 1 else "")
    return months.reindex(claims.index, fill_value="").astype("str")


# --------------------------------------------------------------------------- intervals


def _intervals(claims: pd.DataFrame) -> pd.DataFrame:
    """The values each claim allows, as ``low``/``high`` (days since 1970 for dates).

    An exact figure allows itself, ``min`` it and above, ``max`` it and below, ``approx``
    it within :data:`APPROX_TOLERANCE`; a date allows every day of its window.
    """
    dated = claims["unit"].isin(DATE_UNITS).to_numpy()
    day = pd.Timedelta(days=1)
    epoch = pd.Timestamp("1970-01-01")
    value = np.where(dated, 0.0, claims["number"].to_numpy(dtype=float))
    first = np.where(dated, ((claims["start"] - epoch) / day).to_numpy(dtype=float), value)
    last = np.where(dated, ((claims["end"] - epoch) / day).to_numpy(dtype=float), value)
    bound = claims["bound"].to_numpy()
    approx = (bound == "approx") & ~dated
    low = np.select([bound == "max", approx], [-np.inf, value * (1 - APPROX_TOLERANCE)], first)
    high = np.select([bound == "min", approx], [np.inf, value * (1 + APPROX_TOLERANCE)], last)
    return pd.DataFrame({"low": low, "high": high}, index=claims.index)


def _agreement(claims: pd.DataFrame, keys: list[str]) -> pd.Series:
    """Whether the claims sharing ``keys`` all allow a common value (aligned with claims).

    Two spans (unit ``period``) written at the same precision must moreover be the same
    span.
    """
    bounds = _intervals(claims).join(claims[keys])
    overlap = (
        bounds.groupby(keys)["low"].transform("max")
        <= bounds.groupby(keys)["high"].transform("min") + 1e-9
    )
    spans = claims["unit"].eq("period") & claims["bound"].eq("")
    window = claims["start"].astype(str) + "/" + claims["end"].astype(str)
    distinct = (
        claims.assign(window=window.where(spans))
        .groupby([*keys, "precision"])["window"]
        .transform("nunique")
    )
    same_span = (distinct <= 1).groupby([claims[k] for k in keys]).transform("all")
    return overlap & same_span


# --------------------------------------------------------------------------- words


def _finding(group: pd.DataFrame) -> Finding:
    refs = claim_refs(group)
    subject = group["text"].iloc[0] or group["quantity_key"].iloc[0]
    words = _statement_words(group)
    listing = _listing(group, words)
    dated = group["unit"].isin(DATE_UNITS)
    if dated.any() != dated.all() or (not dated.any() and group["unit"].nunique() > 1):
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            f"The statements use different units, so they cannot be compared ({listing}).",
            refs,
        )
    if group["agree"].all():
        verdict = (
            "they agree"
            if words.nunique() == 1
            else "they are compatible (a bound or a coarser date holds the others)"
        )
        return Finding(CHECK, CONSISTENT, subject, f"{_capital(listing)}: {verdict}.", refs)
    months = group["update_month"]
    if (
        dated.all()
        and months.ne("").all()
        and months.nunique() > 1
        and group["agree_within_month"].all()
    ):
        return Finding(CHECK, CONSISTENT, subject, _revision(group), refs)
    return Finding(
        CHECK,
        INCONSISTENT,
        subject,
        f"{_capital(listing)}: the values differ, so at least one of them is wrong.",
        refs,
    )


def _revision(group: pd.DataFrame) -> str:
    """Explain a date moved by a later monthly update."""
    steps = [
        f"the {describe_date(month)} update gives {_values(rows)}"
        for month, rows in group.groupby("update_month", sort=True)
    ]
    return (
        f"The date was revised between monthly updates, not contradicted: {join_words(steps)} "
        f"({describe_lines(group)}); the later update replaces the earlier plan."
    )


def _values(rows: pd.DataFrame) -> str:
    return join_words(
        sorted({describe_value(v, u) for v, u in zip(rows["value"], rows["unit"], strict=True)})
    )


def _statement_words(group: pd.DataFrame) -> pd.Series:
    """How each claim's statement reads: a value, or a range for a min and max of one quote."""
    words = {}
    for statement, rows in group.groupby("statement", sort=False):
        bounds = dict(zip(rows["bound"], rows["value"], strict=True))
        unit = rows["unit"].iloc[0]
        if set(bounds) == {"min", "max"} and unit not in DATE_UNITS:
            words[statement] = (
                f"{describe_value(bounds['min'], unit)} to {describe_value(bounds['max'], unit)}"
            )
        else:
            words[statement] = join_words(
                [
                    describe_value(v, u, b)
                    for v, u, b in zip(rows["value"], rows["unit"], rows["bound"], strict=True)
                ]
            )
    return group["statement"].map(words)


def _listing(group: pd.DataFrame, words: pd.Series) -> str:
    """Each distinct statement with where: ``"in …, stated as 80 (line 67) and 82 (line 237)"``."""
    one_document = group["source"].nunique() == 1
    parts = [
        f"{text} ({describe_lines(rows, with_document=not one_document)})"
        for text, rows in group.groupby(words, sort=False)
    ]
    prefix = f"in {group['document'].iloc[0]}, " if one_document else ""
    return prefix + "stated as " + join_words(parts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
