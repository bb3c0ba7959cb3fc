"""The section workbook, described once.

This module is the single source of truth for the sheets and columns that section
volunteers see: the template is generated from it, the reader finds headers with it,
the validation checks values against it and the consolidation types its tables with it.
Labels, sheet names and choice values are French because volunteers read them; the
identifiers (``key``) are English and are what the rest of the code uses.

Adding a column is one edit: append a :class:`Column` to its :class:`Sheet` below.

It imports nothing from this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

TEMPLATE_VERSION = "2026.1"
"""Version stamped in every generated template (``Version du modèle``)."""

ASSOCIATIONS = ("ANVP", "Auxilia")


class Kind(str, Enum):
    """How a cell is typed, checked and consolidated."""

    TEXT = "texte"
    DATE = "date"
    MONTH = "mois"
    COUNT = "nombre entier ≥ 0"
    AMOUNT = "montant en €"
    DECIMAL = "nombre ≥ 0"
    BOOL = "oui/non"
    CHOICE = "liste"
    ESTABLISHMENT = "code établissement"
    EMAIL = "courriel"
    DERIVED = "calculé"


YES, NO = "Oui", "Non"


@dataclass(frozen=True)
class Column:
    """One column of a table sheet, or one label/value field of the ``Section`` sheet.

    ``in_period``: a date that must fall inside the convention period (event dates).
    ``not_future``: a date that may not be after the day of the run.
    ``personal``: a volunteer's name; kept out of every sheet but ``Mandats``.
    ``free_text``: scanned for detainee identification (personal data warning).
    ``locked``: written by the template, not by the volunteer.
    """

    key: str
    label: str
    kind: Kind
    help: str
    choices: tuple[str, ...] = ()
    required: bool = False
    in_period: bool = False
    not_future: bool = False
    personal: bool = False
    free_text: bool = False
    locked: bool = False
    width: int = 16

    @property
    def derived(self) -> bool:
        return self.kind is Kind.DERIVED

    @property
    def allowed(self) -> tuple[str, ...]:
        """The dropdown values: the choices, or Oui/Non for a yes/no column."""
        if self.kind is Kind.BOOL:
            return (YES, NO)
        return self.choices


@dataclass(frozen=True)
class Sheet:
    """One sheet of the section workbook.

    ``layout`` is ``"fields"`` for the label/value ``Section`` sheet, ``"table"`` for
    sheets with a header row and one record per row, ``"text"`` for ``Lisez-moi``.
    ``joint_key``: the columns that identify a joint record reported by both
    associations (it counts once in the figures).
    """

    key: str
    name: str
    help: str
    layout: str = "table"
    columns: tuple[Column, ...] = ()
    prepared_rows: int = 0
    joint_key: tuple[str, ...] = ()
    joint_when: tuple[str, str] | None = None
    """(column key, value) that marks a record as joint; None: every record of the sheet is
    (a meeting with the direction, a joint training). Only joint records are de-duplicated."""

    @property
    def data_columns(self) -> tuple[Column, ...]:
        """The columns read from the file (derived ones are computed, never read)."""
        return tuple(c for c in self.columns if not c.derived)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


def _c(key: str, label: str, kind: Kind, help: str, **kw) -> Column:
    return Column(key=key, label=label, kind=kind, help=help, **kw)


ESTABLISHMENT_CODE_HELP = (
    "Code de l'établissement tel qu'il figure dans la liste (feuille masquée « Listes »), "
    "par exemple CP-NANTERRE."
)

EVENT_ROWS = 500

README = Sheet(
    key="readme",
    name="Lisez-moi",
    layout="text",
    help="Comment remplir ce classeur, à qui l'envoyer, et les données personnelles.",
)

SECTION = Sheet(
    key="section",
    name="Section",
    layout="fields",
    help="Qui envoie ce classeur : association, section, rédacteur, date de mise à jour.",
    columns=(
        _c("association", "Association", Kind.CHOICE, "ANVP ou Auxilia.", choices=ASSOCIATIONS,
           required=True),
        _c("section_name", "Nom de la section", Kind.TEXT,
           "Le nom de votre section (ou « National » pour le siège).", required=True, width=30),
        _c("editor", "Rédacteur (nom)", Kind.TEXT, "Qui a rempli ce classeur.", personal=True,
           width=30),
        _c("email", "Courriel", Kind.EMAIL, "Adresse à laquelle le référent peut vous répondre.",
           width=30),
        _c("updated", "Date de mise à jour", Kind.DATE,
           "Date à laquelle vous avez mis ce classeur à jour pour la dernière fois (jj/mm/aaaa).",
           required=True, not_future=True),
        _c("template_version", "Version du modèle", Kind.TEXT,
           "Remplie par le modèle : ne pas modifier.", locked=True),
    ),
)

ESTABLISHMENTS = Sheet(
    key="establishments",
    name="Établissements",
    help="Une ligne par établissement suivi par la section, avec les effectifs à jour.",
    prepared_rows=60,
    columns=(
        _c("establishment", "Code établissement", Kind.ESTABLISHMENT, ESTABLISHMENT_CODE_HELP,
           required=True, width=26),
        _c("establishment_name", "Établissement", Kind.DERIVED,
           "Rempli automatiquement à partir du code.", width=40),
        _c("anvp_present", "Présence ANVP", Kind.BOOL,
           "Oui si des visiteurs ANVP interviennent dans l'établissement."),
        _c("anvp_visitors", "Visiteurs ANVP actifs", Kind.COUNT,
           "Nombre de visiteurs ANVP actifs (nombre entier)."),
        _c("auxilia_present", "Présence Auxilia", Kind.BOOL,
           "Oui si Auxilia a au moins un correspondant de prison (CP) dans l'établissement."),
        _c("auxilia_cps", "CP Auxilia en poste", Kind.COUNT,
           "Nombre de correspondants de prison Auxilia en poste (nombre entier)."),
        _c("auxilia_learners", "Apprenants Auxilia", Kind.COUNT,
           "Nombre d'apprenants Auxilia dans l'établissement (facultatif)."),
        _c("comment", "Commentaire", Kind.TEXT,
           "Remarque libre. Ne nommez jamais une personne détenue.", free_text=True, width=40),
    ),
)

ROLES = (
    "Visiteur ANVP",
    "Correspondant de prison Auxilia",
    "Visiteur et correspondant",
    "Correspondant d'établissement ANVP",
    "Président de section ANVP",
    "Formateur Auxilia",
)
VISITOR_AND_CP = ROLES[2]
"""A visitor who is also Auxilia's correspondent (§1: one person may hold both roles)."""
CP_ROLES = (ROLES[1], VISITOR_AND_CP)
VISITOR_ROLES = (ROLES[0], VISITOR_AND_CP)

VOLUNTEERS = Sheet(
    key="volunteers",
    name="Intervenants",
    help=(
        "Les bénévoles de la section (jamais une personne détenue). Le mandat concerne un "
        "visiteur non adhérent d'Auxilia qui la représente : début et fin obligatoires."
    ),
    prepared_rows=EVENT_ROWS,
    columns=(
        _c("last_name", "Nom", Kind.TEXT, "Nom du bénévole.", required=True, personal=True, width=20),
        _c("first_name", "Prénom", Kind.TEXT, "Prénom du bénévole.", personal=True, width=18),
        _c("establishment", "Code établissement", Kind.ESTABLISHMENT, ESTABLISHMENT_CODE_HELP,
           width=26),
        _c("role", "Rôle", Kind.CHOICE, "Rôle du bénévole (choisir dans la liste).", choices=ROLES,
           required=True, width=34),
        _c("anvp_member", "Adhérent ANVP", Kind.BOOL, "Oui si le bénévole est adhérent de l'ANVP."),
        _c("auxilia_member", "Adhérent Auxilia", Kind.BOOL,
           "Oui si le bénévole est adhérent d'Auxilia."),
        _c("mandate_start", "Début de mandat", Kind.DATE,
           "Pour un visiteur non adhérent d'Auxilia qui la représente : début du mandat nominatif."),
        _c("mandate_end", "Fin de mandat", Kind.DATE,
           "Fin du mandat nominatif (le mandat est à durée déterminée)."),
    ),
)

ACTION_TYPES = (
    "Rencontre quartier arrivants",
    "Collectif associatif local",
    "Manifestation en établissement",
    "Journées Nationales Prison",
    "Intervention scolaire ou universitaire",
    "Prise de parole presse/radio/TV",
    "Recrutement de bénévoles",
    "Autre",
)
JOINT = "ANVP et Auxilia"

ACTIONS = Sheet(
    key="actions",
    name="Actions",
    help="Les actions menées, communes ou non (§1 et §3 de la convention).",
    prepared_rows=EVENT_ROWS,
    joint_key=("date", "establishment", "action_type"),
    joint_when=("associations", JOINT),
    columns=(
        _c("date", "Date", Kind.DATE, "Date de l'action (jj/mm/aaaa).", required=True,
           in_period=True, not_future=True, width=12),
        _c("establishment", "Code établissement", Kind.ESTABLISHMENT,
           "Vide si l'action a eu lieu hors d'un établissement. " + ESTABLISHMENT_CODE_HELP, width=26),
        _c("action_type", "Type d'action", Kind.CHOICE, "Choisir dans la liste.",
           choices=ACTION_TYPES, required=True, width=34),
        _c("associations", "Associations", Kind.CHOICE,
           "Qui a mené l'action : l'ANVP, Auxilia, ou les deux.",
           choices=("ANVP", "Auxilia", JOINT), required=True, width=18),
        _c("anvp_volunteers", "Bénévoles ANVP", Kind.COUNT, "Nombre de bénévoles ANVP présents."),
        _c("auxilia_volunteers", "Bénévoles Auxilia", Kind.COUNT,
           "Nombre de bénévoles Auxilia présents."),
        _c("people_reached", "Personnes touchées", Kind.COUNT,
           "Nombre de personnes touchées (estimation)."),
        _c("description", "Description", Kind.TEXT,
           "Quelques mots. Ne nommez jamais une personne détenue.", free_text=True, width=40),
    ),
)

REPRESENTED_ANVP = ("Oui", "Non", "Par Auxilia")
REPRESENTED_AUXILIA = ("Oui", "Non", "Par l'ANVP")

MEETINGS = Sheet(
    key="meetings",
    name="Réunions",
    help="Les réunions avec la direction de l'établissement ou le SPIP (§1).",
    prepared_rows=EVENT_ROWS,
    joint_key=("date", "establishment", "with_whom"),
    columns=(
        _c("date", "Date", Kind.DATE, "Date de la réunion (jj/mm/aaaa).", required=True,
           in_period=True, not_future=True, width=12),
        _c("establishment", "Code établissement", Kind.ESTABLISHMENT, ESTABLISHMENT_CODE_HELP,
           required=True, width=26),
        _c("with_whom", "Avec", Kind.CHOICE, "Avec qui s'est tenue la réunion.",
           choices=("Direction", "SPIP", "Direction et SPIP"), required=True, width=20),
        _c("anvp_represented", "ANVP représentée", Kind.CHOICE,
           "Oui, Non, ou « Par Auxilia » si Auxilia a représenté l'ANVP.",
           choices=REPRESENTED_ANVP, required=True, width=18),
        _c("auxilia_represented", "Auxilia représentée", Kind.CHOICE,
           "Oui, Non, ou « Par l'ANVP » si l'ANVP a représenté Auxilia.",
           choices=REPRESENTED_AUXILIA, required=True, width=18),
        _c("joint_preparation", "Préparation commune", Kind.BOOL,
           "Oui si les deux associations ont préparé la réunion ensemble."),
        _c("minutes_anvp", "Compte-rendu reçu ANVP", Kind.BOOL,
           "Oui si l'ANVP a reçu le compte-rendu."),
        _c("minutes_auxilia", "Compte-rendu reçu Auxilia", Kind.BOOL,
           "Oui si Auxilia a reçu le compte-rendu."),
        _c("subject", "Objet", Kind.TEXT, "Objet de la réunion. Ne nommez jamais une personne détenue.",
           free_text=True, width=40),
    ),
)

REFERRALS = Sheet(
    key="referrals",
    name="Orientations",
    help="Chaque mois, les personnes informées de ce que propose l'autre association (§1).",
    prepared_rows=EVENT_ROWS,
    columns=(
        _c("month", "Mois", Kind.MONTH, "Le mois concerné : 05/2023, mai 2023 ou une date du mois.",
           required=True, in_period=True, not_future=True, width=12),
        _c("establishment", "Code établissement", Kind.ESTABLISHMENT, ESTABLISHMENT_CODE_HELP,
           required=True, width=26),
        _c("informed", "Personnes informées de l'autre association", Kind.COUNT,
           "Nombre de personnes détenues informées de ce que propose l'autre association.", width=22),
        _c("auxilia_signups", "Inscriptions Auxilia venues de l'ANVP", Kind.COUNT,
           "Inscriptions à une formation Auxilia après une information par un visiteur ANVP.",
           width=22),
        _c("visit_requests", "Demandes de visite venues d'Auxilia", Kind.COUNT,
           "Demandes de visite ANVP après une information par un CP Auxilia.", width=22),
    ),
)

TRAINING_THEMES = (
    "Accueil des nouveaux adhérents",
    "Découverte de l'univers pénitentiaire",
    "Écoute",
    "Autre",
)

TRAININGS = Sheet(
    key="trainings",
    name="Formations",
    help="Les formations communes aux adhérents des deux associations (§2).",
    prepared_rows=EVENT_ROWS,
    joint_key=("date", "theme"),
    columns=(
        _c("date", "Date", Kind.DATE, "Date de la formation (jj/mm/aaaa).", required=True,
           in_period=True, not_future=True, width=12),
        _c("theme", "Thème", Kind.CHOICE, "Choisir dans la liste.", choices=TRAINING_THEMES,
           required=True, width=36),
        _c("place", "Lieu", Kind.TEXT, "Ville ou lieu de la formation.", width=20),
        _c("anvp_participants", "Participants ANVP", Kind.COUNT, "Nombre de participants ANVP."),
        _c("auxilia_participants", "Participants Auxilia", Kind.COUNT,
           "Nombre de participants Auxilia."),
        _c("hours", "Durée (heures)", Kind.DECIMAL, "Durée en heures (par exemple 3 ou 2,5)."),
        _c("funding", "Financement", Kind.TEXT, "Comment la formation a été financée.", width=24),
    ),
)

NEWS = "Nouvelles du partenaire"

COMMUNICATION = Sheet(
    key="communication",
    name="Communication",
    help="Les publications sur le partenaire et les prises de parole communes (§3).",
    prepared_rows=EVENT_ROWS,
    columns=(
        _c("date", "Date", Kind.DATE, "Date de publication (jj/mm/aaaa).", required=True,
           in_period=True, not_future=True, width=12),
        _c("issuer", "Association émettrice", Kind.CHOICE, "Qui a publié.", choices=ASSOCIATIONS,
           required=True, width=18),
        _c("medium", "Support", Kind.CHOICE, "Où cela a été publié.",
           choices=("Site Internet", "Organe interne", "Organe externe", "Presse écrite", "Radio",
                    "Télévision", "Réseaux sociaux"), required=True, width=18),
        _c("nature", "Nature", Kind.CHOICE, "De quoi il s'agit.",
           choices=(NEWS, "Prise de parole commune", "Opération de relations publiques",
                    "Sensibilisation grand public"), required=True, width=32),
        _c("title", "Titre ou lien", Kind.TEXT, "Titre de l'article ou adresse de la page.",
           free_text=True, width=40),
    ),
)

CALL_STATUSES = ("En préparation", "Déposé", "Accepté", "Refusé")
ACCEPTED = "Accepté"
FILED_STATUSES = CALL_STATUSES[1:]
"""A call counts as filed once it left preparation."""
JOINT_CARRIER = "Commun"
CARRIERS = (JOINT_CARRIER, "ANVP", "Auxilia")

CALLS = Sheet(
    key="calls",
    name="Appels à projet",
    help="Les réponses aux appels à projet de financeurs publics ou privés (§4).",
    prepared_rows=EVENT_ROWS,
    joint_key=("filed", "funder"),  # a joint call is often reported by both head offices
    joint_when=("carrier", JOINT_CARRIER),
    columns=(
        _c("filed", "Date de dépôt", Kind.DATE, "Date de dépôt du dossier (jj/mm/aaaa).",
           required=True, in_period=True, not_future=True, width=14),
        _c("funder", "Financeur", Kind.TEXT, "Nom du financeur.", required=True, width=24),
        _c("funder_type", "Type de financeur", Kind.CHOICE, "Public ou privé.",
           choices=("Public", "Privé"), width=16),
        _c("title", "Intitulé", Kind.TEXT, "Intitulé du projet.", free_text=True, width=34),
        _c("carrier", "Portage", Kind.CHOICE, "Qui porte le dossier.",
           choices=CARRIERS, required=True, width=14),
        _c("requested", "Montant demandé (€)", Kind.AMOUNT, "Montant demandé en euros.", width=18),
        _c("status", "Statut", Kind.CHOICE, "Où en est le dossier.", choices=CALL_STATUSES,
           required=True, width=16),
        _c("granted", "Montant obtenu (€)", Kind.AMOUNT,
           "Montant obtenu en euros (seulement si le statut est « Accepté »).", width=18),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    README,
    SECTION,
    ESTABLISHMENTS,
    VOLUNTEERS,
    ACTIONS,
    MEETINGS,
    REFERRALS,
    TRAININGS,
    COMMUNICATION,
    CALLS,
)
"""Every sheet of the section workbook, in the order the volunteer sees them."""

TABLE_SHEETS: tuple[Sheet, ...] = tuple(s for s in SHEETS if s.layout == "table")

LISTS_SHEET_NAME = "Listes"
"""The hidden sheet that holds the dropdown values of the template."""

BY_KEY: dict[str, Sheet] = {s.key: s for s in SHEETS}
BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}

