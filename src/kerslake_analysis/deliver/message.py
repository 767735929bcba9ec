"""The e-mail of one rendered period report, built from its ``figures.json`` alone.

The message (:func:`build_message`) is built with the standard library's
:class:`email.message.EmailMessage`::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain            headline sentence and key figures
    │   └── multipart/related
    │       ├── text/html         the same, styles inline, chart as <img src="cid:...">
    │       └── image/png         the status-by-theme chart (Content-ID)
    └── text/html attachment      the full report.html

The body itself is :mod:`kerslake_analysis.deliver.email_body`'s; the key figures are
:mod:`kerslake_analysis.deliver.key_figures`'. The same inputs and date give the same
message, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import parse_period, period_label
from kerslake_analysis.deliver.email_body import attachment_name, html_body, text_body
from kerslake_analysis.deliver.errors import MailError
from kerslake_analysis.deliver.key_figures import key_figures
from kerslake_analysis.deliver.panel import MailSettings, Panel, Recipient

#: The ``figures.json`` layout this module reads.
FIGURES_VERSION = 3

#: Header naming the plan of a message (used for the outbox file and delivery log names).
PLAN_HEADER = "X-Kerslake-Plan"
#: Header naming the period of a message.
PERIOD_HEADER = "X-Kerslake-Period"

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class _Report:
    figures: dict
    page: bytes
    chart: bytes
    chart_alt: str


def _read_report(report_dir: Path) -> _Report:
    """Read figures.json, report.html and the status chart, or say how to make them."""
    report_dir = Path(report_dir)
    figures_path = report_dir / paths.FIGURES_FILE
    page_path = report_dir / "report.html"
    hint = _render_hint(report_dir)
    for needed in (page_path, figures_path):
        if not needed.is_file():
            raise MailError(f"no rendered report in {report_dir} ({needed.name} missing); {hint}")
    try:
        figures = json.loads(figures_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise MailError(f"{figures_path}: not valid JSON ({exc}); {hint}") from None
    if figures.get("figures_version") != FIGURES_VERSION:
        raise MailError(
            f"{figures_path}: figures_version {figures.get('figures_version')!r}; this version "
            f"of kerslake e-mails version {FIGURES_VERSION}; {hint}"
        )
    try:
        chart_info = figures["charts"]["status_by_theme"]
        chart_path = report_dir / chart_info["file"]
    except (KeyError, TypeError):
        raise MailError(f"{figures_path}: no charts.status_by_theme entry; {hint}") from None
    if not chart_path.is_file():
        raise MailError(f"no chart {chart_path.name} in {report_dir}; {hint}")
    return _Report(figures, page_path.read_bytes(), chart_path.read_bytes(), chart_info["alt"])


def _render_hint(report_dir: Path) -> str:
    plan, period = report_dir.parent.name, report_dir.name
    return f"run `kerslake report --plan {plan} --period {period}` first"


def subject_line(plan_title: str, period: str) -> str:
    """The subject: the plan's title and the period in words.

    Parameters
    ----------
    plan_title : str
    period : str
        ``YYYY-MM``.

    Returns
    -------
    str

    Examples
    --------
    >>> subject_line("Corporate Governance Improvement Plan 2018", "2018-09")
    'Corporate Governance Improvement Plan 2018: progress report for September 2018'
    """
    return f"{plan_title}: progress report for {period_label(period)}"


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise MailError("the status chart is not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def build_message(
    report_dir: str | Path,
    panel: Panel | Iterable[Recipient],
    settings: MailSettings,
    date: dt.datetime | None = None,
) -> EmailMessage:
    """Build the e-mail of one rendered period report.

    Parameters
    ----------
    report_dir : str or pathlib.Path
        ``reports/<plan>/<period>/`` holding ``report.html``, ``figures.json`` and the
        status chart.
    panel : Panel or iterable of Recipient
        The recipients, all named in the ``To`` header.
    settings : MailSettings
        Sender and ``Message-ID`` domain.
    date : datetime.datetime, optional
        The ``Date`` of the message (timezone-aware); defaults to now (UTC). The same
        inputs and date give the same message, byte for byte.

    Returns
    -------
    email.message.EmailMessage
        ``multipart/mixed``: the body (plain text and HTML with the chart inline by
        Content-ID) and the full report attached.

    Raises
    ------
    MailError
        If the report is missing or incomplete (the message says to run
        ``kerslake report``), or ``date`` has no timezone.
    """
    report = _read_report(Path(report_dir))
    figures = report.figures
    recipients = list(panel)
    if not recipients:
        raise MailError("no recipients")
    date = date or dt.datetime.now(dt.UTC).replace(microsecond=0)
    if date.tzinfo is None:
        raise MailError("the message date needs a timezone (e.g. datetime.UTC)")
    plan, period = _checked_plan(str(figures["plan"])), str(figures["period"])
    parse_period(period)
    date_header = format_datetime(date)
    digest = _digest(
        plan,
        period,
        date_header,
        settings.from_address,
        "\n".join(r.address for r in recipients),
        report.page,
        report.chart,
        json.dumps(figures, sort_keys=True),
    )
    domain = settings.message_id_domain
    cid = f"status-by-theme.{digest[:16]}@{domain}"
    rows = key_figures(
        figures["headline"],
        figures.get("published"),
        (figures.get("earned_schedule") or {}).get("published_position"),
    )

    message = EmailMessage()
    message["Subject"] = subject_line(figures["plan_title"], period)
    message["From"] = settings.sender
    message["To"] = [r.mailbox for r in recipients]
    message["Date"] = date_header
    message["Message-ID"] = f"<kerslake.{plan}.{period}.{digest[:24]}@{domain}>"
    message[PLAN_HEADER] = plan
    message[PERIOD_HEADER] = period
    # Quoted-printable keeps the body 7-bit with short lines for any relay.
    message.set_content(text_body(figures, rows, report.chart_alt), cte="quoted-printable")
    message.add_alternative(
        html_body(figures, rows, cid, report.chart_alt, _png_size(report.chart)),
        subtype="html",
        cte="quoted-printable",
    )
    html_part = message.get_payload()[1]
    html_part.add_related(report.chart, "image", "png", cid=f"<{cid}>")
    message.add_attachment(
        report.page,
        maintype="text",
        subtype="html",
        filename=attachment_name(plan, period),
        params={"charset": "utf-8"},
    )
    # Fixed multipart boundaries instead of the random ones email.generator draws.
    for number, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"==kerslake-{digest[:20]}-{number}==")
    return message


def message_report(message: EmailMessage) -> tuple[str, str]:
    """The (plan, period) a message built by :func:`build_message` reports on.

    Parameters
    ----------
    message : email.message.EmailMessage

    Returns
    -------
    tuple of str

    Raises
    ------
    MailError
        If the message lacks the ``X-Kerslake-Plan`` / ``X-Kerslake-Period`` headers.
    """
    plan, period = message.get(PLAN_HEADER), message.get(PERIOD_HEADER)
    if not plan or not period:
        raise MailError(f"the message has no {PLAN_HEADER} / {PERIOD_HEADER} header")
    return _checked_plan(str(plan)), str(period)


def _checked_plan(plan: str) -> str:
    """A plan slug safe to use in a file name (letters, digits, ``.``, ``_``, ``-``)."""
    if not _SLUG.fullmatch(plan):
        raise MailError(f"plan {plan!r} is not a slug like cgip-2018; cannot name its files")
    return plan
