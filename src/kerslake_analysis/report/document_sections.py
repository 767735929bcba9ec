"""The sections only some reports have: what one document or one kind of tracker records.

The period notebook shows :func:`document_sections` in order, so it holds no condition
on a plan's name or on where the data came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from kerslake_analysis.base.periods import period_label
from kerslake_analysis.ingest.council_words import SLIPPAGE_REASON, TEMPERATURE_TAKE, lead_in
from kerslake_analysis.report import council_words
from kerslake_analysis.report.plan_data import PeriodView
from kerslake_analysis.report.ratings import due_date_changes, due_date_summary_table
from kerslake_analysis.report.sections import section_counts

#: The embedded plans whose document counts improvement aims and updates by section.
SECTIONED_PLANS = ("cgip-2018",)


@dataclass(frozen=True)
class DocumentSection:
    """One section of a period page that only some plans or trackers have.

    Attributes
    ----------
    title : str
        The section heading.
    level : int
        The heading's level: 2 for a section of the page, 3 for one inside the section
        before it.
    intro : str
        A paragraph shown under the heading; empty for none.
    tables : list of (pandas.DataFrame, str)
        Each table with its caption, in the order shown (every table has one: WCAG 1.3.1,
        checked by tests/test_accessibility.py).
    """

    title: str
    intro: str = ""
    level: int = 2
    tables: list[tuple[pd.DataFrame, str]] = field(default_factory=list)


def document_sections(view: PeriodView) -> list[DocumentSection]:
    """The document- or tracker-specific sections that apply to a period, in page order.

    A register with a previous snapshot gets the due dates moved since it; an embedded
    plan whose document is organised by section (:data:`SECTIONED_PLANS`) gets its
    improvement aims and updates by section.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    list of DocumentSection
        Empty when none applies.
    """
    found: list[DocumentSection] = []
    if view.data.register is not None and view.previous:
        found.append(_due_dates_moved(view))
    if view.data.register is None and view.data.plan in SECTIONED_PLANS:
        found.append(_aims_and_updates_by_section(view))
    take = council_words.remarks_at(view, TEMPERATURE_TAKE)
    if not take.empty:
        found.append(_temperature_take(view, take))
    return found


def beside_overdue(view: PeriodView) -> list[DocumentSection]:
    """What the documents say about the period's slippage, shown under the overdue list.

    The December 2015 progress report gives its reasons for the actions behind schedule
    as one list for the plan as a whole, naming no action, so the reasons are shown
    beside the overdue commitments and matched to none of them.

    Parameters
    ----------
    view : PeriodView

    Returns
    -------
    list of DocumentSection
        Level-3 sections; empty when the documents give no reason for the period.
    """
    reasons = council_words.remarks_at(view, SLIPPAGE_REASON)
    if reasons.empty:
        return []
    first = reasons.iloc[0]
    text, line = lead_in(first["source"], first["source_line"])
    intro = f"{council_words.quoted(text)} {council_words.cited(first['source'], line)}"
    return [
        DocumentSection(
            title="Reasons the council gave for slippage",
            level=3,
            intro=(
                f"The council gave these reasons for the actions behind schedule in "
                f"{period_label(view.period)}, for the plan as a whole: it does not say "
                "which reason applies to which action, so none is matched to a commitment "
                f"in the list above. It introduces them with {intro}. Each is quoted as "
                "printed, with its document and line."
            ),
            tables=[
                (
                    council_words.reasons_table(reasons),
                    f"Reasons given for slippage, {period_label(view.period)}, "
                    "in the council's words",
                )
            ],
        )
    ]


def _temperature_take(view: PeriodView, take: pd.DataFrame) -> DocumentSection:
    people = take.loc[take["speaker"] != "", "speaker"].drop_duplicates()
    return DocumentSection(
        title="The temperature take: views gathered from partners",
        intro=(
            f"The tracker's {period_label(view.period)} update reports a 'temperature "
            f"take': a précis, then the points noted from conversations with {len(people)} "
            "people, each named with the date of the conversation. The points are the "
            "tracker's notes of what was said, not each person's own words; each is quoted "
            "as the tracker prints it, with its document and line."
        ),
        tables=[
            (
                council_words.take_table(take),
                f"The temperature take published in {period_label(view.period)}: the précis "
                "and the points noted from each conversation",
            )
        ],
    )


def _due_dates_moved(view: PeriodView) -> DocumentSection:
    moved, furthest = due_date_changes(view)
    return DocumentSection(
        title="Due dates moved since the previous snapshot",
        intro=(
            "Items present in both snapshots are linked by ID (or, failing that, by a name "
            "that occurs once in each); a positive number of days means the end date moved "
            "later."
        ),
        tables=[
            (due_date_summary_table(moved), "Due dates moved, in summary"),
            (furthest, "The ten items whose end dates moved furthest later"),
        ],
    )


def _aims_and_updates_by_section(view: PeriodView) -> DocumentSection:
    counts = section_counts(view.data.plan, view.period)
    columns = {
        "section": "Section",
        "section_title": "Title",
        "aims": "Improvement aims",
        "updates": f"Updates dated {period_label(view.period)}",
    }
    return DocumentSection(
        title="Improvement aims and updates by section",
        tables=[
            (
                counts.rename(columns=columns),
                f"Improvement aims and updates by section, {period_label(view.period)}",
            )
        ],
    )
