"""The council's own words in a period report, quoted verbatim with file and line.

Three things (issue 16, item 4): the latest update the council gave on each commitment,
shown in the overdue list; the reasons it gave for slippage in a period, shown beside
that list; and what partners said of a period (the 2018 temperature take). The texts
come from :class:`~kerslake_analysis.report.plan_data.PlanData` ``updates`` and
``remarks`` (:mod:`kerslake_analysis.ingest.council_words` says where each is read).
"""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base.periods import period_label
from kerslake_analysis.report.plan_data import PeriodView

#: Characters of one quoted text; a longer one ends "… (shortened)" (its line is cited).
MAX_QUOTE_CHARS = 4_000


def quoted(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    """A text in curly quotes, cut to ``limit`` characters with "… (shortened)" after.

    Examples
    --------
    >>> quoted("We are on track.")
    '“We are on track.”'
    >>> quoted("abcdef", limit=3)
    '“abc… (shortened)”'
    """
    text = str(text)
    if len(text) > limit:
        text = text[:limit] + "… (shortened)"
    return f"“{text}”"


def cited(source: str, line: int, continued_on: str = "") -> str:
    """``[file line n]``, the form every quote of a page is cited in.

    Parameters
    ----------
    source : str
        The file.
    line : int
        The line quoted.
    continued_on : str, default ""
        Further lines the text runs on to, ``", "``-joined (a page break split it).

    Examples
    --------
    >>> cited("000_e235c92a6776d4ac.txt", 157)
    '[000_e235c92a6776d4ac.txt line 157]'
    >>> cited("001_3e6875fb2dbcaf44.txt", 110, "103")
    '[001_3e6875fb2dbcaf44.txt lines 103, 110]'
    """
    more = [int(n) for n in str(continued_on).split(",") if n.strip()]
    if not more:
        return f"[{source} line {int(line)}]"
    return f"[{source} lines {', '.join(map(str, sorted({int(line), *more})))}]"


def latest_updates(view: PeriodView) -> pd.DataFrame:
    """Each commitment's latest update known at the period, one row per update text.

    An update counts from its ``period`` (for an update whose month the document does
    not state, the document's own month). The latest are those with the latest
    ``dated``; an undated update comes before any dated one, so it is the latest only
    when the commitment has no dated update. Several updates of the same latest month
    (the 2018 tracker often gives two or three) are all kept, in document order.

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
    return known[known["dated"] == latest].reset_index(drop=True)


def update_cells(view: PeriodView) -> pd.Series:
    """The latest update of each commitment as one cell of text, indexed by commitment.

    For example ``On improvement aim 1.6, September 2018: “…” [001_… line 48]`` or
    ``31 Dec 2015: “…” [000_… line 230]``: when (``month not stated`` where the document
    does not say), each text quoted verbatim, then its file and line.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    pandas.Series
        str, indexed by ``commitment_id``.
    """
    latest = latest_updates(view)
    cells = {}
    for commitment_id, group in latest.groupby("commitment_id", sort=False):
        first = group.iloc[0]
        when = _when(str(first["dated"]))
        lead = f"On {first['about']}, {when}" if first["about"] else when
        quotes = " ".join(
            f"{quoted(row.text)} {cited(row.source, row.source_line, row.continued_on)}"
            for row in group.itertuples(index=False)
        )
        cells[commitment_id] = f"{lead}: {quotes}"
    return pd.Series(cells, dtype=object)


def _when(dated: str) -> str:
    """Say when: "31 Dec 2015", "September 2018" or "month not stated"."""
    if not dated:
        return "month not stated"
    if len(dated) == len("YYYY-MM"):
        return period_label(dated)
    return pd.Timestamp(dated).strftime("%d %b %Y")


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
    """The temperature take as shown: who and when, their words, and the source.

    Parameters
    ----------
    take : pandas.DataFrame
        :func:`remarks_at` rows of kind "temperature take".

    Returns
    -------
    pandas.DataFrame
        ``Who, when`` ("Précis" for the summary's paragraphs), ``In their words`` and
        ``Source``.
    """
    who = [
        f"{speaker}, {_when(said_on)}" if said_on else (speaker or "Précis")
        for speaker, said_on in zip(take["speaker"], take["said_on"], strict=True)
    ]
    return pd.DataFrame(
        {
            "Who, when": who,
            "In their words": [quoted(t) for t in take["text"]],
            "Source": [
                cited(s, n) for s, n in zip(take["source"], take["source_line"], strict=True)
            ],
        }
    )
