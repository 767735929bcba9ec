"""Group codes for the metrics: the breakdown columns of a status frame as integers.

The metrics count with ``np.bincount`` over one integer key per row (see
:mod:`kerslake_analysis.measure.metrics`). :func:`group_codes` turns the ``by`` columns
into that key: each column's values to codes (missing and empty as :data:`NONE_LABEL`),
``kerslake_refs`` expanded to one row per referenced recommendation, the columns
combined into one code, with the labels of every combination.

Examples
--------
>>> frame = pd.DataFrame({"theme": ["Finance", None, "Culture"]})
>>> rows, group, labels = group_codes(frame, by_columns(frame, "theme"))
>>> rows is None, group.tolist(), labels["theme"].tolist()
(True, [1, 2, 0], ['Culture', 'Finance', '(none)'])
>>> refs = pd.DataFrame({"kerslake_refs": ["KR-10; KR-2", ""]})
>>> rows, group, labels = group_codes(refs, ["kerslake_refs"])
>>> rows.tolist(), group.tolist(), labels["kerslake_ref"].tolist()
([0, 0, 1], [1, 0, 2], ['KR-2', 'KR-10', '(none)'])
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

#: The group of commitments whose ``by`` value is missing or empty.
NONE_LABEL = "(none)"
#: The column of semicolon-separated recommendations, and its label once expanded.
REFS_COLUMN, REF_LABEL = "kerslake_refs", "kerslake_ref"


def by_columns(frame: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    """The columns to break a status frame down by, checked.

    Parameters
    ----------
    frame : pandas.DataFrame
        A status frame.
    by : str or sequence of str or None
        One column, several, or None for no breakdown.

    Returns
    -------
    list of str
        The columns, in the order given.

    Raises
    ------
    ValueError
        If a column is not in the frame or is listed twice.
    """
    columns = [] if by is None else [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(
            f"status frame: no column(s) {missing} to break down by; has {list(frame.columns)}"
        )
    if len(set(columns)) != len(columns):
        raise ValueError(f"by lists a column twice: {columns}")
    return columns


def group_codes(
    frame: pd.DataFrame, columns: list[str]
) -> tuple[np.ndarray | None, np.ndarray, pd.DataFrame]:
    """Expanded rows, a group code per expanded row and the labels of every group.

    Parameters
    ----------
    frame : pandas.DataFrame
        A status frame.
    columns : list of str
        The columns to group by (from :func:`by_columns`); :data:`REFS_COLUMN` expands
        each row into one per referenced recommendation.

    Returns
    -------
    rows : numpy.ndarray or None
        The frame row of each expanded row; None when rows are not expanded.
    group : numpy.ndarray or None
        The group code of each (expanded) row; None when there are no columns (one
        group).
    labels : pandas.DataFrame
        One row per group code: every combination of the columns' labels, in code
        order (``kerslake_refs`` is labelled :data:`REF_LABEL`).
    """
    if not columns:
        return None, None, pd.DataFrame(index=range(1))
    rows = None
    codes_by_column, labels_by_column = [], []
    for name in columns:
        if name == REFS_COLUMN:
            rows, codes, labels = explode_refs(frame[name])
        else:
            codes, labels = code_column(frame[name])
        codes_by_column.append((name, codes))
        labels_by_column.append(labels)
    group = None
    for (name, codes), labels in zip(codes_by_column, labels_by_column, strict=True):
        if rows is not None and name != REFS_COLUMN:
            codes = codes[rows]
        group = codes if group is None else group * len(labels) + codes
    names = [REF_LABEL if c == REFS_COLUMN else c for c in columns]
    product = list(itertools.product(*labels_by_column))
    return rows, group, pd.DataFrame(product, columns=names)


def code_column(values: pd.Series) -> tuple[np.ndarray, list]:
    """Codes and labels of one column; missing and empty values are :data:`NONE_LABEL`.

    Parameters
    ----------
    values : pandas.Series
        The column.

    Returns
    -------
    codes : numpy.ndarray
        The label index of each value.
    labels : list
        The column's categories (categorical) or sorted values, then :data:`NONE_LABEL`.
    """
    if isinstance(values.dtype, pd.CategoricalDtype):
        categories = list(values.cat.categories)
        codes = values.cat.codes.to_numpy()
    else:
        codes, uniques = pd.factorize(values, sort=True)
        categories = list(uniques)
    named = [NONE_LABEL if _is_blank(c) else c for c in categories] + [NONE_LABEL]
    labels = [c for c in dict.fromkeys(named) if c != NONE_LABEL] + [NONE_LABEL]
    position = {label: i for i, label in enumerate(labels)}
    remap = np.array([position[c] for c in named], dtype=np.intp)
    return remap[codes], labels  # code -1 (missing) takes the last entry: NONE_LABEL


def explode_refs(values: pd.Series) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """One expanded row per (commitment, referenced recommendation).

    Parameters
    ----------
    values : pandas.Series
        ``kerslake_refs``: recommendations separated by ``;`` (blank: :data:`NONE_LABEL`).

    Returns
    -------
    rows : numpy.ndarray
        The frame row of each expanded row.
    codes : numpy.ndarray
        The label index of each expanded row.
    labels : list of str
        The recommendations in :func:`recommendation_order`.
    """
    categorical = (
        values.array if isinstance(values.dtype, pd.CategoricalDtype) else pd.Categorical(values)
    )
    parts = [
        [p.strip() for p in str(c).split(";") if p.strip()] or [NONE_LABEL]
        for c in categorical.categories
    ] + [[NONE_LABEL]]
    labels = sorted({p for ps in parts for p in ps}, key=recommendation_order)
    position = {label: i for i, label in enumerate(labels)}
    lengths = np.array([len(ps) for ps in parts], dtype=np.intp)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    flat = np.array([position[p] for ps in parts for p in ps], dtype=np.intp)
    codes = np.asarray(categorical.codes, dtype=np.intp)  # -1 -> last entry (none)
    per_row = lengths[codes]
    rows = np.repeat(np.arange(len(codes)), per_row)
    within = np.arange(len(rows)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, flat[offsets[codes][rows] + within], labels


def recommendation_order(label: str) -> tuple:
    """Sort key: KR-1, KR-2, …, KR-10, KR-11 in number order, sub-parts after; others after.

    Parameters
    ----------
    label : str
        A recommendation, e.g. ``"KR-10"`` or ``"KR-3b"``.

    Returns
    -------
    tuple
        The sort key; :data:`NONE_LABEL` sorts last.

    Examples
    --------
    >>> sorted(["KR-10", "(none)", "KR-2", "KR-2a", "Other"], key=recommendation_order)
    ['KR-2', 'KR-2a', 'KR-10', 'Other', '(none)']
    """
    match = re.fullmatch(r"KR-(\d+)([a-z]?)", label)
    if match:
        return (0, int(match.group(1)), match.group(2), "")
    return (1 if label != NONE_LABEL else 2, 0, "", label)


def _is_blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip()
