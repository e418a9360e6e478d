"""The `nntui` command. A bare `nntui` opens the trainer; `nntui run` trains headless. Both build
a RunConfig (preset, then file, then options) and hand it to the engine; Textual and torch are
imported only by the commands that need them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from engine.config import ConfigError, RunConfig
from engine.presets import PRESETS, preset_config
from tui.cli_export import register as register_export
from tui.cli_overrides import apply_overrides, option_for, with_field_options
from tui.exit_codes import EXIT_USAGE

app = typer.Typer(
    name="nntui",
    help="Train PyTorch networks in the terminal: a live trainer (bare `nntui`) or headless runs.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

PresetOption = Annotated[Optional[str], typer.Option("--preset", "-p", help=f"start from a preset: {', '.join(PRESETS)}",
                                                     show_default=False)]
ConfigOption = Annotated[Optional[Path], typer.Option("--config", "-c", help="read a TOML run configuration",
                                                      show_default=False)]
AsciiOption = Annotated[bool, typer.Option("--ascii", help="7-bit output only (boundary, charts, lines)")]
DataOption = Annotated[Optional[list[Path]], typer.Option("--data", help="train on this CSV file (repeat for several "
                                                          "files with the same columns); sets --dataset csv",
                                                          metavar="FILE", show_default=False, rich_help_panel="Data")]


def fail(message: str) -> typer.Exit:
    """Print a one-line usage error and return the exit that carries code 2."""
    typer.echo(f"nntui: error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def describe(err: ConfigError, from_options: set[str]) -> str:
    """Name the CLI option for fields the user gave as options, the config path otherwise."""
    return "; ".join(f"{option_for(p.path)}: {p.message}" if p.path in from_options and not p.source else str(p)
                     for p in err.problems)


def resolve_config(preset: str | None, config: Path | None, overrides: dict[str, Any]) -> RunConfig:
    """Preset, then file, then options: each later source overrides the earlier. Without a preset
    or file, a real-data source (--data, --images, an image data set) picks a fitting start."""
    from engine.config_file import load_config
    from engine.preprocess import DataError
    from tui.cli_data import choose_table_loss, source_base

    try:
        base = preset_config(preset) if preset else None
        if config is not None:
            base = load_config(config, base=base)
        if base is None:
            base = source_base(overrides)
            if base is not None:
                return choose_table_loss(apply_overrides(base, overrides), overrides)
            base = preset_config("circle")
        return apply_overrides(base, overrides)
    except ConfigError as err:
        raise fail(describe(err, set(overrides))) from None
    except DataError as err:
        raise fail(str(err)) from None


@app.callback()
def main(ctx: typer.Context, preset: PresetOption = None, config: ConfigOption = None,
         ascii_only: AsciiOption = False) -> None:
    """With no command, open the interactive trainer."""
    if ctx.invoked_subcommand is None:
        launch_tui(resolve_config(preset, config, {}), ascii_only)


@app.command("tui")
def tui_command(preset: PresetOption = None, config: ConfigOption = None, ascii_only: AsciiOption = False) -> None:
    """Open the interactive trainer (the same as a bare `nntui`)."""
    launch_tui(resolve_config(preset, config, {}), ascii_only)


def launch_tui(config: RunConfig, ascii_only: bool) -> None:
    try:
        from tui.app import run_app
    except ImportError as err:  # the headless commands work without Textual
        raise fail(f"the trainer needs Textual ({err}); install nntui with its dependencies") from None
    run_app(config, ascii_only=ascii_only)


@app.command("run")
@with_field_options
def run_command(
    overrides: dict[str, Any],
    preset: PresetOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    json_lines: Annotated[bool, typer.Option("--json", help="one JSON object per logged epoch, then a summary")] = False,
    save: Annotated[Optional[Path], typer.Option("--save", help="write the run here (config.toml, metrics.csv, model.pt, "
                                                 "checkpoint.pt, preprocess.json)",
                                                 show_default=False)] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="let --save replace an earlier run's files")] = False,
    plot: Annotated[bool, typer.Option("--plot", help="end with a loss chart")] = False,
    ascii_only: AsciiOption = False,
    resume: Annotated[Optional[Path], typer.Option("--resume", help="continue a run saved with --save (and save "
                                                   "back into it unless --save names another folder)",
                                                   show_default=False)] = None,
) -> None:
    """Train without the UI, printing the tutorial's progress lines and a summary."""
    from tui.cli_data import source_overrides
    from tui.headless import HeadlessOptions, run_headless

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
    from engine.run_files import load_run

    if preset or config:
        raise fail("--resume takes its configuration from the run folder; drop --preset/--config")
    try:
        return load_run(folder)
    except ValueError as err:  # ConfigError and CheckpointError are ValueErrors with the file named
        raise fail(f"--resume: {err}") from None


def _check_save_target(save: Path, overwrite: bool) -> None:
    from engine.run_files import check_writable, existing_run_files

    problem = check_writable(save)
    if problem:
        raise fail(f"--save: {problem}")
    existing = existing_run_files(save)
    if existing and not overwrite:
        names = ", ".join(p.name for p in existing)
        raise fail(f"--save: {save} already holds {names}; choose another folder or pass --overwrite")


@app.command("presets")
def presets_command() -> None:
    """List the presets with their task, data, model and epochs."""
    from engine.catalog import DATASETS

    rows = [("preset", "task", "data", "model", "loss", "epochs", "description")]
    for p in PRESETS.values():
        c = p.config
        info = DATASETS[c.data.dataset]
        classes = info.classes or c.data.classes
        outputs = c.model.outputs or (classes if info.kind == "multiclass" else 1)
        inputs = "cnn " + ",".join(map(str, c.model.channels)) if c.model.kind == "cnn" else str(info.features)
        sizes = [inputs, *map(str, c.model.hidden), str(outputs)]
        rows.append((p.name, info.kind, f"{c.data.dataset} ({c.data.samples})", "-".join(sizes),
                     c.train.loss, str(c.train.epochs), p.description))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@app.command("config")
@with_field_options
def config_command(overrides: dict[str, Any], preset: PresetOption = None, config: ConfigOption = None,
                   data: DataOption = None) -> None:
    """Print the resolved run configuration as TOML (save it and pass it back with --config)."""
    from engine.config_file import dumps
    from tui.cli_data import source_overrides

    overrides = source_overrides(overrides, data)
    typer.echo(dumps(resolve_config(preset, config, overrides)), nl=False)


@app.command("predict")
def predict_command(
    run_dir: Annotated[Path, typer.Argument(help="a run folder written by `nntui run --save`", show_default=False)],
    inputs: Annotated[list[str], typer.Argument(help="CSV files (one prediction per row) or image files",
                                                show_default=False)],
    json_lines: Annotated[bool, typer.Option("--json", help="one JSON object per prediction")] = False,
) -> None:
    """Apply a saved run's model to new CSV rows or images, with the run's own preprocessing."""
    import json

    from engine.errors import InputError
    from engine.predict import load_predictor

    try:
        predictions = load_predictor(run_dir).predict(inputs)
    except InputError as err:  # a bad run folder, model file or input file
        raise fail(str(err)) from None
    for found in predictions:
        if json_lines:
            typer.echo(json.dumps(found.as_dict()))
        elif found.label is not None:
            typer.echo(f"{found.source}: {found.label} ({found.probability:.1%})")
        else:
            typer.echo(f"{found.source}: {found.value:.6g}")


register_export(app)


def entry() -> None:
    """The console script: Typer's app with its exit codes."""
    sys.exit(app(standalone_mode=True))


if __name__ == "__main__":
    entry()
