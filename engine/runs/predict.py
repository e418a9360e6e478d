"""Applying a saved run's model to new inputs: CSV rows or image files, encoded with the
preprocessing the run saved (column statistics, one-hot values, image size, normalisation) and
answered with a class name and its probability, or a value."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from engine.config.schema import RunConfig
from engine.data.preprocess import Preprocess, encode_rows
from engine.data.preprocess_file import PREPROCESS_FILE, load_preprocess
from engine.errors import DataError
from engine.models.task import Task
from engine.runs.checkpoint import read_weights_only

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


@dataclass(frozen=True)
class Prediction:
    """One input's answer: a class and its probability, or a value."""

    source: str  # "file.csv, line 3" or the image path
    label: str | None = None
    probability: float | None = None
    value: float | None = None

    def as_dict(self) -> dict[str, object]:
        found = {"input": self.source, "label": self.label, "probability": self.probability, "value": self.value}
        return {k: v for k, v in found.items() if v is not None or k == "input"}


@dataclass
class Predictor:
    """A saved run's model and preprocessing, ready for inputs."""

    config: RunConfig
    preprocess: Preprocess
    model: nn.Module

    def predict(self, inputs: list[str]) -> list[Prediction]:
        """Predictions for CSV files (one per row) and image files (one each), in order."""
        found: list[Prediction] = []
        for item in inputs:
            if Path(item).suffix.lower() in IMAGE_SUFFIXES:
                found.extend(self._answer(self._image(item), [item]))
            else:
                X, wheres = self._rows(item)
                found.extend(self._answer(X, wheres))
        return found

    def _rows(self, path: str) -> tuple[torch.Tensor, list[str]]:
        from engine.data.csv_table import read_csv

        schema = self.preprocess.table
        if schema is None:
            raise DataError(f"{path}: this run was trained on images; give image files "
                            f"({', '.join(IMAGE_SUFFIXES)})")
        header, rows, _ = read_csv(path)
        wheres = [row.where for row in rows]
        return encode_rows(schema, [dict(zip(header, row.cells)) for row in rows], wheres), wheres

    def _image(self, path: str) -> torch.Tensor:
        from engine.data.images import make_transform
        from engine.data.picture_file import load_picture

        spec = self.preprocess.image
        if spec is None:
            raise DataError(f"{path}: this run was trained on table rows; give CSV files")
        return make_transform(spec)(load_picture(path, spec.mode)).unsqueeze(0)

    @torch.no_grad()
    def _answer(self, X: torch.Tensor, sources: list[str]) -> list[Prediction]:
        if not len(X):
            return []
        self.model.eval()
        outputs = self.model(X)
        labels = self.labels()
        if not labels:
            return [Prediction(s, value=v) for s, v in zip(sources, outputs[:, 0].tolist())]
        probs = self.task().probabilities(outputs)
        best, index = probs.max(dim=1)
        return [Prediction(s, label=labels[i], probability=p) for s, i, p in zip(sources, index.tolist(),
                                                                                   best.tolist())]

    def labels(self) -> tuple[str, ...]:
        if self.preprocess.image is not None:
            return self.preprocess.image.labels
        return self.preprocess.table.labels if self.preprocess.table is not None else ()

    def task(self) -> Task:
        classes = len(self.labels())
        loss = self.config.train.loss
        kind = "regression" if not classes else ("multiclass" if loss == "cross_entropy" else "binary")
        return Task(kind, loss, self.config.model.output_activation, classes)


def load_predictor(directory: str | Path) -> Predictor:
    """Rebuild a saved run's model from config.toml, model.pt and preprocess.json."""
    from engine.config.toml_file import load_config
    from engine.models.cnn import build_image_model
    from engine.models.mlp import build_mlp

    folder = Path(directory)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such run folder")
    config = load_config(folder / "config.toml")
    preprocess = load_preprocess(folder / PREPROCESS_FILE)
    labels = preprocess.image.labels if preprocess.image else preprocess.table.labels  # type: ignore[union-attr]
    outputs = config.model.outputs or (len(labels) if config.train.loss == "cross_entropy" else 1)
    if preprocess.image is not None:
        model: nn.Module = build_image_model(config.model, preprocess.image.shape, outputs)
    else:
        model = build_mlp(config.model, preprocess.table.features, outputs)  # type: ignore[union-attr]
    weights = folder / "model.pt"
    if not weights.is_file():
        raise DataError(f"{weights}: missing")
    state = read_weights_only(weights, "model state dict")
    try:
        model.load_state_dict(state)
    except (RuntimeError, ValueError, TypeError, AttributeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(f"{folder / 'model.pt'}: does not fit the saved configuration ({first})") from None
    return Predictor(config, preprocess, model)
