"""The Cabinet report "Investing in our Future 2021-2026" (``002_e19b15a5f720a5bc.txt``).

A report to Cabinet by the Interim Chief Executive proposing a new senior structure (a
council *core* and *delivery* functions), a new officer governance of four monthly
meetings, and the steps to get there. It contributes:

``iif21_structure``
    The eleven proposed roles as listed in the executive summary (lines 65-85): five
    in the core, six delivery functions. ``role_id`` is ``IIF21-<element>-<role-slug>``;
    ``description`` is the role's first paragraph in Appendix A, from
    ``description_line``.
``iif21_meetings``
    The four meetings that replace the Corporate Leadership Team, "each take place once
    a month" (line 510, which names who leads each; line 92 and lines 94-97 summarise).
``commitments``
    ``IIF21-<n>``, numbered in document order: every statement that the council will do
    or achieve something with a stated date or horizon. Lists introduced by a horizon
    ("Over the coming two to five years they will:") give one commitment per item, the
    lead-in joined to the item's text. Not included: the undated proposals (the root and
    branch review of City Housing, the Route to Zero team, the equality impact
    assessment), the time-limited "(24-36months)" Establish and Recover team (line 369:
    how long a team exists, not when something is due), the consolidation "in the
    following 3 to 5 years" (no deliverable), and the monthly meetings (in
    ``iif21_meetings``; recurring, so never due).

The report's date
    Line 1 reads "Report to Cabinet/Cabinet Committee 19 January 2020". The content is
    of January 2021: the plan is for "2021 to 2026"; the JNC paper is on "28th January
    2021" (line 136) and "later in January 2021" (line 518); the Delivery Plan was
    "agreed by Cabinet in November 2020" (line 118); COVID effects are counted "Since
    March 2020" (line 180); the Commonwealth Games (opened 28 July 2022) are "only 18
    months away" (line 28); and 19 January 2020 was a Sunday while 19 January 2021 was a
    Tuesday. So :data:`REFERENCE_DATE` is 2021-01-19, and every commitment's
    ``transcription_note`` says so. (Appendix A's "in just 20 months-time", line 280,
    suggests the appendix was drafted about two months earlier, in November 2020.)

Examples
--------
>>> tables = build()
>>> [len(tables[name]) for name in ("iif21_structure", "iif21_meetings", "commitments")]
[11, 4, 25]
>>> tables["commitments"].set_index("commitment_id").loc["IIF21-6", "timescale"]
'28th January 2021'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from kerslake_analysis.ingest.provenance import SourceDocument, strip_markup

DOCUMENT_KEY = "iif_2021"
PLAN = "iif-2021"
#: The report's date, read as 19 January 2021 (the header's "2020" is a slip; see above).
REFERENCE_DATE = "2021-01-19"
REFERENCE_NOTE = (
    "Reference date 2021-01-19: the header (line 1) says '19 January 2020', read as 19 January "
    "2021 because the report is for 2021 to 2026, its JNC paper is on 28 January 2021 (line "
    "136), the Delivery Plan it follows was agreed in November 2020 (line 118), the "
    "Commonwealth Games of July 2022 are 'only 18 months away' (line 28), and 19 January 2020 "
    "was a Sunday, 19 January 2021 a Tuesday."
)

# ------------------------------------------------------------------------- structure

#: The roles as the executive summary lists them, by element, in order.
CORE_ROLES: tuple[str, ...] = (
    "Chief Executive",
    "Director of City Management",
    "Director of Partnership; Participation and Equality",
    "Purpose Director: City Futures",
    "Purpose Director: Places, Prosperity and Sustainability",
)
DELIVERY_ROLES: tuple[str, ...] = (
    "Managing Director: City Operations",
    "Managing Director: City Housing",
    "Managing Director: City and Municipal Development",
    "Children's Trust",
    "Managing Director: City Help and Support",
    "Managing Director: City Life Courses",
)
#: First lines of the executive summary's core and delivery paragraphs (3.3).
_CORE_INTRO = "A new Council Core that exists to set direction and purpose"
_DELIVERY_INTRO = "Best in class service delivery functions delivered on an in-house basis"
_SUMMARY_START = "3.3 It is proposed that a new structure is built"
_APPENDIX_START = "A new corporate core"
_ROLE_NOTES = {
    "Director of Partnership; Participation and Equality": (
        "Named as in the summary list and the appendix heading (line 371); line 510 calls the "
        "post 'Director of Partnerships, Participation and Equalities'."
    ),
    "Purpose Director: City Futures": (
        "The list marker was lost in conversion (line 69); placed in the core by its position "
        "before the delivery paragraph (line 73), as in the appendix. Line 477 calls the post "
        "'Purpose and Policy Director: City Futures'."
    ),
    "Purpose Director: Places, Prosperity and Sustainability": (
        "Lines 425 and 449 call the post 'Purpose and Policy Director: Places, Prosperity and "
        "Sustainability' and line 465 'Policy and Partnership Director: Places, Prosperity and "
        "Sustainability'; read as the same post."
    ),
    "Children's Trust": (
        "Listed with the delivery functions, but the footnote on line 439 excepts the "
        "Birmingham Children's Trust from in-house delivery."
    ),
    "Managing Director: City Life Courses": (
        "Line 391 calls the department 'the Social Care and Life Courses Department (currently "
        "known as the Adult Social Care Department)'."
    ),
}

# -------------------------------------------------------------------------- meetings

#: Each meeting's clause of line 510, verbatim, and who leads it (plain).
_MEETINGS: tuple[tuple[str, str, str], ...] = (
    (
        "a **strategy group** that focuses on policy and strategy development – this meeting "
        "will be curated by the Purpose Directors and the Director of Partnerships, "
        "Participation and Equalities (with support from the Head of CEO's Office and Policy "
        "Lead)",
        "Purpose Directors and the Director of Partnerships, Participation and Equalities",
        "",
    ),
    (
        "a **performance group** that focuses on the delivery of the budget, business plan "
        "objectives, performance framework measures and the delivery of key programmes – this "
        "meeting will be curated and led the Director of City management and is partly about "
        "holding Managing Directors to account, and partly about ensuing they have a clear "
        "escalation root for issues to be resolved",
        "Director of City Management",
        "The text says 'curated and led the Director of City management' (no 'by'); read as led "
        "by the Director of City Management. 'ensuing' and 'escalation root' are printed so "
        "(for 'ensuring', 'route').",
    ),
    (
        "**an assurance group** that focuses on the achievement of statutory and other "
        "regulatory objectives – this meeting will be led by the Director of City Management",
        "Director of City Management",
        "",
    ),
    (
        "a monthly **leadership group** that brings together all directors and their reports, "
        "to ensure alignment and understanding across the Council as a whole.",
        "",
        "No lead is named.",
    ),
)
_MEETINGS_LINE_START = "Corporate Leadership Team will be replaced by four meetings"
_MEETING_CLAUSE = re.compile(
    r"(?:an? )?(?:monthly )?(?:an )?(?P<name>[a-z]+ group) that (?P<focus>.+?)(?: – (?P<rest>.+))?"
)

# ------------------------------------------------------------------------ commitments


@dataclass(frozen=True)
class _Commitment:
    """One dated commitment: where it is, its timescale as written, and who owns it."""

    quote: str  # verbatim on one line; the sentence, or the list item without its marker
    timescale: str  # as written, in the quote or in the lead-in
    theme: str
    sub_theme: str = ""
    ref: str = ""
    owner: str = ""
    lead_in: str = ""  # verbatim lead-in of a list ("... they will:"), joined to the item
    note: str = ""
    start: int = 1  # search for the quote from this line


_SUMMARY = "Executive Summary"
_COMPLIANCE = "Compliance Issues"
_NEW_MODEL = "A new model of leadership, service delivery and governance"
_CITY_MANAGEMENT_LEAD_IN = "Over the coming two to five years they will:"
_PARTNERSHIP_LEAD_IN = "Over the next 2-5 years develops and implements:"


def _city_management(quote: str, note: str = "") -> _Commitment:
    return _Commitment(
        quote,
        "Over the coming two to five years",
        _NEW_MODEL,
        "Director of City Management",
        owner="Director of City Management",
        lead_in=_CITY_MANAGEMENT_LEAD_IN,
        note=note,
        start=345,
    )


def _partnership(quote: str) -> _Commitment:
    return _Commitment(
        quote,
        "Over the next 2-5 years",
        _NEW_MODEL,
        "Director of Partnership; Participation and Equality",
        owner="Director of Partnership; Participation and Equality",
        lead_in=_PARTNERSHIP_LEAD_IN,
        start=375,
    )


_COMMITMENTS: tuple[_Commitment, ...] = (
    _Commitment(
        "It is proposed that a new structure is built over the next 2-5 years that has two "
        "elements:",
        "over the next 2-5 years",
        _SUMMARY,
        ref="3.3",
        note=(
            "The two elements are the council core and the delivery functions (see "
            "iif21_structure). The same sentence opens the structure in Appendix A (line 315)."
        ),
    ),
    _Commitment(
        "the changes outlined above will be progressed in phases over the next 2 years with a "
        "period of consolidation in the following 3 to 5 years.",
        "over the next 2 years",
        _SUMMARY,
        ref="3.5",
        note=(
            "Repeated in 'Making it happen' (line 518). The consolidation 'in the following 3 "
            "to 5 years' sets no deliverable and has no row of its own."
        ),
    ),
    _Commitment(
        "A JNC report will follow to establish the key posts of the structure and a phased "
        "approach to implementation through to 2022.",
        "through to 2022",
        _SUMMARY,
        ref="3.5",
        note=(
            "The commitment is the phased implementation, read as complete during 2022 (due "
            "window the calendar year 2022); line 518 repeats it. The JNC report itself is "
            "IIF21-6."
        ),
    ),
    _Commitment(
        "The proposals to strengthen the Council's core, as set out in paragraph 3.3 above, "
        "will cost £0.51m per annum and will be built into the Medium-Term Financial Plan "
        "(MTFP) from 2021/22.",
        "from 2021/22",
        _COMPLIANCE,
        "Financial Implications",
        ref="7.3.1",
        note=(
            "Recommendation 2.2 (line 43) asks Cabinet to approve the same inclusion. 'from "
            "2021/22' is open-ended: it starts on 1 April 2021 and sets no due date."
        ),
    ),
    _Commitment(
        "This second phase will take the Council to March 2021 with the production of final "
        "business cases (FBCs).",
        "March 2021",
        _COMPLIANCE,
        "Financial Implications",
        ref="7.3.3",
    ),
    _Commitment(
        "A JNC report will be discussed at JNC Paper on 28th January 2021",
        "28th January 2021",
        _COMPLIANCE,
        "Human Resources Implications",
        ref="7.5.1",
        note=(
            "Line 518 says the same report comes 'later in January 2021' and will begin "
            "establishing the key posts; the exact date here is used."
        ),
    ),
    _Commitment(
        "For the next 18-24 months, the Council's Commonwealth Games Director will continue to "
        "report to the Chief Executive.",
        "For the next 18-24 months",
        _NEW_MODEL,
        "Chief Executive",
        owner="Chief Executive",
        note=(
            "An arrangement lasting 18 to 24 months: the due window is when it is to end, "
            "18 to 24 months after the report's date."
        ),
    ),
    _city_management(
        "Create an integrated suite of enabling services (finance, HR, procurement-commissioning, "
        "commercial and investment, IT and FM) that supports the Council's Delivery Departments "
        "to deliver day to day and improvement when this is required."
    ),
    _city_management(
        "Sponsor the Director of Digital and Customer Services (who will report to this post) to "
        "develop best in class customer service platforms"
    ),
    _city_management(
        "Deliver our new ways of working programme including contingent changes in HR, FM and IT."
    ),
    _city_management(
        "Implement an annual finance and business planning process that enables the **Purpose "
        "Directors** to set objectives and performance standards for the Council's Operational "
        "Departments and wider system."
    ),
    _city_management(
        "Curate and lead an integrated monthly performance management process that tests "
        "delivery against budget, objectives and performance standards as well as other "
        "relevant measures."
    ),
    _city_management(
        "Curate and lead an integrated monthly assurance process that tests the council's "
        "compliance with key statutory and other regulatory requirements including but not "
        "limited to:",
        "The areas listed on lines 353-359 are joined to the text.",
    ),
    _city_management(
        "Develop an appropriately skilled Programme Management Office so that the Council can be "
        "assured and have confidence that major change projects deliver as intended, to budget "
        "and on time.",
        "Printed as a paragraph, not a bullet (line 363): read as an item of the list that "
        "starts on line 345, since it sits between its items and, like them, starts with a verb.",
    ),
    _city_management(
        "Establish a small Service Design and Innovation team, who can work with the Purpose and "
        "Policy Directors and Operational Directors to help identify service improvements and "
        "respond to wicked issues."
    ),
    _city_management(
        "Develop a comprehensive Workforce Resilience and Development planning arrangement that "
        "responds to the Council's aging workforce 'cliff' and enables the achievement of the "
        "Council's Workforce to Reflect the Community objectives."
    ),
    _city_management(
        "Establish an appropriately skilled Investment and Commercial team to support the "
        "Council's growth and sustainability objectives."
    ),
    _partnership(
        "those elements of the Councils localism agenda that relates to civic engagement, "
        "participation and involvement in decision making, be that city wide or neighbourhood "
        "level (e.g. ward budgets)."
    ),
    _partnership(
        "an 'insight as a service' team in the form a City Equalities Observatory a data led "
        "function that tests and challenges our Purpose Directors and their teams to ensure "
        "their approaches demonstrably address structural inequalities."
    ),
    _partnership(
        "an equalities team that works as part of the City Equalities Observatory works to "
        "understand the qualitative dimension of inequalities in the city."
    ),
    _Commitment(
        "In the coming 18 months the Director of City Operations and their department will be "
        "pivotal to the achievement of key deliverables in respect of the Commonwealth Games",
        "In the coming 18 months",
        "Delivery Functions",
        "Managing Director: City Operations",
        owner="Managing Director: City Operations",
        note=(
            "The 18 months run to 19 July 2022, nine days before the Games opened (28 July 2022)."
        ),
    ),
    _Commitment(
        "As one of the few genuinely universal services, a core purpose and mission of the City "
        "Operations Department over the next 2-5 years, will be to drive civic pride and a sense "
        "of connection between the Council and citizens.",
        "over the next 2-5 years",
        "Delivery Functions",
        "Managing Director: City Operations",
        owner="Managing Director: City Operations",
    ),
    _Commitment(
        "The trust will continue its work to ensure that over the next 2-5 years we develop an "
        "outstanding Children's Services offer to the children and young people of the city.",
        "over the next 2-5 years",
        "Delivery Functions",
        "Children's Trust",
        owner="Children's Trust",
    ),
    _Commitment(
        'Within two years the aim should be to have services that are rated "good" by Ofsted.',
        "Within two years",
        "Delivery Functions",
        "Children's Trust",
        owner="Children's Trust",
    ),
    _Commitment(
        "Over the next 2-5 years the department should develop this approach, where-ever "
        "possible integrating pathways with the health service (as part of on-going national "
        "requirements to create integrated care systems)",
        "Over the next 2-5 years",
        "Delivery Functions",
        "Managing Director: City Life Courses",
        owner="Managing Director: City Life Courses",
        note="The sentence has no full stop in the text; it ends at the closing bracket.",
    ),
)

_BULLET_MARKER = re.compile(r"^\s*(?:-\s+)?(?:[➤>o]\s+)*")
_SUB_ITEM = re.compile(r"^\s+-\s+(?:o\s+)?(?P<item>.+?)\s*$")
_SENTENCE_END = (".", ":", "!", "?")


def build() -> dict[str, pd.DataFrame]:
    """Return every table the 2021 Cabinet report contributes.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``iif21_structure``, ``iif21_meetings`` and ``commitments``; every row has
        ``source``, ``source_line`` and ``quote``.

    Raises
    ------
    ValueError
        If the document is not laid out as expected (a role, meeting or lead-in is
        missing or out of place); the message names the file and line.
    kerslake_analysis.ingest.provenance.QuoteNotFoundError
        If a quote is not in the document.
    """
    doc = SourceDocument.open(DOCUMENT_KEY)
    return {
        "iif21_structure": iif21_structure(doc),
        "iif21_meetings": iif21_meetings(doc),
        "commitments": commitments(doc),
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _exact_line(doc: SourceDocument, text: str, start: int, end: int | None = None) -> int:
    """The first line from ``start`` whose text, without list markers, is ``text``."""
    last = len(doc.lines) if end is None else end
    for number in range(start, last + 1):
        if _BULLET_MARKER.sub("", doc.line(number)).strip().rstrip(":") == text:
            return number
    raise ValueError(f"{doc.name}: no line {start}-{last} reads {text!r}")


def _paragraph(doc: SourceDocument, first: int) -> tuple[int, str]:
    """The paragraph at or after ``first``, joined across page breaks, as plain text."""
    number = first
    while not doc.line(number).strip():
        number += 1
    start, parts = number, []
    while True:
        line = doc.line(number).strip()
        if line:
            parts.append(line)
            if line.endswith(_SENTENCE_END):
                break
        number += 1
    return start, strip_markup(" ".join(parts))


def iif21_structure(doc: SourceDocument) -> pd.DataFrame:
    """Return the proposed core and delivery roles.

    Parameters
    ----------
    doc : SourceDocument
        The 2021 Cabinet report.

    Returns
    -------
    pandas.DataFrame
        Columns ``role_id``, ``role_order``, ``element`` (``core`` or ``delivery``),
        ``role``, ``description``, ``description_line``, ``source``, ``source_line``,
        ``quote`` and ``transcription_note``.

    Raises
    ------
    ValueError
        If a role is not listed under its element in the executive summary or has no
        section in Appendix A.
    """
    summary = doc.locate(_SUMMARY_START)
    core_intro = doc.locate(_CORE_INTRO, summary)
    delivery_intro = doc.locate(_DELIVERY_INTRO, core_intro)
    appendix = doc.locate(_APPENDIX_START, delivery_intro)
    rows = []
    elements = [("core", r, core_intro, delivery_intro) for r in CORE_ROLES] + [
        ("delivery", r, delivery_intro, delivery_intro + 13) for r in DELIVERY_ROLES
    ]
    for order, (element, role, first, last) in enumerate(elements, start=1):
        line = _exact_line(doc, role, first, last)
        description_line, description = _role_description(doc, role, appendix)
        rows.append(
            {
                "role_id": f"IIF21-{element}-{_slug(role)}",
                "role_order": order,
                "element": element,
                "role": role,
                "description": description,
                "description_line": description_line,
                "source": doc.name,
                "source_line": line,
                "quote": role,
                "transcription_note": _ROLE_NOTES.get(role, ""),
            }
        )
    return pd.DataFrame(rows)


def _role_description(doc: SourceDocument, role: str, appendix: int) -> tuple[int, str]:
    if role == "Chief Executive":
        # the appendix runs the name into its paragraph: "Chief Executive – overall ..."
        line = doc.locate("Chief Executive – ", appendix)
        return line, strip_markup(doc.line(line))
    heading = _exact_line(doc, role, appendix)
    return _paragraph(doc, heading + 1)


def iif21_meetings(doc: SourceDocument) -> pd.DataFrame:
    """Return the four monthly officer meetings that replace the Corporate Leadership Team.

    Parameters
    ----------
    doc : SourceDocument
        The 2021 Cabinet report.

    Returns
    -------
    pandas.DataFrame
        Columns ``meeting_id``, ``meeting_order``, ``meeting``, ``frequency``
        (``monthly``), ``focus``, ``led_by``, ``summary_line`` (the executive summary's
        bullet), ``source``, ``source_line``, ``quote`` and ``transcription_note``.

    Raises
    ------
    ValueError
        If a meeting's clause does not have the expected form, or the executive
        summary does not list it.
    """
    summary_start = doc.locate(_MEETINGS_LINE_START)
    line = doc.locate(_MEETINGS_LINE_START, summary_start + 1)  # the appendix's fuller text
    rows = []
    for order, (quote, led_by, note) in enumerate(_MEETINGS, start=1):
        doc.check(quote, line)
        match = _MEETING_CLAUSE.fullmatch(strip_markup(quote))
        if match is None:
            raise ValueError(f"{doc.name}:{line}: unexpected meeting clause {quote!r}")
        name = match["name"]
        summary_line = _summary_bullet(doc, name, summary_start)
        rows.append(
            {
                "meeting_id": f"IIF21-meeting-{_slug(name)}",
                "meeting_order": order,
                "meeting": name,
                "frequency": "monthly",
                "focus": match["focus"].rstrip("."),
                "led_by": led_by,
                "summary_line": summary_line,
                "source": doc.name,
                "source_line": line,
                "quote": quote,
                "transcription_note": " ".join(
                    filter(
                        None,
                        (
                            "Frequency from 'four meetings that will each take place once a "
                            "month' (same line).",
                            note,
                        ),
                    )
                ),
            }
        )
    return pd.DataFrame(rows)


def _summary_bullet(doc: SourceDocument, name: str, start: int) -> int:
    """The executive summary's bullet for a meeting, within six lines of ``start``."""
    for number in range(start + 1, start + 7):
        if re.match(rf"- (?:\*\*)?{name}(?:\*\*)? that ", doc.line(number).strip()):
            return number
    raise ValueError(f"{doc.name}:{start}: the summary does not list the {name}")


def commitments(doc: SourceDocument) -> pd.DataFrame:
    """Return the report's dated commitments, ``IIF21-1`` onwards in document order.

    Parameters
    ----------
    doc : SourceDocument
        The 2021 Cabinet report.

    Returns
    -------
    pandas.DataFrame
        The columns of the ``commitments`` table except the three the builder adds
        (``timescale_kind``, ``due_start``, ``due_end``). ``timescale_reference`` is
        :data:`REFERENCE_DATE` on every row.

    Raises
    ------
    ValueError
        If the commitments are not in document order, or a list item is not below its
        lead-in.
    """
    rows = []
    previous = 0
    for number, spec in enumerate(_COMMITMENTS, start=1):
        line = doc.locate(spec.quote, spec.start)
        if line < previous:
            raise ValueError(f"{doc.name}:{line}: commitment {number} is out of document order")
        previous = line
        text = strip_markup(spec.quote)
        if spec.lead_in:
            lead_line = doc.locate(spec.lead_in, spec.start)
            if not lead_line < line <= lead_line + 25:
                raise ValueError(f"{doc.name}:{line}: item is not below its lead-in {lead_line}")
            text = f"{spec.lead_in} {_item_text(doc, line)}"
        rows.append(
            {
                "commitment_id": f"IIF21-{number}",
                "plan": PLAN,
                "theme": spec.theme,
                "sub_theme": spec.sub_theme,
                "ref": spec.ref,
                "text": text,
                "owner": spec.owner,
                "timescale": spec.timescale,
                "timescale_reference": REFERENCE_DATE,
                "kerslake_refs": "",
                "measures": "",
                "source": doc.name,
                "source_line": line,
                "quote": spec.quote,
                "transcription_note": " ".join(
                    filter(None, (_lead_in_note(doc, spec), spec.note, REFERENCE_NOTE))
                ),
            }
        )
    return pd.DataFrame(rows)


def _item_text(doc: SourceDocument, line: int) -> str:
    """A list item's whole line as plain text, with its sub-list joined if it ends in a colon."""
    text = strip_markup(_BULLET_MARKER.sub("", doc.line(line)))
    if not text.endswith(":"):
        return text
    items = []
    for number in range(line + 1, len(doc.lines) + 1):
        match = _SUB_ITEM.match(doc.line(number))
        if not match:
            break
        items.append(strip_markup(match["item"]))
    return f"{text} {'; '.join(items)}."


def _lead_in_note(doc: SourceDocument, spec: _Commitment) -> str:
    if not spec.lead_in:
        return ""
    lead_line = doc.locate(spec.lead_in, spec.start)
    return (
        f"A list item; its lead-in (line {lead_line}, '{spec.lead_in}') gives the timescale "
        "and is joined to the text."
    )
