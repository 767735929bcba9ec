"""A plan's overview page: every reporting period side by side, from each period's figures.json.

``reports/<plan>/index.html`` is written by ``kerslake report`` after the periods of the
plan have rendered. It shows each period's headline figures exactly as that period's
``figures.json`` states them (with the council's own published figures, labelled with
document and line as the period report labels them), the change between periods with
the headline table's "different basis" rule (:func:`kerslake_analysis.report.headline.different_bases`),
a trend chart, the latest headline sentence and a link to each period. A period whose
last run failed is listed as failed, never dropped. For a council's register whose due
dates move between snapshots, it adds the milestone trend
(:mod:`kerslake_analysis.measure.milestone_trend`).

Nothing is computed again from the data except the milestone trend: the figures are
read from the files the period reports wrote.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import PERIOD, PLAN_TITLES, period_label
from kerslake_analysis.measure.milestone_trend import milestone_moves, milestone_trend
from kerslake_analysis.report.figures_file import FIGURES_VERSION
from kerslake_analysis.report.formatting import format_value, short_day_label
from kerslake_analysis.report.headline import DIFFERENT_BASIS_NOTE, change_on_basis, different_bases
from kerslake_analysis.report.templating import InlineImage, render
from kerslake_analysis.report.trend_plots import (
    TOP_MOVES,
    headline_trend_chart,
    milestone_trend_chart,
)

#: The file name of a plan's overview, in the plan's folder.
OVERVIEW_FILE = "index.html"
#: Text every overview page carries (its footer), so a rerun knows the file is its own.
OVERVIEW_MARK = "written from the period reports' figures.json files"
#: Rows of the largest due-date moves listed on the page.
MOVE_ROWS = 20

#: Headline figures shown per period: label, key of ``figures.json`` ``headline``, kind
#: (as the period report's headline table labels and formats them).
ROWS: tuple[tuple[str, str, str], ...] = (
    ("Commitments", "commitments", "count"),
    ("With evidence", "with_evidence", "count"),
    ("Evidence coverage (commitments with evidence / all)", "evidence_coverage", "share"),
    ("Complete", "complete", "count"),
    ("Behind schedule", "behind_schedule", "count"),
    ("Slippage rate (behind / with evidence and due date passed)", "slippage_rate", "share"),
    (
        "Months ahead (+) or behind (−), earned schedule (dated commitments with evidence)",
        "schedule_variance_months",
        "months",
    ),
)


#: How the notes under the table name a figure whose basis changed.
NOTE_NAMES = {
    "slippage_rate": "slippage rate",
    "schedule_variance_months": "months ahead or behind by earned schedule",
}


@dataclass(frozen=True)
class PeriodEntry:
    """One reporting period of a plan as found in its report folder.

    Attributes
    ----------
    period : str
        ``YYYY-MM``.
    label : str
        The period in words.
    ok : bool
        False when the last run of the period failed (``report.failed.ipynb`` is there).
    href : str or None
        The period's page relative to the plan's folder (for a failed period, the last
        good page of an earlier run, if any).
    figures : dict or None
        The period's ``figures.json`` (None when failed, absent or of another version).
    reason : str
        Why there are no figures, in words ("" when there are).
    """

    period: str
    label: str
    ok: bool
    href: str | None
    figures: dict | None = None
    reason: str = ""


def read_entries(plan_dir: Path) -> list[PeriodEntry]:
    """Every period folder of a plan, in order, with its state and figures.

    Parameters
    ----------
    plan_dir : pathlib.Path
        ``reports/<plan>``.

    Returns
    -------
    list of PeriodEntry
        Folders named ``YYYY-MM`` holding a ``report.html`` or a ``report.failed.ipynb``.
    """
    entries = []
    for folder in sorted(p for p in Path(plan_dir).iterdir() if p.is_dir()):
        if not PERIOD.fullmatch(folder.name):
            continue
        page = folder / "report.html"
        failed = (folder / "report.failed.ipynb").is_file()
        if not (page.is_file() or failed):
            continue
        href = f"{folder.name}/report.html" if page.is_file() else None
        label = period_label(folder.name)
        if failed:
            reason = "the report failed in the last run; its partly run notebook is kept"
            entries.append(PeriodEntry(folder.name, label, False, href, None, reason))
            continue
        figures, reason = _read_figures(folder / paths.FIGURES_FILE)
        entries.append(PeriodEntry(folder.name, label, True, href, figures, reason))
    return entries


def _read_figures(path: Path) -> tuple[dict | None, str]:
    if not path.is_file():
        return None, "no figures.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("figures_version") != FIGURES_VERSION:
        return None, f"figures.json is version {data.get('figures_version')}, not {FIGURES_VERSION}"
    return data, ""


def plan_title(plan: str, entries: list[PeriodEntry]) -> str:
    """The plan's title as its period reports give it (``plan_title``), else its slug."""
    for entry in reversed(entries):
        if entry.figures and entry.figures.get("plan_title"):
            return entry.figures["plan_title"]
    return PLAN_TITLES.get(plan, plan)


# ------------------------------------------------------------------ the council's figures


def _where(published: dict, item: dict) -> str:
    """ "the December 2015 progress report (000_….txt), line 147" for a published figure."""
    if item.get("source_line") and item.get("document"):
        places = {(item["document"], item["source_line"])}
    else:
        ids = set(item["snapshot_ids"])
        places = {
            (r["document"], r["source_line"]) for r in published["rows"] if r["snapshot_id"] in ids
        }
    return "; ".join(f"{doc}, line {line}" for doc, line in sorted(places))


def published_cells(figures: dict | None) -> dict[str, str]:
    """The council's own figures of a period, each with its document and line.

    Parameters
    ----------
    figures : dict or None
        A period's ``figures.json``.

    Returns
    -------
    dict of str to str
        ``total``, ``complete``, ``behind_schedule`` → "82 (the December 2015 progress
        report (000_e235c92a6776d4ac.txt), line 147)"; ``position`` → the project's
        estimate of the schedule position the council's count implies ("-6.1"); only
        those the period has.
    """
    if not figures or not figures.get("published"):
        return {}
    published = figures["published"]
    cells = {}
    for key in ("total", "complete", "behind_schedule"):
        item = published.get(key)
        if item is not None:
            cells[key] = f"{item['value']} ({_where(published, item)})"
    position = (figures.get("earned_schedule") or {}).get("published_position")
    if position and position.get("sv_months") is not None:
        cells["position"] = format_value(position["sv_months"], "months")
    return cells


# ------------------------------------------------------------------ the table


@dataclass(frozen=True)
class Table:
    """A table of figures: the first column's heading, column headings, rows of (label, cells)."""

    corner: str
    columns: list[str]
    rows: list[dict] = field(default_factory=list)


def _change_rows(entries: list[PeriodEntry], columns, cell) -> list[dict]:
    """One row per period, and after it the change from the period before where it states one."""
    rows = []
    for entry in entries:
        figures = entry.figures
        if figures and figures.get("previous") and figures.get("previous_period"):
            before = period_label(figures["previous_period"])
            rows.append(
                {
                    "label": f"Change, {before} → {entry.label}",
                    "cells": [cell(entry, key, kind, True) for _, key, kind in columns],
                }
            )
        rows.append(
            {
                "label": entry.label,
                "cells": [cell(entry, key, kind, False) for _, key, kind in columns],
            }
        )
    return rows


def figures_table(entries: list[PeriodEntry]) -> tuple[Table, list[str]]:
    """Every period's headline figures, one row per period, with the change from the one before.

    A period's change row compares its ``headline`` with the ``previous`` its own
    ``figures.json`` states, by the headline table's rule: a figure whose basis changed
    shows "— (different basis)" (:func:`~kerslake_analysis.report.headline.different_bases`),
    and a note says which bases differ.

    Parameters
    ----------
    entries : list of PeriodEntry

    Returns
    -------
    tuple
        The :class:`Table` and the notes under it.
    """

    def cell(entry: PeriodEntry, key: str, kind: str, change: bool) -> str:
        figures = entry.figures
        if not entry.ok:
            return "failed"
        if figures is None:
            return entry.reason
        if change:
            return change_on_basis(figures["headline"], figures["previous"], key, kind)
        return format_value(figures["headline"].get(key), kind)

    table = Table("Period", [label for label, _, _ in ROWS], _change_rows(entries, ROWS, cell))
    notes = []
    labels = {key: label for label, key, _ in ROWS}
    for entry in entries:
        figures = entry.figures
        if not (figures and figures.get("previous")):
            continue
        bases = different_bases(figures["headline"], figures["previous"])
        shown = {k: v for k, v in bases.items() if k in labels and k in NOTE_NAMES}
        if shown:
            before = period_label(figures["previous_period"])
            listed = "; ".join(f"{NOTE_NAMES[k]}: {v}" for k, v in shown.items())
            notes.append(
                f"{before} → {entry.label}, change not computed for the {listed}. "
                f"{DIFFERENT_BASIS_NOTE[0].upper()}{DIFFERENT_BASIS_NOTE[1:]}."
            )
    return table, notes


#: The council's own figures shown per period: label, key of :func:`published_cells`.
PUBLISHED_ROWS: tuple[tuple[str, str], ...] = (
    ("Published by the council: {unit} (total)", "total"),
    ("Published by the council: {unit} complete", "complete"),
    ("Published by the council: {unit} behind schedule", "behind_schedule"),
    (
        "Estimated by this project from the council's count (not a council figure): months "
        "ahead (+) or behind (−) that its share complete implies",
        "position",
    ),
)


def published_table(entries: list[PeriodEntry]) -> tuple[Table | None, list[str]]:
    """The council's own figures, one row per period that has them, each with document and line.

    Parameters
    ----------
    entries : list of PeriodEntry

    Returns
    -------
    tuple
        The :class:`Table` (None when no period has published figures) and the notes:
        for each period, that the council's list is not the plan's.
    """
    published = {e.period: published_cells(e.figures) for e in entries}
    having = [e for e in entries if published[e.period]]
    if not having:
        return None, []
    unit = having[0].figures["published"]["unit"] or "items"
    shown = [(label.format(unit=unit), key) for label, key in PUBLISHED_ROWS]
    shown = [
        (label, key) for label, key in shown if any(key in published[e.period] for e in having)
    ]
    rows = [
        {"label": e.label, "cells": [published[e.period].get(key, "—") for _, key in shown]}
        for e in having
    ]
    notes = []
    for entry in having:
        total = entry.figures["published"]["total"]
        commitments = entry.figures["headline"]["commitments"]
        if total and total["value"] != commitments:
            notes.append(
                f"{entry.label}: the council counts its own {total['value']} {unit}; the "
                f"figures from the evidence count the plan's {commitments} commitments, a "
                "different list, so the two are not compared one for one."
            )
    return Table("Period", [label for label, _ in shown], rows), notes


def trend_frame(entries: list[PeriodEntry]) -> pd.DataFrame:
    """The figures the trend chart draws: one row per period with figures, in order.

    Parameters
    ----------
    entries : list of PeriodEntry

    Returns
    -------
    pandas.DataFrame
        ``label`` (the period in words), ``short`` ("Dec 2015"), ``Complete``,
        ``Behind schedule`` (counts), ``Slippage rate`` and
        ``Evidence coverage`` (per cent; missing where not computable).
    """
    rows = []
    for entry in entries:
        if entry.figures is None:
            continue
        h = entry.figures["headline"]
        rows.append(
            {
                "label": entry.label,
                "short": pd.Timestamp(entry.period).strftime("%b %Y"),
                "Complete": h["complete"],
                "Behind schedule": h["behind_schedule"],
                "Slippage rate": None if h["slippage_rate"] is None else 100 * h["slippage_rate"],
                "Evidence coverage": None
                if h.get("evidence_coverage") is None
                else 100 * h["evidence_coverage"],
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "label",
            "short",
            "Complete",
            "Behind schedule",
            "Slippage rate",
            "Evidence coverage",
        ],
    )


# ------------------------------------------------------------------ the milestone trend

#: How to read the milestone trend chart, said on the page.
HOW_TO_READ = (
    "How to read the milestone trend chart: each line is one commitment. Across the page "
    "is the date of each snapshot of the tracker; up the page is the due date that "
    "snapshot gave the commitment. A flat line is a due date that held from one report to "
    "the next. A line that rises is a due date put back at a report: the commitment "
    "slipped, and the steeper the line, the further. A line that falls is a date brought "
    "forward. The dotted diagonal is where the due date equals the report date: a line "
    "that meets it fell due at that report. The method is milestone trend analysis "
    "(MTA). Commitments are followed by their ID from snapshot "
    "to snapshot."
)


@dataclass(frozen=True)
class Milestones:
    """The milestone trend section of a register's overview."""

    how_to_read: str
    summary: str
    chart: InlineImage | None
    caption: str
    columns: list[str]
    rows: list[list[str]]


def milestone_section(observations: pd.DataFrame) -> Milestones:
    """The milestone trend of a register: chart, table of the largest moves and how to read them.

    Parameters
    ----------
    observations : pandas.DataFrame
        The register's observations (each with its own snapshot's ``due_end``).

    Returns
    -------
    Milestones
        Without a chart when no due date moved.
    """
    trend = milestone_trend(observations)
    moves = milestone_moves(trend)
    moved = moves[moves["times_moved"] > 0]
    later = int((moved["move_days"] > 0).sum())
    earlier = int((moved["move_days"] < 0).sum())
    back = int((moved["move_days"] == 0).sum())
    if moved.empty:
        summary = (
            f"{len(moves)} commitments were reported with a due date in two or more "
            "snapshots, and no due date moved between the snapshots: every line would be flat."
        )
        chart = None
    else:
        summary = (
            f"{len(moves)} commitments were reported with a due date in two or more "
            f"snapshots; the due date of {len(moved)} of them moved at least once: "
            f"{later} ended later than first reported, {earlier} earlier, and {back} came "
            "back to the date first given. The chart draws the "
            f"{min(TOP_MOVES, len(moved))} whose dates moved most in total (the sum of every "
            "move, later or earlier)."
        )
        chart = milestone_trend_chart(trend, moves)
    shown = moved.head(MOVE_ROWS)
    columns = [
        "ID",
        "Snapshots",
        "First due date (reported on)",
        "Latest due date (reported on)",
        "Move, first to latest (days)",
        "Move, first to latest (months)",
        "Total of every move (days)",
        "Times moved",
    ]
    rows = [
        [
            str(r.commitment_id),
            str(r.snapshots),
            f"{short_day_label(r.first_due)} ({short_day_label(r.first_reported_on)})",
            f"{short_day_label(r.latest_due)} ({short_day_label(r.latest_reported_on)})",
            f"{r.move_days:+d}",
            format_value(r.move_months, "months"),
            str(r.total_move_days),
            str(r.times_moved),
        ]
        for r in shown.itertuples(index=False)
    ]
    caption = (
        f"The {len(shown)} commitments whose due dates moved most in total, of {len(moved)} "
        "that moved (a move later is positive; months of 30.44 days)"
    )
    return Milestones(HOW_TO_READ, summary, chart, caption, columns, rows)


# ------------------------------------------------------------------ the page


def overview_page(plan_dir: Path, observations: pd.DataFrame | None = None) -> str:
    """The overview page of one plan, from the period folders under ``plan_dir``.

    Parameters
    ----------
    plan_dir : pathlib.Path
        ``reports/<plan>``.
    observations : pandas.DataFrame, optional
        A register's observations, for the milestone trend; None for the embedded plans.

    Returns
    -------
    str
        The complete page.
    """
    plan_dir = Path(plan_dir)
    entries = read_entries(plan_dir)
    title = plan_title(plan_dir.name, entries)
    table, notes = figures_table(entries)
    published, published_notes = published_table(entries)
    trend = trend_frame(entries)
    with_evidence = any(e.figures["headline"]["with_evidence"] for e in entries if e.figures)
    chart = headline_trend_chart(trend, title) if len(trend) and with_evidence else None
    latest = next((e for e in reversed(entries) if e.figures), None)
    milestones = milestone_section(observations) if observations is not None else None
    context = {
        "title": title,
        "entries": entries,
        "table": table,
        "notes": notes,
        "published": published,
        "published_notes": published_notes,
        "chart": chart,
        "latest_sentence": latest.figures.get("headline_sentence", "") if latest else "",
        "latest_label": latest.label if latest else "",
        "basis_words": (
            "The slippage rate and the earned-schedule figure count only the commitments "
            "with evidence; where two periods count different commitments the change is "
            "not computed and reads '— (different basis)' (notes under the table)."
        ),
        "milestones": milestones,
    }
    return render("overview.html.j2", title=f"{title}: every reporting period", overview=context)


__all__ = [
    "OVERVIEW_FILE",
    "PeriodEntry",
    "figures_table",
    "published_table",
    "milestone_section",
    "overview_page",
    "published_cells",
    "read_entries",
    "trend_frame",
]
