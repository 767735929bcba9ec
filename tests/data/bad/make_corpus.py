"""Write the bad-input corpus of tests/data/bad/ (run once; the files are committed).

Usage: ``.venv/bin/python tests/data/bad/make_corpus.py``. Each case is a folder:

* ``registers/<case>/`` — a council tracker (snapshot files) read with
  ``registers/mapping.toml`` (or the case's own ``mapping.toml``), with one defect;
* ``curated/<case>/<table>.csv`` — the header and first records of a real curated
  table from ``data/curated/`` with one defect; the tests put it in place of the real
  file in a temporary copy of ``data/curated/``.

What each defect is, and where (file, row, column), is listed in README.md and checked
by tests/test_bad_inputs.py. Very large files are not committed: the tests write them.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
CURATED = HERE.parents[2] / "data" / "curated"

HEADER = ["Ref", "Action", "Lead", "Start", "Due", "Status", "Completed", "Update"]
#: A good August 2018 snapshot: rows 2-4 of every register case unless the case changes them.
GOOD = [
    ["1.1", "Publish the plan", "Chief Executive", "01/07/2018", "31/08/2018", "On track", "", ""],
    ["1.2", "Hire auditors", "Finance", "01/07/2018", "30/09/2018", "Not started", "", ""],
    ["2.1", "Review scrutiny", "Legal", "01/06/2018", "31/07/2018", "Done", "20/07/2018", "Done"],
]


def _csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _with(row: int, column: str, value: str) -> list[list[str]]:
    """The good rows with one cell replaced (``row`` is the spreadsheet row, 2-4)."""
    rows = [list(r) for r in GOOD]
    rows[row - 2][HEADER.index(column)] = value
    return rows


def _register_csv(case: str, rows: list[list[str]], name: str = "2018-08.csv", **kw) -> None:
    folder = HERE / "registers" / case
    folder.mkdir(parents=True, exist_ok=True)
    text = _csv_text(rows)
    (folder / name).write_bytes(text.encode(kw.get("encoding", "utf-8")))


def _register_xlsx(case: str, rows: list[list[object]], merged: tuple[str, ...] = ()) -> None:
    folder = HERE / "registers" / case
    folder.mkdir(parents=True, exist_ok=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Tracker"
    for row in rows:
        sheet.append(row)
    for cells in merged:
        sheet.merge_cells(cells)
    workbook.save(folder / "2018-08.xlsx")


def registers() -> None:
    _register_csv("missing_column", [[h if h != "Due" else "Deadline" for h in HEADER], *GOOD])
    _register_csv("unknown_status", [HEADER, *_with(3, "Status", "Parked")])
    _register_csv("unparseable_date", [HEADER, *_with(2, "Due", "end of summer")])
    _register_csv("impossible_date", [HEADER, *_with(3, "Due", "31/09/2018")])
    _register_csv("implausible_year", [HEADER, *_with(4, "Start", "01/06/2108")])
    _register_csv("end_before_start", [HEADER, *_with(3, "Start", "01/10/2018")])
    _register_csv("completion_before_start", [HEADER, *_with(4, "Completed", "20/05/2018")])
    _register_csv("completion_after_snapshot", [HEADER, *_with(4, "Completed", "03/09/2018")])
    _register_csv("duplicate_ids", [HEADER, *_with(4, "Ref", "1.1")])
    _register_csv("empty_id", [HEADER, *_with(3, "Ref", "  ")])
    _register_csv("empty_text", [HEADER, *_with(2, "Action", "")])
    _register_csv("empty_file", [])
    _register_csv("header_only", [HEADER])
    # "Hire auditors – external": the en dash is byte 0x96 in Windows-1252, not UTF-8.
    _register_csv(
        "wrong_encoding",
        [HEADER, *_with(3, "Action", "Hire auditors – external")],
        encoding="cp1252",
    )
    _register_csv("formula_error_csv", [HEADER, *_with(2, "Due", "#N/A")])
    _register_csv("value_beyond_header", [HEADER, *GOOD[:1], [*GOOD[1], "stray note"], *GOOD[2:]])
    _register_csv("ambiguous_column", [[*HEADER, "Status"], *[[*r, r[5]] for r in GOOD]])
    _register_csv("no_period_in_name", [HEADER, *GOOD], name="tracker.csv")
    _register_csv("two_files_one_period", [HEADER, *GOOD])
    _register_csv("two_files_one_period", [HEADER, *GOOD], name="2018_08 v2.csv")
    _register_xlsx("merged_header", [HEADER, *GOOD], merged=("E1:F1",))
    _register_xlsx("merged_cells", [HEADER, *GOOD], merged=("C2:C3",))
    _register_xlsx("formula_errors", [HEADER, *_with(3, "Lead", "#REF!")])
    folder = HERE / "registers" / "corrupt_workbook"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2018-08.xlsx").write_bytes(b"PK\x03\x04 this is not really a zip archive\n")
    folder = HERE / "registers" / "old_excel"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2018-08.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Excel 97-2003\n")
    folder = HERE / "registers" / "bad_mapping"
    _register_csv("bad_mapping", [HEADER, *GOOD])
    mapping = (HERE / "registers" / "mapping.toml").read_text(encoding="utf-8")
    mapping = mapping.replace('text = "Action"', 'txt = "Action"')
    (folder / "mapping.toml").write_text(mapping, encoding="utf-8")


def _own_mapping(case: str, old: str, new: str) -> None:
    """The case's own mapping.toml: the corpus mapping with ``old`` replaced by ``new``."""
    mapping = (HERE / "registers" / "mapping.toml").read_text(encoding="utf-8")
    assert old in mapping
    (HERE / "registers" / case / "mapping.toml").write_text(
        mapping.replace(old, new), encoding="utf-8"
    )


def hostile_registers() -> None:
    """Cases of issue 14: input made to escape, exhaust or mislead the reader."""
    # A quote opened in B3 and never closed: the rest of the file would become one cell.
    text = _csv_text([HEADER, *GOOD]).replace("Hire auditors", '"Hire auditors', 1)
    folder = HERE / "registers" / "unterminated_quote"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2018-08.csv").write_text(text, encoding="utf-8")
    # Text after a closing quote in B2: "Publish" the plan.
    text = _csv_text([HEADER, *GOOD]).replace("Publish the plan", '"Publish" the plan', 1)
    folder = HERE / "registers" / "text_after_quote"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2018-08.csv").write_text(text, encoding="utf-8")
    # A header of 1,001 columns: one more than files.max_columns (1,000).
    _register_csv("too_many_columns", [[*HEADER, *(f"x{i}" for i in range(993))], *GOOD])
    # One stray cell in the sheet's far corner, XFD1048576, the dimension declaring it.
    _register_xlsx("stray_cell", [HEADER, *GOOD])
    _far_corner(HERE / "registers" / "stray_cell" / "2018-08.xlsx", declared="A1:XFD1048576")
    # The same, the dimension claiming A1:H4 (the reader must not trust it).
    _register_xlsx("stray_cell_undeclared", [HEADER, *GOOD])
    _far_corner(HERE / "registers" / "stray_cell_undeclared" / "2018-08.xlsx", declared="A1:H4")
    # Names that would become paths outside --out.
    _register_csv("name_escapes", [HEADER, *GOOD])
    _own_mapping("name_escapes", 'name = "bad-input-corpus"', 'name = "../../somewhere"')
    _register_csv("name_absolute", [HEADER, *GOOD])
    _own_mapping("name_absolute", 'name = "bad-input-corpus"', 'name = "/tmp/somewhere"')
    _register_csv("name_with_slash", [HEADER, *GOOD])
    _own_mapping("name_with_slash", 'name = "bad-input-corpus"', 'name = "a/b"')
    # A title with a line break (it becomes an e-mail subject).
    _register_csv("title_line_break", [HEADER, *GOOD])
    _own_mapping(
        "title_line_break",
        'title = "Bad-input corpus (synthetic test data)"',
        'title = "Bad-input corpus\\nBcc: everyone@example.org"',
    )
    # A mapping nested 5,000 arrays deep (tomllib recurses once per level).
    _register_csv("deep_mapping", [HEADER, *GOOD])
    mapping = (HERE / "registers" / "mapping.toml").read_text(encoding="utf-8")
    (HERE / "registers" / "deep_mapping" / "mapping.toml").write_text(
        mapping + "deep = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8"
    )
    # A symbolic link to a file outside the tracker folder (another case's snapshot).
    _register_csv("symlink", [HEADER, *GOOD])
    link = HERE / "registers" / "symlink" / "2018-09.csv"
    link.symlink_to(Path("..") / "unknown_status" / "2018-08.csv")


def _far_corner(path: Path, declared: str) -> None:
    """Put "stray" in XFD1048576 of the workbook's sheet and declare ``declared``."""
    raw = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>stray</t></is></c></row>'
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</sheetData>", cell + b"</sheetData>")
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{declared}"'.encode(), content
                )
            dst.writestr(info, content)
    path.write_bytes(out.getvalue())


def _curated(case: str, table: str, records: int, change) -> None:
    """The header and first ``records`` records of a curated table, changed by ``change``."""
    with (CURATED / f"{table}.csv").open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        rows = [next(reader) for _ in range(records + 1)]
    folder = HERE / "curated" / case
    folder.mkdir(parents=True, exist_ok=True)
    data = change(rows)
    if isinstance(data, list):
        data = _csv_text(data).encode("utf-8")
    (folder / f"{table}.csv").write_bytes(data)


def _set(row: int, column: str, value: str):
    """Change one cell: ``row`` is the spreadsheet row (header 1, first record 2)."""

    def change(rows):
        rows[row - 1][rows[0].index(column)] = value
        return rows

    return change


def _drop_column(column: str):
    def change(rows):
        j = rows[0].index(column)
        return [r[:j] + r[j + 1 :] for r in rows]

    return change


def _one_cell_in_cp1252(row: int, column: str, value: str):
    """Write ``value`` into one cell in Windows-1252 (as if pasted from another program)."""

    def change(rows):
        rows[row - 1][rows[0].index(column)] = value
        data = _csv_text(rows).encode("utf-8")
        assert data.count(value.encode("utf-8")) == 1
        return data.replace(value.encode("utf-8"), value.encode("cp1252"))

    return change


def _extra_field(row: int, value: str):
    def change(rows):
        rows[row - 1].append(value)
        return rows

    return change


def curated() -> None:
    _curated("missing_column", "commitments", 3, _drop_column("owner"))
    _curated("unknown_state", "observations", 3, _set(3, "state", "done"))
    _curated("unparseable_date", "commitments", 3, _set(2, "due_end", "28/02/2015"))
    _curated("impossible_date", "commitments", 3, _set(4, "due_end", "2015-02-30"))
    _curated("due_before_start", "commitments", 3, _set(3, "due_start", "2015-04-01"))
    _curated("duplicate_ids", "observations", 3, _set(4, "observation_id", "GAP16-AP15-1.22"))
    _curated("unknown_plan", "commitments", 3, _set(3, "plan", "ap-2016"))
    _curated("not_a_number", "claims", 3, _set(2, "source_line", "12a"))
    _curated("unknown_source", "snapshots", 3, _set(4, "source", "005_0000000000000000.txt"))
    _curated("line_break", "slippage_reasons", 3, _set(3, "reason", "More planning\nneeded"))
    _curated("ragged_row", "status_key", 3, _extra_field(3, "a tenth field"))
    _curated(
        "wrong_encoding", "status_key", 3, _one_cell_in_cp1252(3, "description", "Started – late")
    )
    _curated("unknown_commitment", "observations", 3, _set(3, "commitment_id", "AP15-9.99"))
    folder = HERE / "curated" / "empty_file"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "snapshots.csv").write_bytes(b"")


def main() -> None:
    for part in ("registers", "curated"):
        for case in (HERE / part).glob("*/"):
            shutil.rmtree(case)
    registers()
    hostile_registers()
    curated()


if __name__ == "__main__":
    main()
