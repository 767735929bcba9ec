"""The two real trackers of examples/: the UK SRP scrapes of 2012 and NYC capital projects.

Marked ``example_data`` (tests/conftest.py): skipped with how to get the data on a bare
clone, failing under ``CI=true``. Expected counts come from the data's PROVENANCE.md
(written here by hand), from the publisher's own summary file (read with the csv
module) or from the data file read with the csv module, never from the loader.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from kerslake_analysis import cli
from kerslake_analysis.ingest.register import load_register, validate_register

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SRP_MAPPING = EXAMPLES / "uk-srp-2012" / "mapping.toml"
NYC_MAPPING = EXAMPLES / "nyc-capital-projects" / "mapping.toml"
NYC_FILE = "NYC_capital_projects_20190901.csv"

# --------------------------------------------------------------------------- NYC

#: PROVENANCE.md, "Shape": rows per `Date Reported As Of`, in date order.
NYC_ROWS = {
    "2013-09": 45,
    "2014-01": 49,
    "2014-05": 54,
    "2015-02": 59,
    "2015-08": 66,
    "2016-01": 75,
    "2016-06": 96,
    "2016-11": 108,
    "2017-04": 118,
    "2017-09": 169,
    "2018-03": 212,
    "2018-08": 247,
    "2019-01": 283,
    "2019-05": 300,
    "2019-09": 378,
}


@pytest.fixture(scope="module")
def nyc(nyc_dir):
    return load_register(nyc_dir, NYC_MAPPING)


def test_nyc_rows_per_reporting_date_match_the_provenance(nyc, nyc_dir):
    assert nyc.periods == list(NYC_ROWS)
    per_period = nyc.observations.groupby("period").size().to_dict()
    assert per_period == NYC_ROWS
    assert nyc.files["records"].tolist() == list(NYC_ROWS.values())
    assert sum(NYC_ROWS.values()) == 2259 == len(nyc.observations)
    # and the file itself, read with the csv module: month of each reporting date
    with (nyc_dir / NYC_FILE).open(encoding="utf-8", newline="") as handle:
        dates = Counter(row["Date Reported As Of"] for row in csv.DictReader(handle))
    months = {f"{d[6:10]}-{d[0:2]}": n for d, n in dates.items()}
    assert months == NYC_ROWS


def test_nyc_has_378_projects_and_no_completion(nyc):
    assert len(nyc.commitments) == 378  # PROVENANCE.md: all 378 present on 09/01/2019
    assert nyc.commitments["first_period"].value_counts()["2013-09"] == 45
    # 'Current Phase' is a phase: nothing is ever complete
    assert not (nyc.observations["state"] == "complete").any()


def test_nyc_the_2108_typo_is_no_date(nyc):
    pid_649 = nyc.observations[nyc.observations["commitment_id"] == "649"]
    assert pid_649["due_end"].dt.year.max() < 2100
    assert (pid_649["timescale"] == "10/21/2108").sum() == 1  # PROVENANCE.md: one value
    typo = pid_649[pid_649["timescale"] == "10/21/2108"]
    assert typo["due_end"].isna().all() and (typo["timescale_kind"] == "tbc").all()


# --------------------------------------------------------------------------- SRP


def publisher_summary(srp_dir: Path, run: str) -> dict[str, str]:
    """The scraper author's own counts (reports/report_snapshots_all.csv) for one run."""
    with (srp_dir / "reports" / "report_snapshots_all.csv").open(newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["datetimestring"].startswith(run)]
    assert rows, f"no summary row for {run}"
    assert all(r == rows[0] for r in rows)  # the file repeats some runs, identically
    return rows[0]


@pytest.fixture(scope="module")
def srp(srp_dir):
    return load_register(srp_dir, SRP_MAPPING)


def test_srp_reads_the_latest_readable_scrape_of_each_month(srp):
    assert srp.files[["source", "period"]].values.tolist() == [
        ["BusinessPlans_20120722_2327.csv", "2012-07"],
        ["BusinessPlans_20120801_2226.csv", "2012-08"],
    ]
    skipped = {p.file: p.message for p in srp.skipped}
    assert sorted(skipped) == [
        "BusinessPlans_20120721_0000.csv",
        "BusinessPlans_20120721_1407.csv",  # header only (PROVENANCE.md)
        "BusinessPlans_20120721_1654.csv",
        "BusinessPlans_20120722_2312.csv",  # truncated run
        "BusinessPlans_20120722_2313.csv",
        "BusinessPlans_20120722_2324.csv",
        "BusinessPlans_20120730_2047.csv",  # 51 values under a 47-column header
    ]
    broken = skipped["BusinessPlans_20120730_2047.csv"]
    assert "but broken" in broken and "value_beyond_header" in broken


@pytest.mark.parametrize(
    ("period", "run"),
    [("2012-07", "2012-07-22 23:27"), ("2012-08", "2012-08-01 22:26")],
)
def test_srp_counts_match_the_publishers_summary(srp, srp_dir, period, run):
    summary = publisher_summary(srp_dir, run)
    rows = srp.observations[srp.observations["period"] == period]
    assert len(rows) == int(float(summary["n_actions"]))
    assert (rows["state"] == "complete").sum() == int(float(summary["n_ended"]))
    assert (rows["status_raw"] == "Overdue").sum() == int(summary["n_overdueend"])
    assert (rows["status_raw"] == "Late").sum() == int(summary["n_lateend"])


def test_srp_hand_counts_of_provenance(srp):
    # PROVENANCE.md, "Facts measured here": 1 August end_status counts
    august = srp.observations[srp.observations["period"] == "2012-08"]
    counts = august["status_raw"].value_counts().to_dict()
    assert counts["Not due"] == 1104
    assert counts["On time"] == 86
    assert counts["Late"] == 9
    assert counts["Early"] == 23 + 1  # and sub-action 651 corrected from NA


def test_srp_broken_files_are_listed_by_validate_not_fatal(srp_dir, capsys):
    assert validate_register(srp_dir, SRP_MAPPING) == []
    assert cli.main(["validate", str(srp_dir), "--mapping", str(SRP_MAPPING)]) == 0
    out = capsys.readouterr().out
    assert "BusinessPlans_20120730_2047.csv: skipped: the latest file for 2012-07" in out
    assert "BusinessPlans_20120721_1407.csv: skipped" in out


# --------------------------------------------------------------------------- example data


@pytest.mark.example_data  # its fixture is looked up by name, so mark it here
@pytest.mark.parametrize(
    ("name", "fixture", "repository"),
    [
        ("uk-srp-2012", "srp_dir", "instituteforgov/ukgov-businessplans/9f9ffa6fd85eecff579f475ecce275eb11fb3fe8/output/"),
        ("nyc-capital-projects", "nyc_dir", "sedelmeyer/nyc-capital-projects/64474223a6d5218393675f8171681d4ff130584f/data/raw/"),
    ],
)  # fmt: skip
def test_the_pins_are_the_shared_copies_and_fetch_copies_them(
    request, tmp_path, name, fixture, repository
):
    import hashlib

    from kerslake_analysis.ingest import example_data

    folder = request.getfixturevalue(fixture)
    example = example_data.get_example(name)
    # PROVENANCE.md: the repository and commit each copy was taken from
    assert example.base_url == "https://raw.githubusercontent.com/" + repository
    for file, pinned in example.files.items():
        assert hashlib.sha256((folder / file).read_bytes()).hexdigest() == pinned, file
    dest = example_data.fetch(name, tmp_path / name, base_url=folder.as_uri(), progress=False)
    for file in example.files:
        assert (dest / file).read_bytes() == (folder / file).read_bytes()
