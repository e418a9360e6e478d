"""The loss curve of a finished headless run (`nntui run --plot`): the trainer's own chart,
decimated to its width, as plain text. Train is drawn with one marker and test with another,
since the terminal summary has no colours."""

from __future__ import annotations

from engine.loop.history import MetricsHistory
from tui.render.decimate import decimate
from tui.render.loss_chart import Curve, loss_chart


def loss_plot(history: MetricsHistory, width: int = 78, height: int = 18, ascii_only: bool = False) -> str:
    epochs = history.epochs
    curves = [Curve("train", *decimate(epochs, history.train_loss, width), color="default",
                    marker="braille", ascii_marker="*"),
              Curve("test", *decimate(epochs, history.test_loss, width), color="default",
                    marker="dot", ascii_marker="+")]
    train, test = (("*", "+") if ascii_only else ("⠿", "•"))
    chart = loss_chart(curves, width, height, ascii_only=ascii_only, color=False).plain
    return f"Loss per epoch (train {train}, test {test}):\n{chart}"
