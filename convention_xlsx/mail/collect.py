"""Collect the month's workbooks: every spreadsheet attached to the messages of one IMAP folder.

Each spreadsheet attachment (``.xlsx``, ``.xlsm``, ``.ods``, ``.xls``) is saved once into the
input folder: an attachment whose content (sha256) was already collected, or is already a file
of the folder, is skipped. The mailbox is never modified: the folder is opened read-only
(``EXAMINE``) and messages are read with ``BODY.PEEK[]``, which sets no flag; nothing is stored,
moved or deleted. Other attachments are ignored, oversized ones skipped with a French note, a
malformed message noted and passed over. Each saved file's sender, date and subject go to the
collection log (:mod:`.collection_log`), written atomically at the end, even when the
connection is lost half-way.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email
import hashlib
import imaplib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path

from ..atomic import atomic_path
from ..reading.limits import DEFAULT_LIMITS, MIB
from . import MailError
from .collection_log import CollectedFile, read_log, write_log
from .names import readable, safe_name, spreadsheet_extension
from .servers import explain, imap_session
from .settings import MailSettings, plain_address

Progress = Callable[[int, int], None]

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SIZE = re.compile(rb"UID (\d+)|RFC822\.SIZE (\d+)")
_BATCH = 200


@dataclass(frozen=True)
class CollectLimits:
    max_attachment_bytes: int = DEFAULT_LIMITS.max_file_bytes
    """An attachment above this is skipped: the consolidation would refuse it anyway."""
    max_message_bytes: int = 2 * DEFAULT_LIMITS.max_file_bytes + 10 * MIB
    """A message above this is not downloaded at all."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    """The name the sender gave (decoded), possibly hostile: never used as a path as it is."""
    extension: str
    data: bytes


@dataclass
class Extracted:
    """What one message holds: its spreadsheets, and what was left out."""

    spreadsheets: list[Attachment] = field(default_factory=list)
    others: int = 0
    notes: list[str] = field(default_factory=list)
    too_large: int = 0


@dataclass(frozen=True)
class SavedFile:
    record: CollectedFile
    original: str
    """The attachment's name in the message, when the saved name differs from it."""


@dataclass
class CollectResult:
    """What one ``collecter`` did; ``notes`` are French lines for the référent."""

    folder: Path
    messages: int = 0
    saved: list[SavedFile] = field(default_factory=list)
    duplicates: int = 0
    """Spreadsheets already collected (the same sha256 in the log or in the folder)."""
    others: int = 0
    """Attachments that are not spreadsheets (PDF, images…), ignored."""
    too_large: int = 0
    unreadable: int = 0
    """Messages that could not be read (malformed, or the server would not give them)."""
    notes: list[str] = field(default_factory=list)
    log: Path | None = None


def collect(settings: MailSettings, password: str, folder: Path, since: dt.date | None = None,
            progress: Progress | None = None, limits: CollectLimits = CollectLimits()) -> CollectResult:
    """Save into ``folder`` every spreadsheet attached to the messages of the configured IMAP folder
    (received on or after ``since``, if given) that was not collected before."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    result = CollectResult(folder=folder)
    log = read_log(folder)
    if log.problem:
        result.notes.append(log.problem)
    entries = list(log.entries)
    known = {e.sha256 for e in entries} | _hashes_below(folder)
    taken = set(os.listdir(folder))
    added = 0
    try:
        with imap_session(settings, password) as imap:
            uids = _open_folder(imap, settings, since)
            sizes = _sizes(imap, settings, uids)
            for index, uid in enumerate(uids, 1):
                result.messages += 1
                size = sizes.get(uid, 0)
                if size > limits.max_message_bytes:
                    result.too_large += 1
                    result.notes.append(f"Message n° {uid.decode()} ignoré : {_mib(size)}, au-delà de la limite de "
                                        f"{_mib(limits.max_message_bytes)}. Demandez à l'expéditeur d'envoyer son "
                                        "classeur seul.")
                else:
                    for saved in _collect_message(imap, settings, uid, folder, known, taken, result, limits):
                        entries.append(saved.record)
                        result.saved.append(saved)
                        added += 1
                if progress is not None:
                    progress(index, len(uids))
    finally:
        if added or log.problem:
            result.log = write_log(folder, entries)
    return result


def _collect_message(imap: imaplib.IMAP4, settings: MailSettings, uid: bytes, folder: Path, known: set[str],
                     taken: set[str], result: CollectResult, limits: CollectLimits) -> list[SavedFile]:
    raw, internal = _fetch(imap, settings, uid)
    if raw is None:
        result.unreadable += 1
        result.notes.append(f"Message n° {uid.decode()} : le serveur ne l'a pas transmis ; il est ignoré.")
        return []
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
        extracted = spreadsheet_attachments(message, limits.max_attachment_bytes)
        sender, address, date, subject, message_id = _headers(message)
    except Exception:  # a message malformed beyond what the email package tolerates
        result.unreadable += 1
        result.notes.append(f"Message n° {uid.decode()} illisible (mal formé) : il est ignoré.")
        return []
    date = date or internal
    result.others += extracted.others
    result.too_large += extracted.too_large
    who = f"de {sender}" if sender else "sans expéditeur"
    result.notes.extend(f"Message {who} : {note}" for note in extracted.notes)
    saved = []
    for attachment in extracted.spreadsheets:
        digest = hashlib.sha256(attachment.data).hexdigest()
        if digest in known:
            result.duplicates += 1
            continue
        name = safe_name(attachment.filename, attachment.extension, taken)
        target = folder / name
        if target.resolve().parent != folder.resolve():  # safe_name makes this impossible: never trust it alone
            raise MailError(f"Nom de pièce jointe refusé : « {attachment.filename} ».")
        with atomic_path(target) as tmp:
            tmp.write_bytes(attachment.data)
        if date is not None:  # the file's time is the message's: « the newest workbook » stays meaningful
            stamp = date.timestamp()
            os.utime(target, (stamp, stamp))
        known.add(digest)
        taken.add(name)
        record = CollectedFile(name=name, sha256=digest, sender=sender, address=address, date=date,
                               subject=subject, message_id=message_id,
                               collected=dt.datetime.now().astimezone().replace(microsecond=0))
        saved.append(SavedFile(record, attachment.filename if attachment.filename != name else ""))
    return saved


def spreadsheet_attachments(message: EmailMessage, max_bytes: int) -> Extracted:
    """The spreadsheets attached to ``message`` (forwarded messages included), and the rest counted."""
    out = Extracted()
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = _filename(part)
        disposition = part.get_content_disposition()
        extension = spreadsheet_extension(filename, part.get_content_type())
        if extension is None:
            if filename or disposition == "attachment":
                out.others += 1
            continue
        shown = readable(filename) or "(sans nom)"
        encoded = part.get_payload()
        estimate = len(encoded) * 3 // 4 if isinstance(encoded, str) else 0
        data = None if estimate > max_bytes * 1.1 else part.get_payload(decode=True)
        if data is None or len(data) > max_bytes:
            out.too_large += 1
            out.notes.append(f"pièce jointe « {shown} » ignorée : plus de {_mib(max_bytes)}, au-delà de la limite "
                             "acceptée pour un classeur.")
            continue
        if not data:
            out.notes.append(f"pièce jointe « {shown} » vide : ignorée.")
            continue
        out.spreadsheets.append(Attachment(readable(filename or ""), extension, data))
    return out


def _filename(part: EmailMessage) -> str:
    """The attachment's name, decoded (RFC 2231 parameters; RFC 2047 words, which some clients use)."""
    try:
        name = part.get_filename() or ""
    except Exception:
        return ""
    if "=?" in name:
        with contextlib.suppress(Exception):  # not encoded words after all: keep the name as it came
            name = str(make_header(decode_header(name)))
    return name


def _headers(message: EmailMessage) -> tuple[str, str, dt.datetime | None, str, str]:
    """(sender as written, bare address, date, subject, Message-ID), each empty when unusable."""
    def text(name: str) -> str:
        try:
            value = message.get(name)
        except Exception:
            return ""
        return readable(" ".join(str(value).split()))[:500] if value is not None else ""

    sender = text("From")
    address = ""
    try:
        header = message.get("From")
        addresses = getattr(header, "addresses", ()) if header is not None else ()
        if len(addresses) == 1:
            address = plain_address(addresses[0].addr_spec) or ""
    except Exception:
        address = ""
    date = None
    try:
        header = message.get("Date")
        date = getattr(header, "datetime", None)
    except Exception:
        date = None
    if date is not None and date.tzinfo is None:
        date = date.astimezone()
    return sender, address, date, text("Subject"), text("Message-ID")


# --- IMAP ---------------------------------------------------------------------------------------


def _command(settings: MailSettings, call: Callable, *args: object) -> tuple:
    try:
        return call(*args)
    except (OSError, imaplib.IMAP4.abort, EOFError) as err:
        raise MailError(explain(err, "IMAP", settings.imap)) from err
    except imaplib.IMAP4.error as err:
        raise MailError(f"Le serveur IMAP {settings.imap} a refusé une commande : {_server_text(err)}.") from err


def _open_folder(imap: imaplib.IMAP4, settings: MailSettings, since: dt.date | None) -> list[bytes]:
    """Open the folder read-only (EXAMINE) and list its messages' UIDs."""
    typ, data = _command(settings, imap.select, mailbox_name(settings.folder), True)
    if typ != "OK":
        raise MailError(f"Le dossier « {settings.folder} » est introuvable dans la boîte de « {settings.user} » "
                        f"sur {settings.imap} : vérifiez [courriel] dossier (par défaut INBOX).")
    criteria = ("SINCE", f"{since.day:02d}-{_MONTHS[since.month - 1]}-{since.year}") if since else ("ALL",)
    typ, data = _command(settings, imap.uid, "SEARCH", *criteria)
    if typ != "OK":
        raise MailError(f"Le serveur IMAP {settings.imap} n'a pas pu lister les messages du dossier "
                        f"« {settings.folder} ».")
    return [uid for chunk in data if chunk for uid in chunk.split()]


def _sizes(imap: imaplib.IMAP4, settings: MailSettings, uids: list[bytes]) -> dict[bytes, int]:
    sizes: dict[bytes, int] = {}
    for start in range(0, len(uids), _BATCH):
        batch = b",".join(uids[start:start + _BATCH]).decode()
        typ, data = _command(settings, imap.uid, "FETCH", batch, "(RFC822.SIZE)")
        for line in data if typ == "OK" else ():
            line = line[0] if isinstance(line, tuple) else line
            if not isinstance(line, bytes):
                continue
            found = dict.fromkeys(("uid", "size"), b"")
            for match in _SIZE.finditer(line):
                found["uid"] = match.group(1) or found["uid"]
                found["size"] = match.group(2) or found["size"]
            if found["uid"] and found["size"]:
                sizes[found["uid"]] = int(found["size"])
    return sizes


def _fetch(imap: imaplib.IMAP4, settings: MailSettings, uid: bytes) -> tuple[bytes | None, dt.datetime | None]:
    """The whole message, read without setting its \\Seen flag (``BODY.PEEK[]``), and its arrival date."""
    try:
        typ, data = _command(settings, imap.uid, "FETCH", uid.decode(), "(INTERNALDATE BODY.PEEK[])")
    except MailError as err:
        if isinstance(err.__cause__, imaplib.IMAP4.error) and not isinstance(err.__cause__, imaplib.IMAP4.abort):
            return None, None
        raise
    if typ != "OK":
        return None, None
    for item in data:
        if isinstance(item, tuple) and len(item) >= 2 and isinstance(item[1], bytes):
            internal = None
            stamp = imaplib.Internaldate2tuple(item[0]) if b"INTERNALDATE" in item[0] else None
            if stamp is not None:
                internal = dt.datetime(*stamp[:6]).astimezone()
            return item[1], internal
    return None, None


def mailbox_name(name: str) -> str:
    """A folder name as IMAP wants it: modified UTF-7 (RFC 3501 §5.1.3), quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            encoded = base64.b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + encoded.replace("/", ",") + "-")
            pending.clear()

    for char in name:
        if 0x20 <= ord(char) <= 0x7E:
            flush()
            out.append("&-" if char == "&" else char)
        else:
            pending.append(char)
    flush()
    text = "".join(out)
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _hashes_below(folder: Path) -> set[str]:
    """The sha256 of every candidate input already in ``folder`` (saved by hand, or collected before)."""
    from ..reading.files import list_inputs

    digests = set()
    for path in list_inputs(folder)[0]:
        digest = hashlib.sha256()
        try:
            with path.open("rb") as f:
                for block in iter(lambda f=f: f.read(1 << 20), b""):
                    digest.update(block)
        except OSError:
            continue
        digests.add(digest.hexdigest())
    return digests


def _server_text(err: Exception) -> str:
    text = err.args[0] if err.args else ""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text)[:200] or "sans explication"


def _mib(size: int) -> str:
    return f"{size / MIB:.0f} Mio" if size >= MIB else f"{size / 1024:.0f} Kio"
