"""notebooks/exploratory/explore.ipynb runs top to bottom and shows a chart and the metrics."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from kerslake_analysis.base import paths

NOTEBOOK = paths.EXPLORATORY_NOTEBOOKS_DIR / "explore.ipynb"


@pytest.mark.slow
def test_explore_notebook_runs_and_shows_charts_and_tables(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=180, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs]
    assert not [out for out in outputs if out.output_type == "error"]
    assert sum("image/png" in out.get("data", {}) for out in outputs) >= 2
    tables = [out["data"]["text/html"] for out in outputs if "text/html" in out.get("data", {})]
    assert any("slippage_rate" in t for t in tables)
