"""The référent's mailbox: collect the month's workbooks (IMAP), send returns and reminders (SMTP).

The monthly loop starts and ends in a mailbox. :mod:`.collect` saves every spreadsheet attached
to the messages of one IMAP folder into the input folder, once, without ever modifying the
mailbox, and keeps a log of who sent what (:mod:`.collection_log`), which the next consolidation
reads (:mod:`.provenance`). :mod:`.plan` turns the JSON report of ``consolider`` into one message
per section, :mod:`.compose` writes it in French, :mod:`.send` sends it once (:mod:`.ledger`).

Nothing here prints or imports click: results come back as objects with French notes, problems
as :class:`MailError` with a French message. Importing this package imports no network module.
"""

from __future__ import annotations

PASSWORD_ENV = "CONVENTION_XLSX_MOT_DE_PASSE_COURRIEL"
"""The mailbox password, when it is not asked at a prompt (never on the command line or in a file)."""


class MailError(Exception):
    """The mail cannot be collected or sent (configuration, server, login, report); French message."""
