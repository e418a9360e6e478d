"""`nntui runs`, `nntui compare` and `nntui watch`: the recorded runs listed, set side by side, and
opened in the trainer, all read from their folders (a run recording in another process included)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from engine.errors import InputError
from engine.runs import layout
from engine.runs.compare import FIT_SCORES, differing_fields, final_figures, shown, tag_rows
from engine.runs.layout import runs_dir as chosen_runs
from engine.runs.status import RunInfo, list_runs, read_run
from engine.runs.unstarted import killed_starts
from tui.cli.options import NO_VALUE, AsciiOption, RunsDirOption, fail
from tui.render.aligned import aligned
from tui.render.figures import figure
from tui.render.progress import clock

JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of a table", metavar=NO_VALUE)]


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None or value != value else f"{value:.{digits}f}"


def runs_command(
    folder: Annotated[Optional[Path], typer.Argument(help="the runs folder (default: --runs-dir, $NNTUI_RUNS_DIR "
                                                     "or ./runs)", show_default=False)] = None,
    runs_dir: RunsDirOption = None,
    json_output: JsonOption = False,
) -> None:
    """List the recorded runs, newest first: status, data, model, epochs, best test loss, accuracy."""
    parent = folder or chosen_runs(runs_dir)
    if not parent.is_dir():
        raise fail(f"{parent}: no such runs folder")
    runs = list_runs(parent)
    _warn(runs)
    for unstarted in killed_starts(parent):  # not runs: nothing to list, but a folder left behind
        typer.echo(f"nntui: warning: {unstarted}", err=True)
    if json_output:
        for run in runs:
            typer.echo(json.dumps(run.as_dict()))
        return
    if not runs:
        typer.echo(f"No runs in {parent} yet: `nntui run` and the trainer record every run there.")
        return
    rows = [["run", "status", "data", "model", "epochs", "best test", "acc", "started", "time"]]
    for run in runs:
        best = run.best
        started = datetime.fromtimestamp(run.started).strftime("%Y-%m-%d %H:%M") if run.started else "-"
        duration = run.duration()
        rows.append([_shown_name(run, parent), run.status, run.source, run.model,
                     f"{run.epochs_done}" if run.foreign else f"{run.epochs_done}/{run.config.train.epochs}",
                     f"{figure(best[0])} @ {best[1]}" if best else "-",
                     "-" if run.final_accuracy is None else f"{run.final_accuracy:.1%}", started,
                     "-" if duration is None else clock(duration)])
    for line in aligned(rows):
        typer.echo(line)


def _warn(runs: list[RunInfo]) -> None:
    for run in runs:
        for problem in run.problem_lines():
            typer.echo(f"nntui: warning: {problem}", err=True)


def _shown_name(run: RunInfo, parent: Path) -> str:
    """A run's name in a listing: a TensorBoard run's folder relative to the log folder."""
    if run.foreign:
        try:
            return str(run.folder.relative_to(parent)) if run.folder != parent else run.name
        except ValueError:
            return run.name
    return run.name


def compare_command(
    folders: Annotated[list[Path], typer.Argument(help="two or more run folders", show_default=False)],
    plot: Annotated[bool, typer.Option("--plot", help="overlay the runs' train and test curves", metavar=NO_VALUE)] = False,
    json_output: JsonOption = False,
    ascii_only: AsciiOption = False,
) -> None:
    """Set runs side by side: the configuration fields that differ, and their final figures."""
    if len(folders) < 2:
        raise fail("compare: give two or more run folders")
    try:
        runs = [read_run(folder) for folder in folders]
    except InputError as err:
        raise fail(str(err)) from None
    _warn(runs)
    differences = differing_fields(runs)
    figures = [final_figures(run) for run in runs]
    if json_output:
        typer.echo(json.dumps({"runs": [str(run.folder) for run in runs],
                               "differences": {path: values for path, values in differences},
                               "figures": figures,
                               "tags": {tag: cells for tag, cells in tag_rows(runs)}}, default=str))
        return
    rows = [["", *(run.name for run in runs)]]
    rows += [[path, *(shown(value) for value in values)] for path, values in differences]
    if not differences:
        rows.append(["(no field differs)", *("" for _ in runs)])
    rows.append(["", *("" for _ in runs)])
    keys = [("status", 0), ("epochs", 0), ("world_size", 0), ("train_loss", 4), ("test_loss", 4), ("best_test_loss", 4),
            ("best_epoch", 0), ("test_accuracy", 4), *((score, 4) for score in FIT_SCORES)]
    for key, digits in keys:
        if key in FIT_SCORES + ("test_accuracy",) and all(f[key] is None for f in figures):
            continue  # accuracy for classifiers, the fit for regression runs
        if key == "world_size" and all(f[key] == 1 for f in figures):
            continue  # the processes, where a run trained on several (torchrun)
        rows.append([key, *(str(f[key]) if not digits else _number(f[key], digits) for f in figures)])
    tags = tag_rows(runs)
    if tags:
        rows += [["", *("" for _ in runs)], ["tag: last (min..max)", *("" for _ in runs)]]
        rows += [[tag, *cells] for tag, cells in tags]
    for line in aligned(rows):
        typer.echo(line)
    if plot:
        from tui.render.loss_plot import runs_plot

        typer.echo(runs_plot([(run.name, run.history) for run in runs], ascii_only=ascii_only))


def newest_run(parent: Path) -> Path | None:
    runs = list_runs(parent)
    _warn(runs)
    return runs[0].folder if runs else None


def watch_command(
    folder: Annotated[Optional[Path], typer.Argument(help="a run folder (default: the newest run)",
                                                     show_default=False)] = None,
    runs_dir: RunsDirOption = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="only look: no pause, stop or lr changes",
                                            metavar=NO_VALUE)] = False,
    ascii_only: AsciiOption = False,
) -> None:
    """Open a run in the trainer: its views fed from its folder, live while it records (from this
    or another process); pause, step, stop and lr changes reach it through the folder."""
    from engine.runs.status import NotARun
    from engine.runs.tensorboard.logdir import holds_events, tensorboard_folders

    if folder is None:
        parent = chosen_runs(runs_dir)
        folder = newest_run(parent) if parent.is_dir() else None
        if folder is None:
            raise fail(f"{parent}: no runs to watch yet; start one with `nntui run` or the trainer")
    if (folder / layout.SWEEP_SPEC).is_file() and not (folder / layout.CONFIG).exists():  # a sweep: its trials
        from engine.config.presets import preset_config
        from tui.launch import run_app

        run_app(preset_config("circle"), ascii_only=ascii_only, runs_dir=folder)
    if not folder.is_dir():
        raise fail(f"{folder}: no such run folder")
    runs_first = False
    if not (folder / layout.CONFIG).exists() and not holds_events(folder) and tensorboard_folders(folder):
        # A TensorBoard log folder: its runs listed in front (enter watches one), its newest watched meanwhile.
        runs_first = len(tensorboard_folders(folder)) > 1
        runs_dir, folder = folder, newest_run(folder)
    try:
        _warn([read_run(folder)])
    except NotARun as err:
        raise fail(str(err)) from None
    except InputError as err:
        raise fail(str(err)) from None
    try:
        from tui.launch import run_watch
    except ImportError as err:  # the headless commands work without Textual
        raise fail(f"the trainer needs Textual ({err}); install nntui with its dependencies") from None
    run_watch(folder, ascii_only=ascii_only, read_only=read_only, runs_dir=runs_dir, runs_first=runs_first)

