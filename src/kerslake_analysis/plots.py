"""Charts for the reports: seaborn on matplotlib's Agg backend, one function per chart.

Each function returns a :class:`matplotlib.figure.Figure` and never shows it; the
notebook passes it to :func:`kerslake_analysis.display.show_figure` with alt text.
"""

from __future__ import annotations

import textwrap

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


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
    sns.barplot(long, y="label", x="count", hue="measure", ax=ax, palette=["#1d70b8", "#f47738"])
    ax.set_xlabel("count")
    ax.set_ylabel("")
    ax.legend(title="", loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    for container in ax.containers:
        ax.bar_label(container, fontsize=8, padding=2)
    fig.tight_layout()
    return fig
