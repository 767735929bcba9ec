"""The body of a period report's e-mail: HTML from a Jinja2 template, and plain text.

The HTML body is ``templates/email.html.j2``, shipped as package data and read with
:class:`jinja2.PackageLoader`, rendered with autoescape on: every text taken from a
report (plan title, headline sentence, labels, the chart's alt text) is escaped. The
body carries no ``data:`` URI, no script, no style sheet and no external image, so it
renders in common mail clients; styles are inline and the chart is shown from a part
of the message by Content-ID (``cid:``). The plain-text alternative says the same,
wrapped at 72 characters.

Examples
--------
>>> attachment_name("cgip-2018", "2018-09")
'report-cgip-2018-2018-09.html'
"""

from __future__ import annotations

import textwrap

import jinja2

from kerslake_analysis.base.periods import period_label
from kerslake_analysis.report.templating import package_environment

#: Width in pixels the chart is shown at in the message body.
CHART_WIDTH = 600
#: The template of the HTML body, in ``kerslake_analysis.deliver/templates``.
HTML_TEMPLATE = "email.html.j2"

# Inline styles of the body (mail clients drop <style> elements and external sheets).
_FONT = "font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;"
STYLE: dict[str, str] = {
    "body": f"margin:0;padding:16px;{_FONT}font-size:15px;line-height:1.45;",
    "h1": f"margin:0 0 12px 0;{_FONT}font-size:20px;line-height:1.3;",
    "p": f"margin:0 0 14px 0;{_FONT}font-size:15px;",
    "table": "border-collapse:collapse;margin:0 0 16px 0;",
    "caption": f"{_FONT}font-size:15px;font-weight:bold;text-align:left;padding:0 0 6px 0;",
    "th": f"{_FONT}font-size:14px;font-weight:normal;text-align:left;"
    "padding:4px 16px 4px 0;border-bottom:1px solid #d0d0d0;",
    "td": f"{_FONT}font-size:14px;font-weight:bold;text-align:right;"
    "padding:4px 0 4px 16px;border-bottom:1px solid #d0d0d0;",
    "img": "display:block;border:0;max-width:100%;height:auto;margin:0 0 16px 0;",
    "small": f"margin:0;{_FONT}font-size:13px;color:#4a4a4a;",
}


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the e-mail templates (autoescape on, strict undefined).

    Returns
    -------
    jinja2.Environment
    """
    return package_environment("kerslake_analysis.deliver")


def attachment_name(plan: str, period: str) -> str:
    """File name of the attached report, unique per plan and period.

    Parameters
    ----------
    plan, period : str

    Returns
    -------
    str

    Examples
    --------
    >>> attachment_name("cgip-2018", "2018-09")
    'report-cgip-2018-2018-09.html'
    """
    return f"report-{plan}-{period}.html"


def _title(figures: dict) -> str:
    return f"{figures['plan_title']} — {period_label(figures['period'])}"


def html_body(
    figures: dict,
    rows: list[tuple[str, str]],
    cid: str,
    alt: str,
    size: tuple[int, int],
) -> str:
    """The HTML body: title, headline sentence, key figures and the chart by Content-ID.

    Parameters
    ----------
    figures : dict
        The period's ``figures.json`` (``plan``, ``plan_title``, ``period``,
        ``headline_sentence`` are read).
    rows : list of (str, str)
        The key figures, from :func:`kerslake_analysis.deliver.key_figures.key_figures`.
    cid : str
        The chart part's Content-ID, without angle brackets.
    alt : str
        What the chart shows, in words.
    size : (int, int)
        The chart's width and height in pixels; it is shown at most
        :data:`CHART_WIDTH` wide, its height scaled to match.

    Returns
    -------
    str
        A complete HTML document; every value is escaped.

    Examples
    --------
    >>> figures = {"plan": "p", "plan_title": "<script>x</script>", "period": "2019-03",
    ...            "headline_sentence": "A & B"}
    >>> body = html_body(figures, [("Complete", "10")], "c@example.org", "bars", (1200, 600))
    >>> "&lt;script&gt;x&lt;/script&gt; — March 2019</h1>" in body, "<script" in body
    (True, False)
    >>> 'width="600" height="300"' in body
    True
    """
    width, height = size
    shown_width = min(CHART_WIDTH, width)
    shown_height = round(height * shown_width / width)
    return (
        environment()
        .get_template(HTML_TEMPLATE)
        .render(
            title=_title(figures),
            sentence=figures["headline_sentence"],
            period_words=period_label(figures["period"]),
            rows=rows,
            cid=cid,
            alt=alt,
            width=shown_width,
            height=shown_height,
            attachment=attachment_name(figures["plan"], figures["period"]),
            style=STYLE,
        )
    )


def text_body(figures: dict, rows: list[tuple[str, str]], alt: str) -> str:
    """The plain-text alternative: the same title, sentence, figures and chart description.

    Parameters
    ----------
    figures : dict
        The period's ``figures.json``.
    rows : list of (str, str)
        The key figures.
    alt : str
        What the chart shows, in words (said in place of the chart).

    Returns
    -------
    str
        Lines of at most 72 characters where the words allow.
    """
    wrap = textwrap.TextWrapper(width=72, break_long_words=False, break_on_hyphens=False)
    item = textwrap.TextWrapper(
        width=72,
        initial_indent="  ",
        subsequent_indent="      ",
        break_long_words=False,
        break_on_hyphens=False,
    )
    table = "\n".join(item.fill(f"{label}: {value}") for label, value in rows)
    return (
        f"{_title(figures)}\n\n{wrap.fill(figures['headline_sentence'])}\n\n"
        f"Key figures at the end of {period_label(figures['period'])}:\n{table}\n\n"
        f"{wrap.fill('Chart: ' + alt)}\n\n"
        + wrap.fill(
            "The full report, with every table and its sources, is attached as "
            f"{attachment_name(figures['plan'], figures['period'])}; open it in a web browser."
        )
        + "\n"
    )
