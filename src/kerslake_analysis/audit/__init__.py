"""Audit of the published figures: which of the documents' numbers hold up.

Six checks run over the claims register (``claims.csv``, every figure the five
documents state) and the curated tables, each in its own module:

1. :mod:`~kerslake_analysis.audit.sums` — parts add up to their total;
2. :mod:`~kerslake_analysis.audit.rounding` — a percentage is what its count gives
   (half-up and half-even rounding, GRIM-style);
3. :mod:`~kerslake_analysis.audit.restated` — one quantity stated twice agrees;
4. :mod:`~kerslake_analysis.audit.dates` — dates and durations agree with each other and
   with the document's date;
5. :mod:`~kerslake_analysis.audit.recompute` — what the data can recompute, against what
   was published;
6. :mod:`~kerslake_analysis.audit.outcomes` — a recommendation's number or date against
   the outcome reported.

Claims no check can test get an ``unverifiable`` finding of their own
(:mod:`~kerslake_analysis.audit.coverage`), so every claim has at least one finding.

Examples
--------
>>> from kerslake_analysis import audit
>>> findings = audit.run_audit()
>>> sorted(audit.summary(findings))
['claims_checked', 'consistent', 'findings', 'inconsistent', 'unverifiable']
"""

from kerslake_analysis.audit.findings import (
    CHECK_TITLES,
    CHECKS,
    CONSISTENT,
    INCONSISTENT,
    STATUSES,
    UNVERIFIABLE,
    ClaimRef,
    Finding,
    claim_status,
    counts_by_check,
    figures,
    findings_json,
    read_findings,
    sort_findings,
    strict_exit_code,
    summary,
    summary_line,
    write_figures,
    write_findings,
)
from kerslake_analysis.audit.reproducibility import compare_figures
from kerslake_analysis.audit.run import run_audit

__all__ = [
    "CHECKS",
    "CHECK_TITLES",
    "CONSISTENT",
    "INCONSISTENT",
    "STATUSES",
    "UNVERIFIABLE",
    "ClaimRef",
    "Finding",
    "claim_status",
    "compare_figures",
    "counts_by_check",
    "figures",
    "findings_json",
    "read_findings",
    "run_audit",
    "sort_findings",
    "strict_exit_code",
    "summary",
    "summary_line",
    "write_figures",
    "write_findings",
]
