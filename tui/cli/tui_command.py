"""`nntui tui` (and a bare `nntui`): the interactive trainer, filled from a preset or a file."""

from __future__ import annotations

from engine.config.schema import RunConfig
from tui.cli.options import AsciiOption, ConfigOption, PresetOption, fail
from tui.cli.resolve import resolve_config


def tui_command(preset: PresetOption = None, config: ConfigOption = None, ascii_only: AsciiOption = False) -> None:
    """Open the interactive trainer (the same as a bare `nntui`)."""
    launch_tui(resolve_config(preset, config, {}), ascii_only)


def launch_tui(config: RunConfig, ascii_only: bool) -> None:
    try:
        from tui.launch import run_app
    except ImportError as err:  # the headless commands work without Textual
        raise fail(f"the trainer needs Textual ({err}); install nntui with its dependencies") from None
    run_app(config, ascii_only=ascii_only)
