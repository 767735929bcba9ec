"""E-mailing a period report: the message, the outbox, and delivery to a real SMTP server.

The SMTP server is aiosmtpd, started by the tests on 127.0.0.1 with a login (AUTH)
and, where a test needs it, STARTTLS or implicit TLS with a certificate from trustme.
"""

from __future__ import annotations

import base64
import datetime as dt
import email
import html
import json
import socket
import ssl
import struct
import textwrap
import zlib
from dataclasses import dataclass, field
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import markupsafe
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from kerslake_analysis.base.periods import ReportPeriod
from kerslake_analysis.deliver import smtp
from kerslake_analysis.deliver.email_command import email_report
from kerslake_analysis.deliver.errors import MailError
from kerslake_analysis.deliver.key_figures import key_figures
from kerslake_analysis.deliver.message import build_message
from kerslake_analysis.deliver.outbox import OUTBOX_DIR, delivery_log_path, write_outbox
from kerslake_analysis.deliver.panel import ConfigError, Panel, Recipient, load_panel, load_settings
from kerslake_analysis.report.pages import render_period

USER = "panel-mailer"
PASSWORD = "Pw-kerslake-9fZq27"
WRONG_PASSWORD = "Wrong-pw-Xq81mm"
DATE = dt.datetime(2018, 10, 1, 9, 0, tzinfo=dt.UTC)

# aiosmtpd warns when a server takes a login without TLS; the test servers are loopback only.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

ANN = Recipient("Ann Chair", "ann@example.org", "Chair")
BOB = Recipient("Bob Member", "bob@example.org", "Member")
CAT = Recipient("Cat Secretariat", "cat@example.org", "Secretariat")


def _secret_forms(password: str) -> list[bytes]:
    """The password as written and in the base64 forms AUTH PLAIN / LOGIN send it."""
    raw = [password, f"\0{USER}\0{password}", f"{USER}\0{USER}\0{password}"]
    return [password.encode()] + [base64.b64encode(r.encode()) for r in raw]


def _assert_no_secret(password: str, *texts: str | bytes, folders: tuple[Path, ...] = ()):
    blobs = [t.encode() if isinstance(t, str) else t for t in texts]
    blobs += [p.read_bytes() for folder in folders for p in folder.rglob("*") if p.is_file()]
    for blob in blobs:
        for form in _secret_forms(password):
            assert form not in blob


# ------------------------------------------------------------------ a small fake report


def _png(width: int, height: int) -> bytes:
    """A valid grey PNG of the given size (signature, IHDR, IDAT, IEND)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _fake_report(root: Path, headline: dict, title: str = "Test <plan> & co") -> Path:
    """A rendered-report folder with hand-made figures, page and a 1200 x 600 chart."""
    folder = root / "test-plan" / "2019-03"
    folder.mkdir(parents=True)
    figures = {
        "figures_version": 3,
        "plan": "test-plan",
        "plan_title": title,
        "period": "2019-03",
        "headline_sentence": 'At the end of March 2019, 10 of 40 were "complete" <b>& more</b>.',
        "headline": headline,
        "charts": {"status_by_theme": {"file": "status_by_theme.png", "alt": "Bars <10>"}},
    }
    (folder / "figures.json").write_text(json.dumps(figures), encoding="utf-8")
    page = '<!DOCTYPE html><html><body><script>x()</script><img src="data:image/png;base64,AA=="></body></html>\n'
    (folder / "report.html").write_text(page, encoding="utf-8")
    (folder / "status_by_theme.png").write_bytes(_png(1200, 600))
    return folder


#: 40 commitments, 30 with evidence, 10 complete, 24 due (20 with the due date passed, 4
#: due on the report date itself, 3 of them not complete), 6 behind; the schedule
#: variance not computable over the 20 of 36 dated commitments with evidence.
HEADLINE = {
    "commitments": 40,
    "with_evidence": 30,
    "schedule_basis_commitments": 20,
    "schedule_dated_commitments": 36,
    "complete": 10,
    "due": 24,
    "past_due": 20,
    "due_on_date_open": 3,
    "behind_schedule": 6,
    "slippage_rate": 6 / 20,
    "behind_share": 6 / 40,
    "schedule_variance_months": None,
}


def _settings(tmp_path: Path, port: int, security: str = "none", **extra) -> Path:
    lines = [
        "[smtp]",
        'host = "127.0.0.1"',
        f"port = {port}",
        f'security = "{security}"',
        'from_address = "reports@example.org"',
        'from_name = "Improvement plan reports"',
        'message_id_domain = "reports.example.org"',
        "timeout_seconds = 10",
    ] + [f'{key} = "{value}"' for key, value in extra.items()]
    path = tmp_path / f"mail-{security}-{port}.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _panel_file(tmp_path: Path, *members: Recipient) -> Path:
    text = "".join(
        f'[[member]]\nname = "{m.name}"\naddress = "{m.address}"\nrole = "{m.role}"\n\n'
        for m in members
    )
    path = tmp_path / "panel.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _parts(message) -> list[tuple[int, str]]:
    """The MIME tree as (depth, content type) in document order."""
    out = []

    def walk(part, depth):
        out.append((depth, part.get_content_type()))
        if part.is_multipart():
            for child in part.iter_parts():
                walk(child, depth + 1)

    walk(message, 0)
    return out


# ------------------------------------------------------------------ the message


def test_message_structure_body_and_attachment(tmp_path):
    folder = _fake_report(tmp_path, HEADLINE)
    settings = load_settings(_settings(tmp_path, 2525))
    built = build_message(folder, Panel((ANN, BOB)), settings, date=DATE)
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)

    assert _parts(parsed) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "multipart/related"),
        (3, "text/html"),
        (3, "image/png"),
        (1, "text/html"),
    ]
    assert parsed["Subject"] == "Test <plan> & co: progress report for March 2019"
    assert parsed["From"] == "Improvement plan reports <reports@example.org>"
    assert [a.addr_spec for a in parsed["To"].addresses] == [ANN.address, BOB.address]
    assert parsed["Date"].datetime == DATE
    assert parsed["Message-ID"].endswith("@reports.example.org>")

    body_html = parsed.get_body(("html",)).get_content()
    image = next(p for p in parsed.walk() if p.get_content_type() == "image/png")
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in body_html
    assert image.get_content() == (folder / "status_by_theme.png").read_bytes()
    # 1200 x 600 shown at 600 px wide: height 600 * 600 / 1200 = 300.
    assert 'width="600" height="300"' in body_html

    for forbidden in ("data:", "<script", "<style", "<link", "http://", "https://"):
        assert forbidden not in body_html.lower()
    assert 'style="' in body_html
    # Document text is escaped: the title's < and &, the sentence's quotes and tags.
    assert "<h1" in body_html and "Test &lt;plan&gt; &amp; co — March 2019</h1>" in body_html
    # (Jinja2's autoescape writes a double quote as &#34;, the numeric form of &quot;.)
    assert "&#34;complete&#34; &lt;b&gt;&amp; more&lt;/b&gt;." in body_html
    assert 'alt="Bars &lt;10&gt;"' in body_html

    # Key figures: 40, 30 of 40 with evidence, 10, 6; 6/20 = 30.0 %; 20 past due; 3 due on
    # the report date and open; 6/40 = 15.0 %;
    # schedule variance null, its basis the 20 of 36 dated commitments with evidence.
    for label, value in [
        ("Commitments", "40"),
        ("With evidence", "30 of 40"),
        ("Complete", "10"),
        ("Behind schedule", "6"),
        ("Slippage rate (behind / with evidence and due date passed)", "30.0%"),
        ("Due date passed (with evidence)", "20"),
        ("Due on the report date itself, not complete (not yet slipped)", "3"),
        ("Behind share (behind / all)", "15.0%"),
        (
            "Schedule by earned schedule, dated commitments with evidence (20 of 36)",
            "not computable",
        ),
    ]:
        assert f">{html.escape(label)}</th>" in body_html
        assert f"{html.escape(label)}</th><td " in body_html
        row = body_html.split(f">{html.escape(label)}</th>", 1)[1].split("</tr>", 1)[0]
        assert row.endswith(f">{value}</td>")

    text = parsed.get_body(("plain",)).get_content()
    lines = " ".join(text.split())
    assert "Slippage rate (behind / with evidence and due date passed): 30.0%" in lines
    assert "earned schedule, dated commitments with evidence (20 of 36): not computable" in lines
    assert "Published by the council" not in text  # no published figures: none shown
    assert 'were "complete" <b>& more</b>.' in " ".join(text.split())

    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == "report-test-plan-2019-03.html"
    assert attachment.get_content_type() == "text/html"
    assert attachment.get_payload(decode=True) == (folder / "report.html").read_bytes()


@pytest.mark.parametrize(
    ("variance", "shown"),
    [(-2.846154, "2.8 months behind"), (1.26, "1.3 months ahead"), (-0.04, "on schedule")],
)
def test_earned_schedule_is_shown_in_months(variance, shown):
    figures = key_figures({**HEADLINE, "schedule_variance_months": variance})
    assert figures[-1] == (
        "Schedule by earned schedule, dated commitments with evidence (20 of 36)",
        shown,
    )


def test_the_same_inputs_give_the_same_bytes(tmp_path):
    folder = _fake_report(tmp_path, HEADLINE)
    settings = load_settings(_settings(tmp_path, 2525))
    first = build_message(folder, [ANN, BOB], settings, date=DATE)
    second = build_message(folder, [ANN, BOB], settings, date=DATE)
    later = build_message(folder, [ANN, BOB], settings, date=DATE + dt.timedelta(hours=1))
    assert first.as_bytes() == second.as_bytes()
    assert later["Message-ID"] != first["Message-ID"]


def test_a_date_without_timezone_is_refused(tmp_path):
    folder = _fake_report(tmp_path, HEADLINE)
    settings = load_settings(_settings(tmp_path, 2525))
    with pytest.raises(MailError, match="timezone"):
        build_message(folder, [ANN], settings, date=dt.datetime(2018, 10, 1))


def test_a_plan_name_that_is_not_a_slug_is_refused(tmp_path):
    folder = _fake_report(tmp_path, HEADLINE)
    figures = json.loads((folder / "figures.json").read_text())
    (folder / "figures.json").write_text(json.dumps({**figures, "plan": "../../etc"}))
    settings = load_settings(_settings(tmp_path, 2525))
    with pytest.raises(MailError, match="not a slug"):
        build_message(folder, [ANN], settings, date=DATE)


def test_missing_report_says_to_render_it_first(tmp_path):
    with pytest.raises(MailError) as info:
        email_report(
            "cgip-2018",
            "2018-09",
            reports_root=tmp_path,
            outbox=tmp_path / "outbox",
            settings_path=_settings(tmp_path, 2525),
        )
    assert "run `kerslake report --plan cgip-2018 --period 2018-09` first" in str(info.value)
    assert not (tmp_path / "outbox").exists()


# ------------------------------------------------------------------ an SMTP server


@dataclass
class Inbox:
    """aiosmtpd handler keeping what it receives; refuses the addresses in ``refuse``."""

    refuse: set[str] = field(default_factory=set)
    shut_down_at: set[str] = field(default_factory=set)
    received: list[tuple[str, tuple[str, ...], bytes]] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.shut_down_at & set(envelope.rcpt_tos):
            return "421 4.3.2 shutting down"  # smtplib closes the connection on 421
        self.received.append((envelope.mail_from, tuple(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"

    def count(self, address: str) -> int:
        return sum(address in rcpts for _, rcpts, _ in self.received)


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok, handled=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start aiosmtpd servers on 127.0.0.1 requiring login; stop them after the test."""
    started = []

    def start(inbox: Inbox | None = None, authenticator=_authenticator, **options):
        inbox = inbox or Inbox()
        options.setdefault("auth_require_tls", False)  # loopback only, for the test
        controller = Controller(
            inbox,
            hostname="127.0.0.1",
            port=_free_port(),
            authenticator=authenticator,
            auth_required=True,
            **options,
        )
        controller.start()
        started.append(controller)
        return inbox, controller.port

    yield start
    for controller in started:
        controller.stop()


ENV = {"KERSLAKE_SMTP_USER": USER, "KERSLAKE_SMTP_PASSWORD": PASSWORD}


def _message(tmp_path: Path, *members: Recipient):
    folder = _fake_report(tmp_path, HEADLINE)
    settings = load_settings(_settings(tmp_path, 2525))
    return build_message(folder, members, settings, date=DATE)


# ------------------------------------------------------------------ the 2018 plan, September


@pytest.fixture(scope="module")
def september_2018(tmp_path_factory) -> Path:
    """The real 2018-09 report of the 2018 plan, rendered into a temporary folder."""
    root = tmp_path_factory.mktemp("reports")
    result = render_period(ReportPeriod("cgip-2018", "2018-09"), reports_root=root)
    assert result.ok, result.error
    return root


@pytest.mark.slow
def test_a_test_inbox_receives_a_readable_report_for_2018_09_of_the_2018_plan(
    september_2018, smtp_server, tmp_path, capsys
):
    inbox, port = smtp_server()
    outbox = tmp_path / "outbox"
    result, code = email_report(
        "cgip-2018",
        "2018-09",
        send=True,
        outbox=outbox,
        panel_path=_panel_file(tmp_path, ANN, BOB),
        settings_path=_settings(tmp_path, port),
        reports_root=september_2018,
        env=ENV,
    )
    print(result)
    assert code == 0 and result.ok
    assert result.delivered == ("Ann Chair <ann@example.org>", "Bob Member <bob@example.org>")
    assert [rcpts for _, rcpts, _ in inbox.received] == [(ANN.address,), (BOB.address,)]
    assert all(sender == "reports@example.org" for sender, _, _ in inbox.received)

    folder = september_2018 / "cgip-2018" / "2018-09"
    figures = json.loads((folder / "figures.json").read_text(encoding="utf-8"))
    received = email.message_from_bytes(inbox.received[0][2], policy=policy.default)
    assert received["Subject"] == (
        "Corporate Governance Improvement Plan 2018: progress report for September 2018"
    )
    body_html = received.get_body(("html",)).get_content()
    assert str(markupsafe.escape(figures["headline_sentence"])) in body_html
    assert "data:" not in body_html and "<script" not in body_html.lower()
    # The key figures are those of figures.json: slippage = behind / past_due and behind
    # share = behind / all, to one decimal, worked out here from the counts.
    head = figures["headline"]
    slippage = f"{head['behind_schedule'] / head['past_due'] * 100:.1f}%"
    share = f"{head['behind_schedule'] / head['commitments'] * 100:.1f}%"
    assert f">{slippage}</td>" in body_html and f">{share}</td>" in body_html
    assert f">{head['commitments']}</td>" in body_html

    image = next(p for p in received.walk() if p.get_content_type() == "image/png")
    assert image.get_content() == (folder / "status_by_theme.png").read_bytes()
    assert f"cid:{image['Content-ID'].strip('<>')}" in body_html
    attachment = next(received.iter_attachments())
    assert attachment.get_filename() == "report-cgip-2018-2018-09.html"
    assert attachment.get_content_charset() == "utf-8"
    assert attachment.get_payload(decode=True) == (folder / "report.html").read_bytes()
    assert attachment.get_content() == (folder / "report.html").read_text(encoding="utf-8")

    # The outbox keeps the message sent and the log records both deliveries.
    assert result.eml_path.parent == outbox and result.eml_path.suffix == ".eml"
    log = json.loads(result.log_path.read_text(encoding="utf-8"))
    assert {k: v["status"] for k, v in log["recipients"].items()} == {
        ANN.address: "delivered",
        BOB.address: "delivered",
    }
    out = capsys.readouterr()
    _assert_no_secret(PASSWORD, out.out, out.err, str(result), folders=(outbox, september_2018))


# ------------------------------------------------------------------ nothing by accident


def test_without_send_the_message_goes_to_the_outbox_only(smtp_server, tmp_path):
    inbox, port = smtp_server()
    reports = tmp_path / "reports"
    _fake_report(reports, HEADLINE)
    outbox = tmp_path / "outbox"
    path, code = email_report(
        "test-plan",
        "2019-03",
        outbox=outbox,
        panel_path=_panel_file(tmp_path, ANN),
        settings_path=_settings(tmp_path, port),
        reports_root=reports,
        date=DATE,
        env=ENV,
    )
    assert code == 0
    assert path == outbox / "test-plan_2019-03_20181001T090000Z.eml"
    assert inbox.received == []
    assert not delivery_log_path("test-plan", "2019-03", outbox).exists()
    written = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert written["To"].addresses[0].addr_spec == ANN.address
    assert b"\r\n" in path.read_bytes()


def test_default_outbox_is_under_the_reports_folder():
    from kerslake_analysis.base import paths

    assert OUTBOX_DIR == paths.REPORTS_DIR / "outbox"


# ------------------------------------------------------------------ failures


def test_a_refused_recipient_is_reported_and_only_they_are_retried(smtp_server, tmp_path):
    inbox, port = smtp_server(Inbox(refuse={BOB.address}))
    settings = load_settings(_settings(tmp_path, port))
    message = _message(tmp_path, ANN, BOB, CAT)
    log = tmp_path / "outbox" / "log.json"

    first = smtp.send(message, [ANN, BOB, CAT], settings, env=ENV, log_path=log)
    assert first.delivered == (str(ANN.mailbox), str(CAT.mailbox))
    assert [who for who, _ in first.failed] == [str(BOB.mailbox)]
    assert "550 5.1.1" in first.failed[0][1]
    assert first.exit_code == 1
    assert "NOT delivered: Bob Member <bob@example.org>" in str(first)
    statuses = {k: v["status"] for k, v in json.loads(log.read_text())["recipients"].items()}
    assert statuses == {ANN.address: "delivered", BOB.address: "failed", CAT.address: "delivered"}

    # A plain second send would reach Ann and Cat twice: it is refused.
    with pytest.raises(MailError, match="already sent to 2 of 3"):
        smtp.send(message, [ANN, BOB, CAT], settings, env=ENV, log_path=log)

    inbox.refuse.clear()
    second = smtp.send(message, [ANN, BOB, CAT], settings, env=ENV, retry_failed=True, log_path=log)
    assert second.delivered == (str(BOB.mailbox),)
    assert second.already_delivered == (str(ANN.mailbox), str(CAT.mailbox))
    assert second.ok and second.exit_code == 0

    third = smtp.send(message, [ANN, BOB, CAT], settings, env=ENV, retry_failed=True, log_path=log)
    assert third.delivered == () and third.ok
    assert [inbox.count(m.address) for m in (ANN, BOB, CAT)] == [1, 1, 1]


def test_a_connection_lost_midway_fails_the_rest_and_a_retry_completes(smtp_server, tmp_path):
    inbox, port = smtp_server(Inbox(shut_down_at={BOB.address}))
    settings = load_settings(_settings(tmp_path, port))
    message = _message(tmp_path, ANN, BOB, CAT)
    log = tmp_path / "outbox" / "log.json"

    first = smtp.send(message, [ANN, BOB, CAT], settings, env=ENV, log_path=log)
    assert first.delivered == (str(ANN.mailbox),)
    (bob, bob_why), (cat, cat_why) = first.failed
    assert (bob, cat) == (str(BOB.mailbox), str(CAT.mailbox))
    assert "421 4.3.2 shutting down" in bob_why
    assert cat_why.startswith("connection lost")

    inbox.shut_down_at.clear()
    retry = smtp.send(message, [ANN, BOB, CAT], settings, env=ENV, retry_failed=True, log_path=log)
    assert retry.delivered == (str(BOB.mailbox), str(CAT.mailbox)) and retry.ok
    assert [inbox.count(m.address) for m in (ANN, BOB, CAT)] == [1, 1, 1]


def test_a_refused_connection_reaches_nobody_and_a_retry_reaches_everyone(smtp_server, tmp_path):
    closed_port = _free_port()  # bound and released: nothing listens there
    message = _message(tmp_path, ANN, BOB)
    log = tmp_path / "outbox" / "log.json"
    down = load_settings(_settings(tmp_path, closed_port))

    result = smtp.send(message, [ANN, BOB], down, env=ENV, log_path=log)
    assert result.delivered == ()
    assert [who for who, _ in result.failed] == [str(ANN.mailbox), str(BOB.mailbox)]
    assert all(
        f"could not connect to 127.0.0.1:{closed_port}" in why and "refused" in why.lower()
        for _, why in result.failed
    )
    assert result.exit_code == 1

    inbox, port = smtp_server()
    up = load_settings(_settings(tmp_path, port))
    retry = smtp.send(message, [ANN, BOB], up, env=ENV, retry_failed=True, log_path=log)
    assert retry.delivered == (str(ANN.mailbox), str(BOB.mailbox)) and retry.ok
    assert [inbox.count(m.address) for m in (ANN, BOB)] == [1, 1]


def test_a_failed_login_reaches_nobody_and_never_shows_the_password(smtp_server, tmp_path, capsys):
    inbox, port = smtp_server()
    message = _message(tmp_path, ANN, BOB)
    outbox = tmp_path / "outbox"
    settings = load_settings(_settings(tmp_path, port))
    env = {"KERSLAKE_SMTP_USER": USER, "KERSLAKE_SMTP_PASSWORD": WRONG_PASSWORD}

    result = smtp.send(message, [ANN, BOB], settings, env=env, log_path=outbox / "log.json")
    print(result)
    assert inbox.received == []
    assert result.delivered == () and len(result.failed) == 2
    assert all(f"login as '{USER}' refused" in why and "535" in why for _, why in result.failed)
    assert result.exit_code == 1
    out = capsys.readouterr()
    _assert_no_secret(
        WRONG_PASSWORD, out.out, out.err, str(result), repr(result), folders=(outbox,)
    )


def test_a_server_echoing_the_password_is_scrubbed(smtp_server, tmp_path):
    def echoing(server, session, envelope, mechanism, auth_data):
        secret = auth_data.password.decode()
        encoded = base64.b64encode(auth_data.password).decode()
        return AuthResult(success=False, handled=False, message=f"535 no: {secret} {encoded}")

    inbox, port = smtp_server(authenticator=echoing)
    message = _message(tmp_path, ANN)
    settings = load_settings(_settings(tmp_path, port))
    log = tmp_path / "outbox" / "log.json"
    result = smtp.send(message, [ANN], settings, env=ENV, log_path=log)
    assert "535 no: [hidden] [hidden]" in result.failed[0][1]
    _assert_no_secret(PASSWORD, str(result), repr(result), log.read_bytes())


def test_an_interrupted_send_is_not_repeated(smtp_server, tmp_path):
    """A recipient left 'sending' by a killed run may have the message: not sent again."""
    inbox, port = smtp_server()
    message = _message(tmp_path, ANN, BOB)
    log = tmp_path / "outbox" / "log.json"
    log.parent.mkdir()
    log.write_text(
        json.dumps(
            {
                "plan": "test-plan",
                "period": "2019-03",
                "recipients": {ANN.address: {"status": "sending", "address": ANN.address}},
            }
        )
    )
    settings = load_settings(_settings(tmp_path, port))
    result = smtp.send(message, [ANN, BOB], settings, env=ENV, retry_failed=True, log_path=log)
    assert result.unconfirmed == (str(ANN.mailbox),)
    assert result.delivered == (str(BOB.mailbox),)
    assert result.exit_code == 1
    assert inbox.count(ANN.address) == 0 and inbox.count(BOB.address) == 1


def test_retry_without_an_earlier_send_is_refused(smtp_server, tmp_path):
    _, port = smtp_server()
    reports = tmp_path / "reports"
    _fake_report(reports, HEADLINE)
    with pytest.raises(MailError, match="nothing to retry"):
        email_report(
            "test-plan",
            "2019-03",
            retry_failed=True,
            outbox=tmp_path / "outbox",
            panel_path=_panel_file(tmp_path, ANN),
            settings_path=_settings(tmp_path, port),
            reports_root=reports,
            env=ENV,
        )


def test_half_a_login_stops_before_connecting(smtp_server, tmp_path):
    inbox, port = smtp_server()
    message = _message(tmp_path, ANN)
    settings = load_settings(_settings(tmp_path, port))
    with pytest.raises(ConfigError, match="KERSLAKE_SMTP_USER is not set") as info:
        smtp.send(
            message,
            [ANN],
            settings,
            env={"KERSLAKE_SMTP_PASSWORD": PASSWORD},
            log_path=tmp_path / "log.json",
        )
    assert PASSWORD not in str(info.value)
    assert inbox.received == []


# ------------------------------------------------------------------ TLS


@pytest.fixture
def certificate(tmp_path):
    """A private CA (written to ca.pem) and a server context with a 127.0.0.1 certificate."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return server_context, ca_file


def test_starttls_with_login(smtp_server, certificate, tmp_path):
    server_context, ca_file = certificate
    inbox, port = smtp_server(
        tls_context=server_context, require_starttls=True, auth_require_tls=True
    )
    settings = load_settings(_settings(tmp_path, port, "starttls", ca_file=ca_file.name))
    message = _message(tmp_path, ANN)
    result = smtp.send(message, [ANN], settings, env=ENV, log_path=tmp_path / "log.json")
    assert result.ok and inbox.count(ANN.address) == 1


def test_starttls_refuses_an_untrusted_certificate(smtp_server, certificate, tmp_path):
    server_context, _ = certificate
    inbox, port = smtp_server(tls_context=server_context, require_starttls=True)
    other_ca = tmp_path / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(other_ca))
    settings = load_settings(_settings(tmp_path, port, "starttls", ca_file=other_ca.name))
    result = smtp.send(_message(tmp_path, ANN), [ANN], settings, env=ENV, log_path=tmp_path / "l")
    assert inbox.received == [] and not result.ok
    assert "certificate verify failed" in result.failed[0][1].lower()


def test_implicit_tls_with_login(smtp_server, certificate, tmp_path):
    server_context, ca_file = certificate
    # aiosmtpd counts only STARTTLS as TLS for auth_require_tls, so it is left off here;
    # the whole connection, login included, is TLS from the first byte.
    inbox, port = smtp_server(ssl_context=server_context)
    settings = load_settings(_settings(tmp_path, port, "tls", ca_file=ca_file.name))
    result = smtp.send(_message(tmp_path, ANN), [ANN], settings, env=ENV, log_path=tmp_path / "l")
    assert result.ok and inbox.count(ANN.address) == 1


def test_shipped_configuration_builds_a_message(tmp_path):
    """config/panel.toml and config/mail.toml as shipped are enough to write the outbox."""
    folder = _fake_report(tmp_path, HEADLINE)
    message = build_message(folder, load_panel(), load_settings(), date=DATE)
    path = write_outbox(message, tmp_path / "outbox")
    parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert {a.domain for a in parsed["To"].addresses} == {"example.org"}
    assert textwrap.shorten(parsed["Subject"], 200).endswith("March 2019")


class _Tags(HTMLParser):
    """Every start tag of an HTML text with its attributes."""

    def __init__(self, text: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_hostile_text_from_a_register_arrives_escaped_and_the_body_stays_safe(tmp_path):
    """A title, headline and alt text written to attack the reader's mail client."""
    title = "Plan <script>alert('t')</script> & \"co\""
    folder = _fake_report(tmp_path, HEADLINE, title=title)
    figures = json.loads((folder / "figures.json").read_text())
    figures["headline_sentence"] = (
        "See <a href=\"javascript:alert(1)\">here</a> & 'there' <img src=https://evil.example/x.png>"
    )
    figures["charts"]["status_by_theme"]["alt"] = '"><script>alert(2)</script>'
    (folder / "figures.json").write_text(json.dumps(figures))
    settings = load_settings(_settings(tmp_path, 2525))
    built = build_message(folder, [ANN], settings, date=DATE)
    parsed = email.message_from_bytes(built.as_bytes(), policy=policy.default)
    body_html = parsed.get_body(("html",)).get_content()

    tags = _Tags(body_html).tags
    names = [tag for tag, _ in tags]
    # The template's own elements only: nothing the texts tried to add.
    assert "script" not in names and "a" not in names
    assert names.count("img") == 1
    (img,) = [attrs for tag, attrs in tags if tag == "img"]
    assert img["src"].startswith("cid:")  # the chart from the message, no external image
    assert img["alt"] == '"><script>alert(2)</script>'  # kept whole, as text
    assert all(
        "javascript:" not in (v or "") for _, attrs in tags for k, v in attrs.items() if k != "alt"
    )
    # Escaped by hand: < > & " ' become &lt; &gt; &amp; &#34; &#39; (markupsafe's forms).
    assert (
        "Plan &lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt; &amp; &#34;co&#34; — March 2019</h1>"
        in body_html
    )
    assert (
        "See &lt;a href=&#34;javascript:alert(1)&#34;&gt;here&lt;/a&gt; &amp; &#39;there&#39; "
        "&lt;img src=https://evil.example/x.png&gt;</p>" in body_html
    )
    # The plain-text alternative says the same words, unescaped.
    text = " ".join(parsed.get_body(("plain",)).get_content().split())
    assert "See <a href=\"javascript:alert(1)\">here</a> & 'there'" in text
    assert parsed["Subject"].strip().startswith("Plan <script>alert('t')</script> & \"co\":")
