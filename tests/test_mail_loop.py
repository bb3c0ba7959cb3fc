"""The month's loop through real servers and real processes: collecter (Dovecot), consolider
--retours --json, envoyer (aiosmtpd), each command run as the référent runs it."""

from __future__ import annotations

import email
import os
import subprocess
import sys
from email import policy

import openpyxl
from click.testing import CliRunner
from conftest import REPO, packaged_config_text
from mailservers import (  # noqa: F401  (fixtures)
    NO_TLS_WARNING,
    PASSWORD,
    dovecot,
    mail_table,
    message_with,
    smtp_server,
)
from test_valider import FAULTY_ACTIONS, UPDATED
from workbooks import make_section_workbook, md_rows

from convention_xlsx.cli import main
from convention_xlsx.mail import PASSWORD_ENV

pytestmark = NO_TLS_WARNING


def run(*args: str, cwd) -> subprocess.CompletedProcess:
    env = {**os.environ, PASSWORD_ENV: PASSWORD, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "convention_xlsx", *args], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd, check=False)


def test_collect_consolidate_send_and_nothing_twice(dovecot, smtp_server, tmp_path, config):  # noqa: F811
    mailbox = dovecot.new_mailbox()
    smtp_server.user = mailbox.user
    config_file = tmp_path / "convention.toml"
    config_file.write_text(
        packaged_config_text()
        + mail_table(dovecot.port, smtp_server.port, mailbox.user), encoding="utf-8")
    books = tmp_path / "envoyes"
    nanterre = make_section_workbook(books / "a.xlsx", config, "Auxilia", "Nanterre", UPDATED,
                                     establishments=["CP-NANTERRE"], tables={"actions": md_rows(FAULTY_ACTIONS)})
    fresnes = make_section_workbook(books / "b.xlsx", config, "ANVP", "Fresnes", UPDATED, establishments=["CP-FRESNES"])
    foreign = openpyxl.Workbook()
    foreign.active["A1"] = "pas un rapport de section"
    foreign.save(books / "c.xlsx")
    mailbox.append(message_with("auxilia.nanterre@example.org", "Classeur", [("auxilia_nanterre.xlsx",
                                                                           nanterre.read_bytes())]))
    mailbox.append(message_with("anvp.fresnes@example.org", "Classeur", [("anvp_fresnes.xlsx", fresnes.read_bytes()),
                                                                      ("affiche.pdf", b"%PDF-1.4")]))
    mailbox.append(message_with("auxilia.nanterre@example.org", "Renvoi", [("copie.xlsx", nanterre.read_bytes())]))
    mailbox.append(message_with("x@exemple.net", "?", [("../../evil.xlsx", (books / "c.xlsx").read_bytes())]))

    inputs = tmp_path / "mois" / "entrees"
    collected = run("collecter", str(inputs), "--config", str(config_file), "-q", cwd=tmp_path)
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert "3 enregistré(s)" in collected.stdout and "1 déjà collecté(s)" in collected.stdout
    assert sorted(p.name for p in inputs.iterdir() if not p.name.startswith(".")) == [
        "anvp_fresnes.xlsx", "auxilia_nanterre.xlsx", "evil.xlsx"]
    assert not (tmp_path / "evil.xlsx").exists() and not (tmp_path / "mois" / "evil.xlsx").exists()
    again = run("collecter", str(inputs), "--config", str(config_file), "-q", cwd=tmp_path)
    assert again.returncode == 0 and "0 enregistré(s)" in again.stdout

    report = tmp_path / "mois" / "rapport.json"
    consolidated = CliRunner().invoke(main, [
        "consolider", str(inputs), "--config", str(config_file), "--arrete", "2023-12-31", "-o",
        str(tmp_path / "mois" / "tdb.xlsx"), "--retours", str(tmp_path / "mois" / "retours"), "--json", str(report),
        "-q", "--sans-historique"])
    assert consolidated.exit_code == 0, consolidated.output

    trial = run("envoyer", str(report), "--config", str(config_file), "--essai", cwd=tmp_path)
    assert trial.returncode == 0 and "Essai : 6 message(s)" in trial.stdout and smtp_server.messages == []
    assert "evil.xlsx est écarté" in trial.stderr  # rejected, and nobody to tell: said to the référent

    sent = run("envoyer", str(report), "--config", str(config_file), "-q", cwd=tmp_path)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    got = {recipients[0]: email.message_from_bytes(data, policy=policy.default)
           for _, recipients, data in smtp_server.messages}
    assert len(got) == len(smtp_server.messages) == 6
    assert set(got) == {"auxilia.nanterre@example.org", "partenariat@anvp.org", "partenariat@auxilia-formation.org",
                        "anvp.nanterre@example.org", "anvp.fleury@example.org", "auxilia.idf-sud@example.org"}
    assert [a.get_filename() for a in got["auxilia.nanterre@example.org"].iter_attachments()] == [
        "auxilia_nanterre_a_corriger.xlsx"]
    assert "anvp.fresnes@example.org" not in got  # à jour, nothing to fix: no message

    second = run("envoyer", str(report), "--config", str(config_file), cwd=tmp_path)
    assert second.returncode == 0 and "Rien à envoyer" in second.stdout and len(smtp_server.messages) == 6
