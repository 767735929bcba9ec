"""Problems found in a register or its mapping, and the error that lists them.

Every check of :mod:`kerslake_analysis.ingest.register` reports a :class:`Problem` naming the
file, the row and column as a spreadsheet user sees them, and what is wrong, so a
council officer can open the file and fix the cell. Loading collects every problem
before raising one :class:`RegisterError`.

Examples
--------
>>> problem = Problem("2018-09.csv", 7, "Due date", "not a date in the format dd/mm/yyyy: 'soon'")
>>> str(problem)
"2018-09.csv, row 7, column 'Due date': not a date in the format dd/mm/yyyy: 'soon'"
>>> print(format_problems([problem, Problem("MAP.toml", message="missing required key 'name'")]))
2 problems:
  MAP.toml: missing required key 'name'
  2018-09.csv, row 7, column 'Due date': not a date in the format dd/mm/yyyy: 'soon'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a register file, one of its cells, or its mapping.

    Parameters
    ----------
    file : str
        The file name (a snapshot file or the mapping file).
    row : int, optional
        The row as a spreadsheet shows it (1 = the first line of the file); ``None``
        when the problem concerns a whole file or the mapping.
    column : str, optional
        The council's column name (the header text as written, on one line).
    message : str
        What is wrong, quoting the offending value, in plain English.
    cell : str, optional
        The spreadsheet cell reference (``"C7"``), where one cell is at fault.
    """

    file: str
    row: int | None = None
    column: str | None = None
    message: str = ""
    cell: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        head = ", ".join(where)
        if self.cell is not None:
            head += f" (cell {self.cell})"
        return f"{head}: {self.message}"

    def sort_key(self) -> tuple[str, int, str, str]:
        """Order problems by file, row, column and message (file-wide problems first)."""
        return (self.file, self.row or 0, self.column or "", self.message)


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
    return f"{count} problem{'s' if count != 1 else ''}:\n{lines}"


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


class RegisterError(ValueError):
    """A register cannot be loaded; ``problems`` lists everything wrong with it.

    Parameters
    ----------
    problems : iterable of Problem

    Examples
    --------
    >>> error = RegisterError([Problem("2018-09.csv", 3, "Ref", "ID is empty", "A3")])
    >>> print(error)
    1 problem:
      2018-09.csv, row 3, column 'Ref' (cell A3): ID is empty
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sort_problems(problems)
        super().__init__(format_problems(self.problems))


class MappingError(RegisterError):
    """The mapping file itself is malformed (bad TOML, unknown or missing keys …)."""
