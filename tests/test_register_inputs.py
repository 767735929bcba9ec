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

from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.register import load_register, validate_register
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
