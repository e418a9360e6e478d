"""The exported script's model: the MLP that engine.model builds, written as an `nn.Module` class
the way the tutorial writes it (named layers `fc1`, `fc2`, ... and a `forward`), creating its
layers in the engine's order so that the seed gives the very same initial weights."""

from __future__ import annotations

from engine.export_plan import ScriptPlan
from engine.export_text import list_literal, units

NAMED_LAYERS_UP_TO = 3  # hidden layers written as fc1, fc2, ...; deeper networks use a ModuleList

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
    return [network(plan), first + model]


def network(plan: ScriptPlan) -> str:
    """The `Net` class: layers in __init__, the activations in forward."""
    cfg = plan.config.model
    sizes = plan.sizes
    ins, *hidden, outs = sizes
    call, act_name = ACTIVATIONS[cfg.activation]
    shape = " -> ".join([f"{ins} inputs", *_hidden_words(hidden, act_name),
                         units(outs, "output") + _output_note(plan)])
    head = [f"# The network: {shape}", "class Net(nn.Module):", "    def __init__(self):",
            "        super().__init__()"]
    if not hidden:
        init = [f"        self.linear = nn.Linear({ins}, {outs})  # {units(ins, 'input')} -> {units(outs, 'output')}"]
        body = [_output_line(plan, "self.linear(x)")]
    elif len(hidden) <= NAMED_LAYERS_UP_TO:
        init = ["        # Layers are created in order: the seed then gives the same initial weights"]
        widths = list(zip(sizes, sizes[1:]))
        for i, (a, b) in enumerate(widths, start=1):
            if i == len(widths):
                what = _output_layer_note(plan)
            else:
                what = f"{a} input features -> {b} hidden units" if i == 1 else f"{a} -> {b} hidden units"
            init.append(f"        self.fc{i} = nn.Linear({a}, {b})  # {what}")
        body = []
        for i in range(1, len(widths)):
            note = f"  # {act_name} activation" if i == 1 else ""
            body.append(f"        x = {call.format(f'self.fc{i}(x)')}{note}")
        body.append(_output_line(plan, f"self.fc{len(widths)}(x)"))
    else:
        same = len(set(hidden)) == 1
        widths = f"        sizes = [{ins}] + [{hidden[0]}] * {len(hidden)}" if same else \
            list_literal([ins, *hidden], "sizes = ", " " * 8)
        init = ["        # Hidden layers are created in order: the seed gives the same initial weights",
                widths,
                "        pairs = zip(sizes[:-1], sizes[1:], strict=True)  # (inputs, outputs) of each",
                "        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in pairs)",
                f"        self.out = nn.Linear({hidden[-1]}, {outs})  # {_output_layer_note(plan)}"]
        body = ["        for layer in self.hidden:", f"            x = {call.format('layer(x)')}",
                _output_line(plan, "self.out(x)")]
    last = body.pop()
    body += [last.replace("x = ", "return ", 1)] if last.startswith("        x = self.") else [last, "        return x"]
    return "\n".join([*head, *init, "", "    def forward(self, x):", *body])


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
