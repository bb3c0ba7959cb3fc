"""The French message to one section: its return and what to fix, or a reminder, or both.

Written for volunteers who are not technicians: a short list of what to fix (sheet, cell,
message; at most :data:`MAX_LINES` lines, then « et N autres »), that the attached file is theirs
to keep and send back next month, the deadline, and whom to ask (the référent of their
association, from ``[referents]``). Party names come from the configuration only.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from ..config import Config
from ..indicators.completeness import LATE, MISSING
from .names import CONTENT_TYPES
from .plan import Outgoing
from .settings import MailSettings, plain_address, same_address

MAX_LINES = 15
SIGNATURE = "Le référent du partenariat"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
_TYPES = {ext: content_type for content_type, ext in CONTENT_TYPES.items()}


def long_date(day: dt.date) -> str:
    """« 1er décembre 2023 », « 5 janvier 2024 »."""
    return f"{'1er' if day.day == 1 else day.day} {MONTHS[day.month - 1]} {day.year}"


def deadline(config: Config, today: dt.date) -> dt.date:
    """The next ``[seuils] jour_envoi`` after today: the date before which the workbook is awaited."""
    day = today.replace(day=config.report_day)
    if day <= today:
        day = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=config.report_day)
    return day


def subject(outgoing: Outgoing, config: Config) -> str:
    month = f"{outgoing.arrete:%m/%Y}"
    if outgoing.attachment is not None and outgoing.remind:
        what = "votre classeur à corriger et à mettre à jour"
    elif outgoing.attachment is not None:
        what = "votre classeur à corriger"
    elif outgoing.state == MISSING:
        what = f"nous attendons le classeur de la section {outgoing.section}"
    else:
        what = f"le classeur de la section {outgoing.section} est à mettre à jour"
    return f"{config.title} : {what} ({month})"


def body(outgoing: Outgoing, config: Config, today: dt.date) -> str:
    """The plain-text body, in French."""
    arrete = long_date(outgoing.arrete)
    due = long_date(deadline(config, today))
    section_sheet = config.spec.section.name
    updated_label = config.spec.section.column("updated").label
    parts = ["Bonjour,"]
    if outgoing.attachment is not None:
        parts.append(_return_text(outgoing, arrete, config.spec.return_sheet))
    if outgoing.state == LATE:
        when = (f"est à jour au {long_date(outgoing.updated)}" if outgoing.updated else
                "n'a pas de date de mise à jour")
        parts.append(f"Le dernier classeur que nous avons reçu de votre section {when} : ce sont ses chiffres qui "
                     f"figurent dans le tableau de bord arrêté au {arrete}. Pourriez-vous nous envoyer votre "
                     f"classeur mis à jour avant le {due} ? Pensez à renseigner la « {updated_label} » dans la "
                     f"feuille « {section_sheet} ».")
    elif outgoing.state == MISSING:
        parts.append(f"Nous n'avons pas encore reçu le classeur de la section {outgoing.section} "
                     f"({outgoing.association}) pour le tableau de bord arrêté au {arrete}. Pourriez-vous nous "
                     f"l'envoyer avant le {due} ? Si vous n'avez plus le modèle de classeur, répondez simplement à "
                     "ce message : nous vous l'enverrons.")
    if outgoing.attachment is not None and not outgoing.remind:
        parts.append(f"Merci de nous renvoyer le classeur corrigé et complété avant le {due}.")
    referent = config.referents.get(outgoing.association, "")
    ask = f"écrivez à votre référent : {referent}" if referent else "répondez à ce message"
    parts.append(f"Chaque mois, le classeur est attendu avant le {config.report_day} du mois. Pour toute question, "
                 f"{ask}.")
    parts.append(f"Merci pour votre engagement,\n{SIGNATURE}")
    return "\n\n".join(parts) + "\n"


def _return_text(outgoing: Outgoing, arrete: str, to_fix: str) -> str:
    findings = sorted(outgoing.findings, key=lambda f: f.get("gravite") != "erreur")
    errors = sum(1 for f in findings if f.get("gravite") == "erreur")
    count = len(findings)
    found = f"{count} point{'s' if count > 1 else ''} à revoir" if count else "quelques points à revoir"
    lines = [f"Merci pour le classeur de la section {outgoing.section} ({outgoing.association}). En le relisant "
             f"pour le tableau de bord arrêté au {arrete}, nous avons relevé {found}" + (" :" if findings else ".")]
    for finding in findings[:MAX_LINES]:
        lines.append("  - " + finding_line(finding))
    if count > MAX_LINES:
        lines.append(f"  … et {count - MAX_LINES} autres, voir la feuille « {to_fix} » du classeur joint.")
    if errors:
        lines.append("")
        plural = "s" if errors > 1 else ""
        lines.append(f"Parmi ces points, {errors} erreur{plural} : tant qu'une erreur n'est pas corrigée, la ligne "
                     "concernée n'est pas comptée dans le tableau de bord.")
    if outgoing.whole_workbook:
        keep = (f"Le classeur joint est le vôtre, annoté : chaque cellule à revoir est surlignée et porte un "
                f"commentaire, et la feuille « {to_fix} » les reprend toutes. C'est ce fichier qu'il faut garder : "
                "corrigez-le, complétez-le au fil du mois et renvoyez-le-nous le mois prochain.")
    else:
        keep = (f"Votre fichier n'a pas pu être lu : le classeur joint est le modèle vierge, avec la raison dans la "
                f"feuille « {to_fix} ». Recopiez-y vos données (ou renvoyez-nous votre fichier enregistré au format "
                "Excel .xlsx) ; c'est ce classeur qu'il faudra garder et nous renvoyer chaque mois.")
    return "\n".join(lines) + "\n\n" + keep


def finding_line(finding: dict) -> str:
    """« Feuille « Actions », cellule C3 : message (suggestion : …) »."""
    def text(key: str) -> str:
        return " ".join(str(finding.get(key) or "").split())

    sheet, cell = text("feuille"), text("cellule")
    where = ""
    if sheet:
        where = f"feuille « {sheet} »" + (f", cellule {cell}" if cell else "")
    line = (where[0].upper() + where[1:] + " : " if where else "") + text("message")
    if text("suggestion"):
        line += f" (suggestion : {text('suggestion')})"
    return line


def compose(outgoing: Outgoing, config: Config, settings: MailSettings, now: dt.datetime) -> EmailMessage:
    """The message, ready to send (UTF-8, with Date and Message-ID), its return attached."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = settings.sender
    message["To"] = outgoing.address
    referent = plain_address(config.referents.get(outgoing.association, "")) or ""
    if referent and not same_address(referent, settings.sender):
        message["Reply-To"] = referent
    message["Subject"] = subject(outgoing, config)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=settings.sender_domain)
    message.set_content(body(outgoing, config, now.date()), cte="quoted-printable")
    if outgoing.attachment is not None:
        name = outgoing.attachment.name
        content_type = (_TYPES.get(outgoing.attachment.suffix.lower()) or mimetypes.guess_type(name)[0]
                        or "application/octet-stream")
        maintype, _, subtype = content_type.partition("/")
        message.add_attachment(outgoing.attachment.read_bytes(), maintype=maintype, subtype=subtype, filename=name)
    return message
