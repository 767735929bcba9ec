"""Stage 4, report: page content, charts, notebook runs and the HTML pages.

:mod:`~kerslake_analysis.report.content` computes what a period page shows,
:mod:`~kerslake_analysis.report.plots` and :mod:`~kerslake_analysis.report.display`
draw and lay it out, :mod:`~kerslake_analysis.report.notebook_run` executes a template
notebook, and :mod:`~kerslake_analysis.report.pages`,
:mod:`~kerslake_analysis.report.lineage_page` and
:mod:`~kerslake_analysis.report.audit_page` render the pages. The template notebooks
are in ``templates/``. May import every earlier stage. See ``docs/architecture.md``.
"""
