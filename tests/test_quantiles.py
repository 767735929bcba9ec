"""Grouped quantiles (measure.quantiles) against numpy's, by histogram and by sorting."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kerslake_analysis.measure import quantiles
from kerslake_analysis.measure.quantiles import grouped_quantiles

QS = (0.0, 0.5, 0.9, 1.0)

rows = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 400)), max_size=40)


@pytest.mark.parametrize("cells", [quantiles.MAX_HISTOGRAM_CELLS, 1])
@settings(max_examples=60, deadline=None)
@given(pairs=rows)
def test_each_key_gets_numpys_linear_quantiles(cells, pairs):
    quantiles.MAX_HISTOGRAM_CELLS, saved = cells, quantiles.MAX_HISTOGRAM_CELLS
    try:
        key = np.array([k for k, _ in pairs], dtype=np.intp)
        values = np.array([v for _, v in pairs], dtype=np.int64)
        got = grouped_quantiles(key, values, 5, QS)
    finally:
        quantiles.MAX_HISTOGRAM_CELLS = saved
    for k in range(5):
        mine = values[key == k]
        if len(mine):
            np.testing.assert_allclose(got[k], np.quantile(mine, QS))
        else:
            assert np.isnan(got[k]).all()


def test_hand_worked_median_and_p90_by_both_paths(monkeypatch):
    # Slips 28, 61, 122: median 61; 90th percentile 61 + 0.8 * (122 - 61) = 109.8.
    values = np.array([122, 28, 61])
    expected = np.array([[61.0, 109.8]])
    np.testing.assert_allclose(grouped_quantiles(None, values, 1, (0.5, 0.9)), expected)
    monkeypatch.setattr(quantiles, "MAX_HISTOGRAM_CELLS", 1)
    np.testing.assert_allclose(grouped_quantiles(None, values, 1, (0.5, 0.9)), expected)
