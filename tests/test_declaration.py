"""The indicators' declaration (``indicateurs.toml``): the shipped one, what a new declaration does to the
dashboard without a programmer, and every mistake a référent can make editing it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import openpyxl
import pytest
from conftest import REPO
from factories import SectionFile, config, consolidation

from convention_xlsx.dashboard import write_dashboard
from convention_xlsx.declaration import DeclarationError, packaged_text, parse_dashboard
from convention_xlsx.indicators import compute
from convention_xlsx.spec import default_spec

SHIPPED = packaged_text()
SPEC = default_spec()


def test_modeles_copy_is_the_packaged_declaration():
    assert (REPO / "modeles" / "indicateurs.toml").read_text("utf-8") == SHIPPED


def test_the_shipped_declaration_covers_each_clause_of_the_convention():
    board = parse_dashboard(SHIPPED, "livrée", SPEC)
    assert {i.clause for i in board.indicators} >= {"§1", "§2", "§3", "§4"}
    assert board.presence is not None and board.presence.key == "establishments"
    assert len({i.key for i in board.indicators}) == len(board.indicators)


NEW = '''
[tableau]
titre = "Essai"

[[groupes]]
cle = "g"
titre = "Ce qui compte"

[[indicateurs]]
cle = "jnp"
libelle = "Journées Nationales Prison menées"
type = "nombre"
feuille = "actions"
filtre = { action_type = "Journées Nationales Prison" }
clause = "§9"
groupe = "g"
cible = 3
recommandation = "{n} [journée|journées] en {annee}, pour {cible} attendues : en organiser (§9)"
'''


def with_board(text: str):
    board = parse_dashboard(text, "essai", SPEC)
    return dataclasses.replace(config(), dashboard=board)


def test_an_indicator_added_in_the_declaration_reaches_synthese_bilan_and_recommendations(tmp_path):
    f = SectionFile("ANVP", "Nanterre")
    for day in (dt.date(2023, 3, 1), dt.date(2023, 4, 1), dt.date(2022, 5, 1)):
        f.add("actions", date=day, establishment="CP-NANTERRE", action_type="Journées Nationales Prison",
              associations="ANVP")
    f.add("actions", date=dt.date(2023, 3, 2), establishment="CP-NANTERRE", action_type="Autre", associations="ANVP")
    cons = consolidation([f], cfg=with_board(NEW))
    figures = compute(cons)
    assert (figures.value("jnp").total, figures.value("jnp").year, figures.value("jnp").previous) == (3, 2, 1)
    [rec] = [r for r in figures.bilan.recommendations if r.key == "objectif-jnp"]
    assert rec.text == "2 journées en 2023, pour 3 attendues : en organiser (§9)" and rec.clause == "§9"
    path = tmp_path / "tdb.xlsx"
    write_dashboard(cons, path, figures)
    wb = openpyxl.load_workbook(path)
    synthese = [v for row in wb["Synthèse"].iter_rows(values_only=True) for v in row if v is not None]
    assert "Ce qui compte" in synthese and "Journées Nationales Prison menées" in synthese
    bilan = {r[1]: r for r in wb["Bilan"].iter_rows(values_only=True) if r[0] == "§9"}
    assert bilan["Journées Nationales Prison menées"][2:4] == (2, 1)
    assert "Établissements" not in wb.sheetnames  # no presence declared: no sites sheet


def mistake(old: str, new: str) -> str:
    assert old in SHIPPED, old
    return SHIPPED.replace(old, new, 1)


MISTAKES = [
    (mistake('type = "presence"', 'type = "presense"'), r"type « presense » inconnu"),
    (mistake('feuille = "volunteers"', 'feuille = "benevoles"'), r"la feuille « benevoles » n'est pas"),
    (mistake('colonne = "anvp_visitors"', 'colonne = "visiteurs"'), r"pas de colonne « visiteurs »|« visiteurs » n'est"),
    (mistake('filtre = { role = "Visiteur et correspondant" }', 'filtre = { role = "Visiteur et CP" }'),
     r"« Visiteur et CP »"),
    (mistake('groupe = "benevoles"', 'groupe = "volontaires"'), r"le groupe « volontaires » n'est pas déclaré"),
    (mistake('periode = "trimestre"', 'periode = "semestre"'), r"periode vaut"),
    (mistake('numerateur = "visitor_cps"', 'numerateur = "visiteurs_cp"'), r"visiteurs_cp"),
    (mistake('libelle = "Visiteurs qui sont aussi CP"', 'libele = "Visiteurs qui sont aussi CP"'),
     r"clé inconnue « libele » .*vouliez-vous dire « libelle »"),
    (mistake('cle = "cross_members"\nlibelle', 'cle = "visitor_cps"\nlibelle'), r"« visitor_cps » est déclaré deux fois"),
    (mistake('fenetre = "annee"\ndetail', 'fenetre = "mois"\ndetail'), r"fenetre vaut"),
    (mistake('cible = 1\n', 'cible = "une"\n'), r"cible"),
    (mistake('indicateurs = ["actions", "joint_actions"]', 'indicateurs = ["actions", "actions_communes"]'),
     r"actions_communes"),
    (mistake('titre = "Tableau de bord du partenariat"', 'titre = "Tableau de bord du partenariat'), r"ligne \d+"),
]


@pytest.mark.parametrize(("text", "message"), MISTAKES, ids=[m for _, m in MISTAKES])
def test_each_mistake_is_a_french_error_with_its_line(text, message):
    with pytest.raises(DeclarationError) as err:
        parse_dashboard(text, "indicateurs.toml", SPEC)
    shown = str(err.value)
    assert re.search(message, shown), shown
    assert re.search(r"ligne \d+", shown), shown
    assert "Traceback" not in shown and "KeyError" not in shown
