"""The error of the deliver stage: a report that cannot be e-mailed as asked."""

from __future__ import annotations


class MailError(ValueError):
    """The report cannot be e-mailed as asked (missing report, a send that would repeat …)."""
