"""Saving a run, loading a config and exporting a script from the trainer: the dialogs' checks
and what happens once a path is accepted. Saving and exporting run on thread workers: a save
waits for the epoch to end, and the exporter imports torch and may read CSV files."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.worker import Worker, WorkerState

from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.config.toml_file import load_config
from engine.loop.live_run import Session
from engine.loop.session import TrainingSession
from engine.runs import layout
from engine.runs.folder import check_writable, existing_run_files, save_run
from tui.run_controller import RunController
from tui.screens.path_dialog import PathDialog
from tui.widgets.path_suggester import PathSuggester


def default_save_folder(config: RunConfig) -> str:
    return f"runs/{config.data.dataset}-{datetime.now():%Y%m%d-%H%M%S}"


def save_dialog(run: RunController, then_quit: bool = False) -> None:
    """Ask for a folder; a folder holding an earlier run needs a second confirmation. With
    `then_quit`, a good save ends the trainer."""
    app = run.app
    if run.session.trainer is None:
        app.notify("Nothing to save yet: start a run first.", severity="warning")
        return
    warned: set[str] = set()

    def check(path: str) -> str | None:
        problem = check_writable(path)
        if problem:
            return problem
        existing = existing_run_files(path)
        if existing and path not in warned:
            warned.add(path)
            return f"{path} already holds {', '.join(p.name for p in existing)}: press Save again to replace them"
        return None

    def save(path: str | None) -> None:
        if path:
            app.run_worker(lambda: _save(path, run.session), thread=True, exit_on_error=False,
                           group="save-quit" if then_quit else "save", name=path)

    title = "Save the run (config, metrics, model, checkpoint, preprocessing) into this folder:"
    app.push_screen(PathDialog(title, default_save_folder(run.session.config), "Save", check,
                               PathSuggester()), save)


def _save(path: str, session: Session) -> tuple[list[Path], int]:
    """In a worker: the run's files, written between two epochs, and the epoch they hold (a
    session with a trainer is the trainer's own: a watched run's has none)."""
    assert isinstance(session, TrainingSession)
    with session.between_epochs():
        epoch = session.trainer.epoch if session.trainer is not None else 0
        return save_run(path, session.config, session.history, session.trainer), epoch


def report_worker(run: RunController, worker: Worker) -> None:
    """Say whether a save or an export worked; a failure is a notice, not a crash."""
    app = run.app
    result = worker.result  # (None only where the worker did not succeed)
    if worker.group in ("save", "save-quit") and worker.state == WorkerState.SUCCESS:
        assert result is not None
        written, epoch = result
        run.saved(epoch, worker.name)
        app.notify(f"Saved {', '.join(path.name for path in written)} in {worker.name}", title="Saved")
        if worker.group == "save-quit":
            run.shutdown()
    elif worker.group in ("save", "save-quit") and worker.state == WorkerState.ERROR:
        app.notify(f"Cannot save to {worker.name}: {worker.error}", title="Save failed", severity="error")
    elif worker.group == "export" and worker.state == WorkerState.SUCCESS:
        assert isinstance(result, Path)
        path = result
        run.panels.log.add([f"exported the run as {path} (python {path.name})"])
        app.notify(f"Wrote {path}", title="Exported", timeout=6)
    elif worker.group == "export" and worker.state == WorkerState.ERROR:
        error = worker.error
        message = f"{error.filename}: {error.strerror}" if isinstance(error, OSError) and error.strerror else error
        app.notify(str(message), title="Cannot export", severity="error", timeout=8)


def load_dialog(run: RunController) -> None:
    """Ask for a TOML file; its problems show in the dialog, a good one fills the form."""
    app = run.app
    loaded = {}

    def check(path: str) -> str | None:
        try:
            loaded[path] = load_config(path)
        except ConfigError as err:
            return "; ".join(p.message if p.path == "config" else str(p) for p in err.problems)
        return None

    def fill(path: str | None) -> None:
        if path:
            run.panels.form.fill(loaded[path])
            app.notify(f"Loaded {path}; it applies on reset (r) or the next start.", title="Config loaded")

    start = str(Path(run.last_saved) / layout.CONFIG) if run.last_saved else "run.toml"
    app.push_screen(PathDialog("Load a run configuration (TOML; a run folder's config.toml):", start, "Load", check,
                               PathSuggester(".toml")), fill)


def export_to_file(run: RunController, folder: Path | None = None) -> None:
    """`e`: write the setup as a plain PyTorch script in the working folder, never over a file.
    In a thread: the script generator imports torch, and a CSV run's export reads the files."""
    config = run.panels.form.config_or_none() or run.session.config
    base = folder or Path.cwd()
    run.app.run_worker(lambda: write_new_script(config, base), thread=True, exit_on_error=False, group="export")


def write_new_script(config: RunConfig, base: Path) -> Path:
    """Write `config`'s script as train_<dataset>.py in `base`, or _2, _3, ... beside earlier ones."""
    from engine.export.script import export_script

    text = export_script(config)
    stem = f"train_{config.data.dataset}"
    for path in [base / f"{stem}.py"] + [base / f"{stem}_{n}.py" for n in range(2, 1000)]:
        try:
            with open(path, "x", encoding="utf-8") as handle:  # "x": refuses an existing file
                handle.write(text)
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{base}: too many {stem}_N.py files already")
