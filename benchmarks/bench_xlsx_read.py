"""Time reading a large tracker workbook: python-calamine against openpyxl, in one run.

Usage::

    PYTHONPATH=src python benchmarks/bench_xlsx_read.py [--rows 50000] [--columns 20] [--repeat 2]

Writes one workbook of ``--rows`` records × ``--columns`` columns (an ID, texts, numbers
and real dates, as a council's tracker holds) into a temporary folder, then reads it with
:func:`kerslake_analysis.ingest.register.sheets.read_sheet` three ways: the calamine path
(values only: the default when the mapping reads no fill colours), the openpyxl read-only
path (``USE_CALAMINE = False``) and the openpyxl path that also reads fill colours
(``fills=True``, as with ``[status.colours]``). Each is timed ``--repeat`` times (best
kept) and printed with its ratio to openpyxl, and the three grids are checked equal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from kerslake_analysis.ingest.register import sheets


def make_workbook(path: Path, rows: int, columns: int) -> None:
    """Write a tracker-like workbook: ID, text, date, number columns in turn."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Tracker")
    sheet.append([f"Column {j + 1}" for j in range(columns)])
    start = dt.datetime(2018, 1, 1)
    for i in range(rows):
        row: list[object] = []
        for j in range(columns):
            kind = j % 4
            if j == 0:
                row.append(f"CGIP18-{i + 1}")
            elif kind == 1:
                row.append(f"Action {i} step {j}: publish the improvement plan")
            elif kind == 2:
                row.append(start + dt.timedelta(days=(i + j) % 1000))
            else:
                row.append((i * j) % 997 + 0.5)
        sheet.append(row)
    workbook.save(path)


def time_read(path: Path, limits: sheets.Limits, *, calamine: bool, fills: bool, repeat: int):
    """Best wall time of ``repeat`` reads, and the sheet read."""
    sheets.USE_CALAMINE = calamine
    best, sheet = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        sheet, problems = sheets.read_sheet(path, limits=limits, fills=fills)
        best = min(best, time.perf_counter() - started)
        assert not problems, problems
    return best, sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--columns", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "2018-09.xlsx"
        started = time.perf_counter()
        make_workbook(path, args.rows, args.columns)
        written = time.perf_counter() - started
        size = path.stat().st_size / 1_000_000
        print(
            f"workbook: {args.rows} records x {args.columns} columns, {size:.1f} MB, "
            f"written in {written:.1f} s; Python {platform.python_version()} on "
            f"{platform.machine()}"
        )
        limits = sheets.Limits(records=args.rows, cells=(args.rows + 1) * args.columns)
        runs = {
            "openpyxl read-only": time_read(
                path, limits, calamine=False, fills=False, repeat=args.repeat
            ),
            "openpyxl read-only, fill colours": time_read(
                path, limits, calamine=False, fills=True, repeat=args.repeat
            ),
            "python-calamine (after the XML checks)": time_read(
                path, limits, calamine=True, fills=False, repeat=args.repeat
            ),
        }
        sheets.USE_CALAMINE = True
        base, grid = runs["openpyxl read-only"]
        for label, (seconds, sheet) in runs.items():
            same = sheet.cells == grid.cells and sheet.native_dates == grid.native_dates
            print(
                f"{label:40s} {seconds:6.2f} s  {seconds / base:5.2f} x openpyxl  "
                f"{'same cells' if same else 'CELLS DIFFER'}"
            )
            if not same:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
