"""Real mail servers for the tests: Dovecot (IMAP) and aiosmtpd (SMTP), on 127.0.0.1.

    from mailservers import dovecot, smtp_server, mail_config  # noqa: F401  (fixtures)

``dovecot`` (session) starts Debian's ``dovecot-imapd`` on a free port with a temporary
configuration: a passwd-file of users, a Maildir per user, no TLS, plain login allowed, its log
in a file. Each test takes a fresh, empty mailbox with ``dovecot.new_mailbox()`` and puts
messages in it by IMAP APPEND. As root (CI), the mail processes run as the ``dovecot`` system
user, since Dovecot never lets them run as root. ``smtp_server`` (per test) is an aiosmtpd
``Controller`` that keeps every message it receives and asks for a login.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

DOVECOT = shutil.which("dovecot") or next((p for p in ("/usr/sbin/dovecot",) if os.path.exists(p)), None)
HOST = "127.0.0.1"
PASSWORD = "mot-de-passe-de-test"
USERS = 100
NO_TLS_WARNING = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    user: str
    password: str
    server: Dovecot

    def append(self, message: EmailMessage | bytes, when: dt.datetime | None = None, folder: str = "INBOX") -> None:
        """Deliver a message (IMAP APPEND, as a mail client would), with its arrival date."""
        data = message if isinstance(message, bytes) else message.as_bytes()
        with self.server.connect(self) as imap:
            if folder != "INBOX":
                imap.create(folder)
            stamp = imaplib.Time2Internaldate((when or dt.datetime.now().astimezone()).timestamp())
            typ, answer = imap.append(folder, None, stamp, data)
            assert typ == "OK", answer

    def state(self, folder: str = "INBOX") -> list[tuple[bytes, bytes]]:
        """(UID, FLAGS) of every message, read without changing anything."""
        with self.server.connect(self) as imap:
            typ, _ = imap.select(folder, readonly=True)
            assert typ == "OK"
            typ, data = imap.uid("FETCH", "1:*", "(FLAGS)")
            return sorted((line.split(b"UID ")[1].split()[0], line.split(b"FLAGS ")[1].split(b")")[0])
                          for line in data if line)


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen
    names: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text("utf-8", "replace") if path.exists() else ""

    def new_mailbox(self) -> Mailbox:
        """A user of its own, with an empty mailbox (the users are written before Dovecot starts)."""
        number = next(self.names)
        assert number <= USERS, f"more than {USERS} mailboxes: raise mailservers.USERS"
        return Mailbox(f"referent{number}", PASSWORD, self)

    @contextlib.contextmanager
    def connect(self, mailbox: Mailbox):
        imap = imaplib.IMAP4(HOST, self.port, timeout=10)
        try:
            imap.login(mailbox.user, mailbox.password)
            yield imap
        finally:
            with contextlib.suppress(Exception):
                imap.logout()


def _config(root: Path, port: int, mail_user: pwd.struct_passwd, as_root: bool) -> str:
    # As root, Dovecot's own users run its login and auth processes; otherwise everything runs as us.
    users = "" if as_root else (f"default_login_user = {mail_user.pw_name}\n"
                                f"default_internal_user = {mail_user.pw_name}\n")
    return f"""# convention-xlsx tests: a throw-away Dovecot on {HOST}:{port}
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = {HOST}
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_fsync = never
first_valid_uid = {mail_user.pw_uid}
{users}mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = {HOST}
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _version() -> str:
    done = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True, timeout=30, check=False)
    return done.stdout.strip()


@pytest.fixture(scope="session")
def dovecot():
    if DOVECOT is None:
        pytest.skip("Dovecot absent (paquet Debian dovecot-imapd) : tests IMAP ignorés")
    version = _version()
    if not version.startswith("2.3"):
        pytest.skip(f"Dovecot {version} : la configuration de test est écrite pour Dovecot 2.3 (Debian 12)")
    as_root = os.geteuid() == 0
    mail_user = pwd.getpwnam("dovecot") if as_root else pwd.getpwuid(os.getuid())
    root = Path(tempfile.mkdtemp(prefix="convention-xlsx-dovecot-"))
    root.chmod(0o755)  # the auth and mail processes run as another user when the tests run as root
    (root / "home").mkdir()
    (root / "passwd").write_text("".join(f"referent{i}:{{PLAIN}}{PASSWORD}\n" for i in range(1, USERS + 1)),
                                 encoding="utf-8")
    (root / "passwd").chmod(0o644)
    if as_root:
        os.chown(root / "home", mail_user.pw_uid, mail_user.pw_gid)
    port = free_port()
    (root / "dovecot.conf").write_text(_config(root, port, mail_user, as_root), encoding="utf-8")
    process = subprocess.Popen([DOVECOT, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.DEVNULL,
                               stderr=open(root / "stderr.txt", "wb"))  # noqa: SIM115  (closed with the process)
    server = Dovecot(root, port, process)
    try:
        _wait_for_greeting(port, process, root)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        shutil.rmtree(root, ignore_errors=True)


def _wait_for_greeting(port: int, process: subprocess.Popen, root: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("Dovecot s'est arrêté au démarrage : " + (root / "stderr.txt").read_text("utf-8", "replace")
                        + ((root / "dovecot.log").read_text("utf-8", "replace")
                           if (root / "dovecot.log").exists() else ""))
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1) as s:
            if s.recv(100).startswith(b"* OK"):
                return
        time.sleep(0.1)
    pytest.fail("Dovecot ne répond pas après 20 s")


# --- SMTP ---------------------------------------------------------------------------------------


class Recorder:
    """aiosmtpd handler: keeps (envelope sender, recipients, bytes) of each message; can refuse
    recipients, or close the session (421) after a number of messages, as a failing server would."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.fail_after: int | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.casefold() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "421 4.3.2 Service shutting down"
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    port: int
    handler: Recorder
    user: str = "referent"
    password: str = PASSWORD

    @property
    def messages(self) -> list[tuple[str, list[str], bytes]]:
        return self.handler.messages


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    handler = Recorder()
    server = SmtpServer(port=free_port(), handler=handler)

    def authenticate(smtp, session, envelope, mechanism, data):
        ok = (isinstance(data, LoginPassword) and data.login.decode() == server.user
              and data.password.decode() == server.password)
        return AuthResult(success=ok, handled=False)

    # aiosmtpd warns about AUTH without TLS on each session: on 127.0.0.1, for the tests, it is meant
    # (the test modules filter the warning with NO_TLS_WARNING)
    controller = Controller(handler, hostname=HOST, port=server.port, authenticator=authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def mail_table(imap_port: int, smtp_port: int, user: str, sender: str = "referent.partenariat@exemple.org") -> str:
    """The ``[courriel]`` table for these servers (``aucune``: they are on this machine)."""
    return (f'\n[courriel]\nimap = "{HOST}:{imap_port}"\nsmtp = "{HOST}:{smtp_port}"\nsecurite = "aucune"\n'
            f'utilisateur = "{user}"\nexpediteur = "{sender}"\ndelai = 10\n')


def message_with(sender: str, subject: str, attachments: list[tuple[str, bytes]],
                 date: dt.datetime | None = None) -> EmailMessage:
    """A message as a section sends it: a short text and its attachments (name, bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "referent.partenariat@exemple.org"
    message["Subject"] = subject
    message["Date"] = format_datetime(date or dt.datetime(2023, 12, 2, 10, 30).astimezone())
    message["Message-ID"] = f"<{abs(hash((sender, subject)))}@exemple.org>"
    message.set_content("Bonjour, voici notre classeur du mois.\nBien cordialement")
    for name, data in attachments:
        if name.lower().endswith(".pdf"):
            message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
        else:
            message.add_attachment(data, maintype=XLSX[0], subtype=XLSX[1], filename=name)
    return message
