"""Shared fixtures."""

from __future__ import annotations

import os
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


def example_data_folder(name: str) -> Path:
    """The folder of an example's data, or skip (fail under ``CI=true``) saying how to get it.

    The copy in ``../shared`` is used where it exists, else ``examples/<name>/data/``
    (see :func:`kerslake_analysis.ingest.example_data.locate`). Under ``CI=true`` the data must
    be there: a test that needs it fails, never skips.
    """
    from kerslake_analysis.ingest import example_data

    folder = example_data.locate(name)
    if folder is None:
        message = f"the {name} example data is absent: {example_data.how_to_get(name)}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and {message}", pytrace=False)
        pytest.skip(message)
    return folder


@pytest.fixture(scope="session")
def gmpp_dir() -> Path:
    """The GMPP annual data folder (tests using it are marked ``example_data``)."""
    return example_data_folder("gmpp")


@pytest.fixture(scope="session")
def srp_dir() -> Path:
    """The UK Structural Reform Plan scrapes of July-August 2012 (``uk-srp-2012``)."""
    return example_data_folder("uk-srp-2012")


@pytest.fixture(scope="session")
def nyc_dir() -> Path:
    """New York City's capital projects, one long file (``nyc-capital-projects``)."""
    return example_data_folder("nyc-capital-projects")


#: Fixtures that need third-party example data; their tests are marked ``example_data``.
EXAMPLE_DATA_FIXTURES = ("gmpp_dir", "srp_dir", "nyc_dir")


def pytest_collection_modifyitems(config, items):
    """Mark every test that uses an example-data fixture ``example_data``."""
    for item in items:
        if set(EXAMPLE_DATA_FIXTURES) & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.example_data)
