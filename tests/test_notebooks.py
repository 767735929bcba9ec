"""Notebooks are committed clean: no outputs, no execution counts, no execution metadata."""

import json

import pytest

from kerslake_analysis.base import paths

NOTEBOOKS = sorted([*paths.NOTEBOOKS_DIR.rglob("*.ipynb"), *paths.TEMPLATES_DIR.glob("*.ipynb")])


def test_there_are_notebooks_to_check():
    assert paths.PERIOD_REPORT_NOTEBOOK in NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(paths.PROJ_ROOT).as_posix())
def test_notebook_is_committed_without_outputs_or_execution_metadata(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert "papermill" not in nb["metadata"]
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"cell {cell.get('id')} has outputs"
            assert cell["execution_count"] is None, f"cell {cell.get('id')} has an execution count"
        assert "execution" not in cell["metadata"], f"cell {cell.get('id')} has execution metadata"
        assert "papermill" not in cell["metadata"]


def test_period_report_has_one_parameters_cell_of_typed_literals():
    nb = json.loads(paths.PERIOD_REPORT_NOTEBOOK.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    lines = [ln for ln in "".join(tagged[0]["source"]).splitlines() if ln.strip()]
    names = [ln.split(":")[0] for ln in lines]
    assert names == ["plan", "period", "curated_dir", "register", "mapping", "output_dir"]
    for line in lines:  # `name: type = literal  # comment`
        assert ": str = " in line and "  # " in line, line
