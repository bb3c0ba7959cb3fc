"""Send the month's messages, each once: compose, write the ``.eml``, send, record.

:func:`prepare` composes every message of the plan that the ledger does not hold yet and writes
it as an ``.eml`` file beside the report (``--essai`` stops there: nothing is sent, nothing
recorded). :func:`deliver` then sends them over one SMTP connection and records each one in the
ledger as soon as the server accepted it. A message refused by the server is noted and the others
go on; a lost connection stops the sending, and the next run sends only what did not go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path

from ..atomic import atomic_path
from ..config import Config
from ..text import ascii_name
from . import MailError
from .compose import compose
from .ledger import LEDGER_NAME, Ledger, Sent
from .plan import Outgoing, Plan
from .servers import explain, smtp_session
from .settings import MailSettings, plain_address

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Prepared:
    outgoing: Outgoing
    message: EmailMessage
    data: bytes
    """The message exactly as it is written to the ``.eml`` file and sent."""
    eml: Path

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


@dataclass
class SendResult:
    """What ``envoyer`` did, or would do (``trial``)."""

    plan: Plan
    trial: bool
    outbox: Path
    ledger: Path
    pending: list[Prepared] = field(default_factory=list)
    """Composed and written as ``.eml``, not sent yet."""
    already: list[tuple[Outgoing, Sent]] = field(default_factory=list)
    """Sent by an earlier run (the ledger holds them): not sent again."""
    sent: list[Prepared] = field(default_factory=list)
    failed: list[tuple[Prepared, str]] = field(default_factory=list)
    """Refused by the server, with the French reason."""
    stopped: str = ""
    """French: why the sending stopped before the end (the connection was lost), or ``""``."""

    @property
    def unsent(self) -> list[Prepared]:
        done = {id(p) for p in self.sent} | {id(p) for p, _ in self.failed}
        return [p for p in self.pending if id(p) not in done]


def default_paths(report: Path) -> tuple[Path, Path]:
    """(the folder of the ``.eml`` files, the ledger) beside the report."""
    report = Path(report)
    return report.parent / f"{report.stem}_courriels", report.parent / LEDGER_NAME


def prepare(plan: Plan, config: Config, settings: MailSettings, *, trial: bool = False,
            outbox: Path | None = None, ledger: Path | None = None, now: dt.datetime | None = None) -> SendResult:
    """Compose and write (``.eml``) every message of ``plan`` not sent before; send nothing."""
    default_outbox, default_ledger = default_paths(plan.report)
    result = SendResult(plan=plan, trial=trial, outbox=outbox or default_outbox, ledger=ledger or default_ledger)
    now = now or dt.datetime.now().astimezone().replace(microsecond=0)
    names: set[str] = set()
    with Ledger(result.ledger, readonly=True) as book:
        for outgoing in plan.messages:
            sent = book.sent(outgoing)
            if sent is not None:
                result.already.append((outgoing, sent))
                continue
            message = compose(outgoing, config, settings, now)
            data = message.as_bytes(policy=policy.SMTP)
            eml = result.outbox / _eml_name(outgoing, names)
            with atomic_path(eml) as tmp:
                tmp.write_bytes(data)
            result.pending.append(Prepared(outgoing, message, data, eml))
    return result


def deliver(result: SendResult, config: Config, settings: MailSettings, password: str | None,
            progress: Progress | None = None) -> SendResult:
    """Send the pending messages of ``result`` and record each one; :class:`MailError` when the
    server cannot be reached or refuses the login (then nothing was sent)."""
    if result.trial or not result.pending:
        return result
    allowed = configured_addresses(config)
    with Ledger(result.ledger) as book, smtp_session(settings, password) as smtp:
        for index, prepared in enumerate(result.pending, 1):
            try:
                refusal = _send_one(smtp, prepared, settings, allowed)
            except (smtplib.SMTPServerDisconnected, OSError) as err:
                result.stopped = explain(err, "SMTP", settings.smtp)
                break
            if refusal:
                result.failed.append((prepared, refusal))
            else:
                attachment = prepared.outgoing.attachment
                digest = hashlib.sha256(attachment.read_bytes()).hexdigest() if attachment is not None else None
                book.record(prepared.outgoing, prepared.subject, str(prepared.message["Message-ID"]), digest,
                            dt.datetime.now().astimezone())
                result.sent.append(prepared)
            if progress is not None:
                progress(index, len(result.pending))
    return result


def _send_one(smtp: smtplib.SMTP, prepared: Prepared, settings: MailSettings, allowed: set[str]) -> str:
    """Send one message: ``""`` when the server accepted it, else the French reason it refused it.
    A lost connection is raised (it stops the sending)."""
    address = prepared.outgoing.address
    if address.casefold() not in allowed or _recipients(prepared.message) != {address.casefold()}:
        return f"{address} n'est pas une adresse de la configuration : refusé, rien n'est parti"
    try:
        smtp.sendmail(settings.sender, [address], prepared.data)
    except smtplib.SMTPRecipientsRefused as err:
        return _refusal(err.recipients.get(address), f"adresse {address} refusée")
    except smtplib.SMTPSenderRefused as err:
        return _refusal((err.smtp_code, err.smtp_error), f"expéditeur {settings.sender} refusé")
    except smtplib.SMTPDataError as err:
        return _refusal((err.smtp_code, err.smtp_error), "message refusé")
    except smtplib.SMTPServerDisconnected:
        raise
    except smtplib.SMTPException as err:
        return f"message refusé par le serveur ({type(err).__name__})"
    return ""


def configured_addresses(config: Config) -> set[str]:
    """Every address the configuration names (sections' contacts and référents), folded."""
    found = {plain_address(s.email) for s in config.sections} | {plain_address(r) for r in config.referents.values()}
    return {a.casefold() for a in found if a}


def _recipients(message: EmailMessage) -> set[str]:
    found: set[str] = set()
    for header in ("To", "Cc", "Bcc"):
        for value in message.get_all(header) or ():
            found.update(a.addr_spec.casefold() for a in getattr(value, "addresses", ()))
    return found


def _eml_name(outgoing: Outgoing, taken: set[str]) -> str:
    stem = f"{ascii_name(outgoing.association, keep_case=False)}_{ascii_name(outgoing.section, keep_case=False)}"
    stem = stem[:120] or "section"
    name, number = f"{stem}.eml", 2
    while name in taken:
        name, number = f"{stem}-{number}.eml", number + 1
    taken.add(name)
    return name


def _refusal(answer: tuple | None, what: str) -> str:
    """The server's refusal in French, with its code (its English text is not shown)."""
    code = answer[0] if answer else None
    return f"{what} par le serveur" + (f" (code {code})" if code else "")


__all__ = ["MailError", "Prepared", "SendResult", "configured_addresses", "default_paths", "deliver", "prepare"]
