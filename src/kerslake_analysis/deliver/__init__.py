"""Stage 5, deliver: the panel's members and the report as an e-mail.

May import every earlier stage. See ``docs/architecture.md``.
"""
