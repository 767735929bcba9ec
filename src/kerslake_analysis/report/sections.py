"""The report's sections below the headline: status by theme, overdue list, changes since
the previous period, milestone map, lineage links and the document's own sections; long
lists capped and many themes folded."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kerslake_analysis.base.periods import period_end, period_label
from kerslake_analysis.ingest import load
from kerslake_analysis.measure import status
from kerslake_analysis.report import council_words
from kerslake_analysis.report.formatting import format_value
from kerslake_analysis.report.plan_data import PeriodView, UnsupportedPlanError

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
            "Share": [format_value(s, "share") for s in counts["share"]],
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


def milestone_chart_alt(milestones: pd.DataFrame) -> str:
    """Alt text of the milestone map: how many commitments, and how many of each marker.

    Parameters
    ----------
    milestones : pandas.DataFrame
        :func:`milestone_frame`.

    Returns
    -------
    str
    """
    markers = milestones["marker"].value_counts().sort_index()
    return (
        f"Milestone map of {len(milestones)} dated commitments by theme and due date: "
        + "; ".join(f"{k} {v}" for k, v in markers.items())
        + "."
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


def _latest_evidence(view: PeriodView) -> pd.DataFrame:
    obs = view.data.observations
    obs = obs[obs["observed_on"] <= view.as_of].sort_values(["commitment_id", "observed_on"])
    latest = obs.groupby("commitment_id", sort=False).tail(1)
    return latest[["commitment_id", "observed_on"]].rename(columns={"observed_on": "evidence_date"})


def behind_schedule(view: PeriodView) -> pd.DataFrame:
    """Every commitment behind schedule at the period, most overdue first, none left out.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        The status rows (``view.status`` columns) and ``days`` overdue, sorted by days
        (most first), then ID.
    """
    behind = view.status[view.status["status"].isin(status.BEHIND_STATUSES)]
    return behind.assign(days=(view.as_of - behind["due_end"]).dt.days).sort_values(
        ["days", "commitment_id"], ascending=[False, True]
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
        never observed after the due date) and ``Latest update, in the council's words``
        (:func:`kerslake_analysis.report.council_words.update_cells`: when, the text
        verbatim, its document and line; empty where the council gave none). At most
        :data:`MAX_LIST_ROWS` rows and a row counting the rest; the commitment and owner
        cut at :data:`MAX_TEXT_CHARS` characters, a quotation at
        :data:`kerslake_analysis.report.council_words.MAX_QUOTE_CHARS` (a quote is the
        point of its column, and is marked "(shortened)" outside its quotation marks).
    """
    behind = behind_schedule(view).merge(_latest_evidence(view), on="commitment_id", how="left")
    updates = council_words.update_cells(view)
    table = pd.DataFrame(
        {
            "ID": behind["commitment_id"],
            "Commitment": _shorten(behind["text"]),
            "Owner": _shorten(behind["owner"]),
            "Due": behind["due_end"].dt.strftime("%d %b %Y"),
            "Days overdue": behind["days"].astype(int),
            "Latest evidence dated": behind["evidence_date"].dt.strftime("%d %b %Y").fillna(""),
            "Latest update, in the council's words": [
                updates.get(commitment_id, "") for commitment_id in behind["commitment_id"]
            ],
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
