"""Regression results as text: learned against true parameters where the data set has them
(linear: weight and bias), the test errors in the target's unit (RMSE, MAE, R²), and predictions
against targets as a plotext scatter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text

from engine.loop.events import FitScores
from tui.render.figures import figure
from tui.render.loss_chart import MIN_HEIGHT, MIN_WIDTH, built_text


def flatten(value: Any) -> list[float]:
    if isinstance(value, list):
        return [x for item in value for x in flatten(item)]
    return [value]


def learned(parameters: dict[str, Any]) -> tuple[list[float], list[float]]:
    """The first layer's weights and biases, flattened: a linear model's whole story."""
    weights = flatten(next((v for k, v in parameters.items() if k.endswith("weight")), []))
    biases = flatten(next((v for k, v in parameters.items() if k.endswith("bias")), []))
    return weights, biases


def scores_text(scores: FitScores, ascii_only: bool = False, prefix: str = "") -> str:
    """`RMSE: 1.2345  MAE: 0.9876  R²: 0.9512`, in the target's own unit; R² is `-` when undefined."""
    r2 = "-" if scores.r2 is None else figure(scores.r2)
    return f"{prefix}RMSE: {figure(scores.rmse)}  MAE: {figure(scores.mae)}  {'R^2' if ascii_only else 'R²'}: {r2}"


def parameter_table(parameters: dict[str, Any], reference: dict[str, Any]) -> Text:
    """Learned weight and bias beside the true ones, with the difference."""
    weights, biases = learned(parameters)
    true_w = list(reference.get("weight", []))
    rows = [(f"weight[{i}]", w, true_w[i] if i < len(true_w) else None) for i, w in enumerate(weights)]
    rows += [("bias", b, reference.get("bias")) for b in biases]
    text = Text()
    text.append(f"{'':10} {'learned':>10} {'true':>10} {'error':>10}\n", "bold")
    for name, value, true in rows:
        error = "" if true is None else f"{value - true:+10.4f}"
        true_text = "" if true is None else f"{true:10.4f}"
        text.append(f"{name:10} {value:10.4f} {true_text:>10} {error:>10}\n")
    return text


def prediction_plot(pairs: Sequence[tuple[float, float]], width: int, height: int, ascii_only: bool = False,
                    color: bool = True) -> Text:
    """Predictions (y) against targets (x) on the test set, with the ideal y = x line."""
    if width < MIN_WIDTH or height < MIN_HEIGHT or not pairs:
        return Text("(no predictions yet)" if not pairs else "(enlarge the window)", style="dim")
    import plotext as plt

    targets = [t for t, _ in pairs]
    predictions = [p for _, p in pairs]
    low, high = min(targets + predictions), max(targets + predictions)
    plt.clear_figure()
    plt.plotsize(width, height)
    plt.theme("clear")
    plt.plot([low, high], [low, high], color=240, marker="." if ascii_only else "braille")
    plt.scatter(targets, predictions, color="cyan", marker="o" if ascii_only else "dot")
    plt.xlabel("target")
    return built_text(color=color, ascii_only=ascii_only)
