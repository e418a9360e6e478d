"""The exported script's model: the MLP that engine.models.mlp builds (behind engine.models.cnn's conv blocks,
or flattening the pictures, for image runs), written as an `nn.Module` class the way the tutorial
writes it (named layers `conv1`, `fc1`, `fc2`, ... and a `forward`), creating its layers in the
engine's order so that the seed gives the very same initial weights."""

from __future__ import annotations

from engine.data.features import computed_features
from engine.export.plan import ScriptPlan
from engine.export.text import call, list_literal, units

NAMED_LAYERS_UP_TO = 3  # layers written as fc1, fc2, ... (conv1, ...); deeper networks use a ModuleList
ORDER_COMMENT = "        # Layers are created in order: the seed then gives the same initial weights"

ACTIVATIONS = {  # activation name -> (call on x, its name in comments)
    "relu": ("torch.relu({})", "ReLU"),
    "tanh": ("torch.tanh({})", "Tanh"),
    "sigmoid": ("torch.sigmoid({})", "Sigmoid"),
    "leaky_relu": ("F.leaky_relu({})", "LeakyReLU"),
    "gelu": ("F.gelu({})", "GELU"),
}


def model_blocks(plan: ScriptPlan) -> list[str]:
    """The `Net` class, then the line that builds it."""
    first = "# The model is built before the data is drawn, as in the tutorial\n" if plan.model_first else ""
    model = "model = Net()" + (".to(device)" if plan.uses_device else "")
    if plan.channels_last:
        model += "\n" + _memory_format(plan)
    return [network(plan), first + model]


def _memory_format(plan: ScriptPlan) -> str:
    """nntui's layout for a CNN on the CPU, which the script's batches are put into as well."""
    layout = ("torch.channels_last" if plan.config.train.device == "cpu" else
              'torch.channels_last if device.type == "cpu" else torch.contiguous_format')
    return "\n".join(["# On the CPU, nntui lays a CNN's tensors out channels-last (the channels of a pixel side by",
                      "# side), which the CPU's convolutions run fastest on; the same layout here adds the same",
                      "# sums in the same order",
                      f"memory_format = {layout}",
                      "model = model.to(memory_format=memory_format)"])


def network(plan: ScriptPlan) -> str:
    """The `Net` class: layers in __init__, the activations in forward."""
    cfg = plan.config.model
    sizes = plan.sizes
    ins, *hidden, outs = sizes
    activation, act_name = ACTIVATIONS[cfg.activation]
    shape = " -> ".join([*_input_words(plan), *_hidden_words(hidden, act_name),
                         units(outs, "output") + _output_note(plan)])
    head = [f"# The network: {shape}", "class Net(nn.Module):", "    def __init__(self):",
            "        super().__init__()"]
    convolutions, pictures = _conv_blocks(plan)
    if not hidden:
        ins_words = _features(plan) if plan.image else units(ins, "input")
        init = [f"        self.linear = nn.Linear({ins}, {outs})  # {ins_words} -> {units(outs, 'output')}"]
        body = [_output_line(plan, "self.linear(x)")]
    elif len(hidden) <= NAMED_LAYERS_UP_TO:
        init = [ORDER_COMMENT]
        widths = list(zip(sizes, sizes[1:]))
        for i, (a, b) in enumerate(widths, start=1):
            if i == len(widths):
                what = _output_layer_note(plan)
            else:
                what = f"{_features(plan)} -> {b} hidden units" if i == 1 else f"{a} -> {b} hidden units"
            init.append(f"        self.fc{i} = nn.Linear({a}, {b})  # {what}")
        body = []
        for i in range(1, len(widths)):
            note = f"  # {act_name} activation" if i == 1 else ""
            body.append(f"        x = {activation.format(f'self.fc{i}(x)')}{note}")
        body.append(_output_line(plan, f"self.fc{len(widths)}(x)"))
    else:
        same = len(set(hidden)) == 1
        sizes_line = f"        sizes = [{ins}] + [{hidden[0]}] * {len(hidden)}" if same else \
            list_literal([ins, *hidden], "sizes = ", " " * 8)
        init = ["        # Hidden layers are created in order: the seed gives the same initial weights",
                sizes_line,
                "        pairs = zip(sizes[:-1], sizes[1:], strict=True)  # (inputs, outputs) of each",
                "        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in pairs)",
                f"        self.out = nn.Linear({hidden[-1]}, {outs})  # {_output_layer_note(plan)}"]
        body = ["        for layer in self.hidden:", f"            x = {activation.format('layer(x)')}",
                _output_line(plan, "self.out(x)")]
    if convolutions:  # the comment on creating the layers in order stays first
        lead = init.pop(0) if init[0] == ORDER_COMMENT else ORDER_COMMENT
        init = [lead, *convolutions, *init]
    last = body.pop()
    body += [last.replace("x = ", "return ", 1)] if last.startswith("        x = self.") else [last, "        return x"]
    return "\n".join([*head, *init, "", "    def forward(self, x):", *pictures, *body])


def _conv_blocks(plan: ScriptPlan) -> tuple[list[str], list[str]]:
    """An image model's lines before its linear layers: in __init__, a CNN's convolutions and
    pooling; in forward, the conv blocks, then the pictures flattened into rows."""
    if plan.image is None:
        return [], []
    shapes = plan.conv_shapes
    if not shapes:
        size = _size(plan.image.shape)
        return [], [f"        x = torch.flatten(x, 1)  # each {size} picture -> a row of {plan.features} values"]
    init = ["        # Conv blocks: a 3x3 convolution (padding 1 keeps the size), 2x2 max pooling, which "
            "halves the size, then ReLU",
            "        # (max pooling and ReLU commute, to the bit; pooled first, the ReLU has a quarter of the values)"]
    channels = [c for c, _, _ in shapes]
    if len(shapes) - 1 <= NAMED_LAYERS_UP_TO:
        for i, ((a, h, w), b) in enumerate(zip(shapes, channels[1:]), start=1):
            init.append(f"        self.conv{i} = nn.Conv2d({a}, {b}, kernel_size=3, padding=1)"
                        f"  # {a}x{h}x{w} -> {b}x{h}x{w}")
        forward = [f"        x = torch.relu(self.pool(self.conv{i}(x)))  # -> {_size(shape)}"
                   for i, shape in enumerate(shapes[1:], start=1)]
    else:
        init += [list_literal(channels, "channels = ", " " * 8),
                 "        pairs = zip(channels[:-1], channels[1:], strict=True)  # (in, out) of each block",
                 call("self.convs = ", "nn.ModuleList",
                      ["nn.Conv2d(a, b, kernel_size=3, padding=1) for a, b in pairs"], " " * 8)]
        forward = ["        for conv in self.convs:", "            x = torch.relu(self.pool(conv(x)))"]
    init.append("        self.pool = nn.MaxPool2d(2)  # has no weights: one serves every block")
    flat = f"        x = torch.flatten(x, 1)  # {_size(shapes[-1])} feature maps -> a row of {plan.features}"
    return init, [*forward, flat]


def _size(shape: tuple[int, int, int]) -> str:
    return "x".join(map(str, shape))


def _input_words(plan: ScriptPlan) -> list[str]:
    """The model's input in its comment: "2 inputs", "1x28x28 pictures, 784 values each", or a
    CNN's pictures and conv blocks."""
    if plan.image is None:
        names = computed_features(plan.config.data)
        return [f"{plan.features} input features ({', '.join(names)})" if names else f"{plan.features} inputs"]
    pictures = f"{_size(plan.image.shape)} pictures"
    shapes = plan.conv_shapes
    if not shapes:
        return [f"{pictures} ({plan.features} values each)"]
    channels = [str(c) for c, _, _ in shapes[1:]]
    blocks = f"conv blocks of {', '.join(channels)} channels" if len(channels) > 1 else \
        f"a conv block of {channels[0]} channels"
    return [pictures, blocks, f"{_size(shapes[-1])} = {plan.features} features"]


def _features(plan: ScriptPlan) -> str:
    """What the first linear layer takes, in its comment."""
    if plan.conv_shapes:
        return f"{plan.features} features"
    return f"{plan.features} {'pixel values' if plan.image else 'input features'}"


def _output_layer_note(plan: ScriptPlan) -> str:
    if plan.config.train.loss == "cross_entropy":
        return "output layer: one score per class" if plan.outputs == plan.classes else \
            f"output layer: {plan.outputs} scores, the first {plan.classes} for the classes"
    if plan.kind == "binary":
        return "output layer: one unit for class 1"
    return "output layer: the prediction"


def _output_note(plan: ScriptPlan) -> str:
    act = plan.config.model.output_activation
    return {"sigmoid": " (Sigmoid)", "softmax": " (Softmax)"}.get(act, "")


def _output_line(plan: ScriptPlan, layer: str) -> str:
    act, loss = plan.config.model.output_activation, plan.config.train.loss
    if act == "sigmoid":
        what = "the probability of class 1" if plan.kind == "binary" and plan.outputs == 1 else \
            "a probability for each output"
        return f"        x = torch.sigmoid({layer})  # Sigmoid: {what}"
    if act == "softmax":
        return f"        x = torch.softmax({layer}, dim=1)  # Softmax: probabilities over the outputs"
    note = {"bce_logits": "raw output (a logit): the loss applies the Sigmoid",
            "cross_entropy": "raw scores (logits): the loss applies the softmax"}.get(loss, "the prediction")
    return f"        x = {layer}  # {note}"


def _hidden_words(hidden: list[int], activation: str) -> list[str]:
    """The hidden layers in the model's comment: "4 hidden units (ReLU)", "2 hidden layers of 16 (ReLU)"."""
    if not hidden:
        return []
    if len(hidden) == 1:
        return [f"{units(hidden[0], 'hidden unit')} ({activation})"]
    if len(set(hidden)) == 1:
        return [f"{len(hidden)} hidden layers of {hidden[0]} ({activation})"]
    if len(hidden) <= 3:
        return [f"hidden layers of {', '.join(map(str, hidden))} ({activation})"]
    return [f"{len(hidden)} hidden layers ({activation})"]
