"""Slippage metrics as of a date (docs/design.md, "Metrics as of t").

Every function takes a *status frame*: the output of
:func:`kerslake_analysis.measure.status.status_as_of`, :meth:`StatusIndex.status_as_of
<kerslake_analysis.measure.status.StatusIndex.status_as_of>` or
:func:`~kerslake_analysis.measure.status.status_by_period` (one or many ``as_of`` dates). Each
returns a tidy frame (or a small dataclass of frames) with one row per ``as_of`` and
group, and a ``note`` column: empty when the figures are computable, otherwise saying
why not (``"not computable: nothing due yet"``) or how to read them (earned schedule
with partial evidence). A figure that cannot be computed is NaN (or NA) *and* explained;
it is never a silent zero or NaN. :func:`metrics_as_of` computes them all at once.

Breakdowns: ``by`` names commitment columns, for example ``"theme"``, ``"owner"`` or
``"kerslake_refs"``. ``kerslake_refs`` holds ``;``-separated recommendation IDs; a
commitment counts once under each recommendation it references (so group totals can
exceed the overall total) and the output column is ``kerslake_ref``. Missing or empty
values form the group ``"(none)"``.

Definitions, as of the date ``t`` (docs/design.md):

- ``planned_due``: dated commitments with ``due_end <= t``; ``due`` is those with
  evidence (No evidence is left out of ``due``, ``behind`` and the slippage rate).
- ``past_due``: commitments with evidence whose due date had passed, ``due_end < t``.
  ``due_on_date``: those with evidence due on ``t`` itself (``due = past_due +
  due_on_date``); ``due_on_date_open`` of them are not complete. A commitment due on
  ``t`` cannot be slipped yet (slipped only once ``t > due_end``), so it is left out of
  the slippage rate's denominator as it is out of its numerator.
- ``behind``: the two slipped statuses; **slippage rate** = behind / past_due; **behind
  share** = behind / all commitments.
- **Baseline execution index** (BEI), as DCMA defines it (DCMA 14-Point Schedule
  Assessment, check 14; DCMA EVMS Program Analysis Pamphlet, 2012): the number of tasks
  completed as of ``t``, whenever they were due, over the number of tasks with a
  baseline finish on or before ``t``. Here: dated commitments complete as of ``t`` /
  ``planned_due`` (with or without evidence). A commitment with no due date has no
  baseline finish and is outside the index. Completions are read from the evidence, so
  where evidence is missing the BEI is a lower bound (the note says so). It can exceed 1
  when work finishes ahead of its baseline.
- **On time** completion: ``completed_on <= due_end``. ``completed_on`` is the date
  of the first observation saying complete, an upper bound (see
  :mod:`kerslake_analysis.measure.status`). A completion is *late* only when an observation
  on or after ``due_end`` still said not complete; when the completion fell between
  the last "not complete" observation (or the first observation) and a later one, with
  ``due_end`` in between, its timing is *unknown* and it is left out of the rate.
- **Slip in days**: a late completion slipped ``completed_on - due_end`` (an upper
  bound, see above); an open overdue commitment (a slipped status) has slipped
  ``t - due_end``. Quantiles interpolate linearly (numpy's default). **Ageing** buckets
  the open overdue commitments only, by days overdue.

Every function reads the frame's columns once into arrays and counts with
``np.bincount`` (no per-row Python), so a million-row frame takes tens of milliseconds.

Examples
--------
>>> from kerslake_analysis.measure.status import status_as_of
>>> commitments = pd.DataFrame({
...     "commitment_id": ["A", "B", "C"],
...     "theme": ["Culture", "Culture", "Finance"],
...     "due_end": pd.to_datetime(["2015-03-31", "2015-05-31", "2015-09-30"]),
... })
>>> observations = pd.DataFrame({
...     "commitment_id": ["A", "B", "C"],
...     "observed_on": pd.to_datetime(["2015-06-30"] * 3),
...     "state": ["complete", "in_progress", "not_started"],
... })
>>> status = status_as_of(commitments, observations, "2015-06")
>>> schedule_summary(status)[["due", "behind", "slippage_rate"]]
   due  behind  slippage_rate
0    2       1            0.5
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
import pandas as pd

from kerslake_analysis.measure.grouping import by_columns, group_codes
from kerslake_analysis.measure.quantiles import grouped_quantiles
from kerslake_analysis.measure.status import (
    BEHIND_STATUSES,
    COMPLETE,
    NO_EVIDENCE,
    STATUS_DTYPE,
    STATUS_ORDER,
    as_of_date,
)

#: The status of a commitment present in only one of two frames compared.
NOT_IN_REGISTER = "Not in register"

#: Statuses of :func:`status_transitions`: the eight statuses, then Not in register.
TRANSITION_DTYPE = pd.CategoricalDtype([*STATUS_ORDER, NOT_IN_REGISTER], ordered=True)

#: Ageing buckets of open overdue commitments, by days overdue.
AGEING_BUCKETS: tuple[str, ...] = ("0–30", "31–90", "91–180", ">180")
#: Upper bounds (days, inclusive) of all but the last ageing bucket.
AGEING_BOUNDS: tuple[int, ...] = (30, 90, 180)

_AGEING_DTYPE = pd.CategoricalDtype(list(AGEING_BUCKETS), ordered=True)
_COMPLETE_CODE = STATUS_ORDER.index(COMPLETE)
_NO_EVIDENCE_CODE = STATUS_ORDER.index(NO_EVIDENCE)
_BEHIND_CODES = tuple(STATUS_ORDER.index(s) for s in BEHIND_STATUSES)
_NAT = np.iinfo(np.int64).min
_DAY_US = 86_400_000_000
_DATE_UNIT = "datetime64[us]"
#: Larger than any month number (an empty minimum's initial value).
_BIG = np.iinfo(np.int64).max


# --------------------------------------------------------------------------- counts


def status_counts(status: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Count commitments by status, with every status listed (zeros included).

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame (see the module docstring).
    by : str or sequence of str, optional
        Commitment columns to break the counts down by.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``period``, the ``by`` columns, ``status`` (ordered categorical,
        all eight statuses), ``n`` and ``share`` (of the group's commitments). The
        eight counts of a group sum to its commitments.

    Examples
    --------
    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": pd.to_datetime(
    ...     ["2015-01-31", None])})
    >>> o = pd.DataFrame({"commitment_id": ["A"], "observed_on": pd.to_datetime(
    ...     ["2015-01-31"]), "state": ["complete"]})
    >>> counts = status_counts(status_as_of(c, o, "2015-01"))
    >>> counts.loc[counts["n"] > 0, ["status", "n", "share"]]
            status  n  share
    0     Complete  1    0.5
    7  No evidence  1    0.5
    """
    return _status_counts(_Prepared(status, by))


def schedule_summary(status: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Due, complete, behind, slippage rate, behind share and DCMA's baseline execution index.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame.
    by : str or sequence of str, optional
        Commitment columns to break the figures down by.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``period``, the ``by`` columns, then ``commitments``,
        ``with_evidence``, ``evidence_coverage`` (with_evidence / commitments),
        ``dated``, ``planned_due`` (dated, ``due_end <= as_of``, with or without
        evidence), ``due`` (planned_due with evidence), ``complete``,
        ``complete_dated`` (dated and complete, whenever due), ``complete_due``
        (complete and due), ``behind``, ``past_due`` (due with ``due_end <
        as_of``), ``due_on_date`` (due with ``due_end == as_of``, never slipped yet),
        ``due_on_date_open`` (of those, not complete), ``slippage_rate`` (behind /
        past_due),
        ``behind_share`` (behind / commitments), ``baseline_execution_index``
        (DCMA: complete_dated / planned_due, see the module docstring) and ``note``.
        The slippage rate is NaN with a note when ``past_due`` is 0, the BEI when
        ``planned_due`` is 0; the note also says when the BEI is a lower bound.

    Examples
    --------
    Two of three commitments are due at the end of June 2015; the one due in March is
    complete and the one due in May is in progress, so one of two due is behind, and
    one completion over two due gives a BEI of 1 / 2:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B", "C"], "due_end": pd.to_datetime(
    ...     ["2015-03-31", "2015-05-31", "2015-09-30"])})
    >>> o = pd.DataFrame({"commitment_id": ["A", "B", "C"], "observed_on": pd.to_datetime(
    ...     ["2015-06-30"] * 3), "state": ["complete", "in_progress", "not_started"]})
    >>> summary = schedule_summary(status_as_of(c, o, "2015-06"))
    >>> summary[["due", "behind", "slippage_rate", "behind_share"]].round(4)
       due  behind  slippage_rate  behind_share
    0    2       1            0.5        0.3333
    >>> float(summary["baseline_execution_index"].iloc[0])
    0.5

    Seen at the end of May instead (B due on that day, in progress, so not yet
    slipped): A alone is past due, so 0 behind of 1; B is due on the date and open:

    >>> o_may = o.assign(observed_on=pd.Timestamp("2015-05-31"))
    >>> may = schedule_summary(status_as_of(c, o_may, "2015-05"))
    >>> may[["due", "past_due", "due_on_date_open", "behind", "slippage_rate"]]
       due  past_due  due_on_date_open  behind  slippage_rate
    0    2         1                 1       0            0.0
    >>> schedule_summary(status_as_of(c, o, "2015-02"))["note"].iloc[0]
    'not computable: nothing due yet (slippage rate, baseline execution index)'
    """
    return _schedule_summary(_Prepared(status, by))


def on_time_completion(status: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Share of completions made on or before their due date, where that is known.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame with ``completed_on`` and ``last_seen_incomplete``.
    by : str or sequence of str, optional
        Commitment columns to break the figures down by.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``period``, the ``by`` columns, then ``complete``,
        ``complete_undated`` (no due date, so no timing), ``on_time``, ``late``,
        ``timing_unknown`` (see the module docstring), ``first_observed_complete``
        (already complete at their first observation), ``on_time_rate`` (on_time /
        (on_time + late)) and ``note``.

    Examples
    --------
    A was seen in progress at the end of February and complete at the end of March,
    its due month, so on time; B was still in progress at its due date and complete a
    month later, so late; C was complete when first observed, after its due date, so
    its timing is unknown:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B", "C"], "due_end": pd.to_datetime(
    ...     ["2015-03-31", "2015-02-28", "2015-01-31"])})
    >>> o = pd.DataFrame({
    ...     "commitment_id": ["A", "A", "B", "B", "C"],
    ...     "observed_on": pd.to_datetime(["2015-02-28", "2015-03-31", "2015-02-28",
    ...                                    "2015-03-31", "2015-03-31"]),
    ...     "state": ["in_progress", "complete", "in_progress", "complete", "complete"]})
    >>> on_time = on_time_completion(status_as_of(c, o, "2015-03"))
    >>> on_time[["complete", "on_time", "late", "timing_unknown", "on_time_rate"]]
       complete  on_time  late  timing_unknown  on_time_rate
    0         3        1     1               1           0.5
    """
    return _on_time_completion(_Prepared(status, by))


def slip_summary(status: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Slip in days of late completions and open overdue commitments: median and 90th pct.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame.
    by : str or sequence of str, optional
        Commitment columns to break the figures down by.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``period``, the ``by`` columns, then ``late_complete``,
        ``overdue_open``, ``slipped`` (their sum), ``timing_unknown`` (completions left
        out, see :func:`on_time_completion`), ``median_days``, ``p90_days`` and
        ``note`` (NaN quantiles are explained there).

    Examples
    --------
    Open and overdue at the end of June 2015: A due 31 May (30 days), B due 31 March
    (91 days); C, due 31 January, was in progress at the end of February and complete
    at the end of March (59 days late). Sorted slips 30, 59, 91: median 59; the 90th
    percentile is at rank 0.9 * 2 = 1.8, so 59 + 0.8 * (91 - 59) = 84.6:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B", "C"], "due_end": pd.to_datetime(
    ...     ["2015-05-31", "2015-03-31", "2015-01-31"])})
    >>> o = pd.DataFrame({"commitment_id": ["A", "B", "C", "C"], "observed_on":
    ...     pd.to_datetime(["2015-06-30", "2015-06-30", "2015-02-28", "2015-03-31"]),
    ...     "state": ["in_progress", "not_started", "in_progress", "complete"]})
    >>> slips = slip_summary(status_as_of(c, o, "2015-06"))
    >>> slips[["late_complete", "overdue_open", "median_days", "p90_days"]]
       late_complete  overdue_open  median_days  p90_days
    0              1             2         59.0      84.6
    """
    return _slip_summary(_Prepared(status, by))


def ageing(status: pd.DataFrame, by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Open overdue commitments by days overdue: 0–30, 31–90, 91–180, >180.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame.
    by : str or sequence of str, optional
        Commitment columns to break the counts down by.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``period``, the ``by`` columns, ``bucket`` (ordered categorical of
        :data:`AGEING_BUCKETS`, all four listed), ``n``, ``share`` (of the group's open
        overdue commitments) and ``note`` (when nothing is overdue the shares are NaN).

    Examples
    --------
    At the end of June 2015, A (due 31 May) is 30 days overdue and B (due 31 March)
    91 days:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": pd.to_datetime(
    ...     ["2015-05-31", "2015-03-31"])})
    >>> o = pd.DataFrame({"commitment_id": ["A", "B"], "observed_on": pd.to_datetime(
    ...     ["2015-06-30"] * 2), "state": ["in_progress", "not_started"]})
    >>> ageing(status_as_of(c, o, "2015-06"))[["bucket", "n"]]
      bucket  n
    0   0–30  1
    1  31–90  0
    2 91–180  1
    3   >180  0
    """
    return _ageing(_Prepared(status, by))


# ------------------------------------------------------------------ over time


@dataclass(frozen=True)
class Trajectory:
    """A completion trajectory (burn-up) and its forecast.

    Attributes
    ----------
    monthly : pandas.DataFrame
        One row per ``as_of``, group and month: ``month`` (``YYYY-MM``),
        ``month_end``, ``planned_due_cum`` (dated commitments due by the month's end),
        ``planned_share`` (of all the group's commitments), ``actual_complete_cum``
        (dated commitments complete by the month's end; ``<NA>`` after ``as_of``),
        ``actual_share``, ``observed`` (the month is not after ``as_of``'s month) and
        ``note``.
    forecast : pandas.DataFrame
        One row per ``as_of`` and group: ``dated``, ``complete_dated``,
        ``remaining``, ``recent_completions`` (dated completions seen happening in the
        last ``recent_months``), ``recent_months``, ``rate_per_month``,
        ``forecast_month`` and ``forecast_date`` (when the last dated commitment
        would complete at that rate; ``<NA>``/NaT when there is no forecast) and
        ``note`` (says "no forecast" and why, when there is none).
    """

    monthly: pd.DataFrame
    forecast: pd.DataFrame


def completion_trajectory(
    status: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    recent_months: int = 3,
) -> Trajectory:
    """Planned cumulative due against actual cumulative complete, month by month.

    Months run from the earliest month of any commitment's window (``due_start`` or
    ``due_end``), completion or ``as_of`` to the later of the last due month
    and ``as_of``'s month. Only dated commitments are counted, so planned and actual
    are comparable (a completed TBC commitment has no planned month).

    The forecast divides the remaining dated commitments by the recent completion rate:
    dated completions *seen happening* (an observation not complete, then one
    complete) with ``completed_on`` in the ``recent_months`` months up to ``as_of``,
    per month. Completions found already complete at a first observation are not
    counted, because when they happened is unknown: with a single observation period
    there is therefore no forecast. The forecast month is ``as_of``'s month plus
    ``ceil(remaining / rate)`` months; ``forecast_date`` is its last day.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame.
    by : str or sequence of str, optional
        Commitment columns to break the trajectory down by.
    recent_months : int, default 3
        Length of the window for the recent completion rate.

    Returns
    -------
    Trajectory

    Raises
    ------
    ValueError
        If ``recent_months`` is not a positive whole number.

    Examples
    --------
    Three commitments due in January, February and March 2015. A was in progress at
    the end of January and complete at the end of February; at the end of March one
    was completed in the last three months (rate 1/3 a month), two remain, so all
    would be complete ceil(2 / (1/3)) = 6 months later, in September 2015:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B", "C"], "due_end": pd.to_datetime(
    ...     ["2015-01-31", "2015-02-28", "2015-03-31"])})
    >>> o = pd.DataFrame({"commitment_id": ["A", "A"], "observed_on": pd.to_datetime(
    ...     ["2015-01-31", "2015-02-28"]), "state": ["in_progress", "complete"]})
    >>> trajectory = completion_trajectory(status_as_of(c, o, "2015-03"))
    >>> trajectory.monthly[["month", "planned_due_cum", "actual_complete_cum"]]
         month  planned_due_cum  actual_complete_cum
    0  2015-01                1                    0
    1  2015-02                2                    1
    2  2015-03                3                    1
    >>> trajectory.forecast[["remaining", "rate_per_month", "forecast_month"]].round(4)
       remaining  rate_per_month forecast_month
    0          2          0.3333        2015-09
    """
    _check_recent_months(recent_months)
    return _completion_trajectory(_Prepared(status, by), recent_months)


def earned_schedule(
    status: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    plan_start: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Earned schedule (Lipke), each commitment weighted 1, in months.

    Lipke, "Schedule is Different", The Measurable News, March 2003; PMI Practice
    Standard for Earned Value Management, 2nd ed. (2011), and ISO 21508:2018, earned
    schedule annex. The planned value PV(k) is the number of commitments due by the end
    of month *k* of the plan (month 1 starts on ``plan_start``); the earned value EV is
    the number complete as of ``t``. With C the number of months k (up to the planned
    duration PD, the month PV reaches its total) with PV(k) <= EV,
    ES = C + (EV - PV(C)) / (PV(C+1) - PV(C)) (linear interpolation; PV(0) = 0), or
    ES = PD when everything planned is complete. AT is the time from ``plan_start`` to
    the end of ``t``'s day, in months (whole months at a month end);
    SV(t) = ES - AT and SPI(t) = ES / AT. Once everything planned is complete, AT is the
    actual completion time (the latest ``completed_on``; Lipke), so a plan finished
    early stays ahead by the same amount however late ``t`` is.

    **Basis.** Planned and earned value count the same commitments: the dated
    commitments with evidence as of ``t`` (:data:`EARNED_SCHEDULE_BASIS`). Counting the
    completions the evidence shows against the planned curve of *every* commitment
    would only give a bound: that is kept apart as ``es_bound_months`` (a lower bound of
    ES, since unobserved commitments may be complete) and ``sv_bound_months`` (so the
    plan is at most that far behind), NaN when every dated commitment has evidence.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame.
    by : str or sequence of str, optional
        Commitment columns to break the figures down by.
    plan_start : str or pandas.Timestamp, optional
        First day of the plan (a period ``YYYY-MM`` means its first day). By default
        the first day of the earliest month of any commitment's window (its
        ``due_start``, else ``due_end``), per plan when ``by`` includes ``plan``.
        Commitments due before ``plan_start`` count as due in its first month.

    Returns
    -------
    pandas.DataFrame
        ``as_of``, ``period``, the ``by`` columns, ``plan_start``, ``basis``,
        ``dated``, ``dated_with_evidence`` (the commitments PV and EV count),
        ``planned_duration_months`` (PD), ``at_months`` (AT), ``finished_on`` (the
        completion date AT stops at, NaT while work remains), ``planned_due`` (PV at
        ``t``), ``complete_dated`` (EV), ``es_months``, ``sv_months``, ``spi``,
        ``es_bound_months``, ``sv_bound_months`` and ``note`` (why a figure is not
        computable, the basis under partial evidence, a frozen AT).

    Raises
    ------
    ValueError
        If the frame holds several plans, ``plan_start`` is not given and ``by`` does
        not include ``plan``.

    Examples
    --------
    Plan from January 2015, one commitment due in each of January to April. At the
    end of March (AT = 3) two are complete: PV(1) = 1, PV(2) = 2 <= 2 < PV(3) = 3, so
    C = 2, ES = 2, SV = -1 month and SPI = 2/3:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": list("ABCD"), "due_end": pd.to_datetime(
    ...     ["2015-01-31", "2015-02-28", "2015-03-31", "2015-04-30"])})
    >>> o = pd.DataFrame({"commitment_id": list("ABCD"), "observed_on": pd.to_datetime(
    ...     ["2015-03-31"] * 4), "state": ["complete", "complete", "in_progress",
    ...     "not_started"]})
    >>> schedule = earned_schedule(status_as_of(c, o, "2015-03"))
    >>> schedule[["at_months", "es_months", "sv_months", "spi"]].round(4)
       at_months  es_months  sv_months     spi
    0        3.0        2.0       -1.0  0.6667

    Had all four been complete at the end of March, the plan (PD = 4) would have
    finished a month early: AT stops at 3 and SV stays +1 at any later date.

    >>> o["state"] = "complete"
    >>> late = earned_schedule(status_as_of(c, o, "2015-12"))
    >>> late[["at_months", "es_months", "sv_months"]].round(4)
       at_months  es_months  sv_months
    0        3.0        4.0        1.0
    """
    return _earned_schedule(_Prepared(status, by), plan_start)


@dataclass(frozen=True)
class ImpliedPosition:
    """The schedule position a published completion count implies against the plan.

    Attributes
    ----------
    period : str
        ``YYYY-MM`` of ``as_of``.
    plan_start : pandas.Timestamp
        First day of month 1 of the plan.
    published_complete, published_total : int
        The document's own count, e.g. 82 of 134.
    published_share : float
        ``published_complete / published_total``.
    commitments : int
        The plan's commitments (the planned share's denominator, undated included).
    month_before : int
        C: the last month of the plan whose planned share is at most the published share
        (0 = the plan's start).
    month_before_label : str
        ``YYYY-MM`` of month C (the month before the plan for C = 0).
    share_before : float
        Planned share due by the end of month C.
    month_after : int or None
        C + 1, the first month whose planned share exceeds the published share (None
        when the published share reaches the plan's last planned share).
    month_after_label : str or None
    share_after : float or None
    position_months : float
        C + (share - share(C)) / (share(C+1) - share(C)): the months into the plan at
        which the plan expected that share complete.
    at_months : float
        Months from the plan's start to the end of ``as_of``.
    sv_months : float
        position_months - at_months (negative: behind).
    spi : float
        position_months / at_months.
    note : str
        Empty, or how to read the figures.
    """

    period: str
    plan_start: pd.Timestamp
    published_complete: int
    published_total: int
    published_share: float
    commitments: int
    month_before: int
    month_before_label: str
    share_before: float
    month_after: int | None
    month_after_label: str | None
    share_after: float | None
    position_months: float
    at_months: float
    sv_months: float
    spi: float
    note: str

    @property
    def derivation(self) -> str:
        """The arithmetic in one sentence, for a report."""
        share = self.published_share * 100
        text = (
            f"{self.published_complete} of {self.published_total} complete is "
            f"{share:.1f}%. By the plan's own timescales {self.share_before * 100:.1f}% of "
            f"its {self.commitments} commitments were due by the end of month "
            f"{self.month_before} ({self.month_before_label})"
        )
        if self.month_after is None:
            text += (
                f", the most it ever has due, so the position is the plan's last due month, "
                f"{self.position_months:.2f} months"
            )
        else:
            text += (
                f" and {self.share_after * 100:.1f}% by the end of month {self.month_after} "
                f"({self.month_after_label}), so {share:.1f}% was planned at "
                f"{self.month_before} + ({share:.1f} − {self.share_before * 100:.1f}) / "
                f"({self.share_after * 100:.1f} − {self.share_before * 100:.1f}) = "
                f"{self.position_months:.2f} months"
            )
        return (
            text + f"; {self.at_months:.2f} months had passed, so the schedule variance is "
            f"{self.sv_months:+.2f} months and the schedule performance index {self.spi:.2f}."
        )


def implied_schedule_position(
    published_complete: int,
    published_total: int,
    status: pd.DataFrame,
    plan_start: str | pd.Timestamp | None = None,
) -> ImpliedPosition:
    """Where a published completion count puts the plan against its own timescales.

    A document may publish its own count for the period (December 2015: "82 are
    complete" of "134 actions", 000_e235c92a6776d4ac.txt). Its share complete is set
    against the plan's planned share: the share of the plan's commitments due by the end
    of each month of the plan (``planned_share`` of :func:`completion_trajectory`,
    undated commitments in the denominator). The position is the time at which the
    planned share reached the published share, interpolated linearly between months as
    earned schedule is (:func:`earned_schedule`, Lipke 2003); SV and SPI follow against AT.

    The count and the plan count different things (the council tracked 134 actions, the
    plan lists fewer commitments), so only the *share* is carried across.

    Parameters
    ----------
    published_complete, published_total : int
        The document's count complete and its total.
    status : pandas.DataFrame
        A status frame of one plan at one ``as_of`` (no breakdown).
    plan_start : str or pandas.Timestamp, optional
        As :func:`earned_schedule`.

    Returns
    -------
    ImpliedPosition

    Raises
    ------
    ValueError
        If the counts are not whole numbers with 0 <= complete <= total and total > 0,
        the frame holds several ``as_of`` dates, or the plan has no dated commitment.

    Examples
    --------
    Four commitments due January to April 2015 (planned share 25%, 50%, 75%, 100%). A
    published "5 of 8 complete" (62.5%) at the end of March lies between month 2 (50%)
    and month 3 (75%): 2 + (62.5 - 50) / (75 - 50) = 2.5 months, against AT = 3:

    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": list("ABCD"), "due_end": pd.to_datetime(
    ...     ["2015-01-31", "2015-02-28", "2015-03-31", "2015-04-30"])})
    >>> o = pd.DataFrame({"commitment_id": ["A"], "observed_on": pd.to_datetime(
    ...     ["2015-03-31"]), "state": ["complete"]})
    >>> implied = implied_schedule_position(5, 8, status_as_of(c, o, "2015-03"))
    >>> implied.position_months, implied.at_months, implied.sv_months
    (2.5, 3.0, -0.5)
    >>> implied.month_before_label, implied.month_after_label
    ('2015-02', '2015-03')
    """
    for name, value in (
        ("published_complete", published_complete),
        ("published_total", published_total),
    ):
        if isinstance(value, bool) or not float(value).is_integer():
            raise ValueError(f"{name} must be a whole number, not {value!r}")
    complete, total = int(published_complete), int(published_total)
    if total <= 0 or not 0 <= complete <= total:
        raise ValueError(
            f"need 0 <= published_complete <= published_total and a total > 0: "
            f"got {complete} of {total}"
        )
    p = _Prepared(status, None)
    _single_as_of(status, "status")
    if not p.dated.any():
        raise ValueError("the plan has no dated commitment: no planned share to compare with")
    start = _plan_start_months(p, plan_start)[:1]
    n = int(p.row_counts[0])
    pv, duration = _planned_values(p, p.due_month_table, start)
    # Compare complete / total with PV(k) / n exactly, in whole numbers.
    position = float(_lipke(pv * total, np.array([complete * n]), duration)[0])
    c = int(np.count_nonzero(pv[0, : duration[0]] * total <= complete * n))
    padded = np.concatenate([[0], pv[0]])
    at = float(_months_between(start, p.as_of_us[:1])[0])
    after = c + 1 if c < duration[0] else None
    month_number = int(start[0]) + c - 1
    note = ""
    if after is None and complete * n > padded[c] * total:
        note = (
            "the published share is above the plan's largest planned share "
            f"({padded[c] / n:.1%}; undated commitments are never due): the position is "
            "the plan's last due month, a lower bound"
        )
    return ImpliedPosition(
        period=p.periods[0],
        plan_start=pd.Timestamp(_month_starts(start)[0]),
        published_complete=complete,
        published_total=total,
        published_share=complete / total,
        commitments=n,
        month_before=c,
        month_before_label=str(_month_labels(np.array([month_number]))[0]),
        share_before=padded[c] / n,
        month_after=after,
        month_after_label=None
        if after is None
        else str(_month_labels(np.array([month_number + 1]))[0]),
        share_after=None if after is None else padded[after] / n,
        position_months=position,
        at_months=at,
        sv_months=position - at,
        spi=position / at if at > 0 else float("nan"),
        note=note,
    )


def status_transitions(
    before: pd.DataFrame | None,
    after: pd.DataFrame,
    by: str | Sequence[str] | None = None,
) -> pd.DataFrame:
    """Count commitments by (status before, status after) between two status frames.

    Commitments are matched on ``commitment_id``; one present in only one frame has
    the status ``"Not in register"`` on the other side. Groups come from ``after``
    (from ``before`` for a commitment only there).

    Parameters
    ----------
    before : pandas.DataFrame or None
        The status frame of the earlier date, or None when there is only one period.
    after : pandas.DataFrame
        The status frame of the later date.
    by : str or sequence of str, optional
        Commitment columns to break the counts down by.

    Returns
    -------
    pandas.DataFrame
        ``as_of_before``, ``period_before``, ``as_of``, ``period``, the ``by``
        columns, ``status_before`` and ``status_after`` (:data:`TRANSITION_DTYPE`,
        every pair listed, zeros included), ``n`` and ``note``. With ``before`` None,
        one row per group with NA statuses and counts and a note saying why.

    Raises
    ------
    ValueError
        If a frame holds more than one ``as_of`` date, ``before`` is not earlier than
        ``after``, or a frame repeats a commitment.

    Examples
    --------
    >>> from kerslake_analysis.measure.status import StatusIndex
    >>> c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": pd.to_datetime(
    ...     ["2015-02-28", "2015-06-30"])})
    >>> o = pd.DataFrame({"commitment_id": ["A", "B", "A", "B"], "observed_on":
    ...     pd.to_datetime(["2015-01-31"] * 2 + ["2015-02-28"] * 2),
    ...     "state": ["in_progress", "not_started", "complete", "not_started"]})
    >>> index = StatusIndex(c, o, ["2015-01", "2015-02"])
    >>> moves = status_transitions(index.status_as_of("2015-01"), index.status_as_of("2015-02"))
    >>> moves.loc[moves["n"] > 0, ["status_before", "status_after", "n"]]
                  status_before             status_after  n
    9               In progress                 Complete  1
    20  Not due to have started  Not due to have started  1
    >>> status_transitions(None, index.status_as_of("2015-01"))["note"].iloc[0]
    'not computable: one period only (no earlier status frame to compare with)'
    """
    if before is None:
        p = _Prepared(after, by)
        n = len(p.present)
        out = {
            "as_of_before": np.full(n, np.datetime64("NaT"), dtype=_DATE_UNIT),
            "period_before": pd.array([pd.NA] * n, dtype="str"),
            **p.labels(p.present),
            "status_before": pd.Categorical([None] * n, dtype=TRANSITION_DTYPE),
            "status_after": pd.Categorical([None] * n, dtype=TRANSITION_DTYPE),
            "n": pd.array([pd.NA] * n, dtype="Int64"),
            "note": "not computable: one period only (no earlier status frame to compare with)",
        }
        return pd.DataFrame(out)

    return _transitions(before, after, by)


def _transitions(
    before: pd.DataFrame,
    after: pd.DataFrame,
    by: str | Sequence[str] | None,
    prepared: _Prepared | None = None,
) -> pd.DataFrame:
    """:func:`status_transitions` with two frames; ``prepared`` may key ``after`` already."""
    before_at, before_period = _single_as_of(before, "before")
    after_at, _ = _single_as_of(after, "after")
    if before_at >= after_at:
        raise ValueError("the before frame must be earlier than the after frame")
    match = _match(before["commitment_id"], after["commitment_id"])  # after row -> before row
    absent = len(STATUS_ORDER)  # the code of Not in register
    before_codes = _status_codes(before)
    after_codes = _status_codes(after)
    if match is None:  # the same commitments in the same order
        status_before = before_codes
    else:
        status_before = np.where(match >= 0, before_codes[np.maximum(match, 0)], absent)
        status_before = status_before.astype(np.int8)
    gone = np.zeros(len(before), dtype=bool)
    if match is not None:
        gone[:] = True
        gone[match[match >= 0]] = False
    frame = after
    if gone.any():  # commitments only in the earlier frame, grouped as they were then
        frame = pd.concat([after, before[gone]], ignore_index=True)
        frame["as_of"], frame["period"] = after["as_of"].iloc[0], after["period"].iloc[0]
        status_before = np.concatenate([status_before, before_codes[gone]])
        after_codes = np.concatenate([after_codes, np.full(int(gone.sum()), absent, np.int8)])
    p = prepared if prepared is not None and frame is after else _Prepared(frame, by)
    n_states = absent + 1
    pair = p.take(status_before) * np.int8(n_states) + p.take(after_codes)
    keys = p.present
    counts = p.tally(pair, n_states * n_states)
    pairs = np.tile(np.arange(n_states * n_states), len(keys))
    # A commitment cannot be missing from both frames: leave that pair out.
    possible = np.flatnonzero((pairs // n_states != absent) | (pairs % n_states != absent))
    pairs = pairs[possible]
    out = {
        "as_of_before": np.full(len(pairs), np.datetime64(int(before_at), "us")),
        "period_before": np.full(len(pairs), before_period),
        **p.labels(np.repeat(keys, n_states * n_states)[possible]),
        "status_before": pd.Categorical.from_codes(pairs // n_states, dtype=TRANSITION_DTYPE),
        "status_after": pd.Categorical.from_codes(pairs % n_states, dtype=TRANSITION_DTYPE),
        "n": counts.ravel()[possible],
        "note": "",
    }
    return pd.DataFrame(out)


# ------------------------------------------------------------------ all at once


@dataclass(frozen=True)
class Metrics:
    """Every metric of one status frame (see :func:`metrics_as_of`).

    Attributes
    ----------
    counts, summary, on_time, slips, ageing, earned_schedule, transitions : pandas.DataFrame
        As :func:`status_counts`, :func:`schedule_summary`, :func:`on_time_completion`,
        :func:`slip_summary`, :func:`ageing`, :func:`earned_schedule` and
        :func:`status_transitions`.
    trajectory : Trajectory
        As :func:`completion_trajectory`.
    """

    counts: pd.DataFrame
    summary: pd.DataFrame
    on_time: pd.DataFrame
    slips: pd.DataFrame
    ageing: pd.DataFrame
    trajectory: Trajectory
    earned_schedule: pd.DataFrame
    transitions: pd.DataFrame


#: The measures that read completion as progress, by :class:`Metrics` table.
COMPLETION_MEASURES: dict[str, tuple[str, ...]] = {
    "summary": ("slippage_rate", "baseline_execution_index"),
    "earned_schedule": ("es_months", "sv_months", "spi", "es_bound_months", "sv_bound_months"),
}


def withhold_completion_measures(metrics: Metrics, reason: str) -> Metrics:
    """The metrics with the measures of completion set to NaN, and a note saying why.

    Data that cannot record completion (a register whose statuses are project phases)
    has every commitment past its due date behind schedule by construction: its slippage
    rate is 100% and its earned value zero whatever happened, so the slippage rate, the
    baseline execution index and earned schedule (:data:`COMPLETION_MEASURES`) say
    nothing and are withheld. The counts (behind schedule, due, past due) stay.

    Parameters
    ----------
    metrics : Metrics
    reason : str
        Why, appended to each row's ``note`` as "not computable: <reason>".

    Returns
    -------
    Metrics
        A copy; ``metrics`` is unchanged.
    """
    tables = {}
    for name, columns in COMPLETION_MEASURES.items():
        table = getattr(metrics, name).copy()
        table.loc[:, list(columns)] = np.nan
        said = np.repeat(f"not computable: {reason}", len(table)).astype(object)
        table["note"] = _join_notes(said, table["note"].to_numpy(dtype=object))
        tables[name] = table
    return replace(metrics, **tables)


def metrics_as_of(
    status: pd.DataFrame,
    by: str | Sequence[str] | None = None,
    before: pd.DataFrame | None = None,
    recent_months: int = 3,
    plan_start: str | pd.Timestamp | None = None,
) -> Metrics:
    """Compute every metric of a status frame at once.

    The same figures as calling each metric function, but the frame is read and keyed
    once, which matters for registers of millions of rows.

    Parameters
    ----------
    status : pandas.DataFrame
        A status frame.
    by : str or sequence of str, optional
        Commitment columns to break every metric down by.
    before : pandas.DataFrame, optional
        The status frame of the previous period, for :func:`status_transitions`.
    recent_months : int, default 3
        As :func:`completion_trajectory`.
    plan_start : str or pandas.Timestamp, optional
        As :func:`earned_schedule`.

    Returns
    -------
    Metrics

    Examples
    --------
    >>> from kerslake_analysis.measure.status import status_as_of
    >>> c = pd.DataFrame({"commitment_id": ["A", "B"], "due_end": pd.to_datetime(
    ...     ["2015-01-31", "2015-03-31"])})
    >>> o = pd.DataFrame({"commitment_id": ["A", "B"], "observed_on": pd.to_datetime(
    ...     ["2015-02-28"] * 2), "state": ["in_progress", "not_started"]})
    >>> every = metrics_as_of(status_as_of(c, o, "2015-02"))
    >>> int(every.summary["behind"].iloc[0]), every.transitions["note"].iloc[0][:16]
    (1, 'not computable: ')
    """
    _check_recent_months(recent_months)
    p = _Prepared(status, by)
    return Metrics(
        counts=_status_counts(p),
        summary=_schedule_summary(p),
        on_time=_on_time_completion(p),
        slips=_slip_summary(p),
        ageing=_ageing(p),
        trajectory=_completion_trajectory(p, recent_months),
        earned_schedule=_earned_schedule(p, plan_start),
        transitions=(
            status_transitions(None, status, by)
            if before is None
            else _transitions(before, status, by, prepared=p)
        ),
    )


# ------------------------------------------------------------------ the computations


def _status_counts(p: _Prepared) -> pd.DataFrame:
    n_status = len(STATUS_ORDER)
    counts = p.status_table.sum(axis=2)
    keys = p.present
    out = p.labels(np.repeat(keys, n_status))
    out["status"] = pd.Categorical.from_codes(
        np.tile(np.arange(n_status), len(keys)), dtype=STATUS_DTYPE
    )
    out["n"] = counts.ravel()
    out["share"] = (counts / counts.sum(axis=1, keepdims=True)).ravel()
    return pd.DataFrame(out)


def _schedule_summary(p: _Prepared) -> pd.DataFrame:
    t = p.status_table  # (key, status, undated / dated and not yet due / due)
    commitments = t.sum(axis=(1, 2))
    planned_due = t[:, :, _DUE].sum(axis=1)
    due = planned_due - t[:, _NO_EVIDENCE_CODE, _DUE]
    complete_due = t[:, _COMPLETE_CODE, _DUE]
    complete_dated = t[:, _COMPLETE_CODE, 1:].sum(axis=1)
    behind = t[:, list(_BEHIND_CODES)].sum(axis=(1, 2))
    out = p.labels(p.present)
    out["commitments"] = commitments
    out["with_evidence"] = commitments - t[:, _NO_EVIDENCE_CODE].sum(axis=1)
    out["evidence_coverage"] = out["with_evidence"] / commitments
    out["dated"] = commitments - t[:, :, _UNDATED_DUE].sum(axis=1)
    out["planned_due"] = planned_due
    out["due"] = due
    out["complete"] = t[:, _COMPLETE_CODE].sum(axis=1)
    out["complete_dated"] = complete_dated
    out["complete_due"] = complete_due
    out["behind"] = behind
    past = p.past_due_table  # (key, status) of dated rows with due_end < as_of
    past_due = past.sum(axis=1) - past[:, _NO_EVIDENCE_CODE]
    due_on_date = due - past_due
    out["past_due"] = past_due
    out["due_on_date"] = due_on_date
    out["due_on_date_open"] = due_on_date - (complete_due - past[:, _COMPLETE_CODE])
    out["slippage_rate"] = _ratio(behind, past_due)
    out["behind_share"] = behind / commitments
    out["baseline_execution_index"] = _ratio(complete_dated, planned_due)
    missing = commitments - out["with_evidence"]
    out["note"] = _join_notes(
        np.select(
            [planned_due == 0, due == 0, past_due == 0],
            [
                "not computable: nothing due yet (slippage rate, baseline execution index)",
                "not computable: nothing due has evidence (slippage rate)",
                "not computable: nothing with evidence is past its due date (slippage rate)",
            ],
            default="",
        ),
        np.where(
            (planned_due > 0) & (missing > 0),
            "baseline execution index is a lower bound: it counts the completions the "
            "evidence shows, and "
            + missing.astype(str)
            + " of "
            + commitments.astype(str)
            + " commitments have no evidence",
            "",
        ),
    )
    return pd.DataFrame(out)


def _join_notes(*notes: np.ndarray) -> np.ndarray:
    """Per-row notes joined with "; ", empty ones left out."""
    joined = np.asarray(notes[0], dtype=object)
    for more in notes[1:]:
        more = np.asarray(more, dtype=object)
        both = (joined != "") & (more != "")
        joined = np.where(both, joined + "; " + more, np.where(joined != "", joined, more))
    return joined.astype(str)


def _on_time_completion(p: _Prepared) -> pd.DataFrame:
    t = p.timing_table  # (key, timing class, first observed already complete)
    by_class = t.sum(axis=2)
    out = p.labels(p.present)
    out["complete"] = by_class[:, _UNDATED:].sum(axis=1)
    out["complete_undated"] = by_class[:, _UNDATED]
    out["on_time"] = by_class[:, _ON_TIME]
    out["late"] = by_class[:, _LATE]
    out["timing_unknown"] = by_class[:, _TIMING_UNKNOWN]
    out["first_observed_complete"] = t[:, _UNDATED:, 1].sum(axis=1)
    known = by_class[:, _ON_TIME] + by_class[:, _LATE]
    out["on_time_rate"] = _ratio(by_class[:, _ON_TIME], known)
    out["note"] = np.select(
        [out["complete"] == 0, by_class[:, _ON_TIME:].sum(axis=1) == 0, known == 0],
        [
            "not computable: nothing complete",
            "not computable: no dated commitment complete",
            "not computable: completion dates unknown (each completion was first seen "
            "after its due date with no earlier observation on or after that date)",
        ],
        default="",
    )
    return pd.DataFrame(out)


def _slip_summary(p: _Prepared) -> pd.DataFrame:
    rows, late, days = p.slips
    counts = p.tally(late.astype(np.intp), 2, rows)
    key = p.key_of(rows)
    quantiles = grouped_quantiles(key, days, p.n_keys, (0.5, 0.9))[p.present]
    out = p.labels(p.present)
    out["late_complete"] = counts[:, 1]
    out["overdue_open"] = counts[:, 0]
    out["slipped"] = counts.sum(axis=1)
    out["timing_unknown"] = p.timing_table[:, _TIMING_UNKNOWN].sum(axis=1)
    out["median_days"] = quantiles[:, 0]
    out["p90_days"] = quantiles[:, 1]
    out["note"] = np.where(
        out["slipped"] == 0, "not computable: nothing slipped (no late or overdue commitment)", ""
    )
    return pd.DataFrame(out)


def _ageing(p: _Prepared) -> pd.DataFrame:
    rows, late, days = p.slips
    still_open = np.flatnonzero(~late)
    bucket = np.searchsorted(np.array(AGEING_BOUNDS), days[still_open], side="left")
    n_buckets = len(AGEING_BUCKETS)
    counts = p.tally(bucket, n_buckets, rows[still_open])
    totals = counts.sum(axis=1, keepdims=True)
    keys = p.present
    out = p.labels(np.repeat(keys, n_buckets))
    out["bucket"] = pd.Categorical.from_codes(
        np.tile(np.arange(n_buckets), len(keys)), dtype=_AGEING_DTYPE
    )
    out["n"] = counts.ravel()
    out["share"] = _ratio(counts, np.broadcast_to(totals, counts.shape)).ravel()
    out["note"] = np.repeat(
        np.where(totals[:, 0] == 0, "not computable: nothing open and overdue", ""), n_buckets
    )
    return pd.DataFrame(out)


def _completion_trajectory(p: _Prepared, recent_months: int) -> Trajectory:
    keys = p.present
    as_of_month = _month_numbers(p.as_of_us)
    forecast = _forecast(p, as_of_month, recent_months)
    if not p.dated.any():
        monthly = p.labels(keys[:0])
        for name in _MONTHLY_COLUMNS:
            monthly[name] = pd.Series(dtype=object)
        return Trajectory(monthly=pd.DataFrame(monthly), forecast=forecast)
    grid = p.month_grid
    first = min(grid.first, int(as_of_month.min()))
    last = max(grid.last_due, int(as_of_month.max()))
    n_months = last - first + 1
    # Bins 1.. of the grid are months grid.first.. (bin 0 holds rows with no month).
    planned = np.cumsum(p.due_month_table[:, 1:], axis=1)
    actual = np.cumsum(p.done_month_table.sum(axis=1)[:, 1:], axis=1)
    before = grid.first - first  # months before the grid, when as_of is earlier
    planned = _pad_months(planned, n_months, before)
    actual = _pad_months(actual, n_months, before)
    month = np.tile(np.arange(first, last + 1), len(keys))
    commitments = np.repeat(p.row_counts[keys], n_months)
    observed = month <= np.repeat(as_of_month[p.period_of(keys)], n_months)
    planned, actual = planned.ravel(), actual.ravel()

    monthly = p.labels(np.repeat(keys, n_months))
    monthly["month"] = _month_labels(month)
    monthly["month_end"] = _month_ends(month)
    monthly["planned_due_cum"] = planned
    monthly["planned_share"] = planned / commitments
    monthly["actual_complete_cum"] = _masked(actual, observed)
    monthly["actual_share"] = _masked(actual / commitments, observed)
    monthly["observed"] = observed
    monthly["note"] = np.where(observed, "", "after as_of: not yet observed")
    return Trajectory(monthly=pd.DataFrame(monthly), forecast=forecast)


_MONTHLY_COLUMNS = (
    "month",
    "month_end",
    "planned_due_cum",
    "planned_share",
    "actual_complete_cum",
    "actual_share",
    "observed",
    "note",
)


def _forecast(p: _Prepared, as_of_month: np.ndarray, recent_months: int) -> pd.DataFrame:
    """The forecast frame of :func:`completion_trajectory`."""
    keys = p.present
    n_dated = p.row_counts[keys] - p.status_table[:, :, _UNDATED_DUE].sum(axis=1)
    n_done = p.status_table[:, _COMPLETE_CODE, 1:].sum(axis=1)
    # Completions seen happening in the recent_months months up to as_of's month.
    if p.dated.any():
        done = p.done_month_table  # (key, seen happening or not, month bin)
        month_of_bin = p.month_grid.first - 1 + np.arange(done.shape[2])
        window_end = as_of_month[p.period_of(keys)]
        in_window = (month_of_bin[None, :] > (window_end - recent_months)[:, None]) & (
            month_of_bin[None, :] <= window_end[:, None]
        )
        in_window[:, 0] = False
        n_recent = (done[:, 1] * in_window).sum(axis=1)
    else:
        n_recent = np.zeros(len(keys), dtype=np.int64)
    remaining = n_dated - n_done
    rate = n_recent / recent_months
    ok = (remaining > 0) & (n_recent > 0)
    ahead = np.ceil(np.divide(remaining, rate, out=np.zeros(len(keys)), where=ok))
    month = as_of_month[p.period_of(keys)] + ahead.astype(np.int64)
    out = p.labels(keys)
    out["dated"] = n_dated
    out["complete_dated"] = n_done
    out["remaining"] = remaining
    out["recent_completions"] = n_recent
    out["recent_months"] = recent_months
    out["rate_per_month"] = rate
    out["forecast_month"] = pd.array(
        np.where(ok, _month_labels(month), None), dtype=pd.StringDtype(na_value=pd.NA)
    )
    out["forecast_date"] = np.where(ok, _month_ends(month), np.datetime64("NaT"))
    out["note"] = np.select(
        [n_dated == 0, remaining == 0, n_recent == 0],
        [
            "no forecast: no dated commitments",
            "no forecast needed: every dated commitment is complete",
            f"no forecast: no completion seen happening (not complete, then complete) "
            f"in the {recent_months} months to as_of",
        ],
        default="",
    )
    return pd.DataFrame(out)


def _earned_schedule(p: _Prepared, plan_start) -> pd.DataFrame:
    keys = p.present
    start = _plan_start_months(p, plan_start)[keys % p.n_groups]  # per key
    commitments = p.row_counts[keys]
    status = p.status_table
    ev = status[:, _COMPLETE_CODE, 1:].sum(axis=1)  # dated and complete
    dated = commitments - status[:, :, _UNDATED_DUE].sum(axis=1)
    dated_evidence = dated - status[:, _NO_EVIDENCE_CODE, 1:].sum(axis=1)
    as_of = p.as_of_us[p.period_of(keys)]
    if p.dated.any():
        pv, duration = _planned_values(p, p.due_month_table_evidenced, start)
        pv_all, duration_all = _planned_values(p, p.due_month_table, start)
        es, es_all = _lipke(pv, ev, duration), _lipke(pv_all, ev, duration_all)
        last_done = p.last_completion
    else:
        duration = duration_all = np.zeros(len(keys), dtype=np.int64)
        es = es_all = np.zeros(len(keys))
        last_done = as_of
    # Lipke: once everything planned is complete, AT is the actual completion time.
    finished = (dated_evidence > 0) & (ev == dated_evidence)
    at_now = _months_between(start, as_of)
    finished_on = np.where(finished, last_done, as_of)
    at = np.where(finished, _months_between(start, finished_on), at_now)
    computable = (duration > 0) & (at > 0)
    partial = dated_evidence < dated
    bounded = partial & (duration_all > 0) & (at_now > 0)
    safe_at = np.where(at > 0, at, 1)
    out = p.labels(keys)
    out["plan_start"] = _month_starts(start)
    out["basis"] = EARNED_SCHEDULE_BASIS
    out["dated"] = dated
    out["dated_with_evidence"] = dated_evidence
    out["planned_duration_months"] = duration
    out["at_months"] = at
    out["finished_on"] = np.where(finished, finished_on, _NAT).view(_DATE_UNIT)
    out["planned_due"] = status[:, :, _DUE].sum(axis=1) - status[:, _NO_EVIDENCE_CODE, _DUE]
    out["complete_dated"] = ev
    out["es_months"] = np.where(computable, es, np.nan)
    out["sv_months"] = np.where(computable, es - at, np.nan)
    out["spi"] = np.where(computable, es / safe_at, np.nan)
    out["es_bound_months"] = np.where(bounded, es_all, np.nan)
    out["sv_bound_months"] = np.where(bounded, es_all - at_now, np.nan)
    out["note"] = _join_notes(
        np.select(
            [dated == 0, dated_evidence == 0, at <= 0],
            [
                "not computable: no dated commitments",
                "not computable: no dated commitment has evidence",
                "not computable: as_of is before the plan's start",
            ],
            default="",
        ),
        np.where(
            partial & computable,
            "ES counts the "
            + dated_evidence.astype(str)
            + " of "
            + dated.astype(str)
            + " dated commitments with evidence (planned and earned value over the same "
            "commitments); over all "
            + dated.astype(str)
            + " it can only be bounded: es_bound_months is a lower bound of ES, so "
            "sv_bound_months is the most the plan can be behind",
            "",
        ),
        np.where(
            finished & computable,
            "every dated commitment counted is complete: AT is the last completion's "
            "date (Lipke), so SV and SPI no longer change",
            "",
        ),
    )
    return pd.DataFrame(out)


#: What :func:`earned_schedule` counts in planned and earned value.
EARNED_SCHEDULE_BASIS = "dated commitments with evidence"


def _planned_values(p: _Prepared, table: np.ndarray, start: np.ndarray):
    """PV(k), k = 1..K, per key from a (key, due-month bin) table, and the planned
    duration (the month PV reaches its total; 0 when nothing is planned).

    Commitments due before the plan's start count in its month 1.
    """
    grid = p.month_grid
    cumulative = np.cumsum(table[:, 1:], axis=1)  # months grid.first..
    n_months = max(int((grid.last_due - start).max()) + 1, 1)
    column = (start - grid.first)[:, None] + np.arange(n_months)[None, :]
    last = cumulative.shape[1] - 1
    rows = np.arange(len(start))[:, None]
    pv = np.where(column < 0, 0, cumulative[rows, np.clip(column, 0, last)])
    total = pv[:, -1]
    duration = np.where(total > 0, (pv < total[:, None]).sum(axis=1) + 1, 0)
    return pv, duration


def _lipke(pv: np.ndarray, ev: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """Lipke's ES for each row of cumulative planned values ``pv`` (months 1..K)."""
    k = pv.shape[1]
    within = np.arange(1, k + 1)[None, :] <= duration[:, None]
    c = ((pv <= ev[:, None]) & within).sum(axis=1)  # months with PV(k) <= EV
    padded = np.concatenate([np.zeros((len(pv), 1), dtype=pv.dtype), pv], axis=1)
    rows = np.arange(len(pv))
    pv_c = padded[rows, c]
    pv_next = padded[rows, np.minimum(c + 1, k)]
    interpolate = c < duration
    step = np.where(interpolate & (pv_next > pv_c), pv_next - pv_c, 1)
    return c + np.where(interpolate, (ev - pv_c) / step, 0.0)


def _plan_start_months(p: _Prepared, plan_start) -> np.ndarray:
    """Month number of the plan's start, per group."""
    if plan_start is not None:
        try:
            stamp = as_of_date(plan_start)  # a period YYYY-MM or an ISO date, strictly
        except ValueError:
            raise ValueError(
                f"plan_start {plan_start!r} is neither a period YYYY-MM nor a date YYYY-MM-DD"
            ) from None
        return np.full(p.n_groups, (stamp.year - 1970) * 12 + stamp.month - 1, dtype=np.int64)
    if "plan" in p.status.columns and "plan" not in p.by:
        plans = _distinct(p.status["plan"])
        if len(plans) > 1:
            raise ValueError(
                f"the status frame holds several plans {plans}: "
                "filter to one plan, pass plan_start, or break down by='plan'"
            )
    if not p.dated.any():
        return np.zeros(p.n_groups, dtype=np.int64)
    overall = p.month_grid.first_window
    if "plan" not in p.by:
        return np.full(p.n_groups, overall, dtype=np.int64)
    # Per plan: the earliest window start among the plan's rows.
    window = _window_start(p)
    rows = np.flatnonzero(window != _NAT)
    starts = (
        pd.Series(_month_numbers(window[rows]))
        .groupby(p.group_labels["plan"].to_numpy()[p.keys()[rows] % p.n_groups])
        .min()
    )
    plans = p.group_labels["plan"].to_numpy()
    return np.array([int(starts.get(plan, overall)) for plan in plans], dtype=np.int64)


# ------------------------------------------------------------------ internals

# Due classes of a row; completion timing classes; slip kinds.
_UNDATED_DUE, _NOT_YET_DUE, _DUE = range(3)
_NOT_COMPLETE, _UNDATED, _ON_TIME, _LATE, _TIMING_UNKNOWN = range(5)
_SLIP_NONE, _SLIP_LATE, _SLIP_OVERDUE = range(3)


@dataclass(frozen=True)
class _MonthGrid:
    """Months (numbers since 1970-01) the rows' dates fall in, and a day-to-bin table."""

    first: int  # month of bin 1
    first_window: int  # month of the earliest window start (due_start, else due_end)
    last_due: int  # month of the latest due date
    first_day: int  # day number of table entry 1
    table: np.ndarray  # day - first_day + 1 -> bin (0 for no date)

    def bins(self, micros: np.ndarray) -> np.ndarray:
        """Month bin of each date (0 where NaT)."""
        index = micros // _DAY_US - (self.first_day - 1)
        return np.take(self.table, index, mode="clip")


class _Prepared:
    """A status frame keyed by (as_of, group), with the tallies metrics are built from.

    Rows are *expanded* when breaking down by ``kerslake_refs`` (one per referenced
    recommendation). Every tally is one ``np.bincount`` over rows, computed on first use
    and kept, so the metrics of one frame read each column once. Per-row conditions are
    combined with arithmetic on small integers (no masked copies), which keeps a frame of
    a million rows to a few milliseconds per tally.
    """

    def __init__(self, status: pd.DataFrame, by: str | Sequence[str] | None) -> None:
        _require(status, ("as_of", "status", "due_end"))
        self.status = status
        self.by = by_columns(status, by)
        period_code, self.periods, self.as_of_us = _period_codes(status)
        self.rows, group_code, self.group_labels = group_codes(status, self.by)
        self.n_groups = len(self.group_labels)
        self.n_keys = len(self.periods) * self.n_groups
        self.n_rows = len(status) if self.rows is None else len(self.rows)
        if period_code is not None:
            group_code = self.take(period_code).astype(np.intp) * self.n_groups + (
                0 if group_code is None else group_code
            )
        self._key = group_code  # None: every row has key 0
        self._read: dict[str, np.ndarray] = {}

    def keys(self) -> np.ndarray:
        """The key of every (expanded) row."""
        return np.zeros(self.n_rows, dtype=np.intp) if self._key is None else self._key

    def take(self, values: np.ndarray) -> np.ndarray:
        """Per-row values of the frame, repeated like the expanded rows."""
        return values if self.rows is None else values[self.rows]

    def period_of(self, keys: np.ndarray) -> np.ndarray:
        return keys // self.n_groups

    def tally(self, cls: np.ndarray, n_cls: int, rows: np.ndarray | None = None) -> np.ndarray:
        """Counts of rows by key and class 0..n_cls-1, shaped (present keys, n_cls).

        ``cls`` holds the class of every row, or of the rows ``rows`` only.
        """
        key = self.key_of(rows)
        if key is None:
            return np.bincount(cls, minlength=n_cls)[None, :]
        flat = key * n_cls + cls
        table = np.bincount(flat, minlength=self.n_keys * n_cls).reshape(self.n_keys, n_cls)
        return table[self.present]

    def key_of(self, rows: np.ndarray | None) -> np.ndarray | None:
        """Keys of the rows ``rows`` (all when None); None when every key is 0."""
        if self._key is None or rows is None:
            return self._key
        return self._key[rows]

    def labels(self, keys: np.ndarray) -> dict[str, np.ndarray]:
        """The ``as_of``, ``period`` and ``by`` columns of ``keys``, to build a frame from.

        Metrics collect their columns in a dict and make the frame once at the end: adding
        columns one by one to a DataFrame costs more than the counting itself.
        """
        period = self.period_of(keys)
        out = {
            "as_of": self.as_of_us[period].view(_DATE_UNIT),
            "period": np.array(self.periods)[period],
        }
        groups = keys % self.n_groups
        for name in self.group_labels.columns:
            out[name] = self.group_labels[name].to_numpy()[groups]
        return out

    @cached_property
    def row_counts(self) -> np.ndarray:
        """Rows per key (all keys, not only present ones)."""
        if self._key is None:
            return np.array([self.n_rows])
        return np.bincount(self._key, minlength=self.n_keys)

    @cached_property
    def present(self) -> np.ndarray:
        """Keys (as_of, group) holding at least one row, in order."""
        return np.flatnonzero(self.row_counts)

    # Per-row arrays.

    @cached_property
    def codes(self) -> np.ndarray:
        return self.take(_status_codes(self.status))

    def _dates(self, column: str) -> np.ndarray:
        """A date column of every (expanded) row, as int64 microseconds (read once)."""
        if column not in self._read:
            _require(self.status, (column,))
            self._read[column] = self.take(_micros(self.status, column))
        return self._read[column]

    @cached_property
    def due_us(self) -> np.ndarray:
        return self._dates("due_end")

    @cached_property
    def as_of_row(self) -> np.ndarray | np.int64:
        """``as_of`` of each row (a scalar when the frame has one ``as_of``)."""
        if len(self.as_of_us) == 1:
            return self.as_of_us[0]
        return self.as_of_us[self.period_of(self.keys())]

    @cached_property
    def dated(self) -> np.ndarray:
        return self.due_us != _NAT

    # Tallies.

    @cached_property
    def status_table(self) -> np.ndarray:
        """(key, status, undated / dated and not yet due / due) counts."""
        planned = self.dated & (self.due_us <= self.as_of_row)
        cls = self.codes * np.int8(3) + self.dated.view(np.int8) + planned.view(np.int8)
        return self.tally(cls, len(STATUS_ORDER) * 3).reshape(-1, len(STATUS_ORDER), 3)

    @cached_property
    def past_due_table(self) -> np.ndarray:
        """(key, status) counts of dated rows whose ``due_end`` is before ``as_of``."""
        rows = np.flatnonzero(self.dated & (self.due_us < self.as_of_row))
        return self.tally(self.codes[rows], len(STATUS_ORDER), rows)

    @cached_property
    def timing(self) -> np.ndarray:
        """Completion timing class of each row (see the module docstring), int8."""
        completed, seen, due = self._dates("completed_on"), self.seen_us, self.due_us
        on_time = (completed <= due).view(np.int8)
        late = ((seen != _NAT) & (seen >= due)).view(np.int8)
        # complete: 1 + dated * (1 + not on time * (1 + not late)); else 0.
        dated_class = 1 + (1 - on_time) * (2 - late)
        timing = (1 + self.dated.view(np.int8) * dated_class) * (self.codes == _COMPLETE_CODE)
        return timing.astype(np.int8, copy=False)

    @cached_property
    def seen_us(self) -> np.ndarray:
        return self._dates("last_seen_incomplete")

    @cached_property
    def timing_table(self) -> np.ndarray:
        """(key, timing class, first observed already complete) counts."""
        first_seen_complete = (self.seen_us == _NAT).view(np.int8) * (self.timing > 0)
        cls = self.timing * np.int8(2) + first_seen_complete.astype(np.int8)
        return self.tally(cls, 10).reshape(-1, 5, 2)

    @cached_property
    def month_grid(self) -> _MonthGrid:
        """Months of the dated rows' windows and of completions (needs a dated row)."""
        due, (_, completed) = self.due_us, self.done
        first_window = _min_date(due)
        if "due_start" in self.status.columns:
            first_window = min(first_window, _min_date(self._dates("due_start")))
        lowest = min(first_window, int(completed.min(initial=_BIG)))
        last_due = int(due.max())  # NaT is the smallest int64, never the maximum
        highest = max(last_due, int(completed.max(initial=_NAT)), int(self.as_of_us.max()))
        low_month = int(_month_numbers(np.array([lowest]))[0])
        first_day, last_day = lowest // _DAY_US, highest // _DAY_US
        days = np.arange(first_day, last_day + 1) * _DAY_US
        table = np.concatenate([[0], _month_numbers(days) - low_month + 1]).astype(np.intp)
        return _MonthGrid(
            first=low_month,
            first_window=int(_month_numbers(np.array([first_window]))[0]),
            last_due=int(_month_numbers(np.array([last_due]))[0]),
            first_day=int(first_day),
            table=table,
        )

    @cached_property
    def due_month_table(self) -> np.ndarray:
        """(key, month bin) counts of dated rows by due month (bin 0: undated)."""
        grid = self.month_grid
        return self.tally(grid.bins(self.due_us), len(grid.table))

    @cached_property
    def due_month_table_evidenced(self) -> np.ndarray:
        """As :attr:`due_month_table`, counting only rows with evidence."""
        grid = self.month_grid
        rows = np.flatnonzero(self.codes != _NO_EVIDENCE_CODE)
        return self.tally(grid.bins(self.due_us[rows]), len(grid.table), rows)

    @cached_property
    def last_completion(self) -> np.ndarray:
        """Latest ``completed_on`` of the dated complete rows, per present key (NaT if none)."""
        rows, completed = self.done
        key = self.key_of(rows)
        latest = np.full(self.n_keys, _NAT, dtype=np.int64)
        np.maximum.at(latest, np.zeros(len(rows), dtype=np.intp) if key is None else key, completed)
        return latest[self.present]

    @cached_property
    def done_month_table(self) -> np.ndarray:
        """(key, seen happening, month bin) counts of dated complete rows (needs a dated row)."""
        grid = self.month_grid
        n_bins = len(grid.table)
        rows, completed = self.done
        done = grid.bins(completed)
        happening = (self.seen_us[rows] != _NAT).astype(np.intp)
        return self.tally(done + n_bins * happening, 2 * n_bins, rows).reshape(-1, 2, n_bins)

    @cached_property
    def done(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows dated and complete, and their ``completed_on``."""
        rows = np.flatnonzero(self.dated & (self.codes == _COMPLETE_CODE))
        return rows, self._dates("completed_on")[rows]

    @cached_property
    def slips(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Rows late complete or open overdue, whether late, and their slip in days."""
        late = self.timing == _LATE
        overdue = (self.codes == _BEHIND_CODES[0]) | (self.codes == _BEHIND_CODES[1])
        rows = np.flatnonzero(late | overdue)
        late = late[rows]
        as_of = self.as_of_row if np.ndim(self.as_of_row) == 0 else self.as_of_row[rows]
        end = np.where(late, self._dates("completed_on")[rows], as_of)
        return rows, late, (end - self.due_us[rows]) // _DAY_US


def _window_start(p: _Prepared) -> np.ndarray:
    """``due_start`` where present, else ``due_end``, of every row."""
    if "due_start" not in p.status.columns:
        return p.due_us
    start = p.take(_micros(p.status, "due_start"))
    return np.where(start != _NAT, start, p.due_us)


def _min_date(micros: np.ndarray) -> int:
    """The earliest date of ``micros`` ignoring NaT (the largest int64 when all are NaT)."""
    lowest = int(micros.min())
    if lowest != _NAT:
        return lowest
    # NaT (the smallest int64) is the largest value as uint64, like any date before 1970:
    # the uint64 minimum is the earliest date unless there is such an early date.
    if np.count_nonzero(micros < 0) == np.count_nonzero(micros == _NAT):
        earliest = int(micros.view(np.uint64).min())
        return earliest if earliest != _NAT % 2**64 else _BIG
    return int(np.min(micros, where=micros != _NAT, initial=_BIG))


def _pad_months(table: np.ndarray, n_months: int, before: int = 0) -> np.ndarray:
    """Cumulative (key, month) counts as ``n_months`` columns: ``before`` zero columns
    first, then the table, extended with its last value or cut."""
    table = np.concatenate([np.zeros((len(table), before), dtype=table.dtype), table], axis=1)
    if table.shape[1] >= n_months:
        return table[:, :n_months]
    tail = np.repeat(table[:, -1:], n_months - table.shape[1], axis=1)
    return np.concatenate([table, tail], axis=1)


def _masked(values: np.ndarray, keep: np.ndarray):
    """``values`` as a nullable (Int64 or Float64) array, NA where ``keep`` is False."""
    if np.issubdtype(values.dtype, np.integer):
        return pd.arrays.IntegerArray(values.astype(np.int64), ~keep)
    return pd.arrays.FloatingArray(values.astype(np.float64), ~keep)


def _period_codes(frame: pd.DataFrame) -> tuple[np.ndarray | None, list[str], np.ndarray]:
    """Code 0..P-1 of each row's ``as_of`` (date order; None when one), labels, dates."""
    as_of = _micros(frame, "as_of")
    if len(as_of) == 0:
        raise ValueError("status frame: no rows")
    low, high = as_of.min(), as_of.max()
    if low == _NAT:
        raise ValueError("status frame, column as_of: missing date")
    period = frame.get("period")
    if low == high:
        if period is not None:
            label = str(period.iloc[0])
        else:
            label = str(_month_labels(_month_numbers(as_of[:1]))[0])
        return None, [label], as_of[:1].copy()
    if period is not None and isinstance(period.dtype, pd.CategoricalDtype):
        codes = period.cat.codes.to_numpy()
        present = np.flatnonzero(np.bincount(codes + 1, minlength=len(period.cat.categories) + 1))
        if present[0] > 0:  # no missing period
            present -= 1
            dates = as_of[[int(np.argmax(codes == k)) for k in present]]
            if np.all(np.diff(dates) > 0):
                remap = np.zeros(len(period.cat.categories), dtype=np.intp)
                remap[present] = np.arange(len(present))
                code = remap[codes]
                if np.array_equal(as_of, dates[code]):
                    return code, [str(period.cat.categories[k]) for k in present], dates
    code, dates = pd.factorize(as_of, sort=True)
    dates = np.asarray(dates, dtype=np.int64)
    return code, list(_month_labels(_month_numbers(dates))), dates


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where the denominator is 0 (callers add a note)."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    out = np.full(numerator.shape, np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _require(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"status frame: missing column(s) {missing}; compute it with "
            "kerslake_analysis.measure.status.status_as_of"
        )


def _status_codes(frame: pd.DataFrame) -> np.ndarray:
    values = frame["status"]
    if values.dtype != STATUS_DTYPE:
        values = values.astype(STATUS_DTYPE)
    codes = values.cat.codes.to_numpy()
    if (codes < 0).any():
        bad = frame.index[codes < 0][:5].tolist()
        raise ValueError(f"status frame, column status: not a status at index {bad}")
    return codes


def _micros(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A date column as int64 microseconds since 1970 (NaT as the int64 minimum)."""
    if column not in frame.columns:
        _require(frame, (column,))
    values = frame[column]
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        raise ValueError(f"status frame, column {column}: expected datetime64, got {values.dtype}")
    return values.to_numpy().astype("datetime64[us]", copy=False).view(np.int64)


def _month_numbers(micros: np.ndarray) -> np.ndarray:
    """Months since 1970-01 of int64 microseconds (NaT stays the int64 minimum)."""
    return micros.view("datetime64[us]").astype("datetime64[M]").view(np.int64)


def _month_labels(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype(str)


def _month_starts(months: np.ndarray) -> np.ndarray:
    return months.astype("datetime64[M]").astype("datetime64[us]")


def _month_ends(months: np.ndarray) -> np.ndarray:
    return (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(
        "datetime64[us]"
    ) - np.timedelta64(1, "D")


def _months_between(start_month: np.ndarray, end_us: np.ndarray) -> np.ndarray:
    """Months from the first day of ``start_month`` to the end of the day ``end_us``."""
    end_month = _month_numbers(end_us)
    day = (end_us - _month_starts(end_month).view(np.int64)) // _DAY_US + 1
    days_in_month = (
        _month_ends(end_month).view(np.int64) - _month_starts(end_month).view(np.int64)
    ) // _DAY_US + 1
    return (end_month - start_month) + day / days_in_month


def _match(before_ids: pd.Series, after_ids: pd.Series) -> np.ndarray | None:
    """Row of ``before`` holding each ``after`` commitment (-1 when absent).

    None when both frames list the same commitments in the same order.
    """
    if len(before_ids) == len(after_ids) and _same_values(before_ids, after_ids):
        return None  # row i of one frame is row i of the other
    for ids, name in ((before_ids, "before"), (after_ids, "after")):
        if not pd.Index(ids).is_unique:
            raise ValueError(f"the {name} frame repeats a commitment_id")
    return pd.Index(before_ids.astype(object)).get_indexer(after_ids.astype(object))


def _same_values(a: pd.Series, b: pd.Series) -> bool:
    """Whether two equally long ID columns hold the same values in the same order."""
    if isinstance(a.dtype, pd.CategoricalDtype) and a.dtype == b.dtype:
        return np.array_equal(a.cat.codes.to_numpy(), b.cat.codes.to_numpy())
    left, right = a.to_numpy(), b.to_numpy()
    shared = left.dtype == right.dtype and (
        left.__array_interface__["data"] == right.__array_interface__["data"]
    )  # frames of one StatusIndex share the commitments' column
    return shared or a.equals(b)


def _single_as_of(frame: pd.DataFrame, name: str) -> tuple[int, str]:
    """The one ``as_of`` (microseconds) and period of a frame; raise if it has several."""
    code, periods, dates = _period_codes(frame)
    if code is not None:
        raise ValueError(f"the {name} frame holds several as_of dates; give one period's frame")
    return int(dates[0]), periods[0]


def _distinct(values: pd.Series) -> list[str]:
    """The distinct values of a column (categoricals: the categories in use)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        codes = values.cat.codes.to_numpy() + 1
        used = np.bincount(codes, minlength=len(values.cat.categories) + 1)[1:]
        return [str(c) for c, n in zip(values.cat.categories, used, strict=True) if n]
    return sorted(map(str, pd.unique(values)))


def _check_recent_months(recent_months: int) -> None:
    if isinstance(recent_months, bool) or not isinstance(recent_months, int) or recent_months < 1:
        raise ValueError(f"recent_months must be a positive whole number, not {recent_months!r}")
