"""A run configuration written out as a standalone PyTorch script (`nntui export`): the bridge from
the tool back to code. The script makes the same torch calls in the same order as the engine, so
that it prints nntui's very losses, yet reads like the tutorial's code: the data, the model as an
`nn.Module`, the loss, the optimizer and a plain training loop.

This module puts the script together and writes its head (docstring, imports, seed) and its loss
and optimizer; each other part has a module of its own: export_data (synthetic sets),
export_table (CSV files), export_images (image sets, their transforms and DataLoaders; with
export_shapes), export_model, export_loop, export_toolkit (the lr scheduler, early stopping, the
best weights), export_results and export_boundary. The facts they
share are an export_plan.ScriptPlan, and export_text lays their lines out."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

from engine.config.catalog import DATASETS
from engine.config.rules import validate, warnings
from engine.config.schema import RunConfig
from engine.export.boundary import decision_boundary
from engine.export.data import data_source, synthetic_blocks
from engine.export.features import penalty_block
from engine.export.images import image_blocks, image_imports, image_words
from engine.export.model import model_blocks
from engine.export.plan import image_plan, synthetic_plan, table_plan
from engine.export.results import evaluation, summary
from engine.export.table import table_blocks, table_imports
from engine.export.text import WIDTH, call, fit, join
from engine.export.toolkit import schedule_block
from engine.export.training import training_loop
from engine.export.user_code import code_imports
from engine.export.user_data import user_data, user_data_blocks, user_data_plan
from engine.export.user_model import user_model, user_model_blocks

LOSSES = {  # loss name -> the criterion line
    "mse": "nn.MSELoss()  # mean squared error",
    "l1": "nn.L1Loss()  # mean absolute error",
    "huber": "nn.HuberLoss()  # squared near zero, absolute far out",
    "bce": "nn.BCELoss()  # binary cross entropy on the Sigmoid's probabilities",
    "bce_logits": "nn.BCEWithLogitsLoss()  # Sigmoid and binary cross entropy in one",
    "cross_entropy": "nn.CrossEntropyLoss()  # softmax and negative log likelihood in one",
}
OPTIMIZERS = {
    "sgd": ("SGD", "stochastic gradient descent"),
    "adam": ("Adam", "adaptive moment estimation"),
    "rmsprop": ("RMSprop", "root-mean-square propagation"),
    "adamw": ("AdamW", "Adam with decoupled weight decay"),
}


def export_script(config: RunConfig, title: str = "", inline: bool = False) -> str:
    """The source of a script that repeats `config`'s run in plain PyTorch; `title` (a preset's
    name, say) is mentioned in its docstring; `inline` copies a user module's definition into the
    script instead of importing its file. Invalid runs raise ConfigError; data the engine could
    not train on (a CSV file, an image folder, a missing MNIST) raises engine.data.preprocess.DataError,
    as a run would."""
    validate(config)
    return ScriptWriter(config, title, inline).render()


class ScriptWriter:
    """The plan of the script, its data section, and its blocks in order (engine.export.ddp.script
    writes the DDP variant on top of it)."""

    def __init__(self, config: RunConfig, title: str, inline: bool = False):
        user = user_model(config, inline) if config.model.kind == "module" else None
        if user is not None:  # its outputs are what its forward makes, as the engine takes them
            config = replace(config, model=replace(config.model, output_activation="none"))
        self.config, self.title = config, title
        info = DATASETS[config.data.dataset]
        self.table, self.images = info.source == "table", info.images
        self.before_model: list[str]  # the data section's blocks before the model, and after it
        self.after_model: list[str]
        self.data = None  # the user's own Dataset (engine.export.user_data), where the run has one
        if info.source == "code":
            self.data = user_data(config, inline)
            self.plan = user_data_plan(config, self.data)
            self.before_model, self.after_model = user_data_blocks(self.plan, self.data), []
            self.modules, self.library_imports = code_imports(self.data.code)
        elif self.images:
            from engine.data.images import load_images

            images = load_images(config.data)
            self.plan = image_plan(config, images.spec, len(images.train), len(images.test))
            self.before_model, self.after_model = image_blocks(self.plan), []
            self.modules, self.library_imports = image_imports(self.plan)
        elif self.table:
            from engine.data.csv_table import load_table
            from engine.models.task import table_task

            table = load_table(config.data)
            task = table_task(config, table.schema)
            self.plan = table_plan(config, table.schema, task, len(table.X), len(table.X_test))
            self.before_model, self.after_model = table_blocks(self.plan, table.schema), []
            self.modules, self.library_imports = table_imports(self.plan)
            self.target = table.schema.target
        else:
            self.plan = synthetic_plan(config)
            source = data_source(config.data)
            self.before_model, self.after_model = synthetic_blocks(self.plan, source)
            self.modules, self.library_imports = [], []
        if user is not None:
            self.plan = replace(self.plan, user=user)
            modules, libraries = code_imports(user)
            self.modules = [*self.modules, *modules]
            self.library_imports = [*self.library_imports, *libraries]

    def model(self) -> list[str]:
        """The model's blocks: nntui's `Net` class, or the user's own module."""
        plan = self.plan
        if plan.user is None:
            return model_blocks(plan)
        loader = self.data is None or self.data.code.file is None or self.data.code.inline  # (else the data's has it)
        return user_model_blocks(plan.user, plan.model_first, plan.uses_device, loader)

    def render(self) -> str:
        plan = self.plan
        blocks = [self.docstring(), self.imports(), self.seed(), *self.before_model, *self.model(),
                  *self.after_model, self.loss_and_optimizer(), penalty_block(plan), schedule_block(plan),
                  evaluation(plan),
                  training_loop(plan),
                  summary(plan), decision_boundary(plan)]
        return join([fit(b) for b in blocks if b])

    def docstring(self) -> str:
        plan = self.plan
        sizes = plan.sizes
        net = "-".join(map(str, sizes)) if len(sizes) <= 5 else f"{len(sizes) - 1}-layer"
        task = {"regression": "regression", "binary": "binary classification",
                "multiclass": f"{plan.classes}-class classification"}[plan.kind]
        origin = f'nntui\'s "{self.title}" run' if self.title else "an nntui run"
        if self.images:
            subject = f"{image_words(plan)} ({task})"
            drawn = "draws" if self.config.data.dataset == "shapes" else "takes"
            does = f"{drawn} the same pictures, initial weights and batches"
            needs = "torch and torchvision"
        elif self.data is not None:
            subject = f"your {self.data.code.name} from {self.data.code.origin} ({task})"
            does = "reads, splits and batches the same items, draws the same initial weights"
            needs = "torch and your data file" if self.data.code.file and not self.data.code.inline else "torch"
        elif self.table:
            subject = f"{_file_names(self.config.data.paths)} ({task} of '{self.target}')"
            does = "reads, splits and encodes the same rows, draws the same initial weights"
            needs = "torch and Python's csv module"
        else:
            subject = f"the {self.config.data.dataset} data set ({task})"
            does = "draws the same data and initial weights"
            needs = "torch"
        about = (f"Plain PyTorch, exported from {origin}: on the CPU it {does} and prints the same losses, "
                 f"epoch for epoch, stopping where nntui would if training diverges. It needs nothing but {needs}.")
        model = f"a {net} network" if self.config.model.hidden else "a linear model"
        if plan.conv_shapes:
            model = "a CNN"
        if plan.user is not None:
            user = plan.user
            model = f"your {user.name} ({user.file.name if user.file is not None else user.module})"
        return "\n".join([f'"""Train {model} on {subject}.', "", *textwrap.wrap(about, WIDTH), '"""'])

    def imports(self) -> str:
        """The standard modules, then torch and the other libraries, sorted as isort sorts them."""
        modules = sorted({"math", *self.modules})  # (the user's model and data may both import a file)
        libraries = ["import torch", "import torch.nn as nn", "import torch.optim as optim"]
        libraries += [line for line in dict.fromkeys(self.library_imports) if line not in libraries]
        if self.plan.functional:
            libraries.append("import torch.nn.functional as F")
        libraries.sort(key=lambda line: (line.startswith("from "), line.split()[1].lower()))
        return "\n".join([*(f"import {m}" for m in modules), "", *libraries])

    def seed(self) -> str:
        train = self.config.train
        same = "initial weights" if self.table or self.images or self.data else "data and initial weights"
        lines = [f"# Seed the random number generator: the same {same} on every run",
                 f"torch.manual_seed({self.config.data.seed})"]
        if self.plan.uses_device:
            if train.device == "auto":
                lines += ["", "# Use the GPU if there is one (CUDA, or Apple's MPS), else the CPU",
                          "if torch.cuda.is_available():", '    device = torch.device("cuda")',
                          "elif torch.backends.mps.is_available():", '    device = torch.device("mps")',
                          "else:", '    device = torch.device("cpu")']
            else:
                lines += ["", f'device = torch.device("{train.device}")']
        if self.plan.one_thread:
            comment = "  # a network this small trains fastest on one CPU thread"
            if train.device == "auto":
                lines += ['if device.type == "cpu":', f"    torch.set_num_threads(1){comment}"]
            elif not self.plan.uses_device:
                lines += [f"torch.set_num_threads(1){comment}"]
        return "\n".join(lines)

    def loss_and_optimizer(self) -> str:
        train = self.config.train
        name, words = OPTIMIZERS[train.optimizer]
        options = [f"lr={train.lr!r}"]
        if train.momentum and train.optimizer in ("sgd", "rmsprop"):
            options.append(f"momentum={train.momentum!r}")
        if train.weight_decay or train.optimizer == "adamw":  # AdamW's own default would be 0.01
            options.append(f"weight_decay={train.weight_decay!r}")
        notes = [line for w in warnings(self.config) for line in textwrap.wrap(
            f"Note: {w}", WIDTH, initial_indent="# ", subsequent_indent="#   ")]
        lines = [f"# Loss function and optimizer ({words})", *notes, f"criterion = {LOSSES[train.loss]}",
                 call("optimizer = ", f"optim.{name}", ["model.parameters()", *options])]
        return "\n".join(lines)


def _file_names(paths: list[str]) -> str:
    """The files in the docstring: "data.csv", "a.csv and b.csv", "3 CSV files"."""
    names = [Path(p).name for p in paths]
    if len(names) <= 2:
        return " and ".join(names)
    return f"{len(names)} CSV files"

