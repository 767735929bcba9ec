"""The lineage page: a timeline chart per chain and a table sorted by total slip.

``templates/lineage.ipynb`` (package data) calls these functions; :func:`render_lineage`
runs it with papermill and writes ``reports/lineage/lineage.html`` (and
``lineage.json``, the chain summary, for audits). Every chain has a section whose HTML
``id`` is its chain ID, so a period report can link to
``../../lineage/lineage.html#<chain_id>`` (see
:func:`kerslake_analysis.measure.lineage.chains_for`).

Examples
--------
>>> from kerslake_analysis.measure import lineage
>>> links = lineage.load_links()
>>> summary = lineage.chain_summary(links).set_index("chain_id", drop=False)
>>> print(chain_sentence(summary.loc["LC-scrutiny-committees"]))
First promised in the 2015 action plan (AP15-4.6c), due 2015-04-30. First evidence of completion: 2015-05-21 (PR15-AP15-4.6c), 21 days (0.7 months) after the first due date.
"""

from __future__ import annotations

import json
import math
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402

from kerslake_analysis.base import paths  # noqa: E402
from kerslake_analysis.ingest.documents.lineage import DOCUMENT_DATES  # noqa: E402
from kerslake_analysis.ingest.provenance import strip_markup  # noqa: E402
from kerslake_analysis.measure.lineage import SUMMARY_COLUMNS  # noqa: E402
from kerslake_analysis.report import colours  # noqa: E402
from kerslake_analysis.report.formatting import iso_day  # noqa: E402
from kerslake_analysis.report.pages import ReportResult, render_notebook  # noqa: E402

#: The notebook that makes the page.
LINEAGE_NOTEBOOK: Path = paths.LINEAGE_NOTEBOOK
#: The page's title.
PAGE_TITLE = "Commitment lineage 2014–2021: how long did the promises take?"
#: The summary written beside the page.
SUMMARY_FILE = "lineage.json"

#: Colour and marker of each event on the timeline.
EVENT_STYLE: dict[str, tuple[str, str, str]] = {
    "promised": (colours.BLUE, "o", "first promised"),
    "restated": (colours.ORANGE, "o", "restated"),
    "progress": (colours.DARK_GREY, "D", "progress / not yet done"),
    "done": (colours.GREEN, "*", "evidence of completion"),
}
_SLIP_COLOUR = colours.RED
_PRECISION_WORDS = {
    "day": "the day",
    "month": "by the month's end",
    "season": "by the season's end",
    "document": "by the document's date",
}


def _number(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def _slip_words(row: pd.Series) -> str:
    """``"at least 1,846 days (60.6 months)"`` and the like."""
    bound = "" if row["slip_bound"] == "exact" else f"{row['slip_bound']} "
    days, months = int(row["slip_days"]), float(row["slip_months"])
    return f"{bound}{_number(abs(days))} days ({_number(abs(months), 1)} months)"


def _latest_due(row: pd.Series) -> str:
    """A chain's latest due date, or the range a relative timescale gives, marked derived."""
    derived = row.get("latest_due_derived")
    return derived if isinstance(derived, str) and derived else iso_day(row["latest_due"])


def chain_sentence(row: pd.Series) -> str:
    """One paragraph saying when a chain was promised, restated and done, and its slip.

    Parameters
    ----------
    row : pandas.Series
        A row of :func:`kerslake_analysis.measure.lineage.chain_summary`.

    Returns
    -------
    str
        Plain text (escape it when rendering).
    """
    document = paths.DOCUMENT_LABELS[row["first_source"]]
    due = f"due {iso_day(row['first_due'])}" if pd.notna(row["first_due"]) else "with no due date"
    if pd.notna(row["first_due"]) and row["first_due_ref"] != row["first_commitment_id"]:
        due = f"with no due date until {row['first_due_ref']} set {iso_day(row['first_due'])}"
    parts = [f"First promised in the {document} ({row['first_commitment_id']}), {due}."]
    if row["restatements"]:
        times = "once" if row["restatements"] == 1 else f"{row['restatements']} times"
        latest = (
            f", most recently due {_latest_due(row)}"
            if pd.notna(row["latest_due"])
            else ", the latest with no date"
        )
        parts.append(f"Restated {times}, last on {iso_day(row['last_restated_on'])}{latest}.")
    if row["status"] == "complete":
        done = f"First evidence of completion: {iso_day(row['first_done_on'])} ({row['first_done_ref']})"
        if pd.isna(row["slip_days"]):
            parts.append(f"{done}; with no due date, no slip can be measured.")
        elif row["slip_days"] < 0:
            parts.append(f"{done}, {_slip_words(row)} before the first due date.")
        else:
            parts.append(f"{done}, {_slip_words(row)} after the first due date.")
        if row["restated_after_done"]:
            again = row["restated_after_done"]
            parts.append(
                f"It was promised again {'once' if again == 1 else f'{again} times'} after that."
            )
    else:
        parts.append(
            f"No evidence of completion by {iso_day(row['last_seen_on'])}, the last document that "
            f"mentions it: total slip {_slip_words(row)} so far."
        )
    return " ".join(parts)


def slip_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The chains as a readable table, in the summary's order (longest slip first).

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`kerslake_analysis.measure.lineage.chain_summary`.

    Returns
    -------
    pandas.DataFrame
        Five text columns, narrow enough for a 600-pixel page: the chain (title and
        ID), when it was first promised and for when, how often it was restated and
        its latest due date, the first evidence of completion, and the total slip in
        days and months (``≥`` at least for open chains, ``≤`` at most).
    """
    sign = summary["slip_bound"].map({"at least": "≥ ", "at most": "≤ "}).fillna("")
    days = summary["slip_days"].map(lambda d: "" if pd.isna(d) else _number(int(d)))
    months = summary["slip_months"].map(lambda m: "" if pd.isna(m) else _number(m, 1))
    slip = (sign + days + " days (" + months + " months)").where(days != "", "no due date")
    done = summary["first_done_on"].map(iso_day) + " (" + summary["first_done_ref"].fillna("") + ")"
    times = summary["restatements"].map(lambda n: "once" if n == 1 else f"{n} times")
    latest = summary.apply(_latest_due, axis=1) if len(summary) else summary["latest_due"]
    restated = times + "; latest due " + latest.replace("", "none")
    return pd.DataFrame(
        {
            "Chain": summary["chain_title"] + " [" + summary["chain_id"] + "]",
            "First promised, due": summary["first_promised_on"].map(iso_day)
            + " ("
            + summary["first_commitment_id"]
            + "), due "
            + summary["first_due"].map(iso_day).replace("", "none (TBC)"),
            "Restated": restated.where(summary["restatements"] > 0, "no"),
            "First evidence of completion": done.where(summary["first_done_on"].notna(), "none"),
            "Total slip": slip,
        }
    )


def events_table(events: pd.DataFrame, derived: pd.Series | None = None) -> pd.DataFrame:
    """One chain's events with their quotes, for the table under its chart.

    Parameters
    ----------
    events : pandas.DataFrame
        Rows of :func:`kerslake_analysis.measure.lineage.chain_events` for one chain.
    derived : pandas.Series, optional
        :func:`kerslake_analysis.measure.lineage.derived_due_words`: a due date the
        project derived from a relative timescale is shown as the text's range, marked
        derived, instead of as a date.

    Returns
    -------
    pandas.DataFrame
        Text columns: date, how exactly it is known, event, due date set, document,
        reference (row ID or line), quote (plain text) and why the link was made.
    """
    reference = events["ref"].where(events["ref"] != "", "")
    line = "line " + events["source_line"].astype(str)
    return pd.DataFrame(
        {
            "Date": events["on"].map(iso_day),
            "Date known": events["precision"].map(_PRECISION_WORDS),
            "Event": events["event"].astype(str),
            "Due": _due_words(events, derived),
            "Document": events["document"],
            "Reference": (reference + ", " + line).str.lstrip(", "),
            "Quote": events["quote"].map(strip_markup),
            "Why": events["reason"],
        }
    )


def _due_words(events: pd.DataFrame, derived: pd.Series | None) -> pd.Series:
    """Each event's due date, or the range of a derived one (:func:`events_table`)."""
    due = events["due"].map(iso_day)
    if derived is None or not len(derived):
        return due
    words = events["ref"].map(derived)
    return words.where(words.notna() & events["due"].notna(), due)


def timeline_alt(events: pd.DataFrame, row: pd.Series) -> str:
    """Alt text for a chain's timeline chart: what each point shows, in words.

    Parameters
    ----------
    events : pandas.DataFrame
        The chain's rows of :func:`kerslake_analysis.measure.lineage.chain_events`.
    row : pandas.Series
        The chain's row of :func:`kerslake_analysis.measure.lineage.chain_summary`.

    Returns
    -------
    str
    """
    points = "; ".join(
        f"{event} {iso_day(on)}" + (f" (due {iso_day(due)})" if pd.notna(due) else "")
        for event, on, due in zip(events["event"], events["on"], events["due"], strict=True)
    )
    return f"Timeline of {row['chain_title']}: {points}. {chain_sentence(row)}"


def timeline_chart(events: pd.DataFrame, row: pd.Series) -> Figure:
    """A chain's timeline: one line per event, its date, the due date it set, the slip.

    Each event is a marker at the date it was said or evidenced (blue first promise,
    orange restatement, grey progress, green star completion); a promise's due date is
    a bar ``|`` joined to it. The dashed line is the first due date and the shaded band
    the total slip (to completion, or to the last document for an open chain).

    Parameters
    ----------
    events : pandas.DataFrame
        The chain's rows of :func:`kerslake_analysis.measure.lineage.chain_events`.
    row : pandas.Series
        The chain's row of :func:`kerslake_analysis.measure.lineage.chain_summary`.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from kerslake_analysis.measure import lineage
    >>> links = lineage.load_links()
    >>> events = lineage.chain_events(links)
    >>> row = lineage.chain_summary(links).set_index("chain_id", drop=False).loc["LC-city-board"]
    >>> fig = timeline_chart(events[events["chain_id"] == "LC-city-board"], row)
    >>> [t.get_text().split(":")[0] for t in fig.axes[0].get_yticklabels()][:2]
    ['2015 action plan', 'December 2015 progress report']
    """
    events = events.reset_index(drop=True)
    height = 1.6 + 0.42 * len(events)
    fig = Figure(figsize=(8, height))
    ax = fig.subplots()
    positions = list(range(len(events) - 1, -1, -1))
    if pd.notna(row["first_due"]) and pd.notna(row["slip_end_on"]):
        start, end = sorted([row["first_due"], row["slip_end_on"]])
        ax.axvspan(_num(start), _num(end), color=_SLIP_COLOUR, alpha=0.08, lw=0)
    if pd.notna(row["first_due"]):
        ax.axvline(_num(row["first_due"]), color=colours.DARK_GREY, ls="--", lw=1)
    for y, event in zip(positions, events.itertuples(index=False), strict=True):
        colour, marker, _ = EVENT_STYLE[str(event.event)]
        if pd.notna(event.due):
            ax.plot([_num(event.on), _num(event.due)], [y, y], color=colour, lw=2, alpha=0.5)
            ax.plot(_num(event.due), y, marker="|", color=colour, markersize=14, mew=2.5)
        elif event.event == "promised":
            ax.annotate(
                "no due date",
                (_num(event.on), y),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
                color=colour,
            )
        size = 16 if event.event == "done" else 9
        ax.plot(_num(event.on), y, marker=marker, color=colour, markersize=size, ls="")
    labels = [
        _wrap(f"{document}: {ref if ref else f'line {line}'}")
        for document, ref, line in zip(
            events["document"], events["ref"], events["source_line"], strict=True
        )
    ]
    ax.set_yticks(positions, labels, fontsize=8)
    ax.set_ylim(-0.7, len(events) - 0.3)
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    low = min(_num(d) for d in [*events["on"], *events["due"].dropna()])
    high = max(_num(d) for d in [*events["on"], *events["due"].dropna()])
    margin = max(60.0, 0.04 * (high - low))
    ax.set_xlim(low - margin, high + margin)
    ax.grid(axis="x", color=colours.LIGHT_GREY)
    ax.set_axisbelow(True)
    ax.legend(
        handles=_legend_handles(events, row),
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=3,
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout()
    return fig


def _legend_handles(events: pd.DataFrame, row: pd.Series) -> list:
    present = set(events["event"].astype(str))
    handles = [
        Line2D([], [], color=colour, marker=marker, ls="", label=label)
        for event, (colour, marker, label) in EVENT_STYLE.items()
        if event in present
    ]
    if events["due"].notna().any():
        handles.append(
            Line2D([], [], color=colours.BLACK, marker="|", ls="", mew=2, label="due date")
        )
    if pd.notna(row["first_due"]):
        handles.append(Line2D([], [], color=colours.DARK_GREY, ls="--", label="first due date"))
        handles.append(Patch(color=_SLIP_COLOUR, alpha=0.15, label="total slip"))
    return handles


def _num(value) -> float:
    return float(mdates.date2num(pd.Timestamp(value).to_pydatetime()))


def _wrap(text: str, width: int = 34) -> str:
    return textwrap.fill(text, width=width)


def sources_table() -> pd.DataFrame:
    """The five documents with the short names and dates the page uses.

    Returns
    -------
    pandas.DataFrame
        Columns ``Document``, ``File`` and ``Date used``, in date order.
    """
    frame = pd.DataFrame(
        {
            "Document": list(paths.DOCUMENT_LABELS.values()),
            "File": list(paths.DOCUMENT_LABELS),
            "Date used": [DOCUMENT_DATES[name] for name in paths.DOCUMENT_LABELS],
        }
    )
    return frame.sort_values("Date used").reset_index(drop=True)


def write_summary(summary: pd.DataFrame, output_dir: str | Path) -> Path | None:
    """Write the chain summary as ``lineage.json`` (dates ``YYYY-MM-DD``, null for none).

    Parameters
    ----------
    summary : pandas.DataFrame
        :func:`kerslake_analysis.measure.lineage.chain_summary`.
    output_dir : str or pathlib.Path
        Folder to write into; empty writes nothing.

    Returns
    -------
    pathlib.Path or None
        The file written, or None.
    """
    if not str(output_dir):
        return None
    records = [
        {column: _json_value(value) for column, value in zip(SUMMARY_COLUMNS, values, strict=True)}
        for values in summary[list(SUMMARY_COLUMNS)].itertuples(index=False)
    ]
    path = Path(output_dir) / SUMMARY_FILE
    path.write_text(json.dumps({"chains": records}, indent=1, ensure_ascii=False) + "\n")
    return path


def _json_value(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):
        return value.item()
    return value


def render_lineage(out_dir: Path | None = None) -> ReportResult:
    """Run the lineage notebook and write ``lineage.html`` (and ``lineage.json``).

    Parameters
    ----------
    out_dir : pathlib.Path, optional
        Where the page goes; defaults to ``reports/lineage/``.

    Returns
    -------
    kerslake_analysis.report.pages.ReportResult
        ``ok`` is False when a cell raised; ``error`` names the cell.
    """
    return render_notebook(
        LINEAGE_NOTEBOOK,
        {},
        out_dir or paths.LINEAGE_DIR,
        title=PAGE_TITLE,
        label="lineage",
        stem="lineage",
    )
