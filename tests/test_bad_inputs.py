"""The bad-input corpus (tests/data/bad/): every defect gives a clear error, nothing is damaged.

Each register case is a folder of snapshot files with one defect, read with
``tests/data/bad/registers/mapping.toml``; each curated case is one curated table (its
header and first records) with one defect, put in place of the real file in a copy of
``data/curated/``. The expected file, row, column and message of every case are written
below from how the case was made (``tests/data/bad/make_corpus.py``, which lists the
changed cell of each one). Very large files are written by the tests into ``tmp_path``.

For every case the command a user runs fails with that message, and the reports folder
— a good report rendered first, and the index — is byte-for-byte what it was.
"""

from __future__ import annotations

import json
import shutil
import string
import sys
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kerslake_analysis import cli
from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.register import (
    Problem,
    RegisterError,
    load_register,
    validate_register,
)
from kerslake_analysis.ingest.timescales import TimescaleError, TimescaleErrors, parse_timescales
from kerslake_analysis.report import pages

BAD = paths.PROJ_ROOT / "tests" / "data" / "bad"
REGISTERS = BAD / "registers"
MAPPING = REGISTERS / "mapping.toml"
CURATED_CASES_DIR = BAD / "curated"
SMALL = paths.PROJ_ROOT / "tests" / "data" / "registers" / "small"

# (case, [(file, row, column, cell, start of the message), ...]) — from make_corpus.py.
REGISTER_CASES = [
    (
        "missing_column",  # header "Due" renamed "Deadline"
        [("2018-08.csv", 1, "Due", None, "column missing from the header row (mapped to due_end)")],
    ),
    (
        "unknown_status",  # F3 "Parked"
        [("2018-08.csv", 3, "Status", "F3", "unknown status 'Parked': add it to [status.values]")],
    ),
    (
        "unparseable_date",  # E2 "end of summer"
        [("2018-08.csv", 2, "Due", "E2", "not a date in the format dd/mm/yyyy: 'end of summer'")],
    ),
    (
        "impossible_date",  # E3 "31/09/2018": September has 30 days
        [("2018-08.csv", 3, "Due", "E3", "impossible date '31/09/2018': there is no such day")],
    ),
    (
        "implausible_year",  # D4 "01/06/2108"
        [("2018-08.csv", 4, "Start", "D4", "implausible date '01/06/2108': the year is not")],
    ),
    (
        "end_before_start",  # D3 start 01/10/2018 after the due date 30/09/2018
        [
            (
                "2018-08.csv",
                3,
                "Due",
                "E3",
                "the end date 2018-09-30 is before the start date 2018-10-01",
            )
        ],
    ),
    (
        "completion_before_start",  # G4 completed 20/05/2018, started 01/06/2018
        [
            (
                "2018-08.csv",
                4,
                "Completed",
                "G4",
                "the completion date 2018-05-20 is before the start date 2018-06-01",
            )
        ],
    ),
    (
        "completion_after_snapshot",  # G4 03/09/2018 in the August snapshot (31 Aug)
        [
            (
                "2018-08.csv",
                4,
                "Completed",
                "G4",
                "the completion date 2018-09-03 is after the snapshot date 2018-08-31",
            )
        ],
    ),
    (
        "duplicate_ids",  # A4 "1.1" as in A2
        [
            ("2018-08.csv", 2, "Ref", "A2", "duplicate ID '1.1' in this snapshot (rows 2, 4)"),
            ("2018-08.csv", 4, "Ref", "A4", "duplicate ID '1.1' in this snapshot (rows 2, 4)"),
        ],
    ),
    ("empty_id", [("2018-08.csv", 3, "Ref", "A3", "the ID is empty")]),  # A3 two spaces
    ("empty_text", [("2018-08.csv", 2, "Action", "B2", "the text is empty")]),
    ("empty_file", [("2018-08.csv", None, None, None, "the file is empty")]),  # 0 bytes
    ("header_only", [("2018-08.csv", None, None, None, "there are no records after the header")]),
    (
        "wrong_encoding",  # B3 "Hire auditors – external" in Windows-1252: the dash is 0x96
        [("2018-08.csv", 3, "Action", "B3", "byte 0x96 cannot be decoded as utf-8")],
    ),
    (
        "formula_error_csv",  # E2 "#N/A" exported from a spreadsheet
        [("2018-08.csv", 2, "Due", "E2", "formula error '#N/A' in the cell")],
    ),
    (
        "formula_errors",  # XLSX, C3 an error cell #REF!
        [("2018-08.xlsx", 3, "Lead", "C3", "formula error '#REF!' in the cell")],
    ),
    (
        "merged_header",  # XLSX, E1:F1 merged: the "Status" header is hidden under "Due"
        [
            ("2018-08.xlsx", 1, "Due", None, "merged header cells E1:F1: each column needs"),
            ("2018-08.xlsx", 1, "Status", None, "column missing from the header row"),
        ],
    ),
    (
        "merged_cells",  # XLSX, C2:C3 merged: C3 reads as empty
        [("2018-08.xlsx", 2, "Lead", None, "merged cells C2:C3: only the first cell")],
    ),
    (
        "corrupt_workbook",  # .xlsx bytes that are not a zip archive
        [("2018-08.xlsx", None, None, None, "not a readable Excel workbook")],
    ),
    (
        "old_excel",  # a .xls file only
        [
            ("2018-08.xls", None, None, None, "Excel 97-2003 .xls files are not supported"),
            ("old_excel", None, None, None, "no snapshot files matching"),
        ],
    ),
    (
        "value_beyond_header",  # I3 "stray note" right of the last header (H)
        [("2018-08.csv", 3, None, "I3", "a value beyond the last header column: 'stray note'")],
    ),
    (
        "ambiguous_column",  # "Status" in F1 and I1
        [("2018-08.csv", 1, "Status", None, "2 columns match (F1, I1) (mapped to status)")],
    ),
    (
        "no_period_in_name",  # tracker.csv
        [("tracker.csv", None, None, None, "no period (YYYY-MM) in the file name")],
    ),
    (
        "two_files_one_period",  # 2018-08.csv and "2018_08 v2.csv"
        [
            ("2018-08.csv", None, None, None, "2 files are for period 2018-08"),
            ("2018_08 v2.csv", None, None, None, "2 files are for period 2018-08"),
        ],
    ),
    # ---- issue 14: input made to escape, exhaust or mislead the reader
    (
        "unterminated_quote",  # B3 opens a quote that is never closed
        [("2018-08.csv", 3, None, None, "not well-formed CSV: unexpected end of data")],
    ),
    (
        "text_after_quote",  # B2 '"Publish" the plan': text after the closing quote
        [("2018-08.csv", 2, None, None, "not well-formed CSV: ',' expected after '\"'")],
    ),
    (
        "too_many_columns",  # 8 headers + 993 = 1,001 columns; the limit is 1,000
        [
            (
                "2018-08.csv",
                1,
                None,
                None,
                "the file has 1001 or more fields (columns), more than the limit of 1000 "
                "(files.max_columns in the mapping)",
            )
        ],
    ),
    (
        "stray_cell",  # "stray" in XFD1048576, the dimension A1:XFD1048576
        [
            (
                "2018-08.xlsx",
                None,
                None,
                None,
                "the sheet declares its size as A1:XFD1048576: the file has more than 100000 "
                "records, the limit (files.max_rows in the mapping)",
            )
        ],
    ),
    (
        "stray_cell_undeclared",  # the same cell, the dimension claiming A1:H4
        [
            (
                "2018-08.xlsx",
                None,
                None,
                None,
                "the file has more than 100000 records, the limit (files.max_rows in the mapping)",
            )
        ],
    ),
    (
        "name_escapes",  # name = "../../somewhere"
        [("mapping.toml", None, None, None, "key 'name': '../../somewhere' is not a valid name")],
    ),
    (
        "name_absolute",  # name = "/tmp/somewhere"
        [("mapping.toml", None, None, None, "key 'name': '/tmp/somewhere' is not a valid name")],
    ),
    (
        "name_with_slash",  # name = "a/b"
        [("mapping.toml", None, None, None, "key 'name': 'a/b' is not a valid name")],
    ),
    (
        "title_line_break",  # title = "Bad-input corpus\nBcc: everyone@example.org"
        [("mapping.toml", None, None, None, "key 'title': the title must be on one line")],
    ),
    (
        "deep_mapping",  # deep = [[[…]]] 5,000 levels
        [("mapping.toml", None, None, None, "not valid TOML: nested too deeply to read")],
    ),
    (
        "symlink",  # 2018-09.csv -> ../unknown_status/2018-08.csv
        [("2018-09.csv", None, None, None, "a symbolic link: not read")],
    ),
    (
        "bad_mapping",  # its mapping.toml says txt = "Action" instead of text = "Action"
        [
            ("mapping.toml", None, None, None, "missing required key 'columns.text'"),
            ("mapping.toml", None, None, None, "unknown key 'columns.txt'"),
        ],
    ),
]

# (case, table, [(row, column, start of the message), ...]) — from make_corpus.py. Rows are
# as a spreadsheet shows them: the header is row 1, the first record row 2.
CURATED_CASES = [
    ("missing_column", "commitments", [(1, "owner", "column missing")]),
    (
        "unknown_state",
        "observations",
        [(3, "state", "'done' is not one of: complete, in_progress, not_started, unknown")],
    ),
    ("unparseable_date", "commitments", [(2, "due_end", "not a date (YYYY-MM-DD): '28/02/2015'")]),
    ("impossible_date", "commitments", [(4, "due_end", "not a date (YYYY-MM-DD): '2015-02-30'")]),
    (
        "due_before_start",  # AP15-1.2: due 2015-03-01 – 2015-03-31, start moved to 1 April
        "commitments",
        [
            (
                3,
                "due_start, due_end",
                "due_start is after due_end: due_start=2015-04-01, due_end=2015-03-31",
            )
        ],
    ),
    (
        "duplicate_ids",
        "observations",
        [
            (2, "observation_id", "duplicate 'GAP16-AP15-1.22' (rows 2, 4)"),
            (4, "observation_id", "duplicate 'GAP16-AP15-1.22' (rows 2, 4)"),
        ],
    ),
    ("unknown_plan", "commitments", [(3, "plan", "'ap-2016' is not one of: ap-2015")]),
    ("not_a_number", "claims", [(2, "source_line", "not a whole number: '12a'")]),
    (
        "unknown_source",
        "snapshots",
        [(4, "source", "is not one of the five raw files: '005_0000000000000000.txt'")],
    ),
    (
        "line_break",
        "slippage_reasons",
        [(3, "reason", "must be on one line (no line breaks): 'More planning\\nneeded'")],
    ),
    (
        "ragged_row",  # a tenth field on row 3 of a nine-column table
        "status_key",
        [(3, None, "10 fields where the header has 9 columns")],
    ),
    (
        "wrong_encoding",  # "Started – late" in Windows-1252 in row 3's description
        "status_key",
        [(3, "description", "byte 0x96 is not UTF-8: the file must be saved as UTF-8")],
    ),
    (
        "unknown_commitment",
        "observations",
        [(3, "commitment_id", "no such commitment_id in commitments.csv: 'AP15-9.99'")],
    ),
    ("empty_file", "snapshots", [(None, None, "the file is empty")]),
]


def test_the_corpus_has_at_least_twenty_cases_and_each_is_checked():
    registers = {p.name for p in REGISTERS.iterdir() if p.is_dir()}
    curated = {p.name for p in CURATED_CASES_DIR.iterdir() if p.is_dir()}
    assert registers == {case for case, _ in REGISTER_CASES}
    assert curated == {case for case, _, _ in CURATED_CASES}
    assert len(registers) + len(curated) >= 20


def test_the_corpus_mapping_reads_a_good_register(tmp_path):
    # The corpus's defects are the only thing wrong: its good rows load under its mapping.
    good = tmp_path / "good"
    good.mkdir()
    text = (REGISTERS / "unknown_status" / "2018-08.csv").read_text(encoding="utf-8")
    (good / "2018-08.csv").write_text(text.replace("Parked", "Not started"), encoding="utf-8")
    register = load_register(good, MAPPING)
    assert register.commitments["commitment_id"].tolist() == ["1.1", "1.2", "2.1"]


# --------------------------------------------------------------------------- reports folder


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the reports folder (a failed run's notebook aside) and its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".failed.ipynb")
    }


@pytest.fixture(scope="module")
def good_reports(tmp_path_factory):
    """A reports folder holding good reports and their index, rendered before any bad input."""
    root = tmp_path_factory.mktemp("reports")
    small = ReportPeriod(
        "small-council", "2024-02", register=str(SMALL), mapping=str(SMALL / "mapping.toml")
    )
    results = pages.render_reports(
        [small, ReportPeriod("cgip-2018", "2018-09")], reports_root=root, progress=False, jobs=2
    )
    assert all(r.ok for r in results), [r.error for r in results]
    before = _snapshot(root)
    assert "index.html" in before and "small-council/2024-02/report.html" in before
    return root, before


def _mapping_of(case: str) -> Path:
    own = REGISTERS / case / "mapping.toml"
    return own if own.exists() else MAPPING


@pytest.mark.parametrize(("case", "expected"), REGISTER_CASES, ids=[c for c, _ in REGISTER_CASES])
def test_bad_register_gives_file_row_column_and_damages_nothing(
    case, expected, good_reports, capsys
):
    root, before = good_reports
    folder, mapping = REGISTERS / case, _mapping_of(case)

    problems = validate_register(folder, mapping)
    assert [(p.file, p.row, p.column, p.cell) for p in problems] == [e[:4] for e in expected]
    for problem, (*_, message) in zip(problems, expected, strict=True):
        assert problem.message.startswith(message), problem.message

    # kerslake validate lists each problem with its file, row, column and cell.
    assert cli.main(["validate", str(folder), "--mapping", str(mapping)]) == 1
    out = capsys.readouterr().out
    for problem in problems:
        assert str(problem) in out
        if problem.row is not None:
            assert f"{problem.file}, row {problem.row}" in out

    # kerslake report refuses the register before rendering anything, with the same list.
    status = cli.main(
        ["report", "--register", str(folder), "--mapping", str(mapping), "--out", str(root)]
    )
    err = capsys.readouterr().err
    assert status == 2
    assert "the register cannot be read" in err
    for problem in problems:
        assert str(problem) in err
    assert _snapshot(root) == before


def _curated_copy(case: str, directory: Path) -> Path:
    """A copy of data/curated/ with the case's table put in place of the real one."""
    shutil.copytree(paths.CURATED_DIR, directory)
    for bad in (CURATED_CASES_DIR / case).iterdir():
        shutil.copyfile(bad, directory / bad.name)
    return directory


@pytest.mark.parametrize(
    ("case", "table", "expected"), CURATED_CASES, ids=[c for c, _, _ in CURATED_CASES]
)
def test_bad_curated_file_gives_file_row_and_column(case, table, expected, tmp_path):
    curated = _curated_copy(case, tmp_path / "curated")
    with pytest.raises(load.CuratedDataError) as caught:
        load.load_all(curated)
    problems = caught.value.problems
    assert [(p.file, p.row, p.column) for p in problems] == [
        (f"{table}.csv", row, column) for row, column, _ in expected
    ]
    for problem, (*_, message) in zip(problems, expected, strict=True):
        assert problem.message.startswith(message), problem.message
    for problem in problems:
        assert str(problem) in str(caught.value)


@pytest.mark.parametrize("case", ["unknown_commitment", "impossible_date"])
def test_kerslake_report_refuses_bad_curated_data_and_damages_nothing(
    case, good_reports, tmp_path, monkeypatch, capsys
):
    root, before = good_reports
    monkeypatch.setattr(paths, "CURATED_DIR", _curated_copy(case, tmp_path / "curated"))
    assert cli.main(["report", "--all", "--out", str(root), "--quiet"]) == 2
    err = capsys.readouterr().err
    expected = next(e for c, _, e in CURATED_CASES if c == case)
    for row, column, message in expected:
        assert f"row {row}, column {column}: {message}" in err
    assert _snapshot(root) == before


@pytest.mark.parametrize("case", ["empty_file", "unknown_plan"])
def test_a_report_whose_curated_data_breaks_in_the_notebook_keeps_the_earlier_report(
    case, good_reports, tmp_path
):
    # The CLI checks commitments and observations only; the notebook loads the rest. A
    # failure there keeps report.failed.ipynb with the error, and changes nothing else.
    root, before = good_reports
    curated = _curated_copy(case, tmp_path / "curated")
    period = ReportPeriod("cgip-2018", "2018-09")
    result = pages.render_notebook(
        paths.PERIOD_REPORT_NOTEBOOK,
        {**period.parameters(), "curated_dir": str(curated)},
        paths.report_dir(period.plan, period.period, root),
        title=period.title,
        label="cgip-2018 2018-09",
    )
    assert not result.ok
    assert "CuratedDataError" in result.error
    failed = nbformat.read(result.notebook_path, as_version=4)
    shown = "\n".join(o.get("evalue", "") for c in failed.cells for o in c.get("outputs", []))
    table, expected = next((t, e) for c, t, e in CURATED_CASES if c == case)
    for row, column, message in expected:
        # a whole file's problem has neither row nor column: "snapshots.csv: the file is empty"
        where = ([f"row {row}"] if row is not None else []) + (
            [f"column {column}"] if column else []
        )
        assert f"{table}.csv{''.join(', ' + w for w in where)}: {message}" in shown
    assert _snapshot(root) == before
    result.notebook_path.unlink()


# --------------------------------------------------------------------------- very large files


_HEADER = "Ref,Action,Lead,Start,Due,Status,Completed,Update\n"


def _big_register(folder: Path, records: int, bad_row: int | None = None) -> Path:
    folder.mkdir()
    rows = [_HEADER]
    for i in range(records):
        due = "31/02/2019" if i + 2 == bad_row else "31/08/2018"
        rows.append(f"R{i},Action {i},Lead {i % 40},01/07/2018,{due},On track,,Update {i}\n")
    (folder / "2018-08.csv").write_text("".join(rows), encoding="utf-8")
    return folder


def test_very_large_register_with_one_bad_cell_names_that_cell(tmp_path):
    # 99,999 records (the default limit is 100,000); row 77,778 has 31 February.
    folder = _big_register(tmp_path / "big", 99_999, bad_row=77_778)
    problems = validate_register(folder, MAPPING)
    assert [(p.file, p.row, p.column, p.cell) for p in problems] == [
        ("2018-08.csv", 77_778, "Due", "E77778")
    ]
    assert problems[0].message.startswith("impossible date '31/02/2019'")


def test_register_over_the_row_limit_is_refused(tmp_path, capsys):
    folder = _big_register(tmp_path / "big", 100_001)
    assert [str(p) for p in validate_register(folder, MAPPING)] == [
        "2018-08.csv: the file has more than 100000 records, the limit "
        "(files.max_rows in the mapping); the file was not used"
    ]


def test_register_over_the_size_limit_is_refused_unread(tmp_path):
    # 51 MB of records: over the default 50 MB, refused from its size alone.
    folder = tmp_path / "huge"
    folder.mkdir()
    row = b"R,Action,Lead,01/07/2018,31/08/2018,On track,,Update\n"
    with (folder / "2018-08.csv").open("wb") as handle:
        handle.write(_HEADER.encode())
        block = row * 10_000
        while handle.tell() < 51_000_000:
            handle.write(block)
    problems = validate_register(folder, MAPPING)
    assert len(problems) == 1
    assert problems[0].file == "2018-08.csv" and problems[0].row is None
    assert problems[0].message.startswith("the file is 51.")
    assert "over the limit of 50 MB (files.max_megabytes in the mapping)" in problems[0].message


def test_very_large_curated_table_with_one_bad_cell_names_its_row(tmp_path):
    # The real observations repeated to 200,000 records with fresh IDs; one bad date.
    curated = shutil.copytree(paths.CURATED_DIR, tmp_path / "curated")
    real = load.read_csv_text(paths.CURATED_DIR / "observations.csv")
    copies = -(-200_000 // len(real))
    big = pd.concat([real] * copies, ignore_index=True).iloc[:200_000].copy()
    big["observation_id"] = [f"BIG-{i}" for i in range(len(big))]
    big.loc[123_456, "observed_on"] = "2018-09-31"  # record 123,456 -> spreadsheet row 123,458
    big.to_csv(curated / "observations.csv", index=False)
    with pytest.raises(load.CuratedDataError) as caught:
        load.load_observations(curated)
    assert [str(p) for p in caught.value.problems] == [
        "observations.csv, row 123458, column observed_on: not a date (YYYY-MM-DD): '2018-09-31'"
    ]


# --------------------------------------------------------------------------- fuzzing (item 7)
# tests/test_timescales.py fuzzes parse_timescale and tests/test_register.py the loader on
# CSV and XLSX cells, arbitrary bytes and mapping text. Added here: the column parser
# parse_timescales, and a register whose due dates are free-text timescales.

_TIMESCALE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        ["Feb-15", "Spring 15", "2016/17", "TBC", "Ongoing", "within two years", "soon", ""]
    ),
)


@settings(max_examples=150, deadline=None)
@given(values=st.lists(_TIMESCALE_TEXT, max_size=8), reference=st.none() | st.dates())
def test_fuzz_parse_timescales_returns_a_frame_or_raises_timescale_errors(values, reference):
    series = pd.Series(values, index=range(2, 2 + len(values)), dtype=object)
    try:
        frame = parse_timescales(series, reference, source="x.csv", column="timescale")
    except TimescaleErrors as error:
        assert error.problems, "the error lists the rows that failed"
        assert {p.row for p in error.problems} <= set(series.index)
        for problem in error.problems:
            assert series[problem.row] == problem.raw
        return
    except TimescaleError as error:  # only for a failure outside the column's values
        pytest.fail(f"parse_timescales raised a bare TimescaleError: {error}")
    assert list(frame.index) == list(series.index)


_TIMESCALE_MAPPING = """
name = "fuzz"
[columns]
id = "Ref"
text = "Action"
timescale = "When"
status = "Status"
[status.values]
"Done" = "Complete"
"Open" = "In progress"
"""


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["1", "2", "3", ""]) | st.text(string.printable, max_size=4),
            st.sampled_from(["Publish", "Review", ""]),
            _TIMESCALE_TEXT,
            st.sampled_from(["Done", "Open", "Parked", ""]),
        ),
        min_size=1,
        max_size=6,
    ),
    reference=st.none() | st.dates().map(lambda d: d.isoformat()),
)
def test_fuzz_register_with_timescale_text_loads_or_raises_register_error(rows, reference):
    mapping = _TIMESCALE_MAPPING
    if reference:
        mapping = f'timescale_reference = "{reference}"\n' + mapping
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "reg"
        folder.mkdir()
        frame = pd.DataFrame(rows, columns=["Ref", "Action", "When", "Status"])
        frame.to_csv(folder / "2019-03.csv", index=False)
        (Path(tmp) / "MAP.toml").write_text(mapping, encoding="utf-8")
        try:
            register = load_register(folder, Path(tmp) / "MAP.toml")
        except RegisterError as error:
            assert error.problems
            assert all(isinstance(p, Problem) and p.file for p in error.problems)
        else:
            assert len(register.commitments) == len(frame)


# --------------------------------------------------------------------------- bounded memory
# Issue 14: a 5 KB workbook took 3.8 GB, a wide CSV 2.5 GB. Each file here is checked by
# `kerslake validate` in a child process whose address space is capped (RLIMIT_AS): a
# reader that loads the whole sheet first dies of MemoryError there instead of refusing.

_MEMORY_MB = 400  # the interpreter, pandas and openpyxl need about 250 MB of address space
_SECONDS = 30  # each run takes a few seconds; the cap only stops a hang


def _validate_limited(
    folder: Path, mapping: Path = MAPPING, out: Path | None = None
) -> tuple[int, str, str, float]:
    """Run ``kerslake validate`` in a child with a memory cap and a time limit.

    With ``out``, run ``kerslake report --register folder --out out`` instead.
    """
    import os
    import resource
    import subprocess
    import sys
    import time

    cap = _MEMORY_MB * 2**20

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(paths.PROJ_ROOT / "src"), env.get("PYTHONPATH", "")])
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "kerslake_analysis.cli"]
        + (["validate", str(folder)] if out is None else ["report", "--register", str(folder)])
        + ["--mapping", str(mapping)]
        + ([] if out is None else ["--out", str(out), "--quiet"]),
        preexec_fn=limit,
        capture_output=True,
        text=True,
        timeout=_SECONDS,
        env=env,
    )
    return done.returncode, done.stdout, done.stderr, time.monotonic() - started


def _assert_refused_within_bounds(
    folder: Path, message: str, good_reports, mapping: Path = MAPPING
) -> None:
    root, before = good_reports
    status, out, err, seconds = _validate_limited(folder, mapping)
    assert status == 1, err
    assert message in out, out
    assert "Traceback" not in out + err
    assert seconds < _SECONDS
    # kerslake report refuses it the same way, in the same bounds, into the good reports.
    status, out, err, seconds = _validate_limited(folder, mapping, out=root)
    assert status == 2, err
    assert "the register cannot be read" in err and message in err, err
    assert "Traceback" not in out + err
    assert seconds < _SECONDS
    assert _snapshot(root) == before


@pytest.mark.parametrize("case", ["stray_cell", "stray_cell_undeclared", "too_many_columns"])
def test_corpus_case_is_refused_in_bounded_memory(case, good_reports):
    expected = next(e for c, e in REGISTER_CASES if c == case)[0][4]
    _assert_refused_within_bounds(REGISTERS / case, expected, good_reports)


def test_csv_with_a_million_header_columns_is_refused_in_bounded_memory(tmp_path, good_reports):
    folder = tmp_path / "wide"
    folder.mkdir()
    header = ",".join(f"c{i}" for i in range(1_000_000))  # about 6.9 MB, under 50 MB
    (folder / "2018-08.csv").write_text(header + "\n1,x\n", encoding="utf-8")
    _assert_refused_within_bounds(
        folder,
        "2018-08.csv, row 1: the file has 1000000 or more fields (columns), more than the "
        "limit of 1000 (files.max_columns in the mapping)",
        good_reports,
    )


def _make_large():
    """tests/data/bad/make_large.py, the builders of the corpus's large workbooks."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_large", BAD / "make_large.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_large = _make_large()
_workbook_from_xml = make_large.workbook_from_xml
_inline_row = make_large.inline_row


def test_workbook_with_more_rows_than_its_dimension_says_is_refused_while_streaming(
    tmp_path, good_reports
):
    # 50,000 records declared as A1:H2, under a mapping with max_rows = 1000 (to keep the
    # test short): refused at record 1,001, before the rest is read.
    folder = tmp_path / "long"
    folder.mkdir()
    mapping = tmp_path / "mapping.toml"
    text = MAPPING.read_text(encoding="utf-8")
    mapping.write_text(text.replace("[files]\n", "[files]\nmax_rows = 1000\n"), encoding="utf-8")

    def rows():
        yield _inline_row(1, HEADER_CELLS)
        for n in range(2, 50_002):
            yield _inline_row(n, [f"R{n}", "Act", "Lead", "", "", "On track", "", ""])

    _workbook_from_xml(folder / "2018-08.xlsx", rows(), "A1:H2")
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx: the file has more than 1000 records, the limit (files.max_rows in "
        "the mapping)",
        good_reports,
        mapping,
    )


def test_workbook_that_unpacks_too_large_is_refused_before_reading(tmp_path, good_reports):
    # 201 MB of spaces inside one row (compressed to well under 1 MB): the parts add up to
    # over 200 MB, the default files.max_unpacked_megabytes, so no cell is read.
    folder = tmp_path / "bomb"
    folder.mkdir()

    def rows():
        yield _inline_row(1, HEADER_CELLS)
        block = b" " * 1_000_000
        for _ in range(201):
            yield block

    _workbook_from_xml(folder / "2018-08.xlsx", rows(), "A1:H1")
    assert (folder / "2018-08.xlsx").stat().st_size < 5_000_000
    status, out, err, seconds = _validate_limited(folder)
    assert status == 1, err
    assert "2018-08.xlsx: the workbook unpacks to 201." in out
    assert "over the limit of 200 MB (files.max_unpacked_megabytes in the mapping)" in out
    assert seconds < _SECONDS


HEADER_CELLS = make_large.HEADER


# Issue 14, "a 23 MB XLSX under the size and row limits ran 150 s at 2.5 GB": the shapes
# of such a file (tests/data/bad/make_large.py), each refused early in bounded memory.
# Measured before and after in benchmarks/RESULTS.md (benchmarks/measure_xlsx_memory.py).


def _mapping_with(tmp_path: Path, setting: str) -> Path:
    """The corpus mapping with one more line under [files]."""
    mapping = tmp_path / "mapping.toml"
    text = MAPPING.read_text(encoding="utf-8").replace("[files]\n", f"[files]\n{setting}\n")
    mapping.write_text(text, encoding="utf-8")
    return mapping


def test_workbook_declaring_more_shared_strings_than_cells_is_refused_unread(
    tmp_path, good_reports
):
    # 150 MB of shared strings of 40 bytes each: 150,000,000 / 40 = 3,750,000 strings,
    # declared in <sst uniqueCount>, more than files.max_cells (2,000,000). openpyxl alone
    # read them all before the first row (50 s, 738 MiB).
    folder = tmp_path / "sst"
    folder.mkdir()
    make_large.shared_strings(folder / "2018-08.xlsx", 150)
    assert (folder / "2018-08.xlsx").stat().st_size < 50_000_000
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx: the workbook's shared-strings table declares 3750000 strings; a sheet "
        "can use at most 2000000 (files.max_cells in the mapping), so the file was not used",
        good_reports,
    )


def test_workbook_with_undeclared_shared_strings_is_refused_before_they_are_parsed(
    tmp_path, good_reports
):
    # The same 3,750,000 strings without uniqueCount: their <si> tags are counted in the
    # raw text before any is parsed (before: 44 s and 739 MiB to read them all).
    folder = tmp_path / "sst"
    folder.mkdir()
    make_large.shared_strings(folder / "2018-08.xlsx", 150, declared=False)
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx: the workbook's shared-strings table holds 3750000 strings; a sheet "
        "can use at most 2000000 (files.max_cells in the mapping), so the file was not used",
        good_reports,
    )


def test_shared_strings_are_counted_again_while_parsed(tmp_path, monkeypatch):
    # If the raw count missed them, openpyxl's parser still stops at string max_cells + 1:
    # 1 MB / 40 bytes = 25,000 strings, max_cells = 1,000. (The calamine path has no
    # parser of its own to count in; it relies on the declared and the raw counts, both
    # upper bounds, and on max_unpacked_megabytes.)
    from kerslake_analysis.ingest.register import sheets

    make_large.shared_strings(tmp_path / "2018-08.xlsx", 1, declared=False)
    monkeypatch.setattr(sheets, "_count_strings", lambda source: 0)
    monkeypatch.setattr(sheets, "USE_CALAMINE", False)
    sheet, problems = sheets.read_sheet(tmp_path / "2018-08.xlsx", limits=sheets.Limits(cells=1000))
    assert sheet is None
    assert [str(p) for p in problems] == [
        "2018-08.xlsx: the workbook's shared-strings table holds more than 1000 strings; a "
        "sheet can use at most 1000 (files.max_cells in the mapping), so the file was not used"
    ]


def test_shared_string_tags_are_counted_across_the_megabyte_reads():
    import io

    from kerslake_analysis.ingest.register.sheets import _count_strings

    # The first <si> starts 2 bytes before the first read's end (2**20): it straddles
    # it. Then a prefixed <x:si> and an empty <si/>: 3 + 1 + 1 = 5 strings.
    head = b"<sst>" + b" " * (2**20 - 2 - 5)
    body = b"<si><t>a</t></si>" * 3 + b"<x:si><x:t>b</x:t></x:si><si/></sst>"
    assert len(head) == 2**20 - 2
    assert _count_strings(io.BytesIO(head + body)) == 5
    assert _count_strings(io.BytesIO(b"<sst><sis/><s/><t>si</t></sst>")) == 0


def test_workbook_declaring_more_cells_than_the_limit_is_refused_before_reading(
    tmp_path, good_reports
):
    # 99,999 records of 30 numbers under a header: 100,000 rows x 30 columns = 3,000,000
    # cells declared (A1:AD100000), more than files.max_cells (2,000,000). Before, it was
    # read to row 66,667 (19 s) to find that out.
    folder = tmp_path / "numbers"
    folder.mkdir()
    make_large.numbers(folder / "2018-08.xlsx")
    assert (folder / "2018-08.xlsx").stat().st_size < 50_000_000
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx: the sheet declares its size as A1:AD100000, 3000000 cells: more than "
        "2000000, the limit (files.max_cells in the mapping); the file was not used",
        good_reports,
    )


def test_workbook_hiding_its_cells_behind_a_small_dimension_is_refused_while_streaming(
    tmp_path, good_reports
):
    # 20,000 records of 30 numbers declared as A1:H4 (8 x 4 = 32 cells), max_cells =
    # 300,000: after row n, 30n cells are read; 30 * 10,000 = 300,000, so row 10,001
    # passes the limit.
    folder = tmp_path / "numbers"
    folder.mkdir()
    make_large.numbers(folder / "2018-08.xlsx", records=20_000, dimension="A1:H4")
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx, row 10001: the file has more than 300000 cells, the limit "
        "(files.max_cells in the mapping)",
        good_reports,
        _mapping_with(tmp_path, "max_cells = 300000"),
    )


# A workbook within every limit is read, not refused: 99,999 records whose Action and
# Update are 500 characters each (144 MB unzipped, under 200 MB; 799,992 + 8 cells,
# under 2,000,000). Measured: 17 s and 438 MiB peak RSS for `kerslake validate`. Its
# stated bound is 600 MB of address space and 120 s; under the corpus's 400 MB it must
# fail as one line naming the file, never a traceback.
_READ_MEMORY_MB = 600
_READ_SECONDS = 120


def test_workbook_within_every_limit_is_read_in_its_bound_or_refused_in_one_line(
    tmp_path, good_reports, monkeypatch
):
    folder = tmp_path / "texts"
    folder.mkdir()
    make_large.long_texts(folder / "2018-08.xlsx", characters=500)
    assert (folder / "2018-08.xlsx").stat().st_size < 50_000_000
    monkeypatch.setattr(sys.modules[__name__], "_MEMORY_MB", _READ_MEMORY_MB)
    monkeypatch.setattr(sys.modules[__name__], "_SECONDS", _READ_SECONDS)
    status, out, err, seconds = _validate_limited(folder)
    assert (status, err) == (0, "")
    assert out.strip().endswith("no problems found")
    assert seconds < _READ_SECONDS
    # The corpus's cap, with the longer time bound (it runs out of memory after ~20 s).
    monkeypatch.setattr(sys.modules[__name__], "_MEMORY_MB", 400)
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx: the computer ran out of memory reading the file; lower files.max_cells "
        "or files.max_unpacked_megabytes in the mapping",
        good_reports,
    )


def test_workbook_with_a_huge_styles_part_is_refused_before_it_is_parsed(tmp_path, good_reports):
    # 1,000,000 cell formats: each <xf> is 83 characters and its numFmtId (164 + i % 1000)
    # has 3 digits for 836 of every 1,000 and 4 for 164, so 1,000 of them take 836 * 86 +
    # 164 * 87 = 86,164 bytes and 1,000,000 take 86.164 MB; with the 1,000 <numFmt> and
    # the rest about 86.2 MB, over the 10 MB limit. openpyxl parsed it whole: 1,072 MiB.
    folder = tmp_path / "styles"
    folder.mkdir()
    make_large.many_styles(folder / "2018-08.xlsx")
    _assert_refused_within_bounds(
        folder,
        "2018-08.xlsx: the workbook's styles (xl/styles.xml) unpack to 86.2 MB, over the limit "
        "of 10 MB (kerslake_analysis.ingest.register.sheets.MAX_STYLES_MEGABYTES)",
        good_reports,
    )


# --------------------------------------------------------------------------- writers (issue 14)


def test_out_naming_a_file_is_a_one_line_error(tmp_path, capsys):
    target = tmp_path / "not-a-folder"
    target.write_bytes(b"keep me")
    args = ["report", "--plan", "cgip-2018", "--period", "2018-09", "--out", str(target)]
    assert cli.main([*args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"kerslake report: --out {target}: it is a file, not a folder; give a folder for the "
        "reports\n"
    )
    assert target.read_bytes() == b"keep me"


@pytest.mark.parametrize("name", ["index.html", "manifest.json"])
def test_files_in_out_the_tool_did_not_write_are_kept(name, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / name).write_text("someone else's file\n", encoding="utf-8")
    args = ["report", "--plan", "cgip-2018", "--period", "2018-09", "--out", str(out)]
    assert cli.main([*args, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{name} there was not written by kerslake-analysis" in err
    assert err.count("\n") == 1
    assert [p.name for p in out.iterdir()] == [name]
    assert (out / name).read_text(encoding="utf-8") == "someone else's file\n"


def test_the_tool_rewrites_its_own_index_and_manifest(good_reports):
    # The good reports' folder holds an index.html and a manifest written by this tool:
    # check_reports_root accepts it (its own files are rewritten by every run).
    root, _ = good_reports
    pages.check_reports_root(root)


@pytest.mark.parametrize("plan", ["../../somewhere", "/tmp/somewhere", "a/b", "..", ""])
def test_render_reports_refuses_a_plan_that_is_not_a_slug_before_rendering(plan, tmp_path):
    out = tmp_path / "out"
    period = ReportPeriod(plan, "2018-09")
    with pytest.raises(pages.ReportError, match="is not a slug"):
        pages.render_reports([period], reports_root=out, progress=False)
    assert not out.exists() or not any(out.iterdir())
    assert not (tmp_path / "somewhere").exists()


def test_writer_refuses_a_path_outside_its_root_even_through_a_symbolic_link(tmp_path):
    root, outside = tmp_path / "out", tmp_path / "outside"
    root.mkdir()
    outside.mkdir()
    (root / "link").symlink_to(outside)
    for target in (root / ".." / "escaped.html", root / "link" / "index.html"):
        with pytest.raises(pages.ReportError, match="outside the reports folder"):
            pages.write_inside(root, target, "x")
    assert list(outside.iterdir()) == [] and not (tmp_path / "escaped.html").exists()
    pages.write_inside(root, root / "plan" / "2018-09" / "ok.html", "x")
    assert (root / "plan" / "2018-09" / "ok.html").read_text() == "x"


# --------------------------------------------------------------------------- formulas (issue 14)


def test_exported_text_is_never_a_formula_and_round_trips(tmp_path):
    import io
    import zipfile

    from openpyxl import load_workbook

    from kerslake_analysis.ingest import tracker_export
    from kerslake_analysis.ingest.register.sheets import read_sheet

    # One text for each leading character OWASP lists (=, +, -, @, tab; a carriage return
    # cannot be in the export: curated texts are one line, and XML reads it back as a line
    # feed), and plain text that must be left as it is.
    texts = [
        '=HYPERLINK("http://example.org","x")',
        "+44 121 303 1111",
        "-1",
        "@SUM(A1:A2)",
        "\tindented",
        "plain",
    ]
    frame = pd.DataFrame({"Action": texts, "=Header": ["x"] * len(texts)})
    data = tracker_export._workbook_bytes(frame, "Tracker")
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml  # no cell holds a formula
    book = load_workbook(io.BytesIO(data))
    cells = list(book["Tracker"].iter_rows(values_only=False))
    assert [c.data_type for row in cells for c in row] == ["s"] * (2 * (len(texts) + 1))
    prefixed = [c.value for row in cells for c in row if c.quotePrefix]
    assert sorted(prefixed) == sorted([*texts[:5], "=Header"])  # quote prefix: shown as text
    # Read back with the register reader: the same texts, in the same places.
    (tmp_path / "2018-08.xlsx").write_bytes(data)
    sheet, problems = read_sheet(tmp_path / "2018-08.xlsx")
    assert problems == []
    assert sheet.cells == [["Action", "=Header"], *([t, "x"] for t in texts)]


# --------------------------------------------------------------------------- panel and mail


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "not valid TOML: nested too deeply to read"),
        ("# " + "x" * 1_000_001 + "\n", "over the limit of 1000000 bytes"),
        (b"name = '\xff'\n", "cannot read the panel file as UTF-8 text"),
    ],
    ids=["deep", "large", "not-utf8"],
)
def test_panel_file_problems_are_one_clear_error(text, message, tmp_path):
    from kerslake_analysis.deliver import panel

    path = tmp_path / "panel.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(panel.ConfigError) as caught:
        panel.load_panel(path)
    assert str(caught.value).startswith(str(path))
    assert message in str(caught.value)


# --------------------------------------------------------------------------- structural fuzzing
# Malformed structure, not only malformed values: quotes, separators and line ends in any
# order; ragged rows; truncated and spliced workbook XML. The readers return a sheet or
# problems naming the file — never raise, never turn a broken file into a short one.

_CSV_PIECES = st.sampled_from([",", '"', "\n", "\r\n", "\r", "a", "b c", "", ";", "\x00", "é"])


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(_CSV_PIECES, max_size=40))
def test_fuzz_csv_reader_structure(pieces):
    from kerslake_analysis.ingest.register.sheets import read_sheet

    text = "".join(pieces)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2018-08.csv"
        path.write_text(text, encoding="utf-8", newline="")
        sheet, problems = read_sheet(path)
    if sheet is None:
        assert problems and all(p.file == "2018-08.csv" for p in problems)
        lines = len(text.splitlines()) or 1
        assert all(p.row is None or 1 <= p.row <= lines + 1 for p in problems)
        return
    assert problems == []


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(string.ascii_letters + ' ,"\n', max_size=6), max_size=6), max_size=6
    )
)
def test_fuzz_csv_round_trip_of_any_table(rows):
    # Whatever the cells hold, a file written by a CSV writer reads back cell for cell.
    import csv
    import io

    from kerslake_analysis.ingest.register.sheets import read_sheet

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2018-08.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        sheet, problems = read_sheet(path)
    if not buffer.getvalue().strip():
        assert sheet is None and problems[0].message == "the file is empty"
        return
    assert problems == []
    # csv.writer writes an empty row as an empty line, which reads back as []; a row of
    # one empty cell is written '""' and reads back as [''].
    assert sheet.cells == [list(r) for r in rows]


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.lists(st.text(string.ascii_letters + ' ,"\n', max_size=6), min_size=1, max_size=4),
        min_size=1,
        max_size=6,
    ),
    tail=st.text(string.ascii_letters + " ,\n", max_size=20),
)
def test_fuzz_csv_quote_never_closed_is_refused_at_its_record(rows, tail):
    # Good records, then one whose field opens a quote that is never closed: the reader
    # refuses the file at that record (issue 14: it became one long cell and a short report).
    import csv
    import io

    from kerslake_analysis.ingest.register.sheets import read_sheet

    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    good = buffer.getvalue()
    start = good.count("\n") + 1  # the line the broken record starts on
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2018-08.csv"
        path.write_text(good + 'x,"' + tail, encoding="utf-8", newline="")
        sheet, problems = read_sheet(path)
    assert sheet is None
    assert [(p.file, p.row) for p in problems] == [("2018-08.csv", start)]
    assert problems[0].message.startswith("not well-formed CSV: unexpected end of data")


def _workbook_xml_bytes(rows: list[list[str | None]]) -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.lists(st.none() | st.text(string.ascii_letters, min_size=1, max_size=4), max_size=5),
        min_size=1,
        max_size=5,
    ),
    cut=st.floats(0, 1),
    splice=st.sampled_from(
        [b"", b"<row>", b"</row>", b'<c r="XFD1"><v>1</v></c>', b'<row r="0">', b"<<", b"&bad;"]
    ),
    damage=st.booleans(),
)
def test_fuzz_xlsx_reader_structure(rows, cut, splice, damage):
    import io
    import zipfile

    from kerslake_analysis.ingest.register.sheets import Limits, read_sheet

    data = _workbook_xml_bytes(rows)
    if damage:  # cut the sheet's XML somewhere and splice in a malformed piece
        src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as dst:
            for info in src.infolist():
                content = src.read(info.filename)
                if info.filename == "xl/worksheets/sheet1.xml":
                    at = int(len(content) * cut)
                    content = content[:at] + splice + content[at:]
                dst.writestr(info, content)
        data = out.getvalue()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2018-08.xlsx"
        path.write_bytes(data)
        sheet, problems = read_sheet(path, limits=Limits(width=100))
    if sheet is None:
        assert problems and all(p.file == "2018-08.xlsx" for p in problems)
        return
    if not damage:
        # Cells as written, empty cells as "", nothing after a row's last value.
        expected = []
        for row in rows:
            texts = ["" if v is None else v for v in row]
            while texts and texts[-1] == "":
                texts.pop()
            expected.append(texts)
        got = list(sheet.cells)
        for grid in (expected, got):  # trailing empty rows are nothing either way
            while grid and grid[-1] == []:
                grid.pop()
        assert got == expected


# --------------------------------------------------------------------------- reports at scale


def _many_themes_register(folder: Path) -> tuple[Path, Path]:
    """3,000 themes: Theme 0000-0014 with 3 commitments, the other 2,985 with 2; all late.

    Every commitment is due 31/07/2018 and "Late" in the August 2018 snapshot, so all
    15*3 + 2,985*2 = 45 + 5,970 = 6,015 are behind schedule. Texts are 1,500 characters.
    """
    folder.mkdir()
    long = "very long text " * 100  # 15 * 100 = 1,500 characters
    rows = [",".join([*HEADER_CELLS, "Theme"])]
    number = 0
    for theme in range(3000):
        for _ in range(3 if theme < 15 else 2):
            number += 1
            rows.append(
                f"R{number},Action {number} {long},Owner {number},01/06/2018,31/07/2018,Late,,"
                f"Update {number},Theme {theme:04d}"
            )
    (folder / "2018-08.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    mapping = folder.parent / "many.toml"
    text = MAPPING.read_text(encoding="utf-8").replace("bad-input-corpus", "many-themes")
    mapping.write_text(text.replace('update = "Update"', 'update = "Update"\ntheme = "Theme"'))
    return folder, mapping


def test_many_themes_owners_and_long_texts_are_folded_and_the_page_stays_small(tmp_path):
    from kerslake_analysis.report.plan_data import period_view, register_plan
    from kerslake_analysis.report.sections import (
        STATUS_CHART_FILE,
        milestone_frame,
        overdue_list,
        status_by_theme,
    )

    folder, mapping = _many_themes_register(tmp_path / "many")
    view = period_view(register_plan(folder, mapping), "2018-08")

    by_theme = status_by_theme(view)
    totals = by_theme.groupby("theme")["n"].sum()
    # The 15 themes with 3 commitments keep their names; 3,000 - 15 = 2,985 are folded,
    # 2,985 * 2 = 5,970 commitments.
    assert set(totals.index) == {*(f"Theme {t:04d}" for t in range(15)), "Others (2985 themes)"}
    assert totals["Others (2985 themes)"] == 5970
    assert totals.sum() == 6015
    assert set(milestone_frame(view)["theme"]) == set(totals.index)

    overdue = overdue_list(view)
    assert len(overdue) == 201  # 200 listed and one row for the other 6,015 - 200 = 5,815
    assert overdue.iloc[-1]["Commitment"] == "and 5815 more commitments behind schedule, not listed"
    text = overdue.iloc[0]["Commitment"]
    assert len(text) == 1000 + len("… (shortened)") and text.endswith("… (shortened)")

    # The whole page: under 1 MB, the chart under 200 KB (issue 14: 15 MB and 6.8 MB).
    root = tmp_path / "out"
    period = ReportPeriod("many-themes", "2018-08", register=str(folder), mapping=str(mapping))
    [result] = pages.render_reports([period], reports_root=root, progress=False)
    assert result.ok, result.error
    assert result.html_path.stat().st_size < 1_000_000
    # figures.json counts every commitment behind, not the page's capped list (200 + "…").
    saved = json.loads((result.html_path.parent / "figures.json").read_text(encoding="utf-8"))
    assert saved["overdue"]["count"] == 6015 == saved["headline"]["behind_schedule"]
    assert len(saved["overdue"]["ids"]) == 6015 and "…" not in saved["overdue"]["ids"]
    chart = result.html_path.parent / STATUS_CHART_FILE
    assert chart.stat().st_size < 200_000


def test_an_os_error_is_one_line_naming_the_path(tmp_path, capsys):
    # --out below a file: the folder cannot be made (NotADirectoryError, issue 14).
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    assert cli.main(["audit", "--out", str(blocker / "audit")]) == 2
    assert capsys.readouterr().err == f"kerslake audit: {blocker / 'audit'}: Not a directory\n"
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_file_over_the_cell_limit_is_refused_at_the_row_that_passes_it(
    kind, tmp_path, good_reports
):
    # 2,000 rows of 8 filled cells under max_cells = 10,000: after row n, 8n cells are
    # read; 8 * 1,250 = 10,000 is the limit, so row 1,251 passes it.
    folder = tmp_path / "cells"
    folder.mkdir()
    mapping = tmp_path / "mapping.toml"
    text = MAPPING.read_text(encoding="utf-8")
    mapping.write_text(text.replace("[files]\n", "[files]\nmax_cells = 10000\n"), encoding="utf-8")
    values = [[f"R{n}", "Act", "Lead", "x", "x", "On track", "x", "x"] for n in range(2, 2001)]
    if kind == "xlsx":
        rows = [_inline_row(1, HEADER_CELLS)]
        rows += [_inline_row(n, v) for n, v in enumerate(values, start=2)]
        # The dimension claims A1:H1: the cells are counted as they are read.
        _workbook_from_xml(folder / "2018-08.xlsx", iter(rows), "A1:H1")
    else:
        lines = [",".join(HEADER_CELLS), *(",".join(v) for v in values)]
        (folder / "2018-08.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _assert_refused_within_bounds(
        folder,
        f"2018-08.{kind}, row 1251: the file has more than 10000 cells, the limit "
        "(files.max_cells in the mapping)",
        good_reports,
        mapping,
    )
