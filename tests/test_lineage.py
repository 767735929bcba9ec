"""Lineage chains: hand-checked dates and slips, verbatim quotes, IDs, the rendered page."""

from __future__ import annotations

import html
import json
import re
import shutil

import pandas as pd
import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.ingest import load
from kerslake_analysis.ingest.documents import lineage as lineage_source
from kerslake_analysis.ingest.load import CuratedDataError
from kerslake_analysis.ingest.provenance import SourceDocument
from kerslake_analysis.measure import lineage
from kerslake_analysis.measure.lineage_candidates import candidate_pairs, evidence_texts
from kerslake_analysis.report import display
from kerslake_analysis.report.lineage_page import LINEAGE_NOTEBOOK, render_lineage

DAY = pd.Timestamp


@pytest.fixture(scope="module")
def curated() -> dict[str, pd.DataFrame]:
    return load.load_all()


@pytest.fixture(scope="module")
def links(curated) -> pd.DataFrame:
    return curated["lineage"]


@pytest.fixture(scope="module")
def summary(links) -> pd.DataFrame:
    return lineage.chain_summary(links).set_index("chain_id")


# --------------------------------------------------------------------------- the chains


def test_at_least_ten_chains_each_with_a_link(links):
    assert links["chain_id"].nunique() >= 10
    assert (links.groupby("chain_id")["step"].min() == 1).all()


# Each case was worked out by hand from the documents. Due dates follow docs/design.md: a month
# is its last day, a season its last month's last day (Summer 15 = Jun-Aug 2015 -> 31 Aug).
HAND_CHECKED = [
    # AP15-4.6c "develop and appraise options ... for changes to city wide scrutiny", Apr-15
    # (004 line 929) -> due 2015-04-30. Done: "reduced to five at the Council AGM on 21st May"
    # (000 line 423) -> 2015-05-21. Slip = 21 May - 30 Apr = 21 days; 21 / 30.4375 = 0.69.
    ("LC-scrutiny-committees", "2015-04-30", "2015-05-21", 21, 0.7, "exact"),
    # AP15-5.11 "Launch event of the City Partnership", Summer 15 -> due 2015-08-31. Done:
    # "First meeting of the City Partners Board took place on 19 September" (001 line 163,
    # September Update 2018) -> 2018-09-19. 31 Aug 2015 -> 31 Aug 2016 = 366 (29 Feb 2016)
    # -> 31 Aug 2017 = 365 -> 31 Aug 2018 = 365 -> 19 Sep 2018 = 19: 1115 days; / 30.4375 =
    # 36.63 months.
    ("LC-city-board", "2015-08-31", "2018-09-19", 1115, 36.6, "exact"),
    # AP15-3.14 whistleblowing, Dec-14 -> due 2014-12-31. Done "in the summer of 2015" (000
    # line 360) -> by 2015-08-31. Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30 +
    # Jul 31 + Aug 31 = 243 days, at most (only the season is known); 243 / 30.4375 = 7.98.
    ("LC-whistleblowing", "2014-12-31", "2015-08-31", 243, 8.0, "at most"),
    # AP15-1.22 values and behaviours, Feb-15 -> due 2015-02-28. The December 2015 report
    # (000 line 221) has the values agreed but no programme to embed them (progress only);
    # first evidence of completion: the campaign "launched ... in February 2016" (003 line
    # 55) -> by 2016-02-29 (month only). 28 Feb 2015 -> 28 Feb 2016 = 365 days, + 29 Feb
    # 2016 = 366 days; 366 / 30.4375 = 12.02 months.
    ("LC-values-behaviours", "2015-02-28", "2016-02-29", 366, 12.0, "at most"),
    # AP15-2.6 consult on 2016/17 budget and the medium/long-term plan, Winter 15 (Dec 2015 -
    # Feb 2016) -> due 2016-02-29. Done: the March 2016 gap analysis (003 line 25) -> by
    # 2016-03-31: 31 days; 31 / 30.4375 = 1.02.
    ("LC-financial-plan", "2016-02-29", "2016-03-31", 31, 1.0, "at most"),
]


@pytest.mark.parametrize(("chain", "due", "done", "days", "months", "bound"), HAND_CHECKED)
def test_completed_chain_dates_and_slip(summary, chain, due, done, days, months, bound):
    row = summary.loc[chain]
    assert row["status"] == "complete"
    assert row["first_due"] == DAY(due)
    assert row["first_done_on"] == DAY(done)
    assert row["slip_days"] == days
    assert row["slip_months"] == months
    assert row["slip_bound"] == bound


# Open chains: slip runs from the first due date to the last document that mentions them.
HAND_CHECKED_OPEN = [
    # AP15-3.9 "Agree strategic workforce plan", Dec-15 -> due 2015-12-31; restated as
    # CGIP18-3.5-1 (September 2018) and IIF21-16 (2021, "over the coming two to five years"
    # from 19 Jan 2021 -> 2026-01-19). Last seen 2021-01-19. 31 Dec 2015 -> 31 Dec 2020 =
    # 5 x 365 + 2 leap days (29 Feb 2016, 29 Feb 2020) = 1827, + 19 = 1846 days; / 30.4375
    # = 60.65 months.
    ("LC-workforce-plan", "2015-12-31", 2, "2026-01-19", "2021-01-19", 1846, 60.6),
    # AP15-2.18 full review of performance management, Winter 15 -> due 2016-02-29; put off
    # to "later in 2016" (2016-12-31), restated as CGIP18-4.3-1 (July 2018) and IIF21-12
    # (2026-01-19). 29 Feb 2016 -> 28 Feb 2020 = 4 x 365 = 1460; -> 29 Feb 2020 = 1; Mar to
    # Dec 2020 = 306; + 19 = 1786 days.
    ("LC-performance-management", "2016-02-29", 3, "2026-01-19", "2021-01-19", 1786, 58.7),
    # GAP16-local-leadership: a community cohesion strategy "In six months' time" from March
    # 2016 -> due 2016-09-30; restated for September 2018 (CGIP18-5.1-2), then "Cabinet on
    # 13 November" 2018 (update). Last seen 2018-09-30: 2 x 365 = 730 days; = 23.98 months.
    ("LC-community-cohesion", "2016-09-30", 2, "2018-11-13", "2018-09-30", 730, 24.0),
]


@pytest.mark.parametrize(
    ("chain", "due", "restated", "latest_due", "last_seen", "days", "months"), HAND_CHECKED_OPEN
)
def test_open_chain_dates_and_slip(
    summary, chain, due, restated, latest_due, last_seen, days, months
):
    row = summary.loc[chain]
    assert row["status"] == "open"
    assert pd.isna(row["first_done_on"])
    assert row["first_due"] == DAY(due)
    assert row["restatements"] == restated
    assert row["latest_due"] == DAY(latest_due)
    assert row["last_seen_on"] == DAY(last_seen)
    assert row["slip_end_on"] == DAY(last_seen)
    assert row["slip_days"] == days
    assert row["slip_months"] == months
    assert row["slip_bound"] == "at least"


def test_completion_evidence_is_the_named_row(summary):
    assert summary.loc["LC-city-board", "first_done_ref"] == "CGIP18-4.1-upd-1"
    assert summary.loc["LC-scrutiny-committees", "first_done_ref"] == "PR15-AP15-4.6c"
    assert summary.loc["LC-economy-lead", "first_done_ref"] == "CGIP18-4.6"
    # The Economy Director is first seen in the September 2018 edition, dated by it.
    assert summary.loc["LC-economy-lead", "done_precision"] == "document"


def test_tbc_first_promise_has_no_slip(summary):
    # AP15-4.4 (Boundary Commission submission) is "TBC" and no later text dates it.
    row = summary.loc["LC-boundary-review"]
    assert pd.isna(row["first_due"]) and pd.isna(row["slip_days"])
    assert row["status"] == "complete"


def test_restatements_after_completion_count_only_later_documents(summary):
    # Values: done by the March 2016 gap analysis (the February 2016 campaign, 003 line
    # 55; the December 2015 report shows only progress, no programme to embed them).
    # Restated afterwards twice in the 2018 plan (CGIP18-2.2-1, CGIP18-2.3-upd-1) = 2. The
    # gap analysis's own "In six months' time" (GAP16-organisational-culture) is in the same
    # document, and the December 2015 "re-visit our values" (line 237) is earlier: neither
    # counts.
    assert summary.loc["LC-values-behaviours", "restated_after_done"] == 2
    # City board: done in the 2018 plan; its restatements are in that same plan.
    assert summary.loc["LC-city-board", "restated_after_done"] == 0


def test_a_latest_due_derived_from_a_relative_timescale_is_shown_as_its_range(summary):
    # 002 line 345: "Over the coming two to five years they will:" (IIF21-8 .. 14, 16),
    # in the report dated 19 January 2021: two years on is 19 January 2023, five years
    # 19 January 2026 (commitments.csv due_start / due_end), a range the project derived.
    from kerslake_analysis.report import lineage_page

    for chain in ("LC-workforce-plan", "LC-performance-management", "LC-support-services"):
        row = summary.loc[chain]
        assert row["latest_due"] == pd.Timestamp("2026-01-19")
        assert row["latest_due_derived"] == (
            "over the coming two to five years from 19 January 2021: "
            "January 2023 – January 2026 (derived)"
        )
        sentence = lineage_page.chain_sentence(row)
        assert (
            "most recently due over the coming two to five years from 19 January 2021" in sentence
        )
        assert "2026-01-19" not in sentence
    # a due date a document gives is shown as a date, not marked derived
    assert pd.isna(summary.loc["LC-city-board", "latest_due_derived"])
    table = lineage_page.slip_table(summary.reset_index())
    assert "latest due 2018-09-30" in " ".join(table["Restated"])


def test_summary_is_sorted_by_total_slip_longest_first(summary):
    slips = summary["slip_days"].dropna().tolist()
    assert slips == sorted(slips, reverse=True)
    assert pd.isna(summary["slip_days"].iloc[-1])


def test_events_of_a_chain_in_document_order(links):
    events = lineage.chain_events(links)
    board = events[events["chain_id"] == "LC-city-board"]
    assert board["event"].astype(str).tolist() == [
        "promised",
        "progress",
        "restated",
        "restated",
        "done",
        "done",
    ]
    # The July 2018 update moves the launch to September 2018.
    moved = board[board["ref"] == "CGIP18-6.1-upd-2"].iloc[0]
    assert (moved["on"], moved["due"]) == (DAY("2018-07-31"), DAY("2018-09-30"))


# --------------------------------------------------------------------------- provenance


def test_both_quotes_are_verbatim_on_their_lines(links):
    keys = {name: key for key, name in paths.SOURCE_FILES.items()}
    for row in links.itertuples():
        SourceDocument.open(keys[row.from_source]).check(row.from_quote, row.from_source_line)
        SourceDocument.open(keys[row.source]).check(row.quote, row.source_line)


def test_every_id_exists_in_its_table(curated, links):
    commitments = curated["commitments"].set_index("commitment_id")
    assert set(links["from_commitment_id"]) <= set(commitments.index)
    tables = {
        "commitment": ("commitments", "commitment_id"),
        "observation": ("observations", "observation_id"),
        "update": ("cgip18_updates", "update_id"),
        "aim": ("cgip18_aims", "aim_id"),
    }
    for kind, (table, column) in tables.items():
        named = links.loc[links["to_kind"] == kind, "to_ref"]
        assert set(named) <= set(curated[table][column]), kind
    assert (links.loc[links["to_kind"] == "statement", "to_ref"] == "").all()


def test_due_dates_are_the_commitments_own(curated, links):
    commitments = curated["commitments"].set_index("commitment_id")
    due = commitments["due_end"]
    assert links["from_due"].equals(
        links["from_commitment_id"].map(due).astype(links["from_due"].dtype)
    )
    later = links[links["to_kind"] == "commitment"]
    assert later["to_due"].equals(later["to_ref"].map(due).astype(later["to_due"].dtype))


def test_observation_ends_evidence_the_from_commitment(curated, links):
    observations = curated["observations"].set_index("observation_id")
    ends = links[links["to_kind"] == "observation"]
    assert (ends["to_ref"].map(observations["commitment_id"]) == ends["from_commitment_id"]).all()
    assert (ends["to_ref"].map(observations["observed_on"]) == ends["to_on"]).all()


# --------------------------------------------------------------------------- bad input


def _write(tmp_path, rows: pd.DataFrame):
    path = tmp_path / "lineage.csv"
    rows.to_csv(path, index=False, lineterminator="\n")
    return path


@pytest.fixture
def transcription() -> pd.DataFrame:
    return pd.read_csv(lineage_source.LINKS_FILE, dtype=str, keep_default_na=False)


def test_quote_not_on_its_line_is_named_by_file_row_and_column(tmp_path, transcription):
    bad = transcription.copy()
    bad.loc[0, "to_source_line"] = str(int(bad.loc[0, "to_source_line"]) + 1)
    with pytest.raises(CuratedDataError) as error:
        lineage_source.build(_write(tmp_path, bad))
    assert "lineage.csv, row 2, column to_" in str(error.value)


def test_unknown_commitment_and_broken_chain_are_reported_together(tmp_path, transcription):
    bad = transcription.copy()
    bad.loc[0, "from_commitment_id"] = "AP15-9.99"
    last = bad.index[-1]
    bad.loc[last, "step"] = "7"
    with pytest.raises(CuratedDataError) as error:
        lineage_source.build(_write(tmp_path, bad))
    message = str(error.value)
    assert "row 2, column from_commitment_id: no such commitment_id: 'AP15-9.99'" in message
    assert f"row {last + 2}, column step" in message


def test_observation_of_another_commitment_is_refused(tmp_path, transcription):
    bad = transcription.copy()
    row = bad.index[bad["to_ref"] == "PR15-AP15-3.9"][0]
    bad.loc[row, ["to_ref"]] = "PR15-AP15-3.8"
    with pytest.raises(CuratedDataError, match="is evidence of AP15-3.8"):
        lineage_source.build(_write(tmp_path, bad))


def test_a_date_after_its_document_is_refused(tmp_path, transcription):
    bad = transcription.copy()
    row = bad.index[bad["to_ref"] == "CGIP18-4.1-upd-1"][0]
    bad.loc[row, "to_on"] = "2018-10-02"
    with pytest.raises(CuratedDataError, match=r"column to_on: after"):
        lineage_source.build(_write(tmp_path, bad))


# --------------------------------------------------------------------------- period reports


def test_chains_for_links_commitments_to_their_chain_sections(links):
    found = lineage.chains_for(["AP15-3.9", "IIF21-12", "CGIP18-1.1-1"], links)
    assert found[["commitment_id", "chain_id", "role"]].values.tolist() == [
        ["AP15-3.9", "LC-workforce-plan", "promised"],
        ["IIF21-12", "LC-performance-management", "restated"],
    ]
    assert found["href"].tolist() == [
        "../../lineage/lineage.html#LC-workforce-plan",
        "../../lineage/lineage.html#LC-performance-management",
    ]
    assert lineage.chains_for([], links).empty


# --------------------------------------------------------------------------- candidates


def test_tf_idf_suggests_a_confirmed_link_and_only_looks_forward(curated):
    pairs = candidate_pairs(evidence_texts(curated), min_similarity=0.25, per_item=3)
    # Kerslake 9b's wording, nearly verbatim in the 2018 output CGIP18-6.1-2.
    assert ((pairs["from_ref"] == "AP15-5.24") & (pairs["to_ref"] == "CGIP18-6.1-2")).any()
    dates = lineage_source.DOCUMENT_DATES
    assert (pairs["from_source"].map(dates) < pairs["to_source"].map(dates)).all()


# --------------------------------------------------------------------------- the page


def test_anchor_helper_escapes_text_and_refuses_unsafe_ids():
    assert display.anchored_heading_html("<x>", "LC-a.1") == '<h2 id="LC-a.1">&lt;x&gt;</h2>'
    with pytest.raises(ValueError):
        display.anchored_heading_html("x", 'a" onclick="')


def test_notebook_parameters_are_typed_literals_with_comments():
    nb = json.loads(LINEAGE_NOTEBOOK.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    lines = [ln for ln in "".join(tagged[0]["source"]).splitlines() if ln.strip()]
    assert [ln.split(":")[0] for ln in lines] == ["curated_dir", "output_dir"]
    assert all(': str = ""  # ' in ln for ln in lines)
    assert all(c.get("id") for c in nb["cells"])


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("lineage")
    result = render_lineage(out)
    assert result.ok, result.error
    yield out
    shutil.rmtree(out, ignore_errors=True)


@pytest.mark.slow
def test_page_has_one_chart_with_alt_text_per_chain_and_no_script(page, summary):
    page_html = (page / "lineage.html").read_text(encoding="utf-8")
    assert "<script" not in page_html.lower()
    assert len(re.findall(r"<img ", page_html)) == len(summary)
    sections = page_html.split("<h3 id=")[1:]
    assert len(sections) == len(summary)
    for section, (chain_id, title) in zip(sections, summary["chain_title"].items(), strict=True):
        assert section.startswith(f'"{chain_id}">')
        images = re.findall(r"<img [^>]*>", section)
        assert len(images) == 1, chain_id
        assert 'src="data:image/png;base64,' in images[0]
        alt = html.unescape(re.search(r'alt="([^"]*)"', images[0]).group(1))
        assert alt.startswith(f"Timeline of {title}: promised "), alt


@pytest.mark.slow
def test_page_table_is_sorted_by_slip_and_summary_is_written(page, summary):
    html = (page / "lineage.html").read_text(encoding="utf-8")
    first_table = html.split("</table>")[0]
    order = re.findall(r"<td>[^<]*\[(LC-[a-z-]+)\]</td>", first_table)
    assert order == summary.index.tolist()
    written = json.loads((page / "lineage.json").read_text(encoding="utf-8"))
    by_id = {chain["chain_id"]: chain for chain in written["chains"]}
    assert by_id["LC-city-board"]["slip_days"] == 1115
    assert by_id["LC-city-board"]["first_done_on"] == "2018-09-19"
    # 2021 restatements over "the coming two to five years" (002 line 345) carry the range
    derived = by_id["LC-workforce-plan"]["latest_due_derived"]
    assert derived.endswith("January 2023 – January 2026 (derived)")
    assert by_id["LC-city-board"]["latest_due_derived"] is None  # 2018-09-30, a document's
    assert "January 2023 – January 2026 (derived)" in html


def test_events_table_shows_a_derived_due_as_its_range(links):
    # LC-workforce-plan's 2021 restatement IIF21-16: "over the coming two to five years"
    # (002 line 345) from 19 January 2021, derived as 2023-01-19 .. 2026-01-19.
    from kerslake_analysis.report import lineage_page

    events = lineage.chain_events(links)
    chain = events[events["chain_id"] == "LC-workforce-plan"]
    derived = lineage.derived_due_words(load.load_commitments())
    due = lineage_page.events_table(chain, derived).set_index(chain["ref"].to_numpy())["Due"]
    assert due["IIF21-16"].endswith("January 2023 – January 2026 (derived)")
    assert due["AP15-3.9"] == "2015-12-31"  # the action plan's own date
