"""`nntui tui` (and a bare `nntui`): the interactive trainer, its form filled from a preset, a file
and any field option as `nntui run` would resolve them; its runs are recorded under the runs folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from engine.config.schema import RunConfig
from tui.cli.options import AsciiOption, ConfigOption, DataOption, NoSaveOption, PresetOption, RunsDirOption, fail
from tui.cli.overrides import with_field_options
from tui.cli.resolve import resolve_config


@with_field_options
def tui_command(overrides: dict[str, Any], preset: PresetOption = None, config: ConfigOption = None,
                data: DataOption = None, ascii_only: AsciiOption = False, runs_dir: RunsDirOption = None,
                no_save: NoSaveOption = False,
                nproc_per_node: Annotated[Optional[str], typer.Option("--nproc-per-node", hidden=True)] = None) -> None:
    """Open the interactive trainer (the same as a bare `nntui`)."""
    from tui.cli.sources import source_overrides

    if nproc_per_node is not None:  # (nntui run's option, refused here in words rather than as unknown)
        raise fail("--nproc-per-node: the trainer runs in one process; train on several with nntui run "
                   "--nproc-per-node N")

    launch_tui(resolve_config(preset, config, source_overrides(overrides, data)), ascii_only, runs_dir, not no_save)


def launch_tui(config: RunConfig, ascii_only: bool, runs_dir: Path | None = None, record: bool = True) -> None:
    try:
        from tui.launch import run_app
    except ImportError as err:  # the headless commands work without Textual
        raise fail(f"the trainer needs Textual ({err}); install nntui with its dependencies") from None
    run_app(config, ascii_only=ascii_only, runs_dir=runs_dir, record=record)
