"""The audit page: tables and a chart for the notebook, and rendering it to HTML.

``templates/audit.ipynb`` (package data) runs the audit and shows its results with the
functions below; :func:`render_audit` executes it with papermill and writes
``reports/audit/audit.html`` with ``findings.json`` beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from kerslake_analysis.audit.findings import (  # noqa: E402
    CHECKS,
    INCONSISTENT,
    STATUSES,
    Finding,
    counts_by_check,
    summary,
)
from kerslake_analysis.audit.prepared import document_name  # noqa: E402
from kerslake_analysis.base import paths  # noqa: E402
from kerslake_analysis.report import colours, pages  # noqa: E402

#: Where the audit page and its findings are written.
AUDIT_DIR: Path = paths.AUDIT_DIR
#: The audit notebook.
AUDIT_NOTEBOOK: Path = paths.AUDIT_NOTEBOOK

#: Colours of the statuses (GOV.UK palette: red, green, mid grey).
STATUS_COLOURS: dict[str, str] = {
    INCONSISTENT: colours.RED,
    "consistent": colours.GREEN,
    "unverifiable": colours.MID_GREY,
}

#: What each check does, in one sentence, for the page.
CHECK_DESCRIPTIONS: dict[str, str] = {
    "sums": "Parts stated with a total must add up to it; percentages of one whole must "
    "add up to 100 within rounding.",
    "percentage-count": "A percentage stated with its count and base must be what the count "
    "gives, rounded half-up or half-even at the precision written.",
    "stated-twice": "Where the documents state the same quantity more than once, the "
    "statements must agree.",
    "dates": "Dates must agree with the document's own date, durations with the dates "
    "they run between, and events named in order must be dated in that order.",
    "recomputation": "What the curated data can count or date again is compared with the "
    "published figure.",
    "recommendation-outcome": "Where a recommendation or plan set a number or a date and "
    "a document reports what happened, the outcome is compared with it.",
    "no-counterpart": "Figures stated once, with nothing in the documents or the data to "
    "test them against.",
}


def summary_table(findings: Sequence[Finding]) -> pd.DataFrame:
    """The headline table: claims checked, and findings and claims by status.

    A claim counts under ``inconsistent`` if any finding on it is inconsistent, else
    under ``consistent`` if any is consistent, else under ``unverifiable``.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    pandas.DataFrame
        Columns ``Result``, ``Claims`` and ``Findings``; the first row is the claims
        checked (and all findings).
    """
    counts = summary(findings)
    by_status = {status: sum(f.status == status for f in findings) for status in STATUSES}
    rows = [("Claims checked", counts["claims_checked"], len(findings))]
    rows += [
        (status.capitalize(), counts[status], by_status[status])
        for status in ("consistent", INCONSISTENT, "unverifiable")
    ]
    return pd.DataFrame(rows, columns=["Result", "Claims", "Findings"])


def checks_table(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings per check and status, with readable column names.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    pandas.DataFrame
    """
    table = counts_by_check(findings).drop(columns="check")
    return table.rename(
        columns={"title": "Check", **{s: s.capitalize() for s in STATUSES}, "total": "Findings"}
    )


def status_chart(findings: Sequence[Finding]) -> Figure:
    """Horizontal bars: claims by result (see :func:`summary_table`), coloured by status.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from kerslake_analysis.audit.findings import ClaimRef
    >>> ref = ClaimRef("C-1", "f", 1, "q")
    >>> fig = status_chart([Finding("sums", "consistent", "s", "e", (ref,))])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['Consistent', 'Inconsistent', 'Unverifiable']
    """
    counts = summary(findings)
    order = ["consistent", INCONSISTENT, "unverifiable"]
    labels = [status.capitalize() for status in order]
    fig = Figure(figsize=(7, 1.9))
    ax = fig.subplots()
    bars = ax.barh(
        labels,
        [counts[status] for status in order],
        color=[STATUS_COLOURS[status] for status in order],
        edgecolor=colours.BLACK,
        linewidth=0.3,
    )
    ax.bar_label(bars, fontsize=9, padding=3)
    ax.invert_yaxis()
    ax.set_xlabel(f"claims (of {counts['claims_checked']} checked)")
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def quotes_table(finding: Finding) -> pd.DataFrame:
    """The claims of one finding, one row each: document, file, line and quote.

    Parameters
    ----------
    finding : Finding

    Returns
    -------
    pandas.DataFrame
        Columns ``Document``, ``File``, ``Line``, ``Quote``, in register order.
    """
    return pd.DataFrame(
        [
            (document_name(ref.source), ref.source, ref.source_line, ref.quote)
            for ref in finding.claims
        ],
        columns=["Document", "File", "Line", "Quote"],
    )


def where_words(finding: Finding) -> str:
    """Where a finding's claims are, compactly: ``"000: 59, 147; 004: 3"``.

    Files are named by the number that opens their name (``000_…``).

    Parameters
    ----------
    finding : Finding

    Returns
    -------
    str

    Examples
    --------
    >>> from kerslake_analysis.audit.findings import ClaimRef
    >>> refs = (ClaimRef("C-1", "000_a.txt", 147, "q"), ClaimRef("C-2", "000_a.txt", 59, "r"),
    ...         ClaimRef("C-3", "004_b.txt", 3, "s"), ClaimRef("C-4", "000_a.txt", 59, "t"))
    >>> where_words(Finding("sums", "consistent", "s", "e", refs))
    '000: 59, 147; 004: 3'
    """
    lines: dict[str, set[int]] = {}
    for ref in finding.claims:
        lines.setdefault(ref.source.split("_")[0], set()).add(ref.source_line)
    return "; ".join(
        f"{prefix}: {', '.join(str(line) for line in sorted(found))}"
        for prefix, found in sorted(lines.items())
    )


def findings_table(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings as rows for the page: status, subject, explanation and where.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    pandas.DataFrame
        Columns ``Status``, ``Subject``, ``Finding`` and ``File: lines`` (see
        :func:`where_words`).
    """
    rows = [(f.status, f.subject, f.explanation, where_words(f)) for f in findings]
    return pd.DataFrame(rows, columns=["Status", "Subject", "Finding", "File: lines"])


def by_check(findings: Sequence[Finding], status: str | None = None) -> dict[str, list[Finding]]:
    """Group findings by check, in :data:`CHECKS` order, optionally leaving one status out.

    Parameters
    ----------
    findings : sequence of Finding
    status : str, optional
        A status to leave out (the page shows inconsistencies first, on their own).

    Returns
    -------
    dict of str to list of Finding
        Only checks with findings left.
    """
    groups = {
        check: [f for f in findings if f.check == check and f.status != status] for check in CHECKS
    }
    return {check: group for check, group in groups.items() if group}


def render_audit(out_dir: str | Path | None = None) -> pages.ReportResult:
    """Render the audit page: ``audit.html`` with ``findings.json`` beside it.

    Parameters
    ----------
    out_dir : str or pathlib.Path, optional
        Where to write; defaults to :data:`AUDIT_DIR` (``reports/audit``).

    Returns
    -------
    kerslake_analysis.report.pages.ReportResult
        ``ok`` False (with the failing cell in ``error``) if the notebook raised.
    """
    return pages.render_notebook(
        AUDIT_NOTEBOOK,
        {},
        Path(out_dir) if out_dir else AUDIT_DIR,
        title="Audit of the published figures",
        label="audit",
        stem="audit",
    )
