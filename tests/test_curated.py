"""The committed tables in data/curated/: complete, traceable, and exactly what make data writes."""

from __future__ import annotations

import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import load, schema
from kerslake_analysis.ingest.documents import build

TABLES = list(schema.TABLES)

#: The columns issue 3 and docs/design.md require of commitments.csv at least.
DESIGN_COMMITMENT_COLUMNS = [
    "commitment_id",
    "plan",
    "theme",
    "ref",
    "text",
    "owner",
    "timescale",
    "due_start",
    "due_end",
    "source",
    "source_line",
    "quote",
]


@pytest.fixture(scope="module")
def curated() -> dict:
    """Every curated table, loaded and validated (fails naming file, row and column)."""
    return load.load_all()


def test_committed_files_are_exactly_the_schema_tables():
    committed = sorted(path.stem for path in paths.CURATED_DIR.glob("*.csv"))
    assert committed == sorted(TABLES)


@pytest.mark.parametrize("name", TABLES)
def test_table_is_not_empty(curated, name):
    assert len(curated[name]) > 0


@pytest.mark.parametrize("name", TABLES)
def test_every_row_quotes_its_source_line_verbatim(curated, name):
    frame = curated[name]
    assert {"source", "source_line", "quote"} <= set(frame.columns)
    load.verify_quotes(frame, f"{name}.csv")


@pytest.mark.parametrize("name", TABLES)
def test_ids_are_unique_and_sorted(curated, name):
    ids = curated[name][schema.id_column(name)]
    assert ids.is_unique
    assert ids.tolist() == sorted(ids, key=build.natural_key)


def test_commitments_have_at_least_the_design_columns(curated):
    columns = list(curated["commitments"].columns)
    assert set(DESIGN_COMMITMENT_COLUMNS) <= set(columns)
    assert columns[: len(schema.commitments.columns)] == list(schema.commitments.columns)


def test_every_plan_has_commitments(curated):
    assert set(curated["commitments"]["plan"]) == set(schema.PLANS)


def test_every_observation_is_of_a_known_commitment(curated):
    known = set(curated["commitments"]["commitment_id"])
    assert set(curated["observations"]["commitment_id"]) <= known


def test_make_data_regenerates_the_committed_tables_byte_for_byte(tmp_path):
    build.build_all(tmp_path)
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted(f"{name}.csv" for name in TABLES)
    for name in written:
        committed = (paths.CURATED_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, f"{name} differs from make data"


README = paths.CURATED_DIR / "README.md"


def _readme_section(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index(f"### {name}.csv")
    end = text.find("\n### ", start + 1)
    return text[start : end if end != -1 else None]


@pytest.mark.parametrize("name", TABLES)
def test_readme_describes_every_column(name):
    section = _readme_section(name)
    missing = [c for c in schema.TABLES[name].columns if f"`{c}`" not in section]
    assert not missing, f"data/curated/README.md does not describe {name}.{missing}"


@pytest.mark.parametrize("name", TABLES)
def test_readme_row_counts_match_the_tables(curated, name):
    rows = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith(f"| `{name}.csv` |")
    ]
    assert len(rows) == 1
    assert rows[0].split("|")[2].strip() == str(len(curated[name]))


def test_readme_counts_the_actions_of_each_2015_plan(curated):
    ap15 = curated["commitments"].query("plan == 'ap-2015'")
    plan = ap15["commitment_id"].str.extract(r"^AP15-(\d+)\.")[0]
    lettered = ap15["commitment_id"].str.contains(r"[a-z]$")
    text = README.read_text(encoding="utf-8")
    for number in sorted(plan.unique(), key=int):
        in_plan = plan == number
        numbered, follow_on = int((in_plan & ~lettered).sum()), int((in_plan & lettered).sum())
        row = next(line for line in text.splitlines() if line.startswith(f"| {number} | "))
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        assert cells[3:6] == [str(numbered), str(follow_on), str(numbered + follow_on)], row
