"""A register that cannot record completion gets no slippage rate or earned schedule.

Its statuses are phases (the NYC example: Design, Construction …), all read as In
progress, so every item past its due date is behind by construction: the slippage rate
would be 100% and earned value zero whatever happened. The figures below are worked by
hand from the three-row trackers written in each test.
"""

from __future__ import annotations

from pathlib import Path

from kerslake_analysis.report import headline_figures
from kerslake_analysis.report.figures_file import figures
from kerslake_analysis.report.headline import headline_sentence
from kerslake_analysis.report.plan_data import load_plan, period_view
from kerslake_analysis.report.schedule_readings import earned_schedule_reading

#: As of 29 Feb 2024: P (due 15 Jan) and Q (due 31 Jan) are past their due date and
#: not complete, so behind; R (due 31 Mar) is not yet due.
ROWS = [
    "Ref,Project,Due,Phase",
    "P,Rebuild the depot,15/01/2024,Design",
    "Q,Replace the boilers,31/01/2024,Construction",
    "R,Resurface the car park,31/03/2024,Design",
]

MAPPING = """
name = "phases"
title = "Projects by phase (made for the test)"

[files]
date_formats = ["%d/%m/%Y"]

[columns]
id = "Ref"
text = "Project"
due_end = "Due"
status = "Phase"

[status.values]
"Design" = "In progress"
"Construction" = "In progress"
"""


def _register(folder: Path, rows: list[str], mapping: str) -> tuple[str, str]:
    folder.mkdir()
    (folder / "tracker_2024-02.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (folder / "mapping.toml").write_text(mapping, encoding="utf-8")
    return str(folder), str(folder / "mapping.toml")


def test_phases_only_register_withholds_the_measures_of_completion(tmp_path):
    data = load_plan("", *_register(tmp_path / "phases", ROWS, MAPPING))
    assert not data.records_completion
    view = period_view(data, "2024-02")
    now = headline_figures.headline(view)["now"]
    # The counts stay: 2 behind of 3, 2 past due.
    assert (now["commitments"], now["behind_schedule"], now["past_due"]) == (3, 2, 2)
    # 2 / 2 = 100% by construction: withheld, as are BEI and earned schedule.
    assert now["slippage_rate"] is None
    assert now["baseline_execution_index"] is None
    assert now["schedule_variance_months"] is None
    assert now["schedule_performance_index"] is None
    sentence = headline_sentence(view)
    assert "2 of the 3 commitments" in sentence and "were behind schedule" in sentence
    assert "The register records no completion" in sentence
    assert "had slipped" not in sentence and "100%" not in sentence
    assert "were complete" not in sentence
    reading = earned_schedule_reading(view)
    assert reading.startswith("Earned schedule is not computable: the register records no")
    assert figures(view)["records_completion"] is False


def test_a_mapped_complete_word_keeps_the_measures_even_before_anything_completes(tmp_path):
    mapping = MAPPING + '"Handed over" = "Complete"\n'
    data = load_plan("", *_register(tmp_path / "mapped", ROWS, mapping))
    assert data.records_completion
    now = headline_figures.headline(period_view(data, "2024-02"))["now"]
    assert now["slippage_rate"] == 1.0  # 2 behind of 2 past due: a real 100%


def test_a_snapshot_that_says_complete_keeps_the_measures(tmp_path):
    # "Complete" is one of the six statuses, read without a mapping entry. S (due 15 Feb)
    # is complete: past due P, Q, S = 3, behind P, Q = 2, slippage rate 2/3.
    rows = [*ROWS, "S,Open the new library,15/02/2024,Complete"]
    data = load_plan("", *_register(tmp_path / "literal", rows, MAPPING))
    assert data.records_completion
    now = headline_figures.headline(period_view(data, "2024-02"))["now"]
    assert (now["past_due"], now["behind_schedule"]) == (3, 2)
    assert abs(now["slippage_rate"] - 2 / 3) < 1e-6  # figures keep six decimals


def test_the_embedded_documents_always_record_completion():
    assert load_plan("ap-2015").records_completion
