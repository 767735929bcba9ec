"""Quantiles of whole numbers within groups, in one pass over the rows.

The metrics' slip medians and 90th percentiles (:func:`grouped_quantiles`) for every
(period, group) key at once: a (key, value) histogram when that is small, otherwise one
sort. Quantiles interpolate linearly, as numpy's default does.

Examples
--------
>>> key = np.array([0, 0, 0, 1])
>>> days = np.array([10, 20, 40, 5])
>>> grouped_quantiles(key, days, 3, (0.5, 0.9))
array([[20., 36.],
       [ 5.,  5.],
       [nan, nan]])
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Above this many cells a per-key histogram of the values is not built (sort instead).
MAX_HISTOGRAM_CELLS = 20_000_000


def grouped_quantiles(
    key: np.ndarray | None, values: np.ndarray, n_keys: int, quantiles: Sequence[float]
) -> np.ndarray:
    """Linear-interpolation quantiles of non-negative integer ``values`` per key.

    Parameters
    ----------
    key : numpy.ndarray or None
        Key 0..n_keys-1 of each value; None when every value has key 0.
    values : numpy.ndarray
        Non-negative integers (e.g. days of slip), one per row.
    n_keys : int
        Number of keys.
    quantiles : sequence of float
        The quantiles wanted, each in [0, 1].

    Returns
    -------
    numpy.ndarray
        An (n_keys, len(quantiles)) array, NaN for keys without values. Uses a
        (key, value) histogram when that is at most :data:`MAX_HISTOGRAM_CELLS` cells,
        otherwise sorts.
    """
    out = np.full((n_keys, len(quantiles)), np.nan)
    if len(values) == 0:
        return out
    key = np.zeros(len(values), dtype=np.intp) if key is None else key
    counts = np.bincount(key, minlength=n_keys)
    filled = counts > 0
    n = counts[filled]
    n_values = int(values.max()) + 1
    if n_keys * n_values <= MAX_HISTOGRAM_CELLS:
        histogram = np.bincount(key * n_values + values, minlength=n_keys * n_values)
        cumulative = np.cumsum(histogram.reshape(n_keys, n_values), axis=1)[filled]

        def value_at(rank: np.ndarray) -> np.ndarray:
            # The value of 0-based rank r is the number of values whose cumulative count <= r.
            return (cumulative <= rank[:, None]).sum(axis=1)
    else:
        ordered = values[np.lexsort((values, key))]
        starts = (np.cumsum(counts) - counts)[filled]

        def value_at(rank: np.ndarray) -> np.ndarray:
            return ordered[starts + rank.astype(np.intp)]

    for j, q in enumerate(quantiles):
        position = q * (n - 1)
        low = np.floor(position)
        high = np.minimum(low + 1, n - 1)
        value_low, value_high = value_at(low), value_at(high)
        out[filled, j] = value_low + (position - low) * (value_high - value_low)
    return out
