"""``collecter`` against a real Dovecot: each workbook once, nothing outside the folder, the
mailbox untouched, French messages for a wrong password or an unreachable server."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import PACKAGED_CONFIG, packaged_config_text
from mailservers import HOST, PASSWORD, dovecot, free_port, mail_table, message_with  # noqa: F401
from workbooks import make_section_workbook

from convention_xlsx.cli import main
from convention_xlsx.config import load_config
from convention_xlsx.mail import PASSWORD_ENV, MailError
from convention_xlsx.mail.collect import CollectLimits, collect
from convention_xlsx.mail.collection_log import LOG_NAME, read_log
from convention_xlsx.mail.servers import LoginRefused
from convention_xlsx.mail.settings import mail_settings

NANTERRE = "anvp.nanterre@example.org"
FRESNES = "anvp.fresnes@example.org"


@pytest.fixture(scope="module")
def books(tmp_path_factory, config) -> dict[str, bytes]:
    """Three real section workbooks, as bytes."""
    root = tmp_path_factory.mktemp("classeurs")
    made = {
        "nanterre": make_section_workbook(root / "n.xlsx", config, "ANVP", "Nanterre", dt.date(2023, 12, 2),
                                          establishments=["CP-NANTERRE"]),
        "fresnes": make_section_workbook(root / "f.xlsx", config, "ANVP", "Fresnes", dt.date(2023, 12, 3),
                                         establishments=["CP-FRESNES"]),
        "fleury": make_section_workbook(root / "y.xlsx", config, "ANVP", "Fleury-Mérogis", dt.date(2023, 12, 1),
                                        establishments=["CP-FLEURY-MEROGIS"]),
    }
    return {key: path.read_bytes() for key, path in made.items()}


@pytest.fixture
def mailbox(dovecot):  # noqa: F811
    return dovecot.new_mailbox()


@pytest.fixture
def config_file(tmp_path, mailbox, dovecot):  # noqa: F811
    """The shipped configuration, with a [courriel] table for the test servers."""
    path = tmp_path / "convention.toml"
    text = packaged_config_text()
    path.write_text(text + mail_table(dovecot.port, free_port(), mailbox.user), encoding="utf-8")
    return path


def settings_for(config_file: Path):
    return mail_settings(load_config(config_file))


def fill(mailbox, books) -> None:
    """One message per workbook, a duplicate, a PDF and a hostile name: the 'done when' mailbox."""
    mailbox.append(message_with(f"Section Nanterre <{NANTERRE}>", "Classeur de décembre",
                                [("ANVP_nanterre.xlsx", books["nanterre"])]))
    mailbox.append(message_with(FRESNES, "Fresnes : notre rapport", [("fresnes.xlsx", books["fresnes"]),
                                                                      ("compte-rendu.pdf", b"%PDF-1.4 faux")]))
    mailbox.append(message_with(NANTERRE, "Re: Classeur de décembre (renvoi)",
                                [("ANVP_nanterre (2).xlsx", books["nanterre"])]))  # the same bytes again
    mailbox.append(message_with("inconnu@exemple.net", "pièce jointe", [("../../evil.xlsx", books["fleury"])]))


def test_collect_saves_each_workbook_once_and_nothing_outside(mailbox, config_file, books, tmp_path):
    fill(mailbox, books)
    before = mailbox.state()
    target = tmp_path / "boite" / "entrees"
    outside = set(tmp_path.rglob("*"))
    result = collect(settings_for(config_file), PASSWORD, target)

    saved = sorted(p.name for p in target.iterdir())
    assert saved == [LOG_NAME, "ANVP_nanterre.xlsx", "evil.xlsx", "fresnes.xlsx"]
    assert (result.messages, len(result.saved), result.duplicates, result.others) == (4, 3, 1, 1)
    assert {p for p in tmp_path.rglob("*")} - outside == {target.parent, target, *target.iterdir()}
    assert not (tmp_path / "evil.xlsx").exists() and not (target.parent.parent / "evil.xlsx").exists()
    assert (target / "ANVP_nanterre.xlsx").read_bytes() == books["nanterre"]
    assert mailbox.state() == before, "the mailbox must not change (no \\Seen flag, nothing deleted)"
    assert all(b"\\Seen" not in flags for _, flags in before)

    log = {e.name: e for e in read_log(target).entries}
    assert log["ANVP_nanterre.xlsx"].address == NANTERRE
    assert log["ANVP_nanterre.xlsx"].sender == f"Section Nanterre <{NANTERRE}>"
    assert log["ANVP_nanterre.xlsx"].subject == "Classeur de décembre"
    assert log["ANVP_nanterre.xlsx"].date.date() == dt.date(2023, 12, 2)
    evil = next(s for s in result.saved if s.record.name == "evil.xlsx")
    assert evil.original == "../../evil.xlsx"
    # the file's time is the message's, so « the newest workbook » still means the last one sent
    assert dt.datetime.fromtimestamp(os.stat(target / "fresnes.xlsx").st_mtime).date() == dt.date(2023, 12, 2)

    again = collect(settings_for(config_file), PASSWORD, target)
    assert (len(again.saved), again.duplicates, again.messages) == (0, 4, 4)
    assert sorted(p.name for p in target.iterdir()) == saved


def test_a_file_already_in_the_folder_is_not_saved_twice(mailbox, config_file, books, tmp_path):
    target = tmp_path / "entrees"
    target.mkdir()
    (target / "deja-la.xlsx").write_bytes(books["fresnes"])  # saved by hand before
    mailbox.append(message_with(FRESNES, "rapport", [("fresnes.xlsx", books["fresnes"])]))
    result = collect(settings_for(config_file), PASSWORD, target)
    assert (len(result.saved), result.duplicates) == (0, 1)
    assert sorted(p.name for p in target.iterdir()) == ["deja-la.xlsx"]


def test_hostile_and_encoded_names_are_made_safe(mailbox, config_file, books, tmp_path):
    names = ["/etc/cron.d/x.xlsx", "C:\\Windows\\CON.xlsx", "a\x07b.xlsx", ".cache.xlsx", "~$verrou.xlsx",
             "Île-de-France Sud – décembre.xlsx", "x" * 300 + ".xlsx", "rapport.xlsx", "RAPPORT.xlsx"]
    contents = [books["fleury"] + bytes([i]) for i in range(len(names))]  # all different
    for name, data in zip(names, contents, strict=True):
        mailbox.append(message_with(FRESNES, "noms", [(name, data)]))
    # RFC 2047 words in the name parameter, as some mail programs write it
    raw = message_with(FRESNES, "mot encodé", [("placeholder.xlsx", books["fresnes"])]).as_bytes()
    raw = raw.replace(b'filename="placeholder.xlsx"', b'filename="=?utf-8?q?Section_=C3=89vry.xlsx?="')
    mailbox.append(raw)
    target = tmp_path / "entrees"
    result = collect(settings_for(config_file), PASSWORD, target)
    saved = {p.name for p in target.iterdir()} - {LOG_NAME}
    assert len(saved) == len(names) + 1 == len(result.saved)
    for name in saved:
        assert (target / name).resolve().parent == target.resolve()
        assert not name.startswith((".", "~")) and "\x07" not in name and len(name.encode()) <= 150
    assert {"x.xlsx", "_CON.xlsx", "a_b.xlsx", "cache.xlsx", "verrou.xlsx", "Île-de-France Sud – décembre.xlsx",
            "rapport.xlsx", "RAPPORT-2.xlsx", "Section Évry.xlsx"} <= saved
    assert not Path("/etc/cron.d/x.xlsx").exists()


def test_oversized_and_malformed_messages_do_not_stop_the_collection(mailbox, config_file, books, tmp_path):
    mailbox.append(message_with(FRESNES, "gros", [("gros.xlsx", b"PK" + b"0" * 300_000)]))
    mailbox.append(b"From: \xff\xfe broken\r\nContent-Type: multipart/mixed; boundary=\"\r\n\r\n--\r\n\x00\x00")
    mailbox.append(message_with(NANTERRE, "bon", [("bon.xlsx", books["nanterre"])]))
    target = tmp_path / "entrees"
    result = collect(settings_for(config_file), PASSWORD, target,
                     limits=CollectLimits(max_attachment_bytes=200_000))
    assert [s.record.name for s in result.saved] == ["bon.xlsx"]
    assert result.too_large == 1
    assert any("gros.xlsx" in note and "limite" in note for note in result.notes)


def test_a_message_too_big_is_not_even_downloaded(mailbox, config_file, books, tmp_path):
    mailbox.append(message_with(FRESNES, "énorme", [("enorme.xlsx", books["fresnes"])]))
    target = tmp_path / "entrees"
    result = collect(settings_for(config_file), PASSWORD, target, limits=CollectLimits(max_message_bytes=1000))
    assert result.saved == [] and result.too_large == 1
    assert any("au-delà de la limite" in note for note in result.notes)


def test_raw_eight_bit_headers_are_kept_readable(mailbox, config_file, books, tmp_path):
    raw = message_with(NANTERRE, "placeholder-subject", [("placeholder.xlsx", books["nanterre"])]).as_bytes()
    raw = raw.replace(b"placeholder-subject", b"Classeur de d\xe9cembre").replace(
        b'filename="placeholder.xlsx"', b'filename="r\xe9sum\xe9.xlsx"')
    mailbox.append(raw)
    target = tmp_path / "entrees"
    result = collect(settings_for(config_file), PASSWORD, target)
    [saved] = result.saved
    assert saved.record.name.startswith("r") and saved.record.name.endswith("sum\ufffd.xlsx")
    entry = read_log(target).entries[0]  # the log is valid UTF-8 JSON, whatever the message held
    assert entry.subject.startswith("Classeur de d") and entry.address == NANTERRE


def test_since_looks_only_at_recent_messages(mailbox, config_file, books, tmp_path):
    mailbox.append(message_with(NANTERRE, "ancien", [("ancien.xlsx", books["nanterre"])]),
                   when=dt.datetime(2023, 10, 3, 9, 0).astimezone())
    mailbox.append(message_with(FRESNES, "récent", [("recent.xlsx", books["fresnes"])]),
                   when=dt.datetime(2023, 12, 3, 9, 0).astimezone())
    target = tmp_path / "entrees"
    result = collect(settings_for(config_file), PASSWORD, target, since=dt.date(2023, 12, 1))
    assert [s.record.name for s in result.saved] == ["recent.xlsx"] and result.messages == 1


def test_wrong_password_unreachable_server_and_missing_folder_are_french(mailbox, config_file, tmp_path):
    settings = settings_for(config_file)
    with pytest.raises(LoginRefused, match="a refusé l'identification de « referent"):
        collect(settings, "pas-le-bon", tmp_path / "a")
    closed = type(settings)(**{**vars(settings), "imap": type(settings.imap)(HOST, free_port())})
    with pytest.raises(MailError, match=r"Impossible de joindre le serveur IMAP 127\.0\.0\.1:\d+ \(connexion refusée\)"):
        collect(closed, PASSWORD, tmp_path / "b")
    elsewhere = type(settings)(**{**vars(settings), "folder": "Classeurs reçus"})
    with pytest.raises(MailError, match="Le dossier « Classeurs reçus » est introuvable"):
        collect(elsewhere, PASSWORD, tmp_path / "c")


def test_a_non_ascii_folder_is_found(mailbox, config_file, books, tmp_path):
    from convention_xlsx.mail.collect import mailbox_name

    assert mailbox_name("Éléments reçus") == '"&AMk-l&AOk-ments re&AOc-us"'
    mailbox.append(message_with(NANTERRE, "ici", [("ici.xlsx", books["nanterre"])]), folder="&AMk-l&AOk-ments")
    settings = type(settings_for(config_file))(**{**vars(settings_for(config_file)), "folder": "Éléments"})
    result = collect(settings, PASSWORD, tmp_path / "e")
    assert [s.record.name for s in result.saved] == ["ici.xlsx"]


# --- the command line ---------------------------------------------------------------------------


def test_collecter_command(mailbox, config_file, books, tmp_path, monkeypatch):
    fill(mailbox, books)
    target = tmp_path / "entrees"
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    result = CliRunner().invoke(main, ["collecter", str(target), "--config", str(config_file), "-q"])
    assert result.exit_code == 0, result.output
    assert "3 enregistré(s)" in result.output and "1 déjà collecté(s)" in result.output
    assert "autres pièces jointes ignorées : 1" in result.output
    assert "evil.xlsx (pièce jointe « ../../evil.xlsx »)" in result.output
    assert json.loads((target / LOG_NAME).read_text("utf-8"))["version"] == 1
    again = CliRunner().invoke(main, ["collecter", str(target), "--config", str(config_file), "-q"])
    assert again.exit_code == 0 and "0 enregistré(s)" in again.output and "4 déjà collecté(s)" in again.output

    monkeypatch.setenv(PASSWORD_ENV, "faux")
    refused = CliRunner().invoke(main, ["collecter", str(target), "--config", str(config_file), "-q"])
    assert refused.exit_code == 1 and "a refusé l'identification" in refused.output
    assert "Traceback" not in refused.output


def test_collecter_without_mail_configuration_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    result = CliRunner().invoke(main, ["collecter", str(tmp_path / "x"), "--config", str(PACKAGED_CONFIG)])
    assert result.exit_code == 2 and "n'a pas de table [courriel]" in result.output


def test_the_password_is_never_an_option(config_file, tmp_path, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    result = CliRunner().invoke(main, ["collecter", str(tmp_path / "x"), "--config", str(config_file)], input="")
    assert result.exit_code == 2 and PASSWORD_ENV in result.output
    assert not any("mot" in p.name for p in main.commands["collecter"].params)
