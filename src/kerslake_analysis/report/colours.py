"""The charts' colours: one name for each colour of the GOV.UK design-system palette.

Green, amber, red and the grey of "none" are the RAG colours of
:data:`kerslake_analysis.measure.status.RAG_COLOURS` (the statuses' colours are
:data:`~kerslake_analysis.measure.status.STATUS_COLOURS`).
"""

from __future__ import annotations

from kerslake_analysis.measure.status import RAG_COLOURS

GREEN = RAG_COLOURS["Green"]
AMBER = RAG_COLOURS["Amber"]
RED = RAG_COLOURS["Red"]
#: Mid grey: no evidence, unverifiable, other categories.
MID_GREY = RAG_COLOURS["none"]
BLUE = "#1d70b8"
ORANGE = "#f47738"
#: Dark grey: the report-date line, reference lines.
DARK_GREY = "#505a5f"
#: Light grey: grid lines.
LIGHT_GREY = "#e5e5e5"
#: Near-black: bar edges, due-date marks.
BLACK = "#0b0c0c"
#: Amber/Green of a five-point rating.
AMBER_GREEN = "#85994b"
