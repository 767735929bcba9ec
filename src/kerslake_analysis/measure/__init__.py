"""Stage 2, measure: status, slippage metrics and lineage over the ingested tables.

Imports the base and ingest only. See ``docs/architecture.md``.
"""
