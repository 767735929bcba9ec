"""The Kerslake Review action plan of 2015: one commitment per action.

The raw file (``004_8cc2926d097384ad.txt``) is the text of a PDF whose five themed
plans are tables with the columns Action, Timescale, Measures and Responsible. The
text extraction emits those columns as separate runs of lines, in an order that
differs from page to page, so a row cannot be reassembled by code with any
confidence. The rows are therefore a hand transcription kept as its own files:

``data/transcriptions/ap15_plans.csv``
    One row per plan: its theme, sub-theme and Kerslake reference as written, each
    with the line it was read from.
``data/transcriptions/ap15_actions.csv``
    One row per action: its text, timescale, owner and measures, each with the
    line(s) it was read from (``;``-separated, in reading order), the opening of the
    action as a verbatim ``quote`` of its first line, and a ``transcription_note``
    giving the reading chosen wherever the text does not settle it.

:func:`build` reads both files and checks every field against the raw text before it
returns anything:

* an action's text must be the whole of its lines, less its number and a timescale
  printed beside it;
* a timescale must be its line, or end it;
* an owner, section or measures value must be made, word for word and in order, of
  runs of words found verbatim on its listed lines, one run per line (measures are
  several items joined by ``"; "``);
* a plan's theme, sub-theme and Kerslake reference must each be a whole line.

So a value that was mistyped, or credited to a line it is not on, stops the build with
an error naming the file, the row (as a spreadsheet shows it: header = row 1) and the
column. The tests also check that every character of the tables' lines is taken by
some field, so that no action, owner or measure is dropped or cut short.

Examples
--------
>>> commitments = build()["commitments"]
>>> commitments["ref"].str.split(".").str[0].value_counts(sort=False).tolist()
[27, 29, 16, 17, 26]
>>> row = commitments.set_index("commitment_id").loc["AP15-4.6a"]
>>> row["ref"], row["timescale"], row["owner"]
('4.6a', 'Apr-15', 'Service Director Devolution')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.load import Problem, spreadsheet_row
from kerslake_analysis.ingest.provenance import SourceDocument

DOCUMENT_KEY = "action_plan_2015"
#: The plan slug of every commitment of this document.
PLAN = "ap-2015"
#: The hand transcription of the actions, one row per action.
ACTIONS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "ap15_actions.csv"
#: The hand transcription of the five plans' headers.
PLANS_FILE: Path = paths.TRANSCRIPTIONS_DIR / "ap15_plans.csv"

#: The date of the document, for timescales that need one ("Ongoing"). The raw text
#: carries no date; the published plan is titled "Year one action plan March 2015"
#: and was signed off by the Improvement Panel on 23 March 2015, so the date is March
#: 2015, whose last day stands for it (see data/transcriptions/README.md).
TIMESCALE_REFERENCE = "2015-03-31"

#: Every timescale as written in the Timescale column (25 distinct texts).
TIMESCALES: tuple[str, ...] = (
    "Dec-14",
    "Jan-15",
    "Feb-15",
    "Mar-15",
    "Apr-15",
    "May-15",
    "Jun-15",
    "Jul-15",
    "Aug-15",
    "Sep-15",
    "Oct-15",
    "Dec-15",
    "Jan-16",
    "Feb-16",
    "Mar-16",
    "Apr-16",
    "May-16",
    "Jun-16",
    "Spring 15",
    "Summer 15",
    "Autumn 15",
    "Winter 15",
    "Spring 16",
    "TBC",
    "Ongoing",
)

ACTION_COLUMNS: tuple[str, ...] = (
    "commitment_id",
    "plan",
    "action",
    "section",
    "section_line",
    "text",
    "text_lines",
    "quote",
    "timescale",
    "timescale_line",
    "owner",
    "owner_lines",
    "measures",
    "measures_lines",
    "transcription_note",
)
PLAN_COLUMNS: tuple[str, ...] = (
    "plan",
    "plan_line",
    "theme",
    "theme_line",
    "sub_theme",
    "sub_theme_line",
    "kerslake_reference",
    "kerslake_reference_line",
)
#: The columns :func:`build` returns, in order.
COMMITMENT_COLUMNS: tuple[str, ...] = (
    "commitment_id",
    "plan",
    "theme",
    "sub_theme",
    "ref",
    "text",
    "owner",
    "timescale",
    "timescale_reference",
    "kerslake_refs",
    "measures",
    "source",
    "source_line",
    "quote",
    "transcription_note",
)

#: Separator between the measures of one action in the ``measures`` column.
MEASURE_SEPARATOR = "; "

#: Each value column and the column listing the line(s) it was read from.
_VALUE_LINES: dict[str, str] = {
    "section": "section_line",
    "text": "text_lines",
    "timescale": "timescale_line",
    "owner": "owner_lines",
    "measures": "measures_lines",
}
_PLAN_VALUE_LINES: dict[str, str] = {
    "theme": "theme_line",
    "sub_theme": "sub_theme_line",
    "kerslake_reference": "kerslake_reference_line",
}
_REQUIRED = ("commitment_id", "plan", "action", "text", "quote", "timescale")
_ACTION = re.compile(r"(\d+)([a-z]?)")
_PLAN_HEADING = re.compile(r"\s*ACTION PLAN (\d)\.\s*$")
_TIMESCALE = re.compile(
    r"(?:[A-Z][a-z]{2}-\d{2}|(?:Spring|Summer|Autumn|Winter) \d{2}|TBC|Ongoing)"
)


class TranscriptionError(ValueError):
    """A hand transcription does not match the raw text; lists every problem found.

    Parameters
    ----------
    problems : sequence of kerslake_analysis.ingest.load.Problem
        Each names the file, the row as a spreadsheet shows it and the column.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        lines = "\n".join(f"  {problem}" for problem in self.problems)
        super().__init__(f"{len(self.problems)} problem(s) in a hand transcription:\n{lines}")


def build(
    actions_file: Path = ACTIONS_FILE, plans_file: Path = PLANS_FILE
) -> dict[str, pd.DataFrame]:
    """Return the action plan's commitments, checked against the raw text.

    Parameters
    ----------
    actions_file : pathlib.Path, optional
        The transcription of the actions (default :data:`ACTIONS_FILE`).
    plans_file : pathlib.Path, optional
        The transcription of the plans' headers (default :data:`PLANS_FILE`).

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"commitments": frame}`` with the columns :data:`COMMITMENT_COLUMNS`, one row
        per action in document order. ``ref`` is ``<plan>.<action>``;
        ``kerslake_refs`` lists the plan's Kerslake reference as IDs
        (``"Rec. 4, 7, 10"`` becomes ``KR-4;KR-7;KR-10``); ``source_line`` and
        ``quote`` locate the action's first line; ``transcription_note`` names the
        lines of its timescale, owner and measures, then any reading chosen.

    Raises
    ------
    TranscriptionError
        If a column is missing, an ID or line number is malformed, an ID repeats, or a
        value or quote is not on its stated line(s); the message names the file, row
        and column of each problem.

    Examples
    --------
    >>> frame = build()["commitments"]
    >>> frame.loc[frame["commitment_id"] == "AP15-1.22", ["timescale", "owner"]].values.tolist()
    [['Feb-15', 'CEx']]
    """
    doc = SourceDocument.open(DOCUMENT_KEY)
    plans = read_plans(plans_file, doc)
    actions = read_actions(actions_file, doc, plans)
    plan_of = plans.set_index("plan")
    first_line = actions["text_lines"].str.split(";").str[0].astype(int)
    where = (
        "Timescale line "
        + actions["timescale_line"]
        + "; owner line(s) "
        + _or_none(actions["owner_lines"])
        + "; measures line(s) "
        + _or_none(actions["measures_lines"])
        + "."
    )
    commitments = pd.DataFrame(
        {
            "commitment_id": actions["commitment_id"],
            "plan": PLAN,
            "theme": actions["plan"].map(plan_of["theme"]),
            "sub_theme": actions["plan"].map(plan_of["sub_theme"]),
            "ref": actions["plan"] + "." + actions["action"],
            "text": actions["text"],
            "owner": actions["owner"],
            "timescale": actions["timescale"],
            "timescale_reference": TIMESCALE_REFERENCE,
            "kerslake_refs": actions["plan"].map(plan_of["kerslake_refs"]),
            "measures": actions["measures"],
            "source": doc.name,
            "source_line": first_line,
            "quote": actions["quote"],
            "transcription_note": (where + " " + actions["transcription_note"]).str.strip(),
        },
        columns=list(COMMITMENT_COLUMNS),
    )
    text_columns = {column: "str" for column in COMMITMENT_COLUMNS if column != "source_line"}
    return {"commitments": commitments.astype(text_columns)}


def read_plans(path: Path = PLANS_FILE, doc: SourceDocument | None = None) -> pd.DataFrame:
    """Read and check the transcription of the five plans' headers.

    Parameters
    ----------
    path : pathlib.Path, optional
        The plans transcription (default :data:`PLANS_FILE`).
    doc : SourceDocument, optional
        The raw document (default: the 2015 action plan).

    Returns
    -------
    pandas.DataFrame
        The file's columns as text plus ``kerslake_refs``, the reference as
        ``;``-separated recommendation IDs.

    Raises
    ------
    TranscriptionError
        If a column is missing, a line is not the plan's heading, or a value is not
        on its stated line.

    Examples
    --------
    >>> read_plans().set_index("plan").loc["4", "kerslake_refs"]
    'KR-4;KR-7;KR-10'
    """
    doc = doc or SourceDocument.open(DOCUMENT_KEY)
    table = _read(path, PLAN_COLUMNS)
    problems: list[Problem] = []
    for index, record in table.iterrows():
        row = spreadsheet_row(index)
        plan_line = _line_numbers(path, row, "plan_line", record["plan_line"], problems)
        if len(plan_line) == 1:
            heading = _PLAN_HEADING.fullmatch(doc.line(plan_line[0]))
            if not heading or heading.group(1) != record["plan"]:
                problems.append(
                    Problem(
                        path.name,
                        row,
                        "plan_line",
                        f"line {plan_line[0]} is not 'ACTION PLAN "
                        f"{record['plan']}.': {doc.line(plan_line[0])!r}",
                    )
                )
        for column, lines_column in _PLAN_VALUE_LINES.items():
            _check_value(path, row, record, column, lines_column, doc, problems, _is_whole_line)
    if problems:
        raise TranscriptionError(problems)
    refs = table["kerslake_reference"].str.findall(r"\d+[a-z]?")
    return table.assign(kerslake_refs=refs.map(lambda ids: ";".join(f"KR-{i}" for i in ids)))


def read_actions(
    path: Path = ACTIONS_FILE,
    doc: SourceDocument | None = None,
    plans: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Read and check the transcription of the actions.

    Parameters
    ----------
    path : pathlib.Path, optional
        The actions transcription (default :data:`ACTIONS_FILE`).
    doc : SourceDocument, optional
        The raw document (default: the 2015 action plan).
    plans : pandas.DataFrame, optional
        The checked plans (default: :func:`read_plans`); every line an action cites
        must lie within its plan's pages.

    Returns
    -------
    pandas.DataFrame
        The file's columns, all as text.

    Raises
    ------
    TranscriptionError
        Naming the file, row and column of every problem found: a missing column, an
        empty required value, an ID that is not ``AP15-<plan>.<action>`` or repeats, a
        line number that is malformed or outside its plan, a quote that is not on the
        action's first line (or, for a numbered action, does not open with its number),
        a timescale that is not a single timescale, or a value that is not made of the
        words of its stated lines.
    """
    doc = doc or SourceDocument.open(DOCUMENT_KEY)
    plans = read_plans(doc=doc) if plans is None else plans
    pages = _plan_pages(plans, len(doc.lines))
    table = _read(path, ACTION_COLUMNS)
    problems: list[Problem] = []
    for index, record in table.iterrows():
        _check_action(path, spreadsheet_row(index), record, doc, pages, problems)
    for index in table.index[table["commitment_id"].duplicated()]:
        problems.append(
            Problem(
                path.name,
                spreadsheet_row(index),
                "commitment_id",
                f"duplicate ID {table.at[index, 'commitment_id']!r}",
            )
        )
    if problems:
        raise TranscriptionError(problems)
    return table


def runs_on_lines(value: str, lines: Sequence[str], whole_words: bool = True) -> list[str] | None:
    """Split ``value`` into one run of words per line, each found verbatim on its line.

    White space is folded. Each line must supply one run of one or more consecutive
    words of ``value``, in order, and the runs together must be all of ``value``.

    Parameters
    ----------
    value : str
        Transcribed text.
    lines : sequence of str
        The raw lines it was read from, in reading order.
    whole_words : bool, default True
        Require each run to start and end at a word boundary of its line; set it to
        False where the raw text runs words together (``thefirst``).

    Returns
    -------
    list of str or None
        The run taken from each line, or None if ``value`` cannot be split so.

    Examples
    --------
    >>> runs_on_lines("CEx and Director Delivery", ["CEx and Director", "Review Delivery"])
    ['CEx and Director', 'Delivery']
    >>> runs_on_lines("CEx and Director Delivery", ["CEx and Director"]) is None
    True
    >>> runs_on_lines("the first", ["the", "thefirst"]) is None
    True
    >>> runs_on_lines("the first", ["the", "thefirst"], whole_words=False)
    ['the', 'first']
    """
    words = value.split()
    texts = [" ".join(line.split()) for line in lines]

    def found(run: str, text: str) -> bool:
        if not whole_words:
            return run in text
        return re.search(rf"(?<!\w){re.escape(run)}(?!\w)", text) is not None

    @cache
    def split(word: int, line: int) -> tuple[str, ...] | None:
        if line == len(texts):
            return () if word == len(words) else None
        for end in range(len(words), word, -1):
            run = " ".join(words[word:end])
            if found(run, texts[line]) and (rest := split(end, line + 1)) is not None:
                return (run, *rest)
        return None

    runs = split(0, 0) if words else None
    return None if runs is None else list(runs)


def action_text(lines: Sequence[str], number: str, timescale: str) -> str:
    """Return an action's text: its whole lines less its number and an inline timescale.

    Parameters
    ----------
    lines : sequence of str
        The action's raw lines, in order.
    number : str
        The number that opens the first line ("" for a row without one).
    timescale : str
        A timescale printed at the end of one of the lines, to leave out ("" if none).

    Returns
    -------
    str
        The text with white space folded.

    Examples
    --------
    >>> action_text(["2 Consult a sample of members Mar-15", "and officers"], "2", "Mar-15")
    'Consult a sample of members and officers'
    """
    texts = [" ".join(line.split()) for line in lines]
    if number and texts and texts[0].startswith(f"{number} "):
        texts[0] = texts[0][len(number) + 1 :]
    if timescale:
        texts = [t[: -len(timescale) - 1] if t.endswith(f" {timescale}") else t for t in texts]
    return " ".join(texts)


# --------------------------------------------------------------------------- helpers


def _read(path: Path, columns: Sequence[str]) -> pd.DataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [column for column in columns if column not in table.columns]
    if missing:
        raise TranscriptionError(
            [Problem(path.name, None, column, "column is missing") for column in missing]
        )
    return table.loc[:, list(columns)].astype(object)


def _plan_pages(plans: pd.DataFrame, line_count: int) -> dict[str, tuple[int, int]]:
    """First and last line of each plan's pages, from its heading to the next one."""
    starts = plans.set_index("plan")["plan_line"].astype(int).sort_values()
    ends = list(starts.iloc[1:] - 1) + [line_count]
    return {plan: (start, end) for (plan, start), end in zip(starts.items(), ends, strict=True)}


def _check_action(
    path: Path,
    row: int,
    record: pd.Series,
    doc: SourceDocument,
    pages: dict[str, tuple[int, int]],
    problems: list[Problem],
) -> None:
    def fail(column: str, message: str) -> None:
        problems.append(Problem(path.name, row, column, message))

    for column in _REQUIRED:
        if not record[column].strip():
            fail(column, "is empty")
    action = _ACTION.fullmatch(record["action"])
    if record["plan"] not in pages:
        fail("plan", f"not one of the plans {sorted(pages)}: {record['plan']!r}")
    if not action:
        fail("action", f"not an action number with an optional letter: {record['action']!r}")
    expected = f"AP15-{record['plan']}.{record['action']}"
    if record["commitment_id"] != expected:
        fail("commitment_id", f"{record['commitment_id']!r} should be {expected!r}")
    if record["timescale"] and not _TIMESCALE.fullmatch(record["timescale"]):
        fail("timescale", f"not a single timescale as written: {record['timescale']!r}")
    first, last = pages.get(record["plan"], (1, len(doc.lines)))
    number = action.group(1) if action and not action.group(2) else ""
    inline = record["timescale_line"] in record["text_lines"].split(";")
    timescale = record["timescale"] if inline else ""
    rules = {
        "section": _is_made_of,
        "text": lambda value, lines: value == action_text(lines, number, timescale),
        "timescale": _ends_line,
        "owner": _is_made_of,
        "measures": _is_made_of_measures,
    }
    for column, lines_column in _VALUE_LINES.items():
        numbers = _check_value(
            path, row, record, column, lines_column, doc, problems, rules[column]
        )
        outside = [n for n in numbers if not first < n <= last]
        if outside:
            fail(lines_column, f"line(s) {outside} are outside plan {record['plan']}'s pages")
    text_lines = _line_numbers(path, row, "text_lines", record["text_lines"], [])
    if text_lines and record["quote"]:
        opening = doc.line(text_lines[0]) if text_lines[0] <= len(doc.lines) else ""
        if record["quote"] not in opening:
            fail("quote", f"not on line {text_lines[0]}: {record['quote']!r}")
        elif (
            action and not action.group(2) and not record["quote"].startswith(f"{action.group(1)} ")
        ):
            fail("quote", f"does not open with the action number {action.group(1)}")


def _check_value(
    path: Path,
    row: int,
    record: pd.Series,
    column: str,
    lines_column: str,
    doc: SourceDocument,
    problems: list[Problem],
    rule: Callable[[str, list[str]], bool],
) -> list[int]:
    """Check ``record[column]`` against its listed lines with ``rule(value, lines)``."""
    numbers = _line_numbers(path, row, lines_column, record[lines_column], problems)
    value = record[column]
    if not value and not numbers:
        return numbers
    if not value:
        problems.append(Problem(path.name, row, column, f"is empty but {lines_column} is set"))
        return numbers
    if not numbers:
        problems.append(Problem(path.name, row, lines_column, f"no line given for {column}"))
        return numbers
    beyond = [n for n in numbers if n > len(doc.lines)]
    if beyond:
        problems.append(
            Problem(path.name, row, lines_column, f"line(s) {beyond} beyond the document's end")
        )
        return numbers
    if not rule(value, [doc.line(n) for n in numbers]):
        problems.append(
            Problem(
                path.name,
                row,
                column,
                f"not verbatim on {doc.name} line(s) {numbers}: {value!r}",
            )
        )
    return numbers


def _is_whole_line(value: str, lines: list[str]) -> bool:
    """A plan header is the whole of its one line."""
    return len(lines) == 1 and value == " ".join(lines[0].split())


def _ends_line(value: str, lines: list[str]) -> bool:
    """A timescale is its one line, or ends it (printed beside the action's text)."""
    text = " ".join(lines[0].split()) if len(lines) == 1 else ""
    return bool(text) and (text == value or text.endswith(f" {value}"))


def _is_made_of(value: str, lines: list[str]) -> bool:
    return runs_on_lines(value, lines) is not None


def _is_made_of_measures(value: str, lines: list[str]) -> bool:
    """Measures are items joined by "; "; the raw text runs some words together."""
    words = " ".join(value.split(MEASURE_SEPARATOR))
    return runs_on_lines(words, lines, whole_words=False) is not None


def _line_numbers(
    path: Path, row: int, column: str, cell: str, problems: list[Problem]
) -> list[int]:
    """Parse a ``;``-separated list of 1-based line numbers, noting a malformed one."""
    if not cell.strip():
        return []
    parts = cell.split(";")
    if not all(part.isdigit() and int(part) >= 1 for part in parts):
        problems.append(Problem(path.name, row, column, f"not line numbers: {cell!r}"))
        return []
    return [int(part) for part in parts]


def _or_none(lines: pd.Series) -> pd.Series:
    """Show ``119;120`` as ``119, 120`` and an empty list as ``none``."""
    return lines.str.replace(";", ", ").where(lines != "", "none")
