"""Check 2 — percentage against count: a stated percentage is what its count gives.

A percentage ``<part>.share`` stated with its count (the claim ``<part>``) and base
(``X.total``, see ``data/transcriptions/README.md``) must equal ``100 × count / base``
rounded to the number of decimals written. Like the GRIM test (Brown & Heathers, 2017)
the arithmetic is exact (rational numbers, no floating point), and two rounding
conventions are tried, because documents use both:

* **half-up**: a value exactly half-way goes up (12.5 → 13), as most people round;
* **half-even**: a value exactly half-way goes to the even neighbour (12.5 → 12), as
  Python, R and many spreadsheets' ``ROUND`` variants do.

The two differ only when the exact value lies exactly half-way; the finding says which
conventions reproduce the stated figure. Where the base is stated but not the count,
the GRIM question proper is asked: is there any whole count that gives the stated
percentage?

Examples
--------
>>> conventions(1, 8, "12")   # 1/8 = 12.5%: half-even gives 12, half-up 13
(False, True)
>>> conventions(82, 134, "61")   # 82/134 = 61.19...%
(True, True)
"""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd

from kerslake_analysis.audit.findings import (
    CONSISTENT,
    INCONSISTENT,
    UNVERIFIABLE,
    Finding,
    claim_refs,
)
from kerslake_analysis.audit.prepared import describe_lines

CHECK = "percentage-count"


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    """Round a non-negative exact value to ``decimals`` places, halves going up.

    Parameters
    ----------
    value : fractions.Fraction
    decimals : int

    Returns
    -------
    fractions.Fraction

    Examples
    --------
    >>> round_half_up(Fraction(25, 2), 0), round_half_up(Fraction(125, 1000), 2)
    (Fraction(13, 1), Fraction(13, 100))
    """
    scale = 10**decimals
    return Fraction(math.floor(value * scale + Fraction(1, 2)), scale)


def round_half_even(value: Fraction, decimals: int) -> Fraction:
    """Round an exact value to ``decimals`` places, halves going to the even neighbour.

    Parameters
    ----------
    value : fractions.Fraction
    decimals : int

    Returns
    -------
    fractions.Fraction

    Examples
    --------
    >>> round_half_even(Fraction(25, 2), 0), round_half_even(Fraction(27, 2), 0)
    (Fraction(12, 1), Fraction(14, 1))
    """
    return Fraction(round(value, decimals))


def _decimals(stated: str) -> int:
    return len(stated.partition(".")[2])


def conventions(count: int, base: int, stated: str) -> tuple[bool, bool]:
    """Which rounding conventions turn ``count`` of ``base`` into the stated percentage.

    Parameters
    ----------
    count, base : int
    stated : str
        The percentage as written (``"61"``, ``"12.5"``): its decimals set the precision.

    Returns
    -------
    tuple of bool
        (half-up reproduces it, half-even reproduces it).

    Raises
    ------
    ValueError
        If ``base`` is not positive.
    """
    if base <= 0:
        raise ValueError(f"the base of a percentage must be positive, not {base}")
    exact = Fraction(100 * count, base)
    target, places = Fraction(stated), _decimals(stated)
    return round_half_up(exact, places) == target, round_half_even(exact, places) == target


def possible_counts(base: int, stated: str) -> tuple[list[int], list[int]]:
    """GRIM: the whole counts out of ``base`` that round to the stated percentage.

    Parameters
    ----------
    base : int
    stated : str

    Returns
    -------
    tuple of list of int
        (counts that give it half-up, counts that give it half-even).

    Examples
    --------
    >>> possible_counts(8, "13"), possible_counts(8, "14")
    (([1], []), ([], []))
    """
    results = [conventions(k, base, stated) for k in range(base + 1)]
    return (
        [k for k, (up, _) in enumerate(results) if up],
        [k for k, (_, even) in enumerate(results) if even],
    )


def _verdict(up: bool, even: bool) -> str:
    if up and even:
        return "both half-up and half-even rounding give it"
    if up:
        return "half-up rounding gives it, half-even does not (the exact value is half-way)"
    return "half-even rounding gives it, half-up does not (the exact value is half-way)"


def check_percentages(claims: pd.DataFrame) -> list[Finding]:
    """Test each stated percentage of a part against its count and base.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.

    Returns
    -------
    list of Finding
        One per share key with a stated base: ``consistent`` if a rounding convention
        reproduces the figure (the explanation says which), ``inconsistent`` if neither
        does, ``unverifiable`` if a figure is stated twice with different values.
    """
    shares = claims[
        claims["base"].str.endswith(".share")
        & claims["unit"].eq("percent")
        & claims["bound"].eq("")
    ]
    findings = []
    for (base_key, period), share in shares.groupby(["base", "period"], sort=True):
        part_key = base_key.removesuffix(".share")
        whole = part_key.rsplit(".by_", 1)[0] if ".by_" in part_key else None
        if whole is None:
            continue
        count = claims[claims["base"].eq(part_key) & claims["period"].eq(period)]
        total = claims[claims["base"].eq(f"{whole}.total")]
        total = (
            total[total["period"].eq(period)]
            if total["period"].eq(period).any()
            else total[total["period"].eq("")]
        )
        if total.empty:
            continue
        findings.append(_finding(share, count, total))
    return findings


def _finding(share: pd.DataFrame, count: pd.DataFrame, total: pd.DataFrame) -> Finding:
    rows = pd.concat([share, count, total])
    refs = claim_refs(rows)
    subject = share["text"].iloc[0] or share["quantity_key"].iloc[0]
    where = describe_lines(rows)
    values = [frame["value"].unique() for frame in (share, count, total)]
    exact_rows = [frame["bound"].eq("").all() for frame in (count, total)]
    if any(len(v) > 1 for v in values) or not all(exact_rows):
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            "The percentage, its count or its base is stated with two different values or "
            f"only as a bound, so the rounding cannot be tested ({where}).",
            refs,
        )
    stated, base = values[0][0], int(float(values[2][0]))
    if len(count) == 0:
        up, even = possible_counts(base, stated)
        if up or even:
            ks = sorted(set(up) | set(even))
            return Finding(
                CHECK,
                CONSISTENT,
                subject,
                f"No count is stated, but {stated}% of {base} is possible: a count of "
                f"{' or '.join(map(str, ks))} gives it ({where}).",
                refs,
            )
        return Finding(
            CHECK,
            INCONSISTENT,
            subject,
            f"No whole count out of {base} rounds to {stated}% under either convention, so "
            f"the percentage cannot be right ({where}).",
            refs,
        )
    number = int(float(values[1][0]))
    up, even = conventions(number, base, stated)
    exact = Fraction(100 * number, base)
    places = _decimals(stated)
    shown = f"{float(exact):.{places + 2}f}%"
    if up or even:
        return Finding(
            CHECK,
            CONSISTENT,
            subject,
            f"{number} of {base} is {shown}, which rounds to the stated {stated}%: "
            f"{_verdict(up, even)} ({where}).",
            refs,
        )
    rounded = {round_half_up(exact, places), round_half_even(exact, places)}
    gives = " or ".join(f"{float(r):.{places}f}%" for r in sorted(rounded))
    return Finding(
        CHECK,
        INCONSISTENT,
        subject,
        f"{number} of {base} is {shown}, which rounds to {gives}, not the stated {stated}% "
        f"({where}).",
        refs,
    )
