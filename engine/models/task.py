"""What the outputs mean: the loss, target shapes, class probabilities and accuracy, decided once
from the data set's kind, the loss and the output activation."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from engine.config.catalog import DATASETS
from engine.config.problems import ConfigError, Problem
from engine.config.rules import table_problems
from engine.config.schema import RunConfig
from engine.data.preprocess import TableSchema
from engine.models.layer_sizes import output_units

LOSS_LAYERS = {
    "mse": nn.MSELoss,
    "l1": nn.L1Loss,
    "huber": nn.HuberLoss,
    "bce": nn.BCELoss,
    "bce_logits": nn.BCEWithLogitsLoss,
    "cross_entropy": nn.CrossEntropyLoss,
}


@dataclass(frozen=True)
class Task:
    kind: str  # "regression" | "binary" | "multiclass"
    loss: str
    output_activation: str
    classes: int  # 0 for regression

    @property
    def is_classification(self) -> bool:
        return self.kind != "regression"

    def output_units(self, configured: int) -> int:
        """The model's output width. A width too small for the classes found in a data file is
        refused here, where the classes are first known (the config check cannot see them)."""
        if self.loss == "cross_entropy" and 0 < configured < self.classes:
            raise ConfigError([Problem("model.outputs", f"cross_entropy needs one output per class: at least "
                                                        f"the {self.classes} classes in the data, got {configured}")])
        return output_units(configured, self.loss, self.classes)

    def targets(self, labels: torch.Tensor) -> torch.Tensor:
        """Labels as the loss wants them: class indices for cross entropy, else float columns."""
        if self.loss == "cross_entropy":
            return labels.reshape(-1).long()
        return labels.float().reshape(len(labels), labels[0].numel() if len(labels) else 1)

    def probabilities(self, outputs: torch.Tensor) -> torch.Tensor:
        """Class probabilities, one column per class (two for binary tasks)."""
        if self.loss == "cross_entropy":
            p = outputs if self.output_activation == "softmax" else torch.softmax(outputs, dim=1)
            return p[:, : self.classes]
        if self.loss == "bce_logits" and self.output_activation == "none":
            p1 = torch.sigmoid(outputs[:, 0])
        else:
            p1 = outputs[:, 0].clamp(0.0, 1.0)
        return torch.stack([1 - p1, p1], dim=1)

    def correct(self, outputs: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """How many predictions match the labels, as a 0-d tensor (no host sync)."""
        predicted = self.probabilities(outputs).argmax(dim=1)
        return (predicted == labels.reshape(-1).long()).sum()


def task_for(config: RunConfig) -> Task:
    info = DATASETS[config.data.dataset]
    classes = {"regression": 0, "binary": 2, "multiclass": config.data.classes}[info.kind]
    return Task(info.kind, config.train.loss, config.model.output_activation, classes)


def make_loss(task: Task) -> nn.Module:
    return LOSS_LAYERS[task.loss]()


def table_task(config: RunConfig, schema: TableSchema) -> Task:
    """The task of a CSV target, checked against the loss; a mismatch is a ConfigError on train.loss."""
    loss, out_act = config.train.loss, config.model.output_activation
    problems = table_problems(schema.target, schema.task, schema.labels, loss)
    if problems:
        raise ConfigError(problems)
    if schema.task == "regression":
        return Task("regression", loss, out_act, 0)
    classes = len(schema.labels)
    return Task("multiclass" if loss == "cross_entropy" else "binary", loss, out_act, classes)


def user_task(config: RunConfig, task: str, classes: int) -> Task:
    """The task of a user Dataset's targets, checked against the loss as a CSV target is."""
    loss, out_act = config.train.loss, config.model.output_activation
    labels = tuple(str(c) for c in range(classes))
    problems = table_problems("y", task, labels, loss)
    if problems:
        raise ConfigError([Problem(p.path, p.message.replace("target 'y'", "the Dataset's y")) for p in problems])
    if task == "regression":
        return Task("regression", loss, out_act, 0)
    return Task("multiclass" if loss == "cross_entropy" else "binary", loss, out_act, classes)
