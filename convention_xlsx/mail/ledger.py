"""The ledger of what was sent: each message once, per section, month and fingerprint.

An SQLite file beside the report (:data:`LEDGER_NAME`). A message is recorded right after the
SMTP server accepted it, in its own transaction: when a run stops half-way, the next one
sends only what did not go. The key is (association, section, month of the arrêté,
fingerprint), the fingerprint being the sha256 of the workbook a return answers, or
``relance`` for a reminder alone (see :class:`~convention_xlsx.mail.plan.Outgoing`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import describe_os_error
from . import MailError
from .plan import Outgoing

LEDGER_NAME = "envois.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS envois (
    association TEXT NOT NULL,
    section TEXT NOT NULL,
    mois TEXT NOT NULL,
    empreinte TEXT NOT NULL,
    destinataire TEXT NOT NULL,
    objet TEXT NOT NULL,
    message_id TEXT NOT NULL,
    piece_jointe TEXT,
    empreinte_piece_jointe TEXT,
    envoye_le TEXT NOT NULL,
    PRIMARY KEY (association, section, mois, empreinte)
)
"""


@dataclass(frozen=True)
class Sent:
    address: str
    subject: str
    message_id: str
    when: str


class Ledger:
    """Open with :func:`open_ledger`; ``readonly`` never creates nor writes the file (``--essai``)."""

    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._db: sqlite3.Connection | None = None
        try:
            if readonly:
                if self.path.is_file():
                    self._db = sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(self.path)
                self._db.execute(_SCHEMA)
                self._db.commit()
            if self._db is not None:
                self._db.execute("SELECT count(*) FROM envois").fetchone()
        except (sqlite3.Error, OSError) as err:
            self.close()
            raise MailError(f"Le registre des envois {self.path} est illisible ({_reason(err)}) : déplacez-le pour "
                            "en commencer un nouveau, mais tout ce qu'il enregistrait serait alors renvoyé.") from err

    def sent(self, outgoing: Outgoing) -> Sent | None:
        if self._db is None:
            return None
        row = self._db.execute(
            "SELECT destinataire, objet, message_id, envoye_le FROM envois "
            "WHERE association = ? AND section = ? AND mois = ? AND empreinte = ?", _key(outgoing)).fetchone()
        return Sent(*row) if row else None

    def record(self, outgoing: Outgoing, subject: str, message_id: str, attachment_digest: str | None,
               when: dt.datetime) -> None:
        """Record one message as sent (committed at once)."""
        if self._db is None or self.readonly:
            raise RuntimeError("ledger opened read-only")
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO envois VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*_key(outgoing), outgoing.address, subject, message_id,
                     outgoing.attachment.name if outgoing.attachment else None, attachment_digest,
                     when.isoformat(timespec="seconds")))
        except sqlite3.Error as err:
            raise MailError(f"Le message à {outgoing.address} est parti, mais le registre des envois {self.path} "
                            f"n'a pas pu l'enregistrer ({_reason(err)}) : il serait renvoyé la prochaine fois.") \
                from err

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM envois").fetchone()[0] if self._db else 0

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _key(outgoing: Outgoing) -> tuple[str, str, str, str]:
    return (outgoing.association, outgoing.section, outgoing.month, outgoing.fingerprint)


def _reason(err: Exception) -> str:
    if isinstance(err, OSError):
        return describe_os_error(err)
    if isinstance(err, sqlite3.OperationalError):
        return "ouverture ou écriture impossible : le fichier est-il ouvert par un autre programme ?"
    return "ce n'est pas un registre des envois valide"
