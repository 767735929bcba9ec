"""The five raw documents are exactly the published files recorded in data/raw/SHA256SUMS."""

from __future__ import annotations

import hashlib

import pytest

from kerslake_analysis.base import paths

CHECKSUMS = paths.RAW_DIR / "SHA256SUMS"


def _recorded() -> dict[str, str]:
    """File name -> SHA-256 as written by ``sha256sum *.txt > SHA256SUMS``."""
    recorded = {}
    for line in CHECKSUMS.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        recorded[name.lstrip("*")] = digest
    return recorded


def test_checksums_cover_exactly_the_five_documents():
    assert sorted(_recorded()) == sorted(paths.SOURCE_FILES.values())
    assert sorted(p.name for p in paths.RAW_DIR.glob("*.txt")) == sorted(_recorded())


@pytest.mark.parametrize("name", sorted(paths.SOURCE_FILES.values()))
def test_raw_document_matches_its_checksum(name):
    digest = hashlib.sha256((paths.RAW_DIR / name).read_bytes()).hexdigest()
    assert digest == _recorded()[name], f"{name} differs from the published file"
