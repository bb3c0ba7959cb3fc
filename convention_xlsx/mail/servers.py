"""Connections to the référent's IMAP and SMTP servers, with every failure said in French.

The certificate of the server is always checked (``ssl.create_default_context``): ``ssl``
connects encrypted from the start, ``starttls`` upgrades the connection before the password is
sent, ``aucune`` (this machine only, see :mod:`.settings`) sends it in clear to a local server.
"""

from __future__ import annotations

import contextlib
import imaplib
import smtplib
import socket
import ssl
from collections.abc import Iterator

from ..errors import describe_os_error
from . import MailError
from .settings import NONE, SSL, STARTTLS, MailSettings, Server

_CERTIFICATE_REASONS = {
    9: "il n'est pas encore valide",
    10: "il a expiré",
    18: "il est auto-signé",
    19: "il est signé par une autorité inconnue",
    20: "son autorité de certification est inconnue",
    21: "il ne peut pas être vérifié",
    62: "il est établi pour un autre nom de serveur",
}


class LoginRefused(MailError):
    """The server refused the user name or the password."""


def explain(err: BaseException, kind: str, server: Server) -> str:
    """A French sentence for a failure to reach or talk to ``server`` (``kind``: ``IMAP`` or ``SMTP``)."""
    where = f"le serveur {kind} {server}"
    if isinstance(err, ssl.SSLCertVerificationError):
        reason = _CERTIFICATE_REASONS.get(err.verify_code, "il n'a pas pu être vérifié")
        return (f"Le certificat de sécurité du serveur {kind} {server} est refusé : {reason}. Vérifiez le nom du "
                "serveur dans [courriel] (celui que donne votre fournisseur de messagerie) ; rien n'a été envoyé "
                "ni reçu.")
    if isinstance(err, ssl.SSLError):
        return (f"La connexion chiffrée avec {where} a échoué : le port ne correspond peut-être pas à la sécurité "
                "choisie (securite = \"ssl\" : ports 993 et 465 ; \"starttls\" : ports 143 et 587).")
    if isinstance(err, socket.gaierror):
        return (f"Le serveur {kind} {server.host} est introuvable : vérifiez son nom dans [courriel] et la "
                "connexion à Internet.")
    if isinstance(err, ConnectionRefusedError):
        return f"Impossible de joindre {where} (connexion refusée) : vérifiez l'hôte et le port dans [courriel]."
    if isinstance(err, TimeoutError | socket.timeout):
        return f"{where[0].upper()}{where[1:]} ne répond pas (délai dépassé) : réessayez plus tard."
    if isinstance(err, imaplib.IMAP4.abort | smtplib.SMTPServerDisconnected | EOFError):
        return f"{where[0].upper()}{where[1:]} a coupé la connexion : réessayez plus tard."
    if isinstance(err, smtplib.SMTPResponseException):
        return f"{where[0].upper()}{where[1:]} a refusé la connexion (code {err.smtp_code}) : réessayez plus tard."
    if isinstance(err, smtplib.SMTPException):
        return f"Échange impossible avec {where} : le serveur a répondu de façon inattendue."
    if isinstance(err, OSError):
        return f"Impossible de joindre {where} : {describe_os_error(err)}."
    return f"Échange impossible avec {where} : le serveur a répondu de façon inattendue."


def _tls() -> ssl.SSLContext:
    return ssl.create_default_context()


@contextlib.contextmanager
def imap_session(settings: MailSettings, password: str) -> Iterator[imaplib.IMAP4]:
    """A logged-in IMAP connection, logged out at the end; :class:`MailError` when it cannot be had.

    Errors of the later exchanges are the caller's to translate (with :func:`explain`)."""
    server = settings.imap
    try:
        if settings.security == SSL:
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(server.host, server.port, ssl_context=_tls(),
                                                    timeout=settings.timeout)
        else:
            imap = imaplib.IMAP4(server.host, server.port, timeout=settings.timeout)
            if settings.security == STARTTLS:
                imap.starttls(_tls())
    except (OSError, imaplib.IMAP4.error, EOFError) as err:
        if isinstance(err, imaplib.IMAP4.error) and settings.security == STARTTLS and not isinstance(
                err, imaplib.IMAP4.abort):
            raise MailError(f"Le serveur IMAP {server} ne propose pas STARTTLS : choisissez securite = \"ssl\" "
                            "(port 993).") from err
        raise MailError(explain(err, "IMAP", server)) from err
    try:
        try:
            _imap_login(imap, settings, password)
        except (OSError, imaplib.IMAP4.abort, EOFError) as err:
            raise MailError(explain(err, "IMAP", server)) from err
        yield imap  # the caller's own errors (a full disk…) are not the server's: not translated here
    finally:
        with contextlib.suppress(Exception):
            imap.logout()


def _imap_login(imap: imaplib.IMAP4, settings: MailSettings, password: str) -> None:
    try:
        if (settings.user + password).isascii():
            imap.login(settings.user, password)
        else:  # LOGIN is ASCII only in imaplib: AUTHENTICATE PLAIN carries UTF-8
            imap.authenticate("PLAIN", lambda _: f"\0{settings.user}\0{password}".encode())
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as err:
        text = str(err)
        if "LOGINDISABLED" in text.upper() or "PRIVACYREQUIRED" in text.upper():
            raise LoginRefused(f"Le serveur IMAP {settings.imap} refuse l'identification sans chiffrement : "
                               "choisissez securite = \"ssl\" ou \"starttls\".") from err
        raise LoginRefused(f"Le serveur IMAP {settings.imap} a refusé l'identification de « {settings.user} » : "
                           "vérifiez l'utilisateur dans [courriel] et le mot de passe.") from err


@contextlib.contextmanager
def smtp_session(settings: MailSettings, password: str | None) -> Iterator[smtplib.SMTP]:
    """A connected (and, when the server offers it, logged-in) SMTP connection, closed at the end."""
    server = settings.smtp
    try:
        if settings.security == SSL:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server.host, server.port, timeout=settings.timeout,
                                                  context=_tls())
        else:
            smtp = smtplib.SMTP(server.host, server.port, timeout=settings.timeout)
        smtp.ehlo()
        if settings.security == STARTTLS:
            if not smtp.has_extn("starttls"):
                smtp.close()
                raise MailError(f"Le serveur SMTP {server} ne propose pas STARTTLS : choisissez securite = \"ssl\" "
                                "(port 465).")
            smtp.starttls(context=_tls())
            smtp.ehlo()
    except (OSError, smtplib.SMTPException) as err:
        raise MailError(explain(err, "SMTP", server)) from err
    try:
        try:
            _smtp_login(smtp, settings, password)
        except (OSError, smtplib.SMTPServerDisconnected) as err:
            raise MailError(explain(err, "SMTP", server)) from err
        yield smtp
    finally:
        with contextlib.suppress(Exception):
            smtp.quit()
        with contextlib.suppress(Exception):
            smtp.close()


def _smtp_login(smtp: smtplib.SMTP, settings: MailSettings, password: str | None) -> None:
    if not smtp.has_extn("auth"):
        if settings.security == NONE or password is None:
            return  # a relay of this machine that asks for no identification
        raise LoginRefused(f"Le serveur SMTP {settings.smtp} ne propose pas d'identification : vérifiez smtp et "
                           "securite dans [courriel].")
    if password is None:
        return
    try:
        smtp.login(settings.user, password)
    except smtplib.SMTPAuthenticationError as err:
        raise LoginRefused(f"Le serveur SMTP {settings.smtp} a refusé l'identification de « {settings.user} » : "
                           "vérifiez l'utilisateur dans [courriel] et le mot de passe.") from err
    except UnicodeEncodeError as err:
        raise LoginRefused(f"Le serveur SMTP {settings.smtp} n'accepte pas un mot de passe avec des accents ou "
                           "des caractères spéciaux par cette méthode : changez le mot de passe.") from err
    except smtplib.SMTPException as err:
        raise LoginRefused(f"Le serveur SMTP {settings.smtp} n'accepte aucune des méthodes d'identification de "
                           "convention-xlsx : vérifiez securite dans [courriel].") from err
