"""Applying a saved run's model to new inputs: CSV rows, image files, or (for a run on the user's
own Dataset) a `.pt` tensor file of inputs (engine.runs.tensor_inputs), encoded with the
preprocessing the run saved (column statistics, one-hot values, image size, normalisation) and
answered with a class name and its probability (every class's, on request), or a value in the
target's own unit. A row that cannot be encoded (a missing cell, an unseen category) gets an
error of its own and the other rows are still answered; a file that cannot be read as a whole
(no such file, a missing column) is refused."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import torch
from torch import nn

from engine.config.schema import RunConfig
from engine.data.features import computed_features, feature_columns
from engine.data.preprocess import Preprocess
from engine.data.preprocess_file import load_preprocess
from engine.errors import DataError
from engine.models.task import Task
from engine.runs import layout
from engine.runs.checkpoint import read_weights_only
from engine.runs.table_rows import TableRows, read_rows
from engine.runs.tensor_inputs import is_tensor_file, read_tensor_inputs

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
            if is_tensor_file(item):
                found.extend(self.predict_tensors(item))
            elif is_image(item):
                found.append(self.predict_image(item))
            else:
                found.extend(self.predict_table(item, strict=strict).predictions)
        return found

    def predict_table(self, name: str, handle: TextIO | None = None, strict: bool = False) -> TableAnswers:
        """Every row of a CSV file (or of `handle`, read as `name`); `strict` refuses the whole
        file at its first bad row, as DataError, instead of answering the others."""
        schema = self.preprocess.table
        if schema is None:
            raise DataError(self._not_rows(name))
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
            raise DataError(self._not_rows(path) if self.preprocess.table is None else
                            f"{path}: this run was trained on table rows; give CSV files")
        return self._answer(make_transform(spec)(load_picture(path, spec.mode)).unsqueeze(0), [(path, None)])[0]

    def predict_tensors(self, path: str) -> list[Prediction]:
        """One answer per row of a `.pt` file's tensor (`inputs.pt[0]`, ...), for a run on the user's
        own Dataset; the model refusing their shape is one line naming it."""
        if self.config.data.dataset != "module":
            raise DataError(f"{path}: a .pt file of inputs is for a run on your own Dataset (data.module); this "
                            f"run takes {'image files' if self.preprocess.image is not None else 'CSV rows'}")
        X = read_tensor_inputs(path)
        schema = self.preprocess.table
        if schema is not None and tuple(X.shape[1:]) != (schema.features,):
            raise DataError(f"{path}: holds inputs of shape {tuple(X.shape[1:])}; this run's Dataset gives rows of "
                            f"{schema.features} numbers: save a tensor of shape (N, {schema.features})")
        try:
            return self._answer(X, [(f"{path}[{i}]", None) for i in range(len(X))])
        except Exception as err:  # the user's own forward: whatever it raises is about these inputs
            from engine.code.frames import raised

            raise DataError(f"{path}: the model refused inputs of shape {tuple(X.shape[1:])} (one row: "
                            f"{raised(err)}); give them in the shape your Dataset's x has") from None

    def _not_rows(self, name: str) -> str:
        if self.preprocess.image is not None:
            return f"{name}: this run was trained on images; give image files ({', '.join(IMAGE_SUFFIXES)})"
        return (f"{name}: this run was trained on your Dataset's items, which are not table rows: give a .pt file "
                "of inputs (torch.save(X, 'inputs.pt'), one input per row of X, shaped as your Dataset's x)")

    @torch.no_grad()
    def _answer(self, X: torch.Tensor | list, sources: list[tuple[str, int | None]]) -> list[Prediction]:
        if not len(X):
            return []
        assert isinstance(X, torch.Tensor)  # (a list only when no row was good)
        self.model.eval()
        features = computed_features(self.config.data)  # a 2-D set's model takes features of x1, x2
        outputs = self.model(feature_columns(X, features) if features else X)
        labels = self.labels() or self._item_labels(outputs)
        if not labels:
            schema = self.preprocess.table
            scale, shift = (schema.target_std, schema.target_mean) if schema is not None else (1.0, 0.0)
            values = (outputs[:, 0].double() * scale + shift).tolist()  # back in the target's own unit
            return [Prediction(file, line, value=v) for (file, line), v in zip(sources, values)]
        probs = self._task(len(labels)).probabilities(outputs)
        best, index = probs.max(dim=1)
        return [Prediction(file, line, label=labels[i], probability=p, probabilities=tuple(zip(labels, row)))
                for (file, line), i, p, row in zip(sources, index.tolist(), best.tolist(), probs.tolist())]

    def labels(self) -> tuple[str, ...]:
        if self.preprocess.image is not None:
            return self.preprocess.image.labels
        return self.preprocess.table.labels if self.preprocess.table is not None else ()

    def _item_labels(self, outputs: torch.Tensor) -> tuple[str, ...]:
        """Class indices as names for a run on Dataset items that are not rows (no table of labels
        was saved): the loss tells a classifier, the outputs how many classes."""
        if self.preprocess.table is not None or self.preprocess.image is not None:
            return ()
        loss = self.config.train.loss
        classes = outputs.shape[1] if loss == "cross_entropy" else 2 if loss in ("bce", "bce_logits") else 0
        return tuple(str(c) for c in range(classes))

    def task(self) -> Task:
        return self._task(len(self.labels()))

    def _task(self, classes: int) -> Task:
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
    from engine.runs.code_record import recorded_code

    folder = Path(directory)
    if not folder.is_dir():
        raise DataError(f"{folder}: no such run folder")
    config = load_config(folder / layout.CONFIG)
    preprocess = load_preprocess(folder / layout.PREPROCESS)
    if preprocess.image is None and preprocess.table is None and config.data.dataset != "module":
        raise DataError(f"{folder / layout.PREPROCESS}: describes neither a table nor an image set")
    if preprocess.image is None and preprocess.table is None and config.model.kind != "module":
        raise DataError(f"{folder}: this run trained nntui's {config.model.kind} on your Dataset's items, which are "
                        "not table rows; predict rebuilds nntui's models for rows and image folders only")
    code = recorded_code(folder, config, use_current_code, "predict")
    model = _built_model(config, preprocess, code.copies)
    _load_weights(model, folder / (layout.BEST if best else layout.MODEL), best)
    return Predictor(config, preprocess, model, code.notes)


def _built_model(config: RunConfig, preprocess: Preprocess, copies: Mapping[str, Path]) -> nn.Module:
    """The run's model with fresh weights, built as the run built it: the user's module (from the
    recorded copies), nntui's CNN or MLP for the saved pictures, or its MLP for the table's columns."""
    from engine.models.cnn import build_image_model
    from engine.models.mlp import build_mlp

    if config.model.kind == "module":
        from engine.models.user_module import build_user_model

        return build_user_model(config.model, copies)[0]
    labels = (preprocess.image.labels if preprocess.image else
              preprocess.table.labels if preprocess.table else ())
    outputs = config.model.outputs or (len(labels) if config.train.loss == "cross_entropy" else 1)
    if preprocess.image is not None:
        return build_image_model(config.model, preprocess.image.shape, outputs)
    inputs = len(computed_features(config.data)) or preprocess.table.features  # type: ignore[union-attr]
    return build_mlp(config.model, inputs, outputs)


def _load_weights(model: nn.Module, weights: Path, best: bool) -> None:
    """The saved state dict into `model`, refused in one line where it is missing or does not fit."""
    if not weights.is_file():
        why = " (--best needs a run recorded with train.keep_best, --keep-best)" if best else ""
        raise DataError(f"{weights}: missing{why}")
    state = read_weights_only(weights, "model state dict")
    try:
        model.load_state_dict(state)
    except (RuntimeError, ValueError, TypeError, AttributeError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(f"{weights}: does not fit the saved configuration ({first})") from None
