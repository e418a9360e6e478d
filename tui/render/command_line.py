"""The current setup as the equivalent `nntui run ...` command line: the preset it differs
least from, then one option per field that differs (the same flags `nntui run` accepts)."""

from __future__ import annotations

import shlex

from engine.config.fields import FIELDS, SPECS, format_value, get_field
from engine.config.presets import PRESETS
from engine.config.schema import RunConfig


def differing_fields(config: RunConfig, base: RunConfig) -> list[str]:
    """Paths of the fields whose values differ between two configurations."""
    return [spec.path for spec in FIELDS if get_field(config, spec.path) != get_field(base, spec.path)]


def command_line(config: RunConfig) -> str:
    """A shell command that trains exactly `config` headless."""
    name = min(PRESETS, key=lambda n: len(differing_fields(config, PRESETS[n].config)))
    words = ["nntui", "run", "--preset", name]
    for path in differing_fields(config, PRESETS[name].config):
        spec = SPECS[path]
        value = get_field(config, path)
        if spec.kind is bool:
            words.append(spec.flag if value else "--no-" + spec.flag[2:])
        else:
            words += [spec.flag, format_value(value)]
    return shlex.join(words)
