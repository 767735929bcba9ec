"""Find a sheet's header row, and join headers written over several rows.

Councils put a title block above the table ("Corporate Governance Improvement Plan —
tracker", a date, a key) and sometimes split a header over two rows ("Project" over
"End Date", the upper cell merged across its columns). :func:`find_header_row` finds the
row holding the column names; :func:`join_header_rows` turns several header rows into one
header text per column ("Project - End Date").

Examples
--------
>>> rows = [["Improvement tracker"], ["As at 30 September 2018"], [],
...         ["Ref", "Action", "Due"], ["1.1", "Publish", "30/09/2018"]]
>>> find_header_row(rows, ["Ref", "Action", "Due"])
3
>>> find_header_row(rows)
3
>>> join_header_rows([["Project", "", "Owner"], ["Start", "End Date", ""]], [(0, 0, 0, 1)])
['Project - Start', 'Project - End Date', 'Owner']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from kerslake_analysis.ingest.register.mapping import normalise_key

#: How many rows from the top are searched for the header.
HEADER_SEARCH_ROWS = 30
#: The text between the parts of a header written over several rows.
HEADER_JOINER = " - "

_NUMBER_OR_DATE = re.compile(r"[\d\s.,/:%£$€+-]+|\d{4}-\d{2}-\d{2}(?: .*)?")


def header_score(
    row: Sequence[str], names: Iterable[str] = (), prefixes: Iterable[str] = ()
) -> int:
    """Count the mapped column names a row holds (exact names, or headers starting so).

    Parameters
    ----------
    row : sequence of str
        The row's cell texts.
    names : iterable of str
        Header texts, compared ignoring case and runs of white space.
    prefixes : iterable of str
        Starts of header texts (a mapping's ``{ starts_with = "…" }``).

    Returns
    -------
    int
        How many of ``names`` and ``prefixes`` the row holds.

    Examples
    --------
    >>> header_score(["Ref", "Action", "Project - End Date"], ["ref", "Owner"], ["Project -"])
    2
    """
    keys = {normalise_key(cell) for cell in row if str(cell).strip()}
    found = sum(1 for name in dict.fromkeys(normalise_key(n) for n in names) if name in keys)
    for prefix in dict.fromkeys(normalise_key(p) for p in prefixes):
        found += any(k.startswith(prefix) for k in keys)
    return found


def find_header_row(
    rows: Sequence[Sequence[str]],
    names: Iterable[str] = (),
    prefixes: Iterable[str] = (),
    *,
    search: int = HEADER_SEARCH_ROWS,
) -> int | None:
    """Return the 0-based index of the header row among the first ``search`` rows.

    Parameters
    ----------
    rows : sequence of sequence of str
        The sheet's cell texts, one list per row (as
        :attr:`~kerslake_analysis.ingest.register.sheets.Sheet.cells`).
    names, prefixes : iterable of str, optional
        The mapped column names (and starts of names). When given, the header is the
        first row holding the most of them; when none is given (a new tracker with no
        mapping yet), the first row with the most cells of text that are neither numbers
        nor dates, followed by a row at least half as wide.
    search : int, default :data:`HEADER_SEARCH_ROWS`
        How many rows from the top to consider.

    Returns
    -------
    int or None
        The row's index (0 = the sheet's first row), or None when no row holds any of
        ``names`` (or, without names, no row has two or more text cells).

    Examples
    --------
    >>> find_header_row([["Title"], ["Ref", "Action"], ["1", "Do"]], ["Ref", "Text"])
    1
    >>> find_header_row([["Title"], ["a", "b"]], ["Ref"]) is None
    True
    """
    names, prefixes = list(names), list(prefixes)
    top = [list(r) for r in rows[:search]]
    if names or prefixes:
        scores = [header_score(r, names, prefixes) for r in top]
        best = max(scores, default=0)
        return scores.index(best) if best > 0 else None
    best_index, best_count = None, 1
    for i, row in enumerate(top):
        count = sum(1 for c in row if str(c).strip() and not _NUMBER_OR_DATE.fullmatch(str(c)))
        following = rows[i + 1] if i + 1 < len(rows) else []
        filled_next = sum(1 for c in following if str(c).strip())
        if count > best_count and filled_next * 2 >= count:
            best_index, best_count = i, count
    return best_index


def join_header_rows(
    rows: Sequence[Sequence[str]],
    merged: Iterable[tuple[int, int, int, int]] = (),
    joiner: str = HEADER_JOINER,
) -> list[str]:
    """Join header rows top-down into one header text per column.

    Parameters
    ----------
    rows : sequence of sequence of str
        The header rows, top first.
    merged : iterable of (int, int, int, int)
        Merged ranges as ``(first_row, first_col, last_row, last_col)`` positions
        *relative to* ``rows``; the text of a range's first cell is spread over its span.
    joiner : str, default " - "
        Put between the parts.

    Returns
    -------
    list of str
        One text per column: the non-blank parts top-down, a part repeated by a vertical
        merge once, joined with ``joiner``.

    Examples
    --------
    >>> join_header_rows([["Ref", "Due"], ["", "End"]], [(0, 0, 1, 0)])
    ['Ref', 'Due - End']
    """
    width = max((len(r) for r in rows), default=0)
    grid = [[str(c) for c in r] + [""] * (width - len(r)) for r in rows]
    for r0, c0, r1, c1 in merged:
        if r0 < 0 or r0 >= len(grid) or c0 >= width:
            continue
        text = grid[r0][c0]
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            for c in range(c0, min(c1, width - 1) + 1):
                grid[r][c] = text
    header = []
    for c in range(width):
        parts: list[str] = []
        for r in range(len(grid)):
            part = " ".join(grid[r][c].split())
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        header.append(joiner.join(parts))
    return header
