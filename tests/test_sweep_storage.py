"""Sweeps on Optuna's RDB storage, through faults: two worker processes and a joiner with a runs
folder of its own share one study on a real PostgreSQL server (and on an SQLite file); one worker
is killed mid-trial and the storage goes away mid-sweep (the server stopped and started again, the
SQLite file held locked); no finished trial is lost and the sweep completes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.runs.status import read_run
from tests.postgres_server import PostgresServer, binaries

optuna = pytest.importorskip("optuna")

NNTUI = [sys.executable, "-m", "tui.cli"]
TRIALS = 8
SWEEP = f"""\
[sweep]
base = "moons"
trials = {TRIALS}
metric = "test_loss"
sampler = "random"
pruner = "none"
seed = 1
[fields]
"train.epochs" = 600
"train.log_interval" = 20
"data.samples" = 120
[space]
"train.lr" = {{ low = 0.001, high = 0.1, log = true }}
"""


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgresServer]:
    """A running throwaway cluster, removed after the module's tests."""
    folder = binaries()
    if folder is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): apt-get install postgresql")
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    server = PostgresServer(folder)
    try:
        server.start()
        yield server
    finally:
        server.remove()


def trials_in(url: str) -> list:
    """The sweep's trials, read by a storage of the test's own (a fresh connection each time)."""
    from sqlalchemy.pool import NullPool

    if url not in READERS:
        READERS[url] = optuna.storages.RDBStorage(url, engine_kwargs={"poolclass": NullPool})
    return optuna.load_study(study_name="faults", storage=READERS[url]).trials


READERS: dict[str, object] = {}


def wait_for(what: str, condition: Callable[[], bool], processes: list[subprocess.Popen], within: float = 120) -> None:
    deadline = time.monotonic() + within
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        for process in processes:
            assert process.poll() is None, f"a sweep process ended early ({what}): {process.stderr.read()}"
        time.sleep(0.2)


def parent_of(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def quietly(read: Callable[[], list]) -> list:
    """The trials, or none before the study exists, while a worker holds the SQLite file, or while
    a worker creates the tables this reader's storage also tried to create (PostgreSQL's types)."""
    from sqlalchemy.exc import IntegrityError, OperationalError

    try:
        return read()
    except (KeyError, IntegrityError, OperationalError, optuna.exceptions.StorageInternalError):
        return []


def sweep_through_faults(tmp_path: Path, url: str, outage: Callable[[], None]) -> None:
    """Two workers under one command and a joiner; kill -9 one worker mid-trial; `outage()` once a
    trial has completed; then every completed trial is still there and the sweep has its number."""
    path = tmp_path / "faults.toml"
    path.write_text(SWEEP)
    first = subprocess.Popen([*NNTUI, "sweep", str(path), "--jobs", "2", "--storage", url, "--json",
                              "--runs-dir", str(tmp_path / "runs")], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    wait_for("the study", lambda: bool(quietly(lambda: trials_in(url))), [first])
    joiner = subprocess.Popen([*NNTUI, "sweep", "--join", url, "--json", "--runs-dir", str(tmp_path / "other")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    processes = [first, joiner]

    def running_under_first() -> list:
        return [t for t in quietly(lambda: trials_in(url)) if t.state == optuna.trial.TrialState.RUNNING
                and "worker" in t.user_attrs and parent_of(int(t.user_attrs["worker"].split("@")[0])) == first.pid]

    wait_for("a trial of the first command's workers", lambda: bool(running_under_first()), processes)
    killed = running_under_first()[0]
    os.kill(int(killed.user_attrs["worker"].split("@")[0]), signal.SIGKILL)
    wait_for("a completed trial", lambda: any(t.state == optuna.trial.TrialState.COMPLETE
                                              for t in quietly(lambda: trials_in(url))), processes)
    before = {t.number: t.value for t in trials_in(url) if t.state == optuna.trial.TrialState.COMPLETE}
    outage()
    outputs = [process.communicate(timeout=240) for process in processes]
    assert [process.returncode for process in processes] == [0, 0], [err for _, err in outputs]
    assert f"died (killed by signal 9); its trial {killed.number} is failed" in outputs[0][1]
    trials = trials_in(url)
    after = {t.number: t.value for t in trials if t.state == optuna.trial.TrialState.COMPLETE}
    assert before.items() <= after.items(), "a completed trial was lost or changed"
    assert len(after) >= TRIALS
    assert trials[killed.number].state == optuna.trial.TrialState.FAIL
    folders = [Path(t.user_attrs["folder"]) for t in trials if t.number in after]
    assert all(read_run(folder).status == "completed" for folder in folders)
    assert any(folder.is_relative_to(tmp_path / "other") for folder in folders), "the joiner ran no trial"
    finished = json.loads(outputs[0][0].splitlines()[-1])
    assert finished["trials"] >= TRIALS and (tmp_path / "runs" / "faults" / "best.toml").exists()


@pytest.mark.database
def test_a_sweep_on_postgresql_survives_a_killed_worker_and_a_server_restart(tmp_path: Path,
                                                                            postgres: PostgresServer) -> None:
    """The server stopped (connections cut) for two seconds and started again mid-sweep."""
    def restart() -> None:
        postgres.stop()
        time.sleep(2)
        postgres.start()

    sweep_through_faults(tmp_path, postgres.url, restart)


@pytest.mark.database
def test_a_sweep_on_sqlite_survives_a_killed_worker_and_a_locked_file(tmp_path: Path) -> None:
    """The database file held under an exclusive lock for longer than SQLite's own wait (5 s)."""
    database = tmp_path / "sweep.db"

    def lock() -> None:
        holder = sqlite3.connect(database, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        time.sleep(7)
        holder.execute("COMMIT")
        holder.close()

    sweep_through_faults(tmp_path, f"sqlite:///{database}", lock)


def test_an_unreachable_database_is_refused_in_one_line(tmp_path: Path) -> None:
    """No server on the port: exit 2 naming --storage and the driver's reason, the password hidden."""
    pytest.importorskip("psycopg", reason="the postgres extra (psycopg) is not installed")
    from tests.postgres_server import free_port

    path = tmp_path / "faults.toml"
    path.write_text(SWEEP)
    done = subprocess.run([*NNTUI, "sweep", str(path), "--storage", f"postgresql://me:secret@127.0.0.1:{free_port()}/x",
                           "--runs-dir", str(tmp_path / "runs")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "secret" not in done.stderr
    assert done.stderr.startswith("nntui: error: --storage postgresql://me:***@127.0.0.1") and "refused" in done.stderr


@pytest.mark.database
def test_a_sweep_whose_every_worker_died_exits_1_saying_how_far_it_got(tmp_path: Path) -> None:
    """Its one worker killed mid-trial: the trial is failed, and the command says how many of the
    sweep's trials it has and that the same command continues it."""
    path = tmp_path / "faults.toml"
    path.write_text(SWEEP)
    url = f"sqlite:///{tmp_path / 'sweep.db'}"
    command = subprocess.Popen([*NNTUI, "sweep", str(path), "--storage", url, "--runs-dir", str(tmp_path / "runs")],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def second_trial_running() -> list:
        return [t for t in quietly(lambda: trials_in(url)) if t.number == 1 and "worker" in t.user_attrs]

    wait_for("a second trial", lambda: bool(second_trial_running()), [command])
    os.kill(int(second_trial_running()[0].user_attrs["worker"].split("@")[0]), signal.SIGKILL)
    _, err = command.communicate(timeout=120)
    assert command.returncode == 1
    assert "its trial 1 is failed" in err and f"The sweep has 1 of its {TRIALS} trials: run the same command" in err


@pytest.mark.parametrize(("option", "url", "words"), [
    ("--storage", "sqlite:///", "an in-memory database is not shared with the workers"),
    ("--storage", "sqlite:///:memory:", "an in-memory database is not shared with the workers"),
    ("--storage", "bogus://x", "cannot open the study's storage: Can't load plugin"),
    ("--join", "sqlite:///{tmp}/absent.db", "no such database file"),
])
def test_a_storage_url_the_workers_could_not_share_is_refused_in_one_line(tmp_path: Path, option: str, url: str,
                                                                          words: str) -> None:
    """Refused before any worker starts, naming the option; joining makes no empty database."""
    from typer.testing import CliRunner

    from tests.helpers import assert_one_line_exit
    from tui.cli.main import app

    path = tmp_path / "faults.toml"
    path.write_text(SWEEP)
    given = ["--join", url.format(tmp=tmp_path)] if option == "--join" else [str(path), option, url]
    assert_one_line_exit(CliRunner().invoke(app, ["sweep", *given, "--runs-dir", str(tmp_path / "runs")]), 2, words)
    assert not (tmp_path / "absent.db").exists() and not (tmp_path / "runs" / "faults" / "trial-0000").exists()


def test_a_storage_whose_tables_another_process_is_creating_is_opened_on_a_second_try(monkeypatch) -> None:
    """A sweep and its --join opening a fresh PostgreSQL database at once: the slower CREATE fails
    with a duplicate key (seen in this suite); opening again finds the tables."""
    from sqlalchemy.exc import IntegrityError

    from engine.sweep import storage

    calls = []

    def racing(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise IntegrityError("CREATE TABLE studies", {}, Exception('duplicate key value violates unique '
                                                                       'constraint "pg_type_typname_nsp_index"'))
        return "opened"

    monkeypatch.setattr(storage, "RDBStorage", racing)
    assert storage.storage_for("postgresql://nntui@127.0.0.1:1/postgres") == "opened" and len(calls) == 2
