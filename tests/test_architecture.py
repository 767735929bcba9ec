"""The layer rule of docs/architecture.md, checked with import-linter.

The contracts are in pyproject.toml (``[tool.importlinter]``): a stage imports only
from the stages before it and from the base, and no package's modules import each
other in a circle. import-linter reads every import, also those inside functions.
"""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import pytest

import kerslake_analysis

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    return {c["id"]: c for c in config["contracts"]}


def test_every_module_of_the_package_sits_in_a_layer():
    layers = set(_contracts()["pipeline-layers"]["layers"])
    top = {f"kerslake_analysis.{m.name}" for m in pkgutil.iter_modules(kerslake_analysis.__path__)}
    assert top == layers


@pytest.mark.parametrize("contract", ["pipeline-layers", "no-import-circles"])
def test_imports_keep_the_contract(contract, capsys):
    from importlinter.cli import lint_imports

    status = lint_imports(
        config_filename=str(PYPROJECT),
        limit_to_contracts=(contract,),
        no_cache=True,
        no_logo=True,
    )
    assert status == 0, capsys.readouterr().out
