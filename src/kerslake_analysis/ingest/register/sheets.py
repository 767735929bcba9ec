"""Read one snapshot file (CSV or XLSX) into a grid of cell texts, keeping cell positions.

The grid is always "one record per row": a transposed file (fields down the first
column, one column per record) is turned round, and :meth:`Sheet.where` maps a grid
position back to the row and column a spreadsheet user sees. Problems that stop the
file from being read at all (too large, empty, wrong encoding, malformed CSV, an
unreadable workbook, a missing sheet) are returned as
:class:`~kerslake_analysis.ingest.register.problems.Problem` objects instead of a sheet.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "2018-09.csv").write_text("Ref,Action\\n1.1,Publish the plan\\n")
>>> sheet, problems = read_sheet(folder / "2018-09.csv", encoding="utf-8", separator=",")
>>> sheet.cells, problems
([['Ref', 'Action'], ['1.1', 'Publish the plan']], [])
>>> sheet.cell_ref(1, 1)
'B2'
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.colors import COLOR_INDEX
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from kerslake_analysis.ingest.register.encoding import describe_candidates, detect_encoding
from kerslake_analysis.ingest.register.problems import Problem

#: Suffixes read as CSV and as Excel workbooks.
CSV_SUFFIXES: tuple[str, ...] = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES: tuple[str, ...] = (".xlsx", ".xlsm")
#: Spreadsheet formats a council might save that cannot be read.
UNSUPPORTED_SUFFIXES: dict[str, str] = {
    ".xls": "Excel 97-2003 .xls files are not supported: save it as .xlsx",
    ".ods": "OpenDocument .ods files are not supported: save it as .xlsx or .csv",
    ".numbers": "Numbers files are not supported: export it as .xlsx or .csv",
}
#: Excel's formula error values.
EXCEL_ERRORS: frozenset[str] = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#UNKNOWN!",
        "#BUSY!",
    }
)
_CSV_FIELD_LIMIT = 1_000_000
#: An XLSX file's styles part (``xl/styles.xml``) larger than this, unzipped, is refused:
#: openpyxl parses it whole (about 12 bytes of memory per byte). Excel allows at most
#: 64,000 cell formats, about 6 MB.
MAX_STYLES_MEGABYTES = 10.0


class _TooLarge(Exception):
    """A limit was passed while reading; the message names the limit and its setting."""

    def __init__(self, message: str, row: int | None = None) -> None:
        super().__init__(message)
        self.row = row


@dataclass(frozen=True)
class Limits:
    """How much of a file :func:`read_sheet` reads before it refuses the file.

    Parameters
    ----------
    width : int
        The mapping's ``files.max_columns``: fields (spreadsheet columns; rows in a
        transposed file).
    unpacked_megabytes : float
        Total size of an XLSX file's parts once unzipped.
    records : int
        The mapping's ``files.max_rows`` (named in messages).
    header_row : int
        The mapping's ``files.header_row`` (rows up to it are not records).
    cells : int
        The mapping's ``files.max_cells``: cells read in all (a CSV's fields, an XLSX
        sheet's non-empty cells), which bounds the memory a file within the row and
        column limits can take. An XLSX sheet whose declared dimension covers more
        cells, or whose workbook has more shared strings, is refused before reading.
    transposed : bool
        Whether records run down columns (set by :func:`read_sheet`).
    """

    width: int = 1_000
    unpacked_megabytes: float = 200.0
    records: int = 100_000
    header_row: int = 1
    cells: int = 2_000_000
    transposed: bool = False

    @property
    def lines(self) -> int:
        """Records and header rows (spreadsheet rows; columns in a transposed file)."""
        return self.records + self.header_row

    def rows_message(self) -> str:
        """The message for a file with more records than ``files.max_rows``."""
        return (
            f"the file has more than {self.records} records, the limit "
            "(files.max_rows in the mapping); the file was not used"
        )

    def cells_message(self) -> str:
        """The message for a file with more cells than ``files.max_cells``."""
        return (
            f"the file has more than {self.cells} cells, the limit (files.max_cells in the "
            "mapping); the file was not used"
        )

    def width_message(self, found: int) -> str:
        """The message for a file with more columns than ``files.max_columns``."""
        return (
            f"the file has {found} or more fields ({'rows' if self.transposed else 'columns'}), "
            f"more than the limit of {self.width} (files.max_columns in the mapping); "
            "the file was not used"
        )


@dataclass
class Sheet:
    """A file's cells as text, one record per row, with their spreadsheet positions.

    Parameters
    ----------
    file : str
        The file name.
    cells : list of list of str
        Cell texts; rows may differ in length. XLSX dates are ISO ``YYYY-MM-DD``.
    transposed : bool
        Whether the file holds one record per column (the grid is then turned round).
    native_dates : set of (int, int)
        Grid positions of XLSX cells that hold real dates.
    errors : set of (int, int)
        Grid positions of XLSX cells that hold formula errors (``#REF!`` …).
    merged : list of (int, int, int, int)
        Merged ranges as grid positions ``(first_row, first_col, last_row, last_col)``.
    sha256 : str
        SHA-256 of the file's bytes.
    encoding : str
        The text encoding a CSV file was read with ("" for XLSX).
    encoding_confidence : float or None
        How sure the detection was (0 to 1, see
        :func:`~kerslake_analysis.ingest.register.encoding.detect_encoding`); None when the
        mapping set the encoding, or for XLSX.
    sheet_name : str
        The worksheet read (XLSX).
    sheet_hidden : bool
        Whether that worksheet is hidden (or "very hidden").
    hidden_sheets : list of str
        The workbook's other hidden worksheets (not read).
    hidden_rows, hidden_cols : set of int
        Grid rows and columns Excel hides.
    fills : dict of (int, int) to str
        Solid fill colours as ``RRGGBB`` by grid position (only when asked for).
    odd_fills : dict of (int, int) to str
        Fills whose colour cannot be read as RGB (a theme colour), described.
    """

    file: str
    cells: list[list[str]]
    transposed: bool = False
    native_dates: set[tuple[int, int]] = field(default_factory=set)
    errors: set[tuple[int, int]] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    sha256: str = ""
    encoding: str = ""
    encoding_confidence: float | None = None
    sheet_name: str = ""
    sheet_hidden: bool = False
    hidden_sheets: list[str] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    hidden_cols: set[int] = field(default_factory=set)
    fills: dict[tuple[int, int], str] = field(default_factory=dict)
    odd_fills: dict[tuple[int, int], str] = field(default_factory=dict)

    def where(self, row: int, col: int) -> tuple[int, int]:
        """Return the 1-based (row, column) a spreadsheet shows for grid position (row, col)."""
        return (col + 1, row + 1) if self.transposed else (row + 1, col + 1)

    def cell_ref(self, row: int, col: int) -> str:
        """Return the spreadsheet cell reference (``"C7"``) of a grid position."""
        sheet_row, sheet_col = self.where(row, col)
        return f"{get_column_letter(sheet_col)}{sheet_row}"

    def range_ref(self, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
        """Return the spreadsheet reference (``"A1:C1"``) of a rectangle of grid positions."""
        return f"{self.cell_ref(first_row, first_col)}:{self.cell_ref(last_row, last_col)}"


def read_sheet(
    path: Path,
    *,
    encoding: str | None = "utf-8",
    encoding_errors: str = "strict",
    separator: str = ",",
    sheet: str | int | None = None,
    transposed: bool = False,
    max_megabytes: float = 50.0,
    limits: Limits | None = None,
    hidden: str = "read",
    fills: bool = False,
) -> tuple[Sheet | None, list[Problem]]:
    """Read a CSV or XLSX file as a :class:`Sheet`.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    encoding : str or None
        A CSV file's text encoding; None to detect it
        (:func:`~kerslake_analysis.ingest.register.encoding.detect_encoding`: UTF-8 at
        once, otherwise only when the bytes tell it for sure, else a problem). A UTF-8
        byte-order mark is skipped.
    encoding_errors, separator : str
        How to decode and split a CSV file (``encoding_errors`` is ``"strict"`` or
        ``"replace"``).
    sheet : str or int, optional
        The worksheet of an XLSX file, by name or 1-based number; the first by default.
    transposed : bool, default False
        Whether records run down columns instead of across rows.
    max_megabytes : float, default 50
        Files larger than this are refused.
    limits : Limits, optional
        Rows, columns and unpacked size beyond which the file is refused while it is
        read (an XLSX file's declared dimension and unpacked size before any cell is
        read); the defaults of :class:`Limits` if not given.
    hidden : {"read", "skip"}, default "read"
        Without ``sheet``, "skip" reads the first visible worksheet instead of the
        first. Hidden rows and columns are recorded either way (the caller drops them).
    fills : bool, default False
        Record the cells' solid fill colours (XLSX; slower).

    Returns
    -------
    tuple of (Sheet or None, list of Problem)
        The sheet, or None with the problems that stopped it being read.
    """
    name = path.name
    suffix = path.suffix.casefold()
    if suffix in UNSUPPORTED_SUFFIXES:
        return None, [
            Problem(name, message=UNSUPPORTED_SUFFIXES[suffix], kind="unsupported_format")
        ]
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        return None, [
            Problem(
                name,
                message=f"not a CSV or XLSX file (suffix {path.suffix!r})",
                kind="unsupported_format",
            )
        ]
    try:
        size = path.stat().st_size
        if size > max_megabytes * 1_000_000:
            return None, [
                Problem(
                    name,
                    message=f"the file is {size / 1_000_000:.1f} MB, over the limit of "
                    f"{max_megabytes:g} MB (files.max_megabytes in the mapping)",
                    kind="too_large",
                )
            ]
        data = path.read_bytes()
    except OSError as error:
        return None, [
            Problem(
                name,
                message=f"cannot read the file: {error.strerror or error}",
                kind="unreadable",
            )
        ]
    if not data.strip():
        return None, [Problem(name, message="the file is empty", kind="empty_file")]
    limits = replace(limits or Limits(), transposed=transposed)
    if transposed:  # records run down columns: the row limit is a column limit
        lines, width = limits.width, limits.lines
    else:
        lines, width = limits.lines, limits.width
    try:
        if suffix in XLSX_SUFFIXES:
            result, problems = _read_xlsx(name, data, sheet, lines, width, limits, hidden, fills)
        else:
            result, problems = _read_csv(
                name, data, encoding, encoding_errors, separator, lines, width, limits
            )
    except _TooLarge as error:
        return None, [Problem(name, error.row, message=str(error), kind="too_large")]
    if result is None:
        return None, problems
    result.sha256 = hashlib.sha256(data).hexdigest()
    if transposed:
        result = _transpose(result)
    return result, problems


# --------------------------------------------------------------------------- CSV


#: The largest ``xl/workbook.xml`` read to list a workbook's sheets (bytes, unzipped).
MAX_WORKBOOK_PART_BYTES = 1_000_000


def sheet_names(path: Path, max_megabytes: float) -> tuple[list[str], Problem | None]:
    """List an XLSX workbook's worksheet names, in order, without reading any cell.

    Only ``xl/workbook.xml`` is read (at most :data:`MAX_WORKBOOK_PART_BYTES`
    unzipped), after the file's size is checked against ``max_megabytes``.

    Parameters
    ----------
    path : pathlib.Path
        The workbook.
    max_megabytes : float
        The file-size limit (``files.max_megabytes``).

    Returns
    -------
    tuple of (list of str, Problem or None)
        The names, or ``[]`` and a problem naming the file.
    """
    name = path.name
    if path.stat().st_size > max_megabytes * 1_000_000:
        return [], Problem(
            name,
            message=f"the file is over {max_megabytes:g} MB; raise files.max_megabytes",
            kind="too_large",
        )
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > MAX_WORKBOOK_PART_BYTES:
                return [], Problem(
                    name,
                    message="its workbook part is too large to list the sheets",
                    kind="too_large",
                )
            data = archive.read(info)
        names = [
            element.get("name", "")
            for _, element in iterparse(io.BytesIO(data), events=("end",))
            if element.tag.rsplit("}", 1)[-1] == "sheet"
        ]
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        return [], Problem(
            name, message=f"cannot list the workbook's sheets ({error})", kind="unreadable"
        )
    return names, None


def _read_csv(
    name: str,
    data: bytes,
    encoding: str | None,
    errors: str,
    separator: str,
    lines: int,
    width: int,
    limits: Limits,
) -> tuple[Sheet | None, list[Problem]]:
    """Read CSV strictly: a stray or unclosed quote is an error, never a long text cell."""
    confidence = None
    if encoding is None:
        guess = detect_encoding(data)
        if not guess.sure:
            return None, [_undetected_problem(name, data, guess.candidates, separator)]
        encoding, confidence = guess.encoding, guess.confidence
    codec = "utf-8-sig" if encoding.replace("_", "-").casefold() in ("utf-8", "utf8") else encoding
    try:
        text = data.decode(codec, errors=errors)
    except UnicodeDecodeError as error:
        return None, [_decode_problem(name, data, error, codec, separator)]
    csv.field_size_limit(_CSV_FIELD_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    rows: list[list[str]] = []
    started = 1  # the line the row being read starts on
    cells = 0
    try:
        for row in reader:
            if len(rows) >= lines:
                raise _TooLarge(_limit_message(limits, rows=True))
            if len(row) > width:
                raise _TooLarge(_limit_message(limits, found=len(row)), started)
            cells += len(row)
            if cells > limits.cells:
                raise _TooLarge(limits.cells_message(), started)
            rows.append(row)
            started = reader.line_num + 1
    except csv.Error as error:
        return None, [
            Problem(
                name,
                started,
                message=f"not well-formed CSV: {error} (in the record starting on line "
                f"{started}: a quote that is never closed, or text after a closing quote; "
                "nothing of the file was used)",
                kind="malformed_csv",
            )
        ]
    return Sheet(name, rows, encoding=encoding, encoding_confidence=confidence), []


def _undetected_problem(name: str, data: bytes, candidates: list[str], separator: str) -> Problem:
    """The file is not UTF-8 and its encoding cannot be told: name the first bad byte's cell."""
    try:
        data.decode("utf-8-sig")
        byte, located = b"", Problem(name)
    except UnicodeDecodeError as error:
        byte = error.object[error.start : error.start + 1]
        located = _decode_problem(name, data, error, "utf-8-sig", separator)
    if not candidates:
        found = "no encoding reads it cleanly"
    else:
        shown = describe_candidates(data, candidates)
        found = (
            f"its encoding cannot be told for sure: {len(candidates)} encodings read it "
            f"differently ({shown})"
        )
    message = (
        f"byte 0x{byte.hex()} cannot be decoded as utf-8 and {found}; "
        'set files.encoding in the mapping (e.g. encoding = "cp1252" for Excel on '
        'Windows, "mac_roman" for an old Mac) so the file is read as written'
    )
    return replace(located, message=message, kind="encoding")


def _limit_message(limits: Limits, *, rows: bool = False, found: int = 0) -> str:
    """The message for passing the file's row limit (``rows``) or its column limit.

    A plain file has records in rows (``files.max_rows``) and fields in columns
    (``files.max_columns``); a transposed file has them the other way round.
    """
    if rows != limits.transposed:
        return limits.rows_message()
    return limits.width_message(found or limits.width + 1)


def _decode_problem(
    name: str, data: bytes, error: UnicodeDecodeError, codec: str, separator: str
) -> Problem:
    """Name the row and column holding the first byte that does not decode."""
    before = data[: error.start].decode(codec, errors="replace")
    rows = list(csv.reader(io.StringIO(before, newline=""), delimiter=separator, strict=False))
    row = max(len(rows), 1)
    col = max(len(rows[-1]), 1) if rows else 1
    header = rows[0] if rows else []
    column = header[col - 1] if row > 1 and col - 1 < len(header) else None
    byte = data[error.start : error.start + 1]
    message = (
        f"byte 0x{byte.hex()} cannot be decoded as {codec.removesuffix('-sig')}; the file "
        "may use another encoding (set files.encoding in the mapping, e.g. 'cp1252')"
    )
    return Problem(
        name,
        row,
        _one_line(column) if column else None,
        message,
        f"{get_column_letter(col)}{row}",
        "encoding",
    )


# --------------------------------------------------------------------------- XLSX


def _read_xlsx(
    name: str,
    data: bytes,
    sheet: str | int | None,
    lines: int,
    width: int,
    limits: Limits,
    hidden: str = "read",
    fills: bool = False,
) -> tuple[Sheet | None, list[Problem]]:
    """Read one worksheet row by row (openpyxl read-only), refusing it before it grows.

    The unpacked size of the archive and the sheet's declared dimension are checked
    before any cell is read; the row and column counts as each row arrives.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            styles = next(
                (i.file_size for i in archive.infolist() if i.filename == "xl/styles.xml"), 0
            )
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        return None, [
            Problem(name, message=f"not a readable Excel workbook: {error}", kind="unreadable")
        ]
    if unpacked > limits.unpacked_megabytes * 1_000_000:
        raise _TooLarge(
            f"the workbook unpacks to {unpacked / 1_000_000:.1f} MB, over the limit of "
            f"{limits.unpacked_megabytes:g} MB (files.max_unpacked_megabytes in the mapping)"
        )
    if styles > MAX_STYLES_MEGABYTES * 1_000_000:
        raise _TooLarge(
            f"the workbook's styles (xl/styles.xml) unpack to {styles / 1_000_000:.1f} MB, "
            f"over the limit of {MAX_STYLES_MEGABYTES:g} MB "
            "(kerslake_analysis.ingest.register.sheets.MAX_STYLES_MEGABYTES); the file was not used"
        )
    if not fills and USE_CALAMINE and unpacked * CALAMINE_MEMORY_FACTOR < _memory_headroom():
        fast = _read_xlsx_calamine(name, data, sheet, lines, width, limits, hidden)
        if fast is not None:
            return fast
    try:
        reader = _StreamingReader(io.BytesIO(data), limits)
        reader.read()
        workbook = reader.wb
    except (_TooLarge, MemoryError):
        raise
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, IndexError) as error:
        return None, [
            Problem(name, message=f"not a readable Excel workbook: {error}", kind="unreadable")
        ]
    except Exception as error:  # noqa: BLE001 - any failure inside openpyxl is a bad file
        return None, [
            Problem(name, message=f"not a readable Excel workbook: {error!r}", kind="unreadable")
        ]
    try:
        return _read_worksheet(name, workbook, sheet, lines, width, limits, hidden, fills)
    finally:
        workbook.close()


#: Read XLSX cell values with python-calamine (Rust, about 5-10 times faster than
#: openpyxl) when no cell styles are needed (no ``[status.colours]`` or
#: ``[rating.colours]``); openpyxl read-only otherwise. The limits are checked on the
#: raw XML before calamine loads anything (see :func:`_read_xlsx_calamine`).
USE_CALAMINE = True
#: calamine is used only when this many times the workbook's unpacked size fits in the
#: memory left (the address-space limit, and the free physical memory): out of memory,
#: calamine (pyo3) panics and hangs instead of raising MemoryError, while openpyxl's
#: streaming reader raises it and the file becomes one problem. Measured: 144 MB
#: unpacked read by calamine at a peak of 409 MiB (about 300 MiB over the interpreter).
CALAMINE_MEMORY_FACTOR = 4


def _memory_headroom() -> float:
    """Bytes of memory this process can still use: address-space limit and free RAM."""
    room = float("inf")
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        if soft != resource.RLIM_INFINITY:
            pages = int(Path("/proc/self/statm").read_text().split()[0])
            room = soft - pages * os.sysconf("SC_PAGE_SIZE")
    except (ImportError, OSError, ValueError, IndexError):
        pass
    try:
        room = min(room, os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (AttributeError, ValueError, OSError):
        pass
    return room


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_R_ATTR = re.compile(rb"\br=\"(\d+)\"")
_HIDDEN_ATTR = re.compile(rb"\bhidden=\"(?:1|true)\"")
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_COLUMN = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]+)\d+\"")
_VALUE_TAG = re.compile(rb"<(?:\w+:)?(?:v|is)>")
_COL_TAG = re.compile(rb"<(?:\w+:)?col\b([^>]*)>")
_MIN_MAX = re.compile(rb"\b(min|max)=\"(\d+)\"")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*\bt=\"e\"[^>]*)>")
_CELL_REF = re.compile(rb"\br=\"([A-Z]+)(\d+)\"")
_ERROR_VALUE = re.compile(
    rb"\s*(?:<(?:\w+:)?f\b[^>]*/>|<(?:\w+:)?f\b[^>]*>[^<]*</(?:\w+:)?f>)?\s*<(?:\w+:)?v>([^<]*)<"
)


class _ScanFailed(Exception):
    """The raw XML cannot be scanned cheaply (cells without references): use openpyxl."""


def _scan_worksheet(
    source, lines: int, width: int, limits: Limits
) -> tuple[set[int], set[int], dict[tuple[int, int], str]]:
    """Check a worksheet's raw XML against the limits before any cell is loaded.

    Reads the part a megabyte at a time: the declared dimension, then the rows (their
    numbers), the cells' column letters and the values, refusing the sheet at the first
    limit passed. Returns the hidden rows and columns (0-based) and the formula-error
    cells with their values (calamine reads an error cell as blank).
    """
    head = source.read(1 << 16)
    declared = _DIMENSION.search(head)
    if declared and declared.group(3):
        rows = int(declared.group(4))
        cols = column_index_from_string(declared.group(3).decode())
        size = (b"%s%s:%s%s" % declared.group(1, 2, 3, 4)).decode()
        if rows > lines or cols > width:
            raise _TooLarge(
                f"the sheet declares its size as {size}: "
                + _limit_message(limits, rows=rows > lines, found=cols)
            )
        if rows * cols > limits.cells:
            raise _TooLarge(
                f"the sheet declares its size as {size}, {rows * cols} cells: more than "
                f"{limits.cells}, the limit (files.max_cells in the mapping); the file was not used"
            )
    hidden_rows: set[int] = set()
    hidden_cols: set[int] = set()
    errors: dict[tuple[int, int], str] = {}
    values = row = cell_tags = cell_refs = 0
    carry, chunk = b"", head
    while chunk or carry:
        block = carry + chunk
        # cut after the last '>' so that no tag is split between two blocks
        cut = block.rfind(b">") + 1 if chunk else len(block)
        block, carry = block[:cut], block[cut:]
        chunk = source.read(1 << 20) if chunk else b""
        starts = [(0, row)]  # (position in the block, the row open from there)
        for match in _ROW_TAG.finditer(block):
            number = _R_ATTR.search(match.group(1))
            row = int(number.group(1)) if number else row + 1
            starts.append((match.start(), row))
            if row > lines:
                raise _TooLarge(_limit_message(limits, rows=True))
            if _HIDDEN_ATTR.search(match.group(1)):
                hidden_rows.add(row - 1)

        def row_at(position: int, starts: list[tuple[int, int]] = starts) -> int:
            return next(r for p, r in reversed(starts) if p <= position)

        cell_tags += len(_CELL_TAG.findall(block))
        letters = _CELL_COLUMN.findall(block)
        cell_refs += len(letters)
        wide = {c for c in set(letters) if column_index_from_string(c.decode()) > width}
        if wide:
            first = next(m for m in _CELL_COLUMN.finditer(block) if m.group(1) in wide)
            col = column_index_from_string(first.group(1).decode())
            raise _TooLarge(_limit_message(limits, found=col), row_at(first.start()))
        found = len(_VALUE_TAG.findall(block))
        if values + found > limits.cells:
            # the value that passes the limit, and the row it is in
            passing = list(_VALUE_TAG.finditer(block))[limits.cells - values]
            raise _TooLarge(limits.cells_message(), row_at(passing.start()))
        values += found
        for match in _ERROR_CELL.finditer(block):
            ref = _CELL_REF.search(match.group(1))
            if ref is None:
                continue
            value = _ERROR_VALUE.match(block + carry + chunk[:512], match.end())
            text = value.group(1).decode("utf-8", "replace").strip() if value else "#VALUE!"
            position = (int(ref.group(2)) - 1, column_index_from_string(ref.group(1).decode()) - 1)
            errors[position] = text or "#VALUE!"
        for match in _COL_TAG.finditer(block):
            if _HIDDEN_ATTR.search(match.group(1)):
                bounds = dict(_MIN_MAX.findall(match.group(1)))
                low = int(bounds.get(b"min", 1))
                high = min(int(bounds.get(b"max", low)), width)
                hidden_cols.update(range(low - 1, high))
    if cell_tags != cell_refs:
        raise _ScanFailed  # some cells carry no reference: their columns are not known
    return hidden_rows, hidden_cols, errors


def _read_xlsx_calamine(name, data, sheet, lines, width, limits, hidden):
    """Read a worksheet's values with python-calamine, after checking its raw XML.

    The shared strings (declared and counted) and the sheet (declared dimension, rows,
    columns, values) are checked against the limits first, since calamine loads the
    strings when it opens the workbook and the whole sheet at once. Returns None when
    the XML cannot be scanned cheaply, so the caller reads it with openpyxl.
    """
    from python_calamine import CalamineWorkbook

    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True)
        reader.read_manifest()
        _check_strings(reader, limits)
        reader.read_workbook()
        found = [
            (s.name, (s.state or "visible") == "visible", rel)
            for s, rel in reader.parser.find_sheets()
        ]
    except (_TooLarge, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - any failure inside the reader is a bad file
        return None, [
            Problem(name, message=f"not a readable Excel workbook: {error!r}", kind="unreadable")
        ]
    names = [n for n, _, _ in found]
    if sheet is None:
        visible = [i for i, (_, shown, _) in enumerate(found) if shown]
        index = visible[0] if hidden == "skip" and visible else 0
    elif isinstance(sheet, int):
        if sheet > len(names):
            return None, [
                Problem(
                    name,
                    message=f"there is no sheet number {sheet}; sheets: {names}",
                    kind="no_such_sheet",
                )
            ]
        index = sheet - 1
    elif sheet in names:
        index = names.index(sheet)
    else:
        return None, [
            Problem(
                name, message=f"there is no sheet {sheet!r}; sheets: {names}", kind="no_such_sheet"
            )
        ]
    title, shown, rel = found[index]
    if not str(rel.Type).endswith("/worksheet"):
        return None, [
            Problem(name, message=f"sheet {title!r} is a chart, not cells", kind="no_such_sheet")
        ]
    try:
        with reader.archive.open(rel.target.lstrip("/")) as source:
            hidden_rows, hidden_cols, error_cells = _scan_worksheet(source, lines, width, limits)
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        worksheet = workbook.get_sheet_by_name(title)
        values = worksheet.to_python(skip_empty_area=False)
        ranges = worksheet.merged_cell_ranges or []
    except _ScanFailed:
        return None
    except (_TooLarge, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - any failure inside calamine is a bad file
        return None, [
            Problem(name, message=f"not a readable Excel workbook: {error!r}", kind="unreadable")
        ]
    finally:
        reader.archive.close()
    cells: list[list[str]] = []
    native_dates: set[tuple[int, int]] = set()
    errors: set[tuple[int, int]] = set()
    for i, row in enumerate(values):
        texts = [_cell_text(v) if v != "" else "" for v in row]
        while texts and texts[-1] == "":
            texts.pop()
        for j, value in enumerate(row[: len(texts)]):
            if isinstance(value, dt.date | dt.datetime):
                native_dates.add((i, j))
            elif isinstance(value, str) and value in EXCEL_ERRORS:
                errors.add((i, j))
        cells.append(texts)
    for (i, j), text in error_cells.items():  # calamine reads them as blank
        while len(cells) <= i:
            cells.append([])
        cells[i].extend([""] * (j + 1 - len(cells[i])))
        cells[i][j] = text
        errors.add((i, j))
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges]
    return Sheet(
        name,
        cells,
        native_dates=native_dates,
        errors=errors,
        merged=merged,
        sheet_name=title,
        sheet_hidden=not shown,
        hidden_sheets=[n for k, (n, v, _) in enumerate(found) if k != index and not v],
        hidden_rows=hidden_rows,
        hidden_cols=hidden_cols,
    ), []


def _check_strings(reader: ExcelReader, limits: Limits) -> None:
    """Refuse a shared-strings table declaring or holding more strings than ``max_cells``.

    Every part that could be the table is checked: the one the content types name
    (openpyxl's) and any ``…sharedStrings.xml`` in the archive (calamine finds its own).
    """
    content = reader.package.find(SHARED_STRINGS)
    parts = {content.PartName[1:]} if content is not None else set()
    parts |= {n for n in reader.archive.namelist() if n.casefold().endswith("sharedstrings.xml")}
    message = _StreamingReader.strings_message
    for part in sorted(parts):
        with reader.archive.open(part) as source:
            declared = _SST_COUNT.search(source.read(4096))
        if declared and int(declared.group(1)) > limits.cells:
            raise _TooLarge(message(reader, f"declares {int(declared.group(1))}", limits))
        with reader.archive.open(part) as source:
            found = _count_strings(source)
        if found > limits.cells:
            raise _TooLarge(message(reader, f"holds {found}", limits))


_SST_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount=[\"'](\d+)")
_SI_TAG = f"{{{SHEET_MAIN_NS}}}si"
_T_TAG = f"{{{SHEET_MAIN_NS}}}t"
_SI_START = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


def _count_strings(source: io.BufferedIOBase) -> int:
    """Count the ``<si>`` start tags of a shared-strings part, a megabyte at a time.

    A quick bound before parsing (about a second for 150 MB); the parser counts again.
    """
    count, tail = 0, b""
    while chunk := source.read(1 << 20):
        block = tail + chunk
        # a tag wholly inside the tail was counted with the previous block
        count += sum(1 for m in _SI_START.finditer(block) if m.end() > len(tail))
        tail = block[-32:]
    return count


class _StreamingReader(ExcelReader):
    """openpyxl's read-only workbook reader, its shared strings read within the limits.

    openpyxl reads the whole shared-strings part before the first row, keeping every
    parsed element; here the part's declared count is checked from its first bytes, its
    ``<si>`` tags are counted in the raw text, and the strings are counted again as they
    are parsed, each element dropped once read.
    """

    def __init__(self, source: io.BytesIO, limits: Limits) -> None:
        super().__init__(source, read_only=True, data_only=True)
        self.limits = limits

    def read_strings(self) -> None:
        """Read the shared strings, refusing more than ``files.max_cells`` of them."""
        content = self.package.find(SHARED_STRINGS)
        if content is None:
            return
        with self.archive.open(content.PartName[1:]) as source:
            declared = _SST_COUNT.search(source.read(4096))
        if declared and int(declared.group(1)) > self.limits.cells:
            raise _TooLarge(self.strings_message(f"declares {int(declared.group(1))}"))
        with self.archive.open(content.PartName[1:]) as source:
            found = _count_strings(source)
        if found > self.limits.cells:
            raise _TooLarge(self.strings_message(f"holds {found}"))
        strings: list[str] = []
        with self.archive.open(content.PartName[1:]) as source:
            events = iterparse(source, events=("start", "end"))
            _, root = next(events)
            for event, node in events:
                if event != "end" or node.tag != _SI_TAG:
                    continue
                if len(strings) >= self.limits.cells:
                    raise _TooLarge(self.strings_message(f"holds more than {len(strings)}"))
                if len(node) == 1 and node[0].tag == _T_TAG:  # plain text: read it directly
                    text = node[0].text or ""
                else:  # rich text runs
                    text = Text.from_tree(node).content
                strings.append(text.replace("x005F_", ""))
                node.clear()
                root.clear()  # drop the string's element: only its text is kept
        self.shared_strings = strings

    def strings_message(self, count: str, limits: Limits | None = None) -> str:
        """The message for a shared-strings table with more strings than cells allowed."""
        cells = (limits or self.limits).cells
        return (
            f"the workbook's shared-strings table {count} strings; a sheet can use at most "
            f"{cells} (files.max_cells in the mapping), so the file was not used"
        )


def _read_worksheet(name, workbook, sheet, lines, width, limits, hidden="read", fills=False):
    names = workbook.sheetnames
    if sheet is None:
        visible = [w for w in workbook.worksheets if _visible(w)]
        worksheet = visible[0] if hidden == "skip" and visible else workbook.worksheets[0]
    elif isinstance(sheet, int):
        if sheet > len(names):
            return None, [
                Problem(
                    name,
                    message=f"there is no sheet number {sheet}; sheets: {names}",
                    kind="no_such_sheet",
                )
            ]
        worksheet = workbook.worksheets[sheet - 1]
    elif sheet in names:
        worksheet = workbook[sheet]
    else:
        return None, [
            Problem(
                name, message=f"there is no sheet {sheet!r}; sheets: {names}", kind="no_such_sheet"
            )
        ]
    if not hasattr(worksheet, "_get_source"):
        return None, [
            Problem(
                name,
                message=f"sheet {worksheet.title!r} is a chart, not cells",
                kind="no_such_sheet",
            )
        ]
    declared_rows, declared_cols = worksheet.max_row or 0, worksheet.max_column or 0
    if declared_rows > lines or declared_cols > width:
        size = worksheet.calculate_dimension()
        too_many = declared_rows > lines
        raise _TooLarge(
            f"the sheet declares its size as {size}: "
            + _limit_message(limits, rows=too_many, found=declared_cols)
        )
    if declared_rows * declared_cols > limits.cells:
        raise _TooLarge(
            f"the sheet declares its size as {worksheet.calculate_dimension()}, "
            f"{declared_rows * declared_cols} cells: more than {limits.cells}, the limit "
            "(files.max_cells in the mapping); the file was not used"
        )

    cells: list[list[str]] = []
    native_dates: set[tuple[int, int]] = set()
    errors: set[tuple[int, int]] = set()
    colours: dict[tuple[int, int], str] = {}
    odd: dict[tuple[int, int], str] = {}
    fill_of = _FillReader(workbook) if fills else None
    count = 0
    try:
        with worksheet._get_source() as source:
            parser = WorkSheetParser(
                source,
                worksheet._shared_strings,
                data_only=True,
                epoch=workbook.epoch,
                date_formats=workbook._date_formats,
                timedelta_formats=workbook._timedelta_formats,
            )
            for number, row in parser.parse():
                if number > lines:
                    raise _TooLarge(_limit_message(limits, rows=True))
                while len(cells) < number:
                    cells.append([])
                i = number - 1
                texts = cells[i]
                for cell in row:
                    j = cell["column"] - 1
                    if j >= width:
                        raise _TooLarge(_limit_message(limits, found=j + 1), number)
                    value = cell["value"]
                    if fill_of is not None and cell["style_id"]:
                        colour, description = fill_of(cell["style_id"])
                        if colour:
                            colours[(i, j)] = colour
                        elif description:
                            odd[(i, j)] = description
                        if value is None and (colour or description):
                            count += 1  # a coloured blank cell is kept: it counts
                            if count > limits.cells:
                                raise _TooLarge(limits.cells_message(), number)
                    if value is None:
                        continue
                    count += 1
                    if count > limits.cells:
                        raise _TooLarge(limits.cells_message(), number)
                    if cell["data_type"] == "e" or (
                        isinstance(value, str) and value in EXCEL_ERRORS
                    ):
                        errors.add((i, j))
                    if isinstance(value, dt.datetime | dt.date):
                        native_dates.add((i, j))
                    texts.extend([""] * (j + 1 - len(texts)))
                    texts[j] = _cell_text(value)
            ranges = parser.merged_cells.mergeCell if parser.merged_cells else []
            hidden_rows = {
                int(r) - 1 for r, a in parser.row_dimensions.items() if _true(a.get("hidden"))
            }
            hidden_cols = {
                c - 1
                for a in parser.column_dimensions.values()
                if _true(a.get("hidden"))
                for c in range(int(a.get("min", 1)), min(int(a.get("max", 1)), width) + 1)
            }
    except (_TooLarge, MemoryError):
        raise
    except Exception as error:  # noqa: BLE001 - any failure inside openpyxl is a bad file
        return None, [
            Problem(name, message=f"not a readable Excel workbook: {error!r}", kind="unreadable")
        ]
    merged = []
    for merge in ranges:
        min_col, min_row, max_col, max_row = range_boundaries(merge.ref)
        merged.append((min_row - 1, min_col - 1, max_row - 1, max_col - 1))
    return Sheet(
        name,
        cells,
        native_dates=native_dates,
        errors=errors,
        merged=merged,
        sheet_name=worksheet.title,
        sheet_hidden=not _visible(worksheet),
        hidden_sheets=[
            w.title for w in workbook.worksheets if w is not worksheet and not _visible(w)
        ],
        hidden_rows=hidden_rows,
        hidden_cols=hidden_cols,
        fills=colours,
        odd_fills=odd,
    ), []


def _visible(worksheet) -> bool:
    return getattr(worksheet, "sheet_state", "visible") == "visible"


def _true(value: object) -> bool:
    return str(value).strip().casefold() in ("1", "true")


class _FillReader:
    """A cell style's solid fill colour as ``RRGGBB``, resolved once per style.

    An RGB colour is read as it is; an indexed colour through Excel's 64-colour
    palette; a theme colour (which needs the workbook's theme and a tint) is described
    instead, so the caller can name the cell.
    """

    def __init__(self, workbook) -> None:
        self.workbook = workbook
        self.cache: dict[int, tuple[str, str]] = {}

    def __call__(self, style_id: int) -> tuple[str, str]:
        if style_id not in self.cache:
            self.cache[style_id] = self._resolve(style_id)
        return self.cache[style_id]

    def _resolve(self, style_id: int) -> tuple[str, str]:
        try:
            style = self.workbook._cell_styles[style_id]
            fill = self.workbook._fills[style.fillId]
        except (IndexError, AttributeError):
            return "", ""
        if getattr(fill, "patternType", None) != "solid":
            return "", ""
        colour = fill.fgColor
        if colour.type == "rgb" and isinstance(colour.rgb, str):
            return colour.rgb[-6:].upper(), ""
        if colour.type == "indexed" and colour.indexed is not None:
            if 0 <= colour.indexed < len(COLOR_INDEX):
                return COLOR_INDEX[colour.indexed][-6:].upper(), ""
            return "", f"a system colour (indexed {colour.indexed})"
        if colour.type == "theme":
            return "", f"a theme colour (theme {colour.theme}, tint {colour.tint:g})"
        return "", f"a colour of type {colour.type!r}"


def _cell_text(value: object) -> str:
    """The text of an XLSX cell value: dates as ISO, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# --------------------------------------------------------------------------- helpers


def _transpose(sheet: Sheet) -> Sheet:
    width = max((len(r) for r in sheet.cells), default=0)
    padded = [r + [""] * (width - len(r)) for r in sheet.cells]
    sheet.cells = [list(column) for column in zip(*padded, strict=True)] if padded else []
    sheet.native_dates = {(j, i) for i, j in sheet.native_dates}
    sheet.errors = {(j, i) for i, j in sheet.errors}
    sheet.merged = [(c0, r0, c1, r1) for r0, c0, r1, c1 in sheet.merged]
    sheet.hidden_rows, sheet.hidden_cols = sheet.hidden_cols, sheet.hidden_rows
    sheet.fills = {(j, i): v for (i, j), v in sheet.fills.items()}
    sheet.odd_fills = {(j, i): v for (i, j), v in sheet.odd_fills.items()}
    sheet.transposed = True
    return sheet


_SPACE = re.compile(r"\s+")


def _one_line(text: str, limit: int = 80) -> str:
    """A header as one line, shortened to ``limit`` characters for messages."""
    line = _SPACE.sub(" ", text).strip()
    return line if len(line) <= limit else line[: limit - 1] + "…"


def header_label(text: str) -> str:
    """Return a header cell as messages show it: on one line, at most 80 characters.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> header_label("Project - End Date\\n(Latest approved end date)")
    'Project - End Date (Latest approved end date)'
    """
    return _one_line(text)
