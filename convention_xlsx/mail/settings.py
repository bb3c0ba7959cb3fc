"""The ``[courriel]`` table of ``convention.toml``: which servers, how secured, which mailbox.

::

    [courriel]
    imap = "imap.exemple.org:993"
    smtp = "smtp.exemple.org:465"
    securite = "ssl"            # "ssl", "starttls" or "aucune" (this machine only)
    utilisateur = "referent.partenariat@exemple.org"
    expediteur = "referent.partenariat@exemple.org"
    dossier = "INBOX"           # the IMAP folder the workbooks arrive in

The password is never in this file: it is asked at a prompt or read from
:data:`~convention_xlsx.mail.PASSWORD_ENV`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from email.headerregistry import Address

from ..config import Config
from . import MailError

SSL, STARTTLS, NONE = "ssl", "starttls", "aucune"
SECURITIES = (SSL, STARTTLS, NONE)
DEFAULT_FOLDER = "INBOX"
DEFAULT_PORTS = {"imap": {SSL: 993, STARTTLS: 143, NONE: 143}, "smtp": {SSL: 465, STARTTLS: 587, NONE: 25}}
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost")
EXAMPLE = ('[courriel]\nimap = "imap.exemple.org:993"\nsmtp = "smtp.exemple.org:465"\nsecurite = "ssl"\n'
           'utilisateur = "referent@exemple.org"\nexpediteur = "referent@exemple.org"')


class MailConfigError(MailError):
    """The ``[courriel]`` table is missing or wrong (a usage error on the command line)."""


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def is_local(self) -> bool:
        """This machine: ``localhost`` or a loopback address (no name is looked up)."""
        if self.host.lower() in LOCAL_NAMES:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


@dataclass(frozen=True)
class MailSettings:
    imap: Server
    smtp: Server
    security: str
    user: str
    sender: str
    folder: str = DEFAULT_FOLDER
    timeout: float = 30.0
    """Seconds before a silent server is given up (connection and each exchange)."""

    @property
    def sender_domain(self) -> str:
        return self.sender.rpartition("@")[2]


def mail_settings(config: Config) -> MailSettings:
    """The ``[courriel]`` table of ``config``, checked; :class:`MailConfigError` (French) otherwise."""
    source = config.source
    table = config.extra.get("courriel")
    if table is None:
        raise MailConfigError(
            f"La configuration {source} n'a pas de table [courriel] : ajoutez-la pour collecter et envoyer "
            f"le courriel, par exemple :\n{EXAMPLE}"
        )
    if not isinstance(table, dict):
        raise MailConfigError(f"Dans {source}, courriel doit être une table, sous un titre [courriel].")
    unknown = sorted(set(table) - {"imap", "smtp", "securite", "utilisateur", "expediteur", "dossier",
                                   "mot_de_passe", "delai"})
    if unknown:
        raise MailConfigError(f"Dans {source}, [courriel] : clé(s) inconnue(s) {', '.join(unknown)} (attendu : imap, "
                              "smtp, securite, utilisateur, expediteur, dossier).")
    if "mot_de_passe" in table:
        raise MailConfigError(
            f"Dans {source}, [courriel] : le mot de passe ne s'écrit jamais dans la configuration. Retirez la "
            "ligne mot_de_passe : il est demandé au lancement de la commande, ou lu dans la variable "
            "CONVENTION_XLSX_MOT_DE_PASSE_COURRIEL."
        )
    security = _text(table, "securite", source)
    if security not in SECURITIES:
        raise MailConfigError(f"Dans {source}, [courriel] securite vaut « {security} » : attendu "
                              f"{', '.join(SECURITIES[:-1])} ou {SECURITIES[-1]}.")
    imap = _server(table, "imap", security, source)
    smtp = _server(table, "smtp", security, source)
    if security == NONE:
        for kind, server in (("imap", imap), ("smtp", smtp)):
            if not server.is_local:
                raise MailConfigError(
                    f"Dans {source}, [courriel] securite = \"aucune\" n'est permis que pour un serveur de cette "
                    f"machine (localhost, 127.0.0.1) : le mot de passe et les classeurs passeraient en clair "
                    f"jusqu'à {server} ({kind}). Choisissez \"ssl\" ou \"starttls\"."
                )
    sender = _address(table, "expediteur", source)
    user = _text(table, "utilisateur", source)
    folder = str(table.get("dossier", DEFAULT_FOLDER)).strip() or DEFAULT_FOLDER
    if any(ord(c) < 32 or c == "\x7f" for c in folder):
        raise MailConfigError(f"Dans {source}, [courriel] dossier contient un caractère de contrôle.")
    timeout = table.get("delai", 30)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 1 <= timeout <= 600:
        raise MailConfigError(f"Dans {source}, [courriel] delai doit être un nombre de secondes entre 1 et 600.")
    return MailSettings(imap=imap, smtp=smtp, security=security, user=user, sender=sender, folder=folder,
                        timeout=float(timeout))


def _text(table: dict, key: str, source: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise MailConfigError(f"Dans {source}, [courriel] doit donner {key} (un texte entre guillemets).")
    value = value.strip()
    if any(ord(c) < 32 or c == "\x7f" for c in value):
        raise MailConfigError(f"Dans {source}, [courriel] {key} contient un caractère de contrôle.")
    return value


def _server(table: dict, kind: str, security: str, source: str) -> Server:
    text = _text(table, kind, source)
    host, port_text = text, ""
    if text.startswith("["):  # [::1]:993
        host, _, rest = text[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else rest
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
    host = host.strip()
    if not host or any(c.isspace() or c in "/@" for c in host):
        raise MailConfigError(f"Dans {source}, [courriel] {kind} = « {text} » : écrivez hôte:port, par exemple "
                              f"{kind}.exemple.org:{DEFAULT_PORTS[kind][SSL]}.")
    if not port_text:
        return Server(host, DEFAULT_PORTS[kind][security])
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise MailConfigError(f"Dans {source}, [courriel] {kind} = « {text} » : le port doit être un nombre "
                              "entre 1 et 65535.")
    return Server(host, int(port_text))


def _address(table: dict, key: str, source: str) -> str:
    text = _text(table, key, source)
    address = plain_address(text)
    if address is None:
        raise MailConfigError(f"Dans {source}, [courriel] {key} = « {text} » n'est pas une adresse de "
                              "courriel (exemple : referent@exemple.org).")
    return address


def plain_address(text: str) -> str | None:
    """``text`` as a bare address (``nom@exemple.org``), or None when it is not exactly one address."""
    if not isinstance(text, str) or any(ord(c) < 32 or c == "\x7f" for c in text):
        return None
    try:
        address = Address(addr_spec=text.strip())
    except Exception:  # the email package raises several kinds (IndexError, HeaderParseError, defects)
        return None
    if not address.username or not address.domain:
        return None
    return address.addr_spec


def same_address(one: str, other: str) -> bool:
    """Whether two addresses name the same mailbox (compared without case, as people expect)."""
    return bool(one) and bool(other) and one.strip().casefold() == other.strip().casefold()
