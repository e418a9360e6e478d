"""The loss curve of a finished headless run, drawn by plotext as text."""

from __future__ import annotations

import math

from engine.metrics import MetricsHistory


def loss_plot(history: MetricsHistory, width: int = 78, height: int = 18, ascii_only: bool = False) -> str:
    import plotext as plt

    plt.clear_figure()  # plotext 5.x API
    plt.plotsize(width, height)
    marker = "dot" if ascii_only else "braille"
    epochs = list(history.epochs)
    plt.plot(epochs, list(history.train_loss), label="train", marker=marker)
    tested = [(e, v) for e, v in zip(epochs, history.test_loss) if not math.isnan(v)]
    if tested:
        plt.plot([e for e, _ in tested], [v for _, v in tested], label="test", marker=marker)
    plt.title("loss")
    plt.xlabel("epoch")
    plt.theme("clear")
    return plt.build()
