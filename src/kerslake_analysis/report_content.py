"""What a period report shows, computed from the data: the notebook only displays it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kerslake_analysis import paths
from kerslake_analysis.periods import ReportPeriod
from kerslake_analysis.run_info import git_commit, package_versions, sha256_file

#: The source documents each plan's report draws on (keys of ``paths.SOURCE_FILES``).
PLAN_SOURCES: dict[str, tuple[str, ...]] = {
    "cgip-2018": ("cgip_2018",),
}


class UnsupportedPlanError(ValueError):
    """The report has no content for this plan yet."""


def section_counts(plan: str, period: str, raw_dir: Path | None = None) -> pd.DataFrame:
    """Improvement aims per section and updates dated in the period, from the raw document.

    Parameters
    ----------
    plan : str
        Plan slug; only ``"cgip-2018"`` carries monthly updates by section.
    period : str
        ``YYYY-MM``.
    raw_dir : pathlib.Path, optional
        Folder holding the source documents; defaults to ``paths.RAW_DIR``.

    Returns
    -------
    pandas.DataFrame
        Columns ``section``, ``section_title``, ``aims``, ``updates``.

    Raises
    ------
    UnsupportedPlanError
        For a plan other than ``cgip-2018``.
    """
    if plan != "cgip-2018":
        raise UnsupportedPlanError(
            f"no section counts for plan {plan!r}; only 'cgip-2018' has them"
        )
    from kerslake_analysis.sources import cgip_2018

    return cgip_2018.aims_and_updates_by_section(period, raw_dir=raw_dir)


def footer_table(report: ReportPeriod, raw_dir: Path | None = None) -> pd.DataFrame:
    """The report footer: sources with SHA-256, package version, git commit, parameters.

    Parameters
    ----------
    report : ReportPeriod
    raw_dir : pathlib.Path, optional
        Folder holding the source documents; defaults to ``paths.RAW_DIR``.

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
    folder = raw_dir or paths.RAW_DIR
    rows = []
    for key in PLAN_SOURCES.get(report.plan, ()):
        name = paths.SOURCE_FILES[key]
        rows.append((f"source {name}", f"SHA-256 {sha256_file(folder / name)}"))
    rows.append(
        ("kerslake-analysis version", package_versions(("kerslake-analysis",))["kerslake-analysis"])
    )
    rows.append(("git commit", git_commit()))
    for name, value in report.parameters().items():
        rows.append((f"parameter {name}", value))
    return pd.DataFrame(rows, columns=["item", "value"])
