"""`kerslake audit` (--strict, --rebuild) and `kerslake lineage` from the command line."""

from __future__ import annotations

import json

import pytest

from kerslake_analysis import cli


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every embedded report, the lineage page and the audit, as `make report` renders them."""
    root = tmp_path_factory.mktemp("reports")
    assert cli.main(["report", "--all", "--out", str(root), "--quiet"]) == 0
    assert cli.main(["lineage", "--out", str(root / "lineage")]) == 0
    assert cli.main(["audit", "--out", str(root / "audit")]) == 0
    return root


def test_index_links_the_audit_and_lineage_pages(rendered):
    index = (rendered / "index.html").read_text(encoding="utf-8")
    assert 'href="audit/audit.html"' in index
    assert 'href="lineage/lineage.html"' in index


def test_strict_audit_fails_on_the_known_inconsistencies(rendered, capsys):
    # The December 2015 report says 80 councillors attended (line 67) and 82 (line 237):
    # at least one inconsistent finding, so --strict must exit 1.
    findings = json.loads((rendered / "audit" / "findings.json").read_text(encoding="utf-8"))
    assert any(f["status"] == "inconsistent" for f in findings)
    assert cli.main(["audit", "--strict", "--out", str(rendered / "audit")]) == 1


def test_rebuild_lists_a_changed_figure_and_nothing_else(rendered, capsys):
    figures = rendered / "cgip-2018" / "2018-09" / "figures.json"
    data = json.loads(figures.read_text(encoding="utf-8"))
    data["headline"]["complete"] += 1  # a figure that no longer matches a fresh render
    figures.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    status = cli.main(["audit", "--rebuild", "--out", str(rendered / "audit")])
    out = capsys.readouterr().out
    assert status == 1
    differs = [line for line in out.splitlines() if line.startswith("  differs:")]
    assert len(differs) == 1, differs
    assert "cgip-2018/2018-09/figures.json" in differs[0] and "headline.complete" in differs[0]


def test_manifest_records_parameters_inputs_and_outputs(rendered):
    from kerslake_analysis.base import paths
    from kerslake_analysis.base.run_info import sha256_file

    manifest = json.loads((rendered / "manifest.json").read_text(encoding="utf-8"))
    assert [(r["plan"], r["period"]) for r in manifest["reports"]] == [
        ("ap-2015", "2015-12"),
        ("ap-2015", "2016-03"),
        ("cgip-2018", "2018-07"),
        ("cgip-2018", "2018-08"),
        ("cgip-2018", "2018-09"),
    ]
    assert manifest["reports"][0]["parameters"] == {"plan": "ap-2015", "period": "2015-12"}
    # The raw documents' checksums agree with the published SHA256SUMS.
    sums = dict(
        reversed(line.split()) for line in (paths.RAW_DIR / "SHA256SUMS").read_text().splitlines()
    )
    for name, digest in sums.items():
        assert manifest["inputs"][f"data/raw/{name}"] == digest
    page = rendered / "cgip-2018" / "2018-09" / "report.html"
    assert manifest["reports"][-1]["html_sha256"] == sha256_file(page)
