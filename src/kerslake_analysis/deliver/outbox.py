"""The outbox: every message written as an ``.eml`` file before anything is sent.

The delivery log of a (plan, period) is kept beside its ``.eml`` files
(:func:`delivery_log_path`); :mod:`kerslake_analysis.deliver.send_log` reads and
writes it.
"""

from __future__ import annotations

import datetime as dt
from email import policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

from kerslake_analysis.base import paths
from kerslake_analysis.base.files import atomic_write
from kerslake_analysis.deliver.message import message_report

#: Where messages are written when no outbox is given.
OUTBOX_DIR: Path = paths.REPORTS_DIR / "outbox"


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
