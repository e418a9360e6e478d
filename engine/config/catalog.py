"""The names a run configuration may use, with a line on each.

Kept apart from the torch code so that the CLI's `--help`, `nntui presets` and the TUI's first
screen can list choices without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DatasetInfo:
    """What a data set is: its task kind, how many inputs it has and where its samples come from."""

    name: str
    kind: str  # "regression" | "binary" | "multiclass" | "table" (decided by the targets: a file's column, a Dataset's y)
    features: int  # inputs per sample (pixels for images); 0 when only the data can tell
    description: str
    model_first: bool = False  # the tutorial builds the model before drawing this data
    source: str = "synthetic"  # synthetic | table | torchvision | procedural | folder
    classes: int = 0  # a fixed number of classes (image sets); 0: data.classes or the data decides

    @property
    def synthetic(self) -> bool:
        return self.source == "synthetic"

    @property
    def images(self) -> bool:
        return self.source in IMAGE_SOURCES

    @property
    def plane(self) -> bool:
        """A synthetic set of points (x1, x2): it takes input features, and is drawn over its plane."""
        return self.synthetic and self.features == 2


IMAGE_SOURCES = ("torchvision", "procedural", "folder")


DATASETS: dict[str, DatasetInfo] = {
    info.name: info
    for info in (
        DatasetInfo("linear", "regression", 2, "y = 2*x1 + 3*x2 + 4 + noise*N(0,1) (the tutorial's linear regression)"),
        DatasetInfo("random", "regression", 2, "x ~ N(0,1), y ~ N(0,1): the training-process section's random data",
                    model_first=True),
        DatasetInfo("sequential", "regression", 10, "10 random inputs with the first-network example's fixed 0/1 targets"),
        DatasetInfo("circle", "binary", 2, "x ~ N(0,1), class 1 inside the unit circle (the tutorial's classifier)"),
        DatasetInfo("xor", "binary", 2, "uniform points in [-1,1]^2, class 1 where x1*x2 > 0"),
        DatasetInfo("moons", "binary", 2, "two interleaving half circles"),
        DatasetInfo("spiral", "multiclass", 2, "interleaved spiral arms, one class per arm"),
        DatasetInfo("blobs", "multiclass", 2, "Gaussian clusters, one class per cluster"),
        DatasetInfo("plane", "regression", 2, "uniform points in [-6,6]^2, y = (x1 + x2) / 10 (Playground's "
                    "reg-plane)"),
        DatasetInfo("gauss", "regression", 2, "uniform points in [-6,6]^2, y = six signed Gaussian bumps "
                    "(Playground's reg-gauss)"),
        DatasetInfo("csv", "table", 0, "your CSV files (data.paths) with a target column (data.target)",
                    source="table"),
        DatasetInfo("shapes", "multiclass", 784, "28x28 drawings of circles, squares, triangles and crosses "
                    "(offline)", source="procedural", classes=4),
        DatasetInfo("mnist", "multiclass", 784, "handwritten digits 0-9 through torchvision (data.data_root)",
                    source="torchvision", classes=10),
        DatasetInfo("fashion-mnist", "multiclass", 784, "Zalando's clothing images through torchvision",
                    source="torchvision", classes=10),
        DatasetInfo("module", "table", 0, "your own map-style Dataset returning (x, y), from a Python file "
                    "(data.module)", source="code"),
        DatasetInfo("images", "multiclass", 0, "your ImageFolder tree (data.images): one sub-folder per class",
                    source="folder"),
    )
}

# Input features of the 2-D sets, as TensorFlow Playground offers them, in the order the model takes them.
FEATURES: dict[str, str] = {
    "x1": "the first coordinate",
    "x2": "the second coordinate",
    "x1^2": "the first coordinate squared",
    "x2^2": "the second coordinate squared",
    "x1*x2": "the product of the coordinates",
    "sin(x1)": "the sine of the first coordinate",
    "sin(x2)": "the sine of the second coordinate",
}
PLAIN_FEATURES = ("x1", "x2")  # the point itself: no features computed

REGULARIZATIONS: dict[str, str] = {
    "none": "no penalty",
    "l1": "L1: reg_rate times the sum of |w| over the weights (not the biases)",
    "l2": "L2: reg_rate times the sum of w^2/2 over the weights (not the biases)",
}

MODEL_KINDS: dict[str, str] = {
    "mlp": "fully connected layers (images are flattened)",
    "cnn": "Conv2d-MaxPool2d-ReLU blocks, then the hidden linear layers (images only)",
    "module": "your own nn.Module, from a Python file (model.module, model.args)",
}

# Losses and the kind of target each one expects.
LOSSES: dict[str, str] = {
    "mse": "MSELoss: mean squared error (regression)",
    "l1": "L1Loss: mean absolute error (regression)",
    "huber": "HuberLoss: squared near zero, absolute far out (regression)",
    "bce": "BCELoss: binary cross entropy on probabilities (needs a Sigmoid output)",
    "bce_logits": "BCEWithLogitsLoss: Sigmoid and binary cross entropy in one, on raw outputs",
    "cross_entropy": "CrossEntropyLoss: softmax and negative log likelihood, on raw outputs",
}
REGRESSION_LOSSES = ("mse", "l1", "huber")

OPTIMIZERS: dict[str, str] = {
    "sgd": "SGD: stochastic gradient descent, optional momentum",
    "adam": "Adam: adaptive moment estimation",
    "rmsprop": "RMSprop: root-mean-square propagation",
    "adamw": "AdamW: Adam with decoupled weight decay",
}

ACTIVATIONS: dict[str, str] = {
    "relu": "ReLU",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "leaky_relu": "LeakyReLU",
    "gelu": "GELU",
}

OUTPUT_ACTIVATIONS: dict[str, str] = {
    "none": "raw outputs (logits for the *_logits and cross_entropy losses)",
    "sigmoid": "Sigmoid: one probability per output unit",
    "softmax": "Softmax: a probability distribution over the output units",
}

SCHEDULES: dict[str, str] = {
    "none": "a constant learning rate (changeable by hand during a run)",
    "step": "StepLR: multiply the lr by gamma every step_size epochs",
    "cosine": "CosineAnnealingLR: from lr down to min_lr along a half cosine over the run",
    "onecycle": "OneCycleLR: warm up to max_lr, then anneal far below lr; stepped every batch",
    "plateau": "ReduceLROnPlateau: multiply the lr by factor after patience epochs without a better test loss",
}
# Schedules whose lr changes every epoch or batch (the rest change it in steps now and then).
GLIDING_SCHEDULES = ("cosine", "onecycle")

DEVICES: dict[str, str] = {
    "auto": "cuda if present, then mps, then cpu",
    "cpu": "the CPU",
    "cuda": "an NVIDIA GPU",
    "mps": "Apple's Metal GPU",
}
