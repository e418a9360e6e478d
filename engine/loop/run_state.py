"""The words a run is described by, as enums rather than bare strings: what a session is doing
(RunState) and what a run folder or an end event says about a run (RunStatus). Both are StrEnums,
so a value equals, prints and encodes (JSON, TOML) as the string that files have always held."""

from __future__ import annotations

from enum import StrEnum


class RunState(StrEnum):
    """What a session is doing now; its controls depend on it."""

    IDLE = "idle"  # built, not started (or reset)
    RUNNING = "running"
    PAUSED = "paused"  # held between epochs (a pause, or a step taken)
    FINISHED = "finished"  # ended, however it ended (a watched run that crashed too)


class RunStatus(StrEnum):
    """How a run stands or ended, as events.jsonl's end record, `nntui runs` and the views say it."""

    NEW = "new"  # a folder with no start record yet
    RUNNING = "running"
    PAUSED = "paused"
    COMPLETED = "completed"  # all its epochs trained
    EARLY_STOPPED = "early-stopped"  # the test loss stopped falling (train.early_stop)
    STOPPED = "stopped"  # asked to stop (a key, a signal, a control request)
    PRUNED = "pruned"  # stopped by a sweep's pruner
    DIVERGED = "diverged"  # the loss or the weights became non-finite
    FAILED = "failed"  # an exception ended it
    CRASHED = "crashed"  # its process went without writing an end record
    ENDED = "ended"  # a TensorBoard run whose files have stopped changing



def is_live(word: str) -> bool:
    """Whether a session's state or a folder's status (or the word either is shown as) is that of a
    run still under way, running or paused: the one that can be controlled, waited on or followed."""
    return word in (RunState.RUNNING, RunState.PAUSED)
