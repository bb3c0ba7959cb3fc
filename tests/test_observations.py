"""The référents' observations typed into a dashboard's Bilan survive the next run."""

import datetime as dt
import os

import msoffcrypto
import openpyxl
from click.testing import CliRunner
from factories import sample
from workbooks import make_section_workbook, md_rows

from convention_xlsx.cli import main
from convention_xlsx.dashboard import write_dashboard
from convention_xlsx.observations import find_previous, read_observations

PRESENCE_NOTE = "Voir avec la DISP de Rennes pour un CP à Brest."
INDICATOR_NOTE = "Baisse due au confinement de mars."
FREE_NOTE = "Bilan présenté au conseil d'administration du 12 juillet."


def type_into_bilan(path, by_key: dict[str, str], free: str | None = None) -> None:
    """As a référent would: open the dashboard, type into the observation cells, save."""
    wb = openpyxl.load_workbook(path)
    for ws in (wb["Bilan"], wb["Recommandations"]):
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("obs:"):
                    key = cell.value.split("|")[0].split(":", 3)[-1]
                    if key in by_key:
                        ws.cell(cell.row, cell.column - 1).value = by_key[key]
    if free is not None:
        (sheet, ref), = wb.defined_names["Observations"].destinations
        wb[sheet][ref.split(":")[0].replace("$", "")].value = free
    wb.save(path)


def bilan_texts(path) -> set[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {v for ws in (wb["Bilan"], wb["Recommandations"]) for row in ws.iter_rows(values_only=True) for v in row
            if isinstance(v, str)}


def test_observations_are_written_back_beside_the_same_recommendation(tmp_path):
    cons = sample(sections=12)
    first = tmp_path / "tableau_de_bord_2023-06.xlsx"
    write_dashboard(cons, first)
    type_into_bilan(first, {"presence-anvp": PRESENCE_NOTE, "actions-menees": INDICATOR_NOTE},
                    FREE_NOTE)
    carried = read_observations(first)
    assert carried.free == FREE_NOTE and len(carried.items) == 2 and not carried.notes
    second = tmp_path / "tableau_de_bord_2023-07.xlsx"
    write_dashboard(cons, second, observations=carried)
    wb = openpyxl.load_workbook(second)
    recs = {r[1].value: r for r in wb["Recommandations"].iter_rows() if r[1].value}
    presence = next(r for text, r in recs.items() if "où seule l'ANVP est présente" in str(text))
    assert presence[5].value == PRESENCE_NOTE
    rows = {r[1].value: r for r in wb["Bilan"].iter_rows() if r[1].value}
    assert rows["Actions menées"][5].value == INDICATOR_NOTE
    assert read_observations(second).free == FREE_NOTE


def test_an_observation_whose_recommendation_is_gone_is_kept_under_earlier_observations(tmp_path):
    first = tmp_path / "a.xlsx"
    write_dashboard(sample(sections=12), first)
    type_into_bilan(first, {"presence-anvp": PRESENCE_NOTE})
    carried = read_observations(first)
    second = tmp_path / "b.xlsx"
    write_dashboard(sample(sections=12, arrete=dt.date(2022, 6, 30)), second, observations=carried)
    texts = bilan_texts(second)
    assert PRESENCE_NOTE in texts and "Observations reprises d'un tableau de bord précédent" in texts
    assert read_observations(second).items.keys() == carried.items.keys()  # still carried the month after


def test_an_encrypted_previous_dashboard_without_password_is_a_note(tmp_path):
    plain = tmp_path / "plain.xlsx"
    write_dashboard(sample(sections=6), plain)
    type_into_bilan(plain, {}, FREE_NOTE)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as src, locked.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("secret", out)
    carried = read_observations(locked)
    assert not len(carried) and "chiffré" in carried.notes[0]
    assert read_observations(locked, "secret").free == FREE_NOTE
    assert "mot de passe ne déchiffre pas" in read_observations(locked, "autre").notes[0]


def test_previous_dashboard_is_the_newest_monthly_one(tmp_path):
    old, new, demo = (tmp_path / n for n in ("tableau_de_bord_2023-05.xlsx", "tableau_de_bord_2023-06.xlsx",
                                             "tableau_de_bord_demo.xlsx"))
    for i, path in enumerate((old, new, demo)):
        path.write_bytes(b"x")
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))
    assert find_previous(tmp_path, tmp_path / "tableau_de_bord_2023-07.xlsx") == new
    os.utime(old, (1_800_000_000, 1_800_000_000))  # the référent typed into May's last
    assert find_previous(tmp_path, tmp_path / "tableau_de_bord_2023-07.xlsx") == old
    assert find_previous(tmp_path / "absent", tmp_path / "x.xlsx") is None


def test_observations_survive_a_rerun_of_consolider(tmp_path, config):
    actions = md_rows("""
| Date       | Code établissement | Type d'action                | Associations    |
| ---------- | ------------------ | ---------------------------- | --------------- |
| 2023-03-15 | CP-NANTERRE        | Rencontre quartier arrivants | ANVP et Auxilia |
""")
    inputs = tmp_path / "entrees"
    make_section_workbook(inputs / "a.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 6, 2),
                          establishments=["CP-NANTERRE"], tables={"actions": actions})
    out = tmp_path / "sorties" / "tableau_de_bord_2023-06.xlsx"
    args = ["consolider", str(inputs), "--arrete", "2023-06-30", "-o", str(out), "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0
    type_into_bilan(out, {"actions-menees": INDICATOR_NOTE, "objectif-calls-joint": PRESENCE_NOTE}, FREE_NOTE)
    result = CliRunner().invoke(main, args)  # the same month again: the file typed into is read first
    assert result.exit_code == 0, result.output
    assert "Observations des référents reprises" in result.output
    assert {INDICATOR_NOTE, PRESENCE_NOTE, FREE_NOTE} <= bilan_texts(out)
    july = tmp_path / "sorties" / "tableau_de_bord_2023-07.xlsx"
    result = CliRunner().invoke(main, ["consolider", str(inputs), "--arrete", "2023-07-31", "-o", str(july), "-q"])
    assert result.exit_code == 0, result.output
    assert {INDICATOR_NOTE, PRESENCE_NOTE, FREE_NOTE} <= bilan_texts(july)
