"""Check 6 — recommendation against outcome: was a number or date that was set met?

The key grammar marks what was set: ``<key>.target`` is a figure set by a Kerslake
recommendation (its note says "Kerslake recommendation") or a benchmark or aim the
document sets itself; ``<key>.planned`` is the council's own planned value;
``<key>.recommended`` is a recommendation of another body (the Boundary Commission).
The outcome is the claim ``<key>`` (same ``@period``). A target is tested:

* with a bound ``max`` ("no more than 3", "by May 2017"): the outcome must not exceed it;
* with a bound ``min`` ("up to at least 2018/19"): the outcome must reach it;
* without a bound: a date (key ``….date`` or ``….due``) is met when the outcome is no
  later; any other figure when the outcome equals it (windows overlapping for periods).

An outcome counts only if a document reports it: for a Kerslake recommendation (made
in December 2014) any document's statement of what happened; for the council's own
aims and benchmarks only a later document's, because the same document's figure is
the starting point the aim is set against. Without an outcome the finding is
unverifiable and says so.

A figure is never judged out of context: the register note of each target says which
lines around it were read (``Context checked: …``), and the finding quotes that reading.
Where the context settles an outcome that no figure states (recommendation 11's plan for
Government, which the Board decided not to produce), the note ends ``Outcome by context:
not met.`` and the finding is inconsistent on that reading.
"""

from __future__ import annotations

import re

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
    describe_lines,
    describe_value,
    join_words,
)

CHECK = "recommendation-outcome"

_SET = re.compile(r"^(?P<quantity>.+)\.(?P<kind>target|planned|recommended)$")
_KERSLAKE = "Kerslake recommendation"
_WHO = {
    "kerslake": "Kerslake recommended",
    "target": "The document aims for",
    "planned": "The council planned",
    "recommended": "A recommendation set",
}
#: A register note is quoted when it points to where the outcome is discussed.
_POINTER = re.compile(r"\b(?:lines?|update)\b")
#: The reading of the lines around a target, recorded in its register note.
_CONTEXT = re.compile(
    r"Context checked: (?P<context>.+?)(?: Outcome by context: (?P<verdict>not met|met)\.)?$"
)


def check_outcomes(
    claims: pd.DataFrame, document_dates: dict[str, pd.Timestamp] | None = None
) -> list[Finding]:
    """Test every figure that was set against the outcome a document reports.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    document_dates : dict, optional
        The date of each document, by raw file name, to tell a later document from the
        same one; documents without a date count as not later.

    Returns
    -------
    list of Finding
        One per quantity that was set (a range set as a minimum and a maximum is one).
    """
    dates = document_dates or {}
    set_by = claims["base"].str.extract(_SET)
    targets = claims.join(set_by).dropna(subset=["quantity"])
    findings = []
    for (quantity, kind, period), group in targets.groupby(["quantity", "kind", "period"]):
        outcome = claims[claims["base"].eq(quantity) & claims["period"].eq(period)]
        kerslake = kind == "target" and group["note"].str.contains(_KERSLAKE).any()
        if not kerslake:
            set_on = min((dates.get(s, pd.NaT) for s in group["source"]), default=pd.NaT)
            later = outcome["source"].map(lambda s: dates.get(s, pd.NaT))
            outcome = outcome[later.notna() & (pd.isna(set_on) | (later > set_on))]
        findings.append(_finding(group, outcome, _WHO["kerslake" if kerslake else kind]))
    return findings


def _goal(target: pd.DataFrame) -> str:
    """The target in words: ``"at most 3"``, ``"between 80% and 85%"``, ``"by May 2017"``."""
    unit = target["unit"].iloc[0]
    bounds = dict(zip(target["bound"], target["value"], strict=True))
    if set(bounds) == {"min", "max"} and unit not in DATE_UNITS:
        return f"between {describe_value(bounds['min'], unit)} and {describe_value(bounds['max'], unit)}"
    words = list(
        dict.fromkeys(
            describe_value(value, unit, bound)
            for value, bound in zip(target["value"], target["bound"], strict=True)
        )
    )
    if unit in DATE_UNITS and set(bounds) == {""} and _is_deadline(target["base"].iloc[0]):
        return f"a date no later than {join_words(words)}"
    return join_words(words)


def _is_deadline(base: str) -> bool:
    """A target for when something happens (``….date.target``, ``….due.target``)."""
    return base.split(".")[-2] in ("date", "due")


def context_of(notes: pd.Series) -> tuple[str, str]:
    """The context reading recorded in a target's register notes, and its verdict.

    Parameters
    ----------
    notes : pandas.Series
        The ``note`` of each claim setting the target.

    Returns
    -------
    tuple of str
        The lines read and what they say (empty when no note records a context check),
        and ``"met"``, ``"not met"`` or ``""`` when the context settles no outcome.

    Examples
    --------
    >>> context_of(pd.Series(["Context checked: line 9: dropped. Outcome by context: not met."]))
    ('line 9: dropped.', 'not met')
    """
    for note in notes:
        match = _CONTEXT.search(note)
        if match:
            return match["context"], match["verdict"] or ""
    return "", ""


def _finding(target: pd.DataFrame, outcome: pd.DataFrame, who: str) -> Finding:
    subject = target["text"].iloc[0] or target["quantity_key"].iloc[0]
    goal = _goal(target)
    context, verdict = context_of(target["note"])
    checked = f" Context checked: {context}" if context else ""
    if outcome.empty and verdict:
        return Finding(
            CHECK,
            CONSISTENT if verdict == "met" else INCONSISTENT,
            subject,
            f"{who} {goal}; no figure states the outcome, but the text around it says it "
            f"was {verdict}.{checked}",
            claim_refs(target),
        )
    if outcome.empty:
        notes = [
            n.split("Context checked:")[0].strip().rstrip(".")
            for n in target["note"].unique()
            if _POINTER.search(n.split("Context checked:")[0])
        ]
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            f"{who} {goal}, but no statement in the documents reports what happened, so "
            f"whether it was met cannot be checked"
            + (f" (the register notes: {'; '.join(notes)})" if notes else "")
            + "."
            + checked,
            claim_refs(target),
        )
    rows = pd.concat([target, outcome])
    results = [
        _met(aim, result, aim["bound"])
        for _, aim in target.iterrows()
        for _, result in outcome.iterrows()
    ]
    got = sorted(
        {
            describe_value(v, u, b)
            for v, u, b in zip(outcome["value"], outcome["unit"], outcome["bound"], strict=True)
        }
    )
    where = describe_lines(outcome)
    if None in results or outcome["bound"].ne("").any():
        return Finding(
            CHECK,
            UNVERIFIABLE,
            subject,
            f"{who} {goal}; the outcome is stated only loosely ({', '.join(got)}; {where}), "
            f"so whether it was met cannot be judged.{checked}",
            claim_refs(rows),
        )
    met = all(results)
    return Finding(
        CHECK,
        CONSISTENT if met else INCONSISTENT,
        subject,
        f"{who} {goal}; {where} reports {' and '.join(got)}, so it was "
        f"{'met' if met else 'not met'}.{checked}",
        claim_refs(rows),
    )


def _met(target: pd.Series, outcome: pd.Series, bound: str) -> bool | None:
    """Whether one outcome meets the target (None when they cannot be compared)."""
    if target["unit"] in DATE_UNITS:
        if outcome["unit"] not in DATE_UNITS:
            return None
        if bound == "max":
            return bool(outcome["start"] <= target["end"])
        if bound == "min":
            return bool(outcome["end"] >= target["end"])
        if _is_deadline(target["base"]):
            return bool(outcome["start"] <= target["end"])
        return bool(outcome["start"] <= target["end"] and outcome["end"] >= target["start"])
    if outcome["unit"] != target["unit"]:
        return None
    if bound == "max":
        return bool(outcome["number"] <= target["number"])
    if bound == "min":
        return bool(outcome["number"] >= target["number"])
    return bool(outcome["number"] == target["number"])
