"""Saving a run and loading a config from the trainer: the dialogs' checks and what happens
once a path is accepted. Saving runs on a thread worker, since it waits for the epoch to end."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker, WorkerState

from engine.config import ConfigError
from engine.config_file import load_config
from engine.preprocess import DataError
from engine.run_files import check_writable, existing_run_files
from tui.screens.path_dialog import PathDialog

if TYPE_CHECKING:
    from tui.app import NNTuiApp


def save_dialog(app: NNTuiApp) -> None:
    """Ask for a folder; a folder holding an earlier run needs a second confirmation."""
    from tui.app import default_save_folder

    if app.session.trainer is None:
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
            app.run_worker(lambda: app.session.save(path), thread=True, exit_on_error=False, group="save",
                           name=path)

    title = "Save config.toml, metrics.csv and model.pt into this folder:"
    app.push_screen(PathDialog(title, default_save_folder(app.session.config), "Save", check), save)


def report_save(app: NNTuiApp, worker: Worker) -> None:
    """Say whether a save worked; a failure is a notice, not a crash."""
    if worker.group != "save":
        return
    if worker.state == WorkerState.SUCCESS:
        app.notify(f"Saved config.toml, metrics.csv and model.pt in {worker.name}", title="Saved")
    elif worker.state == WorkerState.ERROR:
        app.notify(f"Cannot save to {worker.name}: {worker.error}", title="Save failed", severity="error")


def load_dialog(app: NNTuiApp) -> None:
    """Ask for a TOML file; its problems show in the dialog, a good one fills the form."""
    from tui.widgets.config_form import ConfigForm

    loaded = {}

    def check(path: str) -> str | None:
        try:
            loaded[path] = load_config(path)
        except ConfigError as err:
            return "; ".join(p.message if p.path == "config" else str(p) for p in err.problems)
        return None

    def fill(path: str | None) -> None:
        if path:
            app.query_one(ConfigForm).fill(loaded[path])
            app.notify(f"Loaded {path}; it applies on reset (r) or the next start.", title="Config loaded")

    app.push_screen(PathDialog("Load a run configuration (TOML):", "run.toml", "Load", check), fill)


def export_to_file(app: NNTuiApp, folder: Path | None = None) -> Path | None:
    """`e`: write the setup as a plain PyTorch script in the working folder, never over a file."""
    from engine.export import export_script

    config = app.form.config_or_none() or app.session.config
    try:
        text = export_script(config)
    except (ConfigError, DataError) as err:
        app.notify(str(err), title="Cannot export", severity="error", timeout=8)
        return None
    base = folder or Path.cwd()
    stem = f"train_{config.data.dataset}"
    candidates = [base / f"{stem}.py"] + [base / f"{stem}_{n}.py" for n in range(2, 1000)]
    for path in candidates:
        try:
            with open(path, "x", encoding="utf-8") as handle:  # "x": refuses an existing file
                handle.write(text)
        except FileExistsError:
            continue
        except OSError as err:
            app.notify(f"{path}: {err.strerror}", title="Cannot export", severity="error", timeout=8)
            return None
        app.log_view.add([f"exported the run as {path} (python {path.name})"])
        app.notify(f"Wrote {path}", title="Exported", timeout=6)
        return path
    app.notify(f"{base}: too many {stem}_N.py files already", title="Cannot export", severity="error")
    return None
