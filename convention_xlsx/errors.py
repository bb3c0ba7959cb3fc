"""French wording of the system's errors, so no English ``strerror`` reaches the user.

``OSError.strerror`` is the C library's sentence in the process's locale, usually
English ("Permission denied"); :func:`describe_os_error` says the same in French from
the error number, for every message that names a file the tool could not read or write.
"""

from __future__ import annotations

import errno

_REASONS = {
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.ENOSPC: "plus de place sur le disque",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EISDIR: "c'est un dossier",
    errno.ENOTDIR: "ce n'est pas un dossier",
    errno.EEXIST: "un fichier ou dossier de ce nom existe déjà",
    errno.ENAMETOOLONG: "nom de fichier trop long",
    errno.EBUSY: "fichier occupé par un autre programme",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.EMFILE: "trop de fichiers ouverts",
    errno.EXDEV: "le fichier ne peut pas être déplacé d'un disque à l'autre",
}


def describe_os_error(err: OSError) -> str:
    """The reason of ``err`` in French, from its error number (never the English ``strerror``)."""
    if err.errno in _REASONS:
        return _REASONS[err.errno]
    if err.errno is not None:
        return f"erreur système n° {err.errno}"
    return "erreur système"


class ArreteError(ValueError):
    """No date of arrêté is possible (the convention has not started); the message is French."""
