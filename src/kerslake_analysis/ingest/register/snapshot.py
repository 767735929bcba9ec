"""Turn one snapshot file into tidy rows, collecting every problem with its cell.

:func:`read_snapshot` reads a file with :func:`~kerslake_analysis.ingest.register.sheets.read_sheet`,
finds the mapped columns in its header, applies the mapping's corrections, and
converts each mapped column: IDs and text on one line, dates in the mapped formats,
status words to the six statuses and their observation state, ratings to their scale.
Every cell that cannot be converted gives a
:class:`~kerslake_analysis.ingest.register.problems.Problem` naming the file, the row and
column a spreadsheet user sees, and the cell reference.

The result has one row per record of the file (blank rows are skipped) with the
columns of :data:`SNAPSHOT_COLUMNS` plus ``rating_<name>`` columns and the mapping's
extra columns.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kerslake_analysis.base.periods import period_from_groups
from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.register.headers import (
    HEADER_SEARCH_ROWS,
    find_header_row,
    header_score,
    join_header_rows,
)
from kerslake_analysis.ingest.register.mapping import (
    DATE_FIELDS,
    MISSING_RATING,
    STATUS_STATES,
    STATUSES,
    UNKNOWN,
    ColumnSpec,
    FilePlan,
    Mapping,
    normalise_key,
)
from kerslake_analysis.ingest.register.problems import Problem
from kerslake_analysis.ingest.register.sheets import (
    EXCEL_ERRORS,
    Limits,
    Sheet,
    header_label,
    read_sheet,
)
from kerslake_analysis.ingest.timescales import TimescaleError, TimescaleErrors, parse_timescales

DATE = schema.DATE
#: The six statuses as an ordered categorical (the ``status_reported`` column).
STATUS_DTYPE = pd.CategoricalDtype(list(STATUSES), ordered=True)
#: Observation states as a categorical (the ``state`` column).
STATE_DTYPE = pd.CategoricalDtype(list(schema.OBSERVATION_STATES))
#: Text fields of ``[columns]`` copied as plain text on one line.
TEXT_FIELDS: tuple[str, ...] = ("text", "theme", "sub_theme", "ref", "owner", "update")
#: Years outside this range are taken as typing mistakes.
PLAUSIBLE_YEARS = (1900, 2100)
#: The ``period`` to pass to :func:`read_snapshot` for a long file (``layout = "long"``),
#: whose rows carry their own period in ``files.period_column``.
LONG = "long"
#: The field name under which a long file's period column is read (and named in problems).
PERIOD_FIELD = "period_column"

_SPACE = re.compile(r"\s+")
_LOOKS_LIKE_DATE = re.compile(r"\d{1,4}[./ -]\d{1,2}[./ -]\d{1,4}")
_FORMAT_WORDS = {
    "%d": "dd",
    "%m": "mm",
    "%Y": "yyyy",
    "%y": "yy",
    "%b": "Mon",
    "%B": "Month",
    "%H": "hh",
    "%M": "mm",
    "%S": "ss",
}


@dataclass
class SnapshotFile:
    """One snapshot file read: its rows, checksum and problems.

    Parameters
    ----------
    file : str
        The file name.
    period : str
        ``YYYY-MM``.
    rows : pandas.DataFrame or None
        One row per record, or None when the file could not be read.
    sha256 : str
        SHA-256 of the file's bytes ("" if unread).
    problems : list of Problem
    encoding : str
        The encoding a CSV file was read with ("" for XLSX or unread).
    encoding_confidence : float or None
        How sure its detection was (0-1); None when the mapping set it, or for XLSX.
    notices : list of Problem
        What was read but should be known (hidden rows, columns or sheets; a header
        found below row 1): not problems, listed by ``kerslake validate`` and in the
        report footer.
    """

    file: str
    period: str
    rows: pd.DataFrame | None
    sha256: str = ""
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    encoding_confidence: float | None = None
    notices: list[Problem] = field(default_factory=list)


@dataclass
class _Context:
    """What the converters need to report problems about a file's cells."""

    sheet: Sheet
    plan: FilePlan
    columns: dict[str, int]
    labels: dict[str, str]
    problems: list[Problem]
    coloured: dict[str, dict[int, str]] = field(default_factory=dict)

    def report(
        self, field_name: str, index: pd.Index, messages: pd.Series | str, *, kind: str
    ) -> None:
        """Add a problem of ``kind`` for each grid row in ``index`` about ``field_name``'s cell."""
        col = self.columns[field_name]
        for i in index:
            message = messages if isinstance(messages, str) else messages[i]
            row, _ = self.sheet.where(int(i), col)
            self.problems.append(
                Problem(
                    self.sheet.file,
                    row,
                    self.labels[field_name],
                    message,
                    self.sheet.cell_ref(int(i), col),
                    kind,
                )
            )


def read_snapshot(path, mapping: Mapping, plan: FilePlan, period: str) -> SnapshotFile:
    """Read one snapshot file into tidy rows.

    Parameters
    ----------
    path : pathlib.Path
        The CSV or XLSX file.
    mapping : Mapping
        The register's mapping.
    plan : FilePlan
        The mapping resolved for this file (:meth:`Mapping.plan_for`).
    period : str
        The file's period ``YYYY-MM``; its last day is the observation date. For a long
        file, :data:`LONG`: each row's period is read from ``files.period_column``.

    Returns
    -------
    SnapshotFile
        ``rows`` holds a row for every record even when some cells have problems;
        the caller decides whether problems are fatal.
    """
    result = SnapshotFile(path.name, period, None)
    sheet, problems = read_sheet(
        path,
        encoding=plan.encoding,
        encoding_errors=plan.encoding_errors,
        separator=plan.separator,
        sheet=plan.sheet,
        transposed=plan.transposed,
        max_megabytes=plan.max_megabytes,
        limits=Limits(
            width=plan.max_columns,
            unpacked_megabytes=plan.max_unpacked_megabytes,
            records=plan.max_rows,
            header_row=(plan.header_row or HEADER_SEARCH_ROWS) + plan.header_rows - 1,
            cells=plan.max_cells,
        ),
        hidden=plan.hidden,
        fills=_colours_mapped(mapping),
    )
    result.problems = problems
    if sheet is None:
        return result
    result.sha256 = sheet.sha256
    result.encoding, result.encoding_confidence = sheet.encoding, sheet.encoding_confidence
    result.notices = _hidden(sheet, plan.hidden)
    fields = {
        **(
            {PERIOD_FIELD: mapping.files.period_column}
            if period == LONG and mapping.files.layout == "long"
            else {}
        ),
        **plan.columns,
        **{f"rating.{n}": s for n, s in plan.ratings.items()},
        **{f"extra.{n}": s for n, s in plan.extra.items()},
    }
    found = _header(sheet, plan, fields, result)
    if found is None:
        return result
    first_header, header_index, header = found
    allowed = [
        m
        for m in sheet.merged
        if plan.header_rows > 1 and m[0] >= first_header and m[2] <= header_index
    ]
    result.problems += _merged_problems(
        sheet, header_index, header, [m for m in sheet.merged if m not in allowed]
    )
    what = "column" if plan.transposed else "row"
    columns, labels, column_problems = _find_columns(sheet, header_index, header, fields)
    result.problems += column_problems

    body = _body(sheet, header_index, len(header), result.problems)
    if body.empty:
        result.problems.append(
            Problem(
                sheet.file,
                message=f"there are no records after the header {what}",
                kind="no_records",
            )
        )
        return result
    if len(body) > plan.max_rows:
        result.problems.append(
            Problem(
                sheet.file,
                message=Limits(records=plan.max_rows).rows_message(),
                kind="too_large",
            )
        )
        return result
    if "id" not in columns or "text" not in columns:
        return result  # the missing column is already reported; nothing to key rows on

    if mapping.wide is not None:
        result.rows = _wide_rows(sheet, mapping, plan, header, body, columns, labels, result)
        return result
    context = _Context(sheet, plan, columns, labels, result.problems)
    raw = {name: body[col] for name, col in columns.items()}
    notes = _apply_corrections(context, raw, body.index)
    _read_colours(context, mapping, raw)
    result.rows = _convert(context, mapping, raw, notes, period)
    return result


def _wide_rows(
    sheet: Sheet,
    mapping: Mapping,
    plan: FilePlan,
    header: list[str],
    body: pd.DataFrame,
    columns: dict[str, int],
    labels: dict[str, str],
    result: SnapshotFile,
) -> pd.DataFrame | None:
    """The observations of a wide file: one per item and period that its headers give.

    Each ``[wide]`` regex is searched in every header; a match's groups give the
    column's period (:func:`~kerslake_analysis.base.periods.period_from_groups`). For
    each period, the item's row is read with that period's columns; a row whose every
    wide cell of the period is blank is not observed then.
    """
    assert mapping.wide is not None
    by_period: dict[str, dict[str, int]] = {}
    for name, pattern in mapping.wide.patterns().items():
        compiled = re.compile(pattern)
        found = False
        for j, text in enumerate(header):
            match = compiled.search(text)
            period = period_from_groups(match.groupdict()) if match else None
            if period is None:
                continue
            found = True
            if name in by_period.setdefault(period, {}):
                result.problems.append(
                    Problem(
                        sheet.file,
                        None if sheet.transposed else 1,
                        header_label(text),
                        f"a second {name} column for period {period} (wide.{name})",
                        kind="ambiguous_column",
                    )
                )
                continue
            by_period[period][name] = j
        if not found:
            result.problems.append(
                Problem(
                    sheet.file,
                    message=f"no header matches wide.{name} = {pattern!r}",
                    kind="missing_column",
                )
            )
    if plan.corrections:
        result.problems.append(
            Problem(
                sheet.file,
                message="[[correction]] is not applied to a wide file; fix the cell instead",
                kind="correction",
            )
        )
    if not by_period:
        return None
    frames = []
    for period in sorted(by_period):
        wide = by_period[period]
        cols = {**columns, **wide}
        names = {**labels, **{k: header_label(header[j]) for k, j in wide.items()}}
        cells = body[[*wide.values()]]
        observed = cells.apply(lambda c: c.str.strip() != "").any(axis=1)
        part = body.loc[observed]
        if part.empty:
            continue
        context = _Context(sheet, plan, cols, names, result.problems)
        raw = {name: part[col] for name, col in cols.items()}
        notes = pd.Series("", index=part.index, dtype=str)
        _read_colours(context, mapping, raw)
        frames.append(_convert(context, mapping, raw, notes, period))
    return pd.concat(frames) if frames else None


# --------------------------------------------------------------------------- layout


def _colours_mapped(mapping: Mapping) -> bool:
    """Whether the mapping reads any cell's fill colour (``[status.colours]``, ``[rating.colours]``)."""
    return bool(
        (mapping.status is not None and mapping.status.colours)
        or (mapping.rating is not None and mapping.rating.colours)
    )


def _header(
    sheet: Sheet, plan: FilePlan, fields: dict[str, ColumnSpec], result: SnapshotFile
) -> tuple[int, int, list[str]] | None:
    """Find the header rows; return (first, last, header texts) or None with a problem.

    ``files.header_row`` unset: the first of the top rows holding the most mapped column
    names (a notice says which, unless row 1). ``files.header_rows`` > 1: those rows'
    cells joined top-down, merged cells spread over their span.
    """
    what = "column" if plan.transposed else "row"
    depth = plan.header_rows
    if plan.header_row is not None:
        first = plan.header_row - 1
    else:
        names = [s.name for s in fields.values() if s.name is not None]
        prefixes = [s.starts_with for s in fields.values() if s.starts_with is not None]
        if depth == 1:
            first = find_header_row(sheet.cells, names, prefixes)
        else:
            first = _find_deep_header(sheet, depth, names, prefixes)
        if first is None:
            shown = ", ".join(repr(s.label) for s in list(fields.values())[:6])
            result.problems.append(
                Problem(
                    sheet.file,
                    message=f"no {what} among the first {HEADER_SEARCH_ROWS} holds any of the "
                    f"mapped column names ({shown}); set files.header_row in the mapping",
                    kind="no_header",
                )
            )
            return None
        if first + depth > 1:
            number = sheet.where(first, 0)[0 if not sheet.transposed else 1]
            rows = f"{what}s {number}-{number + depth - 1}" if depth > 1 else f"{what} {number}"
            result.notices.append(
                Problem(
                    sheet.file,
                    number,
                    message=f"the header was found in {rows} (files.header_row is not set; "
                    "the first rows holding the most mapped column names)",
                    kind="header_found",
                )
            )
    last = first + depth - 1
    if len(sheet.cells) <= last or not any(
        c.strip() for r in sheet.cells[first : last + 1] for c in r
    ):
        result.problems.append(
            Problem(
                sheet.file,
                message=f"there is no header in {what} {first + 1}",
                kind="no_header",
            )
        )
        return None
    if depth == 1:
        return first, last, sheet.cells[first]
    merged = [
        (r0 - first, c0, r1 - first, c1)
        for r0, c0, r1, c1 in sheet.merged
        if r0 >= first and r1 <= last
    ]
    return first, last, join_header_rows(sheet.cells[first : last + 1], merged)


def _find_deep_header(
    sheet: Sheet, depth: int, names: list[str], prefixes: list[str]
) -> int | None:
    """The first row of the ``depth`` header rows whose joined texts hold the most names."""
    best, best_score = None, 0
    for first in range(min(HEADER_SEARCH_ROWS, len(sheet.cells))):
        merged = [
            (r0 - first, c0, r1 - first, c1)
            for r0, c0, r1, c1 in sheet.merged
            if r0 >= first and r1 < first + depth
        ]
        joined = join_header_rows(sheet.cells[first : first + depth], merged)
        score = header_score(joined, names, prefixes)
        if score > best_score:
            best, best_score = first, score
    return best


def _hidden(sheet: Sheet, hidden: str) -> list[Problem]:
    """Notices of hidden worksheets, rows and columns; with ``"skip"`` blank those rows/columns.

    A hidden row or column is never dropped silently: with ``files.hidden = "read"`` (the
    default) it is read and a notice says so; with ``"skip"`` its cells are blanked (a
    blank row is no record; a hidden mapped column is then reported missing) and a
    notice says so.
    """
    notices = []
    setting = f'files.hidden = "{hidden}"'
    if sheet.sheet_hidden:
        notices.append(
            Problem(
                sheet.file,
                message=f"the worksheet {sheet.sheet_name!r} is hidden in Excel; it was read",
                kind="hidden_sheet",
            )
        )
    if sheet.hidden_sheets:
        listed = ", ".join(repr(n) for n in sheet.hidden_sheets)
        notices.append(
            Problem(
                sheet.file,
                message=f"the workbook has hidden worksheets, not read: {listed}",
                kind="hidden_sheet",
            )
        )
    filled_rows = sorted(
        i
        for i in sheet.hidden_rows
        if i < len(sheet.cells) and any(c.strip() for c in sheet.cells[i])
    )
    filled_cols = sorted(
        j for j in sheet.hidden_cols if any(j < len(r) and r[j].strip() for r in sheet.cells)
    )
    done = "they were left out" if hidden == "skip" else "they were read"
    # grid rows are records: spreadsheet rows, or columns in a transposed file
    records = "columns" if sheet.transposed else "rows"
    fields_noun = "rows" if sheet.transposed else "columns"
    for kind, noun, shown in (
        (f"hidden_{records}", records, [_sheet_label(sheet, i, 0, records) for i in filled_rows]),
        (
            f"hidden_{fields_noun}",
            fields_noun,
            [_sheet_label(sheet, 0, j, fields_noun) for j in filled_cols],
        ),
    ):
        if not shown:
            continue
        listed = ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")
        notices.append(
            Problem(
                sheet.file,
                message=f"{len(shown)} {noun} holding values are hidden in Excel ({listed}); "
                f"{done} ({setting})",
                kind=kind,
            )
        )
    if hidden == "skip":
        for i in sheet.hidden_rows:
            if i < len(sheet.cells):
                sheet.cells[i] = []
        for row in sheet.cells:
            for j in sheet.hidden_cols:
                if j < len(row):
                    row[j] = ""
    return notices


def _sheet_label(sheet: Sheet, row: int, col: int, noun: str) -> str:
    """A spreadsheet row number or column letter of a grid position."""
    ref = sheet.cell_ref(row, col)
    letters = ref.rstrip("0123456789")
    return ref[len(letters) :] if noun == "rows" else letters


def _merged_problems(
    sheet: Sheet,
    header_index: int,
    header: list[str],
    merged: list[tuple[int, int, int, int]] | None = None,
) -> list[Problem]:
    problems = []
    for first_row, first_col, last_row, last_col in sheet.merged if merged is None else merged:
        if last_row < header_index:
            continue  # a title above the header
        ref = sheet.range_ref(first_row, first_col, last_row, last_col)
        label = header[first_col] if first_col < len(header) else ""
        row, _ = sheet.where(max(first_row, header_index), first_col)
        if first_row <= header_index:
            message = f"merged header cells {ref}: each column needs its own header; unmerge them"
        else:
            message = (
                f"merged cells {ref}: only the first cell of a merged range holds a value; "
                "unmerge them and fill in every cell"
            )
        problems.append(
            Problem(
                sheet.file,
                row,
                header_label(label) if label.strip() else None,
                message,
                kind="merged_cells",
            )
        )
    return problems


def _find_columns(
    sheet: Sheet, header_index: int, header: list[str], fields: dict[str, ColumnSpec]
) -> tuple[dict[str, int], dict[str, str], list[Problem]]:
    """Locate each mapped field's column in the header."""
    keys = [normalise_key(h) for h in header]
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    problems = []
    header_row = None if sheet.transposed else header_index + 1
    for name, spec in fields.items():
        if spec.name is not None:
            wanted = normalise_key(spec.name)
            matches = [j for j, k in enumerate(keys) if k == wanted]
        else:
            wanted = normalise_key(spec.starts_with)
            matches = [j for j, k in enumerate(keys) if k.startswith(wanted)]
        role = f"mapped to {name}"
        if spec.occurrence is not None and len(matches) >= spec.occurrence:
            matches = [matches[spec.occurrence - 1]]
        if len(matches) == 1:
            columns[name] = matches[0]
            labels[name] = header_label(header[matches[0]])
            continue
        if not matches or spec.occurrence is not None:
            found = (
                f" (occurrence {spec.occurrence} asked, {len(matches)} found)" if matches else ""
            )
            close = [k for k in keys if k and (k.startswith(wanted) or wanted.startswith(k))]
            close = close or difflib.get_close_matches(wanted, [k for k in keys if k], 1, 0.6)
            hint = ""
            if close:
                hint = f"; did you mean {header_label(header[keys.index(close[0])])!r}?"
            where = "row" if not sheet.transposed else "column"
            message = f"column missing from the header {where}{found} ({role}){hint}"
            kind = "missing_column"
        else:
            cells = ", ".join(sheet.cell_ref(header_index, j) for j in matches)
            message = (
                f"{len(matches)} columns match ({cells}) ({role}); say which with "
                f'{{ name = "…", occurrence = N }} in the mapping'
            )
            kind = "ambiguous_column"
        problems.append(
            Problem(sheet.file, header_row, header_label(spec.label), message, kind=kind)
        )
    return columns, labels, problems


def _body(sheet: Sheet, header_index: int, width: int, problems: list[Problem]) -> pd.DataFrame:
    """The records after the header as a frame of str, indexed by grid row; blank rows dropped."""
    records = sheet.cells[header_index + 1 :]
    index = pd.RangeIndex(header_index + 1, header_index + 1 + len(records))
    full = max([width, *(len(r) for r in records)])
    padded = [r + [""] * (full - len(r)) for r in records]
    frame = pd.DataFrame(padded, index=index, columns=range(full), dtype=object).astype(str)
    blank = frame.apply(lambda c: c.str.strip() == "").all(axis=1)
    frame = frame.loc[~blank]
    if frame.shape[1] > width:
        beyond = frame.iloc[:, width:]
        filled = beyond.apply(lambda c: c.str.strip() != "")
        rows, cols = np.nonzero(filled.to_numpy())
        for i, j in zip(frame.index[rows], beyond.columns[cols], strict=True):
            row, _ = sheet.where(int(i), int(j))
            problems.append(
                Problem(
                    sheet.file,
                    row,
                    None,
                    f"a value beyond the last header column: {frame.at[i, j]!r}",
                    sheet.cell_ref(int(i), int(j)),
                    "value_beyond_header",
                )
            )
    return frame.iloc[:, :width]


# --------------------------------------------------------------------------- corrections


def _apply_corrections(context: _Context, raw: dict[str, pd.Series], index: pd.Index) -> pd.Series:
    """Apply the mapping's corrections for this file; return the notes per row."""
    notes = pd.Series("", index=index, dtype=str)
    ids = _one_line(raw["id"])
    for correction in context.plan.corrections:
        label = f"correction for ID {correction.id!r}, field {correction.field}"
        rows = ids.index[ids == _one_line_text(correction.id)]
        if correction.field not in raw:
            context.problems.append(
                Problem(
                    context.sheet.file,
                    message=f"{label}: the field is not in this file",
                    kind="correction",
                )
            )
            continue
        if rows.empty:
            context.problems.append(
                Problem(
                    context.sheet.file, message=f"{label}: no row has this ID", kind="correction"
                )
            )
            continue
        cells = raw[correction.field]
        for i in rows:
            if normalise_key(cells[i]) != normalise_key(correction.was):
                context.report(
                    correction.field,
                    pd.Index([i]),
                    f"{label}: expected {correction.was!r} but the cell holds {cells[i]!r}",
                    kind="correction",
                )
                continue
            cells = cells.copy()
            cells[i] = correction.now
            note = f"{correction.field}: {correction.was!r} read as {correction.now!r}: "
            notes[i] = "; ".join(n for n in (notes[i], note + correction.note) if n)
        raw[correction.field] = cells
    return notes


# --------------------------------------------------------------------------- fill colours


def _read_colours(context: _Context, mapping: Mapping, raw: dict[str, pd.Series]) -> None:
    """Give a blank status or rating cell the word its fill colour maps to.

    Only cells without text are read by colour (text wins); a colour the mapping does not
    list, or one that cannot be read as RGB (a theme colour), is a problem naming the cell.
    ``context.coloured[field][row] = "fill FF0000"`` keeps what the cell showed.
    """
    tables: dict[str, tuple[dict[str, str], str]] = {}
    if mapping.status is not None and mapping.status.colours:
        tables["status"] = (mapping.status.colour_lookup(), "[status.colours]")
    if mapping.rating is not None and mapping.rating.colours:
        for name in mapping.rating_names():
            tables[f"rating.{name}"] = (mapping.rating.colour_lookup(), "[rating.colours]")
    sheet = context.sheet
    for name, (table, key) in tables.items():
        if name not in raw:
            continue
        col = context.columns[name]
        values = raw[name].copy()
        blank = values.astype(str).str.strip() == ""
        for i in values.index[blank]:
            colour = sheet.fills.get((int(i), col))
            odd = sheet.odd_fills.get((int(i), col))
            if colour is not None and colour in table:
                values[i] = table[colour]
                context.coloured.setdefault(name, {})[int(i)] = f"fill {colour}"
            elif colour is not None:
                listed = ", ".join(sorted(table))
                context.report(
                    name,
                    pd.Index([i]),
                    f"the cell is blank and filled with colour {colour}, which {key} in the "
                    f"mapping does not list (listed: {listed})",
                    kind="unknown_colour",
                )
            elif odd is not None:
                context.report(
                    name,
                    pd.Index([i]),
                    f"the cell is blank and filled with {odd}, which cannot be read as an RGB "
                    f"colour: give it a standard colour or type the {name.split('.')[0]}",
                    kind="unreadable_colour",
                )
        raw[name] = values


# --------------------------------------------------------------------------- conversion


def _convert(
    context: _Context, mapping: Mapping, raw: dict[str, pd.Series], notes: pd.Series, period: str
) -> pd.DataFrame:
    sheet, plan = context.sheet, context.plan
    index = raw["id"].index
    missing = {name: _missing(values, plan) for name, values in raw.items()}
    errors = _formula_errors(context, raw, missing)
    if PERIOD_FIELD in raw:
        periods = _long_periods(context, mapping, raw, missing)
    else:
        periods = pd.Series(period, index=index, dtype=object)
    observed_on = (
        pd.to_datetime(periods.where(periods != ""), format="%Y-%m")
        .dt.to_period("M")
        .dt.to_timestamp(how="end")
        .dt.normalize()
        .astype(DATE)
    )

    ids = _one_line(raw["id"])
    _required(context, "id", missing["id"] & ~errors["id"], "the ID is empty", "empty_id")
    _duplicates(context, ids.where(~missing["id"]), periods if PERIOD_FIELD in raw else None)
    _required(context, "text", missing["text"] & ~errors["text"], "the text is empty", "empty_text")

    rows = pd.DataFrame(index=index)
    rows["commitment_id"] = ids.where(~missing["id"], "")
    rows["period"] = periods.astype(str)
    rows["observed_on"] = observed_on
    rows["source"] = sheet.file
    rows["source_line"] = (index.to_numpy() + 1).astype("int64")
    rows["source_cell"] = [sheet.cell_ref(int(i), context.columns["id"]) for i in index]
    rows["quote"] = raw["id"].astype(str)
    rows["transcription_note"] = notes
    for name in TEXT_FIELDS:
        rows[name] = _text(raw, missing, name)
    rows["evidence"] = rows.pop("update")

    dates = {name: _dates(context, raw, missing, name) for name in DATE_FIELDS if name in raw}
    rows = rows.join(_due(context, mapping, raw, missing, dates))
    completed = dates.get("completed_on")
    rows["completed_on"] = (
        completed[0] if completed is not None else pd.Series(pd.NaT, index=index, dtype=DATE)
    )
    _date_order(context, rows, observed_on)
    rows = rows.join(_status(context, mapping, raw, missing))
    if mapping.rating is not None:
        rows = rows.join(_ratings(context, mapping, raw, missing))
    for name in mapping.extra_names():
        rows[name] = _text(raw, missing, f"extra.{name}")
    return rows


def _one_line(values: pd.Series) -> pd.Series:
    return values.astype(str).str.replace(_SPACE, " ", regex=True).str.strip()


def _one_line_text(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _missing(values: pd.Series, plan: FilePlan) -> pd.Series:
    """True where a cell is blank or holds a value the mapping lists as missing."""
    stripped = values.astype(str).str.strip()
    mask = stripped == ""
    if plan.missing:
        words = {normalise_key(w) for w in plan.missing}
        mask |= stripped.map(normalise_key).isin(words)
    as_object = stripped.astype(object)
    for pattern in plan.missing_patterns:
        compiled = re.compile(pattern)
        mask |= as_object.map(lambda s, rx=compiled: rx.search(s) is not None).astype(bool)
    return mask


def _formula_errors(
    context: _Context, raw: dict[str, pd.Series], missing: dict[str, pd.Series]
) -> dict[str, pd.Series]:
    """Report cells holding Excel formula errors and treat them as missing; return the masks."""
    masks = {}
    for name, values in raw.items():
        col = context.columns[name]
        native = pd.Series(
            [(int(i), col) in context.sheet.errors for i in values.index], values.index
        )
        error = (native | values.str.strip().isin(EXCEL_ERRORS)) & ~missing[name]
        masks[name] = error
        if error.any():
            messages = values[error].map(
                lambda v: (
                    f"formula error {v.strip()!r} in the cell: fix the formula or type "
                    "the value (or record a [[correction]] in the mapping)"
                )
            )
            context.report(name, error[error].index, messages, kind="formula_error")
            missing[name] = missing[name] | error
    return masks


def _required(context: _Context, name: str, missing: pd.Series, message: str, kind: str) -> None:
    if missing.any():
        context.report(name, missing[missing].index, message, kind=kind)


def _long_periods(
    context: _Context, mapping: Mapping, raw: dict[str, pd.Series], missing: dict[str, pd.Series]
) -> pd.Series:
    """The period ``YYYY-MM`` of each row of a long file, from its period column.

    The column's values are read with ``period_formats`` (else ``date_formats``) and
    the month is taken (``05/01/2014 12:00:00 AM`` is 2014-05). A blank or unreadable
    value is a problem naming the cell; the row's period is then "".
    """
    text = raw[PERIOD_FIELD].astype(str).str.strip()
    formats = mapping.files.period_formats or context.plan.date_formats
    periods = pd.Series("", index=text.index, dtype=object)
    dates, _, remaining = _read_dates(text, ~missing[PERIOD_FIELD], formats)
    read = dates.notna()
    periods[read] = dates[read].dt.strftime("%Y-%m")
    if remaining.any():
        context.report(
            PERIOD_FIELD,
            remaining[remaining].index,
            text[remaining].map(lambda v: "the period: " + _bad_date(v, formats)),
            kind="bad_period",
        )
    blank = missing[PERIOD_FIELD]
    if blank.any():
        context.report(PERIOD_FIELD, blank[blank].index, "the period is empty", kind="no_period")
    return periods


def _duplicates(context: _Context, ids: pd.Series, periods: pd.Series | None = None) -> None:
    if periods is not None:  # a long file: an ID once per period
        keys = ids.where(ids.isna(), ids.astype(object) + "\x00" + periods.astype(str))
        repeated = keys[keys.notna() & keys.duplicated(keep=False)]
        for _, group in repeated.groupby(repeated, sort=False):
            where = [context.sheet.where(int(i), context.columns["id"])[0] for i in group.index]
            value, when = ids[group.index[0]], periods[group.index[0]]
            places = ", ".join(str(n) for n in where)
            context.report(
                "id",
                group.index,
                f"duplicate ID {value!r} for period {when} (rows {places})",
                kind="duplicate_id",
            )
        return
    repeated = ids[ids.notna() & ids.duplicated(keep=False)]
    for value, group in repeated.groupby(repeated, sort=False):
        where = [context.sheet.where(int(i), context.columns["id"])[0] for i in group.index]
        noun = "columns" if context.sheet.transposed else "rows"
        cols = [int(i) + 1 for i in group.index]
        places = ", ".join(str(n) for n in (cols if context.sheet.transposed else where))
        context.report(
            "id",
            group.index,
            f"duplicate ID {value!r} in this snapshot ({noun} {places})",
            kind="duplicate_id",
        )


def _text(raw: dict[str, pd.Series], missing: dict[str, pd.Series], name: str) -> pd.Series:
    if name not in raw:
        index = next(iter(raw.values())).index
        return pd.Series("", index=index, dtype=str)
    return _one_line(raw[name]).where(~missing[name], "").astype(str)


# --------------------------------------------------------------------------- dates


def _read_dates(
    text: pd.Series, todo: pd.Series, formats: list[str]
) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Read each value to do with the first of ``formats`` that reads it.

    Returns the dates (NaT where unread), which were read by a format without a day (a
    month only: no ``%d`` or ``%j``), and which of those to do no format read.
    """
    dates = pd.Series(pd.NaT, index=text.index, dtype=DATE)
    month = pd.Series(False, index=text.index)
    remaining = todo.copy()
    for fmt in formats:
        if not remaining.any():
            break
        parsed = pd.to_datetime(text.where(remaining), format=fmt, errors="coerce")
        ok = remaining & parsed.notna()
        dates[ok] = parsed[ok]
        if "%d" not in fmt and "%j" not in fmt:
            month |= ok
        remaining &= ~ok
    return dates, month, remaining


def _dates(
    context: _Context, raw: dict[str, pd.Series], missing: dict[str, pd.Series], name: str
) -> tuple[pd.Series, pd.Series]:
    """Parse a date column; return (dates, month_precision) and report bad cells."""
    text = raw[name].astype(str).str.strip()
    col = context.columns[name]
    native = pd.Series(
        [(int(i), col) in context.sheet.native_dates for i in text.index], index=text.index
    )
    todo = ~missing[name]
    dates, month, remaining = _read_dates(text, todo & ~native, context.plan.date_formats)
    from_sheet = todo & native
    if from_sheet.any():
        dates[from_sheet] = pd.to_datetime(text[from_sheet], format="ISO8601").dt.normalize()
    if remaining.any():
        formats = context.plan.date_formats
        context.report(
            name,
            remaining[remaining].index,
            text[remaining].map(lambda v: _bad_date(v, formats)),
            kind="bad_date",
        )
    years = dates.dt.year
    low, high = PLAUSIBLE_YEARS
    implausible = dates.notna() & ((years < low) | (years > high))
    if implausible.any():
        context.report(
            name,
            implausible[implausible].index,
            text[implausible].map(
                lambda v: f"implausible date {v!r}: the year is not {low}–{high}"
            ),
            kind="implausible_date",
        )
        dates[implausible] = pd.NaT
    if name != "due_start":  # a month given for an end or completion means its last day
        dates[month] = dates[month] + pd.offsets.MonthEnd(0)
    return dates.astype(DATE), month


def _bad_date(text: str, formats: list[str]) -> str:
    shown = " or ".join(_human_format(f) for f in formats)
    for fmt in formats:
        try:
            dt.datetime.strptime(text, fmt)
        except ValueError as error:
            if "out of range" in str(error):
                return (
                    f"impossible date {text!r}: there is no such day (format {_human_format(fmt)})"
                )
    if _LOOKS_LIKE_DATE.fullmatch(text):
        return f"not a date in the format {shown}: {text!r} (check day, month and year)"
    return f"not a date in the format {shown}: {text!r}"


def _human_format(fmt: str) -> str:
    for directive, word in _FORMAT_WORDS.items():
        fmt = fmt.replace(directive, word)
    return fmt


def _due(
    context: _Context,
    mapping: Mapping,
    raw: dict[str, pd.Series],
    missing: dict[str, pd.Series],
    dates: dict[str, tuple[pd.Series, pd.Series]],
) -> pd.DataFrame:
    """The timescale text, its kind and the due window of each row."""
    index = raw["id"].index
    frame = pd.DataFrame(index=index)
    if "timescale" in raw:
        frame["timescale"] = _one_line(raw["timescale"]).where(~missing["timescale"], "")
    elif "due_end" in raw:
        frame["timescale"] = _one_line(raw["due_end"])
    else:
        frame["timescale"] = ""
    frame["timescale"] = frame["timescale"].astype(str)
    reference = mapping.timescale_reference
    frame["timescale_reference"] = pd.Series(
        pd.Timestamp(reference) if reference else pd.NaT, index=index
    ).astype(DATE)
    if "due_end" in dates:
        end, end_month = dates["due_end"]
        kind = pd.Series(np.where(end_month, "month", "day"), index=index, dtype=str)
        blank = raw["due_end"].astype(str).str.strip() == ""
        kind = kind.mask(end.isna() & blank, "none").mask(end.isna() & ~blank, "tbc")
        frame["timescale_kind"] = kind
        frame["due_end"] = end
        if "due_start" in dates:
            frame["due_start"] = dates["due_start"][0]
        else:
            start = end.where(~end_month, end - pd.offsets.MonthBegin(1))
            frame["due_start"] = start.astype(DATE)
    elif "timescale" in raw:
        try:
            parsed = parse_timescales(frame["timescale"], reference, source=context.sheet.file)
        except TimescaleErrors as error:
            bad = pd.Index([p.row for p in error.problems])
            context.report(
                "timescale",
                bad,
                pd.Series([p.message for p in error.problems], bad),
                kind="bad_timescale",
            )
            ok = frame["timescale"].where(~frame.index.isin(bad), "")
            parsed = parse_timescales(ok, reference, source=context.sheet.file)
        except TimescaleError as error:  # a single failure outside a column parse
            context.report("timescale", index, str(error), kind="bad_timescale")
            parsed = parse_timescales(pd.Series("", index=index), None)
        frame = frame.join(parsed)
        if "due_start" in dates:
            frame["due_start"] = dates["due_start"][0].fillna(frame["due_start"])
    else:
        frame["timescale_kind"] = "none"
        frame["due_start"] = dates["due_start"][0] if "due_start" in dates else pd.NaT
        frame["due_end"] = pd.NaT
    for name in ("due_start", "due_end"):
        frame[name] = frame[name].astype(DATE)
    frame["timescale_kind"] = frame["timescale_kind"].astype(str)
    return frame[["timescale", "timescale_reference", "timescale_kind", "due_start", "due_end"]]


def _date_order(context: _Context, rows: pd.DataFrame, observed_on: pd.Series) -> None:
    """Report end before start, completion before start and completion after the snapshot."""
    start, end, done = rows["due_start"], rows["due_end"], rows["completed_on"]
    mapped = context.columns
    if "due_end" in mapped and "due_start" in mapped:
        bad = start.notna() & end.notna() & (end < start)
        context.report(
            "due_end",
            bad[bad].index,
            "the end date " + _iso(end[bad]) + " is before the start date " + _iso(start[bad]),
            kind="date_order",
        )
    if "completed_on" in mapped and "due_start" in mapped:
        early = done.notna() & start.notna() & (done < start)
        context.report(
            "completed_on",
            early[early].index,
            "the completion date "
            + _iso(done[early])
            + " is before the start date "
            + _iso(start[early]),
            kind="date_order",
        )
    if "completed_on" in mapped:
        late = done.notna() & (done > observed_on)
        context.report(
            "completed_on",
            late[late].index,
            "the completion date "
            + _iso(done[late])
            + " is after the snapshot date "
            + _iso(observed_on[late]),
            kind="date_order",
        )


def _iso(dates: pd.Series) -> pd.Series:
    return dates.dt.strftime("%Y-%m-%d").astype(str)


# --------------------------------------------------------------------------- status, ratings


def _map_words(
    words: pd.Series, missing: pd.Series, table: dict[str, str], patterns: dict[str, str]
) -> tuple[pd.Series, pd.Series]:
    """Map words by exact (normalised) value, then by pattern; return (mapped, unknown)."""
    mapped = words.map(normalise_key).map(table).astype(object).where(~missing)
    unknown = ~missing & mapped.isna()
    as_object = words.astype(object)
    for pattern, target in patterns.items():
        if not unknown.any():
            break
        compiled = re.compile(pattern)
        hit = unknown & as_object.map(lambda s, rx=compiled: rx.search(s) is not None).astype(bool)
        mapped[hit] = target
        unknown &= ~hit
    return mapped, unknown


def _status(
    context: _Context, mapping: Mapping, raw: dict[str, pd.Series], missing: dict[str, pd.Series]
) -> pd.DataFrame:
    index = raw["id"].index
    frame = pd.DataFrame(index=index)
    if "status" not in raw or mapping.status is None:
        frame["state"] = pd.Series("unknown", index=index).astype(STATE_DTYPE)
        frame["status_reported"] = pd.Series(pd.NA, index=index, dtype=STATUS_DTYPE)
        frame["status_raw"] = ""
        return frame
    words = _one_line(raw["status"])
    mapped, unknown = _map_words(
        words, missing["status"], mapping.status.lookup(), mapping.status.patterns
    )
    if unknown.any():
        known = sorted(mapping.status.values) or list(STATUSES)
        listed = ", ".join(repr(w) for w in known[:12]) + (" …" if len(known) > 12 else "")
        context.report(
            "status",
            unknown[unknown].index,
            words[unknown].map(
                lambda w: (
                    f"unknown status {w!r}: add it to [status.values] in the mapping "
                    f"(mapped words: {listed})"
                )
            ),
            kind="unknown_status",
        )
    frame["state"] = mapped.map(STATUS_STATES).fillna("unknown").astype(STATE_DTYPE)
    frame["status_reported"] = mapped.where(mapped != UNKNOWN).astype(STATUS_DTYPE)
    frame["status_raw"] = words.where(~missing["status"], "").astype(str)
    for i, shown in context.coloured.get("status", {}).items():
        frame.at[i, "status_raw"] = shown
    return frame


def _ratings(
    context: _Context, mapping: Mapping, raw: dict[str, pd.Series], missing: dict[str, pd.Series]
) -> pd.DataFrame:
    rating = mapping.rating
    categories = rating.categories
    dtype = pd.CategoricalDtype(categories, ordered=True)
    index = raw["id"].index
    frame = pd.DataFrame(index=index)
    combined = pd.Series(np.nan, index=index, dtype=object)
    given_by = pd.Series("", index=index, dtype=object)
    table = rating.lookup()
    names = mapping.rating_names()
    for tier in (rating.scale, rating.other):
        for name in names:
            key = f"rating.{name}"
            if key not in raw:
                continue
            words = _one_line(raw[key])
            blank = words == ""
            mapped, unknown = _map_words(words, blank, table, rating.patterns)
            if tier is rating.scale:  # report and store each column once
                listed = ", ".join(categories[:-1])
                bad = unknown & ~missing[key]
                if bad.any():
                    context.report(
                        key,
                        bad[bad].index,
                        words[bad].map(
                            lambda w, listed=listed: (
                                f"unknown rating {w!r}: map it in "
                                f"[rating.values] of the mapping (categories: {listed})"
                            )
                        ),
                        kind="unknown_rating",
                    )
                frame[f"rating_{name}"] = (
                    mapped.where(~unknown).fillna(MISSING_RATING).astype(dtype)
                )
            take = combined.isna() & mapped.isin(tier)
            combined[take] = mapped[take]
            given_by[take] = name
    for name in names:
        if f"rating_{name}" not in frame:
            frame[f"rating_{name}"] = pd.Series(MISSING_RATING, index=index).astype(dtype)
    frame.insert(0, "rating", combined.fillna(MISSING_RATING).astype(dtype))
    frame.insert(1, "rating_by", given_by.astype(str))
    return frame
