"""Tests of ``kerslake map``: a draft MAP.toml from a tracker's files (ingest.register.draft).

Trackers are made in ``tmp_path``; every expectation comes from the made rows (or a
hand count of them). Tests on the real trackers in ``../shared/external`` skip with a
reason on a bare clone and fail under ``CI=true`` (tests/conftest.py).

The long layout and ``same_period`` keys the drafts emit are read by the loader
(docs/register-mapping.md, "Layouts and period rules"); the tests that validate such
drafts are ``test_long_file_draft_validates``, ``test_srp_tracker_draft_validates`` and
``test_nyc_capital_projects_draft_validates``.
"""

from __future__ import annotations

import csv
import tomllib
from pathlib import Path

import pytest
from openpyxl import Workbook

from kerslake_analysis import cli
from kerslake_analysis.ingest.register import format_problems, validate_register
from kerslake_analysis.ingest.register.draft import (
    date_formats_for,
    draft_mapping,
    period_rule,
    status_for,
)

HEADER = ["Action ID", "Action", "Theme", "Lead officer", "Target date", "Progress", "Update"]


def rows_for(month: int) -> list[list[str]]:
    """Four actions; statuses Done / Under way / Not started / Delayed; day-first dates."""
    return [
        HEADER,
        ["A1", "Publish the governance review", "Governance", "Chief Executive",
         "15/01/2024", "Done", "Published on the website after cabinet"],
        ["A2", "Train every councillor in scrutiny", "Scrutiny", "Head of Democratic Services",
         "30/04/2024", "Under way" if month < 3 else "Done", "Two sessions held so far this year"],
        ["A3", "Agree the medium-term financial plan", "Finance", "Section 151 Officer",
         "31/12/2024", "Not started", "Waiting for the settlement figures"],
        ["A4", "Close the audit recommendations", "Governance", "Chief Executive",
         "28/02/2024", "Delayed", "Three recommendations remain open at month end"],
    ]  # fmt: skip


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Borough improvement tracker"])  # a title block above the header
    sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.save(path)


@pytest.fixture
def csv_tracker(tmp_path: Path) -> Path:
    folder = tmp_path / "Borough Tracker"
    folder.mkdir()
    for month in (1, 2, 3):
        write_csv(folder / f"tracker_2024-{month:02d}.csv", rows_for(month))
    return folder


def draft_to(tmp_path: Path, tracker: Path) -> Path:
    out = tmp_path / "MAP.toml"
    assert cli.main(["map", str(tracker), "--out", str(out)]) == 0
    return out


def test_csv_tracker_draft_parses_and_validates_without_edits(tmp_path, csv_tracker):
    out = draft_to(tmp_path, csv_tracker)
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["name"] == "borough-tracker"
    assert data["columns"] == {
        "id": "Action ID",
        "text": "Action",
        "theme": "Theme",
        "owner": "Lead officer",
        "due_end": "Target date",
        "status": "Progress",
        "update": "Update",
    }
    assert data["files"]["date_formats"] == ["%d/%m/%Y"]
    assert "period_pattern" not in data["files"]  # the default YYYY-MM reads the names
    # Done: 1+1+1 (A1) and A2 in March = 4; Under way 2; Not started 3; Delayed 3.
    assert data["status"]["values"] == {
        "Done": "Complete",
        "Not started": "Not due to have started",
        "Delayed": "In progress – completion slipped",
        "Under way": "In progress",
    }
    problems = validate_register(csv_tracker, out)
    assert problems == [], format_problems(problems)


def test_draft_carries_its_evidence_in_comments(tmp_path, csv_tracker):
    text = draft_mapping(csv_tracker).text
    lines = {line.split(" = ")[0]: line for line in text.splitlines() if " = " in line}
    assert "header word 'id'" in lines["id"] and "unique on every row" in lines["id"]
    assert "12 of 12 values are dates" in lines["due_end"]
    assert "day-first" in lines["due_end"]  # 15/01, 30/04, 31/12, 28/02
    assert "header word 'progress'" in lines["status"] and "4 words" in lines["status"]
    assert '"Done" = "Complete"  # 4 rows' in text
    assert '"Under way" = "In progress"  # 2 rows' in text
    assert "TODO: check" not in text


def test_unplaced_status_words_are_unknown_and_listed(tmp_path, csv_tracker):
    rows = rows_for(3)
    rows[3][5] = "Parked"
    write_csv(csv_tracker / "tracker_2024-03.csv", rows)
    out = draft_to(tmp_path, csv_tracker)
    text = out.read_text(encoding="utf-8")
    assert '"Parked" = "Unknown"  # 1 rows; TODO: check' in text
    assert validate_register(csv_tracker, out) == []
    assert cli.main(["validate", str(csv_tracker), "--mapping", str(out)]) == 0


def test_validate_lists_the_open_items(tmp_path, csv_tracker, capsys):
    rows = rows_for(3)
    rows[3][5] = "Parked"
    write_csv(csv_tracker / "tracker_2024-03.csv", rows)
    out = draft_to(tmp_path, csv_tracker)
    capsys.readouterr()
    assert cli.main(["validate", str(csv_tracker), "--mapping", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "1 item(s) of the mapping still marked TODO" in shown
    assert '"Parked" = "Unknown"' in shown


def test_xlsx_tracker_with_title_block(tmp_path):
    folder = tmp_path / "xlsx-tracker"
    folder.mkdir()
    for month in (1, 2):
        write_xlsx(folder / f"2024-{month:02d}.xlsx", rows_for(month))
    out = draft_to(tmp_path, folder)
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["files"]["header_row"] == 3
    assert data["columns"]["id"] == "Action ID" and data["columns"]["status"] == "Progress"
    problems = validate_register(folder, out)
    assert problems == [], format_problems(problems)


def test_refuses_to_overwrite_without_force(tmp_path, csv_tracker, capsys):
    out = tmp_path / "MAP.toml"
    out.write_text("# mine\n", encoding="utf-8")
    assert cli.main(["map", str(csv_tracker), "--out", str(out)]) == 2
    assert "not overwritten" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "# mine\n"
    assert cli.main(["map", str(csv_tracker), "--out", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8").startswith("# MAP.toml drafted")


def test_broken_files_are_left_out_and_named(tmp_path, csv_tracker):
    (csv_tracker / "tracker_2024-04.csv").write_text(",".join(HEADER) + "\n", encoding="utf-8")
    out = draft_to(tmp_path, csv_tracker)
    text = out.read_text(encoding="utf-8")
    assert "#   tracker_2024-04.csv: a header only, no records" in text
    assert tomllib.loads(text)["files"]["include"] == [
        f"tracker_2024-{m:02d}.csv" for m in (1, 2, 3)
    ]
    assert validate_register(csv_tracker, out) == []


def test_date_formats_proposed_only_when_every_value_parses():
    both = date_formats_for(__import__("pandas").Series(["01/02/2024", "03/04/2024"]))
    assert both.formats == ["%d/%m/%Y"] and "both read every value" in both.note
    month_first = date_formats_for(__import__("pandas").Series(["01/02/2024", "12/31/2024"]))
    assert month_first.formats == ["%m/%d/%Y"]
    mixed = date_formats_for(__import__("pandas").Series(["2024-01-31", "31/01/2024"]))
    assert mixed.formats == ["%Y-%m-%d", "%d/%m/%Y"]
    assert date_formats_for(__import__("pandas").Series(["soon", "later", "A1", "x"])) is None


def test_status_rules():
    assert status_for("Completed") == "Complete"
    assert status_for("CLOSED") == "Complete"
    assert status_for("On track") == "In progress"
    assert status_for("Overdue") == "In progress – completion slipped"
    assert status_for("Not yet started") == "Not due to have started"
    assert status_for("TBC") == "TBC"
    assert status_for("Green") is None


def test_period_rules():
    rule = period_rule(["BusinessPlans_20120721_1654.csv", "BusinessPlans_20120801_2226.csv"])
    assert rule.pattern is not None and rule.same_period is None  # different months
    shared = period_rule(["x_20120721_1654.csv", "x_20120722_2313.csv", "x_20120801.csv"])
    assert shared.same_period == "latest-date"
    named = period_rule(["Tracker March 2024.csv", "Tracker April 2024.csv"])
    assert named.pattern is not None and "month name" in named.evidence
    years = period_rule(["uk_2019.csv", "uk_2020.csv"])
    assert years.fixed == {"uk_2019.csv": "2019-12", "uk_2020.csv": "2020-12"}


def long_rows() -> list[list[str]]:
    """Three projects over three reporting dates (P3 only from the second)."""
    rows = [["Reported", "Project ID", "Project title", "Phase", "Forecast end"]]
    for date, ids in (
        ("01/03/2024", "P1 P2"),
        ("01/06/2024", "P1 P2 P3"),
        ("01/09/2024", "P1 P2 P3"),
    ):
        for pid in ids.split():
            rows.append(
                [date, pid, f"Build the new {pid} depot and yard", "In progress", "31/12/2025"]
            )
    return rows  # fmt: skip


def test_long_file_is_detected(tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    write_csv(folder / "projects.csv", long_rows())
    data = tomllib.loads(draft_mapping(folder).text)
    assert data["files"]["layout"] == "long"
    assert data["files"]["period_column"] == "Reported"
    # 01/03, 01/06, 01/09: day-first and month-first both read them; the list's order
    assert data["files"]["period_formats"] == ["%d/%m/%Y"]
    assert data["columns"]["id"] == "Project ID"


def test_long_file_draft_validates(tmp_path):
    """A draft with layout = "long" validates (the loader's long layout)."""
    folder = tmp_path / "long"
    folder.mkdir()
    write_csv(folder / "projects.csv", long_rows())
    out = draft_to(tmp_path, folder)
    problems = validate_register(folder, out)
    assert problems == [], format_problems(problems)


def test_report_renders_from_the_draft(tmp_path, csv_tracker):
    out = draft_to(tmp_path, csv_tracker)
    reports = tmp_path / "reports"
    status = cli.main(
        ["report", "--register", str(csv_tracker), "--mapping", str(out), "--out", str(reports),
         "--quiet", "--period", "2024-03"]
    )  # fmt: skip
    assert status == 0
    page = reports / "borough-tracker" / "2024-03"
    assert any(page.glob("*.html"))


# --------------------------------------------------------------------------- real trackers


@pytest.mark.parametrize("year", ["uk_2019.csv", "uk_2022.csv", "uk_2023.csv"])
def test_gmpp_year_draft_validates_without_edits(tmp_path, year, gmpp_dir):
    path = gmpp_dir / year
    out = draft_to(tmp_path, path)
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert "rag" in data["rating"]["columns"]
    problems = validate_register(path, out)
    assert problems == [], format_problems(problems)


def test_gmpp_folder_draft_validates_without_edits(tmp_path, gmpp_dir):
    folder = gmpp_dir
    out = draft_to(tmp_path, folder)
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    # README.md there: 2014-2017 are transposed; 2018-2019 have no project_number
    assert data["files"]["include"] == [f"uk_{y}.csv" for y in (2020, 2021, 2022, 2023)]
    assert data["columns"]["id"] == "project_number"
    problems = validate_register(folder, out)
    assert problems == [], format_problems(problems)


def test_srp_tracker_draft_validates(tmp_path, srp_dir):
    """A draft with same_period = "latest-date" validates."""
    folder = srp_dir
    out = draft_to(tmp_path, folder)
    text = out.read_text(encoding="utf-8")
    data = tomllib.loads(text)
    assert data["files"]["same_period"] == "latest-date"
    assert data["columns"]["id"] == "subaction_id"
    assert data["columns"]["status"] == "end_status"
    # PROVENANCE.md: the 1407 run is header only; the 30 July rows outrun their header
    assert "BusinessPlans_20120721_1407.csv" not in data["files"]["include"]
    assert "BusinessPlans_20120730_2047.csv" not in data["files"]["include"]
    problems = validate_register(folder, out)
    assert problems == [], format_problems(problems)


def test_nyc_capital_projects_draft_is_long(tmp_path, nyc_dir):
    folder = nyc_dir
    data = tomllib.loads(draft_mapping(folder).text)
    assert data["files"]["layout"] == "long"
    assert data["files"]["period_column"] == "Date Reported As Of"
    assert data["columns"]["id"] == "PID"  # PROVENANCE.md: no duplicate (PID, date) pairs
    assert data["columns"]["due_end"] == "Forecast Completion"


def test_awkward_words_are_quoted_so_the_draft_reads_back(tmp_path):
    folder = tmp_path / "quotes"
    folder.mkdir()
    header = ['Ref "no."', "Action", "Progress \\ état"]
    words = ['On hold "pending"', "Done", 'On hold "pending"', "Done"]
    rows = [header] + [[f"R{i}", f"Action number {i} of the plan", w] for i, w in enumerate(words)]
    write_csv(folder / "2024-05.csv", rows)
    out = draft_to(tmp_path, folder)
    data = tomllib.loads(out.read_text(encoding="utf-8"))
    assert data["columns"]["id"] == 'Ref "no."'
    assert data["columns"]["status"] == "Progress \\ état"
    assert data["status"]["values"] == {'On hold "pending"': "Unknown", "Done": "Complete"}
    problems = validate_register(folder, out)
    assert problems == [], format_problems(problems)


def test_nothing_to_read_is_one_line_and_no_file(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "MAP.toml"
    assert cli.main(["map", str(empty), "--out", str(out)]) == 2
    assert "could be read" in capsys.readouterr().err
    assert cli.main(["map", str(tmp_path / "absent"), "--out", str(out)]) == 2
    assert "no such folder or file" in capsys.readouterr().err
    assert not out.exists()


def test_nyc_capital_projects_draft_validates(tmp_path, nyc_dir):
    """A draft with layout = "long" validates (the loader's long layout)."""
    folder = nyc_dir
    out = draft_to(tmp_path, folder)
    problems = validate_register(folder, out)
    assert problems == [], format_problems(problems)


def test_nyc_draft_reads_every_period_when_split_by_hand(tmp_path, nyc_dir):
    """Everything but the layout: the file split by its period column, one file a period."""
    import pandas as pd

    folder = nyc_dir
    text = draft_mapping(folder).text
    assert 'missing = ["10/21/2108"]' in text  # PROVENANCE.md: one value is 10/21/2108
    split = tmp_path / "split"
    split.mkdir()
    frame = pd.read_csv(
        folder / "NYC_capital_projects_20190901.csv", dtype=str, keep_default_na=False
    )
    dates = pd.to_datetime(frame.pop("Date Reported As Of"), format="%m/%d/%Y %I:%M:%S %p")
    for date, rows in frame.groupby(dates):
        rows.to_csv(split / f"{date:%Y-%m}.csv", index=False)
    assert len(list(split.iterdir())) == 15  # PROVENANCE.md: 15 reporting dates
    layout_keys = ("layout =", "period_column =", "period_formats =")
    files_text = "\n".join(line for line in text.splitlines() if not line.startswith(layout_keys))
    mapping = tmp_path / "MAP.toml"
    mapping.write_text(files_text, encoding="utf-8")
    problems = validate_register(split, mapping)
    assert problems == [], format_problems(problems)


def test_srp_draft_reads_the_latest_file_of_each_month_copied_by_hand(tmp_path, srp_dir):
    """Everything but same_period: only the latest included file of each month copied."""
    import shutil

    folder = srp_dir
    text = draft_mapping(folder).text
    include = tomllib.loads(text)["files"]["include"]
    # July: the 30 July file is left out (PROVENANCE.md), so 22 July 23:27 is the latest
    latest = ["BusinessPlans_20120722_2327.csv", "BusinessPlans_20120801_2226.csv"]
    assert set(latest) <= set(include)
    copies = tmp_path / "latest"
    copies.mkdir()
    for name in latest:
        shutil.copy(folder / name, copies / name)
    mapping = tmp_path / "MAP.toml"
    kept = [line for line in text.splitlines() if not line.startswith("same_period")]
    mapping.write_text("\n".join(kept), encoding="utf-8")
    problems = validate_register(copies, mapping)
    assert problems == [], format_problems(problems)
