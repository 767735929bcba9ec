"""The figures the council published: read, compared with the recomputed ones, and the
schedule position they imply."""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import period_end
from kerslake_analysis.measure import status
from kerslake_analysis.measure.metrics import (
    ImpliedPosition,
    implied_schedule_position,
)
from kerslake_analysis.report.formatting import format_percent
from kerslake_analysis.report.headline_figures import metric_summary
from kerslake_analysis.report.plan_data import PeriodView, once_per_view


@once_per_view
def published_schedule_position(view: PeriodView) -> ImpliedPosition | None:
    """The schedule position a document's own count complete implies for the period.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    kerslake_analysis.measure.metrics.ImpliedPosition or None
        None when no document published both a count complete and a total for the
        period (see :func:`kerslake_analysis.measure.metrics.implied_schedule_position`).
    """
    pub = published_rows(view)
    measure = pub["measure"].str.casefold()
    complete = pub.loc[measure == status.COMPLETE.casefold(), "value"]
    total = pub.loc[measure == "total", "value"]
    if len(complete) != 1 or len(total) != 1:
        return None
    return implied_schedule_position(complete.iloc[0], total.iloc[0], view.status)


def published_against_recomputed(view: PeriodView) -> pd.DataFrame:
    """The figures a document published for the period beside the recomputed ones.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``Measure``, ``Published``, ``Published source`` (file:line),
        ``Published quote``, ``Recomputed`` and ``Why they differ``; empty when no
        document published figures for the period.
    """
    pub = published_rows(view)
    if not len(pub):
        return pd.DataFrame(
            columns=[
                "Measure",
                "Published",
                "Published source",
                "Published quote",
                "Recomputed",
                "Why they differ",
            ]
        )
    counts = view.metrics.counts.set_index(view.metrics.counts["status"].astype(str))["n"]
    summary = metric_summary(view.metrics)
    by_name = {s.casefold(): s for s in status.STATUS_ORDER}
    total_published = pub.loc[pub["measure"].str.casefold() == "total", "value"]
    total_published = int(total_published.iloc[0]) if len(total_published) else None
    rows = []
    for item in pub.itertuples(index=False):
        measure = item.measure
        if measure.casefold() == "total":
            label, recomputed = "Total", summary["commitments"]
        else:
            label = by_name.get(measure.casefold(), measure)
            recomputed = int(counts.get(label, 0))
        published = published_value(item.value)
        rows.append(
            {
                "Measure": label,
                "Published": published,
                "Published source": f"{item.source}:{item.source_line}",
                "Published quote": item.quote,
                "Recomputed": recomputed,
                "Why they differ": _difference_reason(
                    label, published, recomputed, total_published, summary, item.source
                ),
            }
        )
    return pd.DataFrame(rows)


def published_rows(view: PeriodView) -> pd.DataFrame:
    """The rows of ``view.data.published`` (curated ``snapshots``) for the view's period."""
    pub = view.data.published
    if not len(pub):
        return pd.DataFrame(columns=["snapshot_id", "measure", "value", "period"])
    return pub[pub["period"] == view.period].reset_index(drop=True)


def published_value(value) -> int | float:
    """A published figure as an int when whole (82), else a float."""
    return int(value) if float(value).is_integer() else float(value)


@once_per_view
def published_figures(view: PeriodView) -> dict | None:
    """The figures a document published for the period: the council's own count.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    dict or None
        None when no document published figures for the period. Otherwise ``unit``
        (what the council counted, e.g. ``"actions"``), ``rows`` (every published
        figure: ``snapshot_id``, ``measure`` (a status of the key in its order, or
        ``"total"`` first), ``value``, ``unit``, ``source``, ``document`` (how a report
        names the source: "the December 2015 progress report (000_….txt)",
        :func:`~kerslake_analysis.base.paths.document_name`), ``source_line``,
        ``quote``), and ``total``, ``complete`` and ``behind_schedule`` (the two
        slipped statuses added up), each ``{"value", "snapshot_ids"}`` or None when not
        published. ``behind_schedule`` also has ``source``, ``document``,
        ``source_line`` and ``quote`` of the sentence where the document states the sum
        itself (December 2015: line 147, "which leaves 24 actions behind schedule";
        the parts, 21 and 3, are on line 59), or None there when no sentence states it.
    """
    pub = published_rows(view)
    if not len(pub):
        return None
    by_name = {s.casefold(): s for s in status.STATUS_ORDER}
    rank = {s: i for i, s in enumerate(status.STATUS_ORDER)}
    rows = []
    for item in pub.itertuples(index=False):
        folded = item.measure.casefold()
        measure = "total" if folded == "total" else by_name.get(folded, item.measure)
        rows.append(
            {
                "snapshot_id": item.snapshot_id,
                "measure": measure,
                "value": published_value(item.value),
                "unit": item.unit,
                "source": item.source,
                "document": paths.document_name(item.source),
                "source_line": int(item.source_line),
                "quote": item.quote,
            }
        )
    rows.sort(key=lambda r: (r["measure"] != "total", rank.get(r["measure"], len(rank))))

    def figure(measures) -> dict | None:
        chosen = [r for r in rows if r["measure"] in measures]
        if not chosen:
            return None
        return {
            "value": published_value(sum(r["value"] for r in chosen)),
            "snapshot_ids": [r["snapshot_id"] for r in chosen],
        }

    behind = figure(set(status.BEHIND_STATUSES))
    if behind is not None:
        behind.update(_stated_behind(view, behind["value"], {r["source"] for r in rows}))
    return {
        "unit": rows[0]["unit"],
        "rows": rows,
        "total": figure({"total"}),
        "complete": figure({status.COMPLETE}),
        "behind_schedule": behind,
    }


def _stated_behind(view: PeriodView, value: int | float, sources: set[str]) -> dict:
    """Where a document states the behind-schedule sum itself, as the claim cites it.

    A claim of the period's documents (``claims.csv``) with that value whose quote says
    "behind schedule"; its ``source``, ``document``, ``source_line`` and ``quote``, each
    None when no sentence states the sum (then only its parts are cited).
    """
    none = {"source": None, "document": None, "source_line": None, "quote": None}
    claims = view.data.claims
    if not len(claims):
        return none
    end = pd.Timestamp(period_end(view.period))
    start = end.replace(day=1)
    as_of = pd.to_datetime(claims["as_of"])
    stated = claims[
        claims["source"].isin(sources)
        & (as_of >= start)
        & (as_of <= end)
        & (pd.to_numeric(claims["value"], errors="coerce") == float(value))
        & claims["quote"].str.contains("behind schedule", case=False)
    ]
    if len(stated) != 1:
        return none
    claim = stated.iloc[0]
    return {
        "source": claim["source"],
        "document": paths.document_name(claim["source"]),
        "source_line": int(claim["source_line"]),
        "quote": claim["quote"],
    }


def _difference_reason(label, published, recomputed, total_published, summary, source) -> str:
    """Why a published figure and the recomputed one differ, or what their likeness means.

    Where the document's total is not the plan's number of commitments, the two count
    different lists: the figures are never said to agree, each is given as a share of
    its own list, and the sentence says what the difference cannot tell.
    """
    document = paths.document_name(source)
    commitments, with_evidence = summary["commitments"], summary["with_evidence"]
    unevidenced = commitments - with_evidence
    if label == "Total":
        if published == recomputed:
            return f"The same number: {document} and the plan both count {published}."
        return (
            f"{document[0].upper()}{document[1:]} counts {published} items; the plan as "
            f"published lists {recomputed} commitments, so the two count different lists."
        )
    if total_published is not None and total_published != commitments:
        return (
            f"Different lists: {document} counts {published} of its {total_published} items "
            f"({format_percent(published / total_published)}); the evidence gives {recomputed} of "
            f"the plan's {commitments} commitments ({format_percent(recomputed / commitments)}), "
            f"and only {with_evidence} of the {commitments} have evidence. Neither the "
            "difference nor a likeness of the two counts says whether the same work is in "
            "this status: the lists are not matched one for one."
        )
    if published == recomputed:
        return "They agree."
    reason = (
        f"The published figure is the council's count in {document}; the recomputed figure "
        f"counts only commitments the documents give evidence for ({with_evidence} of "
        f"{commitments}; {unevidenced} have none)."
    )
    if recomputed > published:
        reason += " The recomputed count is higher, which the missing evidence cannot explain."
    return reason
