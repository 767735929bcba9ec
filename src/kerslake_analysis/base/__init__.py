"""The base every stage may import: where things are, reporting periods, run records.

:mod:`~kerslake_analysis.base.paths` (folders and package files),
:mod:`~kerslake_analysis.base.periods` (plans and ``YYYY-MM`` periods) and
:mod:`~kerslake_analysis.base.run_info` (versions, commit, checksums, the run manifest)
import nothing else from the package. See ``docs/architecture.md``.
"""
