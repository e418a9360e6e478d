"""Where the trainer's runs live. Every run the trainer starts is recorded in a new folder under
the runs folder (as `nntui run` does); a watched run is shown through a RemoteSession; a stopped or
crashed one is continued here from its checkpoint, recording into its own folder, exactly as
`nntui run --resume` would. Knows nothing of widgets: the app asks, and shows what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.config.schema import RunConfig, replaced
from engine.errors import InputError
from engine.loop.session import TrainingSession
from engine.runs.folder import load_run
from engine.runs.layout import new_run_folder, runs_dir
from engine.runs.recorder import RunRecorder
from engine.runs.resume import check_resume
from engine.runs.tensorboard.writer import tensorboard_folder

CLOSE_TIMEOUT_S = 1.8  # a dropped connection must end the process within 2 s


@dataclass
class Continued:
    """A watched run taken over: the local session that continues it."""

    session: TrainingSession
    folder: Path
    epochs_done: int


class RunHost:
    """The recorder of the trainer's current run, and the ways runs are opened."""

    def __init__(self, runs_folder: str | Path | None = None, record: bool = True):
        self.runs_folder = runs_dir(runs_folder)
        self.record_runs = record
        self.recorder: RunRecorder | None = None

    def record(self, session: TrainingSession, title: str) -> str | None:
        """Record the run `session` is about to start; the reason when it cannot be (the run
        still trains, unrecorded)."""
        self.finish()
        if not self.record_runs:
            return None
        try:
            folder = new_run_folder(self.runs_folder, title or session.config.data.dataset)
            self.recorder = RunRecorder(folder, session, title=title, tensorboard=tensorboard_folder(folder)).open()
        except (InputError, OSError) as err:
            self.recorder = None
            return f"this run is not recorded: {getattr(err, 'strerror', None) or err}"
        return None

    @property
    def folder(self) -> Path | None:
        return self.recorder.folder if self.recorder is not None else None

    def continue_run(self, folder: Path, wanted: RunConfig, listener, **session_options) -> Continued:
        """A local session continuing the run in `folder` from its checkpoint, to `wanted`'s epochs
        (and lr); InputError or ConfigError says why it cannot (a run still being written, a
        complete run with no more epochs asked for, a changed model)."""
        saved = load_run(folder)
        if saved.world_size != 1:  # the trainer is one process, and the run's batches were dealt out among N
            raise InputError(f"{folder}: trained on {saved.world_size} processes under torchrun; continue it with "
                             f"nntui run --resume {folder}")
        config = check_resume(saved.config, _with_resumable(saved.config, wanted), saved.epochs_done)
        session = TrainingSession(config, listener, resume=saved, **session_options)
        self.finish()
        self.recorder = RunRecorder(folder, session).open(continuing=True)
        return Continued(session, Path(folder), saved.epochs_done)

    def finish(self, timeout: float | None = None) -> list[str]:
        """Let the current recorder write the end of its run (its session must have ended or be
        ending); what it could not write."""
        recorder, self.recorder = self.recorder, None
        if recorder is None:
            return []
        if timeout is not None and not recorder.close(timeout):
            return [*recorder.errors, f"{recorder.folder} was still being written on the way out"]
        return recorder.errors


def _with_resumable(saved: RunConfig, wanted: RunConfig) -> RunConfig:
    """The saved run's configuration with what a continuation may take from the form: more
    epochs and a learning rate (the form may have been edited into a different run otherwise)."""
    epochs = wanted.train.epochs if wanted.train.epochs > saved.train.epochs else saved.train.epochs
    return replaced(saved, "train", epochs=epochs, lr=wanted.train.lr)

