"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest


@pytest.fixture
def failing_notebook(tmp_path: Path) -> Path:
    """A tiny report notebook that renders, except for period 2018-08 where cell 2 raises."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell(
        'plan: str = "cgip-2018"  # plan\nperiod: str = "2018-07"  # month'
    )
    params.metadata["tags"] = ["parameters"]
    params.id = "parameters"
    body = nbformat.v4.new_code_cell(
        "from IPython.display import HTML, display\n"
        "if period == '2018-08':\n"
        "    raise ValueError('the August register is broken')\n"
        "display(HTML(f'<p>report for {period}</p>'))"
    )
    body.id = "body"
    nb.cells = [params, body]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path = tmp_path / "fixture_report.ipynb"
    nbformat.write(nb, path)
    return path
