"""Tests for the Cabinet report "Investing in our Future 2021-2026" (002_e19b15a5f720a5bc.txt).

Expected line numbers and texts were read off the raw file by hand (``cat -n``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.documents import iif_2021
from kerslake_analysis.ingest.provenance import SourceDocument
from kerslake_analysis.ingest.timescales import parse_timescale

SOURCE = "002_e19b15a5f720a5bc.txt"
D = dt.date


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return iif_2021.build()


@pytest.fixture(scope="module")
def doc() -> SourceDocument:
    return SourceDocument.open("iif_2021")


def test_tables_and_counts(tables):
    assert sorted(tables) == ["commitments", "iif21_meetings", "iif21_structure"]
    # 5 core roles + 6 delivery functions (executive summary, lines 65-85)
    assert len(tables["iif21_structure"]) == 11
    assert len(tables["iif21_meetings"]) == 4
    # 3.3 (1) + 3.5 (2) + 7.3.1, 7.3.3, 7.5.1 (3) + Games Director (1) + Director of City
    # Management's list (10) + Director of Partnership's list (3) + City Operations (2) +
    # Children's Trust (2) + City Life Courses (1) = 25
    assert len(tables["commitments"]) == 25


def test_structure(tables, doc):
    structure = tables["iif21_structure"]
    assert structure["element"].value_counts().to_dict() == {"delivery": 6, "core": 5}
    assert structure["role"].tolist() == [
        "Chief Executive",
        "Director of City Management",
        "Director of Partnership; Participation and Equality",
        "Purpose Director: City Futures",
        "Purpose Director: Places, Prosperity and Sustainability",
        "Managing Director: City Operations",
        "Managing Director: City Housing",
        "Managing Director: City and Municipal Development",
        "Children's Trust",
        "Managing Director: City Help and Support",
        "Managing Director: City Life Courses",
    ]
    assert structure["source_line"].tolist() == [65, 66, 67, 69, 71, 75, 77, 79, 81, 83, 85]
    assert structure["description_line"].tolist() == [
        335, 341, 373, 389, 403, 425, 449, 465, 475, 481, 499,
    ]  # fmt: skip
    by_role = structure.set_index("role")
    assert by_role.loc["Chief Executive", "role_id"] == "IIF21-core-chief-executive"
    assert by_role.loc["Children's Trust", "role_id"] == "IIF21-delivery-childrens-trust"
    # the Director of City Management's paragraph runs over a page break (341 -> 343)
    management = by_role.loc["Director of City Management", "description"]
    assert management == doc.line(341).strip() + " " + doc.line(343).strip()
    assert management.endswith("The Director will be the Council's section 151 officer.")
    assert by_role.loc["Children's Trust", "description"] == doc.line(475).strip()
    assert "line 439" in by_role.loc["Children's Trust", "transcription_note"]


def test_meetings(tables):
    meetings = tables["iif21_meetings"]
    assert meetings["meeting"].tolist() == [
        "strategy group",
        "performance group",
        "assurance group",
        "leadership group",
    ]
    assert (meetings["frequency"] == "monthly").all()
    assert (meetings["source_line"] == 510).all()
    assert meetings["summary_line"].tolist() == [94, 95, 96, 97]
    assert meetings["led_by"].tolist() == [
        "Purpose Directors and the Director of Partnerships, Participation and Equalities",
        "Director of City Management",
        "Director of City Management",
        "",
    ]
    assert meetings["focus"].tolist()[0] == "focuses on policy and strategy development"
    assert meetings["focus"].tolist()[2] == (
        "focuses on the achievement of statutory and other regulatory objectives"
    )
    for row in meetings.itertuples():
        if row.led_by:
            assert row.led_by.lower() in row.quote.lower()
    assert "no 'by'" in meetings.loc[1, "transcription_note"]


def test_every_quote_is_on_its_line(tables, doc):
    for name, frame in tables.items():
        for row in frame.itertuples():
            assert row.source == SOURCE, name
            doc.check(row.quote, row.source_line)


def test_text_is_plain_and_on_one_line(tables):
    for name, frame in tables.items():
        for column in frame.columns:
            if column == "quote" or not pd.api.types.is_string_dtype(frame[column]):
                continue
            values = frame[column].astype(str)
            assert not values.str.contains(r"[\r\n<>]|\*\*", regex=True).any(), (name, column)


def test_ids(tables):
    commitments = tables["commitments"]
    assert commitments["commitment_id"].tolist() == [f"IIF21-{n}" for n in range(1, 26)]
    assert commitments["commitment_id"].map(schema.COMMITMENT_ID.fullmatch).all()
    assert commitments["source_line"].is_monotonic_increasing  # document order
    assert (commitments["plan"] == "iif-2021").all()
    for name in ("iif21_structure", "iif21_meetings"):
        assert tables[name].iloc[:, 0].is_unique


def test_header_date_and_the_reading_chosen(tables, doc):
    # the defect: the header says 2020 ...
    assert "19 January 2020" in doc.line(1)
    # ... but 19 January 2020 was a Sunday and 19 January 2021 a Tuesday (Cabinet day)
    assert D(2020, 1, 19).strftime("%A") == "Sunday"
    assert D(2021, 1, 19).strftime("%A") == "Tuesday"
    assert "28th January 2021" in doc.line(136)
    assert "later in January 2021" in doc.line(518)
    commitments = tables["commitments"]
    assert (commitments["timescale_reference"] == "2021-01-19").all()
    assert commitments["transcription_note"].str.contains("'19 January 2020'").all()


def test_commitment_sample(tables, doc):
    commitments = tables["commitments"].set_index("commitment_id")
    jnc = commitments.loc["IIF21-6"]
    assert (jnc["source_line"], jnc["ref"], jnc["timescale"]) == (136, "7.5.1", "28th January 2021")
    assert jnc["text"] == "A JNC report will be discussed at JNC Paper on 28th January 2021"
    ofsted = commitments.loc["IIF21-24"]
    assert ofsted["text"] == (
        'Within two years the aim should be to have services that are rated "good" by Ofsted.'
    )
    assert (ofsted["owner"], ofsted["source_line"]) == ("Children's Trust", 475)
    assurance = commitments.loc["IIF21-13"]
    assert assurance["source_line"] == 352
    assert assurance["text"].startswith(
        "Over the coming two to five years they will: Curate and lead an integrated monthly "
        "assurance process"
    )
    assert assurance["text"].endswith(
        "not limited to: Safeguarding; Health and Safety; Fire and Building safety; "
        "Internal Audit; Fraud; Governance; Legal."
    )
    pmo = commitments.loc["IIF21-14"]
    assert pmo["source_line"] == 363 and pmo["owner"] == "Director of City Management"
    assert "not a bullet" in pmo["transcription_note"]
    # list items carry their lead-in's timescale; every timescale is written in the document
    for row in commitments.reset_index().itertuples():
        # a list item's text starts with its lead-in, which starts with the timescale
        assert row.timescale in row.quote or row.text.startswith(row.timescale), row.commitment_id
        assert row.timescale in doc.text


# Due windows by hand from the reference 19 January 2021: +18 months = 19 July 2022,
# +2 years = 19 January 2023, +5 years = 19 January 2026; 'through to 2022' is the year
# 2022; 'from 2021/22' starts 1 April 2021 and has no end; March 2021 ends on the 31st.
TWO_TO_FIVE = (D(2023, 1, 19), D(2026, 1, 19))
DUE = {
    "IIF21-1": TWO_TO_FIVE,
    "IIF21-2": (D(2021, 1, 19), D(2023, 1, 19)),
    "IIF21-3": (D(2022, 1, 1), D(2022, 12, 31)),
    "IIF21-4": (D(2021, 4, 1), None),
    "IIF21-5": (D(2021, 3, 1), D(2021, 3, 31)),
    "IIF21-6": (D(2021, 1, 28), D(2021, 1, 28)),
    "IIF21-7": (D(2022, 7, 19), D(2023, 1, 19)),
    **{f"IIF21-{n}": TWO_TO_FIVE for n in range(8, 21)},
    "IIF21-21": (D(2021, 1, 19), D(2022, 7, 19)),
    "IIF21-22": TWO_TO_FIVE,
    "IIF21-23": TWO_TO_FIVE,
    "IIF21-24": (D(2021, 1, 19), D(2023, 1, 19)),
    "IIF21-25": TWO_TO_FIVE,
}


def test_due_windows(tables):
    commitments = tables["commitments"]
    assert set(commitments["commitment_id"]) == set(DUE)
    for row in commitments.itertuples():
        parsed = parse_timescale(row.timescale, row.timescale_reference)
        assert (parsed.start, parsed.end) == DUE[row.commitment_id], row.commitment_id
