"""Tests of the GMPP mapping and report content on the real annual files.

Expected values were read from the raw files by hand, independently of the loader:
with Python's csv module (the files have quoted cells holding commas, semicolons and
line breaks, so awk or ``wc -l`` would miscount), e.g. for a file with one row per
project::

    python3 -c "import csv; r = list(csv.reader(open('uk_2019.csv', encoding='cp1252',
        newline=''))); print(len(r) - 1)"                                     # 133

and for a transposed file, the non-empty cells of the first row after column A::

    python3 -c "import csv; r = list(csv.reader(open('uk_2014.csv', encoding='cp1252',
        newline=''))); print(sum(1 for c in r[0][1:] if c.strip()))"         # 199

(``delimiter=';'`` for 2021-2023), and individual cells by printing ``r[i][j]``.
"""

from __future__ import annotations

import collections
import csv

import pandas as pd
import pytest

from kerslake_analysis.ingest import example_data
from kerslake_analysis.ingest.register import validate_register
from kerslake_analysis.measure import gmpp


@pytest.fixture(scope="module")
def register(gmpp_dir):
    return gmpp.load_gmpp(gmpp_dir, gmpp.GMPP_MAPPING)


def observation(register, period: str, commitment_id: str) -> pd.Series:
    obs = register.observations
    rows = obs[(obs["period"] == period) & (obs["commitment_id"] == commitment_id)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_the_data_folder_is_the_one_the_module_reads(gmpp_dir):
    assert example_data.require("gmpp") == gmpp_dir
    assert sorted(p.name for p in gmpp_dir.glob("uk_*.csv")) == [
        f"uk_{year}.csv" for year in range(2014, 2024)
    ]


def test_validates_without_problems(gmpp_dir):
    assert validate_register(gmpp_dir, gmpp.GMPP_MAPPING) == []


def test_projects_and_period_of_each_snapshot(register):
    # Counted by hand as in the module docstring. Periods: reports up to 2020 describe
    # the previous September, from 2021 31 March of the report year.
    expected = {
        "uk_2014.csv": ("2013-09", 199),
        "uk_2015.csv": ("2014-09", 188),
        "uk_2016.csv": ("2015-09", 143),
        "uk_2017.csv": ("2016-09", 143),
        "uk_2018.csv": ("2017-09", 133),
        "uk_2019.csv": ("2018-09", 133),
        "uk_2020.csv": ("2019-09", 125),
        "uk_2021.csv": ("2021-03", 184),
        "uk_2022.csv": ("2022-03", 235),
        "uk_2023.csv": ("2023-03", 244),
    }
    files = register.files.set_index("source")
    assert {f: (files.at[f, "period"], files.at[f, "records"]) for f in files.index} == expected
    assert files.at["uk_2020.csv", "observed_on"] == pd.Timestamp("2019-09-30")
    assert files.at["uk_2021.csv", "observed_on"] == pd.Timestamp("2021-03-31")
    counts = register.observations.groupby("period").size()
    assert counts.to_dict() == {period: n for period, n in expected.values()}


def test_transposed_2014_cells(register):
    # uk_2014.csv column B: "FE Capital Investment Programme", BIS, rating "Amber/Green",
    # start "31/05/2010", end "01/09/2015".
    fe = observation(register, "2013-09", "FE Capital Investment Programme")
    assert fe["rating"] == "Amber/Green" and fe["rating_by"] == "ipa"
    assert fe["due_start"] == pd.Timestamp("2010-05-31")
    assert fe["due_end"] == pd.Timestamp("2015-09-01")
    assert (fe["source"], fe["source_line"], fe["source_cell"]) == ("uk_2014.csv", 2, "B1")
    commitment = register.commitments.set_index("commitment_id").loc[fe["commitment_id"]]
    assert commitment["owner"] == "BIS" and commitment["theme"] == ""
    # Universal Credit: rating "Reset", end date "Reset" (corrected to missing, noted).
    uc = observation(register, "2013-09", "Universal Credit Programme")
    assert uc["rating"] == "Reset" and pd.isna(uc["due_end"])
    assert uc["transcription_note"].startswith("due_end: 'Reset' read as '': the programme")
    # G-Cloud: "#N/A" in both dates, both corrected to missing.
    g_cloud = observation(
        register,
        "2013-09",
        "G-Cloud Programme (covers Data Centre Consolidation and Application Store)",
    )
    assert pd.isna(g_cloud["due_start"]) and pd.isna(g_cloud["due_end"])
    assert g_cloud["transcription_note"].count("'#N/A' read as ''") == 2


def test_plain_2019_cells(register):
    # uk_2019.csv row 2: "Geological Disposal Facility Programme (GDF)", Amber,
    # start "30.06.08", end "31.12.40" (two-digit year 40 -> 2040),
    # report_category "Infrastructure and Construction".
    gdf = observation(register, "2018-09", "Geological Disposal Facility Programme (GDF)")
    assert gdf["rating"] == "Amber"
    assert gdf["due_start"] == pd.Timestamp("2008-06-30")
    assert gdf["due_end"] == pd.Timestamp("2040-12-31")
    assert (gdf["source_line"], gdf["source_cell"]) == (2, "A2")
    assert gdf["project_number"] == ""  # no project numbers before the 2020 file
    baseline = register.commitments.set_index("commitment_id").loc[gdf["commitment_id"]]
    # GDF is first listed in the 2014 file (no category then): its baseline comes from there.
    assert (baseline["first_period"], baseline["source"], baseline["theme"]) == (
        "2013-09",
        "uk_2014.csv",
        "",
    )
    # uk_2018.csv: Astute Boats 1-7 started "17.03.97" -> 1997 (69-99 are 19xx).
    astute = observation(register, "2017-09", "Astute Boats 1-7")
    assert astute["due_start"] == pd.Timestamp("1997-03-17")


def test_cp1252_2023_with_two_rating_columns(register):
    # uk_2023.csv row 2: CO_0024_2021-Q2 "Civil Service Pensions 2015 Remedy",
    # colour_rating (IPA) "", colour_rating (SRO) "Amber", 20.05.2020 - 30.09.2024.
    pensions = observation(register, "2023-03", "CO_0024_2021-Q2")
    assert pensions["name"] == "Civil Service Pensions 2015 Remedy"
    assert (pensions["rating_ipa"], pensions["rating_sro"]) == ("Missing", "Amber")
    assert (pensions["rating"], pensions["rating_by"]) == ("Amber", "sro")
    assert pensions["due_start"] == pd.Timestamp("2020-05-20")
    assert pensions["due_end"] == pd.Timestamp("2024-09-30")
    # CO_0028_2021-Q4 "Vetting Transformation Programme": IPA "Red", SRO "".
    vetting = observation(register, "2023-03", "CO_0028_2021-Q4")
    assert (vetting["rating"], vetting["rating_by"], vetting["rating_sro"]) == (
        "Red",
        "ipa",
        "Missing",
    )
    assert vetting["due_end"] == pd.Timestamp("2023-03-31")
    # uk_2021.csv (cp1252): BEIS_0011_2021-Q4's rating comment has "£500m" (byte 0xa3).
    lad = observation(register, "2021-03", "BEIS_0011_2021-Q4")
    assert "LAD is a £500m proj" in lad["evidence"]


def test_reading_2023_as_utf8_names_the_first_bad_byte(gmpp_dir, tmp_path):
    # The only non-ASCII byte of uk_2023.csv is the pound sign of the 18th header,
    # "TOTAL Baseline Benefits (£m)" (column R of row 1).
    mapping = gmpp.GMPP_MAPPING.read_text(encoding="utf-8").replace(
        'encoding = "cp1252"', 'encoding = "utf-8"'
    )
    (tmp_path / "MAP.toml").write_text(mapping, encoding="utf-8")
    problems = validate_register(gmpp_dir / "uk_2023.csv", tmp_path / "MAP.toml")
    assert [(p.file, p.row, p.cell) for p in problems] == [("uk_2023.csv", 1, "R1")]
    assert "byte 0xa3 cannot be decoded as utf-8" in problems[0].message


def test_freedom_of_information_text_is_missing(register):
    # uk_2021.csv row 2: MOD_0106_1617-Q1 Maritime Patrol Aircraft, rating "Amber/red",
    # rating_comment "Exempt under Section 26 of the Freedom of Information Act 2000 (Defence)".
    mpa = observation(register, "2021-03", "MOD_0106_1617-Q1")
    assert mpa["rating"] == "Amber/Red"
    assert mpa["evidence"] == ""
    # uk_2023.csv: HS2 Phase 1 (DFT_0040_2021-Q1) end date "Exempt under Section 22 ...".
    hs2 = observation(register, "2023-03", "DFT_0040_2021-Q1")
    assert pd.isna(hs2["due_end"]) and hs2["due_start"] == pd.Timestamp("2009-01-14")
    assert hs2["rating"] == "Red"
    # uk_2023.csv: DEFRA_0015_2122-Q1 Northern Ireland Programme: rating and both dates exempt.
    ni = observation(register, "2023-03", "DEFRA_0015_2122-Q1")
    assert ni["rating"] == "Exempt"
    assert pd.isna(ni["due_start"]) and pd.isna(ni["due_end"])
    assert ni["timescale_kind"] == "tbc"  # a value read as missing, not a blank cell
    # No cell of any mapped text column still holds exemption text.
    text = register.observations[["evidence", "schedule_comment", "name"]]
    assert not text.apply(lambda c: c.str.match(r"(?i)\s*(data |date )?exempt\b")).any().any()


def test_rating_distribution_2014_and_2022(register):
    distribution = gmpp.rating_distribution(register).set_index(["period", "rating"])
    # uk_2014.csv row 3, tallied with collections.Counter: Amber 62 + "Amber " 1 = 63;
    # Amber/Green 53 + "Amber/Green " 1 = 54; Amber/Red 36 + "Amber/ Red" 1 = 37;
    # Green 17; Red 4; Reset 1; No DCA 8; exemption texts 4+4+1+1+1+1+1+1+1 = 15.
    # 63 + 54 + 37 + 17 + 4 + 1 + 8 + 15 = 199 projects.
    projects_2014 = distribution.loc["2013-09", "projects"]
    assert projects_2014.to_dict() == {
        "Green": 17,
        "Amber/Green": 54,
        "Amber": 63,
        "Amber/Red": 37,
        "Red": 4,
        "Reset": 1,
        "Exempt": 15,
        "Not rated": 8,
        "Missing": 0,
    }
    assert distribution.loc[("2013-09", "Amber"), "share"] == pytest.approx(63 / 199)
    # uk_2022.csv columns 7 (IPA) and 8 (SRO): Amber 118 IPA + 52 SRO; Green 11 + 13;
    # Red 24 + 3; exemption text in both columns for 11 projects (3+2+2+1+1+1+1);
    # "Early planning GMPP project" 2 and "not in a position to provide" 1 -> Not rated.
    rows_2022 = distribution.loc["2022-03"]
    assert rows_2022["projects"].to_dict() == {
        "Green": 24,
        "Amber/Green": 0,
        "Amber": 170,
        "Amber/Red": 0,
        "Red": 27,
        "Reset": 0,
        "Exempt": 11,
        "Not rated": 3,
        "Missing": 0,
    }
    assert rows_2022.loc["Amber", ["given_by_ipa", "given_by_sro"]].tolist() == [118, 52]
    assert list(distribution.index.get_level_values("period").unique()) == register.periods


def test_raw_2014_ratings_tally_independently(gmpp_dir):
    # The hand tally above, recomputed from the raw file without the loader.
    rows = list(csv.reader(open(gmpp_dir / "uk_2014.csv", encoding="cp1252", newline="")))
    ratings = collections.Counter(
        r for r, n in zip(rows[2][1:], rows[0][1:], strict=True) if n.strip()
    )
    assert ratings["Amber"] + ratings["Amber "] == 63
    assert ratings["No DCA"] == 8 and ratings["Reset"] == 1
    assert sum(n for r, n in ratings.items() if "xempt" in r) == 15


def test_end_date_slippage_summary(register):
    summary = gmpp.end_date_slippage_summary(register).set_index("period_from")
    # Linked counts computed by hand from the raw files with the csv module:
    # names common to consecutive years (2014-2020 files), project numbers common to
    # consecutive years, compared case-insensitively (2020-2023 files), plus, for
    # 2020->2021, 4 DH_ numbers renamed DOH_ with the same project name.
    assert summary["linked"].to_dict() == {
        "2013-09": 127,
        "2014-09": 69,
        "2015-09": 105,
        "2016-09": 89,
        "2017-09": 97,
        "2018-09": 103,
        "2019-09": 89,
        "2021-03": 159,
        "2022-03": 206,
    }
    assert summary.loc["2018-09", ["linked_by_id", "linked_by_name"]].tolist() == [0, 103]
    assert summary.loc["2019-09", ["linked_by_id", "linked_by_name"]].tolist() == [85, 4]
    assert summary.loc["2019-09", "months_between"] == 18
    assert summary.loc["2019-09", ["projects_from", "projects_to"]].tolist() == [125, 184]
    moved = summary[["moved_later", "moved_earlier", "unchanged", "with_both_end_dates"]]
    assert (moved["moved_later"] + moved["moved_earlier"] + moved["unchanged"]).equals(
        moved["with_both_end_dates"]
    )


def test_end_date_slippage_of_single_projects(register):
    slips = gmpp.end_date_slippage(register).set_index(["period_from", "id_from"])
    # HS2 Phase 1 (DFT_0040_2021-Q1): end 2029-11-30 in 2021, 2030-06-30 in 2022.
    # Days: Nov 30 -> Dec 31 31, -> Jan 31 62, -> Feb 28 90, -> Mar 31 121, -> Apr 30 151,
    # -> May 31 182, -> Jun 30 212.
    hs2 = slips.loc[("2021-03", "DFT_0040_2021-Q1")]
    assert (hs2["name_from"], hs2["name_to"]) == ("HS2 Phase1", "HS2 Phase 1")
    assert (hs2["slip_days"], hs2["direction"], hs2["linked_by"]) == (212, "later", "id")
    # In 2023 its end date is exempt: linked, but no slip.
    hs2_2023 = slips.loc[("2022-03", "DFT_0040_2021-Q1")]
    assert pd.isna(hs2_2023["slip_days"]) and hs2_2023["direction"] == "unknown"
    # European Common Radar System Mk 2 (MOD_0137_2122-Q1): 2040-01-01 -> 2023-01-20.
    # 2023-01-20 -> 2040-01-20 is 17 years = 17 * 365 + 4 leap days (2024, 2028, 2032,
    # 2036) = 6209 days; 2040-01-01 is 19 days earlier: 6190 days earlier.
    radar = slips.loc[("2022-03", "MOD_0137_2122-Q1")]
    assert (radar["slip_days"], radar["direction"]) == (-6190, "earlier")
    # 2020 DH_0063_1819-Q3 became DOH_0063_1819-Q3 in 2021: linked by its name.
    gp_it = slips.loc[("2019-09", "DH_0063_1819-Q3")]
    assert (gp_it["id_to"], gp_it["linked_by"]) == ("DOH_0063_1819-Q3", "name")


def test_distribution_requires_ratings(register, tmp_path):
    plain = register.__class__(
        register.name,
        register.title,
        register.folder,
        register.mapping.model_copy(update={"rating": None}),
        register.files,
        register.commitments,
        register.observations,
    )
    with pytest.raises(ValueError, match="has no \\[rating\\]"):
        gmpp.rating_distribution(plain)
