"""The mail configuration: panel file, server settings, login from the environment."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from kerslake_analysis.deliver import panel
from kerslake_analysis.deliver.panel import ConfigError


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------ addresses


@pytest.mark.parametrize(
    "address",
    ["chair@example.org", "first.last+panel@mail.example.org", "a@exämple.org", "x@a-b.example"],
)
def test_plain_addresses_are_accepted(address):
    assert panel.check_address(address) == address


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("chair.example.org", "must have an @-sign"),
        ("chair@", "must be something after the @-sign"),
        ("@example.org", "must be something before the @-sign"),
        ("chair@example", "should have a period"),
        ("chair@@example.org", "invalid characters: '@'"),
        ("two words@example.org", "invalid characters before the @-sign: SPACE"),
        (" chair@example.org", "invalid characters before the @-sign: SPACE"),
        ("Chair <chair@example.org>", "display name"),
        ("a@example.org, b@example.org", "invalid characters: ','"),
        ("chair@-example.org", "hyphen immediately after the @-sign"),
        ("chair@example..org", "two periods in a row"),
        ("chair@[127.0.0.1]", "bracketed IP address"),
        ("chair@10.0.0.1", "not within a valid top-level domain"),
        ("chair.@example.org", "period immediately before the @-sign"),
        ("", "empty"),
        (42, "must be a text string"),
    ],
)
def test_invalid_addresses_say_why(address, reason):
    with pytest.raises(ValueError, match=reason):
        panel.check_address(address)


# Refused now that email-validator checks the addresses; the hand-written check took
# them. RFC 6761 and RFC 7686 reserve .invalid, .local, .test, .localhost and .onion
# (and RFC 6761 localhost itself): no mail is delivered there. RFC 5321 section 4.1.2
# allows a quoted local part and RFC 5322 section 3.2.2 a comment, but no panel
# member's address needs one and email-validator refuses both unless asked; a
# non-ASCII local part needs SMTPUTF8 (RFC 6531), which the messages are not sent with.
@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("a@@b.org", "invalid characters: '@'"),
        ("name@localhost", "should have a period"),
        ("ann@example.invalid", "special-use or reserved name"),
        ("ann@host.local", "special-use or reserved name"),
        ("ann@example.test", "special-use or reserved name"),
        ("ann@example.onion", "special-use or reserved name"),
        ('"ann"@example.org', "Quoting the part before the @-sign is not allowed"),
        ("ann(panel)@example.org", "invalid characters before the @-sign"),
        ("jöhn@example.org", "Internationalized characters before the @-sign"),
        ("Ann Chair <ann@example.org>", "display name and angle brackets"),
    ],
)
def test_addresses_email_validator_refuses(address, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        panel.check_address(address)


def test_a_member_address_refused_by_email_validator_is_reported_at_its_line(tmp_path):
    path = _write(
        tmp_path,
        "panel.toml",
        """
        [[member]]
        name = "Ann"
        address = "ann@example.invalid"
        """,
    )
    with pytest.raises(ConfigError) as info:
        panel.load_panel(path)
    message = str(info.value)
    assert f"{path} line 3: member 1 (Ann): invalid address 'ann@example.invalid'" in message
    assert "special-use or reserved name" in message


def test_a_message_id_domain_must_be_a_mail_domain(tmp_path):
    path = _write(
        tmp_path,
        "mail.toml",
        """
        [smtp]
        host = "smtp.example.org"
        port = 587
        security = "starttls"
        from_address = "reports@example.org"
        message_id_domain = "localhost"
        from_name = 7
        """,
    )
    with pytest.raises(ConfigError) as info:
        panel.load_settings(path)
    message = str(info.value)
    assert f"{path} line 6: invalid message_id_domain: domain 'localhost'" in message
    assert f"{path} line 7: 'from_name' must be text" in message
    assert len(message.splitlines()) == 3  # the heading and the two problems


def test_international_domains_are_sent_in_ascii_form():
    member = panel.Recipient("Ann", "ann@exämple.org")
    # The IDNA (punycode) form of "exämple" is the often-quoted "xn--exmple-cua".
    assert member.envelope == "ann@xn--exmple-cua.org"
    assert str(member.mailbox) == "Ann <ann@xn--exmple-cua.org>"


# ------------------------------------------------------------------ the panel file


def test_shipped_panel_uses_example_org_only_and_lines_point_at_addresses():
    members = panel.load_panel()
    assert len(members) >= 1
    lines = panel.PANEL_FILE.read_text(encoding="utf-8").splitlines()
    for member in members:
        assert member.address.endswith("@example.org")
        assert member.name and member.role
        assert lines[member.line - 1].strip() == f'address = "{member.address}"'


def test_invalid_address_is_reported_with_its_line_number(tmp_path):
    path = _write(
        tmp_path,
        "panel.toml",
        """
        # the panel
        [[member]]
        name = "Ann Chair"
        address = "ann@example.org"
        role = "Chair"

        [[member]]
        name = "Bob Member"
        address = "bob@example"
        role = "Member"
        """,
    )
    # Counting the dedented text: line 1 comment, 2 [[member]], 3 name, 4 address,
    # 5 role, 6 blank, 7 [[member]], 8 name, 9 address = "bob@example".
    with pytest.raises(ConfigError) as info:
        panel.load_panel(path)
    message = str(info.value)
    assert f"{path} line 9: member 2 (Bob Member): invalid address" in message
    assert "'bob@example'" in message
    assert "line 4" not in message


def test_every_problem_is_listed_each_with_its_own_line(tmp_path):
    path = _write(
        tmp_path,
        "panel.toml",
        """
        [[member]]
        name = "A"
        address = "not-an-address"

        [[member]]
        name = "B"
        address = "not-an-address"

        [[member]]
        name = "C"
        adress = "c@example.org"

        [[member]]
        address = "d@example.org"
        """,
    )
    # Lines: 3 and 7 hold the two identical bad addresses, 11 the misspelt key of
    # member 3 (who therefore has no address: reported at its header, line 9), and
    # member 4 (header line 13) has no name.
    with pytest.raises(ConfigError) as info:
        panel.load_panel(path)
    problems = str(info.value).splitlines()[1:]
    assert any(p.strip().startswith(f"{path} line 3: member 1 (A): invalid") for p in problems)
    assert any(p.strip().startswith(f"{path} line 7: member 2 (B): invalid") for p in problems)
    assert any(f"{path} line 11:" in p and "unknown key 'adress'" in p for p in problems)
    assert any(f"{path} line 9:" in p and "'address' is missing" in p for p in problems)
    assert any(f"{path} line 13:" in p and "'name' is missing" in p for p in problems)
    assert len(problems) == 5


def test_a_recipient_listed_twice_is_rejected(tmp_path):
    path = _write(
        tmp_path,
        "panel.toml",
        """
        [[member]]
        name = "Ann"
        address = "ann@example.org"
        [[member]]
        name = "Ann again"
        address = "ANN@example.org"
        """,
    )
    with pytest.raises(ConfigError, match=r"line 6: .*already on line 3"):
        panel.load_panel(path)


def test_inline_tables_still_get_a_line_number(tmp_path):
    path = _write(
        tmp_path,
        "panel.toml",
        """
        member = [
          { name = "Ann", address = "ann@example.org" },
          { name = "Bob", address = "bob at example.org" },
        ]
        """,
    )
    with pytest.raises(ConfigError, match=r"line 3: member 2 \(Bob\): invalid address"):
        panel.load_panel(path)


def test_empty_panel_missing_file_and_bad_toml_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="at least one recipient"):
        panel.load_panel(_write(tmp_path, "empty.toml", "# nobody\n"))
    with pytest.raises(ConfigError, match="panel file not found"):
        panel.load_panel(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"not valid TOML.*line 2"):
        panel.load_panel(_write(tmp_path, "bad.toml", '[[member]]\nname = "unclosed\n'))


# ------------------------------------------------------------------ server settings


def test_shipped_settings_use_starttls_and_example_org():
    settings = panel.load_settings()
    assert settings.security == "starttls"
    assert settings.from_address.endswith("@example.org")
    assert settings.message_id_domain.endswith("example.org")


def test_clear_text_is_refused_for_a_remote_host(tmp_path):
    path = _write(
        tmp_path,
        "mail.toml",
        """
        [smtp]
        host = "smtp.example.org"
        port = 25
        security = "none"
        from_address = "reports@example.org"
        message_id_domain = "reports.example.org"
        """,
    )
    with pytest.raises(ConfigError, match=r"line 4: security = \"none\" .* only"):
        panel.load_settings(path)


def test_settings_problems_are_listed_with_lines(tmp_path):
    path = _write(
        tmp_path,
        "mail.toml",
        """
        [smtp]
        host = "127.0.0.1"
        port = 70000
        security = "ssl"
        from_address = "reports@"
        ca_file = "no-such-ca.pem"
        """,
    )
    # Line 1 [smtp] (missing message_id_domain), 3 port, 4 security, 5 from_address,
    # 6 ca_file.
    with pytest.raises(ConfigError) as info:
        panel.load_settings(path)
    message = str(info.value)
    assert f"{path} line 1: [smtp] needs 'message_id_domain'" in message
    assert f"{path} line 3: 'port' must be a whole number" in message
    assert f"{path} line 4: 'security' must be one of starttls, tls, none" in message
    assert f"{path} line 5: invalid from_address" in message
    assert f"{path} line 6: 'ca_file'" in message


def test_loopback_settings_allow_clear_text(tmp_path):
    path = _write(
        tmp_path,
        "mail.toml",
        """
        [smtp]
        host = "localhost"
        port = 2525
        security = "none"
        from_address = "reports@example.org"
        from_name = "Reports"
        message_id_domain = "reports.example.org"
        timeout_seconds = 5
        """,
    )
    settings = panel.load_settings(path)
    assert (settings.host, settings.port, settings.timeout_seconds) == ("localhost", 2525, 5.0)
    assert str(settings.sender) == "Reports <reports@example.org>"


# ------------------------------------------------------------------ login


def test_credentials_come_from_the_environment_and_hide_the_password():
    creds = panel.credentials_from_env(
        {"KERSLAKE_SMTP_USER": "mailer", "KERSLAKE_SMTP_PASSWORD": "pa55-word-xyz"}
    )
    assert (creds.user, creds.password) == ("mailer", "pa55-word-xyz")
    assert "pa55-word-xyz" not in repr(creds)
    assert panel.credentials_from_env({}) is None


def test_half_a_login_is_refused_without_showing_the_value():
    with pytest.raises(ConfigError) as info:
        panel.credentials_from_env({"KERSLAKE_SMTP_PASSWORD": "pa55-word-xyz"})
    assert "KERSLAKE_SMTP_USER is not set" in str(info.value)
    assert "pa55-word-xyz" not in str(info.value)


def test_a_key_beside_smtp_or_no_smtp_table_is_refused(tmp_path):
    path = _write(
        tmp_path,
        "mail.toml",
        """
        [smpt]
        host = "smtp.example.org"
        """,
    )
    with pytest.raises(ConfigError, match=r"no \[smtp\] table"):
        panel.load_settings(path)
    path = _write(
        tmp_path,
        "mail2.toml",
        """
        retries = 3
        [smtp]
        host = "localhost"
        port = 2525
        security = "none"
        from_address = "reports@example.org"
        message_id_domain = "reports.example.org"
        """,
    )
    with pytest.raises(ConfigError) as info:
        panel.load_settings(path)
    assert f"{path} line 1: unknown key 'retries' (the file holds only [smtp])" in str(info.value)
