"""Load a council's tracker — a folder of snapshot files and a mapping — as tidy frames.

:func:`load_register` returns a :class:`Register` whose ``commitments`` and
``observations`` have the columns of the curated tables (``data/curated/``), so the
status and metrics functions work on both. :func:`validate_register` returns every
problem instead of raising.

How the frames are built (see also ``docs/register-mapping.md``):

* Every record of every snapshot is an observation: a tracker reports every commitment
  every period, so a row without a "complete" status means "not complete" (docs/design.md,
  "Absence of evidence"). ``observed_on`` is the last day of the file's period.
* A commitment is described by the **first** snapshot that lists it (its baseline):
  text, owner, theme and due dates come from that row, and ``source``/``source_line``
  point at it. Each observation keeps the due dates reported in its own snapshot, so
  re-planned dates stay visible without hiding slippage against the baseline.
* ``source_line`` is the spreadsheet row of the record (for a transposed file, where
  records run down columns, it is the record's column number); ``source_cell`` gives
  the cell of the record's ID and ``quote`` its raw text.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "2018-08.csv").write_text("Ref,Action,Due,Status\\n1,Publish,30/09/2018,Started\\n")
>>> _ = (folder / "2018-09.csv").write_text("Ref,Action,Due,Status\\n1,Publish,30/09/2018,Done\\n")
>>> _ = (folder / "MAP.toml").write_text('''
... name = "demo"
... [columns]
... id = "Ref"
... text = "Action"
... due_end = "Due"
... status = "Status"
... [status.values]
... "Started" = "In progress"
... "Done" = "Complete"
... ''')
>>> register = load_register(folder, folder / "MAP.toml")
>>> register.observations[["commitment_id", "period", "state", "source", "source_line"]]
  commitment_id   period        state       source  source_line
0             1  2018-08  in_progress  2018-08.csv            2
1             1  2018-09     complete  2018-09.csv            2
>>> register.commitments.loc[0, ["commitment_id", "plan", "text", "due_end"]].tolist()
['1', 'demo', 'Publish', Timestamp('2018-09-30 00:00:00')]
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from kerslake_analysis.base.periods import PERIOD, period_from_groups
from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.register.mapping import (
    BASELINE_FIELDS,
    Columns,
    Mapping,
    read_mapping,
)
from kerslake_analysis.ingest.register.problems import (
    MappingError,
    Problem,
    RegisterError,
    sort_problems,
)
from kerslake_analysis.ingest.register.sheets import UNSUPPORTED_SUFFIXES, sheet_names
from kerslake_analysis.ingest.register.snapshot import (
    DATE,
    LONG,
    STATE_DTYPE,
    STATUS_DTYPE,
    SnapshotFile,
    read_snapshot,
)

#: The problem of a file within every limit that the computer has no memory left to read.
OUT_OF_MEMORY = (
    "the computer ran out of memory reading the file; lower files.max_cells or "
    "files.max_unpacked_megabytes in the mapping to refuse such files, split the file, "
    "or use a computer with more memory"
)
#: Kinds of problem that make a file broken as a whole: with ``same_period`` set to
#: a "latest" rule, the next latest file of the period is read instead.
BROKEN_KINDS: frozenset[str] = frozenset(
    {
        "empty_file",
        "encoding",
        "malformed_csv",
        "missing_column",
        "ambiguous_column",
        "no_header",
        "no_records",
        "no_such_sheet",
        "too_large",
        "unreadable",
        "value_beyond_header",
    }
)
#: The period a baseline file is read with (its rows are not observations).
BASELINE_PERIOD = "2000-01"
#: Columns of :attr:`Register.commitments`, in order (the curated columns, then two more).
COMMITMENT_COLUMNS: tuple[str, ...] = (
    *schema.commitments.columns,
    "source_cell",
    "first_period",
)
#: Columns of :attr:`Register.observations` before the rating and extra columns.
OBSERVATION_COLUMNS: tuple[str, ...] = (
    *schema.observations.columns,
    "source_cell",
    "status_reported",
    "status_raw",
    "completed_on",
    "timescale",
    "timescale_kind",
    "due_start",
    "due_end",
)

_TEXT = pa.Column(str, nullable=False)
_DATE = pa.Column(DATE, nullable=True)

#: Contract of :attr:`Register.commitments` (checked on every load).
REGISTER_COMMITMENTS = pa.DataFrameSchema(
    {
        "commitment_id": pa.Column(str, pa.Check.str_length(min_value=1), unique=True),
        "plan": _TEXT,
        **{c: _TEXT for c in ("theme", "sub_theme", "ref", "text", "owner", "timescale")},
        "timescale_reference": _DATE,
        "timescale_kind": _TEXT,
        "due_start": _DATE,
        "due_end": _DATE,
        "kerslake_refs": _TEXT,
        "measures": _TEXT,
        "source": _TEXT,
        "source_line": pa.Column("int64", pa.Check.ge(1)),
        "quote": _TEXT,
        "transcription_note": _TEXT,
        "source_cell": _TEXT,
        "first_period": pa.Column(str, pa.Check.str_matches(rf"^(?:{PERIOD.pattern})\Z")),
    },
    checks=pa.Check(
        lambda f: f["due_start"].isna() | f["due_end"].isna() | (f["due_start"] <= f["due_end"]),
        error="due_start is after due_end",
    ),
    strict=True,
    ordered=True,
    name="register commitments",
)

#: Contract of :attr:`Register.observations` (rating and extra columns may follow).
REGISTER_OBSERVATIONS = pa.DataFrameSchema(
    {
        "observation_id": pa.Column(str, unique=True),
        "commitment_id": pa.Column(str, pa.Check.str_length(min_value=1)),
        "period": pa.Column(str, pa.Check.str_matches(rf"^(?:{PERIOD.pattern})\Z")),
        "observed_on": pa.Column(DATE),
        "state": pa.Column(STATE_DTYPE),
        "evidence": _TEXT,
        "source": _TEXT,
        "source_line": pa.Column("int64", pa.Check.ge(1)),
        "quote": _TEXT,
        "transcription_note": _TEXT,
        "source_cell": _TEXT,
        "status_reported": pa.Column(STATUS_DTYPE, nullable=True),
        "status_raw": _TEXT,
        "completed_on": _DATE,
        "timescale": _TEXT,
        "timescale_kind": _TEXT,
        "due_start": _DATE,
        "due_end": _DATE,
    },
    checks=pa.Check(
        lambda f: f["observed_on"].dt.strftime("%Y-%m") == f["period"],
        error="observed_on is not in period",
    ),
    strict=False,
    name="register observations",
)


@dataclass(frozen=True)
class Register:
    """A council's tracker loaded as tidy frames.

    Parameters
    ----------
    name : str
        The register's name from the mapping (the ``plan`` of its commitments).
    title : str
        Its human title from the mapping ("" if none).
    folder : pathlib.Path
        The folder (or single file) read.
    mapping : Mapping
        The checked mapping.
    files : pandas.DataFrame
        One row per snapshot file and period (a long file has a row per period it
        holds): ``source``, ``period``, ``observed_on``, ``records``,
        ``sha256``, ``encoding`` (a CSV's text encoding, "" for XLSX) and
        ``encoding_confidence`` (0-1 when detected; missing when the mapping set the
        encoding, or for XLSX); in period order.
    commitments : pandas.DataFrame
        One row per commitment ID (:data:`COMMITMENT_COLUMNS`).
    observations : pandas.DataFrame
        One row per record of every snapshot (:data:`OBSERVATION_COLUMNS`, then
        ``rating``, ``rating_by`` and ``rating_<name>`` if the mapping has a
        ``[rating]``, then the ``[extra]`` columns).
    notices : tuple of Problem
        What was read but should be known, not a problem: hidden rows, columns or
        worksheets, a header found below row 1 (``kind`` says which). Listed by
        ``kerslake validate`` and in the report footer. The skipped files are among them.
    period_kind : str
        ``"month"``, or ``"quarter"`` when the file names give quarters (the period is
        then the quarter's last month).
    """

    name: str
    title: str
    folder: Path
    mapping: Mapping
    files: pd.DataFrame
    commitments: pd.DataFrame
    observations: pd.DataFrame
    notices: tuple[Problem, ...] = ()
    period_kind: str = "month"

    @property
    def skipped(self) -> tuple[Problem, ...]:
        """The files not read because another file is for the same period.

        Under ``same_period`` = ``"latest-name"`` or ``"latest-date"``, each with why: a
        later file, or the latest one being broken. They are the :attr:`notices` of
        ``kind`` ``skipped_file``.
        """
        return tuple(p for p in self.notices if p.kind == "skipped_file")

    @property
    def periods(self) -> list[str]:
        """The snapshot periods, ``YYYY-MM``, in order (each once)."""
        return list(dict.fromkeys(self.files["period"]))


def load_register(path: Path | str, mapping_path: Path | str) -> Register:
    """Load a register: a folder of snapshot files and its mapping.

    Parameters
    ----------
    path : pathlib.Path or str
        The folder of snapshot files (CSV or XLSX, one per period), or one such file.
    mapping_path : pathlib.Path or str
        The mapping file (``MAP.toml``).

    Returns
    -------
    Register

    Raises
    ------
    MappingError
        If the mapping is malformed (a subclass of RegisterError).
    RegisterError
        If any file has any problem; the message lists every problem with file,
        row, column and cell.
    """
    register, problems, _ = _read(Path(path), Path(mapping_path))
    if problems or register is None:
        if problems and all(p.file == Path(mapping_path).name for p in problems):
            raise MappingError(problems)
        raise RegisterError(problems)
    return register


def validate_register(path: Path | str, mapping_path: Path | str) -> list[Problem]:
    """Return every problem of a register and its mapping (empty if it loads cleanly).

    Parameters
    ----------
    path : pathlib.Path or str
        The folder of snapshot files, or one file.
    mapping_path : pathlib.Path or str
        The mapping file.

    Returns
    -------
    list of Problem
        Sorted: mapping problems first, then by file, row and column.
    """
    return _read(Path(path), Path(mapping_path))[1]


def check_register(
    path: Path | str, mapping_path: Path | str
) -> tuple[list[Problem], list[Problem]]:
    """Return a register's problems and its notices (what was read but should be known).

    Parameters
    ----------
    path : pathlib.Path or str
        The folder of snapshot files, or one file.
    mapping_path : pathlib.Path or str
        The mapping file.

    Returns
    -------
    tuple of (list of Problem, list of Problem)
        The problems (as :func:`validate_register`) and the notices (hidden rows,
        columns or worksheets; a header found below row 1), each sorted.
    """
    _, problems, notices = _read(Path(path), Path(mapping_path))
    return problems, notices


# --------------------------------------------------------------------------- internals


def _read(path: Path, mapping_path: Path) -> tuple[Register | None, list[Problem], list[Problem]]:
    try:
        mapping = read_mapping(mapping_path)
    except MappingError as error:
        return None, error.problems, []
    files, problems = _snapshot_files(path, mapping)
    if not files:
        return None, sort_problems(problems), []
    notices: list[Problem] = []
    skipped: list[Problem] = []

    snapshots: list[SnapshotFile] = []
    if mapping.files.layout in ("long", "wide"):
        for file in files:
            snapshot = _read_one(file, mapping, LONG, problems)
            if snapshot is not None:
                problems += snapshot.problems
                notices += snapshot.notices
                snapshots.append(snapshot)
        problems += _clashing_long_rows(snapshots)
    elif mapping.files.layout == "sheets":
        for file in files:
            read, sheet_problems, sheet_notices = _read_sheets(file, mapping)
            problems += sheet_problems
            notices += sheet_notices
            snapshots += read
    else:
        by_period: dict[str, list[tuple[tuple, Path]]] = {}
        for file in files:
            plan = mapping.plan_for(file.name)
            period, order, period_problem = _period(
                file.name, plan.period, mapping.files.period_pattern
            )
            if period_problem:
                problems.append(period_problem)
                continue
            by_period.setdefault(period, []).append((order, file))
        for period, candidates in sorted(by_period.items()):
            read, skip = _read_period(mapping, period, candidates, problems)
            for snapshot in read:
                problems += snapshot.problems
                notices += snapshot.notices
            snapshots += read
            skipped += skip
        problems += _clashing_periods(snapshots)
    if path.is_dir():  # one file of a folder is checked without the others
        problems += _stray_corrections(mapping, [f.name for f in files])
    baseline = None
    if mapping.baseline is not None:
        baseline = _read_baseline(path, mapping, snapshots, problems)
    notices = sort_problems(notices + skipped)
    if problems:
        return None, sort_problems(problems), notices
    register = _assemble(path, mapping, snapshots, baseline)
    return (
        replace(register, notices=tuple(notices)),
        [],
        notices,
    )


def _read_one(
    file: Path, mapping: Mapping, period: str, problems: list[Problem]
) -> SnapshotFile | None:
    """Read one file; a file the computer has no memory for is one problem, never a crash."""
    try:
        return read_snapshot(file, mapping, mapping.plan_for(file.name), period)
    except MemoryError:  # within every limit, but more than this computer can hold
        problems.append(Problem(file.name, message=OUT_OF_MEMORY, kind="out_of_memory"))
        return None


def _read_sheets(
    file: Path, mapping: Mapping
) -> tuple[list[SnapshotFile], list[Problem], list[Problem]]:
    """Read one workbook of ``layout = "sheets"``: each sheet matching ``files.sheets``
    is a snapshot, its period read from the sheet's name by ``period_pattern``.

    Problems and notices name the sheet (``tracker.xlsx [Jul 2024]``) and each row's
    ``source_cell`` carries it (``'Jul 2024'!A2``). Sheets not matching ``files.sheets``
    are listed in a notice; two sheets for one period are a ``period_clash``.
    """
    plan = mapping.plan_for(file.name)
    names, problem = sheet_names(file, plan.max_megabytes)
    if problem is not None:
        return [], [problem], []
    globs = mapping.files.sheets or ["*"]
    chosen = [
        n for n in names if any(fnmatch.fnmatchcase(n.casefold(), g.casefold()) for g in globs)
    ]
    notices = []
    left = [n for n in names if n not in chosen]
    if left:
        notices.append(
            Problem(
                file.name,
                message=f"sheets not read (not matching files.sheets): {', '.join(left)}",
                kind="sheet_not_read",
            )
        )
    problems: list[Problem] = []
    snapshots: list[SnapshotFile] = []
    by_period: dict[str, str] = {}
    for name in chosen:
        label = f"{file.name} [{name}]"
        period, _, period_problem = _period(name, None, mapping.files.period_pattern)
        if period_problem is not None:
            problems.append(
                Problem(
                    label,
                    message="no period in the sheet's name; rename the sheet or narrow "
                    "files.sheets",
                    kind="no_period",
                )
            )
            continue
        if period in by_period:
            problems.append(
                Problem(
                    label,
                    message=f"sheet {by_period[period]!r} is also for period {period}",
                    kind="period_clash",
                )
            )
            continue
        by_period[period] = name
        try:
            snapshot = read_snapshot(file, mapping, replace(plan, sheet=name), period)
        except MemoryError:
            problems.append(Problem(label, message=OUT_OF_MEMORY, kind="out_of_memory"))
            continue
        problems += [replace(p, file=label) for p in snapshot.problems]
        # "the workbook has hidden worksheets, not read" does not hold here: each sheet
        # is either read (a notice says if it is hidden) or listed as not read above
        notices += [
            replace(p, file=label)
            for p in snapshot.notices
            if not p.message.startswith("the workbook has hidden worksheets")
        ]
        if snapshot.rows is not None:
            quoted = name.replace("'", "''")
            snapshot.rows["source_cell"] = f"'{quoted}'!" + snapshot.rows["source_cell"]
        snapshots.append(snapshot)
    return snapshots, problems, notices


def _broken(snapshot: SnapshotFile) -> bool:
    """Whether a file cannot be read as a whole (see :data:`BROKEN_KINDS`)."""
    return snapshot.rows is None or any(p.kind in BROKEN_KINDS for p in snapshot.problems)


def _read_period(
    mapping: Mapping, period: str, candidates: list[tuple[tuple, Path]], problems: list[Problem]
) -> tuple[list[SnapshotFile], list[Problem]]:
    """Read the files of one period by ``same_period``; return them and the skipped ones.

    With ``"error"`` every file is read (two for one period are then a problem). With
    ``"latest-name"`` or ``"latest-date"`` the latest file is read; if it is broken
    (:func:`_broken`: unreadable, a header only, a mapped column missing, values
    beyond the header) the next latest is tried, and so on; the first readable one is
    used and every other file of the period is listed as skipped, with the reason. If
    none is readable the latest one's problems are reported.
    """
    rule = mapping.files.same_period
    if rule == "error" or len(candidates) == 1:
        read = [_read_one(f, mapping, period, problems) for _, f in sorted(candidates)]
        return [s for s in read if s is not None], []
    key = (lambda c: c[1].name) if rule == "latest-name" else (lambda c: (c[0], c[1].name))
    ordered = [f for _, f in sorted(candidates, key=key, reverse=True)]
    broken: list[SnapshotFile] = []
    chosen = None
    for file in ordered:
        snapshot = _read_one(file, mapping, period, problems)
        if snapshot is None:
            continue
        if not _broken(snapshot):
            chosen = snapshot
            break
        broken.append(snapshot)
    if chosen is None:
        return broken[:1], []
    by = "name" if rule == "latest-name" else "date and time in its name"
    skipped = []
    for snapshot in broken:
        first = sort_problems(snapshot.problems)[0] if snapshot.problems else None
        why = f"{first.message} ({first.kind})" if first else "not readable"
        skipped.append(
            Problem(
                snapshot.file,
                message=f"skipped: the latest file for {period} by {by}, but broken: {why}; "
                f"{chosen.file}, the latest readable one, was read instead "
                f"({len(snapshot.problems)} problem(s) in this file not reported)",
                kind="skipped_file",
            )
        )
    done = {chosen.file, *(s.file for s in broken)}
    for file in ordered:
        if file.name not in done:
            skipped.append(
                Problem(
                    file.name,
                    message=f"skipped: {chosen.file} is a later file for {period} "
                    f'(same_period = "{rule}", latest by {by})',
                    kind="skipped_file",
                )
            )
    return [chosen], skipped


def _snapshot_files(path: Path, mapping: Mapping) -> tuple[list[Path], list[Problem]]:
    if path.is_file():
        return [path], []
    if not path.is_dir():
        return [], [
            Problem(
                path.name or str(path),
                message=f"no such folder or file: {path}",
                kind="missing_file",
            )
        ]
    include = [p.casefold() for p in mapping.files.include]
    files, problems = [], []
    for file in sorted(path.iterdir()):
        name = file.name
        if name.startswith((".", "~$")):
            continue
        if file.is_symlink():
            problems.append(
                Problem(
                    name,
                    message="a symbolic link: not read (copy the file into the folder)",
                    kind="not_a_regular_file",
                )
            )
            continue
        if not file.is_file():
            if not file.is_dir():  # a pipe, socket or device: reading it could hang
                problems.append(
                    Problem(name, message="not a regular file: not read", kind="not_a_regular_file")
                )
            continue
        if mapping.baseline is not None and name == mapping.baseline.file:
            continue  # the baseline, read by _read_baseline, is not a snapshot
        if any(fnmatch.fnmatchcase(name.casefold(), p) for p in include):
            files.append(file)
        elif file.suffix.casefold() in UNSUPPORTED_SUFFIXES:
            problems.append(
                Problem(
                    name,
                    message=UNSUPPORTED_SUFFIXES[file.suffix.casefold()],
                    kind="unsupported_format",
                )
            )
    if not files:
        patterns = ", ".join(mapping.files.include)
        problems.append(
            Problem(
                path.name,
                message=f"no snapshot files matching {patterns} in {path}",
                kind="no_files",
            )
        )
    return files, problems


def _period(name: str, fixed: str | None, pattern: str) -> tuple[str, tuple, Problem | None]:
    """The period of a file, set by the mapping or else read from its name.

    Returns the period ``YYYY-MM`` (a quarter gives its last month), the order of the
    file among the files of its period (day, hour and minute in the name, 0 where the
    pattern has no such group) and a problem if the name gives no period.

    Examples
    --------
    >>> _period("BusinessPlans_20120722_2324.csv", None,
    ...         r"(?P<year>\\d{4})(?P<month>\\d{2})(?P<day>\\d{2})_(?P<hour>\\d{2})(?P<minute>\\d{2})")[:2]
    ('2012-07', (22, 23, 24))
    >>> _period("tracker 2024 Q3.xlsx", None, r"(?P<year>\\d{4}) (?P<quarter>[QT][1-4])")[:2]
    ('2024-09', (0, 0, 0))
    """
    if fixed is not None:
        return fixed, (0, 0, 0), None
    match = re.search(pattern, name, flags=re.IGNORECASE)
    period = None
    order = (0, 0, 0)
    if match:
        groups = match.groupdict()
        period = period_from_groups(groups)
        order = tuple(
            int(groups[g]) if (groups.get(g) or "").isdigit() else 0
            for g in ("day", "hour", "minute")
        )
    if period is None:
        return (
            "",
            order,
            Problem(
                name,
                message="no period (YYYY-MM) in the file name; rename it (e.g. 2018-09.xlsx) "
                "or set 'period' in an [[override]] for it",
                kind="no_period",
            ),
        )
    return period, order, None


def _clashing_periods(snapshots: list[SnapshotFile]) -> list[Problem]:
    by_period: dict[str, list[str]] = {}
    for snapshot in snapshots:
        by_period.setdefault(snapshot.period, []).append(snapshot.file)
    return [
        Problem(
            file,
            message=f"{len(files)} files are for period {period}: {', '.join(files)}",
            kind="period_clash",
        )
        for period, files in by_period.items()
        if len(files) > 1
        for file in files
    ]


def _read_baseline(
    path: Path, mapping: Mapping, snapshots: list[SnapshotFile], problems: list[Problem]
) -> pd.DataFrame | None:
    """Read ``[baseline]``'s file and check its IDs against the snapshots'.

    Returns its rows (one per ID) or None. Adds a problem for a missing or unreadable
    file, for each snapshot ID the baseline lacks (``not_in_baseline``, at the ID's
    first snapshot row) and for each baseline ID no snapshot lists
    (``baseline_never_seen``, at its baseline row).
    """
    spec = mapping.baseline
    assert spec is not None
    folder = path if path.is_dir() else path.parent
    file = folder / spec.file
    if not file.is_file() or file.is_symlink():
        problems.append(
            Problem(
                spec.file,
                message=f"the baseline file named in the mapping is not a file in {folder}",
                kind="missing_file",
            )
        )
        return None
    given = {k: v for k, v in spec.columns if v is not None}
    # the specs are already checked; without a text column the ID stands in (never copied)
    columns = Columns.model_construct(**{"text": given["id"], **given})
    overrides = [
        o.model_copy(update={"columns": None, "rating_columns": None, "extra": None})
        for o in mapping.override
    ]
    reading = mapping.model_copy(
        update={
            "columns": columns,
            "status": None,
            "rating": None,
            "extra": {},
            "override": overrides,
            "correction": [],
            "baseline": None,
        }
    )
    plan = reading.plan_for(spec.file)
    try:
        read = read_snapshot(file, reading, plan, BASELINE_PERIOD)
    except MemoryError:
        problems.append(Problem(spec.file, message=OUT_OF_MEMORY, kind="out_of_memory"))
        return None
    problems += read.problems
    if read.rows is None:
        return None
    rows = read.rows.assign(mapped=[tuple(given)] * len(read.rows))
    known = set(rows["commitment_id"])
    seen: dict[str, tuple[str, int]] = {}
    for snapshot in sorted(snapshots, key=lambda s: s.period):
        if snapshot.rows is None:
            continue
        for cid, line in zip(
            snapshot.rows["commitment_id"], snapshot.rows["source_line"], strict=True
        ):
            seen.setdefault(cid, (snapshot.file, int(line)))
    problems += [
        Problem(
            file_name,
            line,
            message=f"ID {cid!r} is not in the baseline file {spec.file}",
            kind="not_in_baseline",
        )
        for cid, (file_name, line) in seen.items()
        if cid and cid not in known
    ]
    problems += [
        Problem(
            spec.file,
            int(line),
            message=f"baseline ID {cid!r} is in no snapshot",
            kind="baseline_never_seen",
        )
        for cid, line in zip(rows["commitment_id"], rows["source_line"], strict=True)
        if cid and cid not in seen
    ]
    return rows


def _clashing_long_rows(snapshots: list[SnapshotFile]) -> list[Problem]:
    """Problems for an (ID, period) given by two long files."""
    seen: dict[tuple[str, str], str] = {}
    problems = []
    for snapshot in snapshots:
        if snapshot.rows is None:
            continue
        pairs = zip(snapshot.rows["commitment_id"], snapshot.rows["period"], strict=True)
        for (cid, period), line in zip(pairs, snapshot.rows["source_line"], strict=True):
            first = seen.setdefault((cid, period), snapshot.file)
            if first != snapshot.file:
                problems.append(
                    Problem(
                        snapshot.file,
                        int(line),
                        message=f"ID {cid!r} for period {period} is also in {first}",
                        kind="period_clash",
                    )
                )
    return problems


def _with_baseline(first: pd.DataFrame, baseline: pd.DataFrame, mapping: Mapping) -> pd.DataFrame:
    """The commitments' baseline fields from the baseline file, joined on ID.

    Each field ``[baseline.columns]`` maps replaces the first snapshot's (the due
    dates bring their ``timescale`` and ``timescale_kind``); ``source``,
    ``source_line``, ``source_cell`` and ``quote`` then point at the baseline row.
    """
    assert mapping.baseline is not None
    mapped = {k for k, v in mapping.baseline.columns if v is not None}
    fields = [f for f in BASELINE_FIELDS if f in mapped]
    if mapped & {"due_start", "due_end", "timescale"}:
        fields += ["due_start", "due_end", "timescale", "timescale_kind", "timescale_reference"]
    fields += ["source", "source_line", "source_cell", "quote", "transcription_note"]
    fields = list(dict.fromkeys(fields))
    by_id = baseline.drop_duplicates("commitment_id").set_index("commitment_id")[fields]
    joined = first.set_index("commitment_id")
    for name in fields:  # every snapshot ID is in the baseline (checked before); a
        # blank baseline cell stays blank, never filled from a snapshot
        joined[name] = by_id[name].reindex(joined.index).astype(first[name].dtype)
    return joined.reset_index()[first.columns]


def _stray_corrections(mapping: Mapping, names: list[str]) -> list[Problem]:
    return [
        Problem(
            correction.file,
            message=f"the mapping has a correction for this file (ID {correction.id!r}), "
            "but there is no such snapshot file",
            kind="correction",
        )
        for correction in mapping.correction
        if correction.file not in names
    ]


def _assemble(
    path: Path,
    mapping: Mapping,
    snapshots: list[SnapshotFile],
    baseline: pd.DataFrame | None = None,
) -> Register:
    frames = [s.rows for s in snapshots if s.rows is not None]
    rows = pd.concat(frames, ignore_index=True)
    rows = rows.sort_values(["period", "source"], kind="stable").reset_index(drop=True)
    rows["observation_id"] = rows["period"] + "/" + rows["commitment_id"]

    first = rows.drop_duplicates("commitment_id", keep="first").reset_index(drop=True)
    if baseline is not None:
        first = _with_baseline(first, baseline, mapping)
    commitments = first.assign(
        plan=mapping.name, kerslake_refs="", measures="", first_period=first["period"]
    )[list(COMMITMENT_COLUMNS)]
    commitments = REGISTER_COMMITMENTS.validate(commitments)

    extra = [c for c in rows.columns if c.startswith("rating")] + mapping.extra_names()
    observations = rows[[*OBSERVATION_COLUMNS, *extra]].reset_index(drop=True)
    observations = REGISTER_OBSERVATIONS.validate(observations)

    parts = [
        (s, period, count)
        for s in snapshots
        for period, count in (
            sorted(s.rows["period"].value_counts().items())
            if s.rows is not None and s.period == LONG
            else [(s.period, 0 if s.rows is None else len(s.rows))]
        )
    ]
    parts.sort(key=lambda p: (p[1], p[0].file))
    files = pd.DataFrame(
        {
            "source": [s.file for s, _, _ in parts],
            "period": [period for _, period, _ in parts],
            "records": [int(count) for _, _, count in parts],
            "sha256": [s.sha256 for s, _, _ in parts],
            "encoding": [s.encoding for s, _, _ in parts],
            "encoding_confidence": pd.array(
                [s.encoding_confidence for s, _, _ in parts], dtype="Float64"
            ),
        }
    )
    files.insert(
        2,
        "observed_on",
        pd.to_datetime(files["period"])
        .dt.to_period("M")
        .dt.to_timestamp(how="end")
        .dt.normalize()
        .astype(DATE),
    )
    return Register(
        mapping.name,
        mapping.title,
        path,
        mapping,
        files,
        commitments,
        observations,
        period_kind=mapping.files.period_kind,
    )
