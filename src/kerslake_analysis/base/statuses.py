"""The status words, in report order: the December 2015 key's, Ongoing and No evidence.

A council's tracker maps its own status words onto the key's six
(:mod:`kerslake_analysis.ingest.register.mapping`); :mod:`kerslake_analysis.measure.status`
derives all eight from the evidence; the report draws them in this order.

Examples
--------
>>> STATUS_ORDER.index(TBC) > STATUS_ORDER.index(ONGOING)
True
>>> len(KEY_STATUSES)
6
"""

from __future__ import annotations

#: The eight statuses in report order: the December 2015 key's five dated statuses,
#: Ongoing, the key's TBC, then No evidence.
STATUS_ORDER: tuple[str, ...] = (
    "Complete",
    "In progress",
    "Not due to have started",
    "In progress – completion slipped",
    "Not started – completion slipped",
    "Ongoing",
    "TBC",
    "No evidence",
)
(
    COMPLETE,
    IN_PROGRESS,
    NOT_DUE,
    IN_PROGRESS_SLIPPED,
    NOT_STARTED_SLIPPED,
    ONGOING,
    TBC,
    NO_EVIDENCE,
) = STATUS_ORDER

#: The six statuses of the December 2015 report's own key (000_e235c92a6776d4ac.txt).
KEY_STATUSES: tuple[str, ...] = (
    COMPLETE,
    IN_PROGRESS,
    NOT_DUE,
    IN_PROGRESS_SLIPPED,
    NOT_STARTED_SLIPPED,
    TBC,
)
