"""Stage 1, ingest: published documents and council trackers into tidy tables.

:mod:`~kerslake_analysis.ingest.documents` reads each published document into the
curated tables, :mod:`~kerslake_analysis.ingest.register` reads a council's tracker,
:mod:`~kerslake_analysis.ingest.load` reads the curated tables back, checked against
:mod:`~kerslake_analysis.ingest.schema`. Imports only the base. See
``docs/architecture.md``.
"""
