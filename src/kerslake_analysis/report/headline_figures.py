"""The headline figures of a period, as numbers, and the caveats on the behind-schedule count."""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.ingest.documents.consistency import DOUBTFUL
from kerslake_analysis.measure import status
from kerslake_analysis.measure.metrics import (
    Metrics,
)
from kerslake_analysis.report.formatting import json_number
from kerslake_analysis.report.plan_data import PeriodView, once_per_view


def metric_summary(metrics: Metrics) -> dict:
    row = metrics.summary.iloc[0]
    es = metrics.earned_schedule.iloc[0]
    return {
        "commitments": int(row["commitments"]),
        "with_evidence": int(row["with_evidence"]),
        "evidence_coverage": float(row["evidence_coverage"]),
        "complete": int(row["complete"]),
        "due": int(row["due"]),
        "past_due": int(row["past_due"]),
        "due_on_date_open": int(row["due_on_date_open"]),
        "behind_schedule": int(row["behind"]),
        "slippage_rate": json_number(row["slippage_rate"]),
        "behind_share": json_number(row["behind_share"]),
        "baseline_execution_index": json_number(row["baseline_execution_index"]),
        "schedule_basis_commitments": int(es["dated_with_evidence"]),
        "schedule_dated_commitments": int(es["dated"]),
        "schedule_variance_months": json_number(es["sv_months"]),
        "schedule_performance_index": json_number(es["spi"]),
        "schedule_variance_bound_months": json_number(es["sv_bound_months"]),
    }


@once_per_view
def headline(view: PeriodView) -> dict:
    """The headline figures of the period, with the previous period's and the change.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    dict
        ``now`` and ``previous`` (dicts of figures; ``previous`` is None for the first
        period) and ``notes`` (why a figure could not be computed).
    """
    notes = [n for n in view.metrics.summary["note"].tolist() if n]
    notes += [n for n in view.metrics.earned_schedule["note"].tolist() if n]
    caveats = {key: len(ids) for key, ids in behind_caveats(view).items()}
    return {
        "now": {**metric_summary(view.metrics), **caveats},
        "previous": metric_summary(view.previous_metrics) if view.previous_metrics else None,
        "notes": notes,
    }


@once_per_view
def behind_caveats(view: PeriodView) -> dict[str, list[str]]:
    """Commitments behind schedule whose status rests on weak evidence, by kind.

    ``behind_last_evidence_before_due``: behind, and the latest observation with a known
    state (the one the status rests on) is dated before the due date, so the state
    carried forward past the due date was never observed after it.
    ``behind_on_doubtful_readings``: behind, and the observation that decided the status
    has a ``transcription_note`` containing :data:`kerslake_analysis.ingest.documents.consistency.DOUBTFUL`.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    dict of str to list of str
        Each kind to the sorted commitment IDs.
    """
    st = view.status.set_index("commitment_id")
    behind = st["status"].isin(status.BEHIND_STATUSES)
    old = behind & (st["last_observed_on"] < st["due_end"])
    decided = deciding_observations(view)
    obs = view.data.observations
    notes = obs.get("transcription_note", pd.Series("", index=obs.index)).fillna("").astype(str)
    doubtful_ids = set(obs.loc[notes.str.contains(DOUBTFUL), "observation_id"])
    doubtful = behind & decided.isin(doubtful_ids).reindex(st.index, fill_value=False)
    return {
        "behind_last_evidence_before_due": sorted(st.index[old.to_numpy()]),
        "behind_on_doubtful_readings": sorted(st.index[doubtful.to_numpy()]),
    }


@once_per_view
def deciding_observations(view: PeriodView) -> pd.Series:
    """For each commitment, the ``observation_id`` that decided its status (None if none).

    A Complete commitment's first observation saying complete; any other commitment with
    evidence, its latest observation with a known state on or before the period's last
    day (on one date the more advanced state, as :mod:`kerslake_analysis.measure.status` reads
    them). Ties left go to the smallest ``observation_id``.
    """
    st = view.status.set_index("commitment_id")
    obs = view.data.observations
    obs = obs[obs["commitment_id"].isin(st.index) & (obs["observed_on"] <= view.as_of)].copy()
    obs["state"] = obs["state"].astype(str)
    obs = obs[obs["state"] != "unknown"]
    complete = st["status"] == status.COMPLETE
    wanted_on = st["completed_on"].where(complete, st["last_observed_on"])
    obs = obs[obs["observed_on"] == obs["commitment_id"].map(wanted_on)]
    obs = obs[(obs["state"] == "complete") == obs["commitment_id"].map(complete)]
    advance = {"complete": 0, "in_progress": 1, "not_started": 2}
    obs = obs.assign(rank=obs["state"].map(advance)).sort_values(
        ["commitment_id", "rank", "observation_id"]
    )
    decided = obs.drop_duplicates("commitment_id").set_index("commitment_id")["observation_id"]
    return decided.reindex(st.index).astype(object).where(lambda x: x.notna(), None)


def has_status_evidence(view: PeriodView) -> bool:
    """True when some commitment has evidence of its state at the period.

    A register that records no states (the GMPP data rate delivery confidence but
    never say whether a project is complete) gives every commitment No evidence; the
    status sections of the report then have nothing to show.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    bool
    """
    return int(view.metrics.summary["with_evidence"].iloc[0]) > 0
