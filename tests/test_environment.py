"""pip/venv users and conda users must get the same dependencies at the same versions."""

import re
import tomllib

import pytest

from kerslake_analysis.base import paths


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject_names() -> set[str]:
    project = tomllib.loads((paths.PROJ_ROOT / "pyproject.toml").read_text())["project"]
    specs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        specs += extra
    return {_norm(re.match(r"[A-Za-z0-9._-]+", s).group(0)) for s in specs}


def _lock_pins() -> dict[str, str]:
    text = (paths.PROJ_ROOT / "requirements.lock").read_text()
    return {_norm(n): v for n, v in re.findall(r"(?m)^([A-Za-z0-9._-]+)==(\S+)", text)}


def _conda_pins() -> dict[str, str]:
    text = (paths.PROJ_ROOT / "environment.yml").read_text()
    return {_norm(n): v for n, v in re.findall(r"(?m)^  - ([A-Za-z0-9._-]+)==(\S+)$", text)}


def test_environment_yml_lists_exactly_the_pyproject_dependencies():
    assert set(_conda_pins()) == _pyproject_names()


def test_environment_yml_pins_the_locked_versions():
    lock, conda = _lock_pins(), _conda_pins()
    mismatched = {n: (v, lock.get(n)) for n, v in conda.items() if lock.get(n) != v}
    assert not mismatched, f"environment.yml vs requirements.lock: {mismatched}"


def test_lock_pins_every_declared_dependency():
    missing = _pyproject_names() - set(_lock_pins())
    assert not missing, f"declared in pyproject.toml but not pinned: {sorted(missing)}"


@pytest.mark.parametrize("line", ["  - python=3.11", "  - pip", "      - -e ."])
def test_environment_yml_installs_python_and_the_package(line):
    assert line in (paths.PROJ_ROOT / "environment.yml").read_text().splitlines()
