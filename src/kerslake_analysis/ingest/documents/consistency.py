"""One fact, one place: find where two curated tables disagree about the same fact.

Several curated tables carry the same fact about a commitment: the lineage links
repeat a commitment's due date and document date, a lineage ``completes`` link and
the observations both say whether (and from when) a commitment is done, a 2018
update's COMPLETE marker and the observations both say an output is complete, and
the December 2015 status counts are both snapshots and claims. The build
(:mod:`kerslake_analysis.ingest.documents.build`) runs :func:`find_contradictions` on the
typed frames *before* it writes anything, and refuses to write when any check
fails, so ``data/curated/`` is never left with two tables contradicting each other.
Which table is the authority for each fact is in ``docs/design.md`` ("Consistency").

The checks (each a function ``_check_*`` below, named in :data:`CHECKS`):

``lineage_completions``
    a ``completes`` link says its ``from_commitment_id`` was done by ``to_on``; no
    observation of that commitment observed on or after ``to_on`` may say
    ``in_progress`` or ``not_started``.
``lineage_observations``
    a link to an observation (``to_kind == "observation"``) names an observation that
    exists, of the same commitment, observed on ``to_on``, in a state agreeing with
    the relation (``completes`` = complete, ``progress`` = in progress or not started).
``lineage_commitments``
    ``from_due`` is the ``from`` commitment's ``due_end``, ``from_on`` its document's
    date (``timescale_reference``) and ``from_source``/``from_source_line`` its row's
    source and line; a link to a commitment has ``to_due`` = that commitment's
    ``due_end`` and ``to_on`` = its document's date.
``lineage_references``
    ``to_ref`` names a row of the table its ``to_kind`` says (commitment, observation,
    update, aim), and the link's ``source``/``source_line`` are that row's; a link to an
    update has ``to_on`` no later than the update's month.
``update_markers``
    a COMPLETE-marked 2018 update read as completing an output (an observation of one
    of the aim's outputs quoting the update's line as ``complete``): no observation of
    that output in the update's month or later says ``in_progress`` or ``not_started``,
    unless that observation's ``transcription_note`` declares the reading ``DOUBTFUL``.
``observation_sequence``
    once an observation says a commitment is complete, no later observation of it says
    ``in_progress`` or ``not_started`` unless its note declares the reading ``DOUBTFUL``.
``snapshot_claims``
    each snapshot's figure is a claim of the same quantity on the same source line with
    the same value (:data:`SNAPSHOT_CLAIM_KEYS` maps a measure to its claim key).
``snapshot_measures``
    a snapshot's ``measure`` is ``total`` or a status of ``status_key``.
``observation_periods``
    an observation's ``observed_on`` is not after the end of its ``period``.
``observation_ids``
    an observation's ID repeats its commitment (and, for ``OBS-…``, its period): they
    agree with ``commitment_id`` and ``period``.
``plan_references``
    a 2018 output ``CGIP18-<aim>-<n>`` belongs to an aim of ``cgip18_aims`` and carries
    its section title (``theme``), number (``ref``) and lead (``owner``); each 2016
    theme (``gap16_themes``) is the commitment of the same ID, with the same heading,
    its "In six months' time" paragraph as ``text``, read from that paragraph's line.

A check whose tables are not all given is skipped. Rows of one table missing from
another that :func:`kerslake_analysis.ingest.load.unknown_references` already reports are not
reported twice.

Examples
--------
>>> import pandas as pd
>>> commitments = pd.DataFrame({"commitment_id": ["AP15-1.3"], "due_end":
...     pd.to_datetime(["2015-05-31"]), "timescale_reference": pd.to_datetime(["2015-03-31"]),
...     "source": ["004.txt"], "source_line": [10]})
>>> observations = pd.DataFrame({"observation_id": ["OBS-1"], "commitment_id": ["AP15-1.3"],
...     "period": ["2015-12"], "observed_on": pd.to_datetime(["2015-12-31"]),
...     "state": ["in_progress"], "source": ["000.txt"], "source_line": [5],
...     "transcription_note": [""]})
>>> lineage = pd.DataFrame({"link_id": ["LC-x.1"], "relation": ["completes"],
...     "from_commitment_id": ["AP15-1.3"], "from_on": pd.to_datetime(["2015-03-31"]),
...     "from_due": pd.to_datetime(["2015-05-31"]), "from_source": ["004.txt"],
...     "from_source_line": [10], "to_kind": ["statement"], "to_ref": [""],
...     "to_on": pd.to_datetime(["2015-06-30"]), "to_due": pd.NaT,
...     "source": ["000.txt"], "source_line": [7]})
>>> found = find_contradictions(
...     {"commitments": commitments, "observations": observations, "lineage": lineage})
>>> print(found[0])  # doctest: +NORMALIZE_WHITESPACE
lineage.csv LC-x.1 (row 2, source line 7) to_on = '2015-06-30' contradicts
observations.csv OBS-1 (row 2, source line 5) state, observed_on =
'in_progress, 2015-12-31': the link says AP15-1.3 was complete by 2015-06-30; an
observation on or after that date must not say in_progress
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from kerslake_analysis.base.periods import period_end
from kerslake_analysis.ingest.documents.cgip_2018 import DOCUMENT_PERIOD
from kerslake_analysis.ingest.load import Problem, spreadsheet_row

#: States that say a commitment is not (yet) done.
NOT_DONE: frozenset[str] = frozenset({"in_progress", "not_started"})

#: The word a ``transcription_note`` uses to declare that a reading of the text is
#: doubtful, so the observation is deliberately not counted complete.
DOUBTFUL = "DOUBTFUL"

#: The claim key of each snapshot measure: ``{plan}`` is the plan's claim prefix
#: (``ap15`` for ``ap-2015``), ``{period}`` the snapshot's period. The key grammar is
#: in ``data/transcriptions/README.md``.
SNAPSHOT_CLAIM_KEYS: dict[str, str] = {
    "total": "{plan}.actions.total",
    "Complete": "{plan}.actions.by_status.complete@{period}",
    "In Progress": "{plan}.actions.by_status.in_progress@{period}",
    "Not Due to have Started": "{plan}.actions.by_status.not_due@{period}",
    "In Progress – completion slipped": "{plan}.actions.by_status.in_progress_slipped@{period}",
    "Not Started – completion slipped": "{plan}.actions.by_status.not_started_slipped@{period}",
}


@dataclass(frozen=True)
class Contradiction:
    """Two curated tables saying different things about the same fact.

    Parameters
    ----------
    table, row_id, row, source_line, column, value
        The first side: table name (without ``.csv``), the row's ID, its row as a
        spreadsheet shows it (header = 1), the raw line it was read from, the column(s)
        and the value(s) it gives.
    other_table, other_id, other_row, other_source_line, other_column, other_value
        The second side, likewise; ``other_row`` is ``None`` when the row is missing.
    rule : str
        Why the two disagree.
    """

    table: str
    row_id: str
    row: int | None
    source_line: int | None
    column: str
    value: str
    other_table: str
    other_id: str
    other_row: int | None
    other_source_line: int | None
    other_column: str
    other_value: str
    rule: str

    def __str__(self) -> str:
        return (
            f"{self.table}.csv {self.row_id} ({_where(self.row, self.source_line)}) "
            f"{self.column} = {self.value!r} contradicts {self.other_table}.csv "
            f"{self.other_id} ({_where(self.other_row, self.other_source_line)}) "
            f"{self.other_column} = {self.other_value!r}: {self.rule}"
        )

    def as_problem(self) -> Problem:
        """Return the contradiction as a :class:`~kerslake_analysis.ingest.load.Problem`.

        Returns
        -------
        Problem
            Filed under the first table, row and column; the message names the other.
        """
        line = "" if self.source_line is None else f" (source line {self.source_line})"
        return Problem(
            f"{self.table}.csv",
            self.row,
            self.column,
            f"{self.row_id}{line} {self.column} {self.value!r} contradicts "
            f"{self.other_table}.csv {self.other_id} "
            f"({_where(self.other_row, self.other_source_line)}) {self.other_column} "
            f"{self.other_value!r}: {self.rule}",
        )


def _where(row: int | None, line: int | None) -> str:
    row_text = "no such row" if row is None else f"row {row}"
    return row_text if line is None else f"{row_text}, source line {line}"


def _text(value) -> str:
    """A cell as the CSV file shows it: dates ``YYYY-MM-DD``, missing empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _side(table: str, frame: pd.DataFrame, index, id_column: str) -> dict:
    """The first-side fields of a contradiction for row ``index`` of ``frame``."""
    row = frame.loc[index]
    line = row.get("source_line")
    return {
        "table": table,
        "row_id": str(row[id_column]),
        "row": spreadsheet_row(index),
        "source_line": None if line is None or pd.isna(line) else int(line),
    }


def _other(table: str, frame: pd.DataFrame, index, id_column: str) -> dict:
    side = _side(table, frame, index, id_column)
    return {f"other_{key}" if key != "row_id" else "other_id": v for key, v in side.items()}


def _missing(table: str, row_id: str) -> dict:
    return {
        "other_table": table,
        "other_id": row_id,
        "other_row": None,
        "other_source_line": None,
    }


def _is_doubtful(note) -> bool:
    return DOUBTFUL in _text(note)


def _differences(
    table: str,
    frame: pd.DataFrame,
    index,
    id_column: str,
    other_table: str,
    other_frame: pd.DataFrame,
    other_index,
    other_id_column: str,
    pairs: list[tuple[str, str, str]],
) -> list[Contradiction]:
    """A contradiction for each (column, other column, rule) whose two cells differ."""
    found = []
    for column, other_column, rule in pairs:
        value = _text(frame.loc[index, column])
        other_value = _text(other_frame.loc[other_index, other_column])
        if value != other_value:
            found.append(
                Contradiction(
                    **_side(table, frame, index, id_column),
                    column=column,
                    value=value,
                    **_other(other_table, other_frame, other_index, other_id_column),
                    other_column=other_column,
                    other_value=other_value,
                    rule=rule,
                )
            )
    return found


def _check_lineage_completions(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    lineage, observations = tables["lineage"], tables["observations"]
    found = []
    completes = lineage[lineage["relation"].astype(str) == "completes"]
    for index, link in completes.iterrows():
        if pd.isna(link["to_on"]):
            continue
        later = observations[
            (observations["commitment_id"] == link["from_commitment_id"])
            & observations["state"].astype(str).isin(NOT_DONE)
            & (observations["observed_on"] >= link["to_on"])
        ]
        for other_index, observation in later.iterrows():
            found.append(
                Contradiction(
                    **_side("lineage", lineage, index, "link_id"),
                    column="to_on",
                    value=_text(link["to_on"]),
                    **_other("observations", observations, other_index, "observation_id"),
                    other_column="state, observed_on",
                    other_value=f"{observation['state']}, {_text(observation['observed_on'])}",
                    rule=(
                        f"the link says {link['from_commitment_id']} was complete by "
                        f"{_text(link['to_on'])}; an observation on or after that date "
                        f"must not say {observation['state']}"
                    ),
                )
            )
    return found


def _check_lineage_observations(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    lineage, observations = tables["lineage"], tables["observations"]
    by_id = pd.Series(observations.index, index=observations["observation_id"])
    found = []
    links = lineage[lineage["to_kind"].astype(str) == "observation"]
    for index, link in links.iterrows():
        side = _side("lineage", lineage, index, "link_id")
        if link["to_ref"] not in by_id.index:
            found.append(
                Contradiction(
                    **side,
                    column="to_ref",
                    value=link["to_ref"],
                    **_missing("observations", link["to_ref"]),
                    other_column="observation_id",
                    other_value="",
                    rule="the link's observation is not in observations.csv",
                )
            )
            continue
        other_index = by_id[link["to_ref"]]
        observation = observations.loc[other_index]
        other = _other("observations", observations, other_index, "observation_id")
        relation, state = str(link["relation"]), str(observation["state"])
        pairs = [
            (
                "from_commitment_id",
                "commitment_id",
                link["from_commitment_id"] == observation["commitment_id"],
                "the link and its observation must be about the same commitment",
            ),
            (
                "to_on",
                "observed_on",
                link["to_on"] == observation["observed_on"],
                "the link's date is the date its observation holds",
            ),
        ]
        if relation == "completes":
            pairs.append(
                (
                    "relation",
                    "state",
                    state == "complete",
                    "a completes link needs a complete observation",
                )
            )
        elif relation == "progress":
            pairs.append(
                (
                    "relation",
                    "state",
                    state in NOT_DONE,
                    "a progress link needs an in_progress or not_started observation",
                )
            )
        for column, other_column, agrees, rule in pairs:
            if not agrees:
                found.append(
                    Contradiction(
                        **side,
                        column=column,
                        value=_text(link[column]),
                        **other,
                        other_column=other_column,
                        other_value=_text(observation[other_column]),
                        rule=rule,
                    )
                )
    return found


def _check_lineage_commitments(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    lineage, commitments = tables["lineage"], tables["commitments"]
    by_id = pd.Series(commitments.index, index=commitments["commitment_id"])
    found = []
    for index, link in lineage.iterrows():
        pairs = []
        origin = link["from_commitment_id"]
        if origin in by_id.index:  # else reported by load.unknown_references
            pairs += [
                (origin, "from_due", "due_end", "from_due is the from commitment's due_end"),
                (
                    origin,
                    "from_on",
                    "timescale_reference",
                    "from_on is the date of the from commitment's document",
                ),
                (origin, "from_source", "source", "from_source is the from commitment's source"),
                (
                    origin,
                    "from_source_line",
                    "source_line",
                    "from_source_line is the line of the from commitment's row",
                ),
            ]
        target = link["to_ref"]
        if str(link["to_kind"]) == "commitment" and target in by_id.index:
            pairs += [
                (target, "to_due", "due_end", "to_due of a link to a commitment is its due_end"),
                (
                    target,
                    "to_on",
                    "timescale_reference",
                    "to_on of a link to a commitment is the date of its document",
                ),
            ]
        for commitment_id, column, other_column, rule in pairs:
            found += _differences(
                "lineage",
                lineage,
                index,
                "link_id",
                "commitments",
                commitments,
                by_id[commitment_id],
                "commitment_id",
                [(column, other_column, rule)],
            )
    return found


#: The table and ID column each ``to_kind`` of a lineage link refers to.
_TO_KIND_TABLES: dict[str, tuple[str, str]] = {
    "commitment": ("commitments", "commitment_id"),
    "observation": ("observations", "observation_id"),
    "update": ("cgip18_updates", "update_id"),
    "aim": ("cgip18_aims", "aim_id"),
}


def _check_lineage_references(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    lineage = tables["lineage"]
    found = []
    for index, link in lineage.iterrows():
        kind = str(link["to_kind"])
        if kind not in _TO_KIND_TABLES:
            continue
        table, id_column = _TO_KIND_TABLES[kind]
        if table not in tables:
            continue
        frame = tables[table]
        side = _side("lineage", lineage, index, "link_id")
        matches = frame.index[frame[id_column] == link["to_ref"]]
        if len(matches) == 0:
            if kind == "observation":  # reported by _check_lineage_observations
                continue
            found.append(
                Contradiction(
                    **side,
                    column="to_ref",
                    value=link["to_ref"],
                    **_missing(table, link["to_ref"]),
                    other_column=id_column,
                    other_value="",
                    rule=f"a link with to_kind {kind!r} names a row of {table}.csv",
                )
            )
            continue
        found += _differences(
            "lineage",
            lineage,
            index,
            "link_id",
            table,
            frame,
            matches[0],
            id_column,
            [
                ("source", "source", f"the link quotes the {kind}'s own source"),
                ("source_line", "source_line", f"the link quotes the {kind}'s own line"),
            ],
        )
        if kind == "update":
            update = frame.loc[matches[0]]
            month = update["month"] or DOCUMENT_PERIOD
            if not pd.isna(link["to_on"]) and link["to_on"].date() > period_end(month):
                found.append(
                    Contradiction(
                        **side,
                        column="to_on",
                        value=_text(link["to_on"]),
                        **_other(table, frame, matches[0], id_column),
                        other_column="month",
                        other_value=update["month"],
                        rule=f"a link to an update holds no later than the update's month {month}",
                    )
                )
    return found


def _not_done_after(observations: pd.DataFrame, commitment_id: str, observed_on) -> pd.DataFrame:
    """Observations of ``commitment_id`` saying not done on or after ``observed_on``,
    whose note does not declare the reading doubtful."""
    return observations[
        (observations["commitment_id"] == commitment_id)
        & observations["state"].astype(str).isin(NOT_DONE)
        & (observations["observed_on"] >= observed_on)
        & ~observations["transcription_note"].map(_is_doubtful)
    ]


def _check_update_markers(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    updates, observations = tables["cgip18_updates"], tables["observations"]
    found = []
    for index, update in updates[updates["complete"].astype(bool)].iterrows():
        month = update["month"] or DOCUMENT_PERIOD
        read_complete = observations[
            observations["commitment_id"].str.startswith(f"{update['aim_id']}-")
            & (observations["source"] == update["source"])
            & (observations["source_line"] == update["source_line"])
            & (observations["period"] == month)
            & (observations["state"].astype(str) == "complete")
        ]
        for commitment_id in sorted(set(read_complete["commitment_id"])):
            completed_on = read_complete.loc[
                read_complete["commitment_id"] == commitment_id, "observed_on"
            ].min()
            later = _not_done_after(observations, commitment_id, completed_on)
            for other_index, observation in later.iterrows():
                found.append(
                    Contradiction(
                        **_side("cgip18_updates", updates, index, "update_id"),
                        column="complete",
                        value="true",
                        **_other("observations", observations, other_index, "observation_id"),
                        other_column="state",
                        other_value=str(observation["state"]),
                        rule=(
                            f"the COMPLETE marker of {update['month'] or 'untagged'} update is "
                            f"read as completing {commitment_id} (in {month}); an observation of "
                            f"it on or after that completion says {observation['state']} without declaring "
                            f"the reading {DOUBTFUL} in its transcription_note"
                        ),
                    )
                )
    return found


def _check_observation_sequence(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    observations = tables["observations"]
    found = []
    complete = observations[observations["state"].astype(str) == "complete"]
    for index, done in complete.iterrows():
        later = _not_done_after(observations, done["commitment_id"], done["observed_on"])
        for other_index, observation in later.iterrows():
            if other_index == index:
                continue
            found.append(
                Contradiction(
                    **_side("observations", observations, index, "observation_id"),
                    column="state",
                    value="complete",
                    **_other("observations", observations, other_index, "observation_id"),
                    other_column="state",
                    other_value=str(observation["state"]),
                    rule=(
                        f"{done['commitment_id']} is observed complete on "
                        f"{_text(done['observed_on'])}; a later observation says "
                        f"{observation['state']} without declaring the reading {DOUBTFUL}"
                    ),
                )
            )
    return found


def claim_key(snapshot: pd.Series) -> str | None:
    """Return the ``claims.csv`` quantity key of a snapshot, or None if unmapped.

    Parameters
    ----------
    snapshot : pandas.Series
        A row of ``snapshots`` (``plan``, ``period``, ``measure``).

    Returns
    -------
    str or None

    Examples
    --------
    >>> claim_key(pd.Series({"plan": "ap-2015", "period": "2015-12", "measure": "Complete"}))
    'ap15.actions.by_status.complete@2015-12'
    """
    template = SNAPSHOT_CLAIM_KEYS.get(snapshot["measure"])
    if template is None:
        return None
    prefix, year = str(snapshot["plan"]).split("-")
    return template.format(plan=f"{prefix}{year[2:]}", period=snapshot["period"])


def _check_snapshot_claims(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    snapshots, claims = tables["snapshots"], tables["claims"]
    found = []
    for index, snapshot in snapshots.iterrows():
        side = _side("snapshots", snapshots, index, "snapshot_id")
        key = claim_key(snapshot)
        same = claims[
            (claims["quantity_key"] == key)
            & (claims["source"] == snapshot["source"])
            & (claims["source_line"] == snapshot["source_line"])
        ]
        if same.empty:
            found.append(
                Contradiction(
                    **side,
                    column="measure, source_line",
                    value=f"{snapshot['measure']}, {snapshot['source_line']}",
                    **_missing(
                        "claims", key or f"(no claim key for measure {snapshot['measure']!r})"
                    ),
                    other_column="quantity_key, source_line",
                    other_value="",
                    rule=(
                        "every snapshot figure is also a claim of the same quantity on the "
                        f"same source line ({key or 'add the measure to SNAPSHOT_CLAIM_KEYS'})"
                    ),
                )
            )
            continue
        for other_index, claim in same.iterrows():
            if _text(snapshot["value"]) != _text(claim["value"]):
                found.append(
                    Contradiction(
                        **side,
                        column="value",
                        value=_text(snapshot["value"]),
                        **_other("claims", claims, other_index, "claim_id"),
                        other_column="value",
                        other_value=_text(claim["value"]),
                        rule=f"the same figure ({key}) on the same line must have one value",
                    )
                )
    return found


def _check_observation_periods(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    observations = tables["observations"]
    found = []
    for index, observation in observations.iterrows():
        end = period_end(observation["period"])
        if not pd.isna(observation["observed_on"]) and observation["observed_on"].date() > end:
            side = _side("observations", observations, index, "observation_id")
            found.append(
                Contradiction(
                    **side,
                    column="observed_on",
                    value=_text(observation["observed_on"]),
                    other_table="observations",
                    other_id=side["row_id"],
                    other_row=side["row"],
                    other_source_line=side["source_line"],
                    other_column="period",
                    other_value=observation["period"],
                    rule=f"observed_on is never after the end of the period ({end})",
                )
            )
    return found


#: An observation ID names its commitment and, for the 2018 tracker, its period:
#: ``PR15-<commitment>``, ``GAP16-<commitment>``, ``OBS-<commitment>-<period>[-<n>]``.
_OBSERVATION_ID = re.compile(
    r"^(?:PR15-(?P<pr15>.+)|GAP16-(?P<gap16>AP15-.+)|"
    r"OBS-(?P<obs>.+)-(?P<period>\d{4}-\d{2})(?:-\d+)?)$"
)


def _check_observation_ids(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    observations = tables["observations"]
    found = []
    for index, observation in observations.iterrows():
        match = _OBSERVATION_ID.match(observation["observation_id"])
        if match is None:
            continue  # an ID of another form names neither; nothing to compare
        named = {
            "commitment_id": match["pr15"] or match["gap16"] or match["obs"],
            "period": match["period"],
        }
        side = _side("observations", observations, index, "observation_id")
        for column, value in named.items():
            if value is not None and value != observation[column]:
                found.append(
                    Contradiction(
                        **side,
                        column="observation_id",
                        value=observation["observation_id"],
                        other_table="observations",
                        other_id=side["row_id"],
                        other_row=side["row"],
                        other_source_line=side["source_line"],
                        other_column=column,
                        other_value=observation[column],
                        rule=f"the observation's ID names {column} {value!r}",
                    )
                )
    return found


def _check_plan_references(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    commitments = tables["commitments"]
    found = []
    if "cgip18_aims" in tables:
        aims = tables["cgip18_aims"]
        aim_rows = pd.Series(aims.index, index=aims["aim_id"])
        outputs = commitments[commitments["commitment_id"].str.startswith("CGIP18-")]
        for index, row in outputs.iterrows():
            aim = row["commitment_id"].rsplit("-", 1)[0]
            if aim not in aim_rows.index:
                found.append(
                    Contradiction(
                        **_side("commitments", commitments, index, "commitment_id"),
                        column="commitment_id",
                        value=row["commitment_id"],
                        **_missing("cgip18_aims", aim),
                        other_column="aim_id",
                        other_value="",
                        rule="a 2018 output belongs to an aim of cgip18_aims.csv",
                    )
                )
                continue
            found += _differences(
                "commitments",
                commitments,
                index,
                "commitment_id",
                "cgip18_aims",
                aims,
                aim_rows[aim],
                "aim_id",
                [
                    ("theme", "section_title", "a 2018 output's theme is its aim's section title"),
                    ("ref", "ref", "a 2018 output's ref is its aim's printed number"),
                    ("owner", "lead", "a 2018 output's owner is its aim's lead"),
                ],
            )
    if "gap16_themes" in tables:
        themes = tables["gap16_themes"]
        by_id = pd.Series(commitments.index, index=commitments["commitment_id"])
        for index, theme in themes.iterrows():
            if theme["theme_id"] not in by_id.index:
                found.append(
                    Contradiction(
                        **_side("gap16_themes", themes, index, "theme_id"),
                        column="theme_id",
                        value=theme["theme_id"],
                        **_missing("commitments", theme["theme_id"]),
                        other_column="commitment_id",
                        other_value="",
                        rule="each 2016 theme is also the commitment of the same ID",
                    )
                )
                continue
            found += _differences(
                "gap16_themes",
                themes,
                index,
                "theme_id",
                "commitments",
                commitments,
                by_id[theme["theme_id"]],
                "commitment_id",
                [
                    ("theme", "theme", "the theme's commitment carries the theme's heading"),
                    (
                        "in_six_months",
                        "text",
                        "the theme's commitment is its 'In six months' time' paragraph",
                    ),
                    ("source", "source", "the theme and its commitment are read from one file"),
                    (
                        "in_six_months_line",
                        "source_line",
                        "the theme's commitment is read from its 'In six months' time' line",
                    ),
                ],
            )
    return found


def _check_snapshot_measures(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    snapshots, key = tables["snapshots"], tables["status_key"]
    found = []
    for index, snapshot in snapshots.iterrows():
        if snapshot["measure"] == "total" or snapshot["measure"] in set(key["status"]):
            continue
        found.append(
            Contradiction(
                **_side("snapshots", snapshots, index, "snapshot_id"),
                column="measure",
                value=snapshot["measure"],
                **_missing("status_key", snapshot["measure"]),
                other_column="status",
                other_value="",
                rule="a snapshot counts 'total' or a status named as in the report's key",
            )
        )
    return found


#: Each check: (name, tables it needs, function).
CHECKS: tuple[tuple[str, tuple[str, ...], Callable], ...] = (
    ("lineage_completions", ("lineage", "observations"), _check_lineage_completions),
    ("lineage_observations", ("lineage", "observations"), _check_lineage_observations),
    ("lineage_commitments", ("lineage", "commitments"), _check_lineage_commitments),
    ("lineage_references", ("lineage",), _check_lineage_references),
    ("update_markers", ("cgip18_updates", "observations"), _check_update_markers),
    ("observation_sequence", ("observations",), _check_observation_sequence),
    ("snapshot_claims", ("snapshots", "claims"), _check_snapshot_claims),
    ("snapshot_measures", ("snapshots", "status_key"), _check_snapshot_measures),
    ("observation_periods", ("observations",), _check_observation_periods),
    ("observation_ids", ("observations",), _check_observation_ids),
    ("plan_references", ("commitments",), _check_plan_references),
)


def find_contradictions(tables: dict[str, pd.DataFrame]) -> list[Contradiction]:
    """Return every place where two curated tables disagree about the same fact.

    Parameters
    ----------
    tables : dict of str to pandas.DataFrame
        Typed curated frames by table name (as :func:`kerslake_analysis.ingest.load.parse_table`
        or :func:`kerslake_analysis.ingest.load.load_all` return them: dates as datetime64,
        each frame indexed by record position). Checks whose tables are missing are
        skipped.

    Returns
    -------
    list of Contradiction
        Every contradiction found, by every check (empty when the tables agree).
    """
    found: list[Contradiction] = []
    for _, needed, check in CHECKS:
        if all(name in tables for name in needed):
            found += check(tables)
    return found
