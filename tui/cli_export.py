"""`nntui export`: the run that `nntui run` would train, written out as a plain PyTorch script."""

# No `from __future__ import annotations`: Typer must see the option types that `register`
# imports from tui.cli, which a string annotation could not find in this module.
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from engine.config import RunConfig
from tui.cli_overrides import with_field_options


def register(app: typer.Typer) -> None:
    """Add the `export` command to `app` (tui.cli's app, once its shared options are defined)."""
    from tui.cli import ConfigOption, DataOption, PresetOption

    @app.command("export")
    @with_field_options
    def export_command(
        overrides: dict[str, Any],
        preset: PresetOption = None,
        config: ConfigOption = None,
        data: DataOption = None,
        output: Annotated[Optional[Path], typer.Option("--output", "-o", help="write the script here (default: stdout)",
                                                       show_default=False)] = None,
        overwrite: Annotated[bool, typer.Option("--overwrite", help="let --output replace an existing file")] = False,
    ) -> None:
        """Write the run as a standalone PyTorch script that prints the same losses as `nntui run`."""
        from engine.config import ConfigError
        from engine.preprocess import DataError
        from tui.cli import describe, fail, resolve_config
        from tui.cli_data import source_overrides

        overrides = source_overrides(overrides, data)
        try:
            script = _script(resolve_config(preset, config, overrides), preset or "")
        except ConfigError as err:
            raise fail(describe(err, set(overrides))) from None
        except DataError as err:  # the data (CSV files, image folders) as a run would refuse it
            raise fail(str(err)) from None
        if output is None:
            typer.echo(script, nl=False)
            return
        write_script(script, output, overwrite)
        typer.echo(f"Wrote {output}; run it with: python {output}", err=True)


def _script(config: RunConfig, title: str) -> str:
    from engine.export import export_script

    return export_script(config, title)


def write_script(script: str, output: Path, overwrite: bool) -> None:
    """Write `script` to `output`, refusing to replace a file unless asked; errors exit with code 2."""
    from tui.cli import fail

    if output.is_dir():
        raise fail(f"--output: {output} is a folder; give a file name such as {output / 'train.py'}")
    if output.exists() and not overwrite:
        raise fail(f"--output: {output} already exists; choose another name or pass --overwrite")
    try:
        output.write_text(script, encoding="utf-8")
    except OSError as error:
        raise fail(f"--output: cannot write {output}: {error.strerror or error}") from None
