"""A run configuration written out as a standalone PyTorch script (`nntui export`): the bridge from
the tool back to code. The script makes the same torch calls in the same order as the engine, so
that it prints nntui's very losses, yet reads like the tutorial's code: one function for the data,
the model as an `nn.Module`, the loss, the optimizer and a plain training loop."""

from __future__ import annotations

import textwrap

from engine.catalog import DATASETS
from engine.config import ConfigError, Problem, RunConfig, validate, warnings
from engine.datasets import test_size
from engine.export_data import data_source
from engine.trainer import SMALL_WORK

WIDTH = 88  # the script's line length, as ruff's and black's formatters have it
NAMED_LAYERS_UP_TO = 3  # hidden layers written as fc1, fc2, ...; deeper networks use a ModuleList
BOUNDARY_SIZE = (60, 24)  # columns and rows, as `nntui run` prints it
REGIONS = ".:-=~^'`"  # nntui's ASCII region and point characters, one per class
MARKERS = "ox+*#@%&"

ACTIVATIONS = {  # activation name -> (call on x, its name in comments)
    "relu": ("torch.relu({})", "ReLU"),
    "tanh": ("torch.tanh({})", "Tanh"),
    "sigmoid": ("torch.sigmoid({})", "Sigmoid"),
    "leaky_relu": ("F.leaky_relu({})", "LeakyReLU"),
    "gelu": ("F.gelu({})", "GELU"),
}
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


def export_script(config: RunConfig, title: str = "") -> str:
    """The source of a script that repeats `config`'s run in plain PyTorch; `title` (a preset's
    name, say) is mentioned in its docstring. Runs it cannot write yet raise ConfigError."""
    validate(config)
    problems = unsupported(config)
    if problems:
        raise ConfigError(problems)
    return _Script(config, title).render()


def unsupported(config: RunConfig) -> list[Problem]:
    """What keeps a valid run from being exported: so far, data other than the synthetic sets,
    and networks other than the MLP."""
    problems = []
    info = DATASETS.get(config.data.dataset)
    if info is not None and not info.synthetic:
        names = ", ".join(name for name, i in DATASETS.items() if i.synthetic)
        problems.append(Problem("data.dataset", f"export writes the synthetic data sets only so far ({names}), "
                                f"not '{config.data.dataset}'"))
    if config.model.kind != "mlp":
        problems.append(Problem("model.kind", f"export writes MLPs only so far, not '{config.model.kind}'"))
    return problems


class _Script:
    """What the configuration decides about the script, and the script's blocks in order."""

    def __init__(self, config: RunConfig, title: str):
        self.config, self.title = config, title
        data, model, train = config.data, config.model, config.train
        info = DATASETS[data.dataset]
        self.info, self.source = info, data_source(data)
        self.kind = info.kind
        self.classes = {"regression": 0, "binary": 2, "multiclass": data.classes}[info.kind]
        self.outputs = model.outputs or (self.classes if train.loss == "cross_entropy" else 1)
        self.sizes = [info.features, *model.hidden, self.outputs]
        self.n_test = test_size(data)
        self.minibatch = 0 < data.batch_size < data.samples
        self.boundary = info.features == 2 and self.kind != "regression"
        parameters = sum((a + 1) * b for a, b in zip(self.sizes, self.sizes[1:]))
        self.one_thread = parameters * (data.batch_size or data.samples) < SMALL_WORK
        self.device = train.device != "cpu"
        self.functional = model.activation in ("leaky_relu", "gelu") and bool(model.hidden)

    # -- assembly ---------------------------------------------------------------------------

    def render(self) -> str:
        data_first = not self.info.model_first
        blocks = [self.docstring(), self.imports(), self.seed(), self.source.code.rstrip("\n")]
        order = [self.training_data(), *self.model()] if data_first else [*self.model(), self.training_data()]
        blocks += order
        blocks += [self.test_data(), self.loss_and_optimizer(), self.evaluation(), self.training_loop(),
                   self.summary(), self.decision_boundary()]
        return _join([_fit(b) for b in blocks if b])

    def docstring(self) -> str:
        net = "-".join(map(str, self.sizes)) if len(self.sizes) <= 5 else f"{len(self.sizes) - 1}-layer"
        task = {"regression": "regression", "binary": "binary classification",
                "multiclass": f"{self.classes}-class classification"}[self.kind]
        origin = f'nntui\'s "{self.title}" run' if self.title else "an nntui run"
        about = (f"Plain PyTorch, exported from {origin}: on the CPU it draws the same data and initial "
                 "weights and prints the same losses, epoch for epoch. It needs nothing but torch.")
        model = f"a {net} network" if self.config.model.hidden else "a linear model"
        return "\n".join([f'"""Train {model} on the {self.config.data.dataset} data set ({task}).', "",
                          *textwrap.wrap(about, WIDTH), '"""'])

    def imports(self) -> str:
        lines = ["import math", ""] if self.source.needs_math else []
        lines += ["import torch", "import torch.nn as nn"]
        if self.functional:
            lines.append("import torch.nn.functional as F")
        lines.append("import torch.optim as optim")
        return "\n".join(lines)

    def seed(self) -> str:
        lines = ["# Seed the random number generator: the same data and initial weights on every run",
                 f"torch.manual_seed({self.config.data.seed})"]
        if self.device:
            if self.config.train.device == "auto":
                lines += ["", "# Use the GPU if there is one (CUDA, or Apple's MPS), else the CPU",
                          "if torch.cuda.is_available():", '    device = torch.device("cuda")',
                          "elif torch.backends.mps.is_available():", '    device = torch.device("mps")',
                          "else:", '    device = torch.device("cpu")']
            else:
                lines += ["", f'device = torch.device("{self.config.train.device}")']
        if self.one_thread:
            comment = "  # a network this small trains fastest on one CPU thread"
            if self.config.train.device == "auto":
                lines += ['if device.type == "cpu":', f"    torch.set_num_threads(1){comment}"]
            elif not self.device:
                lines += [f"torch.set_num_threads(1){comment}"]
        return "\n".join(lines)

    def _to_device(self, *names: str) -> str:
        if not self.device:
            return ""
        return f"\n{', '.join(names)} = {', '.join(f'{n}.to(device)' for n in names)}"

    def _class_indices(self, *names: str) -> str:
        """CrossEntropyLoss wants class indices where the binary sets give float columns."""
        if self.config.train.loss != "cross_entropy" or self.kind != "binary":
            return ""
        pairs = ", ".join(names), ", ".join(f"{n}.squeeze(1).long()" for n in names)
        return f"\n{pairs[0]} = {pairs[1]}  # CrossEntropyLoss wants class indices"

    def training_data(self) -> str:
        samples = self.config.data.samples
        return (f"# Generate the training data: {samples} samples\n"
                f"X, y = {self.source.function}({samples})"
                + self._class_indices("y") + self._to_device("X", "y"))

    def model(self) -> list[str]:
        comment = "# The model is built before the data is drawn, as in the tutorial\n" if self.info.model_first else ""
        model = "model = Net()" + (".to(device)" if self.device else "")
        return [self.network(), comment + model]

    def network(self) -> str:
        cfg = self.config.model
        ins, *hidden, outs = self.sizes
        call, act_name = ACTIVATIONS[cfg.activation]
        shape = " -> ".join([f"{ins} inputs", *_hidden_words(hidden, act_name),
                             _units(outs, "output") + self._output_note()])
        head = [f"# The network: {shape}", "class Net(nn.Module):", "    def __init__(self):",
                "        super().__init__()"]
        if not hidden:
            init = [f"        self.linear = nn.Linear({ins}, {outs})  # {_units(ins, 'input')} -> {_units(outs, 'output')}"]
            body = [self._output_line("self.linear(x)")]
        elif len(hidden) <= NAMED_LAYERS_UP_TO:
            init = ["        # Layers are created in order: the seed then gives the same initial weights"]
            widths = list(zip(self.sizes, self.sizes[1:]))
            for i, (a, b) in enumerate(widths, start=1):
                if i == len(widths):
                    what = self._output_layer_note()
                else:
                    what = f"{a} input features -> {b} hidden units" if i == 1 else f"{a} -> {b} hidden units"
                init.append(f"        self.fc{i} = nn.Linear({a}, {b})  # {what}")
            body = []
            for i in range(1, len(widths)):
                note = f"  # {act_name} activation" if i == 1 else ""
                body.append(f"        x = {call.format(f'self.fc{i}(x)')}{note}")
            body.append(self._output_line(f"self.fc{len(widths)}(x)"))
        else:
            same = len(set(hidden)) == 1
            sizes = f"[{ins}] + [{hidden[0]}] * {len(hidden)}" if same else _list([ins, *hidden], " " * 8)
            init = ["        # Hidden layers are created in order: the seed gives the same initial weights",
                    f"        sizes = {sizes}",
                    "        pairs = zip(sizes[:-1], sizes[1:], strict=True)  # (inputs, outputs) of each",
                    "        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in pairs)",
                    f"        self.out = nn.Linear({hidden[-1]}, {outs})  # {self._output_layer_note()}"]
            body = ["        for layer in self.hidden:", f"            x = {call.format('layer(x)')}",
                    self._output_line("self.out(x)")]
        last = body.pop()
        body += [last.replace("x = ", "return ", 1)] if last.startswith("        x = self.") else [last, "        return x"]
        return "\n".join([*head, *init, "", "    def forward(self, x):", *body])

    def _output_layer_note(self) -> str:
        if self.config.train.loss == "cross_entropy":
            return "output layer: one score per class" if self.outputs == self.classes else \
                f"output layer: {self.outputs} scores, the first {self.classes} for the classes"
        if self.kind == "binary":
            return "output layer: one unit for class 1"
        return "output layer: the prediction"

    def _output_note(self) -> str:
        act = self.config.model.output_activation
        return {"sigmoid": " (Sigmoid)", "softmax": " (Softmax)"}.get(act, "")

    def _output_line(self, layer: str) -> str:
        act, loss = self.config.model.output_activation, self.config.train.loss
        if act == "sigmoid":
            what = "the probability of class 1" if self.kind == "binary" and self.outputs == 1 else \
                "a probability for each output"
            return f"        x = torch.sigmoid({layer})  # Sigmoid: {what}"
        if act == "softmax":
            return f"        x = torch.softmax({layer}, dim=1)  # Softmax: probabilities over the outputs"
        note = {"bce_logits": "raw output (a logit): the loss applies the Sigmoid",
                "cross_entropy": "raw scores (logits): the loss applies the softmax"}.get(loss, "the prediction")
        return f"        x = {layer}  # {note}"

    def test_data(self) -> str:
        if not self.n_test:
            return ""
        return ("# Hold out a test set, drawn last so that the training data and weights stay the same\n"
                f"X_test, y_test = {self.source.function}({self.n_test})"
                + self._class_indices("y_test") + self._to_device("X_test", "y_test"))

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
                 _call("optimizer = ", f"optim.{name}", ["model.parameters()", *options])]
        return "\n".join(lines)

    # -- evaluation -------------------------------------------------------------------------

    def probabilities(self) -> str:
        loss, act = self.config.train.loss, self.config.model.output_activation
        if loss == "cross_entropy":
            keep = f"[:, :{self.classes}]" if self.outputs > self.classes else ""
            if act == "softmax":
                return f"    return outputs{keep}  # already probabilities (Softmax)"
            return f"    return torch.softmax(outputs, dim=1){keep}"
        if loss == "bce_logits" and act == "none":
            p1 = "torch.sigmoid(outputs[:, 0])  # the output is a logit"
        elif act == "sigmoid":
            p1 = "outputs[:, 0]  # the Sigmoid's output"
        else:
            p1 = "outputs[:, 0].clamp(0.0, 1.0)  # the raw output, read as a probability"
        return f"    p1 = {p1}\n    return torch.stack([1 - p1, p1], dim=1)"

    def evaluation(self) -> str:
        if self.kind == "regression":
            if not self.n_test:
                return ""
            return ("def evaluate(X, y):\n"
                    '    """The loss of the model on (X, y), without training it."""\n'
                    "    model.eval()  # evaluation mode\n"
                    "    with torch.no_grad():  # no gradients needed\n"
                    "        return criterion(model(X), y).item()")
        labels = "y" if self.config.train.loss == "cross_entropy" else "y.squeeze(1)"
        what = "one column per class" if self.kind == "multiclass" else "P(class 0) and P(class 1)"
        blocks = ["def class_probabilities(outputs):\n"
                  f'    """The model\'s outputs as class probabilities: {what}."""\n' + self.probabilities()]
        if self.n_test:
            blocks.append("def evaluate(X, y):\n"
                          '    """Loss and accuracy of the model on (X, y), without training it."""\n'
                          "    model.eval()  # evaluation mode\n"
                          "    with torch.no_grad():  # no gradients needed\n"
                          "        outputs = model(X)\n"
                          "        loss = criterion(outputs, y).item()\n"
                          "        predicted = class_probabilities(outputs).argmax(dim=1)\n"
                          f"        accuracy = (predicted == {labels}).sum().item() / len(y)\n"
                          "    return loss, accuracy")
        return "\n\n\n".join(blocks)

    # -- training ---------------------------------------------------------------------------

    def _log(self, loss: str, indent: str) -> str:
        train = self.config.train
        every = train.log_interval
        when = f"(epoch + 1) % {every} == 0" if every > 1 else ""
        if when and train.epochs % every:
            when += " or epoch + 1 == epochs"
        classifier = self.kind != "regression" and self.n_test
        what = "the loss and the test accuracy" if classifier else "the loss"
        period = f"every {every} epochs" if every > 1 else "every epoch"
        epoch_loss = f'f"Epoch [{{epoch + 1}}/{{epochs}}], Loss: {{{loss}:.4f}}'
        if classifier:
            body = ["_, test_accuracy = evaluate(X_test, y_test)", "print(",
                    f'    {epoch_loss}, "', '    f"Test Accuracy: {test_accuracy:.2%}"', ")"]
        else:
            body = [f'print({epoch_loss}")']
        if not when:
            return "\n".join([f"{indent}# Print {what} {period}", *(indent + b for b in body)])
        return "\n".join([f"{indent}# Print {what} {period}", f"{indent}if {when}:",
                          *(indent + "    " + b for b in body)])

    def training_loop(self) -> str:
        return self._minibatch_loop() if self.minibatch else self._full_batch_loop()

    def _full_batch_loop(self) -> str:
        epochs = self.config.train.epochs
        return "\n".join([
            "# Train on the whole training set at once, as in the tutorial",
            f"epochs = {epochs}",
            "for epoch in range(epochs):",
            "    model.train()  # training mode",
            "",
            *_step_lines("X", "y", "    ", self.config.train.clip_grad),
            "",
            self._log("loss.item()", "    "),
        ])

    def _minibatch_loop(self) -> str:
        data = self.config.data
        n, size = data.samples, data.batch_size
        dropping = data.drop_last and n % size
        shuffled = "_shuffled" if data.shuffle else ""
        lines = [f"# Train in minibatches of {size}" + (", reshuffled every epoch" if data.shuffle else ""),
                 f"batch_size = {size}",
                 "n_train = len(X)"]
        if dropping:
            lines += ["n_batches = n_train // batch_size  # the last, incomplete batch is dropped"]
        if data.shuffle:
            lines += ["# Shuffling has its own generator, so it draws nothing from the seeded one above",
                      f"shuffle_generator = torch.Generator().manual_seed({data.seed})"]
        lines += [f"epochs = {self.config.train.epochs}",
                  "for epoch in range(epochs):",
                  "    model.train()  # training mode"]
        if data.shuffle:
            to_device = ".to(device)" if self.device else ""
            lines += ["    # Shuffle the training set, then cut it into consecutive batches",
                      f"    order = torch.randperm(n_train, generator=shuffle_generator){to_device}",
                      "    X_shuffled, y_shuffled = X[order], y[order]"]
        lines += ["    epoch_loss = 0.0"]
        if dropping:
            lines += ["    for batch in range(n_batches):", "        start = batch * batch_size"]
        else:
            lines += ["    for start in range(0, n_train, batch_size):"]
        lines += [f"        inputs = X{shuffled}[start : start + batch_size]",
                  f"        targets = y{shuffled}[start : start + batch_size]",
                  "",
                  *_step_lines("inputs", "targets", "        ", self.config.train.clip_grad),
                  "",
                  "        # Sum the loss as a tensor: .item() every batch would wait for the device",
                  "        epoch_loss += loss.detach() * len(inputs)",
                  "    # The epoch's loss: the mean over the samples it trained on",
                  "    train_loss = (epoch_loss / " + ("(n_batches * batch_size)" if dropping else "n_train")
                  + ").item()",
                  "",
                  self._log("train_loss", "    ")]
        return "\n".join(lines)

    # -- the end ----------------------------------------------------------------------------

    def summary(self) -> str:
        final = "train_loss" if self.minibatch else "loss.item()"
        lines = ["# The final training loss, every digit of it (nntui reports the same number)",
                 f'print(f"Final train loss: {{{final}!r}}")']
        if self.n_test and self.kind == "regression":
            lines += ["", "# Evaluate on the test set", "test_loss = evaluate(X_test, y_test)",
                      'print(f"Test loss: {test_loss:.4f}")']
        elif self.n_test:
            lines += ["", "# Evaluate on the test set", "test_loss, test_accuracy = evaluate(X_test, y_test)",
                      'print(f"Test loss: {test_loss:.4f}, Test accuracy: {test_accuracy:.2%}")']
        if self.config.data.dataset == "linear" and not self.config.model.hidden:
            lines += ["", "# The learned parameters, next to the true ones",
                      "weight = [round(w, 4) for w in model.linear.weight[0].tolist()]",
                      "bias = round(model.linear.bias.item(), 4)",
                      'print(f"Predicted weight: {weight}, true: {true_w.tolist()}")',
                      'print(f"Predicted bias: {bias}, true: {true_b}")']
        return "\n".join(lines)

    def decision_boundary(self) -> str:
        if not self.boundary:
            return ""
        columns, rows = BOUNDARY_SIZE
        regions = "".join(REGIONS[c % len(REGIONS)] for c in range(self.classes))
        markers = "".join(MARKERS[c % len(MARKERS)] for c in range(self.classes))
        to_device = ".to(device)" if self.device else ""
        function = f'''\
def print_decision_boundary(data, labels, columns={columns}, rows={rows}):
    """Print the class the model predicts over the plane, one character per cell of a
    grid (blank where it is unsure), with the training points on top."""
    regions, markers = "{regions}", "{markers}"  # one character for each class, from class 0
    # The plotting range of the tutorial: the data's extent plus one on every side
    x_min, x_max = data[:, 0].min().item() - 1, data[:, 0].max().item() + 1
    y_min, y_max = data[:, 1].min().item() - 1, data[:, 1].max().item() + 1
    # The centre of every cell, row by row from the top
    xs = x_min + (torch.arange(columns) + 0.5) * ((x_max - x_min) / columns)
    ys = y_max - (torch.arange(rows) + 0.5) * ((y_max - y_min) / rows)
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack([xx.reshape(-1), yy.reshape(-1)], dim=1){to_device}

    model.eval()
    with torch.no_grad():
        probabilities = class_probabilities(model(grid)).reshape(rows, columns, -1)
    confidence, predicted = probabilities.max(dim=2)
    cells = [
        [regions[c] if p >= 0.6 else " " for p, c in zip(ps, cs, strict=True)]
        for ps, cs in zip(confidence.tolist(), predicted.tolist(), strict=True)
    ]
    points = zip(data.tolist(), labels.reshape(-1).tolist(), strict=True)
    for (x, y), label in points:
        row = int((y_max - y) / (y_max - y_min) * rows)
        column = int((x - x_min) / (x_max - x_min) * columns)
        if 0 <= row < rows and 0 <= column < columns:
            cells[row][column] = markers[int(label)]
    for line in cells:
        print("".join(line))'''
        return function + "\n\n\n" + 'print("Decision boundary (x1 across, x2 up):")\nprint_decision_boundary(X, y)'


def _call(target: str, function: str, arguments: list[str], indent: str = "") -> str:
    """A call on one line, or with its arguments on the next when too long, as a formatter would."""
    line = f"{indent}{target}{function}({', '.join(arguments)})"
    if len(line) <= WIDTH:
        return line
    return f"{indent}{target}{function}(\n{indent}    {', '.join(arguments)}\n{indent})"


def _list(values: list[int], indent: str) -> str:
    """A list literal, exploded one item a line when `sizes = [...]` would not fit, as a formatter would."""
    flat = repr(values)
    if len(indent) + len("sizes = ") + len(flat) <= WIDTH:
        return flat
    return "[\n" + "".join(f"{indent}    {v},\n" for v in values) + f"{indent}]"


def _fit(block: str) -> str:
    """Lines longer than WIDTH lose their trailing comment to a line of its own above them, and
    long comment lines are wrapped. (Generated inline comments start with two spaces and a #.)"""
    out = []
    for line in block.splitlines():
        indent = line[: len(line) - len(line.lstrip())]
        code, sep, comment = line.partition("  # ")
        if len(line) > WIDTH and sep and code.strip():
            out += textwrap.wrap(comment, WIDTH, initial_indent=indent + "# ", subsequent_indent=indent + "# ")
            out.append(code)
        elif len(line) > WIDTH and line.lstrip().startswith("# "):
            text = line.lstrip()[2:]
            out += textwrap.wrap(text, WIDTH, initial_indent=indent + "# ", subsequent_indent=indent + "# ")
        else:
            out.append(line)
    return "\n".join(out)


def _units(n: int, what: str) -> str:
    return f"{n} {what}" + ("s" if n != 1 else "")


def _hidden_words(hidden: list[int], activation: str) -> list[str]:
    """The hidden layers in the model's comment: "4 hidden units (ReLU)", "2 hidden layers of 16 (ReLU)"."""
    if not hidden:
        return []
    if len(hidden) == 1:
        return [f"{_units(hidden[0], 'hidden unit')} ({activation})"]
    if len(set(hidden)) == 1:
        return [f"{len(hidden)} hidden layers of {hidden[0]} ({activation})"]
    if len(hidden) <= 3:
        return [f"hidden layers of {', '.join(map(str, hidden))} ({activation})"]
    return [f"{len(hidden)} hidden layers ({activation})"]


def _join(blocks: list[str]) -> str:
    """Blocks one blank line apart, two around top-level functions and classes (PEP 8)."""
    out = blocks[0]
    for before, block in zip(blocks, blocks[1:]):
        gap = "\n\n\n" if _ends_with_definition(before) or _starts_with_definition(block) else "\n\n"
        out += gap + block
    return out + "\n"


def _code_lines(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def _starts_with_definition(block: str) -> bool:
    lines = _code_lines(block)
    return bool(lines) and lines[0].startswith(("def ", "class "))


def _ends_with_definition(block: str) -> bool:
    top = [line for line in _code_lines(block) if not line[0].isspace()]
    return bool(top) and top[-1].startswith(("def ", "class "))


def _step_lines(inputs: str, targets: str, indent: str, clip: float = 0.0) -> list[str]:
    """The training step, as the engine's Trainer._train_step takes it."""
    clipping = (
        f"# Clip the gradient norm to {clip:g}; a non-finite norm is an error, not NaN gradients",
        f"torch.nn.utils.clip_grad_norm_(model.parameters(), {clip!r}, error_if_nonfinite=True)",
    ) if clip else ()
    return [indent + line if line else "" for line in (
        "# Forward pass",
        f"outputs = model({inputs})",
        f"loss = criterion(outputs, {targets})",
        "",
        "# Backward pass and update",
        "optimizer.zero_grad()",
        "loss.backward()",
        *clipping,
        "optimizer.step()",
    )]
