"""Milestone trend analysis: how each commitment's forecast due date moved between snapshots.

A tracker reports every commitment at every snapshot with the due date it holds then
(each observation of a register keeps its own snapshot's ``due_end``,
docs/register-mapping.md). Plotting those due dates (y) against the report date (x)
gives the classic milestone trend chart: a flat line is a date that held, a rising line
a date that slipped at each report, a falling one a date brought forward.

Method: milestone trend analysis (MTA, German *Meilenstein-Trendanalyse*): each
milestone's forecast date at each report date, read by the slope of its line — flat
when the date holds, rising when it slips, falling when it is brought forward, meeting
the diagonal (due date = report date) when it falls due. Described, with that reading,
in New England Project Services, "Milestone Trends Chart"
(http://www.neprojectservices.com/milestones.htm) and Project Science, "Milestone Trend
Charts" (https://www.projectscience.co.uk/insights/2018/09/23/milestone-trend-chart.html);
the German project-management literature treats it as a standard schedule-monitoring
method (M. Burghardt, *Projektmanagement*, Publicis; the chapter was not checked here).
"""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base.periods import DAYS_PER_MONTH

#: Columns of :func:`milestone_trend`.
TREND_COLUMNS = ("commitment_id", "period", "reported_on", "due_end")
#: Columns of :func:`milestone_moves`.
MOVE_COLUMNS = (
    "commitment_id",
    "snapshots",
    "first_reported_on",
    "first_due",
    "latest_reported_on",
    "latest_due",
    "move_days",
    "move_months",
    "total_move_days",
    "times_moved",
)


def milestone_trend(observations: pd.DataFrame) -> pd.DataFrame:
    """Each commitment's due date as reported at each snapshot, one row per (commitment, period).

    Parameters
    ----------
    observations : pandas.DataFrame
        A register's observations, with ``commitment_id``, ``period``, ``observed_on``
        (the snapshot's report date) and ``due_end`` (the due date that snapshot gives).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TREND_COLUMNS`, sorted by commitment and report date; rows without
        a due date are left out (an undated snapshot has nothing to plot). Empty when the
        observations carry no ``due_end`` column.

    Examples
    --------
    >>> obs = pd.DataFrame(
    ...     {
    ...         "commitment_id": ["A", "A", "B"],
    ...         "period": ["2024-01", "2024-02", "2024-01"],
    ...         "observed_on": pd.to_datetime(["2024-01-31", "2024-02-29", "2024-01-31"]),
    ...         "due_end": pd.to_datetime(["2024-03-31", "2024-04-30", None]),
    ...     }
    ... )
    >>> milestone_trend(obs)["due_end"].dt.strftime("%Y-%m-%d").tolist()
    ['2024-03-31', '2024-04-30']
    """
    if "due_end" not in observations.columns:
        return pd.DataFrame(columns=list(TREND_COLUMNS))
    frame = observations[["commitment_id", "period", "observed_on", "due_end"]].rename(
        columns={"observed_on": "reported_on"}
    )
    frame = frame.dropna(subset=["due_end"])
    frame = frame.assign(
        reported_on=pd.to_datetime(frame["reported_on"]),
        due_end=pd.to_datetime(frame["due_end"]),
    )
    frame = frame.drop_duplicates(["commitment_id", "period"], keep="last")
    return frame.sort_values(["commitment_id", "reported_on"]).reset_index(drop=True)


def milestone_moves(trend: pd.DataFrame) -> pd.DataFrame:
    """How far each commitment's due date moved across the snapshots, largest first.

    Parameters
    ----------
    trend : pandas.DataFrame
        :func:`milestone_trend`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`MOVE_COLUMNS`, one row per commitment reported with a due date at
        two or more snapshots: the first and latest due dates with the snapshots that
        gave them, ``move_days`` (latest − first; positive when the date slipped later),
        ``move_months`` (``move_days`` / 30.44, one decimal), ``total_move_days`` (the sum
        of the absolute moves between consecutive snapshots, so a date pushed out and
        pulled back still counts) and ``times_moved`` (snapshots whose date differs from
        the one before). Sorted by ``total_move_days``, then ``|move_days|``, both
        descending, then by ID.

    Examples
    --------
    >>> trend = pd.DataFrame(
    ...     {
    ...         "commitment_id": ["A", "A", "A"],
    ...         "period": ["2024-01", "2024-02", "2024-03"],
    ...         "reported_on": pd.to_datetime(["2024-01-31", "2024-02-29", "2024-03-31"]),
    ...         "due_end": pd.to_datetime(["2024-03-31", "2024-05-31", "2024-04-30"]),
    ...     }
    ... )
    >>> row = milestone_moves(trend).iloc[0]
    >>> int(row["move_days"]), int(row["total_move_days"]), int(row["times_moved"])
    (30, 92, 2)
    """
    rows = []
    for commitment_id, group in trend.groupby("commitment_id", sort=True):
        if len(group) < 2:
            continue
        group = group.sort_values("reported_on")
        steps = group["due_end"].diff().dropna().dt.days
        first, latest = group.iloc[0], group.iloc[-1]
        move = int((latest["due_end"] - first["due_end"]).days)
        rows.append(
            {
                "commitment_id": commitment_id,
                "snapshots": len(group),
                "first_reported_on": first["reported_on"],
                "first_due": first["due_end"],
                "latest_reported_on": latest["reported_on"],
                "latest_due": latest["due_end"],
                "move_days": move,
                "move_months": round(move / DAYS_PER_MONTH, 1),
                "total_move_days": int(steps.abs().sum()),
                "times_moved": int((steps != 0).sum()),
            }
        )
    if not rows:
        return pd.DataFrame(columns=list(MOVE_COLUMNS))
    moves = pd.DataFrame(rows)
    moves["_abs"] = moves["move_days"].abs()
    moves = moves.sort_values(
        ["total_move_days", "_abs", "commitment_id"], ascending=[False, False, True]
    )
    return moves.drop(columns="_abs").reset_index(drop=True)[list(MOVE_COLUMNS)]


__all__ = ["milestone_moves", "milestone_trend"]
