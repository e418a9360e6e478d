"""What a run decides about its exported script, worked out once from the configuration (and, for
a CSV run, from the table the engine reads): what the outputs mean, the layer sizes, how many rows
train and test, batching, threads and device. The writers of the script's parts read these facts
instead of each deriving them again."""

from __future__ import annotations

from dataclasses import dataclass

from engine.catalog import DATASETS
from engine.config import RunConfig
from engine.datasets import test_size
from engine.preprocess import TableSchema
from engine.task import Task, task_for
from engine.trainer import SMALL_WORK


@dataclass(frozen=True)
class ScriptPlan:
    """The facts every part of the script depends on."""

    config: RunConfig
    kind: str  # "regression" | "binary" | "multiclass", as engine.task.Task has it
    classes: int  # 0 for regression
    features: int  # inputs per sample
    n_train: int  # training samples
    n_test: int  # test samples; 0: no test set
    boundary: bool  # a 2-D classifier on synthetic data: the script prints its decision boundary

    @property
    def outputs(self) -> int:
        return self.config.model.outputs or (self.classes if self.config.train.loss == "cross_entropy" else 1)

    @property
    def sizes(self) -> list[int]:
        """Inputs, hidden layer widths, outputs."""
        return [self.features, *self.config.model.hidden, self.outputs]

    @property
    def model_first(self) -> bool:
        """Whether the tutorial builds the model before drawing this data set."""
        return DATASETS[self.config.data.dataset].model_first

    @property
    def minibatch(self) -> bool:
        return 0 < self.config.data.batch_size < self.n_train

    @property
    def uses_device(self) -> bool:
        """Whether tensors are moved to a `device` (anything but a fixed CPU)."""
        return self.config.train.device != "cpu"

    @property
    def one_thread(self) -> bool:
        """The engine trains small networks on one CPU thread (threads change the sums' order)."""
        parameters = sum((a + 1) * b for a, b in zip(self.sizes, self.sizes[1:]))
        return parameters * (self.config.data.batch_size or self.n_train) < SMALL_WORK

    @property
    def functional(self) -> bool:
        """Whether the model calls torch.nn.functional (LeakyReLU and GELU have no torch.* call)."""
        return self.config.model.activation in ("leaky_relu", "gelu") and bool(self.config.model.hidden)

    def to_device(self, *names: str) -> str:
        """A line moving the named tensors to the device, after a newline; "" on a fixed CPU."""
        if not self.uses_device:
            return ""
        return f"\n{', '.join(names)} = {', '.join(f'{n}.to(device)' for n in names)}"


def synthetic_plan(config: RunConfig) -> ScriptPlan:
    """The plan of a run on one of the synthetic data sets."""
    info = DATASETS[config.data.dataset]
    task = task_for(config)
    return ScriptPlan(config, task.kind, task.classes, info.features, config.data.samples, test_size(config.data),
                      boundary=info.features == 2 and task.is_classification)


def table_plan(config: RunConfig, schema: TableSchema, task: Task, n_train: int, n_test: int) -> ScriptPlan:
    """The plan of a CSV run, once the engine has read the table (nntui draws no boundary for tables)."""
    return ScriptPlan(config, task.kind, task.classes, schema.features, n_train, n_test, boundary=False)
