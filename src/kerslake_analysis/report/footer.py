"""The footer of a report: every source with its checksum, and the run's parameters."""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod, period_label
from kerslake_analysis.base.run_info import git_commit, package_versions, sha256_file
from kerslake_analysis.report.plan_data import PLAN_SOURCES, PlanData


def package_version() -> str:
    """The installed version of kerslake-analysis (as the footer and figures.json record it)."""
    return package_versions(("kerslake-analysis",))["kerslake-analysis"]


def footer_table(report: ReportPeriod, data: PlanData | None = None) -> pd.DataFrame:
    """The report footer: sources with SHA-256, package version, git commit, parameters.

    Parameters
    ----------
    report : ReportPeriod
    data : PlanData, optional
        Whose ``sources`` are listed; defaults to the embedded plan's documents.

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` and ``value``, one row per fact.

    Examples
    --------
    >>> table = footer_table(ReportPeriod("cgip-2018", "2018-09"))
    >>> table.loc[table["item"] == "parameter period", "value"].item()
    '2018-09'
    """
    sources = (
        data.sources
        if data is not None
        else tuple(paths.raw_file(k) for k in PLAN_SOURCES.get(report.plan, ()))
    )
    rows = [(f"source {p.name}", f"SHA-256 {sha256_file(p)}") for p in sources]
    if data is not None and data.register is not None:
        if data.register.period_kind == "quarter":  # file names give quarters
            rows.append(("period", f"quarter ending {period_label(report.period)}"))
        rows += _encoding_rows(data.register.files)
        rows += [(f"notice {n.file}", n.message) for n in data.register.notices]
    rows.append(("kerslake-analysis version", package_version()))
    rows.append(("git commit", git_commit()))
    rows += [(f"parameter {name}", value) for name, value in report.parameters().items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def _encoding_rows(files: pd.DataFrame) -> list[tuple[str, str]]:
    """One footer row per CSV snapshot: the text encoding it was read with, and how sure."""
    rows = []
    for file in files.itertuples():
        if not getattr(file, "encoding", ""):
            continue  # an XLSX workbook has no text encoding
        confidence = file.encoding_confidence
        how = (
            "set in the mapping"
            if pd.isna(confidence)
            else f"detected, confidence {float(confidence):.2f}"
        )
        rows.append((f"encoding {file.source}", f"{file.encoding} ({how})"))
    return rows
