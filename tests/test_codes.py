"""Every code of the catalogue is raised by something a volunteer (or a broken file) really does.

``TRIGGERS`` maps each code to a scenario that must produce it; the test is parametrised over the
catalogue itself, so a code documented in ``docs/codes.md`` with no scenario — or whose scenario no
longer raises it — fails here. A new code needs a new scenario.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
from collections.abc import Callable
from pathlib import Path

import hazards
import openpyxl
import pytest
from conftest import libreoffice_convert
from raw import raw_workbook
from workbooks import make_section_workbook, md_rows

from convention_xlsx.config import Config, load_config
from convention_xlsx.consolidate import consolidate, consolidate_folder
from convention_xlsx.findings import CATALOGUE, Finding
from convention_xlsx.parse import Context, parse_workbook
from convention_xlsx.reading import read_workbook
from convention_xlsx.rules import Period
from convention_xlsx.spec import packaged_text, parse_spec

TODAY = dt.date(2026, 11, 23)
ARRETE = dt.date(2023, 12, 31)
UPDATED = dt.date(2023, 12, 4)


def cfg() -> Config:
    from conftest import PACKAGED_CONFIG

    return load_config(PACKAGED_CONFIG)


def ctx(config: Config | None = None) -> Context:
    config = config or cfg()
    return Context(config.referentiel, Period(config.period_start, config.period_end, TODAY, ARRETE), config.spec,
                   extension=config.extension)


def parsed(**kw) -> list[Finding]:
    return parse_workbook(raw_workbook(**kw), ctx()).findings


def consolidated(*workbooks) -> list[Finding]:
    return consolidate(list(workbooks), cfg(), arrete=ARRETE, today=TODAY).report.findings


def read(build: Callable[[Path], object], tmp: Path) -> list[Finding]:
    folder = tmp / "entrees"
    folder.mkdir(exist_ok=True)
    build(folder)
    return consolidate_folder(folder, cfg(), arrete=ARRETE, today=TODAY).report.findings


def table(sheet: str, text: str) -> Callable[[Path], list[Finding]]:
    return lambda tmp: parsed(sheets={sheet: text})


ACTION = "| Date | Code établissement | Type d'action | Associations |\n|---|---|---|---|\n"


def _older_version(tmp: Path) -> list[Finding]:
    text = packaged_text().replace('notes = "Modèle des sections pour la convention 2021-2023."\n', '''notes = "x"

[[versions]]
version = "2026.2"
  [[versions.changements]]
  action = "colonne renommée"
  feuille = "actions"
  colonne = "people_reached"
  ancien = "Public touché (ancien)"
''')
    config = cfg()
    import dataclasses

    config = dataclasses.replace(config, spec=parse_spec(text, "x"))
    return parse_workbook(raw_workbook(), ctx(config)).findings


def _uncached_formula(tmp: Path) -> list[Finding]:
    path = make_section_workbook(tmp / "f.xlsx", cfg(), "ANVP", "Nanterre", UPDATED,
                                 tables={"actions": [{"date": dt.date(2023, 3, 1), "action_type": "Autre",
                                                      "associations": "ANVP"}]})
    wb = openpyxl.load_workbook(path)
    wb["Actions"]["G2"] = "=1+1"  # written by a program, never calculated: no cached value
    wb.save(path)
    return parse_workbook(read_workbook(path), ctx()).findings


def _merged(tmp: Path) -> list[Finding]:
    rows = md_rows(ACTION + "| 2023-03-01 | CP-NANTERRE | Autre | ANVP |\n|  | CP-NANTERRE | Autre | ANVP |\n")
    path = make_section_workbook(tmp / "m.xlsx", cfg(), "ANVP", "Nanterre", UPDATED, tables={"actions": rows})
    wb = openpyxl.load_workbook(path)
    wb["Actions"].merge_cells("A2:A3")
    wb.save(path)
    return parse_workbook(read_workbook(path), ctx()).findings


def _old_format(tmp: Path) -> list[Finding]:
    import olefile

    source = make_section_workbook(tmp / "a.xlsx", cfg(), "ANVP", "Nanterre", UPDATED)
    xls = libreoffice_convert(source, "xls", tmp / "xls")
    with olefile.OleFileIO(str(xls), write_mode=True) as ole:
        size = ole.get_size("Workbook")
        ole.write_stream("Workbook", b"\x07" * size)
    return read(lambda folder: shutil.copy(xls, folder / "a.xls"), tmp)


def _two_files(first: dict, second: dict) -> list[Finding]:
    return consolidated(raw_workbook(path="a.xlsx", **first), raw_workbook(path="b.xlsx", **second))


ESTABLISHMENT = "| Code établissement | Présence ANVP | Présence Auxilia |\n|---|---|---|\n"
MEETING = ("| Date | Code établissement | Avec | ANVP représentée | Auxilia représentée | Compte-rendu reçu ANVP |\n"
           "|---|---|---|---|---|---|\n")

MEETING_PREPARED = ("| Date | Code établissement | Avec | ANVP représentée | Auxilia représentée | Préparation commune |\n"
                    "|---|---|---|---|---|---|\n")

TRIGGERS: dict[str, Callable[[Path], list[Finding]]] = {
    **{code: functools.partial(read, build) for build, code in hazards.HAZARDS.values()},
    "lecture-interrompue": lambda tmp: read(hazards.dense_range_bomb, tmp),
    "format-ancien": _old_format,
    "macros-ignorees": lambda tmp: read(hazards.macro_enabled, tmp),
    "pas-un-rapport-de-section": lambda tmp: parse_workbook(
        _without(raw_workbook(), "Section"), ctx()).findings,
    "section-invalide": lambda tmp: parsed(association=None),
    "section-en-double": lambda tmp: _two_files({"updated": dt.date(2023, 11, 2)}, {}),
    "section-par-expediteur": lambda tmp: _by_sender(tmp),
    "section-non-attendue": lambda tmp: consolidated(raw_workbook(section="Inconnue")),
    "version-modele": _older_version,
    "version-modele-inconnue": lambda tmp: parsed(extra_section={"template_version": "1999.9"}),
    "feuille-manquante": lambda tmp: parsed(complete=False),
    "colonne-manquante": table("Actions", "| Date | Associations |\n|---|---|\n| 01/03/2023 | ANVP |\n"),
    "colonne-facultative-manquante": table("Actions", ACTION + "| 01/03/2023 | CP-NANTERRE | Autre | ANVP |\n"),
    "feuille-renommee": lambda tmp: parsed(sheets={"Mes actions": ACTION + "| 01/03/2023 | | Autre | ANVP |\n"},
                                           complete=False),
    "feuille-inconnue": lambda tmp: parsed(sheets={"Brouillon": [["une note"]]}),
    "colonne-en-double": table("Actions", "| Date | Date | Type d'action | Associations |\n|---|---|---|---|\n"),
    "en-tete-modifie": table("Actions", "| Date | Type d action | Associations |\n|---|---|---|\n"
                                        "| 01/03/2023 | Autre | ANVP |\n"),
    "colonne-inconnue": table("Actions", "| Date | Type d'action | Associations | Remarques |\n|---|---|---|---|\n"
                                         "| 01/03/2023 | Autre | ANVP | à revoir |\n"),
    "cellules-fusionnees": _merged,
    "ligne-total-ou-note": table("Actions", "| Date | Type d'action | Associations | Personnes touchées |\n"
                                            "|---|---|---|---|\n| 01/03/2023 | Autre | ANVP | 4 |\n"
                                            "| Total | | | 4 |\n"),
    "formule-sans-valeur": _uncached_formula,
    "champ-section-manquant": lambda tmp: parsed(updated=None),
    "date-mise-a-jour-future": lambda tmp: parsed(updated=dt.date(2030, 1, 1)),
    "valeur-obligatoire": table("Actions", ACTION + "| | CP-NANTERRE | Autre | ANVP |\n"),
    "valeur-hors-liste": table("Actions", ACTION + "| 01/03/2023 | CP-NANTERRE | Rencontre arrivants | ANVP |\n"),
    "oui-non-invalide": table("Établissements", ESTABLISHMENT + "| CP-NANTERRE | peut-être | Oui |\n"),
    "date-invalide": table("Actions", ACTION + "| 31/02/2023 | CP-NANTERRE | Autre | ANVP |\n"),
    "mois-invalide": table("Orientations", "| Mois | Code établissement |\n|---|---|\n| 13/2023 | CP-NANTERRE |\n"),
    "date-hors-periode": table("Actions", ACTION + "| 01/03/2019 | CP-NANTERRE | Autre | ANVP |\n"),
    "date-future": lambda tmp: _future(),
    "nombre-invalide": table("Établissements", "| Code établissement | Visiteurs ANVP actifs |\n|---|---|\n"
                                               "| CP-NANTERRE | 2,5 |\n"),
    "nombre-negatif": table("Établissements", "| Code établissement | Visiteurs ANVP actifs |\n|---|---|\n"
                                              "| CP-NANTERRE | -2 |\n"),
    "montant-invalide": table("Appels à projet", "| Date de dépôt | Financeur | Portage | Statut | Montant demandé (€) |\n"
                                                 "|---|---|---|---|---|\n| 01/03/2023 | F | ANVP | Déposé | 1,5,0 |\n"),
    "courriel-invalide": lambda tmp: parsed(extra_section={"email": "pas une adresse"}),
    "code-etablissement-inconnu": table("Actions", ACTION + "| 01/03/2023 | Nanterre | Autre | ANVP |\n"),
    "texte-trop-long": table("Actions", [["Date", "Type d'action", "Associations", "Description"],
                                         ["01/03/2023", "Autre", "ANVP", "x" * 40_000]]),
    "mandat-fin-avant-debut": table("Intervenants", "| Nom | Rôle | Début de mandat | Fin de mandat |\n|---|---|---|---|\n"
                                                    "| A | Visiteur ANVP | 01/09/2023 | 01/03/2023 |\n"),
    "mandat-sans-fin": table("Intervenants", "| Nom | Rôle | Début de mandat |\n|---|---|---|\n"
                                             "| A | Visiteur ANVP | 01/09/2023 |\n"),
    "mandat-sans-debut": table("Intervenants", "| Nom | Rôle | Fin de mandat |\n|---|---|---|\n"
                                               "| A | Visiteur ANVP | 01/09/2023 |\n"),
    "cp-sans-adhesion-ni-mandat": table("Intervenants", "| Nom | Rôle | Adhérent Auxilia |\n|---|---|---|\n"
                                                        "| A | Correspondant de prison Auxilia | Non |\n"),
    "montant-sans-acceptation": table("Appels à projet", "| Date de dépôt | Financeur | Portage | Statut | "
                                                         "Montant obtenu (€) |\n|---|---|---|---|---|\n"
                                                         "| 01/03/2023 | F | ANVP | Refusé | 100 |\n"),
    "donnees-personnelles": table("Actions", "| Date | Type d'action | Associations | Description |\n|---|---|---|---|\n"
                                             "| 01/03/2023 | Autre | ANVP | vu le détenu Dupont |\n"),
    "etablissement-revendique": lambda tmp: _two_files(
        {"section": "Nanterre", "sheets": {"Établissements": ESTABLISHMENT + "| CP-NANTERRE | Oui | Non |\n"}},
        {"section": "Hauts-de-Seine", "sheets": {"Établissements": ESTABLISHMENT + "| CP-NANTERRE | Oui | Non |\n"}}),
    "etablissement-en-double": table("Établissements", ESTABLISHMENT + "| CP-NANTERRE | Oui | Non |\n"
                                                                       "| CP-NANTERRE | Oui | Oui |\n"),
    "presence-divergente": lambda tmp: _two_files(
        {"sheets": {"Établissements": ESTABLISHMENT + "| CP-NANTERRE | Oui | Non |\n"}},
        {"association": "Auxilia", "sheets": {"Établissements": ESTABLISHMENT + "| CP-NANTERRE | Non | Oui |\n"}}),
    # The two reports differ on a shared column (each party's own columns come from its own report).
    "commun-divergent": lambda tmp: _two_files(
        {"sheets": {"Réunions": MEETING_PREPARED + "| 01/03/2023 | CP-NANTERRE | SPIP | Oui | Oui | Oui |\n"}},
        {"association": "Auxilia",
         "sheets": {"Réunions": MEETING_PREPARED + "| 01/03/2023 | CP-NANTERRE | SPIP | Oui | Oui | Non |\n"}}),
    "enregistrement-copie": lambda tmp: _two_files(
        {"sheets": {"Actions": ACTION + "| 01/03/2023 | CP-NANTERRE | Autre | ANVP |\n"}},
        {"section": "Fresnes", "sheets": {"Actions": ACTION + "| 01/03/2023 | CP-NANTERRE | Autre | ANVP |\n"}}),
}


def _by_sender(tmp: Path) -> list[Finding]:
    config = cfg()
    sent = Context(config.referentiel, Period(config.period_start, config.period_end, TODAY, ARRETE), config.spec,
                   {"0" * 64: ("ANVP", "Nanterre", "anvp.nanterre@example.org")})
    return parse_workbook(raw_workbook(association=None), sent).findings


def _future() -> list[Finding]:
    config = cfg()
    early = Context(config.referentiel, Period(config.period_start, config.period_end, dt.date(2023, 3, 1)),
                    config.spec)
    return parse_workbook(raw_workbook(updated=dt.date(2023, 3, 1), sheets={
        "Actions": ACTION + "| 15/03/2023 | CP-NANTERRE | Autre | ANVP |\n"}), early).findings


def _without(raw, name):
    raw.sheets = [s for s in raw.sheets if s.name != name]
    return raw


def test_every_scenario_names_a_catalogue_code():
    assert set(TRIGGERS) <= set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_is_raised_by_its_scenario(code, tmp_path):
    if code == "format-ancien" and not shutil.which("soffice"):
        pytest.skip("LibreOffice (soffice) absent : le .xls ne peut pas être produit")
    assert code in TRIGGERS, f"no scenario raises {code!r}: add one to TRIGGERS (or drop the code)"
    found = TRIGGERS[code](tmp_path)
    assert code in [f.code for f in found], [(f.code, f.message) for f in found]
