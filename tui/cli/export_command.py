"""`nntui export`: the run that `nntui run` would train, written out as a plain PyTorch script."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from engine.config.schema import RunConfig
from tui.cli.options import NO_VALUE, ConfigOption, DataOption, PresetOption, describe, fail
from tui.cli.overrides import with_field_options
from tui.cli.resolve import resolve_config
from tui.cli.sources import source_overrides


@with_field_options
def export_command(
    overrides: dict[str, Any],
    preset: PresetOption = None,
    config: ConfigOption = None,
    data: DataOption = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write the script here (default: stdout)",
                                                   show_default=False)] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="let --output replace an existing file",
                                                   metavar=NO_VALUE)] = False,
    ddp: Annotated[bool, typer.Option("--ddp", help="write a script for torchrun --nproc-per-node N: "
                                      "DistributedDataParallel, --batch-size per process", metavar=NO_VALUE)] = False,
    inline: Annotated[bool, typer.Option("--inline", help="with --module: copy your class's source (and its file's "
                                         "imports) into the script instead of importing your file",
                                         metavar=NO_VALUE)] = False,
) -> None:
    """Write the run as a standalone PyTorch script that prints the same losses as `nntui run`
    (with --ddp: a script that trains on N processes under torchrun)."""
    from engine.config.problems import ConfigError
    from engine.errors import DataError
    from engine.export.user_data import refuse_streamed

    overrides = source_overrides(overrides, data)
    try:
        script = _script(resolve_config(preset, config, overrides, refuse_streamed), preset or "", ddp, inline)
    except ConfigError as err:
        raise fail(describe(err, set(overrides))) from None
    except DataError as err:  # the data (CSV files, image folders) as a run would refuse it
        raise fail(str(err)) from None
    if output is None:
        typer.echo(script, nl=False)
        return
    write_script(script, output, overwrite)
    start = f"torchrun --nproc-per-node 2 {output} (or any number of processes)" if ddp else f"python {output}"
    typer.echo(f"Wrote {output}; run it with: {start}", err=True)


def _script(config: RunConfig, title: str, ddp: bool, inline: bool) -> str:
    if inline and config.model.kind != "module":
        from engine.config.problems import ConfigError, Problem

        raise ConfigError([Problem("model.kind", "--inline copies your own nn.Module's source: it needs model.kind "
                                                 "module (--module FILE.py:NAME)")])
    if ddp:
        from engine.export.ddp.script import export_ddp_script

        return export_ddp_script(config, title, inline)
    from engine.export.script import export_script

    return export_script(config, title, inline)


def write_script(script: str, output: Path, overwrite: bool) -> None:
    """Write `script` to `output`, refusing to replace a file unless asked; errors exit with code 2."""
    if output.is_dir():
        raise fail(f"--output: {output} is a folder; give a file name such as {output / 'train.py'}")
    if output.exists() and not overwrite:
        raise fail(f"--output: {output} already exists; choose another name or pass --overwrite")
    try:
        output.write_text(script, encoding="utf-8")
    except OSError as error:
        raise fail(f"--output: cannot write {output}: {error.strerror or error}") from None
