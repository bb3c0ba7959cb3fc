"""One run at a time per output folder: an exclusive lock on ``sorties/.convention-xlsx.lock``.

Why: two ``consolider`` started at once on the same ``sorties/`` would both rewrite the
dashboard, the returns and the history; each write is atomic, but the dashboard of one run could
end up beside the history of the other. So the run takes this lock before it reads anything and
keeps it until its last output is written; a second run waits a bounded time
(:data:`DEFAULT_WAIT`, or the variable :data:`WAIT_VARIABLE`), then stops with a French
:class:`LockBusy` naming the run in progress.

The lock is the operating system's (``fcntl.flock``; ``msvcrt.locking`` on Windows), held on an
open file: a run killed by ``SIGKILL`` or a power cut releases it with its process, so a lock is
never stale. The file holds who took it (process, machine, time) for the message; the holder
removes it when it is done, and one left by a killed run is simply taken over by the next.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]
    import msvcrt

LOCK_FILE = ".convention-xlsx.lock"
DEFAULT_WAIT = 30.0
"""Seconds a run waits for another run on the same output folder before giving up."""
WAIT_VARIABLE = "CONVENTION_XLSX_ATTENTE_VERROU"
"""Environment variable: seconds to wait for the lock (instead of :data:`DEFAULT_WAIT`)."""
_POLL = 0.1


class LockBusy(Exception):
    """Another run holds the output folder's lock (French message)."""


def default_wait() -> float:
    """:data:`DEFAULT_WAIT`, or the seconds given by :data:`WAIT_VARIABLE` when it holds a number ≥ 0."""
    try:
        value = float(os.environ.get(WAIT_VARIABLE, ""))
    except ValueError:
        return DEFAULT_WAIT
    return value if value >= 0 else DEFAULT_WAIT


@contextlib.contextmanager
def folder_lock(folder: Path, wait: float | None = None) -> Iterator[Path]:
    """Hold the exclusive lock of ``folder`` (created if needed); yield the lock file's path.

    Waits up to ``wait`` seconds (default :func:`default_wait`) for another holder, then raises
    :class:`LockBusy`. OSError passes (an output folder that cannot be created or written).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_FILE
    wait = default_wait() if wait is None else wait
    deadline = time.monotonic() + wait
    while True:
        handle = open(path, "a+b")  # noqa: SIM115 (kept open while the lock is held)
        try:
            if _try_lock(handle) and _same_file(handle, path):
                break
        except BaseException:
            handle.close()
            raise
        handle.close()
        if time.monotonic() >= deadline:
            raise LockBusy(_busy_message(folder, path, wait))
        time.sleep(_POLL)
    try:
        _write_owner(handle)
        yield path
    finally:
        with contextlib.suppress(OSError):  # removed while held: a waiter then locks a new file
            path.unlink()
        with contextlib.suppress(OSError):
            _unlock(handle)
        handle.close()


def _try_lock(handle) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except (BlockingIOError, PermissionError):
        return False
    except OSError as err:  # Windows reports a held region as EACCES/EDEADLK
        if fcntl is None:
            return False
        raise err
    return True


def _unlock(handle) -> None:
    if fcntl is not None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    else:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


def _same_file(handle, path: Path) -> bool:
    """The locked file is still the one at ``path`` (its holder may have removed it meanwhile)."""
    try:
        here, there = os.fstat(handle.fileno()), os.stat(path)
    except OSError:
        return False
    return os.name == "nt" or (here.st_ino, here.st_dev) == (there.st_ino, there.st_dev)


_OWNER_OFFSET = 0 if fcntl is not None else 1
"""Where the holder's line starts: on Windows after the locked first byte, which others cannot read."""


def _write_owner(handle) -> None:
    """Who holds the lock: ``pid host time``."""
    line = f"{os.getpid()} {socket.gethostname()} {dt.datetime.now().isoformat(timespec='seconds')}\n"
    with contextlib.suppress(OSError):
        handle.seek(0)
        handle.truncate()
        handle.write(b"\n" * _OWNER_OFFSET + line.encode("utf-8"))  # the file is opened to append
        handle.flush()


def owner(path: Path) -> tuple[str, str, str] | None:
    """(process id, machine, start time) written in the lock file, or None when unreadable."""
    try:
        with open(path, "rb") as handle:
            handle.seek(_OWNER_OFFSET)
            text = handle.read(512).decode("utf-8", "replace").strip()
    except OSError:
        return None
    parts = text.split()
    return (parts[0], parts[1], parts[2]) if len(parts) == 3 else None


def _busy_message(folder: Path, path: Path, wait: float) -> str:
    who = owner(path)
    detail = ""
    if who is not None:
        pid, host, started = who
        try:
            since = dt.datetime.fromisoformat(started).strftime("le %d/%m/%Y à %H:%M:%S")
        except ValueError:
            since = started
        detail = f" (processus {pid} sur {host}, commencé {since})"
    waited = f"{wait:.0f}" if wait >= 10 or wait == int(wait) else f"{wait:.1f}".replace(".", ",")
    return (f"Un autre traitement est en cours sur {folder}{detail} : attendu {waited} s sans qu'il se termine. "
            "Attendez qu'il ait fini, puis relancez ; aucun fichier n'a été écrit par ce traitement-ci.")
