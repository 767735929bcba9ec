"""The 2018 plan shipped as a council tracker gives the same figures as the curated route."""

from __future__ import annotations

import pytest

from kerslake_analysis import paths, tracker_export
from kerslake_analysis import report_content as content
from kerslake_analysis.register import validate_register

TRACKER = paths.REGISTERS_DIR / "cgip-2018"
MAPPING = TRACKER / "mapping.toml"


def test_shipped_tracker_is_valid():
    assert validate_register(TRACKER, MAPPING) == []


def test_shipped_tracker_files_are_what_make_data_writes(tmp_path):
    from kerslake_analysis import load

    written = tracker_export.export_tracker(
        load.load_commitments(),
        load.load_observations(),
        "cgip-2018",
        tracker_export.SHIPPED_TRACKERS["cgip-2018"],
        tmp_path,
    )
    for path in written:
        assert path.read_bytes() == (TRACKER / path.name).read_bytes(), path.name


@pytest.mark.parametrize("period", ["2018-07", "2018-08", "2018-09"])
def test_both_routes_give_the_same_figures(period):
    embedded = content.figures(content.period_view(content.embedded_plan("cgip-2018"), period))
    tracker = content.figures(
        content.period_view(content.load_plan("", str(TRACKER), str(MAPPING)), period)
    )
    # A tracker also shows how due dates moved between snapshots, which the curated
    # route (one document) cannot; every figure both routes show must be equal.
    assert set(tracker) - set(embedded) <= {"due_date_changes"}
    assert {k: tracker[k] for k in embedded} == embedded
    # and the figures are not trivially empty: 104 dated outputs + 7 dated promises
    # outside the Outputs column = 111, hand-counted in tests/test_source_cgip_2018.py
    assert embedded["headline"]["commitments"] == 111
