"""Tests of the register's layouts and period rules (docs/register-mapping.md, "Layouts").

``layout = "long"`` (the period in a column), quarters and day/hour/minute groups in
``period_pattern``, and ``same_period`` for several files of one period. Every tracker
is made in ``tmp_path``; every expected count is a hand count of the rows written here.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from kerslake_analysis import cli
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.ingest.register import (
    MappingError,
    load_register,
    read_mapping,
    validate_register,
)
from kerslake_analysis.report.footer import footer_table
from kerslake_analysis.report.plan_data import register_plan

HEADER = ["Ref", "Action", "Due", "Status"]

MAPPING = """
name = "demo"

[files]
date_formats = ["%d/%m/%Y"]
{files}

[columns]
id = "Ref"
text = "Action"
due_end = "Due"
status = "Status"

[status.values]
"Done" = "Complete"
"On track" = "In progress"
"Late" = "In progress - completion slipped"
"""


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def mapping(tmp_path: Path, files: str) -> Path:
    path = tmp_path / "MAP.toml"
    path.write_text(MAPPING.format(files=files), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- long layout

LONG = [
    ["Reported", *HEADER],
    ["05/01/2014 12:00:00 AM", "P1", "Build the bridge", "30/06/2015", "On track"],
    ["05/01/2014 12:00:00 AM", "P2", "Repair the road", "31/12/2014", "On track"],
    ["09/01/2014 12:00:00 AM", "P1", "Build the bridge", "30/09/2015", "Late"],
    ["09/01/2014 12:00:00 AM", "P2", "Repair the road", "31/12/2014", "Done"],
    ["09/01/2014 12:00:00 AM", "P3", "Open the library", "31/03/2016", "On track"],
]
LONG_FILES = """layout = "long"
period_column = "Reported"
period_formats = ["%m/%d/%Y %I:%M:%S %p"]"""


def test_a_long_file_gives_one_observation_per_id_and_period(tmp_path):
    folder = tmp_path / "register"
    write_csv(folder / "projects.csv", LONG)
    register = load_register(folder, mapping(tmp_path, LONG_FILES))
    # hand count: May 2014 has P1, P2; September 2014 has P1, P2, P3
    assert register.periods == ["2014-05", "2014-09"]
    assert register.files[["source", "period", "records"]].values.tolist() == [
        ["projects.csv", "2014-05", 2],
        ["projects.csv", "2014-09", 3],
    ]
    obs = register.observations
    assert obs["observation_id"].tolist() == [
        "2014-05/P1",
        "2014-05/P2",
        "2014-09/P1",
        "2014-09/P2",
        "2014-09/P3",
    ]
    assert obs["observed_on"].dt.strftime("%Y-%m-%d").tolist() == [
        "2014-05-31",
        "2014-05-31",
        "2014-09-30",
        "2014-09-30",
        "2014-09-30",
    ]
    assert obs["source_line"].tolist() == [2, 3, 4, 5, 6]
    # the baseline is the first period's row: P1 was due 30 June 2015 in May 2014
    p1 = register.commitments.set_index("commitment_id").loc["P1"]
    assert str(p1["due_end"].date()) == "2015-06-30"
    assert p1["first_period"] == "2014-05"
    assert len(register.commitments) == 3


def test_a_long_file_without_period_formats_uses_date_formats(tmp_path):
    folder = tmp_path / "register"
    rows = [LONG[0]] + [[r[0][:10], *r[1:]] for r in LONG[1:]]  # 05/01/2014 only
    write_csv(folder / "projects.csv", rows)
    files = 'layout = "long"\nperiod_column = "Reported"'
    path = mapping(tmp_path, files).read_text().replace('["%d/%m/%Y"]', '["%m/%d/%Y"]')
    (tmp_path / "MAP.toml").write_text(path)
    # the due dates 30/06/2015 are not month-first: the due column gets bad dates, but
    # the periods read as May and September (month first), not 5 January and 9 January
    problems = validate_register(folder, tmp_path / "MAP.toml")
    assert {p.kind for p in problems} == {"bad_date"}
    assert len(problems) == 5


def test_a_long_file_reports_a_repeated_id_period_and_a_bad_period(tmp_path):
    folder = tmp_path / "register"
    rows = [*LONG, ["09/01/2014 12:00:00 AM", "P3", "Open the library", "", "Done"]]
    rows.append(["Sept 2014", "P4", "Plant trees", "", "Done"])
    write_csv(folder / "projects.csv", rows)
    problems = validate_register(folder, mapping(tmp_path, LONG_FILES))
    by_kind = {(p.kind, p.row) for p in problems}
    assert by_kind == {("duplicate_id", 6), ("duplicate_id", 7), ("bad_period", 8)}
    bad = next(p for p in problems if p.kind == "bad_period")
    assert bad.column == "Reported" and "Sept 2014" in bad.message


def test_a_long_layout_needs_its_period_column(tmp_path):
    with pytest.raises(MappingError, match="period_column"):
        read_mapping(mapping(tmp_path, 'layout = "long"'))
    with pytest.raises(MappingError, match="period_column is read only"):
        read_mapping(mapping(tmp_path, 'period_column = "Reported"'))


def test_several_long_files_may_share_periods_but_not_an_id_period(tmp_path):
    folder = tmp_path / "register"
    write_csv(folder / "a.csv", LONG[:3])  # May: P1, P2
    write_csv(folder / "b.csv", [LONG[0], *LONG[3:]])  # September: P1, P2, P3
    register = load_register(folder, mapping(tmp_path, LONG_FILES))
    assert register.files[["source", "period", "records"]].values.tolist() == [
        ["a.csv", "2014-05", 2],
        ["b.csv", "2014-09", 3],
    ]
    write_csv(folder / "c.csv", [LONG[0], LONG[1]])  # P1 in May again
    (problem,) = validate_register(folder, mapping(tmp_path, LONG_FILES))
    assert (problem.file, problem.row, problem.kind) == ("c.csv", 2, "period_clash")


# --------------------------------------------------------------------------- period_pattern

ROWS = [HEADER, ["1", "Publish the plan", "30/09/2024", "On track"]]


def test_quarters_in_file_names_give_the_quarters_last_month(tmp_path):
    folder = tmp_path / "register"
    for name in ("tracker 2024 Q1.csv", "tracker 2024 T2.csv", "tracker 2024 q4.csv"):
        write_csv(folder / name, ROWS)
    files = r"period_pattern = '(?P<year>\d{4}) (?P<quarter>[QT][1-4])'"
    path = mapping(tmp_path, files)
    register = load_register(folder, path)
    assert register.periods == ["2024-03", "2024-06", "2024-12"]
    assert register.period_kind == "quarter"
    data = register_plan(folder, path)
    footer = footer_table(ReportPeriod("demo", "2024-06", str(folder), str(path)), data)
    rows = dict(zip(footer["item"], footer["value"], strict=True))
    assert rows["period"] == "quarter ending June 2024"


def test_day_hour_and_minute_groups_are_allowed_and_the_month_is_taken(tmp_path):
    folder = tmp_path / "register"
    write_csv(folder / "BusinessPlans_20120722_2324.csv", ROWS)
    files = (
        r"period_pattern = '(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})_"
        r"(?P<hour>\d{2})(?P<minute>\d{2})'"
    )
    register = load_register(folder, mapping(tmp_path, files))
    assert register.periods == ["2012-07"]
    assert register.period_kind == "month"


def test_a_period_pattern_with_an_unknown_group_is_refused(tmp_path):
    files = r"period_pattern = '(?P<year>\d{4})(?P<week>\d{2})'"
    with pytest.raises(MappingError, match="month"):
        read_mapping(mapping(tmp_path, files))
    files = r"period_pattern = '(?P<year>\d{4})(?P<month>\d{2})(?P<second>\d{2})'"
    with pytest.raises(MappingError, match="second"):
        read_mapping(mapping(tmp_path, files))


# --------------------------------------------------------------------------- same_period

STAMPED = (
    r"period_pattern = '(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:_(?P<hour>\d{2})(?P<minute>\d{2}))?'"
    '\nsame_period = "{rule}"'
)


def scrapes(folder: Path) -> None:
    """July: three scrapes (1st 09:00, 1st 23:59, 20th 08:00); August: one."""
    write_csv(folder / "scrape_20240701_0900.csv", [HEADER, ["1", "A", "31/12/2024", "Late"]])
    write_csv(folder / "scrape_20240701_2359.csv", [HEADER, ["1", "A", "31/12/2024", "Late"]])
    write_csv(folder / "scrape_20240720_0800.csv", [HEADER, ["1", "A", "31/12/2024", "Done"]])
    write_csv(folder / "scrape_20240805.csv", [HEADER, ["1", "A", "31/12/2024", "Done"]])


def test_two_files_for_one_period_are_an_error_by_default(tmp_path):
    folder = tmp_path / "register"
    scrapes(folder)
    files = STAMPED.replace('\nsame_period = "{rule}"', "")
    problems = validate_register(folder, mapping(tmp_path, files))
    assert sorted(p.file for p in problems if p.kind == "period_clash") == [
        "scrape_20240701_0900.csv",
        "scrape_20240701_2359.csv",
        "scrape_20240720_0800.csv",
    ]


def test_latest_date_reads_the_latest_scrape_of_each_month_and_lists_the_others(tmp_path):
    folder = tmp_path / "register"
    scrapes(folder)
    register = load_register(folder, mapping(tmp_path, STAMPED.replace("{rule}", "latest-date")))
    assert register.files[["source", "period"]].values.tolist() == [
        ["scrape_20240720_0800.csv", "2024-07"],
        ["scrape_20240805.csv", "2024-08"],
    ]
    assert register.observations["status_raw"].tolist() == ["Done", "Done"]
    skipped = {p.file: p.message for p in register.skipped}
    assert sorted(skipped) == ["scrape_20240701_0900.csv", "scrape_20240701_2359.csv"]
    assert (
        "scrape_20240720_0800.csv is a later file for 2024-07"
        in skipped["scrape_20240701_0900.csv"]
    )
    assert {p.kind for p in register.skipped} == {"skipped_file"}
    assert set(register.skipped) <= set(register.notices)


def test_latest_name_orders_by_the_file_name(tmp_path):
    folder = tmp_path / "register"
    write_csv(folder / "2024-07 a.csv", [HEADER, ["1", "A", "31/12/2024", "Late"]])
    write_csv(folder / "2024-07 b.csv", [HEADER, ["1", "A", "31/12/2024", "Done"]])
    register = load_register(folder, mapping(tmp_path, 'same_period = "latest-name"'))
    assert register.files["source"].tolist() == ["2024-07 b.csv"]
    assert [p.file for p in register.skipped] == ["2024-07 a.csv"]


def test_latest_date_needs_a_day_hour_or_minute_group(tmp_path):
    with pytest.raises(MappingError, match="latest-date"):
        read_mapping(mapping(tmp_path, 'same_period = "latest-date"'))


def test_a_broken_latest_file_falls_back_to_the_latest_readable_one(tmp_path):
    folder = tmp_path / "register"
    scrapes(folder)
    # the 20 July scrape is header only; the next latest (1 July 23:59) is read
    write_csv(folder / "scrape_20240720_0800.csv", [HEADER])
    # a 25 July scrape whose rows outrun the header is broken too
    write_csv(folder / "scrape_20240725_1200.csv", [HEADER, ["1", "A", "31/12/2024", "Done", "x"]])
    path = mapping(tmp_path, STAMPED.replace("{rule}", "latest-date"))
    register = load_register(folder, path)
    assert register.files["source"].tolist() == [
        "scrape_20240701_2359.csv",
        "scrape_20240805.csv",
    ]
    assert register.observations["status_raw"].tolist() == ["Late", "Done"]
    skipped = {p.file: p.message for p in register.skipped}
    assert sorted(skipped) == [
        "scrape_20240701_0900.csv",
        "scrape_20240720_0800.csv",
        "scrape_20240725_1200.csv",
    ]
    assert "but broken" in skipped["scrape_20240720_0800.csv"]
    assert "no_records" in skipped["scrape_20240720_0800.csv"]
    assert "value_beyond_header" in skipped["scrape_20240725_1200.csv"]
    assert (
        "scrape_20240701_2359.csv, the latest readable one" in skipped["scrape_20240725_1200.csv"]
    )


def test_when_no_file_of_a_period_is_readable_the_latest_ones_problems_are_reported(tmp_path):
    folder = tmp_path / "register"
    write_csv(folder / "scrape_20240701_0900.csv", [HEADER])
    write_csv(folder / "scrape_20240702_0900.csv", [HEADER])
    problems = validate_register(
        folder, mapping(tmp_path, STAMPED.replace("{rule}", "latest-date"))
    )
    assert [(p.file, p.kind) for p in problems] == [("scrape_20240702_0900.csv", "no_records")]


def test_validate_lists_the_skipped_files(tmp_path, capsys):
    folder = tmp_path / "register"
    scrapes(folder)
    path = mapping(tmp_path, STAMPED.replace("{rule}", "latest-date"))
    assert cli.main(["validate", str(folder), "--mapping", str(path)]) == 0
    out = capsys.readouterr().out
    assert "scrape_20240701_0900.csv: skipped" in out
    assert "scrape_20240701_2359.csv: skipped" in out


# --------------------------------------------------------------------------- [baseline]

BASELINE = """
[baseline]
file = "baseline.csv"
[baseline.columns]
id = "Ref"
text = "Promise"
due_end = "Agreed date"
"""


def baseline_register(tmp_path: Path, baseline_rows: list[list[str]]) -> tuple[Path, Path]:
    folder = tmp_path / "register"
    # the snapshots re-plan action 1 from 31/12/2024 to 31/03/2025
    write_csv(folder / "2024-07.csv", [HEADER, ["1", "Publish", "31/03/2025", "On track"]])
    write_csv(
        folder / "2024-08.csv",
        [HEADER, ["1", "Publish", "31/03/2025", "Late"], ["2", "Train", "30/06/2025", "On track"]],
    )
    write_csv(folder / "baseline.csv", baseline_rows)
    path = tmp_path / "MAP.toml"
    path.write_text(MAPPING.format(files="") + BASELINE, encoding="utf-8")
    return folder, path


def test_baseline_values_come_from_the_baseline_file_joined_on_id(tmp_path):
    rows = [
        ["Promise", "Ref", "Agreed date"],
        ["Publish the plan", "1", "31/12/2024"],
        ["Train every councillor", "2", ""],
    ]
    folder, path = baseline_register(tmp_path, rows)
    register = load_register(folder, path)
    assert register.periods == ["2024-07", "2024-08"]  # baseline.csv is not a snapshot
    c = register.commitments.set_index("commitment_id")
    assert c.loc["1", "text"] == "Publish the plan"
    assert str(c.loc["1", "due_end"].date()) == "2024-12-31"  # not the snapshot's 2025
    assert c.loc["2", "due_end"] is pd.NaT or pd.isna(c.loc["2", "due_end"])  # blank stays
    assert c.loc["1", "source"] == "baseline.csv" and c.loc["1", "source_line"] == 2
    assert c.loc["2", "first_period"] == "2024-08"
    # each observation keeps its own snapshot's due date
    obs = register.observations.set_index("observation_id")
    assert str(obs.loc["2024-07/1", "due_end"].date()) == "2025-03-31"
    data = register_plan(folder, path)
    assert [p.name for p in data.sources] == [
        "2024-07.csv",
        "2024-08.csv",
        "baseline.csv",
        "MAP.toml",
    ]


def test_ids_missing_from_the_baseline_or_never_seen_are_problems(tmp_path):
    rows = [["Promise", "Ref", "Agreed date"], ["Publish", "1", "31/12/2024"], ["Old", "9", ""]]
    folder, path = baseline_register(tmp_path, rows)
    problems = validate_register(folder, path)
    assert sorted((p.file, p.row, p.kind) for p in problems) == [
        ("2024-08.csv", 3, "not_in_baseline"),  # ID 2, first listed in August, row 3
        ("baseline.csv", 3, "baseline_never_seen"),  # ID 9
    ]


def test_a_missing_baseline_file_is_a_problem(tmp_path):
    folder, path = baseline_register(tmp_path, [["Promise", "Ref", "Agreed date"]])
    (folder / "baseline.csv").unlink()
    (problem,) = validate_register(folder, path)
    assert (problem.file, problem.kind) == ("baseline.csv", "missing_file")


# --------------------------------------------------------------------------- sheets layout


def test_sheets_layout_reads_one_sheet_per_period(tmp_path):
    from openpyxl import Workbook

    folder = tmp_path / "register"
    folder.mkdir()
    workbook = Workbook()
    workbook.active.title = "Notes"  # matches no pattern: listed, not read
    for title, status, extra in (
        ("Jul 2024", "On track", []),
        ("Aug 2024", "Done", [["2", "Train", "30/06/2025", "On track"]]),
    ):
        sheet = workbook.create_sheet(title)
        for row in [HEADER, ["1", "Publish", "31/12/2024", status], *extra]:
            sheet.append(row)
    workbook.save(folder / "tracker.xlsx")
    files = 'layout = "sheets"\nsheets = ["* 2024"]\nperiod_pattern = \'(?P<month>[A-Z][a-z]{2}) (?P<year>\\d{4})\''
    register = load_register(folder, mapping(tmp_path, files))
    # hand count: July 1 row, August 2 rows
    assert register.files[["source", "period", "records"]].values.tolist() == [
        ["tracker.xlsx", "2024-07", 1],
        ["tracker.xlsx", "2024-08", 2],
    ]
    obs = register.observations.set_index("observation_id")
    assert obs.loc["2024-08/1", "status_raw"] == "Done"
    assert obs.loc["2024-08/2", "source_cell"] == "'Aug 2024'!A3"
    (notice,) = [n for n in register.notices if n.kind == "sheet_not_read"]
    assert "Notes" in notice.message


def test_sheets_layout_names_the_sheet_in_problems(tmp_path):
    from openpyxl import Workbook

    folder = tmp_path / "register"
    folder.mkdir()
    workbook = Workbook()
    workbook.active.title = "2024-07"
    workbook.active.append(HEADER)
    workbook.active.append(["1", "Publish", "31/13/2024", "On track"])
    workbook.create_sheet("2024 07 copy").append(HEADER)
    workbook.save(folder / "tracker.xlsx")
    problems = validate_register(folder, mapping(tmp_path, 'layout = "sheets"'))
    assert sorted((p.file, p.kind) for p in problems) == [
        ("tracker.xlsx [2024 07 copy]", "period_clash"),
        ("tracker.xlsx [2024-07]", "bad_date"),
    ]


# --------------------------------------------------------------------------- wide layout

WIDE = """
name = "demo"

[files]
layout = "wide"
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Action"

[wide]
status = 'Status (?P<month>[A-Z][a-z]{2}) (?P<year>\\d{4})'
due_end = 'Due (?P<year>\\d{4}) (?P<quarter>Q[1-4])'

[status.values]
"Done" = "Complete"
"On track" = "In progress"
"Late" = "In progress - completion slipped"
"""


def test_wide_layout_gives_one_observation_per_item_and_period_column(tmp_path):
    folder = tmp_path / "register"
    header = ["Ref", "Action", "Status Jun 2024", "Due 2024 Q2", "Status Sep 2024", "Due 2024 Q3"]
    rows = [
        header,
        ["1", "Publish", "On track", "31/12/2024", "Done", "31/12/2024"],
        ["2", "Train", "", "", "Late", "30/06/2024"],  # not reported in June
    ]
    write_csv(folder / "tracker.csv", rows)
    path = tmp_path / "MAP.toml"
    path.write_text(WIDE, encoding="utf-8")
    register = load_register(folder, path)
    # hand count: June 1 (item 2 blank), September 2
    assert register.files[["period", "records"]].values.tolist() == [["2024-06", 1], ["2024-09", 2]]
    obs = register.observations.set_index("observation_id")
    assert obs.loc["2024-06/1", "status_raw"] == "On track"
    assert obs.loc["2024-09/1", "state"] == "complete"
    assert obs.loc["2024-09/2", "status_raw"] == "Late"
    assert str(obs.loc["2024-09/2", "due_end"].date()) == "2024-06-30"
    assert obs.loc["2024-09/2", "source_cell"] == "A3"


def test_wide_layout_reports_a_pattern_no_header_matches(tmp_path):
    folder = tmp_path / "register"
    write_csv(folder / "tracker.csv", [["Ref", "Action", "Status Jun 2024"], ["1", "A", "Done"]])
    path = tmp_path / "MAP.toml"
    path.write_text(WIDE, encoding="utf-8")
    (problem,) = validate_register(folder, path)
    assert problem.kind == "missing_column" and "wide.due_end" in problem.message
    path.write_text(WIDE.replace('layout = "wide"', ""), encoding="utf-8")
    with pytest.raises(MappingError, match="wide"):
        read_mapping(path)


def test_the_documented_layout_examples_are_valid_mappings():
    from kerslake_analysis.base import paths
    from kerslake_analysis.ingest.register.mapping import parse_mapping

    text = (paths.PROJ_ROOT / "docs" / "register-mapping.md").read_text(encoding="utf-8")
    section = text[text.index("## Layouts and period rules") :]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 6  # quarters, day/hour/minute, long, sheets, wide, baseline
    base = 'name = "demo"\n'
    for block in blocks:
        if "[columns]" not in block:
            block += '\n[columns]\nid = "Ref"\ntext = "Action"\n'
        if "[status.values]" not in block and "status =" in block and "[wide]" in block:
            block += '\n[status.values]\n"Done" = "Complete"\n'
        parse_mapping(base + block, "register-mapping.md")
