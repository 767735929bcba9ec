"""The council's own words in the period report (issue 16, item 4).

Every expected text below was copied from the source document at the line named beside
it, not from the package's output.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.report import pages
from kerslake_analysis.report.council_words import update_cells
from kerslake_analysis.report.document_sections import beside_overdue, document_sections
from kerslake_analysis.report.plan_data import embedded_plan, period_view
from kerslake_analysis.report.sections import overdue_list

PROGRESS = "000_e235c92a6776d4ac.txt"
CGIP = "001_3e6875fb2dbcaf44.txt"
GAP = "003_5c42c1f83524bff3.txt"
#: How the pages name the three documents when they cite a line.
PROGRESS_DOC = f"the December 2015 progress report ({PROGRESS})"
CGIP_DOC = f"the 2018 improvement plan ({CGIP})"
GAP_DOC = f"the March 2016 gap analysis ({GAP})"

#: 000_e235c92a6776d4ac.txt lines 157-163, after "The reasons some actions behind are:"
#: (line 155), each without its "- " bullet.
REASONS_2015 = [
    "Extra effort is being taken to ensure that the changes we need to make are properly "
    "planned and embedded",
    "External expertise has been sought to help us do something well, where we might not "
    "have the experience within the council",
    "We are trying to do something more (and better) than the original action specified, "
    "but this means it's taking longer to complete",
    "A decision, meeting or agreement is needed about the approach to take as there are "
    "various options and we want to make sure that we choose the best one",
    "A decision is needed about how best to finance work that is needed, as there are "
    "budget restrictions",
    "There's a dependency on another area of work which has a delay",
    "And some things have simply taken longer, for example because of delays to recruitment "
    "into jobs, things that needed to be double-checked or changes within the organisation.",
]


@pytest.fixture(scope="module")
def ap15():
    return embedded_plan("ap-2015")


@pytest.fixture(scope="module")
def cgip18():
    return embedded_plan("cgip-2018")


def test_december_2015_reasons_for_slippage_are_quoted_with_their_lines(ap15):
    [section] = beside_overdue(period_view(ap15, "2015-12"))
    table = section.tables[0][0]
    assert table["Reason, in the council's words"].tolist() == [f"“{r}”" for r in REASONS_2015]
    assert table["Source"].tolist() == [f"[{PROGRESS_DOC} line {n}]" for n in range(157, 164)]
    # Said to be for the plan as a whole, with the report's own lead-in and its line.
    assert "does not say which reason applies to which action" in section.intro
    assert f"“The reasons some actions behind are:” [{PROGRESS_DOC} line 155]" in section.intro
    assert section.level == 3  # a part of the overdue section it sits under


def test_reasons_belong_to_their_period_only(ap15):
    # The gap analysis (March 2016) gives no list of reasons.
    assert beside_overdue(period_view(ap15, "2016-03")) == []


def test_the_september_2018_temperature_take_names_each_partner_and_date(cgip18):
    sections = document_sections(period_view(cgip18, "2018-09"))
    [take] = [s for s in sections if "temperature take" in s.title]
    table = take.tables[0][0]
    # 001 lines 298-335: the précis (lines 300, 302), then "Cllr Paulette Hamilton –
    # 29.08.18" (5 bullets, 306-310), "Cherry Dale – 13.09.18" (7, 314-320) and "Penny
    # Thompson – 20.09.18" (9: 324-327, then 331-335 after the page's "ITEM 6" on 329).
    expected_who = (
        ["Précis"] * 2
        + ["Cllr Paulette Hamilton, 29 Aug 2018"] * 5
        + ["Cherry Dale, 13 Sep 2018"] * 7
        + ["Penny Thompson, 20 Sep 2018"] * 9
    )
    assert table["Who, when"].tolist() == expected_who
    lines = [300, 302, *range(306, 311), *range(314, 321), *range(324, 328), *range(331, 336)]
    assert table["Source"].tolist() == [f"[{CGIP_DOC} line {n}]" for n in lines]
    assert table["As the tracker records it"].iloc[-1] == (
        "“We need to ensure the basics are right not just across the Council but with bodies "
        "across the city, and for all partners to recognise that they hold joint "
        "responsibility for supporting one another – we're only as strong as our weakest "
        "link.”"
    )
    assert (
        table["As the tracker records it"]
        .iloc[0]
        .startswith(
            "“From the Aug-Sep 'temperature take', the general feeling is that, although there"
        )
    )
    assert "3 people" in take.intro
    assert "not each person's own words" in take.intro  # the tracker's notes of them


@pytest.mark.parametrize("month", ["2018-07", "2018-08"])
def test_the_temperature_take_is_not_shown_before_it_was_published(cgip18, month):
    titles = [s.title for s in document_sections(period_view(cgip18, month))]
    assert not any("temperature" in t for t in titles)


def test_an_output_shows_its_aims_latest_update_of_the_month(cgip18):
    # Aim 1.8's updates, 001 line 80: "Cabinet is now more representative from a gender and
    # BAME perspective. (July Update)." then an "(August 2018 update)"; line 71 has the
    # "(September update)". CGIP18-1.8-2 is one of the aim's outputs.
    july = update_cells(period_view(cgip18, "2018-07"))["CGIP18-1.8-2"]
    assert july == (
        "On improvement aim 1.8, July 2018: “Cabinet is now more representative from a "
        f"gender and BAME perspective. (July Update).” [{CGIP_DOC} line 80]"
    )
    august = update_cells(period_view(cgip18, "2018-08"))["CGIP18-1.8-2"]
    assert august.startswith(
        "On improvement aim 1.8, August 2018: “Awaiting publication of the Leadership "
        "Commission findings"
    )
    assert august.endswith(f"(August 2018 update)” [{CGIP_DOC} line 80]")
    september = update_cells(period_view(cgip18, "2018-09"))["CGIP18-1.8-2"]
    assert september.startswith(
        "On improvement aim 1.8, September 2018: “ELT workshop undertaken and self-assessment "
        "complete against Local Government Equalities Framework."
    )
    assert september.endswith(f"(September update)” [{CGIP_DOC} line 71]")


def test_an_update_with_no_month_counts_only_from_the_documents_own_month(cgip18):
    # Aim 3.1's one update (001 line 128) has no month tag: the tracker was published in
    # September 2018, so before then it is not known to exist.
    september = update_cells(period_view(cgip18, "2018-09"))
    assert september["CGIP18-3.1-1"].startswith(
        "On improvement aim 3.1, month not stated: “In train The draft 2017/18 Annual Audit "
        "findings letter has not highlighted any issues of concern"
    )
    assert "CGIP18-3.1-1" not in update_cells(period_view(cgip18, "2018-08"))
    # Aim 4.8 (001 line 192): "In train – to discuss with BIIP and MHCLG (July Update)."
    # then, with no month, "On the agenda for the BIIP September meeting.", which may well
    # be newer: both are shown, the dated one first.
    assert september["CGIP18-4.8-1"] == (
        "On improvement aim 4.8, July 2018: “In train – to discuss with BIIP and MHCLG (July "
        f"Update).” [{CGIP_DOC} line 192]; month not stated: “On the agenda for the BIIP "
        f"September meeting.” [{CGIP_DOC} line 192]"
    )
    assert update_cells(period_view(cgip18, "2018-08"))["CGIP18-4.8-1"] == (
        "On improvement aim 4.8, July 2018: “In train – to discuss with BIIP and MHCLG (July "
        f"Update).” [{CGIP_DOC} line 192]"
    )


def test_a_text_split_by_a_page_break_cites_both_lines(cgip18):
    # Aim 1.2's September update starts on 001 line 12 ("Guidance for members on social
    # media being developed,") and ends on line 17 after the page break.
    cells = update_cells(period_view(cgip18, "2018-09"))
    [cell] = {v for k, v in cells.items() if k.startswith("CGIP18-1.2-")}
    assert (
        "“Guidance for members on social media being developed, training to follow "
        f"(September Update).” [{CGIP_DOC} lines 12, 17]"
    ) in cell


def test_the_2015_plans_latest_update_is_the_latest_document_that_speaks_of_it(ap15):
    # AP15-1.4: the December 2015 report (000 line 239), then the gap analysis (003 line
    # 55), whose sentence "Workshops in the spring ..." is quoted whole.
    march = update_cells(period_view(ap15, "2016-03"))["AP15-1.4"]
    assert march == (
        "March 2016: “Workshops in the spring will bring members and officers together in a "
        "cross-party setting to look at how we work more effectively.” "
        f"[{GAP_DOC} line 55]"
    )
    december = update_cells(period_view(ap15, "2015-12"))["AP15-1.4"]
    assert december.startswith("December 2015: “INLOGOV at the University of Birmingham")
    assert december.endswith(f"[{PROGRESS_DOC} line 239]")


def test_an_update_is_dated_by_the_document_that_says_it_not_the_event(ap15):
    # 000 line 406 (December 2015) reports what happened at the AGM "on 21st May 2015":
    # the council said it in December 2015.
    cell = update_cells(period_view(ap15, "2015-12"))["AP15-4.7"]
    assert cell.startswith("December 2015: “The role and remit of District Committees was ")
    assert "21 May 2015:" not in cell


def test_a_clause_cut_from_its_sentence_is_marked(ap15):
    # 003 line 25: "Our proposed plan for 2016/17 has a much sharper focus on a targeted set
    # of priorities and measures agreed with portfolio holders." The passage quoted for
    # AP15-2.17 starts and stops inside that sentence.
    cell = update_cells(period_view(ap15, "2016-03"))["AP15-2.17"]
    assert cell == (
        "March 2016: “… a targeted set of priorities and measures agreed with portfolio "
        f"holders …” [{GAP_DOC} line 25]"
    )


def test_the_overdue_list_quotes_the_councils_latest_update_not_the_packages_reading(cgip18):
    overdue = overdue_list(period_view(cgip18, "2018-09")).set_index("ID")
    words = overdue["Latest update, in the council's words"]
    # Before, this column showed the package's own note for most 2018 outputs.
    assert not words.str.contains("No COMPLETE marker").any()
    assert words.str.contains(r"^On improvement aim \d\.\d+, ", regex=True).all()
    assert words["CGIP18-2.1-1"] == (
        "On improvement aim 2.1, September 2018: “Temperature checks have revealed that the "
        "perception is that the council is more open and transparent. (September update)” "
        f"[{CGIP_DOC} line 101]"
    )


def _plain(text: str) -> str:
    """Text without markup or white space, for comparing a quote with its line."""
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", text)))


def _pieces(text: str, lines: list[str]) -> int | None:
    """How many consecutive pieces ``text`` splits into, each found whole in a line."""
    count = 0
    while text:
        k = max(
            (k for k in range(1, len(text) + 1) if any(text[:k] in x for x in lines)), default=0
        )
        if k == 0:
            return None
        text, count = text[k:], count + 1
    return count


@pytest.mark.parametrize("plan", ["ap-2015", "cgip-2018"])
def test_every_quoted_text_is_verbatim_on_the_lines_it_cites(plan):
    data = embedded_plan(plan)
    raw = {
        name: (paths.RAW_DIR / name).read_text(encoding="utf-8").split("\n")
        for name in {*data.updates["source"], *data.remarks["source"]}
    }
    rows = [*data.updates.drop_duplicates(["text", "source_line"]).itertuples()]
    rows += [*data.remarks.assign(continued_on="").itertuples()]
    assert rows
    for row in rows:
        numbers = [row.source_line, *(int(n) for n in row.continued_on.split(",") if n)]
        lines = [_plain(raw[row.source][n - 1]) for n in numbers]
        # a text runs across its lines in at most one piece per line
        pieces = _pieces(_plain(row.text), lines)
        assert pieces is not None and pieces <= len(numbers), (row.source, numbers, row.text)


@pytest.fixture(scope="module")
def december_page(tmp_path_factory) -> str:
    result = pages.render_period(
        ReportPeriod("ap-2015", "2015-12"), reports_root=tmp_path_factory.mktemp("pages")
    )
    assert result.ok, result.error
    return Path(result.html_path).read_text(encoding="utf-8")


def test_the_reasons_sit_under_the_overdue_list_on_the_page(december_page):
    page = december_page
    overdue = page.index(">Overdue commitments</h2>")
    reasons = page.index(">Reasons the council gave for slippage</h3>")
    after = page.index(">Published against recomputed</h2>")
    assert overdue < reasons < after
    assert f"“{REASONS_2015[5]}”" in html.unescape(page)
    assert f"[{PROGRESS_DOC} line 162]" in html.unescape(page)
