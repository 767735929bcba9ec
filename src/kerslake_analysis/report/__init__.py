"""Stage 4, report: page content, charts, notebook runs and the HTML pages.

:mod:`~kerslake_analysis.report.plan_data` loads a plan and its view at a period;
:mod:`~kerslake_analysis.report.headline_figures`, :mod:`~kerslake_analysis.report.headline`,
:mod:`~kerslake_analysis.report.published`, :mod:`~kerslake_analysis.report.schedule_readings`,
:mod:`~kerslake_analysis.report.sections`, :mod:`~kerslake_analysis.report.ratings` and
:mod:`~kerslake_analysis.report.footer` compute what a period page shows,
:mod:`~kerslake_analysis.report.formatting` words its values, and
:mod:`~kerslake_analysis.report.figures_file` writes ``figures.json``;
:mod:`~kerslake_analysis.report.plots` and :mod:`~kerslake_analysis.report.display`
draw and lay it out, :mod:`~kerslake_analysis.report.notebook_run` executes a template
notebook, and :mod:`~kerslake_analysis.report.pages`,
:mod:`~kerslake_analysis.report.lineage_page` and
:mod:`~kerslake_analysis.report.audit_page` render the pages. The template notebooks
are in ``templates/``. May import every earlier stage. See ``docs/architecture.md``.
"""
