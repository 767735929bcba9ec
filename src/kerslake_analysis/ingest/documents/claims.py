"""The claims register: every figure the five source documents state.

The register is a hand transcription, ``data/transcriptions/claims.csv`` (its provenance,
columns and key grammar are described in ``data/transcriptions/README.md``). Each row is
one figure - a count, percentage, sum of money, date, period, duration, rank or ratio -
with the quantity it measures (``quantity_key``), its value and unit, and the verbatim
``quote`` on line ``source_line`` of the raw file ``source`` that states it.

:func:`build` reads the file, checks every cell against the register's rules and every
quote against its source line, and returns the rows as the ``claims`` table. Any
problem raises :class:`ClaimsError` naming the file, the row and the column.

Examples
--------
>>> claims = build()["claims"]
>>> row = claims.set_index("claim_id").loc["CLM-000-013"]
>>> row["quantity_key"], row["value"], row["unit"]
('ap15.actions.total', '134', 'count')
>>> split_key("ap15.actions.by_status.complete.share@2015-12")
KeyParts(base='ap15.actions.by_status.complete.share', bound='', period='2015-12')
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.provenance import SourceDocument

#: The hand-transcribed register.
CLAIMS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "claims.csv"

#: The register's columns, in order.
COLUMNS: tuple[str, ...] = (
    "claim_id",
    "quantity_key",
    "value",
    "unit",
    "as_of",
    "text",
    "source",
    "source_line",
    "quote",
    "note",
)

#: Units whose value is a plain decimal number.
NUMBER_UNITS: frozenset[str] = frozenset(
    {
        "count",
        "percent",
        "gbp",
        "months",
        "years",
        "weeks",
        "days",
        "rank",
        "ratio",
        "fraction",
        "multiple",
    }
)
#: Units whose value is a calendar date (``date``) or a span of dates (``period``).
TIME_UNITS: frozenset[str] = frozenset({"date", "period"})
UNITS: frozenset[str] = NUMBER_UNITS | TIME_UNITS

#: ``CLM-<file prefix>-<order>``: the raw file's three-digit prefix, then the claim's
#: position in that file (by line, then by position of the quote on the line).
CLAIM_ID = re.compile(r"CLM-(\d{3})-(\d{3})")

#: Bound segments: the value is a lower bound, an upper bound, or approximate.
BOUNDS: tuple[str, ...] = ("min", "max", "approx")

#: ``subject(.facet)+[@period]``: lower-case dotted segments; ``+`` joins parts into a
#: stated subtotal; ``@YYYY`` or ``@YYYY-MM`` names the period the figure describes.
QUANTITY_KEY = re.compile(
    r"[a-z][a-z0-9_]*(?:\.[a-z0-9][a-z0-9_-]*(?:\+[a-z0-9][a-z0-9_-]*)*)+(?:@\d{4}(?:-\d{2})?)?"
)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


class ClaimsError(ValueError):
    """The claims register breaks one of its rules."""


class KeyParts(NamedTuple):
    """A quantity key split into the quantity, its bound and its period."""

    base: str
    bound: str
    period: str


def split_key(key: str) -> KeyParts:
    """Split a quantity key into the quantity it names, its bound and its period.

    Two claims state the same quantity when their ``base`` and ``period`` are equal;
    ``bound`` says whether the value is exact (``""``), a lower bound (``"min"``), an
    upper bound (``"max"``) or approximate (``"approx"``).

    Parameters
    ----------
    key : str
        A quantity key, for example ``"iif21.structure.build.duration.max"``.

    Returns
    -------
    KeyParts

    Raises
    ------
    ClaimsError
        If ``key`` does not follow the grammar.

    Examples
    --------
    >>> split_key("iif21.structure.build.duration.max")
    KeyParts(base='iif21.structure.build.duration', bound='max', period='')
    """
    if not QUANTITY_KEY.fullmatch(key):
        raise ClaimsError(f"quantity key {key!r} does not follow the key grammar")
    quantity, _, period = key.partition("@")
    head, _, last = quantity.rpartition(".")
    if last in BOUNDS:
        return KeyParts(head, last, period)
    return KeyParts(quantity, "", period)


def read_claims(path: Path = CLAIMS_FILE) -> pd.DataFrame:
    """Read and check the claims register.

    Parameters
    ----------
    path : pathlib.Path, default :data:`CLAIMS_FILE`
        The register's CSV file.

    Returns
    -------
    pandas.DataFrame
        One row per claim with the columns :data:`COLUMNS`; every column is a string
        except ``source_line`` (int64).

    Raises
    ------
    ClaimsError
        If a column is missing or unexpected, or a cell breaks a rule (an ID that is
        not unique or not in file order, an unknown unit, a key outside the grammar, a
        value that does not suit its unit, an invalid date, or a quote that is not on
        its stated line). The message names the file, the row and the column; every
        problem is listed, not just the first.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    if tuple(frame.columns) != COLUMNS:
        raise ClaimsError(
            f"{path.name}: columns are {list(frame.columns)}; expected {list(COLUMNS)}"
        )
    problems = _cell_problems(frame) + _quote_problems(frame)
    if problems:
        listed = "\n".join(
            f"{path.name}, row {row} (claim {claim}), column {column!r}: {message}"
            for row, claim, column, message in sorted(problems)
        )
        raise ClaimsError(f"{len(problems)} problem(s) in the claims register:\n{listed}")
    return frame.assign(source_line=frame["source_line"].astype("int64"))


def build() -> dict[str, pd.DataFrame]:
    """Return the claims register as the ``claims`` table.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"claims": frame}`` with the columns :data:`COLUMNS`.

    Raises
    ------
    ClaimsError
        If the register breaks a rule (see :func:`read_claims`).
    """
    return {"claims": read_claims()}


def _cell_problems(frame: pd.DataFrame) -> list[tuple[int, str, str, str]]:
    """Problems with single cells, as (file row, claim ID, column, message)."""
    problems: list[tuple[int, str, str, str]] = []
    rows = pd.RangeIndex(2, len(frame) + 2)  # line 1 of the file is the header

    def flag(mask: pd.Series, column: str, message) -> None:
        for index in mask[mask].index:
            text = message(frame.loc[index]) if callable(message) else message
            problems.append((int(rows[index]), frame.at[index, "claim_id"], column, text))

    prefix_of = {name: name[:3] for name in paths.SOURCE_FILES.values()}
    id_parts = frame["claim_id"].str.fullmatch(CLAIM_ID.pattern)
    flag(~id_parts, "claim_id", "is not of the form CLM-<file prefix>-<three digits>")
    flag(frame["claim_id"].duplicated(keep=False), "claim_id", "is not unique")
    flag(
        id_parts & (frame["claim_id"].str[4:7] != frame["source"].map(prefix_of).fillna("")),
        "claim_id",
        lambda r: f"its prefix does not match the source file {r['source']}",
    )
    flag(
        ~frame["source"].isin(prefix_of),
        "source",
        lambda r: f"{r['source']!r} is not one of the five raw files",
    )
    line_ok = frame["source_line"].str.fullmatch(r"[1-9]\d*")
    flag(~line_ok, "source_line", "is not a line number >= 1")
    for column in ("quantity_key", "value", "text", "quote"):
        flag(frame[column].str.strip() == "", column, "must not be empty")
    flag(
        ~frame["quantity_key"].str.fullmatch(QUANTITY_KEY.pattern) & (frame["quantity_key"] != ""),
        "quantity_key",
        lambda r: f"{r['quantity_key']!r} does not follow the key grammar",
    )
    flag(~frame["unit"].isin(UNITS), "unit", lambda r: f"{r['unit']!r} is not a known unit")
    for column in COLUMNS:
        flag(frame[column].str.contains(r"[\r\n]", regex=True), column, "has a line break")

    number = frame["unit"].isin(NUMBER_UNITS)
    flag(
        number & ~frame["value"].str.fullmatch(_NUMBER.pattern),
        "value",
        lambda r: f"{r['value']!r} is not a plain decimal number",
    )
    flag(
        (frame["unit"] == "date") & ~frame["value"].map(_is_date),
        "value",
        lambda r: f"{r['value']!r} is not a date YYYY, YYYY-MM or YYYY-MM-DD",
    )
    flag(
        (frame["unit"] == "period") & ~frame["value"].map(_is_period),
        "value",
        lambda r: f"{r['value']!r} is not a period START/END of ordered dates",
    )
    flag(
        (frame["as_of"] != "") & ~frame["as_of"].map(lambda s: _is_date(s) and len(s) == 10),
        "as_of",
        lambda r: f"{r['as_of']!r} is not empty or a date YYYY-MM-DD",
    )

    lines = pd.to_numeric(frame["source_line"], errors="coerce")
    by_id = lines.groupby(frame["claim_id"].str[4:7]).shift(1)  # rows are in ID order
    flag(
        lines.lt(by_id) | frame["claim_id"].lt(frame["claim_id"].shift(1)),
        "claim_id",
        "is out of order: IDs run by file, then by line",
    )
    return problems


def _quote_problems(frame: pd.DataFrame) -> list[tuple[int, str, str, str]]:
    """Quotes that are not verbatim on their stated line."""
    documents = {
        name: SourceDocument.open(key).lines
        for key, name in paths.SOURCE_FILES.items()
        if name in set(frame["source"])
    }
    problems = []
    for row, claim, source, line, quote in zip(
        range(2, len(frame) + 2),
        frame["claim_id"],
        frame["source"],
        frame["source_line"],
        frame["quote"],
        strict=True,
    ):
        lines = documents.get(source)
        if lines is None or not line.isdigit() or not quote:
            continue  # reported by _cell_problems
        number = int(line)
        if not 1 <= number <= len(lines):
            problems.append((row, claim, "source_line", f"{source} has no line {number}"))
        elif quote not in lines[number - 1]:
            problems.append((row, claim, "quote", f"not verbatim on line {number} of {source}"))
    return problems


def _is_date(text: str) -> bool:
    if not _DATE.fullmatch(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return True


def _is_period(text: str) -> bool:
    start, slash, end = text.partition("/")
    return bool(slash) and _is_date(start) and _is_date(end) and start <= end
