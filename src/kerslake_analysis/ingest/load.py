"""Load the curated tables of ``data/curated/`` as typed, validated frames.

Each CSV is read as text, converted to the dtypes of its schema in
:mod:`kerslake_analysis.ingest.schema` (dates become ``datetime64``, line numbers ``int64``,
plans and states categoricals) and validated with pandera. Every problem found is
collected and raised together as one :class:`CuratedDataError` whose message names
the file, the row a spreadsheet shows (the header is row 1, the first record row 2)
and the column (:class:`~kerslake_analysis.ingest.problems.Problem`, the package's one
problem class, also used for a council's tracker).

Examples
--------
>>> problem = Problem("commitments.csv", 7, "due_end", "not a date (YYYY-MM-DD): '2015-13-01'")
>>> str(problem)
"commitments.csv, row 7, column due_end: not a date (YYYY-MM-DD): '2015-13-01'"
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.problems import Problem
from kerslake_analysis.ingest.provenance import SourceDocument

#: The row number of a CSV file's header line.
HEADER_ROW = 1


class CuratedDataError(ValueError):
    """A curated table is malformed; the message lists every problem found.

    Parameters
    ----------
    problems : iterable of Problem
        Everything wrong, in any order (they are sorted by file, row and column).

    Examples
    --------
    >>> error = CuratedDataError([Problem("claims.csv", 3, "source_line", "must be >= 1: 0")])
    >>> print(error)
    1 problem in curated data:
      claims.csv, row 3, column source_line: must be >= 1: 0
    """

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = sorted(set(problems), key=lambda p: p.sort_key())
        count = len(self.problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in curated data:\n{lines}")


def spreadsheet_row(index: int) -> int:
    """Return the row a spreadsheet shows for the record at 0-based ``index``.

    Parameters
    ----------
    index : int
        Position of the record in the frame read from the CSV.

    Returns
    -------
    int
        ``index + 2``: row 1 is the header.

    Examples
    --------
    >>> spreadsheet_row(0)
    2
    """
    return int(index) + HEADER_ROW + 1


# --------------------------------------------------------------------------- reading


def read_csv_text(path: Path) -> pd.DataFrame:
    """Read a curated CSV with every cell as text (empty cells as ``""``).

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.

    Returns
    -------
    pandas.DataFrame
        One ``str`` column per CSV column, with a ``RangeIndex``.

    Raises
    ------
    CuratedDataError
        If the file is missing, is not UTF-8 (naming the row and column of the first
        byte that is not) or is not well-formed CSV (naming the row where the parser
        says).
    """
    if not path.is_file():
        raise CuratedDataError(
            [Problem(path.name, None, None, f"file not found: {path}", kind="missing_file")]
        )
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CuratedDataError([_undecodable(path.name, data, error)]) from None
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        message = "the file is empty: it needs at least its header row"
        raise CuratedDataError([Problem(path.name, None, None, message)]) from None
    except pd.errors.ParserError as error:
        raise CuratedDataError([_unparseable(path.name, str(error))]) from None


def _undecodable(file: str, data: bytes, error: UnicodeDecodeError) -> Problem:
    """Where in the CSV the first byte that is not UTF-8 sits: its row and column."""
    before = data[: error.start].decode("utf-8")  # valid: the error is the first bad byte
    records = list(csv.reader(io.StringIO(before)))
    header = records[0] if records else []
    if not records or before.endswith(("\n", "\r")):  # the byte starts a new record
        row, index = len(records) + 1, 0
    else:
        row, index = len(records), len(records[-1]) - 1
    column = header[index] if row > HEADER_ROW and index < len(header) else f"(field {index + 1})"
    bad = " ".join(f"0x{byte:02x}" for byte in data[error.start : error.end])
    return Problem(
        file,
        row,
        column,
        f"byte {bad} is not UTF-8: the file must be saved as UTF-8 (it looks like another "
        f"encoding, such as Windows-1252)",
    )


def _unparseable(file: str, message: str) -> Problem:
    """The CSV parser's complaint as a problem naming the row (and the surplus field)."""
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", message)
    if fields:
        expected, line, saw = (int(g) for g in fields.groups())
        return Problem(
            file,
            line,
            None,
            f"{saw} fields where the header has {expected} columns: a comma in an unquoted "
            "value, or a value beyond the last column",
        )
    found = re.search(r"line (\d+)", message)
    row = int(found.group(1)) if found else None
    return Problem(file, row, None, f"not well-formed CSV: {message.strip()}", kind="malformed_csv")


def parse_table(text: pd.DataFrame, table: str, file: str | None = None) -> pd.DataFrame:
    """Convert a text frame to the typed frame of ``table`` and validate it.

    Parameters
    ----------
    text : pandas.DataFrame
        The table as read by :func:`read_csv_text` (every cell a string).
    table : str
        A key of :data:`kerslake_analysis.ingest.schema.TABLES`.
    file : str, optional
        Name used in error messages; defaults to ``"<table>.csv"``.

    Returns
    -------
    pandas.DataFrame
        Columns in schema order with the schema's dtypes.

    Raises
    ------
    CuratedDataError
        Listing every problem: missing or unexpected columns, values that are not
        dates, numbers or known categories, duplicate IDs, failed checks.

    Examples
    --------
    >>> text = pd.DataFrame({"slippage_reason_id": ["R-1"], "plan": ["ap-2015"],
    ...                      "period": ["2015-12"], "reason_order": ["1"],
    ...                      "reason": ["More planning"], "source": ["x.txt"],
    ...                      "source_line": ["0"], "quote": ["planned"]})
    >>> parse_table(text, "slippage_reasons")
    Traceback (most recent call last):
    ...
    kerslake_analysis.ingest.load.CuratedDataError: 2 problems in curated data:
      slippage_reasons.csv, row 2, column source: is not one of the five raw files: 'x.txt' (slippage_reason_id R-1)
      slippage_reasons.csv, row 2, column source_line: must be a line number >= 1: 0 (slippage_reason_id R-1)
    """
    table_schema = schema.TABLES[table]
    file = file or f"{table}.csv"
    text = text.reset_index(drop=True)
    typed, problems = _convert(text, table_schema, file)
    problems += _validate(typed, table_schema, file, already=problems)
    if problems:
        raise CuratedDataError(problems)
    return typed


def _convert(
    text: pd.DataFrame, table_schema: pa.DataFrameSchema, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    """Cast each known column to its schema dtype; report cells that do not convert."""
    columns = {}
    problems: list[Problem] = []
    for name, column in table_schema.columns.items():
        if name not in text.columns:
            continue
        values, bad = _cast(text[name].astype(str), column.dtype.type)
        columns[name] = values
        problems += [
            Problem(file, spreadsheet_row(index), name, message) for index, message in bad.items()
        ]
    extra = [name for name in text.columns if name not in table_schema.columns]
    typed = pd.DataFrame(columns, index=text.index)
    for name in extra:
        typed[name] = text[name]
    return typed, problems


def _cast(values: pd.Series, dtype) -> tuple[pd.Series, pd.Series]:
    """Return the cast values and a message per index of each cell that failed."""
    empty = values == ""
    if isinstance(dtype, pd.CategoricalDtype):
        known = values.isin(dtype.categories) | empty
        allowed = ", ".join(dtype.categories)
        bad = values[~known].map(lambda v: f"{v!r} is not one of: {allowed}")
        return values.where(known & ~empty).astype(dtype), bad
    kind = pd.api.types.pandas_dtype(dtype).kind
    if kind == "M":
        shaped = values.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
        parsed = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
        bad = values[~empty & parsed.isna()].map(lambda v: f"not a date (YYYY-MM-DD): {v!r}")
        return parsed.astype(dtype), bad
    if kind in "iu":
        shaped = values.str.fullmatch(r"-?\d+")
        bad = values[~shaped].map(lambda v: f"not a whole number: {v!r}")
        numbers = pd.to_numeric(values.where(shaped), errors="coerce")
        return (numbers.astype(dtype) if bad.empty else numbers.astype("Int64")), bad
    if kind == "f":
        numbers = pd.to_numeric(values.where(~empty), errors="coerce")
        bad = values[~empty & numbers.isna()].map(lambda v: f"not a number: {v!r}")
        return numbers.astype(dtype), bad
    if kind == "b":
        flags = values.str.lower().map({"true": True, "false": False})
        bad = values[flags.isna()].map(lambda v: f"not true or false: {v!r}")
        return (flags.astype(bool) if bad.empty else flags.astype("boolean")), bad
    return values.astype(str), values.iloc[0:0].astype(str)


def _validate(
    typed: pd.DataFrame, table_schema: pa.DataFrameSchema, file: str, already: list[Problem]
) -> list[Problem]:
    """Run the pandera schema lazily and turn its failure cases into problems."""
    try:
        table_schema.validate(typed, lazy=True)
    except pa.errors.SchemaErrors as errors:
        flagged = {(p.row, p.column) for p in already}
        flagged_columns = {p.column for p in already}
        problems = _problems_from_failures(errors.failure_cases, typed, table_schema, file)
        # A cell that did not convert is reported once: not again by a check on its
        # column, nor by a check across columns that include it (it reads as missing).
        return [
            p
            for p in problems
            if not any((p.row, column) in flagged for column in p.column.split(", "))
            and not (p.row is None and p.column in flagged_columns)
        ]
    return []


def _problems_from_failures(
    failures: pd.DataFrame, typed: pd.DataFrame, table_schema: pa.DataFrameSchema, file: str
) -> list[Problem]:
    problems = []
    id_name = next(iter(table_schema.columns))
    for check, group in failures.groupby("check", sort=False, dropna=False):
        check = str(check)
        if check == "column_in_dataframe":
            problems += [
                Problem(file, HEADER_ROW, str(v), "column missing") for v in group["failure_case"]
            ]
        elif check == "column_in_schema":
            problems += [
                Problem(file, HEADER_ROW, str(v), f"unexpected column (not in {table_schema.name})")
                for v in group["failure_case"]
            ]
        elif check in schema.ROW_CHECK_COLUMNS:
            columns = schema.ROW_CHECK_COLUMNS[check]
            for index in group["index"].dropna().unique():
                values = ", ".join(f"{c}={_show(typed.at[index, c])}" for c in columns)
                problems.append(
                    Problem(file, spreadsheet_row(index), ", ".join(columns), f"{check}: {values}")
                )
        elif check == "field_uniqueness":
            for column, cases in group.groupby("column"):
                rows = cases.groupby(cases["failure_case"].astype(str))["index"].agg(list)
                for value, indexes in rows.items():
                    where = ", ".join(str(spreadsheet_row(i)) for i in sorted(indexes))
                    problems += [
                        Problem(
                            file,
                            spreadsheet_row(i),
                            str(column),
                            f"duplicate {value!r} (rows {where})",
                        )
                        for i in indexes
                    ]
        else:
            for row in group.itertuples(index=False):
                index = None if pd.isna(row.index) else row.index
                message = "must not be empty" if check == "not_nullable" else check
                message += f": {_show(row.failure_case)}"
                if index is not None and row.column != id_name and id_name in typed:
                    message += f" ({id_name} {typed.at[index, id_name]})"
                row_number = None if index is None else spreadsheet_row(index)
                problems.append(Problem(file, row_number, str(row.column), message))
    return problems


def _show(value) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return repr(value.item() if hasattr(value, "item") else value)


# --------------------------------------------------------------------------- loading


def load_table(name: str, directory: Path | None = None) -> pd.DataFrame:
    """Load one curated table as a typed, validated frame.

    Parameters
    ----------
    name : str
        A table name, a key of :data:`kerslake_analysis.ingest.schema.TABLES`
        (``"commitments"``, ``"cgip18_updates"`` …).
    directory : pathlib.Path, optional
        Folder holding ``<name>.csv``; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    pandas.DataFrame
        Columns in schema order; the index is the record position, so record ``i`` is
        on spreadsheet row ``i + 2``.

    Raises
    ------
    KeyError
        If ``name`` is not a curated table.
    CuratedDataError
        If the file is missing or malformed; the message names file, row and column.
    """
    if name not in schema.TABLES:
        raise KeyError(f"unknown curated table {name!r}; known: {', '.join(schema.TABLES)}")
    path = (directory or paths.CURATED_DIR) / f"{name}.csv"
    return parse_table(read_csv_text(path), name, path.name)


def load_commitments(directory: Path | None = None) -> pd.DataFrame:
    """Load ``commitments.csv``: every dated commitment of every plan.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    pandas.DataFrame
        See :data:`kerslake_analysis.ingest.schema.commitments`.
    """
    return load_table("commitments", directory)


def load_observations(directory: Path | None = None) -> pd.DataFrame:
    """Load ``observations.csv`` and check each row names a known commitment.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    pandas.DataFrame
        See :data:`kerslake_analysis.ingest.schema.observations`.

    Raises
    ------
    CuratedDataError
        Also when an observation's ``commitment_id`` is not in ``commitments.csv``.
    """
    observations = load_table("observations", directory)
    commitments = load_commitments(directory)
    problems = unknown_references({"observations": observations, "commitments": commitments})
    if problems:
        raise CuratedDataError(problems)
    return observations


def load_snapshots(directory: Path | None = None) -> pd.DataFrame:
    """Load ``snapshots.csv``: aggregates the documents publish (for example 82 of 134 complete).

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    pandas.DataFrame
    """
    return load_table("snapshots", directory)


def load_claims(directory: Path | None = None) -> pd.DataFrame:
    """Load ``claims.csv``: every figure the five documents state.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    pandas.DataFrame
    """
    return load_table("claims", directory)


def load_all(directory: Path | None = None) -> dict[str, pd.DataFrame]:
    """Load every curated table, collecting the problems of all files before raising.

    Parameters
    ----------
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    dict of str to pandas.DataFrame
        By table name, in the order of :data:`kerslake_analysis.ingest.schema.TABLES`.

    Raises
    ------
    CuratedDataError
        Listing the problems of every malformed file, including rows that name a
        row missing from another table (see :func:`unknown_references`).
    """
    frames: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for name in schema.TABLES:
        try:
            frames[name] = load_table(name, directory)
        except CuratedDataError as error:
            problems += error.problems
    problems += unknown_references(frames)
    if problems:
        raise CuratedDataError(problems)
    return frames


def load_source_tables(key: str, directory: Path | None = None) -> dict[str, pd.DataFrame]:
    """Load the rows every curated table takes from one source document.

    Parameters
    ----------
    key : str
        A key of :data:`kerslake_analysis.base.paths.SOURCE_FILES`, for example ``"gap_2016"``.
    directory : pathlib.Path, optional
        Folder of the curated tables; defaults to :data:`paths.CURATED_DIR`.

    Returns
    -------
    dict of str to pandas.DataFrame
        By table name, only the tables with rows from that document; each frame keeps
        the index of its file (record ``i`` is on spreadsheet row ``i + 2``).

    Raises
    ------
    KeyError
        If ``key`` names no source document.
    CuratedDataError
        If any curated file is malformed.
    """
    name = paths.raw_file(key).name
    tables = load_all(directory)
    selected = {table: frame[frame["source"] == name] for table, frame in tables.items()}
    return {table: frame for table, frame in selected.items() if len(frame)}


def unknown_references(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Return a problem for each row naming a row that its other table lacks.

    The pairs checked are :data:`kerslake_analysis.ingest.schema.REFERENCES` (an observation's
    ``commitment_id`` must be in ``commitments``, an update's ``aim_id`` in
    ``cgip18_aims``); pairs whose tables are not both given are skipped.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Curated frames by table name, each indexed by record position.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> obs = pd.DataFrame({"commitment_id": ["AP15-1.1", "AP15-9.9"]})
    >>> tables = {"observations": obs, "commitments": obs.iloc[:1]}
    >>> [str(p) for p in unknown_references(tables)]
    ["observations.csv, row 3, column commitment_id: no such commitment_id in commitments.csv: 'AP15-9.9'"]
    """
    problems = []
    for table, column, other, other_column in schema.REFERENCES:
        if table not in tables or other not in tables:
            continue
        values = tables[table][column]
        unknown = values[~values.isin(tables[other][other_column])]
        problems += [
            Problem(
                f"{table}.csv",
                spreadsheet_row(index),
                column,
                f"no such {other_column} in {other}.csv: {value!r}",
            )
            for index, value in unknown.items()
        ]
    return problems


def source_line_text(source: str, line: int) -> str:
    """Return line ``line`` (1-based) of the raw file named ``source``.

    Parameters
    ----------
    source : str
        A raw file name as in the ``source`` column.
    line : int
        A ``source_line`` value.

    Returns
    -------
    str
        The line, without its line ending.

    Raises
    ------
    KeyError
        If ``source`` is not one of the five raw files.
    IndexError
        If the file has no such line.

    Examples
    --------
    >>> source_line_text("003_5c42c1f83524bff3.txt", 3)
    'Gap analysis summary - March 2016'
    """
    keys = {name: key for key, name in paths.SOURCE_FILES.items()}
    if source not in keys:
        raise KeyError(f"not one of the five raw files: {source!r}")
    document = SourceDocument.open(keys[source])
    if not 1 <= line <= len(document.lines):
        raise IndexError(f"{source} has no line {line} (it has {len(document.lines)})")
    return document.line(line)


def verify_quotes(frame: pd.DataFrame, file: str = "table") -> None:
    """Check that each row's ``quote`` is verbatim on line ``source_line`` of ``source``.

    Parameters
    ----------
    frame : pandas.DataFrame
        A curated table (typed or text) with ``source``, ``source_line`` and ``quote``,
        indexed by record position.
    file : str, default "table"
        Name used in error messages.

    Returns
    -------
    None

    Raises
    ------
    CuratedDataError
        Listing every row whose quote is empty, whose source is not a raw file, or
        whose quote is not on the stated line.

    Examples
    --------
    >>> rows = pd.DataFrame({"source": ["003_5c42c1f83524bff3.txt"], "source_line": [3],
    ...                      "quote": ["Gap analysis summary - March 2016"]})
    >>> verify_quotes(rows)
    >>> verify_quotes(rows.assign(source_line=4), "gap16_themes.csv")
    Traceback (most recent call last):
    ...
    kerslake_analysis.ingest.load.CuratedDataError: 1 problem in curated data:
      gap16_themes.csv, row 2, column quote: not on line 4 of 003_5c42c1f83524bff3.txt: 'Gap analysis summary - March 2016'
    """
    by_name = {name: key for key, name in paths.SOURCE_FILES.items()}
    documents = {name: SourceDocument.open(key) for name, key in by_name.items()}
    problems = []
    for index, source, line, quote in zip(
        frame.index, frame["source"], frame["source_line"], frame["quote"], strict=True
    ):
        document = documents.get(str(source))
        line = int(line) if pd.notna(line) and str(line).lstrip("-").isdigit() else 0
        if document is None:
            message, column = f"not one of the five raw files: {source!r}", "source"
        elif not quote:
            message, column = "empty quote", "quote"
        elif not 1 <= line <= len(document.lines) or str(quote) not in document.line(line):
            message, column = f"not on line {line} of {source}: {quote!r}", "quote"
        else:
            continue
        problems.append(Problem(file, spreadsheet_row(index), column, message))
    if problems:
        raise CuratedDataError(problems)
