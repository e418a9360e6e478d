"""The exported script's decision boundary: a function that prints, in characters, the class the
model predicts over the plane with the training points on top, cell for cell what `nntui run`
prints in ASCII (tui.render.boundary_text), so that the tests can compare the two."""

from __future__ import annotations

from engine.data.features import computed_features
from engine.export.plan import ScriptPlan

BOUNDARY_SIZE = (60, 24)  # columns and rows, as `nntui run` prints it
REGIONS = ".:-=~^'`"  # nntui's ASCII region and point characters, one per class
MARKERS = "ostdavlr"  # (tui.render.symbols.ASCII_SHAPES: the engine may not import it; a test compares)


def decision_boundary(plan: ScriptPlan) -> str:
    """`print_decision_boundary` and its call on the training data; "" where there is no plane."""
    function = boundary_function(plan)
    return function and function + "\n\n\n" + boundary_call(plan)


def boundary_call(plan: ScriptPlan) -> str:
    """The lines that print the boundary over the training points (the points themselves, not the
    features the model takes of them)."""
    points = "X_plane" if computed_features(plan.config.data) else "X"
    return f'print("Decision boundary (x1 across, x2 up):")\nprint_decision_boundary({points}, y)'


def boundary_function(plan: ScriptPlan) -> str:
    """`print_decision_boundary` alone, for a script that calls it elsewhere; "" where there is no plane."""
    if not plan.boundary:
        return ""
    columns, rows = BOUNDARY_SIZE
    regions = "".join(REGIONS[c % len(REGIONS)] for c in range(plan.classes))
    markers = "".join(MARKERS[c % len(MARKERS)] for c in range(plan.classes))
    to_device = ".to(device)" if plan.uses_device else ""
    features = bool(computed_features(plan.config.data))  # the model takes features of the points
    inputs = "input_features(grid)" if features else "grid"
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
        outputs = model({inputs})
        probabilities = class_probabilities(outputs).reshape(rows, columns, -1)
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
    return function
