"""Send a rendered period report to the panel by e-mail.

The message (:func:`build_message`) is built with the standard library's
:class:`email.message.EmailMessage`::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain            headline sentence and key figures
    │   └── multipart/related
    │       ├── text/html         the same, styles inline, chart as <img src="cid:...">
    │       └── image/png         the status-by-theme chart (Content-ID)
    └── text/html attachment      the full report.html

The body carries no ``data:`` URI, no script and no style sheet, so it renders in
common mail clients; every text taken from the report is HTML-escaped.

Nothing is sent by accident: :func:`email_report` always writes the message as an
``.eml`` file to the outbox (``reports/outbox/`` by default) and delivers it only
when asked (``send=True``). :func:`send` opens one SMTP connection (STARTTLS or
implicit TLS, as configured) and sends one transaction per recipient, recording
each outcome in a JSON delivery log beside the ``.eml`` files as it happens, so a
later ``retry_failed=True`` sends only to those who did not receive the message and
never to anyone twice. The password is read from the environment
(:func:`kerslake_analysis.deliver.panel.credentials_from_env`) and never written anywhere:
server replies are scrubbed of it and smtplib's debug output stays off.

Examples
--------
>>> key_figures({"commitments": 104, "with_evidence": 104, "complete": 15,
...              "behind_schedule": 21, "slippage_rate": 21 / 63, "past_due": 63,
...              "due_on_date_open": 5, "behind_share": None,
...              "schedule_variance_months": -2.846, "schedule_basis_commitments": 90,
...              "schedule_dated_commitments": 90})[4:]
[('Slippage rate (behind / with evidence and due date passed)', '33.3%'), ('Due date passed (with evidence)', '63'), ('Due on the report date itself, not complete (not yet slipped)', '5'), ('Behind share (behind / all)', 'not computable'), ('Schedule by earned schedule, dated commitments with evidence (90 of 90)', '2.8 months behind')]
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
import os
import re
import smtplib
import ssl
import struct
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path

from kerslake_analysis.base import paths
from kerslake_analysis.base.files import atomic_write
from kerslake_analysis.base.periods import parse_period, period_label
from kerslake_analysis.deliver.panel import (
    Credentials,
    MailSettings,
    Panel,
    Recipient,
    credentials_from_env,
    load_panel,
    load_settings,
)

#: Where messages are written when no outbox is given.
OUTBOX_DIR: Path = paths.REPORTS_DIR / "outbox"
#: The ``figures.json`` layout this module reads.
FIGURES_VERSION = 3
#: Width in pixels the chart is shown at in the message body.
CHART_WIDTH = 600

#: Header naming the plan of a message (used for the outbox file and delivery log names).
PLAN_HEADER = "X-Kerslake-Plan"
#: Header naming the period of a message.
PERIOD_HEADER = "X-Kerslake-Period"

#: The key figures read from the evidence: label, ``figures.json`` headline key, kind.
#: The earned-schedule label gets its basis (N of M) from the headline; the slippage
#: and earned-schedule labels say when evidence covers under half the commitments.
KEY_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("Commitments", "commitments", "count"),
    ("With evidence", "with_evidence", "coverage"),
    ("Complete", "complete", "count"),
    ("Behind schedule", "behind_schedule", "count"),
    ("Slippage rate (behind / with evidence and due date passed)", "slippage_rate", "share"),
    ("Due date passed (with evidence)", "past_due", "count"),
    ("Due on the report date itself, not complete (not yet slipped)", "due_on_date_open", "count"),
    ("Behind share (behind / all)", "behind_share", "share"),
    (
        "Schedule by earned schedule, dated commitments with evidence",
        "schedule_variance_months",
        "months",
    ),
)

_SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_DELIVERED = "delivered"
_FAILED = "failed"
_SENDING = "sending"  # written before a transaction; left only if the run was killed

# Inline styles of the body (mail clients drop <style> elements and external sheets).
_FONT = "font-family:Arial,Helvetica,sans-serif;color:#1a1a1a;"
_STYLE = {
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


class MailError(ValueError):
    """The report cannot be e-mailed as asked (missing report, a send that would repeat …)."""


@dataclass(frozen=True)
class DeliveryResult:
    """Who received a message and who did not.

    Attributes
    ----------
    plan, period : str
        The report sent.
    message_id : str
        ``Message-ID`` of the message sent in this run.
    delivered : tuple of str
        Recipients (``Name <address>``) the server accepted the message for in this run.
    failed : tuple of (str, str)
        Recipients not reached in this run, each with the reason.
    already_delivered : tuple of str
        Recipients the delivery log shows as reached by an earlier run (not sent again).
    unconfirmed : tuple of str
        Recipients an earlier run was sending to when it stopped: whether they got the
        message is unknown, so they are not sent to again automatically.
    log_path : pathlib.Path
        The delivery log.
    eml_path : pathlib.Path or None
        The copy of the message in the outbox, when :func:`email_report` wrote one.
    """

    plan: str
    period: str
    message_id: str
    delivered: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]
    already_delivered: tuple[str, ...]
    unconfirmed: tuple[str, ...]
    log_path: Path
    eml_path: Path | None = None

    @property
    def ok(self) -> bool:
        """True when every recipient has the message (now or from an earlier run)."""
        return not self.failed and not self.unconfirmed

    @property
    def exit_code(self) -> int:
        """0 when :attr:`ok`, else 1."""
        return 0 if self.ok else 1

    def __str__(self) -> str:
        lines = [
            f"{self.plan} {self.period}: delivered to {len(self.delivered)}, "
            f"not delivered to {len(self.failed)}"
            + (
                f", already delivered earlier to {len(self.already_delivered)}"
                if self.already_delivered
                else ""
            )
            + (f", outcome unknown for {len(self.unconfirmed)}" if self.unconfirmed else "")
        ]
        lines += [f"  delivered: {who}" for who in self.delivered]
        lines += [f"  NOT delivered: {who}: {why}" for who, why in self.failed]
        lines += [f"  already delivered earlier: {who}" for who in self.already_delivered]
        lines += [
            f"  outcome unknown (an earlier run stopped while sending; not sent again): {who}"
            for who in self.unconfirmed
        ]
        if self.eml_path:
            lines.append(f"  message: {self.eml_path}")
        lines.append(f"  delivery log: {self.log_path}")
        if self.failed:
            lines.append("  run again with --retry-failed to send only to those not reached")
        return "\n".join(lines)


# ------------------------------------------------------------------ the report's files


@dataclass(frozen=True)
class _Report:
    figures: dict
    page: bytes
    chart: bytes
    chart_alt: str


def _read_report(report_dir: Path) -> _Report:
    """Read figures.json, report.html and the status chart, or say how to make them."""
    report_dir = Path(report_dir)
    figures_path = report_dir / "figures.json"
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


# ------------------------------------------------------------------ the message


def _show(value: float | int | None, kind: str) -> str:
    if value is None:
        return "not computable"
    if kind == "share":
        return f"{value * 100:.1f}%"
    if kind == "months":
        if abs(value) < 0.05:
            return "on schedule"
        return f"{abs(value):.1f} months {'behind' if value < 0 else 'ahead'}"
    return f"{int(value):d}"


def key_figures(
    headline: Mapping[str, float | int | None],
    published: Mapping | None = None,
    published_position: Mapping | None = None,
) -> list[tuple[str, str]]:
    """The key figures of the message as (label, value shown) pairs.

    Parameters
    ----------
    headline : mapping
        The ``headline`` object of ``figures.json``; None means "not computable".
    published : mapping, optional
        The ``published`` object of ``figures.json`` (the council's own figures for the
        period), or None. When given, its complete and behind-schedule counts come
        first, each "of" the council's total with its source line, and the figures
        read from the evidence are labelled so.
    published_position : mapping, optional
        ``earned_schedule.published_position`` of ``figures.json``: the schedule
        position the council's count implies, shown after the published counts.

    Returns
    -------
    list of (str, str)
        Counts as whole numbers, shares as percentages to one decimal, the earned
        schedule variance as months behind or ahead to one decimal, with its basis
        (dated commitments with evidence, N of M) in the label; never the bound.

    Examples
    --------
    >>> key_figures({"commitments": 10, "with_evidence": 4, "complete": 4,
    ...              "behind_schedule": 0, "slippage_rate": 0.0, "behind_share": 0.0,
    ...              "schedule_variance_months": None, "schedule_basis_commitments": 4,
    ...              "schedule_dated_commitments": 10})[-1]
    ('Schedule by earned schedule, dated commitments with evidence (4 of 10; evidence covers only 4 of 10 commitments)', 'not computable')
    """
    rows = _published_key_figures(published, published_position) if published else []
    prefix = "From the evidence: " if published else ""
    total, with_evidence = headline.get("commitments"), headline.get("with_evidence")
    caution = (
        f"; evidence covers only {with_evidence} of {total} commitments"
        if total and with_evidence is not None and with_evidence * 2 < total
        else ""
    )
    for label, key, kind in KEY_FIGURES:
        if key == "schedule_variance_months":
            basis = headline.get("schedule_basis_commitments")
            dated = headline.get("schedule_dated_commitments")
            label += f" ({basis} of {dated}{caution})"
        elif key == "slippage_rate" and caution:
            label = label[:-1] + caution + ")"
        value = headline.get(key)
        if kind == "coverage":
            shown = "not computable" if value is None or not total else f"{value} of {total}"
        else:
            shown = _show(value, kind)
        rows.append((prefix + label, shown))
    return rows


def _published_key_figures(published: Mapping, position: Mapping | None) -> list[tuple[str, str]]:
    """The council's own counts (complete, behind schedule) and the position they imply."""
    by_id = {row["snapshot_id"]: row for row in published["rows"]}
    total = published.get("total")
    unit = published.get("unit") or "items"
    rows = []
    for key, what in (("complete", "complete"), ("behind_schedule", "behind schedule")):
        figure = published.get(key)
        if not figure:
            continue
        # the sentence stating the sum where there is one, else the figures added up
        cited = (
            [figure] if figure.get("source_line") else [by_id[i] for i in figure["snapshot_ids"]]
        )
        places = sorted({(r["source"], r["source_line"]) for r in cited})
        where = "; ".join(f"{paths.document_name(source)} line {line}" for source, line in places)
        of = f" of {total['value']} {unit}" if total else f" {unit}"
        rows.append((f"Published by the council: {what}", f"{figure['value']}{of} ({where})"))
    if position:
        rows.append(
            (
                "Estimated by this project from the council's count (not a council figure): "
                "months ahead (+) or behind (−) implied by its share complete "
                f"({position['published_complete']} of {position['published_total']})",
                _show(position["sv_months"], "months"),
            )
        )
    return rows


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


def _png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise MailError("the status chart is not a PNG image")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _html_body(figures: dict, rows: list[tuple[str, str]], cid: str, alt: str, size) -> str:
    e = html.escape
    title = f"{figures['plan_title']} — {period_label(figures['period'])}"
    width, height = size
    shown_width = min(CHART_WIDTH, width)
    shown_height = round(height * shown_width / width)
    table_rows = "\n".join(
        f'<tr><th scope="row" style="{_STYLE["th"]}">{e(label)}</th>'
        f'<td style="{_STYLE["td"]}">{e(value)}</td></tr>'
        for label, value in rows
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n</head>\n"
        f'<body style="{_STYLE["body"]}">\n'
        f'<h1 style="{_STYLE["h1"]}">{e(title)}</h1>\n'
        f'<p style="{_STYLE["p"]}">{e(figures["headline_sentence"])}</p>\n'
        f'<table style="{_STYLE["table"]}">\n'
        f'<caption style="{_STYLE["caption"]}">Key figures at the end of '
        f"{e(period_label(figures['period']))}</caption>\n{table_rows}\n</table>\n"
        f'<img src="cid:{e(cid)}" alt="{e(alt)}" width="{shown_width}" '
        f'height="{shown_height}" style="{_STYLE["img"]}">\n'
        f'<p style="{_STYLE["small"]}">The full report, with every table and its sources, is '
        f"attached as {e(attachment_name(figures['plan'], figures['period']))}; "
        "open it in a web browser.</p>\n"
        "</body>\n</html>\n"
    )


def _text_body(figures: dict, rows: list[tuple[str, str]], alt: str) -> str:
    title = f"{figures['plan_title']} — {period_label(figures['period'])}"
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
        f"{title}\n\n{wrap.fill(figures['headline_sentence'])}\n\n"
        f"Key figures at the end of {period_label(figures['period'])}:\n{table}\n\n"
        f"{wrap.fill('Chart: ' + alt)}\n\n"
        + wrap.fill(
            "The full report, with every table and its sources, is attached as "
            f"{attachment_name(figures['plan'], figures['period'])}; open it in a web browser."
        )
        + "\n"
    )


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
    message.set_content(_text_body(figures, rows, report.chart_alt), cte="quoted-printable")
    message.add_alternative(
        _html_body(figures, rows, cid, report.chart_alt, _png_size(report.chart)),
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


# ------------------------------------------------------------------ outbox and log


def write_outbox(message: EmailMessage, outbox_dir: str | Path | None = None) -> Path:
    """Write a message as an ``.eml`` file (CRLF line ends) to the outbox.

    Parameters
    ----------
    message : email.message.EmailMessage
        From :func:`build_message`.
    outbox_dir : str or pathlib.Path, optional
        Folder to write into (created if missing); defaults to :data:`OUTBOX_DIR`.

    Returns
    -------
    pathlib.Path
        ``<outbox>/<plan>_<period>_<date>.eml``, the date being the message's in UTC
        (``20181001T090000Z``). Writing the same message again replaces the file.
    """
    plan, period = message_report(message)
    stamp = parsedate_to_datetime(str(message["Date"])).astimezone(dt.UTC)
    path = Path(outbox_dir or OUTBOX_DIR) / f"{plan}_{period}_{stamp:%Y%m%dT%H%M%SZ}.eml"
    atomic_write(path, message.as_bytes(policy=policy.SMTP))
    return path


def delivery_log_path(plan: str, period: str, outbox_dir: str | Path | None = None) -> Path:
    """Where the delivery log of one (plan, period) is kept: beside its ``.eml`` files.

    Parameters
    ----------
    plan, period : str
    outbox_dir : str or pathlib.Path, optional
        Defaults to :data:`OUTBOX_DIR`.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> delivery_log_path("cgip-2018", "2018-09", "outbox").as_posix()
    'outbox/cgip-2018_2018-09.delivery.json'
    """
    return Path(outbox_dir or OUTBOX_DIR) / f"{plan}_{period}.delivery.json"


class _DeliveryLog:
    """Per-recipient outcomes of one (plan, period), rewritten atomically on each change."""

    def __init__(self, path: Path, plan: str, period: str):
        self.path = path
        self.data = {"plan": plan, "period": period, "recipients": {}}
        if path.is_file():
            try:
                stored = json.loads(path.read_text(encoding="utf-8"))
            except json.JSONDecodeError as exc:
                raise MailError(f"{path}: delivery log is not valid JSON ({exc})") from None
            if (stored.get("plan"), stored.get("period")) != (plan, period):
                raise MailError(
                    f"{path}: delivery log is for {stored.get('plan')} {stored.get('period')}, "
                    f"not {plan} {period}"
                )
            self.data = stored

    def status(self, recipient: Recipient) -> str:
        return self.data["recipients"].get(recipient.key, {}).get("status", "")

    def record(self, recipient: Recipient, status: str, message_id: str, reason: str = ""):
        self.data["recipients"][recipient.key] = {
            "name": recipient.name,
            "address": recipient.address,
            "status": status,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "message_id": message_id,
            "reason": reason,
        }
        text = json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        atomic_write(self.path, text.encode("utf-8"))


# ------------------------------------------------------------------ SMTP


class _ConnectionFailed(Exception):
    """Connecting or logging in failed; the message is already scrubbed of secrets."""


def _scrubber(credentials: Credentials | None):
    """A function removing the password, and its base64 forms as sent in AUTH, from a text."""
    if credentials is None:
        return lambda text: text
    user, password = credentials.user, credentials.password
    secrets = {password}
    for raw in (password, f"\0{user}\0{password}", f"{user}\0{user}\0{password}"):
        secrets.add(base64.b64encode(raw.encode("utf-8")).decode("ascii"))
    secrets = sorted(secrets, key=len, reverse=True)

    def scrub(text: str) -> str:
        for secret in secrets:
            text = text.replace(secret, "[hidden]")
        return text

    return scrub


def _reply(exc: smtplib.SMTPResponseException, scrub) -> str:
    text = exc.smtp_error
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return scrub(f"{exc.smtp_code} {text}".strip())


def _connect(settings: MailSettings, credentials: Credentials | None, scrub) -> smtplib.SMTP:
    """Open, secure and log in; raise _ConnectionFailed with a clean reason on any failure."""
    where = f"{settings.host}:{settings.port} ({settings.security})"
    context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
    try:
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
    except (OSError, smtplib.SMTPException) as exc:
        raise _ConnectionFailed(f"could not connect to {where}: {scrub(_describe(exc))}") from None
    smtp.set_debuglevel(0)
    try:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if credentials is not None:
            smtp.login(credentials.user, credentials.password)
    except smtplib.SMTPAuthenticationError as exc:
        smtp.close()
        raise _ConnectionFailed(
            f"login as {credentials.user!r} refused by {where}: {_reply(exc, scrub)}"
        ) from None
    except smtplib.SMTPNotSupportedError as exc:
        smtp.close()
        what = "STARTTLS" if "STARTTLS" in str(exc) else "login (AUTH)"
        raise _ConnectionFailed(f"{where} does not offer {what} on this connection") from None
    except (OSError, smtplib.SMTPException, UnicodeError) as exc:
        smtp.close()
        raise _ConnectionFailed(
            f"could not open a session with {where}: {scrub(_describe(exc))}"
        ) from None
    return smtp


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__} {exc.smtp_code}"
    if isinstance(exc, UnicodeError):
        return "the login contains characters the server cannot take"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def send(
    message: EmailMessage,
    recipients: Iterable[Recipient],
    settings: MailSettings,
    env: Mapping[str, str] = os.environ,
    retry_failed: bool = False,
    log_path: str | Path | None = None,
) -> DeliveryResult:
    """Deliver a message by SMTP, one transaction per recipient, logging each outcome.

    Parameters
    ----------
    message : email.message.EmailMessage
        From :func:`build_message`; its headers are sent unchanged (every recipient
        sees the whole panel in ``To``), the envelope names one recipient at a time.
    recipients : iterable of Recipient
        Who to send to (usually the :class:`~kerslake_analysis.deliver.panel.Panel`).
    settings : MailSettings
        Server, port, security and sender.
    env : mapping, default os.environ
        Where ``KERSLAKE_SMTP_USER`` and ``KERSLAKE_SMTP_PASSWORD`` are read.
    retry_failed : bool, default False
        Send only to recipients the delivery log does not show as reached. Without it,
        a log showing anyone reached stops the send (:class:`MailError`).
    log_path : str or pathlib.Path, optional
        The delivery log; defaults to :func:`delivery_log_path` in :data:`OUTBOX_DIR`.

    Returns
    -------
    DeliveryResult
        Who received the message and who did not, with reasons. A refused connection,
        a failed login or a refused recipient is reported here, not raised.

    Raises
    ------
    MailError
        If the log shows deliveries already and ``retry_failed`` is False, or the log
        belongs to another report.
    kerslake_analysis.deliver.panel.ConfigError
        If only one of the two login variables is set.
    """
    plan, period = message_report(message)
    recipients = list(recipients)
    log_path = Path(log_path) if log_path else delivery_log_path(plan, period)
    log = _DeliveryLog(log_path, plan, period)
    credentials = credentials_from_env(env)
    scrub = _scrubber(credentials)
    message_id = str(message["Message-ID"])

    reached = [r for r in recipients if log.status(r) == _DELIVERED]
    unknown = [r for r in recipients if log.status(r) == _SENDING]
    if (reached or unknown) and not retry_failed:
        raise MailError(
            f"{plan} {period} was already sent to {len(reached) + len(unknown)} of "
            f"{len(recipients)} recipients (see {log_path}); use --retry-failed to send only "
            "to those not reached, or remove the log to send the report again to everyone"
        )
    pending = [r for r in recipients if r not in reached and r not in unknown]
    delivered: list[str] = []
    failed: list[tuple[str, str]] = []

    def fail(who: Recipient, reason: str) -> None:
        log.record(who, _FAILED, message_id, reason)
        failed.append((str(who.mailbox), reason))

    if pending:
        try:
            smtp = _connect(settings, credentials, scrub)
        except _ConnectionFailed as exc:
            for who in pending:
                fail(who, str(exc))
        else:
            try:
                for index, who in enumerate(pending):
                    log.record(who, _SENDING, message_id)
                    try:
                        refused = smtp.send_message(
                            message, from_addr=settings.sender.addr_spec, to_addrs=[who.envelope]
                        )
                    except smtplib.SMTPRecipientsRefused as exc:
                        code, reply = next(iter(exc.recipients.values()), (0, b""))
                        fail(who, f"recipient refused by the server: {scrub(_text(code, reply))}")
                    except smtplib.SMTPResponseException as exc:
                        fail(who, f"message refused by the server: {_reply(exc, scrub)}")
                    except (OSError, smtplib.SMTPServerDisconnected) as exc:
                        reason = f"connection lost: {scrub(_describe(exc))}"
                        for lost in pending[index:]:
                            fail(lost, reason)
                        break
                    except smtplib.SMTPException as exc:
                        fail(who, f"not sent: {scrub(_describe(exc))}")
                    else:
                        if refused:
                            code, reply = next(iter(refused.values()))
                            fail(
                                who, f"recipient refused by the server: {scrub(_text(code, reply))}"
                            )
                        else:
                            log.record(who, _DELIVERED, message_id)
                            delivered.append(str(who.mailbox))
            finally:
                _close(smtp)
    return DeliveryResult(
        plan=plan,
        period=period,
        message_id=message_id,
        delivered=tuple(delivered),
        failed=tuple(failed),
        already_delivered=tuple(str(r.mailbox) for r in reached),
        unconfirmed=tuple(str(r.mailbox) for r in unknown),
        log_path=log_path,
    )


#: :func:`send` under another name, for :func:`email_report` whose ``send`` flag hides it.
_send = send


def _text(code: int, reply: bytes | str) -> str:
    reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {reply}".strip()


# ------------------------------------------------------------------ the command


def email_report(
    plan: str,
    period: str,
    send: bool = False,
    outbox: str | Path | None = None,
    retry_failed: bool = False,
    panel_path: str | Path | None = None,
    settings_path: str | Path | None = None,
    reports_root: str | Path | None = None,
    date: dt.datetime | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Path | DeliveryResult, int]:
    """E-mail a rendered period report: write it to the outbox, and send it if asked.

    This is ``kerslake email --plan P --period YYYY-MM [--send] [--outbox DIR]
    [--retry-failed]``. The message is always written to the outbox first, so the
    outbox holds a copy of everything sent.

    Parameters
    ----------
    plan : str
        Plan slug, e.g. ``"cgip-2018"``.
    period : str
        ``YYYY-MM``.
    send : bool, default False
        Deliver by SMTP. Without it (and without ``retry_failed``) nothing is sent.
    outbox : str or pathlib.Path, optional
        Folder for the ``.eml`` files and the delivery log; defaults to
        :data:`OUTBOX_DIR` (``reports/outbox/``).
    retry_failed : bool, default False
        Send (this implies ``send``) only to the recipients the delivery log does not
        show as reached.
    panel_path, settings_path : str or pathlib.Path, optional
        Defaults ``config/panel.toml`` and ``config/mail.toml``.
    reports_root : str or pathlib.Path, optional
        Folder holding the rendered reports; defaults to ``reports/``.
    date : datetime.datetime, optional
        Date of the message (timezone-aware); defaults to now.
    env : mapping, optional
        Environment for the login variables; defaults to :data:`os.environ`.

    Returns
    -------
    (pathlib.Path or DeliveryResult, int)
        Without sending: the ``.eml`` file written and 0. With sending: the
        :class:`DeliveryResult` (its ``str`` is the report for the user) and its exit
        code, 1 when anyone was not reached.

    Raises
    ------
    MailError
        If the report has not been rendered (the message says to run ``kerslake
        report``), or sending would repeat a delivery without ``retry_failed``.
    kerslake_analysis.deliver.panel.ConfigError
        If the panel or settings file is missing or invalid (with line numbers), or
        only one login variable is set.
    """
    parse_period(period)
    report_dir = paths.report_dir(plan, period, root=Path(reports_root) if reports_root else None)
    panel = load_panel(panel_path)
    settings = load_settings(settings_path)
    message = build_message(report_dir, panel, settings, date=date)
    outbox_dir = Path(outbox) if outbox else OUTBOX_DIR
    log_path = delivery_log_path(plan, period, outbox_dir)
    if retry_failed and not log_path.is_file():
        raise MailError(
            f"nothing to retry: no delivery log for {plan} {period} at {log_path}; "
            "send it first with --send"
        )
    eml_path = write_outbox(message, outbox_dir)
    if not (send or retry_failed):
        return eml_path, 0
    result = _send(
        message,
        panel,
        settings,
        env=os.environ if env is None else env,
        retry_failed=retry_failed,
        log_path=log_path,
    )
    result = replace(result, eml_path=eml_path)
    return result, result.exit_code
