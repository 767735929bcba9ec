"""Check 5 — recomputation: what the curated data can recompute, against what was published.

* **Actions in the 2015 plan.** The December 2015 report says the plan "set out 134
  actions"; the published plan (``commitments.csv``, plan ``ap-2015``) is counted.
* **Not due to have started.** By the plan's own timescales, the actions whose window
  opens after December 2015 could not yet have been due to start; the report's 11 "not
  due to have started" can be at most that many (in its key an action started early is
  "In Progress").
* **Behind schedule against the plan's trajectory.** The share of the plan due by
  December 2015 (from its timescales) less the share the report says is complete is the
  least share that can be behind schedule (an action that is due and not complete is
  behind); compared with the report's 24 actions behind schedule.
* **Complete actions.** The report's 82 completions against the completions its own
  narrative evidences action by action (``observations.csv``).
* **Counted lists.** A stated number of items against the items the curated tables
  list (:data:`COUNTED_LISTS`).
* **Due dates.** Every due date a plan states (``ap15.action.<plan>-<n>.due``, and the
  other ``….due`` claims) against the due window the curated commitments use.

The report counted 134 actions and the published plan has 115 rows, so figures about
the 2015 plan are compared as shares, and every explanation says where the difference
may come from.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from kerslake_analysis.audit.findings import (
    CONSISTENT,
    INCONSISTENT,
    UNVERIFIABLE,
    Finding,
    claim_refs,
)
from kerslake_analysis.audit.prepared import (
    DATE_UNITS,
    describe_day,
    describe_lines,
    describe_value,
    document_name,
)
from kerslake_analysis.base.periods import period_end
from kerslake_analysis.ingest.provenance import strip_markup
from kerslake_analysis.measure.metrics import schedule_summary
from kerslake_analysis.measure.status import status_as_of

CHECK = "recomputation"

#: The plan the December 2015 report's counts are about.
PLAN_2015 = "ap-2015"
_ACTIONS = "ap15.actions"
_AP15_DUE = re.compile(r"^ap15\.action\.(?P<plan>\d+)-(?P<action>\d+[a-z]?)\.due$")
_NUMBERED = re.compile(r"^\d+\.\d+$")

#: Stated counts of listed items the curated tables also list: key -> (table, counter,
#: what is counted).
COUNTED_LISTS: dict[str, tuple[str, Callable[[pd.DataFrame], int], str]] = {
    "kerslake.recommendations.total": (
        "recommendations",
        lambda table: table.loc[table["part"].eq(""), "number"].nunique(),
        "numbered recommendations printed in the December 2015 report",
    ),
    "iif21.officer_governance.meetings.total": (
        "iif21_meetings",
        len,
        "monthly officer meetings the 2021 report lists",
    ),
    "iif21.structure.elements.total": (
        "iif21_structure",
        lambda table: table["element"].nunique(),
        "elements (core and delivery) of the structure the 2021 report lists",
    ),
}


def check_recomputation(claims: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[Finding]:
    """Recompute what the curated data can and compare it with the published figures.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    tables : dict of str to pandas.DataFrame
        The curated tables (``load_all()``): ``commitments``, ``observations`` and the
        tables of :data:`COUNTED_LISTS` at least.

    Returns
    -------
    list of Finding
    """
    commitments = tables["commitments"]
    plan = commitments[commitments["plan"].astype(str).eq(PLAN_2015)]
    findings: list[Finding] = []
    if len(plan):
        findings += _plan_2015(claims, plan, tables["observations"])
    findings += _counted_lists(claims, tables)
    findings += check_due_dates(claims, commitments)
    return findings


# --------------------------------------------------------------------------- 2015 plan


def _one_value(rows: pd.DataFrame) -> float | None:
    values = rows.loc[rows["bound"].eq(""), "number"].unique()
    return float(values[0]) if len(values) == 1 else None


def _status_rows(claims: pd.DataFrame, part: str) -> pd.DataFrame:
    return claims[claims["base"].eq(f"{_ACTIONS}.by_status.{part}")]


def _plan_2015(
    claims: pd.DataFrame, plan: pd.DataFrame, observations: pd.DataFrame
) -> list[Finding]:
    total_rows = claims[claims["base"].eq(f"{_ACTIONS}.total")]
    total = _one_value(total_rows)
    if total is None:
        return []
    findings = [_action_count(total_rows, total, plan)]
    period = next(iter(sorted(set(_status_rows(claims, "complete")["period"]) - {""})), "")
    if not period:
        return findings
    as_of = pd.Timestamp(period_end(period))
    not_due = _status_rows(claims, "not_due")
    not_due = not_due[not_due["period"].eq(period)]
    if _one_value(not_due) is not None:
        findings.append(_not_due(not_due, plan, as_of))
    complete = _status_rows(claims, "complete")
    complete = complete[complete["period"].eq(period)]
    behind = pd.concat(
        [_status_rows(claims, part) for part in ("in_progress_slipped", "not_started_slipped")]
    )
    behind = behind[behind["period"].eq(period)]
    if _one_value(complete) is not None and behind["base"].nunique() == 2:
        observed = observations[observations["commitment_id"].isin(plan["commitment_id"])]
        status = status_as_of(plan, observed, as_of)
        summary = schedule_summary(status).iloc[0]
        findings.append(_trajectory(total_rows, total, complete, behind, summary, as_of))
        findings.append(_complete_evidence(complete, status, summary))
    return findings


def _action_count(total_rows: pd.DataFrame, total: float, plan: pd.DataFrame) -> Finding:
    rows = len(plan)
    numbered = int(plan["ref"].astype(str).str.match(_NUMBERED).sum())
    stated = int(total)
    ok = stated in (rows, numbered)
    explanation = (
        f"The published 2015 action plan lists {numbered} numbered actions ({rows} with the "
        f"{rows - numbered} unnumbered follow-on rows), "
    )
    if ok:
        explanation += f"as {document_name(total_rows['source'].iloc[0])} says."
    else:
        explanation += (
            f"but {describe_lines(total_rows)} says the plan set out {stated}: "
            f"{stated - rows} actions the report counts cannot be found in the published "
            f"plan, so its status counts cannot be traced to it action by action."
        )
    return Finding(
        CHECK,
        CONSISTENT if ok else INCONSISTENT,
        "Number of actions in the 2015 action plan",
        explanation,
        claim_refs(total_rows),
    )


def _not_due(not_due: pd.DataFrame, plan: pd.DataFrame, as_of: pd.Timestamp) -> Finding:
    """The report's "not due to have started" against the plan's own timescales.

    The report's key (line 185 of the December 2015 report) defines *Not Due to have
    Started* as "Action not started, but not due yet": an action whose window had not
    opened but that was started early is *In Progress* instead. So the stated count can
    be at most the number of actions whose window opens after ``as_of``; it is
    inconsistent only if it is more.
    """
    stated = int(_one_value(not_due))
    opens_later = int((plan["due_start"] > as_of).sum())
    due_later = int((plan["due_end"] > as_of).sum())
    undated = int(plan["due_end"].isna().sum())
    ok = stated <= opens_later
    explanation = (
        f"By the plan's own timescales {opens_later} of its {len(plan)} actions were not due "
        f"to start until after {describe_day(as_of)} ({due_later} were not yet due to finish "
        f"and {undated} had no date); the report gives {stated} "
        f"({describe_lines(not_due)}). "
    )
    if stated == opens_later:
        explanation += "The two agree."
    elif ok:
        explanation += (
            f"That fits: in the report's key an action not yet due that was started early "
            f"counts as In Progress, so at most {opens_later} can be 'not due to have "
            f"started', and {opens_later - stated} may have been started early. The report "
            f"counts a longer list of actions than the published plan, so this is as far "
            f"as the two can be compared."
        )
    else:
        explanation += (
            f"That is more than the plan's timescales allow, even counting an action "
            f"started early as In Progress, as the report's key does; the report counts a "
            f"longer list of actions than the published plan, so the extra "
            f"{stated - opens_later} may be actions missing from it."
        )
    return Finding(
        CHECK,
        CONSISTENT if ok else INCONSISTENT,
        f"Actions not due to have started by {describe_day(as_of)}",
        explanation,
        claim_refs(not_due),
    )


def _trajectory(
    total_rows: pd.DataFrame,
    total: float,
    complete: pd.DataFrame,
    behind: pd.DataFrame,
    summary: pd.Series,
    as_of: pd.Timestamp,
) -> Finding:
    due, size = int(summary["planned_due"]), int(summary["commitments"])
    planned_share = due / size
    done = _one_value(complete)
    done_share = done / total
    stated_behind = sum(_one_value(rows) for _, rows in behind.groupby("base"))
    behind_share = stated_behind / total
    least_share = planned_share - done_share
    ok = behind_share >= least_share
    explanation = (
        f"By the plan's own timescales {due} of its {size} actions ({planned_share:.1%}) were "
        f"due by {describe_day(as_of)}; with {done:.0f} of {total:.0f} ({done_share:.1%}) "
        f"complete, at least {least_share:.1%} of actions (about {least_share * total:.0f} "
        f"of {total:.0f}) should be behind schedule, "
    )
    if ok:
        explanation += f"and the report gives {stated_behind:.0f} ({behind_share:.1%})."
    else:
        explanation += (
            f"but the report gives {stated_behind:.0f} ({behind_share:.1%}); the figures fit "
            f"only if the actions missing from the published plan were mostly due later, or "
            f"due dates were moved, which the report does not say."
        )
    rows = pd.concat([total_rows, complete, behind])
    return Finding(
        CHECK,
        CONSISTENT if ok else INCONSISTENT,
        f"Actions behind schedule against the plan's trajectory, {describe_day(as_of)}",
        explanation,
        claim_refs(rows),
    )


def _complete_evidence(complete: pd.DataFrame, status: pd.DataFrame, summary: pd.Series) -> Finding:
    stated = _one_value(complete)
    evidenced = int(summary["with_evidence"])
    done = int((status["status"].astype(str) == "Complete").sum())
    return Finding(
        CHECK,
        UNVERIFIABLE,
        "Complete actions against the report's own evidence",
        f"The report's narrative gives evidence of the state of {evidenced} of the plan's "
        f"{int(summary['commitments'])} actions, {done} of them complete; the other "
        f"completions behind its "
        f"figure of {stated:.0f} are not identified, so the figure cannot be recomputed.",
        claim_refs(complete),
    )


# --------------------------------------------------------------------------- counted lists


def _counted_lists(claims: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> list[Finding]:
    findings = []
    for key, (table, counter, what) in COUNTED_LISTS.items():
        rows = claims[claims["base"].eq(key)]
        stated = _one_value(rows)
        if rows.empty or stated is None or table not in tables:
            continue
        counted = int(counter(tables[table]))
        ok = counted == stated
        findings.append(
            Finding(
                CHECK,
                CONSISTENT if ok else INCONSISTENT,
                rows["text"].iloc[0] or key,
                f"The curated data lists {counted} {what}; the document says {stated:.0f} "
                f"({describe_lines(rows)}).",
                claim_refs(rows),
            )
        )
    return findings


# --------------------------------------------------------------------------- due dates


def due_date_matches(claims: pd.DataFrame, commitments: pd.DataFrame) -> pd.DataFrame:
    """Pair each stated due date with the commitment whose due window it sets.

    A 2015 action's due date ``ap15.action.<plan>-<n>.due`` names its commitment
    ``AP15-<plan>.<n>``. Any other ``….due`` claim is paired with a commitment on the same
    line whose quote contains the claim's quote; if several do, with the one whose
    timescale is written in the claim's quote. A claim left with none or several
    commitments is not paired, and neither is a commitment several claims would set
    (one quote giving several dates, "April 2019, 2020 and 2021").

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    commitments : pandas.DataFrame
        ``commitments.csv`` as loaded.

    Returns
    -------
    pandas.DataFrame
        The paired claims with ``commitment_id``, ``timescale``, ``due_start``,
        ``due_end`` added.
    """
    due = claims[
        claims["base"].str.endswith(".due")
        & claims["unit"].isin(DATE_UNITS)
        & claims["bound"].eq("")
    ]
    columns = ["commitment_id", "timescale", "due_start", "due_end"]
    ap15 = due["base"].str.extract(_AP15_DUE)
    by_id = due[ap15["plan"].notna()].assign(
        commitment_id="AP15-" + ap15["plan"] + "." + ap15["action"]
    )
    by_id = by_id.merge(commitments[columns], on="commitment_id")
    others = due[ap15["plan"].isna()].merge(
        commitments[[*columns, "source", "source_line", "quote"]].rename(
            columns={"quote": "commitment_quote"}
        ),
        on=["source", "source_line"],
    )
    inside = [q in c for q, c in zip(others["quote"], others["commitment_quote"], strict=True)]
    others = others[np.array(inside, dtype=bool)]
    plain = others["quote"].map(strip_markup).str.lower()
    named = pd.Series(
        [t.lower() in q for t, q in zip(others["timescale"].astype(str), plain, strict=True)],
        index=others.index,
        dtype=bool,
    )
    candidates = others.groupby("claim_id")["commitment_id"].transform("nunique")
    others = others[(candidates == 1) | named]
    others = others[others.groupby("claim_id")["commitment_id"].transform("nunique") == 1]
    others = others[others.groupby("commitment_id")["claim_id"].transform("nunique") == 1]
    return pd.concat([by_id, others.drop(columns="commitment_quote")], ignore_index=True)


def check_due_dates(claims: pd.DataFrame, commitments: pd.DataFrame) -> list[Finding]:
    """Test every stated due date against the due window the curated data uses.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    commitments : pandas.DataFrame
        ``commitments.csv`` as loaded.

    Returns
    -------
    list of Finding
        One per paired claim whose commitment has a due window (see
        :func:`due_date_matches`; a TBC or undated commitment has none): consistent when the
        commitment's window is the claim's (or, for an open-ended "… onwards"
        commitment, starts within it).
    """
    pairs = due_date_matches(claims, commitments).dropna(subset=["due_start"])
    open_ended = pairs["due_end"].isna()
    same = pairs["due_start"].eq(pairs["start"]) & pairs["due_end"].eq(pairs["end"])
    starts_within = pairs["due_start"].between(pairs["start"], pairs["end"])
    pairs["ok"] = (same & ~open_ended) | (open_ended & starts_within)
    findings = []
    for row in pairs.itertuples(index=False):
        window = (
            f"from {describe_day(row.due_start)} onwards"
            if pd.isna(row.due_end)
            else f"{describe_day(row.due_start)} to {describe_day(row.due_end)}"
        )
        stated = describe_value(row.value, row.unit)
        verdict = (
            "the date the document states" if row.ok else f"not the {stated} the document states"
        )
        findings.append(
            Finding(
                CHECK,
                CONSISTENT if row.ok else INCONSISTENT,
                f"Due date of {row.commitment_id}",
                f"The curated data reads {row.commitment_id}'s timescale '{row.timescale}' as "
                f"{window}, {verdict} ({stated}, {document_name(row.source)}, line "
                f"{row.source_line}).",
                claim_refs(pd.DataFrame([row._asdict()])),
            )
        )
    return findings
