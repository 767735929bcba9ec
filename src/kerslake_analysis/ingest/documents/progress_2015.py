"""The Progress Report on Kerslake Recommendations, December 2015.

The report (``000_e235c92a6776d4ac.txt``, markdown text of a PDF) contributes five
tables:

``recommendations``
    The 11 Kerslake recommendations and their lettered sub-parts, parsed from the bold
    text under each "Recommendation N" heading of Section 2. A recommendation with
    sub-parts also gets its own row, because each has its own text (the stem that
    introduces the list, e.g. "Birmingham City Council's governance needs to be reset
    in the following ways:").
``snapshots``
    The published status counts of the 134 actions ("82 are complete" …), one row per
    status named exactly as in the report's key, plus a ``total`` row.
``status_key``
    The report's six-status key (lines 184-189).
``slippage_reasons``
    The bulleted reasons why some actions are behind (lines 157-163).
``observations``
    Action-level evidence from the narrative, linked to 2015 action-plan actions. The
    links are judgements, so they are a hand transcription kept in
    ``data/transcriptions/progress_2015_observations.csv``: one row per action with the
    state, the date, the quote and its line in this report, and the quote and line of
    the action in the action plan (``004_8cc2926d097384ad.txt``). Both quotes are
    checked against their lines whenever the table is built. Sentences read as possible
    evidence and left out (implied, ambiguous or doubtful) are listed with the reason in
    ``data/transcriptions/ap15_links_excluded.csv``.

Examples
--------
>>> tables = build()
>>> sorted(tables)
['observations', 'recommendations', 'slippage_reasons', 'snapshots', 'status_key']
>>> recs = tables["recommendations"]
>>> int((recs["part"] == "").sum())
11
>>> int(tables["snapshots"].set_index("measure").loc["Complete", "value"])
82
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.documents.action_links import read_action_links
from kerslake_analysis.ingest.provenance import SourceDocument, strip_markup

DOCUMENT_KEY = "progress_2015"
#: The plan whose actions the report counts and evidences.
PLAN = "ap-2015"
#: The report is dated "December 2015" (line 3).
PERIOD = "2015-12"
#: The last day of the period: the date of every observation the text does not date.
PERIOD_DATE = "2015-12-31"
#: The hand transcription of the narrative's action-level evidence.
OBSERVATIONS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "progress_2015_observations.csv"


_RECOMMENDATION_HEADING = re.compile(r"^#+ \*\*Recommendations? (\d+)(?: and (\d+))?\*\*\s*$")
_LETTERED_ITEM = re.compile(r"^\s*-\s+([a-z])\)\s*(.*)$")
_BULLET = re.compile(r"^\s*-\s+(.*)$")

#: Recommendations 1 and 2 are not printed: one sentence (line 195) paraphrases both.
#: It is split at ", and" into the part about each; the a)/b) list completes the second.
_JOINT_PARAPHRASE = {
    1: "the responsibility of the Secretary of State to appoint the Independent Improvement Panel",
    2: (
        "the requirement that this panel should present a report to the Secretary of State "
        "in December 2015. The Panel's report should assess the council's progress in"
    ),
}
_JOINT_NOTE = (
    "The report does not print recommendations 1 and 2; one sentence paraphrases both "
    "('Recommendations 1 and 2 relate to ...'). It is split at ', and' into the clause about "
    "the Panel's appointment (1) and the clause about its December 2015 report (2); the "
    "a)/b) list completes recommendation 2's sentence, so it is read as 2a and 2b."
)
_RECOMMENDATION_NOTES = {
    "KR-6e": "Line 352 is indented as a nested bullet; read as sub-part e of recommendation 6.",
    "KR-7d": (
        "The narrative reports on this sub-part under the heading 'Scrutiny Committees (3d)' "
        "(line 421), a typo for 7d: recommendation 3d is about culture change."
    ),
    "KR-7e": (
        "The narrative reports on this sub-part under the heading 'Wards and Community "
        "Leadership (3e)' (line 427), a typo for 7e: recommendation 3 has no part e."
    ),
}

#: The quote on which each published count stands; the value is the first number in it.
#: Lines 147 ("Overall Progress") and 59 (the summary) give the same counts; only line 59
#: splits the 24 behind schedule into 21 slipped in progress and 3 slipped not started.
_SNAPSHOT_QUOTES = {
    "total": "Of the 134 actions in the Improvement Plan",
    "Complete": "82 are complete",
    "In Progress": "17 are progressing to the original timescales expected",
    "Not Due to have Started": "There are 11 which aren't due to have started yet",
    "In Progress – completion slipped": "21 (16%) have seen some slippage",
    "Not Started – completion slipped": "3 (2%) that were due to start have not yet started",
}
_KEY_HEADING = "**Key:**"
_LEGEND_HEADING = "**Legend:**"
_SLIPPAGE_INTRO = "The reasons some actions behind are:"


def build() -> dict[str, pd.DataFrame]:
    """Return every table the December 2015 progress report contributes.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``recommendations``, ``snapshots``, ``status_key``, ``slippage_reasons`` and
        ``observations``; every row has ``source``, ``source_line`` and ``quote``.

    Raises
    ------
    ValueError
        If the document or the hand transcription is not as expected; the message
        names the file, the row or line and the column.
    """
    doc = SourceDocument.open(DOCUMENT_KEY)
    key = status_key(doc)
    return {
        "recommendations": recommendations(doc),
        "snapshots": snapshots(doc, key),
        "status_key": key,
        "slippage_reasons": slippage_reasons(doc),
        "observations": observations(doc),
    }


def recommendations(doc: SourceDocument) -> pd.DataFrame:
    """Parse the 11 recommendations and their lettered sub-parts.

    A recommendation is the bold text and the list after a heading such as
    ``### **Recommendation 3**``, up to the first heading or narrative paragraph. A
    bullet without a letter continues the sub-part above it, a second bold paragraph
    continues the stem.

    Parameters
    ----------
    doc : SourceDocument
        The December 2015 progress report.

    Returns
    -------
    pandas.DataFrame
        Columns ``recommendation_id`` (``KR-3``, ``KR-3a``), ``number``, ``part``
        (empty for the stem), ``text`` (plain), ``source``, ``source_line`` (where the
        text starts), ``quote`` and ``transcription_note``.

    Raises
    ------
    ValueError
        If the headings do not give recommendations 1 to 11 exactly once, or the
        letters of a recommendation's sub-parts are not a, b, c … in order.
    """
    rows: list[dict] = []
    for heading_line, numbers in _recommendation_headings(doc):
        items = _recommendation_items(doc, heading_line)
        if len(numbers) == 2:
            rows.extend(_joint_recommendations(doc, numbers, items))
        else:
            rows.extend(_recommendation_rows(doc, numbers[0], items))
    table = pd.DataFrame(rows)
    found = sorted(set(table["number"]))
    if found != list(range(1, 12)):
        raise ValueError(f"{doc.name}: expected recommendations 1 to 11, found {found}")
    for number, parts in table[table["part"] != ""].groupby("number")["part"]:
        expected = [chr(ord("a") + i) for i in range(len(parts))]
        if list(parts) != expected:
            raise ValueError(
                f"{doc.name}: recommendation {number} has sub-parts {list(parts)}, "
                f"expected {expected}"
            )
    table["transcription_note"] = [
        " ".join(filter(None, (note, _RECOMMENDATION_NOTES.get(rid, ""))))
        for rid, note in zip(table["recommendation_id"], table["transcription_note"], strict=True)
    ]
    return table


def _recommendation_headings(doc: SourceDocument) -> list[tuple[int, tuple[int, ...]]]:
    headings = []
    for number, line in enumerate(doc.lines, start=1):
        match = _RECOMMENDATION_HEADING.match(line)
        if match:
            numbers = tuple(int(n) for n in match.groups() if n is not None)
            headings.append((number, numbers))
    return headings


def _recommendation_items(doc: SourceDocument, heading_line: int) -> list[dict]:
    """The stem and sub-parts after a heading, each as {part, lines: [line numbers]}."""
    items: list[dict] = []
    for number in range(heading_line + 1, len(doc.lines) + 1):
        line = doc.line(number)
        if not line.strip():
            continue
        lettered = _LETTERED_ITEM.match(line)
        if lettered:
            items.append({"part": lettered.group(1), "lines": [number]})
        elif line.startswith("**") and not items:
            items.append({"part": "", "lines": [number]})
        elif line.startswith("**") and items[-1]["part"] == "":
            items[-1]["lines"].append(number)
        elif _BULLET.match(line) and items and items[-1]["part"]:
            items[-1]["lines"].append(number)
        else:
            break
    if not items or items[0]["part"] != "":
        raise ValueError(f"{doc.name}:{heading_line}: no bold recommendation text after heading")
    return items


def _item_text(doc: SourceDocument, lines: list[int]) -> str:
    pieces = []
    for number in lines:
        raw = doc.line(number)
        lettered = _LETTERED_ITEM.match(raw)
        bullet = _BULLET.match(raw)
        body = lettered.group(2) if lettered else bullet.group(1) if bullet else raw
        pieces.append(strip_markup(body))
    return " ".join(pieces)


def _continuation_note(doc: SourceDocument, lines: list[int]) -> str:
    if len(lines) == 1:
        return ""
    rest = ", ".join(str(n) for n in lines[1:])
    return (
        f"The text continues on line {rest} (a break introduced by the PDF conversion); "
        f"joined, and the quote is from line {lines[0]}."
    )


def _recommendation_rows(doc: SourceDocument, number: int, items: list[dict]) -> list[dict]:
    rows = []
    for item in items:
        first = item["lines"][0]
        rows.append(
            {
                "recommendation_id": f"KR-{number}{item['part']}",
                "number": number,
                "part": item["part"],
                "text": _item_text(doc, item["lines"]),
                "source": doc.name,
                "source_line": first,
                "quote": doc.line(first).strip(),
                "transcription_note": _continuation_note(doc, item["lines"]),
            }
        )
    return rows


def _joint_recommendations(
    doc: SourceDocument, numbers: tuple[int, ...], items: list[dict]
) -> list[dict]:
    stem_line = items[0]["lines"][0]
    rows = []
    for number in numbers:
        clause = _JOINT_PARAPHRASE[number]
        doc.check(clause, stem_line)
        rows.append(
            {
                "recommendation_id": f"KR-{number}",
                "number": number,
                "part": "",
                "text": clause,
                "source": doc.name,
                "source_line": stem_line,
                "quote": clause,
                "transcription_note": _JOINT_NOTE,
            }
        )
    for row in _recommendation_rows(doc, numbers[-1], items[1:]):
        row["transcription_note"] = _JOINT_NOTE
        rows.append(row)
    return rows


def status_key(doc: SourceDocument) -> pd.DataFrame:
    """Parse the report's status key (the ``**Key:**`` list, ``status = description``).

    Parameters
    ----------
    doc : SourceDocument
        The December 2015 progress report.

    Returns
    -------
    pandas.DataFrame
        Columns ``status_key_id`` (a slug of the status), ``key_order`` (1 = first in
        the key), ``status`` (exactly as in the key), ``description``, ``rag`` (empty:
        the text states no colours), ``source``, ``source_line``, ``quote`` and
        ``transcription_note`` (how the chart legend spells the status).

    Raises
    ------
    ValueError
        If the key is missing, a line has no ``=``, or a status is not in the legend.
    """
    key_lines = _bullets_after(doc, _KEY_HEADING)
    legend = {
        _fold(strip_markup(doc.line(n).lstrip("- "))): (n, strip_markup(doc.line(n).lstrip("- ")))
        for n in _bullets_after(doc, _LEGEND_HEADING)
    }
    rows = []
    for order, number in enumerate(key_lines, start=1):
        body = doc.line(number).strip().removeprefix("- ")
        if " = " not in body:
            raise ValueError(f"{doc.name}:{number}: key line has no ' = ': {body!r}")
        status, description = (strip_markup(part) for part in body.split(" = ", 1))
        if _fold(status) not in legend:
            raise ValueError(f"{doc.name}:{number}: status {status!r} is not in the chart legend")
        legend_line, legend_label = legend[_fold(status)]
        rows.append(
            {
                "status_key_id": _slug(status),
                "key_order": order,
                "status": status,
                "description": description,
                "rag": "",
                "source": doc.name,
                "source_line": number,
                "quote": body,
                "transcription_note": (
                    "The text states no RAG colour (the chart was lost in conversion). "
                    f"The chart legend (line {legend_line}) spells it {legend_label!r}."
                ),
            }
        )
    return pd.DataFrame(rows)


def slippage_reasons(doc: SourceDocument) -> pd.DataFrame:
    """List the reasons the report gives for actions being behind.

    Parameters
    ----------
    doc : SourceDocument
        The December 2015 progress report.

    Returns
    -------
    pandas.DataFrame
        Columns ``slippage_reason_id`` (``PR15-SLIP-1`` …), ``plan`` and ``period`` (the
        plan and month the report is about: the reasons are given for that period),
        ``reason_order``, ``reason``, ``source``, ``source_line`` and ``quote``.

    Raises
    ------
    ValueError
        If the introductory sentence or its list is missing.
    """
    lines = _bullets_after(doc, _SLIPPAGE_INTRO)
    return pd.DataFrame(
        {
            "slippage_reason_id": [f"PR15-SLIP-{i}" for i in range(1, len(lines) + 1)],
            "plan": PLAN,
            "period": PERIOD,
            "reason_order": range(1, len(lines) + 1),
            "reason": [strip_markup(doc.line(n).strip().removeprefix("- ")) for n in lines],
            "source": doc.name,
            "source_line": lines,
            "quote": [doc.line(n).strip() for n in lines],
        }
    )


def snapshots(doc: SourceDocument, key: pd.DataFrame) -> pd.DataFrame:
    """Return the published status counts of the 2015 action plan as of December 2015.

    Parameters
    ----------
    doc : SourceDocument
        The December 2015 progress report.
    key : pandas.DataFrame
        The report's status key (:func:`status_key`); every measure other than
        ``total`` must be one of its statuses.

    Returns
    -------
    pandas.DataFrame
        Columns ``snapshot_id``, ``plan``, ``period``, ``measure`` (a status of the key
        or ``total``), ``value`` (the first number of the quote), ``unit``, ``source``,
        ``source_line`` and ``quote``. The key's ``TBC`` status has no row: the report
        publishes no count for it.

    Raises
    ------
    ValueError
        If a measure is not a status of the key.
    """
    statuses = set(key["status"])
    unknown = set(_SNAPSHOT_QUOTES) - statuses - {"total"}
    if unknown:
        raise ValueError(f"{doc.name}: snapshot measures not in the status key: {sorted(unknown)}")
    quotes = pd.Series(_SNAPSHOT_QUOTES)
    return pd.DataFrame(
        {
            "snapshot_id": ["PR15-" + _slug(measure) for measure in quotes.index],
            "plan": PLAN,
            "period": PERIOD,
            "measure": quotes.index,
            "value": quotes.str.extract(r"(\d+)", expand=False).astype(int).to_numpy(),
            "unit": "actions",
            "source": doc.name,
            "source_line": [doc.locate(quote) for quote in quotes],
            "quote": quotes.to_numpy(),
        }
    )


def observations(doc: SourceDocument, path: Path = OBSERVATIONS_FILE) -> pd.DataFrame:
    """Read the hand-transcribed action-level evidence and check every quote.

    Parameters
    ----------
    doc : SourceDocument
        The December 2015 progress report.
    path : pathlib.Path, optional
        The transcription CSV (default :data:`OBSERVATIONS_FILE`).

    Returns
    -------
    pandas.DataFrame
        Columns ``observation_id`` (``PR15-<commitment_id>``), ``commitment_id``,
        ``period``, ``observed_on`` (ISO date), ``state``, ``evidence`` (the quote as
        plain text), ``source``, ``source_line``, ``quote`` and ``transcription_note``,
        which begins with the action-plan line the observation is linked to.

    Raises
    ------
    ValueError
        If a column is missing or a value is malformed; the message names the file,
        the row (1 = first data row) and the column.
    kerslake_analysis.ingest.provenance.QuoteNotFoundError
        If a quote is not on its stated line of its document.
    """
    return read_action_links(path, doc, "PR15-", PERIOD, PERIOD_DATE, evidence=strip_markup)


def _bullets_after(doc: SourceDocument, intro: str) -> list[int]:
    """Line numbers of the bullet list that follows the line containing ``intro``."""
    start = doc.locate(intro)
    lines: list[int] = []
    for number in range(start + 1, len(doc.lines) + 1):
        line = doc.line(number)
        if _BULLET.match(line):
            lines.append(number)
        elif line.strip() or lines:
            break
    if not lines:
        raise ValueError(f"{doc.name}:{start}: no list after {intro!r}")
    return lines


def _fold(status: str) -> str:
    """Compare statuses ignoring case and the kind of dash."""
    return re.sub(r"\s*[-–]\s*", " - ", status).casefold()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")
