"""Tests for the March 2016 gap analysis (003_5c42c1f83524bff3.txt).

Expected values were read off the raw file by hand (``cat -n``): the seven theme
headings are on lines 7, 15, 23, 31, 39, 49 and 57, each followed by three paragraphs
on the odd lines after it (Local leadership's third paragraph runs from line 45 to
line 47 across a page break).
"""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.documents import gap_2016
from kerslake_analysis.ingest.provenance import SourceDocument
from kerslake_analysis.ingest.timescales import parse_timescale

SOURCE = "003_5c42c1f83524bff3.txt"


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return gap_2016.build()


@pytest.fixture(scope="module")
def doc() -> SourceDocument:
    return SourceDocument.open("gap_2016")


def test_tables_and_counts(tables):
    assert sorted(tables) == ["commitments", "gap16_themes", "observations"]
    # 7 themes; 7 six-month commitments + 5 dated "to achieve" actions (managerial 1,
    # strategic planning 2, local leadership 1, organisational culture 1); 11 observations
    # (1.4, 1.21, 1.22, 1.25, 2.3, 2.6, 2.7, 2.8, 2.17, 4.8, 5.15: see test_observations)
    assert len(tables["gap16_themes"]) == 7
    assert len(tables["commitments"]) == 7 + 5
    assert len(tables["observations"]) == 11


def test_themes_in_order_with_their_lines(tables):
    themes = tables["gap16_themes"]
    assert themes["theme"].tolist() == [
        "Political leadership",
        "Managerial leadership",
        "Strategic planning, performance and financial management",
        "City partnerships",
        "Local leadership",
        "Organisational culture",
        "Communications and transparency",
    ]
    assert themes["theme_order"].tolist() == [1, 2, 3, 4, 5, 6, 7]
    assert themes["source_line"].tolist() == [7, 15, 23, 31, 39, 49, 57]
    assert themes["position_line"].tolist() == [9, 17, 25, 33, 41, 51, 59]
    assert themes["in_six_months_line"].tolist() == [11, 19, 27, 35, 43, 53, 61]
    assert themes["to_achieve_line"].tolist() == [13, 21, 29, 37, 45, 55, 63]
    assert themes["theme_id"].tolist() == [
        "GAP16-political-leadership",
        "GAP16-managerial-leadership",
        "GAP16-strategic-planning-performance-and-financial-management",
        "GAP16-city-partnerships",
        "GAP16-local-leadership",
        "GAP16-organisational-culture",
        "GAP16-communications-and-transparency",
    ]


def test_theme_texts_verbatim(tables, doc):
    themes = tables["gap16_themes"].set_index("theme")
    city = themes.loc["City partnerships"]
    assert city["in_six_months"] == (
        "In six months' time, the majority of our partners will confirm a positive change in "
        "the way council members and officers engage with them."
    )
    assert themes.loc["Managerial leadership", "position"].startswith(
        "The Corporate Leadership Team (CLT) now has the right people in place"
    )
    # every paragraph is its line(s) of the document, whole
    for theme in themes.reset_index().itertuples():
        assert theme.position == doc.line(theme.position_line).strip()
        assert theme.in_six_months == doc.line(theme.in_six_months_line).strip()
    local = themes.loc["Local leadership", "to_achieve"]
    assert local == doc.line(45).strip() + " " + doc.line(47).strip()
    assert "to building up infrastructure plus capacity" in local
    assert local.endswith(
        "This new approach to local leadership has been one of our early successes."
    )
    assert "page break" in themes.loc["Local leadership", "transcription_note"]
    assert (
        "By the summer"
        in themes.loc[
            "Strategic planning, performance and financial management", "transcription_note"
        ]
    )
    assert themes.loc["Political leadership", "transcription_note"] == ""


def test_every_quote_is_on_its_line(tables):
    for name, frame in tables.items():
        for row in frame.itertuples():
            assert row.source == SOURCE, name
            SourceDocument.open("gap_2016").check(row.quote, row.source_line)


def test_text_is_plain_and_on_one_line(tables):
    for frame in tables.values():
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                values = frame[column].astype(str)
                assert not values.str.contains("[\r\n<>]", regex=True).any(), column


def test_ids_unique_and_well_formed(tables):
    commitments = tables["commitments"]
    assert commitments["commitment_id"].is_unique
    assert commitments["commitment_id"].map(schema.COMMITMENT_ID.fullmatch).all()
    assert (commitments["plan"] == "gap-2016").all()
    assert tables["gap16_themes"]["theme_id"].is_unique
    assert tables["observations"]["observation_id"].is_unique


def test_six_month_commitments(tables):
    commitments = tables["commitments"].set_index("commitment_id")
    political = commitments.loc["GAP16-political-leadership"]
    assert political["timescale"] == "In six months' time"
    assert political["timescale_reference"] == "2016-03-31"
    assert political["source_line"] == 11
    assert political["text"].endswith("Partners will feel words have translated into action.")
    strategic = commitments.loc["GAP16-strategic-planning-performance-and-financial-management"]
    assert strategic["timescale"] == "By the summer"
    assert strategic["source_line"] == 27


def test_to_achieve_commitments_sample(tables):
    commitments = tables["commitments"].set_index("commitment_id")
    session = commitments.loc["GAP16-managerial-leadership-1"]
    assert session["text"] == (
        "CLT is investing in time to develop as a team, starting with a development session "
        "on March 22."
    )
    assert (session["owner"], session["timescale"], session["source_line"]) == (
        "CLT",
        "on March 22",
        21,
    )
    fund = commitments.loc["GAP16-local-leadership-1"]
    assert fund["text"] == (
        "In 2016/17, the Local Innovation Fund will be introduced, along with a new approach to "
        "building up infrastructure plus capacity for sustainable delivery from the voluntary "
        "and community sector."
    )
    assert fund["source_line"] == 45 and fund["timescale"] == "2016/17"
    overhaul = commitments.loc["GAP16-strategic-planning-performance-and-financial-management-2"]
    assert overhaul["text"].endswith("engaged throughout the spring and summer.")
    assert overhaul["timescale"] == "2017/18"


# Due dates worked by hand: 31 March 2016 + 6 months = 31 September, clipped to the 30th;
# summer = June-August; spring = March-May; 2016/17 ends 31 March 2017, 2017/18 on
# 31 March 2018; the development session is 22 March 2016; monthly meetings never fall due.
DUE_ENDS = {
    "GAP16-political-leadership": dt.date(2016, 9, 30),
    "GAP16-managerial-leadership": dt.date(2016, 9, 30),
    "GAP16-strategic-planning-performance-and-financial-management": dt.date(2016, 8, 31),
    "GAP16-city-partnerships": dt.date(2016, 9, 30),
    "GAP16-local-leadership": dt.date(2016, 9, 30),
    "GAP16-organisational-culture": dt.date(2016, 9, 30),
    "GAP16-communications-and-transparency": dt.date(2016, 9, 30),
    "GAP16-managerial-leadership-1": dt.date(2016, 3, 22),
    "GAP16-strategic-planning-performance-and-financial-management-1": None,
    "GAP16-strategic-planning-performance-and-financial-management-2": dt.date(2018, 3, 31),
    "GAP16-local-leadership-1": dt.date(2017, 3, 31),
    "GAP16-organisational-culture-1": dt.date(2016, 5, 31),
}


def test_due_dates(tables):
    commitments = tables["commitments"]
    assert set(commitments["commitment_id"]) == set(DUE_ENDS)
    for row in commitments.itertuples():
        parsed = parse_timescale(row.timescale, row.timescale_reference)
        assert parsed.end == DUE_ENDS[row.commitment_id], row.commitment_id


def test_observations(tables):
    observations = tables["observations"].set_index("commitment_id")
    # Each read by hand from the gap analysis (003) against the 2015 plan (004):
    expected = {
        # line 55 "Workshops in the spring will bring members and officers together" ->
        # 1.4 member-officer workshops of 2015/16, still to come
        "AP15-1.4": ("in_progress", "2016-03-31", 55),
        # line 17 "CLT now has the right people in place" -> 1.21 senior capacity in place
        "AP15-1.21": ("complete", "2016-03-31", 17),
        # line 55 values campaign "launched ... in February 2016" -> 1.22 "initiate a
        # programme to embed these"; February 2016 -> its last day, 2016-02-29
        "AP15-1.22": ("complete", "2016-02-29", 55),
        # the same launch, only a "first phase", with slow progress admitted (line 51) ->
        # 1.25 implementing the culture change programme, not complete
        "AP15-1.25": ("in_progress", "2016-02-29", 55),
        # line 25 "agreeing a 2020 vision that informs the plan" -> 2.3 outline purpose
        # (the design principles were agreed by December 2015); no date -> 2016-03-31
        "AP15-2.3": ("complete", "2016-03-31", 25),
        # line 25 "has prepared and consulted on a four-year business and financial plan"
        "AP15-2.6": ("complete", "2016-03-31", 25),
        # line 27 "By the summer, a new operating model will be agreed" -> 2.7 routemap
        # for implementing it is not complete
        "AP15-2.7": ("in_progress", "2016-03-31", 27),
        # line 25 "Business cases have been developed for savings proposed." -> 2.8 still
        # a "proposed plan"
        "AP15-2.8": ("in_progress", "2016-03-31", 25),
        # line 25 "priorities and measures agreed with portfolio holders" -> 2.17: the
        # measures were being agreed in December 2015 (000 line 380); other adjustments
        # not reported
        "AP15-2.17": ("in_progress", "2016-03-31", 25),
        # line 41 "actively working on a sustainable new model for local leadership at
        # ward level" -> 4.8 full scheme below city level not complete
        "AP15-4.8": ("in_progress", "2016-03-31", 41),
        # line 37 "engaging with them to develop a city vision" -> 5.15 not yet agreed
        "AP15-5.15": ("in_progress", "2016-03-31", 37),
    }
    assert sorted(observations.index) == sorted(expected)
    for cid, (state, observed_on, line) in expected.items():
        row = observations.loc[cid]
        assert (row["state"], row["observed_on"], row["source_line"]) == (
            state,
            observed_on,
            line,
        ), cid
    assert (observations["period"] == "2016-03").all()
    # the linked action-plan line really is that action
    plan = SourceDocument.open("action_plan_2015")
    assert plan.line(299).startswith("22 Sign off and publish the values and behaviours")
    assert plan.line(452).startswith("6 Review and consult on detailed 2016/17 budget")
    assert "line 299" in observations.loc["AP15-1.22", "transcription_note"]


@pytest.fixture
def transcription(tmp_path):
    path = tmp_path / "gap_2016_observations.csv"
    shutil.copy(gap_2016.OBSERVATIONS_FILE, path)
    return path


def _rewrite(path, column, row, value):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[row - 1, column] = value
    frame.to_csv(path, index=False)


def test_bad_transcription_state_names_file_row_column(doc, transcription):
    _rewrite(transcription, "state", 2, "done")
    with pytest.raises(ValueError, match=r"gap_2016_observations.csv: row 2, column state"):
        gap_2016.observations(doc, transcription)


def test_transcription_action_in_wrong_plan_is_refused(doc, transcription):
    _rewrite(transcription, "commitment_id", 1, "AP15-2.22")
    with pytest.raises(ValueError, match=r"row 1, column action_line: .*plan 1, not 2"):
        gap_2016.observations(doc, transcription)


def test_transcription_missing_column_is_refused(doc, transcription):
    frame = pd.read_csv(transcription, dtype=str).drop(columns="quote")
    frame.to_csv(transcription, index=False)
    with pytest.raises(ValueError, match=r"missing column\(s\) \['quote'\]"):
        gap_2016.observations(doc, transcription)


def test_transcription_quote_not_on_line_is_refused(doc, transcription):
    _rewrite(transcription, "source_line", 1, "53")
    with pytest.raises(ValueError, match=r"003_5c42c1f83524bff3.txt:53: quote not on that line"):
        gap_2016.observations(doc, transcription)
