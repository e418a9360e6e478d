"""One rank of `nntui run --nproc-per-node N` (tui.cli.torchrun): it joins the process group and
trains its share. Rank 0 is the run as a plain `nntui run` shows and records it; the other ranks
print nothing and write nothing, and speak only to say why they failed.

Every rank leaves with os._exit once the group is gone: torch's teardown of a Gloo process after
it has ended aborts now and then, which would make a finished run look failed."""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from engine.config.schema import RunConfig
from engine.loop.events import RunFailed, RunFinished
from tui.cli.exit_codes import EXIT_FAILED, EXIT_OK
from tui.cli.interrupts import Interrupted, signal_number, stopping_signals


def run_rank(config: RunConfig, options: Any, resume: Any = None) -> None:
    """Train this rank's share of `config` (rank 0 with the headless `options`), then leave."""
    from engine.loop.distributed import join_process_group, leave_process_group
    from tui.cli.headless import run_headless

    code = EXIT_FAILED
    try:
        ranks = join_process_group(config.train.device)
        if ranks.rank == 0:
            options.distributed = True
            code = run_headless(config, options, resume=resume)
        else:
            code = _quiet_rank(config, resume, ranks.rank)
        leave_process_group()
    except Exception as err:  # the group could not be joined or left: this rank's failure
        print(f"nntui: rank {os.environ.get('RANK', '?')}: run failed: {err}", file=sys.stderr, flush=True)
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(code)


def _quiet_rank(config: RunConfig, resume: Any, rank: int) -> int:
    """A rank past 0: it trains, stops when the ranks agree to, and says only why it failed."""
    from engine.loop.distributed import DistributedSession

    ended = threading.Event()

    def listen(event: Any) -> None:
        if isinstance(event, (RunFinished, RunFailed)):
            ended.set()

    session = DistributedSession(config, listen, snapshot_interval_s=None, eval_interval_s=None, resume=resume)
    signalled = 0
    with stopping_signals():
        session.start()
        while not ended.is_set():
            try:
                ended.wait(0.1)
            except (KeyboardInterrupt, Interrupted) as stop:
                if signalled:  # a second signal quits at once, as on rank 0
                    os._exit(128 + signal_number(stop))
                signalled = signal_number(stop)
                session.stop()
        session.join(5)
    session.release()
    result = session.result
    if isinstance(result, RunFailed):
        if result.bad_input:  # every rank meets it; rank 0 says it, and exits 2
            return EXIT_OK
        if signalled:  # torchrun stops the ranks because another one failed: that one's failure is the news
            return EXIT_FAILED
        print(f"nntui: rank {rank}: run failed: {result.error}", file=sys.stderr, flush=True)
        return EXIT_FAILED
    # A finished run, stopped or diverged, is rank 0's to report: its exit code is the run's. A rank
    # that exited with another first would make torchrun stop rank 0 (SIGTERM) while it saves.
    return EXIT_OK
