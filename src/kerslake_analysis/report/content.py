"""What a period report shows, computed from the data; the notebook only displays it.

The report of a plan at a period is built in three steps:

1. :func:`embedded_plan` (or :func:`kerslake_analysis.ingest.register` for a council's own
   tracker) gathers a :class:`PlanData`: commitments, observations, the figures the
   documents published, and the source files.
2. :func:`period_view` computes the statuses at the period and at the previous one,
   and every metric (:func:`kerslake_analysis.measure.metrics.metrics_as_of`).
3. The functions below turn a :class:`PeriodView` into the tables, sentences and
   ``figures.json`` the page shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod, parse_period, period_end, period_label
from kerslake_analysis.base.run_info import git_commit, package_versions, sha256_file
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.register import Register, load_register
from kerslake_analysis.measure import status
from kerslake_analysis.measure.metrics import (
    ImpliedPosition,
    Metrics,
    implied_schedule_position,
    metrics_as_of,
)

#: The source documents each embedded plan's report draws on (keys of ``paths.SOURCE_FILES``).
PLAN_SOURCES: dict[str, tuple[str, ...]] = {
    "ap-2015": ("action_plan_2015", "progress_2015", "gap_2016"),
    "cgip-2018": ("cgip_2018",),
    "gap-2016": ("gap_2016",),
    "iif-2021": ("iif_2021",),
}

#: The version of the ``figures.json`` layout; bump it when a key changes meaning.
#: Version 2 added ``published``, ``trace``, ``trace_observations`` and ``package_version``.
FIGURES_VERSION = 3


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
    """

    plan: str
    title: str
    commitments: pd.DataFrame
    observations: pd.DataFrame
    published: pd.DataFrame = field(default_factory=pd.DataFrame)
    sources: tuple[Path, ...] = ()
    register: Register | None = None
    claims: pd.DataFrame = field(default_factory=pd.DataFrame)

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
    return PlanData(
        plan,
        PLAN_TITLES[plan],
        commitments,
        observations,
        published,
        sources,
        claims=claims.reset_index(drop=True),
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


# ------------------------------------------------------------------ the view of a period


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
    """

    data: PlanData
    period: str
    previous: str | None
    status: pd.DataFrame
    previous_status: pd.DataFrame | None
    metrics: Metrics
    previous_metrics: Metrics | None

    @property
    def as_of(self) -> pd.Timestamp:
        """The date of the period (last day of its month)."""
        return pd.Timestamp(period_end(self.period))


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
        metrics=metrics_as_of(now, before=before),
        previous_metrics=metrics_as_of(before) if before is not None else None,
    )


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


# ------------------------------------------------------------------ headline


def _summary(metrics: Metrics) -> dict:
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
        "slippage_rate": _number(row["slippage_rate"]),
        "behind_share": _number(row["behind_share"]),
        "baseline_execution_index": _number(row["baseline_execution_index"]),
        "schedule_basis_commitments": int(es["dated_with_evidence"]),
        "schedule_dated_commitments": int(es["dated"]),
        "schedule_variance_months": _number(es["sv_months"]),
        "schedule_performance_index": _number(es["spi"]),
        "schedule_variance_bound_months": _number(es["sv_bound_months"]),
    }


def _number(value) -> float | None:
    """A float for JSON, or None where the metric could not be computed."""
    if value is None or pd.isna(value):
        return None
    return round(float(value), 6)


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
    caveats = {key: len(ids) for key, ids in _behind_caveats(view).items()}
    return {
        "now": {**_summary(view.metrics), **caveats},
        "previous": _summary(view.previous_metrics) if view.previous_metrics else None,
        "notes": notes,
    }


#: Marks a transcription row whose reading of the text is doubtful (``transcription_note``).
DOUBTFUL_MARK = "DOUBTFUL"


def _behind_caveats(view: PeriodView) -> dict[str, list[str]]:
    """Commitments behind schedule whose status rests on weak evidence, by kind.

    ``behind_last_evidence_before_due``: behind, and the latest observation with a known
    state (the one the status rests on) is dated before the due date, so the state
    carried forward past the due date was never observed after it.
    ``behind_on_doubtful_readings``: behind, and the observation that decided the status
    has a ``transcription_note`` containing :data:`DOUBTFUL_MARK`.

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
    decided = _deciding_observations(view)
    obs = view.data.observations
    notes = obs.get("transcription_note", pd.Series("", index=obs.index)).fillna("").astype(str)
    doubtful_ids = set(obs.loc[notes.str.contains(DOUBTFUL_MARK), "observation_id"])
    doubtful = behind & decided.isin(doubtful_ids).reindex(st.index, fill_value=False)
    return {
        "behind_last_evidence_before_due": sorted(st.index[old.to_numpy()]),
        "behind_on_doubtful_readings": sorted(st.index[doubtful.to_numpy()]),
    }


def _day_label(when: pd.Timestamp, year: bool = True) -> str:
    """A date in words, ``"30 September 2018"`` (``"30 September"`` without the year)."""
    return f"{when.day} {when:%B}" + (f" {when:%Y}" if year else "")


def _newly(view: PeriodView, statuses) -> tuple[int, int]:
    """Commitments in ``statuses`` now but not at the previous period, and how many of
    them were No evidence then."""
    now = view.status.set_index("commitment_id")["status"].astype(str)
    before = view.previous_status.set_index("commitment_id")["status"].astype(str)
    before = before.reindex(now.index)
    new = now.isin(statuses) & ~before.isin(statuses)
    return int(new.sum()), int((new & (before == status.NO_EVIDENCE)).sum())


def _percent(share: float | None) -> str:
    return "not computable" if share is None else f"{share * 100:.0f}%"


def _months(value: float | None) -> str:
    if value is None:
        return "not computable"
    months = abs(value)
    if months < 0.05:
        return "on schedule"
    return f"{months:.1f} months {'behind' if value < 0 else 'ahead'}"


def _bound_months(value: float) -> str:
    """A lower bound of the schedule variance in words: the most the plan can be behind."""
    if value < -0.05:
        return f"at most {abs(value):.1f} months behind"
    if value > 0.05:
        return f"at least {value:.1f} months ahead"
    return "not behind"


def _schedule_clause(now: dict) -> str:
    """The earned-schedule part of the headline: the figure with its basis, and the
    all-commitments bound as a bound."""
    basis, dated = now["schedule_basis_commitments"], now["schedule_dated_commitments"]
    months = _months(now["schedule_variance_months"])
    if basis == dated:
        text = f"by earned schedule the plan is {months}"
    else:
        if months == "on schedule":
            position = "are on their planned schedule"
        elif months == "not computable":
            position = "have a schedule position that is not computable"
        else:
            position = f"are {months} their planned schedule"
        text = (
            f"by earned schedule, the {basis} of the {dated} dated commitments that have "
            f"evidence {position}"
        )
    if now["schedule_variance_bound_months"] is not None:
        text += (
            f"; over all {dated} the plan is {_bound_months(now['schedule_variance_bound_months'])}"
        )
    return text + "."


def headline_sentence(view: PeriodView) -> str:
    """The headline as a sentence a panel member can read aloud.

    Where a document published its own figures for the period
    (:func:`published_figures`), the sentence opens with them, with their source lines,
    says that the council's count and the plan's commitments count different things,
    then gives the figures read from the evidence and their coverage.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    str
    """
    h = headline(view)
    now = h["now"]
    published = published_figures(view)
    opening = _published_sentence(view, published, now["commitments"]) if published else ""
    if not now["with_evidence"]:
        return opening + (
            f"At the end of {period_label(view.period)}, the {view.data.title} lists "
            f"{now['commitments']} items. It records no state of progress for any of them, "
            "so how many are complete or behind schedule cannot be measured from it."
        )
    lead = "Read from the documents' own evidence, at" if published else "At"
    text = opening + (
        f"{lead} the end of {period_label(view.period)}, {now['complete']} of the "
        f"{now['commitments']} commitments in the {view.data.title} were complete and "
        f"{now['behind_schedule']} {'was' if now['behind_schedule'] == 1 else 'were'} behind "
        f"schedule."
    )
    old, doubtful = now["behind_last_evidence_before_due"], now["behind_on_doubtful_readings"]
    if old:
        text += (
            f" {old} of them {'was' if old == 1 else 'were'} last reported before "
            f"{'its' if old == 1 else 'their'} due date, with no evidence since."
        )
    if doubtful:
        text += (
            f" {doubtful} of the {now['behind_schedule']} behind rest on readings of the text "
            "declared doubtful in the transcription; see figures.json trace."
        )
    text += (
        f" Of the {now['past_due']} commitments with evidence whose due date had passed by "
        f"{_day_label(view.as_of)}, {_percent(now['slippage_rate'])} had slipped"
    )
    if now["due_on_date_open"]:
        text += (
            f" (a further {now['due_on_date_open']} "
            f"{'falls' if now['due_on_date_open'] == 1 else 'fall'} due on "
            f"{_day_label(view.as_of, year=False)} itself and "
            f"{'is' if now['due_on_date_open'] == 1 else 'are'} not yet complete)"
        )
    text += "; " + _schedule_clause(now)
    missing = now["commitments"] - now["with_evidence"]
    if missing:
        text += (
            f" The documents give evidence for {now['with_evidence']} of the "
            f"{now['commitments']} commitments ({_percent(now['evidence_coverage'])}); the "
            f"other {missing} are counted as 'No evidence'."
        )
        if _under_half(now):
            text += (
                " With evidence for fewer than half of the commitments, the slippage rate "
                "and the earned-schedule figures describe only the commitments with "
                "evidence, not the plan as a whole."
            )
    else:
        text += " Every commitment has evidence for the period."
    if h["previous"]:
        before = h["previous"]
        text += (
            f" Since {period_label(view.previous)}: complete "
            f"{now['complete'] - before['complete']:+d}, behind schedule "
            f"{now['behind_schedule'] - before['behind_schedule']:+d}."
        )
        if now["with_evidence"] != before["with_evidence"]:
            parts = []
            for what, statuses in (
                ("behind", status.BEHIND_STATUSES),
                ("complete", (status.COMPLETE,)),
            ):
                new, unseen = _newly(view, statuses)
                if new:
                    parts.append(
                        f"of the {new} newly {what}, {unseen} had no evidence at the end of "
                        f"{period_label(view.previous)}"
                    )
            text += (
                f" Evidence covered {before['with_evidence']} commitments then and "
                f"{now['with_evidence']} now"
                + (": " + "; ".join(parts) if parts else "")
                + ". A change from No evidence is new evidence, not necessarily new progress "
                "or slippage."
            )
    return text


def _under_half(now: dict) -> bool:
    """True when evidence covers fewer than half of the commitments."""
    return now["with_evidence"] * 2 < now["commitments"]


def _published_sentence(view: PeriodView, published: dict, commitments: int) -> str:
    """The council's own figures in words, each with its source line, then why they differ."""
    first = published["rows"][0]["source"]

    def where(row: dict) -> str:
        place = f"line {row['source_line']}"
        return place if row["source"] == first else f"{paths.document_name(row['source'])} {place}"

    total, unit = published["total"], published["unit"] or "items"
    parts = []
    for row in (r for r in published["rows"] if r["measure"] != "total"):
        value, measure = row["value"], row["measure"].lower()
        if not parts and total is not None:
            verb = "is" if value == 1 else "are"
            parts.append(f"{value} of its {total['value']} {unit} {verb} {measure}")
        elif not parts:
            parts.append(f"{value} {unit} {'is' if value == 1 else 'are'} {measure}")
        else:
            parts.append(f"{value} {measure}")
        parts[-1] += f" ({where(row)})"
    if not parts and total is not None:  # only a total was published
        row = next(r for r in published["rows"] if r["measure"] == "total")
        parts.append(f"it has {total['value']} {unit} ({where(row)})")
    listed = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)
    text = (
        f"The council's own figures for {period_label(view.period)}, in "
        f"{paths.document_name(first)}, state that {listed}"
    )
    behind = published["behind_schedule"]
    if behind is not None and len(behind["snapshot_ids"]) > 1:
        text += f", so {behind['value']} {'is' if behind['value'] == 1 else 'are'} behind schedule"
        if behind.get("source_line"):  # the sentence that states the sum itself
            text += f" ({where(behind)})"
    text += ". "
    if total is not None:
        text += (
            f"The council counts its own {total['value']} {unit}; the figures below count the "
            f"{commitments} commitments of the plan as curated from the published documents, "
            "a different list, so the two are not compared one for one. "
        )
    return text


def headline_table(view: PeriodView) -> pd.DataFrame:
    """The headline figures as a small table: this period, the previous one, the change.

    Where a document published its own figures for the period, they come first, each
    labelled "Published by the council" with its source line, then the schedule
    position the council's count implies; the figures read from the evidence follow.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``Measure``, the period label, the previous period's label (if any)
        and ``Change``.
    """
    h = headline(view)
    now = h["now"]
    caution = (
        f"; evidence covers only {now['with_evidence']} of {now['commitments']} commitments"
        if _under_half(now)
        else ""
    )
    rows = [
        ("Commitments", "commitments", "count"),
        ("With evidence", "with_evidence", "count"),
        ("Complete", "complete", "count"),
        ("Due (with evidence)", "due", "count"),
        ("Due date passed by the period's last day (with evidence)", "past_due", "count"),
        (
            "Due on the period's last day itself, not complete (not yet slippable)",
            "due_on_date_open",
            "count",
        ),
        ("Behind schedule", "behind_schedule", "count"),
        (
            f"Slippage rate (behind / with evidence and due date passed{caution})",
            "slippage_rate",
            "share",
        ),
        ("Behind share (behind / all)", "behind_share", "share"),
        (
            "Months ahead (+) or behind (−), earned schedule (dated commitments with evidence"
            f"{caution})",
            "schedule_variance_months",
            "months",
        ),
        (
            "Months ahead (+) or behind (−), earned schedule over all dated commitments: "
            "at least (a bound; — when every dated commitment has evidence)",
            "schedule_variance_bound_months",
            "bound",
        ),
        (
            "Baseline execution index (DCMA: completed / due by now; a lower bound without "
            "full evidence)",
            "baseline_execution_index",
            "ratio",
        ),
    ]
    published = published_figures(view)
    prefix = "From the evidence: " if published else ""
    now_label = period_label(view.period)
    table = {"Measure": [prefix + label for label, _, _ in rows]}
    table[now_label] = [_show(now[key], kind) for _, key, kind in rows]
    if h["previous"]:
        table[period_label(view.previous)] = [_show(h["previous"][k], kind) for _, k, kind in rows]
        table["Change"] = [_change_on_basis(now, h["previous"], k, kind) for _, k, kind in rows]
    table = pd.DataFrame(table)
    if published is None:
        return table
    first = pd.DataFrame(
        [{"Measure": label, now_label: value} for label, value in _published_rows_shown(view)]
    )
    return pd.concat([first, table], ignore_index=True).fillna("—")


def _published_rows_shown(view: PeriodView) -> list[tuple[str, str]]:
    """The council's own figures as (label, value) rows of the headline table.

    Each cites its document by label and file name and its line; the behind-schedule sum
    cites the sentence that states it where there is one (else its parts' lines); the
    schedule position read from the council's count is labelled the project's estimate.
    """
    published = published_figures(view)
    unit = published["unit"] or "items"

    def where(rows: list[dict]) -> str:
        places = sorted({(r["source"], r["source_line"]) for r in rows})
        return "; ".join(f"{paths.document_name(source)} line {line}" for source, line in places)

    shown = []
    for row in published["rows"]:
        what = f"{unit} (total)" if row["measure"] == "total" else row["measure"].lower()
        shown.append((f"Published by the council: {what} [{where([row])}]", f"{row['value']}"))
    behind = published["behind_schedule"]
    if behind is not None and len(behind["snapshot_ids"]) > 1:
        parts = [r for r in published["rows"] if r["snapshot_id"] in behind["snapshot_ids"]]
        added = " + ".join(r["measure"].lower() for r in parts)
        cited = where([behind]) if behind.get("source_line") else where(parts)
        shown.append(
            (f"Published by the council: behind schedule ({added}) [{cited}]", f"{behind['value']}")
        )
    implied = published_schedule_position(view)
    if implied is not None:
        shown.append(
            (
                "Estimated by this project from the council's count (not a council figure): "
                "months ahead (+) or behind (−) that its share complete "
                f"({implied.published_complete} of {implied.published_total}) implies "
                "against the plan's planned share (derivation under Trajectory)",
                f"{implied.sv_months:+.1f}",
            )
        )
    return shown


def _show(value, kind: str) -> str:
    if value is None:
        return "—" if kind == "bound" else "not computable"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "months":
        return f"{value:+.1f}"
    if kind == "bound":
        return f"≥ {value:+.1f}"
    if kind == "ratio":
        return f"{value:.2f}"
    return f"{value:d}"


def _change(now, before, kind: str) -> str:
    if now is None or before is None:
        return "—"
    if kind == "share":
        return f"{(now - before) * 100:+.1f} points"
    if kind == "months":
        return f"{now - before:+.1f}"
    if kind == "bound":
        return "—"  # two bounds on different evidence: their difference means nothing
    if kind == "ratio":
        return f"{now - before:+.2f}"
    return f"{now - before:+d}"


#: The footnote of a change not computed because the two periods' figures rest on
#: different bases (:func:`different_bases`).
DIFFERENT_BASIS_NOTE = (
    "different basis: the two periods' figures count different sets of commitments "
    "(the evidence grew), so their difference is not a change in the plan"
)


def different_bases(now: dict, before: dict) -> dict[str, str]:
    """Headline figures whose two periods rest on different bases, with why.

    A ratio or an earned-schedule figure read from the evidence is over the commitments
    with evidence (the slippage rate's due-with-evidence, the baseline execution index,
    a lower bound without full evidence) or over the dated commitments with evidence
    (earned schedule): when those sets differ between the periods, subtracting the two
    figures mixes the change in the plan with the change in the evidence, so the change
    is shown as "—" with :data:`DIFFERENT_BASIS_NOTE` instead.

    Parameters
    ----------
    now, before : dict
        This period's and the previous period's figures (``headline(view)["now"]`` and
        ``["previous"]``).

    Returns
    -------
    dict of str to str
        Headline key → the two bases in words, e.g. for August → September 2018
        ``"schedule_variance_months": "55 → 100 dated commitments with evidence"``;
        empty when every basis is the same.

    Examples
    --------
    >>> different_bases(
    ...     {"schedule_basis_commitments": 100, "with_evidence": 111, "commitments": 111},
    ...     {"schedule_basis_commitments": 55, "with_evidence": 61, "commitments": 111},
    ... )["baseline_execution_index"]
    'evidence for 61 → 111 of 111 commitments (a lower bound, then a full figure)'
    """
    out: dict[str, str] = {}
    es_now, es_before = now["schedule_basis_commitments"], before["schedule_basis_commitments"]
    if es_now != es_before:
        words = f"{es_before} → {es_now} dated commitments with evidence"
        out["schedule_variance_months"] = words
        out["schedule_performance_index"] = words
    ev_now, ev_before = now["with_evidence"], before["with_evidence"]
    if ev_now != ev_before:
        full_now = ev_now == now["commitments"]
        full_before = ev_before == before["commitments"]
        kinds = {
            (False, False): "two lower bounds",
            (False, True): "a lower bound, then a full figure",
            (True, False): "a full figure, then a lower bound",
            (True, True): "two full figures over different lists",
        }
        words = f"evidence for {ev_before} → {ev_now} of {now['commitments']} commitments"
        out["slippage_rate"] = words
        out["baseline_execution_index"] = f"{words} ({kinds[(full_before, full_now)]})"
    return out


def _change_on_basis(now: dict, before: dict, key: str, kind: str) -> str:
    """The change of one headline figure, or "— (different basis)" (:func:`different_bases`)."""
    if key in different_bases(now, before):
        return "— (different basis)"
    return _change(now[key], before[key], kind)


# ------------------------------------------------------------------ folding long lists

#: Themes shown one by one in the status chart and the milestone map; the rest are
#: folded into one "Others" row (a register may have thousands of themes).
MAX_THEMES = 15
#: Rows listed in a table of commitments; the rest are counted in a last row.
MAX_LIST_ROWS = 200
#: Characters of a text shown in a table cell; longer texts end "… (shortened)".
MAX_TEXT_CHARS = 1_000


def fold_themes(themes: pd.Series, top: int = MAX_THEMES) -> pd.Series:
    """Keep the ``top`` themes with most commitments; name the rest "Others (k themes)".

    Parameters
    ----------
    themes : pandas.Series
        One theme per commitment (missing themes already filled).
    top : int, default MAX_THEMES
        How many themes keep their own name; ties go by name.

    Returns
    -------
    pandas.Series
        The themes, the folded ones replaced; unchanged when there are ``top`` or fewer.

    Examples
    --------
    >>> fold_themes(pd.Series(["a", "a", "b", "c", "d"]), top=2).tolist()
    ['a', 'a', 'b', 'Others (2 themes)', 'Others (2 themes)']
    """
    sizes = themes.value_counts()
    if len(sizes) <= top:
        return themes
    order = sorted(sizes.index, key=lambda t: (-sizes[t], str(t)))
    kept = set(order[:top])
    label = f"Others ({len(order) - top} themes)"
    return themes.where(themes.isin(kept), label)


def _shorten(texts: pd.Series, limit: int = MAX_TEXT_CHARS) -> pd.Series:
    """Texts longer than ``limit`` characters cut to it, ending "… (shortened)"."""
    texts = texts.fillna("").astype(str)
    long = texts.str.len() > limit
    return texts.where(~long, texts.str.slice(0, limit) + "… (shortened)")


def _capped(table: pd.DataFrame, what: str, limit: int = MAX_LIST_ROWS) -> pd.DataFrame:
    """The first ``limit`` rows, and a last row saying how many more were not listed."""
    if len(table) <= limit:
        return table
    more = {column: "" for column in table.columns}
    more[table.columns[0]] = "…"
    more[table.columns[1]] = f"and {len(table) - limit} more {what}, not listed"
    head = table.iloc[:limit].astype(object)
    return pd.concat([head, pd.DataFrame([more])], ignore_index=True)


# ------------------------------------------------------------------ sections


def status_by_theme(view: PeriodView) -> pd.DataFrame:
    """Counts of commitments by theme and status (every status, zeros included).

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``theme``, ``status`` (ordered categorical) and ``n``. Beyond
        :data:`MAX_THEMES` themes the smaller ones are one "Others (k themes)" row
        (:func:`fold_themes`).
    """
    counts = (
        view.status.assign(theme=fold_themes(view.status["theme"].fillna("(none)")))
        .groupby(["theme", "status"], observed=False)
        .size()
        .rename("n")
        .reset_index()
    )
    return counts


def status_table(view: PeriodView) -> pd.DataFrame:
    """Status counts of the period, in the key's order, with RAG and share.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``Status``, ``RAG``, ``Commitments``, ``Share``.
    """
    counts = view.metrics.counts
    return pd.DataFrame(
        {
            "Status": counts["status"].astype(str),
            "RAG": counts["status"].astype(str).map(status.STATUS_RAG).replace("none", "—"),
            "Commitments": counts["n"].astype(int),
            "Share": [f"{s * 100:.1f}%" for s in counts["share"]],
        }
    )


#: File name of the status-by-theme chart written beside ``figures.json``.
STATUS_CHART_FILE = "status_by_theme.png"


def status_chart_alt(view: PeriodView) -> str:
    """Alt text of the status-by-theme chart: what it shows, in words.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    str
    """
    counts = view.metrics.counts
    parts = [f"{s} {int(n)}" for s, n in zip(counts["status"], counts["n"], strict=True) if n]
    return (
        f"Stacked bar chart of the {int(counts['n'].sum())} commitments by theme and status "
        f"at the end of {period_label(view.period)}: " + "; ".join(parts) + "."
    )


def chart_path(output_dir: str | Path, name: str) -> Path | None:
    """Where to save a chart beside ``figures.json``, or None when not writing files.

    Parameters
    ----------
    output_dir : str or pathlib.Path
        The report's output folder; empty for interactive use.
    name : str
        File name, e.g. :data:`STATUS_CHART_FILE`.

    Returns
    -------
    pathlib.Path or None
    """
    return Path(output_dir) / name if output_dir else None


def earned_schedule_reading(view: PeriodView) -> str:
    """The earned-schedule figures, their basis, the bound and any published position.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    str
        The figure over the dated commitments with evidence (planned and earned value
        over the same commitments), the all-commitments figure as a bound, and, where a
        document published its own count complete for the period, the schedule position
        that count implies with its derivation.
    """
    es = view.metrics.earned_schedule.iloc[0]
    basis, dated = int(es["dated_with_evidence"]), int(es["dated"])
    if pd.isna(es["es_months"]):
        text = f"Earned schedule is not computable: {es['note'].split('; ')[0]}."
    else:
        counted = (
            f"all {dated} dated commitments"
            if basis == dated
            else f"the {basis} of {dated} dated commitments that have evidence (planned and "
            "earned value count the same commitments)"
        )
        text = f"Earned schedule counts {counted}. "
        if pd.notna(es["finished_on"]):
            text += (
                f"All {basis} are complete, the last by {es['finished_on']:%d %B %Y}, so the "
                f"time taken stops there (Lipke): {es['at_months']:.1f} months from the plan's "
                f"start ({es['plan_start']:%B %Y}) for work the plan had due after "
                f"{es['es_months']:.1f} months."
            )
        else:
            text += (
                f"Measured from the plan's start ({es['plan_start']:%B %Y}), "
                f"{es['at_months']:.1f} months have passed; the {es['complete_dated']} complete "
                f"are what the plan had due after {es['es_months']:.1f} months."
            )
        text += (
            f" The schedule variance is {es['sv_months']:+.1f} months and the schedule "
            f"performance index {es['spi']:.2f} (1.00 means on schedule)."
        )
    if pd.notna(es["sv_bound_months"]):
        text += (
            f" Over all {dated} dated commitments, counting only the completions the evidence "
            f"shows, earned schedule can only be bounded: the plan is "
            f"{_bound_months(es['sv_bound_months'])} ({es['sv_bound_months']:+.1f} months or "
            "better)."
        )
    implied = published_schedule_position(view)
    if implied is not None:
        text += (
            f" Estimated by this project (not a council figure) from the council's own count "
            f"for {period_label(view.period)}: "
            f"{implied.derivation}"
        )
        if implied.note:
            text += f" ({implied.note}.)"
    return text


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
    pub = _published_rows(view)
    measure = pub["measure"].str.casefold()
    complete = pub.loc[measure == status.COMPLETE.casefold(), "value"]
    total = pub.loc[measure == "total", "value"]
    if len(complete) != 1 or len(total) != 1:
        return None
    return implied_schedule_position(complete.iloc[0], total.iloc[0], view.status)


def forecast_reading(view: PeriodView) -> str:
    """The completion forecast in one sentence, or why there is none.

    The rate counts completions the evidence dates in the recent months *and* shows
    happening (an earlier reading not complete); the remaining dated commitments are
    those not known to be complete, split into those with evidence still open and those
    with no evidence, which the forecast assumes open. Without a forecast for want of
    such completions, the sentence names the completions the evidence dates in those
    months but cannot count (no earlier reading shows them not complete).

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    str
    """
    fc = view.metrics.trajectory.forecast.iloc[0]
    months = int(fc["recent_months"])
    st = view.status
    window_start = (view.as_of - pd.DateOffset(months=months)).normalize()
    dated_in_window = st[
        st["completed_on"].notna()
        & (st["completed_on"] > window_start)
        & (st["completed_on"] <= view.as_of)
    ]
    if pd.isna(fc["forecast_date"]):
        note = str(fc["note"]).removeprefix("no forecast: ")
        text = f"No forecast: {note}."
        unseen = dated_in_window[dated_in_window["last_seen_incomplete"].isna()]
        if int(fc["recent_completions"]) == 0 and len(unseen):
            parts = []
            for day, group in unseen.groupby("completed_on", sort=True):
                ids = sorted(group["commitment_id"])
                parts.append(f"{ids[0] if len(ids) == 1 else len(ids)} on {day:%-d %B %Y}")
            one = len(unseen) == 1
            text += (
                f" The evidence first reads {len(unseen)} commitment{'' if one else 's'} "
                f"complete in those {months} months ({'; '.join(parts)}), but no earlier "
                f"reading shows {'it' if one else 'them'} not complete, so when "
                f"{'it was' if one else 'they were'} completed is not known (on or before "
                f"that date) and the forecast does not count {'it' if one else 'them'}."
            )
        return text
    remaining = int(fc["remaining"])
    open_dated = st[st["due_end"].notna() & (st["status"] != status.COMPLETE)]
    unevidenced = int((open_dated["status"] == status.NO_EVIDENCE).sum())
    if len(open_dated) == remaining and unevidenced:
        which = (
            f"the {remaining} dated commitments not known to be complete "
            f"({remaining - unevidenced} with evidence still open, {unevidenced} with no "
            "evidence)"
        )
        assumption = (
            f". The forecast assumes all {remaining} are open; for the {unevidenced} with "
            "no evidence that is not known"
        )
    else:
        which = f"the {remaining} dated commitments still open"
        assumption = ""
    return (
        f"At the recent rate ({fc['recent_completions']} completions the evidence dates in "
        f"the last {months} months and shows happening, not complete at an earlier reading; "
        f"{fc['rate_per_month']:.2f} a month), {which} would all be complete by "
        f"{fc['forecast_date']:%B %Y}{assumption}."
    )


def _latest_evidence(view: PeriodView) -> pd.DataFrame:
    obs = view.data.observations
    obs = obs[obs["observed_on"] <= view.as_of].sort_values(["commitment_id", "observed_on"])
    latest = obs.groupby("commitment_id", sort=False).tail(1)
    return latest[["commitment_id", "observed_on", "evidence", "source", "source_line"]].rename(
        columns={
            "observed_on": "evidence_date",
            "source": "evidence_source",
            "source_line": "evidence_line",
        }
    )


def overdue_list(view: PeriodView) -> pd.DataFrame:
    """Commitments behind schedule at the period, most overdue first.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``ID``, ``Commitment``, ``Owner``, ``Due``, ``Days overdue``, ``Latest
        evidence dated`` (a date before ``Due`` means the status carries forward a state
        never observed after the due date) and ``Latest evidence [source]`` (the
        evidence, then its file and line). At most
        :data:`MAX_LIST_ROWS` rows and a row counting the rest; texts cut at
        :data:`MAX_TEXT_CHARS` characters.
    """
    behind = view.status[view.status["status"].isin(status.BEHIND_STATUSES)]
    behind = behind.merge(_latest_evidence(view), on="commitment_id", how="left")
    behind = behind.assign(days=(view.as_of - behind["due_end"]).dt.days).sort_values(
        ["days", "commitment_id"], ascending=[False, True]
    )
    source = (
        behind["evidence_source"].fillna("")
        + " line "
        + behind["evidence_line"].astype("Int64").astype(str)
    )
    evidence = _shorten(behind["evidence"]) + " [" + source + "]"
    table = pd.DataFrame(
        {
            "ID": behind["commitment_id"],
            "Commitment": _shorten(behind["text"]),
            "Owner": _shorten(behind["owner"]),
            "Due": behind["due_end"].dt.strftime("%d %b %Y"),
            "Days overdue": behind["days"].astype(int),
            "Latest evidence dated": behind["evidence_date"].dt.strftime("%d %b %Y").fillna(""),
            "Latest evidence [source]": evidence.where(behind["evidence"].notna(), ""),
        }
    ).reset_index(drop=True)
    return _capped(table, "commitments behind schedule")


def changes_since_previous(view: PeriodView) -> dict[str, pd.DataFrame]:
    """What changed since the previous period.

    A commitment that had no evidence at the previous period did not change status
    between the two: it is newly evidenced. So ``newly_complete`` and ``newly_slipped``
    list only commitments that had evidence at the previous period, and ``first_evidenced``
    lists the others that have evidence now.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    dict of str to pandas.DataFrame
        ``transitions`` (status before × status now, non-zero cells only),
        ``newly_complete`` and ``newly_slipped`` (ID, commitment, owner, due; only
        commitments with evidence at the previous period), and ``first_evidenced`` (ID,
        commitment, due, status now, and ``Already overdue at <previous period>``, e.g.
        "Already overdue at August 2018": "yes" for one behind schedule now whose due
        date was on or before the previous period's end, else empty); each list at
        most :data:`MAX_LIST_ROWS` rows and a row counting the rest. Empty frames for the first period.
    """
    overdue_then = f"Already overdue at {period_label(view.previous)}" if view.previous else ""
    first_columns = ["ID", "Commitment", "Due", "Status now", overdue_then]
    if view.previous_status is None:
        empty = pd.DataFrame(columns=["ID", "Commitment", "Owner", "Due"])
        return {
            "transitions": pd.DataFrame(),
            "newly_complete": empty,
            "newly_slipped": empty,
            "first_evidenced": pd.DataFrame(columns=first_columns),
        }
    t = view.metrics.transitions
    t = t[t["n"] > 0]
    transitions = pd.DataFrame(
        {
            f"Status at {period_label(view.previous)}": t["status_before"].astype(str),
            f"Status at {period_label(view.period)}": t["status_after"].astype(str),
            "Commitments": t["n"].astype(int),
        }
    ).reset_index(drop=True)
    pair = view.status[["commitment_id", "text", "owner", "due_end", "status"]].merge(
        view.previous_status[["commitment_id", "status"]],
        on="commitment_id",
        suffixes=("", "_before"),
    )
    had_evidence = pair["status_before"] != status.NO_EVIDENCE
    newly_complete = pair[
        had_evidence
        & (pair["status"] == status.COMPLETE)
        & (pair["status_before"] != status.COMPLETE)
    ]
    slipped_now = pair["status"].isin(status.BEHIND_STATUSES)
    newly_slipped = pair[
        had_evidence & slipped_now & ~pair["status_before"].isin(status.BEHIND_STATUSES)
    ]
    first = pair[~had_evidence & (pair["status"] != status.NO_EVIDENCE)]
    previous_end = pd.Timestamp(period_end(view.previous))
    already = first["status"].isin(status.BEHIND_STATUSES) & (first["due_end"] <= previous_end)
    first_evidenced = pd.DataFrame(
        {
            "ID": first["commitment_id"],
            "Commitment": _shorten(first["text"]),
            "Due": first["due_end"].dt.strftime("%d %b %Y").fillna("no date"),
            "Status now": first["status"].astype(str),
            overdue_then: already.map({True: "yes", False: ""}),
        }
    ).reset_index(drop=True)
    return {
        "transitions": transitions,
        "newly_complete": _capped(_brief(newly_complete), "newly complete"),
        "newly_slipped": _capped(_brief(newly_slipped), "newly slipped"),
        "first_evidenced": _capped(first_evidenced, "first evidenced"),
    }


def _brief(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ID": frame["commitment_id"],
            "Commitment": _shorten(frame["text"]),
            "Owner": _shorten(frame["owner"]),
            "Due": frame["due_end"].dt.strftime("%d %b %Y").fillna("no date"),
        }
    ).reset_index(drop=True)


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
    pub = _published_rows(view)
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
    summary = _summary(view.metrics)
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
        published = _published_value(item.value)
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


def _published_rows(view: PeriodView) -> pd.DataFrame:
    """The rows of ``view.data.published`` (curated ``snapshots``) for the view's period."""
    pub = view.data.published
    if not len(pub):
        return pd.DataFrame(columns=["snapshot_id", "measure", "value", "period"])
    return pub[pub["period"] == view.period].reset_index(drop=True)


def _published_value(value) -> int | float:
    """A published figure as an int when whole (82), else a float."""
    return int(value) if float(value).is_integer() else float(value)


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
    pub = _published_rows(view)
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
                "value": _published_value(item.value),
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
            "value": _published_value(sum(r["value"] for r in chosen)),
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
            f"({_percent(published / total_published)}); the evidence gives {recomputed} of "
            f"the plan's {commitments} commitments ({_percent(recomputed / commitments)}), "
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


def milestone_frame(view: PeriodView) -> pd.DataFrame:
    """Each dated commitment's due date and state at the period, for the milestone map.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``commitment_id``, ``theme``, ``due_end``, ``completed_on``,
        ``status`` and ``marker`` (``complete``, ``in progress``, ``slipped``,
        ``no evidence``). Themes folded as in :func:`status_by_theme`.
    """
    dated = view.status[view.status["due_end"].notna()].copy()
    dated["theme"] = fold_themes(dated["theme"].fillna("(none)"))
    marker = pd.Series("in progress", index=dated.index)
    marker[dated["status"] == status.COMPLETE] = "complete"
    marker[dated["status"].isin(status.BEHIND_STATUSES)] = "slipped"
    marker[dated["status"] == status.NO_EVIDENCE] = "no evidence"
    dated["marker"] = marker
    return dated[["commitment_id", "theme", "due_end", "completed_on", "status", "marker"]]


def _package_version() -> str:
    """The installed version of kerslake-analysis (as the footer and figures.json record it)."""
    return package_versions(("kerslake-analysis",))["kerslake-analysis"]


def footer_table(report: ReportPeriod, data: PlanData | None = None) -> pd.DataFrame:
    """The report footer: sources with SHA-256, package version, git commit, parameters.

    Parameters
    ----------
    report : ReportPeriod
    data : PlanData, optional
        Whose ``sources`` are listed; defaults to the embedded plan's documents.

    Returns
    -------
    pandas.DataFrame
        Columns ``item`` and ``value``, one row per fact.

    Examples
    --------
    >>> table = footer_table(ReportPeriod("cgip-2018", "2018-09"))
    >>> table.loc[table["item"] == "parameter period", "value"].item()
    '2018-09'
    """
    sources = (
        data.sources
        if data is not None
        else tuple(paths.raw_file(k) for k in PLAN_SOURCES.get(report.plan, ()))
    )
    rows = [(f"source {p.name}", f"SHA-256 {sha256_file(p)}") for p in sources]
    if data is not None and data.register is not None:
        if data.register.period_kind == "quarter":  # file names give quarters
            rows.append(("period", f"quarter ending {period_label(report.period)}"))
        rows += _encoding_rows(data.register.files)
        rows += [(f"notice {n.file}", n.message) for n in data.register.notices]
    rows.append(("kerslake-analysis version", _package_version()))
    rows.append(("git commit", git_commit()))
    rows += [(f"parameter {name}", value) for name, value in report.parameters().items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def _encoding_rows(files: pd.DataFrame) -> list[tuple[str, str]]:
    """One footer row per CSV snapshot: the text encoding it was read with, and how sure."""
    rows = []
    for file in files.itertuples():
        if not getattr(file, "encoding", ""):
            continue  # an XLSX workbook has no text encoding
        confidence = file.encoding_confidence
        how = (
            "set in the mapping"
            if pd.isna(confidence)
            else f"detected, confidence {float(confidence):.2f}"
        )
        rows.append((f"encoding {file.source}", f"{file.encoding} ({how})"))
    return rows


# ------------------------------------------------------------------ figures.json


def figures(view: PeriodView) -> dict:
    """Every headline figure the page shows, under stable keys, for ``figures.json``.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    dict
        JSON-ready: ``plan``, ``period``, ``as_of``, ``previous_period``,
        ``headline_sentence``, ``headline`` (this period's figures), ``previous``
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
    overdue = overdue_list(view)
    pub = published_against_recomputed(view)
    traced, cited = trace(view)
    return {
        "figures_version": FIGURES_VERSION,
        "package_version": _package_version(),
        "published": published_figures(view),
        "trace": traced,
        "trace_observations": cited,
        "plan": view.data.plan,
        "plan_title": view.data.title,
        "period": view.period,
        "as_of": view.as_of.date().isoformat(),
        "previous_period": view.previous,
        "headline_sentence": headline_sentence(view),
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
            "es_months": _number(es["es_months"]),
            "at_months": _number(es["at_months"]),
            "sv_months": _number(es["sv_months"]),
            "spi": _number(es["spi"]),
            "finished_on": None if pd.isna(es["finished_on"]) else f"{es['finished_on']:%Y-%m-%d}",
            "es_bound_months": _number(es["es_bound_months"]),
            "sv_bound_months": _number(es["sv_bound_months"]),
            "note": es["note"],
            "published_position": _implied_figures(published_schedule_position(view)),
        },
        "forecast": {
            "forecast_month": None if pd.isna(fc["forecast_month"]) else str(fc["forecast_month"]),
            "rate_per_month": _number(fc["rate_per_month"]),
            "remaining": int(fc["remaining"]),
            "note": fc["note"],
        },
        "overdue": {"count": len(overdue), "ids": overdue["ID"].tolist()},
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


def _deciding_observations(view: PeriodView) -> pd.Series:
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
    decided = _deciding_observations(view)
    dated = st["due_end"].notna()
    evidenced = st["status"] != status.NO_EVIDENCE
    done = st["status"] == status.COMPLETE
    planned = dated & (st["due_end"] <= view.as_of)
    on_date = dated & (st["due_end"] == view.as_of)
    summary = view.metrics.summary.iloc[0]
    caveats = {key: st.index.isin(ids) for key, ids in _behind_caveats(view).items()}
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
                "value": _number(implied.sv_months),
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
        "published_share": _number(implied.published_share),
        "commitments": implied.commitments,
        "month_before": implied.month_before,
        "month_before_label": implied.month_before_label,
        "share_before": _number(implied.share_before),
        "month_after": implied.month_after,
        "month_after_label": implied.month_after_label,
        "share_after": _number(implied.share_after),
        "position_months": _number(implied.position_months),
        "at_months": _number(implied.at_months),
        "sv_months": _number(implied.sv_months),
        "spi": _number(implied.spi),
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
                "median_slip_days": _number(row["Median change (days)"]),
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
    path = Path(output_dir) / "figures.json"
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    return path


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
    return headline(view)["now"]["with_evidence"] > 0


def has_ratings(data: PlanData) -> bool:
    """True when the plan is a register whose mapping rates each commitment (RAG, DCA …)."""
    return data.register is not None and data.register.mapping.rating is not None


def rating_table(view: PeriodView) -> pd.DataFrame:
    """Commitments by rating at the period and at the previous one.

    Parameters
    ----------
    view : PeriodView
        Of a register with ratings (:func:`has_ratings`).

    Returns
    -------
    pandas.DataFrame
        Columns ``Rating``, then for each of the two periods the count and share.
    """
    from kerslake_analysis.measure.gmpp import rating_distribution

    dist = rating_distribution(view.data.register)
    table = pd.DataFrame({"Rating": dist["rating"].cat.categories.astype(str)})
    for period in [p for p in (view.previous, view.period) if p]:
        rows = dist[dist["period"] == period]
        rows = rows.set_index(rows["rating"].astype(str))
        label = period_label(period)
        table[label] = table["Rating"].map(rows["projects"]).fillna(0).astype(int)
        table[f"{label} share"] = [
            f"{x * 100:.1f}%" for x in table["Rating"].map(rows["share"]).fillna(0)
        ]
    return table


def rating_counts(view: PeriodView) -> pd.DataFrame:
    """Counts by rating at the period (for the chart and ``figures.json``).

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        Columns ``rating`` (ordered categorical) and ``projects``.
    """
    from kerslake_analysis.measure.gmpp import rating_distribution

    dist = rating_distribution(view.data.register)
    return dist.loc[dist["period"] == view.period, ["rating", "projects"]].reset_index(drop=True)


def due_date_changes(view: PeriodView) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How the due (end) dates moved between the previous snapshot and this one.

    Commitments are linked between the two snapshots by ID, then by unique name
    (:func:`kerslake_analysis.measure.gmpp.link_snapshots`).

    Parameters
    ----------
    view : PeriodView
        Of a register.

    Returns
    -------
    tuple of pandas.DataFrame
        A one-row summary (linked, moved later, moved earlier, unchanged, median slip
        in days) and the ten commitments whose dates moved furthest later.
    """
    from kerslake_analysis.measure.gmpp import end_date_slippage, end_date_slippage_summary

    summary = end_date_slippage_summary(view.data.register)
    summary = summary[summary["period_to"] == view.period].reset_index(drop=True)
    summary = summary.drop(columns=["period_from", "period_to"]).rename(
        columns={
            "months_between": "Months between",
            "projects_from": "Items then",
            "projects_to": "Items now",
            "linked": "Linked",
            "linked_by_id": "Linked by ID",
            "linked_by_name": "Linked by name",
            "with_both_end_dates": "With both end dates",
            "moved_later": "Moved later",
            "moved_earlier": "Moved earlier",
            "unchanged": "Unchanged",
            "median_slip_days": "Median change (days)",
            "median_slip_days_later": "Median change of those moved later (days)",
        }
    )
    slips = end_date_slippage(view.data.register)
    slips = slips[slips["period_to"] == view.period]
    later = slips[slips["slip_days"] > 0].sort_values(
        ["slip_days", "id_to"], ascending=[False, True]
    )
    top = pd.DataFrame(
        {
            "ID": later["id_to"],
            "Name": later["name_to"],
            f"End date at {period_label(view.previous)}"
            if view.previous
            else "End date before": later["end_from"].dt.strftime("%d %b %Y"),
            f"End date at {period_label(view.period)}": later["end_to"].dt.strftime("%d %b %Y"),
            "Moved later (days)": later["slip_days"].astype(int),
        }
    ).head(10)
    return summary, top.reset_index(drop=True)


def due_date_summary_table(summary: pd.DataFrame) -> pd.DataFrame:
    """The one-row summary of :func:`due_date_changes` as a two-column table for reading.

    Parameters
    ----------
    summary : pandas.DataFrame

    Returns
    -------
    pandas.DataFrame
        Columns ``Measure`` and ``Value``.
    """
    if summary.empty:
        return pd.DataFrame(columns=["Measure", "Value"])
    row = summary.iloc[0]
    values = ["—" if pd.isna(v) else f"{v:g}" if isinstance(v, float) else str(v) for v in row]
    return pd.DataFrame({"Measure": list(summary.columns), "Value": values})


def lineage_links(view: PeriodView) -> pd.DataFrame:
    """The lineage chains this plan's commitments belong to, with links to the lineage page.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        One row per chain: ``chain_id``, ``label`` (title, then the plan's commitments
        in it and their role) and ``href`` (relative link from a period report). Empty
        for a council's tracker.
    """
    if view.data.register is not None:
        return pd.DataFrame(columns=["chain_id", "label", "href"])
    from kerslake_analysis.measure.lineage import chains_for

    chains = chains_for(view.data.commitments["commitment_id"])
    if chains.empty:
        return pd.DataFrame(columns=["chain_id", "label", "href"])
    members = chains.groupby("chain_id", sort=True).agg(
        title=("chain_title", "first"),
        href=("href", "first"),
        ids=("commitment_id", lambda s: ", ".join(s)),
        roles=("role", lambda s: ", ".join(sorted(set(s)))),
    )
    label = members["title"] + " — " + members["ids"] + " (" + members["roles"] + ")"
    return pd.DataFrame(
        {"chain_id": members.index, "label": label.to_numpy(), "href": members["href"].to_numpy()}
    )


def section_counts(plan: str, period: str, curated_dir: Path | None = None) -> pd.DataFrame:
    """Improvement aims per section and updates dated in the period (2018 plan only).

    Counted from the curated ``cgip18_aims`` and ``cgip18_updates`` tables (built from
    the document by :mod:`kerslake_analysis.ingest.documents.cgip_2018`).

    Parameters
    ----------
    plan : str
        Plan slug; only ``"cgip-2018"`` carries monthly updates by section.
    period : str
        ``YYYY-MM``.
    curated_dir : pathlib.Path, optional
        Folder of the curated tables; defaults to ``paths.CURATED_DIR``.

    Returns
    -------
    pandas.DataFrame
        Columns ``section``, ``section_title``, ``aims``, ``updates``.

    Raises
    ------
    UnsupportedPlanError
        For a plan other than ``cgip-2018``.

    Examples
    --------
    >>> int(section_counts("cgip-2018", "2018-09")["aims"].sum())
    47
    """
    if plan != "cgip-2018":
        raise UnsupportedPlanError(
            f"no section counts for plan {plan!r}; only 'cgip-2018' has them"
        )
    from kerslake_analysis.ingest.documents.cgip_2018 import count_by_section

    aims = load.load_table("cgip18_aims", curated_dir)
    updates = load.load_table("cgip18_updates", curated_dir)
    return count_by_section(aims, updates, period)
