"""`nntui run`: train headless from a preset, a file or options, or continue a saved run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from engine.config.problems import ConfigError
from tui.cli.options import NO_VALUE, AsciiOption, ConfigOption, DataOption, PresetOption, describe, fail
from tui.cli.overrides import apply_overrides, with_field_options
from tui.cli.resolve import resolve_config


@with_field_options
def run_command(
    overrides: dict[str, Any],
    preset: PresetOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    json_lines: Annotated[bool, typer.Option("--json", help="one JSON object per logged epoch, then a summary",
                                                  metavar=NO_VALUE)] = False,
    save: Annotated[Optional[Path], typer.Option("--save", help="write the run here (config.toml, metrics.csv, model.pt, "
                                                 "checkpoint.pt, preprocess.json)",
                                                 show_default=False)] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="let --save replace an earlier run's files",
                                                   metavar=NO_VALUE)] = False,
    plot: Annotated[bool, typer.Option("--plot", help="end with a loss chart", metavar=NO_VALUE)] = False,
    ascii_only: AsciiOption = False,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="continue a run saved with --save (and save "
                                                   "back into it unless --save names another folder)",
                                                   show_default=False)] = None,
) -> None:
    """Train without the UI, printing the tutorial's progress lines and a summary."""
    from tui.cli.headless import HeadlessOptions, run_headless
    from tui.cli.sources import source_overrides

    overrides = source_overrides(overrides, data)
    saved = None
    if resume is not None:
        saved = _load_saved_run(resume, preset, config)
        try:
            run_config = apply_overrides(saved.config, overrides)
        except ConfigError as err:
            raise fail(describe(err, set(overrides))) from None
        save = save or resume
        overwrite = overwrite or save == resume
    else:
        run_config = resolve_config(preset, config, overrides)
    if save is not None:
        _check_save_target(save, overwrite)
    options = HeadlessOptions(json_lines=json_lines, plot=plot, ascii_only=ascii_only,
                              save=str(save) if save else None, title=preset or "")
    code = run_headless(run_config, options, resume=saved)
    raise typer.Exit(code)


def _load_saved_run(folder: Path, preset: str | None, config: Path | None):
    from engine.runs.folder import load_run

    if preset or config:
        raise fail("--resume takes its configuration from the run folder; drop --preset/--config")
    try:
        return load_run(folder)
    except ValueError as err:  # ConfigError and CheckpointError are ValueErrors with the file named
        raise fail(f"--resume: {err}") from None


def _check_save_target(save: Path, overwrite: bool) -> None:
    from engine.runs.folder import check_writable, existing_run_files

    problem = check_writable(save)
    if problem:
        raise fail(f"--save: {problem}")
    existing = existing_run_files(save)
    if existing and not overwrite:
        names = ", ".join(p.name for p in existing)
        raise fail(f"--save: {save} already holds {names}; choose another folder or pass --overwrite")
