"""Checkpoints: everything needed to continue a run exactly (model, optimizer, epoch, learning
rate, RNG states), held as state dicts and plain values so that `torch.load(weights_only=True)`
reads them. A bad file is refused with a message naming it and what is wrong."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import torch

from engine.errors import CheckpointError
from engine.files.atomic import write_atomic
from engine.files.reading import TENSOR_LIMIT, open_regular
from engine.loop.state import training_state
from engine.runs.checkpoint_fields import check_fields

FORMAT = "nntui-checkpoint"
VERSION = 1


def checkpoint_file_state(state: dict[str, Any]) -> dict[str, Any]:
    """A training state (engine.loop.state) as the checkpoint file holds it."""
    return {"format": FORMAT, "version": VERSION, **state}


def save_checkpoint(trainer, path: str | Path) -> None:
    state = checkpoint_file_state(training_state(trainer))
    write_atomic(path, lambda handle: torch.save(state, handle))


def read_weights_only(file: Path, what: str) -> Any:
    """torch.load(weights_only=True) of a file that may hold anything; CheckpointError if it
    cannot be read (not a regular file, too large, not torch's format), naming the file and what
    it should have been."""
    handle = open_regular(file, f"an nntui {what}", CheckpointError, TENSOR_LIMIT)
    try:
        with handle, warnings.catch_warnings():  # torch warns about a foreign pickle's protocol before refusing it
            warnings.simplefilter("ignore")
            return torch.load(handle, map_location="cpu", weights_only=True)
    except Exception as err:  # arbitrary bytes make torch.load raise nearly anything
        # (UnpicklingError, BadZipFile, EOFError, IndexError, KeyError, UnicodeDecodeError, ...);
        # torch's first line, without its advice to load with weights_only=False (that runs the file's code)
        reason = str(err).splitlines()[0].split(". ")[0] if str(err) else type(err).__name__
        raise CheckpointError(f"{file}: not a readable {what} (corrupt, truncated or foreign: {reason})") from None


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read and check a checkpoint file, every field before anything uses it; raise
    CheckpointError naming the file and the field that is wrong."""
    file = Path(path)
    if not file.is_file():  # missing, a folder, a pipe: open_regular would refuse it too, less plainly
        raise CheckpointError(f"{file}: no checkpoint here (expected a file written by --save)")
    state = read_weights_only(file, "checkpoint")
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{file}: not an nntui checkpoint")
    if state.get("version") != VERSION:
        raise CheckpointError(f"{file}: checkpoint version {state.get('version')!r}, this nntui reads {VERSION}")
    missing = {"epoch", "lr", "model", "optimizer", "torch_rng", "shuffle_rng"} - set(state)
    if missing:
        raise CheckpointError(f"{file}: checkpoint lacks {', '.join(sorted(missing))}")
    check_fields(state, file)
    return state
