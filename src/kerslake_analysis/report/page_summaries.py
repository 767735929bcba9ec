"""The one-line summaries of the audit and lineage pages, shared with the index.

The audit page opens with :func:`audit_headline` and the lineage page with
:func:`lineage_introduction`; the index (``report.dashboard``) shows the first sentence
of each beside the page's link, read from the files those pages write
(``findings.json``, ``lineage.json``), so the index says what the pages say without
computing anything again. They live here, apart from the pages, so that the index can
use them without importing the page renderers (which import ``report.pages``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kerslake_analysis.audit.findings import INCONSISTENT, Finding, summary

#: The kinds of inconsistency the headline tells apart, by check: a figure a document
#: contradicts (itself or another), a published figure the curated data cannot bear
#: out, and a target a later document shows was missed (a true statement of a target,
#: not a wrong figure).
INCONSISTENCY_KINDS: dict[str, tuple[str, ...]] = {
    "where the documents state a figure differently (sums, percentages, one quantity "
    "stated twice, dates)": ("sums", "percentage-count", "stated-twice", "dates"),
    "where a published figure is not borne out by the curated data": ("recomputation",),
    "where a later document shows a target was not met: missed targets, not wrong figures": (
        "recommendation-outcome",
    ),
}


def audit_headline(findings: Sequence[Finding]) -> str:
    """One sentence: how many claims were examined, how many could be tested, what was found.

    The inconsistent findings are counted by kind (:data:`INCONSISTENCY_KINDS`), so a
    missed target is not read as a wrong figure.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    str

    Examples
    --------
    >>> from kerslake_analysis.audit.findings import ClaimRef
    >>> ref = ClaimRef("C-1", "f", 1, "q")
    >>> audit_headline([Finding("recommendation-outcome", INCONSISTENT, "s", "e", (ref,))])[:77]
    'The five documents state 1 figures; all were examined and 1 could be tested ('
    """
    counts = summary(findings)
    testable = counts["claims_checked"] - counts["unverifiable"]
    failing = [f for f in findings if f.status == INCONSISTENT]
    kinds = []
    for words, checks in INCONSISTENCY_KINDS.items():
        found = [f for f in failing if f.check in checks]
        if found:
            claims = {ref.claim_id for f in found for ref in f.claims}
            kinds.append(f"{len(found)} ({len(claims)} figures) {words}")
    text = (
        f"The five documents state {counts['claims_checked']} figures; all were examined "
        f"and {testable} could be tested (the other {counts['unverifiable']} have nothing "
        f"in the documents or the data to test them against). {counts['consistent']} hold "
        f"up against everything they were tested against and {counts['inconsistent']} are "
        f"involved in {len(failing)} inconsistent findings, listed first below"
    )
    if kinds:
        text += ": " + "; ".join(kinds) + ". A figure can fall under more than one kind"
    return text + "."


def lineage_introduction(summary: pd.DataFrame) -> str:
    """The page's opening paragraph, with the counts of chains by status.

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`kerslake_analysis.measure.lineage.chain_summary`.

    Returns
    -------
    str
    """
    complete = int((summary["status"] == "complete").sum())
    still_open = int((summary["status"] == "open").sum())
    return (
        f"{len(summary)} promises followed from the plan that first made them through the "
        "later documents (December 2015 progress report, March 2016 gap analysis, 2018 "
        f"improvement plan, 2021 Cabinet report): {complete} have evidence of completion and "
        f"{still_open} have none by the last document that mentions them. Every link between "
        "documents was confirmed by reading both ends; the quotes and line numbers are in "
        "the table under each chart."
    )


def first_sentence(text: str) -> str:
    """The first sentence of a summary, for one line beside a link.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> first_sentence("16 promises (2015 to 2021) were followed: 9 met. Every link was read.")
    '16 promises (2015 to 2021) were followed: 9 met.'
    """
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text
