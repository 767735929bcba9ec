"""A plain per-row Python reference for :mod:`~kerslake_analysis.measure.status` and
:mod:`~kerslake_analysis.measure.metrics` (a test oracle; not part of the package).

Written straight from the rules in docs/design.md, one commitment at a time with lists and
dictionaries, without numpy. It is slow on purpose: the tests use it as a second opinion
on the vectorised code over random registers, and ``benchmarks/bench_metrics.py``
measures the speed-up over it. Correctness rests on the hand-worked cases in
``tests/test_status.py`` and ``tests/test_metrics.py``, not on agreement with this file.

Examples
--------
>>> import datetime as dt
>>> records = reference_status(
...     [("A", dt.date(2015, 2, 28))], [("A", dt.date(2015, 2, 28), "in_progress")],
...     dt.date(2015, 3, 31))
>>> records[0]["status"]
'In progress – completion slipped'
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections import Counter, defaultdict

STATUSES = (
    "Complete",
    "In progress",
    "Not due to have started",
    "In progress – completion slipped",
    "Not started – completion slipped",
    "Ongoing",
    "TBC",
    "No evidence",
)
BEHIND = ("In progress – completion slipped", "Not started – completion slipped")


def reference_status(commitments, observations, as_of):
    """Status of each commitment as of one date, the slow way.

    Parameters
    ----------
    commitments : list of (commitment_id, due_end or None) or
        (commitment_id, due_end or None, timescale_kind)
    observations : list of (commitment_id, observed_on, state)
    as_of : datetime.date

    Returns
    -------
    list of dict
        Per commitment, in order: ``status``, ``completed_on``,
        ``last_seen_incomplete`` and ``last_observed_on`` (None when absent).
    """
    by_commitment = defaultdict(list)
    for commitment_id, observed_on, state in observations:
        by_commitment[commitment_id].append((observed_on, state))
    out = []
    for commitment_id, due_end, *kind in commitments:
        seen = by_commitment.get(commitment_id, [])
        out.append(_status_of_one(due_end, seen, as_of, kind[0] if kind else None))
    return out


def _status_of_one(due_end, seen, as_of, kind=None):
    visible = [(day, state) for day, state in seen if day <= as_of]
    known = [(day, state) for day, state in visible if state != "unknown"]
    completions = [day for day, state in visible if state == "complete"]
    record = {
        "status": None,
        "completed_on": None,
        "last_seen_incomplete": None,
        "last_observed_on": max((day for day, _ in known), default=None),
    }
    if completions:
        first = min(completions)
        before = [day for day, state in known if state != "complete" and day < first]
        record.update(
            status="Complete", completed_on=first, last_seen_incomplete=max(before, default=None)
        )
        return record
    if not known:
        record["status"] = "No evidence"
        return record
    if due_end is None:
        record["status"] = "Ongoing" if kind in ("ongoing", "recurring") else "TBC"
        return record
    latest = max(day for day, _ in known)
    started = any(state == "in_progress" for day, state in known if day == latest)
    slipped = as_of > due_end
    if started:
        record["status"] = BEHIND[0] if slipped else "In progress"
    else:
        record["status"] = BEHIND[1] if slipped else "Not due to have started"
    return record


def reference_metrics(rows, as_of, previous=None, recent_months=3, plan_start=None):
    """Every metric of one period for one group, the slow way.

    Parameters
    ----------
    rows : list of dict
        One per commitment: ``commitment_id``, ``due_start``, ``due_end`` and the
        fields of :func:`reference_status`.
    as_of : datetime.date
    previous : dict, optional
        ``commitment_id`` -> status at the previous period, for transitions.
    recent_months : int
    plan_start : datetime.date, optional
        First day of the plan; by default the first day of the earliest window month.

    Returns
    -------
    dict
        The figures, keyed like the columns of the vectorised metrics.
    """
    out = {"counts": Counter(row["status"] for row in rows), "commitments": len(rows)}
    with_evidence = dated = planned_due = due = complete = complete_due = behind = 0
    complete_dated = past_due = due_on_date = due_on_date_open = 0
    on_time = late = unknown = undated_complete = first_seen_complete = 0
    slips, overdue_days = [], []
    for row in rows:
        status, due_end = row["status"], row["due_end"]
        evidence = status != "No evidence"
        with_evidence += evidence
        if due_end is not None:
            dated += 1
            complete_dated += status == "Complete"
            if due_end <= as_of:
                planned_due += 1
                due += evidence
                complete_due += status == "Complete"
                if due_end < as_of:
                    past_due += evidence
                else:  # due on as_of itself: never slipped yet
                    due_on_date += evidence
                    due_on_date_open += evidence and status != "Complete"
        if status in BEHIND:
            behind += 1
            days = (as_of - due_end).days
            slips.append(days)
            overdue_days.append(days)
        if status == "Complete":
            complete += 1
            first_seen_complete += row["last_seen_incomplete"] is None
            if due_end is None:
                undated_complete += 1
            elif row["completed_on"] <= due_end:
                on_time += 1
            elif row["last_seen_incomplete"] is not None and row["last_seen_incomplete"] >= due_end:
                late += 1
                slips.append((row["completed_on"] - due_end).days)
            else:
                unknown += 1
    out.update(
        with_evidence=with_evidence,
        dated=dated,
        planned_due=planned_due,
        due=due,
        complete=complete,
        complete_due=complete_due,
        complete_dated=complete_dated,
        behind=behind,
        past_due=past_due,
        due_on_date=due_on_date,
        due_on_date_open=due_on_date_open,
        slippage_rate=behind / past_due if past_due else None,
        behind_share=behind / len(rows),
        baseline_execution_index=complete_dated / planned_due if planned_due else None,
        on_time=on_time,
        late=late,
        timing_unknown=unknown,
        complete_undated=undated_complete,
        first_observed_complete=first_seen_complete,
        on_time_rate=on_time / (on_time + late) if on_time + late else None,
        late_complete=late,
        overdue_open=behind,
        median_days=_quantile(slips, 0.5),
        p90_days=_quantile(slips, 0.9),
        ageing=_ageing(overdue_days),
    )
    out.update(_trajectory(rows, as_of, recent_months))
    out.update(_earned_schedule(rows, as_of, plan_start))
    if previous is not None:
        out["transitions"] = Counter(
            (previous.get(row["commitment_id"], "Not in register"), row["status"]) for row in rows
        )
    return out


def _quantile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (position - low) * (ordered[high] - ordered[low])


def _ageing(days):
    buckets = [0, 0, 0, 0]
    for d in days:
        if d <= 30:
            buckets[0] += 1
        elif d <= 90:
            buckets[1] += 1
        elif d <= 180:
            buckets[2] += 1
        else:
            buckets[3] += 1
    return buckets


def _month(day):
    return day.year * 12 + day.month - 1


def _month_end(month):
    year, m = divmod(month, 12)
    return dt.date(year, m + 1, calendar.monthrange(year, m + 1)[1])


def _trajectory(rows, as_of, recent_months):
    dated = [row for row in rows if row["due_end"] is not None]
    done = [row for row in dated if row["status"] == "Complete"]
    recent = [
        row
        for row in done
        if row["last_seen_incomplete"] is not None
        and _month(row["completed_on"]) > _month(as_of) - recent_months
    ]
    remaining = len(dated) - len(done)
    forecast = None
    if remaining and recent:
        rate = len(recent) / recent_months
        forecast = _month_end(_month(as_of) + math.ceil(remaining / rate))
    out = {
        "remaining": remaining,
        "recent_completions": len(recent),
        "forecast_date": forecast,
        "monthly": {},
    }
    if not dated:
        return out
    starts = [
        row["due_start"] or row["due_end"] for row in rows if row["due_start"] or row["due_end"]
    ]
    months = [_month(d) for d in starts] + [_month(row["completed_on"]) for row in done]
    first = min(months + [_month(as_of)])
    last = max([_month(row["due_end"]) for row in dated] + [_month(as_of)])
    for month in range(first, last + 1):
        end = _month_end(month)
        planned = sum(row["due_end"] <= end for row in dated)
        actual = sum(row["completed_on"] <= end for row in done) if month <= _month(as_of) else None
        out["monthly"][f"{end:%Y-%m}"] = (planned, actual)
    return out


def _earned_schedule(rows, as_of, plan_start):
    """ES over the dated commitments with evidence; the bound over all dated ones."""
    dated = [row for row in rows if row["due_end"] is not None]
    if not dated:
        return {
            "es_months": None,
            "at_months": None,
            "es_bound_months": None,
            "sv_bound_months": None,
        }
    if plan_start is None:
        starts = [row["due_start"] or row["due_end"] for row in rows]
        plan_start = min(d for d in starts if d is not None).replace(day=1)
    start = _month(plan_start)
    evidenced = [row for row in dated if row["status"] != "No evidence"]
    ev = sum(row["status"] == "Complete" for row in dated)
    at_now = _months_from(start, as_of)
    out = {"es_bound_months": None, "sv_bound_months": None}
    if len(evidenced) < len(dated) and at_now > 0:
        es_all = _lipke_es(dated, ev, start)
        out.update(es_bound_months=es_all, sv_bound_months=es_all - at_now)
    if not evidenced:
        return {**out, "es_months": None, "at_months": at_now}
    at = at_now
    if ev == len(evidenced):  # all planned complete: AT is the completion time
        at = _months_from(start, max(row["completed_on"] for row in evidenced))
    if at <= 0:
        return {**out, "es_months": None, "at_months": at}
    es = _lipke_es(evidenced, ev, start)
    return {**out, "es_months": es, "at_months": at, "sv_months": es - at, "spi": es / at}


def _months_from(start, day):
    days_in_month = calendar.monthrange(day.year, day.month)[1]
    return (_month(day) - start) + day.day / days_in_month


def _lipke_es(planned, ev, start):
    last_due = max(_month(row["due_end"]) for row in planned)
    duration = max(last_due - start + 1, 1)
    pv = [0] + [
        sum(max(_month(row["due_end"]), start) <= start + k - 1 for row in planned)
        for k in range(1, duration + 1)
    ]
    c = sum(1 for k in range(1, duration + 1) if pv[k] <= ev)
    return c if c == duration else c + (ev - pv[c]) / (pv[c + 1] - pv[c])
