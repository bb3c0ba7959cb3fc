"""``envoyer`` against a real SMTP server (aiosmtpd): one French message per section, to its
configured address, each once; ``--essai`` writes the messages and sends nothing."""

from __future__ import annotations

import datetime as dt
import email
import json
import shutil
import sqlite3
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PACKAGED_CONFIG, packaged_config_text
from mailservers import NO_TLS_WARNING, PASSWORD, free_port, mail_table, smtp_server  # noqa: F401  (fixture)
from test_valider import CLEAN_ACTIONS, FAULTY_ACTIONS, FAULTY_VOLUNTEERS, UPDATED
from workbooks import make_section_workbook, md_rows

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.mail import PASSWORD_ENV
from convention_xlsx.mail.compose import MAX_LINES, body, compose, deadline, subject
from convention_xlsx.mail.plan import Outgoing, plan_messages
from convention_xlsx.mail.settings import mail_settings

pytestmark = NO_TLS_WARNING
SENDER = "referent.partenariat@exemple.org"
EXPECTED = {  # the sections of the shipped configuration that need a message, and why
    "auxilia.nanterre@example.org": "retour", "anvp.fresnes@example.org": "retour",
    "partenariat@anvp.org": "manquant", "partenariat@auxilia-formation.org": "manquant",
    "anvp.fleury@example.org": "manquant", "auxilia.idf-sud@example.org": "manquant",
}


@pytest.fixture(scope="module")
def consolidated(tmp_path_factory, config) -> Path:
    """The validation tests' three workbooks, consolidated with --retours --json, once."""
    root = tmp_path_factory.mktemp("mois")
    inputs = root / "entrees"
    make_section_workbook(inputs / "anvp_nanterre.xlsx", config, "ANVP", "Nanterre", UPDATED,
                          establishments=["CP-NANTERRE"], tables={"actions": md_rows(CLEAN_ACTIONS)})
    make_section_workbook(inputs / "auxilia_nanterre.xlsx", config, "Auxilia", "Nanterre", UPDATED,
                          establishments=["CP-NANTERRE"], tables={"actions": md_rows(FAULTY_ACTIONS)})
    make_section_workbook(inputs / "fresnes" / "anvp_fresnes.xlsx", config, "ANVP", "Fresnes", UPDATED,
                          establishments=["CP-FRESNES"], tables={"volunteers": md_rows(FAULTY_VOLUNTEERS)})
    result = CliRunner().invoke(main, ["consolider", str(inputs), "-o", str(root / "tdb.xlsx"), "--arrete",
                                       "2023-12-31", "--retours", str(root / "retours"), "--json",
                                       str(root / "rapport.json"), "-q", "--sans-historique",
                                       "--config", str(PACKAGED_CONFIG)])
    assert result.exit_code == 0, result.output
    return root / "rapport.json"


@pytest.fixture
def report(consolidated, tmp_path) -> Path:
    """A copy of the report in a folder of the test's own (the .eml files and the ledger go beside it)."""
    target = tmp_path / "mois" / "rapport.json"
    target.parent.mkdir()
    shutil.copy(consolidated, target)
    return target


@pytest.fixture
def config_file(tmp_path, smtp_server) -> Path:  # noqa: F811
    path = tmp_path / "convention.toml"
    text = packaged_config_text()
    path.write_text(text + mail_table(free_port(), smtp_server.port, smtp_server.user, SENDER), encoding="utf-8")
    return path


def envoyer(report: Path, config_file: Path, *extra: str):
    return CliRunner().invoke(main, ["envoyer", str(report), "--config", str(config_file), "-q", *extra])


def received(smtp_server) -> dict[str, email.message.EmailMessage]:  # noqa: F811
    out = {}
    for mail_from, recipients, data in smtp_server.messages:
        assert mail_from == SENDER and len(recipients) == 1
        assert recipients[0] not in out, f"{recipients[0]} got two messages"
        out[recipients[0]] = email.message_from_bytes(data, policy=policy.default)
    return out


def ledger_rows(report: Path) -> int:
    with sqlite3.connect(report.parent / "envois.sqlite") as db:
        return db.execute("SELECT count(*) FROM envois").fetchone()[0]


def test_essai_writes_each_message_and_sends_nothing(report, config_file, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.delenv(PASSWORD_ENV, raising=False)  # no password needed for a trial
    result = envoyer(report, config_file, "--essai")
    assert result.exit_code == 0, result.output
    assert "Essai : 6 message(s) écrit(s)" in result.output and "rien n'a été envoyé" in result.output
    assert smtp_server.messages == []
    assert not (report.parent / "envois.sqlite").exists(), "a trial records nothing"
    outbox = report.parent / "rapport_courriels"
    messages = {m["To"]: m for m in (email.message_from_bytes(p.read_bytes(), policy=policy.default)
                                     for p in sorted(outbox.glob("*.eml")))}
    assert set(messages) == set(EXPECTED)
    returned = messages["auxilia.nanterre@example.org"]
    attachments = [part.get_filename() for part in returned.iter_attachments()]
    assert attachments == ["auxilia_nanterre_a_corriger.xlsx"]
    assert returned["Subject"].startswith("Convention de partenariat ANVP – Auxilia : votre classeur à corriger")
    text = returned.get_body(("plain",)).get_content()
    assert "Feuille « Actions », cellule C3 : « Rencontre arrivants » n'est pas dans la liste" in text
    assert "(suggestion : Rencontre quartier arrivants)" in text
    assert "C'est ce fichier qu'il faut garder" in text
    assert "referent.partenariat@auxilia-formation.org" in text  # whom to ask: the association's référent
    assert returned["Reply-To"] == "referent.partenariat@auxilia-formation.org"
    reminder = messages["anvp.fleury@example.org"].get_body(("plain",)).get_content()
    assert "Nous n'avons pas encore reçu le classeur de la section Fleury-Mérogis" in reminder
    assert "arrêté au 31 décembre 2023" in reminder and "avant le" in reminder


def test_envoyer_reaches_each_section_once(report, config_file, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    result = envoyer(report, config_file)
    assert result.exit_code == 0, result.output
    got = received(smtp_server)
    assert set(got) == set(EXPECTED)
    for address, kind in EXPECTED.items():
        has_attachment = any(True for _ in got[address].iter_attachments())
        assert has_attachment == (kind == "retour"), address
    assert "Envoyé(s) : 6 ; déjà envoyé(s) auparavant : 0" in result.output
    assert ledger_rows(report) == 6
    eml = email.message_from_bytes((report.parent / "rapport_courriels" / "auxilia_nanterre.eml").read_bytes(),
                                   policy=policy.default)
    assert eml["Message-ID"] == got["auxilia.nanterre@example.org"]["Message-ID"]  # the .eml is what was sent

    again = envoyer(report, config_file)
    assert again.exit_code == 0 and "Rien à envoyer : déjà envoyé(s) auparavant : 6" in again.output
    assert len(smtp_server.messages) == 6


def test_returns_written_again_are_not_sent_again(report, config_file, smtp_server, monkeypatch,  # noqa: F811
                                                  tmp_path):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    assert envoyer(report, config_file).exit_code == 0
    data = json.loads(report.read_text("utf-8"))
    for entry in data["sections"]:  # a new consolidation rewrites each return (new bytes, same workbook)
        if entry["retour"]:
            copy = tmp_path / Path(entry["retour"]).name
            shutil.copy(entry["retour"], copy)
            copy.write_bytes(copy.read_bytes() + b"\0")
            entry["retour"] = str(copy)
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    again = envoyer(report, config_file)
    assert again.exit_code == 0 and "Rien à envoyer" in again.output and len(smtp_server.messages) == 6


def test_a_failure_half_way_resends_only_what_did_not_go(report, config_file, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    smtp_server.handler.fail_after = 2  # the server closes the session on the third message
    first = envoyer(report, config_file)
    assert first.exit_code == 1 and "Traceback" not in first.output
    assert "relancez « envoyer »" in first.output
    assert len(smtp_server.messages) == 2 and ledger_rows(report) == 2
    smtp_server.handler.fail_after = None
    second = envoyer(report, config_file)
    assert second.exit_code == 0, second.output
    assert "déjà envoyé(s) auparavant : 2" in second.output
    assert set(received(smtp_server)) == set(EXPECTED)  # each address exactly once in all


def test_a_refused_address_is_said_and_retried_alone(report, config_file, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    smtp_server.handler.refuse = {"anvp.fleury@example.org"}
    first = envoyer(report, config_file)
    assert first.exit_code == 1
    assert "anvp.fleury@example.org : adresse anvp.fleury@example.org refusée par le serveur (code 550)" in first.output
    assert len(smtp_server.messages) == 5
    smtp_server.handler.refuse = set()
    assert envoyer(report, config_file).exit_code == 0
    assert [r for _, (r,), _ in smtp_server.messages[5:]] == ["anvp.fleury@example.org"]


def test_a_wrong_password_sends_and_records_nothing(report, config_file, smtp_server, monkeypatch):  # noqa: F811
    monkeypatch.setenv(PASSWORD_ENV, "pas-le-bon")
    result = envoyer(report, config_file)
    assert result.exit_code == 1 and "a refusé l'identification de « referent »" in result.output
    assert smtp_server.messages == [] and ledger_rows(report) == 0


def test_nothing_goes_to_an_address_outside_the_configuration(report, config_file, smtp_server,  # noqa: F811
                                                              monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    data = json.loads(report.read_text("utf-8"))
    for entry in data["sections"]:
        entry["courriel"] = "pirate@malveillant.example"  # an edited report cannot redirect a message
    data["sections"].append({"association": "ANVP", "section": "Inconnue", "etat": "non attendu",
                             "courriel": "pirate@malveillant.example", "fichier": "x.xlsx",
                             "retour": data["sections"][3]["retour"], "mise_a_jour": None, "empreinte": None})
    data["sections"].append({"association": "ANVP", "section": "Ailleurs", "etat": "manquant",
                             "courriel": "pirate@malveillant.example", "fichier": None, "retour": None})
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = envoyer(report, config_file)
    assert result.exit_code == 0, result.output
    assert set(received(smtp_server)) == set(EXPECTED)
    assert "Section ANVP « Inconnue » : absente de la configuration" in result.output
    assert "Section ANVP « Ailleurs » : absente de la configuration" in result.output


def test_a_report_without_sections_is_refused_in_french(tmp_path, config_file):
    valider_report = tmp_path / "valider.json"
    valider_report.write_text(json.dumps({"fichiers": {}, "lignes": {}, "anomalies": []}), encoding="utf-8")
    result = envoyer(valider_report, config_file, "--essai")
    assert result.exit_code == 1 and "n'a pas la liste des sections" in result.output


# --- the wording ---------------------------------------------------------------------------------


def test_a_long_list_stops_at_fifteen_lines_and_a_late_section_gets_the_date_of_its_figures(config_file, tmp_path):
    config = load_config(config_file)
    attachment = tmp_path / "x_a_corriger.xlsx"
    attachment.write_bytes(b"PK")
    findings = tuple({"gravite": "erreur", "feuille": "Actions", "cellule": f"B{i}", "message": f"Problème {i}."}
                     for i in range(2, 22))
    late = Outgoing("ANVP", "Fresnes", "anvp.fresnes@example.org", "en retard", dt.date(2023, 12, 31),
                    updated=dt.date(2023, 8, 17), workbook="x.xlsx", attachment=attachment, findings=findings)
    text = body(late, config, dt.date(2024, 1, 10))
    assert text.count("\n  - ") == MAX_LINES
    assert "… et 5 autres, voir la feuille « À corriger » du classeur joint." in text
    assert "nous avons relevé 20 points à revoir :" in text
    assert "Parmi ces points, 20 erreurs : tant qu'une erreur n'est pas corrigée, la ligne concernée n'est pas comptée" in text
    assert "est à jour au 17 août 2023" in text
    assert f"avant le {config.report_day} février 2024" in text
    assert subject(late, config).endswith("votre classeur à corriger et à mettre à jour (12/2023)")
    assert deadline(config, dt.date(2024, 1, 3)) == dt.date(2024, 1, config.report_day)
    message = compose(late, config, mail_settings(config), dt.datetime(2024, 1, 10, 9, 0).astimezone())
    assert message["Message-ID"].endswith("@exemple.org>") and message["Date"]
    assert message.get_body(("plain",)).get_content_charset() == "utf-8"
    assert "ANVP" not in body(late, config, dt.date(2024, 1, 10)).replace("(ANVP)", "")  # only the configured names


def test_plan_says_what_cannot_be_sent(report, config_file):
    data = json.loads(report.read_text("utf-8"))
    data["anomalies"].append({"code": "fichier-illisible", "gravite": "erreur", "fichier": "abime.xlsx",
                              "feuille": "", "cellule": "", "message": "Le fichier est abîmé."})
    report.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plan = plan_messages(report, load_config(config_file))
    assert len(plan.messages) == 6
    assert any("abime.xlsx est écarté (Le fichier est abîmé.)" in line for line in plan.skipped)
