"""Corporate Governance Improvement Plan, September 2018 update (``001_3e6875fb2dbcaf44.txt``).

The raw file is a markdown rendering of a Word table: one table per printed page, five
columns (number, Improvement Aim, Required Action, Outputs/Outcomes, Lead / RAG status),
HTML inside the cells. :func:`build` turns it into the rows this document contributes
to the curated tables; :func:`aims_and_updates_by_section` gives the period report its
per-section counts.

How the document is read
------------------------
*Sections and aims.* A section starts at a heading row (``<b>1. Political
Leadership</b>``, ``7 Communications and transparency`` without markup, or a bold
markdown paragraph ``**3 Managerial leadership**``). A row numbered ``N.M`` starts an
improvement aim. A row with an empty number cell that directly follows a page's column
headings continues the aim above (Word split the row at the page break); its cells are
joined to that aim's cells. The one unnumbered row that follows a numbered row on the
same page (under 6.1, "Statement of partnership values …") is an aim of its own: it has
its own aim text, action, outputs and lead, so it is ``CGIP18-6.1a`` (the letter
convention of the 2015 plan). Section 2 opens with an unnumbered row holding only an
output ("A new strategic Workforce Plan will define a new 'culture dashboard' …
(September 2018)") that is repeated at the top of every page of the section like a
repeated table heading: it belongs to the section, not to an aim, and is not made a
commitment (aims 2.2-2.7 carry their own "[Culture dashboard – September 2018]" outputs
and 3.5 carries "Completion of workforce plan (September 2018)"). The row ``| 7
Communications and transparency |`` is that section's heading repeated on a new page,
not an aim numbered 7. That gives 47 aims.

*Dated outputs (commitments).* Each line of the Outputs/Outcomes column (a paragraph,
a ``<br>`` line) that names a calendar month with a four-digit year is a dated output,
whether the date is bold or not: bold is used for most dates but sections 2 and 3 and
aims 4.7-4.12 give theirs in plain text (e.g. 4.8's two outputs), so a bold-only rule
would drop real targets. Frequencies alone ("monthly", "quarterly", "(on-going)") and
year spans without a month ("(2019-2020)", "Yr2,3&4") are not dates. A line with two
dates gives two commitments, its text cut after each date. A line cut by a page break
is joined to its continuation. Exceptions are listed, with reasons, in
:data:`_OUTPUT_READINGS`. Commitments are numbered ``CGIP18-<aim>-<n>`` in document
order within their aim. Dated promises outside the Outputs column (required actions,
update text promising dated work) are listed by hand in
``data/transcriptions/cgip18_dated_promises.csv`` (:data:`PROMISES_FILE`), each with a
decision and its reason; those decided ``commitment`` become ``CGIP18-<aim>-a<n>``. ``timescale`` is the date phrase as written without enclosing
brackets or leading prepositions ("September 2018", "July 2018 onwards",
"October 2018 – Feb 2019").

*Updates.* The Lead / RAG status column holds lead names (bold, often underlined) and
updates. An update ends at its month tag ("(July Update)", "(August 2018 update)",
"(Sept Update)", "(September 2018)" …). Plain (non-bold) text without a tag of its own
runs on into the following plain lines until a tag closes it. Bold text without a tag
is an update of its own and is read as September 2018: the column heading says "Latest
Update in Bold", and the tagged updates bear it out (July and August tags are plain,
September tags bold), apart from two bold "(July Update)" paragraphs in 4.5 whose tag is
kept. A label standing alone ("September Update", "(September Update)") joins the bold
lines directly above it into one update; "September Update:" joins the bold lines after
it. Plain text that no tag closes has no month (``month`` empty): it was written for an
earlier edition and the document does not say which. "(August / September 2018
updates)" is counted under September. An update is ``complete`` when it carries the
marker COMPLETE (in capitals, also "NOW COMPLETE", "COMPLETE FOR CABINET") or the bold
"Complete." of 1.10; lower-case "complete" in prose is not a marker.

*Observations.* Each COMPLETE marker is tied by hand to the dated output it evidences
(:data:`_COMPLETION_READINGS`, with the reason for each choice); its period is the month
of the update carrying it, or September 2018 when that update has no month.
"COMPLETE FOR CABINET" (the LEAN review of *Council and* Cabinet decision-making) gives
``in_progress``. Completion is also read from what the update text says happened, and
each dated July or August update is an observation of the outputs it speaks to: every
such reading, doubtful completions included (recorded ``in_progress``), is a row of the
hand transcription ``data/transcriptions/cgip18_readings.csv`` (:data:`READINGS_FILE`,
its rules in that folder's README), checked on every build; a reading replaces the marker
observation of the same output and month. The September edition is a full snapshot of
the tracker: every commitment neither observed complete nor otherwise observed in
September gets an ``in_progress`` observation for 2018-09 (the legend knows only Green –
complete / evaluated, Amber – on track and Red – off track, so a live row is in progress;
the colour itself is lost in the text). The July and August editions are not among the
sources: their updates survive only where the September edition kept them, so silence
in July or August is not read as "not complete".

*Temperature take.* The "Temperature Take – Aug-Sep 2018" at the end of the document
gives one row per précis paragraph (``kind`` ``precis``, no partner) and per bullet point
of each partner (``kind`` ``point``, with the partner and the date of the conversation
from "**Cherry Dale – 13.09.18**"). "ITEM 6", the agenda item number printed on a page,
is not a point.

Tables and columns (besides ``source``, ``source_line``, ``quote``):
``cgip18_aims`` aim_id, section (int), section_title, ref (the printed number, empty for
6.1a), aim_text, required_actions, outputs, lead (lead names in order, ``; ``-joined),
transcription_note; ``commitments`` as in docs/design.md; ``cgip18_updates`` update_id,
aim_id, month (``YYYY-MM`` or empty when not stated), text, bold (bool), complete
(bool), continued_on (the other lines a text split by a page break is on, ``", "``-joined;
empty for none), transcription_note; ``observations`` as in docs/design.md; ``cgip18_temperature``
point_id, plan, period (the document's month, 2018-09: the take is published in its
September update), kind, partner, date (ISO, empty for the précis), point,
transcription_note.

Examples
--------
>>> tables = build()
>>> len(tables["cgip18_aims"])
47
>>> tables["cgip18_aims"].set_index("aim_id").loc["CGIP18-6.1a", "ref"]
''
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import period_end
from kerslake_analysis.ingest.provenance import SourceDocument, is_bold, strip_markup

#: Key of this document in ``paths.SOURCE_FILES``.
SOURCE_KEY = "cgip_2018"
#: Plan slug of the 2018 improvement plan.
PLAN = "cgip-2018"
#: Date of the document ("September Update 2018"): the last day of its month.
DOCUMENT_DATE = "2018-09-30"
#: The reporting month of this edition.
DOCUMENT_PERIOD = "2018-09"
#: The months its updates are dated in (July to this edition's month).
PERIODS: tuple[str, ...] = ("2018-07", "2018-08", DOCUMENT_PERIOD)

#: Hand transcription: what each update says happened to each output (see its README).
READINGS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "cgip18_readings.csv"
#: Hand transcription: every dated promise outside the Outputs column and its decision.
PROMISES_FILE: Path = paths.TRANSCRIPTIONS_DIR / "cgip18_dated_promises.csv"
_READING_COLUMNS = (
    "commitment_id",
    "state",
    "period",
    "observed_on",
    "source_line",
    "quote",
    "transcription_note",
)
_PROMISE_COLUMNS = (
    "promise_id",
    "aim_id",
    "column",
    "source_line",
    "quote",
    "timescale",
    "decision",
    "commitment_id",
    "commitment_text",
    "reason",
)
_MONTH_NUMBERS = {"jul": "07", "aug": "08", "sep": "09"}

# ---------------------------------------------------------------------------- patterns

_AIM_NUMBER = re.compile(r"\d+\.\d+")
_SECTION_IN_CELL = re.compile(r"(\d)\.?\s+(\S.*)")
_SECTION_IN_MARKDOWN = re.compile(r"\*\*(\d)\.?\s+(.+?)\*\*")
_SEPARATOR = re.compile(r"\|[-|\s]+\|")
_END_OF_TABLES = "## Other Improvement Plan Updates"
_TEMPERATURE_HEADING = "**Temperature Take"

#: Paragraph, line and list boundaries inside a cell.
_BLOCK = re.compile(r"</?p\b[^>]*>|<br\s*/?>|</?ul\b[^>]*>|</?li\b[^>]*>", re.IGNORECASE)
#: Inline formatting tags whose state carries across block boundaries.
_INLINE = re.compile(r"<(/?)(b|strong|u)\b[^>]*>", re.IGNORECASE)
_BOLD_RUN = re.compile(r"(?is)<(b|strong)\b[^>]*>(.*?)</\1>")

#: A month tag closing an update: "(July Update)", "(August 2018 update)", "(Sept
#: Update)", "(August / September 2018 updates)", "(September 2018)".
_UPDATE_TAG = re.compile(
    r"\(\s*(?P<months>(?:July|August|Aug|September|Sept)"
    r"(?:\s*/\s*(?:July|August|September))?)\s*(?:2018\s*)?updates?(?:\s*2018)?\s*\)"
    r"|\((?P<dated>July|August|September) 2018\.?\)",
    re.IGNORECASE,
)
#: What may follow a tag in the same update: punctuation and a COMPLETE marker.
_TAG_TRAILER = re.compile(
    r"(?:\.|\s|</?(?:b|u|strong)>)*"
    r"(?:NOW COMPLETE|COMPLETE FOR CABINET|COMPLETE|Complete\.)(?:</(?:b|u|strong)>)*"
    r"|\.",
)
#: A label standing alone: "September Update", "(September Update)", "September Update:".
_LABEL = re.compile(
    r"\(?\s*(?P<month>July|August|September|Sept)\s+update(?:\s+2018)?\s*\)?\s*(?P<colon>:)?",
    re.IGNORECASE,
)
_COMPLETE_MARKER = re.compile(r"\bCOMPLETE\b|\bComplete\.\s*$")
_COMPLETE_ALONE = re.compile(r"(?:NOW )?COMPLETE|Complete\.?")

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
_YEAR = r"20\d\d"
#: A target date in the Outputs column (month with a four-digit year, or a month range).
_TARGET_DATE = re.compile(
    rf"\b{_MONTH}\s+{_YEAR}\s*[–-]\s*{_MONTH}\s+{_YEAR}"
    rf"|\b{_MONTH}\s*(?:[–-]|/)\s*{_MONTH}\s+{_YEAR}"
    rf"|\b{_MONTH}\s+{_YEAR}(?:\s+onwards)?"
)
_TERMINAL = (".", ")", "]", ":", ";", "!", "?")

#: Words lead names are made of; a bold line made only of these is a lead, not an update.
_LEAD_WORDS = frozenset(
    """ACE Adult Advisor Assistant Cabinet Care Chief Children's Cohesion Commissioning
    Communications Community Corporate Deputy Director Economy Exec Executive Finance
    Group HR Health ICT LGA Leader Leaders Member OD Officer Operating Place Principal
    Procurement Safety Services Social Solicitor WM Whip City CMT and concert in of with
    """.split()
)

# ------------------------------------------------------------------- recorded readings

#: Parenthesised dates in the Lead column that are not update tags, with the reason.
_NOT_UPDATE_TAGS: dict[str, str] = {
    "Drug testing at the Made Festival in Perry Park (July 2018)": (
        "'(July 2018)' is the date of the festival, not an update tag: the line is one of "
        "the bold list items labelled '(September Update)'"
    ),
}

#: Outputs-column lines read other than by the general rule: phrase -> (action, note).
#: ``skip`` drops the dates on that line; ``note`` keeps them and records the note.
_OUTPUT_READINGS: dict[str, tuple[str, str]] = {
    "'Localisation' policy paper adopted by Cabinet in March 2018": (
        "skip",
        "a bold statement of something already done (reported again in the Lead column: "
        "'Green Paper endorsed by Cabinet in March 2018'), not a target",
    ),
    "Report to CBM mapping out proposed nature of business to Full Council": (
        "note",
        "the next line of the cell repeats this output garbled ('Reduced paper "
        "arrangements in Report to CBM mapping out the proposed nature of business to "
        "full council (September 18) …'), an editing slip; it is not a second commitment",
    ),
    "(April 2019, 2020 and 2021 trajectory)": (
        "note",
        "written '(April 2019, 2020 and 2021 trajectory)': the first milestone, April "
        "2019, is the timescale; the trajectory continues to 2020 and 2021",
    ),
    "Staff survey <b>(September 2018)</b> Most important measures": (
        "note",
        "'Most important measures' heads the list of undated measures that follows it",
    ),
    "Formal updates against self-assessment action plans": (
        "note",
        "monthly updates 'Commencing in August 2018': the commitment is to start them in "
        "August 2018",
    ),
}

#: What an output line holding only a date may carry besides the date.
_DATE_ONLY_WORDS = re.compile(r"[\s\[\]().–-]|Culture dashboard")


@dataclass(frozen=True)
class _CompletionReading:
    """How one COMPLETE marker is tied to a dated output."""

    update: str  # phrase identifying the update carrying the marker
    output: str | None  # phrase identifying the output, or None when none fits
    note: str
    state: str = "complete"


#: Every COMPLETE marker of the document and the output it evidences.
_COMPLETION_READINGS: tuple[_CompletionReading, ...] = (
    _CompletionReading(
        "Revised group leaders meeting cycle in place",
        "changes to group leaders meetings effective from",
        "the July update reports the revised meeting cycle in place; the bold 'NOW "
        "COMPLETE' may have been added later, the July text already reports it done",
    ),
    _CompletionReading(
        "Council Plan and associated measures agreed at June 2018 Cabinet",
        "New Council Plan and Performance Framework",
        "the update has no month tag and is not bold, so it predates September; "
        "recorded at 2018-09, the latest month it is certainly evidenced",
    ),
    _CompletionReading(
        "New report template issued",
        "Complete the report structure review",
        "a new report template is the outcome of the report structure review",
    ),
    _CompletionReading(
        "New process for Cabinet designed",
        "Complete the LEAN review of Council and Cabinet",
        "marked 'COMPLETE FOR CABINET': the output covers Council and Cabinet, so it is "
        "recorded as in progress",
        state="in_progress",
    ),
    _CompletionReading(
        "New Cabinet process will make late reports a real exception",
        None,
        "evidences 'Monitoring of reduced late reports (monthly)', which has no date and "
        "so is not a commitment",
    ),
    _CompletionReading(
        "Tracker and monitoring of full council decisions",
        "Report to CBM mapping out proposed nature of business to Full Council",
        "the City Council/CBM forward plan in use is read as the report mapping out the "
        "business to Full Council; the policy framework part is still 'ongoing'",
    ),
    _CompletionReading(
        "EMT and CBM agreement for all meetings to be paperless",
        "Reduced paper arrangements in place",
        "paperless meetings agreed from 01 November",
    ),
    _CompletionReading(
        "The next update is to CMT in November 2018",
        "O&S review actions undertaken and / or report back to Full Council",
        "first update of 1.4's second page; it follows 'The Leader reported to the "
        "Co-ordinating O&S Committee on 27th July …' and answers the first output",
    ),
    _CompletionReading(
        "The O&S Committees have developed work programmes",
        "Genuinely integrated O&S work planning",
        "work programmes developed after Council Plan adoption",
    ),
    _CompletionReading(
        "Session held with the co-ordinating committee in June 2018",
        "Robust programme of Scrutiny activity",
        "monthly sessions with Leader / Deputy and the Co-ordinating Committee; the "
        "updates of 1.4 follow the order of its outputs",
    ),
    _CompletionReading(
        "Initial induction processes complete",
        "All Members and officers clear as to roles and responsibilities",
        "the induction output of 1.7",
    ),
    _CompletionReading(
        "May / June workshops in advance of June Cabinet complete",
        None,
        "evidences the required action 'Structured programme of joint EMT & CMT "
        "workshops', which has no dated output",
    ),
    _CompletionReading(
        "New Forward Planning arrangements in place for CMT and EMT",
        "Efficient and effective forward planning process",
        "forward planning arrangements in place",
    ),
    _CompletionReading(
        "Council Plan agreed by Cabinet in June 2018",
        "Council Plan for 2018-2022 will identify key priorities",
        "Council Plan agreed",
    ),
    _CompletionReading(
        "And as background to the City partners meeting",
        None,
        "evidences the required action 'Data from resident surveys are used in our early "
        "priority planning', which has no dated output",
    ),
    _CompletionReading(
        "Some changes made to performance reporting",
        "Regular insight, intelligence and policy 'products'",
        "the only dated output of 2.6; the update has no month tag and is not bold "
        "(it follows a stray ')' after the August tag), so it is recorded at 2018-09",
    ),
    _CompletionReading(
        "Yammer, social media, CEO updates all now BAU",
        "CMT and ELT actions underway by July 2018",
        "the bold lines above the marker report the CMT and ELT actions (policy "
        "products, Yammer, CEO updates) in place",
    ),
    _CompletionReading(
        "Council Plan in place and new Cabinet portfolios confirmed",
        "Clear priorities that reflect the needs of Birmingham's citizens",
        "tied to the priorities output; the accountability output (portfolio and chief "
        "officer roles) is not tied because the chief officer restructure is still out "
        "to consultation in the next update",
    ),
    _CompletionReading(
        "new model in operation from 01 August",
        "Model ready for consultation with a view to implement",
        "new Legal Services model consulted on and in operation",
    ),
)


# ----------------------------------------------------------------------- parsed pieces


@dataclass(frozen=True)
class _Span:
    """A stretch of one line of the raw file, with its formatting."""

    line: int
    start: int
    end: int
    raw: str
    text: str
    bold: bool
    any_bold: bool


@dataclass
class _Piece:
    """A unit of a cell: one or more spans read as one line of text."""

    spans: list[_Span]
    kind: str = "text"  # text | lead | label | complete
    month: str = ""  # from an update tag or a label
    multi_month: bool = False
    label_forward: bool = False

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.spans)

    @property
    def bold(self) -> bool:
        return all(s.bold for s in self.spans)

    @property
    def any_bold(self) -> bool:
        return any(s.any_bold for s in self.spans)

    @property
    def complete(self) -> bool:
        return bool(_COMPLETE_MARKER.search(self.text))

    @property
    def unfinished(self) -> bool:
        """True when the text stops mid-sentence (continued after a page break)."""
        return self.kind == "text" and not self.month and not self.text.endswith(_TERMINAL)


@dataclass
class _Part:
    """One table row of an aim (an aim continued on a later page has several)."""

    line: int
    cells: list[tuple[int, int]]  # (start, end) of the five cells in the line


@dataclass
class _Aim:
    aim_id: str
    ref: str
    section: int
    section_title: str
    parts: list[_Part]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Update:
    pieces: list[_Piece]
    complete_alone: list[_Piece] = field(default_factory=list)

    @property
    def spans(self) -> list[_Span]:
        return [s for p in self.pieces + self.complete_alone for s in p.spans]

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.pieces + self.complete_alone)

    @property
    def bold(self) -> bool:
        return all(p.bold for p in self.pieces)

    @property
    def complete(self) -> bool:
        return bool(self.complete_alone) or any(p.complete for p in self.pieces)

    @property
    def month(self) -> str:
        tagged = [p.month for p in self.pieces if p.month]
        if tagged:
            return tagged[-1]
        if any(p.any_bold for p in self.pieces if p.kind == "text"):
            return DOCUMENT_PERIOD
        return ""


# --------------------------------------------------------------------------- public API


def build(raw_dir: Path | None = None) -> dict[str, pd.DataFrame]:
    """Read the 2018 improvement plan into the curated tables it contributes to.

    Parameters
    ----------
    raw_dir : pathlib.Path, optional
        Folder holding the raw documents; defaults to ``paths.RAW_DIR``.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``cgip18_aims``, ``commitments``, ``cgip18_updates``, ``observations`` and
        ``cgip18_temperature``; text columns are plain text, every row has ``source``,
        ``source_line`` and a verbatim ``quote`` of that line.

    Raises
    ------
    ValueError
        If the document does not have the structure described in the module docstring
        (the message names the file and line).

    Examples
    --------
    >>> tables = build()
    >>> tables["commitments"].loc[0, ["commitment_id", "timescale"]].tolist()
    ['CGIP18-1.1-1', 'August 2018']
    """
    doc = SourceDocument.open(SOURCE_KEY, raw_dir)
    aims = _read_aims(doc)
    leads, updates = _read_lead_columns(doc, aims)
    outputs = {aim.aim_id: _read_outputs(doc, aim) for aim in aims}
    aims_frame = _aims_frame(doc, aims, leads)
    commitments = pd.concat(
        [
            _commitments_frame(doc, aims, leads, outputs),
            _promise_commitments(doc, aims, leads, PROMISES_FILE),
        ],
        ignore_index=True,
    )
    updates_frame = _updates_frame(doc, aims, updates)
    readings = _text_readings(doc, commitments, READINGS_FILE)
    observations = _observations_frame(doc, commitments, updates_frame, readings)
    return {
        "cgip18_aims": aims_frame,
        "commitments": commitments,
        "cgip18_updates": updates_frame,
        "observations": observations,
        "cgip18_temperature": _temperature_frame(doc),
    }


def aims_and_updates_by_section(month: str, raw_dir: Path | None = None) -> pd.DataFrame:
    """Count the improvement aims of each section and the updates given for one month.

    Parameters
    ----------
    month : str
        Reporting month ``YYYY-MM``; the document carries updates for 2018-07, 2018-08
        and 2018-09 (other months count zero updates).
    raw_dir : pathlib.Path, optional
        Folder holding the raw documents; defaults to ``paths.RAW_DIR``.

    Returns
    -------
    pandas.DataFrame
        One row per section in document order: ``section`` (int), ``section_title``,
        ``aims`` and ``updates`` (int). Updates without a stated month are not counted
        in any month.

    Raises
    ------
    ValueError
        If ``month`` is not ``YYYY-MM``.

    Examples
    --------
    >>> counts = aims_and_updates_by_section("2018-09")
    >>> int(counts["aims"].sum())
    47
    >>> counts.loc[0, "section_title"]
    'Political Leadership'
    """
    tables = build(raw_dir)
    return count_by_section(tables["cgip18_aims"], tables["cgip18_updates"], month)


def count_by_section(aims: pd.DataFrame, updates: pd.DataFrame, month: str) -> pd.DataFrame:
    """Count aims per section and the updates of one month, from the two tables.

    Parameters
    ----------
    aims : pandas.DataFrame
        The ``cgip18_aims`` table (``aim_id``, ``section``, ``section_title`` …), as
        :func:`build` returns it or as loaded from ``data/curated/``.
    updates : pandas.DataFrame
        The ``cgip18_updates`` table (``aim_id``, ``month`` …).
    month : str
        Reporting month ``YYYY-MM``.

    Returns
    -------
    pandas.DataFrame
        As :func:`aims_and_updates_by_section`.

    Raises
    ------
    ValueError
        If ``month`` is not ``YYYY-MM``.

    Examples
    --------
    >>> aims = pd.DataFrame({"aim_id": ["A1", "A2", "B1"], "section": [1, 1, 2],
    ...                      "section_title": ["One", "One", "Two"]})
    >>> updates = pd.DataFrame({"aim_id": ["A1", "A1", "B1"],
    ...                         "month": ["2018-09", "2018-08", "2018-09"]})
    >>> count_by_section(aims, updates, "2018-09")
       section section_title  aims  updates
    0        1           One     2        1
    1        2           Two     1        1
    """
    if not re.fullmatch(r"\d{4}-(?:0[1-9]|1[0-2])", str(month)):
        raise ValueError(f"month must be YYYY-MM, got {month!r}")
    in_month = updates.loc[updates["month"] == month, "aim_id"].map(
        aims.set_index("aim_id")["section"]
    )
    counts = (
        aims.groupby(["section", "section_title"], sort=False).size().rename("aims").reset_index()
    )
    counts["updates"] = counts["section"].map(in_month.value_counts()).fillna(0).astype("int64")
    counts["aims"] = counts["aims"].astype("int64")
    return counts


# ------------------------------------------------------------------------------ tables


def _read_aims(doc: SourceDocument) -> list[_Aim]:
    """Walk the tables: sections, aims and the rows continuing them."""
    aims: list[_Aim] = []
    section, title = 0, ""
    after_headings = False
    preamble: set[tuple[str, ...]] = set()
    for number, line in enumerate(doc.lines, start=1):
        if line.startswith(_END_OF_TABLES):
            break
        heading = _SECTION_IN_MARKDOWN.fullmatch(line.strip())
        if heading:
            section, title = int(heading.group(1)), heading.group(2).strip()
            preamble = set()
            continue
        if not line.startswith("|") or _SEPARATOR.fullmatch(line.strip()):
            continue
        cells = _cell_spans(line)
        if len(cells) != 5:
            raise ValueError(f"{doc.name}:{number}: expected 5 cells, found {len(cells)}")
        plain = [_plain(line[a:b]) for a, b in cells]
        if plain[1] == "Improvement Aim":
            after_headings = True
            continue
        if not any(plain[1:]):
            found = _SECTION_IN_CELL.fullmatch(_first_block(line[cells[0][0] : cells[0][1]]))
            if found and not _AIM_NUMBER.fullmatch(plain[0]):
                if int(found.group(1)) != section:
                    preamble = set()
                section, title = int(found.group(1)), found.group(2).strip()
            continue  # section heading, subtitle, note or empty row
        if not section:
            raise ValueError(f"{doc.name}:{number}: table row before any section heading")
        part = _Part(number, cells)
        if _AIM_NUMBER.fullmatch(plain[0]):
            aims.append(_Aim(f"CGIP18-{plain[0]}", plain[0], section, title, [part]))
        elif plain[0]:
            raise ValueError(f"{doc.name}:{number}: unexpected number cell {plain[0]!r}")
        elif not aims or aims[-1].section != section:
            preamble.add(tuple(plain))  # section-level row above the first aim
        elif tuple(plain) in preamble:
            continue  # the section-level row repeated at the top of a page
        elif after_headings:
            aims[-1].parts.append(part)
        else:
            previous = aims[-1]
            letter = chr(ord("a") + sum(a.ref == "" for a in aims if a.section == section))
            base = previous.ref or previous.aim_id.removeprefix("CGIP18-").rstrip("abc")
            aims.append(
                _Aim(
                    f"CGIP18-{base}{letter}",
                    "",
                    section,
                    title,
                    [part],
                    [
                        f"unnumbered row directly below {base} on the same page, with its "
                        "own aim, action, outputs and lead: a separate aim, given the ID "
                        f"{base}{letter}"
                    ],
                )
            )
        after_headings = False
    return aims


def _aims_frame(doc: SourceDocument, aims: list[_Aim], leads: dict[str, list[str]]) -> pd.DataFrame:
    rows = []
    for aim in aims:
        first = aim.parts[0]
        line = doc.line(first.line)
        notes = list(aim.notes)
        if len(aim.parts) > 1:
            lines = ", ".join(str(p.line) for p in aim.parts)
            notes.append(f"row continues across page breaks; parts on lines {lines} joined")
        rows.append(
            {
                "aim_id": aim.aim_id,
                "section": aim.section,
                "section_title": aim.section_title,
                "ref": aim.ref,
                "aim_text": _column_text(doc, aim, 1),
                "required_actions": _column_text(doc, aim, 2),
                "outputs": _column_text(doc, aim, 3),
                "lead": "; ".join(leads[aim.aim_id]),
                "source": doc.name,
                "source_line": first.line,
                "quote": line[: first.cells[1][1]].strip(),
                "transcription_note": "; ".join(notes),
            }
        )
    frame = pd.DataFrame(rows)
    frame["section"] = frame["section"].astype("int64")
    frame["source_line"] = frame["source_line"].astype("int64")
    return frame


def _column_text(doc: SourceDocument, aim: _Aim, column: int) -> str:
    texts = [_plain(doc.line(p.line)[slice(*p.cells[column])]) for p in aim.parts]
    return " ".join(t for t in texts if t)


# ----------------------------------------------------------------------------- updates


def _read_lead_columns(
    doc: SourceDocument, aims: list[_Aim]
) -> tuple[dict[str, list[str]], dict[str, list[_Update]]]:
    """Leads and updates of every aim from the Lead / RAG status column."""
    pieces = {aim.aim_id: _column_pieces(doc, aim, 4, split_tags=True) for aim in aims}
    # A lead name that ends a cell heads the next row: Word moved it across the break.
    for aim, following in zip(aims, aims[1:], strict=False):
        mine = pieces[aim.aim_id]
        if mine and mine[-1].kind == "lead":
            pieces[following.aim_id].insert(0, mine.pop())
            following.notes.append(
                f"lead '{pieces[following.aim_id][0].text}' printed at the end of "
                f"{aim.ref}'s cell (line {pieces[following.aim_id][0].spans[0].line}), "
                "read as the lead of this row"
            )
    leads: dict[str, list[str]] = {}
    updates: dict[str, list[_Update]] = {}
    for aim in aims:
        names = [p.text.rstrip(":. ") for p in pieces[aim.aim_id] if p.kind == "lead"]
        leads[aim.aim_id] = list(dict.fromkeys(names))
        updates[aim.aim_id] = _assemble_updates(doc, pieces[aim.aim_id])
    return leads, updates


def _assemble_updates(doc: SourceDocument, pieces: list[_Piece]) -> list[_Update]:
    """Group a Lead-column's pieces into updates (rules in the module docstring)."""
    updates: list[_Update] = []
    pending: list[_Piece] = []  # plain untagged text waiting for a tag
    bold_run: list[_Update] = []  # untagged bold updates a trailing label may join
    forward: _Update | None = None

    def flush() -> None:
        if pending:
            updates.append(_Update(list(pending)))
            pending.clear()

    for piece in pieces:
        if forward is not None and not (
            piece.kind == "text" and piece.any_bold and not piece.month
        ):
            forward = None
        if piece.kind == "lead":
            flush()
            bold_run.clear()
        elif piece.kind == "label" and piece.label_forward:
            flush()
            forward = _Update([piece])
            updates.append(forward)
            bold_run.clear()
        elif piece.kind == "label":
            flush()
            if not bold_run:
                raise ValueError(
                    f"{doc.name}:{piece.spans[0].line}: label {piece.text!r} follows no bold update"
                )
            joined = _Update([p for u in bold_run for p in u.pieces] + [piece])
            joined.complete_alone = [c for u in bold_run for c in u.complete_alone]
            first = next(i for i, u in enumerate(updates) if u is bold_run[0])
            updates[first:] = [joined]
            bold_run.clear()
        elif piece.kind == "complete":
            if pending:
                updates.append(_Update(list(pending), complete_alone=[piece]))
                pending.clear()
            elif updates:
                updates[-1].complete_alone.append(piece)
            else:
                raise ValueError(f"{doc.name}:{piece.spans[0].line}: COMPLETE before any update")
        elif forward is not None:
            forward.pieces.append(piece)
        elif piece.month:
            if pending and not piece.bold:
                updates.append(_Update([*pending, piece]))
                pending.clear()
            else:
                flush()
                updates.append(_Update([piece]))
            bold_run.clear()
        elif piece.any_bold:
            flush()
            update = _Update([piece])
            updates.append(update)
            bold_run.append(update)
        else:
            pending.append(piece)
            bold_run.clear()
    flush()
    return updates


def _updates_frame(
    doc: SourceDocument, aims: list[_Aim], updates: dict[str, list[_Update]]
) -> pd.DataFrame:
    rows = []
    for aim in aims:
        earlier: list[str] = []
        for number, update in enumerate(updates[aim.aim_id], start=1):
            line, quote = _quote(doc, update.spans)
            notes = _update_notes(update) + _repeat_note(update.text, earlier)
            continued = sorted({span.line for span in update.spans} - {line})
            earlier.append(update.text)
            rows.append(
                {
                    "update_id": f"{aim.aim_id}-upd-{number}",
                    "aim_id": aim.aim_id,
                    "month": update.month,
                    "text": update.text,
                    "bold": update.bold,
                    "complete": update.complete,
                    "source": doc.name,
                    "source_line": line,
                    "quote": quote,
                    "continued_on": ", ".join(map(str, continued)),
                    "transcription_note": "; ".join(notes),
                }
            )
    frame = pd.DataFrame(rows)
    frame["source_line"] = frame["source_line"].astype("int64")
    return frame


def _repeat_note(text: str, earlier: list[str]) -> list[str]:
    """Note an update that repeats an earlier one of the same aim almost word for word."""
    bare = _COMPLETE_MARKER.sub("", text).lower()
    for number, other in enumerate(earlier, start=1):
        if difflib.SequenceMatcher(None, bare, other.lower()).ratio() >= 0.85:
            return [f"repeats update {number} of this aim almost word for word, as printed"]
    return []


def _update_notes(update: _Update) -> list[str]:
    notes = [note for phrase, note in _NOT_UPDATE_TAGS.items() if phrase in update.text]
    text_pieces = [p for p in update.pieces if p.kind == "text"]
    if any(p.multi_month for p in update.pieces):
        notes.append("tagged '(August / September 2018 updates)': counted under September")
    elif any(p.kind == "label" for p in update.pieces):
        notes.append("bold lines joined under a standalone 'September Update' label")
    elif any(p.month for p in update.pieces):
        if update.bold and update.month != DOCUMENT_PERIOD:
            notes.append("bold although tagged with an earlier month; the tag is kept")
    elif any(p.any_bold for p in text_pieces):
        notes.append(
            "no month tag; bold (wholly or in part), which the legend reserves for the "
            "latest update, so read as September 2018"
        )
    else:
        notes.append(
            "no month tag and not bold: written for an earlier edition (July or August "
            "2018, or the original plan); month not stated"
        )
    return notes


# ----------------------------------------------------------------------------- outputs


@dataclass
class _Output:
    text: str
    timescale: str
    span: _Span
    notes: list[str]


def _read_outputs(doc: SourceDocument, aim: _Aim) -> list[_Output]:
    """The dated outputs of one aim, in document order."""
    outputs: list[_Output] = []
    undated: list[str] = []
    for piece in _column_pieces(doc, aim, 3, split_tags=False):
        text = piece.text
        reading = next((v for k, v in _OUTPUT_READINGS.items() if _piece_has(piece, k)), None)
        dates = list(_TARGET_DATE.finditer(text))
        if not dates or (reading and reading[0] == "skip"):
            undated.append(text)
            continue
        notes = [reading[1]] if reading and reading[1] else []
        if len(piece.spans) > 1:
            lines = ", ".join(str(s.line) for s in piece.spans)
            notes.append(f"output line continues across a page break (lines {lines})")
        if _is_date_only(text) and undated:
            notes.append(
                "the date stands on its own line under the outcomes it measures, which are "
                "taken as the text: " + " / ".join(undated)
            )
            text = " ".join([*undated, text])
            dates = list(_TARGET_DATE.finditer(text))
        cut = 0
        for index, date in enumerate(dates):
            end = len(text) if index == len(dates) - 1 else _after_date(text, date.end())
            segment = text[cut:end].strip().lstrip(",;.–- ")
            segment_notes = list(notes)
            if len(dates) > 1:
                segment_notes.append(
                    f"one of {len(dates)} dates on the same output line; text cut after each date"
                )
            outputs.append(
                _Output(
                    segment,
                    _timescale(date.group(0)),
                    _date_span(piece, date.group(0)),
                    segment_notes,
                )
            )
            cut = end
        undated = []
    return outputs


def _is_date_only(text: str) -> bool:
    """True for a line such as "(July 2018 onwards)" or "[Culture dashboard – September 2018]"."""
    return not _DATE_ONLY_WORDS.sub("", _TARGET_DATE.sub("", text))


def _after_date(text: str, position: int) -> int:
    """Position just past a date and the bracket or full stop that closes it."""
    closing = re.compile(r"[\s.]*[)\]]?\.?").match(text, position)
    return closing.end() if closing else position


def _timescale(date: str) -> str:
    return re.sub(r"\s+", " ", date).strip()


def _date_span(piece: _Piece, date: str) -> _Span:
    for span in piece.spans:
        if date in span.text:
            return span
    return max(piece.spans, key=lambda s: len(s.text))


def _commitments_frame(
    doc: SourceDocument,
    aims: list[_Aim],
    leads: dict[str, list[str]],
    outputs: dict[str, list[_Output]],
) -> pd.DataFrame:
    rows = []
    for aim in aims:
        for number, output in enumerate(outputs[aim.aim_id], start=1):
            rows.append(
                {
                    "commitment_id": f"{aim.aim_id}-{number}",
                    "plan": PLAN,
                    "theme": aim.section_title,
                    "sub_theme": "",
                    "ref": aim.ref,
                    "text": output.text,
                    "owner": "; ".join(leads[aim.aim_id]),
                    "timescale": output.timescale,
                    "timescale_reference": DOCUMENT_DATE,
                    "kerslake_refs": "",
                    "measures": "",
                    "source": doc.name,
                    "source_line": output.span.line,
                    "quote": output.span.raw,
                    "transcription_note": "; ".join(output.notes),
                }
            )
    frame = pd.DataFrame(rows, columns=_COMMITMENT_COLUMNS)
    frame["source_line"] = frame["source_line"].astype("int64")
    return frame


_COMMITMENT_COLUMNS = (
    "commitment_id",
    "plan",
    "theme",
    "sub_theme",
    "ref",
    "text",
    "owner",
    "timescale",
    "timescale_reference",
    "kerslake_refs",
    "measures",
    "source",
    "source_line",
    "quote",
    "transcription_note",
)


# ------------------------------------------------------------------------ observations


def _observations_frame(
    doc: SourceDocument,
    commitments: pd.DataFrame,
    updates: pd.DataFrame,
    readings: pd.DataFrame,
) -> pd.DataFrame:
    complete = updates[updates["complete"]]
    used: set[str] = set()
    rows = []
    for update in complete.itertuples(index=False):
        reading = _completion_reading(doc, update)
        used.add(reading.update)
        if reading.output is None:
            continue
        aim_outputs = commitments[commitments["commitment_id"].str.startswith(f"{update.aim_id}-")]
        match = aim_outputs[aim_outputs["text"].str.contains(reading.output, regex=False)]
        if len(match) != 1:
            raise ValueError(
                f"{doc.name}:{update.source_line}: output {reading.output!r} matches "
                f"{len(match)} outputs of {update.aim_id}, expected 1"
            )
        period = update.month or DOCUMENT_PERIOD
        rows.append(
            {
                "commitment_id": match["commitment_id"].item(),
                "period": period,
                "observed_on": period_end(period).isoformat(),
                "state": reading.state,
                "evidence": update.text,
                "source": doc.name,
                "source_line": update.source_line,
                "quote": update.quote,
                "transcription_note": f"COMPLETE marker of {update.update_id}: {reading.note}",
            }
        )
    unused = [r.update for r in _COMPLETION_READINGS if r.update not in used]
    if unused:
        raise ValueError(f"{doc.name}: completion readings match no COMPLETE update: {unused}")
    # A reading of the text supersedes a marker observation of the same output and period
    # (it dates the completion the marker leaves at the period's end).
    read = set(zip(readings["commitment_id"], readings["period"], strict=True))
    rows = [r for r in rows if (r["commitment_id"], r["period"]) not in read]
    rows.extend(readings.to_dict("records"))
    # The September edition is a full snapshot of the tracker: an output not read as
    # complete and not otherwise observed in September is in progress (module docstring).
    done = {r["commitment_id"] for r in rows if r["state"] == "complete"}
    in_september = {r["commitment_id"] for r in rows if r["period"] == DOCUMENT_PERIOD}
    for output in commitments.itertuples(index=False):
        if output.commitment_id in done | in_september:
            continue
        rows.append(
            {
                "commitment_id": output.commitment_id,
                "period": DOCUMENT_PERIOD,
                "observed_on": DOCUMENT_DATE,
                "state": "in_progress",
                "evidence": "No COMPLETE marker against this output in the September 2018 "
                "update of the tracker, and no update text reporting it done.",
                "source": doc.name,
                "source_line": output.source_line,
                "quote": output.quote,
                "transcription_note": (
                    "implied by the September 2018 edition, a full snapshot of the tracker: "
                    "no COMPLETE marker and no update saying it was done means not complete "
                    f"(every update was read against every output; {READINGS_FILE.name}); "
                    "the legend has only complete, on track and off track, so a live row is "
                    "in progress (its RAG colour is lost in the text)"
                ),
            }
        )
    frame = pd.DataFrame(rows)
    frame.insert(0, "observation_id", "OBS-" + frame["commitment_id"] + "-" + frame["period"])
    duplicated = frame["observation_id"].duplicated(keep=False)
    frame.loc[duplicated, "observation_id"] += "-" + (
        frame[duplicated].groupby("observation_id").cumcount() + 1
    ).astype(str)
    frame["source_line"] = frame["source_line"].astype("int64")
    return frame


def _text_readings(doc: SourceDocument, commitments: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Read the hand transcription of what the updates say happened to each output.

    Every row is checked: the commitment exists, the state is one of ``complete``,
    ``in_progress`` or ``not_started``, the period is 2018-07, 2018-08 or 2018-09,
    ``observed_on`` is an ISO date no later than the period's last day, the quote is
    verbatim on its line and the note is not empty. A ``ValueError`` names the file, the
    row (1 = first data row) and the column of the first bad cell.
    """
    table = _transcription(path, _READING_COLUMNS)
    known = set(commitments["commitment_id"])
    for row, record in enumerate(table.to_dict("records"), start=1):

        def bad(column: str, problem: str, row: int = row) -> ValueError:
            return ValueError(f"{path.name}: row {row}, column {column}: {problem}")

        if record["commitment_id"] not in known:
            raise bad("commitment_id", f"no commitment {record['commitment_id']!r}")
        if record["state"] not in ("complete", "in_progress", "not_started"):
            raise bad("state", f"{record['state']!r} is not complete, in_progress or not_started")
        if record["period"] not in PERIODS:
            raise bad("period", f"{record['period']!r} is not one of {list(PERIODS)}")
        observed = pd.to_datetime(record["observed_on"], format="%Y-%m-%d", errors="coerce")
        if pd.isna(observed):
            raise bad("observed_on", f"{record['observed_on']!r} is not an ISO date")
        if record["observed_on"] > period_end(record["period"]).isoformat():
            raise bad("observed_on", f"{record['observed_on']} is after period {record['period']}")
        _check_quote(doc, path, row, record)
        if not record["transcription_note"].strip():
            raise bad("transcription_note", "empty: every reading says why")
    key = table[["commitment_id", "period"]]
    if key.duplicated().any():
        row = int(key.duplicated().to_numpy().nonzero()[0][0]) + 1
        raise ValueError(f"{path.name}: row {row}, column period: second reading of the same month")
    return pd.DataFrame(
        {
            "commitment_id": table["commitment_id"],
            "period": table["period"],
            "observed_on": table["observed_on"],
            "state": table["state"],
            "evidence": table["quote"].map(strip_markup),
            "source": doc.name,
            "source_line": table["source_line"].astype("int64"),
            "quote": table["quote"],
            "transcription_note": "Read from the update text ("
            + path.name
            + "): "
            + table["transcription_note"],
        }
    )


def _promise_commitments(
    doc: SourceDocument, aims: list[_Aim], leads: dict[str, list[str]], path: Path
) -> pd.DataFrame:
    """Commitments made from the dated promises outside the Outputs column.

    Every row of the reviewable list is checked (the quote verbatim on its line, the aim
    known, the decision ``commitment`` or ``excluded`` with its reason, a commitment's ID
    ``<aim>-a<n>`` numbered from 1 in document order within its aim); the rows decided
    ``commitment`` become commitments like the dated outputs. A ``ValueError`` names the
    file, the row (1 = first data row) and the column of the first bad cell.
    """
    table = _transcription(path, _PROMISE_COLUMNS)
    by_id = {aim.aim_id: aim for aim in aims}
    numbered: dict[str, int] = {}
    rows = []
    for row, record in enumerate(table.to_dict("records"), start=1):

        def bad(column: str, problem: str, row: int = row) -> ValueError:
            return ValueError(f"{path.name}: row {row}, column {column}: {problem}")

        _check_quote(doc, path, row, record)
        aim = by_id.get(record["aim_id"])
        if record["aim_id"] and aim is None:
            raise bad("aim_id", f"no aim {record['aim_id']!r}")
        if not record["reason"].strip():
            raise bad("reason", "empty: every decision says why")
        if record["decision"] == "excluded":
            if record["commitment_id"] or record["commitment_text"]:
                raise bad("commitment_id", "an excluded promise has no commitment")
            continue
        if record["decision"] != "commitment":
            raise bad("decision", f"{record['decision']!r} is not commitment or excluded")
        if aim is None:
            raise bad("aim_id", "a commitment belongs to an aim")
        numbered[aim.aim_id] = numbered.get(aim.aim_id, 0) + 1
        expected = f"{aim.aim_id}-a{numbered[aim.aim_id]}"
        if record["commitment_id"] != expected:
            raise bad("commitment_id", f"{record['commitment_id']!r}, expected {expected!r}")
        if not record["commitment_text"].strip() or not record["timescale"].strip():
            raise bad("commitment_text", "a commitment needs its text and timescale")
        rows.append(
            {
                "commitment_id": expected,
                "plan": PLAN,
                "theme": aim.section_title,
                "sub_theme": "",
                "ref": aim.ref,
                "text": record["commitment_text"],
                "owner": "; ".join(leads[aim.aim_id]),
                "timescale": record["timescale"],
                "timescale_reference": DOCUMENT_DATE,
                "kerslake_refs": "",
                "measures": "",
                "source": doc.name,
                "source_line": int(record["source_line"]),
                "quote": record["quote"],
                "transcription_note": (
                    f"dated promise {record['promise_id']} of the "
                    f"{record['column'].replace('_', ' ')} column ({path.name}): "
                    + record["reason"]
                ),
            }
        )
    return pd.DataFrame(rows, columns=_COMMITMENT_COLUMNS)


def _transcription(path: Path, columns: tuple[str, ...]) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{path.name}: missing column(s) {missing}")
    return table


def _check_quote(doc: SourceDocument, path: Path, row: int, record: dict) -> None:
    line, quote = record["source_line"], record["quote"]
    if not line.isdigit():
        raise ValueError(f"{path.name}: row {row}, column source_line: {line!r} is not a line")
    number = int(line)
    if not quote or not 1 <= number <= len(doc.lines) or quote not in doc.line(number):
        raise ValueError(
            f"{path.name}: row {row}, column quote: not verbatim on {doc.name} line {line}: "
            f"{quote!r}"
        )


def _completion_reading(doc: SourceDocument, update) -> _CompletionReading:
    found = [r for r in _COMPLETION_READINGS if r.update in update.text]
    if len(found) != 1:
        raise ValueError(
            f"{doc.name}:{update.source_line}: COMPLETE update {update.update_id} has "
            f"{len(found)} completion readings, expected 1: {update.text[:80]!r}"
        )
    return found[0]


# ------------------------------------------------------------------------- temperature

_PARTNER_HEADING = re.compile(r"\*\*(?P<partner>.+?) – (?P<d>\d\d)\.(?P<m>\d\d)\.(?P<y>\d\d)\*\*")


def _temperature_frame(doc: SourceDocument) -> pd.DataFrame:
    """The Aug-Sep 2018 temperature take: the précis and each partner's points."""
    start = next(
        (n for n, line in enumerate(doc.lines, 1) if line.startswith(_TEMPERATURE_HEADING)), None
    )
    if start is None:
        raise ValueError(f"{doc.name}: no '{_TEMPERATURE_HEADING}' heading")
    rows = []
    partner, date = "", ""
    for number in range(start + 1, len(doc.lines) + 1):
        line = doc.line(number).strip()
        heading = _PARTNER_HEADING.fullmatch(line)
        if heading:
            partner = heading.group("partner")
            date = f"20{heading.group('y')}-{heading.group('m')}-{heading.group('d')}"
            continue
        if not line or line == "ITEM 6":
            continue  # "ITEM 6" is the agenda item number printed on the page
        kind = "point" if partner else "precis"
        text = line.removeprefix("- ") if kind == "point" else line
        rows.append(
            {
                "point_id": f"TT18-{len(rows) + 1:02d}",
                "plan": PLAN,
                "period": DOCUMENT_PERIOD,
                "kind": kind,
                "partner": partner,
                "date": date,
                "point": _plain(text),
                "source": doc.name,
                "source_line": number,
                "quote": text,
                "transcription_note": "",
            }
        )
    frame = pd.DataFrame(rows)
    frame["source_line"] = frame["source_line"].astype("int64")
    return frame


# ------------------------------------------------------------------------ cell helpers


def _plain(fragment: str) -> str:
    """Plain text of a cell fragment: footnote numbers dropped, ordinals kept together."""
    fragment = re.sub(r"\s*<sup>\s*(st|nd|rd|th)\s*</sup>", r"\1", fragment)
    fragment = re.sub(r"\s*<sup>\s*\d+\s*</sup>", "", fragment)
    return strip_markup(fragment)


def _cell_spans(line: str) -> list[tuple[int, int]]:
    bars = [i for i, char in enumerate(line) if char == "|"]
    return [(a + 1, b) for a, b in zip(bars, bars[1:], strict=False)]


def _first_block(cell: str) -> str:
    return _plain(_BLOCK.split(cell.strip(), maxsplit=1)[0])


def _open_tags(cell: str, position: int) -> list[str]:
    stack: list[str] = []
    for tag in _INLINE.finditer(cell, 0, position):
        name = tag.group(2).lower().replace("strong", "b")
        if not tag.group(1):
            stack.append(name)
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name)]
    return stack


def _span(line_number: int, line: str, cell: tuple[int, int], start: int, end: int) -> _Span:
    """A span of ``line`` inside ``cell``, with bold read from the tags around it."""
    cell_text = line[cell[0] : cell[1]]
    raw = line[start:end]
    before = _open_tags(cell_text, start - cell[0])
    after = _open_tags(cell_text, end - cell[0])
    balanced = "".join(f"<{t}>" for t in before) + raw + "".join(f"</{t}>" for t in after[::-1])
    bold_text = " ".join(_plain(m.group(2)) for m in _BOLD_RUN.finditer(balanced))
    bold_text = _COMPLETE_MARKER.sub("", bold_text)  # a bold COMPLETE alone is a marker
    return _Span(
        line_number,
        start,
        end,
        raw,
        _plain(raw),
        is_bold(balanced),
        bool(bold_text.strip()),
    )


def _trimmed(line: str, start: int, end: int) -> tuple[int, int]:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return start, end


def _column_pieces(
    doc: SourceDocument, aim: _Aim, column: int, *, split_tags: bool
) -> list[_Piece]:
    """The pieces of one column of an aim, joined across page breaks."""
    pieces: list[_Piece] = []
    for part_index, part in enumerate(aim.parts):
        line = doc.line(part.line)
        cell = part.cells[column]
        part_pieces: list[_Piece] = []
        for start, end in _blocks(line, cell):
            span = _span(part.line, line, cell, start, end)
            if not span.text:
                continue
            if split_tags:
                part_pieces.extend(_split_at_tags(doc, line, part.line, cell, span))
            else:
                part_pieces.append(_Piece([span]))
        if part_index and pieces and part_pieces:
            last, first = pieces[-1], part_pieces[0]
            if last.unfinished and first.kind == "text":
                last.spans.extend(first.spans)
                last.month, last.multi_month = first.month, first.multi_month
                part_pieces.pop(0)
        pieces.extend(part_pieces)
    return pieces


def _blocks(line: str, cell: tuple[int, int]) -> list[tuple[int, int]]:
    bounds = [cell[0]]
    for match in _BLOCK.finditer(line, cell[0], cell[1]):
        bounds += [match.start(), match.end()]
    bounds.append(cell[1])
    blocks = [_trimmed(line, a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True)]
    return [(a, b) for a, b in blocks if a < b]


def _split_at_tags(
    doc: SourceDocument, line: str, number: int, cell: tuple[int, int], span: _Span
) -> list[_Piece]:
    """Cut a Lead-column span after each update tag and classify the pieces."""
    if _is_lead(span):
        return [_Piece([span], kind="lead")]
    label = _LABEL.fullmatch(span.text)
    if label:
        month = _month_of(label.group("month"))
        return [_Piece([span], kind="label", month=month, label_forward=bool(label.group("colon")))]
    if _COMPLETE_ALONE.fullmatch(span.text):
        return [_Piece([span], kind="complete")]
    ignore_dated = any(key in span.text for key in _NOT_UPDATE_TAGS)
    pieces: list[_Piece] = []
    cut = span.start
    for tag in _UPDATE_TAG.finditer(line, span.start, span.end):
        if tag.group("dated") and ignore_dated:
            continue
        trailer = _TAG_TRAILER.match(line, tag.end(), span.end)
        end = trailer.end() if trailer else tag.end()
        piece_span = _span(number, line, cell, *_trimmed(line, cut, end))
        months = tag.group("months") or tag.group("dated")
        piece = _Piece([piece_span], month=_month_of(months.split("/")[-1]))
        piece.multi_month = "/" in months
        pieces.append(piece)
        cut = end
    start, end = _trimmed(line, cut, span.end)
    while start < end and line[start] in ".);":
        start += 1  # residue after a tag, e.g. 2.6's "(August Update). )."
    start, end = _trimmed(line, start, end)
    rest = _span(number, line, cell, start, end) if start < end else None
    if rest and rest.text.strip(" .);"):
        if _COMPLETE_ALONE.fullmatch(rest.text.strip(" .);")) and pieces:
            pieces.append(_Piece([rest], kind="complete"))
        else:
            pieces.append(_Piece([rest]))
    if not pieces:
        raise ValueError(f"{doc.name}:{number}: nothing read from {span.raw[:60]!r}")
    return pieces


def _is_lead(span: _Span) -> bool:
    words = re.findall(r"[A-Za-z']+", span.text)
    return span.bold and bool(words) and all(word in _LEAD_WORDS for word in words)


def _month_of(name: str) -> str:
    return f"2018-{_MONTH_NUMBERS[name.strip().lower()[:3]]}"


def _piece_has(piece: _Piece, phrase: str) -> bool:
    return any(phrase in span.raw or phrase in span.text for span in piece.spans)


def _quote(doc: SourceDocument, spans: list[_Span]) -> tuple[int, str]:
    """The line holding most of ``spans`` and the verbatim stretch of it they cover."""
    by_line: dict[int, list[_Span]] = {}
    for span in spans:
        by_line.setdefault(span.line, []).append(span)
    line = max(by_line, key=lambda n: sum(len(s.raw) for s in by_line[n]))
    start = min(s.start for s in by_line[line])
    end = max(s.end for s in by_line[line])
    return line, doc.line(line)[start:end]
