"""Findings: what is wrong where, as values.

A :class:`Finding` names the file, the sheet, the cell the volunteer sees (``C12``),
the column, the value, a French message saying what is wrong and how to fix it, and
where possible a suggestion. Its ``code`` is stable and documented in :data:`CATALOGUE`
(``docs/codes.md`` is generated from it); its severity comes from the catalogue. An ``erreur``
rejects the file (scope ``fichier``), or the row when it sits in a required or identity column
(its date, its establishment, its type…); elsewhere it leaves that one value out and the rest of
the row is consolidated (« a value, not the row »). An ``avertissement`` keeps everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .text import UNWRITABLE


class Severity(str, Enum):
    ERROR = "erreur"
    WARNING = "avertissement"


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: Severity
    scope: str  # "fichier", "feuille", "ligne" or "cellule": where it applies (what an erreur rejects)
    title: str


E, W = Severity.ERROR, Severity.WARNING

_CODES = (
    # Files: an erreur rejects the whole file, the run goes on with the others.
    CodeInfo("fichier-illisible", E, "fichier", "Le fichier ne peut pas être ouvert (corrompu ou illisible)."),
    CodeInfo("fichier-vide", E, "fichier", "Le fichier est vide."),
    CodeInfo("pas-un-classeur", E, "fichier", "Le fichier n'est pas un classeur (Excel ou LibreOffice)."),
    CodeInfo("format-ancien", E, "fichier", "Format de classeur non pris en charge (ancien format)."),
    CodeInfo("fichier-chiffre", E, "fichier", "Le classeur est protégé par un mot de passe."),
    CodeInfo("fichier-trop-volumineux", E, "fichier", "Le fichier dépasse les limites de taille acceptées."),
    CodeInfo("contenu-xml-interdit", E, "fichier", "Le classeur contient du XML interdit (DOCTYPE)."),
    CodeInfo("lecture-interrompue", E, "fichier", "La lecture a dépassé le temps ou la mémoire permis."),
    CodeInfo("pas-un-rapport-de-section", E, "fichier",
             "Le classeur n'est pas un rapport de section (feuille « Section » absente)."),
    CodeInfo("section-invalide", E, "fichier",
             "La feuille « Section » ne permet pas d'identifier la section (association ou nom)."),
    CodeInfo("macros-ignorees", W, "fichier", "Classeur avec macros : les données sont lues, les macros jamais."),
    CodeInfo("section-en-double", W, "fichier",
             "La même section a envoyé plusieurs classeurs : seul le plus récent est retenu."),
    CodeInfo("section-non-attendue", W, "fichier", "Section absente de la configuration."),
    CodeInfo("section-par-expediteur", W, "fichier",
             "La feuille « Section » ne désigne pas une section attendue : le classeur est attribué à la section "
             "dont le courriel configuré est celui de son expéditeur."),
    CodeInfo("version-modele", W, "fichier",
             "Le classeur vient d'une version antérieure du modèle : il est lu à travers les changements déclarés."),
    CodeInfo("version-modele-inconnue", W, "fichier",
             "La version du modèle du classeur est inconnue ou plus récente : il est lu comme la version actuelle."),
    # Structure of a sheet.
    CodeInfo("feuille-manquante", W, "feuille", "Une feuille du modèle est absente du classeur."),
    CodeInfo("colonne-manquante", E, "feuille",
             "Une colonne obligatoire est absente d'une feuille : les lignes de la feuille sont rejetées."),
    CodeInfo("colonne-facultative-manquante", W, "feuille",
             "Une colonne facultative est absente d'une feuille : elle est considérée comme vide."),
    CodeInfo("feuille-renommee", W, "feuille",
             "Une feuille du modèle a été renommée : elle est reconnue à ses en-têtes et lue."),
    CodeInfo("feuille-inconnue", W, "feuille",
             "Une feuille qui ne fait pas partie du modèle contient des données : elle n'est pas lue."),
    CodeInfo("colonne-en-double", W, "feuille", "Le même en-tête figure deux fois dans une feuille."),
    CodeInfo("en-tete-modifie", W, "feuille",
             "Un en-tête a été retapé autrement que dans le modèle : il est reconnu et lu."),
    CodeInfo("colonne-inconnue", W, "feuille",
             "Des cellules sont remplies hors des colonnes du modèle : elles ne sont pas reprises."),
    CodeInfo("cellules-fusionnees", W, "feuille",
             "Des cellules fusionnées couvrent plusieurs lignes : leur valeur est reprise pour chaque ligne."),
    CodeInfo("ligne-total-ou-note", W, "ligne",
             "Une ligne de total ou une note sous le tableau : elle n'est pas lue comme un enregistrement."),
    CodeInfo("formule-sans-valeur", W, "cellule",
             "Une formule sans valeur calculée : le classeur doit être ré-enregistré par Excel ou LibreOffice."),
    # Section sheet fields.
    CodeInfo("champ-section-manquant", E, "cellule",
             "La date de mise à jour est vide ou illisible : la date du fichier est utilisée en attendant."),
    CodeInfo("date-mise-a-jour-future", W, "cellule",
             "La date de mise à jour est postérieure au jour du traitement : la date du fichier est utilisée."),
    # Cells: an erreur rejects the row in a required or identity column, else only the value.
    CodeInfo("valeur-obligatoire", E, "ligne", "Une valeur obligatoire est vide."),
    CodeInfo("valeur-hors-liste", E, "ligne", "La valeur n'est pas dans la liste déroulante."),
    CodeInfo("oui-non-invalide", E, "ligne", "Oui ou Non attendu."),
    CodeInfo("date-invalide", E, "ligne", "La date n'est pas reconnue."),
    CodeInfo("mois-invalide", E, "ligne", "Le mois n'est pas reconnu."),
    CodeInfo("date-hors-periode", E, "ligne", "La date est hors de la période de la convention."),
    CodeInfo("date-future", E, "ligne", "La date est postérieure au jour du traitement."),
    CodeInfo("nombre-invalide", E, "ligne", "Un nombre entier positif ou nul est attendu."),
    CodeInfo("nombre-negatif", E, "ligne", "Le nombre est négatif."),
    CodeInfo("montant-invalide", E, "ligne", "Un montant en euros positif ou nul est attendu."),
    CodeInfo("courriel-invalide", W, "cellule", "L'adresse de courriel ne semble pas valide."),
    CodeInfo("code-etablissement-inconnu", E, "ligne", "Le code établissement n'est pas dans le référentiel."),
    CodeInfo("texte-trop-long", W, "cellule", "Le texte dépasse 32 767 caractères : il est tronqué."),
    # Row rules of the convention.
    CodeInfo("mandat-fin-avant-debut", E, "ligne", "Une période (un mandat) finit avant de commencer : ses deux "
             "dates sont écartées."),
    CodeInfo("mandat-sans-fin", E, "ligne", "Une période (un mandat) doit avoir une date de fin (durée "
             "déterminée)."),
    CodeInfo("mandat-sans-debut", E, "ligne", "Une période (un mandat) doit avoir une date de début."),
    CodeInfo("cp-sans-adhesion-ni-mandat", W, "ligne",
             "Un correspondant n'est ni adhérent de l'association qu'il représente ni sous mandat en cours "
             "(règle propre à une convention, dans son extension)."),
    CodeInfo("montant-sans-acceptation", W, "ligne",
             "Une colonne est remplie alors que la valeur qu'elle exige ailleurs sur la ligne manque (un montant "
             "obtenu sans statut accepté)."),
    CodeInfo("donnees-personnelles", W, "cellule",
             "Le texte semble identifier une personne détenue : il n'est pas repris dans le tableau de bord."),
    # Cross-row and cross-file rules.
    CodeInfo("etablissement-revendique", W, "ligne",
             "Le même établissement est déclaré par deux sections de la même association."),
    CodeInfo("etablissement-en-double", W, "ligne",
             "Le même établissement figure deux fois dans la feuille des sites de la section."),
    CodeInfo("presence-divergente", W, "ligne",
             "Les deux associations déclarent des présences différentes pour un établissement."),
    CodeInfo("commun-divergent", W, "ligne",
             "Un enregistrement commun est déclaré par les deux associations avec des détails différents."),
    CodeInfo("enregistrement-copie", W, "ligne",
             "Le même enregistrement, identique en tout, figure dans deux classeurs de la même association : "
             "il compte une fois."),
)

CATALOGUE: dict[str, CodeInfo] = {c.code: c for c in _CODES}


_TEXT_FIELDS = ("file", "sheet", "cell", "column", "value", "message", "suggestion")
_UNWRITABLE = UNWRITABLE  # see text.UNWRITABLE
"""Characters a workbook cannot hold (XML 1.0) and a terminal must not receive (escape sequences):
a finding quotes what a file held, so they are replaced by « \ufffd » wherever it is shown."""


@dataclass(frozen=True)
class Finding:
    """One anomaly, at the place the volunteer sees it."""

    code: str
    file: str
    sheet: str = ""
    cell: str = ""
    column: str = ""
    value: str = ""
    message: str = ""
    suggestion: str = ""

    def __post_init__(self) -> None:
        if self.code not in CATALOGUE:
            raise ValueError(f"unknown finding code {self.code!r}: add it to findings.CATALOGUE")
        for name in _TEXT_FIELDS:
            text = getattr(self, name)
            if _UNWRITABLE.search(text):
                object.__setattr__(self, name, _UNWRITABLE.sub("\ufffd", text))

    @property
    def severity(self) -> Severity:
        return CATALOGUE[self.code].severity

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        """The French keys of the JSON report and of the dashboard's ``Anomalies`` sheet."""
        return {  # the fields are texts: read as they are (dataclasses.asdict copied each, 80 µs a finding)
            "code": self.code,
            "gravite": self.severity.value,
            "fichier": self.file,
            "feuille": self.sheet,
            "cellule": self.cell,
            "colonne": self.column,
            "valeur": self.value,
            "message": self.message,
            "suggestion": self.suggestion,
        }


FINDING_FIELDS = ("code", "gravite", "fichier", "feuille", "cellule", "colonne", "valeur", "message",
                  "suggestion")


def catalogue_markdown() -> str:
    """The catalogue of codes as a Markdown table (``docs/codes.md``)."""
    lines = [
        "# Catalogue des codes d'anomalie",
        "",
        "Généré à partir de `convention_xlsx/findings.py` (ne pas modifier à la main :",
        "`python -m convention_xlsx.findings > docs/codes.md`).",
        "",
        "Gravité `erreur` : le fichier est rejeté (portée « fichier ») ; dans une feuille, une erreur dans une",
        "colonne obligatoire ou qui identifie l'enregistrement (sa date, son établissement, son type…) rejette",
        "la ligne ; ailleurs, seule la valeur fautive est écartée et le reste de la ligne est consolidé (le",
        "message le dit). `avertissement` : tout est conservé, et signalé.",
        "",
        "| code | gravité | portée | signification |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{c.code}` | {c.severity.value} | {c.scope} | {c.title} |" for c in _CODES]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(catalogue_markdown(), end="")
