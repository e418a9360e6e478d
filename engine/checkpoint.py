"""Checkpoints: everything needed to continue a run exactly (model, optimizer, epoch, learning
rate, RNG states), held as state dicts and plain values so that `torch.load(weights_only=True)`
reads them. A bad file is refused with a message naming it and what is wrong."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import torch

from engine.atomic import write_atomic
from engine.errors import InputError

FORMAT = "nntui-checkpoint"
VERSION = 1
CHECKPOINT_FILE = "checkpoint.pt"


class CheckpointError(InputError):
    """A checkpoint that cannot be used; the message names the file."""


def checkpoint_state(trainer) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "epoch": trainer.epoch,
        "lr": trainer.lr,
        "model": {k: v.detach().cpu() for k, v in trainer.model.state_dict().items()},
        "optimizer": trainer.optimizer.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "shuffle_rng": trainer.shuffle_generator.get_state(),
    }


def save_checkpoint(trainer, path: str | Path) -> None:
    state = checkpoint_state(trainer)
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


def restore(trainer, state: dict[str, Any], source: str | Path) -> None:
    """Put a checkpoint into a freshly built trainer of the same configuration."""
    try:
        trainer.model.load_state_dict(state["model"])
        trainer.optimizer.load_state_dict(state["optimizer"])
    except (RuntimeError, ValueError, KeyError) as err:
        raise CheckpointError(f"{source}: does not fit this run's model or optimizer ({_first_reason(err)}); "
                              "resume with the model settings it was saved with") from None
    trainer.epoch = int(state["epoch"])
    trainer.set_lr(float(state["lr"]))
    torch.set_rng_state(state["torch_rng"])
    trainer.shuffle_generator.set_state(state["shuffle_rng"])


def _first_reason(err: Exception) -> str:
    """torch's load_state_dict message opens with "Error(s) in loading state_dict for ...:" and
    lists one tab-indented line per tensor; the first of those says what differs."""
    lines = [line.strip().rstrip(".") for line in str(err).splitlines() if line.strip()]
    details = lines[1:] if lines and lines[0].startswith("Error(s)") else lines
    return details[0] if details else type(err).__name__
