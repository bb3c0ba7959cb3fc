"""Outputs are written atomically: to a temporary file beside the target, then renamed.

A run that stops half-way never leaves a half-written dashboard where the previous
one was, and an input is never opened for writing.

Every temporary file this tool makes is named ``.convention-xlsx-tmp-<pid>-<stem>-<random><suffix>``
(:data:`TEMP_PREFIX`, then the id of the process that writes it): a run killed while writing
(``SIGKILL``, a power cut) leaves one behind, and :func:`remove_leftovers` — called by the next
run once it holds the output folder's lock (:mod:`convention_xlsx.lock`) — removes exactly those,
never a file of the user's, and never one a living process is still writing.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

TEMP_PREFIX = ".convention-xlsx-tmp-"
_OURS = re.compile(r"^\.convention-xlsx-tmp-(\d{1,10})-")
_LEGACY_SCRATCH = re.compile(r"^\.convention-xlsx-[a-z0-9_]{8}\.(?:xlsx|pdf)$")
"""Scratch names of earlier versions (no process id): ours by their prefix."""
_MKSTEMP_TAIL = r"-[a-z0-9_]{8}"


def _temporary(folder: Path, stem: str, suffix: str) -> Path:
    prefix = f"{TEMP_PREFIX}{os.getpid()}-{stem}-" if stem else f"{TEMP_PREFIX}{os.getpid()}-"
    fd, tmp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    os.close(fd)
    return Path(tmp)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in ``target``'s folder; on success it replaces ``target``."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(target.parent, target.stem, target.suffix)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; an output is an ordinary file
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_text(target: Path, text: str) -> None:
    """Write a text file atomically (UTF-8)."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8")


@contextlib.contextmanager
def scratch_path(folder: Path, suffix: str) -> Iterator[Path]:
    """A temporary file in ``folder`` (same disk as the output), always removed afterwards."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = _temporary(folder, "", suffix)
    try:
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def is_leftover(name: str, stems: tuple[str, ...] = ()) -> bool:
    """Whether ``name`` is a temporary file of ours that no living process is writing.

    Ours: :data:`TEMP_PREFIX` and a process id that is not running (nor this process); the
    scratch files of earlier versions (``.convention-xlsx-XXXXXXXX.xlsx``); and, for each output
    stem in ``stems``, the temporary name earlier versions gave it (``.<stem>-XXXXXXXX<suffix>``).
    """
    match = _OURS.match(name)
    if match:
        pid = int(match.group(1))
        return pid != os.getpid() and not process_alive(pid)
    if _LEGACY_SCRATCH.match(name):
        return True
    return any(re.fullmatch(rf"\.{re.escape(stem)}{_MKSTEMP_TAIL}\.[a-z]{{3,4}}", name) for stem in stems if stem)


def remove_leftovers_of(target: Path) -> list[Path]:
    """Remove the temporary copies of ``target`` that killed runs left beside it, and nothing else of the
    folder (it may be anyone's: a report written outside the output folder); the paths removed."""
    target = Path(target)
    ours = re.compile(rf"^{re.escape(TEMP_PREFIX)}(\d{{1,10}})-{re.escape(target.stem)}-.*{re.escape(target.suffix)}$")
    removed = []
    with contextlib.suppress(OSError):
        for path in sorted(target.parent.glob(".*")):
            match = ours.match(path.name)
            if match and int(match.group(1)) != os.getpid() and not process_alive(int(match.group(1))) \
                    and path.is_file() and not path.is_symlink():
                with contextlib.suppress(FileNotFoundError, PermissionError):
                    path.unlink()
                    removed.append(path)
    return removed


def remove_leftovers(folder: Path, stems: tuple[str, ...] = (), recursive: bool = False) -> list[Path]:
    """Remove the temporary files a killed run left in ``folder`` (see :func:`is_leftover`); the paths removed."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    removed = []
    for path in sorted(folder.rglob(".*") if recursive else folder.glob(".*")):
        if is_leftover(path.name, stems) and path.is_file() and not path.is_symlink():
            with contextlib.suppress(FileNotFoundError, PermissionError):
                path.unlink()
                removed.append(path)
    return removed


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` is running on this machine (True when it cannot be told)."""
    if pid <= 0:
        return False
    try:
        if os.name == "nt":  # os.kill(pid, 0) would terminate the process on Windows
            return _windows_process_alive(pid)
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    except Exception:  # noqa: BLE001 - another OSError, or a number no process can have (OverflowError here,
        return True  # ctypes.ArgumentError on Windows): not ours to judge, so left alone
    return True


def _windows_process_alive(pid: int) -> bool:
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32.OpenProcess.restype = wintypes.HANDLE  # a 64-bit handle, not C's int
    kernel32.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
    kernel32.GetExitCodeProcess.argtypes = (wintypes.HANDLE, ctypes.POINTER(wintypes.DWORD))
    kernel32.CloseHandle.argtypes = (wintypes.HANDLE,)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
