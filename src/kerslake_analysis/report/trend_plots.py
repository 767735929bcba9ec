"""Charts of the overview and the index: headline figures by period, and the milestone trend.

Each function returns the chart as an :class:`~kerslake_analysis.report.templating.InlineImage`
(PNG bytes with its alt text), drawn with seaborn on matplotlib's Agg backend. Every
series differs by marker and line style as well as colour, and is named in the legend,
so no reading depends on colour alone.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kerslake_analysis.report import colours  # noqa: E402
from kerslake_analysis.report.display import figure_png  # noqa: E402
from kerslake_analysis.report.templating import InlineImage  # noqa: E402

#: Series of the count chart: label → (colour, marker, line style). GOV.UK palette.
COUNT_SERIES: dict[str, tuple[str, str, str]] = {
    "Complete": (colours.GREEN, "o", "-"),
    "Behind schedule": (colours.RED, "X", "--"),
}
#: Series of the share chart.
SHARE_SERIES: dict[str, tuple[str, str, str]] = {
    "Slippage rate": (colours.RED, "X", "--"),
    "Evidence coverage": (colours.BLUE, "s", ":"),
}
#: Lines drawn in the milestone trend chart (the commitments whose dates moved most).
TOP_MOVES = 10


def _image(fig: Figure, alt: str, dpi: int = 100) -> InlineImage:
    png = figure_png(fig, dpi=dpi)
    fig.clear()
    # The PNG's IHDR chunk: width and height, big-endian, at bytes 16-24.
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return InlineImage(png, alt, width, height)


def _draw(ax, long: pd.DataFrame, series: dict, labels: list[str]) -> None:
    present = [name for name in series if name in set(long["measure"])]
    sns.lineplot(
        long,
        x="x",
        y="value",
        hue="measure",
        style="measure",
        hue_order=present,
        style_order=present,
        palette={name: series[name][0] for name in present},
        markers={name: series[name][1] for name in present},
        dashes={name: (None, None) if series[name][2] == "-" else (4, 2) for name in present},
        markersize=8,
        ax=ax,
    )
    rotate = len(labels) > 4
    ax.set_xticks(
        range(len(labels)), labels, rotation=30 if rotate else 0, ha="right" if rotate else "center"
    )
    ax.set_xlabel("")
    ax.set_xlim(-0.5, len(labels) - 0.5)
    ax.legend(title=None, frameon=False, fontsize=8)


def _long(trend: pd.DataFrame, columns: dict) -> pd.DataFrame:
    frames = []
    for name in columns:
        if name in trend.columns:
            part = trend[["x", name]].rename(columns={name: "value"}).dropna()
            part["measure"] = name
            frames.append(part)
    if not frames:
        return pd.DataFrame(columns=["x", "value", "measure"])
    return pd.concat(frames, ignore_index=True)


def _words(trend: pd.DataFrame, name: str, percent: bool = False) -> str:
    values = []
    for label, value in zip(trend["label"], trend[name], strict=True):
        if pd.isna(value):
            shown = "no figure"
        elif percent:
            shown = f"{value:.0f}%"
        else:
            shown = f"{value:.0f}"
        values.append(f"{label} {shown}")
    return f"{name.lower()}: " + ", ".join(values)


def headline_trend_chart(trend: pd.DataFrame, title: str, small: bool = False) -> InlineImage:
    """Complete and behind schedule by period and, unless small, slippage rate and coverage.

    Parameters
    ----------
    trend : pandas.DataFrame
        One row per period with a report, in order: ``label`` (the period in words),
        ``Complete``, ``Behind schedule`` (counts), ``Slippage rate`` and
        ``Evidence coverage`` (percentages, 0–100; missing where not computable).
    title : str
        The plan's title (for the alt text).
    small : bool, default False
        The index's small chart: counts only.

    Returns
    -------
    InlineImage
        Alt text listing every value drawn.
    """
    trend = trend.reset_index(drop=True).assign(x=lambda f: range(len(f)))
    labels = trend["short"].tolist() if "short" in trend.columns else trend["label"].tolist()
    if small:
        fig = Figure(figsize=(3.6, 2.4))
        axes = [fig.subplots()]
    else:
        fig = Figure(figsize=(9.6, 3.6))
        axes = list(fig.subplots(1, 2))
    _draw(axes[0], _long(trend, COUNT_SERIES), COUNT_SERIES, labels)
    axes[0].set_ylabel("commitments")
    axes[0].set_ylim(bottom=0)
    axes[0].set_title("Commitments complete and behind schedule", fontsize=9 if small else 10)
    alt = (
        f"Line chart of {title} by reporting period, read from each period's report: "
        + "; ".join(_words(trend, name) for name in COUNT_SERIES)
    )
    if not small:
        _draw(axes[1], _long(trend, SHARE_SERIES), SHARE_SERIES, labels)
        axes[1].set_ylabel("per cent")
        axes[1].set_ylim(0, 105)
        axes[1].set_title("Slippage rate and evidence coverage", fontsize=10)
        alt += "; " + "; ".join(_words(trend, name, percent=True) for name in SHARE_SERIES)
    fig.tight_layout()
    return _image(fig, alt + ".", dpi=90 if small else 100)


def milestone_trend_chart(trend: pd.DataFrame, moves: pd.DataFrame) -> InlineImage:
    """Milestone trend chart: each chosen commitment's due date (y) at each report date (x).

    The commitments drawn are the first :data:`TOP_MOVES` rows of ``moves`` that moved.
    The diagonal marks where a due date equals its report date: a line that reaches it
    is due at that report.

    Parameters
    ----------
    trend : pandas.DataFrame
        :func:`kerslake_analysis.measure.milestone_trend.milestone_trend`.
    moves : pandas.DataFrame
        :func:`kerslake_analysis.measure.milestone_trend.milestone_moves`.

    Returns
    -------
    InlineImage
    """
    chosen = moves[moves["times_moved"] > 0].head(TOP_MOVES)
    ids = chosen["commitment_id"].tolist()
    lines = trend[trend["commitment_id"].isin(ids)].copy()
    short = {s: s if len(s) <= 40 else s[:39] + "…" for s in ids}
    lines["label"] = lines["commitment_id"].map(short)
    order = [short[s] for s in ids]
    fig = Figure(figsize=(9.6, 5.0))
    ax = fig.subplots()
    markers = ["o", "s", "D", "^", "v", "P", "X", "*", "<", ">"]
    sns.lineplot(
        lines,
        x="reported_on",
        y="due_end",
        hue="label",
        style="label",
        hue_order=order,
        style_order=order,
        markers=markers[: len(order)],
        dashes=False,
        palette="dark",
        markersize=7,
        ax=ax,
    )
    low, high = trend["reported_on"].min(), trend["reported_on"].max()
    ax.plot([low, high], [low, high], color=colours.DARK_GREY, linewidth=1, linestyle=":")
    span = (high - low) * 0.03 or pd.Timedelta(days=15)
    ax.set_xlim(low - span, high + span)
    ax.annotate(
        "due date = report date",
        xy=(trend["reported_on"].max(), trend["reported_on"].max()),
        fontsize=8,
        color=colours.DARK_GREY,
        ha="right",
        va="bottom",
    )
    ax.set_xlabel("report date (snapshot)")
    ax.set_ylabel("due date given at that report")
    ax.set_title(f"Due dates of the {len(ids)} commitments whose dates moved most", fontsize=10)
    ax.legend(title=None, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    parts = []
    for row in chosen.itertuples(index=False):
        parts.append(
            f"{row.commitment_id} from {row.first_due:%d %b %Y} to {row.latest_due:%d %b %Y}"
        )
    alt = (
        "Milestone trend chart: for each of the "
        f"{len(ids)} commitments whose due dates moved most, the due date each snapshot gave "
        "(up the page) against the snapshot's report date (across); a rising line is a date "
        "that slipped. First and latest due dates: " + "; ".join(parts) + "."
    )
    return _image(fig, alt)


__all__ = ["headline_trend_chart", "milestone_trend_chart"]
