"""The earned-schedule and forecast readings of a period, in words."""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base.periods import period_label
from kerslake_analysis.measure import status
from kerslake_analysis.report.formatting import day_label, format_bound_months
from kerslake_analysis.report.plan_data import PeriodView
from kerslake_analysis.report.published import published_schedule_position


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
        why = es["note"].split("; ")[0].removeprefix("not computable: ")
        text = f"Earned schedule is not computable: {why}."
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
            f"{format_bound_months(es['sv_bound_months'])} ({es['sv_bound_months']:+.1f} months or "
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
                parts.append(f"{ids[0] if len(ids) == 1 else len(ids)} on {day_label(day)}")
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
