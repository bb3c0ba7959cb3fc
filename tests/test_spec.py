"""The workbook's description file: the shipped one, and every mistake a référent can make editing it."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from convention_xlsx.schema import Kind
from convention_xlsx.spec import SpecError, default_spec, packaged_text, parse_spec

SHIPPED = packaged_text()


def test_modeles_copy_is_the_packaged_description():
    assert (REPO / "modeles" / "classeur.toml").read_text("utf-8") == SHIPPED


def test_shipped_description_holds_the_reference_workbook():
    spec = default_spec()
    assert spec.version == "2026.1"
    assert [s.name for s in spec.sheets] == ["Lisez-moi", "Section", "Établissements", "Intervenants", "Actions",
                                             "Réunions", "Orientations", "Formations", "Communication",
                                             "Appels à projet"]
    assert spec.party_names == ("ANVP", "Auxilia")
    assert spec.sites.key == "establishments"
    actions = spec.sheet("actions")
    assert actions.joint_key == ("date", "establishment", "action_type")
    assert actions.joint_when == ("associations", "ANVP et Auxilia") and actions.date_key == "date"
    assert spec.sheet("referrals").date_key == "month"
    assert spec.sheet("establishments").column("anvp_visitors").party == "ANVP"
    assert spec.sheet("meetings").column("minutes_auxilia").allowed == ("Oui", "Non")
    assert spec.sheet("calls").column("status").term("accepte") == "Accepté"


def edited(old: str, new: str, text: str = SHIPPED) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text: str, fragment: str) -> int:
    return text[: text.index(fragment)].count("\n") + 1


@pytest.mark.parametrize(("old", "new", "expected"), [
    ('  type = "entier"\n', '  type = "entiers"\n', "type « entiers » inconnu (vouliez-vous dire « entier » ?)"),
    ('  choix = "roles"\n', '  choix = "role"\n', "la liste « role » n'est pas déclarée dans [listes]"),
    ('  obligatoire = true\n', '  obligatoir = true\n', "clé inconnue « obligatoir »"),
    ('  obligatoire = true\n', '  obligatoire = "oui"\n', "vaut true ou false"),
    ('cle_commune = ["date", "theme"]', 'cle_commune = ["date", "sujet"]', "nomme la colonne « sujet »"),
    ('accepte = "Accepté"', 'accepte = "Accepte"', "le terme « accepte » vaut « Accepte »"),
    ('commun_si = { carrier = "Commun" }', 'commun_si = { carrier = "Commune" }', "commun_si doit nommer"),
    ('date = "filed"', 'date = "funder"', "date doit nommer une de ses colonnes de type date ou mois"),
    ('  libelle = "Prénom"\n', '  libelle = "Nom"\n', "l'en-tête ou l'alias « Nom » désigne deux colonnes"),
    ('  largeur = 26\n', '  largeur = 260\n', "largeur est un nombre entier de 4 à 100"),
])
def test_a_mistake_in_a_column_names_its_line(old, new, expected):
    text = edited(old, new)
    with pytest.raises(SpecError) as err:
        parse_spec(text, "modeles/classeur.toml")
    message = str(err.value)
    assert message.startswith("Description du classeur modeles/classeur.toml, ligne ")
    assert expected in message
    line = int(re.search(r"ligne (\d+)", message).group(1))
    changed = line_of(text, new.strip().split("\n")[0])
    assert abs(line - changed) <= 12, (line, changed, message)


def test_a_toml_typo_gives_the_line_in_french():
    text = edited('[[feuilles]]\ncle = "calls"', '[[feuilles]\ncle = "calls"')
    with pytest.raises(SpecError, match=r"n'est pas un fichier TOML valide, ligne \d+") as err:
        parse_spec(text, "x.toml")
    assert "line" not in str(err.value)


def test_structure_is_checked():
    no_fields = re.sub(r'disposition = "champs"', 'disposition = "tableau"', SHIPPED)
    with pytest.raises(SpecError, match="exactement une feuille de disposition « champs »"):
        parse_spec(no_fields, "x.toml")
    typo = edited('[[versions]]\nversion = "2026.1"', '[[version]]\nversion = "2026.1"')
    with pytest.raises(SpecError, match=r"ligne \d+ : clé inconnue « version » dans le fichier \(vouliez-vous dire "
                       "« versions » ") as err:
        parse_spec(typo, "x")
    assert f"ligne {line_of(typo, '[[version]]')} " in str(err.value)


def test_a_sheet_alias_may_not_name_a_sheet_the_reader_skips():
    """The lists, the référentiel and the notice are listed without their cells: an alias naming one would
    read an empty sheet, and that sheet's data would be lost without a word."""
    clash = edited('nom = "Actions"\n', 'nom = "Actions"\nalias = ["Listes"]\n')
    with pytest.raises(SpecError, match="l'alias « Listes » de la feuille « Actions » est le nom d'une feuille que"):
        parse_spec(clash, "x.toml")


def test_a_column_added_in_the_text_is_in_the_model():
    text = edited('  [[feuilles.colonnes]]\n  cle = "comment"\n', '''  [[feuilles.colonnes]]
  cle = "visitors_in_training"
  libelle = "Visiteurs en formation"
  type = "entier"
  aide = "Nombre de visiteurs en cours de formation."
  partie = "ANVP"

  [[feuilles.colonnes]]
  cle = "comment"
''')
    sheet = parse_spec(text, "x").sheet("establishments")
    col = sheet.column("visitors_in_training")
    assert (col.label, col.kind, col.party) == ("Visiteurs en formation", Kind.COUNT, "ANVP")
    assert [c.key for c in sheet.columns][-2:] == ["visitors_in_training", "comment"]
