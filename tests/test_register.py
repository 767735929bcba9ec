"""Tests of the register loader, its validator and the mapping schema.

Fixture registers are built in ``tmp_path`` (CSV with the csv module, XLSX with
openpyxl). Expected values are read off the fixture rows written here.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import string
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.register import (
    MappingError,
    Problem,
    Register,
    RegisterError,
    format_problems,
    load_register,
    read_mapping,
    validate_register,
)
from kerslake_analysis.ingest.register.mapping import parse_mapping
from kerslake_analysis.measure import metrics, status

HEADER = ["Ref", "Action", "Lead", "Start", "Due", "Status", "Completed", "Update"]

MAPPING = """
name = "demo"
title = "Demo council tracker"

[files]
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Action"
owner = "Lead"
due_start = "Start"
due_end = "Due"
status = "Status"
completed_on = "Completed"
update = "Update"

[status.values]
"Done" = "Complete"
"On track" = "In progress"
"Not started" = "Not due to have started"
"Late" = "In progress - completion slipped"
"""

AUGUST = [
    [
        "1.1",
        "Publish the plan",
        "Chief Executive",
        "01/07/2018",
        "31/08/2018",
        "On track",
        "",
        "Drafted",
    ],
    ["1.2", "Hire auditors", "Finance", "01/07/2018", "30/09/2018", "Not started", "", ""],
    [
        "2.1",
        "Review scrutiny",
        "Legal",
        "01/06/2018",
        "31/07/2018",
        "Late",
        "",
        "Delayed\nby elections",
    ],
]
SEPTEMBER = [
    [
        "1.1",
        "Publish the plan",
        "Chief Executive",
        "01/07/2018",
        "31/08/2018",
        "Done",
        "15/09/2018",
        "Published",
    ],
    ["1.2", "Hire auditors", "Finance", "01/07/2018", "30/09/2018", "On track", "", "Tender out"],
    ["2.1", "Review scrutiny", "Legal", "01/06/2018", "31/10/2018", "DONE", "20/09/2018", ""],
    [
        "3.1",
        "Train members",
        "Democratic Services",
        "01/09/2018",
        "31/12/2018",
        "Not started",
        "",
        "",
    ],
]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", sep: str = ",") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=sep).writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], merged: list[str] = ()) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tracker"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def make_register(tmp_path: Path, files: dict[str, list[list[object]]], mapping: str = MAPPING):
    """Write ``files`` (CSV or XLSX by suffix) and the mapping; return (folder, mapping)."""
    folder = tmp_path / "register"
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        if name.endswith(".xlsx"):
            write_xlsx(folder / name, rows)
        else:
            write_csv(folder / name, rows)
    mapping_path = tmp_path / "MAP.toml"
    mapping_path.write_text(mapping, encoding="utf-8")
    return folder, mapping_path


def only_problem(folder: Path, mapping_path: Path) -> Problem:
    problems = validate_register(folder, mapping_path)
    assert len(problems) == 1, format_problems(problems)
    return problems[0]


# --------------------------------------------------------------------------- loading


def test_loads_a_csv_register_into_curated_shaped_frames(tmp_path):
    folder, mapping = make_register(
        tmp_path, {"2018-08.csv": [HEADER, *AUGUST], "2018-09.csv": [HEADER, *SEPTEMBER]}
    )
    register = load_register(folder, mapping)

    assert isinstance(register, Register)
    assert register.name == "demo" and register.periods == ["2018-08", "2018-09"]
    # 3 rows in August + 4 in September; 1.1, 1.2, 2.1 first appear in August, 3.1 in September.
    assert len(register.observations) == 7
    commitments = register.commitments.set_index("commitment_id")
    assert list(commitments.index) == ["1.1", "1.2", "2.1", "3.1"]
    assert (commitments["plan"] == "demo").all()
    # Baseline from the first snapshot: 2.1 was due 31/07/2018 in August (re-planned to
    # 31/10/2018 in September, which the September observation keeps).
    assert commitments.at["2.1", "due_end"] == pd.Timestamp("2018-07-31")
    assert commitments.at["3.1", "source"] == "2018-09.csv"
    assert commitments.at["3.1", "source_line"] == 5  # header row 1, then 1.1, 1.2, 2.1, 3.1
    assert commitments.at["1.1", "quote"] == "1.1"
    assert commitments.at["1.1", "source_cell"] == "A2"
    assert commitments.at["1.2", "owner"] == "Finance"
    assert commitments.at["1.1", "timescale"] == "31/08/2018"
    assert commitments.at["1.1", "timescale_kind"] == "day"
    for column in ("due_start", "due_end", "timescale_reference"):
        assert commitments[column].dtype == "datetime64[us]"

    september = register.observations.query("period == '2018-09'").set_index("commitment_id")
    assert september["observed_on"].eq(pd.Timestamp("2018-09-30")).all()
    # Done -> complete; On track -> in_progress; "DONE" matches "Done" ignoring case.
    assert september["state"].astype(str).to_dict() == {
        "1.1": "complete",
        "1.2": "in_progress",
        "2.1": "complete",
        "3.1": "not_started",
    }
    assert september.at["1.1", "completed_on"] == pd.Timestamp("2018-09-15")
    assert september.at["2.1", "due_end"] == pd.Timestamp("2018-10-31")
    assert september.at["1.2", "evidence"] == "Tender out"
    assert september.at["2.1", "status_raw"] == "DONE"
    assert september.at["2.1", "status_reported"] == "Complete"
    august = register.observations.query("period == '2018-08'").set_index("commitment_id")
    assert august.at["2.1", "evidence"] == "Delayed by elections"  # line break -> one space
    assert august.at["2.1", "status_reported"] == "In progress – completion slipped"
    assert register.files["records"].tolist() == [3, 4]
    assert register.files["sha256"].str.fullmatch("[0-9a-f]{64}").all()


def test_register_frames_work_with_the_status_rules(tmp_path):
    folder, mapping = make_register(
        tmp_path, {"2018-08.csv": [HEADER, *AUGUST], "2018-09.csv": [HEADER, *SEPTEMBER]}
    )
    register = load_register(folder, mapping)
    as_of = status.status_as_of(register.commitments, register.observations, "2018-08")
    # 31 Aug 2018: 1.1 in progress and due that day (not slipped); 1.2 not started, due
    # 30 Sep; 2.1 in progress, due 31 Jul (slipped); 3.1 not yet in any snapshot.
    assert as_of.set_index("commitment_id")["status"].astype(str).to_dict() == {
        "1.1": "In progress",
        "1.2": "Not due to have started",
        "2.1": "In progress – completion slipped",
        "3.1": "No evidence",
    }
    # Metrics at 31 Aug 2018: 4 commitments, 3 with evidence (3.1 not yet listed); due by
    # then: 1.1 (31 Aug) and 2.1 (31 Jul) = 2; behind: 2.1 = 1. Due date passed (before
    # 31 Aug): 2.1 only = 1, so slippage rate 1/1; 1.1 is due on 31 Aug itself and open
    # (due on the date, not complete = 1); behind share 1/4.
    summary = metrics.metrics_as_of(as_of).summary.iloc[0]
    assert summary[["commitments", "with_evidence", "due", "behind"]].tolist() == [4, 3, 2, 1]
    assert summary[["past_due", "due_on_date_open"]].tolist() == [1, 1]
    assert summary["slippage_rate"] == 1.0 and summary["behind_share"] == 0.25
    as_of = status.status_as_of(register.commitments, register.observations, "2018-09")
    assert as_of.set_index("commitment_id")["status"].astype(str).to_dict() == {
        "1.1": "Complete",
        "1.2": "In progress",
        "2.1": "Complete",
        "3.1": "Not due to have started",
    }


def test_loads_xlsx_with_a_title_above_the_header_and_real_dates(tmp_path):
    mapping = MAPPING.replace("[files]", '[files]\nheader_row = 2\ninclude = ["*.xlsx"]')
    folder = tmp_path / "register"
    folder.mkdir()
    rows = [
        ["Improvement tracker — October 2018"],
        HEADER,
        [
            "1.1",
            "Publish the plan",
            "Chief Executive",
            dt.datetime(2018, 7, 1),
            dt.datetime(2018, 8, 31),
            "Done",
            dt.datetime(2018, 9, 15),
            "Published",
        ],
        [4.1, "Numeric ID", "Finance", "01/07/2018", "31/12/2018", "On track", None, None],
    ]
    write_xlsx(folder / "2018-10.xlsx", rows, merged=["A1:H1"])  # a merged title is fine
    (tmp_path / "MAP.toml").write_text(mapping)
    register = load_register(folder, tmp_path / "MAP.toml")
    obs = register.observations.set_index("commitment_id")
    assert list(obs.index) == ["1.1", "4.1"]
    assert obs.at["1.1", "due_end"] == pd.Timestamp("2018-08-31")
    assert obs.at["1.1", "completed_on"] == pd.Timestamp("2018-09-15")
    assert obs.at["4.1", "due_end"] == pd.Timestamp("2018-12-31")  # a text date in XLSX
    assert obs.at["1.1", "source_line"] == 3 and obs.at["1.1", "source_cell"] == "A3"
    assert obs.at["4.1", "observed_on"] == pd.Timestamp("2018-10-31")


def test_loads_a_transposed_file_with_overrides_and_two_rating_columns(tmp_path):
    mapping = """
name = "projects"
[files]
include = ["*.csv"]
separator = ";"
date_formats = ["%d.%m.%Y"]
missing_patterns = ['(?i)^exempt under']
[columns]
id = "Number"
text = { starts_with = "Project name" }
due_end = { starts_with = "End date" }
[rating]
scale = ["Green", "Amber", "Red"]
other = ["Exempt"]
[rating.columns]
ipa = { name = "Rating", occurrence = 1 }
sro = { name = "Rating", occurrence = 2 }
[rating.patterns]
'(?i)^exempt under' = "Exempt"
[[override]]
files = "old_*.csv"
separator = ","
transposed = true
period = "2017-09"
[override.rating_columns]
sro = false
"""
    folder = tmp_path / "register"
    folder.mkdir()
    write_csv(
        folder / "old_2017.csv",
        [
            ["Number", "P1", "P2"],
            ["Project name\n(as published)", "Bridge", "Tunnel"],
            ["Rating", "amber", "Exempt under Section 26"],
            ["End date (latest)", "31.12.2020", "Exempt under Section 26"],
        ],
    )
    write_csv(
        folder / "new_2018-03.csv",
        [
            ["Number", "Project name", "Rating", "Rating", "End date"],
            ["P1", "Bridge", "", "Red", "30.06.2021"],
            ["P2", "Tunnel", "Green", "", "01.01.2030"],
        ],
        sep=";",
    )
    (tmp_path / "MAP.toml").write_text(mapping)
    register = load_register(folder, tmp_path / "MAP.toml")
    assert register.periods == ["2017-09", "2018-03"]
    obs = register.observations.set_index(["period", "commitment_id"])
    # Transposed: record P1 is column B, P2 column C; source_line is the column number.
    assert obs.loc[("2017-09", "P2"), "source_cell"] == "C1"
    assert obs.loc[("2017-09", "P2"), "source_line"] == 3
    assert obs.loc[("2017-09", "P1"), "rating"] == "Amber"
    assert obs.loc[("2017-09", "P2"), "rating"] == "Exempt"
    assert pd.isna(obs.loc[("2017-09", "P2"), "due_end"])  # FOI text read as missing
    assert obs.loc[("2017-09", "P1"), "due_end"] == pd.Timestamp("2020-12-31")
    assert obs.loc[("2018-03", "P1"), ["rating", "rating_by"]].tolist() == ["Red", "sro"]
    assert obs.loc[("2018-03", "P2"), ["rating", "rating_by"]].tolist() == ["Green", "ipa"]
    assert obs.loc[("2017-09", "P1"), "rating_sro"] == "Missing"
    assert list(obs["rating"].dtype.categories) == ["Green", "Amber", "Red", "Exempt", "Missing"]
    assert (obs["state"] == "unknown").all()  # no status column: nothing known of progress


def test_status_patterns_month_dates_and_timescales(tmp_path):
    mapping = """
name = "demo"
timescale_reference = 2018-03-31
[files]
date_formats = ["%b-%y"]
[columns]
id = "Ref"
text = "Action"
timescale = "When"
status = "Status"
completed_on = "Done on"
[status.values]
"Green" = "Complete"
[status.patterns]
'(?i)^amber' = "In progress"
"""
    folder, mapping_path = make_register(
        tmp_path,
        {
            "2018-09.csv": [
                ["Ref", "Action", "When", "Status", "Done on"],
                ["A", "Do a", "Spring 18", "Green", "Sep-18"],
                ["B", "Do b", "within two years", "Amber (slight delay)", ""],
                ["C", "Do c", "TBC", "", ""],
            ]
        },
        mapping,
    )
    obs = load_register(folder, mapping_path).observations.set_index("commitment_id")
    # Spring 18 = Mar-May 2018 (meteorological); "within two years" of 31 Mar 2018.
    assert obs.at["A", "due_end"] == pd.Timestamp("2018-05-31")
    assert obs.at["B", "due_end"] == pd.Timestamp("2020-03-31")
    assert obs.at["C", "timescale_kind"] == "tbc" and pd.isna(obs.at["C", "due_end"])
    assert obs.at["A", "completed_on"] == pd.Timestamp("2018-09-30")  # a month -> last day
    assert obs["state"].astype(str).tolist() == ["complete", "in_progress", "unknown"]


def test_corrections_are_applied_and_noted(tmp_path):
    rows = [
        HEADER,
        AUGUST[0],
        ["1.2", "Hire", "Finance", "01/07/2018", "31/09/2018", "On track", "", ""],
    ]
    mapping = (
        MAPPING
        + """
[[correction]]
file = "2018-08.csv"
id = "1.2"
field = "due_end"
was = "31/09/2018"
now = "30/09/2018"
note = "no 31 September"
"""
    )
    folder, mapping_path = make_register(tmp_path, {"2018-08.csv": rows}, mapping)
    obs = load_register(folder, mapping_path).observations.set_index("commitment_id")
    assert obs.at["1.2", "due_end"] == pd.Timestamp("2018-09-30")
    assert obs.at["1.2", "transcription_note"] == (
        "due_end: '31/09/2018' read as '30/09/2018': no 31 September"
    )
    assert obs.at["1.1", "transcription_note"] == ""


# --------------------------------------------------------------------------- bad input


def test_missing_column_names_file_row_and_column(tmp_path):
    header = [h if h != "Due" else "Due date" for h in HEADER]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": [header, *AUGUST]})
    problem = only_problem(folder, mapping)
    assert (problem.file, problem.row, problem.column) == ("2018-08.csv", 1, "Due")
    assert "column missing from the header row (mapped to due_end)" in problem.message
    assert "did you mean 'Due date'?" in problem.message


def test_unknown_status_word(tmp_path):
    rows = [HEADER, AUGUST[0], [*AUGUST[1][:5], "Parked", "", ""]]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": rows})
    problem = only_problem(folder, mapping)
    assert (problem.file, problem.row, problem.column, problem.cell) == (
        "2018-08.csv",
        3,
        "Status",
        "F3",
    )
    assert problem.message.startswith("unknown status 'Parked': add it to [status.values]")


@pytest.mark.parametrize(
    ("due", "message"),
    [
        ("next week", "not a date in the format dd/mm/yyyy: 'next week'"),
        ("2018-09-30", "not a date in the format dd/mm/yyyy: '2018-09-30' (check day, month"),
        ("31/02/2018", "impossible date '31/02/2018': there is no such day"),
        ("31/12/2918", "implausible date '31/12/2918': the year is not 1900–2100"),
    ],
)
def test_bad_dates(tmp_path, due, message):
    rows = [HEADER, [*AUGUST[0][:4], due, *AUGUST[0][5:]]]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": rows})
    problem = only_problem(folder, mapping)
    assert (problem.row, problem.column, problem.cell) == (2, "Due", "E2")
    assert problem.message.startswith(message)


def test_date_order_problems(tmp_path):
    rows = [
        HEADER,
        ["1", "End before start", "", "01/09/2018", "31/08/2018", "On track", "", ""],
        ["2", "Done before start", "", "01/09/2018", "30/09/2018", "Done", "15/08/2018", ""],
        ["3", "Done after snapshot", "", "01/07/2018", "31/07/2018", "Done", "02/09/2018", ""],
    ]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": rows})
    problems = [(p.row, p.column, p.message) for p in validate_register(folder, mapping)]
    assert problems == [
        (2, "Due", "the end date 2018-08-31 is before the start date 2018-09-01"),
        (3, "Completed", "the completion date 2018-08-15 is before the start date 2018-09-01"),
        (4, "Completed", "the completion date 2018-09-02 is after the snapshot date 2018-08-31"),
    ]


def test_duplicate_and_empty_ids(tmp_path):
    rows = [HEADER, AUGUST[0], AUGUST[1], [" 1.1 ", *AUGUST[2][1:]], ["", *AUGUST[2][1:]]]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": rows})
    problems = [(p.row, p.column, p.message) for p in validate_register(folder, mapping)]
    assert problems == [
        (2, "Ref", "duplicate ID '1.1' in this snapshot (rows 2, 4)"),
        (4, "Ref", "duplicate ID '1.1' in this snapshot (rows 2, 4)"),
        (5, "Ref", "the ID is empty"),
    ]


def test_empty_and_header_only_files(tmp_path):
    folder, mapping = make_register(tmp_path, {"2018-09.csv": [HEADER]})
    (folder / "2018-08.csv").write_bytes(b"")
    problems = validate_register(folder, mapping)
    assert [str(p) for p in problems] == [
        "2018-08.csv: the file is empty",
        "2018-09.csv: there are no records after the header row",
    ]


def test_wrong_encoding_names_row_and_column(tmp_path):
    folder, mapping = make_register(tmp_path, {})
    rows = [HEADER, AUGUST[0], ["1.2", "Hire auditors – external", *AUGUST[1][2:]]]
    write_csv(folder / "2018-08.csv", rows, encoding="cp1252")  # the en dash is byte 0x96
    problem = only_problem(folder, mapping)
    assert (problem.file, problem.row, problem.column, problem.cell) == (
        "2018-08.csv",
        3,
        "Action",
        "B3",
    )
    assert "byte 0x96 cannot be decoded as utf-8" in problem.message
    assert "files.encoding" in problem.message
    # With the right encoding the same file loads.
    fixed = MAPPING.replace("[files]", '[files]\nencoding = "cp1252"')
    (tmp_path / "MAP.toml").write_text(fixed)
    text = load_register(folder, tmp_path / "MAP.toml").commitments["text"].tolist()
    assert text[1] == "Hire auditors – external"


def test_merged_header_cells_in_excel(tmp_path):
    folder, mapping = make_register(tmp_path, {})
    rows = [HEADER, AUGUST[0]]
    write_xlsx(folder / "2018-08.xlsx", rows, merged=["E1:F1"])
    problems = validate_register(folder, mapping)
    # Merging hides the header of F1 ("Status"), so that column is missing as well.
    assert [(p.file, p.row, p.column, p.message[:33]) for p in problems] == [
        ("2018-08.xlsx", 1, "Due", "merged header cells E1:F1: each c"),
        ("2018-08.xlsx", 1, "Status", "column missing from the header ro"),
    ]


def test_merged_data_cells_in_excel(tmp_path):
    folder, mapping = make_register(tmp_path, {})
    write_xlsx(folder / "2018-08.xlsx", [HEADER, *AUGUST], merged=["C2:C3"])
    problem = only_problem(folder, mapping)
    assert (problem.row, problem.column) == (2, "Lead")
    assert problem.message.startswith("merged cells C2:C3: only the first cell")


def test_formula_errors_in_excel_and_csv(tmp_path):
    folder, mapping = make_register(
        tmp_path, {"2018-09.csv": [HEADER, [*SEPTEMBER[0][:4], "#N/A", *SEPTEMBER[0][5:]]]}
    )
    rows = [
        HEADER,
        AUGUST[0],
        [*AUGUST[1][:2], "#REF!", *AUGUST[1][3:]],
        [*AUGUST[2][:5], "#VALUE!", "", ""],
    ]
    write_xlsx(folder / "2018-08.xlsx", rows)
    problems = [
        (p.file, p.row, p.column, p.cell, p.message.split(" in the cell")[0])
        for p in validate_register(folder, mapping)
    ]
    assert problems == [
        ("2018-08.xlsx", 3, "Lead", "C3", "formula error '#REF!'"),
        ("2018-08.xlsx", 4, "Status", "F4", "formula error '#VALUE!'"),
        ("2018-09.csv", 2, "Due", "E2", "formula error '#N/A'"),
    ]


def test_file_names_without_a_period_and_two_files_for_one_period(tmp_path):
    folder, mapping = make_register(
        tmp_path,
        {
            "tracker.csv": [HEADER, *AUGUST],
            "2018-08.csv": [HEADER, *AUGUST],
            "2018_08 v2.csv": [HEADER, *AUGUST],
        },
    )
    (folder / "2018-07.xls").write_bytes(b"old excel")
    problems = [str(p) for p in validate_register(folder, mapping)]
    assert problems == [
        "2018-07.xls: Excel 97-2003 .xls files are not supported: save it as .xlsx",
        "2018-08.csv: 2 files are for period 2018-08: 2018-08.csv, 2018_08 v2.csv",
        "2018_08 v2.csv: 2 files are for period 2018-08: 2018-08.csv, 2018_08 v2.csv",
        "tracker.csv: no period (YYYY-MM) in the file name; rename it (e.g. 2018-09.xlsx) "
        "or set 'period' in an [[override]] for it",
    ]


def test_values_beyond_the_header_and_ambiguous_columns(tmp_path):
    rows = [[*HEADER, "Status"], [*AUGUST[0], "On track", "stray"]]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": rows})
    problems = [(p.row, p.column, p.cell, p.message) for p in validate_register(folder, mapping)]
    assert problems == [
        (
            1,
            "Status",
            None,
            "2 columns match (F1, I1) (mapped to status); say which with "
            '{ name = "…", occurrence = N } in the mapping',
        ),
        (2, None, "J2", "a value beyond the last header column: 'stray'"),
    ]


def test_stale_correction_is_reported(tmp_path):
    mapping = (
        MAPPING
        + """
[[correction]]
file = "2018-08.csv"
id = "1.1"
field = "due_end"
was = "31/09/2018"
now = "30/09/2018"
note = "no 31 September"
"""
    )
    folder, mapping_path = make_register(tmp_path, {"2018-08.csv": [HEADER, *AUGUST]}, mapping)
    problem = only_problem(folder, mapping_path)
    assert (problem.row, problem.column, problem.cell) == (2, "Due", "E2")
    assert "expected '31/09/2018' but the cell holds '31/08/2018'" in problem.message


def test_row_and_size_limits(tmp_path):
    mapping = MAPPING.replace("[files]", "[files]\nmax_rows = 2")
    folder, mapping_path = make_register(tmp_path, {"2018-08.csv": [HEADER, *AUGUST]}, mapping)
    # 3 records (AUGUST) under a limit of 2: refused when the third arrives.
    assert str(only_problem(folder, mapping_path)) == (
        "2018-08.csv: the file has more than 2 records, the limit (files.max_rows in the "
        "mapping); the file was not used"
    )
    mapping = MAPPING.replace("[files]", "[files]\nmax_megabytes = 0.0001")  # 100 bytes
    (tmp_path / "MAP.toml").write_text(mapping)
    assert "over the limit of 0.0001 MB" in only_problem(folder, mapping_path).message


def test_load_raises_listing_every_problem(tmp_path):
    rows = [
        HEADER,
        ["1", "A", "", "soon", "31/08/2018", "Parked", "", ""],
        ["1", "", "", "01/07/2018", "31/02/2018", "Done", "", ""],
    ]
    folder, mapping = make_register(tmp_path, {"2018-08.csv": rows})
    with pytest.raises(RegisterError) as caught:
        load_register(folder, mapping)
    message = str(caught.value)
    assert message.splitlines() == [
        "6 problems:",
        "  2018-08.csv, row 2, column Ref (cell A2): duplicate ID '1' in this snapshot (rows 2, 3)",
        "  2018-08.csv, row 2, column Start (cell D2): not a date in the format dd/mm/yyyy: 'soon'",
        "  2018-08.csv, row 2, column Status (cell F2): unknown status 'Parked': add it to "
        "[status.values] in the mapping (mapped words: 'Done', 'Late', 'Not started', 'On track')",
        "  2018-08.csv, row 3, column Action (cell B3): the text is empty",
        "  2018-08.csv, row 3, column Due (cell E3): impossible date '31/02/2018': there is no "
        "such day (format dd/mm/yyyy)",
        "  2018-08.csv, row 3, column Ref (cell A3): duplicate ID '1' in this snapshot (rows 2, 3)",
    ]
    assert len(caught.value.problems) == 6


def test_period_from_month_names_and_sheet_choice(tmp_path):
    mapping = MAPPING.replace(
        "[files]",
        "[files]\nperiod_pattern = '(?P<month>[a-z]+) (?P<year>\\d{4})'\nsheet = \"Tracker\"",
    )
    folder, mapping_path = make_register(
        tmp_path, {"Tracker Sept 2018.xlsx": [HEADER, *AUGUST]}, mapping
    )
    assert load_register(folder, mapping_path).periods == ["2018-09"]
    (tmp_path / "MAP.toml").write_text(mapping.replace('sheet = "Tracker"', 'sheet = "Actions"'))
    assert str(only_problem(folder, mapping_path)) == (
        "Tracker Sept 2018.xlsx: there is no sheet 'Actions'; sheets: ['Tracker']"
    )


def test_corrupt_workbook(tmp_path):
    folder, mapping = make_register(tmp_path, {})
    (folder / "2018-08.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    problem = only_problem(folder, mapping)
    assert (problem.file, problem.row, problem.column) == ("2018-08.xlsx", None, None)
    assert problem.message.startswith("not a readable Excel workbook")


def test_missing_folder(tmp_path):
    (tmp_path / "MAP.toml").write_text(MAPPING)
    problems = validate_register(tmp_path / "nowhere", tmp_path / "MAP.toml")
    assert [p.message for p in problems] == [f"no such folder or file: {tmp_path / 'nowhere'}"]


# --------------------------------------------------------------------------- the mapping


def test_mapping_errors_name_the_file_and_key(tmp_path):
    bad = (
        MAPPING.replace('text = "Action"', 'txt = "Action"')
        .replace('"Late" = ', '"Slow" = "Sluggish"\n"Late" = ')
        .replace("[files]", "[files]\nheader_row = 0\nencodings = 'utf-8'")
    )
    (tmp_path / "MAP.toml").write_text(bad)
    with pytest.raises(MappingError) as caught:
        read_mapping(tmp_path / "MAP.toml")
    assert [str(p) for p in caught.value.problems] == [
        "MAP.toml: key 'files.header_row': Input should be greater than or equal to 1 (got 0)",
        "MAP.toml: key 'status.values': 'Slow' maps to 'Sluggish', which is not one of: "
        "Complete, In progress, Not due to have started, In progress – completion slipped, "
        "Not started – completion slipped, TBC, Unknown",
        "MAP.toml: missing required key 'columns.text'",
        "MAP.toml: unknown key 'columns.txt' (known keys there: id, text, theme, sub_theme, "
        "ref, owner, timescale, due_start, due_end, status, completed_on, update)",
        "MAP.toml: unknown key 'files.encodings' (known keys there: encoding, encoding_errors, "
        "separator, sheet, header_row, header_rows, hidden, transposed, missing, missing_patterns, "
        "date_formats, "
        "period, max_rows, max_columns, max_cells, max_megabytes, max_unpacked_megabytes, include, "
        "period_pattern, layout, sheets, period_column, period_formats, same_period)",
    ]
    # validate_register reports the mapping's problems instead of raising.
    folder, _ = make_register(tmp_path / "x", {"2018-08.csv": [HEADER, *AUGUST]})
    assert len(validate_register(folder, tmp_path / "MAP.toml")) == 5


def test_mapping_that_is_not_toml_or_missing(tmp_path):
    (tmp_path / "MAP.toml").write_text('name = "demo\n')
    with pytest.raises(MappingError, match=r"MAP\.toml: not valid TOML"):
        read_mapping(tmp_path / "MAP.toml")
    with pytest.raises(MappingError, match="mapping file not found"):
        read_mapping(tmp_path / "NOPE.toml")


@pytest.mark.parametrize(
    ("fragment", "message"),
    [
        ('[columns]\nid = 5\ntext = "A"', "key 'columns.id': a column is a header text, false"),
        (
            '[columns]\nid = { name = "A", starts_with = "B" }\ntext = "A"',
            "key 'columns.id': give exactly one of 'name' or 'starts_with'",
        ),
        (
            '[files]\nmissing_patterns = ["(x"]\n[columns]\nid = "A"\ntext = "B"',
            "key 'files.missing_patterns': not a valid regular expression",
        ),
        (
            '[files]\ndate_formats = ["dd/mm/yyyy"]\n[columns]\nid = "A"\ntext = "B"',
            "a date format needs % directives",
        ),
        (
            '[columns]\nid = "A"\ntext = "B"\nstatus = "S"',
            "a status column is mapped but there is no [status] table",
        ),
        (
            '[columns]\nid = "A"\ntext = "B"\n[[override]]\nfiles = "x"\nperiod = "2018-13"',
            "key 'override#1.period': a period is YYYY-MM",
        ),
        (
            '[columns]\nid = "A"\ntext = "B"\n[extra]\nstate = "S"',
            "'state' is already an output column",
        ),
        (
            '[columns]\nid = "A"\ntext = "B"\n[[correction]]\nfile = "f"\nid = "1"\nfield = "nope"\n'
            'was = ""\nnow = ""\nnote = "n"',
            "correction #1: field 'nope' is not a mapped field",
        ),
    ],
)
def test_mapping_checks(fragment, message):
    with pytest.raises(MappingError) as caught:
        parse_mapping('name = "demo"\n' + fragment, "council.toml")
    assert any(
        str(p).startswith("council.toml: ") and message in str(p) for p in caught.value.problems
    ), str(caught.value)


def test_documented_example_mapping_is_valid():
    text = (paths.PROJ_ROOT / "docs" / "register-mapping.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, flags=re.DOTALL).group(1)
    mapping = parse_mapping(block, "register-mapping.md")
    assert mapping.name == "cgip-2018"
    assert mapping.status.lookup()["delayed"] == "In progress – completion slipped"
    plan = mapping.plan_for("2018-03 tracker.xlsx")
    assert plan.header_row == 3 and "completed_on" not in plan.columns
    assert plan.columns["update"].name == "Comments" and "directorate" not in plan.extra
    assert mapping.plan_for("2018-09.xlsx").header_row == 1


def test_format_problems():
    problems = [
        Problem("b.csv", 3, "Due", "bad", "E3"),
        Problem("a.csv", None, None, "the file is empty"),
        Problem("MAP.toml", message="missing required key 'name'"),
    ]
    assert format_problems(problems) == (
        "3 problems:\n"
        "  MAP.toml: missing required key 'name'\n"
        "  a.csv: the file is empty\n"
        "  b.csv, row 3, column Due (cell E3): bad"
    )


# --------------------------------------------------------------------------- fuzzing

_CELL = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12
) | st.sampled_from(
    ["", "Done", "On track", "31/02/2018", "01/07/2018", "#REF!", "1.1", "  ", "\n", "Late"]
)
_HEADERS = (
    st.just(HEADER)
    | st.permutations(HEADER)
    | st.lists(
        st.sampled_from([*HEADER, "Other", "", "Ref", "Due "]) | st.text(max_size=6),
        min_size=1,
        max_size=10,
    )
)


_DATE_TEXT = st.dates(dt.date(1890, 1, 1), dt.date(2120, 12, 31)).map(
    lambda d: d.strftime("%d/%m/%Y")
)


def _either(valid, share: int = 4):
    """Mostly ``valid`` values, sometimes an arbitrary cell."""
    return st.one_of(*([valid] * share), _CELL)


_ROW = st.tuples(
    _either(st.sampled_from(["1.1", "1.2", "2.1", "3.1", "4.10", "A-7"])),
    _either(st.sampled_from(["Publish the plan", "Hire <b>auditors</b>", "<script>x</script>"])),
    _CELL,
    _either(_DATE_TEXT | st.just("")),
    _either(_DATE_TEXT | st.just("")),
    _either(st.sampled_from(["Done", "On track", "Not started", "Late", "", "TBC", "complete"])),
    _either(_DATE_TEXT | st.just(""), share=1),
    _CELL,
).map(list)


def _load_or_register_error(folder: Path, mapping: Path) -> None:
    try:
        register = load_register(folder, mapping)
    except RegisterError as error:
        assert error.problems, "a RegisterError always lists its problems"
        assert all(isinstance(p, Problem) and p.file for p in error.problems)
    else:
        assert len(register.observations) >= 1


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(header=_HEADERS, rows=st.lists(st.lists(_CELL, max_size=11), max_size=6))
def test_fuzz_csv_cells_load_or_raise_register_error(header, rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reg"
        folder.mkdir()
        write_csv(folder / "2018-08.csv", [header, *rows])
        (Path(tmp) / "MAP.toml").write_text(MAPPING)
        _load_or_register_error(folder, Path(tmp) / "MAP.toml")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(_ROW, min_size=1, max_size=8))
def test_fuzz_mostly_valid_rows_load_or_raise_register_error(rows):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reg"
        folder.mkdir()
        write_csv(folder / "2018-08.csv", [HEADER, *rows])
        write_csv(folder / "2018-09.csv", [HEADER, *rows[::-1]])
        (Path(tmp) / "MAP.toml").write_text(MAPPING)
        _load_or_register_error(folder, Path(tmp) / "MAP.toml")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(
            _CELL.map(lambda s: ILLEGAL_CHARACTERS_RE.sub("", s))
            | st.integers(-(10**6), 10**6)
            | st.floats(allow_nan=False, allow_infinity=False)
            | st.datetimes(min_value=dt.datetime(1800, 1, 1)),
            min_size=8,
            max_size=9,
        ),
        max_size=5,
    ),
    transposed=st.booleans(),
)
def test_fuzz_xlsx_cells_load_or_raise_register_error(rows, transposed):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reg"
        folder.mkdir()
        grid = [HEADER, *rows]
        if transposed:
            grid = [list(column) for column in zip(*[r[:8] for r in grid], strict=True)]
        write_xlsx(folder / "2018-08.xlsx", grid)
        mapping = MAPPING.replace("[files]", f"[files]\ntransposed = {str(transposed).lower()}")
        (Path(tmp) / "MAP.toml").write_text(mapping)
        _load_or_register_error(folder, Path(tmp) / "MAP.toml")


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300), name=st.sampled_from(["2018-08.csv", "2018-08.xlsx"]))
def test_fuzz_arbitrary_bytes_load_or_raise_register_error(data, name):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reg"
        folder.mkdir()
        (folder / name).write_bytes(data)
        (Path(tmp) / "MAP.toml").write_text(MAPPING)
        _load_or_register_error(folder, Path(tmp) / "MAP.toml")
        assert all(
            isinstance(p, Problem) for p in validate_register(folder, Path(tmp) / "MAP.toml")
        )


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=string.printable, max_size=200))
def test_fuzz_mapping_text_parses_or_raises_mapping_error(text):
    try:
        parse_mapping(text, "MAP.toml")
    except MappingError as error:
        assert all(str(p).startswith("MAP.toml: ") for p in error.problems)
