"""Charts for the reports: seaborn on matplotlib's Agg backend, one function per chart.

Each function returns a :class:`matplotlib.figure.Figure` and never shows it; the
notebook passes it to :func:`kerslake_analysis.report.display.show_figure` with alt text.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kerslake_analysis.measure.status import (  # noqa: E402
    STATUS_COLOURS,
    STATUS_HATCHES,
    STATUS_ORDER,
)
from kerslake_analysis.report import colours  # noqa: E402


def _wrap(text: str, width: int = 28) -> str:
    return textwrap.fill(text, width=width)


def section_counts_chart(counts: pd.DataFrame, month_label: str) -> Figure:
    """Bar chart of improvement aims and updates per section of the 2018 plan.

    Parameters
    ----------
    counts : pandas.DataFrame
        Columns ``section``, ``section_title``, ``aims``, ``updates``.
    month_label : str
        The month the updates belong to, in words, for the legend.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> frame = pd.DataFrame({"section": [1], "section_title": ["Political Leadership"],
    ...                       "aims": [10], "updates": [12]})
    >>> fig = section_counts_chart(frame, "September 2018")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['Improvement aims', 'Updates in September 2018']
    """
    labels = counts["section"].astype(str) + ". " + counts["section_title"].map(_wrap)
    long = counts.assign(label=labels).melt(
        id_vars="label", value_vars=["aims", "updates"], var_name="measure", value_name="count"
    )
    long["measure"] = long["measure"].map(
        {"aims": "Improvement aims", "updates": f"Updates in {month_label}"}
    )
    fig = Figure(figsize=(7, 1.0 + 0.6 * len(counts)))
    ax = fig.subplots()
    sns.barplot(
        long, y="label", x="count", hue="measure", ax=ax, palette=[colours.BLUE, colours.ORANGE]
    )
    ax.set_xlabel("count")
    ax.set_ylabel("")
    ax.legend(title="", loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    for container in ax.containers:
        ax.bar_label(container, fontsize=8, padding=2)
    fig.tight_layout()
    return fig


def status_by_theme_chart(counts: pd.DataFrame) -> Figure:
    """Stacked horizontal bars of commitments by theme, by status, in the status colours.

    The statuses are the December 2015 key's six, Ongoing and No evidence
    (:data:`kerslake_analysis.measure.status.STATUS_ORDER`), each in its own colour
    (:data:`kerslake_analysis.measure.status.STATUS_COLOURS`) and hatch pattern
    (:data:`~kerslake_analysis.measure.status.STATUS_HATCHES`), so colour is never the only
    carrier of a status; the legend lists those present.

    Parameters
    ----------
    counts : pandas.DataFrame
        Columns ``theme``, ``status`` (the ordered categorical of
        :mod:`kerslake_analysis.measure.status`) and ``n``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> frame = pd.DataFrame({"theme": ["Finance", "Finance"],
    ...                       "status": pd.Categorical(["TBC", "Ongoing"],
    ...                                                categories=STATUS_ORDER, ordered=True),
    ...                       "n": [3, 1]})
    >>> fig = status_by_theme_chart(frame)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['Ongoing', 'TBC']
    """
    wide = counts.pivot_table(
        index="theme", columns="status", values="n", aggfunc="sum", observed=False, fill_value=0
    )
    wide = wide[[s for s in STATUS_ORDER if s in wide.columns and wide[s].sum() > 0]]
    wide = wide.loc[sorted(wide.index, reverse=True)]
    wide.index = [_wrap(str(t), 32) for t in wide.index]
    fig = Figure(figsize=(7.5, 1.4 + 0.55 * len(wide)))
    ax = fig.subplots()
    left = pd.Series(0, index=wide.index, dtype=float)
    for status_name in wide.columns:
        values = wide[status_name]
        ax.barh(
            wide.index,
            values,
            left=left,
            color=STATUS_COLOURS[status_name],
            hatch=STATUS_HATCHES[status_name],
            edgecolor="#0b0c0c",
            linewidth=0.3,
            label=status_name,
        )
        left += values
    ax.set_xlabel("commitments")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def trajectory_chart(monthly: pd.DataFrame, as_of: pd.Timestamp, forecast_date=None) -> Figure:
    """Burn-up: planned cumulative due against actual cumulative complete, by month.

    Parameters
    ----------
    monthly : pandas.DataFrame
        :attr:`kerslake_analysis.measure.metrics.Trajectory.monthly` for one ``as_of``
        (``month_end``, ``planned_due_cum``, ``actual_complete_cum``).
    as_of : pandas.Timestamp
        The report date, drawn as a vertical line.
    forecast_date : pandas.Timestamp, optional
        When all dated commitments would be complete at the recent rate.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = Figure(figsize=(7.5, 3.8))
    ax = fig.subplots()
    ax.step(
        monthly["month_end"],
        monthly["planned_due_cum"],
        where="post",
        color=colours.BLUE,
        label="Planned: due by month end",
    )
    actual = monthly[monthly["actual_complete_cum"].notna()]
    ax.plot(
        actual["month_end"],
        actual["actual_complete_cum"].astype(float),
        marker="o",
        markersize=3,
        color=colours.GREEN,
        label="Actual: complete (with evidence)",
    )
    ax.axvline(as_of, color=colours.DARK_GREY, linestyle="--", linewidth=1, label="Report date")
    if forecast_date is not None and not pd.isna(forecast_date) and len(actual):
        # Draw the forecast at most a year past the plan's last month, so a distant
        # forecast does not squash the plan; the legend gives the forecast month.
        last = actual.iloc[-1]
        forecast = pd.Timestamp(forecast_date)
        end = min(forecast, monthly["month_end"].max() + pd.DateOffset(months=12))
        done = float(last["actual_complete_cum"])
        total = float(monthly["planned_due_cum"].max())
        span = max((forecast - last["month_end"]).days, 1)
        reached = done + (total - done) * (end - last["month_end"]).days / span
        ax.plot(
            [last["month_end"], end],
            [done, reached],
            color=colours.GREEN,
            linestyle=":",
            label=f"Forecast at recent rate (all complete {forecast:%b %Y})",
        )
    ax.set_ylabel("commitments (cumulative)")
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


#: Marker style of each milestone state on the milestone map.
MILESTONE_MARKERS: dict[str, tuple[str, str]] = {
    "complete": ("o", STATUS_COLOURS["Complete"]),
    "in progress": ("s", STATUS_COLOURS["In progress"]),
    "slipped": ("X", STATUS_COLOURS["In progress – completion slipped"]),
    "no evidence": ("^", STATUS_COLOURS["No evidence"]),
}


def milestone_chart(milestones: pd.DataFrame, as_of: pd.Timestamp) -> Figure:
    """Milestone map: each commitment's due date by theme, marked by its state.

    Parameters
    ----------
    milestones : pandas.DataFrame
        From :func:`kerslake_analysis.report.sections.milestone_frame` (``theme``,
        ``due_end``, ``marker``).
    as_of : pandas.Timestamp
        The report date, drawn as a vertical line.

    Returns
    -------
    matplotlib.figure.Figure
    """
    themes = sorted(milestones["theme"].fillna("(none)").unique(), reverse=True)
    position = {t: i for i, t in enumerate(themes)}
    fig = Figure(figsize=(7.5, 1.4 + 0.55 * len(themes)))
    ax = fig.subplots()
    offsets = milestones.groupby(["theme", "due_end"]).cumcount() * 0.12
    for marker_name, (shape, colour) in MILESTONE_MARKERS.items():
        rows = milestones["marker"] == marker_name
        if not rows.any():
            continue
        y = milestones.loc[rows, "theme"].fillna("(none)").map(position) + offsets[rows] - 0.2
        ax.scatter(
            milestones.loc[rows, "due_end"],
            y,
            marker=shape,
            color=colour,
            s=28,
            edgecolor=colours.BLACK,
            linewidth=0.3,
            label=marker_name.capitalize(),
        )
    ax.axvline(as_of, color=colours.DARK_GREY, linestyle="--", linewidth=1, label="Report date")
    ax.set_yticks(range(len(themes)), [_wrap(t, 32) for t in themes])
    ax.set_xlabel("due date")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, frameon=False, fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


#: Colours of five-point delivery-confidence or RAG ratings; other categories are grey.
RATING_COLOURS: dict[str, str] = {
    "Green": colours.GREEN,
    "Amber/Green": colours.AMBER_GREEN,
    "Amber": colours.AMBER,
    "Amber/Red": colours.ORANGE,
    "Red": colours.RED,
}


def rating_chart(counts: pd.DataFrame, title: str) -> Figure:
    """Horizontal bars of commitments (or projects) by rating, best rating first.

    Parameters
    ----------
    counts : pandas.DataFrame
        Columns ``rating`` (ordered categorical) and ``projects``.
    title : str
        Axis title, e.g. the period.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> frame = pd.DataFrame({"rating": ["Green", "Red"], "projects": [4, 1]})
    >>> [t.get_text() for t in rating_chart(frame, "2023").axes[0].get_yticklabels()]
    ['Green', 'Red']
    """
    labels = [str(r) for r in counts["rating"]]
    fig = Figure(figsize=(7, 0.8 + 0.4 * len(labels)))
    ax = fig.subplots()
    bar_colours = [RATING_COLOURS.get(label, colours.MID_GREY) for label in labels]
    bars = ax.barh(
        labels, counts["projects"], color=bar_colours, edgecolor=colours.BLACK, linewidth=0.3
    )
    ax.bar_label(bars, fontsize=8, padding=2)
    ax.invert_yaxis()
    ax.set_xlabel("count")
    ax.set_title(title, fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig
