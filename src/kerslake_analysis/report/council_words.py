"""The council's own words in a period report, quoted verbatim with file and line.

Three things (issue 16, item 4): the latest update the council gave on each commitment,
shown in the overdue list; the reasons it gave for slippage in a period, shown beside
that list; and what partners said of a period (the 2018 temperature take). The texts
come from :class:`~kerslake_analysis.report.plan_data.PlanData` ``updates`` and
``remarks`` (:mod:`kerslake_analysis.ingest.council_words` says where each is read).
"""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import period_label
from kerslake_analysis.report.formatting import short_day_label
from kerslake_analysis.report.plan_data import PeriodView

#: Characters of one quoted text; a longer one ends "… (shortened)" (its line is cited).
MAX_QUOTE_CHARS = 4_000


def quoted(
    text: str, cut_before: bool = False, cut_after: bool = False, limit: int = MAX_QUOTE_CHARS
) -> str:
    """A text in curly quotes, with "…" where it is only part of its line.

    A text longer than ``limit`` characters is cut there and marked "(shortened)" outside
    the quotation marks, so the mark is never read as the council's.

    Examples
    --------
    >>> quoted("We are on track.")
    '“We are on track.”'
    >>> quoted("a targeted set of priorities", cut_before=True)
    '“… a targeted set of priorities”'
    >>> quoted("abcdef", limit=3)
    '“abc…” (shortened)'
    """
    text = str(text)
    shortened = len(text) > limit
    if shortened:
        text = text[:limit] + "…"
    opening = "“… " if cut_before else "“"
    closing = " …”" if cut_after and not shortened else "”"
    return f"{opening}{text}{closing}" + (" (shortened)" if shortened else "")


def cited(source: str, line: int, continued_on: str = "") -> str:
    """``[document line n]``, the form every quote of a page is cited in.

    Parameters
    ----------
    source : str
        The file; a published document is named as every page names it
        (:func:`kerslake_analysis.base.paths.document_name`).
    line : int
        The line quoted.
    continued_on : str, default ""
        The other lines the text is on, ``", "``-joined (a page break split it).

    Examples
    --------
    >>> cited("tracker_2024-02.csv", 3)
    '[tracker_2024-02.csv line 3]'
    >>> cited("001_3e6875fb2dbcaf44.txt", 110, "103")
    '[the 2018 improvement plan (001_3e6875fb2dbcaf44.txt) lines 103, 110]'
    """
    more = [int(n) for n in str(continued_on).split(",") if n.strip()]
    lines = sorted({int(line), *more})
    where = f"line {lines[0]}" if len(lines) == 1 else f"lines {', '.join(map(str, lines))}"
    return f"[{paths.document_name(source)} {where}]"


def latest_updates(view: PeriodView) -> pd.DataFrame:
    """Each commitment's latest updates known at the period, one row per update text.

    An update counts from its ``period`` (for one whose month the document does not
    state, the document's own month). The latest are those of the latest month given
    (the 2018 tracker often gives two or three in a month), in document order, and then
    any known update whose month is not stated: it may be older or newer, so it is shown,
    marked "month not stated", rather than ranked.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.DataFrame
        ``PlanData.updates`` columns; commitments with no update are absent.
    """
    updates = view.data.updates
    known = updates[updates["period"].astype(str) <= view.period]
    if known.empty:
        return known.reset_index(drop=True)
    latest = known.groupby("commitment_id")["dated"].transform("max")
    shown = (known["dated"] == latest) | (known["dated"] == "")
    return known[shown].reset_index(drop=True)


def update_cells(view: PeriodView) -> pd.Series:
    """The latest updates of each commitment as one cell of text, indexed by commitment.

    For example ``On improvement aim 1.6, September 2018: “…” [the 2018 improvement plan
    (001_…) line 48]`` or ``December 2015: “… we created a councillor development
    programme.” [the December 2015 progress report (000_…) line 230]``: the month the
    document or snapshot gives (``month not stated`` where it gives none), each text
    quoted verbatim, "…" marking a passage cut from its line, then its document and line.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.Series
        str, indexed by ``commitment_id``.
    """
    latest = latest_updates(view)
    latest = latest.assign(undated=latest["dated"] == "")
    cells = {}
    for commitment_id, group in latest.groupby("commitment_id", sort=False):
        parts = []
        for _, same in group.groupby("undated", sort=True):  # dated first
            first = same.iloc[0]
            when = _when(str(first["dated"]))
            quotes = " ".join(
                f"{quoted(row.text, row.cut_before, row.cut_after)} "
                f"{cited(row.source, row.source_line, row.continued_on)}"
                for row in same.itertuples(index=False)
            )
            parts.append(f"{when}: {quotes}")
        about = group["about"].iloc[0]
        cells[commitment_id] = (f"On {about}, " if about else "") + "; ".join(parts)
    return pd.Series(cells, dtype=object)


def _when(dated: str) -> str:
    """Say when: "September 2018", "29 Aug 2018" or "month not stated"."""
    if not dated:
        return "month not stated"
    if len(dated) == len("YYYY-MM"):
        return period_label(dated)
    return short_day_label(dated)


def remarks_at(view: PeriodView, kind: str) -> pd.DataFrame:
    """The remarks of one kind the documents make on the period, in document order.

    Parameters
    ----------
    view : PeriodView
    kind : str
        :data:`kerslake_analysis.ingest.council_words.SLIPPAGE_REASON` or
        :data:`~kerslake_analysis.ingest.council_words.TEMPERATURE_TAKE`.

    Returns
    -------
    pandas.DataFrame
        ``PlanData.remarks`` columns.
    """
    remarks = view.data.remarks
    chosen = remarks[(remarks["period"] == view.period) & (remarks["kind"] == kind)]
    return chosen.sort_values("order").reset_index(drop=True)


def reasons_table(reasons: pd.DataFrame) -> pd.DataFrame:
    """The reasons for slippage as shown: ``Reason, in the council's words`` and ``Source``.

    Parameters
    ----------
    reasons : pandas.DataFrame
        :func:`remarks_at` rows of kind "reason for slippage".

    Returns
    -------
    pandas.DataFrame
    """
    return pd.DataFrame(
        {
            "Reason, in the council's words": [quoted(t) for t in reasons["text"]],
            "Source": [
                cited(s, n) for s, n in zip(reasons["source"], reasons["source_line"], strict=True)
            ],
        }
    )


def take_table(take: pd.DataFrame) -> pd.DataFrame:
    """The temperature take as shown: who and when, the point noted, and the source.

    The points are the tracker's notes of each conversation, not the speaker's own words
    verbatim, so they are headed as the tracker records them.

    Parameters
    ----------
    take : pandas.DataFrame
        :func:`remarks_at` rows of kind "temperature take".

    Returns
    -------
    pandas.DataFrame
        ``Who, when`` ("Précis" for the summary's paragraphs), ``As the tracker records
        it`` and ``Source``.
    """
    who = [
        f"{speaker}, {_when(said_on)}" if said_on else (speaker or "Précis")
        for speaker, said_on in zip(take["speaker"], take["said_on"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Who, when": who,
            "As the tracker records it": [quoted(t) for t in take["text"]],
            "Source": [
                cited(s, n) for s, n in zip(take["source"], take["source_line"], strict=True)
            ],
        }
    )
