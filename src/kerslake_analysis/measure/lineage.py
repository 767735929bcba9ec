"""How long did the promises take? Timelines and slip of the lineage chains.

A lineage chain (``data/curated/lineage.csv``, see
:mod:`kerslake_analysis.ingest.documents.lineage`) follows one promise from the plan that first
made it through later documents. This module turns its links into tidy frames:

* :func:`chain_events` — one row per event of a chain: ``promised`` (the origin
  commitment), ``restated`` (promised again, with the new due date where one is
  given), ``progress`` (under way or not yet done) and ``done`` (evidence of
  completion);
* :func:`chain_summary` — one row per chain: first promised (the document's date and
  the due date), how often and until when it was restated, the first evidence of
  completion (or none by the last document that mentions it), and the *total slip*;
* :func:`chains_for` — the chains a set of commitments belongs to, with a link to
  each chain's section of the lineage page.

**Total slip** is measured from the first due date to the first evidence of
completion, or, for a chain never evidenced as done (``open``), to the date of the
last document that speaks of it (the slip is then *at least* that). Evidence is often
dated only by its document ("by December 2015"), so a completed chain's slip is *at
most* the figure unless the text gives the day; ``slip_bound`` says which. Months are
days / 30.4375 (365.25 / 12), to one decimal.

Examples
--------
>>> links = load_links()
>>> summary = chain_summary(links).set_index("chain_id")
>>> row = summary.loc["LC-scrutiny-committees"]
>>> row["first_due"].date(), row["first_done_on"].date(), int(row["slip_days"])
(datetime.date(2015, 4, 30), datetime.date(2015, 5, 21), 21)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import DAYS_PER_MONTH
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.documents.build import natural_key
from kerslake_analysis.ingest.documents.lineage import DOCUMENT_DATES

#: The kinds of event on a chain's timeline, in the order they are drawn and sorted.
EVENTS: tuple[str, ...] = ("promised", "restated", "progress", "done")
_EVENT_TYPE = pd.CategoricalDtype(list(EVENTS), ordered=True)
_DATE = "datetime64[us]"
_EVENT_OF_RELATION = {"restates": "restated", "progress": "progress", "completes": "done"}

#: Where the lineage page is, seen from a period report (``reports/<plan>/<period>/``).
LINEAGE_PAGE_FROM_PERIOD_REPORT = "../../lineage/lineage.html"

EVENT_COLUMNS: tuple[str, ...] = (
    "chain_id",
    "chain_title",
    "event",
    "on",
    "due",
    "ref",
    "kind",
    "document",
    "precision",
    "reason",
    "source",
    "source_line",
    "quote",
    "step",
)


SUMMARY_COLUMNS: tuple[str, ...] = (
    "chain_id",
    "chain_title",
    "first_commitment_id",
    "first_source",
    "first_promised_on",
    "first_due",
    "first_due_ref",
    "restatements",
    "last_restated_on",
    "latest_due",
    "latest_due_derived",
    "first_done_on",
    "first_done_ref",
    "done_precision",
    "status",
    "last_seen_on",
    "restated_after_done",
    "slip_end_on",
    "slip_days",
    "slip_months",
    "slip_bound",
)


def load_links(directory: Path | None = None) -> pd.DataFrame:
    """Load ``lineage.csv``, one row per link of a chain.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    pandas.DataFrame
        See :data:`kerslake_analysis.ingest.schema.lineage`.

    Raises
    ------
    kerslake_analysis.ingest.load.CuratedDataError
        If the file is missing or malformed, naming file, row and column.
    """
    return load.load_table("lineage", directory)


def chain_events(links: pd.DataFrame) -> pd.DataFrame:
    """Every event of every chain: promised, restated, progress, done.

    Parameters
    ----------
    links : pandas.DataFrame
        The lineage table (:func:`load_links`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`EVENT_COLUMNS`: ``event`` an ordered categorical of
        :data:`EVENTS`; ``on`` the date it was said or evidenced (datetime64);
        ``due`` the due date it sets (``promised`` and ``restated`` only, NaT when
        none); ``ref`` the row it is (empty for a statement); ``kind`` what it is;
        ``document`` the short name of its document; ``precision`` how exactly
        ``on`` is known; ``step`` 0 for the origin, else the link's step. Sorted by
        chain, then by the date of the event's document, then by step (the
        transcription's reading order within a document): a living tracker such as the
        2018 plan dates its promises by its September edition, though they were made
        before its July updates.

    Examples
    --------
    >>> events = chain_events(load_links())
    >>> first = events[events["chain_id"] == "LC-workforce-plan"].iloc[0]
    >>> first["event"], first["ref"], first["due"].date()
    ('promised', 'AP15-3.9', datetime.date(2015, 12, 31))
    """
    origins = links.sort_values("step").drop_duplicates("chain_id")
    promised = pd.DataFrame(
        {
            "chain_id": origins["chain_id"],
            "chain_title": origins["chain_title"],
            "event": "promised",
            "on": origins["from_on"],
            "due": origins["from_due"],
            "ref": origins["from_commitment_id"],
            "kind": "commitment",
            "document": origins["from_source"].map(paths.DOCUMENT_LABELS),
            "precision": "document",
            "reason": "First promised.",
            "source": origins["from_source"],
            "source_line": origins["from_source_line"],
            "quote": origins["from_quote"],
            "step": 0,
        }
    )
    later = pd.DataFrame(
        {
            "chain_id": links["chain_id"],
            "chain_title": links["chain_title"],
            "event": links["relation"].astype(str).map(_EVENT_OF_RELATION),
            "on": links["to_on"],
            "due": links["to_due"],
            "ref": links["to_ref"],
            "kind": links["to_kind"].astype(str),
            "document": links["source"].map(paths.DOCUMENT_LABELS),
            "precision": links["to_on_precision"].astype(str),
            "reason": links["reason"],
            "source": links["source"],
            "source_line": links["source_line"],
            "quote": links["quote"],
            "step": links["step"],
        }
    )
    events = pd.concat([promised, later], ignore_index=True)
    events["event"] = events["event"].astype(_EVENT_TYPE)
    events["step"] = events["step"].astype("int64")
    events[["on", "due"]] = events[["on", "due"]].astype(_DATE)
    said = events["source"].map(DOCUMENT_DATES)
    events = events.assign(_said=said).sort_values(["chain_id", "_said", "step"], kind="stable")
    return events[list(EVENT_COLUMNS)].reset_index(drop=True)


def derived_due_words(commitments: pd.DataFrame) -> pd.Series:
    """How each commitment with a relative timescale gives its due dates, by ID.

    A relative timescale ("over the coming two to five years") states no date: the
    project derived ``due_start`` and ``due_end`` from it and the document's date. The
    words give the range the text gives, so a report never shows the derived end as a
    date the document set.

    Parameters
    ----------
    commitments : pandas.DataFrame
        Curated ``commitments`` (``timescale``, ``timescale_kind``,
        ``timescale_reference``, ``due_start``, ``due_end``).

    Returns
    -------
    pandas.Series
        Text indexed by ``commitment_id``, e.g. for IIF21-12 "over the coming two to five
        years from 19 January 2021: January 2023 – January 2026 (derived)"; only
        commitments with ``timescale_kind`` ``relative`` and both due dates.
    """
    rel = commitments[
        (commitments["timescale_kind"].astype(str) == "relative")
        & commitments["due_start"].notna()
        & commitments["due_end"].notna()
        & commitments["timescale_reference"].notna()
    ]
    words = [
        f"{text[:1].lower()}{text[1:]} from {pd.Timestamp(ref):%-d %B %Y}: "
        f"{pd.Timestamp(start):%B %Y} – {pd.Timestamp(end):%B %Y} (derived)"
        for text, ref, start, end in zip(
            rel["timescale"].astype(str),
            rel["timescale_reference"],
            rel["due_start"],
            rel["due_end"],
            strict=True,
        )
    ]
    return pd.Series(words, index=rel["commitment_id"].to_numpy(), dtype=object)


def chain_summary(links: pd.DataFrame, commitments: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per chain: first promise, restatements, first completion, total slip.

    Parameters
    ----------
    links : pandas.DataFrame
        The lineage table (:func:`load_links`).
    commitments : pandas.DataFrame, optional
        Curated ``commitments``, for :func:`derived_due_words`; read from
        ``data/curated/`` when not given.

    Returns
    -------
    pandas.DataFrame
        Columns ``chain_id``, ``chain_title``, ``first_commitment_id``,
        ``first_source`` (its raw file), ``first_promised_on`` (the date of its
        document), ``first_due`` (its due date; for an undated first promise, the first
        due date a restatement gives), ``first_due_ref`` (the commitment or link that
        set ``first_due``), ``restatements`` (how many), ``last_restated_on``,
        ``latest_due`` (the due date of the last restatement, in the chain's step
        order, that gives one), ``latest_due_derived`` (None when ``latest_due`` is a
        date a document gives; else the range its relative timescale gives,
        :func:`derived_due_words`, and ``latest_due`` is the derived range's end),
        ``first_done_on``,
        ``first_done_ref``, ``done_precision``, ``status`` (``complete`` or ``open``),
        ``last_seen_on`` (the latest event), ``restated_after_done`` (restatements
        in a document dated after the one with the first evidence of completion), ``slip_end_on``, ``slip_days``,
        ``slip_months`` and ``slip_bound`` (``exact``, ``at most`` or ``at least``).
        Sorted by total slip, longest first; chains with no due date last.

    Examples
    --------
    >>> summary = chain_summary(load_links()).set_index("chain_id")
    >>> summary.loc["LC-city-vision", ["status", "slip_bound"]].tolist()
    ['open', 'at least']
    """
    events = chain_events(links)
    events = events.assign(label=_event_label(events))
    by_chain = events.groupby("chain_id", sort=False)
    origin = events[events["step"] == 0].set_index("chain_id")
    restated = events[events["event"] == "restated"]
    done = events[events["event"] == "done"]
    first_done = done.sort_values(["chain_id", "on", "step"]).drop_duplicates("chain_id")
    first_done = first_done.set_index("chain_id")
    dated = events[events["event"].isin(["promised", "restated"]) & events["due"].notna()]
    first_dated = dated.sort_values(["chain_id", "step"]).drop_duplicates("chain_id")
    first_dated = first_dated.set_index("chain_id")
    latest_dated = restated[restated["due"].notna()].sort_values(["chain_id", "step"])
    latest_dated = latest_dated.drop_duplicates("chain_id", keep="last")
    summary = pd.DataFrame(
        {
            "chain_title": origin["chain_title"],
            "first_commitment_id": origin["ref"],
            "first_source": origin["source"],
            "first_promised_on": origin["on"],
            "first_due": first_dated["due"],
            "first_due_ref": first_dated["label"],
            "restatements": restated.groupby("chain_id").size(),
            "last_restated_on": restated.groupby("chain_id")["on"].max(),
            "latest_due": latest_dated.set_index("chain_id")["due"],
            "latest_due_derived": latest_dated.set_index("chain_id")["ref"].map(
                derived_due_words(load.load_commitments() if commitments is None else commitments)
            ),
            "first_done_on": first_done["on"],
            "first_done_ref": first_done["label"],
            "done_precision": first_done["precision"],
            "last_seen_on": by_chain["on"].max(),
        }
    )
    summary["restatements"] = summary["restatements"].fillna(0).astype("int64")
    done_said = first_done["source"].map(DOCUMENT_DATES).rename("done_said")
    after = restated.join(done_said, on="chain_id")
    later_document = after["source"].map(DOCUMENT_DATES) > after["done_said"]
    summary["restated_after_done"] = later_document.groupby(after["chain_id"]).sum()
    summary["restated_after_done"] = summary["restated_after_done"].fillna(0).astype("int64")
    complete = summary["first_done_on"].notna()
    summary["status"] = complete.map({True: "complete", False: "open"})
    summary["slip_end_on"] = summary["first_done_on"].where(complete, summary["last_seen_on"])
    days = (summary["slip_end_on"] - summary["first_due"]).dt.days
    summary["slip_days"] = days.astype("Int64")
    summary["slip_months"] = (days / DAYS_PER_MONTH).round(1)
    exact = summary["done_precision"] == "day"
    summary["slip_bound"] = (
        pd.Series("at most", index=summary.index)
        .where(~exact, "exact")
        .where(complete, "at least")
        .where(summary["first_due"].notna(), "")
    )
    dates = [c for c in summary.columns if c.endswith("_on") or c.endswith("_due")]
    summary[dates] = summary[dates].astype(_DATE)
    summary = summary.reset_index(names="chain_id")
    summary = summary.sort_values(
        ["slip_days", "chain_id"], ascending=[False, True], na_position="last", kind="stable"
    )
    return summary.reset_index(drop=True)[list(SUMMARY_COLUMNS)]


def _event_label(events: pd.DataFrame) -> pd.Series:
    """The event's row ID, or ``<document> line <n>`` for a statement."""
    where = events["document"] + " line " + events["source_line"].astype(str)
    return events["ref"].where(events["ref"] != "", where)


def chains_for(
    commitment_ids: Iterable[str],
    links: pd.DataFrame | None = None,
    page: str = LINEAGE_PAGE_FROM_PERIOD_REPORT,
) -> pd.DataFrame:
    """The chains the given commitments belong to, with a link to each chain's section.

    A commitment belongs to a chain when it is the chain's first promise or a later
    commitment that restates it.

    Parameters
    ----------
    commitment_ids : iterable of str
        Commitment IDs, for example those a period report shows.
    links : pandas.DataFrame, optional
        The lineage table; loaded with :func:`load_links` when not given.
    page : str, default :data:`LINEAGE_PAGE_FROM_PERIOD_REPORT`
        The lineage page's address as seen from where the link is shown.

    Returns
    -------
    pandas.DataFrame
        Columns ``commitment_id``, ``chain_id``, ``chain_title``, ``role``
        (``promised`` or ``restated``) and ``href`` (``<page>#<chain_id>``), one row per
        (commitment, chain), sorted by commitment and chain; empty when none belongs
        to a chain.

    Examples
    --------
    >>> chains_for(["CGIP18-3.5-1", "CGIP18-1.1-1"])[["commitment_id", "role", "href"]].values.tolist()
    [['CGIP18-3.5-1', 'restated', '../../lineage/lineage.html#LC-workforce-plan']]
    """
    links = load_links() if links is None else links
    origins = links.sort_values("step").drop_duplicates("chain_id")
    restating = links[(links["relation"] == "restates") & (links["to_kind"] == "commitment")]
    members = pd.concat(
        [
            pd.DataFrame(
                {
                    "commitment_id": origins["from_commitment_id"],
                    "chain_id": origins["chain_id"],
                    "chain_title": origins["chain_title"],
                    "role": "promised",
                }
            ),
            pd.DataFrame(
                {
                    "commitment_id": restating["to_ref"],
                    "chain_id": restating["chain_id"],
                    "chain_title": restating["chain_title"],
                    "role": "restated",
                }
            ),
        ],
        ignore_index=True,
    )
    wanted = members[members["commitment_id"].isin(list(commitment_ids))]
    wanted = wanted.drop_duplicates(["commitment_id", "chain_id"])
    wanted = wanted.assign(href=page + "#" + wanted["chain_id"])
    order = sorted(
        range(len(wanted)),
        key=lambda i: (natural_key(wanted["commitment_id"].iloc[i]), wanted["chain_id"].iloc[i]),
    )
    return wanted.iloc[order].reset_index(drop=True)
