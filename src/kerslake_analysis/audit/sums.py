"""Check 1 — sums: parts stated with a total add up to it.

The key grammar names the pairs (``data/transcriptions/README.md``): ``X.total`` is a
whole, ``X.by_<dimension>.<part>`` are its parts for one ``@period`` (the total may
carry the same period or none), ``X.by_<dimension>.<a>+<b>`` is a stated subtotal of
two parts, and ``<part>.share`` is the percentage of a part. Three tests follow:

* the parts add up to the total, exactly (counts are whole numbers);
* each stated subtotal equals the sum of its parts;
* the percentages of one partition add up to 100, within rounding: each share
  written to *d* decimals may be off by half a unit in the last place, so *n* shares
  may miss 100 by up to ``n × 0.5 × 10^-d``.

A part stated with two different values cannot be added up; the finding is then
unverifiable and the conflict is reported by the "stated twice" check.

Examples
--------
>>> from kerslake_analysis.audit.prepared import prepare_claims
>>> claims = pd.DataFrame({
...     "claim_id": ["C-1", "C-2", "C-3"],
...     "quantity_key": ["x.total", "x.by_kind.a@2015-12", "x.by_kind.b@2015-12"],
...     "value": ["10", "4", "6"], "unit": ["count"] * 3, "as_of": [""] * 3,
...     "text": [""] * 3, "source": ["f.txt"] * 3, "source_line": [1, 2, 3],
...     "quote": ["10", "4", "6"], "note": [""] * 3})
>>> [f.status for f in check_sums(prepare_claims(claims))]
['consistent']
"""

from __future__ import annotations

import re
from fractions import Fraction

import pandas as pd

from kerslake_analysis.audit.findings import (
    CONSISTENT,
    INCONSISTENT,
    UNVERIFIABLE,
    Finding,
    claim_refs,
)
from kerslake_analysis.audit.prepared import (
    describe_date,
    describe_lines,
    describe_value,
    join_words,
)

CHECK = "sums"

_PART = re.compile(r"^(?P<whole>.+)\.by_(?P<dimension>[a-z0-9_]+)\.(?P<part>[a-z0-9_+-]+)$")
#: What the shares of a whole partition add up to, by unit.
_WHOLE_SHARE = {"percent": Fraction(100), "fraction": Fraction(1)}


def check_sums(claims: pd.DataFrame) -> list[Finding]:
    """Test every partition of the register: parts against total, subtotals, shares.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims (:func:`~kerslake_analysis.audit.prepared.prepare_claims`).

    Returns
    -------
    list of Finding
        One per partition with a total (parts against total), one per stated subtotal
        whose parts are stated, one per partition with two or more shares.
    """
    shares = claims["base"].str.endswith(".share")
    part_of = claims["base"].str.removesuffix(".share").str.extract(_PART)
    parts = claims.join(part_of).assign(is_share=shares).dropna(subset=["whole"])
    findings: list[Finding] = []
    for (whole, dimension, period), group in parts.groupby(
        ["whole", "dimension", "period"], sort=True
    ):
        counts = group[~group["is_share"]]
        totals = _totals(claims, whole, period)
        atomic = counts[~counts["part"].str.contains("+", regex=False)]
        subtotals = counts[counts["part"].str.contains("+", regex=False)]
        label = _label(dimension, period)
        if len(atomic) and len(totals):
            findings.append(
                _parts_against_total(f"Counts {label} against the total", atomic, totals)
            )
        for _, subtotal in subtotals.groupby("part", sort=True):
            names = subtotal["part"].iloc[0].split("+")
            components = atomic[atomic["part"].isin(names)]
            if components["part"].nunique() == len(names):
                findings.append(_subtotal(subtotal, components, period))
        share_rows = group[group["is_share"]]
        if share_rows["part"].nunique() >= 2:
            findings.append(_shares(f"Percentages {label}", share_rows))
    return findings


def _label(dimension: str, period: str) -> str:
    """``"by status (December 2015)"``."""
    when = f" ({describe_date(period)})" if period else ""
    return f"by {dimension.replace('_', ' ')}{when}"


def _totals(claims: pd.DataFrame, whole: str, period: str) -> pd.DataFrame:
    """Claims of ``whole.total`` for the period, or failing that with no period."""
    totals = claims[claims["base"].eq(f"{whole}.total")]
    same = totals[totals["period"].eq(period)]
    return same if len(same) else totals[totals["period"].eq("")]


def _single_values(rows: pd.DataFrame, by: str) -> pd.Series | None:
    """The one exact value of each group, or None if a group is a bound or has two values."""
    if rows["bound"].ne("").any():
        return None
    values = rows.groupby(by)["number"].agg(["nunique", "first"])
    if (values["nunique"] != 1).any():
        return None
    return values["first"]


def _parts_against_total(subject: str, atomic: pd.DataFrame, totals: pd.DataFrame) -> Finding:
    rows = pd.concat([totals, atomic])
    refs = claim_refs(rows)
    parts = _single_values(atomic, "part")
    total = _single_values(totals, "base")
    if parts is None or total is None:
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            "A part or the total is stated with two different values or only as a bound, "
            "so the sum cannot be tested (see the stated-twice findings).",
            refs,
        )
    ordered = atomic.drop_duplicates("part")["part"]
    values = [describe_value_plain(parts[p]) for p in ordered]
    added, stated = parts.sum(), total.iloc[0]
    sum_words = f"{' + '.join(values)} = {describe_value_plain(added)}"
    where = describe_lines(rows)
    if added == stated:
        return Finding(
            CHECK,
            CONSISTENT,
            subject,
            f"The parts add up to the stated total: {sum_words} ({where}).",
            refs,
        )
    return Finding(
        CHECK,
        INCONSISTENT,
        subject,
        f"The parts do not add up to the stated total {describe_value_plain(stated)}: "
        f"{sum_words} ({where}).",
        refs,
    )


def _subtotal(subtotal: pd.DataFrame, components: pd.DataFrame, period: str) -> Finding:
    rows = pd.concat([subtotal, components])
    refs = claim_refs(rows)
    names = subtotal["part"].iloc[0].split("+")
    when = f" ({describe_date(period)})" if period else ""
    subject = f"Subtotal of {join_words([n.replace('_', ' ') for n in names])}{when}"
    values = _single_values(components, "part")
    stated = _single_values(subtotal, "part")
    if values is None or stated is None:
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            "A part or the subtotal is stated with two different values, so the sum cannot "
            "be tested (see the stated-twice findings).",
            refs,
        )
    added = sum(values[n] for n in names)
    words = f"{' + '.join(describe_value_plain(values[n]) for n in names)} = {describe_value_plain(added)}"
    ok = added == stated.iloc[0]
    return Finding(
        CHECK,
        CONSISTENT if ok else INCONSISTENT,
        subject,
        f"The stated subtotal {describe_value_plain(stated.iloc[0])} "
        f"{'equals' if ok else 'does not equal'} the sum of its parts: {words} "
        f"({describe_lines(rows)}).",
        refs,
    )


def _shares(subject: str, shares: pd.DataFrame) -> Finding:
    refs = claim_refs(shares)
    units = shares["unit"].unique()
    values = _single_values(shares.assign(bound=""), "part")
    if len(units) != 1 or units[0] not in _WHOLE_SHARE or values is None:
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            "The shares are stated in different units or with two different values, so "
            "their sum cannot be tested.",
            refs,
        )
    unit = units[0]
    exact = [Fraction(v) for v in shares.drop_duplicates("part")["value"]]
    decimals = int(shares["decimals"].max())
    slack = Fraction(len(exact), 2) / 10**decimals
    total = sum(exact)
    target = _WHOLE_SHARE[unit]
    words = " + ".join(describe_value(v, unit) for v in shares.drop_duplicates("part")["value"])
    approximate = shares["bound"].ne("").any()
    if abs(total - target) <= slack:
        status, verdict = CONSISTENT, "add up to the whole within rounding"
    elif approximate:
        status, verdict = UNVERIFIABLE, "miss the whole, but some are stated as approximate"
    else:
        status, verdict = INCONSISTENT, "do not add up to the whole, even allowing for rounding"
    return Finding(
        CHECK,
        status,
        subject,
        f"The shares {verdict}: {words} = {describe_value(str(float(total)), unit)} "
        f"(rounding allows {describe_value(str(float(target - slack)), unit)} to "
        f"{describe_value(str(float(target + slack)), unit)}; {describe_lines(shares)}).",
        refs,
    )


def describe_value_plain(number: float) -> str:
    """Write a count as digits (``82``), for sums.

    Parameters
    ----------
    number : float

    Returns
    -------
    str

    Examples
    --------
    >>> describe_value_plain(134.0)
    '134'
    """
    return describe_value(str(number), "count")
