"""Tests of reading trackers as councils keep them: encodings, Excel layouts, problem summaries.

Every input is made here (CSV bytes in a named encoding, XLSX workbooks with openpyxl);
expected values are read off the rows written here or counted by hand in comments.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from kerslake_analysis import cli
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.problems import read_problems_csv
from kerslake_analysis.ingest.register import RegisterError, load_register, validate_register
from kerslake_analysis.ingest.register.encoding import detect_encoding
from kerslake_analysis.report import content

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
    data = content.register_plan(folder, pinned)
    footer = content.footer_table(ReportPeriod("demo", "2018-09", str(folder), str(pinned)), data)
    rows = dict(zip(footer["item"], footer["value"], strict=True))
    assert rows["encoding 2018-09.csv"] == "cp1252 (set in the mapping)"


def test_a_detected_encoding_is_recorded_in_the_footer(tmp_path):
    folder = tmp_path / "register"
    write(folder, "2018-09.csv", ACCENTED, "utf-8")
    data = content.register_plan(folder, mapping(tmp_path))
    period = ReportPeriod("demo", "2018-09", str(folder), str(tmp_path / "MAP.toml"))
    footer = content.footer_table(period, data)
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
