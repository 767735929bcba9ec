"""One module per source document; each turns its raw file into tidy tables.

Every module exposes ``build() -> dict[str, pandas.DataFrame]`` mapping a curated
table name (``"commitments"``, ``"observations"`` …) to the rows that document
contributes. :mod:`kerslake_analysis.ingest.documents.build` gathers them into
``data/curated/``.
"""
