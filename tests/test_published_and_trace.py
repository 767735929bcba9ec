"""The council's own figures first, and every headline figure traced to its evidence.

Issue 12, item 11: where a document publishes its own figures for the period, the
headline sentence, the headline table and the e-mail show them first, with the source
line; and every headline figure of ``figures.json`` carries a ``trace`` entry (a basis
and the commitments or published figures it counts) whose quotes are verbatim
substrings of the raw lines they cite.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import json
from email import policy

import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.deliver.key_figures import key_figures
from kerslake_analysis.deliver.message import FIGURES_VERSION, build_message
from kerslake_analysis.deliver.panel import MailSettings, Recipient
from kerslake_analysis.report import figures_file
from kerslake_analysis.report.headline import headline_sentence, headline_table
from kerslake_analysis.report.pages import render_period
from kerslake_analysis.report.plan_data import embedded_plan, period_view
from kerslake_analysis.report.published import published_against_recomputed, published_figures

EMBEDDED = [
    ("ap-2015", "2015-12"),
    ("ap-2015", "2016-03"),
    ("cgip-2018", "2018-07"),
    ("cgip-2018", "2018-08"),
    ("cgip-2018", "2018-09"),
]
PROGRESS_2015 = "000_e235c92a6776d4ac.txt"
#: How a report names it: its label (base.paths.DOCUMENT_LABELS), then its file name.
NAMED_2015 = f"the December 2015 progress report ({PROGRESS_2015})"
# The evidence-based count of December 2015, as the headline states it: 13 complete,
# the 13 complete rows of progress_2015_observations.csv (18 before the second reading of
# 2026 downgraded 1.12, 3.10, 3.11, 4.6a and 4.7: 18 - 5 = 13; no other observation of
# the 2015 actions is dated on or before 2015-12-31).
EVIDENCE_COMPLETE_2015_12 = "13 of the 115 commitments"


@pytest.fixture(scope="module")
def figures_of():
    cache = {}

    def get(plan: str, period: str) -> dict:
        if (plan, period) not in cache:
            view = period_view(embedded_plan(plan), period)
            # Through JSON, as figures.json is written and read.
            cache[plan, period] = json.loads(json.dumps(figures_file.figures(view)))
        return cache[plan, period]

    return get


def _raw_line(source: str, line: int) -> str:
    return (paths.RAW_DIR / source).read_text(encoding="utf-8").splitlines()[line - 1]


# ------------------------------------------------------------------ published figures first


def test_december_2015_sentence_opens_with_the_councils_82_of_134():
    # 000_e235c92a6776d4ac.txt line 147: "Of the 134 actions in the Improvement Plan, 82
    # are complete and 17 are progressing to the original timescales expected. There are
    # 11 which aren't due to have started yet"; line 59: "21 (16%) have seen some
    # slippage and 3 (2%) that were due to start have not yet started" -> 21 + 3 = 24.
    view = period_view(embedded_plan("ap-2015"), "2015-12")
    sentence = headline_sentence(view)
    assert sentence.startswith(
        f"The council's own figures for December 2015, in {NAMED_2015}, state that"
    )
    # the 24 is stated on line 147 ("which leaves 24 actions behind schedule")
    assert "so 24 are behind schedule (line 147)." in sentence
    assert "82 of its 134 actions are complete (line 147)" in sentence
    assert "3 not started – completion slipped (line 59)" in sentence
    assert "so 24 are behind schedule" in sentence
    evidence = sentence.index(EVIDENCE_COMPLETE_2015_12)
    assert sentence.index("82") < evidence and sentence.index("134") < evidence
    # The two counts are of different things, said once in plain words.
    assert "a different list, so the two are not compared one for one" in sentence
    assert "Read from the documents' own evidence" in sentence
    # 55 of 115 with evidence is under half: the slippage and ES figures say so.
    assert "describe only the commitments with evidence" in sentence


def test_december_2015_table_starts_with_the_published_rows():
    view = period_view(embedded_plan("ap-2015"), "2015-12")
    table = headline_table(view)
    measures = table["Measure"].tolist()
    values = table["December 2015"].tolist()
    published = [i for i, m in enumerate(measures) if m.startswith("Published by the council")]
    evidence = [i for i, m in enumerate(measures) if m.startswith("From the evidence")]
    assert published == list(range(len(published))) and len(published) == 7
    position = len(published)  # then the schedule position the council's count implies
    # The position is the project's reading of the council's count, not a council figure.
    assert measures[position].startswith(
        "Estimated by this project from the council's count (not a council figure): months"
    )
    assert min(evidence) == position + 1
    assert (measures[0], values[0]) == (
        f"Published by the council: actions (total) [{NAMED_2015} line 147]",
        "134",
    )
    assert (measures[1], values[1]) == (
        f"Published by the council: complete [{NAMED_2015} line 147]",
        "82",
    )
    behind = measures.index(
        "Published by the council: behind schedule (in progress – completion slipped + not "
        f"started – completion slipped) [{NAMED_2015} line 147]"
    )
    # 21 + 3 (line 59), stated as a sum on line 147: "which leaves 24 actions behind
    # schedule" (claims.csv CLM-000-064), the sentence cited.
    assert values[behind] == "24"
    assert (
        f"Published by the council: in progress – completion slipped [{NAMED_2015} line 59]"
        in measures
    )
    # 82 / 134 = 61.2% is the plan's planned share 6.87 months in, against AT 13:
    # SV = 6.87 - 13 = -6.1 (docs/design.md; tests/test_metrics.py derives 6.87).
    assert values[position] == "-6.1"
    # 13 complete rows of progress_2015_observations.csv (see EVIDENCE_COMPLETE_2015_12)
    assert values[measures.index("From the evidence: Complete")] == "13"


def test_a_period_without_published_figures_is_unchanged(figures_of):
    view = period_view(embedded_plan("cgip-2018"), "2018-09")
    assert published_figures(view) is None
    table = headline_table(view)
    assert not table["Measure"].str.contains("Published|From the evidence").any()
    sentence = headline_sentence(view)
    assert sentence.startswith("At the end of September 2018")
    assert "council's own figures" not in sentence
    figures = figures_of("cgip-2018", "2018-09")
    assert figures["published"] is None
    assert "published" not in figures["trace"]
    assert "published_position" not in figures["trace"]


def test_july_2018_evidence_under_half_is_said_in_sentence_table_and_mail(figures_of):
    # 41 of 111 commitments have evidence at the end of July 2018 (38 + 1.4-1, 1.7-3, 4.5-1,
    # tests/test_source_cgip_2018.py): 41 * 2 = 82 < 111.
    view = period_view(embedded_plan("cgip-2018"), "2018-07")
    sentence = headline_sentence(view)
    assert "evidence for 41 of the 111 commitments" in sentence
    assert "describe only the commitments with evidence" in sentence
    measures = headline_table(view)["Measure"].tolist()
    caution = "evidence covers only 41 of 111 commitments"
    assert sum(caution in m for m in measures) == 2  # slippage rate and earned schedule
    rows = dict(key_figures(figures_of("cgip-2018", "2018-07")["headline"]))
    schedule = [label for label in rows if label.startswith("Schedule by earned schedule")]
    # 36 of the 100 dated commitments have evidence (33 + 1.4-1, 1.7-3, 4.5-1, all dated;
    # the sentence says the same).
    assert schedule == [
        f"Schedule by earned schedule, dated commitments with evidence (36 of 100; {caution})"
    ]
    assert "the 36 of the 100 dated commitments that have evidence are" in sentence
    assert rows["With evidence"] == "41 of 111"


@pytest.mark.slow
def test_december_2015_e_mail_shows_the_councils_figures_first(tmp_path):
    result = render_period(ReportPeriod("ap-2015", "2015-12"), reports_root=tmp_path)
    assert result.ok, result.error
    settings = MailSettings(
        host="localhost",
        port=25,
        security="starttls",
        from_address="reports@example.org",
        from_name="Reports",
        message_id_domain="example.org",
    )
    message = build_message(
        tmp_path / "ap-2015" / "2015-12",
        [Recipient("Ann Chair", "ann@example.org", "Chair")],
        settings,
        date=dt.datetime(2016, 1, 15, 9, 0, tzinfo=dt.UTC),
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=policy.default)
    text = " ".join(parsed.get_body(("plain",)).get_content().split())
    body = " ".join(parsed.get_body(("html",)).get_content().split())
    for shown in (text, body):
        evidence = shown.index(EVIDENCE_COMPLETE_2015_12)
        assert shown.index("82 of its 134 actions") < evidence
        assert "(line 147)" in shown
        # The key figures: the council's count first, with its line, then the evidence.
        published = shown.index(f"82 of 134 actions ({NAMED_2015} line 147)")
        assert published < shown.index("From the evidence: Complete")
        assert f"24 of 134 actions ({NAMED_2015} line 147)" in shown
        assert (
            "Estimated by this project from the council" in shown
        )  # the HTML escapes the apostrophe
    assert "Schedule by earned schedule, dated commitments with evidence (52 of 112;" in text


# ------------------------------------------------------------------ the trace


@pytest.mark.parametrize(("plan", "period"), EMBEDDED)
def test_every_headline_figure_has_a_basis_and_its_counts_list_the_commitments(
    figures_of, plan, period
):
    figures = figures_of(plan, period)
    trace = figures["trace"]
    assert figures["figures_version"] == 3 == FIGURES_VERSION
    assert figures["package_version"]
    for key, value in figures["headline"].items():
        entry = trace[key]
        assert len(entry["basis"]) > 40, key
        assert entry["value"] == value, key
        if "evidence" in entry:  # a count lists exactly as many commitments as it counts
            assert len(entry["evidence"]) == value, key
        if "numerator" in entry:  # a ratio names the traced counts it divides
            assert trace[entry["numerator"]] and trace[entry["denominator"]]
    for name in ("Lipke", "DCMA"):
        assert any(name in entry["basis"] for entry in trace.values())
    cited = figures["trace_observations"]
    # Every commitment with evidence cites the observation that decided its status;
    # a No evidence commitment cites none.
    evidence = trace["commitments"]["evidence"]
    assert sum(o is not None for o in evidence.values()) == figures["headline"]["with_evidence"]
    assert set(trace["with_evidence"]["evidence"].values()) <= set(cited)


def _complete_by(plan_prefix: str, last_day: str) -> dict[str, set[str]]:
    """Hand count from data/curated/observations.csv: commitment -> complete observations."""
    found: dict[str, set[str]] = {}
    with open(paths.CURATED_DIR / "observations.csv", newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if (
                row["commitment_id"].startswith(plan_prefix)
                and row["state"] == "complete"
                and row["observed_on"] <= last_day
            ):
                found.setdefault(row["commitment_id"], set()).add(row["observation_id"])
    return found


@pytest.mark.parametrize(
    ("plan", "period", "prefix", "last_day", "complete"),
    [
        # 13: the hand count of tests/test_period_report.py for December 2015 (18 less the
        # five completions the second reading of 2026 downgraded: 1.12 3.10 3.11 4.6a 4.7).
        ("ap-2015", "2015-12", "AP15-", "2015-12-31", 13),
        ("cgip-2018", "2018-07", "CGIP18-", "2018-07-31", 12),
    ],
)
def test_traced_complete_ids_are_the_hand_counted_ones(
    figures_of, plan, period, prefix, last_day, complete
):
    # A commitment is complete at t when any observation dated on or before t says
    # complete (docs/design.md, 'Status as of a date t'); ISO dates compare as text.
    hand = _complete_by(prefix, last_day)
    traced = figures_of(plan, period)["trace"]["complete"]["evidence"]
    assert set(traced) == set(hand)
    assert len(hand) == complete
    for commitment, observation in traced.items():
        assert observation in hand[commitment]  # cited: one of its complete observations


@pytest.mark.parametrize(("plan", "period"), EMBEDDED)
def test_every_traced_quote_is_on_the_raw_line_it_cites(figures_of, plan, period):
    figures = figures_of(plan, period)
    cited = list(figures["trace_observations"].values())
    for key in ("published", "published_position"):
        if key in figures["trace"]:
            cited += list(figures["trace"][key]["evidence"].values())
    assert cited
    for item in cited:
        assert item["quote"] in _raw_line(item["source"], item["source_line"]), item


def test_december_2015_published_trace_cites_the_snapshots(figures_of):
    trace = figures_of("ap-2015", "2015-12")["trace"]
    published = trace["published"]["evidence"]
    assert published["PR15-complete"]["quote"] == "82 are complete"
    assert published["PR15-total"]["source_line"] == 147
    assert set(trace["published_position"]["evidence"]) == {"PR15-complete", "PR15-total"}


def test_december_2015_published_against_recomputed_never_says_they_agree():
    # The council counts 134 actions (line 147), the plan 115 commitments: different
    # lists, so 3 against 3 (not started – completion slipped, line 59) is no agreement.
    view = period_view(embedded_plan("ap-2015"), "2015-12")
    table = published_against_recomputed(view).set_index("Measure")
    reasons = table["Why they differ"]
    assert not reasons.str.contains("agree").any()
    slipped = reasons["Not started – completion slipped"]
    # 3 / 134 = 2.2% -> 2%; 3 / 115 = 2.6% -> 3%; 55 of 115 have evidence.
    assert f"{NAMED_2015} counts 3 of its 134 items (2%)" in slipped
    assert "the evidence gives 3 of the plan's 115 commitments (3%)" in slipped
    assert "only 55 of the 115 have evidence" in slipped
    assert "not matched one for one" in slipped
    # 82 / 134 = 61.2% -> 61%; 13 / 115 = 11.3% -> 11%.
    assert "counts 82 of its 134 items (61%)" in reasons["Complete"]
    assert "13 of the plan's 115 commitments (11%)" in reasons["Complete"]
    assert not reasons.str.contains("tracker").any()  # a narrative report, not a tracker
    assert reasons["Total"].startswith(
        f"The December 2015 progress report ({PROGRESS_2015}) counts 134 items"
    )
