"""The gap analysis summary of March 2016 (``003_5c42c1f83524bff3.txt``) as tables.

The Independent Improvement Panel asked the council to assess its own progress. The
summary has seven themes, each a heading and three paragraphs: where the council is
(*position*), where it will be "in six months' time", and what it will do "to achieve
this". It contributes:

``gap16_themes``
    One row per theme: ``theme_id`` (``GAP16-<theme-slug>``), ``theme_order``,
    ``theme``, the three paragraphs as plain text (``position``, ``in_six_months``,
    ``to_achieve``) with the line each starts on (``position_line`` …), and the
    heading as ``source_line``/``quote``.
``commitments``
    * The six-month position of each theme, ``GAP16-<theme-slug>``: one commitment per
      theme, the whole paragraph as its text, timescale as written ("In six months'
      time"; "By the summer" for strategic planning) and ``timescale_reference``
      2016-03-31, the last day of the document's month, so "in six months' time" is
      due on 2016-09-30.
    * The dated actions in the "to achieve this" paragraphs, ``GAP16-<theme-slug>-<n>``
      (numbered in document order within the theme), each with its own timescale as
      written. The undated actions stay in ``gap16_themes.to_achieve`` only: the text
      gives them no date, and reading "to achieve this" as "within six months" would be
      a guess. Past events in those paragraphs are evidence, not commitments.
``observations``
    Where the summary gives evidence of a 2015 action-plan action (done, under way or
    not yet done) and the link is clear; links read and left out are listed, with the
    reason, in ``data/transcriptions/ap15_links_excluded.csv``. The links are judgements, so they are a hand transcription,
    ``data/transcriptions/gap_2016_observations.csv``, with the quote and line in both
    documents, checked on every build. Dated events left without an observation
    because no 2015 action clearly matches: the monthly meetings of the Chief Executive
    and the three group leaders "started in March 2016" (line 13); Sutton Coldfield
    Town Council "established on March 1" (line 41); CLT agreeing the LGA's
    communications review findings "in February" (line 63).

Examples
--------
>>> tables = build()
>>> len(tables["gap16_themes"]), len(tables["commitments"]), len(tables["observations"])
(7, 12, 11)
>>> tables["commitments"].set_index("commitment_id").loc["GAP16-political-leadership", "timescale"]
"In six months' time"
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.documents.action_links import read_action_links
from kerslake_analysis.ingest.provenance import SourceDocument

DOCUMENT_KEY = "gap_2016"
PLAN = "gap-2016"
#: "Gap analysis summary - March 2016" (line 3).
PERIOD = "2016-03"
#: The last day of March 2016: the reference for the relative timescales.
REFERENCE_DATE = "2016-03-31"
#: The hand transcription of the evidence of 2015 actions.
OBSERVATIONS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "gap_2016_observations.csv"

#: The seven theme headings, in document order.
THEMES: tuple[str, ...] = (
    "Political leadership",
    "Managerial leadership",
    "Strategic planning, performance and financial management",
    "City partnerships",
    "Local leadership",
    "Organisational culture",
    "Communications and transparency",
)

_SENTENCE_END = (".", "!", "?")


@dataclass(frozen=True)
class _DatedAction:
    """A dated action in a theme's "to achieve this" paragraph."""

    theme: str
    quote: str  # verbatim on the paragraph's first line; the sentence (or its first part)
    timescale: str  # as written in the sentence
    owner: str
    note: str


_DATED_ACTIONS: tuple[_DatedAction, ...] = (
    _DatedAction(
        "Managerial leadership",
        "CLT is investing in time to develop as a team, starting with a development session "
        "on March 22.",
        "on March 22",
        "CLT",
        "No year given; with the document's date (March 2016) read as 22 March 2016. The "
        "document does not say whether the session had already taken place.",
    ),
    _DatedAction(
        "Strategic planning, performance and financial management",
        "To achieve this, we will focus on developing our new operating model, identified as "
        "a top priority by CLT, which will hold monthly performance meetings.",
        "monthly",
        "CLT",
        "'which will hold monthly performance meetings' is read as referring to CLT, the "
        "nearest body; recurring, so it has no due date.",
    ),
    _DatedAction(
        "Strategic planning, performance and financial management",
        "A more radical overhaul of the business plan will take place in 2017/18",
        "2017/18",
        "",
        "The rest of the sentence ('with portfolio holders, service areas and key "
        "stakeholders engaged throughout the spring and summer') is part of this commitment; "
        "its spring and summer have no year, so they get no row of their own.",
    ),
    _DatedAction(
        "Local leadership",
        "In 2016/17, the Local Innovation Fund will be introduced, along with a new approach "
        "to building up",
        "2016/17",
        "",
        "The sentence continues on line 47 after a page break ('infrastructure plus capacity "
        "for sustainable delivery from the voluntary and community sector.'); joined in the "
        "text, quoted from line 45.",
    ),
    _DatedAction(
        "Organisational culture",
        "Workshops in the spring will bring members and officers together in a cross-party "
        "setting to look at how we work more effectively.",
        "in the spring",
        "",
        "No year given; read as the spring of the document's date, spring 2016 "
        "(March-May 2016, meteorological).",
    ),
)

_SIX_MONTH_OPENING = "In six months' time"
_TO_ACHIEVE_OPENING = "To achieve this"


@dataclass(frozen=True)
class _Paragraph:
    lines: tuple[int, ...]
    text: str


def build() -> dict[str, pd.DataFrame]:
    """Return every table the March 2016 gap analysis contributes.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``gap16_themes``, ``commitments`` and ``observations``; every row has
        ``source``, ``source_line`` and ``quote``.

    Raises
    ------
    ValueError
        If the document's layout is not the seven themes of three paragraphs, or the
        observation transcription is malformed (the message names file, row, column).
    kerslake_analysis.ingest.provenance.QuoteNotFoundError
        If a quote is not on its line.
    """
    doc = SourceDocument.open(DOCUMENT_KEY)
    themes = gap16_themes(doc)
    return {
        "gap16_themes": themes,
        "commitments": commitments(doc, themes),
        "observations": observations(doc),
    }


def theme_slug(theme: str) -> str:
    """Return the slug of a theme heading used in IDs.

    Parameters
    ----------
    theme : str
        A theme heading.

    Returns
    -------
    str
        Lower case, runs of other characters replaced by one hyphen.

    Examples
    --------
    >>> theme_slug("Strategic planning, performance and financial management")
    'strategic-planning-performance-and-financial-management'
    """
    return re.sub(r"[^a-z0-9]+", "-", theme.lower()).strip("-")


def gap16_themes(doc: SourceDocument) -> pd.DataFrame:
    """Split the summary into its seven themes and their three paragraphs.

    A heading is a line that is one of :data:`THEMES`. The non-empty lines up to the
    next heading are paragraphs; a line that does not end a sentence (a page break in
    the PDF, line 45) continues on the next non-empty line.

    Parameters
    ----------
    doc : SourceDocument
        The gap analysis summary.

    Returns
    -------
    pandas.DataFrame
        One row per theme in document order; see the module docstring.

    Raises
    ------
    ValueError
        If the headings are not the seven themes in order or a theme does not have
        exactly three paragraphs.
    """
    headings = [n for n, line in enumerate(doc.lines, start=1) if line.strip() in THEMES]
    found = tuple(doc.line(n).strip() for n in headings)
    if found != THEMES:
        raise ValueError(f"{doc.name}: expected the theme headings {THEMES}, found {found}")
    rows = []
    ends = [*headings[1:], len(doc.lines) + 1]
    for order, (heading, end) in enumerate(zip(headings, ends, strict=True), start=1):
        theme = doc.line(heading).strip()
        paragraphs = _paragraphs(doc, heading + 1, end)
        if len(paragraphs) != 3:
            raise ValueError(
                f"{doc.name}:{heading}: theme {theme!r} has {len(paragraphs)} paragraphs, "
                "expected 3 (position, in six months' time, to achieve this)"
            )
        position, six_months, to_achieve = paragraphs
        rows.append(
            {
                "theme_id": f"GAP16-{theme_slug(theme)}",
                "theme_order": order,
                "theme": theme,
                "position": position.text,
                "in_six_months": six_months.text,
                "to_achieve": to_achieve.text,
                "position_line": position.lines[0],
                "in_six_months_line": six_months.lines[0],
                "to_achieve_line": to_achieve.lines[0],
                "source": doc.name,
                "source_line": heading,
                "quote": theme,
                "transcription_note": _theme_note(six_months, to_achieve),
            }
        )
    return pd.DataFrame(rows)


def _paragraphs(doc: SourceDocument, first: int, end: int) -> list[_Paragraph]:
    paragraphs: list[_Paragraph] = []
    open_lines: list[int] = []
    for number in range(first, end):
        line = doc.line(number).strip()
        if not line:
            continue
        open_lines.append(number)
        if line.endswith(_SENTENCE_END):
            text = " ".join(doc.line(n).strip() for n in open_lines)
            paragraphs.append(_Paragraph(tuple(open_lines), text))
            open_lines = []
    if open_lines:
        raise ValueError(f"{doc.name}:{open_lines[0]}: paragraph does not end a sentence")
    return paragraphs


def _theme_note(six_months: _Paragraph, to_achieve: _Paragraph) -> str:
    notes = []
    if not six_months.text.startswith(_SIX_MONTH_OPENING):
        opening = six_months.text.split(",")[0]
        notes.append(
            f"The second paragraph begins {opening!r}, not {_SIX_MONTH_OPENING!r}; "
            "read by its place as this theme's six-month position."
        )
    if not to_achieve.text.startswith(_TO_ACHIEVE_OPENING):
        notes.append(
            f"The third paragraph does not begin {_TO_ACHIEVE_OPENING!r}; read by its place "
            "as what the council will do to achieve the six-month position."
        )
    if len(to_achieve.lines) > 1:
        rest = ", ".join(str(n) for n in to_achieve.lines[1:])
        notes.append(f"The third paragraph continues on line {rest} after a page break; joined.")
    return " ".join(notes)


def commitments(doc: SourceDocument, themes: pd.DataFrame) -> pd.DataFrame:
    """Return the six-month commitment of each theme and the dated actions.

    Parameters
    ----------
    doc : SourceDocument
        The gap analysis summary.
    themes : pandas.DataFrame
        The output of :func:`gap16_themes`.

    Returns
    -------
    pandas.DataFrame
        The columns of the ``commitments`` table except the three the builder adds
        (``timescale_kind``, ``due_start``, ``due_end``); six-month commitments first,
        then the dated actions, in document order.

    Raises
    ------
    ValueError
        If a dated action is not in its theme's "to achieve this" paragraph.
    """
    rows = [_six_month_row(doc, theme) for theme in themes.itertuples(index=False)]
    by_theme = themes.set_index("theme")
    counts: dict[str, int] = {}
    for action in _DATED_ACTIONS:
        theme = by_theme.loc[action.theme]
        line = doc.locate(action.quote, int(theme["to_achieve_line"]))
        if line != theme["to_achieve_line"]:
            raise ValueError(
                f"{doc.name}:{line}: dated action is not in the 'to achieve this' paragraph "
                f"of {action.theme!r}: {action.quote!r}"
            )
        counts[action.theme] = counts.get(action.theme, 0) + 1
        rows.append(
            _row(
                commitment_id=f"{theme['theme_id']}-{counts[action.theme]}",
                theme=action.theme,
                ref="to achieve this",
                text=_sentence(theme["to_achieve"], action.quote),
                owner=action.owner,
                timescale=action.timescale,
                line=line,
                quote=action.quote,
                note=action.note,
                source=doc.name,
            )
        )
    return pd.DataFrame(rows)


def _six_month_row(doc: SourceDocument, theme) -> dict:
    line = int(theme.in_six_months_line)
    quote = doc.line(line).strip()
    opening = theme.in_six_months.split(",")[0]
    note = (
        "The whole paragraph is one commitment: the document sets one six-month position per theme."
    )
    if opening != _SIX_MONTH_OPENING:
        note += (
            f" The paragraph begins {opening!r} instead of {_SIX_MONTH_OPENING!r}; that is "
            "its timescale, read as summer 2016 (June-August), the first summer ending after "
            "the document's date."
        )
    return _row(
        commitment_id=theme.theme_id,
        theme=theme.theme,
        ref="in six months' time",
        text=theme.in_six_months,
        owner="",
        timescale=opening,
        line=line,
        quote=quote,
        note=note,
        source=doc.name,
    )


def _sentence(paragraph: str, quote: str) -> str:
    """The sentence of ``paragraph`` that starts with ``quote`` (joined across a page break)."""
    start = paragraph.index(quote)
    end = paragraph.find(". ", start + len(quote) - 1)
    return paragraph[start : end + 1] if end != -1 else paragraph[start:]


def _row(
    *,
    commitment_id: str,
    theme: str,
    ref: str,
    text: str,
    owner: str,
    timescale: str,
    line: int,
    quote: str,
    note: str,
    source: str,
) -> dict:
    return {
        "commitment_id": commitment_id,
        "plan": PLAN,
        "theme": theme,
        "sub_theme": "",
        "ref": ref,
        "text": text,
        "owner": owner,
        "timescale": timescale,
        "timescale_reference": REFERENCE_DATE,
        "kerslake_refs": "",
        "measures": "",
        "source": source,
        "source_line": line,
        "quote": quote,
        "transcription_note": note,
    }


def observations(doc: SourceDocument, path: Path = OBSERVATIONS_FILE) -> pd.DataFrame:
    """Read the hand-linked evidence of 2015 actions and check both quotes of every row.

    Parameters
    ----------
    doc : SourceDocument
        The gap analysis summary.
    path : pathlib.Path, optional
        The transcription CSV (default :data:`OBSERVATIONS_FILE`).

    Returns
    -------
    pandas.DataFrame
        Columns ``observation_id`` (``GAP16-<commitment_id>``), ``commitment_id``,
        ``period`` (``2016-03``), ``observed_on``, ``state``, ``evidence``, ``source``,
        ``source_line``, ``quote`` and ``transcription_note``, which begins with the
        action-plan line the observation is linked to.

    Raises
    ------
    ValueError
        If a column is missing or a value is malformed; the message names the file,
        the row (1 = first data row) and the column.
    kerslake_analysis.ingest.provenance.QuoteNotFoundError
        If a quote is not on its stated line of its document.
    """
    return read_action_links(path, doc, "GAP16-", PERIOD, REFERENCE_DATE, evidence=None)
