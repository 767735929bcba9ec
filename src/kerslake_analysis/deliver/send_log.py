"""The delivery log: each recipient's outcome for one (plan, period), kept as JSON.

The log is rewritten atomically on every change, before and after each SMTP
transaction, so a run that is killed leaves the recipient it was sending to as
:data:`SENDING` (outcome unknown, never sent again automatically) and nobody is
lost or sent to twice.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kerslake_analysis.base.files import atomic_write
from kerslake_analysis.deliver.errors import MailError
from kerslake_analysis.deliver.panel import Recipient

#: The server accepted the message for the recipient.
DELIVERED = "delivered"
#: The recipient was not reached (the reason is logged).
FAILED = "failed"
#: Written before a transaction; left only if the run was killed.
SENDING = "sending"


class DeliveryLog:
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
