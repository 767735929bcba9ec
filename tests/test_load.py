"""Loading curated tables: typed frames, and malformed files that fail naming file, row, column.

Each test writes a small curated folder into ``tmp_path`` (two commitments, one
observation), breaks one thing, and checks the error message. Row numbers are the
rows a spreadsheet shows: the header is row 1, the first record row 2, the second
record row 3.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kerslake_analysis.ingest import load, schema

ACTION_PLAN = "004_8cc2926d097384ad.txt"
CGIP = "001_3e6875fb2dbcaf44.txt"


def _commitments() -> pd.DataFrame:
    """Two valid commitments (quotes are on their lines; see test_valid_rows_quote_their_source)."""
    return pd.DataFrame(
        {
            "commitment_id": ["AP15-1.1", "CGIP18-1.1-1"],
            "plan": ["ap-2015", "cgip-2018"],
            "theme": ["Leadership and strategy", "Political Leadership"],
            "sub_theme": ["Roles, responsibilities & culture", ""],
            "ref": ["1.1", "1.1"],
            "text": ["Clarify roles", "Formal updates against self-assessment action plans"],
            "owner": ["Chief Executive", "ACE with Group Leaders / Deputy Leader"],
            "timescale": ["Feb-15", "August 2018"],
            "timescale_reference": ["", "2018-09-30"],
            "timescale_kind": ["month", "month"],
            "due_start": ["2015-02-01", "2018-08-01"],
            "due_end": ["2015-02-28", "2018-08-31"],
            "kerslake_refs": ["KR-3a;KR-3c", ""],
            "measures": ["", ""],
            "source": [ACTION_PLAN, CGIP],
            "source_line": ["127", "11"],
            "quote": ["Feb-15", "Commencing in <b>August 2018</b>."],
            "transcription_note": ["", ""],
        }
    )


def _observations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "observation_id": ["CGIP18-1.1-1.2018-09"],
            "commitment_id": ["CGIP18-1.1-1"],
            "period": ["2018-09"],
            "observed_on": ["2018-09-30"],
            "state": ["in_progress"],
            "evidence": ["Group secretaries have been engaged"],
            "source": [CGIP],
            "source_line": ["11"],
            "quote": ["Group secretaries have been engaged"],
            "transcription_note": [""],
        }
    )


def _write(folder: Path, table: str, frame: pd.DataFrame) -> Path:
    path = folder / f"{table}.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path


@pytest.fixture
def curated(tmp_path: Path) -> Path:
    """A folder with a valid commitments.csv and observations.csv."""
    _write(tmp_path, "commitments", _commitments())
    _write(tmp_path, "observations", _observations())
    return tmp_path


def _messages(error: pytest.ExceptionInfo) -> list[str]:
    return [str(problem) for problem in error.value.problems]


def test_valid_rows_quote_their_source():
    load.verify_quotes(_commitments(), "commitments.csv")
    load.verify_quotes(_observations(), "observations.csv")


def test_valid_file_loads_as_typed_frame(curated):
    frame = load.load_commitments(curated)
    assert list(frame.columns) == list(schema.commitments.columns)
    assert frame["due_end"].dtype.kind == "M"
    assert frame["timescale_reference"].isna().tolist() == [True, False]
    assert frame["source_line"].dtype == "int64"
    assert isinstance(frame["plan"].dtype, pd.CategoricalDtype)
    # Feb-15 is February 2015, which ends on the 28th (2015 is not a leap year).
    assert frame.loc[0, "due_end"] == pd.Timestamp("2015-02-28")
    assert frame["source_line"].tolist() == [127, 11]


def test_observations_load_with_state_category(curated):
    frame = load.load_observations(curated)
    assert frame.loc[0, "state"] == "in_progress"
    assert list(frame["state"].cat.categories) == list(schema.OBSERVATION_STATES)
    assert frame.loc[0, "observed_on"] == pd.Timestamp("2018-09-30")


def test_missing_column_names_file_header_row_and_column(curated):
    _write(curated, "commitments", _commitments().drop(columns="owner"))
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    assert _messages(error) == ["commitments.csv, row 1, column owner: column missing"]


def test_unexpected_column_is_reported(curated):
    _write(curated, "commitments", _commitments().assign(colour="red"))
    with pytest.raises(load.CuratedDataError, match=r"row 1, column colour: unexpected column"):
        load.load_commitments(curated)


@pytest.mark.parametrize("bad_date", ["2015-02-30", "31/12/2015", "2015-2-28", "soon"])
def test_bad_date_names_file_row_and_column(curated, bad_date):
    frame = _commitments()
    frame.loc[1, "due_end"] = bad_date
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    # The second record is on spreadsheet row 3.
    assert _messages(error) == [
        f"commitments.csv, row 3, column due_end: not a date (YYYY-MM-DD): {bad_date!r}"
    ]


def test_duplicate_id_names_both_rows(curated):
    frame = _commitments()
    frame.loc[1, ["commitment_id", "plan"]] = ["AP15-1.1", "ap-2015"]
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    assert _messages(error) == [
        "commitments.csv, row 2, column commitment_id: duplicate 'AP15-1.1' (rows 2, 3)",
        "commitments.csv, row 3, column commitment_id: duplicate 'AP15-1.1' (rows 2, 3)",
    ]


def test_unknown_plan_names_file_row_and_column(curated):
    frame = _commitments()
    frame.loc[1, "plan"] = "cgip-2019"
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    messages = _messages(error)
    assert messages[0].startswith(
        "commitments.csv, row 3, column plan: 'cgip-2019' is not one of: ap-2015"
    )
    assert len(messages) == 1


def test_every_problem_is_reported_not_just_the_first(curated):
    frame = _commitments()
    frame.loc[0, "due_end"] = "2015-13-01"  # no month 13
    frame.loc[1, "plan"] = "nowhere"
    frame.loc[1, "source_line"] = "0"
    frame.loc[1, "kerslake_refs"] = "KR-1, KR-2"  # spaces are not allowed in the list
    _write(curated, "commitments", frame.drop(columns="measures"))
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    where = {(p.row, p.column) for p in error.value.problems}
    assert where == {
        (1, "measures"),
        (2, "due_end"),
        (3, "plan"),
        (3, "source_line"),
        (3, "kerslake_refs"),
    }
    assert str(error.value).startswith("5 problems in curated data:")


def test_due_start_after_due_end_names_both_columns(curated):
    frame = _commitments()
    frame.loc[0, ["due_start", "due_end"]] = ["2015-03-01", "2015-02-28"]
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    assert _messages(error) == [
        "commitments.csv, row 2, column due_start, due_end: due_start is after due_end: "
        "due_start=2015-03-01, due_end=2015-02-28"
    ]


@pytest.mark.parametrize(
    ("commitment_id", "plan"),
    [("AP15-1", "ap-2015"), ("CGIP18-1.1-x", "cgip-2018"), ("GAP16-Political", "gap-2016")],
)
def test_malformed_id_is_reported(curated, commitment_id, plan):
    frame = _commitments()
    frame.loc[1, ["commitment_id", "plan"]] = [commitment_id, plan]
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError, match=r"row 3, column commitment_id: does not match"):
        load.load_commitments(curated)


def test_id_of_another_plan_is_reported(curated):
    frame = _commitments()
    frame.loc[1, "plan"] = "iif-2021"
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    assert _messages(error)[0].startswith(
        "commitments.csv, row 3, column commitment_id, plan: commitment_id prefix does not match plan"
    )


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("source_line", "twelve", "not a whole number: 'twelve'"),
        ("source_line", "", "not a whole number: ''"),
        ("source", "005_unknown.txt", "is not one of the five raw files: '005_unknown.txt'"),
        ("quote", "", "must not be empty: ''"),
        ("text", "two\nlines", "must be on one line"),
    ],
)
def test_provenance_columns_are_checked(curated, column, value, expected):
    frame = _commitments()
    frame.loc[1, column] = value
    _write(curated, "commitments", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_commitments(curated)
    assert len(error.value.problems) == 1
    assert _messages(error)[0].startswith(f"commitments.csv, row 3, column {column}: {expected}")


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("period", "2018-13", "does not match the pattern"),
        ("state", "done", "'done' is not one of: complete, in_progress, not_started, unknown"),
        ("observed_on", "", "must not be empty"),
    ],
)
def test_observation_columns_are_checked(curated, column, value, expected):
    frame = _observations()
    frame.loc[0, column] = value
    _write(curated, "observations", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_table("observations", curated)
    assert any(
        message.startswith(f"observations.csv, row 2, column {column}: {expected}")
        for message in _messages(error)
    )


def test_observed_on_must_not_be_after_its_period(curated):
    frame = _observations()
    frame.loc[0, "observed_on"] = "2018-10-31"
    _write(curated, "observations", frame)
    with pytest.raises(
        load.CuratedDataError,
        match=r"row 2, column period, observed_on: observed_on is after its period",
    ):
        load.load_observations(curated)


def test_observation_of_unknown_commitment_is_reported(curated):
    frame = _observations()
    frame.loc[0, "commitment_id"] = "CGIP18-9.9-1"
    _write(curated, "observations", frame)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_observations(curated)
    assert _messages(error) == [
        "observations.csv, row 2, column commitment_id: "
        "no such commitment_id in commitments.csv: 'CGIP18-9.9-1'"
    ]


def test_ragged_csv_row_names_file_and_row(curated):
    path = curated / "commitments.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",one too many"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        load.CuratedDataError, match=r"commitments.csv, row 3: \d+ fields where the header"
    ):
        load.load_commitments(curated)


def test_missing_file_is_named(tmp_path):
    with pytest.raises(load.CuratedDataError, match=r"snapshots.csv: file not found"):
        load.load_snapshots(tmp_path)


def test_unknown_table_name_is_refused(curated):
    with pytest.raises(KeyError, match="unknown curated table 'commitment'"):
        load.load_table("commitment", curated)


def test_verify_quotes_names_each_bad_row():
    frame = _commitments()
    frame["source_line"] = frame["source_line"].astype(int)
    frame.loc[0, "source_line"] = 128  # "Feb-15" is on line 127 only
    frame.loc[1, "quote"] = "Commencing in August 2018"  # markup removed: not verbatim
    with pytest.raises(load.CuratedDataError) as error:
        load.verify_quotes(frame, "commitments.csv")
    assert [(p.row, p.column) for p in error.value.problems] == [(2, "quote"), (3, "quote")]
    assert "not on line 128 of 004_8cc2926d097384ad.txt: 'Feb-15'" in str(error.value)


def test_load_all_collects_problems_of_every_file(curated):
    commitments = _commitments()
    commitments.loc[0, "due_start"] = "yesterday"
    observations = _observations()
    observations.loc[0, "state"] = "finished"
    _write(curated, "commitments", commitments)
    _write(curated, "observations", observations)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_all(curated)
    found = {(p.file, p.row, p.column) for p in error.value.problems}
    assert ("commitments.csv", 2, "due_start") in found
    assert ("observations.csv", 2, "state") in found
    # the other eleven tables are absent from this folder and reported as missing files
    assert ("claims.csv", None, None) in found


def test_update_of_unknown_aim_is_reported(tmp_path):
    aims = pd.DataFrame(
        {
            "aim_id": ["CGIP18-1.1"],
            "section": ["1"],
            "section_title": ["Political Leadership"],
            "ref": ["1.1"],
            "aim_text": ["Well-organised, stable and effective political groups."],
            "required_actions": [""],
            "outputs": [""],
            "lead": [""],
            "source": [CGIP],
            "source_line": ["11"],
            "quote": ["Well-organised, stable and effective political groups."],
            "transcription_note": [""],
        }
    )
    updates = pd.DataFrame(
        {
            "update_id": ["CGIP18-1.1-upd-1", "CGIP18-1.2-upd-1"],
            "aim_id": ["CGIP18-1.1", "CGIP18-1.2"],
            "month": ["2018-09", ""],
            "text": ["Group secretaries have been engaged", "Revised cycle"],
            "bold": ["true", "false"],
            "complete": ["false", "maybe"],
            "continued_on": ["", ""],
            "source": [CGIP, CGIP],
            "source_line": ["11", "12"],
            "quote": ["Group secretaries have been engaged", "Revised"],
            "transcription_note": ["", ""],
        }
    )
    _write(tmp_path, "cgip18_aims", aims)
    _write(tmp_path, "cgip18_updates", updates)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_all(tmp_path)
    messages = [str(p) for p in error.value.problems if p.file == "cgip18_updates.csv"]
    assert messages == [
        "cgip18_updates.csv, row 3, column complete: not true or false: 'maybe'",
    ]
    # the dangling aim is found once the flags are fixed
    updates.loc[1, "complete"] = "false"
    _write(tmp_path, "cgip18_updates", updates)
    with pytest.raises(load.CuratedDataError) as error:
        load.load_all(tmp_path)
    assert [str(p) for p in error.value.problems if p.file == "cgip18_updates.csv"] == [
        "cgip18_updates.csv, row 3, column aim_id: no such aim_id in cgip18_aims.csv: 'CGIP18-1.2'"
    ]
    frame = load.load_table("cgip18_updates", tmp_path)
    assert frame["bold"].dtype == bool and frame["bold"].tolist() == [True, False]
