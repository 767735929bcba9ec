"""``figures.json``: every headline figure with its trace to the commitments, observations
and quotes it counts."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.measure import status
from kerslake_analysis.measure.metrics import (
    ImpliedPosition,
)
from kerslake_analysis.report.footer import package_version
from kerslake_analysis.report.formatting import json_number
from kerslake_analysis.report.headline import headline_sentence
from kerslake_analysis.report.headline_figures import (
    behind_caveats,
    deciding_observations,
    headline,
)
from kerslake_analysis.report.plan_data import PeriodView
from kerslake_analysis.report.published import (
    published_against_recomputed,
    published_figures,
    published_schedule_position,
)
from kerslake_analysis.report.ratings import due_date_changes, has_ratings, rating_counts
from kerslake_analysis.report.sections import (
    STATUS_CHART_FILE,
    behind_schedule,
    status_by_theme,
    status_chart_alt,
)

#: The version of the ``figures.json`` layout; bump it when a key changes meaning.
#: Version 2 added ``published``, ``trace``, ``trace_observations`` and ``package_version``.
FIGURES_VERSION = 3


def figures(view: PeriodView) -> dict:
    """Every headline figure the page shows, under stable keys, for ``figures.json``.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    dict
        JSON-ready: ``plan``, ``period``, ``as_of``, ``previous_period``,
        ``headline_sentence``, ``records_completion`` (false for a register that cannot
        say an item is complete: its slippage rate, baseline execution index and earned
        schedule are then null), ``headline`` (this period's figures), ``previous``
        (the previous period's or null), ``status_counts`` (status → count),
        ``status_by_theme`` (theme → status → count), ``forecast``,
        ``earned_schedule``, ``overdue`` (count and IDs), ``published_vs_recomputed``,
        ``notes``, ``published`` (the council's own figures, :func:`published_figures`,
        or null), ``trace`` and ``trace_observations`` (:func:`trace`) and
        ``package_version``.
    """
    h = headline(view)
    counts = view.metrics.counts
    by_theme = status_by_theme(view)
    es = view.metrics.earned_schedule.iloc[0]
    fc = view.metrics.trajectory.forecast.iloc[0]
    behind = behind_schedule(view)["commitment_id"].tolist()
    pub = published_against_recomputed(view)
    traced, cited = trace(view)
    return {
        "figures_version": FIGURES_VERSION,
        "package_version": package_version(),
        "published": published_figures(view),
        "trace": traced,
        "trace_observations": cited,
        "plan": view.data.plan,
        "plan_title": view.data.title,
        "period": view.period,
        "as_of": view.as_of.date().isoformat(),
        "previous_period": view.previous,
        "headline_sentence": headline_sentence(view),
        "records_completion": view.data.records_completion,
        "headline": h["now"],
        "previous": h["previous"],
        "status_counts": {
            str(s): int(n) for s, n in zip(counts["status"], counts["n"], strict=True)
        },
        "status_by_theme": {
            theme: {str(s): int(n) for s, n in zip(g["status"], g["n"], strict=True)}
            for theme, g in by_theme.groupby("theme", sort=True)
        },
        "earned_schedule": {
            "basis": es["basis"],
            "dated": int(es["dated"]),
            "dated_with_evidence": int(es["dated_with_evidence"]),
            "es_months": json_number(es["es_months"]),
            "at_months": json_number(es["at_months"]),
            "sv_months": json_number(es["sv_months"]),
            "spi": json_number(es["spi"]),
            "finished_on": None if pd.isna(es["finished_on"]) else f"{es['finished_on']:%Y-%m-%d}",
            "es_bound_months": json_number(es["es_bound_months"]),
            "sv_bound_months": json_number(es["sv_bound_months"]),
            "note": es["note"],
            "published_position": _implied_figures(published_schedule_position(view)),
        },
        "forecast": {
            "forecast_month": None if pd.isna(fc["forecast_month"]) else str(fc["forecast_month"]),
            "rate_per_month": json_number(fc["rate_per_month"]),
            "remaining": int(fc["remaining"]),
            "note": fc["note"],
        },
        "overdue": {"count": len(behind), "ids": behind},
        "published_vs_recomputed": [
            {"measure": r["Measure"], "published": r["Published"], "recomputed": r["Recomputed"]}
            for r in pub.to_dict("records")
        ],
        "notes": h["notes"],
        "charts": {"status_by_theme": {"file": STATUS_CHART_FILE, "alt": status_chart_alt(view)}},
        **_register_figures(view),
    }


#: What each traced figure counts, over what, by which definition (``figures.json``
#: ``trace``); docs/design.md, "figures.json", lists them for an auditor.
TRACE_BASIS: dict[str, str] = {
    "commitments": (
        "Every commitment of the plan as listed (data/curated/commitments.csv, or the "
        "tracker's snapshot for the period), with or without evidence; docs/design.md, "
        "'The data model'."
    ),
    "with_evidence": (
        "Commitments with at least one observation of a known state (complete, in progress, "
        "not started) dated on or before the period's last day; the rest are No evidence. "
        "docs/design.md, 'Status as of a date t'."
    ),
    "evidence_coverage": (
        "with_evidence / commitments: the share of the commitments the documents give "
        "evidence for; docs/design.md, 'Status as of a date t'."
    ),
    "complete": (
        "Commitments observed complete on or before the period's last day (a completion is "
        "never undone); the observation cited is the first saying complete. docs/design.md, "
        "'Status as of a date t'."
    ),
    "complete_dated": (
        "Complete commitments that have a due date (due_end), whenever due: the earned value "
        "of earned schedule and the numerator of the baseline execution index; "
        "docs/design.md, 'Metrics as of t'."
    ),
    "planned_due": (
        "Dated commitments with due_end on or before the period's last day, with or without "
        "evidence: the denominator of the baseline execution index; docs/design.md, "
        "'Metrics as of t'."
    ),
    "due": (
        "Dated commitments with due_end on or before the period's last day that have "
        "evidence (No evidence is left out of due, behind and the slippage rate); "
        "docs/design.md, 'Metrics as of t'."
    ),
    "behind_schedule": (
        "Commitments in the two slipped statuses (In progress – completion slipped, Not "
        "started – completion slipped): not complete and past due_end; the observation cited "
        "is the latest with a known state. docs/design.md, 'Status as of a date t'."
    ),
    "past_due": (
        "Dated commitments with evidence whose due_end is before the period's last day: "
        "the only ones that can be slipped (slipped once t > due_end), the denominator of "
        "the slippage rate; docs/design.md, 'Metrics as of t'."
    ),
    "due_on_date_open": (
        "Dated commitments with evidence whose due_end is the period's last day itself and "
        "that are not complete: due, but not slipped by the status rule (t > due_end), so "
        "left out of the slippage rate; docs/design.md, 'Metrics as of t'."
    ),
    "behind_last_evidence_before_due": (
        "Of behind_schedule, those whose latest observation with a known state (the one "
        "cited) is dated before their due_end: the state is carried forward past the due "
        "date with no evidence since; docs/design.md, 'Status as of a date t'."
    ),
    "behind_on_doubtful_readings": (
        "Of behind_schedule, those whose deciding observation (cited) has a "
        "transcription_note declaring the reading of the text DOUBTFUL "
        "(data/curated/observations.csv); docs/design.md, 'Status as of a date t'."
    ),
    "slippage_rate": (
        "behind_schedule / past_due: of the commitments with evidence whose due date had "
        "passed, the share not done (numerator and denominator both need t > due_end); "
        "docs/design.md, 'Metrics as of t'."
    ),
    "behind_share": (
        "behind_schedule / commitments (the form the December 2015 progress report "
        "headlines); docs/design.md, 'Metrics as of t'."
    ),
    "baseline_execution_index": (
        "DCMA 14-Point Schedule Assessment, check 14 (DCMA EVMS Program Analysis Pamphlet, "
        "2012): complete_dated / planned_due; a lower bound when some commitments have no "
        "evidence. docs/design.md, 'Metrics as of t'."
    ),
    "schedule_basis_commitments": (
        "Dated commitments with evidence at the period: the commitments earned schedule's "
        "planned and earned value both count; docs/design.md, 'Metrics as of t', earned "
        "schedule."
    ),
    "schedule_dated_commitments": (
        "Commitments with a due date (due_end); undated ones (TBC, Ongoing) are never due. "
        "docs/design.md, 'Metrics as of t'."
    ),
    "schedule_variance_months": (
        "Earned schedule (Lipke, 'Schedule is Different', The Measurable News 2003; PMI "
        "Practice Standard for EVM; ISO 21508), each commitment weighted 1, over "
        "schedule_basis_commitments: PV(k) = those due by the end of month k of the plan, "
        "EV = those complete; SV = ES - AT in months from the plan's start (see "
        "earned_schedule). docs/design.md, 'Metrics as of t'."
    ),
    "schedule_performance_index": (
        "Earned schedule SPI = ES / AT over schedule_basis_commitments (Lipke 2003); "
        "docs/design.md, 'Metrics as of t'."
    ),
    "schedule_variance_bound_months": (
        "A bound, not a point figure: the completions the evidence shows (complete_dated) "
        "against the planned curve of all schedule_dated_commitments give a lower bound of "
        "ES, so the plan is at most this far behind; null when every dated commitment has "
        "evidence. docs/design.md, 'Metrics as of t', earned schedule."
    ),
    "forecast": (
        "The date the dated commitments still open would all be complete at the recent "
        "completion rate (completions seen happening in the last 3 months, per month), or "
        "no forecast; docs/design.md, 'Metrics as of t', completion trajectory."
    ),
    "published": (
        "The council's own figures for the period as its document states them "
        "(data/curated/snapshots.csv): counts of the council's own list of actions, not of "
        "the commitments counted above; docs/design.md, 'Status as of a date t'."
    ),
    "published_position": (
        "The schedule position the council's published share complete implies: when the "
        "plan's own planned share (commitments due by the end of each month / all the "
        "plan's commitments) reached it, interpolated as earned schedule is; SV and SPI "
        "against AT. docs/design.md, 'Metrics as of t', schedule position implied by a "
        "published count."
    ),
}


#: Ratios traced to the figures they divide: (numerator, denominator).
_TRACE_RATIOS: dict[str, tuple[str, str]] = {
    "evidence_coverage": ("with_evidence", "commitments"),
    "slippage_rate": ("behind_schedule", "past_due"),
    "behind_share": ("behind_schedule", "commitments"),
    "baseline_execution_index": ("complete_dated", "planned_due"),
}


def trace(view: PeriodView) -> tuple[dict, dict]:
    """How each headline figure was counted: its basis and the evidence behind it.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    (dict, dict)
        ``trace``: one entry per figure of ``figures.json`` ``headline`` (and
        ``complete_dated``, ``planned_due``, ``forecast``, ``published`` and
        ``published_position`` where they apply), each with ``basis`` (:data:`TRACE_BASIS`)
        and ``value``; a count has ``evidence`` (commitment ID → the ``observation_id``
        that decided its status, or null for No evidence), a ratio ``numerator`` and
        ``denominator`` (names of traced counts), an earned-schedule figure ``counts``
        (the traced counts it rests on) and ``plan_start`` (where AT is measured from),
        a published figure ``evidence`` (snapshot ID →
        measure, value, source, source_line, quote). ``observations``: each observation
        cited, once: ``commitment_id``, ``observed_on``, ``state``, ``source``,
        ``source_line``, ``quote``.

    Raises
    ------
    RuntimeError
        If a traced list does not hold as many commitments as the figure it traces (the
        trace and the figure must never disagree).
    """
    now = headline(view)["now"]
    st = view.status.set_index("commitment_id")
    decided = deciding_observations(view)
    dated = st["due_end"].notna()
    evidenced = st["status"] != status.NO_EVIDENCE
    done = st["status"] == status.COMPLETE
    planned = dated & (st["due_end"] <= view.as_of)
    on_date = dated & (st["due_end"] == view.as_of)
    summary = view.metrics.summary.iloc[0]
    caveats = {key: st.index.isin(ids) for key, ids in behind_caveats(view).items()}
    sets = {
        "commitments": pd.Series(True, index=st.index),
        "with_evidence": evidenced,
        "complete": done,
        "complete_dated": done & dated,
        "planned_due": planned,
        "due": planned & evidenced,
        "past_due": dated & (st["due_end"] < view.as_of) & evidenced,
        "due_on_date_open": on_date & evidenced & ~done,
        "behind_schedule": st["status"].isin(status.BEHIND_STATUSES),
        **{key: pd.Series(chosen, index=st.index) for key, chosen in caveats.items()},
        "schedule_basis_commitments": dated & evidenced,
        "schedule_dated_commitments": dated,
    }
    values = {**now, "complete_dated": int(summary["complete_dated"])}
    values["planned_due"] = int(summary["planned_due"])
    out: dict = {}
    for key, chosen in sets.items():
        ids = sorted(st.index[chosen.to_numpy()])
        if len(ids) != values[key]:
            raise RuntimeError(
                f"trace of {key}: {len(ids)} commitments listed, figure {values[key]}"
            )
        out[key] = {
            "basis": TRACE_BASIS[key],
            "value": values[key],
            "evidence": {cid: decided[cid] for cid in ids},
        }
    for key, (numerator, denominator) in _TRACE_RATIOS.items():
        out[key] = {
            "basis": TRACE_BASIS[key],
            "value": values[key],
            "numerator": numerator,
            "denominator": denominator,
        }
    es = view.metrics.earned_schedule.iloc[0]
    plan_start = None if pd.isna(es["plan_start"]) else f"{es['plan_start']:%Y-%m-%d}"
    es_counts = ["schedule_basis_commitments", "complete_dated"]
    for key in ("schedule_variance_months", "schedule_performance_index"):
        out[key] = {
            "basis": TRACE_BASIS[key],
            "value": values[key],
            "counts": es_counts,
            "plan_start": plan_start,
        }
    out["schedule_variance_bound_months"] = {
        "basis": TRACE_BASIS["schedule_variance_bound_months"],
        "value": values["schedule_variance_bound_months"],
        "counts": ["schedule_dated_commitments", "complete_dated"],
        "plan_start": plan_start,
    }
    fc = view.metrics.trajectory.forecast.iloc[0]
    remaining = sorted(st.index[(dated & ~done).to_numpy()])
    out["forecast"] = {
        "basis": TRACE_BASIS["forecast"],
        "value": None if pd.isna(fc["forecast_month"]) else str(fc["forecast_month"]),
        "evidence": {cid: decided[cid] for cid in remaining},
    }
    published = published_figures(view)
    if published is not None:
        cited = {
            r["snapshot_id"]: {
                k: r[k] for k in ("measure", "value", "source", "source_line", "quote")
            }
            for r in published["rows"]
        }
        out["published"] = {
            "basis": TRACE_BASIS["published"],
            "value": {r["measure"]: r["value"] for r in published["rows"]},
            "evidence": cited,
        }
        implied = published_schedule_position(view)
        if implied is not None:
            ids = published["complete"]["snapshot_ids"] + published["total"]["snapshot_ids"]
            out["published_position"] = {
                "basis": TRACE_BASIS["published_position"],
                "value": json_number(implied.sv_months),
                "evidence": {i: cited[i] for i in ids},
                "counts": ["commitments"],
            }
    used = {
        oid
        for key, entry in out.items()
        if not key.startswith("published")
        for oid in entry.get("evidence", {}).values()
    }
    obs = view.data.observations
    obs = obs[obs["observation_id"].isin(used)].sort_values("observation_id")
    observations = {
        row.observation_id: {
            "commitment_id": row.commitment_id,
            "observed_on": f"{row.observed_on:%Y-%m-%d}",
            "state": str(row.state),
            "source": row.source,
            "source_line": int(row.source_line),
            "quote": row.quote,
        }
        for row in obs.itertuples(index=False)
    }
    return out, observations


def _implied_figures(implied: ImpliedPosition | None) -> dict | None:
    """The published-count schedule position for ``figures.json`` (None when none)."""
    if implied is None:
        return None
    return {
        "published_complete": implied.published_complete,
        "published_total": implied.published_total,
        "published_share": json_number(implied.published_share),
        "commitments": implied.commitments,
        "month_before": implied.month_before,
        "month_before_label": implied.month_before_label,
        "share_before": json_number(implied.share_before),
        "month_after": implied.month_after,
        "month_after_label": implied.month_after_label,
        "share_after": json_number(implied.share_after),
        "position_months": json_number(implied.position_months),
        "at_months": json_number(implied.at_months),
        "sv_months": json_number(implied.sv_months),
        "spi": json_number(implied.spi),
        "derivation": implied.derivation,
        "note": implied.note,
    }


def _register_figures(view: PeriodView) -> dict:
    if view.data.register is None:
        return {}
    extra: dict = {}
    if has_ratings(view.data):
        counts = rating_counts(view)
        extra["rating_counts"] = {
            str(r): int(n) for r, n in zip(counts["rating"], counts["projects"], strict=True)
        }
    if view.previous:
        summary, _ = due_date_changes(view)
        if len(summary):
            row = summary.iloc[0]
            extra["due_date_changes"] = {
                "linked": int(row["Linked"]),
                "moved_later": int(row["Moved later"]),
                "moved_earlier": int(row["Moved earlier"]),
                "unchanged": int(row["Unchanged"]),
                "median_slip_days": json_number(row["Median change (days)"]),
            }
    return extra


def write_figures(data: dict, output_dir: str | Path) -> Path | None:
    """Write ``figures.json`` (sorted keys, two-space indent) into ``output_dir``.

    Parameters
    ----------
    data : dict
        From :func:`figures`.
    output_dir : str or pathlib.Path
        Folder to write into; an empty string writes nothing (interactive use).

    Returns
    -------
    pathlib.Path or None
        The file written.
    """
    if not output_dir:
        return None
    path = Path(output_dir) / paths.FIGURES_FILE
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    return path
