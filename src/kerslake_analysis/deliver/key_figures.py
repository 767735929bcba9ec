"""The key figures an e-mail shows, read from a period's ``figures.json``.

Examples
--------
>>> key_figures({"commitments": 104, "with_evidence": 104, "complete": 15,
...              "behind_schedule": 21, "slippage_rate": 21 / 63, "past_due": 63,
...              "due_on_date_open": 5, "behind_share": None,
...              "schedule_variance_months": -2.846, "schedule_basis_commitments": 90,
...              "schedule_dated_commitments": 90})[4:]
[('Slippage rate (behind / with evidence and due date passed)', '33.3%'), ('Due date passed (with evidence)', '63'), ('Due on the report date itself, not complete (not yet slipped)', '5'), ('Behind share (behind / all)', 'not computable'), ('Schedule by earned schedule, dated commitments with evidence (90 of 90)', '2.8 months behind')]
"""

from __future__ import annotations

from collections.abc import Mapping

from kerslake_analysis.base import paths
from kerslake_analysis.report.formatting import (
    NOT_COMPUTABLE,
    coverage_caution,
    format_months,
    format_value,
)

#: The key figures read from the evidence: label, ``figures.json`` headline key, kind.
#: The earned-schedule label gets its basis (N of M) from the headline; the slippage
#: and earned-schedule labels say when evidence covers under half the commitments.
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("Commitments", "commitments", "count"),
    ("With evidence", "with_evidence", "coverage"),
    ("Complete", "complete", "count"),
    ("Behind schedule", "behind_schedule", "count"),
    ("Slippage rate (behind / with evidence and due date passed)", "slippage_rate", "share"),
    ("Due date passed (with evidence)", "past_due", "count"),
    ("Due on the report date itself, not complete (not yet slipped)", "due_on_date_open", "count"),
    ("Behind share (behind / all)", "behind_share", "share"),
    (
        "Schedule by earned schedule, dated commitments with evidence",
        "schedule_variance_months",
        "months",
    ),
)


def _shown(value: float | int | None, kind: str) -> str:
    """A key figure in the page's wording: a schedule variance in words (as the headline
    sentence), a share or a count as the headline table shows it."""
    if kind == "months":
        return format_months(value)
    return format_value(value if value is None or kind != "count" else int(value), kind)


def key_figures(
    headline: Mapping[str, float | int | None],
    published: Mapping | None = None,
    published_position: Mapping | None = None,
) -> list[tuple[str, str]]:
    """The key figures of the message as (label, value shown) pairs.

    Parameters
    ----------
    headline : mapping
        The ``headline`` object of ``figures.json``; None means "not computable".
    published : mapping, optional
        The ``published`` object of ``figures.json`` (the council's own figures for the
        period), or None. When given, its complete and behind-schedule counts come
        first, each "of" the council's total with its source line, and the figures
        read from the evidence are labelled so.
    published_position : mapping, optional
        ``earned_schedule.published_position`` of ``figures.json``: the schedule
        position the council's count implies, shown after the published counts.

    Returns
    -------
    list of (str, str)
        Counts as whole numbers, shares as percentages to one decimal, the earned
        schedule variance as months behind or ahead to one decimal, with its basis
        (dated commitments with evidence, N of M) in the label; never the bound.

    Examples
    --------
    >>> key_figures({"commitments": 10, "with_evidence": 4, "complete": 4,
    ...              "behind_schedule": 0, "slippage_rate": 0.0, "behind_share": 0.0,
    ...              "schedule_variance_months": None, "schedule_basis_commitments": 4,
    ...              "schedule_dated_commitments": 10})[-1]
    ('Schedule by earned schedule, dated commitments with evidence (4 of 10; evidence covers only 4 of 10 commitments)', 'not computable')
    """
    rows = _published_key_figures(published, published_position) if published else []
    prefix = "From the evidence: " if published else ""
    total = headline.get("commitments")
    caution = coverage_caution(headline)
    for label, key, kind in KEY_FIGURES:
        if key == "schedule_variance_months":
            basis = headline.get("schedule_basis_commitments")
            dated = headline.get("schedule_dated_commitments")
            label += f" ({basis} of {dated}{caution})"
        elif key == "slippage_rate" and caution:
            label = label[:-1] + caution + ")"
        value = headline.get(key)
        if kind == "coverage":
            shown = NOT_COMPUTABLE if value is None or not total else f"{value} of {total}"
        else:
            shown = _shown(value, kind)
        rows.append((prefix + label, shown))
    return rows


def _published_key_figures(published: Mapping, position: Mapping | None) -> list[tuple[str, str]]:
    """The council's own counts (complete, behind schedule) and the position they imply."""
    by_id = {row["snapshot_id"]: row for row in published["rows"]}
    total = published.get("total")
    unit = published.get("unit") or "items"
    rows = []
    for key, what in (("complete", "complete"), ("behind_schedule", "behind schedule")):
        figure = published.get(key)
        if not figure:
            continue
        # the sentence stating the sum where there is one, else the figures added up
        cited = (
            [figure] if figure.get("source_line") else [by_id[i] for i in figure["snapshot_ids"]]
        )
        places = sorted({(r["source"], r["source_line"]) for r in cited})
        where = "; ".join(f"{paths.document_name(source)} line {line}" for source, line in places)
        of = f" of {total['value']} {unit}" if total else f" {unit}"
        rows.append((f"Published by the council: {what}", f"{figure['value']}{of} ({where})"))
    if position:
        rows.append(
            (
                "Estimated by this project from the council's count (not a council figure): "
                "months ahead (+) or behind (−) implied by its share complete "
                f"({position['published_complete']} of {position['published_total']})",
                _shown(position["sv_months"], "months"),
            )
        )
    return rows
