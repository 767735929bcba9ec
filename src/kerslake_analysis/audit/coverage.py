"""Claims no check could test: an explicit ``unverifiable`` finding for each.

Every claim of the register gets at least one finding. A claim stated once, with no
parts, total, duration, order, data or target to test it against, gets a finding of
the check ``no-counterpart`` saying why, in words that depend on what it is about.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kerslake_analysis.audit.findings import UNVERIFIABLE, Finding

CHECK = "no-counterpart"

#: Namespaces of the key grammar that are about bodies other than the council.
OUTSIDE_BODIES: dict[str, str] = {
    "bham": "the city",
    "uk": "the country",
    "covid": "the pandemic",
    "wmca": "the West Midlands Combined Authority",
    "lgbce": "the Boundary Commission",
    "ebesb": "the East Birmingham Employment and Skills Board",
    "bep": "the Birmingham Education Partnership",
    "bcsp": "the Birmingham Community Safety Partnership",
    "send": "special educational needs services",
    "asch": "adult social care",
    "inlogov": "INLOGOV",
    "cwg": "the Commonwealth Games",
    "stonewall": "Stonewall",
    "sutton_coldfield": "Sutton Coldfield",
    "iip": "the Improvement Panel",
    "kerslake": "the Kerslake Review",
}


def _reason(row: pd.Series) -> str:
    namespace = row["base"].split(".")[0]
    if namespace in OUTSIDE_BODIES:
        return (
            f"A figure about {OUTSIDE_BODIES[namespace]} that no other statement in the "
            f"documents repeats or bounds; checking it needs a source outside them."
        )
    if row["base"].endswith(".due") or row["base"].endswith(".date"):
        return (
            "A date stated once, with no other statement of it, no duration or order to "
            "test it against, and no due date in the curated data to compare."
        )
    return (
        "Stated once: no other statement gives the same quantity, its parts or total, or a "
        "target it answers, and the curated data cannot recompute it."
    )


def uncovered(claims: pd.DataFrame, findings: Sequence[Finding]) -> list[Finding]:
    """One ``unverifiable`` finding for each claim no other finding involves.

    Parameters
    ----------
    claims : pandas.DataFrame
        Prepared claims.
    findings : sequence of Finding
        The findings of the other checks.

    Returns
    -------
    list of Finding
    """
    covered = {claim for finding in findings for claim in finding.claim_ids}
    left = claims[~claims["claim_id"].isin(covered)]
    return [
        Finding(
            CHECK,
            UNVERIFIABLE,
            row["text"] or row["quantity_key"],
            _reason(row),
            (row["ref"],),
        )
        for _, row in left.iterrows()
    ]
