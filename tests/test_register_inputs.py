"""Tests of reading trackers as councils keep them: encodings, Excel layouts, problem summaries.

Every input is made here (CSV bytes in a named encoding, XLSX workbooks with openpyxl);
expected values are read off the rows written here or counted by hand in comments.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook
from openpyxl.styles import Color, PatternFill

from kerslake_analysis import cli
from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.problems import read_problems_csv
from kerslake_analysis.ingest.register import (
    RegisterError,
    check_register,
    load_register,
    sheets,
    validate_register,
)
from kerslake_analysis.ingest.register.encoding import detect_encoding
from kerslake_analysis.ingest.register.headers import find_header_row
from kerslake_analysis.report.footer import footer_table
from kerslake_analysis.report.plan_data import register_plan

MAPPING = """
name = "demo"

[files]
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Action"
due_end = "Due"
status = "Status"

[status.values]
"Done" = "Complete"
"Late" = "In progress - completion slipped"
"""

#: Texts with characters that Windows-1252 and Mac Roman store as different bytes.
ACCENTED = [
    ["Ref", "Action", "Due", "Status"],
    ["1", "Café opening – phase 1", "31/08/2018", "Done"],
    ["2", "Müller’s review of the plan", "30/09/2018", "Late"],
    ["3", "Résumé – draft for the panel", "30/09/2018", "Late"],
]


def write(folder: Path, name: str, rows: list[list[str]], encoding: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def mapping(tmp_path: Path, text: str = MAPPING) -> Path:
    path = tmp_path / "MAP.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(("codec", "expected"), [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig")])
def test_utf8_with_or_without_bom_is_accepted_at_once(tmp_path, codec, expected):
    folder = tmp_path / "register"
    write(folder, "2018-09.csv", ACCENTED, codec)
    register = load_register(folder, mapping(tmp_path))
    assert register.commitments["text"].tolist() == [r[1] for r in ACCENTED[1:]]
    row = register.files.iloc[0]
    assert (row["encoding"], row["encoding_confidence"]) == (expected, 1.0)


def test_mac_roman_is_refused_or_named_never_read_as_cp1252(tmp_path):
    data = "\n".join(",".join(r) for r in ACCENTED).encode("mac_roman")
    # cp1252 would read 'é' (0x8e in Mac Roman) as 'Ž': the trap this guards against.
    assert "Ž" in data.decode("cp1252")
    guess = detect_encoding(data)
    assert (guess.sure and guess.encoding == "mac_roman") or not guess.sure
    folder = tmp_path / "register"
    write(folder, "2018-09.csv", ACCENTED, "mac_roman")
    problems = validate_register(folder, mapping(tmp_path))
    assert len(problems) == 1
    problem = problems[0]
    # The first non-UTF-8 byte is the 'é' of "Café" in B2.
    assert (problem.file, problem.row, problem.column, problem.cell) == (
        "2018-09.csv",
        2,
        "Action",
        "B2",
    )
    assert "byte 0x8e cannot be decoded as utf-8" in problem.message
    assert "cannot be told for sure" in problem.message
    assert "line 2 reads" in problem.message  # the line as each candidate reads it
    # The two readings a person chooses between, by hand: Mac Roman 0x8e is 'é' and 0xd0
    # '–'; Windows-1252 reads them 'Ž' and 'Ð'.
    assert "'1,Café opening – phase 1,31/08/2018,Done' as mac_roman" in problem.message
    assert "'1,CafŽ opening Ð phase 1,31/08/2018,Done' as cp1252" in problem.message
    assert "files.encoding" in problem.message
    # Pinned in the mapping, the same file reads as written.
    pinned = mapping(tmp_path, MAPPING.replace("[files]", '[files]\nencoding = "mac_roman"'))
    register = load_register(folder, pinned)
    assert register.commitments["text"].tolist() == [r[1] for r in ACCENTED[1:]]
    row = register.files.iloc[0]
    assert row["encoding"] == "mac_roman"
    assert pd.isna(row["encoding_confidence"])  # set in the mapping, not detected


def test_cp1252_is_refused_unless_pinned_and_the_footer_shows_how_it_was_read(tmp_path):
    folder = tmp_path / "register"
    write(folder, "2018-09.csv", ACCENTED, "cp1252")
    (problem,) = validate_register(folder, mapping(tmp_path))
    assert problem.cell == "B2"
    assert "byte 0xe9 cannot be decoded as utf-8" in problem.message  # 'é' in cp1252
    pinned = mapping(tmp_path, MAPPING.replace("[files]", '[files]\nencoding = "cp1252"'))
    register = load_register(folder, pinned)
    assert register.commitments["text"].tolist() == [r[1] for r in ACCENTED[1:]]
    data = register_plan(folder, pinned)
    footer = footer_table(ReportPeriod("demo", "2018-09", str(folder), str(pinned)), data)
    rows = dict(zip(footer["item"], footer["value"], strict=True))
    assert rows["encoding 2018-09.csv"] == "cp1252 (set in the mapping)"


def test_a_detected_encoding_is_recorded_in_the_footer(tmp_path):
    folder = tmp_path / "register"
    write(folder, "2018-09.csv", ACCENTED, "utf-8")
    data = register_plan(folder, mapping(tmp_path))
    period = ReportPeriod("demo", "2018-09", str(folder), str(tmp_path / "MAP.toml"))
    footer = footer_table(period, data)
    rows = dict(zip(footer["item"], footer["value"], strict=True))
    assert rows["encoding 2018-09.csv"] == "utf-8 (detected, confidence 1.00)"


def test_bytes_no_encoding_reads_cleanly_are_refused(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    # 3,000 random bytes (fixed seed), no comma or line break: every reading is "chaos".
    noise = random.Random(0).randbytes(3000).replace(b"\n", b"").replace(b",", b"")
    body = noise.replace(b"\r", b"").replace(b'"', b"")
    (folder / "2018-09.csv").write_bytes(
        b"Ref,Action,Due,Status\n1," + body + b",31/08/2018,Done\n"
    )
    (problem,) = validate_register(folder, mapping(tmp_path))
    assert "cannot be decoded as utf-8 and no encoding reads it cleanly" in problem.message
    assert "files.encoding" in problem.message


# --------------------------------------------------------------------------- problem summaries


@pytest.fixture
def many_problems(tmp_path):
    """A folder with 505 problems: a header-only file, a truncated workbook, 500 bad dates.

    2018-07.csv: header only -> 1 (no_records).
    2018-08.xlsx: a workbook cut in half -> 1 (unreadable).
    2018-09.csv: 500 records whose Due is "soon" -> 500 (bad_date); the first three
    statuses "Parked" -> 3 (unknown_status).
    """
    folder = tmp_path / "register"
    write(folder, "2018-07.csv", [ACCENTED[0]], "utf-8")
    workbook = Workbook()
    workbook.active.append(ACCENTED[0])
    workbook.active.append(["1", "Publish", "31/08/2018", "Done"])
    workbook.save(folder / "2018-08.xlsx")
    data = (folder / "2018-08.xlsx").read_bytes()
    (folder / "2018-08.xlsx").write_bytes(data[: len(data) // 2])
    rows = [ACCENTED[0]] + [
        [str(n), f"Action {n}", "soon", "Parked" if n <= 3 else "Done"] for n in range(1, 501)
    ]
    write(folder, "2018-09.csv", rows, "utf-8")
    return folder, mapping(tmp_path)


def test_validate_prints_a_short_summary_by_file_and_kind(many_problems, capsys):
    folder, map_path = many_problems
    assert cli.main(["validate", str(folder), "--mapping", str(map_path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    # 1 count line; per file 1 line; per kind 1 line + up to 2 examples (+ "… and N
    # more" when there are more than 2); 1 closing line:
    # 1 + (1 + 1 + 1) + (1 + 1 + 1) + (1 + [1 + 2 + 1] + [1 + 2 + 1]) + 1 = 17.
    assert len(lines) == 17, "\n".join(lines)
    assert lines[0] == "505 problems in 3 files (a summary):"
    assert lines[1:4] == [
        "2018-07.csv: 1 problem",
        "  no_records: 1",
        "    the file: there are no records after the header row",
    ]
    assert lines[4:6] == ["2018-08.xlsx: 1 problem", "  unreadable: 1"]
    assert lines[6].startswith("    the file: not a readable Excel workbook")
    assert lines[7:10] == [
        "2018-09.csv: 503 problems",
        "  bad_date: 500",
        "    row 2, column Due (cell C2): not a date in the format dd/mm/yyyy: 'soon'",
    ]
    assert (
        lines[10] == "    row 3, column Due (cell C3): not a date in the format dd/mm/yyyy: 'soon'"
    )
    assert lines[11] == "    … and 498 more"
    assert lines[12] == "  unknown_status: 3"
    assert lines[13].startswith("    row 2, column Status (cell D2): unknown status 'Parked'")
    assert lines[15] == "    … and 1 more"
    assert "--all" in lines[16] and "--csv" in lines[16]


def test_validate_all_lists_every_problem_and_csv_round_trips(many_problems, capsys, tmp_path):
    folder, map_path = many_problems
    out = tmp_path / "problems.csv"
    args = ["validate", str(folder), "--mapping", str(map_path), "--all", "--csv", str(out)]
    assert cli.main(args) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "505 problems:"
    listed = [line for line in lines if line.startswith("  ")]
    assert len(listed) == 505
    assert sum("(cell C" in line and "'soon'" in line for line in listed) == 500
    with out.open(encoding="utf-8", newline="") as handle:
        records = list(csv.DictReader(handle))
    assert list(records[0]) == ["file", "row", "column", "cell", "kind", "message"]
    assert len(records) == 505
    kinds = {}
    for record in records:
        kinds[record["kind"]] = kinds.get(record["kind"], 0) + 1
    assert kinds == {"no_records": 1, "unreadable": 1, "bad_date": 500, "unknown_status": 3}
    first_date = next(r for r in records if r["kind"] == "bad_date")
    assert (first_date["file"], first_date["row"], first_date["column"], first_date["cell"]) == (
        "2018-09.csv",
        "2",
        "Due",
        "C2",
    )
    # The CSV reads back as the same problems.
    assert read_problems_csv(out) == validate_register(folder, map_path)


def test_register_error_message_is_the_summary(many_problems):
    folder, map_path = many_problems
    with pytest.raises(RegisterError) as caught:
        load_register(folder, map_path)
    assert len(caught.value.problems) == 505
    lines = str(caught.value).splitlines()
    assert len(lines) == 17  # as counted in the test above
    assert lines[0] == "505 problems in 3 files (a summary):"
    assert "kerslake validate" in lines[-1] and "--all" in lines[-1]


def test_every_register_problem_has_a_kind(many_problems):
    folder, map_path = many_problems
    assert all(p.kind for p in validate_register(folder, map_path))
    bad_map = map_path.parent / "BAD.toml"
    bad_map.write_text('name = "demo"\n[columns]\nid = "Ref"\n', encoding="utf-8")
    assert {p.kind for p in validate_register(folder, bad_map)} == {"mapping"}


# --------------------------------------------------------------------------- Excel as kept


XLSX_MAPPING = """
name = "demo"

[files]
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Action"
due_end = "Due"
status = "Status"

[status.values]
"Done" = "Complete"

[status.colours]
"FF0000" = "In progress - completion slipped"   # red
"#00b050" = "Complete"                          # Excel's standard green, written with '#'
"""


def solid(rgb: str | None = None, **colour) -> PatternFill:
    """A solid fill of an RGB colour, or of an indexed or theme colour (``colour``)."""
    fg = Color(rgb=rgb) if rgb else Color(**colour)
    return PatternFill(fill_type="solid", fgColor=fg)


def test_status_read_from_the_fill_colour_of_blank_cells(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    workbook = Workbook()
    sheet = workbook.active
    for row in [
        ["Ref", "Action", "Due", "Status"],
        ["1", "Publish the plan", "31/07/2018", None],  # D2 red
        ["2", "Hire auditors", "31/07/2018", None],  # D3 green
        ["3", "Train members", "31/07/2018", "Done"],  # D4 text (and a red fill): text wins
        ["4", "Review scrutiny", "31/07/2018", None],  # D5 indexed 10 = Excel's red FF0000
        ["5", "Appoint a chair", "31/07/2018", None],  # D6 no fill: blank status
    ]:
        sheet.append(row)
    sheet["D2"].fill = solid("FFFF0000")
    sheet["D3"].fill = solid("FF00B050")
    sheet["D4"].fill = solid("FFFF0000")
    sheet["D5"].fill = solid(indexed=10)
    workbook.save(folder / "2018-08.xlsx")
    register = load_register(folder, mapping(tmp_path, XLSX_MAPPING))
    obs = register.observations.set_index("commitment_id")
    assert obs["status_reported"].astype(object).where(
        obs["status_reported"].notna(), None
    ).to_dict() == {
        "1": "In progress – completion slipped",  # the key's status, with its en dash
        "2": "Complete",
        "3": "Complete",
        "4": "In progress – completion slipped",
        "5": None,
    }
    assert obs.loc["1", "status_raw"] == "fill FF0000"
    assert obs.loc["3", "status_raw"] == "Done"
    assert obs.loc["5", "state"] == "unknown"


def test_unlisted_and_theme_fill_colours_are_problems_naming_the_cell(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ref", "Action", "Due", "Status"])
    sheet.append(["1", "Publish the plan", "31/07/2018", None])  # D2 orange: not listed
    sheet.append(["2", "Hire auditors", "31/07/2018", None])  # D3 theme colour 5
    sheet["D2"].fill = solid("FFFFC000")
    sheet["D3"].fill = solid(theme=5, tint=0.4)
    workbook.save(folder / "2018-08.xlsx")
    problems = validate_register(folder, mapping(tmp_path, XLSX_MAPPING))
    assert [(p.row, p.column, p.cell, p.kind) for p in problems] == [
        (2, "Status", "D2", "unknown_colour"),
        (3, "Status", "D3", "unreadable_colour"),
    ]
    assert "colour FFC000" in problems[0].message and "[status.colours]" in problems[0].message
    assert "a theme colour (theme 5, tint 0.4)" in problems[1].message


def test_rating_read_from_fill_colour(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ref", "Action", "RAG"])
    sheet.append(["1", "Publish the plan", None])  # C2 amber fill
    sheet.append(["2", "Hire auditors", "Green"])
    sheet["C2"].fill = solid("FFFFC000")
    workbook.save(folder / "2018-08.xlsx")
    text = (
        'name = "demo"\n[columns]\nid = "Ref"\ntext = "Action"\n'
        '[rating.columns]\nrag = "RAG"\n[rating.colours]\n"FFC000" = "Amber"\n'
    )
    register = load_register(folder, mapping(tmp_path, text))
    assert register.observations["rating_rag"].astype(str).tolist() == ["Amber", "Green"]


def test_title_block_above_the_header_is_found_and_noticed(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Corporate Governance Improvement Plan: tracker"])  # row 1, merged A1:D1
    sheet.append(["As at 31 August 2018"])  # row 2
    sheet.append([])  # row 3
    sheet.append(["Ref", "Action", "Due", "Status"])  # row 4: the header
    sheet.append(["1", "Publish the plan", "31/07/2018", "Done"])  # row 5
    sheet.merge_cells("A1:D1")
    workbook.save(folder / "2018-08.xlsx")
    problems, notices = check_register(folder, mapping(tmp_path, XLSX_MAPPING))
    assert problems == []
    assert [(n.file, n.row, n.kind) for n in notices] == [("2018-08.xlsx", 4, "header_found")]
    assert "row 4" in notices[0].message
    register = load_register(folder, mapping(tmp_path, XLSX_MAPPING))
    assert register.observations["source_line"].tolist() == [5]
    assert register.notices == tuple(notices)


def test_no_row_holding_the_mapped_names_is_a_clear_problem(tmp_path):
    folder = tmp_path / "register"
    write(folder, "2018-08.csv", [["Title"], ["Number", "Task"], ["1", "Publish"]], "utf-8")
    (problem,) = validate_register(folder, mapping(tmp_path))
    assert problem.kind == "no_header"
    assert "no row among the first 30 holds any of the mapped column names" in problem.message
    assert "files.header_row" in problem.message


def test_find_header_row_without_a_mapping():
    rows = [["Tracker"], ["As at 2018-09-30"], ["Ref", "Action", "Due"], ["1", "Do", "2018-09-30"]]
    assert find_header_row(rows) == 2  # the third row, by hand
    assert find_header_row([["1", "2"], ["3", "4"]]) is None  # numbers are no header


MULTI_MAPPING = """
name = "demo"

[files]
header_row = 1
header_rows = 2
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Action"
due_start = "Project - Start"
due_end = "Project - End Date"
"""


def two_row_header(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ref", "Action", "Project", None])  # C1:D1 merged "Project"
    sheet.append([None, None, "Start", "End Date"])  # A1:A2 and B1:B2 merged
    sheet.append(["1", "Publish the plan", "01/07/2018", "31/07/2018"])
    for cells in ("C1:D1", "A1:A2", "B1:B2"):
        sheet.merge_cells(cells)
    workbook.save(path)


def test_two_header_rows_with_merged_cells_are_joined(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    two_row_header(folder / "2018-08.xlsx")
    register = load_register(folder, mapping(tmp_path, MULTI_MAPPING))
    commitment = register.commitments.iloc[0]
    assert str(commitment["due_start"].date()) == "2018-07-01"
    assert str(commitment["due_end"].date()) == "2018-07-31"
    assert register.observations["source_line"].tolist() == [3]


def test_merged_header_cells_are_still_refused_with_one_header_row(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    two_row_header(folder / "2018-08.xlsx")
    text = MULTI_MAPPING.replace("header_rows = 2\n", "")
    problems = validate_register(folder, mapping(tmp_path, text))
    merged = [p for p in problems if p.kind == "merged_cells"]
    assert {p.message.split(": each")[0] for p in merged} == {
        "merged header cells A1:A2",
        "merged header cells B1:B2",
        "merged header cells C1:D1",
    }


def hidden_workbook(path: Path) -> None:
    workbook = Workbook()
    old = workbook.active
    old.title = "Old"  # the first sheet, hidden
    old.append(["Ref", "Action"])
    old.append(["9", "An old action"])
    old.sheet_state = "hidden"
    sheet = workbook.create_sheet("Tracker")
    sheet.append(["Ref", "Action", "Due", "Status", "Notes"])
    sheet.append(["1", "Publish the plan", "31/07/2018", "Done", "x"])  # row 2
    sheet.append(["2", "Hire auditors", "31/07/2018", "Done", "y"])  # row 3, hidden
    sheet.append(["3", "Train members", "31/07/2018", "Done", "z"])  # row 4
    sheet.row_dimensions[3].hidden = True
    sheet.column_dimensions["E"].hidden = True
    workbook.save(path)


def test_hidden_rows_columns_and_sheets_are_read_with_notices_by_default(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    hidden_workbook(folder / "2018-08.xlsx")
    text = XLSX_MAPPING.replace("[files]", '[files]\nsheet = "Tracker"')
    problems, notices = check_register(folder, mapping(tmp_path, text))
    assert problems == []
    by_kind = {n.kind: n.message for n in notices}
    assert set(by_kind) == {"hidden_sheet", "hidden_rows", "hidden_columns"}
    assert by_kind["hidden_sheet"] == "the workbook has hidden worksheets, not read: 'Old'"
    assert by_kind["hidden_rows"].startswith("1 rows holding values are hidden in Excel (3)")
    assert "they were read" in by_kind["hidden_rows"]
    assert by_kind["hidden_columns"].startswith("1 columns holding values are hidden in Excel (E)")
    register = load_register(folder, mapping(tmp_path, text))
    assert register.commitments["commitment_id"].tolist() == ["1", "2", "3"]


def test_hidden_skip_leaves_hidden_rows_out_and_reads_the_first_visible_sheet(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    hidden_workbook(folder / "2018-08.xlsx")
    text = XLSX_MAPPING.replace("[files]", '[files]\nhidden = "skip"')
    problems, notices = check_register(folder, mapping(tmp_path, text))
    assert problems == []
    assert "they were left out" in {n.kind: n.message for n in notices}["hidden_rows"]
    register = load_register(folder, mapping(tmp_path, text))
    # "Old" (hidden, first) is not read; row 3 (hidden) is left out.
    assert register.commitments["commitment_id"].tolist() == ["1", "3"]


def test_a_hidden_first_sheet_is_read_by_default_and_noticed(tmp_path):
    folder = tmp_path / "register"
    folder.mkdir()
    hidden_workbook(folder / "2018-08.xlsx")
    text = 'name = "demo"\n[columns]\nid = "Ref"\ntext = "Action"\n'
    problems, notices = check_register(folder, mapping(tmp_path, text))
    assert problems == []
    assert [n.message for n in notices if n.kind == "hidden_sheet"] == [
        "the worksheet 'Old' is hidden in Excel; it was read"
    ]


def test_validate_lists_notices(tmp_path, capsys):
    folder = tmp_path / "register"
    folder.mkdir()
    hidden_workbook(folder / "2018-08.xlsx")
    text = XLSX_MAPPING.replace("[files]", '[files]\nsheet = "Tracker"')
    assert cli.main(["validate", str(folder), "--mapping", str(mapping(tmp_path, text))]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "3 notices (read, but you should know):"
    assert len([line for line in out if line.startswith("  2018-08.xlsx: ")]) == 3


# --------------------------------------------------------------------------- two readers


def varied_workbook(path: Path) -> None:
    """A workbook with text, numbers, real dates, a formula error, a merge, hidden parts."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Tracker"])  # A1:C1 merged title
    sheet.append(["Ref", "Action", "Due", "Cost"])
    sheet.append(["1.1", "Publish", dt.datetime(2018, 9, 30), 12.0])
    sheet.append(["1.2", "Hire", dt.datetime(2018, 10, 31, 9, 30), 7.5])  # row 4, hidden
    sheet.append(["1.3", "Train", None, "#REF!"])
    sheet["D5"].data_type = "e"  # an error cell, as Excel writes it
    sheet.merge_cells("A1:C1")
    sheet.row_dimensions[4].hidden = True
    sheet.column_dimensions["D"].hidden = True
    workbook.save(path)


def test_calamine_and_openpyxl_read_the_same_sheet(tmp_path, monkeypatch):
    varied_workbook(tmp_path / "2018-09.xlsx")
    read = {}
    for calamine in (True, False):
        monkeypatch.setattr(sheets, "USE_CALAMINE", calamine)
        sheet, problems = sheets.read_sheet(tmp_path / "2018-09.xlsx")
        assert problems == []
        read[calamine] = sheet
    fast, slow = read[True], read[False]
    for name in ("cells", "native_dates", "errors", "merged", "hidden_rows", "hidden_cols"):
        assert getattr(fast, name) == getattr(slow, name), name
    # And what both read, by hand from the rows written above:
    assert fast.cells[2] == ["1.1", "Publish", "2018-09-30", "12"]
    assert fast.cells[3] == ["1.2", "Hire", "2018-10-31 09:30:00", "7.5"]
    assert fast.cells[4][3] == "#REF!"
    assert fast.errors == {(4, 3)}
    assert fast.native_dates == {(2, 2), (3, 2)}
    assert fast.merged == [(0, 0, 0, 2)]
    assert (fast.hidden_rows, fast.hidden_cols) == ({3}, {3})


def test_limits_are_checked_before_calamine_loads_anything(tmp_path, monkeypatch):
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("calamine was asked to load a file over the limits")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Ref", "Action"])
    for n in range(1, 61):  # 60 records x 2 = 120 values + 2 header cells = 122
        sheet.append([str(n), f"Action {n}"])
    workbook.save(tmp_path / "2018-09.xlsx")
    # Its declared size, 61 rows x 2 columns = 122 cells, is refused unread.
    _, problems = sheets.read_sheet(tmp_path / "2018-09.xlsx", limits=sheets.Limits(cells=100))
    assert [(p.row, p.kind) for p in problems] == [(None, "too_large")]
    assert "the sheet declares its size as A1:B61, 122 cells" in problems[0].message
    # A dimension that lies (A1:B2) is caught while the raw XML is counted.
    lying = tmp_path / "lying" / "2018-09.xlsx"
    lying.parent.mkdir()
    with (
        zipfile.ZipFile(tmp_path / "2018-09.xlsx") as source,
        zipfile.ZipFile(lying, "w") as target,
    ):
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:B61"' in data
                data = data.replace(b'<dimension ref="A1:B61"', b'<dimension ref="A1:B2"')
            target.writestr(item, data)
    sheet_read, problems = sheets.read_sheet(lying, limits=sheets.Limits(cells=100))
    assert sheet_read is None
    # The 101st value is A51 (row 1 holds values 1-2, row n values 2n-1 and 2n).
    assert [(p.row, p.kind) for p in problems] == [(51, "too_large")]
    assert "more than 100 cells" in problems[0].message
    _, problems = sheets.read_sheet(lying, limits=sheets.Limits(records=10))
    assert [(p.row, p.kind) for p in problems] == [(None, "too_large")]
    assert "more than 10 records" in problems[0].message


def test_the_xlsx_read_benchmark_runs_and_finds_the_grids_equal():
    script = paths.PROJ_ROOT / "benchmarks" / "bench_xlsx_read.py"
    done = subprocess.run(
        [sys.executable, str(script), "--rows", "300", "--columns", "8", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(paths.PROJ_ROOT / "src")},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("workbook: 300 records x 8 columns")
    assert len(lines) == 4 and all(line.endswith("same cells") for line in lines[1:])
    assert lines[3].startswith("python-calamine")


def test_manifest_records_each_csv_encoding(tmp_path):
    import json
    from types import SimpleNamespace

    from kerslake_analysis.report.manifest import write_manifest

    folder = tmp_path / "register"
    write(folder, "2018-08.csv", ACCENTED, "utf-8")
    write(folder, "2018-09.csv", ACCENTED, "cp1252")
    text = MAPPING + '\n[[override]]\nfiles = "2018-09.csv"\nencoding = "cp1252"\n'
    map_path = mapping(tmp_path, text)
    period = ReportPeriod("demo", "2018-09", str(folder), str(map_path))
    out = tmp_path / "reports"
    out.mkdir()
    failed = SimpleNamespace(ok=False, error="not rendered in this test", html_path=None)
    manifest = json.loads(write_manifest([failed], [period], out).read_text())
    assert manifest["input_encodings"] == {
        (folder / "2018-08.csv").as_posix(): {
            "encoding": "utf-8",
            "confidence": 1.0,
            "set_in_mapping": False,
        },
        (folder / "2018-09.csv").as_posix(): {
            "encoding": "cp1252",
            "confidence": None,
            "set_in_mapping": True,
        },
    }


def test_calamine_is_not_used_when_memory_is_short(tmp_path, monkeypatch):
    # Out of memory, calamine panics and hangs; openpyxl raises MemoryError (one problem).
    import python_calamine

    def refuse(*args, **kwargs):
        raise AssertionError("calamine used with too little memory")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    monkeypatch.setattr(sheets, "_memory_headroom", lambda: 1_000.0)  # 1 kB left
    varied_workbook(tmp_path / "2018-09.xlsx")
    sheet, problems = sheets.read_sheet(tmp_path / "2018-09.xlsx")
    assert problems == []
    assert sheet.cells[2] == ["1.1", "Publish", "2018-09-30", "12"]
