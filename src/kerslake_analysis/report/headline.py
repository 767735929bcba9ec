"""The headline in words and as a table: the sentence, the figures with their change, and
the changes not shown because the two periods rest on different bases."""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import period_label
from kerslake_analysis.measure import status
from kerslake_analysis.report.formatting import (
    coverage_caution,
    day_label,
    format_bound_months,
    format_change,
    format_months,
    format_percent,
    format_value,
)
from kerslake_analysis.report.headline_figures import headline
from kerslake_analysis.report.plan_data import PeriodView
from kerslake_analysis.report.published import published_figures, published_schedule_position


def _newly(view: PeriodView, statuses) -> tuple[int, int]:
    """Commitments in ``statuses`` now but not at the previous period, and how many of
    them were No evidence then."""
    now = view.status.set_index("commitment_id")["status"].astype(str)
    before = view.previous_status.set_index("commitment_id")["status"].astype(str)
    before = before.reindex(now.index)
    new = now.isin(statuses) & ~before.isin(statuses)
    return int(new.sum()), int((new & (before == status.NO_EVIDENCE)).sum())


def _schedule_clause(now: dict) -> str:
    """The earned-schedule part of the headline: the figure with its basis, and the
    all-commitments bound as a bound."""
    basis, dated = now["schedule_basis_commitments"], now["schedule_dated_commitments"]
    months = format_months(now["schedule_variance_months"])
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
        text += f"; over all {dated} the plan is {format_bound_months(now['schedule_variance_bound_months'])}"
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
    completion = view.data.records_completion
    if completion:
        text = opening + (
            f"{lead} the end of {period_label(view.period)}, {now['complete']} of the "
            f"{now['commitments']} commitments in the {view.data.title} were complete and "
            f"{now['behind_schedule']} {'was' if now['behind_schedule'] == 1 else 'were'} "
            "behind schedule."
        )
    else:
        text = opening + (
            f"{lead} the end of {period_label(view.period)}, {now['behind_schedule']} of the "
            f"{now['commitments']} commitments in the {view.data.title} "
            f"{'was' if now['behind_schedule'] == 1 else 'were'} behind schedule: past "
            "their due date and still listed."
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
    if completion:
        text += (
            f" Of the {now['past_due']} commitments with evidence whose due date had passed "
            f"by {day_label(view.as_of)}, {format_percent(now['slippage_rate'])} had slipped"
        )
        if now["due_on_date_open"]:
            text += (
                f" (a further {now['due_on_date_open']} "
                f"{'falls' if now['due_on_date_open'] == 1 else 'fall'} due on "
                f"{day_label(view.as_of, year=False)} itself and "
                f"{'is' if now['due_on_date_open'] == 1 else 'are'} not yet complete)"
            )
        text += "; " + _schedule_clause(now)
    else:
        text += (
            " The register records no completion (no status word, colour or column of its "
            "mapping reads an item as complete), so how many are complete, the slippage rate "
            "and the schedule position by earned schedule cannot be read from it."
        )
    missing = now["commitments"] - now["with_evidence"]
    if missing:
        text += (
            f" The documents give evidence for {now['with_evidence']} of the "
            f"{now['commitments']} commitments ({format_percent(now['evidence_coverage'])}); the "
            f"other {missing} are counted as 'No evidence'."
        )
        if under_half(now):
            text += (
                " With evidence for fewer than half of the commitments, the slippage rate "
                "and the earned-schedule figures describe only the commitments with "
                "evidence, not the plan as a whole."
            )
    else:
        text += " Every commitment has evidence for the period."
    if h["previous"]:
        before = h["previous"]
        complete = f"complete {now['complete'] - before['complete']:+d}, " if completion else ""
        text += (
            f" Since {period_label(view.previous)}: {complete}behind schedule "
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


def under_half(now: dict) -> bool:
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
    caution = coverage_caution(now)
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
    table[now_label] = [format_value(now[key], kind) for _, key, kind in rows]
    if h["previous"]:
        table[period_label(view.previous)] = [
            format_value(h["previous"][k], kind) for _, k, kind in rows
        ]
        table["Change"] = [change_on_basis(now, h["previous"], k, kind) for _, k, kind in rows]
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
                format_value(implied.sv_months, "months"),
            )
        )
    return shown


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


def change_on_basis(now: dict, before: dict, key: str, kind: str) -> str:
    """The change of one headline figure, or "— (different basis)" (:func:`different_bases`)."""
    if key in different_bases(now, before):
        return "— (different basis)"
    return format_change(now[key], before[key], kind)
