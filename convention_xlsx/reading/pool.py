"""Read many files in child processes: in parallel, in chunks, and so that no file can take the run down.

Why children, always: a hostile file can make the Rust parser abort the process (a 5 KB xlsx that
declares a cell at ``XFD200000`` asks for a 100 GB allocation), loop, or exhaust memory. So every
file is parsed in a child process, even for a small batch (then one child reads them all: its
start costs about a tenth of a second, the price of never parsing untrusted bytes in the run's own
process). Each child limits its address space (``RLIMIT_AS``) and, per file, its CPU time
(``RLIMIT_CPU``: the kernel stops a parser stuck in native code, where a Python alarm could not);
the parent also watches wall time and kills a child that overruns.

Why our own small pool rather than ``ProcessPoolExecutor``: the executor breaks as a whole when
one worker dies and cannot say which file killed it. Here a child announces each file before
reading it, so when it dies the parent knows the file: it re-reads that file alone in a fresh child
(a crash may come from the state left by earlier files; a CPU overrun is not retried), and only
if that child dies too is the file reported as ``lecture-interrompue``. The rest of the chunk goes on in another child.

Why chunks: sending one file per task costs more than it saves (measured for the benchmark
issue); a child receives a list of files and sends one result per file.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path

from .limits import DEFAULT_LIMITS, Limits
from .model import RawWorkbook, ReadFailure
from .workbook import describe_file, read_workbook

try:
    import resource
except ImportError:  # Windows: no rlimits; the parent's wall-time watchdog still applies
    resource = None  # type: ignore[assignment]

__all__ = ["DEFAULT_LIMITS", "Limits", "read_many"]

Result = RawWorkbook | ReadFailure
Reader = Callable[[Path, "Path | None", "str | None", Limits], Result]
"""The per-file reader run in the children (``read_workbook``; a test may give another one)."""

START_METHOD_VARIABLE = "CONVENTION_XLSX_START_METHOD"
"""Environment variable: the start method of the reading children (``spawn``, ``forkserver``, ``fork``)."""
SMALL_BATCH = 8
MAX_CHUNK = 32
_MAX_STARTUP_DEATHS = 3


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def read_many(
    paths: Sequence[Path],
    root: Path,
    password: str | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    reader: Reader = read_workbook,
    start_method: str | None = None,
) -> list[Result]:
    """Read every path in child processes; the results are in the order of ``paths``.

    Never raises for anything a file holds: a child that dies or overruns becomes a ReadFailure
    for the one file it was reading. ``progress(done, total)`` is called in this process.
    ``start_method``: see :func:`_context` (default: forkserver where it exists, else spawn).
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    workers = max(1, workers or default_workers())
    if len(paths) < SMALL_BATCH:
        chunks = [list(range(len(paths)))]
    else:
        size = max(1, min(MAX_CHUNK, math.ceil(len(paths) / (workers * 4))))
        chunks = [list(range(i, min(i + size, len(paths)))) for i in range(0, len(paths), size)]
    pool = _Pool(paths, root, password, limits, reader, progress, start_method)
    return pool.run(chunks, min(workers, len(chunks)))


@dataclass
class _Task:
    indices: list[int]
    retry: bool = False
    """A single file re-read alone in a fresh child after a child died on it."""


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    task: _Task | None = None
    done: set[int] = field(default_factory=set)
    current: int | None = None
    started: float = 0.0
    timed_out: bool = False


class _Pool:
    def __init__(self, paths: list[Path], root: Path, password: str | None, limits: Limits,
                 reader: Reader, progress: Callable[[int, int], None] | None,
                 start_method: str | None = None) -> None:
        self.paths, self.root, self.password, self.limits = paths, root, password, limits
        self.reader, self.progress = reader, progress
        self.results: list[Result | None] = [None] * len(paths)
        self.finished = 0
        self.startup_deaths = 0
        self.context = _context(start_method)

    def run(self, chunks: list[list[int]], size: int) -> list[Result]:
        queue = deque(_Task(chunk) for chunk in chunks)
        workers: list[_Worker] = []
        try:
            while queue or any(w.task for w in workers):
                self._assign(queue, workers, size)
                busy = [w for w in workers if w.task]
                wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=0.5)
                for worker in busy:
                    if not self._drain(worker, queue):
                        workers.remove(worker)
        finally:
            for worker in workers:
                _stop(worker)
        missing = [self.paths[i] for i, r in enumerate(self.results) if r is None]
        if missing:
            raise RuntimeError(f"files left unread by the pool: {missing}")
        return self.results  # type: ignore[return-value]

    def _assign(self, queue: deque[_Task], workers: list[_Worker], size: int) -> None:
        """Give queued tasks to idle children; a retry always gets a fresh child of its own."""
        while queue:
            task = queue[0]
            idle = next((w for w in workers if w.task is None), None)
            if task.retry or idle is None:
                if len([w for w in workers if w.task]) >= size:
                    return
                if idle is not None:  # make room: the retry must not share a used child
                    _stop(idle)
                    workers.remove(idle)
                idle = self._start()
                workers.append(idle)
            queue.popleft()
            idle.task, idle.done, idle.current = task, set(), None
            idle.conn.send([(i, str(self.paths[i])) for i in task.indices])

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(
            target=_child_main, args=(child, self.root, self.password, self.limits, self.reader), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)

    def _drain(self, worker: _Worker, queue: deque[_Task]) -> bool:
        """Handle what a child sent; False when it died (its task is then requeued or failed)."""
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass
        if worker.task is None:
            if worker.process.is_alive():
                return True
            worker.conn.close()
            return False
        if worker.process.is_alive() and not self._overran(worker):
            return True
        self._on_death(worker, queue)
        return False

    def _handle(self, worker: _Worker, message: tuple) -> None:
        kind = message[0]
        if kind == "start":
            worker.current, worker.started = message[1], time.monotonic()
            self.startup_deaths = 0
        elif kind == "done":
            self._record(message[1], message[2])
            worker.done.add(message[1])
            worker.current = None
        elif kind == "idle":
            retired = worker.task is not None and worker.task.retry
            worker.task = None
            if retired:
                _stop(worker)

    def _overran(self, worker: _Worker) -> bool:
        """Wall-time watchdog: kill a child stuck on one file well beyond its CPU allowance."""
        allowed = 3 * self.limits.seconds_per_file + 5
        if worker.current is not None and time.monotonic() - worker.started > allowed:
            worker.timed_out = True
            worker.process.kill()
            worker.process.join(5)
            return True
        return False

    def _on_death(self, worker: _Worker, queue: deque[_Task]) -> None:
        worker.process.join(5)
        worker.conn.close()
        task, culprit = worker.task, worker.current
        assert task is not None
        rest = [i for i in task.indices if i not in worker.done and i != culprit]
        if rest:
            queue.appendleft(_Task(rest))
        if culprit is None:
            self.startup_deaths += 1
            if self.startup_deaths > _MAX_STARTUP_DEATHS:
                raise RuntimeError("the reading processes die before reading any file: "
                                   f"exit code {worker.process.exitcode}")
        elif task.retry or worker.timed_out or _cpu_exceeded(worker):
            self._record(culprit, self._interrupted(culprit, worker))
        else:
            queue.appendleft(_Task([culprit], retry=True))

    def _interrupted(self, index: int, worker: _Worker) -> ReadFailure:
        exitcode = worker.process.exitcode or 0
        if worker.timed_out or _cpu_exceeded(worker):
            why = (f"la lecture a dépassé le temps permis ({self.limits.seconds_per_file:.0f} s de calcul "
                   "par fichier)")
        else:
            why = (f"le lecteur s'est arrêté brutalement (code {exitcode}) : mémoire dépassée "
                   f"({self.limits.memory_bytes // (1024 * 1024)} Mio au plus) ou fichier qui le fait échouer")
        return ReadFailure(
            info=describe_file(self.paths[index], self.root),
            code="lecture-interrompue",
            reason=f"Le fichier n'a pas pu être lu : {why}. Il est anormalement gros, corrompu ou construit "
                   "pour nuire ; demandez à la section de recopier ses données dans le modèle et de le renvoyer.",
        )

    def _record(self, index: int, result: Result) -> None:
        if self.results[index] is None:
            self.finished += 1
        self.results[index] = result
        if self.progress is not None:
            self.progress(self.finished, len(self.paths))


def _cpu_exceeded(worker: _Worker) -> bool:
    """The kernel stopped the child for CPU time: retrying would only wait as long again."""
    return hasattr(signal, "SIGXCPU") and worker.process.exitcode == -signal.SIGXCPU


def _context(method: str | None = None) -> multiprocessing.context.BaseContext:
    """``forkserver`` where it exists (fast starts, safe with threads), else ``spawn`` (Windows, and
    macOS's default): or the start method asked, by ``method`` or :data:`START_METHOD_VARIABLE`
    (so that the suite runs the pool as Windows and macOS do, on Linux)."""
    method = method or os.environ.get(START_METHOD_VARIABLE) or None
    if method in multiprocessing.get_all_start_methods() and method != "forkserver":
        return multiprocessing.get_context(method)
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["convention_xlsx.reading.workbook"])
        return context
    return multiprocessing.get_context("spawn")


def _stop(worker: _Worker) -> None:
    with contextlib.suppress(OSError, ValueError):
        worker.conn.send(None)
    worker.process.join(2)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(2)
    worker.conn.close()


def _child_main(conn: Connection, root: Path, password: str | None, limits: Limits, reader: Reader) -> None:
    """A reading child: receive chunks of (index, path), announce and read each file, send the result."""
    _silence_stderr()
    _limit_memory(limits.memory_bytes)
    while True:
        task = conn.recv()
        if task is None:
            return
        for index, path in task:
            conn.send(("start", index))
            _limit_cpu(limits.seconds_per_file)
            conn.send(("done", index, reader(Path(path), root, password, limits)))
        conn.send(("idle",))


def _silence_stderr() -> None:
    """A native parser that aborts prints its backtrace on stderr: the référent must not see it."""
    os.environ["RUST_BACKTRACE"] = "0"
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _limit_memory(memory_bytes: int) -> None:
    if resource is None:
        return
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a killed child must not leave a core file
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory_bytes = min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, hard))


def _limit_cpu(seconds: float) -> None:
    """Allow ``seconds`` more CPU time from now (SIGXCPU stops the child beyond it)."""
    if resource is None:
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
