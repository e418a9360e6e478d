"""The `nntui` command. A bare `nntui` opens the trainer; `nntui run` trains headless. Every
command builds a RunConfig (preset, then file, then options) and hands it to the engine; Textual
and torch are imported only by the commands that need them.

Startup costs little more than importing Typer. Each command's module is imported, and its
options built (`run` has one per configuration field), only when that command runs; the command
list in `nntui --help` comes from the table below. Help is click's plain text (Typer's Rich help
imports Rich's markdown and traceback modules, twice Typer's own import). And a command that
parses no option imports no pydantic (Typer coerces every parsed value through it unless the value
is a bool, which costs more than importing Typer): the group has no options of its own, so
`nntui --preset P` is read as `nntui tui --preset P`, and an absent --help reads as False."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import typer

from tui.cli.help_flags import Command, Group

# name -> (module, function, the line `nntui --help` shows), in the order the list shows them
COMMANDS = {
    "tui": ("tui.cli.tui_command", "tui_command", "Open the interactive trainer (the same as a bare nntui)."),
    "run": ("tui.cli.run_command", "run_command", "Train without the UI: progress lines and a summary."),
    "presets": ("tui.cli.presets_command", "presets_command", "List the presets."),
    "config": ("tui.cli.config_command", "config_command", "Print the resolved configuration as TOML."),
    "export": ("tui.cli.export_command", "export_command", "Write the run as a plain PyTorch script."),
    "export-tb": ("tui.cli.export_tb_command", "export_tb_command", "Write recorded runs as TensorBoard event files."),
    "predict": ("tui.cli.predict_command", "predict_command", "Apply a saved run's model to new rows or images."),
    "runs": ("tui.cli.runs_commands", "runs_command", "List the recorded runs, newest first."),
    "compare": ("tui.cli.runs_commands", "compare_command", "Set runs side by side: fields that differ, figures."),
    "watch": ("tui.cli.runs_commands", "watch_command", "Open a recorded run (or a sweep) in the trainer."),
    "lr-find": ("tui.cli.lr_find_command", "lr_find_command", "Find a learning rate (fastai's LR finder)."),
    "sweep": ("tui.cli.sweep_command", "sweep_command", "Search configurations with an Optuna study."),
}


class QuickCommand(Command):
    """A command whose --help costs no pydantic import (and shows as a flag)."""


class TrainerFirst(Group):
    """The command group: commands made when first asked for, and options before any command are
    the trainer's (`nntui --preset circle` is `nntui tui --preset circle`)."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0].startswith("-") and args[0] not in ctx.help_option_names:
            args = ["tui", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: typer.Context) -> list[str]:
        return [*COMMANDS, *(name for name in super().list_commands(ctx) if name not in COMMANDS)]

    def get_command(self, ctx: typer.Context, name: str) -> Any:
        if name in COMMANDS and name not in self.commands:
            module, function, _ = COMMANDS[name]
            single = typer.Typer(add_completion=False, rich_markup_mode=None)
            single.command(name, cls=QuickCommand)(getattr(importlib.import_module(module), function))
            self.add_command(typer.main.get_command(single), name)
        return super().get_command(ctx, name)

    def format_commands(self, ctx: typer.Context, formatter: Any) -> None:
        """The command list from the table, importing no command to read its help."""
        rows = [(name, line) for name, (_, _, line) in COMMANDS.items()]
        rows += [(name, self.commands[name].get_short_help_str(45)) for name in self.list_commands(ctx)
                 if name not in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


app = typer.Typer(
    name="nntui",
    cls=TrainerFirst,
    help="Train PyTorch networks in the terminal: a live trainer (bare `nntui`, or `nntui --preset P`, "
         "the same as `nntui tui`) or headless runs.",
    no_args_is_help=False,
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def main(ctx: typer.Context) -> None:
    """With no command, open the interactive trainer."""
    if ctx.invoked_subcommand is None:
        from tui.cli.resolve import resolve_config
        from tui.cli.tui_command import launch_tui

        launch_tui(resolve_config(None, None, {}), False)


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
