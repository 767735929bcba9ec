"""Findings of the audit: what was checked, whether it holds, and the claims involved.

A :class:`Finding` names its check (one of :data:`CHECKS`), a status (one of
:data:`STATUSES`), the claims of the register it tests (each with its file, line and
quote, so a reader can find it in the document) and one plain sentence saying what
was found. :func:`write_findings` writes them as ``findings.json`` byte-identically on
every run.

Examples
--------
>>> ref = ClaimRef("CLM-000-026", "000_e235c92a6776d4ac.txt", 67, "80 councillors attending")
>>> finding = Finding("stated-twice", INCONSISTENT, "Councillors attending", "80 and 82 differ.",
...                   (ref,))
>>> finding.to_dict()["claims"][0]["source_line"]
67
>>> strict_exit_code([finding])
1
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kerslake_analysis.base import paths

CONSISTENT = "consistent"
INCONSISTENT = "inconsistent"
UNVERIFIABLE = "unverifiable"
#: The statuses a finding can have, in the order reports show them.
STATUSES: tuple[str, ...] = (INCONSISTENT, CONSISTENT, UNVERIFIABLE)

#: The checks, in the order the audit runs and reports them.
CHECKS: tuple[str, ...] = (
    "sums",
    "percentage-count",
    "stated-twice",
    "dates",
    "recomputation",
    "recommendation-outcome",
    "no-counterpart",
)

#: What each check asks, in words for the report.
CHECK_TITLES: dict[str, str] = {
    "sums": "Parts add up to their total",
    "percentage-count": "Percentages match their counts",
    "stated-twice": "One quantity stated twice",
    "dates": "Dates and durations",
    "recomputation": "Recomputed from the data",
    "recommendation-outcome": "Recommendation against outcome",
    "no-counterpart": "Nothing to test against",
}

#: The columns of a claims frame a finding quotes.
CLAIM_COLUMNS: tuple[str, ...] = ("claim_id", "source", "source_line", "quote")


@dataclass(frozen=True, order=True)
class ClaimRef:
    """Where one claim of the register is stated.

    Parameters
    ----------
    claim_id : str
        The register's ID, e.g. ``"CLM-000-013"``.
    source : str
        The raw file, e.g. ``"000_e235c92a6776d4ac.txt"``.
    source_line : int
        1-based line of that file.
    quote : str
        Verbatim text of that line stating the figure.
    """

    claim_id: str
    source: str
    source_line: int
    quote: str

    def to_dict(self) -> dict[str, object]:
        """Return the reference as a JSON-ready dict."""
        return {
            "claim_id": self.claim_id,
            "source": self.source,
            "source_line": int(self.source_line),
            "quote": self.quote,
        }


@dataclass(frozen=True)
class Finding:
    """The result of testing some claims.

    Parameters
    ----------
    check : str
        One of :data:`CHECKS`.
    status : str
        ``"consistent"``, ``"inconsistent"`` or ``"unverifiable"``.
    subject : str
        A short title: what was tested.
    explanation : str
        One plain sentence saying what was found and why.
    claims : tuple of ClaimRef
        The claims involved, in register order, each once.

    Raises
    ------
    ValueError
        If the check or status is unknown, or no claim is given.
    """

    check: str
    status: str
    subject: str
    explanation: str
    claims: tuple[ClaimRef, ...]

    def __post_init__(self) -> None:
        if self.check not in CHECKS:
            raise ValueError(f"unknown check {self.check!r}; known: {', '.join(CHECKS)}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; known: {', '.join(STATUSES)}")
        if not self.claims:
            raise ValueError(f"finding {self.subject!r} of check {self.check!r} has no claims")
        object.__setattr__(self, "claims", tuple(sorted(set(self.claims))))

    @property
    def claim_ids(self) -> tuple[str, ...]:
        """The IDs of the claims involved."""
        return tuple(ref.claim_id for ref in self.claims)

    def to_dict(self) -> dict[str, object]:
        """Return the finding as a JSON-ready dict."""
        return {
            "check": self.check,
            "status": self.status,
            "subject": self.subject,
            "explanation": self.explanation,
            "claims": [ref.to_dict() for ref in self.claims],
        }


def claim_refs(rows: pd.DataFrame) -> tuple[ClaimRef, ...]:
    """Return the references of the claims in ``rows`` (a slice of the claims frame).

    Parameters
    ----------
    rows : pandas.DataFrame
        Rows with a ``ref`` column of :class:`ClaimRef` (prepared claims), or else with
        :data:`CLAIM_COLUMNS`.

    Returns
    -------
    tuple of ClaimRef
        Sorted by claim ID, each claim once.

    Examples
    --------
    >>> rows = pd.DataFrame({"claim_id": ["CLM-000-002", "CLM-000-001"], "source": ["a", "a"],
    ...                      "source_line": [3, 1], "quote": ["two", "one"]})
    >>> [ref.claim_id for ref in claim_refs(rows)]
    ['CLM-000-001', 'CLM-000-002']
    """
    if "ref" in rows.columns:
        return tuple(sorted(set(rows["ref"])))
    records = zip(*(rows[column] for column in CLAIM_COLUMNS), strict=True)
    return tuple(sorted({ClaimRef(c, s, int(line), q) for c, s, line, q in records}))


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Order findings by check (as in :data:`CHECKS`), then first claim, then subject.

    Parameters
    ----------
    findings : iterable of Finding

    Returns
    -------
    list of Finding
    """
    order = {check: i for i, check in enumerate(CHECKS)}
    return sorted(
        findings,
        key=lambda f: (order[f.check], f.claim_ids, f.subject, f.status, f.explanation),
    )


def findings_json(findings: Sequence[Finding]) -> str:
    """Serialise findings as ``findings.json`` text: sorted keys, two-space indent.

    Parameters
    ----------
    findings : sequence of Finding
        In the order to write (see :func:`sort_findings`).

    Returns
    -------
    str
        JSON ending in a newline.
    """
    data = [finding.to_dict() for finding in findings]
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_findings(findings: Sequence[Finding], path: str | Path) -> Path:
    """Write findings to ``path`` (a file, or a folder to hold ``findings.json``).

    The findings are sorted with :func:`sort_findings`, so two runs over the same data
    write the same bytes.

    Parameters
    ----------
    findings : sequence of Finding
    path : str or pathlib.Path
        A ``.json`` file, or an existing folder (the file is ``findings.json`` in it).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    target = Path(path)
    if target.is_dir():
        target = target / "findings.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(findings_json(sort_findings(findings)), encoding="utf-8")
    return target


def read_findings(path: str | Path) -> list[Finding]:
    """Read findings back from a ``findings.json`` written by :func:`write_findings`.

    Parameters
    ----------
    path : str or pathlib.Path
        The file, or the folder holding ``findings.json``.

    Returns
    -------
    list of Finding

    Raises
    ------
    ValueError
        If an entry lacks a field or names an unknown check or status; the message
        names the file and the entry's position.
    """
    source = Path(path)
    if source.is_dir():
        source = source / "findings.json"
    findings = []
    for position, item in enumerate(json.loads(source.read_text(encoding="utf-8"))):
        try:
            refs = tuple(
                ClaimRef(c["claim_id"], c["source"], int(c["source_line"]), c["quote"])
                for c in item["claims"]
            )
            findings.append(
                Finding(
                    item["check"],
                    item["status"],
                    item.get("subject", ""),
                    item["explanation"],
                    refs,
                )
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{source}, finding {position}: {error}") from None
    return findings


def strict_exit_code(findings: Iterable[Finding]) -> int:
    """Return the exit status of ``kerslake audit --strict``: 1 if anything is inconsistent.

    Parameters
    ----------
    findings : iterable of Finding

    Returns
    -------
    int
        0 when no finding is inconsistent, else 1.
    """
    return int(any(finding.status == INCONSISTENT for finding in findings))


def findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    """One row per (finding, claim): the findings in a tidy frame.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    pandas.DataFrame
        Columns ``finding`` (position in ``findings``), ``check``, ``status``,
        ``subject``, ``explanation``, ``claim_id``, ``source``, ``source_line``,
        ``quote``.
    """
    rows = [
        (i, f.check, f.status, f.subject, f.explanation, *ref.to_dict().values())
        for i, f in enumerate(findings)
        for ref in f.claims
    ]
    columns = ["finding", "check", "status", "subject", "explanation", *CLAIM_COLUMNS]
    return pd.DataFrame(rows, columns=columns)


def claim_status(findings: Sequence[Finding]) -> pd.DataFrame:
    """The verdict on each claim: inconsistent if any finding on it is, else consistent
    if any is, else unverifiable.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    pandas.DataFrame
        Columns ``claim_id`` and ``status`` (ordered categorical of :data:`STATUSES`),
        sorted by claim ID.

    Examples
    --------
    >>> a = ClaimRef("C-1", "f", 1, "q")
    >>> b = ClaimRef("C-2", "f", 2, "r")
    >>> found = [Finding("sums", CONSISTENT, "s", "e", (a, b)),
    ...          Finding("dates", INCONSISTENT, "s", "e", (b,))]
    >>> claim_status(found)["status"].tolist()
    ['consistent', 'inconsistent']
    """
    frame = findings_frame(findings)
    status = pd.Categorical(frame["status"], categories=list(STATUSES), ordered=True)
    worst = (
        frame.assign(status=status)
        .groupby("claim_id", observed=True)["status"]
        .min()
        .reset_index()
        .sort_values("claim_id", ignore_index=True)
    )
    return worst


def summary(findings: Sequence[Finding]) -> dict[str, int]:
    """Headline counts: claims checked and claims per verdict (see :func:`claim_status`).

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    dict
        ``claims_checked``, ``consistent``, ``inconsistent``, ``unverifiable`` (claims)
        and ``findings`` (how many findings).
    """
    verdicts = claim_status(findings)["status"].value_counts()
    counts = {status: int(verdicts.get(status, 0)) for status in STATUSES}
    return {"claims_checked": int(sum(counts.values())), **counts, "findings": len(findings)}


def summary_line(findings: Sequence[Finding]) -> str:
    """One line for the command line: claims checked and what was found.

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    str

    Examples
    --------
    >>> ref = ClaimRef("C-1", "f", 1, "q")
    >>> summary_line([Finding("sums", CONSISTENT, "s", "e", (ref,))])
    '1 claims checked: 1 consistent, 0 inconsistent, 0 unverifiable (1 findings, 0 inconsistent)'
    """
    counts = summary(findings)
    failing = sum(f.status == INCONSISTENT for f in findings)
    return (
        f"{counts['claims_checked']} claims checked: {counts['consistent']} consistent, "
        f"{counts['inconsistent']} inconsistent, {counts['unverifiable']} unverifiable "
        f"({counts['findings']} findings, {failing} inconsistent)"
    )


def figures(findings: Sequence[Finding]) -> dict[str, object]:
    """The audit's headline numbers, for ``figures.json`` (compared by ``--rebuild``).

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    dict
        :func:`summary` plus ``findings_by_check``: check -> status -> count.
    """
    table = counts_by_check(findings).set_index("check")
    return {
        **summary(findings),
        "findings_by_check": {
            check: {status: int(table.loc[check, status]) for status in STATUSES}
            for check in CHECKS
        },
    }


def write_figures(findings: Sequence[Finding], path: str | Path) -> Path:
    """Write :func:`figures` as JSON (sorted keys, two-space indent) to a file or folder.

    Parameters
    ----------
    findings : sequence of Finding
    path : str or pathlib.Path
        A ``.json`` file, or an existing folder (the file is ``figures.json`` in it).

    Returns
    -------
    pathlib.Path
        The file written.
    """
    target = Path(path)
    if target.is_dir():
        target = target / paths.FIGURES_FILE
    target.write_text(
        json.dumps(figures(findings), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    return target


def counts_by_check(findings: Sequence[Finding]) -> pd.DataFrame:
    """Findings per check and status, every check and status shown (zeros included).

    Parameters
    ----------
    findings : sequence of Finding

    Returns
    -------
    pandas.DataFrame
        One row per check (in :data:`CHECKS` order): ``check``, ``title``, one
        column per status, ``total``.
    """
    frame = pd.DataFrame(
        {"check": [f.check for f in findings], "status": [f.status for f in findings]}
    )
    table = (
        pd.crosstab(frame["check"], frame["status"])
        .reindex(index=list(CHECKS), columns=list(STATUSES), fill_value=0)
        .astype("int64")
    )
    table["total"] = table.sum(axis=1)
    table = table.rename_axis(index="check", columns=None).reset_index()
    table.insert(1, "title", table["check"].map(CHECK_TITLES))
    return table
