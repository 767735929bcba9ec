"""Draft a mapping (``MAP.toml``) from a tracker's files, with the evidence for each guess.

``kerslake map TRACKER`` reads a folder of snapshot files (or one file) and writes a
commented draft for the user to review. Every guess carries its evidence in a comment;
what the draft cannot decide is marked ``# TODO: check`` and written so that the file
still validates (an unplaced status word is mapped to ``"Unknown"``).

What is guessed, and by which rules
-----------------------------------
* **Encoding** (CSV): the register's own detection
  (:func:`kerslake_analysis.ingest.register.encoding.detect_encoding`); when the bytes
  do not tell the encoding for sure, its best candidate is written with a TODO. **Separator**: the
  one of ``, ; tab |`` that splits the header line into most fields.
* **Header row**: the register's own detection without a mapping
  (:func:`kerslake_analysis.ingest.register.headers.find_header_row`): the first row
  with the most text cells that are neither numbers nor dates, above a row at least
  half as wide (a title block above has fewer).
* **Columns**, from header words and value shapes (:data:`HEADER_WORDS`): ``id`` a
  column filled on every row and unique within each file; ``text`` the longest texts;
  date fields columns whose every value parses as a date; ``status`` a short vocabulary
  (at most :data:`MAX_VOCABULARY` words) that is not RAG; ``rating`` a vocabulary of
  RAG words; ``update`` long free text.
* **Status words** are placed by :data:`STATUS_RULES` (first matching rule wins):
  done/complete/closed/achieved → Complete; overdue/delayed/late/behind/slipped →
  In progress – completion slipped; not started/not due/planned → Not due to have
  started; in progress/on track/under way/started/ongoing → In progress; tbc/tbd →
  TBC. Red/Amber/Green words make the column a ``[rating]``, not a status. Any other
  word is written ``"word" = "Unknown"  # TODO: check``.
* **Date formats**: :data:`DATE_FORMATS` are tried on every non-blank value (read as the
  loader reads them); a format is proposed only if it, or it with the formats already
  chosen, parses every value. When day-first and month-first both parse, the comment
  says so and the choice follows the evidence (a first number above 12 is a day).
  A few repeated words in a date column that are no date (``TBC``, ``Ongoing``) are
  proposed as ``missing``.
* **Layout and period**: one file whose date column holds a few distinct dates, each on
  many rows, with (id, date) unique, is ``layout = "long"``; otherwise the period comes
  from the file names: the default ``YYYY-MM`` pattern, ``YYYYMMDD`` (with an optional
  ``_HHMM``), or a month name and year. Files sharing a month whose names carry a day
  get ``same_period = "latest-date"``. A file name with a year only gets its own
  ``period`` with a TODO.
* Files that cannot be read, hold a header only, or hold values beyond the last
  header column are left out of ``include``, each named in a comment.

The layout keys ``layout``, ``period_column``, ``period_formats`` and ``same_period``
are those of the register loader's layouts (docs/register-mapping.md).

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "demo-tracker"
>>> folder.mkdir()
>>> _ = (folder / "2024-01.csv").write_text(
...     "Ref,Action,Status,Due\\n1,Publish the plan,Done,31/01/2024\\n"
...     "2,Hold the review,On track,15/03/2024\\n3,Train the staff,Done,30/04/2024\\n"
...     "4,Audit the books,On track,28/02/2024\\n")
>>> text = draft_mapping(folder).text
>>> 'id = "Ref"' in text and '"Done" = "Complete"' in text and '"%d/%m/%Y"' in text
True
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kerslake_analysis.base.statuses import (
    COMPLETE,
    IN_PROGRESS,
    IN_PROGRESS_SLIPPED,
    NOT_DUE,
    TBC,
)
from kerslake_analysis.ingest.register.encoding import detect_encoding
from kerslake_analysis.ingest.register.headers import find_header_row
from kerslake_analysis.ingest.register.mapping import (
    DEFAULT_INCLUDE,
    DEFAULT_PERIOD_PATTERN,
    SLUG,
    UNKNOWN,
    normalise_key,
)
from kerslake_analysis.ingest.register.sheets import (
    XLSX_SUFFIXES,
    Sheet,
    read_sheet,
)
from kerslake_analysis.ingest.register.snapshot import PLAUSIBLE_YEARS

#: Date formats tried on a date column, in order of preference.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%d.%m.%y",
    "%d-%m-%Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %Y",
    "%B %Y",
    "%b-%y",
    "%b-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
)
#: Pairs of formats that differ only in the order of day and month.
_SWAPPED: dict[str, str] = {
    "%d/%m/%Y": "%m/%d/%Y",
    "%m/%d/%Y": "%d/%m/%Y",
    "%d/%m/%y": "%m/%d/%y",
    "%m/%d/%y": "%d/%m/%y",
}
#: Words in a header that point at a field (matched as whole words, case ignored).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "ref", "reference", "no", "number", "code", "pid", "key"),
    "text": ("action", "description", "text", "name", "title", "body", "commitment", "task"),
    "theme": ("theme", "category", "priority", "programme", "area", "workstream", "objective"),
    "owner": ("owner", "lead", "responsible", "department", "dept", "agency", "officer"),
    "due_start": ("start",),
    "due_end": ("due", "end", "deadline", "target", "completion", "forecast", "finish"),
    "completed_on": ("completed", "actual", "act", "achieved", "closed"),
    "status": ("status", "progress", "phase", "state"),
    "rating": ("rag", "rating", "confidence", "colour", "color"),
    "update": ("update", "comment", "comments", "notes", "narrative", "commentary"),
}
#: Status rules: a regex over the normalised word, and the status it gives.
STATUS_RULES: tuple[tuple[str, str], ...] = (
    (r"^not (yet )?(started|begun|commenced|due)\b|^planned$|^future$", NOT_DUE),
    (r"overdue|delayed|\blate\b|behind|slipp|off track", IN_PROGRESS_SLIPPED),
    (r"^(complete|completed|done|closed|finished|achieved|delivered|implemented)\b", COMPLETE),
    (r"in progress|on track|under ?way|^started$|^ongoing$|progressing|^on time$", IN_PROGRESS),
    (r"^(tbc|tbd|to be confirmed)$", TBC),
)
#: Words of a RAG rating.
RAG_WORDS: frozenset[str] = frozenset(
    {"red", "amber", "green", "r", "a", "g", "amber/green", "amber/red", "blue", "gray", "grey"}
)
#: A status or rating column has at most this many distinct words.
MAX_VOCABULARY = 15
_MONTH_NAMES = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"


@dataclass
class FileRead:
    """One tracker file as the draft read it."""

    path: Path
    sheet: Sheet | None
    encoding: str | None = None
    confidence: float | None = None
    separator: str = ","
    encoding_sure: bool = True
    header_row: int = 1
    why_left_out: str = ""

    @property
    def header(self) -> list[str]:
        """The header cells."""
        return self.sheet.cells[self.header_row - 1] if self.sheet else []

    def body(self) -> pd.DataFrame:
        """The rows after the header as text, blank rows dropped."""
        assert self.sheet is not None
        width = len(self.header)
        rows = [
            (r + [""] * width)[:width]
            for r in self.sheet.cells[self.header_row :]
            if any(c.strip() for c in r)
        ]
        return pd.DataFrame(rows, columns=range(width), dtype=object).astype(str)


@dataclass
class Draft:
    """A drafted mapping: its TOML text and what is still open.

    Parameters
    ----------
    text : str
        The TOML text, commented.
    open_items : list of str
        What the user must still check (also marked ``# TODO`` in the text).
    """

    text: str
    open_items: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- detection


def detect_separator(text: str) -> str:
    """Return the separator among ``, ; tab |`` that splits the first lines into most fields.

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> detect_separator("a;b;c\\n1;2,5;3\\n")
    ';'
    """
    lines = [line for line in text.splitlines()[:5] if line.strip()]
    best, most = ",", 0
    for sep in (",", ";", "\t", "|"):
        try:
            widths = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=sep)]
        except csv.Error:
            continue
        width = max(widths, default=0)
        if width > most:
            best, most = sep, width
    return best


def _read(path: Path) -> FileRead:
    """Read one file with detected settings; say why it is left out, if it is."""
    suffix = path.suffix.casefold()
    if suffix in XLSX_SUFFIXES:
        sheet, problems = read_sheet(path)
        read = FileRead(path, sheet)
    else:
        data = path.read_bytes()
        guess = detect_encoding(data)
        encoding = guess.encoding
        separator = detect_separator(data.decode(encoding, errors="replace"))
        sheet, problems = read_sheet(path, encoding=encoding, separator=separator)
        read = FileRead(path, sheet, encoding, guess.confidence, separator, guess.sure)
    if sheet is None:
        read.why_left_out = "; ".join(p.message for p in problems) or "cannot be read"
        return read
    found = find_header_row(sheet.cells)
    read.header_row = 1 if found is None else found + 1
    width = len(read.header)
    records = [r for r in sheet.cells[read.header_row :] if any(c.strip() for c in r)]
    if not records:
        read.why_left_out = "a header only, no records"
    elif any(any(c.strip() for c in r[width:]) for r in records):
        read.why_left_out = "its rows hold values beyond the last header column"
    return read


# --------------------------------------------------------------------------- values


def _parses(values: pd.Series, fmt: str) -> pd.Series:
    """Which values parse with a format, as the loader parses them (plausible years)."""
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    return parsed.notna() & parsed.dt.year.between(*PLAUSIBLE_YEARS)


@dataclass
class DateEvidence:
    """The formats that read a date column, the words that are no date, and a note."""

    formats: list[str]
    missing: list[str]
    note: str


def date_formats_for(values: pd.Series) -> DateEvidence | None:
    """Return the formats that parse every non-blank value of a column, or None.

    Values that parse with no format are allowed only as a few repeated words without
    digits (at most 3 distinct), proposed as missing values.

    Parameters
    ----------
    values : pandas.Series of str

    Returns
    -------
    DateEvidence or None

    Examples
    --------
    >>> e = date_formats_for(pd.Series(["25/12/2024", "01/02/2024", "TBC", "TBC"]))
    >>> e.formats, e.missing
    (['%d/%m/%Y'], ['TBC'])
    """
    values = values.str.strip()
    values = values[values != ""].reset_index(drop=True)
    if values.empty:
        return None
    hits = {fmt: _parses(values, fmt) for fmt in DATE_FORMATS}
    any_hit = pd.concat(hits.values(), axis=1).any(axis=1)
    words = values[~any_hit]
    date_like = words.str.contains(r"\d{1,4}[./ -]\d{1,2}[./ -]\d{1,4}|^\d+$")
    bad, words = words[date_like], words[~date_like]
    if any_hit.sum() < 0.5 * len(values) or len(bad) > 0.01 * len(values):
        return None
    if words.nunique() > 3:
        return None
    dated = values[any_hit]
    chosen: list[str] = []
    covered = pd.Series(False, index=dated.index)
    notes = []
    while not covered.all():
        best = max(DATE_FORMATS, key=lambda f: int((hits[f][dated.index] & ~covered).sum()))
        gain = hits[best][dated.index] & ~covered
        if not gain.any():
            return None
        twin = _SWAPPED.get(best)
        if twin and hits[twin][dated.index].sum() == hits[best][dated.index].sum():
            notes.append(
                f"{best} and {twin} both read every value (no first number above 12 or "
                f"second above 12); {best} chosen by the list's order"
            )
        elif twin:
            cannot = dated[gain & ~hits[twin][dated.index]]
            side = "day-first" if best.startswith("%d") else "month-first"
            notes.append(
                f"{side}: {best} reads values such as {cannot.iloc[0]!r}, which {twin} cannot"
            )
        chosen.append(best)
        covered |= gain
    share = f"{len(dated)} of {len(values)} values are dates"
    if len(bad):
        shown = ", ".join(repr(v) for v in sorted(set(bad))[:3])
        notes.append(
            f"TODO: check {len(bad)} value(s) no format reads (proposed as missing): {shown}"
        )
    return DateEvidence(chosen, sorted({*words, *bad}), "; ".join([share, *notes]))


def status_for(word: str) -> str | None:
    """Return the status a council word is placed on by :data:`STATUS_RULES`, or None.

    Parameters
    ----------
    word : str

    Returns
    -------
    str or None

    Examples
    --------
    >>> status_for("Done"), status_for("Not started"), status_for("Delayed"), status_for("Blue")
    ('Complete', 'Not due to have started', 'In progress – completion slipped', None)
    """
    key = normalise_key(word)
    for pattern, status in STATUS_RULES:
        if re.search(pattern, key):
            return status
    return None


def _header_words(header: str) -> set[str]:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", header)
    return set(re.split(r"[^a-z0-9]+", spaced.casefold())) - {""}


@dataclass
class Profile:
    """The shape of one column's values."""

    header: str
    filled: int
    rows: int
    distinct: int
    unique_per_file: bool
    unique_each_file: bool
    mean_length: float
    dates: DateEvidence | None
    counts: Counter

    @property
    def placed(self) -> int:
        """Rows whose word the status rules place."""
        return sum(n for w, n in self.counts.items() if status_for(w) is not None)

    @property
    def links(self) -> bool:
        """Most values are web addresses."""
        hits = sum(n for w, n in self.counts.items() if w.startswith(("http:", "https:", "www.")))
        return hits >= 0.5 * self.filled

    @property
    def vocabulary(self) -> bool:
        """A short vocabulary: few distinct words, each used several times on average."""
        return 1 < self.distinct <= MAX_VOCABULARY and self.filled >= 2 * self.distinct

    @property
    def rag(self) -> bool:
        """Most of its rows hold RAG words."""
        hits = sum(n for w, n in self.counts.items() if normalise_key(w) in RAG_WORDS)
        return self.vocabulary and hits >= 0.5 * self.filled


def profile(header: str, values: list[pd.Series]) -> Profile:
    """Describe a column over the files it occurs in (values per file)."""
    allv = pd.concat(values, ignore_index=True).str.strip()
    filled = allv[allv != ""]
    unique = all((v.str.strip() != "").all() and v.str.strip().is_unique for v in values if len(v))
    return Profile(
        header=header,
        filled=len(filled),
        rows=len(allv),
        distinct=filled.nunique(),
        unique_per_file=unique and len(filled) > 0,
        unique_each_file=all(v[v.str.strip() != ""].is_unique for v in values),
        mean_length=float(filled.str.len().mean()) if len(filled) else 0.0,
        dates=date_formats_for(filled) if len(filled) else None,
        counts=Counter(filled),
    )


# --------------------------------------------------------------------------- columns


def guess_columns(profiles: list[Profile]) -> dict[str, tuple[Profile, str]]:
    """Assign fields to columns; return field -> (profile, evidence).

    Parameters
    ----------
    profiles : list of Profile

    Returns
    -------
    dict of str to (Profile, str)
    """
    taken: set[str] = set()
    result: dict[str, tuple[Profile, str]] = {}

    def words_of(p: Profile, fld: str) -> list[str]:
        return sorted(_header_words(p.header) & set(HEADER_WORDS[fld]))

    def pick(fld: str, ok, rank, shape: str) -> None:
        candidates = [p for p in profiles if p.header not in taken and p.filled and ok(p)]
        if not candidates:
            return
        best = max(candidates, key=lambda p: (bool(words_of(p, fld)), rank(p)))
        words = words_of(best, fld)
        said = f"header word {', '.join(map(repr, words))}" if words else "no header word"
        result[fld] = (best, f"{said}; {shape.format(p=best)}")
        taken.add(best.header)

    pick(
        "id",
        lambda p: p.unique_per_file and p.mean_length <= 40 and p.dates is None,
        lambda p: -p.mean_length,
        "filled and unique on every row of each file ({p.distinct} values)",
    )
    pick(
        "text",
        lambda p: (
            p.dates is None and (p.unique_each_file or not p.vocabulary) and p.mean_length >= 10
        ),
        lambda p: (p.filled, p.mean_length),
        "free text, {p.mean_length:.0f} characters on average",
    )
    for fld in ("due_end", "due_start", "completed_on"):
        pick(
            fld,
            lambda p, fld=fld: p.dates is not None and bool(words_of(p, fld)),
            lambda p: p.filled,
            "{p.dates.note}",
        )
    pick(
        "rating",
        lambda p: p.rag,
        lambda p: p.filled,
        "{p.distinct} distinct values, mostly Red/Amber/Green words",
    )
    pick(
        "status",
        lambda p: (
            p.vocabulary
            and (not p.unique_each_file or p.placed >= 0.5 * p.filled)
            and p.dates is None
            and bool(words_of(p, "status"))
        ),
        lambda p: (p.placed, p.filled),
        "a short vocabulary of {p.distinct} words",
    )
    pick(
        "update",
        lambda p: p.dates is None and p.mean_length >= 20 and bool(words_of(p, "update")),
        lambda p: p.mean_length,
        "long free text, {p.mean_length:.0f} characters on average",
    )
    for fld in ("theme", "owner"):
        pick(
            fld,
            lambda p, fld=fld: (
                p.dates is None
                and not p.links
                and p.distinct <= max(p.filled // 2, 1)
                and bool(words_of(p, fld))
            ),
            lambda p: -p.distinct,
            "{p.distinct} distinct values over {p.filled} rows",
        )
    return result


# --------------------------------------------------------------------------- periods


@dataclass
class PeriodRule:
    """How the files' periods are found: a pattern, fixed periods, a same-period rule."""

    pattern: str | None
    evidence: str
    fixed: dict[str, str] = field(default_factory=dict)
    same_period: str | None = None


_PATTERNS: tuple[tuple[str, str], ...] = (
    (DEFAULT_PERIOD_PATTERN, "year and month (YYYY-MM)"),
    (
        r"(?<!\d)(?P<year>\d{4})(?P<month>0[1-9]|1[0-2])(?P<day>[0-3]\d)"
        r"(?:[-_ ]?(?P<hour>[0-2]\d)(?P<minute>[0-5]\d))?(?!\d)",
        "a date YYYYMMDD, with a time _HHMM on some",
    ),
    (
        rf"(?i)(?P<month>(?:{_MONTH_NAMES})[a-z]*)[-_ ]*(?P<year>\d{{4}})",
        "a month name and a year",
    ),
)


def period_rule(names: list[str]) -> PeriodRule:
    """Propose how to read each file's period from its name.

    Parameters
    ----------
    names : list of str

    Returns
    -------
    PeriodRule

    Examples
    --------
    >>> period_rule(["Plans_20120721_1654.csv", "Plans_20120722_2313.csv"]).same_period
    'latest-date'
    >>> period_rule(["tracker_2024-01.csv"]).pattern is None  # the default
    True
    """
    for pattern, what in _PATTERNS:
        matches = [re.search(pattern, n) for n in names]
        if all(matches):
            months = Counter(f"{m.group('year')}-{m.group('month')[:3].lower()}" for m in matches)
            shared = [k for k, n in months.items() if n > 1]
            same = None
            evidence = f"every file name carries {what}"
            if shared and "day" in re.compile(pattern).groupindex:
                same = "latest-date"
                evidence += (
                    f"; {sum(months[k] for k in shared)} files share a month, so the latest "
                    "by the date and time in its name is used"
                )
            elif shared:
                evidence += "; several files share a month: TODO: check"
            return PeriodRule(
                None if pattern == DEFAULT_PERIOD_PATTERN else pattern, evidence, {}, same
            )
    fixed = {}
    for n in names:
        year = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", n)
        if year:
            fixed[n] = f"{year.group(0)}-12"
    return PeriodRule(
        None,
        "the file names carry no month: each file has its own period (TODO: check)",
        fixed,
    )


def long_layout(body: pd.DataFrame, profiles: list[Profile]) -> tuple[Profile, Profile] | None:
    """Return (period column, id column) if a file is long: one row per item and date.

    A date column with 2 to 60 distinct values, each on several rows, and another
    column unique within each of those dates but not overall.

    Parameters
    ----------
    body : pandas.DataFrame
        The file's rows after the header, one column per header cell.
    profiles : list of Profile
        One per column of ``body``, in order.

    Returns
    -------
    tuple of (Profile, Profile) or None
    """
    for j, p in enumerate(profiles):
        if p.dates is None or p.dates.missing or not 2 <= p.distinct <= 60:
            continue
        if p.filled != p.rows or p.filled < 2 * p.distinct:
            continue
        for k, q in enumerate(profiles):
            if k == j or q.dates is not None or q.filled != q.rows or q.mean_length > 40:
                continue
            pairs = body[[j, k]]
            if not body[k].is_unique and not pairs.duplicated().any():
                return p, q
    return None


# --------------------------------------------------------------------------- TOML


def toml_string(text: str) -> str:
    """Return text as a TOML basic string (JSON's escapes are TOML's; DEL escaped too).

    Examples
    --------
    >>> toml_string('say "hi"\\\\')
    '"say \\\\"hi\\\\"\\\\\\\\"'
    """
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007F")


def slug(name: str) -> str:
    """Return a register name made from a folder or file name.

    Examples
    --------
    >>> slug("UK SRP Business Plans (2012)")
    'uk-srp-business-plans-2012'
    """
    text = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-")[:64].strip("-")
    return text if text and SLUG.fullmatch(text) else "register"


def _column_ref(read: FileRead, header: str) -> str:
    """The TOML value naming a column: its header, or its occurrence if repeated."""
    keys = [normalise_key(h) for h in read.header]
    wanted = normalise_key(header)
    if keys.count(wanted) > 1:
        return f"{{ name = {toml_string(header)}, occurrence = 1 }}"
    return toml_string(header)


def _decodes(path: Path, encoding: str | None) -> bool:
    try:
        path.read_bytes().decode(encoding or "utf-8")
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def _glob_escape(name: str) -> str:
    return re.sub(r"([\[\]*?])", r"[\1]", name)


# --------------------------------------------------------------------------- the draft


def draft_mapping(path: Path | str) -> Draft:
    """Read a tracker (a folder of files or one file) and draft its mapping.

    Parameters
    ----------
    path : pathlib.Path or str

    Returns
    -------
    Draft

    Raises
    ------
    FileNotFoundError
        If the path does not exist.
    ValueError
        If no file can be read.
    """
    path = Path(path)
    if path.is_dir():
        files = sorted(
            f
            for f in path.iterdir()
            if f.is_file()
            and not f.is_symlink()
            and not f.name.startswith((".", "~$"))
            and f.suffix.casefold() in (".csv", *XLSX_SUFFIXES)
        )
    elif path.is_file():
        files = [path]
    else:
        raise FileNotFoundError(path)
    reads = [_read(f) for f in files]
    usable = [r for r in reads if not r.why_left_out]
    if not usable:
        why = "; ".join(f"{r.path.name}: {r.why_left_out}" for r in reads) or "no CSV or XLSX"
        raise ValueError(f"no file of {path} could be read ({why})")
    open_items: list[str] = []
    lines: list[str] = []
    add = lines.append

    # columns over the files that share the newest file's header
    newest = usable[-1]
    bodies = [(r, r.body()) for r in usable]
    profiles = []
    for h in newest.header:
        if not h.strip():
            continue
        values = []
        for r, body in bodies:
            keys = [normalise_key(x) for x in r.header]
            if normalise_key(h) in keys:
                values.append(body[keys.index(normalise_key(h))])
        profiles.append(profile(h, values))
    long = (
        long_layout(
            bodies[0][1], [profile(h, [bodies[0][1][j]]) for j, h in enumerate(newest.header)]
        )
        if len(usable) == 1
        else None
    )
    if long is not None:
        period_col, id_col = long
        profiles = [p for p in profiles if p.header != period_col.header]
    guesses = guess_columns(profiles)
    if long is not None and "id" in guesses:
        # the id of a long file is unique per date, not per file
        for fld, (p, _) in list(guesses.items()):
            if p.header == id_col.header:
                del guesses[fld]
        guesses["id"] = (
            id_col,
            f"unique within each {period_col.header!r} ({id_col.distinct} values)",
        )
    elif long is not None:
        guesses["id"] = (id_col, f"unique within each {period_col.header!r}")
    for fld in ("id", "text"):
        if fld not in guesses:
            open_items.append(f"no column found for {fld}")
    # a file without the id or text column cannot be read by this mapping: left out
    for r in usable:
        keys = {normalise_key(h) for h in r.header}
        lacking = [
            guesses[f][0].header
            for f in ("id", "text")
            if f in guesses and normalise_key(guesses[f][0].header) not in keys
        ]
        if lacking:
            r.why_left_out = (
                f"its header lacks {', '.join(map(repr, lacking))} (another layout: "
                "TODO: check, e.g. map it in an [[override]] and add it to include)"
            )
            open_items.append(f"{r.path.name} is left out: its header lacks {lacking[0]!r}")
    usable = [r for r in usable if not r.why_left_out]
    bodies = [(r, body) for r, body in bodies if not r.why_left_out]

    # header
    name = slug(path.name if path.is_dir() else path.stem)
    title = re.sub(r"[-_]+", " ", path.name if path.is_dir() else path.stem).strip()
    add(f"# MAP.toml drafted by `kerslake map` from {path.name} ({len(reads)} file(s) read).")
    add("# Review every guess: the evidence is in the comment beside it; lines marked")
    add("# TODO need a decision. Then: kerslake validate TRACKER --mapping MAP.toml")
    add("")
    add(f"name = {toml_string(name)}  # from the folder name")
    add(f"title = {toml_string(title[:1].upper() + title[1:])}  # change freely (one line)")
    add("")

    # [files]
    add("[files]")
    period = period_rule([r.path.name for r in usable])
    left_out = [r for r in reads if r.why_left_out]
    if left_out:
        add("# Files left out (not in include):")
        for r in left_out:
            add(f"#   {r.path.name}: {r.why_left_out}")
        add("include = [")
        for r in usable:
            add(f"  {toml_string(_glob_escape(r.path.name))},")
        add("]")
    elif path.is_dir():
        suffixes = sorted({r.path.suffix.casefold() for r in usable})
        patterns = [f"*{s}" for s in suffixes]
        if not set(patterns) <= set(DEFAULT_INCLUDE):
            add(f"include = [{', '.join(toml_string(p) for p in patterns)}]")
    if long is not None:
        fmts = period_col.dates.formats
        add(
            f'layout = "long"  # {period_col.header!r} holds {period_col.distinct} distinct dates '
            f"over {period_col.filled} rows, and ({guesses['id'][0].header}, date) is unique"
        )
        add(f"period_column = {toml_string(period_col.header)}")
        add(
            f"period_formats = [{', '.join(toml_string(f) for f in fmts)}]  # {period_col.dates.note}"
        )
    else:
        if period.pattern is not None:
            add(f"period_pattern = {toml_string(period.pattern)}  # {period.evidence}")
        else:
            add(f"# period: {period.evidence}")
        if period.same_period:
            add(f'same_period = "{period.same_period}"')
        if "TODO" in period.evidence:
            open_items.append(period.evidence)
    csvs = [r for r in usable if r.encoding]
    common_encoding = Counter(r.encoding for r in csvs).most_common(1)[0][0] if csvs else None
    for r in csvs:
        if r.encoding != common_encoding and _decodes(r.path, common_encoding):
            r.encoding = common_encoding
    common_sep = Counter(r.separator for r in csvs).most_common(1)[0][0] if csvs else ","
    common_header = Counter(r.header_row for r in usable).most_common(1)[0][0]
    if common_encoding:
        conf = min(r.confidence or 0 for r in csvs if r.encoding == common_encoding)
        sure = all(r.encoding_sure for r in csvs if r.encoding == common_encoding)
        if sure:
            add(f"encoding = {toml_string(common_encoding)}  # detected (confidence {conf:.2f})")
        else:
            note = (
                f"encoding {common_encoding} is a guess (confidence {conf:.2f}): the bytes alone "
                "do not tell Windows-1252 from Mac Roman and others; TODO: check accents "
                "and quotes in the report, and set the encoding the tracker was saved in"
            )
            add(f"encoding = {toml_string(common_encoding)}  # {note}")
            open_items.append(note)
    if common_sep != ",":
        add(f"separator = {toml_string(common_sep)}  # splits the header into most fields")
    if common_header != 1:
        add(f"header_row = {common_header}  # rows above it are a title block")

    # dates: formats per file, the most common set for [files]
    date_fields = [f for f in ("due_start", "due_end", "completed_on") if f in guesses]
    per_file: dict[str, list[str]] = {}
    missing: set[str] = set()
    for r, body in bodies:
        keys = [normalise_key(x) for x in r.header]
        fmts: list[str] = []
        for fld in date_fields:
            key = normalise_key(guesses[fld][0].header)
            if key not in keys:
                continue
            evidence = date_formats_for(body[keys.index(key)])
            if evidence is None:
                continue
            missing.update(evidence.missing)
            fmts += [f for f in evidence.formats if f not in fmts]
        per_file[r.path.name] = fmts
    with_dates = [tuple(f) for f in per_file.values() if f]
    common_formats = list(Counter(with_dates).most_common(1)[0][0]) if with_dates else []
    if common_formats:
        add(
            f"date_formats = [{', '.join(toml_string(f) for f in common_formats)}]"
            "  # each parses every value of the date columns (see each column)"
        )
    if missing:
        add(
            f"missing = [{', '.join(toml_string(w) for w in sorted(missing))}]"
            "  # values in date columns that no date format reads"
            + (
                "; TODO: check the date-like ones"
                if any(re.search(r"\d", w) for w in missing)
                else ""
            )
        )
    add("")

    # [columns]
    add("[columns]")
    order = ("id", "text", "theme", "owner", "due_start", "due_end", "status", "completed_on")
    for fld in (*order, "update"):
        if fld in guesses:
            p, evidence = guesses[fld]
            add(f"{fld} = {_column_ref(newest, p.header)}  # {evidence}")
        elif fld not in ("id", "text"):
            add(f"# {fld}: no column found")
    add("")

    # [status]
    if "status" in guesses:
        p = guesses["status"][0]
        add("[status.values]  # each word found, with its count over the files")
        for word, count in sorted(p.counts.items(), key=lambda wc: (-wc[1], wc[0])):
            if normalise_key(word) in {normalise_key(w) for w in missing}:
                continue
            status = status_for(word)
            if status is None:
                add(f"{toml_string(word)} = {toml_string(UNKNOWN)}  # {count} rows; TODO: check")
                open_items.append(f"status word {word!r} ({count} rows) is not placed")
            else:
                add(f"{toml_string(word)} = {toml_string(status)}  # {count} rows")
        add("")

    # [rating]
    if "rating" in guesses:
        p = guesses["rating"][0]
        add("[rating]  # RAG words are ratings, not statuses")
        others = sorted(w for w in p.counts if normalise_key(w) not in RAG_WORDS)
        if others:
            add('other = ["Other"]')
        scale = {"r": "Red", "a": "Amber", "g": "Green", "red": "Red", "amber": "Amber"}
        scale["green"] = "Green"
        if {"amber/green", "amber/red"} & {normalise_key(w) for w in p.counts}:
            scale.update({"amber/green": "Amber/Green", "amber/red": "Amber/Red"})
            add('scale = ["Green", "Amber/Green", "Amber", "Amber/Red", "Red"]')
        add("[rating.columns]")
        add(f"rag = {_column_ref(newest, p.header)}")
        add("[rating.values]  # each word found, with its count")
        for word, count in sorted(p.counts.items(), key=lambda wc: (-wc[1], wc[0])):
            target = scale.get(normalise_key(word))
            if target is None:
                add(f'{toml_string(word)} = "Other"  # {count} rows; TODO: check')
                open_items.append(f"rating {word!r} ({count} rows) is not placed")
            elif normalise_key(word) != normalise_key(target):
                add(f"{toml_string(word)} = {toml_string(target)}  # {count} rows")
        add("")

    # overrides: files whose settings differ from [files], or that lack a column
    for r in usable:
        body_lines = []
        if r.encoding and r.encoding != common_encoding:
            body_lines.append(f"encoding = {toml_string(r.encoding)}")
        if r.encoding and r.separator != common_sep:
            body_lines.append(f"separator = {toml_string(r.separator)}")
        if r.header_row != common_header:
            body_lines.append(f"header_row = {r.header_row}")
        if per_file.get(r.path.name) and per_file[r.path.name] != common_formats:
            body_lines.append(
                f"date_formats = [{', '.join(toml_string(f) for f in per_file[r.path.name])}]"
            )
        if r.path.name in period.fixed:
            body_lines.append(f'period = "{period.fixed[r.path.name]}"  # TODO: check the month')
            open_items.append(f"{r.path.name}: period {period.fixed[r.path.name]} is a guess")
        keys = {normalise_key(x) for x in r.header}
        absent = [
            fld
            for fld, (p, _) in guesses.items()
            if fld not in ("id", "text", "rating") and normalise_key(p.header) not in keys
        ]
        if body_lines or absent:
            add("[[override]]")
            add(f"files = {toml_string(_glob_escape(r.path.name))}")
            lines.extend(body_lines)
            if absent:
                add("[override.columns]  # not in this file")
                for fld in absent:
                    add(f"{fld} = false")
            add("")
    if open_items:
        add("# Still open (also marked TODO above):")
        for item in open_items:
            add(f"#   {item}")
    return Draft("\n".join(lines).rstrip() + "\n", open_items)


def open_items(mapping_path: Path | str) -> list[str]:
    """Return the lines of a mapping that are still marked ``TODO``, with line numbers.

    Parameters
    ----------
    mapping_path : pathlib.Path or str

    Returns
    -------
    list of str
        ``"line N: text"`` for each line holding ``TODO`` outside the closing summary.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "MAP.toml"
    >>> _ = p.write_text('name = "x"\\n"Blue" = "Unknown"  # 3 rows; TODO: check\\n')
    >>> open_items(p)
    ['line 2: "Blue" = "Unknown"  # 3 rows; TODO: check']
    """
    try:
        text = Path(mapping_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(text.splitlines(), start=1)
        if "TODO" in line and not line.lstrip().startswith("#")
    ]
