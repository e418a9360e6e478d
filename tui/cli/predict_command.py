"""`nntui predict`: a saved run's model applied to new rows or images."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tui.cli.options import NO_VALUE, fail


def predict_command(
    run_dir: Annotated[Path, typer.Argument(help="a run folder written by `nntui run --save`", show_default=False)],
    inputs: Annotated[list[str], typer.Argument(help="CSV files (one prediction per row) or image files",
                                                show_default=False)],
    json_lines: Annotated[bool, typer.Option("--json", help="one JSON object per prediction", metavar=NO_VALUE)] = False,
) -> None:
    """Apply a saved run's model to new CSV rows or images, with the run's own preprocessing."""
    import json

    from engine.errors import InputError
    from engine.runs.predict import load_predictor

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
