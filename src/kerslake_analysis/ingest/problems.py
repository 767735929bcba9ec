"""One thing wrong with an input file, and how lists of them are shown.

Every check of the package's inputs — the curated tables
(:mod:`kerslake_analysis.ingest.load`, the document modules) and a council's tracker
(:mod:`kerslake_analysis.ingest.register`) — reports a :class:`Problem` naming the file,
the row and column as a spreadsheet user sees them, the cell, what is wrong, and a
machine-readable ``kind`` for grouping. :func:`format_problems` lists them one a line,
:func:`summarise_problems` groups a long list by file and kind (counts and two examples
each) and :func:`write_problems_csv` writes every one as CSV.

Examples
--------
>>> problem = Problem("2018-09.csv", 7, "Due date", "not a date: 'soon'", "C7", "bad_date")
>>> str(problem)
"2018-09.csv, row 7, column 'Due date' (cell C7): not a date: 'soon'"
>>> str(Problem("commitments.csv", 3, "due_end", "not a date (YYYY-MM-DD): '2015-13-01'"))
"commitments.csv, row 3, column due_end: not a date (YYYY-MM-DD): '2015-13-01'"
>>> str(Problem("snapshots.csv", None, "measure", "column missing"))
'snapshots.csv, all rows, column measure: column missing'
>>> print(format_problems([problem, Problem("MAP.toml", message="missing required key 'name'")]))
2 problems:
  MAP.toml: missing required key 'name'
  2018-09.csv, row 7, column 'Due date' (cell C7): not a date: 'soon'
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

#: Problems listed whole by :func:`summarise_problems`; a longer list is summarised.
SUMMARY_THRESHOLD = 12
#: Examples shown for each file and kind in a summary.
SUMMARY_EXAMPLES = 2
#: Columns of :func:`write_problems_csv`.
CSV_COLUMNS: tuple[str, ...] = ("file", "row", "column", "cell", "kind", "message")
#: The kind of a problem whose check gave none.
OTHER_KIND = "other"

_IDENTIFIERS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:, [A-Za-z_][A-Za-z0-9_]*)*")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, one of its cells, or a mapping.

    Parameters
    ----------
    file : str
        The file name (a snapshot file, a curated table, the mapping file).
    row : int, optional
        The row as a spreadsheet shows it (1 = the first line of the file); ``None``
        when the problem concerns a whole file, or a whole column (``column`` set).
    column : str, optional
        The column name (the header text as written, on one line; several
        comma-separated). Shown bare when it is a plain name (``due_end``), quoted
        otherwise (``'Due date'``).
    message : str
        What is wrong, quoting the offending value, in plain English.
    cell : str, optional
        The spreadsheet cell reference (``"C7"``), where one cell is at fault.
    kind : str, optional
        What sort of problem it is, for grouping and for machines (``"bad_date"``,
        ``"unknown_status"``, ``"encoding"`` …); "" when the check gives none.
    """

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    cell: str | None = None
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.file}{self._where()}: {self.message}"

    def _where(self) -> str:
        """``", row 7, column 'Due date' (cell C7)"``: the place after the file name."""
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        elif self.column is not None:
            parts.append("all rows")
        if self.column is not None:
            shown = self.column if _IDENTIFIERS.fullmatch(self.column) else repr(self.column)
            parts.append(f"column {shown}")
        where = "".join(f", {p}" for p in parts)
        if self.cell is not None:
            where += f" (cell {self.cell})"
        return where

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order problems by file, row, column and message (file-wide problems first)."""
        return (self.file, self.row or 0, self.column or "", self.message)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Remove duplicates and sort: mapping problems first, then by file, row and column.

    Parameters
    ----------
    problems : iterable of Problem

    Returns
    -------
    list of Problem
    """
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (not p.file.endswith(".toml"), *p.sort_key()))


def format_problems(problems: Iterable[Problem]) -> str:
    """Return every problem on its own line, sorted by file, row and column.

    Parameters
    ----------
    problems : iterable of Problem

    Returns
    -------
    str
        ``"No problems found."`` when there are none; otherwise a count line followed
        by one indented line per problem. Problems of the mapping file come first.

    Examples
    --------
    >>> format_problems([])
    'No problems found.'
    """
    problems = sort_problems(problems)
    if not problems:
        return "No problems found."
    count = len(problems)
    lines = "\n".join(f"  {p}" for p in problems)
    return f"{count} problem{_s(count)}:\n{lines}"


def summarise_problems(problems: Iterable[Problem], how_to_see_all: str = "") -> str:
    """Return a short summary: per file, each kind with its count and two examples.

    A list of at most :data:`SUMMARY_THRESHOLD` problems is returned whole
    (:func:`format_problems`): it is its own summary.

    Parameters
    ----------
    problems : iterable of Problem
    how_to_see_all : str, optional
        The last line of a summary, saying how to see every problem (the command line's
        ``--all`` and ``--csv``); a default sentence if not given.

    Returns
    -------
    str
        ``"N problems in F files (a summary: …)"``, then for each file (mapping first)
        a line with its count, and for each kind (most frequent first) a line with the
        count and up to :data:`SUMMARY_EXAMPLES` indented examples, then
        ``how_to_see_all``.

    Examples
    --------
    >>> bad = [Problem("a.csv", r, "Due", f"not a date: 'x{r}'", f"C{r}", "bad_date")
    ...        for r in range(2, 22)]
    >>> print(summarise_problems(bad, "Use --all to see every problem."))
    20 problems in 1 file (a summary):
    a.csv: 20 problems
      bad_date: 20
        row 2, column Due (cell C2): not a date: 'x2'
        row 3, column Due (cell C3): not a date: 'x3'
        … and 18 more
    Use --all to see every problem.
    """
    problems = sort_problems(problems)
    if len(problems) <= SUMMARY_THRESHOLD:
        return format_problems(problems)
    by_file: dict[str, dict[str, list[Problem]]] = {}
    for problem in problems:
        kinds = by_file.setdefault(problem.file, {})
        kinds.setdefault(problem.kind or OTHER_KIND, []).append(problem)
    count, files = len(problems), len(by_file)
    lines = [f"{count} problems in {files} file{_s(files)} (a summary):"]
    for file, kinds in by_file.items():
        total = sum(len(group) for group in kinds.values())
        lines.append(f"{file}: {total} problem{_s(total)}")
        for kind, group in sorted(kinds.items(), key=lambda item: (-len(item[1]), item[0])):
            lines.append(f"  {kind}: {len(group)}")
            for example in group[:SUMMARY_EXAMPLES]:
                lines.append(
                    f"    {example._where().removeprefix(', ') or 'the file'}: {example.message}"
                )
            if len(group) > SUMMARY_EXAMPLES:
                lines.append(f"    … and {len(group) - SUMMARY_EXAMPLES} more")
    lines.append(how_to_see_all or "The full list: format_problems(problems).")
    return "\n".join(lines)


def problems_csv(problems: Iterable[Problem]) -> str:
    """Return every problem as CSV text: file, row, column, cell, kind, message.

    Parameters
    ----------
    problems : iterable of Problem

    Returns
    -------
    str
        A header line and one line per problem, sorted as :func:`sort_problems`; a
        missing row, column or cell is an empty field.

    Examples
    --------
    >>> print(problems_csv([Problem("a.csv", 2, "Due", "bad, very", "C2", "bad_date")]), end="")
    file,row,column,cell,kind,message
    a.csv,2,Due,C2,bad_date,"bad, very"
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in sort_problems(problems):
        row = "" if p.row is None else p.row
        writer.writerow([p.file, row, p.column or "", p.cell or "", p.kind, p.message])
    return buffer.getvalue()


def write_problems_csv(problems: Iterable[Problem], path: Path | str) -> Path:
    """Write every problem to a UTF-8 CSV file (see :func:`problems_csv`).

    Parameters
    ----------
    problems : iterable of Problem
    path : pathlib.Path or str
        The file to write (replaced if it exists).

    Returns
    -------
    pathlib.Path
    """
    path = Path(path)
    path.write_text(problems_csv(problems), encoding="utf-8", newline="")
    return path


def read_problems_csv(path: Path | str) -> list[Problem]:
    """Read problems written by :func:`write_problems_csv`.

    Parameters
    ----------
    path : pathlib.Path or str

    Returns
    -------
    list of Problem
    """
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return [
            Problem(
                r["file"],
                int(r["row"]) if r["row"] else None,
                r["column"] or None,
                r["message"],
                r["cell"] or None,
                r["kind"],
            )
            for r in csv.DictReader(handle)
        ]


def _s(count: int) -> str:
    return "" if count == 1 else "s"
