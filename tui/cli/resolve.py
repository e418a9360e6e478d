"""The configuration a command runs: preset, then file, then options, each later source
overriding the earlier; without a preset or file, the data source picks a fitting start."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.config import FIRST_PRESET, ConfigError, RunConfig, preset_config, switched_dataset
from tui.cli.options import describe, fail
from tui.cli.overrides import apply_overrides
from tui.cli.sources import choose_table_loss, source_base

if TYPE_CHECKING:
    from engine.data.user_set import MadeSets


def resolve_config(preset: str | None, config: Path | None, overrides: dict[str, Any],
                   refuse_data: Callable[[MadeSets], None] | None = None) -> RunConfig:
    """Preset, then file, then options: each later source overrides the earlier. Without a preset
    or file, a real-data source (--data, --images, an image data set) picks a fitting start (its
    loss read from your Dataset's targets, unless `refuse_data` refuses the set first)."""
    from engine.code.resolve import resolve_code
    from engine.config.toml_file import load_config
    from engine.errors import DataError

    try:
        base = preset_config(preset) if preset else None
        if config is not None:
            base = load_config(config, base=base)
        if base is None:
            base = source_base(overrides)
            if base is not None:
                return resolve_code(choose_table_loss(base, overrides, refuse_data))
            base = preset_config(FIRST_PRESET)
        return resolve_code(apply_overrides(base, {**_followers(base, overrides), **overrides}))
    except ConfigError as err:
        raise fail(describe(err, set(overrides))) from None
    except DataError as err:
        raise fail(str(err)) from None


def _followers(base: RunConfig, overrides: dict[str, Any]) -> dict[str, Any]:
    """What changes with --dataset when it names another set than the base's (and the options do
    not set it themselves): `--preset shapes --dataset mnist` trains on all of MNIST, not 1,200."""
    dataset = overrides.get("data.dataset")
    if not isinstance(dataset, str) or dataset == base.data.dataset:
        return {}
    return {path: str(value) for path, value in switched_dataset(dataset).items()}
