"""Status of each commitment as of a date, by the December 2015 report's own key.

The report's key sorts every action into six statuses; this module adds two:
**Ongoing**, for open or recurring commitments that have no due end (the key has no
place for them and they are not "to be confirmed"), and **No evidence**, because
absence of evidence is not evidence of absence (see docs/design.md, "Status as of a
date t"). Statuses are an ordered :class:`pandas.CategoricalDtype`
(:data:`STATUS_DTYPE`) so every table and chart sorts the same way.

Rules, applied in this order to a commitment as of the date ``t``; only observations
dated on or before ``t`` count (later ones are ignored):

1. **Complete** (Green) if any observation on or before ``t`` says ``complete``. A
   completion is never undone: a later observation that is not ``complete`` does not
   turn it back, so moving ``t`` later never reverses a Complete. A Complete with no
   due date (TBC or ongoing) is still Complete.
2. **No evidence** (grey, no RAG) if no observation on or before ``t`` records a state.
   An observation whose state is ``unknown`` says the commitment was looked at but not
   where it stands, so it is not evidence of a state: a commitment observed only as
   ``unknown`` is No evidence. This comes before Ongoing and TBC: a commitment with no
   due date and no evidence is No evidence (``due_end`` stays in the frame, so whether
   it is dated is never lost).
3. **Ongoing** (no RAG) if it has evidence, no due date (``due_end`` is NaT) and its
   ``timescale_kind`` is ``ongoing`` or ``recurring`` (``Ongoing``, ``… onwards``,
   ``monthly``: :data:`ONGOING_KINDS`). It is never due, so never behind.
4. **TBC** (no RAG) if it has evidence but no due date otherwise (``TBC``, ``TBA``, or
   a frame without ``timescale_kind``): the date is still to be confirmed.
5. Otherwise the latest observation with a known state decides started or not (on a
   tie the more advanced state wins: ``in_progress`` over ``not_started``), and ``t``
   against ``due_end`` decides on time or slipped. A commitment due today
   (``t == due_end``) is not slipped: *In progress* / *Not due to have started*
   (Amber) while ``t <= due_end``; *In progress – completion slipped* / *Not started –
   completion slipped* (Red) once ``t > due_end``.

Observations dated before the plan's start (or before ``due_start``) count like any
other: they are evidence of a state at their date.

``completed_on`` is the date of the first observation saying ``complete``. A completion
observed at period *k* but not at *k−1* happened in (*k−1*, *k*]; the period date *k* is
used, so ``completed_on`` is an upper bound. ``last_seen_incomplete`` is the date of the
latest earlier observation that recorded a known state other than complete (NaT when
the commitment was already complete when first observed, so its completion date is
unknown beyond "on or before ``completed_on``").

For charts, :data:`STATUS_COLOURS` gives each status its RAG colour (:data:`RAG_COLOURS`:
green, amber, red), a lighter amber and a darker red for the second status of each
colour, a teal for Ongoing, a neutral slate blue for TBC and grey for No evidence.

Dates are strict: ``due_end`` and ``observed_on`` are datetime64 columns or ISO
``YYYY-MM-DD`` text (``03/04/2015`` is refused, never read as 4 March or 3 April), and
``as_of`` is a period ``YYYY-MM`` or an ISO date; anything else raises a ValueError
naming the frame, the column and the rows.

The rules run as array operations (no per-row Python): :class:`StatusIndex` reads the
observations once and gives the status at each indexed date in a few milliseconds per
hundred thousand commitments; ``tests/reference_status.py`` keeps a plain per-row
version that the tests compare with.

Examples
--------
>>> commitments = pd.DataFrame({
...     "commitment_id": ["A", "B", "C"],
...     "due_end": pd.to_datetime(["2015-03-31", "2015-12-31", None]),
... })
>>> observations = pd.DataFrame({
...     "commitment_id": ["A", "B"],
...     "observed_on": pd.to_datetime(["2015-06-30", "2015-06-30"]),
...     "state": ["in_progress", "complete"],
... })
>>> status_as_of(commitments, observations, "2015-06")[["commitment_id", "status", "rag"]]
  commitment_id                            status   rag
0             A  In progress – completion slipped   Red
1             B                          Complete  Green
2             C                       No evidence  none
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import pandas as pd

from kerslake_analysis.base.periods import PeriodError, period_end
from kerslake_analysis.base.statuses import (
    COMPLETE,
    IN_PROGRESS,
    IN_PROGRESS_SLIPPED,
    NO_EVIDENCE,
    NOT_DUE,
    NOT_STARTED_SLIPPED,
    ONGOING,
    STATUS_ORDER,
    TBC,
)

#: ``timescale_kind`` values (see :mod:`kerslake_analysis.ingest.timescales`) of open or
#: recurring commitments: with evidence and no due date their status is Ongoing.
ONGOING_KINDS: tuple[str, ...] = ("ongoing", "recurring")

#: The ordered categorical dtype of the ``status`` column.
STATUS_DTYPE = pd.CategoricalDtype(list(STATUS_ORDER), ordered=True)

#: "Behind schedule": the two slipped statuses.
BEHIND_STATUSES: tuple[str, ...] = (IN_PROGRESS_SLIPPED, NOT_STARTED_SLIPPED)

#: RAG ratings in order; ``"none"`` for Ongoing, TBC and No evidence.
RAG_ORDER: tuple[str, ...] = ("Green", "Amber", "Red", "none")

#: The ordered categorical dtype of the ``rag`` column.
RAG_DTYPE = pd.CategoricalDtype(list(RAG_ORDER), ordered=True)

#: The RAG rating of each status (docs/design.md, "Status as of a date t").
STATUS_RAG: dict[str, str] = {
    COMPLETE: "Green",
    IN_PROGRESS: "Amber",
    NOT_DUE: "Amber",
    IN_PROGRESS_SLIPPED: "Red",
    NOT_STARTED_SLIPPED: "Red",
    ONGOING: "none",
    TBC: "none",
    NO_EVIDENCE: "none",
}

#: Colours of the RAG ratings (GOV.UK design-system green, amber and red; grey for none).
RAG_COLOURS: dict[str, str] = {
    "Green": "#00703c",
    "Amber": "#ffbf00",
    "Red": "#d4351c",
    "none": "#b1b4b6",
}

#: Colours of the statuses for charts: the RAG colour of each status, with a lighter
#: amber and a darker red so the two statuses sharing a RAG stay distinguishable, a teal
#: for Ongoing and a neutral slate blue for TBC (undated, neither good nor bad; far apart
#: in lightness so they stay distinguishable) and grey for No evidence.
STATUS_COLOURS: dict[str, str] = {
    COMPLETE: RAG_COLOURS["Green"],
    IN_PROGRESS: RAG_COLOURS["Amber"],
    NOT_DUE: "#ffe38a",
    IN_PROGRESS_SLIPPED: RAG_COLOURS["Red"],
    NOT_STARTED_SLIPPED: "#8e2010",
    ONGOING: "#28a197",
    TBC: "#7f9cb5",
    NO_EVIDENCE: RAG_COLOURS["none"],
}

#: Hatch patterns of the statuses for charts, beside :data:`STATUS_COLOURS`, so colour is
#: never the only carrier of a status (WCAG 1.4.1): one distinct pattern each, none for
#: Complete, the most common status.
STATUS_HATCHES: dict[str, str] = {
    COMPLETE: "",
    IN_PROGRESS: "//",
    NOT_DUE: "..",
    IN_PROGRESS_SLIPPED: "xx",
    NOT_STARTED_SLIPPED: "++",
    ONGOING: "--",
    TBC: "\\\\",
    NO_EVIDENCE: "oo",
}

#: States an observation can record (as ``schema.OBSERVATION_STATES``).
OBSERVATION_STATES: tuple[str, ...] = ("complete", "in_progress", "not_started", "unknown")

#: Columns :func:`status_as_of` adds to the commitments.
STATUS_COLUMNS: tuple[str, ...] = (
    "period",
    "as_of",
    "status",
    "rag",
    "completed_on",
    "last_seen_incomplete",
    "last_observed_on",
)

#: Commitment columns :func:`status_by_period` carries by default (those present).
PANEL_COLUMNS: tuple[str, ...] = (
    "plan",
    "theme",
    "sub_theme",
    "owner",
    "kerslake_refs",
    "due_start",
    "due_end",
)

# Internal state codes; a higher code is a more advanced state (ties on a date).
# Internal state codes: the positions in OBSERVATION_STATES (the curated tables' categories).
_COMPLETE, _IN_PROGRESS, _NOT_STARTED, _UNKNOWN = range(4)
_STATE_CODES = {state: code for code, state in enumerate(OBSERVATION_STATES)}
# How advanced a known state is (a tie on one date goes to the more advanced): 2 - code.
_RANK_IN_PROGRESS = 2 - _IN_PROGRESS
#: Day number used for "no date" (NaT viewed as int64).
_NAT = np.iinfo(np.int64).min
_NAT32 = np.iinfo(np.int32).min
_NEVER32 = np.iinfo(np.int32).max
_EPOCH = pd.Timestamp("1970-01-01")
_DAY_US = 86_400_000_000
#: Rows per chunk when reading observations: temporaries stay small and are reused.
_CHUNK = 1 << 20
#: Widest span of observation days (in days) looked up through a (day, state) table;
#: wider spans search the dates instead.
_MAX_DAY_TABLE = 1_000_000
#: RAG code of each status code, as :func:`_rag_codes` computes it (a test keeps them equal).
_RAG_OF_CODE = np.array([RAG_ORDER.index(STATUS_RAG[s]) for s in STATUS_ORDER], dtype=np.int8)
_DATE_UNIT = "datetime64[us]"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _status_rule(
    complete: bool, evidence: bool, dated: bool, overdue: bool, started: bool, ongoing: bool
) -> str:
    """The status rules of the module docstring for one commitment, in their order."""
    if complete:
        return COMPLETE
    if not evidence:
        return NO_EVIDENCE
    if not dated:
        return ONGOING if ongoing else TBC
    if started:
        return IN_PROGRESS_SLIPPED if overdue else IN_PROGRESS
    return NOT_STARTED_SLIPPED if overdue else NOT_DUE


#: :func:`_status_rule` tabulated: the status code of every combination of its six
#: conditions, looked up by :func:`_rule_key` (the vectorised form of the rules).
_STATUS_TABLE = np.array(
    [
        STATUS_ORDER.index(_status_rule(*flags))
        for flags in itertools.product((False, True), repeat=6)
    ],
    dtype=np.int8,
)


def _rag_codes(status_codes: np.ndarray) -> np.ndarray:
    """RAG code of each status code: Green, Amber, Amber, Red, Red, then none (x3)."""
    rag = (status_codes > 0).view(np.int8) + (status_codes > 2) + (status_codes > 4)
    return rag.astype(np.int8, copy=False)


def _rule_key(*flags: np.ndarray) -> np.ndarray:
    """Row of :data:`_STATUS_TABLE` for boolean arrays given in :func:`_status_rule` order."""
    key = np.zeros(len(flags[0]), dtype=np.int8)
    for flag in flags:
        key <<= 1
        key |= flag.view(np.int8)
    return key


def as_of_date(value: str | dt.date | pd.Timestamp | np.datetime64) -> pd.Timestamp:
    """Return the date a status or metric is taken at.

    Parameters
    ----------
    value : str, datetime.date, pandas.Timestamp or numpy.datetime64
        A period ``YYYY-MM`` (its date is the last day of the month) or a date
        (``YYYY-MM-DD`` or a date object; any time of day is dropped).

    Returns
    -------
    pandas.Timestamp
        Midnight of that day.

    Raises
    ------
    ValueError
        If the value is neither a period nor a date.

    Examples
    --------
    >>> as_of_date("2015-02")
    Timestamp('2015-02-28 00:00:00')
    >>> as_of_date("2015-02-14")
    Timestamp('2015-02-14 00:00:00')
    """
    if isinstance(value, str) and len(value) == 7:
        try:
            return pd.Timestamp(period_end(value))
        except PeriodError as error:
            raise ValueError(str(error)) from None
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError(f"as_of {value!r} is neither a period YYYY-MM nor a date YYYY-MM-DD")
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ValueError(f"as_of {value!r} is neither a period YYYY-MM nor a date YYYY-MM-DD")
    return stamp.normalize()


def status_as_of(
    commitments: pd.DataFrame,
    observations: pd.DataFrame,
    as_of: str | dt.date | pd.Timestamp,
) -> pd.DataFrame:
    """Give each commitment its status and RAG as of one date.

    See the module docstring for the rules and their order of precedence. To take the
    status at many dates, build a :class:`StatusIndex` once instead.

    Parameters
    ----------
    commitments : pandas.DataFrame
        One row per commitment: ``commitment_id`` (unique) and ``due_end``
        (datetime64 or ISO text, NaT when undated) at least; ``timescale_kind``, when
        present, tells Ongoing from TBC; other columns are kept.
    observations : pandas.DataFrame
        ``commitment_id``, ``observed_on`` (datetime64 or ISO text) and ``state`` (one of
        :data:`OBSERVATION_STATES`); other columns are ignored.
    as_of : str, datetime.date or pandas.Timestamp
        A period ``YYYY-MM`` (taken at its last day) or a date.

    Returns
    -------
    pandas.DataFrame
        The commitments, in their order and with their index, with
        :data:`STATUS_COLUMNS` added: ``period`` (``YYYY-MM`` of ``as_of``, ordered
        categorical), ``as_of``, ``status`` (:data:`STATUS_DTYPE`), ``rag``
        (:data:`RAG_DTYPE`), ``completed_on`` and ``last_seen_incomplete`` (both NaT
        unless Complete) and ``last_observed_on`` (date of the latest observation with a
        known state on or before ``as_of``; NaT for No evidence).

    Raises
    ------
    ValueError
        If a column is missing or already present, an ID repeats or is unknown, a date
        does not parse or a state is not allowed; the message names the frame, the
        column and the first offending rows (by index label).

    Examples
    --------
    >>> commitments = pd.DataFrame({
    ...     "commitment_id": ["AP15-1.1", "AP15-4.4"],
    ...     "due_end": pd.to_datetime(["2015-02-28", None]),
    ... })
    >>> observations = pd.DataFrame({
    ...     "commitment_id": ["AP15-1.1", "AP15-4.4"],
    ...     "observed_on": pd.to_datetime(["2015-02-28", "2015-02-28"]),
    ...     "state": ["not_started", "in_progress"],
    ... })
    >>> status_as_of(commitments, observations, "2015-02")["status"].tolist()
    ['Not due to have started', 'TBC']
    >>> status_as_of(commitments, observations, "2015-03")["status"].tolist()
    ['Not started – completion slipped', 'TBC']
    """
    return StatusIndex(commitments, observations, [as_of]).status_as_of(as_of)


def status_by_period(
    commitments: pd.DataFrame,
    observations: pd.DataFrame,
    periods: Iterable[str | dt.date | pd.Timestamp],
    columns: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Give each commitment its status at each of several dates, in one long frame.

    The same as calling :func:`status_as_of` once per period and stacking the results,
    but the observations are indexed once. To stay small the frame carries only
    ``commitment_id`` and ``columns`` of the commitments, text as categoricals; merge
    other columns back on ``commitment_id`` when needed. For registers of millions of
    rows, a :class:`StatusIndex` gives one period's frame at a time instead.

    Parameters
    ----------
    commitments, observations : pandas.DataFrame
        As for :func:`status_as_of`.
    periods : iterable of str or date
        Periods ``YYYY-MM`` (taken at their last day) or dates, at most one per month.
    columns : sequence of str, optional
        Commitment columns to carry; by default those of :data:`PANEL_COLUMNS` present.

    Returns
    -------
    pandas.DataFrame
        One row per (period, commitment), periods in date order and commitments in
        their order within each: ``commitment_id`` (categorical), ``columns``, then
        :data:`STATUS_COLUMNS`. The index is a fresh range.

    Raises
    ------
    ValueError
        As :func:`status_as_of`; also when no period is given or two fall in one month.

    Examples
    --------
    >>> commitments = pd.DataFrame({
    ...     "commitment_id": ["A"], "theme": ["Culture"],
    ...     "due_end": pd.to_datetime(["2015-02-15"]),
    ... })
    >>> observations = pd.DataFrame({
    ...     "commitment_id": ["A", "A"],
    ...     "observed_on": pd.to_datetime(["2015-01-31", "2015-03-31"]),
    ...     "state": ["in_progress", "complete"],
    ... })
    >>> panel = status_by_period(commitments, observations, ["2015-01", "2015-02", "2015-03"])
    >>> panel["status"].tolist()
    ['In progress', 'In progress – completion slipped', 'Complete']
    >>> panel["period"].tolist()
    ['2015-01', '2015-02', '2015-03']
    """
    index = StatusIndex(commitments, observations, periods)
    carried = _carried_columns(commitments, columns)
    slim = pd.DataFrame(
        {
            "commitment_id": pd.Categorical(
                commitments["commitment_id"],
                categories=pd.Index(commitments["commitment_id"]),
            ),
            **{name: _compact(commitments[name]) for name in carried},
        }
    )
    frames = [index.status_as_of(date, frame=slim) for date in index.dates]
    return pd.concat(frames, ignore_index=True)


class StatusIndex:
    """Observations indexed once, to give the status of every commitment at chosen dates.

    Building the index reads the observations once (in chunks, with array operations
    only); :meth:`status_as_of` then costs a few array operations per commitment. This
    is how a register of millions of commitments is followed over many periods.

    Parameters
    ----------
    commitments, observations : pandas.DataFrame
        As for :func:`status_as_of`.
    dates : iterable of str or date
        The periods ``YYYY-MM`` or dates to index, at most one per month.

    Attributes
    ----------
    commitments : pandas.DataFrame
        The commitments as given.
    dates : tuple of pandas.Timestamp
        The indexed dates, in order.
    periods : tuple of str
        Their ``YYYY-MM`` labels.

    Raises
    ------
    ValueError
        As :func:`status_as_of`; also when no date is given or two fall in one month.

    Examples
    --------
    >>> commitments = pd.DataFrame({
    ...     "commitment_id": ["A", "B"], "due_end": pd.to_datetime(["2015-02-28", None]),
    ... })
    >>> observations = pd.DataFrame({
    ...     "commitment_id": ["A", "B"],
    ...     "observed_on": pd.to_datetime(["2015-01-31", "2015-02-28"]),
    ...     "state": ["in_progress", "complete"],
    ... })
    >>> index = StatusIndex(commitments, observations, ["2015-01", "2015-02"])
    >>> index.periods
    ('2015-01', '2015-02')
    >>> index.status_as_of("2015-02")["status"].tolist()
    ['In progress', 'Complete']
    """

    def __init__(
        self,
        commitments: pd.DataFrame,
        observations: pd.DataFrame,
        dates: Iterable[str | dt.date | pd.Timestamp],
    ) -> None:
        stamps = sorted(as_of_date(d) for d in dates)
        if not stamps:
            raise ValueError("at least one period or date is needed")
        labels = [s.strftime("%Y-%m") for s in stamps]
        if len(set(labels)) != len(labels):
            raise ValueError(f"two dates fall in one month: {labels}; give at most one per month")
        _require(commitments, "commitments", ("commitment_id", "due_end"))
        _require(observations, "observations", ("commitment_id", "observed_on", "state"))
        _check_no_clash(commitments)
        ids = pd.Index(commitments["commitment_id"])
        if not ids.is_unique:
            repeated = ids[ids.duplicated()].unique()[:5].tolist()
            raise ValueError(f"commitments, column commitment_id: IDs repeat: {repeated}")
        self.commitments = commitments
        self.dates: tuple[pd.Timestamp, ...] = tuple(stamps)
        self.periods: tuple[str, ...] = tuple(labels)
        self._period_dtype = pd.CategoricalDtype(labels, ordered=True)
        self._at = np.array([(s - _EPOCH).days for s in stamps], dtype=np.int32)
        self._due = _to_int32(day_numbers(commitments["due_end"], "commitments", "due_end"))
        self._ongoing = _ongoing(commitments)
        self._index(ids, observations)

    def status_as_of(
        self, as_of: str | dt.date | pd.Timestamp, frame: pd.DataFrame | None = None
    ) -> pd.DataFrame:
        """Return the commitments with their status as of one of the indexed dates.

        Parameters
        ----------
        as_of : str, datetime.date or pandas.Timestamp
            One of :attr:`dates`, or its period ``YYYY-MM``.
        frame : pandas.DataFrame, optional
            Rows to add the status columns to, one per commitment in the same order
            (default :attr:`commitments`).

        Returns
        -------
        pandas.DataFrame
            As :func:`status_as_of`.

        Raises
        ------
        ValueError
            If ``as_of`` is not indexed.

        Examples
        --------
        >>> c = pd.DataFrame({"commitment_id": ["A"], "due_end": pd.to_datetime(["2015-01-31"])})
        >>> o = pd.DataFrame({"commitment_id": ["A"], "observed_on": pd.to_datetime(
        ...     ["2015-01-15"]), "state": ["not_started"]})
        >>> index = StatusIndex(c, o, ["2015-01", "2015-02"])
        >>> [str(index.status_as_of(p)["status"].iloc[0]) for p in index.periods]
        ['Not due to have started', 'Not started – completion slipped']
        """
        j = self._position(as_of)
        t = self._at[j]
        latest = self._latest[j]
        has_evidence = latest >= 0
        complete = self._first_complete <= t
        dated = self._due != _NAT32
        overdue = dated & (self._due < t)
        started = (latest & 3) == _RANK_IN_PROGRESS
        flags = (complete, has_evidence, dated, overdue, started, self._ongoing)
        codes = np.take(_STATUS_TABLE, _rule_key(*flags))
        last_observed = ((latest >> 2) + self._base).astype(np.int64) * _DAY_US
        base = self.commitments if frame is None else frame
        n = len(base)
        added = {
            "period": pd.Categorical.from_codes(
                np.full(n, j, dtype=np.int16), dtype=self._period_dtype
            ),
            "as_of": np.full(n, self.dates[j].to_datetime64().astype(_DATE_UNIT)),
            "status": pd.Categorical.from_codes(codes, dtype=STATUS_DTYPE),
            "rag": pd.Categorical.from_codes(_rag_codes(codes), dtype=RAG_DTYPE),
            "completed_on": _date_or_nat(complete, self._first_complete_us),
            "last_seen_incomplete": _date_or_nat(complete, self._seen_incomplete_us),
            "last_observed_on": _date_or_nat(has_evidence, last_observed),
        }
        return pd.concat([base, pd.DataFrame(added, index=base.index, copy=False)], axis=1)

    def _position(self, as_of: str | dt.date | pd.Timestamp) -> int:
        stamp = as_of_date(as_of)
        if stamp not in self.dates:
            shown = ", ".join(d.strftime("%Y-%m-%d") for d in self.dates)
            raise ValueError(f"{stamp:%Y-%m-%d} is not indexed; indexed dates: {shown}")
        return self.dates.index(stamp)

    def _index(self, ids: pd.Index, observations: pd.DataFrame) -> None:
        """Reduce the observations to per-commitment arrays, chunk by chunk."""
        n, p = len(ids), len(self._at)
        position = _positions(ids, observations["commitment_id"])
        state = _state_codes(observations["state"])
        day = _observed_days(observations["observed_on"])
        self._base = int(day.min()) if len(day) else 0
        bucket_of = _bucket_lookup(day, self._at)

        # The first complete observation of each commitment.
        self._first_complete = np.full(n, _NEVER32, dtype=np.int32)
        for part in _chunks(len(day)):
            pos, st, d = position[part], state[part], day[part]
            rows = np.flatnonzero(st == _COMPLETE)  # index arrays beat boolean masks here
            np.minimum.at(self._first_complete, pos[rows], d[rows])

        self._seen_incomplete = np.full(n, _NAT32, dtype=np.int32)
        # One row per indexed date, plus a last row collecting the observations that count
        # for no date (after the last one, or of unknown state).
        latest = np.full((p + 1) * n, -1, dtype=np.int32)
        for part in _chunks(len(day)):
            pos, st, d = position[part].astype(np.intp), state[part], day[part]
            # The latest earlier observation with a known state other than complete.
            rows = np.flatnonzero(
                (st != _COMPLETE) & (st != _UNKNOWN) & (d < self._first_complete[pos])
            )
            np.maximum.at(self._seen_incomplete, pos[rows], d[rows])
            # Put each observation at the first indexed date on or after it and keep the
            # latest (day, rank) per (date, commitment): a tie goes to the higher rank.
            bucket = bucket_of(d, st)
            value = (d - self._base) * 4 + (2 - st)
            np.maximum.at(latest, bucket * n + pos, value)
        latest = latest.reshape(p + 1, n)[:p]
        # Carry each commitment's latest observation forward to later dates.
        for j in range(1, p):
            np.maximum(latest[j], latest[j - 1], out=latest[j])
        self._latest = latest
        self._first_complete_us = _micros(self._first_complete, _NEVER32)
        self._seen_incomplete_us = _micros(self._seen_incomplete, _NAT32)


def _ongoing(commitments: pd.DataFrame) -> np.ndarray:
    """Whether each commitment is open or recurring (:data:`ONGOING_KINDS`); all False
    when the frame has no ``timescale_kind``."""
    if "timescale_kind" not in commitments.columns:
        return np.zeros(len(commitments), dtype=bool)
    return commitments["timescale_kind"].isin(ONGOING_KINDS).to_numpy(dtype=bool)


def _chunks(length: int) -> Iterator[slice]:
    """Slices of at most ``_CHUNK`` rows: small temporaries are reused, not re-allocated."""
    for start in range(0, length, _CHUNK):
        yield slice(start, min(start + _CHUNK, length))


def _bucket_lookup(day: np.ndarray, at: np.ndarray):
    """Return ``bucket(days, states)``: the index of the first date in ``at`` on or after
    each day, or ``len(at)`` when there is none or the state is unknown."""
    p = len(at)

    def by_search(d: np.ndarray, st: np.ndarray) -> np.ndarray:
        return np.where(st == _UNKNOWN, p, np.searchsorted(at, d, side="left"))

    if len(day) == 0:
        return by_search
    low, high = int(day.min()), int(day.max())
    if high - low > _MAX_DAY_TABLE:
        return by_search
    # A table over (day, state) is cheaper than searching and masking each observation.
    table = np.repeat(np.searchsorted(at, np.arange(low, high + 1), side="left"), 4)
    table[_UNKNOWN::4] = p
    return lambda d, st: np.take(table, (d - low) * 4 + st)


def day_numbers(values: pd.Series, frame: str, column: str) -> np.ndarray:
    """Return dates as int64 day numbers since 1970-01-01, with NaT as the int64 minimum.

    Parameters
    ----------
    values : pandas.Series
        datetime64 values, or ISO ``YYYY-MM-DD`` strings / date objects ("" or NA for
        none). Other text (``03/04/2015``, ``4 March 2015``) is refused, never guessed.
    frame, column : str
        Names used in error messages.

    Returns
    -------
    numpy.ndarray
        int64 day numbers.

    Raises
    ------
    ValueError
        If a value is not an ISO date or a date object, or carries a time zone; the
        message names the frame, the column and the first offending rows.

    Examples
    --------
    >>> day_numbers(pd.Series(["1970-01-02", ""]), "commitments", "due_end").tolist()
    [1, -9223372036854775808]
    >>> day_numbers(pd.Series(["03/04/2015"]), "commitments", "due_end")
    Traceback (most recent call last):
    ...
    ValueError: commitments, column due_end: not a date (YYYY-MM-DD): index 0: '03/04/2015'
    """
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        raise ValueError(f"{frame}, column {column}: dates must not carry a time zone")
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        empty = values.isna() | (values.astype(str).str.strip() == "")
        if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
            text = values.where(~empty).astype(object).str.strip()  # ISO text: vectorised
            iso = text.str.fullmatch(_ISO_DATE.pattern).fillna(False).astype(bool)
            parsed = pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")
            parsed = parsed.astype(_DATE_UNIT)
        else:  # date objects, possibly mixed with text
            parsed = pd.Series(
                [_strict_date(v) for v in values.where(~empty, None)], index=values.index
            ).astype(_DATE_UNIT)
        bad = ~empty & parsed.isna()
        if bad.any():
            shown = ", ".join(f"index {i}: {values[i]!r}" for i in values.index[bad][:5])
            raise ValueError(f"{frame}, column {column}: not a date (YYYY-MM-DD): {shown}")
        values = parsed
    return values.to_numpy().astype("datetime64[D]").view(np.int64)


def _strict_date(value: object) -> pd.Timestamp | None:
    """A date object or ISO ``YYYY-MM-DD`` text as a Timestamp; NaT for anything else
    (None for none)."""
    if value is None:
        return None
    if isinstance(value, str):
        if not _ISO_DATE.fullmatch(value.strip()):
            return pd.NaT
        return pd.to_datetime(value.strip(), format="%Y-%m-%d", errors="coerce")
    if isinstance(value, dt.date | np.datetime64) and not getattr(value, "tzinfo", None):
        return pd.Timestamp(value)
    return pd.NaT


def _to_int32(days: np.ndarray) -> np.ndarray:
    """int64 day numbers (NaT as int64 minimum) as int32 (NaT as int32 minimum)."""
    out = days.astype(np.int32)
    out[days == _NAT] = _NAT32
    return out


def _observed_days(observed: pd.Series) -> np.ndarray:
    """The observation dates as int32 day numbers; raise on a missing date."""
    if pd.api.types.is_datetime64_dtype(observed.dtype):
        values = observed.to_numpy().astype(_DATE_UNIT, copy=False).view(np.int64)
        day = np.empty(len(values), dtype=np.int32)
        if (values == _NAT).any():
            shown = observed.index[values == _NAT][:5].tolist()
            raise ValueError(f"observations, column observed_on: missing date at index {shown}")
        for part in _chunks(len(values)):
            day[part] = values[part] // _DAY_US  # floor: the day, also before 1970
    else:
        day = _to_int32(day_numbers(observed, "observations", "observed_on"))
    if (day == _NAT32).any():
        shown = observed.index[day == _NAT32][:5].tolist()
        raise ValueError(f"observations, column observed_on: missing date at index {shown}")
    return day


def _micros(days: np.ndarray, missing: int) -> np.ndarray:
    """int32 day numbers as int64 microseconds, with ``missing`` days as NaT."""
    micros = days.astype(np.int64) * _DAY_US
    micros[days == missing] = _NAT
    return micros


def _date_or_nat(keep: np.ndarray, micros: np.ndarray) -> np.ndarray:
    """``micros`` where ``keep`` holds, else NaT, as ``datetime64[us]``.

    A blend by arithmetic (``keep * micros + (1 - keep) * NaT``), which is several times
    faster than ``np.where`` on a million rows with a mixed condition.
    """
    blended = keep * micros
    blended += ~keep * np.int64(_NAT)
    return blended.view(_DATE_UNIT)


def _positions(ids: pd.Index, observed: pd.Series) -> np.ndarray:
    """Position in ``ids`` of each observation's commitment; raise on unknown IDs."""
    if isinstance(observed.dtype, pd.CategoricalDtype):
        categories = observed.cat.categories
        codes = observed.cat.codes.to_numpy()
        if len(categories) == len(ids) and categories.equals(ids):
            position = codes
        else:
            position = ids.get_indexer(categories)[codes]
            position[codes < 0] = -1
    else:
        position = ids.get_indexer(observed)
    if (position < 0).any():
        bad = observed.index[position < 0][:5]
        shown = ", ".join(f"index {i}: {observed[i]!r}" for i in bad)
        raise ValueError(f"observations, column commitment_id: not in commitments: {shown}")
    return position


def _state_codes(states: pd.Series) -> np.ndarray:
    """Internal state code of each observation; raise on a state not allowed."""
    if isinstance(states.dtype, pd.CategoricalDtype):
        categorical = states.array
    else:
        categorical = pd.Categorical(states.astype(object))
    categories = list(categorical.categories)
    codes = np.asarray(categorical.codes)
    if categories == list(OBSERVATION_STATES):  # the internal codes already
        state = codes
    else:
        lookup = np.array([_STATE_CODES.get(c, -1) for c in categories] + [-1], dtype=np.int8)
        state = lookup[codes]  # a missing value (code -1) takes the last entry, -1
    if (state < 0).any():
        bad = states.index[state < 0][:5]
        shown = ", ".join(f"index {i}: {states[i]!r}" for i in bad)
        allowed = ", ".join(OBSERVATION_STATES)
        raise ValueError(f"observations, column state: not one of {allowed}: {shown}")
    return state


def _require(frame: pd.DataFrame, name: str, columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name}: missing column(s) {missing}; has {list(frame.columns)}")


def _check_no_clash(commitments: pd.DataFrame) -> None:
    clash = [c for c in STATUS_COLUMNS if c in commitments.columns]
    if clash:
        raise ValueError(
            f"commitments already have column(s) {clash}; rename them before computing status"
        )


def _carried_columns(commitments: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return [c for c in PANEL_COLUMNS if c in commitments.columns]
    _require(commitments, "commitments", columns)
    if "commitment_id" in columns:
        raise ValueError("commitment_id is always carried; do not list it in columns")
    return list(columns)


def _compact(values: pd.Series) -> pd.Series | pd.Categorical:
    """Text columns as categoricals (small when repeated); other columns as they are."""
    if pd.api.types.is_string_dtype(values.dtype) or values.dtype == object:
        return pd.Categorical(values)
    return values
