"""What a run decides about its exported script, worked out once from the configuration (and, for
a CSV or image run, from the data the engine reads): what the outputs mean, the layer sizes, how
many samples train and test, batching, threads and device. The writers of the script's parts read
these facts instead of each deriving them again."""

from __future__ import annotations

from dataclasses import dataclass

from engine.config.catalog import DATASETS
from engine.config.schema import RunConfig
from engine.data.features import input_width
from engine.data.preprocess import ImageSpec, TableSchema
from engine.data.synthetic import test_size
from engine.export.user_model import UserModel
from engine.models.layer_sizes import SMALL_WORK, conv_shapes, output_units, parameter_count
from engine.models.task import Task, task_for


@dataclass(frozen=True)
class ScriptPlan:
    """The facts every part of the script depends on."""

    config: RunConfig
    kind: str  # "regression" | "binary" | "multiclass", as engine.models.task.Task has it
    classes: int  # 0 for regression
    features: int  # inputs per sample to the linear layers (a CNN's: the flattened feature maps)
    n_train: int  # training samples
    n_test: int  # test samples; 0: no test set
    boundary: bool  # a 2-D classifier on synthetic data: the script prints its decision boundary
    image: ImageSpec | None = None  # image runs: the pictures as the model takes them, served by DataLoaders
    user: UserModel | None = None  # model.kind = module: the user's own nn.Module

    @property
    def outputs(self) -> int:
        return output_units(self.config.model.outputs, self.config.train.loss, self.classes)

    @property
    def sizes(self) -> list[int]:
        """Inputs, hidden layer widths, outputs."""
        return [self.features, *self.config.model.hidden, self.outputs]

    @property
    def conv_shapes(self) -> list[tuple[int, int, int]]:
        """A CNN's (channels, height, width): its input, then the output of each conv block (a 3x3
        convolution keeps the size, the 2x2 max pooling halves it); [] for other models."""
        if self.image is None or self.config.model.kind != "cnn":
            return []
        return [self.image.shape, *(conv_shapes(self.image.shape, self.config.model.channels) or [])]

    @property
    def channels_last(self) -> bool:
        """Whether the CNN may train on the CPU, where the engine lays its tensors out channels-last."""
        return bool(self.conv_shapes) and self.config.train.device in ("cpu", "auto")

    @property
    def parameters(self) -> int:
        """Weights and biases, as engine.models.mlp.parameter_count counts them (a user module's: its own)."""
        if self.user is not None:
            return self.user.parameters
        if not self.conv_shapes:
            return parameter_count(self.sizes)
        return parameter_count(self.sizes, self.conv_shapes[0][0], self.config.model.channels)

    @property
    def test_data(self) -> str:
        """What `evaluate` is called on for the test set."""
        return "test_loader" if self.image is not None else "X_test, y_test"

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
        return self.parameters * (self.config.data.batch_size or self.n_train) < SMALL_WORK

    @property
    def functional(self) -> bool:
        """Whether the model calls torch.nn.functional (LeakyReLU and GELU have no torch.* call)."""
        return (self.user is None and self.config.model.activation in ("leaky_relu", "gelu")
                and bool(self.config.model.hidden))

    def to_device(self, *names: str) -> str:
        """A line moving the named tensors to the device, after a newline; "" on a fixed CPU."""
        if not self.uses_device:
            return ""
        return f"\n{', '.join(names)} = {', '.join(f'{n}.to(device)' for n in names)}"


def synthetic_plan(config: RunConfig) -> ScriptPlan:
    """The plan of a run on one of the synthetic data sets."""
    info = DATASETS[config.data.dataset]
    task = task_for(config)
    return ScriptPlan(config, task.kind, task.classes, input_width(config.data), config.data.samples,
                      test_size(config.data), boundary=info.plane and task.is_classification)


def table_plan(config: RunConfig, schema: TableSchema, task: Task, n_train: int, n_test: int) -> ScriptPlan:
    """The plan of a CSV run, once the engine has read the table (nntui draws no boundary for tables)."""
    return ScriptPlan(config, task.kind, task.classes, schema.features, n_train, n_test, boundary=False)


def image_plan(config: RunConfig, spec: ImageSpec, n_train: int, n_test: int) -> ScriptPlan:
    """The plan of an image run, once the engine has loaded its data set (always multi-class)."""
    import torch

    from engine.models.cnn import build_image_model

    task = Task("multiclass", config.train.loss, config.model.output_activation, len(spec.labels))
    if config.model.kind == "module":  # the user's own model: the script builds it as it is
        return ScriptPlan(config, task.kind, task.classes, 0, n_train, n_test, boundary=False, image=spec)
    with torch.device("meta"):  # the engine's own checks of the model, without drawing a weight
        model = build_image_model(config.model, spec.shape, task.output_units(config.model.outputs))
    features = next(layer.in_features for layer in model if isinstance(layer, torch.nn.Linear))
    return ScriptPlan(config, task.kind, task.classes, features, n_train, n_test, boundary=False, image=spec)
