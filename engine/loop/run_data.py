"""What a run trains on, drawn or read once when its Trainer is made: the data (synthetic points,
a CSV table's rows, or an image set's batches), the task it sets, and the model built for it, in
the tutorial's order of random draws. The Trainer keeps the pieces; nothing here trains."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
from torch import nn

from engine.config.catalog import DATASETS
from engine.config.schema import ModelConfig, RunConfig
from engine.data.features import computed_features, feature_columns, input_width
from engine.data.preprocess import Preprocess, synthetic_preprocess
from engine.data.synthetic import TRUE_BIAS, TRUE_WEIGHT, draw, test_size
from engine.loop.plane import padded_bounds, plane_points
from engine.models.mlp import build_mlp
from engine.models.task import Task, table_task, task_for, user_task

if TYPE_CHECKING:
    from engine.code.loader import Loaded
    from engine.loop.image_batches import ImageBatches
    from engine.loop.user_batches import UserBatches


@dataclass
class RunData:
    """A run's data and model as first made. In-memory sets have X, labels, X_test and labels_test
    (the model's inputs: a 2-D set's features of its points); image sets have `images` instead, and
a user set over the memory bound `stream`."""

    task: Task
    model: nn.Module
    preprocess: Preprocess
    X: torch.Tensor | None = None
    labels: torch.Tensor | None = None
    X_test: torch.Tensor | None = None
    labels_test: torch.Tensor | None = None
    images: ImageBatches | None = None
    stream: UserBatches | None = None  # a user set over the memory bound, read through DataLoaders
    bounds: tuple[tuple[float, float], tuple[float, float]] | None = None  # 2-D sets: the plane drawn
    train_points: tuple[tuple[float, float, float], ...] = ()  # (x1, x2, class or target)
    test_points: tuple[tuple[float, float, float], ...] = ()
    features: tuple[str, ...] = ()  # what the model computes from each point (x1, x2); () takes it as it is
    reference: dict[str, Any] | None = None  # linreg: the true weights a one-layer model learns
    dropped_rows: int = 0  # CSV rows left out for missing cells
    code: tuple[Loaded, ...] = ()  # the user's code the run imported (model.module, data.module)


def load_run_data(config: RunConfig, device: torch.device, shuffle_generator: torch.Generator,
                  recorded: Mapping[str, Path] | None = None) -> RunData:
    """The data and model of `config`'s run (torch's seed already set); image batches are shuffled
    by `shuffle_generator` and kept on `device`. `recorded` redirects the user's files to a run
    folder's copies of them (a resume)."""
    info = DATASETS[config.data.dataset]
    models = _Models(config.model, recorded)
    if info.synthetic:
        data = _draw_synthetic(config, models)
    elif info.source == "table":
        data = _read_table(config, models)
    elif info.source == "code":
        data = _read_user_sets(config, device, models, recorded)
    else:
        data = _load_images(config, device, shuffle_generator, models)
    data.code = (*data.code, *models.loaded)
    if config.model.kind == "module":  # its outputs are what its forward makes: no activation of nntui's
        data.task = replace(data.task, output_activation="none")
    return data


class _Models:
    """Builds the run's model: nntui's for the data's shape, or the user's module (model.kind = module)."""

    def __init__(self, cfg: ModelConfig, recorded: Mapping[str, Path] | None):
        self.cfg, self.recorded = cfg, recorded
        self.loaded: list[Loaded] = []

    def user(self) -> nn.Module | None:
        if self.cfg.kind != "module":
            return None
        from engine.models.user_module import build_user_model

        model, loaded = build_user_model(self.cfg, self.recorded)
        self.loaded.append(loaded)
        return model

    def mlp(self, inputs: int, outputs: int) -> nn.Module:
        user = self.user()
        return user if user is not None else build_mlp(self.cfg, inputs, outputs)

    def for_shape(self, shape: tuple[int, ...], outputs: int) -> nn.Module:
        """A model for inputs of `shape` (one sample's): rows, pictures (C, H, W), or anything flattened."""
        from engine.models.cnn import build_image_model

        user = self.user()
        if user is not None:
            return user
        if len(shape) == 1:
            return build_mlp(self.cfg, shape[0], outputs)
        if len(shape) == 3:
            return build_image_model(self.cfg, shape, outputs)
        return nn.Sequential(nn.Flatten(), *build_mlp(self.cfg, int(torch.Size(shape).numel()), outputs))


def _draw_synthetic(config: RunConfig, models: _Models) -> RunData:
    """The tutorial's order of draws: data then model, or model then data."""
    data_cfg = config.data
    info = DATASETS[data_cfg.dataset]
    task = task_for(config)
    outputs = task.output_units(config.model.outputs)
    if info.model_first:
        model = models.mlp(input_width(data_cfg), outputs)
        X, labels = draw(data_cfg, data_cfg.samples)
    else:
        X, labels = draw(data_cfg, data_cfg.samples)
        model = models.mlp(input_width(data_cfg), outputs)
    # The test set comes after the tutorial's own draws, so it cannot change them.
    n_test = test_size(data_cfg)
    X_test, labels_test = draw(data_cfg, n_test) if n_test else (X[:0], labels[:0])
    features = computed_features(data_cfg)
    # only one layer's weights on the points themselves compare with the truth
    linear_model = not config.model.hidden and not features
    reference = {"weight": list(TRUE_WEIGHT), "bias": TRUE_BIAS} if data_cfg.dataset == "linear" and linear_model \
        else None

    def inputs(points: torch.Tensor) -> torch.Tensor:
        return feature_columns(points, features) if features else points

    # Points, bounds and boundary stay on the raw plane: only the model sees the features.
    return RunData(task, model, synthetic_preprocess(info.features, task.kind, task.classes),
                   inputs(X), labels, inputs(X_test), labels_test,
                   bounds=padded_bounds(X) if info.plane else None,
                   train_points=plane_points(X, labels) if info.plane else (),
                   test_points=plane_points(X_test, labels_test) if info.plane else (),
                   features=features, reference=reference)


def _read_table(config: RunConfig, models: _Models) -> RunData:
    """A CSV table: its target decides the task; then the MLP on its encoded features."""
    from engine.data.csv_table import load_table

    table = load_table(config.data)
    task = table_task(config, table.schema)
    model = models.mlp(table.schema.features, task.output_units(config.model.outputs))
    return RunData(task, model, Preprocess(table=table.schema), table.X, table.labels, table.X_test,
                   table.labels_test, dropped_rows=table.dropped)


def _read_user_sets(config: RunConfig, device: torch.device, models: _Models,
                    recorded: Mapping[str, Path] | None) -> RunData:
    """The user's Dataset read into tensors, or streamed where it is over the memory bound; its
    targets decide the task (checked against the loss)."""
    from engine.data.user_set import UserSets, load_user_sets

    sets = load_user_sets(config.data, recorded)
    task = user_task(config, sets.task, sets.classes)
    model = models.for_shape(sets.sample_shape, task.output_units(config.model.outputs))
    shape = sets.sample_shape
    preprocess = (synthetic_preprocess(shape[0], task.kind, task.classes) if len(shape) == 1 else Preprocess())
    if not isinstance(sets, UserSets):
        from engine.loop.user_batches import UserBatches

        return RunData(task, model, preprocess, stream=UserBatches(sets, config.data, device, task),
                       code=(sets.loaded,))
    return RunData(task, model, preprocess, sets.X, sets.labels, sets.X_test, sets.labels_test,
                   code=(sets.loaded,))


def _load_images(config: RunConfig, device: torch.device, shuffle_generator: torch.Generator,
                 models: _Models) -> RunData:
    """Image sets: an MLP or CNN for their shape, and their batches on the device."""
    from engine.data.images import load_images
    from engine.loop.image_batches import ImageBatches
    from engine.models.cnn import build_image_model

    images = load_images(config.data)
    spec = images.spec
    task = Task("multiclass", config.train.loss, config.model.output_activation, len(spec.labels))
    model = models.user()
    if model is None:
        model = build_image_model(config.model, spec.shape, task.output_units(config.model.outputs))
    # A CNN on the CPU trains channels-last: its convolutions and pooling run about 1.4 times as
    # fast on this layout (the exported script uses it too, so it adds the same sums).
    channels_last = config.model.kind == "cnn" and device.type == "cpu"
    batches = ImageBatches(images, config.data, device, shuffle_generator, channels_last)
    return RunData(task, model, Preprocess(image=spec), images=batches)
