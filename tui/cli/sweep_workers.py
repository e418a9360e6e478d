"""The worker processes of `nntui sweep` as the command sees them: each one's life in one line of
error rather than a traceback, and a watch over them that keeps the last trials read while the
study's storage is away and fails at once the trials of a worker that died."""

from __future__ import annotations

import os
import sys
from typing import Any


def worker_main(folder: str, where: str, name: str, index: int) -> None:
    """A worker process: the engine's `work`, with its failures in one line rather than a traceback."""
    import threading

    from engine.errors import InputError
    from engine.sweep.journal import journal_damage
    from engine.sweep.storage import is_outage, reason
    from engine.sweep.study import work

    def heartbeat_lost(hook: Any) -> None:  # Optuna's heartbeat thread ends on an outage; the trial goes on
        if is_outage(hook.exc_value):
            print(f"nntui sweep: worker {os.getpid()}: a heartbeat was lost ({reason(hook.exc_value)}); "
                  "the trial goes on", file=sys.stderr, flush=True)
        else:
            threading.__excepthook__(hook)

    threading.excepthook = heartbeat_lost
    try:
        work(folder, where, name, index)
    except InputError as err:
        print(f"nntui sweep: worker {os.getpid()}: {err}", file=sys.stderr, flush=True)
        sys.exit(1)
    except Exception:
        damage = journal_damage(where)  # the journal was damaged under the running sweep
        if damage is None:
            raise
        print(f"nntui sweep: worker {os.getpid()}: {damage}", file=sys.stderr, flush=True)
        sys.exit(1)


class WorkerWatch:
    """The sweep's trials as last read (kept while the storage is away), and the workers that died:
    their running trials are failed at once, so that the others draw new ones."""

    def __init__(self, study: Any, workers: list[Any]):
        self.study, self.workers = study, workers
        self.last: list[Any] = []
        self.dead: set[int] = set()
        self.away = False

    def trials(self) -> list[Any]:
        from engine.sweep.storage import is_outage

        try:
            self.last = self.study.get_trials(deepcopy=False)
            if self.away:
                print("nntui sweep: the study's storage answers again", file=sys.stderr, flush=True)
                self.away = False
        except Exception as err:
            if not is_outage(err):
                raise
            self.unreachable(err)
        return self.last

    def unreachable(self, err: BaseException) -> None:
        from engine.sweep.storage import reason

        if not self.away:
            print(f"nntui sweep: the study's storage is unreachable ({reason(err)}); the workers wait for it",
                  file=sys.stderr, flush=True)
            self.away = True

    def check(self) -> None:
        """Fail the trial of each worker that died since the last check; while the storage is
        away, try again at the next check rather than wait here."""
        from engine.sweep.storage import fail_orphans, is_outage
        from engine.sweep.study import worker_tag

        for worker in self.workers:
            if worker.exitcode in (None, 0) or worker.pid in self.dead:
                continue
            try:
                lost = fail_orphans(self.study, worker_tag(worker.pid))
            except Exception as err:
                if not is_outage(err):
                    raise
                self.unreachable(err)
                continue
            self.dead.add(worker.pid)
            how = f"killed by signal {-worker.exitcode}" if worker.exitcode < 0 else f"exit {worker.exitcode}"
            print(f"nntui sweep: worker {worker.pid} died ({how})"
                  + (f"; its trial {', '.join(map(str, lost))} is failed and not counted" if lost else ""),
                  file=sys.stderr, flush=True)
