"""Password-protected workbooks: detected, and opened in memory only when the référent gives the password.

The decrypted bytes never touch the disk: msoffcrypto-tool writes them into a ``BytesIO``.
"""

from __future__ import annotations

import io

import msoffcrypto
from msoffcrypto.exceptions import InvalidKeyError

from .limits import ReadProblem

PASSWORD_VARIABLE = "CONVENTION_XLSX_MOT_DE_PASSE"


def is_encrypted(data: bytes) -> bool:
    """True when an OLE file (encrypted xlsx, or xls) is protected by a password."""
    try:
        return bool(msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted())
    except Exception:  # msoffcrypto raises many kinds on an unknown layout: then it is not decryptable
        return False


def decrypt(data: bytes, password: str | None, file_format: str) -> bytes:
    """The plain bytes of an encrypted file, or the ReadProblem that tells the référent what to do."""
    if not password:
        raise ReadProblem(
            "fichier-chiffre",
            "Le fichier est chiffré par un mot de passe : donnez le mot de passe par la variable "
            f"{PASSWORD_VARIABLE} ou à l'invite, ou demandez à la section de l'envoyer sans mot de passe.",
            file_format,
        )
    out = io.BytesIO()
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        office.decrypt(out)
    except InvalidKeyError as err:
        raise ReadProblem(
            "fichier-chiffre",
            "Le fichier est chiffré et le mot de passe donné ne l'ouvre pas : vérifiez le mot de passe, "
            "ou demandez à la section d'envoyer le classeur sans mot de passe.",
            file_format,
        ) from err
    except Exception as err:
        raise ReadProblem(
            "fichier-chiffre",
            "Le fichier est chiffré d'une manière que l'outil ne sait pas ouvrir : demandez à la section "
            "de l'envoyer sans mot de passe.",
            file_format,
        ) from err
    return out.getvalue()
