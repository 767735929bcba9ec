"""Report content for the Government Major Projects Portfolio (GMPP) register.

The GMPP annual data (third-party, not in the repository: read from
``../shared/external/gmpp/`` or fetched by ``kerslake examples fetch gmpp``; see
:mod:`kerslake_analysis.ingest.example_data`; mapped by
``examples/gmpp/mapping.toml``) rate each project's delivery confidence and give its
start and end dates. They say nothing about whether a project is complete, so the
register's states are all ``unknown``; what the data can show is:

* :func:`rating_distribution` — per snapshot, how many projects had each delivery
  confidence rating, Green … Red, then Reset, Exempt (Freedom of Information),
  Not rated and Missing;
* :func:`end_date_slippage` — for each pair of consecutive snapshots, the projects in
  both and how far each one's end date moved; :func:`end_date_slippage_summary`
  counts them per pair.

**Linking projects between snapshots.** A project in snapshot *k* is the same project
in snapshot *k+1* when their IDs are equal ignoring case (the IDs are project numbers
from the 2020 file on, ``DfT_0022_1415-Q4`` = ``DFT_0022_1415-Q4``, and project names
before). Projects left unlinked on both sides are then linked by name (ignoring case
and spacing) when that name occurs once in each snapshot: this links the 2019 file
(names only) to the 2020 file (numbers), and projects whose department code changed
(``DH_0063_1819-Q3`` → ``DOH_0063_1819-Q3``). A renamed project without a project number
(before 2020) cannot be linked; ``linked_by`` says which rule linked each pair.

Examples
--------
>>> commitments = pd.DataFrame({"commitment_id": ["A", "B"]})
>>> observations = pd.DataFrame({
...     "commitment_id": ["A", "B", "a", "C"],
...     "period": ["2018-09", "2018-09", "2019-09", "2019-09"],
...     "name": ["Alpha", "Beta", "Alpha", "Beta"],
...     "due_end": pd.to_datetime(["2020-01-31", "2021-06-30", "2020-03-31", "2021-06-30"]),
... })
>>> slips = link_snapshots(observations)
>>> slips[["id_from", "id_to", "linked_by", "slip_days"]]
  id_from id_to linked_by  slip_days
0       A     a        id         60
1       B     C      name          0
"""

from __future__ import annotations

import pandas as pd

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import example_data
from kerslake_analysis.ingest.register import Register, load_register
from kerslake_analysis.ingest.register.mapping import normalise_key

#: The mapping of the GMPP data onto the register model.
GMPP_MAPPING = paths.GMPP_MAPPING

#: Columns of :func:`end_date_slippage`.
SLIPPAGE_COLUMNS: tuple[str, ...] = (
    "period_from",
    "period_to",
    "id_from",
    "id_to",
    "name_from",
    "name_to",
    "linked_by",
    "end_from",
    "end_to",
    "slip_days",
    "direction",
)


def load_gmpp(folder=None, mapping=None) -> Register:
    """Load the GMPP annual data as a register.

    Parameters
    ----------
    folder : pathlib.Path, optional
        The folder of ``uk_<year>.csv`` files; defaults to the one
        :func:`kerslake_analysis.ingest.example_data.require` finds.
    mapping : pathlib.Path, optional
        The mapping; defaults to :data:`GMPP_MAPPING`.

    Returns
    -------
    Register

    Raises
    ------
    kerslake_analysis.ingest.register.RegisterError
        If a file does not match the mapping.
    kerslake_analysis.ingest.example_data.ExampleDataError
        If no folder is given and the example data is not here.
    """
    return load_register(folder or example_data.require("gmpp"), mapping or GMPP_MAPPING)


def rating_distribution(register: Register) -> pd.DataFrame:
    """Count the projects of each snapshot by rating.

    Parameters
    ----------
    register : Register
        A register whose mapping has a ``[rating]`` table.

    Returns
    -------
    pandas.DataFrame
        One row per snapshot period and rating category (every category, zero counts
        included), in period then rating order: ``period``, ``observed_on``, ``rating``
        (ordered categorical: the scale best first, then the other categories, then
        Missing), ``projects``, ``share`` (of the snapshot's projects) and, per rating
        column (e.g. ``ipa``, ``sro``), ``given_by_<name>``: how many of the projects
        took their rating from that column.

    Raises
    ------
    ValueError
        If the register has no ratings.
    """
    if register.mapping.rating is None:
        raise ValueError(f"register {register.name!r} has no [rating] in its mapping")
    observations = register.observations
    dtype = observations["rating"].dtype
    periods = register.files[["period", "observed_on"]]
    grid = pd.MultiIndex.from_product(
        [periods["period"], dtype.categories], names=["period", "rating"]
    )
    counts = observations.groupby(["period", "rating"], observed=False).size()
    frame = counts.reindex(grid, fill_value=0).rename("projects").reset_index()
    for name in register.mapping.rating_names():
        given = observations[observations["rating_by"] == name]
        by = given.groupby(["period", "rating"], observed=False).size().reindex(grid, fill_value=0)
        frame[f"given_by_{name}"] = by.to_numpy().astype("int64")
    frame["rating"] = frame["rating"].astype(dtype)
    totals = frame.groupby("period")["projects"].transform("sum")
    frame.insert(3, "share", frame["projects"] / totals)
    frame["projects"] = frame["projects"].astype("int64")
    frame = frame.merge(periods, on="period")
    ordered = ["period", "observed_on", "rating", "projects", "share"]
    return frame[ordered + [c for c in frame.columns if c not in ordered]]


def end_date_slippage(register: Register) -> pd.DataFrame:
    """Link projects between consecutive snapshots and measure how their end dates moved.

    Parameters
    ----------
    register : Register
        A register with ``due_end`` per observation and, for linking by name, a
        ``name`` column (the GMPP mapping's ``[extra] name``).

    Returns
    -------
    pandas.DataFrame
        One row per project present in two consecutive snapshots
        (:data:`SLIPPAGE_COLUMNS`): the IDs and names on each side, ``linked_by``
        (``"id"`` or ``"name"``), the end dates ``end_from`` and ``end_to``,
        ``slip_days`` (``end_to - end_from``; missing when either date is) and
        ``direction`` (``later``, ``earlier``, ``unchanged`` or ``unknown``).
    """
    return link_snapshots(register.observations, register.periods)


def end_date_slippage_summary(register: Register) -> pd.DataFrame:
    """Summarise :func:`end_date_slippage` per pair of consecutive snapshots.

    Parameters
    ----------
    register : Register

    Returns
    -------
    pandas.DataFrame
        One row per pair: ``period_from``, ``period_to``, ``months_between``,
        ``projects_from``, ``projects_to``, ``linked``, ``linked_by_id``,
        ``linked_by_name``, ``with_both_end_dates``, ``moved_later``,
        ``moved_earlier``, ``unchanged``, ``median_slip_days`` (over the projects with
        both end dates, unchanged ones included; missing when there are none) and
        ``median_slip_days_later`` (over those that moved later).
    """
    slips = end_date_slippage(register)
    sizes = register.files.set_index("period")["records"]
    periods = register.periods
    rows = []
    for period_from, period_to in zip(periods, periods[1:], strict=False):
        pair = slips[(slips["period_from"] == period_from) & (slips["period_to"] == period_to)]
        known = pair["slip_days"].dropna()
        later = known[known > 0]
        rows.append(
            {
                "period_from": period_from,
                "period_to": period_to,
                "months_between": _months(period_from, period_to),
                "projects_from": int(sizes[period_from]),
                "projects_to": int(sizes[period_to]),
                "linked": len(pair),
                "linked_by_id": int((pair["linked_by"] == "id").sum()),
                "linked_by_name": int((pair["linked_by"] == "name").sum()),
                "with_both_end_dates": len(known),
                "moved_later": int((known > 0).sum()),
                "moved_earlier": int((known < 0).sum()),
                "unchanged": int((known == 0).sum()),
                "median_slip_days": known.median() if len(known) else float("nan"),
                "median_slip_days_later": later.median() if len(later) else float("nan"),
            }
        )
    return pd.DataFrame(rows)


def link_snapshots(observations: pd.DataFrame, periods: list[str] | None = None) -> pd.DataFrame:
    """Link the records of consecutive periods by ID, then by unique name.

    Parameters
    ----------
    observations : pandas.DataFrame
        With ``commitment_id``, ``period``, ``due_end`` and optionally ``name``.
    periods : list of str, optional
        The periods in order; defaults to the sorted distinct periods.

    Returns
    -------
    pandas.DataFrame
        See :func:`end_date_slippage`.
    """
    periods = periods or sorted(observations["period"].unique())
    has_name = "name" in observations.columns
    frames = []
    for period_from, period_to in zip(periods, periods[1:], strict=False):
        a = _side(observations, period_from, has_name)
        b = _side(observations, period_to, has_name)
        by_id = _unique(a, "id_key").merge(
            _unique(b, "id_key"), on="id_key", suffixes=("_from", "_to")
        )
        by_id["linked_by"] = "id"
        rest_a = a[~a["id_key"].isin(by_id["id_key"])]
        rest_b = b[~b["id_key"].isin(by_id["id_key"])]
        by_name = _link_by_name(rest_a, rest_b) if has_name else by_id.iloc[0:0]
        pair = pd.concat([by_id, by_name], ignore_index=True)
        pair["period_from"], pair["period_to"] = period_from, period_to
        frames.append(pair)
    if not frames:
        return pd.DataFrame(columns=list(SLIPPAGE_COLUMNS))
    links = pd.concat(frames, ignore_index=True)
    links = links.rename(
        columns={
            "commitment_id_from": "id_from",
            "commitment_id_to": "id_to",
            "due_end_from": "end_from",
            "due_end_to": "end_to",
        }
    )
    if not has_name:
        links["name_from"], links["name_to"] = "", ""
    slip = (links["end_to"] - links["end_from"]).dt.days
    links["slip_days"] = slip.astype("Int64")
    links["direction"] = "unknown"
    links.loc[slip > 0, "direction"] = "later"
    links.loc[slip < 0, "direction"] = "earlier"
    links.loc[slip == 0, "direction"] = "unchanged"
    return links[list(SLIPPAGE_COLUMNS)].reset_index(drop=True)


def _side(observations: pd.DataFrame, period: str, has_name: bool) -> pd.DataFrame:
    side = observations.loc[observations["period"] == period]
    columns = ["commitment_id", "due_end"] + (["name"] if has_name else [])
    side = side[columns].copy()
    side["id_key"] = side["commitment_id"].map(normalise_key)
    if has_name:
        side["name_key"] = side["name"].map(normalise_key)
    return side


def _link_by_name(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """Link rows whose name occurs exactly once on each side (and is not empty)."""
    linked = (
        _unique(a, "name_key")
        .drop(columns="id_key")
        .merge(
            _unique(b, "name_key").drop(columns="id_key"), on="name_key", suffixes=("_from", "_to")
        )
    )
    linked["linked_by"] = "name"
    return linked


def _unique(side: pd.DataFrame, key: str) -> pd.DataFrame:
    """The rows whose ``key`` is not empty and occurs once on this side."""
    return side[(side[key] != "") & ~side[key].duplicated(keep=False)]


def _months(period_from: str, period_to: str) -> int:
    year_from, month_from = map(int, period_from.split("-"))
    year_to, month_to = map(int, period_to.split("-"))
    return (year_to - year_from) * 12 + month_to - month_from


__all__ = [
    "GMPP_MAPPING",
    "end_date_slippage",
    "end_date_slippage_summary",
    "link_snapshots",
    "load_gmpp",
    "rating_distribution",
]
