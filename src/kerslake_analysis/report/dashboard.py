"""The index of the reports folder as a dashboard: each plan's latest figures and trend.

``reports/index.html`` lists, for every plan with period reports, the latest period's
headline figures (as its ``figures.json`` states them, the council's own figures with
document and line), a small trend chart, a link to the plan's overview
(``<plan>/index.html``) and a link to every period (a failed period said so); then the
pages across the documents, each with the one-line summary that page opens with (read
from the ``findings.json`` and ``lineage.json`` they write, not computed again).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kerslake_analysis.audit.findings import read_findings
from kerslake_analysis.report.formatting import format_value
from kerslake_analysis.report.headline import under_half
from kerslake_analysis.report.overview import (
    OVERVIEW_FILE,
    ROWS,
    published_cells,
    read_entries,
    trend_frame,
)
from kerslake_analysis.report.overview import plan_title as _plan_title
from kerslake_analysis.report.page_summaries import (
    audit_headline,
    first_sentence,
    lineage_introduction,
)
from kerslake_analysis.report.templating import render
from kerslake_analysis.report.trend_plots import headline_trend_chart

#: Title of the index page.
INDEX_TITLE = "Improvement plan reports"
#: Pages beside the period reports that the index links when they exist.
OTHER_PAGES: tuple[tuple[str, str], ...] = (
    ("audit/audit.html", "Audit of the published figures"),
    ("lineage/lineage.html", "Commitment lineage 2014–2021: how long did the promises take?"),
)
#: Latest figures shown per plan: key of ``figures.json`` ``headline`` and a short label
#: (the overview and the period report give the full definitions).
DASHBOARD_ROWS: tuple[tuple[str, str], ...] = (
    ("commitments", "Commitments"),
    ("complete", "Complete"),
    ("behind_schedule", "Behind schedule"),
    ("slippage_rate", "Slippage rate (behind / due date passed, with evidence)"),
    ("schedule_variance_months", "Months ahead (+) or behind (−), earned schedule"),
    ("evidence_coverage", "Evidence coverage"),
)


def plan_entries(root: Path) -> list[tuple[Path, list]]:
    """The plan folders of a reports folder, each with its periods' entries, read once.

    A folder counts when it holds a period report (or a failed one).

    Parameters
    ----------
    root : pathlib.Path

    Returns
    -------
    list of (pathlib.Path, list of kerslake_analysis.report.overview.PeriodEntry)
    """
    found = []
    for folder in sorted(Path(root).iterdir()):
        entries = read_entries(folder) if folder.is_dir() else []
        if entries:
            found.append((folder, entries))
    return found


def latest_figures(entries) -> dict | None:
    """The latest period's figures for the dashboard: its label and (label, value) pairs.

    Parameters
    ----------
    entries : list of kerslake_analysis.report.overview.PeriodEntry

    Returns
    -------
    dict or None
        ``label``, ``figures`` and ``caution`` (when evidence covers fewer than half of
        the commitments, as the period report cautions), or None when no period has
        figures.
    """
    latest = next((e for e in reversed(entries) if e.figures), None)
    if latest is None:
        return None
    headline = latest.figures["headline"]
    shown = []
    published = published_cells(latest.figures)
    unit = (latest.figures.get("published") or {}).get("unit") or "items"
    for key, words in (("complete", "complete"), ("behind_schedule", "behind schedule")):
        if key in published:
            shown.append((f"Published by the council: {unit} {words}", published[key]))
    prefix = "From the evidence: " if shown else ""
    kinds = {key: kind for _, key, kind in ROWS}
    for key, label in DASHBOARD_ROWS:
        shown.append(
            (
                prefix + label,
                format_value(headline.get(key), kinds[key]) + _basis(latest.figures, key),
            )
        )
    caution = ""
    if under_half(headline):
        caution = (
            f"Evidence covers only {headline['with_evidence']} of the "
            f"{headline['commitments']} commitments: the slippage rate and the earned-schedule "
            "figure describe only the commitments with evidence, not the plan as a whole."
        )
    return {"label": latest.label, "figures": shown, "caution": caution}


def _basis(figures: dict, key: str) -> str:
    """What a rate or a schedule position counts, as the period report states it.

    A slippage rate or a months-behind figure without its basis misleads when evidence
    is partial, so the dashboard shows the counts beside them: "(34 of 49)" for the
    slippage rate (behind / due date passed, with evidence) and "(53 of 112 dated
    commitments, those with evidence)" for the earned-schedule position.
    """
    headline = figures.get("headline") or {}
    if key == "slippage_rate" and headline.get("slippage_rate") is not None:
        return f" ({headline['behind_schedule']} of {headline['past_due']})"
    es = figures.get("earned_schedule") or {}
    if key == "schedule_variance_months" and headline.get(key) is not None and es.get("dated"):
        if es["dated_with_evidence"] < es["dated"]:
            return (
                f" ({es['dated_with_evidence']} of {es['dated']} dated commitments, "
                "those with evidence)"
            )
        return f" (all {es['dated']} dated commitments)"
    return ""


def _summary(root: Path, rel: str) -> str:
    """The one-line summary the audit or lineage page opens with, from the file it writes."""
    folder = (root / rel).parent
    if rel.startswith("audit/") and (folder / "findings.json").is_file():
        return first_sentence(audit_headline(read_findings(folder)))
    if rel.startswith("lineage/") and (folder / "lineage.json").is_file():
        chains = json.loads((folder / "lineage.json").read_text(encoding="utf-8"))["chains"]
        return first_sentence(lineage_introduction(pd.DataFrame(chains)))
    return ""


def index_page(root: Path) -> str:
    """The dashboard page of a reports folder.

    Parameters
    ----------
    root : pathlib.Path
        The reports folder.

    Returns
    -------
    str
        The complete page.
    """
    root = Path(root)
    plans = []
    for folder, entries in plan_entries(root) if root.is_dir() else []:
        title = _plan_title(folder.name, entries)
        trend = trend_frame(entries)
        plans.append(
            {
                "title": title,
                "latest": latest_figures(entries),
                "chart": headline_trend_chart(trend, title, small=True) if len(trend) > 1 else None,
                "overview_href": f"{folder.name}/{OVERVIEW_FILE}"
                if (folder / OVERVIEW_FILE).is_file()
                else None,
                "entries": [
                    {
                        "label": e.label,
                        "ok": e.ok,
                        "href": f"{folder.name}/{e.href}" if e.href else None,
                    }
                    for e in entries
                ],
            }
        )
    pages = [
        {"href": rel, "label": label, "summary": _summary(root, rel)}
        for rel, label in OTHER_PAGES
        if (root / rel).is_file()
    ]
    return render("index.html.j2", title=INDEX_TITLE, plans=plans, pages=pages)


__all__ = ["INDEX_TITLE", "OTHER_PAGES", "index_page", "latest_figures", "plan_entries"]
