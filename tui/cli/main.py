"""The `nntui` command. A bare `nntui` opens the trainer; `nntui run` trains headless. Every
command builds a RunConfig (preset, then file, then options) and hands it to the engine; Textual
and torch are imported only by the commands that need them."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer

from engine.config.schema import RunConfig
from tui.cli.config_commands import config_command, presets_command
from tui.cli.export_command import export_command
from tui.cli.lr_find_command import lr_find_command
from tui.cli.options import AsciiOption, Command, ConfigOption, DataOption, Group, PresetOption, fail
from tui.cli.overrides import with_field_options
from tui.cli.predict_command import predict_command
from tui.cli.resolve import resolve_config
from tui.cli.run_command import run_command
from tui.cli.runs_commands import compare_command, runs_command, watch_command

app = typer.Typer(
    cls=Group,
    name="nntui",
    help="Train PyTorch networks in the terminal: a live trainer (bare `nntui`) or headless runs.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

@app.callback()
def main(ctx: typer.Context, preset: PresetOption = None, config: ConfigOption = None,
         ascii_only: AsciiOption = False) -> None:
    """With no command, open the interactive trainer."""
    if ctx.invoked_subcommand is None:
        launch_tui(resolve_config(preset, config, {}), ascii_only)


@app.command("tui", cls=Command)
@with_field_options
def tui_command(overrides: dict[str, Any], preset: PresetOption = None, config: ConfigOption = None,
                data: DataOption = None, ascii_only: AsciiOption = False) -> None:
    """Open the interactive trainer (the same as a bare `nntui`), its form filled from a preset, a
    file and options, as `nntui run` would resolve them."""
    from tui.cli.sources import source_overrides

    launch_tui(resolve_config(preset, config, source_overrides(overrides, data)), ascii_only)


def launch_tui(config: RunConfig, ascii_only: bool) -> None:
    try:
        from tui.launch import run_app
    except ImportError as err:  # the headless commands work without Textual
        raise fail(f"the trainer needs Textual ({err}); install nntui with its dependencies") from None
    run_app(config, ascii_only=ascii_only)


app.command("run", cls=Command)(run_command)
app.command("presets", cls=Command)(presets_command)
app.command("config", cls=Command)(config_command)
app.command("export", cls=Command)(export_command)
app.command("lr-find", cls=Command)(lr_find_command)
app.command("predict", cls=Command)(predict_command)
app.command("runs", cls=Command)(runs_command)
app.command("compare", cls=Command)(compare_command)
app.command("watch", cls=Command)(watch_command)


def entry() -> None:
    """The console script: Typer's app with its exit codes. Output nobody reads is not an error: a
    closed stdout (`>&-`) becomes /dev/null, and a reader that leaves early (`| head -1`) ends the
    command with exit 0 instead of Click's 1."""
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (open for the life of the process)
    try:
        app(standalone_mode=True)
    except SystemExit as end:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # how Click answers EPIPE, in every version
            sys.exit(0)
        raise end


if __name__ == "__main__":
    entry()
