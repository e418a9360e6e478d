"""The exported script's input features and penalty: `input_features`, which turns each point
(x1, x2) of a 2-D set into the model's inputs with the expressions of engine.data.features, and
`penalty`, the L1 or L2 term of engine.models.regularization that joins the loss the optimizer
minimises. Each is written only where the run uses it."""

from __future__ import annotations

from engine.data.features import FEATURES, computed_features
from engine.export.plan import ScriptPlan
from engine.export.text import WIDTH, call


def input_features(plan: ScriptPlan) -> str:
    """The `input_features` function, or "" when the model takes the points as they are."""
    names = computed_features(plan.config.data)
    if not names:
        return ""
    columns = call("return ", "torch.stack", [f"[{', '.join(FEATURES[name][1] for name in names)}]", "dim=1"],
                   "    ")
    if len(columns) > WIDTH:  # a formatter puts a long list one item a line
        items = "".join(f"            {FEATURES[name][1]},\n" for name in names)
        columns = f"    return torch.stack(\n        [\n{items}        ],\n        dim=1,\n    )"
    used = [column for column in ("x1", "x2") if any(column in FEATURES[name][1] for name in names)]
    taken = ", ".join(f"points[:, {int(column[1]) - 1}]" for column in used)
    return "\n".join([
        "def input_features(points):",
        f'    """The model\'s inputs, computed from each point (x1, x2): {", ".join(names)}."""',
        f"    {', '.join(used)} = {taken}",
        columns,
    ])


def features_lines(plan: ScriptPlan, name: str, keep_points: bool) -> str:
    """The lines, after a newline, that turn the points `name` into the model's inputs; the
    training points are kept as `X_plane` for the boundary where one is drawn."""
    if not computed_features(plan.config.data):
        return ""
    keep = f"\nX_plane = {name}  # the points themselves, for the decision boundary" if keep_points else ""
    return f"{keep}\n{name} = input_features({name})  # the model's inputs"


PENALTY_SUM = {"l1": "sum(w.abs().sum() for w in weights)", "l2": "sum(w.pow(2).sum() for w in weights) / 2"}
PENALTY_WORDS = {"l1": "the sum of |w|", "l2": "half the sum of w^2"}


def penalty_block(plan: ScriptPlan) -> str:
    """`reg_rate` and the `penalty` function, or "" without regularization."""
    train = plan.config.train
    if train.regularization == "none" or not train.reg_rate:
        return ""
    kind = train.regularization
    return "\n".join([
        f"# {kind.upper()} regularization: rate times {PENALTY_WORDS[kind]} over every layer's weights (not the",
        "# biases) joins the loss the optimizer minimises; the loss printed is the data's alone",
        f"reg_rate = {train.reg_rate!r}",
        "",
        "",
        "def penalty():",
        f'    """{kind.upper()} penalty: {PENALTY_WORDS[kind]} over the weights of every layer."""',
        '    weights = [p for name, p in model.named_parameters() if name.endswith("weight")]',
        f"    return {PENALTY_SUM[kind]}",
    ])


def objective(plan: ScriptPlan) -> str:
    """What the training step differentiates: the loss, or the loss plus the weighted penalty."""
    return "(loss + reg_rate * penalty())" if penalty_block(plan) else "loss"
