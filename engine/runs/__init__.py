"""Runs on disk: the run folder (config, metrics, model, checkpoint, preprocessing), checkpoint
files checked before use, and predicting with a saved run. Imports the loop and below; never
export.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.runs.checkpoint import load_checkpoint
    from engine.runs.compare import differing_fields
    from engine.runs.controls import send_control
    from engine.runs.event_log import read_events
    from engine.runs.folder import SavedRun, load_run, save_run
    from engine.runs.layout import new_run_folder, run_folders, runs_dir
    from engine.runs.lock import RunLock
    from engine.runs.metrics_file import load_metrics
    from engine.runs.predict import Prediction, Predictor, load_predictor
    from engine.runs.recorder import RunRecorder
    from engine.runs.remote import RemoteSession
    from engine.runs.resume import check_resume
    from engine.runs.run_reader import RunReader
    from engine.runs.status import NotARun, RunInfo, list_runs, read_run
    from engine.runs.watcher import RunWatcher

__all__ = [
    "load_checkpoint", "differing_fields", "send_control", "read_events", "SavedRun", "load_run", "save_run",
    "new_run_folder", "run_folders", "runs_dir", "RunLock", "load_metrics", "Prediction", "Predictor",
    "load_predictor", "RunRecorder", "RemoteSession", "check_resume", "NotARun", "RunInfo", "list_runs",
    "read_run", "RunWatcher", "RunReader",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
