"""The make-data builder: gathering, due windows, sorting, validation, atomic writing.

The tests plug small fake source modules into ``kerslake_analysis.ingest.documents`` so the
builder's own behaviour is checked independently of the real documents' modules
(those are covered by tests/test_curated.py). Quotes in the fakes are real lines of
the gap analysis (``003_…``): line 3 is "Gap analysis summary - March 2016", line 7
"Political leadership"; line 10 of the 2018 plan (``001_…``) holds "Green – complete".
"""

from __future__ import annotations

import sys
import types

import pandas as pd
import pytest

from kerslake_analysis.ingest import schema
from kerslake_analysis.ingest.documents import build
from kerslake_analysis.ingest.load import CuratedDataError, load_commitments, load_table

GAP = "003_5c42c1f83524bff3.txt"
CGIP = "001_3e6875fb2dbcaf44.txt"


def _reason_rows(ids: list[str]) -> pd.DataFrame:
    """Rows of the slippage_reasons table, one per ID, all quoting line 3 of the gap analysis."""
    return pd.DataFrame(
        {
            "slippage_reason_id": ids,
            "plan": ["gap-2016"] * len(ids),
            "period": ["2016-03"] * len(ids),
            "reason_order": range(1, len(ids) + 1),
            "reason": ["A reason"] * len(ids),
            "source": [GAP] * len(ids),
            "source_line": [3] * len(ids),
            "quote": ["Gap analysis summary"] * len(ids),
        }
    )


def _commitment(commitment_id: str, timescale: str, reference: str = "") -> dict:
    return {
        "commitment_id": commitment_id,
        "plan": "gap-2016",
        "theme": "Political leadership",
        "sub_theme": "",
        "ref": "",
        "text": "Cabinet members focused on a collective vision",
        "owner": "",
        "timescale": timescale,
        "timescale_reference": reference,
        "kerslake_refs": "",
        "measures": "",
        "source": GAP,
        "source_line": 7,
        "quote": "Political leadership",
        "transcription_note": "",
    }


@pytest.fixture
def fake_sources(monkeypatch):
    """Register fake source modules by name; returns a function ``add(name, build)``."""

    def add(name: str, build_function) -> str:
        module = types.ModuleType(f"kerslake_analysis.ingest.documents.{name}")
        module.build = build_function
        monkeypatch.setitem(sys.modules, module.__name__, module)
        return name

    return add


def test_natural_key_orders_numbers_inside_ids():
    ids = ["CGIP18-4.10", "CGIP18-4.9-2", "CGIP18-4.9", "CGIP18-10.1", "CGIP18-4.9-10"]
    assert sorted(ids, key=build.natural_key) == [
        "CGIP18-4.9",
        "CGIP18-4.9-2",
        "CGIP18-4.9-10",
        "CGIP18-4.10",
        "CGIP18-10.1",
    ]


def test_rows_of_all_modules_are_joined_and_sorted_by_id(fake_sources, tmp_path):
    a = fake_sources("fake_a", lambda: {"slippage_reasons": _reason_rows(["s10", "s9"])})
    b = fake_sources("fake_b", lambda: {"slippage_reasons": _reason_rows(["s2"])})
    build.build_all(tmp_path, modules=(a, b))
    assert load_table("slippage_reasons", tmp_path)["slippage_reason_id"].tolist() == [
        "s2",
        "s9",
        "s10",
    ]


def test_output_is_identical_whatever_the_module_order(fake_sources, tmp_path):
    a = fake_sources("fake_a", lambda: {"slippage_reasons": _reason_rows(["s10", "s9"])})
    b = fake_sources("fake_b", lambda: {"slippage_reasons": _reason_rows(["s2"])})
    build.build_all(tmp_path / "ab", modules=(a, b))
    build.build_all(tmp_path / "ba", modules=(b, a))
    first = (tmp_path / "ab" / "slippage_reasons.csv").read_bytes()
    assert first == (tmp_path / "ba" / "slippage_reasons.csv").read_bytes()


def test_csv_is_utf8_with_newline_endings_and_schema_column_order(fake_sources, tmp_path):
    def rows():
        frame = _reason_rows(["green"])
        # columns deliberately out of order; the builder restores the schema's order
        return {
            "slippage_reasons": frame.assign(source=CGIP, source_line=10, quote="Green – complete")[
                [
                    "quote",
                    "reason",
                    "source_line",
                    "period",
                    "slippage_reason_id",
                    "source",
                    "plan",
                    "reason_order",
                ]
            ]
        }

    build.build_all(tmp_path, modules=(fake_sources("fake", rows),))
    data = (tmp_path / "slippage_reasons.csv").read_bytes()
    assert b"\r" not in data
    assert data.decode("utf-8") == (
        "slippage_reason_id,plan,period,reason_order,reason,source,source_line,quote\n"
        "green,gap-2016,2016-03,1,A reason,001_3e6875fb2dbcaf44.txt,10,Green – complete\n"
    )


def test_due_windows_are_added_to_commitments(fake_sources, tmp_path):
    rows = pd.DataFrame(
        [
            _commitment("GAP16-political-leadership", "Spring 15"),
            _commitment("GAP16-culture", "TBC"),
        ]
    )
    build.build_all(tmp_path, modules=(fake_sources("fake", lambda: {"commitments": rows}),))
    frame = load_commitments(tmp_path).set_index("commitment_id")
    # Spring is meteorological (docs/design.md): March to May 2015.
    assert frame.loc["GAP16-political-leadership", "due_start"] == pd.Timestamp("2015-03-01")
    assert frame.loc["GAP16-political-leadership", "due_end"] == pd.Timestamp("2015-05-31")
    assert frame.loc["GAP16-culture", "timescale_kind"] == "tbc"
    assert pd.isna(frame.loc["GAP16-culture", "due_end"])
    header = (tmp_path / "commitments.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == list(schema.commitments.columns)


def test_every_unparseable_timescale_is_reported_with_its_row(fake_sources, tmp_path):
    rows = pd.DataFrame(
        [
            _commitment("GAP16-c", "whenever suits"),
            _commitment("GAP16-a", "Spring 15"),
            _commitment("GAP16-b", "at some point"),
        ]
    )
    with pytest.raises(CuratedDataError) as error:
        build.build_all(tmp_path, modules=(fake_sources("fake", lambda: {"commitments": rows}),))
    # sorted by ID: GAP16-a row 2, GAP16-b row 3, GAP16-c row 4
    timescale_problems = [p for p in error.value.problems if p.column == "timescale"]
    assert [p.row for p in timescale_problems] == [3, 4]
    assert "at some point" in timescale_problems[0].message
    assert "whenever suits" in timescale_problems[1].message
    assert not list(tmp_path.glob("*.csv"))


def test_quote_not_on_its_line_names_table_row_column_and_module(fake_sources, tmp_path):
    def rows():
        return {"slippage_reasons": _reason_rows(["a", "b"]).assign(source_line=[3, 4])}

    with pytest.raises(CuratedDataError) as error:
        build.build_all(tmp_path, modules=(fake_sources("fake_quotes", rows),))
    assert [str(p) for p in error.value.problems] == [
        "slippage_reasons.csv, row 3, column quote: not on line 4 of 003_5c42c1f83524bff3.txt: "
        "'Gap analysis summary' [ingest/documents/fake_quotes.py]"
    ]


def test_duplicate_ids_across_modules_are_reported(fake_sources, tmp_path):
    a = fake_sources("fake_a", lambda: {"slippage_reasons": _reason_rows(["same"])})
    b = fake_sources("fake_b", lambda: {"slippage_reasons": _reason_rows(["same"])})
    with pytest.raises(CuratedDataError, match=r"duplicate 'same' \(rows 2, 3\)"):
        build.build_all(tmp_path, modules=(a, b))


def test_observation_of_unknown_commitment_fails_the_build(fake_sources, tmp_path):
    observations = pd.DataFrame(
        {
            "observation_id": ["GAP16-x.2016-09"],
            "commitment_id": ["GAP16-x"],
            "period": ["2016-09"],
            "observed_on": ["2016-09-30"],
            "state": ["unknown"],
            "evidence": [""],
            "source": [GAP],
            "source_line": [7],
            "quote": ["Political leadership"],
            "transcription_note": [""],
        }
    )
    commitments = pd.DataFrame([_commitment("GAP16-y", "TBC")])
    module = fake_sources(
        "fake", lambda: {"commitments": commitments, "observations": observations}
    )
    with pytest.raises(CuratedDataError, match=r"observations.csv, row 2, column commitment_id"):
        build.build_all(tmp_path, modules=(module,))


def test_missing_module_is_named_unless_allowed(fake_sources, tmp_path):
    present = fake_sources("fake", lambda: {"slippage_reasons": _reason_rows(["a"])})
    with pytest.raises(build.MissingSourceModuleError, match="no_such_document"):
        build.build_tables(modules=(present, "no_such_document"))
    tables, missing = build.build_tables(modules=(present, "no_such_document"), allow_missing=True)
    assert missing == ["no_such_document"]
    assert list(tables) == ["slippage_reasons"]


def test_failing_module_and_unknown_table_are_reported_together(fake_sources):
    def broken():
        raise ValueError("cannot find the table of aims")

    a = fake_sources("fake_broken", broken)
    b = fake_sources("fake_odd", lambda: {"statuses": _reason_rows(["a"])})
    with pytest.raises(CuratedDataError) as error:
        build.build_tables(modules=(a, b))
    text = str(error.value)
    assert (
        "ingest/documents/fake_broken.py, all rows, column 'build()': ValueError: cannot find"
        in text
    )
    assert (
        "ingest/documents/fake_odd.py, all rows, column 'build()': unknown table 'statuses'" in text
    )


def test_failed_validation_leaves_existing_files_untouched(fake_sources, tmp_path):
    good = fake_sources("fake_good", lambda: {"slippage_reasons": _reason_rows(["a"])})
    build.build_all(tmp_path, modules=(good,))
    before = (tmp_path / "slippage_reasons.csv").read_bytes()
    bad = fake_sources("fake_bad", lambda: {"slippage_reasons": _reason_rows(["a", "a"])})
    with pytest.raises(CuratedDataError):
        build.build_all(tmp_path, modules=(bad,))
    assert (tmp_path / "slippage_reasons.csv").read_bytes() == before


def test_failed_write_leaves_no_half_written_tables(fake_sources, tmp_path, monkeypatch):
    def rows(suffix: str) -> dict[str, pd.DataFrame]:
        reasons = _reason_rows([f"r{suffix}"])
        snapshots = pd.DataFrame(
            {
                "snapshot_id": [f"s{suffix}"],
                "plan": ["gap-2016"],
                "period": ["2016-03"],
                "measure": ["themes"],
                "value": [7],
                "unit": [""],
                "source": [GAP],
                "source_line": [3],
                "quote": ["March 2016"],
            }
        )
        return {"slippage_reasons": reasons, "snapshots": snapshots}

    module = fake_sources("fake", lambda: rows("1"))
    build.build_all(tmp_path, modules=(module,))
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}

    calls = []
    original = pd.DataFrame.to_csv

    def to_csv_failing_on_second_table(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv_failing_on_second_table)
    module = fake_sources("fake2", lambda: rows("2"))
    with pytest.raises(OSError, match="disk full"):
        build.build_all(tmp_path, modules=(module,))
    after = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    assert after == before  # no table replaced, no temporary file left behind


def test_main_writes_to_out_and_reports_failure(fake_sources, tmp_path, monkeypatch, capsys):
    good = fake_sources("fake_good", lambda: {"slippage_reasons": _reason_rows(["a"])})
    monkeypatch.setattr(build, "SOURCE_MODULES", (good,))
    assert build.main(["--out", str(tmp_path)]) == 0
    assert (tmp_path / "slippage_reasons.csv").is_file()
    assert "slippage_reasons.csv (1 rows)" in capsys.readouterr().out

    monkeypatch.setattr(build, "SOURCE_MODULES", (good, "no_such_document"))
    assert build.main(["--out", str(tmp_path)]) == 1
    assert "no_such_document" in capsys.readouterr().err


def test_schema_knows_every_timescale_kind():
    from kerslake_analysis.ingest import timescales

    assert schema.TIMESCALE_KINDS == timescales.KINDS
