"""Check a hand-linked observation of a 2015 action-plan action (one transcription row).

The December 2015 progress report and the March 2016 gap analysis give evidence about
actions of the 2015 action plan in their narrative. Each link is transcribed by hand
(``data/transcriptions/*_observations.csv``) with the evidence's quote and line, and
the linked action's own quote and line in the action plan. :func:`check_action_link`
verifies one such row, naming the transcription file, row and column on failure.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kerslake_analysis.ingest.provenance import SourceDocument
from kerslake_analysis.ingest.schema import OBSERVATION_STATES

_ACTION_ID = re.compile(r"AP15-(\d+)\.(\d+)([a-z]?)")
_PLAN_HEADING = re.compile(r"^\s*ACTION PLAN \d\.\s*$")


def plan_lines(action_plan: SourceDocument, plan: int) -> tuple[int, int]:
    """First and last line (exclusive) of one plan's pages in the 2015 action plan.

    Parameters
    ----------
    action_plan : SourceDocument
        The 2015 action plan (``004_…``).
    plan : int
        Plan number, 1–5.

    Returns
    -------
    tuple of int

    Raises
    ------
    ValueError
        If the document has no such plan.

    Examples
    --------
    >>> first, last = plan_lines(SourceDocument.open("action_plan_2015"), 1)
    >>> first < last
    True
    """
    starts = [
        number
        for number, line in enumerate(action_plan.lines, start=1)
        if _PLAN_HEADING.match(line)
    ]
    if not 1 <= plan <= len(starts):
        raise ValueError(f"{action_plan.name}: there is no ACTION PLAN {plan}")
    last = starts[plan] if plan < len(starts) else len(action_plan.lines) + 1
    return starts[plan - 1], last


def plan_of_line(action_plan: SourceDocument, line: int) -> int | None:
    """The number of the plan whose pages hold ``line`` (None before the first plan).

    Parameters
    ----------
    action_plan : SourceDocument
    line : int
        1-based line number.

    Returns
    -------
    int or None
    """
    plan = 1
    while True:
        try:
            first, last = plan_lines(action_plan, plan)
        except ValueError:
            return None
        if first < line < last:
            return plan
        plan += 1


def check_action_link(
    path: Path,
    row: int,
    record: dict,
    doc: SourceDocument,
    action_plan: SourceDocument,
    latest: str,
) -> None:
    """Verify one hand-linked observation row; raise naming file, row and column.

    Parameters
    ----------
    path : pathlib.Path
        The transcription file (for messages).
    row : int
        The row's number as a spreadsheet shows it (header = 1).
    record : dict
        The row: ``commitment_id``, ``state``, ``observed_on``, ``source_line``,
        ``quote``, ``action_line``, ``action_quote``.
    doc : SourceDocument
        The document the evidence quote comes from.
    action_plan : SourceDocument
        The 2015 action plan.
    latest : str
        The latest possible ``observed_on`` (ISO date): the evidence document's date.

    Raises
    ------
    ValueError
        On a malformed ID, state, date or line number, or an action quote that is not
        the linked action's first line inside its plan.
    kerslake_analysis.ingest.provenance.QuoteNotFoundError
        When a quote is not verbatim on its stated line.
    """

    def fail(column: str, problem: str) -> ValueError:
        return ValueError(f"{path.name}: row {row}, column {column}: {problem}")

    match = _ACTION_ID.fullmatch(record["commitment_id"])
    if not match:
        raise fail("commitment_id", f"not an AP15-<plan>.<action> ID: {record['commitment_id']!r}")
    if record["state"] not in OBSERVATION_STATES:
        raise fail("state", f"{record['state']!r} is not one of {OBSERVATION_STATES}")
    try:
        observed = pd.Timestamp(record["observed_on"])
    except ValueError as error:
        raise fail("observed_on", f"not an ISO date: {record['observed_on']!r}") from error
    if observed.strftime("%Y-%m-%d") != record["observed_on"] or observed > pd.Timestamp(latest):
        raise fail("observed_on", f"{record['observed_on']!r} is not a date up to {latest}")
    for column in ("source_line", "action_line"):
        if not record[column].isdigit():
            raise fail(column, f"not a line number: {record[column]!r}")
    doc.check(record["quote"], int(record["source_line"]))
    action_plan.check(record["action_quote"], int(record["action_line"]))
    plan, action, letter = match.groups()
    line = int(record["action_line"])
    found = plan_of_line(action_plan, line)
    if found != int(plan):
        raise fail("action_line", f"line {line} is in action plan {found}, not {plan}")
    opening = f"In line with {action} above" if letter else f"{action} "
    if not record["action_quote"].startswith(opening):
        raise fail("action_quote", f"does not start with {opening!r}: {record['action_quote']!r}")


#: The columns of an action-link transcription (``data/transcriptions/*_observations.csv``).
TRANSCRIPTION_COLUMNS = (
    "commitment_id",
    "state",
    "observed_on",
    "source_line",
    "quote",
    "action_line",
    "action_quote",
    "transcription_note",
)


def read_action_links(
    path: Path,
    doc: SourceDocument,
    id_prefix: str,
    period: str,
    latest: str,
    evidence=None,
) -> pd.DataFrame:
    """Read one action-link transcription into observation rows, checking every row.

    The December 2015 progress report and the March 2016 gap analysis share this reader.

    Parameters
    ----------
    path : pathlib.Path
        The transcription file.
    doc : SourceDocument
        The document the evidence quotes.
    id_prefix : str
        Prefix of the observation IDs (``"PR15-"``, ``"GAP16-"``).
    period : str
        The period ``YYYY-MM`` the evidence belongs to.
    latest : str
        The latest ``observed_on`` allowed (ISO date), passed to :func:`check_action_link`.
    evidence : callable, optional
        Turns a quote into the plain ``evidence`` text; the quote itself when omitted.

    Returns
    -------
    pandas.DataFrame
        Observation columns; ``transcription_note`` begins with the action-plan line the
        observation is linked to.

    Raises
    ------
    ValueError
        If a column is missing, a value is malformed or an ID repeats; the message names
        the file, the row (1 = first data row) and the column.
    kerslake_analysis.ingest.provenance.QuoteNotFoundError
        If a quote is not on its stated line of its document.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in TRANSCRIPTION_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}")
    action_plan = SourceDocument.open("action_plan_2015")
    for row, record in enumerate(table.to_dict("records"), start=1):
        check_action_link(path, row, record, doc, action_plan, latest)
    duplicated = table["commitment_id"].duplicated()
    if duplicated.any():
        row = int(duplicated.to_numpy().nonzero()[0][0]) + 1
        raise ValueError(f"{path.name}: row {row}, column commitment_id: duplicate ID")
    link = (
        "Evidences " + table["commitment_id"] + ", "
        f"{action_plan.name} line " + table["action_line"] + ": '" + table["action_quote"] + "'."
    )
    return pd.DataFrame(
        {
            "observation_id": id_prefix + table["commitment_id"],
            "commitment_id": table["commitment_id"],
            "period": period,
            "observed_on": table["observed_on"],
            "state": table["state"],
            "evidence": table["quote"] if evidence is None else table["quote"].map(evidence),
            "source": doc.name,
            "source_line": table["source_line"].astype(int),
            "quote": table["quote"],
            "transcription_note": (link + " " + table["transcription_note"]).str.strip(),
        }
    )
