"""What several commands share: the --preset, --config, --data and --ascii options, flags shown
as flags in --help, and the one-line error that exits with code 2."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from engine.config import PRESETS, ConfigError
from tui.cli.exit_codes import EXIT_USAGE
from tui.cli.help_flags import NO_VALUE, Command, Group  # noqa: F401  (the commands' classes, with their options)
from tui.cli.overrides import option_for

PresetOption = Annotated[Optional[str], typer.Option("--preset", "-p", help=f"start from a preset: {', '.join(PRESETS)}",
                                                     show_default=False)]
ConfigOption = Annotated[Optional[Path], typer.Option("--config", "-c", help="read a TOML run configuration",
                                                      show_default=False)]
AsciiOption = Annotated[bool, typer.Option("--ascii", help="7-bit output only (boundary, charts, lines)",
                                           metavar=NO_VALUE)]
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
RunsDirOption = Annotated[Optional[Path], typer.Option("--runs-dir", help="the folder runs are recorded in (default: "
                                                       "$NNTUI_RUNS_DIR, else ./runs)", metavar="DIR",
                                                       show_default=False)]
TensorBoardOption = Annotated[bool, typer.Option("--tensorboard", help="also write the run's scalars and hparams as "
                                                "TensorBoard event files, into its run folder (default: "
                                                "$NNTUI_TENSORBOARD)", metavar=NO_VALUE)]
TensorBoardDirOption = Annotated[Optional[Path], typer.Option("--tensorboard-dir", help="write them into DIR/<run> "
                                                              "instead (implies --tensorboard)", metavar="DIR",
                                                              show_default=False)]
NoSaveOption = Annotated[bool, typer.Option("--no-save", help="record nothing", metavar=NO_VALUE)]
