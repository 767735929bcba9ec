"""The 2018 plan shipped as a council tracker gives the same figures as the curated route."""

from __future__ import annotations

import re

import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import tracker_export
from kerslake_analysis.ingest.register import validate_register
from kerslake_analysis.report import figures_file
from kerslake_analysis.report.plan_data import embedded_plan, load_plan, period_view

TRACKER = paths.REGISTERS_DIR / "cgip-2018"
MAPPING = TRACKER / "mapping.toml"


def test_shipped_tracker_is_valid():
    assert validate_register(TRACKER, MAPPING) == []


def test_shipped_tracker_files_are_what_make_data_writes(tmp_path):
    from kerslake_analysis.ingest import load

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
    embedded = figures_file.figures(period_view(embedded_plan("cgip-2018"), period))
    tracker = figures_file.figures(period_view(load_plan("", str(TRACKER), str(MAPPING)), period))
    # A tracker also shows how due dates moved between snapshots, which the curated
    # route (one document) cannot; every figure both routes show must be equal, but for
    # one label: the shipped tracker has no timescale column, so it cannot say that an
    # undated output is "… onwards" (Ongoing) and those stay TBC, as a council register
    # does unless it says ongoing. The counts are the same.
    # The trace cites each route's own evidence (a tracker cell, a line of the document),
    # so it is compared by the commitments each figure counts, not the observations cited.
    # Two counts rest on what only the documents carry, so they are left out of the
    # comparison: the tracker dates each cell at its snapshot (never before a due date the
    # snapshot has passed) and a tracker cell has no transcription to doubt. The tracker
    # route has none of either; the documents' counts are hand-checked in
    # tests/test_period_report.py.
    assert all(tracker["headline"][key] == 0 for key in CAVEATS)
    embedded, tracker = _without_caveats(embedded), _without_caveats(tracker)
    assert set(tracker) - set(embedded) <= {"due_date_changes"}
    assert _counted(tracker["trace"]) == _counted(embedded["trace"])
    assert _counted(embedded["trace"])["complete"]  # not trivially empty
    untraced = [k for k in embedded if not k.startswith("trace")]
    assert {k: tracker[k] for k in untraced} == {
        k: v for k, v in _ongoing_as_tbc(embedded).items() if k in untraced
    }
    # and the figures are not trivially empty: 104 dated outputs + 7 dated promises
    # outside the Outputs column = 111, hand-counted in tests/test_source_cgip_2018.py
    assert embedded["headline"]["commitments"] == 111


#: Headline counts of behind commitments resting on weak document evidence.
CAVEATS = ("behind_last_evidence_before_due", "behind_on_doubtful_readings")


def _without_caveats(figures: dict) -> dict:
    """The figures without :data:`CAVEATS` (headline, trace and their sentences)."""
    out = dict(figures)
    out["headline"] = {k: v for k, v in figures["headline"].items() if k not in CAVEATS}
    out["trace"] = {k: v for k, v in figures["trace"].items() if k not in CAVEATS}
    out["headline_sentence"] = re.sub(
        r" \d+ of (them|the \d+ behind) (was|were|rest on) .*?(since|figures.json trace)\.",
        "",
        figures["headline_sentence"],
    )
    return out


def _counted(trace: dict) -> dict:
    """Each traced figure's basis and the commitments it counts (without the citations)."""
    return {
        key: (entry["basis"], entry["value"], sorted(entry.get("evidence", {})))
        for key, entry in trace.items()
    }


def _ongoing_as_tbc(figures: dict) -> dict:
    """The figures with the Ongoing status counted as TBC (see above)."""

    def fold(counts: dict) -> dict:
        folded = dict(counts)
        folded["TBC"] += folded["Ongoing"]
        folded["Ongoing"] = 0
        return folded

    out = dict(figures)
    out["status_counts"] = fold(figures["status_counts"])
    out["status_by_theme"] = {t: fold(c) for t, c in figures["status_by_theme"].items()}
    ongoing = figures["status_counts"]["Ongoing"]
    if ongoing:
        alt = figures["charts"]["status_by_theme"]["alt"]
        chart = {
            **figures["charts"]["status_by_theme"],
            "alt": alt.replace(f"Ongoing {ongoing}", f"TBC {ongoing}"),
        }
        out["charts"] = {**figures["charts"], "status_by_theme": chart}
    return out
