"""Run every check of the audit over the claims register and the curated tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kerslake_analysis.audit.coverage import uncovered
from kerslake_analysis.audit.dates import check_dates, document_dates
from kerslake_analysis.audit.findings import Finding, sort_findings
from kerslake_analysis.audit.outcomes import check_outcomes
from kerslake_analysis.audit.prepared import prepare_claims
from kerslake_analysis.audit.recompute import check_recomputation
from kerslake_analysis.audit.restated import check_restated
from kerslake_analysis.audit.rounding import check_percentages
from kerslake_analysis.audit.sums import check_sums
from kerslake_analysis.ingest import load


def reference_dates(commitments: pd.DataFrame) -> dict[str, pd.Timestamp]:
    """The date the curated data reads for each document (``timescale_reference``).

    Parameters
    ----------
    commitments : pandas.DataFrame
        ``commitments.csv`` as loaded.

    Returns
    -------
    dict
        Raw file name to date, for documents whose commitments share one reference date.
    """
    dated = commitments.dropna(subset=["timescale_reference"])
    references = dated.groupby("source")["timescale_reference"].unique()
    return {source: pd.Timestamp(days[0]) for source, days in references.items() if len(days) == 1}


def dates_of_documents(
    claims: pd.DataFrame, references: dict[str, pd.Timestamp]
) -> dict[str, pd.Timestamp]:
    """The date of each document: the curated reading, else the first day of its header.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    references : dict
        From :func:`reference_dates`.

    Returns
    -------
    dict
        Raw file name to date.
    """
    headers = document_dates(claims).groupby("source")["start"].min()
    return {**headers.to_dict(), **references}


def run_audit(
    curated_dir: str | Path | None = None, tables: dict[str, pd.DataFrame] | None = None
) -> list[Finding]:
    """Run the six checks, then give every claim left untested its own finding.

    Parameters
    ----------
    curated_dir : str or pathlib.Path, optional
        Folder of the curated tables; defaults to ``data/curated``.
    tables : dict, optional
        The curated tables, already loaded (``load_all()``); overrides ``curated_dir``.

    Returns
    -------
    list of Finding
        Sorted (:func:`~kerslake_analysis.audit.findings.sort_findings`); every claim
        of the register is in at least one.
    """
    if tables is None:
        tables = load.load_all(Path(curated_dir) if curated_dir else None)
    claims = prepare_claims(tables["claims"])
    references = reference_dates(tables["commitments"])
    findings = [
        *check_sums(claims),
        *check_percentages(claims),
        *check_restated(claims, tables.get("cgip18_updates")),
        *check_dates(claims, references),
        *check_recomputation(claims, tables),
        *check_outcomes(claims, dates_of_documents(claims, references)),
    ]
    findings += uncovered(claims, findings)
    return sort_findings(findings)
