"""The loss curve of a finished headless run (`nntui run --plot`): the trainer's own chart,
decimated to its width, as plain text; train and test are told apart by their markers, as in the
trainer without colour."""

from __future__ import annotations

from engine.loop.history import MetricsHistory
from tui.render.decimate import decimate
from tui.render.loss_chart import loss_chart, swatch
from tui.render.series import loss_curves


def loss_plot(history: MetricsHistory, width: int = 78, height: int = 18, ascii_only: bool = False) -> str:
    epochs = history.epochs
    curves = loss_curves(decimate(epochs, history.train_loss, width), decimate(epochs, history.test_loss, width))
    train, test = (swatch(curve, False, ascii_only)[0] for curve in curves)
    chart = loss_chart(curves, width, height, ascii_only=ascii_only, color=False).plain
    return f"Loss per epoch (train {train}, test {test}):\n{chart}"


def runs_plot(runs: list[tuple[str, MetricsHistory]], width: int = 78, height: int = 20,
              ascii_only: bool = False) -> str:
    """`nntui compare --plot`: every run's train and test curves on one chart, with a legend."""
    from tui.render.runs_chart import runs_chart, runs_legend

    chart = runs_chart(runs, width, height, ascii_only=ascii_only, color=False).plain
    return f"Loss per epoch:\n{chart}\n{runs_legend(runs, ascii_only, color=False).plain}"
