"""A configuration's user code resolved before a run: each import string imported, its arguments
checked against the signature, and the defaults of those left out written in (as far as a
configuration can hold them), so that `nntui config` prints, and a run folder records, the
arguments the code is called with."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from engine.code.loader import load_target
from engine.code.signature import check_call_args, resolved_args
from engine.config.build import with_values
from engine.config.schema import RunConfig


def code_fields(config: RunConfig) -> list[tuple[str, str]]:
    """(import field, args field) of each user import the configuration makes."""
    found = []
    if config.model.kind == "module" and config.model.module:
        found.append(("model.module", "model.args"))
    if config.data.dataset == "module" and config.data.module:
        found.append(("data.module", "data.args"))
    return found


def resolve_code(config: RunConfig, recorded: Mapping[str, Path] | None = None) -> RunConfig:
    """`config` with its user code's arguments checked and completed; ConfigError (UserCodeError
    for an error inside the code) naming the field."""
    values = {}
    for module_field, args_field in code_fields(config):
        section = getattr(config, module_field.split(".")[0])
        loaded = load_target(section.module, module_field, recorded)
        check_call_args(loaded.value, section.args, args_field, loaded.target.label)
        values[args_field] = resolved_args(loaded.value, section.args)
    return with_values(config, values) if values else config
