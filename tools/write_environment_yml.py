"""Write environment.yml for conda users from pyproject.toml and requirements.lock.

Every dependency named in pyproject.toml (extras included) is listed with the exact
version pinned in requirements.lock, so pip/venv users and conda users get the same
packages. Run by ``make lock``; ``tests/test_environment.py`` checks the result.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared_names(pyproject: Path) -> list[str]:
    """Names of every dependency in pyproject.toml, extras included, normalised and sorted."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs.extend(extra)
    return sorted({_normalise(re.split(r"[<>=!~\[; ]", s, maxsplit=1)[0]) for s in specs})


def locked_versions(lock: Path) -> dict[str, str]:
    """Map of normalised package name to pinned version in requirements.lock."""
    pins = {}
    for line in lock.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins[_normalise(match.group(1))] = match.group(2)
    return pins


def render(pyproject: Path, lock: Path) -> str:
    """The text of environment.yml."""
    pins = locked_versions(lock)
    lines = [
        "# Generated from pyproject.toml and requirements.lock by `make lock`; do not edit.",
        "# conda env create -f environment.yml && conda activate kerslake-analysis",
        "name: kerslake-analysis",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
    ]
    lines += [f"  - {name}=={pins[name]}" for name in declared_names(pyproject)]
    lines += ["  - pip:", "      - -e ."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(
        render(ROOT / "pyproject.toml", ROOT / "requirements.lock"), encoding="utf-8"
    )
