"""The consolidated detail sheets, and ``Communication`` with its §3 quarter grid."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

from ..consolidate import Consolidation
from ..indicators import Figures
from ..indicators.common import table
from .detail import write_detail
from .styles import Styles, sheet_title

HEADER_ROW = 3

DETAIL_SHEETS = {
    "actions": ("Actions", "Toutes les actions déclarées par les sections (communes ou non)."),
    "meetings": ("Reunions", "Les réunions avec la direction de l'établissement ou le SPIP."),
    "referrals": ("Orientations", "Chaque mois, les personnes informées de ce que propose l'autre association."),
    "trainings": ("Formations", "Les formations communes aux adhérents des deux associations (§2)."),
    "calls": ("AppelsAProjet", "Les réponses aux appels à projet de financeurs publics ou privés (§4)."),
}

JOINT_NOTE = ("« Doublon commun » = oui : le même enregistrement commun déclaré aussi par l'autre association ; "
              "il est affiché ici mais compté une seule fois dans les chiffres.")


def write_records(ws: Worksheet, styles: Styles, cons: Consolidation, key: str, provenance: bool = True) -> None:
    table_name, what = DETAIL_SHEETS[key]
    spec = cons.config.spec
    sheet = spec.sheet(key)
    frame = table(cons, key)
    subtitle = f"{what} {len(frame)} ligne(s), avec la section" + (" et le fichier d'origine." if provenance else ".")
    if sheet.joint_key:
        subtitle += " " + JOINT_NOTE
    sheet_title(ws, styles, sheet.name, subtitle)
    write_detail(ws, styles, HEADER_ROW, frame, key, cons.config.referentiel, table_name, spec, provenance)
    ws.freeze_panes(HEADER_ROW + 1, 0)


def write_communication(ws: Worksheet, styles: Styles, cons: Consolidation, f: Figures,
                        provenance: bool = True) -> int:
    """The §3 grid (association × quarter: ✓ news published, ✗ none, « en cours ») then the detail.
    Returns the header row of the detail table."""
    sheet_title(ws, styles, "Communication : nouvelles du partenaire (§3)",
                "Chaque association publie des nouvelles du partenaire au moins une fois par trimestre. "
                "✓ : publié (nombre de publications) · ✗ : aucune publication · en cours : trimestre non terminé.")
    grid = f.news
    row = 3
    ws.write_string(row, 0, "Association", styles.header)
    for j, label in enumerate(grid["quarter"], start=1):
        ws.write_string(row, j, label, styles.header)
    parties = cons.config.spec.party_names
    for i, association in enumerate(parties, start=1):
        ws.write_string(row + i, 0, association, styles.label)
        for j, (count, ongoing) in enumerate(zip(grid[association], grid["ongoing"], strict=True), start=1):
            if count:
                ws.write_string(row + i, j, f"✓ ({count})", styles.tick)
            elif ongoing:
                ws.write_string(row + i, j, "en cours", styles.pending)
            else:
                ws.write_string(row + i, j, "✗", styles.cross)
    detail_row = row + len(parties) + 3
    ws.write_string(detail_row - 1, 0, "Toutes les publications déclarées", styles.heading)
    write_detail(ws, styles, detail_row, table(cons, "communication"), "communication",
                 cons.config.referentiel, "Communication", cons.config.spec, provenance)
    return detail_row
