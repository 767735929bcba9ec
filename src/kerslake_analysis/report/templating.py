"""The HTML pages written without a notebook, from Jinja2 templates shipped as package data.

The page shell (``templates/page.html.j2``: language, title, the house stylesheet
inline, one ``main``), the index (``index.html.j2``) and each plan's overview
(``overview.html.j2``) are Jinja2 templates read with
:class:`jinja2.PackageLoader` from ``kerslake_analysis.report/templates``. Autoescape
is on: every value put into a page is escaped unless a template marks it ``safe``
(only the stylesheet and a notebook's exported body, which nbconvert has already
made).
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass

import jinja2

from kerslake_analysis import __version__
from kerslake_analysis.base import paths


@functools.cache
def package_environment(package: str) -> jinja2.Environment:
    """The Jinja2 environment of a package's ``templates/`` folder (package data).

    Autoescaping on and undefined names an error, for every page and e-mail the
    package writes: the report's pages use ``kerslake_analysis.report``, the e-mail body
    ``kerslake_analysis.deliver``.

    Parameters
    ----------
    package : str
        The package whose ``templates/`` folder holds the templates.

    Returns
    -------
    jinja2.Environment
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report's page templates (:func:`package_environment`).

    Returns
    -------
    jinja2.Environment
    """
    return package_environment("kerslake_analysis.report")


def stylesheet() -> str:
    """The house stylesheet (``templates/report.css``), inlined in every page."""
    return paths.STYLESHEET.read_text(encoding="utf-8")


def render(template: str, title: str, **context) -> str:
    """Render one of the package's page templates into a complete, self-contained page.

    Parameters
    ----------
    template : str
        Template name, e.g. ``"index.html.j2"``.
    title : str
        The page title (escaped).
    **context
        The template's values (escaped when shown).

    Returns
    -------
    str
        The page.
    """
    page = environment().get_template(template)
    return page.render(title=title, stylesheet=stylesheet(), version=__version__, **context)


def page(title: str, body: str) -> str:
    """Wrap an HTML fragment already made safe (a notebook's export) in the page shell.

    Parameters
    ----------
    title : str
        The page title (escaped).
    body : str
        HTML, inserted as it is.

    Returns
    -------
    str

    Examples
    --------
    >>> html = page("A <b> title", "<p>body</p>")
    >>> "<title>A &lt;b&gt; title</title>" in html and "<p>body</p>" in html
    True
    >>> html.startswith('<!DOCTYPE html>\\n<html lang="en-GB">')
    True
    """
    return render("page.html.j2", title=title, body=body)


@dataclass(frozen=True)
class InlineImage:
    """A chart as a page shows it: PNG bytes inline (base64), its size and its alt text.

    Attributes
    ----------
    png : bytes
    alt : str
        What the chart shows, in words (read out by screen readers, shown by mail
        clients that block images).
    width, height : int
        Pixels.
    """

    png: bytes
    alt: str
    width: int
    height: int

    @property
    def png_base64(self) -> str:
        """The PNG as base64 text for a ``data:`` URI."""
        return base64.b64encode(self.png).decode("ascii")


__all__ = ["InlineImage", "environment", "page", "render", "stylesheet"]
