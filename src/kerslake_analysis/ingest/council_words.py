"""The council's own words: what it last said about each commitment, and about a period.

A period report quotes the council beside its figures (issue 16). Two kinds of text:

* **Updates** on a commitment's progress, one row per update. For the 2015 plan these
  are the lines of the progress report and the gap analysis that the observations quote
  (each observation's ``evidence`` is a verbatim passage of its line). The 2018 tracker
  gives its updates per improvement aim, not per output: the rows of ``cgip18_updates``
  are the council's words, and each is attached to every output of its aim (the outputs
  are the commitments ``CGIP18-<aim>-<n>``, ``data/curated/README.md``), saying so in
  ``about``. Its observations are the package's readings of those updates, and where
  the tracker says nothing the observation's evidence is the package's own note ("No
  COMPLETE marker …"), never the council's words, so they are not used. A council's
  register gives its update column (the observations' ``evidence``).
* **Remarks** on a period as a whole: the reasons the December 2015 report gives for the
  actions behind schedule, which it does not attach to any action
  (``slippage_reasons``), and the partners' Aug–Sep 2018 temperature take
  (``cgip18_temperature``).

Every row keeps its source file and line (and, for a 2018 update split by a page break,
the other lines it is on); the text is the curated plain text of those lines, so it
appears in them once markup is removed. Where it is only a passage of its line, the row
says so (:func:`mark_passages`), for the page to show the cut.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.documents.cgip_2018 import DOCUMENT_PERIOD
from kerslake_analysis.ingest.provenance import strip_markup

#: Columns of :func:`commitment_updates`.
UPDATE_COLUMNS = (
    "commitment_id",
    "period",
    "dated",
    "about",
    "text",
    "cut_before",
    "cut_after",
    "source",
    "source_line",
    "continued_on",
)
#: Columns of :func:`period_remarks`.
REMARK_COLUMNS = (
    "plan",
    "period",
    "kind",
    "order",
    "speaker",
    "said_on",
    "text",
    "source",
    "source_line",
)
#: The kinds of remark, as :func:`period_remarks` names them.
SLIPPAGE_REASON = "reason for slippage"
TEMPERATURE_TAKE = "temperature take"


def observation_updates(observations: pd.DataFrame) -> pd.DataFrame:
    """The observations whose evidence is the source's own words, as update rows.

    Parameters
    ----------
    observations : pandas.DataFrame
        Curated ``observations`` columns (or a register's), with ``evidence`` a verbatim
        passage of the line ``source``/``source_line``.

    Returns
    -------
    pandas.DataFrame
        :data:`UPDATE_COLUMNS`: ``period`` and ``dated`` the observation's period, the
        month of the document or snapshot that says it (``observed_on`` can be the date
        of the event the text reports, months earlier); ``about`` and ``continued_on``
        empty; ``cut_before`` and ``cut_after`` False (see :func:`mark_passages`). Rows
        with no evidence text are left out.
    """
    said = observations[observations["evidence"].fillna("").astype(str).str.strip() != ""]
    frame = pd.DataFrame(
        {
            "commitment_id": said["commitment_id"].astype(str),
            "period": said["period"].astype(str),
            "dated": said["period"].astype(str),
            "about": "",
            "text": said["evidence"].astype(str),
            "cut_before": False,
            "cut_after": False,
            "source": said["source"].astype(str),
            "source_line": said["source_line"].astype("int64"),
            "continued_on": "",
        }
    )
    return frame.reset_index(drop=True)


def aim_updates(
    commitments: pd.DataFrame, aims: pd.DataFrame, updates: pd.DataFrame, document_period: str
) -> pd.DataFrame:
    """Each update of an improvement aim, once for every output (commitment) of the aim.

    Parameters
    ----------
    commitments : pandas.DataFrame
        Curated ``commitments``; the outputs of aim ``CGIP18-1.6`` are ``CGIP18-1.6-<n>``.
    aims : pandas.DataFrame
        Curated ``cgip18_aims`` (``aim_id``, ``ref``).
    updates : pandas.DataFrame
        Curated ``cgip18_updates`` (``aim_id``, ``month``, ``text``, ``source``,
        ``source_line``, ``continued_on``).
    document_period : str
        The month of the document, ``YYYY-MM``: an update whose month the document does
        not state is known to exist only from then.

    Returns
    -------
    pandas.DataFrame
        :data:`UPDATE_COLUMNS`: ``period`` the update's month (or ``document_period``),
        ``dated`` its month (empty when not stated), ``about`` "improvement aim <ref>",
        ``continued_on`` the other lines a text split by a page break is on; the update
        is the whole of its text, so ``cut_before`` and ``cut_after`` are False.
    """
    outputs = _outputs_of_aims(commitments, aims)
    joined = outputs.merge(updates, on="aim_id")
    month = joined["month"].fillna("").astype(str)
    ref = joined["ref"].where(joined["ref"] != "", joined["aim_id"].str.removeprefix("CGIP18-"))
    frame = pd.DataFrame(
        {
            "commitment_id": joined["commitment_id"],
            "period": month.where(month != "", document_period),
            "dated": month,
            "about": "improvement aim " + ref,
            "text": joined["text"],
            "cut_before": False,
            "cut_after": False,
            "source": joined["source"],
            "source_line": joined["source_line"].astype("int64"),
            "continued_on": joined["continued_on"].fillna("").astype(str),
        }
    )
    return frame.reset_index(drop=True)


def _outputs_of_aims(commitments: pd.DataFrame, aims: pd.DataFrame) -> pd.DataFrame:
    """``commitment_id``, ``aim_id`` and ``ref`` of each commitment that is an aim's output."""
    outputs = commitments[["commitment_id"]].assign(
        aim_id=commitments["commitment_id"].str.rsplit("-", n=1).str[0]
    )
    return outputs.merge(aims[["aim_id", "ref"]], on="aim_id")


def period_remarks(slippage_reasons: pd.DataFrame, temperature: pd.DataFrame) -> pd.DataFrame:
    """The documents' words on a period as a whole, in document order.

    Parameters
    ----------
    slippage_reasons : pandas.DataFrame
        Curated ``slippage_reasons``.
    temperature : pandas.DataFrame
        Curated ``cgip18_temperature``.

    Returns
    -------
    pandas.DataFrame
        :data:`REMARK_COLUMNS`; ``kind`` is :data:`SLIPPAGE_REASON` or
        :data:`TEMPERATURE_TAKE`, ``speaker`` the partner (empty for the council's own
        list and for the précis), ``said_on`` the date of the conversation, ``YYYY-MM-DD``
        or empty.
    """
    reasons = pd.DataFrame(
        {
            "plan": slippage_reasons["plan"].astype(str),
            "period": slippage_reasons["period"],
            "kind": SLIPPAGE_REASON,
            "order": slippage_reasons["reason_order"].astype("int64"),
            "speaker": "",
            "said_on": "",
            "text": slippage_reasons["reason"],
            "source": slippage_reasons["source"],
            "source_line": slippage_reasons["source_line"].astype("int64"),
        }
    )
    take = pd.DataFrame(
        {
            "plan": temperature["plan"].astype(str),
            "period": temperature["period"],
            "kind": TEMPERATURE_TAKE,
            "order": range(1, len(temperature) + 1),
            "speaker": temperature["partner"],
            "said_on": pd.to_datetime(temperature["date"]).dt.strftime("%Y-%m-%d").fillna(""),
            "text": temperature["point"],
            "source": temperature["source"],
            "source_line": temperature["source_line"].astype("int64"),
        }
    )
    return pd.concat([reasons, take], ignore_index=True)[list(REMARK_COLUMNS)]


def mark_passages(updates: pd.DataFrame) -> pd.DataFrame:
    """Say where a quoted passage is only part of a sentence of its published line.

    An observation of the 2015 plan quotes the passage of a paragraph that bears on the
    action, sometimes a clause of a longer sentence; a page must show the cut ("… a
    targeted set of priorities …"), never present a clause as the whole statement. A
    passage made of whole sentences is not marked: the other sentences of the paragraph
    are about other things, and the line is cited.

    Parameters
    ----------
    updates : pandas.DataFrame
        :data:`UPDATE_COLUMNS` rows whose ``source`` is one of the five raw files.

    Returns
    -------
    pandas.DataFrame
        A copy with ``cut_before`` (the passage starts inside a sentence of its line)
        and ``cut_after`` (it stops inside one).
    """
    marked = updates.copy()
    cuts = [
        _cuts(text, strip_markup(load.source_line_text(source, line)))
        for text, source, line in zip(
            marked["text"], marked["source"], marked["source_line"], strict=True
        )
    ]
    marked["cut_before"] = [before for before, _ in cuts]
    marked["cut_after"] = [after for _, after in cuts]
    return marked


def _cuts(passage: str, line: str) -> tuple[bool, bool]:
    """Whether ``passage`` starts, and whether it stops, inside a sentence of ``line``.

    Examples
    --------
    >>> _cuts("we created a programme", "With help from partners, we created a programme.")
    (True, False)
    >>> _cuts("We created a programme", "We created a programme and a plan.")
    (False, True)
    >>> _cuts("Workshops will run.", "Work began. Workshops will run. More to come.")
    (False, False)
    """
    passage, line = " ".join(str(passage).split()), " ".join(line.split())
    start = line.find(passage)
    if start < 0:  # markup read differently: judge on the passage alone
        head, tail = "", ""
    else:
        head, tail = line[:start].rstrip(), line[start + len(passage) :]
    before = bool(head) and not head.endswith((".", "!", "?", ":", ";")) and head not in "-*"
    after = not passage.rstrip("”’\"')").endswith((".", "!", "?", ":")) and (
        start < 0 or any(c.isalnum() for c in tail)
    )
    return before, after


def lead_in(source: str, line: int) -> tuple[str, int]:
    """The sentence a document introduces a list with: the last non-blank line above it.

    Parameters
    ----------
    source : str
        A raw file name, as in the ``source`` column.
    line : int
        The line of the list's first item.

    Returns
    -------
    (str, int)
        The line's text, stripped, and its number.

    Raises
    ------
    ValueError
        If every line above ``line`` is blank.

    Examples
    --------
    >>> lead_in("000_e235c92a6776d4ac.txt", 157)
    ('The reasons some actions behind are:', 155)
    """
    for number in range(int(line) - 1, 0, -1):
        text = strip_markup(load.source_line_text(source, number))
        if text:
            return text, number
    raise ValueError(f"{source}: nothing above line {line}")


def embedded_council_words(
    plan: str,
    commitments: pd.DataFrame,
    observations: pd.DataFrame,
    directory: Path | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The updates and remarks of one embedded plan, from the curated tables.

    Parameters
    ----------
    plan : str
        Plan slug (``"ap-2015"``, ``"cgip-2018"`` …).
    commitments, observations : pandas.DataFrame
        The plan's curated commitments and observations.
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        The plan's updates (:data:`UPDATE_COLUMNS`) and remarks (:data:`REMARK_COLUMNS`).
        An output of an improvement aim takes the aim's updates and none of its
        observations (module docstring).
    """
    aims = load.load_table("cgip18_aims", directory)
    by_aim = aim_updates(
        commitments, aims, load.load_table("cgip18_updates", directory), DOCUMENT_PERIOD
    )
    outputs = _outputs_of_aims(commitments, aims)["commitment_id"]
    own = mark_passages(
        observation_updates(observations[~observations["commitment_id"].isin(outputs)])
    )
    updates = pd.concat([by_aim, own], ignore_index=True)[list(UPDATE_COLUMNS)]
    remarks = period_remarks(
        load.load_table("slippage_reasons", directory),
        load.load_table("cgip18_temperature", directory),
    )
    return updates, remarks[remarks["plan"] == plan].reset_index(drop=True)
