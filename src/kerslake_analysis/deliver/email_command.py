"""``kerslake email``: write a rendered report's message to the outbox, and send it if asked.

Nothing is sent by accident: :func:`email_report` always writes the message as an
``.eml`` file to the outbox (``reports/outbox/`` by default) and delivers it only
when asked (``send=True``); the outbox holds a copy of everything sent.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from kerslake_analysis.base import paths
from kerslake_analysis.base.periods import parse_period
from kerslake_analysis.deliver import smtp
from kerslake_analysis.deliver.errors import MailError
from kerslake_analysis.deliver.message import build_message
from kerslake_analysis.deliver.outbox import OUTBOX_DIR, delivery_log_path, write_outbox
from kerslake_analysis.deliver.panel import load_panel, load_settings
from kerslake_analysis.deliver.smtp import DeliveryResult


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
    result = smtp.send(
        message,
        panel,
        settings,
        env=os.environ if env is None else env,
        retry_failed=retry_failed,
        log_path=log_path,
    )
    result = replace(result, eml_path=eml_path)
    return result, result.exit_code
