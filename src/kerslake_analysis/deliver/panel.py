"""Who receives the period reports and through which mail server: the mail configuration.

Two TOML files in ``config/``, read with :mod:`tomllib` and checked with pydantic
models (:class:`~kerslake_analysis.base.validation.StrictModel`: unknown keys refused,
no type coercion):

* ``panel.toml`` — the recipients, one ``[[member]]`` table each with ``name``,
  ``address`` and an optional ``role``. Read by :func:`load_panel`.
* ``mail.toml`` — the ``[smtp]`` table: ``host``, ``port``, ``security``
  (``"starttls"``, ``"tls"`` or ``"none"``; ``"none"`` only for a server on this
  machine), ``from_address``, ``from_name``, ``message_id_domain``, and optionally
  ``timeout_seconds`` and ``ca_file``. Read by :func:`load_settings`.

Addresses are checked by email-validator (RFC 5321/5322 syntax and its domain rules,
no DNS look-up): one plain ``local@domain``, no display name, no IP address, no
special-use domain such as ``localhost``, an ASCII local part (the message is sent
without SMTPUTF8).

The login is never in a file: :func:`credentials_from_env` reads it from the
environment variables ``KERSLAKE_SMTP_USER`` and ``KERSLAKE_SMTP_PASSWORD``.

Every problem in a file is reported at once, each with the file and its line
number (tomllib gives none, so the line is found by looking for the offending
value in the text).

Examples
--------
>>> panel = load_panel()
>>> sorted({m.address.rsplit("@", 1)[1] for m in panel})
['example.org']
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.headerregistry import Address
from pathlib import Path
from typing import Annotated, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, Field, ValidationError, ValidationInfo, field_validator

from kerslake_analysis.base import paths
from kerslake_analysis.base.validation import Issue, StrictModel, validation_issues

#: The panel file read when no other is given.
PANEL_FILE: Path = paths.CONFIG_DIR / "panel.toml"
#: The mail-server file read when no other is given.
SETTINGS_FILE: Path = paths.CONFIG_DIR / "mail.toml"

#: Environment variable holding the SMTP user name.
USER_ENV = "KERSLAKE_SMTP_USER"
#: Environment variable holding the SMTP password.
PASSWORD_ENV = "KERSLAKE_SMTP_PASSWORD"

#: Ways of securing the connection: STARTTLS upgrade, implicit TLS, or none (loopback only).
SECURITY_CHOICES = ("starttls", "tls", "none")
#: Hosts for which ``security = "none"`` is allowed (a test or relay on this machine).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class ConfigError(ValueError):
    """A mail configuration file is missing or invalid; the message lists every problem."""


@dataclass(frozen=True)
class Recipient:
    """One member of the panel.

    Attributes
    ----------
    name : str
        The member's name, shown in the ``To`` header.
    address : str
        The e-mail address, as written in the panel file.
    role : str
        The member's role on the panel ("" if not given).
    line : int
        Line of the panel file where the address is written (0 if built in code).
    """

    name: str
    address: str
    role: str = ""
    line: int = 0

    @property
    def mailbox(self) -> Address:
        """The member as a header address, ``Name <address>`` (domain in ASCII form)."""
        username, domain = ascii_address(self.address).rsplit("@", 1)
        return Address(display_name=self.name, username=username, domain=domain)

    @property
    def envelope(self) -> str:
        """The address given to the SMTP server (domain in ASCII form)."""
        return ascii_address(self.address)

    @property
    def key(self) -> str:
        """The address in the form used to tell members apart (case-folded)."""
        return self.address.casefold()


@dataclass(frozen=True)
class Panel:
    """The recipients of the reports, in the order of the panel file.

    Attributes
    ----------
    members : tuple of Recipient
    path : pathlib.Path or None
        The file they were read from.
    """

    members: tuple[Recipient, ...]
    path: Path | None = None

    def __iter__(self) -> Iterator[Recipient]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)


@dataclass(frozen=True)
class MailSettings:
    """How to reach the mail server and how to sign the messages.

    Attributes
    ----------
    host : str
        SMTP server name or address.
    port : int
        SMTP port (587 for STARTTLS and 465 for implicit TLS are usual).
    security : str
        ``"starttls"``, ``"tls"`` or ``"none"`` (only for :data:`LOOPBACK_HOSTS`).
    from_address : str
        Sender address (``From`` header and SMTP envelope sender).
    message_id_domain : str
        Domain part of every ``Message-ID``, so message IDs do not depend on the machine.
    from_name : str
        Sender display name ("" for none).
    timeout_seconds : float
        Socket timeout for every SMTP operation.
    ca_file : pathlib.Path or None
        PEM file of certificate authorities to trust instead of the system's (for a
        council's internal CA); None for the system's.
    path : pathlib.Path or None
        The file the settings were read from.
    """

    host: str
    port: int
    security: str
    from_address: str
    message_id_domain: str
    from_name: str = ""
    timeout_seconds: float = 30.0
    ca_file: Path | None = None
    path: Path | None = None

    @property
    def sender(self) -> Address:
        """The sender as a header address (domain in ASCII form)."""
        username, domain = ascii_address(self.from_address).rsplit("@", 1)
        return Address(display_name=self.from_name, username=username, domain=domain)


@dataclass(frozen=True)
class Credentials:
    """SMTP login read from the environment. The password is left out of ``repr``.

    Attributes
    ----------
    user : str
    password : str
    """

    user: str
    password: str = field(repr=False)


# ------------------------------------------------------------------ addresses


def _validated(address: str):
    """email-validator's reading of an address: syntax and domain rules only, no DNS."""
    return validate_email(
        address,
        check_deliverability=False,
        allow_smtputf8=False,
        allow_display_name=False,
        allow_quoted_local=False,
        allow_domain_literal=False,
    )


def check_domain(domain: object) -> str:
    """Check that a text is an internet domain name mail can use.

    The domain is checked by email-validator as the domain of ``postmaster@domain``
    (every mail domain has that mailbox, RFC 5321 section 4.5.1): labels of letters,
    digits and hyphens (internationalised names accepted), at least one dot, a real
    top-level domain, not a special-use name such as ``localhost``. No DNS look-up.

    Parameters
    ----------
    domain : object
        For example ``"example.org"``, as read from a configuration file.

    Returns
    -------
    str
        The domain, unchanged.

    Raises
    ------
    ValueError
        Saying what is wrong.

    Examples
    --------
    >>> check_domain("reports.example.org")
    'reports.example.org'
    >>> check_domain("localhost")
    Traceback (most recent call last):
    ...
    ValueError: domain 'localhost' is not valid: The part after the @-sign is not valid. It should have a period.
    """
    if not isinstance(domain, str):
        raise ValueError(f"domain must be a text string, not {type(domain).__name__}")
    if not domain:
        raise ValueError("domain is empty")
    try:
        _validated(f"postmaster@{domain}")
    except EmailNotValidError as exc:
        raise ValueError(f"domain {domain!r} is not valid: {exc}") from None
    return domain


def check_address(address: object) -> str:
    """Check that a value is one plain e-mail address (``local@domain``, no display name).

    The address is checked by email-validator (RFC 5322 syntax, the domain rules of
    :func:`check_domain`), without a DNS look-up. Refused besides: a display name
    (``Name <a@b.org>``), a quoted local part, an IP address for the domain, and
    non-ASCII letters before the ``@`` (they need SMTPUTF8, which the messages are not
    sent with).

    Parameters
    ----------
    address : object
        The value read from a configuration file.

    Returns
    -------
    str
        The address, unchanged.

    Raises
    ------
    ValueError
        Saying what is wrong, in email-validator's words.

    Examples
    --------
    >>> check_address("chair@example.org")
    'chair@example.org'
    >>> check_address("Chair <chair@example.org>")
    Traceback (most recent call last):
    ...
    ValueError: 'Chair <chair@example.org>' is not a valid e-mail address: A display name and angle brackets around the email address are not permitted here.
    >>> check_address("chair@example")
    Traceback (most recent call last):
    ...
    ValueError: 'chair@example' is not a valid e-mail address: The part after the @-sign is not valid. It should have a period.
    """
    if not isinstance(address, str):
        raise ValueError(f"address must be a text string, not {type(address).__name__}")
    if not address:
        raise ValueError("address is empty")
    try:
        _validated(address)
    except EmailNotValidError as exc:
        raise ValueError(f"{address!r} is not a valid e-mail address: {exc}") from None
    return address


def ascii_address(address: str) -> str:
    """An address with its domain in ASCII (IDNA) form, as SMTP servers take it.

    Parameters
    ----------
    address : str
        An address accepted by :func:`check_address`.

    Returns
    -------
    str
        email-validator's ASCII form (the domain lower-cased, in IDNA).

    Examples
    --------
    >>> ascii_address("chair@exämple.org")
    'chair@xn--exmple-cua.org'
    """
    return _validated(address).ascii_email


# ------------------------------------------------------------------ locating lines


def _table_header_lines(lines: list[str], name: str) -> list[int]:
    """Line numbers of every ``[[name]]`` header, in order."""
    header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
    return [number for number, line in enumerate(lines, 1) if header.match(line)]


def _line_of(lines: list[str], key: str, value: object, occurrence: int = 0) -> int | None:
    """The line where ``key = value`` is written (its ``occurrence``-th time), if found.

    A line counts when, parsed alone as TOML, it sets ``key`` to ``value``; failing
    that (inline tables, multi-line strings), when it holds the value's text.
    """
    exact = []
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped.startswith(key):
            continue
        try:
            parsed = tomllib.loads(stripped)
        except tomllib.TOMLDecodeError:
            continue
        if parsed.get(key) == value and type(parsed.get(key)) is type(value):
            exact.append(number)
    if occurrence < len(exact):
        return exact[occurrence]
    text = value if isinstance(value, str) else str(value)
    loose = [n for n, line in enumerate(lines, 1) if text and text in line]
    return loose[occurrence] if occurrence < len(loose) else None


def _where(path: Path, line: int | None) -> str:
    return f"{path} line {line}" if line else f"{path}"


#: The largest panel or mail settings file read (bytes); a larger one is refused unread.
MAX_CONFIG_BYTES = 1_000_000


def _read_toml(path: Path, what: str) -> tuple[dict, list[str]]:
    if not path.is_file():
        raise ConfigError(f"{what} file not found: {path}")
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(
                f"{path}: the file is {size} bytes, over the limit of {MAX_CONFIG_BYTES} bytes "
                "(kerslake_analysis.deliver.panel.MAX_CONFIG_BYTES)"
            )
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the {what} file as UTF-8 text: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply to read") from None
    return data, text.splitlines()


# ------------------------------------------------------------------ the files' schemas


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


_NonEmptyText = Annotated[str, AfterValidator(_text)]
_MailAddress = Annotated[str, AfterValidator(check_address)]
_DomainName = Annotated[str, AfterValidator(check_domain)]


class MemberEntry(StrictModel):
    """One ``[[member]]`` table of the panel file, as written."""

    name: _NonEmptyText
    address: _MailAddress
    role: str = ""


class PanelFile(StrictModel):
    """The panel file: at least one ``[[member]]`` table and nothing else."""

    member: list[MemberEntry] = Field(min_length=1)


class SmtpTable(StrictModel):
    """The ``[smtp]`` table of the mail settings file, as written.

    ``ca_file`` is read relative to the settings file's folder, given as the
    validation context ``{"folder": ...}``.
    """

    host: _NonEmptyText
    port: int = Field(ge=1, le=65535)
    security: Literal[SECURITY_CHOICES]
    from_address: _MailAddress
    message_id_domain: _DomainName
    from_name: str = ""
    timeout_seconds: float = Field(default=30.0, gt=0)
    ca_file: str | None = None

    @field_validator("security")
    @classmethod
    def _clear_text_only_here(cls, value: str, info: ValidationInfo) -> str:
        host = info.data.get("host")  # absent when the host itself is invalid
        if value == "none" and host is not None and host not in LOOPBACK_HOSTS:
            raise ValueError(
                'security = "none" sends in clear text and is allowed only for a server on '
                f"this machine ({', '.join(sorted(LOOPBACK_HOSTS))}), not {host!r}"
            )
        return value

    @field_validator("ca_file")
    @classmethod
    def _ca_file_exists(cls, value: str | None, info: ValidationInfo) -> str | None:
        folder = Path((info.context or {}).get("folder", "."))
        if value is not None and not (folder / value).is_file():
            raise ValueError(f"'ca_file' {value!r} is not a file")
        return value


class SettingsFile(StrictModel):
    """The mail settings file: the ``[smtp]`` table and nothing else."""

    smtp: SmtpTable


# What a value must be, said once per key (for pydantic's type and range errors).
_MEMBER_MUST = {
    "name": "'name' is missing or empty",
    "role": "'role' must be text",
}
_SMTP_MUST = {
    "host": "'host' must be a non-empty text",
    "port": "'port' must be a whole number from 1 to 65535",
    "from_name": "'from_name' must be text",
    "timeout_seconds": "'timeout_seconds' must be a positive number",
    "ca_file": "'ca_file' must be a file name",
}


# ------------------------------------------------------------------ the panel


def load_panel(path: str | Path | None = None) -> Panel:
    """Read the panel file: every ``[[member]]`` with ``name``, ``address`` and ``role``.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The panel file; defaults to :data:`PANEL_FILE` (``config/panel.toml``).

    Returns
    -------
    Panel

    Raises
    ------
    ConfigError
        If the file is missing, is not TOML, has no member, or any member has an
        invalid or repeated address, a missing name or an unknown key. Every problem
        is listed, each with the file and line number.

    Examples
    --------
    >>> [m.role for m in load_panel()][:1]
    ['Chair']
    """
    path = Path(path) if path is not None else PANEL_FILE
    data, lines = _read_toml(path, "panel")
    try:
        entries = PanelFile.model_validate(data).member
    except ValidationError as error:
        raise ConfigError(
            "invalid panel file:\n  " + "\n  ".join(_panel_problems(error, data, lines, path))
        ) from None
    places = _member_places(data["member"], lines)
    problems: list[str] = []
    first_line: dict[str, int] = {}
    recipients = []
    for index, entry in enumerate(entries):
        header_line, line = places[index]
        key = entry.address.casefold()
        if key in first_line:
            problems.append(
                f"{_where(path, line)}: member {index + 1} ({entry.name}): address "
                f"{entry.address!r} is already on line {first_line[key]}; list each recipient once"
            )
            continue
        first_line[key] = line or 0
        recipients.append(Recipient(entry.name, entry.address, entry.role.strip(), line or 0))
    if problems:
        raise ConfigError("invalid panel file:\n  " + "\n  ".join(problems))
    return Panel(tuple(recipients), path)


def _member_places(members: list, lines: list[str]) -> list[tuple[int | None, int | None]]:
    """Each member's header line and the line of its address (or its header)."""
    headers = _table_header_lines(lines, "member")
    seen_values: dict[object, int] = {}
    places = []
    for index, member in enumerate(members):
        header_line = headers[index] if index < len(headers) else None
        address = member.get("address") if isinstance(member, dict) else None
        occurrence = seen_values.get(_hashable(address), 0)
        seen_values[_hashable(address)] = occurrence + 1
        line = _line_of(lines, "address", address, occurrence) if address is not None else None
        places.append((header_line, line or header_line))
    return places


def _panel_problems(error: ValidationError, data: dict, lines: list[str], path: Path) -> list[str]:
    """The panel file's problems, each with its line and the member it concerns."""
    issues = validation_issues(error, PanelFile)
    members = data.get("member")
    for issue in issues:
        if issue.loc[:1] != ("member",) or len(issue.loc) > 2:
            continue
        if issue.kind in ("missing", "too_short"):
            raise ConfigError(
                f"{path}: no [[member]] table; the panel needs at least one recipient"
            ) from None
        raise ConfigError(f"{path}: 'member' must be [[member]] tables") from None
    places = _member_places(members, lines)
    problems = []
    for issue in issues:
        if issue.loc[:1] != ("member",):
            key = str(issue.loc[0])
            problems.append(
                f"{_where(path, _line_of(lines, key, data.get(key)))}: unknown key {key!r} "
                "(the panel file holds only [[member]] tables)"
            )
            continue
        index, key = issue.loc[1], str(issue.loc[2])
        member = members[index]
        name = member.get("name")
        label = f"member {index + 1}" + (
            f" ({name.strip()})" if isinstance(name, str) and name.strip() else ""
        )
        problems.append(_member_problem(issue, key, member, label, path, lines, places[index]))
    return problems


def _member_problem(
    issue: Issue,
    key: str,
    member: dict,
    label: str,
    path: Path,
    lines: list[str],
    place: tuple[int | None, int | None],
) -> str:
    header_line, address_line = place
    if issue.kind == "extra_forbidden":
        line = _line_of(lines, key, member[key]) or header_line
        return f"{_where(path, line)}: {label}: unknown key {key!r} (expected name, address, role)"
    if key == "address":
        if issue.kind == "missing":
            return f"{_where(path, header_line)}: {label}: 'address' is missing"
        address = member["address"]
        reason = issue.reason.removeprefix(f"{address!r} is ")
        return f"{_where(path, address_line)}: {label}: invalid address {address!r}: {reason}"
    return f"{_where(path, header_line)}: {label}: {_MEMBER_MUST[key]}"


def _hashable(value: object) -> object:
    return value if isinstance(value, str | int | float | bool) or value is None else repr(value)


# ------------------------------------------------------------------ the server


def load_settings(path: str | Path | None = None) -> MailSettings:
    """Read the ``[smtp]`` table of the mail settings file.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The settings file; defaults to :data:`SETTINGS_FILE` (``config/mail.toml``).

    Returns
    -------
    MailSettings

    Raises
    ------
    ConfigError
        If the file is missing or not TOML, a required key is missing, a value is
        invalid, or ``security = "none"`` is used for a host not on this machine.
        Every problem is listed with the file and line number.

    Examples
    --------
    >>> s = load_settings()
    >>> (s.security, s.port)
    ('starttls', 587)
    """
    path = Path(path) if path is not None else SETTINGS_FILE
    data, lines = _read_toml(path, "mail settings")
    smtp = data.get("smtp")
    if not isinstance(smtp, dict):
        raise ConfigError(f"{path}: no [smtp] table")
    try:
        table = SettingsFile.model_validate(data, context={"folder": path.parent}).smtp
    except ValidationError as error:
        problems = [
            _smtp_problem(issue, data, lines, path)
            for issue in validation_issues(error, SettingsFile)
        ]
        raise ConfigError("invalid mail settings:\n  " + "\n  ".join(problems)) from None
    return MailSettings(
        host=table.host,
        port=table.port,
        security=table.security,
        from_address=table.from_address,
        message_id_domain=table.message_id_domain,
        from_name=table.from_name.strip(),
        timeout_seconds=table.timeout_seconds,
        ca_file=path.parent / table.ca_file if table.ca_file is not None else None,
        path=path,
    )


def _smtp_problem(issue: Issue, data: dict, lines: list[str], path: Path) -> str:
    """One problem of the mail settings file, with its line."""
    header = next(iter(_table_header_lines(lines, "smtp")), None) or next(
        (n for n, line in enumerate(lines, 1) if line.strip().startswith("[smtp]")), None
    )
    if issue.loc[:1] != ("smtp",) or len(issue.loc) < 2:
        key = str(issue.loc[0]) if issue.loc else ""
        line = _line_of(lines, key, data.get(key)) if key else None
        return f"{_where(path, line)}: unknown key {key!r} (the file holds only [smtp])"
    smtp = data["smtp"]
    key = str(issue.loc[1])
    at = _where(path, _line_of(lines, key, smtp[key]) if key in smtp else header)
    if issue.kind == "missing":
        return f"{at}: [smtp] needs {key!r}"
    if issue.kind == "extra_forbidden":
        return f"{at}: unknown key {key!r} in [smtp]"
    if key in ("from_address", "message_id_domain"):
        return f"{at}: invalid {key}: {issue.reason}"
    if key in ("security", "ca_file") and issue.kind == "value_error":
        return f"{at}: {issue.reason}"  # the validator's own sentence
    if key == "security":
        return f"{at}: 'security' must be one of {', '.join(SECURITY_CHOICES)}, not {smtp[key]!r}"
    return f"{at}: {_SMTP_MUST.get(key, issue.message)}"


def credentials_from_env(env: Mapping[str, str]) -> Credentials | None:
    """Read the SMTP login from ``KERSLAKE_SMTP_USER`` and ``KERSLAKE_SMTP_PASSWORD``.

    Parameters
    ----------
    env : mapping
        The environment, usually :data:`os.environ`.

    Returns
    -------
    Credentials or None
        None when neither variable is set (the server is used without login).

    Raises
    ------
    ConfigError
        If only one of the two is set. The message names the variables, never a value.

    Examples
    --------
    >>> credentials_from_env({"KERSLAKE_SMTP_USER": "u", "KERSLAKE_SMTP_PASSWORD": "p"})
    Credentials(user='u')
    >>> credentials_from_env({}) is None
    True
    """
    user = env.get(USER_ENV, "")
    password = env.get(PASSWORD_ENV, "")
    if not user and not password:
        return None
    if not user or not password:
        missing = USER_ENV if not user else PASSWORD_ENV
        raise ConfigError(
            f"{missing} is not set; set both {USER_ENV} and {PASSWORD_ENV} to log in, "
            "or neither to use the server without login"
        )
    return Credentials(user, password)
