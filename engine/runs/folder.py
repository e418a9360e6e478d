"""A run folder as a whole: writing a complete copy of a run at once (the trainer's ctrl+s), reading
one back to continue it (`--resume`), and the checks around both. The live writing of a running
run is engine.runs.recorder's; the file names are engine.runs.layout's."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from engine.config.schema import RunConfig
from engine.config.toml_file import dumps
from engine.errors import CheckpointError, InputError
from engine.files.atomic import remove_orphans, write_together
from engine.loop.history import MetricsHistory
from engine.runs import layout
from engine.runs.code_record import recorded_code, write_code
from engine.runs.lock import RunLock
from engine.runs.metrics_file import HEADER, csv_rows, load_metrics
from engine.runs.portable import portable_config
from engine.runs.unstarted import unstarted_run


def existing_run_files(directory: str | Path) -> list[Path]:
    """The run files a save into `directory` would replace."""
    folder = Path(directory)
    return [folder / name for name in layout.RUN_FILES if (folder / name).exists()]


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
    """Write a whole run into `directory` as one change (all files or none), holding the folder
    while it does; `trainer` may be None before the model is built. model.pt is the bare state dict
    (for `torch.load` and `load_state_dict`); checkpoint.pt adds what `--resume` needs."""
    import torch

    from engine.loop.state import training_state
    from engine.runs.checkpoint import checkpoint_file_state

    folder = Path(directory)
    files = [(folder / layout.CONFIG, _text(dumps(portable_config(config)))),
             (folder / layout.METRICS, _text(HEADER + "\n" + csv_rows(history, 0, len(history))))]
    if trainer is not None:
        state = training_state(trainer)
        if getattr(trainer, "preprocess", None) is not None:  # what `nntui predict` needs to encode inputs
            files.append((folder / layout.PREPROCESS, _text(json.dumps(asdict(trainer.preprocess), indent=1))))
        files += [(folder / layout.MODEL, lambda handle: torch.save(state["model"], handle)),
                  (folder / layout.CHECKPOINT, lambda handle: torch.save(checkpoint_file_state(state), handle))]
        best = state["best"]
        if config.train.keep_best and best is not None and best["weights"] is not None:  # best.pt, as recorded
            files.append((folder / layout.BEST, lambda handle: torch.save(best["weights"], handle)))
    lock = RunLock(folder).acquire()
    try:
        remove_orphans(folder)
        written = {path.name for path, _ in files}
        for stale in existing_run_files(folder):  # an earlier run's other files must not stay beside these
            if stale.name not in written:
                stale.unlink()
        write_together(files)
        if trainer is not None:
            write_code(folder, getattr(trainer, "code", ()))
    finally:
        lock.release()
    return [path for path, _ in files]


def _text(text: str):
    return lambda handle: handle.write(text.encode("utf-8"))


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
    source: str = layout.CHECKPOINT  # the checkpoint's path, for messages
    code: dict[str, Path] | None = None  # the user's files -> the folder's copies to import (engine.runs.code_record)
    notes: tuple[str, ...] = ()  # what is imported from where, to say before the run goes on
    world_size: int = 1  # the processes it trained on (its last start record's); a resume needs as many

    @property
    def epochs_done(self) -> int:
        return int(self.checkpoint["epoch"])


def load_run(directory: str | Path, use_current_code: bool = False) -> SavedRun:
    """Read config.toml, metrics.csv and checkpoint.pt; raise InputError naming the bad file. The
    metrics past the checkpoint (a crash between two checkpoints) are cut: the run continues from
    the checkpoint, as an uninterrupted run passed through it. A run of the user's code continues
    on the copies it recorded; a user file changed since is refused unless `use_current_code`."""
    from engine.config.toml_file import load_config
    from engine.runs.checkpoint import load_checkpoint

    folder = Path(directory)
    if not folder.is_dir():
        raise InputError(f"{folder}: no such run folder")
    unstarted = unstarted_run(folder)
    if unstarted is not None:
        raise InputError(str(unstarted))
    config = load_config(folder / layout.CONFIG)
    if not (folder / layout.METRICS).exists():
        raise InputError(f"{folder / layout.METRICS}: missing")
    history = load_metrics(folder / layout.METRICS)
    source = folder / layout.CHECKPOINT
    checkpoint = load_checkpoint(source)
    if checkpoint["epoch"] > config.train.epochs:
        raise CheckpointError(f"{source}: epoch: {checkpoint['epoch']} is past the {config.train.epochs} epochs "
                              f"of {folder / layout.CONFIG}")
    if len(history) > checkpoint["epoch"]:
        history = history.truncated(checkpoint["epoch"])
    code = recorded_code(folder, config, use_current_code, "--resume")
    return SavedRun(config, history, checkpoint, str(source), code.copies, code.notes, recorded_world_size(folder))


def recorded_world_size(folder: Path) -> int:
    """The processes the run in `folder` trained on, as its last start record says: a resume on
    another number would share the samples out differently, and its numbers would not be the run's."""
    from engine.runs.event_log import read_events
    from engine.runs.records import world_size

    events = folder / layout.EVENTS
    starts = [record for record in read_events(events).records if record.get("event") == "start"]
    try:
        return world_size(starts[-1]) if starts else 1
    except ValueError as err:
        raise InputError(f"{events}: the last start record's {err}") from None


def discard_run(folder: str | Path) -> None:
    """Remove a run folder made for a run whose input was refused before it trained: it holds
    nothing but the refusal. Only nntui's own files go; the folder goes only if then empty."""
    path = Path(folder)
    for name in (*layout.RUN_FILES, layout.LOCK):
        (path / name).unlink(missing_ok=True)
    code = path / layout.CODE
    if code.is_dir() and not code.is_symlink():
        for copy in code.glob("*.py"):
            copy.unlink(missing_ok=True)
        try:
            code.rmdir()
        except OSError:
            pass
    try:
        path.rmdir()
    except OSError:
        pass
