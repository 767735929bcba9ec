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


def _soup(path):
    from bs4 import BeautifulSoup

    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _table(soup, caption_start):
    for table in soup.find_all("table"):
        if table.caption and table.caption.get_text().startswith(caption_start):
            return table
    raise AssertionError(f"no table captioned {caption_start!r}")


def _rows(table):
    return {
        tr.find("th").get_text(" ", strip=True): [
            td.get_text(" ", strip=True) for td in tr.find_all("td")
        ]
        for tr in table.tbody.find_all("tr")
    }


def _assert_self_contained(page):
    import re

    text = page.read_text(encoding="utf-8")
    soup = _soup(page)
    assert "<script" not in text.lower() and not soup.find("link")
    assert soup.html["lang"] == "en-GB" and len(soup.find_all("h1")) == 1
    for element in soup.find_all(src=True):
        assert element["src"].startswith("data:image/png;base64,"), element
        assert element.get("alt"), element
    for link in soup.find_all("a"):
        assert not re.match(r"[a-z]+:", link["href"]), link["href"]  # nothing external
        assert (page.parent / link["href"]).is_file(), link["href"]
    for table in soup.find_all("table"):
        assert table.caption is not None and all(th.get("scope") for th in table.find_all("th"))


PLAN_MONTHS = {"ap-2015": ["2015-12", "2016-03"], "cgip-2018": ["2018-07", "2018-08", "2018-09"]}


def _figures(rendered, plan, month):
    return json.loads((rendered / plan / month / "figures.json").read_text(encoding="utf-8"))


def test_overview_of_each_plan_shows_each_period_as_its_figures_json_states(rendered):
    from kerslake_analysis.base.periods import period_label

    for plan, months in PLAN_MONTHS.items():
        page = rendered / plan / "index.html"
        _assert_self_contained(page)
        soup = _soup(page)
        rows = _rows(_table(soup, "Headline figures of"))
        for month in months:
            h = _figures(rendered, plan, month)["headline"]
            cells = rows[period_label(month)]
            assert cells[:2] == [str(h["commitments"]), str(h["with_evidence"])]
            assert cells[2] == f"{h['evidence_coverage'] * 100:.1f}%"
            assert cells[3:5] == [str(h["complete"]), str(h["behind_schedule"])]
            assert cells[5] == f"{h['slippage_rate'] * 100:.1f}%"
            assert cells[6] == f"{h['schedule_variance_months']:+.1f}"
        latest = _figures(rendered, plan, months[-1])["headline_sentence"]
        assert latest in soup.get_text(" ", strip=True).replace("\n", " ")
        assert soup.find("img", alt=lambda a: a and a.startswith("Line chart of"))
        links = [a["href"] for a in soup.find_all("a")]
        assert [f"{m}/report.html" for m in months] == [h for h in links if "report.html" in h]


def test_overview_figures_are_those_of_the_documents(rendered):
    ap = _rows(_table(_soup(rendered / "ap-2015" / "index.html"), "Headline figures of"))
    # December 2015: 13 of the 115 commitments complete, 28 behind schedule.
    assert ap["December 2015"][0] == "115"
    assert ap["December 2015"][3:5] == ["13", "28"]
    cgip = _rows(_table(_soup(rendered / "cgip-2018" / "index.html"), "Headline figures of"))
    # September 2018: 23 complete, 15 behind; slippage rate 15 / 28 past due = 53.6%.
    assert cgip["September 2018"][3:6] == ["23", "15", "53.6%"]
    # August -> September 2018: evidence for 61 -> 111 commitments, earned schedule over
    # 55 -> 100 dated ones: the change is not a subtraction (the headline table's rule).
    change = cgip["Change, August 2018 → September 2018"]
    assert change[5] == change[6] == "— (different basis)"
    assert change[3:5] == ["+8", "+5"]  # 15 -> 23 complete, 10 -> 15 behind
    text = _soup(rendered / "cgip-2018" / "index.html").get_text(" ", strip=True)
    assert "55 → 100 dated commitments with evidence" in text
    assert "evidence for 61 → 111 of 111 commitments" in text


def test_overview_shows_the_councils_own_figures_with_document_and_line(rendered):
    soup = _soup(rendered / "ap-2015" / "index.html")
    rows = _rows(_table(soup, "The council's own published figures"))
    where = "(the December 2015 progress report (000_e235c92a6776d4ac.txt), line 147)"
    # Line 147: "Of the 134 actions ... 82 are complete ... which leaves 24 actions behind schedule"
    assert rows["December 2015"][:3] == [f"134 {where}", f"82 {where}", f"24 {where}"]
    assert list(rows) == ["December 2015"]  # March 2016 publishes no counts
    assert "not compared one for one" in soup.get_text(" ", strip=True)
    cgip = _soup(rendered / "cgip-2018" / "index.html")
    assert "council's own published figures" not in cgip.get_text(" ", strip=True)


def test_index_is_a_dashboard_of_every_plan(rendered):
    page = rendered / "index.html"
    _assert_self_contained(page)
    soup = _soup(page)
    for plan in PLAN_MONTHS:
        assert soup.find("a", href=f"{plan}/index.html")
    cgip = _rows(_table(soup, "Latest figures of Corporate Governance Improvement Plan 2018"))
    assert cgip["Complete"] == ["23"] and cgip["Behind schedule"] == ["15"]
    ap = _rows(_table(soup, "Latest figures of Kerslake Review action plan 2015 (March 2016)"))
    march = _figures(rendered, "ap-2015", "2016-03")["headline"]
    assert ap["Complete"] == [str(march["complete"])]
    assert ap["Behind schedule"] == [str(march["behind_schedule"])]
    # A rate or a schedule position never stands without what it counts (issue 12's
    # figures, read from the documents): September 2018, 15 behind of the 28 past due
    # with evidence, all 100 dated commitments evidenced; March 2016, 34 of 49 past due,
    # 53 of the 112 dated commitments with evidence.
    slip = "Slippage rate (behind / due date passed, with evidence)"
    es = "Months ahead (+) or behind (−), earned schedule"
    assert cgip[slip] == ["53.6% (15 of 28)"]
    assert ap[slip] == ["69.4% (34 of 49)"]
    assert ap[es] == ["-11.9 (53 of 112 dated commitments, those with evidence)"]
    assert cgip[es] == ["-2.2 (all 100 dated commitments)"]
    charts = soup.find_all("img", alt=lambda a: a and a.startswith("Line chart of"))
    assert len(charts) == 2
    items = {li.a["href"]: li.get_text(" ", strip=True) for li in soup.find_all("li") if li.a}
    # The summaries the audit and lineage pages open with: 787 claims, 16 chains.
    assert (
        "The five documents state 787 figures; all were examined and" in items["audit/audit.html"]
    )
    assert (
        "16 promises followed from the plan that first made them" in items["lineage/lineage.html"]
    )


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
