"""`nntui presets` and `nntui config`: what can be run, and the configuration a run would use."""

from __future__ import annotations

from typing import Any

import typer

from engine.config.presets import PRESETS
from tui.cli.options import ConfigOption, DataOption, PresetOption
from tui.cli.overrides import with_field_options
from tui.cli.resolve import resolve_config


def presets_command() -> None:
    """List the presets with their task, data, model and epochs."""
    from engine.config.catalog import DATASETS

    rows = [("preset", "task", "data", "model", "loss", "epochs", "description")]
    for p in PRESETS.values():
        c = p.config
        info = DATASETS[c.data.dataset]
        classes = info.classes or c.data.classes
        outputs = c.model.outputs or (classes if info.kind == "multiclass" else 1)
        inputs = "cnn " + ",".join(map(str, c.model.channels)) if c.model.kind == "cnn" else str(info.features)
        sizes = [inputs, *map(str, c.model.hidden), str(outputs)]
        samples = c.data.samples or "all"
        rows.append((p.name, info.kind, f"{c.data.dataset} ({samples})", "-".join(sizes),
                     c.train.loss, str(c.train.epochs), p.description))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])


@with_field_options
def config_command(overrides: dict[str, Any], preset: PresetOption = None, config: ConfigOption = None,
                   data: DataOption = None) -> None:
    """Print the resolved run configuration as TOML (save it and pass it back with --config)."""
    from engine.config.toml_file import dumps
    from tui.cli.sources import source_overrides

    overrides = source_overrides(overrides, data)
    typer.echo(dumps(resolve_config(preset, config, overrides)), nl=False)
