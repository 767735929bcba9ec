"""Tests of the 2015 action plan's commitments (ingest/documents/action_plan_2015.py).

Expected values were read off the raw text (data/raw/004_8cc2926d097384ad.txt) by hand;
the line numbers are given with each so they can be checked again.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd
import pytest

from kerslake_analysis.ingest.documents import action_plan_2015 as ap15
from kerslake_analysis.ingest.provenance import SourceDocument

DOC = SourceDocument.open("action_plan_2015")

# Actions per plan, counted by hand: the numbers that open an action's first line on the
# pages of each "ACTION PLAN n." (headings on lines 77, 360, 639, 828, 999), page by page:
#   plan 1: 1-4 (lines 119-147), 5-20 (165-270), 21-27 (295-339)           -> 27
#   plan 2: 1-6 (405-453), 7-25 (468-580), 26-29 (612-623)                 -> 29
#   plan 3: 1-6 (679-691), 7-16 (746-786)                                  -> 16
#   plan 4: 1-5 (872-892), 6-14 (915-987) + 3 unnumbered rows "In line with
#           6 above" (lines 922, 926, 929), lettered 6a, 6b, 6c            -> 17
#   plan 5: 1-9 (1042-1080), 10-26 (1107-1135)                             -> 26
# Total 27 + 29 + 16 + 17 + 26 = 115 rows (112 numbered actions + 3 lettered).
NUMBERED = {"1": 27, "2": 29, "3": 16, "4": 14, "5": 26}
LETTERED = {"4": ["6a", "6b", "6c"]}
ROWS_PER_PLAN = {"1": 27, "2": 29, "3": 16, "4": 17, "5": 26}

# The distinct timescales of the Timescale column, as written (25).
TIMESCALES = {
    *("Dec-14", "Jan-15", "Feb-15", "Mar-15", "Apr-15", "May-15", "Jun-15", "Jul-15"),
    *("Aug-15", "Sep-15", "Oct-15", "Dec-15", "Jan-16", "Feb-16", "Mar-16", "Apr-16"),
    *("May-16", "Jun-16", "Spring 15", "Summer 15", "Autumn 15", "Winter 15", "Spring 16"),
    *("TBC", "Ongoing"),
}

# (ID, timescale, owner, opening of the text), each checked by reading the raw lines.
HAND_CHECKED = [
    # line 119 action; 127 "Feb-15" first timescale of the page; 130 owner inside its measure
    ("AP15-1.1", "Feb-15", "Director Legal Services", "Re-issue, to officers and members"),
    # 138 "... supplementary Mar-15" on the action's own line; 135 owner beside its measure
    ("AP15-1.2", "Mar-15", "Director Legal Services", "Consult a sample of members"),
    # 165 action; 169 "Jul-15", 176 "CEx & Leader" (the page's first row)
    ("AP15-1.5", "Jul-15", "CEx & Leader", "Secure joint officer and member agreement"),
    # 218 action; 227 second of 226-229; 240 owner printed on the line of its measure
    ("AP15-1.13", "May-15", "Director Delivery", "Initiate development of the detailed"),
    # 335 "... to assess Winter 15" on the action's line; 357 third of owners 354-359
    ("AP15-1.26", "Winter 15", "CEx & Leader", "Undertake an independent assessment"),
    # 476 action; 499 "Mar-15", 504-505 owner, both printed right after it
    ("AP15-2.10", "Mar-15", "Executive Management Team (EMT)", "Agree approach, plan and"),
    # 572 action; 599/601 owner on the lines of its measure "Rationalisation ..."
    ("AP15-2.24", "Apr-15", "CEx and Director Delivery", "Review existing initatives"),
    # 679 action; 698 "Feb-15"; owner 701 "CEx and Director" + "Delivery" ending line 702
    ("AP15-3.1", "Feb-15", "CEx and Director Delivery", "Identify and agree approach"),
    # 785 action; 817 last of 815-817; 827 last owner of the page
    ("AP15-3.16", "Jan-16", "Director Legal Services", "Design and complete an evaluation"),
    # 880 action; 881 "Feb-15"; 903-905 third owner of 901-908
    ("AP15-4.3", "Feb-15", "CMBC and cross-party Governance Review Group", "Council Business"),
    # 892 action; 894 "Ongoing"; 908 fifth owner of 901-908
    ("AP15-4.5", "Ongoing", "Leader and CEx", "Provide requisite input and support"),
    # 926 "In line with 6 above, develop cross party ... Apr-15"; 959 third of owners 955-967
    ("AP15-4.6b", "Apr-15", "Group Leaders", "In line with 6 above, develop cross party"),
    # 985 action; 989 "TBC"; 997 "TBC" in the Responsible column
    ("AP15-4.13", "TBC", "TBC", "Develop and submit proposals for combined authority"),
    # 1049 action; 1067 "Feb-15"; 1072 owner, before the page's later timescales
    ("AP15-5.6", "Feb-15", "Chief Executive pro tem", "Hold a stakeholder event"),
    # 1120 action; 1163 "Mar-15", 1165 measure, 1167 owner, in sequence
    ("AP15-5.17", "Mar-15", "Chief Executive", "Designate a full time lead officer"),
    # 1135 action; 1209 "Jun-16", 1211 measure, 1213 owner: the document's last lines
    ("AP15-5.26", "Jun-16", "City Partnership", "Implement partnership performance"),
]


@pytest.fixture(scope="module")
def commitments() -> pd.DataFrame:
    return ap15.build()["commitments"]


@pytest.fixture(scope="module")
def actions() -> pd.DataFrame:
    return ap15.read_actions()


def _plan_of(frame: pd.DataFrame) -> pd.Series:
    return frame["ref"].str.split(".").str[0]


# ------------------------------------------------------------------ rows and their IDs


def test_rows_per_plan_match_the_hand_count(commitments):
    counts = _plan_of(commitments).value_counts().to_dict()
    assert counts == ROWS_PER_PLAN
    assert len(commitments) == 115


def test_numbered_actions_run_without_gaps_and_only_plan_4_has_letters(commitments):
    parts = commitments["ref"].str.extract(r"^(\d)\.(\d+)([a-z]?)$")
    assert parts.notna().all().all()
    for plan, count in NUMBERED.items():
        numbers = parts.loc[(parts[0] == plan) & (parts[2] == ""), 1].astype(int).tolist()
        assert numbers == list(range(1, count + 1)), plan
    lettered = parts[parts[2] != ""]
    assert (lettered[1] + lettered[2]).tolist() == LETTERED["4"]
    assert set(lettered[0]) == {"4"}


def test_the_raw_text_numbers_as_many_actions_as_the_hand_count():
    # Independent of the transcription: lines opening "<n> <Capital>" on each plan's pages.
    headings = [77, 360, 639, 828, 999, len(DOC.lines) + 1]
    for plan, (start, end) in enumerate(zip(headings, headings[1:], strict=False), start=1):
        numbers = [
            int(match.group(1))
            for number in range(start, end)
            if (match := re.match(r"(\d+) [A-Z]", DOC.line(number)))
        ]
        assert numbers == list(range(1, NUMBERED[str(plan)] + 1))
    follow_ons = [n for n, line in enumerate(DOC.lines, 1) if line.startswith("In line with 6")]
    assert follow_ons == [922, 926, 929]


def test_ids_are_unique_and_follow_the_plan_numbering(commitments):
    assert commitments["commitment_id"].is_unique
    assert (commitments["commitment_id"] == "AP15-" + commitments["ref"]).all()
    assert (commitments["plan"] == "ap-2015").all()


def test_columns_are_the_commitments_contract(commitments):
    assert list(commitments.columns) == list(ap15.COMMITMENT_COLUMNS)
    assert commitments["source_line"].dtype == "int64"


# ------------------------------------------------------------- hand-checked sample


@pytest.mark.parametrize(("commitment_id", "timescale", "owner", "opening"), HAND_CHECKED)
def test_hand_checked_actions(commitments, commitment_id, timescale, owner, opening):
    row = commitments.set_index("commitment_id").loc[commitment_id]
    assert row["timescale"] == timescale
    assert row["owner"] == owner
    assert row["text"].startswith(opening)


def test_themes_and_kerslake_references_per_plan(commitments):
    by_plan = commitments.assign(p=_plan_of(commitments)).groupby("p")
    # lines 81-82, 85; 364-365, 382; 643-644, 661; 832-833, 853; 1003-1004, 1007
    expected = {
        "1": ("LEADERSHIP AND STRATEGY", "ROLES, RESPONSIBILITIES & CULTURE", "KR-3a;KR-3c;KR-3d"),
        "2": (
            "LEADERSHIP AND STRATEGY, FINANCIAL AND PERFORMANCE MANAGEMENT",
            "STRATEGIC PLANNING",
            "KR-3b;KR-5",
        ),
        "3": ("LEADERSHIP AND STRATEGY", "HR & WORKFORCE PLANNING", "KR-6"),
        "4": (
            "SIZE AND STRUCTURE",
            "DEVOLUTION, ADMINISTRATION and LOCAL DELIVERY",
            "KR-4;KR-7;KR-10",
        ),
        "5": ("COMMUNITIES AND PARTNERSHIP", "COMMUNITIES AND PARTNERSHIP", "KR-8;KR-9;KR-11"),
    }
    for plan, group in by_plan:
        values = group[["theme", "sub_theme", "kerslake_refs"]].drop_duplicates()
        assert values.apply(tuple, axis=1).tolist() == [expected[plan]]


def test_timescales_are_as_written_with_the_document_date(commitments):
    assert set(commitments["timescale"]) == TIMESCALES == set(ap15.TIMESCALES)
    assert len(TIMESCALES) == 25
    # the plan is dated March 2015 (see the README); a period's date is its last day
    assert (commitments["timescale_reference"] == "2015-03-31").all()


# --------------------------------------------------------------- faithful to the text


def test_every_quote_is_verbatim_on_its_line(commitments):
    for row in commitments.itertuples():
        DOC.check(row.quote, row.source_line)
        assert row.source == DOC.name


def test_every_numbered_quote_opens_with_its_action_number(commitments):
    numbered = commitments[~commitments["ref"].str[-1].str.isalpha()]
    number = numbered["ref"].str.split(".").str[1]
    assert all(q.startswith(f"{n} ") for q, n in zip(numbered["quote"], number, strict=True))


def test_every_timescale_in_the_tables_is_used_once(actions):
    # Every timescale token on the plans' pages belongs to exactly one action, except the
    # two "TBC" printed in the Responsible column (lines 997-998, owners of 4.13-4.14).
    pattern = re.compile(
        r"\b(?:[A-Z][a-z]{2}-\d{2}|(?:Spring|Summer|Autumn|Winter) \d{2}|TBC|Ongoing)\b"
    )
    tokens = [
        (number, match.group())
        for number in range(77, len(DOC.lines) + 1)
        for match in pattern.finditer(DOC.line(number))
    ]
    used = list(zip(actions["timescale_line"].astype(int), actions["timescale"], strict=True))
    assert len(used) == len(set(used)) == 115
    assert sorted(set(tokens) - set(used)) == [(997, "TBC"), (998, "TBC")]
    assert set(used) <= set(tokens)


def _runs_by_line(actions: pd.DataFrame) -> dict[int, list[str]]:
    """Every fragment the transcription takes from each raw line."""
    runs: dict[int, list[str]] = {}

    def take(numbers: list[int], pieces: list[str] | None) -> None:
        assert pieces is not None
        for number, piece in zip(numbers, pieces, strict=True):
            runs.setdefault(number, []).append(piece)

    def lines(cell: str) -> list[int]:
        return [int(n) for n in cell.split(";") if n]

    for row in actions.itertuples():
        text_lines = lines(row.text_lines)
        take([text_lines[0]], [row.quote])
        take(text_lines[1:], [" ".join(DOC.line(n).split()) for n in text_lines[1:]])
        take([int(row.timescale_line)], [row.timescale])
        take([int(row.section_line)], [row.section])
        if row.owner:
            numbers = lines(row.owner_lines)
            take(numbers, ap15.runs_on_lines(row.owner, [DOC.line(n) for n in numbers]))
        if row.measures:
            numbers = lines(row.measures_lines)
            words = " ".join(row.measures.split("; "))
            pieces = ap15.runs_on_lines(words, [DOC.line(n) for n in numbers], whole_words=False)
            take(numbers, pieces)
    return runs


def test_every_character_of_the_tables_is_transcribed(actions):
    # A dropped action, or an owner or measure cut short, leaves characters of some raw
    # line that no field took. Only the page furniture (plan banners, column headings)
    # and one group heading are in no field.
    furniture = {
        *("ACTION PLAN 2015", "Action", "Timescale", "Measures", "Responsible"),
        *("LEADERSHIP AND STRATEGY", "ROLES, RESPONSIBILITIES & CULTURE", "MANAGEMENT"),
        *("LEADERSHIP AND STRATEGY, FINANCIAL AND PERFORMANCE", "STRATEGIC PLANNING"),
        *("HR & WORKFORCE PLANNING", "COMMUNITIES AND PARTNERSHIP"),
        "SIZE AND STRUCTUREDEVOLUTION, ADMINISTRATION and LOCAL DELIVERY",
        # heads the sub-heading "Planning framework" (line 472) that is the section
        "Planning framework and performance",
    }
    runs = _runs_by_line(actions)
    tables = [(113, 359), (397, 638), (673, 827), (866, 998), (1036, 1213)]
    left_over = {}
    for start, end in tables:
        for number in range(start, end + 1):
            text = " ".join(DOC.line(number).split())
            if not text or text in furniture:
                continue
            covered = [False] * len(text)
            for piece in runs.get(number, []):
                spots = [m.start() for m in re.finditer(re.escape(piece), text)]
                assert spots, (number, piece)
                free = [i for i in spots if not any(covered[i : i + len(piece)])]
                at = (free or spots)[0]
                covered[at : at + len(piece)] = [True] * len(piece)
            rest = "".join(c if not done else " " for c, done in zip(text, covered, strict=True))
            # quotation marks around a name (lines 1048, 1152) are dropped from its value
            if rest.replace('"', "").strip():
                left_over[number] = rest.strip()
    assert left_over == {}


def test_owners_of_a_sample_are_on_their_stated_lines(actions):
    # The owner column holds the officer as printed: each one is on its stated line(s).
    lines = actions.set_index("commitment_id")["owner_lines"]
    assert lines["AP15-1.13"] == "240"
    assert "Director Delivery" in DOC.line(240)
    assert lines["AP15-3.1"] == "701;702"
    assert DOC.line(702).endswith("Delivery")


# Rows whose owner or timescale the text does not settle (decided by hand while reading;
# the reason and the alternative reading are in each row's transcription_note).
OWNER_INFERRED = [
    *("1.8", "1.9", "1.10", "1.11", "1.15", "1.16", "1.17", "1.18", "1.19", "1.20"),
    *("2.12", "2.13", "2.20", "2.21", "2.22", "2.23", "2.27", "2.28"),
    *("3.5", "3.6", "3.10", "3.11", "3.12", "3.13"),
    *("5.1", "5.2", "5.3", "5.4", "5.5", "5.12", "5.13", "5.14", "5.15", "5.16"),
]
TIMESCALE_INFERRED = ["1.16", "2.22", "2.24", "3.9", "3.10", "3.11", "3.12", "3.13"]


def test_inferred_readings_say_so(commitments):
    notes = commitments.set_index("ref")["transcription_note"]
    assert notes.index[notes.str.contains("Owner INFERRED")].tolist() == OWNER_INFERRED
    assert notes.index[notes.str.contains("Timescale INFERRED")].tolist() == TIMESCALE_INFERRED
    # e.g. the Mar-16 printed after action 20's timescale is read as action 16's (line 276)
    assert "line 276" in notes["1.16"]
    assert notes.str.startswith("Timescale line ").all()


# ------------------------------------------------------- a corrupted transcription fails


@pytest.fixture
def copies(tmp_path):
    actions = tmp_path / "ap15_actions.csv"
    plans = tmp_path / "ap15_plans.csv"
    shutil.copy(ap15.ACTIONS_FILE, actions)
    shutil.copy(ap15.PLANS_FILE, plans)
    return actions, plans


def _edit(path, row_index: int, column: str, value: str) -> None:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    table.loc[row_index, column] = value
    table.to_csv(path, index=False)


def _fails(actions, plans, *fragments: str) -> str:
    with pytest.raises(ap15.TranscriptionError) as error:
        ap15.build(actions, plans)
    message = str(error.value)
    for fragment in fragments:
        assert fragment in message
    return message


def test_an_altered_quote_fails_naming_file_row_and_column(copies):
    actions, plans = copies
    _edit(actions, 0, "quote", "1 Re-issue, to officers and councillors")
    # the first record is row 2 of the file (row 1 is the header)
    _fails(actions, plans, "ap15_actions.csv, row 2, column quote", "not on line 119")


def test_a_wrong_owner_fails(copies):
    actions, plans = copies
    # AP15-1.3 (row 4): give it action 4's owner while keeping its own line (156)
    _edit(actions, 2, "owner", "CEx & Leader")
    _fails(actions, plans, "ap15_actions.csv, row 4, column owner", "[156]")


def test_a_shifted_timescale_fails(copies):
    actions, plans = copies
    _edit(actions, 0, "timescale", "Mar-15")
    _fails(actions, plans, "ap15_actions.csv, row 2, column timescale", "'Mar-15'")


def test_a_value_credited_to_the_wrong_line_fails(copies):
    actions, plans = copies
    _edit(actions, 1, "timescale_line", "127")  # AP15-1.2's Mar-15 is on line 138
    _fails(actions, plans, "row 3, column timescale")


def test_a_line_outside_the_plan_fails(copies):
    actions, plans = copies
    _edit(actions, 0, "owner_lines", "1213")  # plan 5's last line, far from plan 1
    _fails(actions, plans, "row 2, column owner_lines", "outside plan 1")


def test_a_missing_column_fails_naming_it(copies):
    actions, plans = copies
    table = pd.read_csv(actions, dtype=str, keep_default_na=False)
    table.drop(columns="owner_lines").to_csv(actions, index=False)
    _fails(actions, plans, "ap15_actions.csv, all rows, column owner_lines: column is missing")


def test_a_malformed_line_number_fails(copies):
    actions, plans = copies
    _edit(actions, 5, "measures_lines", "187;x")
    _fails(actions, plans, "row 7, column measures_lines", "not line numbers")


def test_a_duplicate_id_fails(copies):
    actions, plans = copies
    table = pd.read_csv(actions, dtype=str, keep_default_na=False)
    pd.concat([table, table.iloc[[0]]]).to_csv(actions, index=False)
    _fails(actions, plans, "row 117, column commitment_id", "duplicate ID 'AP15-1.1'")


def test_an_id_that_does_not_match_its_numbers_fails(copies):
    actions, plans = copies
    _edit(actions, 0, "commitment_id", "AP15-1.2")
    _fails(actions, plans, "row 2, column commitment_id", "should be 'AP15-1.1'")


def test_a_corrupted_plan_header_fails(copies):
    actions, plans = copies
    _edit(plans, 3, "kerslake_reference", "Rec. 4, 7")
    _fails(actions, plans, "ap15_plans.csv, row 5, column kerslake_reference")


# -------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("value", "lines", "expected"),
    [
        ("a b c", ["a b", "c"], ["a b", "c"]),
        ("a b c", ["a", "b c"], ["a", "b c"]),
        ("a b c", ["a b c", "x"], None),  # every listed line must supply a word
        ("a c b", ["a b", "c"], None),  # order matters
        ("a b", ["x a  b"], ["a b"]),  # white space is folded
        ("Director", ["Directors"], None),  # whole words only
        ("", ["a"], None),
    ],
)
def test_runs_on_lines(value, lines, expected):
    assert ap15.runs_on_lines(value, lines) == expected


def test_action_text_drops_the_number_and_an_inline_timescale():
    # line 213: "11 Analyse and agree development plan ... - as Winter 15", then line 214
    lines = [DOC.line(213), DOC.line(214)]
    assert ap15.action_text(lines, "11", "Winter 15") == (
        "Analyse and agree development plan based on outcome of 360 degree reviews - as "
        "part of strategic workforce planning"
    )
