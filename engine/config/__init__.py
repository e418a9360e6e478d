"""The run configuration: the RunConfig dataclasses (`schema`), one rule per field (`fields`),
whole-config checks (`rules`), tables and TOML files (`build`, `toml_file`), the presets, the
data-set catalogue and where a real source starts (`sources`). Torch-free; imports only
`engine.errors` and `engine.files`.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.config.build import from_dict, switched_dataset, to_dict, with_values
    from engine.config.catalog import DATASETS, DatasetInfo
    from engine.config.fields import FIELDS, SPECS, FieldSpec, check_value, format_value, get_field, parse_text
    from engine.config.presets import PRESETS, Preset, preset_config
    from engine.config.problems import ConfigError, Problem
    from engine.config.rules import validate, warnings
    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig, replaced
    from engine.config.sources import FIRST_PRESET, TABLE_START, source_config, source_start, table_loss
    from engine.config.toml_file import dumps, load_config, loads, save_config

__all__ = [
    "from_dict", "switched_dataset", "to_dict", "with_values", "DATASETS", "DatasetInfo", "FIELDS", "SPECS",
    "FieldSpec", "check_value", "format_value", "get_field", "parse_text", "PRESETS", "Preset",
    "preset_config", "ConfigError", "Problem", "validate", "warnings", "DataConfig", "ModelConfig",
    "RunConfig", "TrainConfig", "FIRST_PRESET", "TABLE_START", "source_config", "source_start", "table_loss",
    "dumps", "load_config", "loads", "save_config", "replaced",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
