"""Delivery by SMTP: one connection, one transaction per recipient, each outcome logged.

:func:`send` opens one SMTP connection (STARTTLS or implicit TLS, as configured)
and sends one transaction per recipient, recording each outcome in the delivery log
(:mod:`kerslake_analysis.deliver.send_log`) as it happens, so a later
``retry_failed=True`` sends only to those who did not receive the message and never
to anyone twice. The password is read from the environment
(:func:`kerslake_analysis.deliver.panel.credentials_from_env`) and never written
anywhere: server replies are scrubbed of it and smtplib's debug output stays off.
"""

from __future__ import annotations

import base64
import os
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from kerslake_analysis.deliver.errors import MailError
from kerslake_analysis.deliver.message import message_report
from kerslake_analysis.deliver.outbox import delivery_log_path
from kerslake_analysis.deliver.panel import (
    Credentials,
    MailSettings,
    Recipient,
    credentials_from_env,
)
from kerslake_analysis.deliver.send_log import DELIVERED, FAILED, SENDING, DeliveryLog


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
    return scrub(_text(exc.smtp_code, exc.smtp_error))


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
    log = DeliveryLog(log_path, plan, period)
    credentials = credentials_from_env(env)
    scrub = _scrubber(credentials)
    message_id = str(message["Message-ID"])

    reached = [r for r in recipients if log.status(r) == DELIVERED]
    unknown = [r for r in recipients if log.status(r) == SENDING]
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
        log.record(who, FAILED, message_id, reason)
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
                    log.record(who, SENDING, message_id)
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
                            log.record(who, DELIVERED, message_id)
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


def _text(code: int, reply: bytes | str) -> str:
    reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {reply}".strip()
