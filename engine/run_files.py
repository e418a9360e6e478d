"""A saved run: config.toml, metrics.csv and model.pt (a plain state dict) in one folder."""

from __future__ import annotations

from pathlib import Path

from engine.atomic import write_atomic
from engine.config import RunConfig
from engine.config_file import save_config
from engine.metrics import MetricsHistory

RUN_FILES = ("config.toml", "metrics.csv", "model.pt")


def existing_run_files(directory: str | Path) -> list[Path]:
    """The run files a save into `directory` would replace."""
    folder = Path(directory)
    return [folder / name for name in RUN_FILES if (folder / name).exists()]


def check_writable(directory: str | Path) -> str | None:
    """Why a run cannot be saved into `directory`, or None when it can."""
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        return f"{folder} exists and is not a directory"
    probe = folder
    while not probe.exists():
        probe = probe.parent
    import os

    if not os.access(probe, os.W_OK):
        return f"{probe} is not writable"
    return None


def save_run(directory: str | Path, config: RunConfig, history: MetricsHistory, trainer) -> list[Path]:
    """Write the three files atomically; `trainer` may be None before the model is built."""
    import torch

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    save_config(config, folder / "config.toml")
    history.save_csv(folder / "metrics.csv")
    written = [folder / "config.toml", folder / "metrics.csv"]
    if trainer is not None:
        state = {k: v.detach().cpu() for k, v in trainer.model.state_dict().items()}
        write_atomic(folder / "model.pt", lambda handle: torch.save(state, handle))
        written.append(folder / "model.pt")
    return written
