"""A configuration as a run folder keeps it: data paths made absolute, so that `--resume` and
`nntui watch` work from any working folder (a relative CSV path meant the folder the run started in)."""

from __future__ import annotations

from pathlib import Path

from engine.config.schema import RunConfig


def _absolute(path: str) -> str:
    return str(Path(path).expanduser().absolute()) if path else path


def portable_config(config: RunConfig) -> RunConfig:
    copy = config.copy()
    data = copy.data
    data.paths = [_absolute(p) for p in data.paths]
    data.images = _absolute(data.images)
    data.data_root = _absolute(data.data_root)
    return copy
