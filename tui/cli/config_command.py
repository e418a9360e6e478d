"""`nntui config`: the configuration a run would use, as TOML."""

from __future__ import annotations

from typing import Any

import typer

from tui.cli.options import ConfigOption, DataOption, PresetOption
from tui.cli.overrides import with_field_options
from tui.cli.resolve import resolve_config


@with_field_options
def config_command(overrides: dict[str, Any], preset: PresetOption = None, config: ConfigOption = None,
                   data: DataOption = None) -> None:
    """Print the resolved run configuration as TOML (save it and pass it back with --config)."""
    from engine.config.toml_file import dumps
    from tui.cli.sources import source_overrides

    overrides = source_overrides(overrides, data)
    typer.echo(dumps(resolve_config(preset, config, overrides)), nl=False)
