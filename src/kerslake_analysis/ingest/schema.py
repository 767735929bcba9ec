"""Pandera schemas of the curated tables in ``data/curated/``.

One :class:`pandera.pandas.DataFrameSchema` per table describes the *typed* frame that
:mod:`kerslake_analysis.ingest.load` returns: column order, dtypes, ID formats, allowed values
and the checks that tie a row to its source. :data:`TABLES` maps each table name to
its schema; the column order of a schema is the column order of the CSV file.

Examples
--------
>>> list(TABLES)[:4]
['commitments', 'observations', 'snapshots', 'claims']
>>> TABLES["commitments"].columns["commitment_id"].unique
True
>>> bool(COMMITMENT_ID.fullmatch("AP15-4.6a")), bool(COMMITMENT_ID.fullmatch("AP15-4"))
(True, False)
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import PERIOD

#: Plan slugs, in the order the plans were published.
PLANS: tuple[str, ...] = ("ap-2015", "gap-2016", "cgip-2018", "iif-2021")

#: The ID prefix of each plan's commitments.
PLAN_PREFIXES: dict[str, str] = {
    "ap-2015": "AP15",
    "gap-2016": "GAP16",
    "cgip-2018": "CGIP18",
    "iif-2021": "IIF21",
}

#: Kinds of timescale, as :data:`kerslake_analysis.ingest.timescales.KINDS` (a test keeps them equal).
TIMESCALE_KINDS: tuple[str, ...] = (
    "day",
    "month",
    "season",
    "range",
    "year",
    "financial_year",
    "relative",
    "recurring",
    "ongoing",
    "tbc",
    "none",
)

#: States an observation can record.
OBSERVATION_STATES: tuple[str, ...] = ("complete", "in_progress", "not_started", "unknown")

#: The raw file names a ``source`` column may hold.
SOURCE_NAMES: tuple[str, ...] = tuple(sorted(paths.SOURCE_FILES.values()))

#: Commitment IDs of the four plans (see docs/design.md, "The data model").
COMMITMENT_ID = re.compile(
    r"AP15-\d+\.\d+[a-z]?"  # AP15-1.22, AP15-4.6a
    r"|CGIP18-\d+\.\d+[a-z]?(?:-a?\d+)?"  # CGIP18-4.10, CGIP18-4.10-2, CGIP18-1.3-a1
    r"|GAP16-[a-z0-9]+(?:-[a-z0-9]+)*"  # GAP16-political-leadership, GAP16-local-leadership-1
    r"|IIF21-\d+"  # IIF21-3
)
#: A theme of the 2016 gap analysis.
GAP_THEME_ID = re.compile(r"GAP16-[a-z0-9]+(?:-[a-z0-9]+)*")
#: A Kerslake recommendation or one of its lettered sub-parts.
RECOMMENDATION_ID = re.compile(r"KR-(?:[1-9]|1[01])[a-z]?")
#: Zero or more recommendation IDs separated by ``;`` with no spaces.
RECOMMENDATION_LIST = re.compile(
    rf"(?:{RECOMMENDATION_ID.pattern}(?:;{RECOMMENDATION_ID.pattern})*)?"
)
#: A 2018 improvement aim (one unnumbered row under 6.1 is ``CGIP18-6.1a``).
AIM_ID = re.compile(r"CGIP18-\d+\.\d+[a-z]?")
#: An update of a 2018 aim, numbered in document order.
UPDATE_ID = re.compile(rf"{AIM_ID.pattern}-upd-\d+")
#: Identifiers of rows that are not commitments: letters, digits and ``.-_``.
ROW_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")

#: Column names a frame-wide check is about, by check name (used in error messages).
ROW_CHECK_COLUMNS: dict[str, tuple[str, ...]] = {}

DATE = "datetime64[us]"


_ONE_LINE = pa.Check(
    lambda s: ~s.str.contains("[\r\n]", regex=True), error="must be on one line (no line breaks)"
)


def _text(*checks: pa.Check, required: bool = False) -> pa.Column:
    """A plain-text column on one line; ``required`` forbids the empty string."""
    all_checks = [_ONE_LINE, *checks]
    if required:
        all_checks.append(pa.Check.str_length(min_value=1, error="must not be empty"))
    return pa.Column(str, all_checks, nullable=False)


def _id(pattern: re.Pattern[str]) -> pa.Column:
    """A unique, non-empty identifier column matching ``pattern`` in full."""
    return pa.Column(str, _matches(pattern), nullable=False, unique=True)


def _matches(pattern: re.Pattern[str]) -> pa.Check:
    """A check that the whole value matches ``pattern``."""
    return pa.Check.str_matches(
        rf"^(?:{pattern.pattern})\Z", error=f"does not match the pattern {pattern.pattern}"
    )


def _category(values: tuple[str, ...]) -> pa.Column:
    return pa.Column(pd.CategoricalDtype(list(values)), nullable=False)


def _date(nullable: bool) -> pa.Column:
    return pa.Column(DATE, nullable=nullable)


def _source_columns() -> dict[str, pa.Column]:
    """The three columns that tie every curated row to a line of its raw file."""
    return {
        "source": pa.Column(
            str, pa.Check.isin(SOURCE_NAMES, error="is not one of the five raw files")
        ),
        "source_line": pa.Column("int64", pa.Check.ge(1, error="must be a line number >= 1")),
        "quote": _text(required=True),
    }


def _row_check(columns: tuple[str, ...], test, error: str) -> pa.Check:
    """A check across ``columns`` of each row, remembered for error messages."""
    ROW_CHECK_COLUMNS[error] = columns
    return pa.Check(test, element_wise=False, name=error, error=error)


def _id_matches_plan(frame: pd.DataFrame, id_column: str) -> pd.Series:
    prefix = frame["plan"].astype(object).map(PLAN_PREFIXES)
    return prefix.isna() | (frame[id_column].str.split("-").str[0] == prefix)


def _table(
    columns: dict[str, pa.Column], checks: list[pa.Check] | None = None, name: str = ""
) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns, checks=checks or [], strict=True, name=name)


commitments = _table(
    {
        "commitment_id": _id(COMMITMENT_ID),
        "plan": _category(PLANS),
        "theme": _text(required=True),
        "sub_theme": _text(),
        "ref": _text(),
        "text": _text(required=True),
        "owner": _text(),
        "timescale": _text(),
        "timescale_reference": _date(nullable=True),
        "timescale_kind": _category(TIMESCALE_KINDS),
        "due_start": _date(nullable=True),
        "due_end": _date(nullable=True),
        "kerslake_refs": _text(_matches(RECOMMENDATION_LIST)),
        "measures": _text(),
        **_source_columns(),
        "transcription_note": _text(),
    },
    checks=[
        _row_check(
            ("commitment_id", "plan"),
            lambda f: _id_matches_plan(f, "commitment_id"),
            "commitment_id prefix does not match plan",
        ),
        _row_check(
            ("due_start", "due_end"),
            lambda f: (
                f["due_start"].isna() | f["due_end"].isna() | (f["due_start"] <= f["due_end"])
            ),
            "due_start is after due_end",
        ),
    ],
    name="commitments",
)

observations = _table(
    {
        "observation_id": _id(ROW_ID),
        "commitment_id": _text(_matches(COMMITMENT_ID)),
        "period": _text(_matches(PERIOD)),
        "observed_on": _date(nullable=False),
        "state": _category(OBSERVATION_STATES),
        "evidence": _text(),
        **_source_columns(),
        "transcription_note": _text(),
    },
    checks=[
        _row_check(
            ("period", "observed_on"),
            lambda f: f["observed_on"].dt.strftime("%Y-%m") <= f["period"],
            "observed_on is after its period",
        ),
    ],
    name="observations",
)

snapshots = _table(
    {
        "snapshot_id": _id(ROW_ID),
        "plan": _category(PLANS),
        "period": _text(_matches(PERIOD)),
        "measure": _text(required=True),
        "value": pa.Column("float64", nullable=False),
        "unit": _text(),
        **_source_columns(),
    },
    name="snapshots",
)

claims = _table(
    {
        "claim_id": _id(ROW_ID),
        "quantity_key": _text(required=True),
        "value": _text(required=True),
        "unit": _text(),
        "as_of": _date(nullable=True),
        "text": _text(required=True),
        **_source_columns(),
        "note": _text(),
    },
    name="claims",
)


def _document_table(
    id_column: str, pattern: re.Pattern[str] = ROW_ID, checks=None, **columns: pa.Column
) -> pa.DataFrameSchema:
    """A document-specific table: its ID, its own columns, then the source columns."""
    note = (
        {"transcription_note": columns.pop("transcription_note")}
        if "transcription_note" in columns
        else {}
    )
    return _table(
        {id_column: _id(pattern), **columns, **_source_columns(), **note},
        checks=checks,
        name=id_column.removesuffix("_id"),
    )


def _line() -> pa.Column:
    """A further 1-based line number of the row's source file."""
    return pa.Column("int64", pa.Check.ge(1, error="must be a line number >= 1"))


def _order() -> pa.Column:
    """A 1-based position in the document's own list."""
    return pa.Column("int64", pa.Check.ge(1, error="must be a position >= 1"))


recommendations = _document_table(
    "recommendation_id",
    RECOMMENDATION_ID,
    checks=[
        _row_check(
            ("recommendation_id", "number", "part"),
            lambda f: f["recommendation_id"] == "KR-" + f["number"].astype(str) + f["part"],
            "recommendation_id is not KR-<number><part>",
        )
    ],
    number=pa.Column("int64", pa.Check.in_range(1, 11, error="must be 1 to 11")),
    part=_text(_matches(re.compile("[a-z]?"))),
    text=_text(required=True),
    transcription_note=_text(),
)
status_key = _document_table(
    "status_key_id",
    key_order=_order(),
    status=_text(required=True),
    description=_text(required=True),
    rag=_text(
        pa.Check.isin(("", "Green", "Amber", "Red"), error="is not Green, Amber, Red or empty")
    ),
    transcription_note=_text(),
)
slippage_reasons = _document_table(
    "slippage_reason_id",
    plan=_category(PLANS),
    period=_text(_matches(PERIOD)),
    reason_order=_order(),
    reason=_text(required=True),
)
cgip18_aims = _document_table(
    "aim_id",
    AIM_ID,
    checks=[
        _row_check(
            ("aim_id", "ref"),
            lambda f: (f["ref"] == "") | (f["aim_id"] == "CGIP18-" + f["ref"]),
            "aim_id is not CGIP18-<ref>",
        )
    ],
    section=pa.Column("int64", pa.Check.in_range(1, 7, error="must be a section 1 to 7")),
    section_title=_text(required=True),
    ref=_text(),
    aim_text=_text(required=True),
    required_actions=_text(),
    outputs=_text(),
    lead=_text(),
    transcription_note=_text(),
)
cgip18_updates = _document_table(
    "update_id",
    UPDATE_ID,
    aim_id=_text(_matches(AIM_ID)),
    month=_text(_matches(re.compile(f"(?:{PERIOD.pattern})?"))),
    text=_text(required=True),
    bold=pa.Column(bool),
    complete=pa.Column(bool),
    continued_on=_text(_matches(re.compile(r"(?:[1-9]\d*(?:, [1-9]\d*)*)?"))),
    transcription_note=_text(),
)
cgip18_temperature = _document_table(
    "point_id",
    plan=_category(PLANS),
    period=_text(_matches(PERIOD)),
    kind=_text(pa.Check.isin(("precis", "point"), error="is not precis or point")),
    partner=_text(),
    date=_date(nullable=True),
    point=_text(required=True),
    transcription_note=_text(),
)
gap16_themes = _document_table(
    "theme_id",
    GAP_THEME_ID,
    theme_order=_order(),
    theme=_text(required=True),
    position=_text(required=True),
    in_six_months=_text(required=True),
    to_achieve=_text(required=True),
    position_line=_line(),
    in_six_months_line=_line(),
    to_achieve_line=_line(),
    transcription_note=_text(),
)
iif21_structure = _document_table(
    "role_id",
    re.compile(r"IIF21-(?:core|delivery)-[a-z0-9]+(?:-[a-z0-9]+)*"),
    checks=[
        _row_check(
            ("role_id", "element"),
            lambda f: f["role_id"].str.split("-").str[1] == f["element"],
            "role_id does not name its element",
        )
    ],
    role_order=_order(),
    element=_text(pa.Check.isin(("core", "delivery"), error="is not core or delivery")),
    role=_text(required=True),
    description=_text(required=True),
    description_line=_line(),
    transcription_note=_text(),
)
iif21_meetings = _document_table(
    "meeting_id",
    re.compile(r"IIF21-meeting-[a-z0-9]+(?:-[a-z0-9]+)*"),
    meeting_order=_order(),
    meeting=_text(required=True),
    frequency=_text(required=True),
    focus=_text(required=True),
    led_by=_text(),
    summary_line=_line(),
    transcription_note=_text(),
)

#: A lineage chain (``LC-<slug>``) and one of its links (``LC-<slug>.<step>``).
CHAIN_ID = re.compile(r"LC-[a-z0-9]+(?:-[a-z0-9]+)*")
LINK_ID = re.compile(rf"{CHAIN_ID.pattern}\.[1-9][0-9]*")
#: How a link's later end relates to the promise, and what that end is.
LINEAGE_RELATIONS: tuple[str, ...] = ("restates", "progress", "completes")
LINEAGE_TO_KINDS: tuple[str, ...] = ("commitment", "observation", "update", "aim", "statement")
#: How precisely ``to_on`` is known (``document``: only the document's date).
LINEAGE_PRECISIONS: tuple[str, ...] = ("day", "month", "season", "document")

lineage = _document_table(
    "link_id",
    LINK_ID,
    checks=[
        _row_check(
            ("link_id", "chain_id", "step"),
            lambda f: f["link_id"] == f["chain_id"] + "." + f["step"].astype(str),
            "link_id is not <chain_id>.<step>",
        ),
        _row_check(
            ("to_kind", "to_ref"),
            lambda f: (f["to_kind"] == "statement") == (f["to_ref"] == ""),
            "to_ref must be empty exactly for a statement",
        ),
        _row_check(
            ("relation", "to_due"),
            lambda f: (f["relation"] == "restates") | f["to_due"].isna(),
            "only a restatement has a to_due",
        ),
    ],
    chain_id=_text(_matches(CHAIN_ID)),
    chain_title=_text(required=True),
    step=pa.Column("int64", pa.Check.ge(1, error="must be a step >= 1")),
    relation=_category(LINEAGE_RELATIONS),
    from_commitment_id=_text(_matches(COMMITMENT_ID)),
    from_on=_date(nullable=False),
    from_due=_date(nullable=True),
    from_source=pa.Column(
        str, pa.Check.isin(SOURCE_NAMES, error="is not one of the five raw files")
    ),
    from_source_line=_line(),
    from_quote=_text(required=True),
    to_kind=_category(LINEAGE_TO_KINDS),
    to_ref=_text(_matches(re.compile(f"(?:{ROW_ID.pattern})?"))),
    to_on=_date(nullable=False),
    to_on_precision=_category(LINEAGE_PRECISIONS),
    to_due=_date(nullable=True),
    to_timescale=_text(),
    reason=_text(required=True),
    transcription_note=_text(),
)

#: Columns that must name a row of another table: (table, column, other table, its ID column).
REFERENCES: tuple[tuple[str, str, str, str], ...] = (
    ("observations", "commitment_id", "commitments", "commitment_id"),
    ("cgip18_updates", "aim_id", "cgip18_aims", "aim_id"),
    ("lineage", "from_commitment_id", "commitments", "commitment_id"),
)

#: Every curated table's schema, by table (and CSV file) name.
TABLES: dict[str, pa.DataFrameSchema] = {
    "commitments": commitments,
    "observations": observations,
    "snapshots": snapshots,
    "claims": claims,
    "recommendations": recommendations,
    "status_key": status_key,
    "slippage_reasons": slippage_reasons,
    "cgip18_aims": cgip18_aims,
    "cgip18_updates": cgip18_updates,
    "cgip18_temperature": cgip18_temperature,
    "gap16_themes": gap16_themes,
    "iif21_structure": iif21_structure,
    "iif21_meetings": iif21_meetings,
    "lineage": lineage,
}


def id_column(table: str) -> str:
    """Return the name of a table's ID column (its first column).

    Parameters
    ----------
    table : str
        A key of :data:`TABLES`.

    Returns
    -------
    str

    Examples
    --------
    >>> id_column("observations")
    'observation_id'
    """
    return next(iter(TABLES[table].columns))
