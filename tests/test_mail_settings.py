"""The ``[courriel]`` table: read, checked, refused in French when it is unsafe or wrong."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import threading

import pytest
from conftest import packaged_config_text
from mailservers import HOST, free_port

from convention_xlsx.config import load_config
from convention_xlsx.mail import MailError
from convention_xlsx.mail.servers import explain, imap_session, smtp_session
from convention_xlsx.mail.settings import MailConfigError, MailSettings, Server, mail_settings, plain_address

BASE = packaged_config_text()
GOOD = {"imap": "imap.exemple.org:993", "smtp": "smtp.exemple.org", "securite": "ssl",
        "utilisateur": "referent@exemple.org", "expediteur": "referent@exemple.org"}


def settings_from(tmp_path, table: dict | None):
    path = tmp_path / "convention.toml"
    extra = "" if table is None else "\n[courriel]\n" + "".join(f'{k} = "{v}"\n' for k, v in table.items())
    path.write_text(BASE + extra, encoding="utf-8")
    return mail_settings(load_config(path))


def test_a_complete_table_is_read_with_default_ports_and_folder(tmp_path):
    settings = settings_from(tmp_path, GOOD)
    assert settings.imap == Server("imap.exemple.org", 993)
    assert settings.smtp == Server("smtp.exemple.org", 465)  # no port: the one of « ssl »
    assert settings.folder == "INBOX" and settings.sender == "referent@exemple.org"
    starttls = settings_from(tmp_path, {**GOOD, "securite": "starttls", "imap": "imap.exemple.org"})
    assert starttls.imap.port == 143 and starttls.smtp.port == 587


@pytest.mark.parametrize("change, words", [
    (None, "n'a pas de table [courriel]"),
    ({"securite": "aucune"}, "n'est permis que pour un serveur de cette machine"),
    ({"securite": "tls"}, "attendu ssl, starttls ou aucune"),
    ({"imap": "imap.exemple.org:99999"}, "le port doit être un nombre"),
    ({"smtp": "smtp exemple"}, "écrivez hôte:port"),
    ({"expediteur": "referent"}, "n'est pas une adresse de courriel"),
    ({"mot_de_passe": "secret"}, "le mot de passe ne s'écrit jamais dans la configuration"),
    ({"utilisateur": ""}, "doit donner utilisateur"),
    ({"serveur": "x"}, "clé(s) inconnue(s) serveur"),
])
def test_a_wrong_table_is_refused_in_french(tmp_path, change, words):
    table = None if change is None else {**GOOD, **change}
    with pytest.raises(MailConfigError) as err:
        settings_from(tmp_path, table)
    assert words in str(err.value)


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "127.0.0.2"])
def test_no_encryption_is_allowed_on_this_machine_only(tmp_path, host):
    settings = settings_from(tmp_path, {**GOOD, "securite": "aucune", "imap": f"{host}:1143", "smtp": f"{host}:1025"})
    assert settings.imap.port == 1143 and settings.imap.is_local
    assert not Server("imap.exemple.org", 143).is_local and not Server("10.0.0.1", 143).is_local


def test_plain_address_refuses_header_injection_and_lists():
    assert plain_address("Referent@Exemple.org") == "Referent@Exemple.org"
    for bad in ("a@b.org\r\nBcc: x@y.org", "a@b.org, c@d.org", "Jean <a@b.org>", "a", "", "a@"):
        assert plain_address(bad) is None, bad


def _settings(port: int, security: str = "aucune") -> MailSettings:
    return MailSettings(imap=Server(HOST, port), smtp=Server(HOST, port), security=security, user="u",
                        sender="u@exemple.org", timeout=5)


def test_an_unreachable_server_is_said_in_french():
    port = free_port()
    with pytest.raises(MailError, match=r"Impossible de joindre le serveur IMAP 127\.0\.0\.1:\d+ \(connexion refusée\) : "
                                        "vérifiez l'hôte et le port"), imap_session(_settings(port), "x"):
        pass
    with pytest.raises(MailError, match="Impossible de joindre le serveur SMTP"), smtp_session(_settings(port), "x"):
        pass
    assert "introuvable" in explain(socket.gaierror(-2, "Name or service not known"), "IMAP",
                                    Server("imap.inconnu.invalid", 993))


@pytest.fixture
def tls_server(tmp_path):
    """A TLS server with a self-signed certificate (made by openssl), which no client should trust."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl absent : certificat de test impossible à fabriquer")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "2", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    listener = socket.create_server((HOST, 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        try:
            conn, _ = listener.accept()
            with conn, context.wrap_socket(conn, server_side=True) as tls:
                tls.sendall(b"* OK\r\n")
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield port
    listener.close()
    thread.join(timeout=5)


def test_an_untrusted_certificate_is_said_in_french(tls_server):
    with pytest.raises(MailError, match="Le certificat de sécurité du serveur IMAP 127.0.0.1:.* est refusé : il est "
                                        "auto-signé"), imap_session(_settings(tls_server, "ssl"), "x"):
        pass


def test_a_plain_server_on_an_encrypted_setting_is_said_in_french(tmp_path):
    listener = socket.create_server((HOST, 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        try:
            conn, _ = listener.accept()
            with conn:
                conn.sendall(b"* OK plain IMAP here\r\n")
                conn.recv(1000)
        except OSError:
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with pytest.raises(MailError, match="La connexion chiffrée avec le serveur IMAP .* a échoué"), \
                imap_session(_settings(port, "ssl"), "x"):
            pass
    finally:
        listener.close()
        thread.join(timeout=5)
