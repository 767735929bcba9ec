"""Ratings (e.g. GMPP delivery confidence) and due dates moved between register snapshots."""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base.periods import period_label
from kerslake_analysis.report.formatting import format_value
from kerslake_analysis.report.plan_data import PeriodView, PlanData


def has_ratings(data: PlanData) -> bool:
    """True when the plan is a register whose mapping rates each commitment (RAG, DCA …)."""
    return data.register is not None and data.register.mapping.rating is not None


def rating_table(view: PeriodView) -> pd.DataFrame:
    """Commitments by rating at the period and at the previous one.

    Parameters
    ----------
    view : PeriodView
        Of a register with ratings (:func:`has_ratings`).

    Returns
    -------
    pandas.DataFrame
        Columns ``Rating``, then for each of the two periods the count and share.
    """
    from kerslake_analysis.measure.gmpp import rating_distribution

    dist = rating_distribution(view.data.register)
    table = pd.DataFrame({"Rating": dist["rating"].cat.categories.astype(str)})
    for period in [p for p in (view.previous, view.period) if p]:
        rows = dist[dist["period"] == period]
        rows = rows.set_index(rows["rating"].astype(str))
        label = period_label(period)
        table[label] = table["Rating"].map(rows["projects"]).fillna(0).astype(int)
        table[f"{label} share"] = [
            format_value(x, "share") for x in table["Rating"].map(rows["share"]).fillna(0)
        ]
    return table


def rating_counts(view: PeriodView) -> pd.DataFrame:
    """Counts by rating at the period (for the chart and ``figures.json``).

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``rating`` (ordered categorical) and ``projects``.
    """
    from kerslake_analysis.measure.gmpp import rating_distribution

    dist = rating_distribution(view.data.register)
    return dist.loc[dist["period"] == view.period, ["rating", "projects"]].reset_index(drop=True)


def due_date_changes(view: PeriodView) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How the due (end) dates moved between the previous snapshot and this one.

    Commitments are linked between the two snapshots by ID, then by unique name
    (:func:`kerslake_analysis.measure.gmpp.link_snapshots`).

    Parameters
    ----------
    view : PeriodView
        Of a register.

    Returns
    -------
    tuple of pandas.DataFrame
        A one-row summary (linked, moved later, moved earlier, unchanged, median slip
        in days) and the ten commitments whose dates moved furthest later.
    """
    from kerslake_analysis.measure.gmpp import end_date_slippage, end_date_slippage_summary

    summary = end_date_slippage_summary(view.data.register)
    summary = summary[summary["period_to"] == view.period].reset_index(drop=True)
    summary = summary.drop(columns=["period_from", "period_to"]).rename(
        columns={
            "months_between": "Months between",
            "projects_from": "Items then",
            "projects_to": "Items now",
            "linked": "Linked",
            "linked_by_id": "Linked by ID",
            "linked_by_name": "Linked by name",
            "with_both_end_dates": "With both end dates",
            "moved_later": "Moved later",
            "moved_earlier": "Moved earlier",
            "unchanged": "Unchanged",
            "median_slip_days": "Median change (days)",
            "median_slip_days_later": "Median change of those moved later (days)",
        }
    )
    slips = end_date_slippage(view.data.register)
    slips = slips[slips["period_to"] == view.period]
    later = slips[slips["slip_days"] > 0].sort_values(
        ["slip_days", "id_to"], ascending=[False, True]
    )
    top = pd.DataFrame(
        {
            "ID": later["id_to"],
            "Name": later["name_to"],
            f"End date at {period_label(view.previous)}"
            if view.previous
            else "End date before": later["end_from"].dt.strftime("%d %b %Y"),
            f"End date at {period_label(view.period)}": later["end_to"].dt.strftime("%d %b %Y"),
            "Moved later (days)": later["slip_days"].astype(int),
        }
    ).head(10)
    return summary, top.reset_index(drop=True)


def due_date_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The one-row summary of :func:`due_date_changes` as a two-column table for reading.

    Parameters
    ----------
    summary : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        Columns ``Measure`` and ``Value``.
    """
    if summary.empty:
        return pd.DataFrame(columns=["Measure", "Value"])
    row = summary.iloc[0]
    values = ["—" if pd.isna(v) else f"{v:g}" if isinstance(v, float) else str(v) for v in row]
    return pd.DataFrame({"Measure": list(summary.columns), "Value": values})
