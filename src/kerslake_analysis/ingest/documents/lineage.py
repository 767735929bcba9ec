"""Lineage chains: the same promise followed across the five documents.

A *chain* follows one promise from the plan that first made it (its *origin*, a
commitment) through later documents. Each *link* ties a commitment of the chain to a
later text that speaks of the same promise:

``restates``
    the promise is made again (a later commitment, or a sentence giving it a new date
    or none);
``progress``
    evidence that it is under way or not yet done;
``completes``
    evidence that it was done.

Which texts are the same promise is a judgement, so the links are a hand
transcription, ``data/transcriptions/lineage.csv`` (candidates were suggested by
:mod:`kerslake_analysis.measure.lineage_candidates`; every link kept was confirmed by reading
both ends). :func:`build` checks every row and contributes the ``lineage`` table: one
row per link, with both quotes, both dates and the new due date.

The later end of a link (``to_kind``) is a ``commitment``, an ``observation``, a 2018
``update`` or ``aim``, or a ``statement`` (a line of a document that no curated table
holds; ``to_ref`` empty). Its quote is the row's ``source``/``source_line``/``quote``;
the earlier end, always a commitment, is ``from_source``/``from_source_line``/
``from_quote``.

Dates: ``from_on`` is the date of the document that made the ``from`` commitment and
``from_due`` its due date (the end of its due window). ``to_on`` is the date the later
end holds: for a commitment or an aim the document's date; for evidence the date the
text gives, to the precision recorded in ``to_on_precision`` (``day``, ``month``,
``season`` or ``document`` when only the document's date is known, so the event
happened on or before it). ``to_due`` is a restatement's new due date: a commitment's
own, or ``to_timescale`` (verbatim from the quote) read by
:func:`kerslake_analysis.ingest.timescales.parse_timescale` from ``to_on``.

Examples
--------
>>> links = build()["lineage"]
>>> int(links["chain_id"].nunique()) >= 10
True
>>> row = links.set_index("link_id").loc["LC-scrutiny-committees.1"]
>>> row["from_commitment_id"], row["relation"], row["to_on"]
('AP15-4.6c', 'completes', '2015-05-21')
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import period_end
from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.documents import (
    action_plan_2015,
    cgip_2018,
    gap_2016,
    iif_2021,
    progress_2015,
)
from kerslake_analysis.ingest.load import CuratedDataError, Problem, spreadsheet_row
from kerslake_analysis.ingest.provenance import SourceDocument, strip_markup
from kerslake_analysis.ingest.timescales import TimescaleError, parse_timescale

#: The hand transcription of the links.
LINKS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "lineage.csv"

#: The date of each raw document, by file name, as its own source module reads it.
DOCUMENT_DATES: dict[str, str] = {
    paths.SOURCE_FILES["action_plan_2015"]: action_plan_2015.TIMESCALE_REFERENCE,
    paths.SOURCE_FILES["progress_2015"]: progress_2015.PERIOD_DATE,
    paths.SOURCE_FILES["gap_2016"]: gap_2016.REFERENCE_DATE,
    paths.SOURCE_FILES["cgip_2018"]: cgip_2018.DOCUMENT_DATE,
    paths.SOURCE_FILES["iif_2021"]: iif_2021.REFERENCE_DATE,
}

RELATIONS: tuple[str, ...] = schema.LINEAGE_RELATIONS
TO_KINDS: tuple[str, ...] = schema.LINEAGE_TO_KINDS
PRECISIONS: tuple[str, ...] = schema.LINEAGE_PRECISIONS

#: Columns of the transcription file, in order.
TRANSCRIPTION_COLUMNS: tuple[str, ...] = (
    "chain_id",
    "chain_title",
    "step",
    "relation",
    "from_commitment_id",
    "from_source",
    "from_source_line",
    "from_quote",
    "to_kind",
    "to_ref",
    "to_source",
    "to_source_line",
    "to_quote",
    "to_on",
    "to_on_precision",
    "to_timescale",
    "reason",
    "transcription_note",
)

#: The table of every row a link's later end may name, by ``to_kind``.
_ROW_TABLES = {
    "commitment": ("commitments", "commitment_id"),
    "observation": ("observations", "observation_id"),
    "update": ("cgip18_updates", "update_id"),
    "aim": ("cgip18_aims", "aim_id"),
}
_SEASON_ENDS = {2, 5, 8, 11}


def build(path: Path = LINKS_FILE) -> dict[str, pd.DataFrame]:
    """Read and check the hand-transcribed links; return the ``lineage`` table.

    Every row is checked, and every problem is reported together: both quotes must be
    verbatim on their stated lines; the ``from`` commitment must exist, in the stated
    document, on the stated line; a ``to_ref`` must name an existing row of its kind,
    in the stated document and on the stated line (an observation must be of the
    ``from`` commitment); dates must agree with the documents (see the module
    docstring); steps of a chain must run 1, 2, … under one title, the first step's
    commitment being the chain's origin and every later ``from`` the origin or a
    commitment an earlier step restated it as.

    Parameters
    ----------
    path : pathlib.Path, default :data:`LINKS_FILE`
        The transcription CSV.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"lineage": frame}``, columns as :data:`kerslake_analysis.ingest.schema.lineage`.

    Raises
    ------
    kerslake_analysis.ingest.load.CuratedDataError
        Naming the file, the row (header = row 1) and the column of every problem.
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in TRANSCRIPTION_COLUMNS if c not in table.columns]
    if missing:
        raise CuratedDataError([Problem(path.name, 1, c, "column missing") for c in missing])
    rows = _reference_rows()
    problems: list[Problem] = []
    derived = []
    for index, record in enumerate(table.to_dict("records")):
        found, values = _check_link(record, rows)
        problems += [
            Problem(path.name, spreadsheet_row(index), column, message) for column, message in found
        ]
        derived.append(values)
    problems += _check_chains(table, path.name)
    if problems:
        raise CuratedDataError(problems)
    extra = pd.DataFrame(derived, index=table.index)
    frame = pd.DataFrame(
        {
            "link_id": table["chain_id"] + "." + table["step"],
            "chain_id": table["chain_id"],
            "chain_title": table["chain_title"],
            "step": table["step"].astype(int),
            "relation": table["relation"],
            "from_commitment_id": table["from_commitment_id"],
            "from_on": extra["from_on"],
            "from_due": extra["from_due"],
            "from_source": table["from_source"],
            "from_source_line": table["from_source_line"].astype(int),
            "from_quote": table["from_quote"],
            "to_kind": table["to_kind"],
            "to_ref": table["to_ref"],
            "to_on": table["to_on"],
            "to_on_precision": table["to_on_precision"],
            "to_due": extra["to_due"],
            "to_timescale": table["to_timescale"],
            "reason": table["reason"],
            "source": table["to_source"],
            "source_line": table["to_source_line"].astype(int),
            "quote": table["to_quote"],
            "transcription_note": table["transcription_note"],
        }
    )
    return {"lineage": frame}


@cache
def _reference_rows() -> dict[str, pd.DataFrame]:
    """The rows links may name, from the other source modules, indexed by ID."""
    built = [
        module.build()
        for module in (action_plan_2015, progress_2015, gap_2016, cgip_2018, iif_2021)
    ]
    rows = {}
    for table, id_column in _ROW_TABLES.values():
        parts = [tables[table] for tables in built if table in tables]
        rows[table] = pd.concat(parts, ignore_index=True).set_index(id_column)
    return rows


def _check_link(record: dict, rows: dict[str, pd.DataFrame]) -> tuple[list, dict]:
    """Check one transcription row; return (column, message) problems and derived dates."""
    found: list[tuple[str, str]] = []
    values = {"from_on": "", "from_due": "", "to_due": ""}
    if not record["step"].isdigit() or int(record["step"]) < 1:
        found.append(("step", f"not a step number >= 1: {record['step']!r}"))
    for column, allowed in (
        ("relation", RELATIONS),
        ("to_kind", TO_KINDS),
        ("to_on_precision", PRECISIONS),
    ):
        if record[column] not in allowed:
            found.append((column, f"{record[column]!r} is not one of {', '.join(allowed)}"))
    for column in ("chain_title", "reason"):
        if not record[column].strip():
            found.append((column, "must not be empty"))
    commitments = rows["commitments"]
    origin = record["from_commitment_id"]
    if origin not in commitments.index:
        found.append(("from_commitment_id", f"no such commitment_id: {origin!r}"))
    else:
        found += _same_place(record, "from_", commitments.loc[origin], "from_commitment_id")
        values["from_on"] = DOCUMENT_DATES.get(record["from_source"], "")
        values["from_due"] = _due(commitments.loc[origin])
    found += _quote_on_line(record, "from_")
    found += _quote_on_line(record, "to_")
    if found:
        return found, values
    found += _check_to_end(record, rows)
    if not found:
        values["to_due"], problems = _to_due(record, rows)
        found += problems
    return found, values


def _same_place(record: dict, prefix: str, row: pd.Series, id_column: str) -> list:
    """The quote must come from the named row's document and line."""
    found = []
    if record[f"{prefix}source"] != row["source"]:
        found.append((f"{prefix}source", f"{record[id_column]} is in {row['source']}, not here"))
    elif record[f"{prefix}source_line"] != str(row["source_line"]):
        found.append(
            (
                f"{prefix}source_line",
                f"{record[id_column]} is on line {row['source_line']}, "
                f"not {record[f'{prefix}source_line']}",
            )
        )
    return found


def _quote_on_line(record: dict, prefix: str) -> list:
    source, line, quote = (record[f"{prefix}{c}"] for c in ("source", "source_line", "quote"))
    if source not in DOCUMENT_DATES:
        return [(f"{prefix}source", f"not one of the five raw files: {source!r}")]
    if not line.isdigit():
        return [(f"{prefix}source_line", f"not a line number: {line!r}")]
    document = _document(source)
    if not quote or not (1 <= int(line) <= len(document.lines)):
        return [(f"{prefix}quote", f"empty quote or no line {line} in {source}")]
    if quote not in document.line(int(line)):
        return [(f"{prefix}quote", f"not verbatim on line {line} of {source}: {quote!r}")]
    return []


def _document(name: str) -> SourceDocument:
    key = next(key for key, file in paths.SOURCE_FILES.items() if file == name)
    return SourceDocument.open(key)


def _check_to_end(record: dict, rows: dict[str, pd.DataFrame]) -> list:
    """The later end: its row, its date and its precision agree with the documents."""
    kind, ref = record["to_kind"], record["to_ref"]
    document_date = _date(DOCUMENT_DATES[record["to_source"]])
    try:
        on = _date(record["to_on"])
    except ValueError:
        return [("to_on", f"not an ISO date: {record['to_on']!r}")]
    found = []
    if kind == "statement":
        if ref:
            found.append(("to_ref", f"a statement names no row, got {ref!r}"))
    else:
        table, _ = _ROW_TABLES[kind]
        if ref not in rows[table].index:
            return [("to_ref", f"no such {kind} in {table}: {ref!r}")]
        row = rows[table].loc[ref]
        found += _same_place(record, "to_", row, "to_ref")
        if kind == "observation":
            if row["commitment_id"] != record["from_commitment_id"]:
                found.append(
                    ("to_ref", f"{ref} is evidence of {row['commitment_id']}, not of the from end")
                )
            if record["to_on"] != str(row["observed_on"]):
                found.append(("to_on", f"{ref} is observed on {row['observed_on']}"))
        if kind == "update" and row["month"]:
            month_end = period_end(row["month"])
            if on > month_end:
                found.append(("to_on", f"after the end of {ref}'s month {row['month']}"))
    if kind in ("commitment", "aim") and record["to_on_precision"] != "document":
        found.append(("to_on_precision", f"a {kind} holds from its document's date"))
    if kind == "commitment" and record["relation"] != "restates":
        found.append(("relation", "a later commitment can only restate the promise"))
    if on > document_date:
        found.append(("to_on", f"after the date of its document ({document_date})"))
    found += _precision_problems(record["to_on_precision"], on, document_date)
    return found


def _precision_problems(precision: str, on: dt.date, document_date: dt.date) -> list:
    month_end = (pd.Timestamp(on) + pd.offsets.MonthEnd(0)).date()
    if precision == "document" and on != document_date:
        return [("to_on", f"precision 'document' needs the document's date {document_date}")]
    if precision in ("month", "season") and on != month_end:
        return [("to_on", f"precision {precision!r} needs the last day of a month")]
    if precision == "season" and on.month not in _SEASON_ENDS:
        return [("to_on", "precision 'season' needs the last day of February, May, August or Nov")]
    return []


def _to_due(record: dict, rows: dict[str, pd.DataFrame]) -> tuple[str, list]:
    """The new due date a restatement sets: the commitment's, or ``to_timescale`` read."""
    timescale = record["to_timescale"]
    if record["to_kind"] == "commitment":
        if timescale:
            return "", [("to_timescale", "a commitment's due date is its own timescale's")]
        return _due(rows["commitments"].loc[record["to_ref"]]), []
    if not timescale:
        return "", []
    if record["relation"] != "restates":
        return "", [("to_timescale", "only a restatement sets a new due date")]
    if timescale not in record["to_quote"] and timescale not in strip_markup(record["to_quote"]):
        return "", [("to_timescale", f"{timescale!r} is not part of to_quote")]
    try:
        window = parse_timescale(timescale, record["to_on"])
    except TimescaleError as error:
        return "", [("to_timescale", str(error))]
    return (window.end.isoformat() if window.end else ""), []


def _due(commitment: pd.Series) -> str:
    """A commitment's due date (the end of its window), or empty when it has none."""
    window = parse_timescale(commitment["timescale"], commitment["timescale_reference"] or None)
    return window.end.isoformat() if window.end else ""


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _check_chains(table: pd.DataFrame, file: str) -> list[Problem]:
    """Steps run 1..n under one title; every ``from`` is reachable from the origin."""
    problems = []
    for chain_id, links in table.groupby("chain_id", sort=False):
        first = spreadsheet_row(links.index[0])
        steps = links["step"].tolist()
        if steps != [str(n) for n in range(1, len(links) + 1)]:
            problems.append(Problem(file, first, "step", f"{chain_id}: steps {steps}, not 1..n"))
        if links["chain_title"].nunique() != 1:
            problems.append(Problem(file, first, "chain_title", f"{chain_id}: several titles"))
        reachable = {links["from_commitment_id"].iloc[0]}
        for index, link in links.iterrows():
            if link["from_commitment_id"] not in reachable:
                problems.append(
                    Problem(
                        file,
                        spreadsheet_row(index),
                        "from_commitment_id",
                        f"{link['from_commitment_id']} is neither {chain_id}'s origin nor "
                        "a commitment an earlier step restated it as",
                    )
                )
            if link["relation"] == "restates" and link["to_kind"] == "commitment":
                reachable.add(link["to_ref"])
    return problems
