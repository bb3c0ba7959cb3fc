"""A run killed at any moment, and two runs at once: the outputs stay whole, the next run cleans up.

Real ``consolider`` subprocesses on a small demo folder (8 workbooks made through the template; the
national demo with ``CONVENTION_XLSX_KILL_SECTIONS=national``),
killed with SIGKILL at moments found by watching the output folders (no hook in the code): while
reading, while writing the returns, while writing the dashboard, just after the dashboard replaced
the previous one (the history being recorded), and while ``--chiffrer`` writes its plain scratch
workbook (which must never stay behind: it holds the dashboard unencrypted).
After each kill: the dashboard is the previous one or the new one, whole; the history passes
SQLite's integrity check and holds its months; the next run removes what the kill left.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import REPO

from convention_xlsx import history
from convention_xlsx.atomic import TEMP_PREFIX, atomic_path, is_leftover, remove_leftovers, scratch_path
from convention_xlsx.demo import plan_demo
from convention_xlsx.demo.files import write_config, write_workbooks
from convention_xlsx.lock import LOCK_FILE, WAIT_VARIABLE, LockBusy, folder_lock
from convention_xlsx.run import RunError, RunOptions, output_lock, run_month

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL et /proc : tests POSIX")

ARRETE = "2023-11-30"
SHEETS = {"Synthèse", "Établissements", "Bilan", "Anomalies"}


SECTIONS_VARIABLE = "CONVENTION_XLSX_KILL_SECTIONS"
"""Sections of the killed runs' input (default 8; ``national`` for the national demo, about 260)."""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, config):
    """8 demo workbooks (or the national demo, see :data:`SECTIONS_VARIABLE`) and their configuration."""
    import datetime as dt

    root = tmp_path_factory.mktemp("entrees")
    wanted = os.environ.get(SECTIONS_VARIABLE, "8")
    sections = None if wanted == "national" else int(wanted)
    plan = plan_demo(config, seed=3, sections=sections, today=dt.date(2024, 2, 1))
    demo_config = write_config(plan, config, root / "convention.toml")
    write_workbooks(plan, root / "classeurs", demo_config)
    return root / "classeurs", root / "convention.toml"


def _command(inputs, out: Path, *extra: str, arrete: str = ARRETE, returns: bool = True) -> list[str]:
    folder, config_file = inputs
    return [sys.executable, "-m", "convention_xlsx", "consolider", str(folder), "--config", str(config_file),
            "-o", str(out / "sorties" / "tdb.xlsx"), *(("--retours", str(out / "retours")) if returns else ()),
            "--arrete", arrete, "-q", *extra]


def _env(**more: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(REPO), "HOME": os.environ.get("HOME", "/tmp"),
            **more}


def _run(cmd: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=cwd, env=_env(**env))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _whole_dashboard(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        assert zf.testzip() is None
    names = set(openpyxl.load_workbook(path, read_only=True).sheetnames)
    assert names >= SHEETS, names


def _history_state(db: Path) -> tuple[str, list[str], int]:
    """(integrity check, months recorded, figures of the arrêté's month) — opened as the next run would."""
    history.roll_back_interrupted(db)
    conn = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        months = [m for (m,) in conn.execute("SELECT month FROM runs ORDER BY month")]
        count = conn.execute("SELECT count(*) FROM figures WHERE month = ?", (ARRETE[:7],)).fetchone()[0]
    finally:
        conn.close()
    return check, months, count


def _ours(out: Path) -> list[Path]:
    """Every hidden file under the output folders: temporary files of ours, the lock."""
    return sorted(p for p in out.rglob(".*") if p.is_file())


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def _kill_when(proc: subprocess.Popen, moment, timeout: float = 120) -> float:
    """SIGKILL ``proc`` as soon as ``moment()`` is true; the seconds it ran. Fails if it ended first."""
    started = time.monotonic()
    while not moment():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (code {proc.returncode}) before the moment: {proc.stderr.read()[-2000:]}")
        if time.monotonic() - started > timeout:
            proc.kill()
            pytest.fail("the moment never came")
        time.sleep(0.002)
    os.kill(proc.pid, signal.SIGKILL)
    ran = time.monotonic() - started
    proc.wait(30)
    time.sleep(0.2)
    with contextlib.suppress(ProcessLookupError):  # the reading children: gone with the session
        os.killpg(proc.pid, signal.SIGKILL)
    return ran


def _temps(folder: Path, pattern: str = "*"):
    return lambda: any(folder.rglob(f"{TEMP_PREFIX}{pattern}")) if folder.is_dir() else False


MOMENTS = {
    # While the pool reads: its children are running, nothing is written yet.
    "lecture": lambda out, proc: _reading(proc),
    # The returns are being rewritten: one of them replaced already (each is saved in memory, then
    # written and renamed at once: a temporary return lives too briefly to be waited for).
    "retours": lambda out, proc: _rewriting(out / "retours"),
    "tableau": lambda out, proc: _temps(out / "sorties", "*-tdb-*.xlsx"),
    # The new dashboard has replaced the previous one: the history is being recorded, or about to be.
    "historique": lambda out, proc: _replaced(out / "sorties" / "tdb.xlsx"),
    "chiffre": lambda out, proc: _temps(out / "sorties", "[0-9]*[0-9]-????????.xlsx"),
}


def _reading(proc: subprocess.Popen):
    if not Path("/proc").is_dir():  # no /proc (macOS): a second in, the pool is reading
        started = time.monotonic()
        return lambda: time.monotonic() - started > 1.0
    return lambda: len(_children(proc.pid)) >= 1


def _inodes(folder: Path) -> dict[str, int]:
    found = {}
    for path in folder.iterdir():
        with contextlib.suppress(FileNotFoundError):  # renamed meanwhile
            found[path.name] = path.stat().st_ino
    return found


def _rewriting(folder: Path):
    before = _inodes(folder)

    def moment() -> bool:
        now = _inodes(folder)
        return any(now.get(name) not in (None, ino) for name, ino in before.items()) or any(
            name.startswith(TEMP_PREFIX) for name in now)

    return moment


def _replaced(path: Path):
    before = path.stat().st_ino
    return lambda: path.exists() and path.stat().st_ino != before


def test_five_kills_leave_a_whole_dashboard_an_intact_history_and_no_leftover(inputs, tmp_path):
    """Each killed run is followed by the next kill's run, which must first remove what the kill left
    (it does so as soon as it holds the lock, before reading); a last, whole run ends the series."""
    out = tmp_path
    first = _run(_command(inputs, out, arrete="2023-10-31", returns=False), tmp_path)
    assert first.returncode == 0, first.stderr
    base = _run(_command(inputs, out), tmp_path)
    assert base.returncode == 0, base.stderr
    dashboard, db = out / "sorties" / "tdb.xlsx", out / "sorties" / "historique.sqlite"
    _, months, figures = _history_state(db)
    assert months == ["2023-10", "2023-11"] and figures > 100
    returns = sorted(p.name for p in (out / "retours").iterdir())
    assert returns

    left: list[Path] = []
    for moment, watch in MOMENTS.items():
        previous = _sha(dashboard)
        extra = ("--chiffrer",) if moment == "chiffre" else ()
        env = _env(CONVENTION_XLSX_MOT_DE_PASSE_SORTIE="secret")
        proc = subprocess.Popen(_command(inputs, out, *extra), cwd=tmp_path, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        ran = _kill_when(proc, watch(out, proc))
        print(f"tué pendant « {moment} » après {ran:.2f} s")  # shown with pytest -s
        assert not any(p.exists() for p in left), (moment, left)  # the previous kill's, removed by this run

        # Right after the kill: the dashboard is the previous one or a new one, whole; the history holds.
        _whole_dashboard(dashboard)
        if moment in ("lecture", "retours", "tableau", "chiffre"):
            assert _sha(dashboard) == previous, moment
        assert _history_state(db) == ("ok", ["2023-10", "2023-11"], figures), moment
        for path in (out / "retours").iterdir():
            if not path.name.startswith("."):
                openpyxl.load_workbook(path, read_only=True).close()  # every return whole
        left = [p for p in _ours(out) if p.name.startswith(TEMP_PREFIX)]
        if moment in ("tableau", "chiffre"):
            assert left, moment

    # The next run takes over the lock the last kill left, removes the leftovers, writes everything.
    again = _run(_command(inputs, out), tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stdout + again.stderr
    assert "laissé(s) par un traitement interrompu, supprimé(s)" in again.stdout
    assert _ours(out) == []
    assert not (out / "sorties" / LOCK_FILE).exists()
    _whole_dashboard(dashboard)
    assert _history_state(db) == ("ok", ["2023-10", "2023-11"], figures)
    assert sorted(p.name for p in (out / "retours").iterdir()) == returns


def test_two_runs_at_once_end_cleanly_with_one_whole_dashboard(inputs, tmp_path):
    """Both started together, a short wait: one writes, the other says in French that a run is in progress.

    With the returns a run holds the lock some 4 s, far longer than the two take to start."""
    cmd = _command(inputs, tmp_path)
    procs = [subprocess.Popen(cmd, cwd=tmp_path, env=_env(**{WAIT_VARIABLE: "0.5"}), text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    done = [(p.wait(300), *p.communicate()) for p in procs]
    codes = sorted(code for code, _, _ in done)
    assert codes == [0, 1], done
    refused = next(err for code, _, err in done if code == 1)
    assert "Un autre traitement est en cours sur" in refused and "relancez" in refused
    assert "Traceback" not in refused and "Erreur inattendue" not in refused
    _whole_dashboard(tmp_path / "sorties" / "tdb.xlsx")
    assert _history_state(tmp_path / "sorties" / "historique.sqlite")[:2] == ("ok", ["2023-11"])
    assert _ours(tmp_path) == []


def test_a_second_run_waits_for_the_first_then_runs(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", (
        "import time; from convention_xlsx.lock import folder_lock\n"
        f"with folder_lock({str(tmp_path)!r}):\n    print('pris', flush=True); time.sleep(1.0)")],
        env=_env(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "pris"
    started = time.monotonic()
    with folder_lock(tmp_path, wait=30):
        waited = time.monotonic() - started
    assert 0.3 < waited < 10
    assert holder.wait(10) == 0


def test_the_lock_is_refused_in_french_after_the_wait_and_freed_by_a_killed_holder(tmp_path, config):
    import datetime as dt

    folder = tmp_path / "sorties"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from convention_xlsx.lock import folder_lock\n"
        f"with folder_lock({str(folder)!r}):\n    print('pris', flush=True); time.sleep(600)")],
        env=_env(), stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "pris"
    options = RunOptions(output=folder / "tdb.xlsx", arrete=dt.date(2023, 11, 30), today=dt.date(2024, 2, 1),
                         lock_wait=0.5)
    started = time.monotonic()
    with pytest.raises(RunError) as refused:
        run_month(tmp_path, config, options)
    assert 0.5 <= time.monotonic() - started < 5
    assert f"Un autre traitement est en cours sur {folder} (processus {holder.pid} sur " in str(refused.value)
    assert "attendu 0,5 s" in str(refused.value)
    assert not (folder / "tdb.xlsx").exists()

    holder.send_signal(signal.SIGKILL)  # killed while holding it: the system releases the lock with it
    holder.wait(10)
    assert (folder / LOCK_FILE).exists()  # the stale file stays until the next holder takes it over
    with folder_lock(folder, wait=0) as path:
        assert path.read_text().split()[0] == str(os.getpid())
    assert not (folder / LOCK_FILE).exists()


def test_the_lock_excludes_within_one_process_too(tmp_path):
    busy = pytest.raises(LockBusy, match="Un autre traitement est en cours")
    with folder_lock(tmp_path, wait=0), busy, folder_lock(tmp_path, wait=0.2):
        pass
    with folder_lock(tmp_path, wait=0):
        pass


def test_a_history_killed_mid_transaction_is_rolled_back_by_the_next_read(tmp_path):
    """SQLite's hot journal: the next run reads the history as it was, never « illisible »."""
    db = tmp_path / "historique.sqlite"
    history.record(db, _run_row("2023-10"), [("2023-10", "x", "national", 1.0)])
    script = (
        "import os, signal, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1]); conn.execute('PRAGMA cache_size=1')\n"
        "conn.execute('DELETE FROM figures')\n"
        "conn.executemany('INSERT INTO figures VALUES (\\'2023-10\\', ?, \\'s\\', 1.0)', [(str(i),) for i in range(20000)])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n")
    done = subprocess.run([sys.executable, "-c", script, str(db)], env=_env(), timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert db.with_name(db.name + "-journal").exists()  # the kill left SQLite's journal: the file is mid-write
    frame = history.load(db)  # before the fix: HistoryError « illisible … déplacez-le »
    assert frame[["month", "indicator", "value"]].values.tolist() == [["2023-10", "x", 1.0]]
    assert not db.with_name(db.name + "-journal").exists()
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _run_row(month: str) -> dict:
    row = dict.fromkeys(history.RUN_COLUMNS, 0)
    row.update(month=month, arrete=f"{month}-28", generated_at="2023-11-01T00:00:00", source=history.RUN,
               tool_version="t", template_version="t")
    return row


def test_leftovers_are_ours_only_and_never_a_living_writer(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    sleeper_pid = sleeper.pid
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    try:
        names = {
            f"{TEMP_PREFIX}{dead}-tdb-abcd1234.xlsx": True,  # a killed run's dashboard
            f"{TEMP_PREFIX}{dead}-k2j3h4g5.xlsx": True,  # a killed run's PDF scratch
            ".convention-xlsx-ab12cd34.xlsx": True,  # an earlier version's scratch
            ".tdb-x1y2z3w4.xlsx": True,  # an earlier version's temporary dashboard
            f"{TEMP_PREFIX}{sleeper_pid}-tdb-abcd1234.xlsx": False,  # a living writer's
            f"{TEMP_PREFIX}{os.getpid()}-tdb-abcd1234.xlsx": False,  # this process's own
            ".tdb-notes.xlsx": False, ".cache.xlsx": False, "tdb.xlsx": False, ".convention-xlsx.lock": False,
            "historique.sqlite-journal": False,  # SQLite's: it rolls the history back
        }
        for name in names:
            (tmp_path / name).write_bytes(b"x")
        (tmp_path / "sous").mkdir()
        (tmp_path / "sous" / f"{TEMP_PREFIX}{dead}-retour-abcd1234.xlsx").write_bytes(b"x")
        assert {n: is_leftover(n, ("tdb",)) for n in names} == names
        removed = remove_leftovers(tmp_path, ("tdb",))
        assert sorted(p.name for p in removed) == sorted(n for n, ours in names.items() if ours)
        assert (tmp_path / "sous" / f"{TEMP_PREFIX}{dead}-retour-abcd1234.xlsx").exists()  # not recursive
        assert [p.parent.name for p in remove_leftovers(tmp_path, recursive=True)] == ["sous"]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_temporary_names_are_ours_and_nothing_stays(tmp_path):
    with atomic_path(tmp_path / "tdb.xlsx") as tmp:
        assert tmp.name.startswith(f"{TEMP_PREFIX}{os.getpid()}-tdb-") and tmp.suffix == ".xlsx"
        tmp.write_bytes(b"x")
    with scratch_path(tmp_path, ".xlsx") as scratch:
        assert scratch.name.startswith(f"{TEMP_PREFIX}{os.getpid()}-")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tdb.xlsx"]


def test_output_lock_cleans_the_output_and_returns_folders(tmp_path):
    import datetime as dt

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    (tmp_path / "sorties").mkdir()
    (tmp_path / "retours" / "ANVP").mkdir(parents=True)
    left = [tmp_path / "sorties" / f"{TEMP_PREFIX}{dead}-tdb-aaaa1111.xlsx",
            tmp_path / "retours" / "ANVP" / f"{TEMP_PREFIX}{dead}-x_a_corriger-bbbb2222.xlsx"]
    for path in left:
        path.write_bytes(b"x")
    options = RunOptions(output=tmp_path / "sorties" / "tdb.xlsx", arrete=dt.date(2023, 11, 30),
                         today=dt.date(2024, 2, 1), returns_dir=tmp_path / "retours")
    with output_lock(options) as cleaned:
        assert (tmp_path / "sorties" / LOCK_FILE).exists()
        assert sorted(cleaned) == sorted(left)
    assert not any(p.exists() for p in left)
    assert not (tmp_path / "sorties" / LOCK_FILE).exists()


def test_a_killed_runs_report_leftover_is_removed_beside_the_json(inputs, tmp_path):
    """The JSON report may be written outside the output folder: the copy of it a killed run left goes too,
    and nothing else of that folder."""
    from click.testing import CliRunner

    from convention_xlsx.cli import main

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    reports = tmp_path / "rapports"
    reports.mkdir()
    left = reports / f"{TEMP_PREFIX}{dead}-rapport-abcd1234.json"
    left.write_text("{")
    foreign = reports / f"{TEMP_PREFIX}{dead}-tdb-abcd1234.xlsx"  # not this report's: maybe another machine's run
    foreign.write_bytes(b"x")
    folder, config_file = inputs
    done = CliRunner().invoke(main, ["consolider", str(folder), "--config", str(config_file), "-o",
                                     str(tmp_path / "sorties" / "tdb.xlsx"), "--arrete", ARRETE, "-q",
                                     "--json", str(reports / "rapport.json")])
    assert done.exit_code == 0, done.output
    assert not left.exists() and (reports / "rapport.json").is_file() and foreign.exists()
    assert "1 fichier(s) temporaire(s)" in done.output
