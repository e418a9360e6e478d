"""`nntui export-tb RUN... -o DIR`: recorded runs as TensorBoard event files, for `tensorboard
--logdir DIR` (or any tool that reads them)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from engine.errors import InputError
from tui.cli.options import fail


def export_tb_command(
    folders: Annotated[list[Path], typer.Argument(help="run folders", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="the TensorBoard log folder to write (one subfolder a run)",
                                      metavar="DIR", show_default=False)],
) -> None:
    """Write runs' scalars and configurations as TensorBoard event files, one subfolder a run."""
    from engine.runs.tensorboard.export import export_run
    from engine.runs.tensorboard.writer import tensorboard_problem

    problem = tensorboard_problem()
    if problem:
        raise fail(f"export-tb: {problem}")
    if out.exists() and not out.is_dir():
        raise fail(f"-o: {out} exists and is not a folder")
    names = [folder.resolve().name for folder in folders]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise fail(f"export-tb: two runs named {', '.join(twice)} would share one subfolder; export them apart")
    failed = 0
    for folder in folders:
        try:
            target, written = export_run(folder, out)
        except InputError as err:  # NotARun, a damaged metrics file, a destination already written
            typer.echo(f"nntui: error: {err}", err=True)
            failed += 1
            continue
        typer.echo(f"{folder}: {written} epochs -> {target}")
    if failed:
        raise typer.Exit(2)
