"""Show tables, headings and charts in a report notebook, escaped and accessible.

Report notebooks call these instead of building HTML themselves, so every piece of
document text is escaped once, in one place, and every chart carries alt text.
"""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Image, display
from matplotlib.figure import Figure


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """Render a matplotlib figure to PNG bytes, identically on every run.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    dpi : int, default 100

    Returns
    -------
    bytes
        PNG data with no timestamp or software metadata.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from matplotlib.figure import Figure
    >>> png = figure_png(Figure(figsize=(1, 1)))
    >>> png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def show_figure(fig: Figure, alt: str, save_as: str | Path | None = None) -> None:
    """Display a figure as an inline PNG with alt text, then close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    alt : str
        What the chart shows, for screen readers and mail clients that block images.
    save_as : str or pathlib.Path, optional
        Also write the same PNG bytes to this file (e.g. for the e-mail body).
    """
    png = figure_png(fig)
    if save_as:
        Path(save_as).write_bytes(png)
    display(Image(data=png, format="png", alt=alt))
    fig.clear()


def table_html(frame: pd.DataFrame, caption: str | None = None) -> str:
    """Return a frame as an HTML table with every cell escaped and no index.

    Parameters
    ----------
    frame : pandas.DataFrame
    caption : str, optional
        Table caption (escaped).

    Returns
    -------
    str

    Examples
    --------
    >>> table_html(pd.DataFrame({"text": ["<script>x</script>"]}))
    '<table class="data ids">...&lt;script&gt;x&lt;/script&gt;...'
    """
    body = frame.to_html(index=False, escape=True, border=0, classes="data", na_rep="")
    first = frame.iloc[:, 0].astype(str) if len(frame.columns) and len(frame) else None
    # Keep a column of short identifiers (AP15-5.11, CGIP18-4.10-2) on one line each.
    ids = first is not None and bool(first.str.fullmatch(r"\S{1,24}").all())
    table_class = "data ids" if ids else "data"
    body = body.replace('<table class="dataframe data">', f'<table class="{table_class}">', 1)
    body = body.replace('<tr style="text-align: right;">', "<tr>")
    if caption:
        body = body.replace(
            f'<table class="{table_class}">',
            f'<table class="{table_class}">\n<caption>{html.escape(caption)}</caption>',
            1,
        )
    return body


def show_table(frame: pd.DataFrame, caption: str | None = None) -> None:
    """Display a frame as an escaped HTML table (see :func:`table_html`)."""
    display(HTML(table_html(frame, caption)))


def show_heading(text: str, level: int = 2) -> None:
    """Display an escaped heading ``<h{level}>``.

    Parameters
    ----------
    text : str
    level : int, default 2
    """
    display(HTML(f"<h{level}>{html.escape(text)}</h{level}>"))


def show_paragraph(text: str) -> None:
    """Display an escaped paragraph.

    Parameters
    ----------
    text : str
    """
    display(HTML(f"<p>{html.escape(text)}</p>"))


#: An HTML ``id`` the anchored headings accept: a letter, then letters, digits, ``._-``.
_ANCHOR = re.compile(r"[A-Za-z][A-Za-z0-9._-]*")


def anchored_heading_html(text: str, anchor: str, level: int = 2) -> str:
    """Return an escaped heading ``<h{level} id="{anchor}">`` that a link can point at.

    Parameters
    ----------
    text : str
        The heading (escaped).
    anchor : str
        The element ``id``, so that ``page.html#<anchor>`` opens at the heading.
    level : int, default 2

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``anchor`` is not a letter followed by letters, digits, ``.``, ``_`` or ``-``.

    Examples
    --------
    >>> anchored_heading_html("Plan <b>", "LC-workforce-plan", 3)
    '<h3 id="LC-workforce-plan">Plan &lt;b&gt;</h3>'
    """
    if not _ANCHOR.fullmatch(anchor):
        raise ValueError(f"not a safe HTML id: {anchor!r}")
    return f'<h{level} id="{html.escape(anchor)}">{html.escape(text)}</h{level}>'


def show_anchored_heading(text: str, anchor: str, level: int = 2) -> None:
    """Display an escaped heading with an ``id`` (see :func:`anchored_heading_html`).

    Parameters
    ----------
    text : str
    anchor : str
    level : int, default 2
    """
    display(HTML(anchored_heading_html(text, anchor, level)))


#: A link target the report pages accept: a relative path with an optional #fragment,
#: never a scheme (http:, javascript:, data:) or a protocol-relative //host.
_RELATIVE_HREF = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!//)[A-Za-z0-9._/#-]+$")


def link_list_html(links: pd.DataFrame, text: str, href: str) -> str:
    """Return an escaped ``<ul>`` of links to other pages of the report set.

    Parameters
    ----------
    links : pandas.DataFrame
        One row per link.
    text : str
        Column with the link text (escaped).
    href : str
        Column with the relative target (``../../lineage/lineage.html#LC-x``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If a target is not a plain relative path: the pages link to nothing outside.

    Examples
    --------
    >>> frame = pd.DataFrame({"t": ["A <b>"], "h": ["../x.html#A"]})
    >>> link_list_html(frame, "t", "h")
    '<ul>\\n<li><a href="../x.html#A">A &lt;b&gt;</a></li>\\n</ul>'
    """
    items = []
    for label, target in zip(links[text], links[href], strict=True):
        if not _RELATIVE_HREF.match(str(target)):
            raise ValueError(f"link target {target!r} is not a relative path within the reports")
        items.append(f'<li><a href="{html.escape(target)}">{html.escape(str(label))}</a></li>')
    return "<ul>\n" + "\n".join(items) + "\n</ul>"


def show_link_list(links: pd.DataFrame, text: str, href: str) -> None:
    """Display :func:`link_list_html`."""
    display(HTML(link_list_html(links, text, href)))


def show_document_section(section) -> None:
    """Display one :class:`~kerslake_analysis.report.document_sections.DocumentSection`:
    its heading, its paragraph if any, then its tables with their captions."""
    show_heading(section.title, level=section.level)
    if section.intro:
        show_paragraph(section.intro)
    for frame, caption in section.tables:
        show_table(frame, caption=caption)
