"""Build ``data/curated/`` from the five raw documents (``make data``).

Each module in :data:`SOURCE_MODULES` returns the rows its document contributes to
each curated table. This module gathers them, adds the parsed due window of every
commitment (:func:`kerslake_analysis.ingest.timescales.parse_timescale`), sorts each table
by its ID, validates it with the schemas of :mod:`kerslake_analysis.ingest.schema`, checks
that every quote is on its source line, checks that no two tables contradict each
other about the same fact (:mod:`kerslake_analysis.ingest.documents.consistency`), and only
then writes the CSV files (UTF-8,
``\\n`` line endings, fixed column order, no index), each through a temporary file
renamed into place. Every problem found is reported together, naming the table, the
row the file will have, the column and the module that produced the row.

Run it as ``python -m kerslake_analysis.ingest.documents.build [--out DIR]``.

Examples
--------
>>> sorted(["AP15-1.10", "AP15-1.9", "AP15-1.9a", "AP15-10.1"], key=natural_key)
['AP15-1.9', 'AP15-1.9a', 'AP15-1.10', 'AP15-10.1']
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import math
import os
import re
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.documents.consistency import find_contradictions
from kerslake_analysis.ingest.load import (
    CuratedDataError,
    Problem,
    parse_table,
    spreadsheet_row,
    unknown_references,
    verify_quotes,
)

#: The source modules, one per document plus the claims register, in build order.
SOURCE_MODULES: tuple[str, ...] = (
    "action_plan_2015",
    "progress_2015",
    "gap_2016",
    "cgip_2018",
    "iif_2021",
    "claims",
    "lineage",
)

#: Columns the builder adds to ``commitments`` from its ``timescale``.
DUE_WINDOW_COLUMNS: tuple[str, ...] = ("timescale_kind", "due_start", "due_end")


class MissingSourceModuleError(ImportError):
    """One or more source modules do not exist (yet)."""


def natural_key(identifier: str) -> tuple:
    """Sort key that orders the numbers inside an ID numerically.

    Parameters
    ----------
    identifier : str
        For example ``"CGIP18-4.10-2"``.

    Returns
    -------
    tuple
        Alternating text and integer parts, comparable between IDs.

    Examples
    --------
    >>> natural_key("CGIP18-4.10-2")
    ('CGIP', 18, '-', 4, '.', 10, '-', 2, '')
    """
    parts = re.split(r"(\d+)", identifier)
    return tuple(int(part) if i % 2 else part for i, part in enumerate(parts))


def collect(
    modules: Sequence[str] = SOURCE_MODULES, allow_missing: bool = False
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Call every source module's ``build()`` and concatenate the rows per table.

    Parameters
    ----------
    modules : sequence of str
        Module names inside :mod:`kerslake_analysis.ingest.documents`.
    allow_missing : bool, default False
        Skip modules that do not exist instead of failing (for development).

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        Per table, every contributed row as text, with a private ``_module`` column
        naming the module that produced it.
    missing : list of str
        The modules skipped because they do not exist.

    Raises
    ------
    MissingSourceModuleError
        If a module does not exist and ``allow_missing`` is false.
    CuratedDataError
        If a module's ``build()`` fails or returns a table that is not in the schema;
        all modules are tried before raising.
    """
    parts: dict[str, list[pd.DataFrame]] = {}
    missing: list[str] = []
    problems: list[Problem] = []
    for module_name in modules:
        where = f"ingest/documents/{module_name}.py"
        try:
            module = importlib.import_module(f"kerslake_analysis.ingest.documents.{module_name}")
        except ModuleNotFoundError as error:
            if error.name != f"kerslake_analysis.ingest.documents.{module_name}":
                raise
            missing.append(module_name)
            continue
        try:
            contributed = module.build()
        except Exception as error:  # noqa: BLE001 - reported with its location, see below
            problems.append(Problem(where, None, "build()", _describe(error)))
            continue
        for table, frame in contributed.items():
            if table not in schema.TABLES:
                known = ", ".join(schema.TABLES)
                problems.append(
                    Problem(where, None, "build()", f"unknown table {table!r}; known: {known}")
                )
                continue
            parts.setdefault(table, []).append(_as_text(frame).assign(_module=where))
    if missing and not allow_missing:
        raise MissingSourceModuleError(
            "source modules not found in kerslake_analysis.ingest.documents: " + ", ".join(missing)
        )
    if problems:
        raise CuratedDataError(problems)
    tables = {
        table: pd.concat(parts[table], ignore_index=True)
        for table in schema.TABLES
        if table in parts
    }
    return tables, missing


def _describe(error: Exception) -> str:
    """One line naming an exception and the innermost line of code that raised it."""
    frames = traceback.extract_tb(error.__traceback__)
    place = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
    text = "".join(traceback.format_exception_only(error)).strip().replace("\n", " ")
    return f"{text}{place}"


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Turn a module's frame (strings, ints, bools) into text cells, empty for missing."""
    columns = {}
    for name, values in frame.items():
        if pd.api.types.is_bool_dtype(values):
            columns[name] = values.map({True: "true", False: "false"}).astype(str)
        else:
            text = values.astype(object).map(_cell)
            columns[name] = text.astype(str)
    return pd.DataFrame(columns, index=frame.index)


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _format_float(value)
    if isinstance(value, dt.date | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)


def _format_float(value: float) -> str:
    if math.isnan(value):
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def add_due_windows(commitments: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse each commitment's ``timescale`` into ``timescale_kind``, ``due_start``, ``due_end``.

    Parameters
    ----------
    commitments : pandas.DataFrame
        Text frame with ``timescale`` and ``timescale_reference`` (ISO date or empty),
        indexed by the row position it will have in ``commitments.csv``.

    Returns
    -------
    frame : pandas.DataFrame
        ``commitments`` with the three columns filled in (text; empty where unknown).
    problems : list of Problem
        One per timescale that :func:`~kerslake_analysis.ingest.timescales.parse_timescale`
        refused, naming the row; every row is tried.
    """
    from kerslake_analysis.ingest.timescales import TimescaleError, parse_timescale

    pairs = commitments[["timescale", "timescale_reference"]].drop_duplicates()
    parsed: dict[tuple[str, str], tuple[str, str, str]] = {}
    failures: dict[tuple[str, str], str] = {}
    for raw, reference in pairs.itertuples(index=False):
        try:
            timescale = parse_timescale(raw, reference or None)
        except TimescaleError as error:
            failures[(raw, reference)] = str(error)
            continue
        parsed[(raw, reference)] = (timescale.kind, _cell(timescale.start), _cell(timescale.end))
    keys = pd.Series(
        list(zip(commitments["timescale"], commitments["timescale_reference"], strict=True)),
        index=commitments.index,
    )
    windows = keys.map(lambda key: parsed.get(key, ("", "", "")))
    frame = commitments.assign(
        **{name: windows.str[i].astype(str) for i, name in enumerate(DUE_WINDOW_COLUMNS)}
    )
    problems = [
        Problem("commitments.csv", spreadsheet_row(index), "timescale", failures[key])
        for index, key in keys.items()
        if key in failures
    ]
    return frame, problems


def _arrange(text: pd.DataFrame, table: str) -> pd.DataFrame:
    """Sort rows by ID (numbers inside IDs numerically) and put columns in schema order."""
    id_name = schema.id_column(table)
    if id_name in text:
        order = sorted(range(len(text)), key=lambda i: natural_key(text[id_name].iloc[i]))
        text = text.iloc[order]
    text = text.reset_index(drop=True)
    known = [c for c in schema.TABLES[table].columns if c in text]
    return text[known + [c for c in text.columns if c not in known]]


def format_table(typed: pd.DataFrame) -> pd.DataFrame:
    """Return a typed curated frame as the canonical text written to its CSV file.

    Parameters
    ----------
    typed : pandas.DataFrame
        A frame valid against its schema in :data:`kerslake_analysis.ingest.schema.TABLES`.

    Returns
    -------
    pandas.DataFrame
        Every cell a string: dates ``YYYY-MM-DD``, flags ``true``/``false``, whole
        floats without ``.0``, missing values empty.

    Examples
    --------
    >>> frame = pd.DataFrame({"d": pd.to_datetime(["2015-12-31", None]), "v": [82.0, 0.5]})
    >>> format_table(frame).to_dict("list")
    {'d': ['2015-12-31', ''], 'v': ['82', '0.5']}
    """
    columns = {}
    for name, values in typed.items():
        if pd.api.types.is_datetime64_any_dtype(values):
            columns[name] = values.dt.strftime("%Y-%m-%d").fillna("").astype(str)
        else:
            columns[name] = _as_text(values.to_frame())[name]
    return pd.DataFrame(columns, index=typed.index)


def build_tables(
    modules: Sequence[str] = SOURCE_MODULES, allow_missing: bool = False
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Gather, complete, sort and validate every curated table, without writing.

    Parameters
    ----------
    modules : sequence of str
        Source modules to build from.
    allow_missing : bool, default False
        Skip source modules that do not exist (for development).

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        Per table, the canonical text to write, rows sorted by ID.
    missing : list of str
        Source modules skipped.

    Raises
    ------
    MissingSourceModuleError
        If a source module is missing and ``allow_missing`` is false.
    CuratedDataError
        Listing every problem in every table: unparseable timescales, schema
        failures, quotes not on their line, observations of unknown commitments,
        and every contradiction between two tables
        (:func:`kerslake_analysis.ingest.documents.consistency.find_contradictions`).
    """
    gathered, missing = collect(modules, allow_missing)
    tables: dict[str, pd.DataFrame] = {}
    typed: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for table, rows in gathered.items():
        file = f"{table}.csv"
        rows = _arrange(rows, table)
        origin = rows.pop("_module")
        found: list[Problem] = []
        if table == "commitments":
            rows, found = add_due_windows(rows.assign(**dict.fromkeys(DUE_WINDOW_COLUMNS, "")))
            rows = _arrange(rows, table)
        try:
            typed[table] = parse_table(rows, table, file)
        except CuratedDataError as error:
            unparsed = {problem.row for problem in found}  # their window columns are empty
            found += [
                problem
                for problem in error.problems
                if not (problem.row in unparsed and problem.column in DUE_WINDOW_COLUMNS)
            ]
        if {"source", "source_line", "quote"} <= set(rows.columns):
            try:
                verify_quotes(rows, file)
            except CuratedDataError as error:
                found += error.problems
        problems += [_with_origin(problem, origin) for problem in found]
        if table in typed:
            tables[table] = format_table(typed[table])
    problems += [
        problem
        for problem in unknown_references(typed)
        if not (allow_missing and _names_missing_module(problem, missing))
    ]
    problems += [contradiction.as_problem() for contradiction in find_contradictions(typed)]
    if problems:
        raise CuratedDataError(problems)
    return tables, missing


#: The module that builds each plan's commitments, by ID prefix.
_MODULE_OF_PREFIX = {
    "AP15": "action_plan_2015",
    "GAP16": "gap_2016",
    "CGIP18": "cgip_2018",
    "IIF21": "iif_2021",
}


def _names_missing_module(problem: Problem, missing: list[str]) -> bool:
    """True if a dangling reference points at a row a skipped module would build."""
    value = problem.message.rsplit(": ", 1)[-1].strip("'")
    return _MODULE_OF_PREFIX.get(value.split("-")[0]) in missing


def _with_origin(problem: Problem, origin: pd.Series) -> Problem:
    if problem.row is None or problem.row <= 1:
        return problem
    module = origin.iloc[problem.row - 2]
    return Problem(problem.file, problem.row, problem.column, f"{problem.message} [{module}]")


def write_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write each table to ``out_dir/<table>.csv``, all-or-nothing.

    Every table is first written to a temporary file in ``out_dir``; only when all
    are written are they renamed into place, so a failure leaves the old files.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Canonical text frames, as from :func:`build_tables`.
    out_dir : pathlib.Path
        Destination folder (created if needed).

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []
    try:
        for table, frame in tables.items():
            handle = tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", newline="", dir=out_dir, suffix=".tmp", delete=False
            )
            with handle:
                staged.append((Path(handle.name), out_dir / f"{table}.csv"))
                frame.to_csv(handle, index=False, lineterminator="\n")
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, final in staged:
        os.replace(temporary, final)
    return [final for _, final in staged]


def build_all(
    out_dir: Path = paths.CURATED_DIR,
    modules: Sequence[str] = SOURCE_MODULES,
    allow_missing: bool = False,
) -> dict[str, pd.DataFrame]:
    """Build every curated table from the raw documents and write the CSV files.

    Parameters
    ----------
    out_dir : pathlib.Path, default ``paths.CURATED_DIR``
        Folder to write ``<table>.csv`` into.
    modules : sequence of str
        Source modules to build from (all of them by default).
    allow_missing : bool, default False
        Skip source modules that do not exist (for development only).

    Returns
    -------
    dict of str to pandas.DataFrame
        The tables written, as text.

    Raises
    ------
    MissingSourceModuleError, CuratedDataError
        As :func:`build_tables`; nothing is written then.
    """
    tables, _ = build_tables(modules, allow_missing)
    write_tables(tables, out_dir)
    return tables


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: ``python -m kerslake_analysis.ingest.documents.build``.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (defaults to ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when the data have problems or modules are missing.
    """
    parser = argparse.ArgumentParser(
        prog="python -m kerslake_analysis.ingest.documents.build",
        description="Build data/curated/*.csv from the raw documents in data/raw/.",
    )
    parser.add_argument("--out", type=Path, default=paths.CURATED_DIR, help="output folder")
    parser.add_argument(
        "--allow-missing",
        action="store_true",
        help="skip source modules that do not exist yet (development only)",
    )
    args = parser.parse_args(argv)
    try:
        tables, missing = build_tables(SOURCE_MODULES, allow_missing=args.allow_missing)
    except (MissingSourceModuleError, CuratedDataError) as error:
        print(f"make data failed: {error}", file=sys.stderr)
        return 1
    for path in write_tables(tables, args.out):
        print(f"wrote {path} ({len(tables[path.stem])} rows)")
    if missing:
        print("skipped missing source modules: " + ", ".join(missing), file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover - exercised through main()
    raise SystemExit(main())
