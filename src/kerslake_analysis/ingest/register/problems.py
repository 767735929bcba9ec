"""The errors that list a register's problems (:class:`RegisterError`, :class:`MappingError`).

Every check of :mod:`kerslake_analysis.ingest.register` reports a
:class:`~kerslake_analysis.ingest.problems.Problem` (the package's one problem class)
naming the file, the row and column as a spreadsheet user sees them, the cell, what is
wrong and its ``kind``, so a council officer can open the file and fix the cell. Loading
collects every problem before raising one :class:`RegisterError`.

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
from dataclasses import replace

from kerslake_analysis.ingest.problems import (
    Problem,
    format_problems,
    problems_csv,
    sort_problems,
    summarise_problems,
    write_problems_csv,
)

__all__ = [
    "MappingError",
    "Problem",
    "RegisterError",
    "format_problems",
    "problems_csv",
    "sort_problems",
    "summarise_problems",
    "write_problems_csv",
]


class RegisterError(ValueError):
    """A register cannot be loaded; ``problems`` lists everything wrong with it.

    The message is :func:`~kerslake_analysis.ingest.problems.summarise_problems`: the
    whole list when it is short, otherwise counts by file and kind with two examples
    each; ``problems`` always holds every one.

    Parameters
    ----------
    problems : iterable of Problem

    Examples
    --------
    >>> error = RegisterError([Problem("2018-09.csv", 3, "Ref", "ID is empty", "A3")])
    >>> print(error)
    1 problem:
      2018-09.csv, row 3, column Ref (cell A3): ID is empty
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sort_problems(problems)
        super().__init__(
            summarise_problems(
                self.problems,
                f"All {len(self.problems)} are in the error's .problems; `kerslake validate "
                "FOLDER --mapping MAP.toml --all` lists them, --csv FILE writes them as CSV.",
            )
        )


class MappingError(RegisterError):
    """The mapping file itself is malformed (bad TOML, unknown or missing keys …).

    Its problems are of kind ``"mapping"`` unless they say otherwise.
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        super().__init__(p if p.kind else replace(p, kind="mapping") for p in problems)
