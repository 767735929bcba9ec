"""Who receives the period reports and through which mail server: the mail configuration.

Two TOML files in ``config/``, read with :mod:`tomllib`:

* ``panel.toml`` — the recipients, one ``[[member]]`` table each with ``name``,
  ``address`` and an optional ``role``. Read by :func:`load_panel`.
* ``mail.toml`` — the ``[smtp]`` table: ``host``, ``port``, ``security``
  (``"starttls"``, ``"tls"`` or ``"none"``; ``"none"`` only for a server on this
  machine), ``from_address``, ``from_name``, ``message_id_domain``, and optionally
  ``timeout_seconds`` and ``ca_file``. Read by :func:`load_settings`.

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
from email.errors import HeaderParseError, MessageError
from email.headerregistry import Address
from pathlib import Path

from kerslake_analysis.base import paths

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

_MEMBER_KEYS = {"name", "address", "role"}
_SMTP_REQUIRED = ("host", "port", "security", "from_address", "message_id_domain")
_SMTP_KEYS = set(_SMTP_REQUIRED) | {"from_name", "timeout_seconds", "ca_file"}
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")


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


def check_domain(domain: str) -> str:
    """Check that a text is a plausible internet domain name.

    Parameters
    ----------
    domain : str
        For example ``"example.org"``; internationalised names are accepted.

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
    ValueError: domain 'localhost' has no dot (expected a name like example.org)
    """
    if not isinstance(domain, str) or not domain:
        raise ValueError("domain is empty")
    try:
        ascii_name = domain.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValueError(f"domain {domain!r} is not a valid host name") from None
    labels = ascii_name.split(".")
    if len(labels) < 2:
        raise ValueError(f"domain {domain!r} has no dot (expected a name like example.org)")
    bad = [label for label in labels if not _LABEL.match(label)]
    if bad or len(ascii_name) > 253:
        raise ValueError(f"domain {domain!r} is not a valid host name")
    if labels[-1].isdigit():
        raise ValueError(f"domain {domain!r} ends in a number; use a name, not an IP address")
    return domain


def check_address(address: object) -> str:
    """Check that a value is one plain e-mail address (``local@domain``, no display name).

    The address is parsed with :class:`email.headerregistry.Address` (RFC 5322 syntax)
    and its domain checked with :func:`check_domain`. No DNS look-up is made.

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
        Saying what is wrong.

    Examples
    --------
    >>> check_address("chair@example.org")
    'chair@example.org'
    >>> check_address("Chair <chair@example.org>")
    Traceback (most recent call last):
    ...
    ValueError: 'Chair <chair@example.org>' is not a plain address: write only local@domain
    >>> check_address("chair@example")
    Traceback (most recent call last):
    ...
    ValueError: domain 'example' has no dot (expected a name like example.org)
    """
    if not isinstance(address, str):
        raise ValueError(f"address must be a text string, not {type(address).__name__}")
    if not address:
        raise ValueError("address is empty")
    if "<" in address or ">" in address or "," in address:
        raise ValueError(f"{address!r} is not a plain address: write only local@domain")
    if any(ch.isspace() or not ch.isprintable() for ch in address):
        raise ValueError(f"{address!r} contains white space or a control character")
    if "@" not in address:
        raise ValueError(f"{address!r} has no @")
    try:
        parsed = Address(addr_spec=address)
    except (ValueError, IndexError, HeaderParseError, MessageError) as exc:
        raise ValueError(f"{address!r} is not a valid e-mail address ({exc})") from None
    if not parsed.username:
        raise ValueError(f"{address!r} has nothing before the @")
    if parsed.domain.startswith("["):
        raise ValueError(f"{address!r} uses an IP address; use a domain name")
    check_domain(parsed.domain)
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

    Examples
    --------
    >>> ascii_address("chair@exämple.org")
    'chair@xn--exmple-cua.org'
    """
    username, domain = address.rsplit("@", 1)
    return f"{username}@{domain.encode('idna').decode('ascii')}"


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
    problems: list[str] = []
    unknown_top = sorted(set(data) - {"member"})
    for key in unknown_top:
        problems.append(
            f"{_where(path, _line_of(lines, key, data[key]))}: unknown key {key!r} "
            "(the panel file holds only [[member]] tables)"
        )
    members = data.get("member", [])
    if not isinstance(members, list) or not all(isinstance(m, dict) for m in members):
        raise ConfigError(f"{path}: 'member' must be [[member]] tables")
    if not members:
        raise ConfigError(f"{path}: no [[member]] table; the panel needs at least one recipient")
    headers = _table_header_lines(lines, "member")
    seen_values: dict[object, int] = {}
    first_line: dict[str, int] = {}
    recipients = []
    for index, member in enumerate(members):
        header_line = headers[index] if index < len(headers) else None
        address = member.get("address")
        occurrence = seen_values.get(_hashable(address), 0)
        seen_values[_hashable(address)] = occurrence + 1
        line = _line_of(lines, "address", address, occurrence) if address is not None else None
        line = line or header_line
        label = f"member {index + 1}"
        for key in sorted(set(member) - _MEMBER_KEYS):
            problems.append(
                f"{_where(path, _line_of(lines, key, member[key]) or header_line)}: {label}: "
                f"unknown key {key!r} (expected name, address, role)"
            )
        name = member.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(f"{_where(path, header_line)}: {label}: 'name' is missing or empty")
            name = ""
        else:
            label = f"member {index + 1} ({name})"
        role = member.get("role", "")
        if not isinstance(role, str):
            problems.append(f"{_where(path, header_line)}: {label}: 'role' must be text")
            role = ""
        if address is None:
            problems.append(f"{_where(path, header_line)}: {label}: 'address' is missing")
            continue
        try:
            check_address(address)
        except ValueError as exc:
            problems.append(f"{_where(path, line)}: {label}: invalid address {address!r}: {exc}")
            continue
        key = address.casefold()
        if key in first_line:
            problems.append(
                f"{_where(path, line)}: {label}: address {address!r} is already on line "
                f"{first_line[key]}; list each recipient once"
            )
            continue
        first_line[key] = line or 0
        recipients.append(Recipient(name.strip(), address, role.strip(), line or 0))
    if problems:
        raise ConfigError("invalid panel file:\n  " + "\n  ".join(problems))
    return Panel(tuple(recipients), path)


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
    header = next(iter(_table_header_lines(lines, "smtp")), None)
    header = header or next(
        (n for n, line in enumerate(lines, 1) if line.strip().startswith("[smtp]")), None
    )
    problems: list[str] = []

    def at(key: str) -> str:
        return _where(path, _line_of(lines, key, smtp[key]) if key in smtp else header)

    for key in sorted(set(smtp) - _SMTP_KEYS):
        problems.append(f"{at(key)}: unknown key {key!r} in [smtp]")
    for key in _SMTP_REQUIRED:
        if key not in smtp:
            problems.append(f"{_where(path, header)}: [smtp] needs {key!r}")
    host = smtp.get("host", "")
    if "host" in smtp and (not isinstance(host, str) or not host.strip()):
        problems.append(f"{at('host')}: 'host' must be a non-empty text")
    port = smtp.get("port", 0)
    if "port" in smtp and (type(port) is not int or not 1 <= port <= 65535):
        problems.append(f"{at('port')}: 'port' must be a whole number from 1 to 65535")
    security = smtp.get("security", "")
    if "security" in smtp and security not in SECURITY_CHOICES:
        problems.append(
            f"{at('security')}: 'security' must be one of {', '.join(SECURITY_CHOICES)}, "
            f"not {security!r}"
        )
    if security == "none" and host not in LOOPBACK_HOSTS:
        problems.append(
            f'{at("security")}: security = "none" sends in clear text and is allowed only '
            f"for a server on this machine ({', '.join(sorted(LOOPBACK_HOSTS))}), not {host!r}"
        )
    for key, check in (("from_address", check_address), ("message_id_domain", check_domain)):
        if key in smtp:
            try:
                check(smtp[key])
            except (ValueError, TypeError) as exc:
                problems.append(f"{at(key)}: invalid {key}: {exc}")
    from_name = smtp.get("from_name", "")
    if not isinstance(from_name, str):
        problems.append(f"{at('from_name')}: 'from_name' must be text")
    timeout = smtp.get("timeout_seconds", 30)
    if type(timeout) not in (int, float) or timeout <= 0:
        problems.append(f"{at('timeout_seconds')}: 'timeout_seconds' must be a positive number")
    ca_file = smtp.get("ca_file")
    ca_path = None
    if ca_file is not None:
        ca_path = path.parent / ca_file if isinstance(ca_file, str) else None
        if ca_path is None or not ca_path.is_file():
            problems.append(f"{at('ca_file')}: 'ca_file' {ca_file!r} is not a file")
    if problems:
        raise ConfigError("invalid mail settings:\n  " + "\n  ".join(problems))
    return MailSettings(
        host=host.strip(),
        port=port,
        security=security,
        from_address=smtp["from_address"],
        message_id_domain=smtp["message_id_domain"],
        from_name=from_name.strip(),
        timeout_seconds=float(timeout),
        ca_file=ca_path,
        path=path,
    )


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
