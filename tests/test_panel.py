"""The mail configuration: panel file, server settings, login from the environment."""

from __future__ import annotations

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
        ("chair.example.org", "has no @"),
        ("chair@", "not a valid e-mail address"),
        ("@example.org", "not a valid e-mail address"),
        ("chair@example", "has no dot"),
        ("chair@@example.org", "not a valid e-mail address"),
        ("two words@example.org", "white space"),
        (" chair@example.org", "white space"),
        ("Chair <chair@example.org>", "not a plain address"),
        ("a@example.org, b@example.org", "not a plain address"),
        ("chair@-example.org", "not a valid host name"),
        ("chair@example..org", "not a valid e-mail address"),
        ("chair@[127.0.0.1]", "IP address"),
        ("chair@10.0.0.1", "ends in a number"),
        ("chair.@example.org", "not a valid e-mail address"),
        ("", "empty"),
        (42, "must be a text string"),
    ],
)
def test_invalid_addresses_say_why(address, reason):
    with pytest.raises(ValueError, match=reason):
        panel.check_address(address)


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
