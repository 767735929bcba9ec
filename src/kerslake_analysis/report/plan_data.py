"""A plan's data (embedded documents or a council's register) and its view at one period.

The report of a plan at a period is built in three steps:

1. :func:`embedded_plan` (or :func:`register_plan` for a council's own tracker) gathers a
   :class:`PlanData`: commitments, observations, the figures the documents published,
   and the source files.
2. :func:`period_view` computes the statuses at the period and at the previous one,
   and every metric (:func:`kerslake_analysis.measure.metrics.metrics_as_of`).
3. The other modules of :mod:`kerslake_analysis.report` turn a :class:`PeriodView` into
   the tables, sentences and ``figures.json`` the page shows (``headline``,
   ``sections``, ``published``, ``figures_file`` …).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, wraps
from pathlib import Path
from typing import TypeVar

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod, parse_period, period_end
from kerslake_analysis.ingest import council_words, load
from kerslake_analysis.ingest.register import Register, load_register
from kerslake_analysis.measure import status
from kerslake_analysis.measure.metrics import (
    Metrics,
    metrics_as_of,
    withhold_completion_measures,
)

#: The source documents each embedded plan's report draws on (keys of ``paths.SOURCE_FILES``).
PLAN_SOURCES: dict[str, tuple[str, ...]] = {
    "ap-2015": ("action_plan_2015", "progress_2015", "gap_2016"),
    "cgip-2018": ("cgip_2018",),
    "gap-2016": ("gap_2016",),
    "iif-2021": ("iif_2021",),
}


T = TypeVar("T")


class UnsupportedPlanError(ValueError):
    """The report has no content for this plan or period."""


@dataclass(frozen=True)
class PlanData:
    """Everything a plan's period reports are computed from.

    Attributes
    ----------
    plan : str
        Plan slug.
    title : str
        Human title.
    commitments : pandas.DataFrame
        One row per commitment (curated ``commitments`` columns).
    observations : pandas.DataFrame
        Evidence of state (curated ``observations`` columns).
    published : pandas.DataFrame
        Aggregates the documents published (curated ``snapshots`` columns).
    sources : tuple of pathlib.Path
        The files the figures come from, for the footer's checksums.
    register : kerslake_analysis.ingest.register.Register or None
        The council's tracker, when the plan is one (None for the embedded data).
    claims : pandas.DataFrame
        Every figure the plan's documents state (curated ``claims`` columns), for
        citing a published sum where the document states it (empty for a register).
    updates : pandas.DataFrame
        The council's own words on each commitment's progress, one row per update
        (:data:`kerslake_analysis.ingest.council_words.UPDATE_COLUMNS`).
    remarks : pandas.DataFrame
        The documents' words on a period as a whole, such as reasons given for slippage
        (:data:`kerslake_analysis.ingest.council_words.REMARK_COLUMNS`; empty for a
        register).
    """

    plan: str
    title: str
    commitments: pd.DataFrame
    observations: pd.DataFrame
    published: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: tuple[Path, ...] = ()
    register: Register | None = None
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)
    updates: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(council_words.UPDATE_COLUMNS))
    )
    remarks: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(council_words.REMARK_COLUMNS))
    )

    @cached_property
    def records_completion(self) -> bool:
        """Whether the data can say a commitment is complete.

        Always for the embedded documents. A council's register can when its mapping
        reads completion (:meth:`~kerslake_analysis.ingest.register.mapping.Mapping.names_completion`)
        or some snapshot holds an item read as complete. One that cannot (the NYC
        example's project phases) has every item past its due date behind schedule by
        construction, so the measures of completion are withheld
        (:func:`kerslake_analysis.measure.metrics.withhold_completion_measures`).
        """
        if self.register is None:
            return True
        seen = self.observations["state"].astype(str).eq("complete").any()
        return bool(seen) or self.register.mapping.names_completion()

    @property
    def periods(self) -> list[str]:
        """Reporting periods: the months in which the plan has observations, in order."""
        return sorted(self.observations["period"].dropna().unique().tolist())


def embedded_plan(plan: str, curated_dir: Path | None = None) -> PlanData:
    """Load one of the embedded Birmingham plans from ``data/curated/``.

    Parameters
    ----------
    plan : str
        ``"ap-2015"`` or ``"cgip-2018"`` (the plans with observations).
    curated_dir : pathlib.Path, optional
        Folder of the curated tables; defaults to ``paths.CURATED_DIR``.

    Returns
    -------
    PlanData

    Raises
    ------
    UnsupportedPlanError
        If the plan is unknown.

    Examples
    --------
    >>> data = embedded_plan("cgip-2018")
    >>> len(data.commitments), data.periods
    (111, ['2018-07', '2018-08', '2018-09'])
    """
    from kerslake_analysis.base.periods import PLAN_TITLES

    if plan not in PLAN_SOURCES:
        raise UnsupportedPlanError(f"unknown plan {plan!r}; known: {', '.join(PLAN_SOURCES)}")
    every_commitment = load.load_commitments(curated_dir)
    commitments = every_commitment[every_commitment["plan"] == plan].reset_index(drop=True)
    observations = load.load_table("observations", curated_dir)
    unknown = load.unknown_references(
        {"observations": observations, "commitments": every_commitment}
    )
    if unknown:  # what load.load_observations checks, without reading commitments twice
        raise load.CuratedDataError(unknown)
    observations = observations[
        observations["commitment_id"].isin(commitments["commitment_id"])
    ].reset_index(drop=True)
    published = load.load_snapshots(curated_dir)
    published = published[published["plan"] == plan].reset_index(drop=True)
    sources = tuple(paths.raw_file(key) for key in PLAN_SOURCES[plan])
    claims = load.load_claims(curated_dir)
    claims = claims[claims["source"].isin({path.name for path in sources})]
    updates, remarks = council_words.embedded_council_words(
        plan, commitments, observations, curated_dir
    )
    return PlanData(
        plan,
        PLAN_TITLES[plan],
        commitments,
        observations,
        published,
        sources,
        claims=claims.reset_index(drop=True),
        updates=updates,
        remarks=remarks,
    )


def register_plan(register_path: str | Path, mapping_path: str | Path) -> PlanData:
    """Load a council's own tracker (a folder of snapshot files and a mapping) as a plan.

    Parameters
    ----------
    register_path : str or pathlib.Path
        Folder of snapshot files (CSV or XLSX, one per period).
    mapping_path : str or pathlib.Path
        The TOML mapping of the council's columns and status words.

    Returns
    -------
    PlanData

    Raises
    ------
    kerslake_analysis.ingest.register.RegisterError
        Listing every problem found, each with file, row and column.
    """
    register = load_register(register_path, mapping_path)
    folder = Path(register_path)
    folder = folder if folder.is_dir() else folder.parent
    names = dict.fromkeys(register.files["source"])  # a long file holds several periods
    if register.mapping.baseline is not None:  # the commitments' baseline, by ID
        names[register.mapping.baseline.file] = None
    sources = tuple(folder / name for name in names) + (Path(mapping_path),)
    return PlanData(
        plan=register.name,
        title=register.title or register.name,
        commitments=register.commitments,
        observations=register.observations,
        published=pd.DataFrame(),
        sources=sources,
        register=register,
        updates=council_words.observation_updates(register.observations),
    )


def load_plan(plan: str, register: str = "", mapping: str = "", curated_dir: str = "") -> PlanData:
    """Load the data of a report: a council's tracker if ``register`` is given, else embedded.

    Parameters
    ----------
    plan : str
        Plan slug of the embedded data (ignored for a register, which names itself).
    register : str, default ""
        Folder of a council's tracker snapshots.
    mapping : str, default ""
        The tracker's TOML mapping; required with ``register``.
    curated_dir : str, default ""
        Folder of the curated tables; empty for ``data/curated``.

    Returns
    -------
    PlanData

    Raises
    ------
    ValueError
        If ``register`` is given without ``mapping``.
    """
    if register:
        if not mapping:
            raise ValueError("a register needs its mapping file (--mapping MAP.toml)")
        return register_plan(register, mapping)
    return embedded_plan(plan, Path(curated_dir) if curated_dir else None)


def embedded_report_periods(curated_dir: Path | None = None) -> list[ReportPeriod]:
    """Every (plan, period) of the embedded data that has evidence to report on.

    Parameters
    ----------
    curated_dir : pathlib.Path, optional
        Folder of the curated tables; defaults to ``paths.CURATED_DIR``.

    Returns
    -------
    list of ReportPeriod
    """
    commitments = load.load_commitments(curated_dir)[["commitment_id", "plan"]]
    observations = load.load_observations(curated_dir)[["commitment_id", "period"]]
    pairs = observations.merge(commitments, on="commitment_id")[["plan", "period"]]
    pairs = pairs.drop_duplicates().sort_values(["plan", "period"])
    return [ReportPeriod(p, q) for p, q in pairs.itertuples(index=False)]


@dataclass(frozen=True)
class PeriodView:
    """A plan's statuses and metrics at one period, with the previous period's.

    Attributes
    ----------
    data : PlanData
    period : str
        ``YYYY-MM``.
    previous : str or None
        The plan's reporting period before this one.
    status : pandas.DataFrame
        :func:`kerslake_analysis.measure.status.status_as_of` at the period.
    previous_status : pandas.DataFrame or None
        The same at the previous period.
    metrics : kerslake_analysis.measure.metrics.Metrics
        Every metric at the period (transitions against the previous period).
    previous_metrics : kerslake_analysis.measure.metrics.Metrics or None
    memo : dict
        What :func:`once_per_view` functions have computed from this view.
    """

    data: PlanData
    period: str
    previous: str | None
    status: pd.DataFrame
    previous_status: pd.DataFrame | None
    metrics: Metrics
    previous_metrics: Metrics | None
    memo: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def as_of(self) -> pd.Timestamp:
        """The date of the period (last day of its month)."""
        return pd.Timestamp(period_end(self.period))


def once_per_view(function: Callable[[PeriodView], T]) -> Callable[[PeriodView], T]:
    """Compute ``function(view)`` once per view and hand the same result to every caller.

    A page asks for a view's headline, its deciding observations and its published
    figures from several sections; a view never changes, so neither do they. Callers
    must not modify what they are given.
    """
    key = f"{function.__module__}.{function.__qualname__}"

    @wraps(function)
    def once(view: PeriodView) -> T:
        if key not in view.memo:
            view.memo[key] = function(view)
        return view.memo[key]

    return once


def period_view(data: PlanData, period: str) -> PeriodView:
    """Compute statuses and metrics of a plan at a period and at the period before.

    Parameters
    ----------
    data : PlanData
    period : str
        ``YYYY-MM``; must be one of ``data.periods``.

    Returns
    -------
    PeriodView

    Raises
    ------
    UnsupportedPlanError
        If the plan has no evidence for that period; the message lists the periods.
    """
    parse_period(period)
    if period not in data.periods:
        raise UnsupportedPlanError(
            f"{data.plan} has no observations for {period}; periods: {', '.join(data.periods)}"
        )
    index = data.periods.index(period)
    previous = data.periods[index - 1] if index else None
    now = status.status_as_of(*_listed(data, period), period)
    before = status.status_as_of(*_listed(data, previous), previous) if previous else None
    return PeriodView(
        data=data,
        period=period,
        previous=previous,
        status=now,
        previous_status=before,
        metrics=_measured(data, metrics_as_of(now, before=before)),
        previous_metrics=_measured(data, metrics_as_of(before)) if before is not None else None,
    )


#: Why the measures of completion are withheld for a register that cannot record it.
NO_COMPLETION_REASON = (
    "the register records no completion (no status word, colour or column of its mapping "
    "reads an item as complete, and no snapshot holds one)"
)


def _measured(data: PlanData, metrics: Metrics) -> Metrics:
    """The metrics, with those of completion withheld when the data cannot record it."""
    if data.records_completion:
        return metrics
    return withhold_completion_measures(metrics, NO_COMPLETION_REASON)


def _listed(data: PlanData, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The commitments a period reports on, and their observations.

    For the embedded plans, every commitment of the plan. For a council's tracker,
    the commitments listed in that period's snapshot: a tracker says what it covers
    each period, and an item it has dropped (a project that left a portfolio) is no
    longer one of its commitments.
    """
    if data.register is None:
        return data.commitments, data.observations
    listed = data.observations.loc[data.observations["period"] == period, "commitment_id"]
    keep = data.commitments["commitment_id"].isin(listed)
    seen = data.observations["commitment_id"].isin(listed)
    return (
        data.commitments[keep].reset_index(drop=True),
        data.observations[seen].reset_index(drop=True),
    )
