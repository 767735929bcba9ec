"""notebooks/exploratory/sources.ipynb runs top to bottom on the committed curated tables."""

from __future__ import annotations

import nbformat
import pytest
from nbclient import NotebookClient

from kerslake_analysis.base import paths

NOTEBOOK = paths.EXPLORATORY_NOTEBOOKS_DIR / "sources.ipynb"


@pytest.mark.slow
def test_sources_notebook_shows_every_document(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    cells_showing_tables = [
        cell
        for cell in nb.cells
        if cell.cell_type == "code"
        and any(
            "### `" in str(out.get("data", {}).get("text/markdown", "")) for out in cell.outputs
        )
    ]
    # one cell per source document, and each shows at least one of its tables
    assert len(cells_showing_tables) == len(paths.SOURCE_FILES)
    # the committed file itself stays clean
    assert NOTEBOOK.read_text(encoding="utf-8").count('"outputs": []') == sum(
        cell.cell_type == "code" for cell in nb.cells
    )
