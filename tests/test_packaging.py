"""The package stands on its own: package data, version, extras, and no checkout.

Building the wheel and installing it into a fresh virtual environment takes minutes
and needs the package index, so ``.ci/run`` does that (step 3), not the tests.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib

import pytest

from kerslake_analysis import cli
from kerslake_analysis.base import paths, run_info

PYPROJECT = tomllib.loads((paths.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_option_prints_the_version_of_pyproject(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"kerslake {PYPROJECT['project']['version']}\n"


@pytest.mark.parametrize(
    "name",
    [
        "period_report.ipynb",
        "audit.ipynb",
        "lineage.ipynb",
        "report.css",
        "page.html.j2",
        "index.html.j2",
        "overview.html.j2",
        "_macros.html.j2",
    ],
)
def test_templates_are_package_data_inside_the_package(name):
    path = paths.TEMPLATES_DIR / name
    assert path.is_file()
    assert path.parent.parent == paths.PACKAGE_DIR / "report"
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["kerslake_analysis.report"]
    assert f"templates/*{path.suffix}" in globs


def test_the_example_data_list_is_package_data():
    assert paths.EXAMPLE_DATA_LIST.parent == paths.PACKAGE_DIR / "ingest"
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["kerslake_analysis.ingest"]
    assert paths.EXAMPLE_DATA_LIST.name in globs


def test_only_some_users_need_dask_and_scikit_learn():
    project = PYPROJECT["project"]
    names = " ".join(project["dependencies"])
    assert "dask" not in names and "scikit-learn" not in names
    assert project["optional-dependencies"]["distributed"] == ["dask[distributed]>=2024.8"]
    assert project["optional-dependencies"]["lineage"] == ["scikit-learn>=1.5"]


@pytest.fixture
def installed(monkeypatch, tmp_path):
    """As when installed from a wheel: no checkout, run from an empty folder."""
    monkeypatch.setattr(paths, "CHECKOUT", None)
    monkeypatch.setattr(paths, "CURATED_DIR", tmp_path / "data" / "curated")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--all"],
        ["report", "--plan", "cgip-2018", "--period", "2018-09"],
        ["periods"],
        ["audit"],
        ["lineage"],
        ["email", "--plan", "cgip-2018", "--period", "2018-09"],
    ],
    ids=" ".join,
)
def test_without_a_checkout_birmingham_commands_refuse_in_one_line(installed, capsys, argv):
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"kerslake {argv[0]}" in err
    assert "needs the Birmingham data of a kerslake-analysis checkout" in err
    assert "--register FOLDER --mapping MAP.toml" in err
    assert list(installed.iterdir()) == []  # nothing written


def test_without_a_checkout_no_git_commit_is_claimed(installed):
    # The folder a command runs in may be another git repository: not this package's.
    assert run_info.git_commit() == "unknown"


def test_missing_scikit_learn_names_the_extra(monkeypatch):
    import pandas as pd

    from kerslake_analysis.measure import lineage_candidates

    # None in sys.modules makes an import raise ImportError; submodules imported by
    # earlier tests are cached under their own names, so hide those too.
    for name in [m for m in sys.modules if m == "sklearn" or m.startswith("sklearn.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(ImportError, match=r"kerslake-analysis\[lineage\]"):
        lineage_candidates.candidate_pairs(
            pd.DataFrame(columns=list(lineage_candidates.TEXT_COLUMNS))
        )


def test_missing_distributed_names_the_extra(monkeypatch, capsys):
    for name in [m for m in sys.modules if m == "distributed" or m.startswith("distributed.")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises
    argv = ["report", "--plan", "cgip-2018", "--period", "2018-09", "--quiet"]
    code = cli.main([*argv, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "pip install 'kerslake-analysis[distributed]'" in capsys.readouterr().err


def test_a_copy_of_the_package_outside_a_checkout_finds_its_templates_and_no_checkout(
    tmp_path,
):
    # As installed in site-packages: the package folder alone, run from another folder.
    site = tmp_path / "site-packages"
    shutil.copytree(paths.PACKAGE_DIR, site / "kerslake_analysis")
    work = tmp_path / "work"
    work.mkdir()
    code = (
        "import json; from kerslake_analysis.base import paths; print(json.dumps({"
        "'checkout': str(paths.CHECKOUT), 'shared': str(paths.SHARED_DIR), "
        "'notebook': str(paths.PERIOD_REPORT_NOTEBOOK), 'reports': str(paths.REPORTS_DIR), "
        "'fetched': str(paths.fetched_example_dir('gmpp')), "
        "'candidates': [str(p) for p in paths.example_data_candidates('gmpp', 'external/gmpp')]"
        "}))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=work, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["checkout"] == "None" and found["shared"] == "None"
    assert found["notebook"] == str(
        site / "kerslake_analysis" / "report" / "templates" / "period_report.ipynb"
    )
    assert found["reports"] == "reports"  # relative: under the folder the command runs in
    assert found["candidates"] == [found["fetched"]] == ["examples/gmpp/data"]


def test_the_e_mail_template_is_package_data_of_deliver():
    from kerslake_analysis.deliver import email_body

    path = paths.PACKAGE_DIR / "deliver" / "templates" / email_body.HTML_TEMPLATE
    assert path.is_file()
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["kerslake_analysis.deliver"]
    assert f"templates/*{path.suffix}" in globs
    # The loader finds it through the package, as it does when installed from a wheel.
    source, filename, _ = email_body.environment().loader.get_source(
        email_body.environment(), email_body.HTML_TEMPLATE
    )
    assert filename == str(path) and "{{ title }}" in source
