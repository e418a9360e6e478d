"""A saved run: config.toml, metrics.csv and model.pt (a plain state dict) in one folder."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from engine.config.schema import RunConfig
from engine.config.toml_file import save_config
from engine.errors import InputError
from engine.files.atomic import write_atomic
from engine.loop.history import MetricsHistory

RUN_FILES = ("config.toml", "metrics.csv", "model.pt", "checkpoint.pt", "preprocess.json")


def existing_run_files(directory: str | Path) -> list[Path]:
    """The run files a save into `directory` would replace."""
    folder = Path(directory)
    return [folder / name for name in RUN_FILES if (folder / name).exists()]


def check_writable(directory: str | Path) -> str | None:
    """Why a run cannot be saved into `directory`, or None when it can. The nearest existing folder
    is probed with a real temporary file: permission bits say nothing to root, or on /proc."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        return f"{folder} exists and is not a directory"
    probe = folder.absolute()
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is not a directory"
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as err:
        return f"{probe} is not writable ({err.strerror or err})"
    return None


def save_run(directory: str | Path, config: RunConfig, history: MetricsHistory, trainer) -> list[Path]:
    """Write the run's files, each atomically; `trainer` may be None before the model is built.
    model.pt is the bare state dict (for `torch.load` and `load_state_dict`); checkpoint.pt adds
    what `--resume` needs to continue exactly."""
    import torch

    from engine.runs.checkpoint import save_checkpoint

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    save_config(config, folder / "config.toml")
    history.save_csv(folder / "metrics.csv")
    written = [folder / "config.toml", folder / "metrics.csv"]
    if trainer is not None:
        state = {k: v.detach().cpu() for k, v in trainer.model.state_dict().items()}
        write_atomic(folder / "model.pt", lambda handle: torch.save(state, handle))
        save_checkpoint(trainer, folder / "checkpoint.pt")
        written += [folder / "model.pt", folder / "checkpoint.pt"]
        if getattr(trainer, "preprocess", None) is not None:  # what `nntui predict` needs to encode inputs
            from engine.data.preprocess import PREPROCESS_FILE, save_preprocess

            save_preprocess(trainer.preprocess, folder / PREPROCESS_FILE)
            written.append(folder / PREPROCESS_FILE)
    return written


def save_session(directory: str | Path, session) -> list[Path]:
    """Save a TrainingSession's run between two of its epochs (a save from another thread)."""
    with session.between_epochs():
        return save_run(directory, session.config, session.history, session.trainer)


@dataclass(frozen=True)
class SavedRun:
    """A run read back from its folder, ready to continue."""

    config: RunConfig
    history: MetricsHistory
    checkpoint: dict
    source: str = "checkpoint.pt"  # the checkpoint's path, for messages


def load_run(directory: str | Path) -> SavedRun:
    """Read config.toml, metrics.csv and checkpoint.pt; raise InputError naming the bad file."""
    from engine.config.toml_file import load_config
    from engine.runs.checkpoint import CHECKPOINT_FILE, load_checkpoint

    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such run folder")
    config = load_config(folder / "config.toml")
    try:
        history = MetricsHistory.load_csv(folder / "metrics.csv")
    except FileNotFoundError:
        raise InputError(f"{folder / 'metrics.csv'}: missing") from None
    source = folder / CHECKPOINT_FILE
    checkpoint = load_checkpoint(source)
    if len(history) > checkpoint["epoch"]:  # a save interrupted between files: trust the checkpoint
        history = _truncated(history, checkpoint["epoch"])
    return SavedRun(config, history, checkpoint, str(source))


def _truncated(history: MetricsHistory, epochs: int) -> MetricsHistory:
    kept = MetricsHistory()
    for name in ("epochs", "train_loss", "test_loss", "test_accuracy", "lr"):
        getattr(kept, name).extend(getattr(history, name)[:epochs])
    return kept
