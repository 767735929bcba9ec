"""One fact, one place: the build refuses curated tables that contradict each other.

Each kind of contradiction is tested on small frames built by hand here (a consistent
pair first, then the same pair with one cell changed), then the real curated tables,
then the build itself with a contradiction injected into a real source module's rows.
The dates in the hand-built frames are chosen so the arithmetic is visible: a link
completing on 2018-06-30 against an observation of 2018-07-31 (a month later).
"""

from __future__ import annotations

import filecmp
import shutil

import pandas as pd
import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.ingest.documents import build, cgip_2018, lineage
from kerslake_analysis.ingest.documents.consistency import find_contradictions
from kerslake_analysis.ingest.load import load_all

D = pd.Timestamp
CGIP = "001.txt"


def _commitments(*rows: dict) -> pd.DataFrame:
    base = {
        "commitment_id": "CGIP18-1.5-1",
        "due_end": D("2018-05-31"),
        "timescale_reference": D("2018-09-30"),
        "source": CGIP,
        "source_line": 39,
    }
    return pd.DataFrame([{**base, **row} for row in rows] or [base])


def _observations(*rows: dict) -> pd.DataFrame:
    base = {
        "observation_id": "OBS-CGIP18-1.5-1-2018-07",
        "commitment_id": "CGIP18-1.5-1",
        "period": "2018-07",
        "observed_on": D("2018-06-30"),
        "state": "complete",
        "source": CGIP,
        "source_line": 39,
        "transcription_note": "",
    }
    return pd.DataFrame([{**base, **row} for row in rows] or [base])


def _link(**row) -> pd.DataFrame:
    base = {
        "link_id": "LC-member-development.4",
        "relation": "completes",
        "from_commitment_id": "CGIP18-1.5-1",
        "from_on": D("2018-09-30"),
        "from_due": D("2018-05-31"),
        "from_source": CGIP,
        "from_source_line": 39,
        "to_kind": "statement",
        "to_ref": "",
        "to_on": D("2018-06-30"),
        "to_due": pd.NaT,
        "source": CGIP,
        "source_line": 40,
    }
    return pd.DataFrame([{**base, **row}])


def _messages(tables: dict) -> list[str]:
    return [str(c.as_problem()) for c in find_contradictions(tables)]


# --- lineage "completes" link against the observations --------------------------------


def test_completion_link_agrees_with_a_later_complete_observation():
    tables = {"commitments": _commitments(), "observations": _observations(), "lineage": _link()}
    assert find_contradictions(tables) == []


def test_completion_link_contradicted_by_a_later_in_progress_observation():
    # Link: done by 2018-06-30. Observation: in progress on 2018-07-31, 31 days later.
    observations = _observations({"state": "in_progress", "observed_on": D("2018-07-31")})
    tables = {"commitments": _commitments(), "observations": observations, "lineage": _link()}
    (found,) = find_contradictions(tables)
    assert (found.table, found.other_table) == ("lineage", "observations")
    assert (found.row_id, found.other_id) == ("LC-member-development.4", "OBS-CGIP18-1.5-1-2018-07")
    assert (found.source_line, found.other_source_line) == (40, 39)
    assert (found.column, found.value) == ("to_on", "2018-06-30")
    assert found.other_value == "in_progress, 2018-07-31"
    message = str(found.as_problem())
    for part in ("lineage.csv", "observations.csv", "LC-member-development.4", "to_on", "state"):
        assert part in message


def test_in_progress_observation_before_the_completion_is_no_contradiction():
    # In progress on 2018-05-31, a month *before* the link's completion date 2018-06-30.
    observations = _observations({"state": "in_progress", "observed_on": D("2018-05-31")})
    tables = {"commitments": _commitments(), "observations": observations, "lineage": _link()}
    assert find_contradictions(tables) == []


# --- lineage link to an observation ------------------------------------------------


def _observation_link(**row) -> pd.DataFrame:
    # The link quotes the observation's own line, 39.
    return _link(to_kind="observation", to_ref="OBS-CGIP18-1.5-1-2018-07", source_line=39, **row)


def test_observation_link_agrees_with_its_observation():
    tables = {
        "commitments": _commitments(),
        "observations": _observations({}),
        "lineage": _observation_link(),
    }
    assert find_contradictions(tables) == []


def test_observation_link_with_other_date_and_state_names_both_columns():
    # The observation says in progress on 2018-06-30 (same date as to_on, so the
    # completion check also fires); the link says completes: relation vs state.
    observations = _observations({"state": "in_progress"})
    tables = {
        "commitments": _commitments(),
        "observations": observations,
        "lineage": _observation_link(to_on=D("2018-06-15")),
    }
    messages = _messages(tables)
    assert any("column to_on" in m and "observed_on '2018-06-30'" in m for m in messages)
    assert any("column relation" in m and "state 'in_progress'" in m for m in messages)
    assert all("OBS-CGIP18-1.5-1-2018-07" in m and "lineage.csv" in m for m in messages)


def test_observation_link_to_a_missing_observation():
    tables = {
        "commitments": _commitments(),
        "observations": _observations({"observation_id": "OBS-other"}),
        "lineage": _observation_link(),
    }
    (message,) = _messages(tables)
    assert "column to_ref" in message and "observations.csv OBS-CGIP18-1.5-1-2018-07" in message
    assert "no such row" in message


# --- lineage dates and lines against commitments.csv ---------------------------------


def test_from_due_must_be_the_commitments_due_end():
    # commitments.csv: due_end 2018-05-31 (May 2018); the link says 2018-06-30.
    tables = {"commitments": _commitments(), "lineage": _link(from_due=D("2018-06-30"))}
    (found,) = find_contradictions(tables)
    assert (found.table, found.other_table) == ("lineage", "commitments")
    assert (found.column, found.value) == ("from_due", "2018-06-30")
    assert (found.other_column, found.other_value) == ("due_end", "2018-05-31")
    assert found.other_id == "CGIP18-1.5-1"


def test_from_on_and_from_line_must_be_the_commitments_document_date_and_line():
    link = _link(from_on=D("2018-07-31"), from_source_line=38)
    found = find_contradictions({"commitments": _commitments(), "lineage": link})
    assert {(c.column, c.other_column) for c in found} == {
        ("from_on", "timescale_reference"),
        ("from_source_line", "source_line"),
    }


def test_to_due_of_a_link_to_a_commitment_is_that_commitments_due_end():
    commitments = _commitments(
        {},
        {
            "commitment_id": "IIF21-12",
            "due_end": D("2026-01-19"),
            "timescale_reference": D("2021-01-19"),
            "source": "002.txt",
            "source_line": 90,
        },
    )
    good = _link(
        relation="restates",
        to_kind="commitment",
        to_ref="IIF21-12",
        to_on=D("2021-01-19"),
        to_due=D("2026-01-19"),
        source="002.txt",
        source_line=90,
    )
    assert find_contradictions({"commitments": commitments, "lineage": good}) == []
    bad = good.assign(to_due=D("2025-01-19"))
    (message,) = _messages({"commitments": commitments, "lineage": bad})
    assert "lineage.csv, row 2, column to_due" in message
    assert "commitments.csv IIF21-12 (row 3, source line 90) due_end '2026-01-19'" in message


# --- lineage references to updates and aims ------------------------------------------


def test_link_to_a_missing_update_or_an_update_of_an_earlier_month():
    updates = pd.DataFrame(
        {
            "update_id": ["CGIP18-1.5-upd-1"],
            "aim_id": ["CGIP18-1.5"],
            "month": ["2018-07"],
            "complete": [False],
            "source": [CGIP],
            "source_line": [39],
        }
    )
    # to_on 2018-08-31 is after the end of the update's month (2018-07-31).
    late = _link(to_kind="update", to_ref="CGIP18-1.5-upd-1", to_on=D("2018-08-31"), source_line=39)
    missing = _link(to_kind="update", to_ref="CGIP18-1.5-upd-9")
    assert "month '2018-07'" in _messages({"lineage": late, "cgip18_updates": updates})[0]
    assert (
        "cgip18_updates.csv CGIP18-1.5-upd-9 (no such row)"
        in _messages({"lineage": missing, "cgip18_updates": updates})[0]
    )


# --- COMPLETE markers of 2018 updates against the observations ----------------------


def _update(**row) -> pd.DataFrame:
    base = {
        "update_id": "CGIP18-1.5-upd-1",
        "aim_id": "CGIP18-1.5",
        "month": "2018-07",
        "complete": True,
        "source": CGIP,
        "source_line": 39,
    }
    return pd.DataFrame([{**base, **row}])


def test_complete_marker_contradicted_by_a_later_in_progress_observation():
    # July: the marker's output read complete (observed 2018-06-30). September: the
    # snapshot says in progress on 2018-09-30, after the completion.
    observations = _observations(
        {},
        {
            "observation_id": "OBS-CGIP18-1.5-1-2018-09",
            "period": "2018-09",
            "observed_on": D("2018-09-30"),
            "state": "in_progress",
            "source_line": 37,
        },
    )
    messages = _messages({"cgip18_updates": _update(), "observations": observations})
    assert any(
        m.startswith("cgip18_updates.csv, row 2, column complete: CGIP18-1.5-upd-1")
        and "observations.csv OBS-CGIP18-1.5-1-2018-09 (row 3, source line 37) state" in m
        for m in messages
    )


def test_a_declared_doubtful_reading_is_no_contradiction():
    observations = _observations(
        {},
        {
            "observation_id": "OBS-CGIP18-1.5-1-2018-09",
            "period": "2018-09",
            "observed_on": D("2018-09-30"),
            "state": "in_progress",
            "transcription_note": "DOUBTFUL, not counted as complete: a different body",
        },
    )
    assert find_contradictions({"cgip18_updates": _update(), "observations": observations}) == []


# --- observations among themselves --------------------------------------------------


def test_observed_on_after_the_end_of_its_period():
    # period 2018-07 ends on 2018-07-31; observed_on 2018-08-01 is a day later.
    observations = _observations({"observed_on": D("2018-08-01")})
    (found,) = find_contradictions({"observations": observations})
    assert (found.column, found.other_column) == ("observed_on", "period")
    assert (found.value, found.other_value) == ("2018-08-01", "2018-07")


def test_observation_id_must_name_its_commitment_and_period():
    # OBS-CGIP18-1.5-1-2018-07 names period 2018-07; the row says 2018-09.
    observations = _observations({"period": "2018-09", "observed_on": D("2018-09-30")})
    (found,) = find_contradictions({"observations": observations})
    assert (found.column, found.other_column, found.other_value) == (
        "observation_id",
        "period",
        "2018-09",
    )


# --- snapshots against claims -------------------------------------------------------


def _snapshot(**row) -> pd.DataFrame:
    base = {
        "snapshot_id": "PR15-complete",
        "plan": "ap-2015",
        "period": "2015-12",
        "measure": "Complete",
        "value": 82.0,
        "source": "000.txt",
        "source_line": 147,
    }
    return pd.DataFrame([{**base, **row}])


def _claim(**row) -> pd.DataFrame:
    base = {
        "claim_id": "CLM-000-061",
        "quantity_key": "ap15.actions.by_status.complete@2015-12",
        "value": "82",
        "source": "000.txt",
        "source_line": 147,
    }
    return pd.DataFrame([{**base, **row}])


def test_snapshot_and_claim_of_the_same_figure_agree():
    # December 2015, line 147: "82 are complete" in both tables.
    assert find_contradictions({"snapshots": _snapshot(), "claims": _claim()}) == []


def test_snapshot_and_claim_with_different_values():
    (found,) = find_contradictions({"snapshots": _snapshot(), "claims": _claim(value="83")})
    assert (found.table, found.row_id, found.other_table, found.other_id) == (
        "snapshots",
        "PR15-complete",
        "claims",
        "CLM-000-061",
    )
    assert (found.column, found.value, found.other_value) == ("value", "82", "83")


def test_snapshot_without_a_claim_on_its_line():
    # The claim is on line 59, the snapshot on line 147: not the same statement.
    (message,) = _messages({"snapshots": _snapshot(), "claims": _claim(source_line=59)})
    assert "snapshots.csv, row 2" in message and "claims.csv" in message
    assert "ap15.actions.by_status.complete@2015-12" in message


# --- plan tables against commitments ------------------------------------------------


def test_2018_output_of_an_unknown_aim_and_2016_theme_without_its_commitment():
    commitments = _commitments({"commitment_id": "CGIP18-9.9-1"})
    aims = pd.DataFrame({"aim_id": ["CGIP18-1.5"]})
    themes = pd.DataFrame(
        {
            "theme_id": ["GAP16-culture"],
            "source": ["003.txt"],
            "source_line": [5],
            "in_six_months_line": [8],
        }
    )
    messages = _messages({"commitments": commitments, "cgip18_aims": aims, "gap16_themes": themes})
    assert any("CGIP18-9.9-1" in m and "cgip18_aims.csv CGIP18-9.9" in m for m in messages)
    assert any("gap16_themes.csv" in m and "commitments.csv GAP16-culture" in m for m in messages)


def test_2018_output_must_carry_its_aims_section_number_and_lead():
    commitments = _commitments(
        {"theme": "Political Leadership", "ref": "1.5", "owner": "Jo Bloggs"}
    )
    aims = pd.DataFrame(
        {
            "aim_id": ["CGIP18-1.5"],
            "section_title": ["Political Leadership"],
            "ref": ["1.5"],
            "lead": ["Ann Other"],
            "source": [CGIP],
            "source_line": [39],
        }
    )
    (found,) = find_contradictions({"commitments": commitments, "cgip18_aims": aims})
    assert (found.table, found.other_table, found.other_id) == (
        "commitments",
        "cgip18_aims",
        "CGIP18-1.5",
    )
    assert (found.column, found.value, found.other_column, found.other_value) == (
        "owner",
        "Jo Bloggs",
        "lead",
        "Ann Other",
    )


def test_2016_theme_text_must_be_its_commitments_text():
    commitments = _commitments(
        {
            "commitment_id": "GAP16-culture",
            "theme": "Culture",
            "text": "A new culture.",
            "source": "003.txt",
            "source_line": 8,
        }
    )
    themes = pd.DataFrame(
        {
            "theme_id": ["GAP16-culture"],
            "theme": ["Culture"],
            "in_six_months": ["An old culture."],
            "source": ["003.txt"],
            "source_line": [5],
            "in_six_months_line": [8],
        }
    )
    (found,) = find_contradictions({"commitments": commitments, "gap16_themes": themes})
    assert (found.column, found.other_column) == ("in_six_months", "text")
    assert (found.row_id, found.other_id) == ("GAP16-culture", "GAP16-culture")


def test_link_must_quote_the_line_of_the_row_it_names():
    # The aim is on line 163; the link says its later end is on line 164.
    aims = pd.DataFrame({"aim_id": ["CGIP18-4.1"], "source": [CGIP], "source_line": [163]})
    link = _link(relation="restates", to_kind="aim", to_ref="CGIP18-4.1", source_line=164)
    (found,) = find_contradictions({"lineage": link, "cgip18_aims": aims})
    assert (found.column, found.value, found.other_table, found.other_value) == (
        "source_line",
        "164",
        "cgip18_aims",
        "163",
    )


def test_snapshot_measure_must_be_a_status_of_the_key():
    key = pd.DataFrame({"status": ["Complete", "In Progress"]})
    assert find_contradictions({"snapshots": _snapshot(), "status_key": key}) == []
    (message,) = _messages({"snapshots": _snapshot(measure="Done"), "status_key": key})
    assert "snapshots.csv, row 2, column measure" in message and "status_key.csv" in message


# --- every contradiction is reported, not only the first ----------------------------


def test_every_contradiction_is_listed():
    link = _link(from_due=D("2018-06-30"), from_on=D("2018-07-31"))
    observations = _observations({"state": "in_progress", "observed_on": D("2018-07-31")})
    tables = {"commitments": _commitments(), "observations": observations, "lineage": link}
    assert {c.column for c in find_contradictions(tables)} == {"from_due", "from_on", "to_on"}


# --- the real tables ----------------------------------------------------------------


def test_the_real_curated_tables_are_consistent():
    found = find_contradictions(load_all())
    assert found == [], "\n".join(str(c) for c in found)


# --- the build refuses and writes nothing -------------------------------------------


@pytest.fixture
def curated_copy(tmp_path):
    out = tmp_path / "curated"
    shutil.copytree(paths.CURATED_DIR, out)
    return out


def _same_folder(left, right) -> bool:
    names = sorted(p.name for p in left.iterdir())
    if names != sorted(p.name for p in right.iterdir()):
        return False
    _, mismatch, errors = filecmp.cmpfiles(left, right, names, shallow=False)
    return not mismatch and not errors


def test_build_refuses_contradicting_tables_and_leaves_the_folder_untouched(
    curated_copy, monkeypatch, capsys
):
    """The issue's case: CGIP18-1.5-1 read in progress in July 2018 although the lineage
    says member induction was complete by June 2018; plus a from_due changed."""
    real_cgip, real_lineage = cgip_2018.build, lineage.build

    def cgip_reverted():
        tables = real_cgip()
        obs = tables["observations"]
        row = obs["commitment_id"].eq("CGIP18-1.5-1") & obs["period"].eq("2018-07")
        assert row.sum() == 1
        tables["observations"] = obs.assign(state=obs["state"].mask(row, "in_progress"))
        return tables

    def lineage_changed():
        tables = real_lineage()
        links = tables["lineage"]
        row = links["link_id"].eq("LC-workforce-plan.2")
        assert row.sum() == 1
        tables["lineage"] = links.assign(from_due=links["from_due"].mask(row, "2016-01-31"))
        return tables

    monkeypatch.setattr(cgip_2018, "build", cgip_reverted)
    monkeypatch.setattr(lineage, "build", lineage_changed)
    assert build.main(["--out", str(curated_copy)]) == 1
    err = capsys.readouterr().err
    assert "make data failed" in err
    # lineage completes link: done by 2018-06-30 (June 2018), observation in progress.
    assert "LC-member-development.4" in err and "OBS-CGIP18-1.5-1-2018-07" in err
    # AP15-3.9 is due December 2015 (2015-12-31), not 2016-01-31.
    assert "LC-workforce-plan.2" in err and "due_end '2015-12-31'" in err
    assert _same_folder(curated_copy, paths.CURATED_DIR)
