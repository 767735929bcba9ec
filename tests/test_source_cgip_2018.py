"""Tests of the 2018 Corporate Governance Improvement Plan tables.

Expected values are read by hand from ``data/raw/001_3e6875fb2dbcaf44.txt`` (line
numbers in the comments); the counting is shown next to each number.
"""

from __future__ import annotations

import pandas as pd
import pytest

from kerslake_analysis.ingest.documents import cgip_2018
from kerslake_analysis.ingest.provenance import SourceDocument

RAW_NAME = "001_3e6875fb2dbcaf44.txt"

# Numbered rows read off the document, section by section (first cell of each row):
# 1: 1.1 … 1.10 (lines 11-89); 2: 2.1 … 2.7 (101-121); 3: 3.1 … 3.5 (128-141);
# 4: 4.1 … 4.13 (163-214); 5: 5.1 … 5.3 (225-227); 6: 6.1 (232), the unnumbered
# "Statement of partnership values …" row (233), 6.2 … 6.5 (234-249);
# 7: 7.1 … 7.3 (254-261).
EXPECTED_AIMS = (
    [f"CGIP18-1.{n}" for n in range(1, 11)]
    + [f"CGIP18-2.{n}" for n in range(1, 8)]
    + [f"CGIP18-3.{n}" for n in range(1, 6)]
    + [f"CGIP18-4.{n}" for n in range(1, 14)]
    + [f"CGIP18-5.{n}" for n in range(1, 4)]
    + ["CGIP18-6.1", "CGIP18-6.1a"]
    + [f"CGIP18-6.{n}" for n in range(2, 6)]
    + [f"CGIP18-7.{n}" for n in range(1, 4)]
)
# 10 + 7 + 5 + 13 + 3 + 6 + 3 = 47
AIMS_PER_SECTION = {1: 10, 2: 7, 3: 5, 4: 13, 5: 3, 6: 6, 7: 3}

# Month tags in the Lead column, counted with grep over each section's lines and
# checked by eye (the Outputs column's "(August 2018)" target dates of 6.1 and 7.2 are
# not tags and were taken off; 6.3's "(July 2018)" is a festival date, not a tag):
#   July:   "(July Update)" x43 + "(July 2018 Update)" x1 = 44
#           by section 17 (lines 8-94), 3 (96-121), 3 (123-157), 13 (159-219), 0, 4, 4
#   August: "(August Update)" x17 + "(August 2018 update)" x6 + "(August Update 2018)"
#           x1 + 2.4's "(August 2018)." x1 = 25
#           by section 9, 3, 3, 4, 3, 1, 2
# Each tag closes exactly one update. "(August / September 2018 updates)" (1.4, line
# 32) is counted under September.
JULY_UPDATES = {1: 17, 2: 3, 3: 3, 4: 13, 5: 0, 6: 4, 7: 4}
AUGUST_UPDATES = {1: 9, 2: 3, 3: 3, 4: 4, 5: 3, 6: 1, 7: 2}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return cgip_2018.build()


@pytest.fixture(scope="module")
def doc() -> SourceDocument:
    return SourceDocument.open("cgip_2018")


def _update(tables, aim_id: str, phrase: str) -> pd.Series:
    updates = tables["cgip18_updates"]
    found = updates[
        (updates["aim_id"] == aim_id) & updates["text"].str.contains(phrase, regex=False)
    ]
    assert len(found) == 1, (aim_id, phrase, found["update_id"].tolist())
    return found.iloc[0]


# --- aims -------------------------------------------------------------------------------


def test_forty_seven_aims_in_document_order(tables):
    assert tables["cgip18_aims"]["aim_id"].tolist() == EXPECTED_AIMS


def test_aims_per_section_counted_by_hand(tables):
    counts = tables["cgip18_aims"].groupby("section").size().to_dict()
    assert counts == AIMS_PER_SECTION


def test_section_titles_as_printed(tables):
    titles = tables["cgip18_aims"].drop_duplicates("section").set_index("section")
    assert titles["section_title"].to_dict() == {
        1: "Political Leadership",  # line 8
        2: "A Modern and Progressive Organisational Culture",  # line 96
        3: "Managerial leadership",  # line 125
        4: "Strategic planning, financial and performance management",  # line 159
        5: "Key Corporate Policies to enable effective corporate governance",  # line 222
        6: "City Partnerships",  # line 229
        7: "Communications and transparency",  # line 251
    }


def test_unnumbered_row_under_6_1_is_its_own_aim(tables):
    aims = tables["cgip18_aims"].set_index("aim_id")
    row = aims.loc["CGIP18-6.1a"]
    assert row["ref"] == ""
    assert row["source_line"] == 233
    assert row["aim_text"].startswith("Statement of partnership values of openness")
    assert row["lead"] == "Assistant Chief Exec"
    assert "unnumbered" in row["transcription_note"]
    # 6.1 itself keeps only its own row (line 232)
    assert aims.loc["CGIP18-6.1", "aim_text"] == "City-wide Partnership Framework"


def test_repeated_section_heading_row_7_is_not_an_aim(tables):
    # line 257: "| 7 Communications and transparency |" is section 7's heading on a new page
    aims = tables["cgip18_aims"]
    assert "CGIP18-7" not in set(aims["aim_id"])
    assert (
        aims.loc[aims["aim_id"] == "CGIP18-7.2", "required_actions"]
        .item()
        .endswith(
            "Meet with CEO to agree draft internal comms strategy"  # line 260, joined to 7.2
        )
    )


def test_continuation_rows_are_joined(tables):
    aims = tables["cgip18_aims"].set_index("aim_id")
    # 1.2: line 12 and the continuation on line 17
    assert "based on a robust, published forward plan" in aims.loc["CGIP18-1.2", "required_actions"]
    assert (
        "Ongoing training for members around social media"
        in aims.loc["CGIP18-1.2", "required_actions"]
    )
    # 1.4: aim text split between line 27 and line 32
    assert aims.loc["CGIP18-1.4", "aim_text"] == (
        "An effective and proactive Scrutiny function / work programme in line with "
        "national best practice (informed by the expertise of Centre for Public Scrutiny)"
    )
    # 1.7: a sentence cut at the page break (line 65 "… as part of the", line 70)
    assert (
        "including a session purely on this as part of the Member Development Programme"
        in (aims.loc["CGIP18-1.7", "required_actions"])
    )
    # 2.3: "Lead officers are good role models of" (line 103) + "the Council's values …" (110)
    assert (
        "Lead officers are good role models of the Council's values and behaviours"
        in (aims.loc["CGIP18-2.3", "outputs"])
    )
    # 2.3's continuation on line 110 follows the repeated culture-dashboard row (109),
    # which is not appended to any aim
    assert "culture dashboard' with appropriate timelines" not in aims.loc["CGIP18-2.3", "outputs"]


def test_leads_sample(tables):
    leads = tables["cgip18_aims"].set_index("aim_id")["lead"]
    assert (
        leads["CGIP18-1.1"]
        == "ACE with Group Leaders / Deputy Leader; City Solicitor and Chief Whip"
    )
    assert leads["CGIP18-4.9"] == "City Solicitor"  # line 193
    assert leads["CGIP18-4.11"] == "Director of HR/OD"  # line 203
    # 2.4's lead is printed at the end of 2.3's continuation cell (line 110)
    assert leads["CGIP18-2.4"] == "Chief Executive and Leader"
    assert leads["CGIP18-2.3"] == "HR Director"


def test_text_columns_are_plain(tables):
    aims = tables["cgip18_aims"]
    for column in ("aim_text", "required_actions", "outputs", "lead"):
        assert not aims[column].str.contains(r"<\w|&amp;|\*\*", regex=True).any(), column
    # footnote numbers dropped, ordinals kept: 1.7's "21 <sup>st</sup> Century … <sup>4</sup>"
    assert "21st Century Public Servant and 21st Century Public Councillor research" in (
        aims.loc[aims["aim_id"] == "CGIP18-1.7", "aim_text"].item()
    )


# --- commitments ------------------------------------------------------------------------


def test_output_commitments_counted_by_hand(tables):
    # Dated output lines per aim, read off the Outputs/Outcomes column:
    # 1: 2+2+8+3+4+4+7+4+4+2 = 40; 2: one each = 7; 3: 2+2+5+1+3 = 13;
    # 4: 5+2+5+2+4+1+2+2+2+2+2+2+0 = 31; 5: 4+1+1 = 6; 6: 6.1 3 + 6.1a 2 = 5;
    # 7: 7.1 1 + 7.2 1 = 2.  Total 104.
    commitments = tables["commitments"]
    commitments = commitments[~commitments["commitment_id"].str.contains("-a")]
    per_aim = commitments["commitment_id"].str.rsplit("-", n=1).str[0].value_counts()
    assert len(commitments) == 104
    assert per_aim["CGIP18-1.3"] == 8
    assert per_aim["CGIP18-1.7"] == 7
    assert per_aim["CGIP18-4.1"] == 5
    assert "CGIP18-7.3" not in per_aim  # 7.3's Outputs cell is empty
    assert "CGIP18-4.13" not in per_aim  # no dates in 4.13's outputs


@pytest.mark.parametrize(
    ("commitment_id", "timescale", "starts"),
    [
        ("CGIP18-1.1-1", "August 2018", "Formal updates against self-assessment"),  # line 11
        ("CGIP18-1.3-4", "July 2018", "Complete the report structure review"),  # line 18
        ("CGIP18-1.3-6", "March 2019", "External audit letter"),  # line 26, 2nd page of 1.3
        ("CGIP18-1.5-2", "June – September 2018", "Rolling-programme of induction"),  # 39
        ("CGIP18-1.7-5", "July 2018 onwards", "On-going member development programme"),  # 65
        ("CGIP18-1.7-6", "September 2018", "Evaluation findings from the programme"),  # 65
        ("CGIP18-1.8-2", "June 2018", "A more representative Cabinet and engaged body"),  # 71+80
        ("CGIP18-2.6-1", "July 2018 onwards", "Regular insight, intelligence"),  # 113
        ("CGIP18-4.1-1", "March-June 2018", "Officer engagement with partners"),  # 163
        ("CGIP18-4.1-2", "June – July 2018", "Political review, engagement and launch"),  # 163
        ("CGIP18-4.1-5", "January / February 2019", "Evaluation with partners required"),
        ("CGIP18-4.5-2", "October 2018 – Feb 2019", "Final draft MTFS and budget"),  # 180
        ("CGIP18-4.8-1", "July 2018", "Discussion paper for discussion"),  # 192, plain date
        ("CGIP18-4.10-1", "July 2018", "Finance officers reporting direct to S151"),  # 194+202
        ("CGIP18-4.11-2", "April 2019 onwards", "Continuous systems and process reviews"),
        ("CGIP18-5.1-1", "May 2018", "Draft strategy for May 2018"),  # 225, two dates
        ("CGIP18-5.1-2", "September 2018", "with final strategy in place"),  # 225
        ("CGIP18-5.1-4", "Sept 2018", "Suite of performance measures"),  # 225
        ("CGIP18-6.1a-1", "July 2018 onwards", "Building trust between the council"),  # 233
        ("CGIP18-6.1a-2", "January 2019", "and 6 monthly partner survey"),  # 233
        ("CGIP18-7.2-1", "August 2018", "Specific outcomes to be finalised"),  # 255
    ],
)
def test_output_commitment_sample(tables, commitment_id, timescale, starts):
    commitments = tables["commitments"].set_index("commitment_id")
    row = commitments.loc[commitment_id]
    assert row["timescale"] == timescale
    assert row["text"].startswith(starts)
    assert row["plan"] == "cgip-2018"
    assert row["timescale_reference"] == "2018-09-30"


def test_commitment_theme_ref_and_owner_come_from_the_aim(tables):
    row = tables["commitments"].set_index("commitment_id").loc["CGIP18-4.9-1"]
    assert (row["theme"], row["ref"], row["owner"]) == (
        "Strategic planning, financial and performance management",
        "4.9",
        "City Solicitor",
    )


def test_statements_and_garbled_duplicates_are_not_commitments(tables):
    texts = tables["commitments"]["text"]
    # 1.9 (line 81): "'Localisation' policy paper adopted by Cabinet in March 2018" is a fact
    assert not texts.str.contains("Localisation").any()
    # 1.3 (line 26): the garbled repeat "… to full council (September 18) …"
    assert not texts.str.contains("Reduced paper arrangements in Report to CBM").any()


_EMITTED_TIMESCALES = (
    "April 2019",
    "April 2019 onwards",
    "August 2018",
    "December 2018",
    "January / February 2019",
    "January 2019",
    "July 2018",
    "July 2018 onwards",
    "June 2018",
    "June – July 2018",
    "June – September 2018",
    "March 2019",
    "March-June 2018",
    "May 2018",
    "November 2018",
    "October 2018",
    "October 2018 onwards",
    "October 2018 – Feb 2019",
    "Sept 2018",
    "September 2018",
    "September 2018 onwards",
)
#: Timescales of the dated promises made commitments (cgip18_dated_promises.csv).
_PROMISE_TIMESCALES = ("2018/19", "during 2018")


def test_every_timescale_is_one_of_the_reviewed_strings(tables):
    assert sorted(tables["commitments"]["timescale"].unique()) == sorted(
        _EMITTED_TIMESCALES + _PROMISE_TIMESCALES
    )


# --- updates ----------------------------------------------------------------------------


def test_update_counts_per_month(tables):
    months = tables["cgip18_updates"]["month"].value_counts()
    assert months["2018-07"] == sum(JULY_UPDATES.values()) == 44
    assert months["2018-08"] == sum(AUGUST_UPDATES.values()) == 25


@pytest.mark.parametrize(
    ("aim_id", "phrase", "month", "bold", "complete"),
    [
        # line 12: plain text, July tag, then a bold "NOW COMPLETE"
        ("CGIP18-1.2", "Revised group leaders meeting cycle", "2018-07", False, True),
        # lines 12 + 17: "… being developed," / "training to follow (September Update)."
        ("CGIP18-1.2", "being developed, training to follow", "2018-09", True, False),
        # line 18: bold, "(September Update). COMPLETE FOR CABINET"
        ("CGIP18-1.3", "New process for Cabinet designed", "2018-09", True, True),
        # line 18: bold but tagged "(August 2018 update)"
        ("CGIP18-1.3", "Group Leader agreement to survey", "2018-08", True, False),
        # line 18: bold, no tag -> September by the legend
        ("CGIP18-1.3", "New Constitution under review", "2018-09", True, False),
        # line 18: plain, no tag, then a bold COMPLETE -> month not stated
        ("CGIP18-1.3", "Council Plan and associated measures agreed", "", False, True),
        # line 32: "(August / September 2018 updates)" then COMPLETE
        ("CGIP18-1.4", "Session held with the co-ordinating committee", "2018-09", True, True),
        # line 32: plain "(August Update)." then a bold COMPLETE on its own line
        ("CGIP18-1.4", "The O&S Committees have developed", "2018-08", False, True),
        # line 89: "(July Update). <b>Complete.</b>"
        ("CGIP18-1.10", "Council Plan agreed by Cabinet in June 2018", "2018-07", False, True),
        # line 111: "(August 2018)." closes 2.4's first update
        ("CGIP18-2.4", "willingness to take difficult decisions", "2018-08", False, False),
        # line 180: bold paragraphs tagged "(July Update)"
        ("CGIP18-4.5", "Reporting is undergoing continual development", "2018-07", True, False),
        # line 193
        ("CGIP18-4.9", "new model in operation from 01 August", "2018-08", False, True),
        # line 213: plain, untagged achievements of 4.12
        ("CGIP18-4.12", "Joint Venture with Capita has been dissolved", "", False, False),
        # line 233
        (
            "CGIP18-6.1a",
            "Monthly temperature takes continue during August",
            "2018-08",
            False,
            False,
        ),
        # line 241: bold list labelled "(September Update)"; "(July 2018)" is a festival date
        ("CGIP18-6.3", "Drug testing at the Made Festival", "2018-09", True, False),
        # line 261: "(August Update 2018)"
        ("CGIP18-7.3", "Review of communications offer", "2018-08", False, False),
    ],
)
def test_update_sample(tables, aim_id, phrase, month, bold, complete):
    row = _update(tables, aim_id, phrase)
    assert (row["month"], bool(row["bold"]), bool(row["complete"])) == (month, bold, complete)


def test_joined_update_quotes_the_longer_part(tables):
    # 1.7: "… issued in September" (line 53) + "2018. (September Update)" (line 65)
    row = _update(tables, "CGIP18-1.7", "Staff Survey went live 2 months earlier")
    assert row["text"].endswith("was issued in September 2018. (September Update)")
    assert row["source_line"] == 53
    assert row["continued_on"] == "65"


def test_every_complete_marker_is_an_update(tables):
    # grep -o 'COMPLETE' finds 18 markers (lines 12-193) plus "<b>Complete.</b>" on line 89
    assert int(tables["cgip18_updates"]["complete"].sum()) == 19


# --- observations -----------------------------------------------------------------------


def test_completion_observations(tables):
    obs = tables["observations"]
    marked = obs[obs["transcription_note"].str.startswith("COMPLETE marker")]
    # 19 markers: three evidence outputs with no date (late reports monitoring, 1.7's
    # council-plan workshops, 1.10's residents' survey) and are not observations; the
    # marker of 1.3-1 (line 18) is replaced by the reading of its text, which dates the
    # completion ("agreed at June 2018 Cabinet meeting"): 19 - 3 - 1 = 15.
    assert len(marked) == 15
    got = marked.set_index("commitment_id")[["period", "state"]].apply(tuple, axis=1).to_dict()
    assert got["CGIP18-1.2-2"] == ("2018-07", "complete")  # group leaders meetings
    assert got["CGIP18-1.3-5"] == ("2018-09", "in_progress")  # COMPLETE FOR CABINET
    assert got["CGIP18-1.3-8"] == ("2018-09", "complete")  # paperless from 01 November
    assert got["CGIP18-1.4-2"] == ("2018-08", "complete")  # O&S work programmes
    assert got["CGIP18-4.9-1"] == ("2018-08", "complete")  # Legal Services model
    assert "CGIP18-1.3-1" not in got  # superseded by the reading of its text


def test_not_complete_is_observed_only_for_the_september_snapshot(tables):
    obs = tables["observations"]
    implied = obs[obs["transcription_note"].str.startswith("implied")]
    assert set(implied["period"]) == {"2018-09"}
    assert set(implied["state"]) == {"in_progress"}
    # 111 commitments (104 outputs + 7 dated promises). Not implied are those observed
    # complete in any month (14 through markers: 1.2-2 1.3-4 1.3-7 1.3-8 1.4-1 1.4-2 1.4-3
    # 1.7-1 1.7-4 1.10-1 2.6-1 3.2-1 4.2-1 4.9-1; 9 more through the text: 1.3-1 1.5-1
    # 1.9-1 3.2-2 3.5-3 4.1-1 4.1-2 5.1-1 6.1-1 -> 23) and those with another September
    # observation (1.3-5 "COMPLETE FOR CABINET"; readings of 1.3-2 1.7-3 3.1-1 3.1-2 3.5-1
    # 3.5-2 4.3-3 4.5-1 5.3-1 1.3-a1 1.4-a1 4.13-a1 4.13-a2 -> 14): 111 - 23 - 14 = 74.
    assert len(implied) == 74
    assert set(obs["commitment_id"]) == set(tables["commitments"]["commitment_id"])
    # every commitment has an observation in September or is complete before it
    september = set(obs.loc[obs["period"] == "2018-09", "commitment_id"])
    done = set(obs.loc[obs["state"] == "complete", "commitment_id"])
    assert september | done == set(tables["commitments"]["commitment_id"])
    # marker and implied observations are dated at their period's end; readings of the
    # text by the date the text gives (tested below)
    dated_by_period = obs[~obs["transcription_note"].str.startswith("Read from the update")]
    assert (
        dated_by_period["observed_on"]
        == dated_by_period["period"].map(
            {"2018-07": "2018-07-31", "2018-08": "2018-08-31", "2018-09": "2018-09-30"}
        )
    ).all()


# --- readings of the update text (data/transcriptions/cgip18_readings.csv) --------------


def _reading(tables, commitment_id: str, period: str) -> pd.Series:
    obs = tables["observations"]
    found = obs[(obs["commitment_id"] == commitment_id) & (obs["period"] == period)]
    assert len(found) == 1, (commitment_id, period)
    return found.iloc[0]


@pytest.mark.parametrize(
    ("commitment_id", "period", "observed_on", "line", "phrase"),
    [
        # line 39, (July Update): "A 3 day induction over May and June was provided to new
        # and previous elected members" -> Member Induction and Development Programme
        # (May 2018) complete by the end of June 2018, no COMPLETE marker.
        ("CGIP18-1.5-1", "2018-07", "2018-06-30", 39, "A 3 day induction over May and June"),
        # line 163, (September Update): "First meeting of the City Partners Board took
        # place on 19 September" -> launch of the partnership model, and the partnership
        # framework convened by the Leader (6.1, line 232), on 19 September 2018.
        ("CGIP18-4.1-2", "2018-09", "2018-09-19", 163, "First meeting of the City Partners"),
        ("CGIP18-6.1-1", "2018-09", "2018-09-19", 163, "First meeting of the City Partners"),
        # line 18: "Council Plan and associated measures agreed at June 2018 Cabinet meeting"
        ("CGIP18-1.3-1", "2018-09", "2018-06-30", 18, "agreed at June 2018 Cabinet meeting"),
        # line 81: "Green Paper endorsed by Cabinet in March 2018"
        ("CGIP18-1.9-1", "2018-09", "2018-03-31", 81, "Green Paper endorsed by Cabinet"),
        # line 232, (July Update): "Interviews held with partners throughout March – June"
        ("CGIP18-4.1-1", "2018-07", "2018-06-30", 232, "Interviews held with partners"),
        # line 225, (August Update): "Draft strategy out for consultation."
        ("CGIP18-5.1-1", "2018-08", "2018-08-31", 225, "Draft strategy out for consultation"),
        # line 157: "Staff survey has been completed with a 26% return"; line 53: the survey
        # closed on 20 July, paper returns to 27 July -> end of July 2018
        ("CGIP18-3.5-3", "2018-09", "2018-07-31", 157, "Staff survey has been completed"),
        # line 53: "26% of the workforce responded (significant increase from 12.5% in 2016)"
        ("CGIP18-3.2-2", "2018-09", "2018-07-31", 53, "26% of the workforce responded"),
    ],
)
def test_completions_read_from_the_text(tables, commitment_id, period, observed_on, line, phrase):
    row = _reading(tables, commitment_id, period)
    assert row["state"] == "complete"
    assert row["observed_on"] == observed_on
    assert int(row["source_line"]) == line
    assert phrase in row["quote"]
    assert row["transcription_note"].startswith("Read from the update text")


@pytest.mark.parametrize(
    ("commitment_id", "period", "phrase"),
    [
        # line 121: "Workforce strategy complete. Going to CMT on 24 September." but 3.5's
        # own update (line 141): still on the agenda for CMT on 24 September
        ("CGIP18-3.5-1", "2018-09", "Workforce strategy complete"),
        # line 80: "Cabinet is now more representative" - the councillors' half unreported
        ("CGIP18-1.8-2", "2018-07", "Cabinet is now more representative"),
        # line 227: approved by the Equal Pay Executive Sub-Group, not endorsed by Cabinet
        ("CGIP18-5.3-1", "2018-09", "Equal Pay Executive Sub-Group"),
        # line 129: CMT's new ways of working "up and running" in July; ELT not mentioned
        ("CGIP18-3.2-1", "2018-07", "up and running"),
    ],
)
def test_doubtful_completions_are_declared_and_not_counted(tables, commitment_id, period, phrase):
    row = _reading(tables, commitment_id, period)
    assert row["state"] == "in_progress"
    assert phrase in row["quote"]
    assert "DOUBTFUL" in row["transcription_note"]
    obs = tables["observations"]
    complete = obs[(obs["commitment_id"] == commitment_id) & (obs["state"] == "complete")]
    # only a COMPLETE marker of a later month may complete it (3.2-1: September, line 129)
    assert (complete["period"] > period).all()
    assert complete["transcription_note"].str.startswith("COMPLETE marker").all()


def test_july_and_august_observations_counted_by_hand(tables):
    obs = tables["observations"]
    # Readings of "(July Update)" text, one per output (cgip18_readings.csv, read line by
    # line): complete 1.5-1 4.1-1 (2); in progress 1.3-6 1.5-2 1.6-3 1.7-5 1.8-2 1.10-2
    # 2.1-1 2.5-1 2.7-1 3.2-1 3.3-1 3.3-2 3.4-1 4.1-2 4.2-2 4.3-2 4.4-1 4.5-3 4.7-1 4.7-2
    # 4.8-1 4.10-1 4.11-1 6.1-1 6.1a-1 7.2-1 (26); plus 1.4-1 (second reading of 2026:
    # line 27's untagged report to the Co-ordinating O&S Committee on 27 July, in
    # progress; 26 + 1 = 27); plus 6 July COMPLETE markers.
    july = obs[obs["period"] == "2018-07"]
    assert len(july) == 2 + 27 + 6
    assert (july["state"] == "complete").sum() == 2 + 6
    # "(August Update)": complete 5.1-1 (1); not started 1.8-4 (1); in progress 1.2-1
    # 1.3-a1 1.3-a2 1.8-3 1.9-3 2.3-1 2.4-1 2.6-1 3.3-2 3.3-3 3.3-4 3.3-5 3.5-1 4.2-2 4.3-2
    # 4.11-1 5.1-2 5.1-3 5.2-1 6.1a-1 (20); plus 2 August COMPLETE markers.
    august = obs[obs["period"] == "2018-08"]
    assert len(august) == 1 + 1 + 20 + 2
    assert august.set_index("commitment_id").loc["CGIP18-1.8-4", "state"] == "not_started"


def test_evidence_coverage_in_july_and_august_by_hand(tables):
    obs = tables["observations"]
    # Commitments with an observation dated on or before the month's end: the 34 July
    # observations above (28 readings + 6 markers, all different outputs) plus four
    # September readings whose text dates an earlier completion (1.3-1 June, 1.9-1
    # March, 3.2-2 and 3.5-3 July) = 38 at 2018-07-31. Second reading of 2026: the July
    # row of 1.4-1 (line 27, 27 July) and two September readings dated by the July work
    # they report (1.7-3: survey live 3-27 July, line 53; 4.5-1: EMT in July, line 180):
    # 38 + 3 = 41.
    july = obs.loc[obs["observed_on"] <= "2018-07-31", "commitment_id"].nunique()
    assert july == 41
    # August adds the outputs first observed in August: 1.2-1 1.3-a1 1.3-a2 1.4-2 1.8-3
    # 1.8-4 1.9-3 2.3-1 2.4-1 2.6-1 3.3-3 3.3-4 3.3-5 3.5-1 4.9-1 5.1-1 5.1-2 5.1-3 5.2-1
    # (19; 3.3-2, 4.2-2, 4.3-2, 4.11-1 and 6.1a-1 were already observed in July): 57.
    # Second reading of 2026: the three added in July (1.4-1, 1.7-3, 4.5-1) and 5.3-1,
    # a September reading dated by the sub-group's approval in August 2018 (line 227):
    # 57 + 3 + 1 = 61.
    august = obs.loc[obs["observed_on"] <= "2018-08-31", "commitment_id"].nunique()
    assert august == 61


def test_readings_reject_a_quote_not_on_its_line(tmp_path, tables, doc):
    path = tmp_path / "cgip18_readings.csv"
    rows = pd.read_csv(cgip_2018.READINGS_FILE, dtype=str, keep_default_na=False)
    rows.loc[2, "source_line"] = "40"
    rows.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"cgip18_readings.csv: row 3, column quote"):
        cgip_2018._text_readings(doc, tables["commitments"], path)


def test_readings_reject_an_unknown_commitment(tmp_path, tables, doc):
    path = tmp_path / "cgip18_readings.csv"
    rows = pd.read_csv(cgip_2018.READINGS_FILE, dtype=str, keep_default_na=False)
    rows.loc[0, "commitment_id"] = "CGIP18-1.2-9"
    rows.to_csv(path, index=False)
    with pytest.raises(ValueError, match=r"row 1, column commitment_id: no commitment"):
        cgip_2018._text_readings(doc, tables["commitments"], path)


# --- dated promises outside the Outputs column (cgip18_dated_promises.csv) --------------


def test_dated_promises_made_commitments(tables):
    commitments = tables["commitments"].set_index("commitment_id")
    promised = commitments[commitments.index.str.contains("-a")]
    # Decided "commitment" in cgip18_dated_promises.csv, read off the lines:
    # 1.3-a1 survey roll-out September 2018 (line 18, August update); 1.3-a2 service
    # reviews (September 2018) (line 26, Required Action); 1.4-a1 peer councils "during
    # 2018" (line 32); 4.13-a1 revised Charter to Cabinet in November, 4.13-a2 plans to
    # CCMB and CMT in October (line 214); 5.3-a1 Waste Management MOU September 2018
    # (line 227); 6.3-a1 procurement and invoicing systems "in 208/19" (line 241). 7.
    assert dict(zip(promised.index, promised["timescale"], strict=True)) == {
        "CGIP18-1.3-a1": "September 2018",
        "CGIP18-1.3-a2": "September 2018",
        "CGIP18-1.4-a1": "during 2018",
        "CGIP18-4.13-a1": "November 2018",
        "CGIP18-4.13-a2": "October 2018",
        "CGIP18-5.3-a1": "September 2018",
        "CGIP18-6.3-a1": "2018/19",
    }
    assert promised.loc["CGIP18-1.3-a2", "source_line"] == 26
    assert promised.loc["CGIP18-1.3-a2", "quote"].startswith("Complete service reviews")


def test_every_dated_promise_has_a_decision_and_reason():
    promises = pd.read_csv(cgip_2018.PROMISES_FILE, dtype=str, keep_default_na=False)
    # 53 promises read off the Required Action column and the update text: 7 made
    # commitments, 46 excluded (restatements, meetings, reporting dates, other plans).
    assert len(promises) == 53
    assert promises["decision"].value_counts().to_dict() == {"excluded": 46, "commitment": 7}
    assert (promises["reason"].str.strip() != "").all()


# --- temperature take -------------------------------------------------------------------


def test_temperature_take_points(tables):
    points = tables["cgip18_temperature"]
    per_partner = points[points["kind"] == "point"].groupby(["partner", "date"]).size().to_dict()
    # lines 306-310 (5), 314-320 (7), 324-335 without "ITEM 6" on line 329 (9)
    assert per_partner == {
        ("Cllr Paulette Hamilton", "2018-08-29"): 5,
        ("Cherry Dale", "2018-09-13"): 7,
        ("Penny Thompson", "2018-09-20"): 9,
    }
    assert not points["point"].str.contains("ITEM 6").any()
    assert (points["kind"] == "precis").sum() == 2  # lines 300 and 302


# --- provenance and IDs -----------------------------------------------------------------


@pytest.mark.parametrize(
    "table", ["cgip18_aims", "commitments", "cgip18_updates", "observations", "cgip18_temperature"]
)
def test_quotes_are_verbatim_on_their_lines(tables, doc, table):
    frame = tables[table]
    assert (frame["source"] == RAW_NAME).all()
    for quote, line in zip(frame["quote"], frame["source_line"], strict=True):
        doc.check(quote, int(line))


@pytest.mark.parametrize(
    ("table", "id_column"),
    [
        ("cgip18_aims", "aim_id"),
        ("commitments", "commitment_id"),
        ("cgip18_updates", "update_id"),
        ("observations", "observation_id"),
        ("cgip18_temperature", "point_id"),
    ],
)
def test_ids_are_unique(tables, table, id_column):
    assert tables[table][id_column].is_unique


# --- the period report's section counts -------------------------------------------------


@pytest.mark.parametrize(
    ("month", "expected"), [("2018-07", JULY_UPDATES), ("2018-08", AUGUST_UPDATES)]
)
def test_aims_and_updates_by_section(month, expected):
    counts = cgip_2018.aims_and_updates_by_section(month)
    assert list(counts.columns) == ["section", "section_title", "aims", "updates"]
    assert counts.set_index("section")["aims"].to_dict() == AIMS_PER_SECTION
    assert counts.set_index("section")["updates"].to_dict() == expected
    assert int(counts["aims"].sum()) == 47


def test_september_section_counts_for_the_smaller_sections():
    # Section 5 (lines 225-227): one "(September Update)" each in 5.1, 5.2, 5.3 = 3.
    # Section 6: 6.1 (Sept tag), 6.1a (Sept tag), 6.2 (Sept tag), and the bold blocks of
    # 6.3, 6.4, 6.5 each closed by a standalone "(September Update)" label = 6.
    # Section 7: 7.1 (Sept tag); 7.3: "(September update 2018)", the untagged bold
    # "Branding work …", "(September Update)." = 4.
    counts = cgip_2018.aims_and_updates_by_section("2018-09").set_index("section")["updates"]
    assert (counts[5], counts[6], counts[7]) == (3, 6, 4)


def test_section_counts_cover_every_dated_update(tables):
    updates = tables["cgip18_updates"]
    total = sum(
        int(cgip_2018.aims_and_updates_by_section(m)["updates"].sum())
        for m in ("2018-07", "2018-08", "2018-09")
    )
    assert total == (updates["month"] != "").sum()
    assert int(cgip_2018.aims_and_updates_by_section("2018-06")["updates"].sum()) == 0


def test_bad_month_is_refused():
    with pytest.raises(ValueError, match="YYYY-MM"):
        cgip_2018.aims_and_updates_by_section("Sept 2018")
