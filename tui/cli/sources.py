"""Where `nntui run` gets its data when the user names files rather than a preset: `--data FILE`
means the csv data set, `--images DIR` the images one, and without a preset the starting
configuration suits the source, as `engine.config.sources` decides for the trainer's form too."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from engine.config import FIRST_PRESET, RunConfig, preset_config, source_config, table_loss, with_values
from tui.cli.options import fail
from tui.cli.overrides import parse_overrides

if TYPE_CHECKING:
    from engine.data.user_set import MadeSets


def source_overrides(overrides: dict[str, Any], data_files: list[Path] | None) -> dict[str, Any]:
    """The options with `--data` turned into data.paths, and the data set they imply."""
    found = dict(overrides)
    if data_files:
        found["data.paths"] = [str(p) for p in data_files]
        found.setdefault("data.dataset", "csv")
    if "data.images" in found:
        found.setdefault("data.dataset", "images")
    if "model.module" in found:  # --module net.py:Net trains that module
        found.setdefault("model.kind", "module")
    if "data.module" in found:
        found.setdefault("data.dataset", "module")
    for option, path, field, wanted in (("--module", "model.module", "model.kind", "module"),
                                        ("--data-module", "data.module", "data.dataset", "module")):
        if path in found and found[field] != wanted:
            flag = "--kind" if field == "model.kind" else "--dataset"
            raise fail(f"{option} names your own code, but {flag} is {found[field]}: drop one, or use {flag} module")
    for option, path, dataset in (("--data", "data.paths", "csv"), ("--images", "data.images", "images")):
        if path in found and found.get("data.dataset", dataset) != dataset:
            raise fail(f"{option} trains on {'CSV files' if dataset == 'csv' else 'an image folder'}, "
                                 f"but --dataset is {found['data.dataset']}: drop one, or use --dataset {dataset}")
    return found


def source_base(overrides: dict[str, Any]) -> RunConfig | None:
    """The configuration a real-data source runs when no preset or file gives one: the engine's
    start for it, the options over that."""
    name = overrides.get("data.dataset")
    if not isinstance(name, str):
        return None
    first = preset_config(FIRST_PRESET)
    return source_config(name, str(overrides.get("data.task", "auto")), parse_overrides(first, overrides), first)


def choose_table_loss(config: RunConfig, overrides: dict[str, Any],
                      refuse_data: Callable[[MadeSets], None] | None = None) -> RunConfig:
    """Without --loss, a CSV run takes mse for a numeric target and cross_entropy for classes, and
    so does a run on your own Dataset, by its targets (`refuse_data` may refuse the made sets before
    their items are read: export, a set over the memory bound). Raises
    engine.data.preprocess.DataError when the files cannot tell."""
    if config.data.dataset not in ("csv", "module") or "train.loss" in overrides:
        return config
    if config.data.dataset == "module":
        from engine.data.user_set import make_user_sets, read_user_sets

        made = make_user_sets(config.data)
        if refuse_data is not None:
            refuse_data(made)
        return with_values(config, {"train.loss": table_loss(read_user_sets(made, config.data).task)})
    from engine.data.csv_rows import target_facts

    return with_values(config, {"train.loss": table_loss(target_facts(config.data).task)})
