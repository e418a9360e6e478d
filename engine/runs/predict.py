"""Applying a saved run's model to new inputs: CSV rows or image files, encoded with the
preprocessing the run saved (column statistics, one-hot values, image size, normalisation) and
answered with a class name and its probability (every class's, on request), or a value in the
target's own unit. A row that cannot be encoded (a missing cell, an unseen category) gets an
error of its own and the other rows are still answered; a file that cannot be read as a whole
(no such file, a missing column) is refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import torch
from torch import nn

from engine.config.schema import RunConfig
from engine.data.features import computed_features, feature_columns
from engine.data.preprocess import Preprocess
from engine.data.preprocess_file import PREPROCESS_FILE, load_preprocess
from engine.errors import DataError
from engine.models.task import Task
from engine.runs.checkpoint import read_weights_only
from engine.runs.table_rows import TableRows, read_rows

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")


@dataclass(frozen=True)
class Prediction:
    """One input's answer: a class and its probability, or a value; or why there is none."""

    file: str
    line: int | None = None  # the CSV line; None for an image file
    label: str | None = None
    probability: float | None = None
    value: float | None = None
    probabilities: tuple[tuple[str, float], ...] = ()  # every class's, in output order
    error: str = ""  # why this row got no answer

    @property
    def source(self) -> str:
        """'file.csv, line 3' or the image's path, as messages name it."""
        return self.file if self.line is None else f"{self.file}, line {self.line}"

    def as_dict(self, every_class: bool = False) -> dict[str, object]:
        """The JSON object of `nntui predict --json`: file and line apart, then the answer."""
        found: dict[str, object] = {"file": self.file, "line": self.line}
        if self.error:
            return {**found, "error": self.error}
        if self.label is not None:
            found.update(label=self.label, probability=self.probability)
            if every_class:
                found["probabilities"] = dict(self.probabilities)
        else:
            found["value"] = self.value
        return found


@dataclass
class TableAnswers:
    """A CSV input's rows as read (for writing them back with their answers) and one answer each."""

    header: tuple[str, ...]
    cells: list[tuple[str, ...]]
    predictions: list[Prediction]


@dataclass
class Predictor:
    """A saved run's model and preprocessing, ready for inputs."""

    config: RunConfig
    preprocess: Preprocess
    model: nn.Module
    notes: tuple[str, ...] = ()  # where the user's code was imported from

    def predict(self, inputs: list[str], strict: bool = False) -> list[Prediction]:
        """Predictions for CSV files (one per row) and image files (one each), in order."""
        found: list[Prediction] = []
        for item in inputs:
            if is_image(item):
                found.append(self.predict_image(item))
            else:
                found.extend(self.predict_table(item, strict=strict).predictions)
        return found

    def predict_table(self, name: str, handle: TextIO | None = None, strict: bool = False) -> TableAnswers:
        """Every row of a CSV file (or of `handle`, read as `name`); `strict` refuses the whole
        file at its first bad row, as DataError, instead of answering the others."""
        schema = self.preprocess.table
        if schema is None:
            raise DataError(f"{name}: this run was trained on images; give image files ({', '.join(IMAGE_SUFFIXES)})")
        table: TableRows = read_rows(name, schema, handle)
        if strict and table.problems:
            raise DataError(next(iter(table.problems.values())))
        assert isinstance(table.encoded, torch.Tensor), "read_rows encodes the good rows as one tensor"
        good = self._answer(table.encoded, [(name, line) for line in table.good_lines])
        answers = iter(good)
        predictions = [Prediction(name, line, error=table.problems[line]) if line in table.problems else next(answers)
                       for line in table.lines]
        return TableAnswers(table.header, table.cells, predictions)

    def predict_image(self, path: str) -> Prediction:
        from engine.data.images import make_transform
        from engine.data.picture_file import load_picture

        spec = self.preprocess.image
        if spec is None:
            raise DataError(f"{path}: this run was trained on table rows; give CSV files")
        return self._answer(make_transform(spec)(load_picture(path, spec.mode)).unsqueeze(0), [(path, None)])[0]

    @torch.no_grad()
    def _answer(self, X: torch.Tensor, sources: list[tuple[str, int | None]]) -> list[Prediction]:
        if not len(X):
            return []
        self.model.eval()
        features = computed_features(self.config.data)  # a 2-D set's model takes features of x1, x2
        outputs = self.model(feature_columns(X, features) if features else X)
        labels = self.labels()
        if not labels:
            schema = self.preprocess.table
            scale, shift = (schema.target_std, schema.target_mean) if schema is not None else (1.0, 0.0)
            values = (outputs[:, 0].double() * scale + shift).tolist()  # back in the target's own unit
            return [Prediction(file, line, value=v) for (file, line), v in zip(sources, values)]
        probs = self.task().probabilities(outputs)
        best, index = probs.max(dim=1)
        return [Prediction(file, line, label=labels[i], probability=p, probabilities=tuple(zip(labels, row)))
                for (file, line), i, p, row in zip(sources, index.tolist(), best.tolist(), probs.tolist())]

    def labels(self) -> tuple[str, ...]:
        if self.preprocess.image is not None:
            return self.preprocess.image.labels
        return self.preprocess.table.labels if self.preprocess.table is not None else ()

    def task(self) -> Task:
        classes = len(self.labels())
        loss = self.config.train.loss
        kind = "regression" if not classes else ("multiclass" if loss == "cross_entropy" else "binary")
        return Task(kind, loss, self.config.model.output_activation, classes)


def is_image(path: str) -> bool:
    """Whether an input is read as a picture (by its suffix) rather than as CSV rows."""
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def load_predictor(directory: str | Path, best: bool = False, use_current_code: bool = False) -> Predictor:
    """Rebuild a saved run's model from config.toml, model.pt (with `best`, best.pt: the weights
    of its lowest test loss, written under train.keep_best) and preprocess.json; the user's own
    module from the copy the run recorded (engine.runs.code_record)."""
    from engine.config.toml_file import load_config
    from engine.models.cnn import build_image_model
    from engine.models.mlp import build_mlp
    from engine.runs.code_record import recorded_code

    folder = Path(directory)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such run folder")
    config = load_config(folder / "config.toml")
    preprocess = load_preprocess(folder / PREPROCESS_FILE)
    labels = preprocess.image.labels if preprocess.image else preprocess.table.labels  # type: ignore[union-attr]
    outputs = config.model.outputs or (len(labels) if config.train.loss == "cross_entropy" else 1)
    code = recorded_code(folder, config, use_current_code, "predict")
    model: nn.Module
    if config.model.kind == "module":
        from engine.models.user_module import build_user_model

        model = build_user_model(config.model, code.copies)[0]
    elif preprocess.image is not None:
        model = build_image_model(config.model, preprocess.image.shape, outputs)
    else:
        inputs = len(computed_features(config.data)) or preprocess.table.features  # type: ignore[union-attr]
        model = build_mlp(config.model, inputs, outputs)
    weights = folder / ("best.pt" if best else "model.pt")
    if not weights.is_file():
        why = " (--best needs a run recorded with train.keep_best, --keep-best)" if best else ""
        raise DataError(f"{weights}: missing{why}")
    state = read_weights_only(weights, "model state dict")
    try:
        model.load_state_dict(state)
    except (RuntimeError, ValueError, TypeError, AttributeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(f"{weights}: does not fit the saved configuration ({first})") from None
    return Predictor(config, preprocess, model, code.notes)
