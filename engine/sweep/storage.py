"""Where a sweep's study lives, and how its workers ride out the storage going away: Optuna's
journal file, or Optuna's RDB storage as it is (SQLite, PostgreSQL over psycopg) with liveness
checks on pooled connections and trial heartbeats. A database restarting or an SQLite file held
locked is waited out for a while; a worker that dies has its trial failed (at once by the process
that started it, by any worker once its heartbeat is stale), so the sweep finishes without it."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import optuna
from optuna.exceptions import StorageInternalError
from optuna.storages import JournalStorage, RDBStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

from engine.errors import InputError
from engine.runs import layout
from engine.sweep.journal import check_journal

JOURNAL = layout.SWEEP_JOURNAL  # the journal storage a sweep keeps in its folder
HEARTBEAT_S = 5  # a running trial's worker says it is alive this often
GRACE_S = 60  # a trial whose worker has been silent this long is failed by the next worker to start a trial
PATIENCE_S = 120.0  # how long a worker waits for an unreachable storage before giving up

T = TypeVar("T")


class StorageUnreachable(InputError):
    """The study's storage did not answer for PATIENCE_S (or at all, when it was first opened)."""


def redacted(where: str) -> str:
    """A storage URL with any password hidden, for messages."""
    if "://" not in where or "@" not in where:
        return where
    scheme, rest = where.split("://", 1)
    credentials, host = rest.rsplit("@", 1)
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}" if ":" in credentials else where


def storage_for(where: str, option: str = "--storage") -> Any:
    """An RDB URL (sqlite:///x.db, postgresql://...) opened as Optuna's RDBStorage, or a journal
    file path; a URL that cannot be opened is refused naming `option` and the reason."""
    if "://" not in where:
        check_journal(Path(where), option)
        Path(where).parent.mkdir(parents=True, exist_ok=True)
        try:
            return JournalStorage(JournalFileBackend(str(where)))
        except (ValueError, AssertionError, KeyError, TypeError, IndexError) as err:  # records that parse but do not replay
            raise InputError(f"{option} {where}: the journal's records do not replay ({type(err).__name__}: "
                             f"{err}); the journal is damaged") from None
    _check_sqlite(where, option)
    try:
        return _rdb_storage(where)
    except ModuleNotFoundError as err:
        extra = "postgres" if where.startswith("postgres") else "sweep"
        raise InputError(f"{option} {redacted(where)}: needs the {err.name} package: pip install 'nntui[{extra}]'") \
            from None
    except Exception as err:  # SQLAlchemy's ArgumentError, OperationalError, ...: a bad URL or no server
        raise StorageUnreachable(f"{option} {redacted(where)}: cannot open the study's storage: {reason(err)}") \
            from None


def _rdb_storage(where: str, tries: int = 5) -> RDBStorage:
    """Optuna's RDBStorage on `where`. Two processes opening a fresh database at once (a sweep and
    its --join) both create Optuna's tables, and PostgreSQL refuses the slower one's CREATE with a
    duplicate key: that one tries again, and then finds the tables made."""
    from sqlalchemy.exc import IntegrityError

    def opened() -> RDBStorage:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)  # heartbeats are "experimental"
            return RDBStorage(where, engine_kwargs={"pool_pre_ping": True}, heartbeat_interval=HEARTBEAT_S,
                              grace_period=GRACE_S)

    for attempt in range(tries - 1):
        try:
            return opened()
        except IntegrityError:
            time.sleep(0.2 * (attempt + 1))
    return opened()


def _check_sqlite(where: str, option: str) -> None:
    """An SQLite URL must name a file the workers can share; one to join must exist already (SQLite
    would make an empty one)."""
    if not where.startswith("sqlite:"):
        return
    database = where.split("://", 1)[1][1:].split("?", 1)[0]  # sqlite:///x.db -> x.db, sqlite:////abs -> /abs
    if database in ("", ":memory:"):
        raise InputError(f"{option} {where}: an in-memory database is not shared with the workers; name a file "
                         "(sqlite:///sweep.db)")
    if option == "--join" and not Path(database).is_file():
        raise InputError(f"{option} {where}: no such database file: {database}")


def reason(err: BaseException) -> str:
    """The first line of the error under Optuna's wrapping (the driver's own words)."""
    cause = err.__cause__ if isinstance(err, StorageInternalError) and err.__cause__ is not None else err
    orig = getattr(cause, "orig", None) or cause
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def is_outage(err: BaseException) -> bool:
    """Whether an error means the storage is away for now (no server, a dropped connection, a
    locked SQLite file) rather than a request it refuses."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    cause = err.__cause__ if isinstance(err, StorageInternalError) else err
    return isinstance(cause, (OperationalError, InterfaceError))


def patiently(call: Callable[[], T], patience_s: float = PATIENCE_S,
              waiting: Callable[[BaseException], None] = lambda err: None) -> T:
    """`call()`, tried again while the storage is away (`waiting(err)` is told each time), for up
    to `patience_s`; then StorageUnreachable. Other errors pass through at once."""
    deadline = time.monotonic() + patience_s
    pause = 0.2
    while True:
        try:
            return call()
        except Exception as err:
            if not is_outage(err):
                raise
            if time.monotonic() >= deadline:
                raise StorageUnreachable(f"the study's storage did not answer for {patience_s:.0f} s: "
                                         f"{reason(err)}") from None
            waiting(err)
            time.sleep(pause)
            pause = min(pause * 2, 3.0)


def fail_orphans(study: optuna.Study, worker: str) -> list[int]:
    """Fail the trials still running under `worker` (pid@host), which is known not to run them any
    more (it died, or lost its trial to an outage); returns their numbers. They do not count, so
    the workers left draw as many new trials."""
    orphans = [t.number for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))
               if t.user_attrs.get("worker") == worker]
    for number in orphans:  # (skipped where another worker found it stale first)
        study.tell(number, state=TrialState.FAIL, skip_if_finished=True)
    return orphans
