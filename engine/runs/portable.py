"""A configuration as a run folder keeps it: data paths made absolute, so that `--resume` and
`nntui watch` work from any working folder (a relative CSV path, or a module file's, meant the
folder the run started in)."""

from __future__ import annotations

from pathlib import Path

from engine.config.schema import RunConfig, replaced


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().absolute()) if path else path


def _absolute_import(text: str) -> str:
    """A file's import string with the file made absolute ("net.py:Net" -> "/home/u/net.py:Net")."""
    from engine.code.target import is_file_path

    where, colon, name = text.rpartition(":")
    return f"{_absolute(where)}:{name}" if colon and is_file_path(where) else text


def portable_config(config: RunConfig) -> RunConfig:
    data = config.data
    config = replaced(config, "model", module=_absolute_import(config.model.module))
    return replaced(config, "data", module=_absolute_import(data.module), paths=[_absolute(p) for p in data.paths],
                    images=_absolute(data.images), data_root=_absolute(data.data_root))
