"""The mapping file ``MAP.toml``: how a council's tracker maps onto commitments.

A register is a folder of snapshot files, one per period, in the council's own column
names. The mapping (TOML, read with :mod:`tomllib`) says which column holds what, how
the council's status words map onto the six statuses of the December 2015 key, and how
to read the files. :func:`read_mapping` reads and checks it: unknown keys, missing
required keys, values of the wrong type, bad regular expressions or date formats and
status words mapped to no known status are all reported together in one
:class:`~kerslake_analysis.ingest.register.problems.MappingError` naming the file and key.

The schema is documented, with a commented example, in ``docs/register-mapping.md``.
In short::

    name = "cgip-2018"               # required: the register's name (the ``plan`` column)
    [files]                          # how to read the files (all optional)
    [columns]                        # required: id and text; optional: owner, theme …
    [status]                         # council status word -> one of the six statuses
    [rating]                         # optional RAG / confidence columns and their scale
    [extra]                          # optional: further columns carried along as text
    [[override]]                     # per-file settings, by file-name pattern
    [[correction]]                   # documented fixes of single cells

Column references are header texts, matched ignoring case and runs of white space;
``{ starts_with = "Project - End Date" }`` matches a header by its beginning and
``{ name = "colour_rating", occurrence = 2 }`` picks the second of two equal headers.

Examples
--------
>>> mapping = parse_mapping('''
... name = "demo"
... [columns]
... id = "Ref"
... text = "Action"
... status = "Status"
... [status.values]
... "Done" = "Complete"
... "On track" = "In progress"
... ''', "MAP.toml")
>>> mapping.columns.id.name, mapping.status.lookup()["on track"]
('Ref', 'In progress')
>>> parse_mapping('name = "demo"\\n[columns]\\nid = "Ref"\\nidd = "x"', "MAP.toml")
Traceback (most recent call last):
...
kerslake_analysis.ingest.register.problems.MappingError: 2 problems:
  MAP.toml: missing required key 'columns.text'
  MAP.toml: unknown key 'columns.idd' (known keys there: id, text, theme, sub_theme, ref, owner, timescale, due_start, due_end, status, completed_on, update)
"""

from __future__ import annotations

import codecs
import datetime as dt
import fnmatch
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from kerslake_analysis.base.periods import PERIOD
from kerslake_analysis.base.statuses import COMPLETE, KEY_STATUSES
from kerslake_analysis.base.validation import StrictModel, validation_issues
from kerslake_analysis.ingest.register.problems import MappingError, Problem

#: The six statuses of the December 2015 report's key, in report order.
STATUSES: tuple[str, ...] = KEY_STATUSES
#: The target for a status word that says nothing about the state (``state`` unknown).
UNKNOWN = "Unknown"
#: The observation state each status implies. TBC says nothing about progress.
STATUS_STATES: dict[str, str] = {
    STATUSES[0]: "complete",
    STATUSES[1]: "in_progress",
    STATUSES[2]: "not_started",
    STATUSES[3]: "in_progress",
    STATUSES[4]: "not_started",
    STATUSES[5]: "unknown",
    UNKNOWN: "unknown",
}
#: Category of a rating cell that is blank or holds a value listed as missing.
MISSING_RATING = "Missing"

#: Fields of ``[columns]``: the commitment's own columns, then the per-period ones.
COLUMN_FIELDS: tuple[str, ...] = (
    "id",
    "text",
    "theme",
    "sub_theme",
    "ref",
    "owner",
    "timescale",
    "due_start",
    "due_end",
    "status",
    "completed_on",
    "update",
)
#: Fields whose cells are dates.
DATE_FIELDS: tuple[str, ...] = ("due_start", "due_end", "completed_on")

#: Defaults of the file options (see ``docs/register-mapping.md``).
DEFAULT_INCLUDE: tuple[str, ...] = ("*.csv", "*.xlsx", "*.xlsm")
DEFAULT_PERIOD_PATTERN = r"(?<!\d)(?P<year>\d{4})[-_ .]?(?P<month>0[1-9]|1[0-2])(?!\d)"
DEFAULT_DATE_FORMATS: tuple[str, ...] = ("%Y-%m-%d", "%d/%m/%Y")
#: Named groups a ``period_pattern`` may have: year with month or quarter; day, hour
#: and minute order the files of one period (``same_period = "latest-date"``).
PERIOD_GROUPS: frozenset[str] = frozenset({"year", "month", "quarter", "day", "hour", "minute"})
DEFAULT_MAX_ROWS = 100_000
DEFAULT_MAX_COLUMNS = 1_000
DEFAULT_MAX_CELLS = 2_000_000
DEFAULT_MAX_MEGABYTES = 50.0
DEFAULT_MAX_UNPACKED_MEGABYTES = 200.0
#: The largest mapping file read (bytes); a larger one is refused unread.
MAX_MAPPING_BYTES = 1_000_000
#: A register's name becomes a folder of the reports (``<out>/<name>/<period>/``): a
#: slug, never a path (no ``/``, ``\\``, ``..`` or leading dot).
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*")

_NAME = re.compile(r"[a-z][a-z0-9_]*")
_DASHES = re.compile(r"\s*[-\u2010-\u2015]\s*")


def normalise_key(text: str) -> str:
    """Return text as the mapping compares it: runs of white space as one space, case folded.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> normalise_key("  Project - End Date\\n(Latest approved) ")
    'project - end date (latest approved)'
    """
    return " ".join(str(text).split()).casefold()


def _status_key(text: str) -> str:
    """A status name compared ignoring case, spacing and the kind of dash."""
    return _DASHES.sub(" - ", normalise_key(text))


_STATUS_BY_KEY: dict[str, str] = {_status_key(s): s for s in (*STATUSES, UNKNOWN)}


# --------------------------------------------------------------------------- models


class _Model(StrictModel):
    """The base of the mapping's tables (unknown keys refused, no coercion, frozen)."""


class ColumnSpec(_Model):
    """Which column of a file a field comes from.

    Written in TOML as a header text (``"Due date"``), or as a table:
    ``{ starts_with = "Project - End Date" }`` or ``{ name = "colour_rating",
    occurrence = 2 }``. ``false`` (in an ``[[override]]``) says the files it matches
    have no such column.
    """

    name: str | None = Field(default=None, min_length=1)
    starts_with: str | None = Field(default=None, min_length=1)
    occurrence: int | None = Field(default=None, ge=1)
    absent: bool = False

    @model_validator(mode="after")
    def _one_way(self) -> ColumnSpec:
        if self.absent:
            return self
        if (self.name is None) == (self.starts_with is None):
            raise ValueError("give exactly one of 'name' or 'starts_with'")
        return self

    @property
    def label(self) -> str:
        """How the column is named in messages: the header text or its start with '…'."""
        return self.name if self.name is not None else f"{self.starts_with}…"


def _column_spec(value: Any) -> Any:
    if isinstance(value, str):
        return {"name": value}
    if value is False:
        return {"absent": True}
    if isinstance(value, dict):
        return value
    raise ValueError('a column is a header text, false, or a table such as { starts_with = "Due" }')


Column = Annotated[ColumnSpec, BeforeValidator(_column_spec)]


def _check_pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as error:
        raise ValueError(f"not a valid regular expression ({error}): {value!r}") from None
    return value


def _check_date_format(value: str) -> str:
    if "%" not in value:
        raise ValueError(f"a date format needs % directives such as %d/%m/%Y: {value!r}")
    try:
        dt.date(2001, 2, 3).strftime(value)
    except ValueError as error:
        raise ValueError(f"not a valid date format ({error}): {value!r}") from None
    return value


class FileOptions(_Model):
    """How to read a file; every key optional (defaults in ``docs/register-mapping.md``)."""

    encoding: str | None = None
    encoding_errors: Literal["strict", "replace"] | None = None
    separator: str | None = Field(default=None, min_length=1, max_length=1)
    sheet: str | int | None = None
    header_row: int | None = Field(default=None, ge=1)
    header_rows: int | None = Field(default=None, ge=1, le=10)
    hidden: Literal["read", "skip"] | None = None
    transposed: bool | None = None
    missing: list[str] | None = None
    missing_patterns: list[str] | None = None
    date_formats: list[str] | None = Field(default=None, min_length=1)
    period: str | None = None
    max_rows: int | None = Field(default=None, ge=1)
    max_columns: int | None = Field(default=None, ge=1)
    max_cells: int | None = Field(default=None, ge=1)
    max_megabytes: float | int | None = Field(default=None, gt=0)
    max_unpacked_megabytes: float | int | None = Field(default=None, gt=0)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                codecs.lookup(value)
            except LookupError:
                raise ValueError(f"unknown text encoding {value!r}") from None
        return value

    @field_validator("sheet")
    @classmethod
    def _sheet(cls, value: str | int | None) -> str | int | None:
        if isinstance(value, int) and value < 1:
            raise ValueError("a sheet number counts from 1")
        return value

    @field_validator("missing_patterns")
    @classmethod
    def _patterns(cls, value: list[str] | None) -> list[str] | None:
        for pattern in value or []:
            _check_pattern(pattern)
        return value

    @field_validator("date_formats")
    @classmethod
    def _formats(cls, value: list[str] | None) -> list[str] | None:
        for fmt in value or []:
            _check_date_format(fmt)
        return value

    @field_validator("period")
    @classmethod
    def _period(cls, value: str | None) -> str | None:
        if value is not None and not PERIOD.fullmatch(value):
            raise ValueError(f"a period is YYYY-MM, for example 2018-09: {value!r}")
        return value


class FileSettings(FileOptions):
    """``[files]``: the file options for every file, plus which files to read and how
    each file gives its period.

    ``layout`` is ``"files"`` (one file per period, the period in the file name by
    ``period_pattern``) or ``"long"`` (the period in a column, ``period_column``, read
    with ``period_formats`` or else ``date_formats``). ``same_period`` says what to do
    when several files are for one period: ``"error"``, or read only the latest by
    name (``"latest-name"``) or by the day, hour and minute in the name
    (``"latest-date"``), listing the others as skipped.
    """

    include: list[str] = Field(default=list(DEFAULT_INCLUDE), min_length=1)
    period_pattern: str = DEFAULT_PERIOD_PATTERN
    layout: Literal["files", "long", "sheets", "wide"] = "files"
    sheets: list[str] | None = Field(default=None, min_length=1)
    period_column: Column | None = None
    period_formats: list[str] | None = Field(default=None, min_length=1)
    same_period: Literal["error", "latest-name", "latest-date"] = "error"

    @field_validator("period_pattern")
    @classmethod
    def _period_pattern(cls, value: str) -> str:
        groups = set(re.compile(_check_pattern(value)).groupindex)
        if "year" not in groups or not groups & {"month", "quarter"}:
            raise ValueError(
                "the period pattern needs named groups (?P<year>…) and (?P<month>…) or "
                "(?P<quarter>…); it has: " + (", ".join(sorted(groups)) or "none")
            )
        if {"month", "quarter"} <= groups:
            raise ValueError("the period pattern has both (?P<month>…) and (?P<quarter>…)")
        unknown = groups - PERIOD_GROUPS
        if unknown:
            raise ValueError(
                f"unknown named groups in the period pattern: {', '.join(sorted(unknown))} "
                f"(allowed: {', '.join(sorted(PERIOD_GROUPS))})"
            )
        return value

    @field_validator("period_formats")
    @classmethod
    def _period_formats(cls, value: list[str] | None) -> list[str] | None:
        for fmt in value or []:
            _check_date_format(fmt)
        return value

    @model_validator(mode="after")
    def _layout(self) -> FileSettings:
        if self.layout == "long" and self.period_column is None:
            raise ValueError('layout = "long" needs period_column = "<the period\'s header>"')
        if self.layout != "long" and self.period_column is not None:
            raise ValueError('period_column is read only with layout = "long"')
        if self.layout != "long" and self.period_formats is not None:
            raise ValueError('period_formats is read only with layout = "long"')
        if self.layout != "sheets" and self.sheets is not None:
            raise ValueError('sheets (sheet-name patterns) is read only with layout = "sheets"')
        if self.same_period == "latest-date" and self.layout != "long":
            groups = set(re.compile(self.period_pattern).groupindex)
            if not groups & {"day", "hour", "minute"}:
                raise ValueError(
                    'same_period = "latest-date" needs (?P<day>…), (?P<hour>…) or '
                    "(?P<minute>…) in period_pattern"
                )
        return self

    @property
    def period_kind(self) -> str:
        """``"quarter"`` when the period pattern reads quarters, else ``"month"``."""
        groups = re.compile(self.period_pattern).groupindex
        return "quarter" if self.layout != "long" and "quarter" in groups else "month"


class Columns(_Model):
    """``[columns]``: field name = the council's column."""

    id: Column
    text: Column
    theme: Column | None = None
    sub_theme: Column | None = None
    ref: Column | None = None
    owner: Column | None = None
    timescale: Column | None = None
    due_start: Column | None = None
    due_end: Column | None = None
    status: Column | None = None
    completed_on: Column | None = None
    update: Column | None = None


#: Fields a ``[baseline.columns]`` may map beside ``id``: the commitment's baseline.
BASELINE_FIELDS: tuple[str, ...] = ("text", "owner", "theme", "timescale", "due_start", "due_end")


class BaselineColumns(_Model):
    """``[baseline.columns]``: ``id`` and any of :data:`BASELINE_FIELDS`."""

    id: Column
    text: Column | None = None
    owner: Column | None = None
    theme: Column | None = None
    timescale: Column | None = None
    due_start: Column | None = None
    due_end: Column | None = None


class Baseline(_Model):
    """``[baseline]``: a file in the folder giving each commitment's baseline, by ID.

    The file is read with the ``[files]`` options (and any ``[[override]]`` matching
    its name); it is not a snapshot.
    """

    file: str = Field(min_length=1)
    columns: BaselineColumns

    @field_validator("file")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if "/" in value or "\\" in value or value in {".", ".."}:
            raise ValueError(f"the baseline file is a name in the tracker's folder: {value!r}")
        return value


def _period_header_pattern(value: str) -> str:
    groups = set(re.compile(_check_pattern(value)).groupindex)
    if "year" not in groups or not groups & {"month", "quarter"}:
        raise ValueError(
            "a [wide] pattern needs named groups (?P<year>…) and (?P<month>…) or "
            f"(?P<quarter>…): {value!r}"
        )
    return value


class Wide(_Model):
    """``[wide]``: regexes over the headers of a wide file (one row per item, columns
    per period); each named group set ``year`` + ``month`` or ``quarter`` gives the
    column's period."""

    status: str | None = None
    update: str | None = None
    due_end: str | None = None

    @field_validator("status", "update", "due_end")
    @classmethod
    def _pattern(cls, value: str | None) -> str | None:
        return None if value is None else _period_header_pattern(value)

    @model_validator(mode="after")
    def _some(self) -> Wide:
        if self.status is None and self.update is None and self.due_end is None:
            raise ValueError("[wide] needs at least one of status, update, due_end")
        return self

    def patterns(self) -> dict[str, str]:
        """Field name to header regex, for the fields given."""
        return {k: v for k, v in self if v is not None}


class ColumnsOverride(_Model):
    """``[override.columns]``: like ``[columns]``, every key optional; ``false`` = absent."""

    id: Column | None = None
    text: Column | None = None
    theme: Column | None = None
    sub_theme: Column | None = None
    ref: Column | None = None
    owner: Column | None = None
    timescale: Column | None = None
    due_start: Column | None = None
    due_end: Column | None = None
    status: Column | None = None
    completed_on: Column | None = None
    update: Column | None = None


def _lookup_table(values: dict[str, str]) -> dict[str, str]:
    """Key a value map by :func:`normalise_key`; words equal but for case must agree."""
    table: dict[str, str] = {}
    for word, target in values.items():
        key = normalise_key(word)
        if table.get(key, target) != target:
            raise ValueError(f"{word!r} is mapped twice (ignoring case and spacing)")
        table[key] = target
    return table


def _colour_key(colour: str) -> str:
    """A fill colour as ``RRGGBB``: ``#FF0000``, ``ff0000`` and ARGB ``FFFF0000`` alike."""
    text = colour.strip().removeprefix("#").upper()
    if not re.fullmatch(r"[0-9A-F]{6}(?:[0-9A-F]{2})?", text):
        raise ValueError(f"{colour!r} is not a colour: write it as six hex digits, e.g. 'FF0000'")
    return text[-6:]


def _colour_table(value: dict[str, str]) -> dict[str, str]:
    table: dict[str, str] = {}
    for colour, target in value.items():
        key = _colour_key(colour)
        if table.get(key, target) != target:
            raise ValueError(f"colour {key} is mapped twice")
        table[key] = target
    return table


class StatusMap(_Model):
    """``[status]``: the council's status words (and fill colours) mapped to the six statuses."""

    values: dict[str, str] = {}
    patterns: dict[str, str] = {}
    colours: dict[str, str] = {}

    @field_validator("values", "patterns", "colours")
    @classmethod
    def _targets(cls, value: dict[str, str]) -> dict[str, str]:
        known = ", ".join((*STATUSES, UNKNOWN))
        result = {}
        for word, target in value.items():
            status = _STATUS_BY_KEY.get(_status_key(target))
            if status is None:
                raise ValueError(f"{word!r} maps to {target!r}, which is not one of: {known}")
            result[word] = status
        _lookup_table(result)
        return result

    @field_validator("colours")
    @classmethod
    def _colours(cls, value: dict[str, str]) -> dict[str, str]:
        _colour_table(value)
        return value

    def colour_lookup(self) -> dict[str, str]:
        """The ``[status.colours]`` table keyed by ``RRGGBB`` (upper case).

        Returns
        -------
        dict of str to str
        """
        return _colour_table(self.colours)

    def lookup(self) -> dict[str, str]:
        """The exact-word table keyed by :func:`normalise_key`, the six statuses included.

        Returns
        -------
        dict of str to str
            Normalised council word -> status (or ``"Unknown"``).
        """
        table = {normalise_key(s): s for s in STATUSES}
        table.update(_lookup_table(self.values))
        return table

    @field_validator("patterns")
    @classmethod
    def _compile(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value:
            _check_pattern(pattern)
        return value


class RatingMap(_Model):
    """``[rating]``: rating columns (RAG, delivery confidence) and their ordered scale."""

    columns: dict[str, Column] = Field(min_length=1)
    scale: list[str] = Field(default=["Green", "Amber", "Red"], min_length=1)
    other: list[str] = []
    values: dict[str, str] = {}
    patterns: dict[str, str] = {}
    colours: dict[str, str] = {}

    @field_validator("columns")
    @classmethod
    def _names(cls, value: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        for name in value:
            _check_name(name)
        return value

    @field_validator("patterns")
    @classmethod
    def _compile(cls, value: dict[str, str]) -> dict[str, str]:
        for pattern in value:
            _check_pattern(pattern)
        return value

    @model_validator(mode="after")
    def _targets(self) -> RatingMap:
        categories = [*self.scale, *self.other]
        folded = [normalise_key(c) for c in categories]
        if len(set(folded)) != len(folded):
            raise ValueError("'scale' and 'other' must not repeat a category")
        if normalise_key(MISSING_RATING) in folded:
            raise ValueError(f"{MISSING_RATING!r} is reserved for blank or missing cells")
        _colour_table(self.colours)
        for table in (self.values, self.patterns, self.colours):
            for word, target in table.items():
                if target not in categories:
                    raise ValueError(
                        f"{word!r} maps to {target!r}, which is not in 'scale' or 'other' "
                        f"({', '.join(categories)})"
                    )
        _lookup_table(self.values)
        return self

    def lookup(self) -> dict[str, str]:
        """The exact-word table keyed by :func:`normalise_key`, the categories included.

        Returns
        -------
        dict of str to str
            Normalised council word -> category.
        """
        table = {normalise_key(c): c for c in (*self.scale, *self.other)}
        table.update(_lookup_table(self.values))
        return table

    def colour_lookup(self) -> dict[str, str]:
        """The ``[rating.colours]`` table keyed by ``RRGGBB`` (upper case).

        Returns
        -------
        dict of str to str
        """
        return _colour_table(self.colours)

    @property
    def categories(self) -> list[str]:
        """The rating categories in order: the scale, the other categories, Missing."""
        return [*self.scale, *self.other, MISSING_RATING]


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a valid name: use lower-case letters, digits and '_', "
            "starting with a letter"
        )
    return name


class Override(FileOptions):
    """``[[override]]``: settings for the files whose name matches ``files``."""

    files: str = Field(min_length=1)
    columns: ColumnsOverride | None = None
    rating_columns: dict[str, Column] | None = None
    extra: dict[str, Column] | None = None

    def applies_to(self, file_name: str) -> bool:
        """Whether the override's pattern matches a file name (ignoring case)."""
        return fnmatch.fnmatchcase(file_name.casefold(), self.files.casefold())


class Correction(_Model):
    """``[[correction]]``: a documented fix of one cell.

    ``file`` and ``id`` find the row, ``field`` the cell (a ``[columns]`` field,
    ``rating.<name>`` or ``extra.<name>``); the cell must hold ``was`` (compared
    ignoring case and spacing) and is read as ``now`` (``""`` = missing). ``note``
    says why; it is kept in the observation's ``transcription_note``.
    """

    file: str = Field(min_length=1)
    id: str = Field(min_length=1)
    field: str = Field(min_length=1)
    was: str
    now: str
    note: str = Field(min_length=1)


#: Output columns an ``[extra]`` name must not shadow.
RESERVED_NAMES: frozenset[str] = frozenset(
    {
        *COLUMN_FIELDS,
        "observation_id",
        "commitment_id",
        "plan",
        "period",
        "observed_on",
        "state",
        "evidence",
        "source",
        "source_line",
        "source_cell",
        "quote",
        "transcription_note",
        "status_reported",
        "status_raw",
        "timescale_kind",
        "timescale_reference",
        "rating",
        "rating_by",
    }
)


class Mapping(_Model):
    """A whole mapping file, checked (see the module docstring)."""

    name: str = Field(min_length=1)
    title: str = ""
    timescale_reference: dt.date | None = None
    files: FileSettings = FileSettings()
    columns: Columns
    status: StatusMap | None = None
    rating: RatingMap | None = None
    extra: dict[str, Column] = {}
    override: list[Override] = []
    correction: list[Correction] = []
    baseline: Baseline | None = None
    wide: Wide | None = None

    @field_validator("name")
    @classmethod
    def _slug(cls, value: str) -> str:
        if len(value) > 64 or not SLUG.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a valid name: it names the reports' folder, so use at most "
                "64 lower-case letters, digits, '-', '_' and single dots inside (e.g. "
                "'cgip-2018'), no '/', '..' or spaces"
            )
        return value

    @field_validator("title")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if any(c in value for c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"):
            raise ValueError(
                "the title must be on one line (it becomes a page title and an e-mail subject)"
            )
        if len(value) > 200:
            raise ValueError(f"the title is {len(value)} characters; at most 200")
        return value

    @field_validator("extra")
    @classmethod
    def _extra_names(cls, value: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        for name in value:
            _check_name(name)
            if name in RESERVED_NAMES or name.startswith("rating_"):
                raise ValueError(f"{name!r} is already an output column; choose another name")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Mapping:
        if (self.files.layout == "wide") != (self.wide is not None):
            raise ValueError('layout = "wide" and a [wide] table go together')
        if self.wide is not None:
            both = [k for k in self.wide.patterns() if getattr(self.columns, k) is not None]
            if both:
                raise ValueError(f"{', '.join(both)} given in both [columns] and [wide]; keep one")
        status_mapped = (
            (self.wide is not None and self.wide.status is not None)
            or self.columns.status is not None
            or any(
                o.columns is not None
                and o.columns.status is not None
                and not o.columns.status.absent
                for o in self.override
            )
        )
        if status_mapped and self.status is None:
            raise ValueError("a status column is mapped but there is no [status] table")
        if self.status is not None and not status_mapped:
            raise ValueError("there is a [status] table but no 'columns.status'")
        if self.rating is None and any(o.rating_columns for o in self.override):
            raise ValueError("an [[override]] sets 'rating_columns' but there is no [rating]")
        fields = {
            *COLUMN_FIELDS,
            *(f"extra.{n}" for n in self.extra_names()),
            *(f"rating.{n}" for n in self.rating_names()),
        }
        for number, correction in enumerate(self.correction, start=1):
            if correction.field not in fields or correction.field == "id":
                raise ValueError(
                    f"correction #{number}: field {correction.field!r} is not a mapped field "
                    "(a [columns] field other than id, rating.<name> or extra.<name>)"
                )
        return self

    def extra_names(self) -> list[str]:
        """Every ``[extra]`` name, including those only some overrides define, in order."""
        names = dict.fromkeys(self.extra)
        for o in self.override:
            names.update(dict.fromkeys(o.extra or {}))
        return list(names)

    def names_completion(self) -> bool:
        """Whether the mapping itself can read an item as complete.

        True with a ``completed_on`` column (in ``[columns]`` or an override), or a
        status word, pattern or fill colour mapped to Complete. A register whose status
        column literally says "Complete" is read as complete without any of these; that
        is seen in its observations, not here.

        Returns
        -------
        bool
        """
        if self.columns.completed_on is not None:
            return True
        if any(o.columns is not None and o.columns.completed_on is not None for o in self.override):
            return True
        status = self.status or StatusMap()
        return COMPLETE in {
            *status.values.values(),
            *status.patterns.values(),
            *status.colours.values(),
        }

    def rating_names(self) -> list[str]:
        """Every rating column name, including those only some overrides define, in order."""
        names = dict.fromkeys(self.rating.columns if self.rating else {})
        for o in self.override:
            names.update(dict.fromkeys(o.rating_columns or {}))
        return list(names)

    def plan_for(self, file_name: str) -> FilePlan:
        """Resolve the settings for one file: ``[files]``, then each matching override.

        Parameters
        ----------
        file_name : str
            The snapshot file's name.

        Returns
        -------
        FilePlan
        """
        options: dict[str, Any] = {
            "encoding": None,  # detected (ingest.register.encoding) unless the mapping sets it
            "encoding_errors": "strict",
            "separator": ",",
            "sheet": None,
            "header_row": None,  # found (ingest.register.headers) unless the mapping sets it
            "header_rows": 1,
            "hidden": "read",
            "transposed": False,
            "missing": [],
            "missing_patterns": [],
            "date_formats": list(DEFAULT_DATE_FORMATS),
            "period": None,
            "max_rows": DEFAULT_MAX_ROWS,
            "max_columns": DEFAULT_MAX_COLUMNS,
            "max_cells": DEFAULT_MAX_CELLS,
            "max_megabytes": DEFAULT_MAX_MEGABYTES,
            "max_unpacked_megabytes": DEFAULT_MAX_UNPACKED_MEGABYTES,
        }
        columns = {k: v for k, v in self.columns if v is not None}
        ratings = dict(self.rating.columns) if self.rating else {}
        extra = dict(self.extra)
        layers = [self.files, *(o for o in self.override if o.applies_to(file_name))]
        for layer in layers:
            options.update({k: getattr(layer, k) for k in options if getattr(layer, k) is not None})
            if isinstance(layer, Override):
                if layer.columns is not None:
                    columns.update({k: v for k, v in layer.columns if v is not None})
                ratings.update(layer.rating_columns or {})
                extra.update(layer.extra or {})
        return FilePlan(
            **options,
            columns=_present(columns),
            ratings=_present(ratings),
            extra=_present(extra),
            corrections=[c for c in self.correction if c.file == file_name],
        )


def _present(specs: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
    return {name: spec for name, spec in specs.items() if not spec.absent}


@dataclass(frozen=True)
class FilePlan:
    """Everything needed to read one snapshot file (the resolved mapping for that file)."""

    encoding: str | None
    encoding_errors: str
    separator: str
    sheet: str | int | None
    header_row: int | None
    header_rows: int
    hidden: str
    transposed: bool
    missing: list[str]
    missing_patterns: list[str]
    date_formats: list[str]
    period: str | None
    max_rows: int
    max_columns: int
    max_cells: int
    max_megabytes: float
    max_unpacked_megabytes: float
    columns: dict[str, ColumnSpec] = field(default_factory=dict)
    ratings: dict[str, ColumnSpec] = field(default_factory=dict)
    extra: dict[str, ColumnSpec] = field(default_factory=dict)
    corrections: list[Correction] = field(default_factory=list)


# --------------------------------------------------------------------------- reading


def read_mapping(path: Path | str) -> Mapping:
    """Read and check a mapping file.

    Parameters
    ----------
    path : pathlib.Path or str
        The ``MAP.toml`` file.

    Returns
    -------
    Mapping

    Raises
    ------
    MappingError
        If the file is missing, is not UTF-8 TOML, or breaks the schema; every
        problem names the file and the key.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_MAPPING_BYTES:
            raise MappingError(
                [
                    Problem(
                        path.name,
                        message=f"the mapping is {size} bytes, over the limit of "
                        f"{MAX_MAPPING_BYTES} bytes (register.mapping.MAX_MAPPING_BYTES)",
                    )
                ]
            )
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise MappingError(
            [Problem(path.name, message=f"mapping file not found: {path}")]
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(
            [Problem(path.name, message=f"cannot read the mapping: {error}")]
        ) from None
    return parse_mapping(text, path.name)


def parse_mapping(text: str, file: str = "MAP.toml") -> Mapping:
    """Parse and check the text of a mapping file.

    Parameters
    ----------
    text : str
        TOML text.
    file : str, default "MAP.toml"
        The file name used in messages.

    Returns
    -------
    Mapping

    Raises
    ------
    MappingError
        Listing every problem, each naming ``file`` and the key at fault.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise MappingError([Problem(file, message=f"not valid TOML: {error}")]) from None
    except RecursionError:
        raise MappingError(
            [Problem(file, message="not valid TOML: nested too deeply to read")]
        ) from None
    try:
        return Mapping.model_validate(data)
    except ValidationError as error:
        raise MappingError(_problems(error, file)) from None
    except RecursionError:
        raise MappingError([Problem(file, message="values nested too deeply to check")]) from None


def _problems(error: ValidationError, file: str) -> list[Problem]:
    return [Problem(file, message=issue.message) for issue in validation_issues(error, Mapping)]
