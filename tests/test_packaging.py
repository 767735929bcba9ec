"""The package stands on its own: package data, version, extras, and no checkout.

Building the wheel and installing it into a fresh virtual environment takes minutes
and needs the package index, so ``.ci/run`` does that (step 3), not the tests.
"""

from __future__ import annotations

import tomllib

import pytest

from kerslake_analysis import cli, paths, run_info

PYPROJECT = tomllib.loads((paths.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_version_option_prints_the_version_of_pyproject(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out == f"kerslake {PYPROJECT['project']['version']}\n"


@pytest.mark.parametrize(
    "name", ["period_report.ipynb", "audit.ipynb", "lineage.ipynb", "report.css"]
)
def test_templates_are_package_data_inside_the_package(name):
    path = paths.TEMPLATES_DIR / name
    assert path.is_file()
    assert path.parent.parent == paths.PACKAGE_DIR
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["kerslake_analysis"]
    assert f"templates/*{path.suffix}" in globs


def test_the_example_data_list_is_package_data():
    assert paths.EXAMPLE_DATA_LIST.parent == paths.PACKAGE_DIR
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["kerslake_analysis"]
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
    import sys

    import pandas as pd

    from kerslake_analysis import lineage_candidates

    monkeypatch.setitem(sys.modules, "sklearn", None)  # import sklearn raises ImportError
    with pytest.raises(ImportError, match=r"kerslake-analysis\[lineage\]"):
        lineage_candidates.candidate_pairs(
            pd.DataFrame(columns=list(lineage_candidates.TEXT_COLUMNS))
        )


def test_missing_distributed_names_the_extra(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises
    argv = ["report", "--plan", "cgip-2018", "--period", "2018-09", "--quiet"]
    code = cli.main([*argv, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1"])
    assert code == 2
    assert "pip install 'kerslake-analysis[distributed]'" in capsys.readouterr().err
