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
from engine.loop.state import training_state

FORMAT = "nntui-checkpoint"
VERSION = 1
CHECKPOINT_FILE = "checkpoint.pt"


def save_checkpoint(trainer, path: str | Path) -> None:
    state = {"format": FORMAT, "version": VERSION, **training_state(trainer)}
    write_atomic(path, lambda handle: torch.save(state, handle))


def read_weights_only(file: Path, what: str) -> Any:
    """torch.load(weights_only=True) of a file that may hold anything; CheckpointError if it
    cannot be read, naming the file and what it should have been."""
    try:
        with warnings.catch_warnings():  # torch warns about a foreign pickle's protocol before refusing it
            warnings.simplefilter("ignore")
            return torch.load(file, map_location="cpu", weights_only=True)
    except Exception as err:  # arbitrary bytes make torch.load raise nearly anything
        # (UnpicklingError, BadZipFile, EOFError, IndexError, KeyError, UnicodeDecodeError, ...);
        # torch's first line, without its advice to load with weights_only=False (that runs the file's code)
        reason = str(err).splitlines()[0].split(". ")[0] if str(err) else type(err).__name__
        raise CheckpointError(f"{file}: not a readable {what} (corrupt, truncated or foreign: {reason})") from None


def load_checkpoint(path: str | Path) -> dict[str, Any]:
    """Read and check a checkpoint file; raise CheckpointError saying what is wrong."""
    file = Path(path)
    if not file.is_file():
        raise CheckpointError(f"{file}: no checkpoint here (expected a file written by --save)")
    state = read_weights_only(file, "checkpoint")
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise CheckpointError(f"{file}: not an nntui checkpoint")
    if state.get("version") != VERSION:
        raise CheckpointError(f"{file}: checkpoint version {state.get('version')!r}, this nntui reads {VERSION}")
    missing = {"epoch", "lr", "model", "optimizer", "torch_rng", "shuffle_rng"} - set(state)
    if missing:
        raise CheckpointError(f"{file}: checkpoint lacks {', '.join(sorted(missing))}")
    return state
