"""`nntui run`: train headless from a preset, a file or options, or continue a saved run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.runs.resume import check_resume
from engine.runs.tensorboard.writer import tensorboard_folder
from tui.cli.options import (
    NO_VALUE,
    AsciiOption,
    ConfigOption,
    DataOption,
    NoSaveOption,
    PresetOption,
    RunsDirOption,
    TensorBoardDirOption,
    TensorBoardOption,
    describe,
    fail,
)
from tui.cli.overrides import apply_overrides, with_field_options
from tui.cli.resolve import resolve_config
from tui.cli.torchrun import (
    NnodesOption,
    NprocOption,
    RdzvEndpointOption,
    check_launch_options,
    is_rank,
    launch,
    refuse_unshardable,
    resumed_nproc,
)


@with_field_options
def run_command(
    overrides: dict[str, Any],
    preset: PresetOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    json_lines: Annotated[bool, typer.Option("--json", help="one JSON object per logged epoch, then a summary",
                                             metavar=NO_VALUE)] = False,
    save: Annotated[Optional[Path], typer.Option("--save", help="record the run in this folder (default: a new folder "
                                                 "under the runs folder)", show_default=False)] = None,
    no_save: NoSaveOption = False,
    runs_dir: RunsDirOption = None,
    tensorboard: TensorBoardOption = False,
    tensorboard_dir: TensorBoardDirOption = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="let --save replace an earlier run's files",
                                            metavar=NO_VALUE)] = False,
    plot: Annotated[bool, typer.Option("--plot", help="end with a loss chart", metavar=NO_VALUE)] = False,
    ascii_only: AsciiOption = False,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="continue a stopped or crashed run from its "
                                                   "checkpoint (recording into its folder unless --save names "
                                                   "another)", show_default=False)] = None,
    use_current_code: Annotated[bool, typer.Option("--use-current-code", help="--resume: import your module and "
                                                   "data files as they are now, though they changed since the run "
                                                   "recorded them", metavar=NO_VALUE)] = False,
    nproc_per_node: NprocOption = None,
    nnodes: NnodesOption = None,
    rdzv_endpoint: RdzvEndpointOption = None,
) -> None:
    """Train without the UI, printing the tutorial's progress lines and a summary."""
    from tui.cli.headless import HeadlessOptions, run_headless
    from tui.cli.sources import source_overrides

    overrides = source_overrides(overrides, data)
    check_launch_options(nproc_per_node, nnodes, rdzv_endpoint)
    rank = os.environ["RANK"] if nproc_per_node is not None and is_rank() else None  # a torchrun rank's number
    if no_save and (save is not None or resume is not None):
        raise fail(f"--no-save: cannot be used with {'--save' if save is not None else '--resume'}")
    if no_save and (tensorboard or tensorboard_dir is not None):
        raise fail(f"{'--tensorboard' if tensorboard else '--tensorboard-dir'}: needs a recorded run; drop --no-save")
    saved = None
    typed_nproc = nproc_per_node is not None
    if use_current_code and resume is None:
        raise fail("--use-current-code: only with --resume (a new run imports your files as they are)")
    if resume is not None:
        saved = _load_saved_run(resume, preset, config, use_current_code)
        for note in saved.notes if rank is None else ():  # the launcher said them
            typer.echo(note, err=True)
        try:
            run_config = check_resume(saved.config, apply_overrides(saved.config, overrides), saved.epochs_done)
        except ConfigError as err:
            raise fail("--resume: " + describe(err, set(overrides) | {"train.epochs"})) from None
        if rank is None:  # (a rank checks the world size it joined, engine.loop.distributed)
            nproc_per_node = resumed_nproc(saved.world_size, nproc_per_node, nnodes, resume)
    else:
        run_config = resolve_config(preset, config, overrides)
    check_device(run_config, overrides)
    title = preset or ""
    if not no_save:
        _check_tensorboard(tensorboard, tensorboard_dir)
    if nproc_per_node is not None:
        refuse_unshardable(run_config, nproc_per_node, set(overrides), resuming=resume is not None)
        if rank is None:  # this process launches the ranks; rank 0 makes the run folder
            if not no_save:
                _run_folder(save, resume, runs_dir, "", make=False)
            if not typed_nproc:
                typer.echo(f"Resuming on {nproc_per_node} processes under torchrun, as the run trained", err=True)
            raise typer.Exit(launch(nproc_per_node, nnodes, rdzv_endpoint, typed=typed_nproc))
    quiet = rank not in (None, "0")  # a rank past 0 records nothing
    folder = None if no_save or quiet else _run_folder(save, resume, runs_dir, title or run_config.data.dataset)
    events = None if folder is None else tensorboard_folder(folder, tensorboard, tensorboard_dir)
    options = HeadlessOptions(json_lines=json_lines, plot=plot, ascii_only=ascii_only, folder=folder, tensorboard=events,
                              overwrite=overwrite, continuing=resume is not None and folder == resume,
                              discard_refused=save is None and resume is None, title=title)
    if rank is not None:
        from tui.cli.torchrun_rank import run_rank

        run_rank(run_config, options, resume=saved)  # (it leaves the process)
    code = run_headless(run_config, options, resume=saved)
    raise typer.Exit(code)


def _run_folder(save: Path | None, resume: Path | None, runs_dir: Path | None, label: str,
                make: bool = True) -> Path | None:
    """--save, else the resumed run's own folder, else a new one under the runs folder (with
    `make` false, only checked: a torchrun launcher leaves the making to rank 0)."""
    from engine.runs.folder import check_writable
    from engine.runs.layout import new_run_folder
    from engine.runs.layout import runs_dir as chosen_runs

    folder = save or resume
    if folder is not None:
        problem = check_writable(folder)
        if problem:
            raise fail(f"--save: {problem}")
        return folder
    parent = chosen_runs(runs_dir)
    problem = check_writable(parent)
    if problem:
        raise fail(f"--runs-dir: {problem}")
    if not make:
        return None
    try:
        return new_run_folder(parent, label)
    except OSError as err:
        raise fail(f"--runs-dir: cannot make a run folder in {parent}: {err.strerror or err}") from None


def _check_tensorboard(enabled: bool, chosen: Path | None) -> None:
    """TensorBoard events asked for (by option or $NNTUI_TENSORBOARD) need the package: refused
    before the run folder is made."""
    from engine.runs.tensorboard.writer import ENV, tensorboard_problem

    problem = tensorboard_folder(Path("run"), enabled, chosen) is not None and tensorboard_problem()
    if problem:
        source = "--tensorboard-dir" if chosen is not None else "--tensorboard" if enabled else f"${ENV}"
        raise fail(f"{source}: {problem}")


def _load_saved_run(folder: Path, preset: str | None, config: Path | None, use_current_code: bool):
    from engine.runs.folder import load_run

    if preset or config:
        raise fail("--resume takes its configuration from the run folder; drop --preset/--config")
    try:
        return load_run(folder, use_current_code)
    except ValueError as err:  # ConfigError and CheckpointError are ValueErrors with the file named
        raise fail(f"--resume: {err}") from None


def check_device(config: RunConfig, overrides: dict[str, Any]) -> None:
    """A GPU this machine lacks is bad input, said before torch starts the run."""
    if config.train.device in ("cuda", "mps"):
        from engine.loop.device import device_problem

        problem = device_problem(config.train.device)
        if problem:
            refused = ConfigError([Problem("train.device", f"{problem}; use auto or cpu")])
            raise fail(describe(refused, set(overrides)))
