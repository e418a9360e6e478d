"""`nntui lr-find`: fastai's learning-rate finder on the run `nntui run` would train (the same
preset, config file and field options), drawn with plotext and its suggestions printed; --json
prints the points and the suggestions instead."""

from __future__ import annotations

import json
import shutil
from typing import Annotated, Any

import typer

from tui.cli.exit_codes import EXIT_FAILED
from tui.cli.options import NO_VALUE, AsciiOption, ConfigOption, DataOption, PresetOption, fail
from tui.cli.overrides import with_field_options
from tui.cli.resolve import resolve_config
from tui.cli.run_command import check_device
from tui.cli.sources import source_overrides


@with_field_options
def lr_find_command(
    overrides: dict[str, Any],
    preset: PresetOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    json_lines: Annotated[bool, typer.Option("--json", help="print the points and the suggestions as one JSON object",
                                             metavar=NO_VALUE)] = False,
    start_lr: Annotated[float, typer.Option("--start-lr", min=1e-12, max=1.0, help="the lr of the first batch")] = 1e-7,
    end_lr: Annotated[float, typer.Option("--end-lr", min=1e-6, max=1000.0, help="the lr the sweep grows towards")] = 10.0,
    batches: Annotated[int, typer.Option("--batches", min=10, max=10_000, help="the most batches to sweep over "
                                         "(a small set repeats its epochs)")] = 100,
    ascii_only: AsciiOption = False,
) -> None:
    """Sweep the learning rate over up to 100 batches (fastai's LR finder) and suggest one."""
    from engine.errors import InputError

    if start_lr >= end_lr:
        raise fail(f"--start-lr: must be below --end-lr ({end_lr:g}), got {start_lr:g}")
    overrides = source_overrides(overrides, data)
    run_config = resolve_config(preset, config, overrides)
    check_device(run_config, overrides)
    try:
        from engine.loop.lr_find import find_lr
        from engine.loop.trainer import Trainer

        trainer = Trainer(run_config)
        finding = find_lr(trainer, start_lr, end_lr, batches)
    except InputError as err:  # a data file, a loss the target cannot take
        raise fail(str(err)) from None
    except KeyboardInterrupt:
        typer.echo("nntui: lr-find interrupted", err=True)
        raise typer.Exit(130) from None
    except (RuntimeError, ValueError) as err:  # the run itself failed (out of memory, a shape)
        typer.echo(f"nntui: lr-find failed: {err}", err=True)
        raise typer.Exit(EXIT_FAILED) from None
    if json_lines:
        typer.echo(json.dumps(_as_json(finding, run_config.train.lr)))
        return
    _print(finding, run_config, ascii_only)


def _as_json(finding, lr: float) -> dict[str, Any]:
    """The points (non-finite losses as null) and the suggestions."""
    import math

    return {"points": [{"lr": x, "loss": y if math.isfinite(y) else None} for x, y in zip(finding.lrs, finding.losses)],
            "suggestions": {"valley": finding.valley, "minimum": finding.minimum, "steep": finding.steep},
            "ended": finding.ended, "batches": finding.batches, "lr": lr}


def _print(finding, config, ascii_only: bool) -> None:
    from engine.config.build import with_values
    from tui.render.command_line import command_line
    from tui.render.lr_find_plot import lr_find_chart, suggestion_lines

    columns = min(shutil.get_terminal_size((80, 24)).columns, 100)
    chart = lr_find_chart(finding.lrs, finding.losses, finding.valley, columns, 20, ascii_only=ascii_only,
                          color=False)
    typer.echo(chart.plain)
    for line in suggestion_lines(finding.valley, finding.minimum, finding.steep, finding.ended, len(finding.lrs),
                                 finding.batches, ascii_only):
        typer.echo(line)
    if finding.valley is not None:
        typer.echo("Train with it: " + command_line(with_values(config, {"train.lr": float(f"{finding.valley:.3g}")})))
