"""Where `nntui run` gets its data when the user names files rather than a preset: `--data FILE`
means the csv data set, `--images DIR` the images one, and without a preset the starting
configuration suits the source (a table MLP whose loss follows the target column, the MNIST
presets for their data sets, or the shapes preset's CNN for other pictures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.config.build import with_values
from engine.config.catalog import DATASETS
from engine.config.presets import preset_config
from engine.config.schema import RunConfig
from engine.config.sources import TABLE_START, table_loss
from tui.cli.options import fail


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
    """A starting configuration for a real-data source when no preset or file gives one."""
    name = overrides.get("data.dataset")
    info = DATASETS.get(name) if isinstance(name, str) else None
    if info is None or info.synthetic:
        return None
    if info.source == "torchvision":
        return preset_config(info.name)  # the mnist and fashion-mnist presets
    if info.images:
        return preset_config("shapes")
    task = overrides.get("data.task")
    return with_values(preset_config("circle"), {**TABLE_START, "train.loss": table_loss(str(task))})


def choose_table_loss(config: RunConfig, overrides: dict[str, Any]) -> RunConfig:
    """Without --loss, a CSV run takes mse for a numeric target and cross_entropy for classes, and
    so does a run on your own Dataset, by its targets. Raises engine.data.preprocess.DataError when
    the files cannot tell."""
    if config.data.dataset not in ("csv", "module") or "train.loss" in overrides:
        return config
    if config.data.dataset == "module":
        from engine.data.user_set import load_user_sets

        return with_values(config, {"train.loss": table_loss(load_user_sets(config.data).task)})
    from engine.data.csv_rows import target_facts

    return with_values(config, {"train.loss": table_loss(target_facts(config.data).task)})
