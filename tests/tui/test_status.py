"""Status lines that agree with the state: loading before the first epoch, the way a run ended
rather than one word for all, no time left once it is over, and its setup warnings in sight."""

from __future__ import annotations

import threading

from engine.config.build import with_values
from engine.config.presets import preset_config
from tests.tui.conftest import STEADY, break_the_engine, circle_app, run_async, settle
from tui.app import make_app
from tui.widgets.loss_chart import LossChart


def note(app) -> str:
    return str(app.query_one("#form-note").render())


def metrics(app) -> str:
    return str(app.query_one("#metrics").render())


@run_async
async def test_while_torch_loads_everything_says_loading(monkeypatch):
    """Between space and the run's start the metrics, the note and the chart say loading, not
    `running epoch 0` beside `No epochs yet: press space`."""
    import engine.loop.trainer

    gate = threading.Event()
    original = engine.loop.trainer.Trainer.__init__

    def slow_init(self, config, *rest):
        gate.wait(10)
        original(self, config, *rest)

    monkeypatch.setattr(engine.loop.trainer.Trainer, "__init__", slow_init)
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        app.tick()
        await pilot.pause()
        chart = app.query_one(LossChart)
        assert metrics(app).startswith("loading") and "Loading PyTorch" in note(app)
        assert "Loading PyTorch" in str(chart.render()) and "press space" not in str(chart.render())
        gate.set()
        await settle(pilot, app)
        assert metrics(app).startswith("completed")


@run_async
async def test_a_stopped_run_says_stopped_with_no_time_left():
    """s ends the run as stopped: the note and the metrics say so, and no ETA is shown."""
    app = circle_app(epochs=100_000)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        await pilot.press("s")
        await settle(pilot, app)
        assert note(app).startswith("Stopped after 1 epochs") and "Finished" not in note(app)
        assert metrics(app).startswith("stopped") and "ETA" not in metrics(app)


@run_async
async def test_a_failed_run_says_failed(monkeypatch):
    """A run that failed (while it was built) is not called finished, nor awaited by the Loss view's
    `Waiting for the first epoch...`."""
    break_the_engine(monkeypatch, "out of memory")
    app = circle_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        await pilot.press("escape")
        assert "failed" in note(app) and metrics(app).startswith("failed")
        chart = str(app.query_one(LossChart).render())
        assert "Waiting" not in chart and "ended before its first epoch" in chart


@run_async
async def test_setup_warnings_show_on_the_status_lines():
    """BCEWithLogits after a Sigmoid trains badly: the warning shows under the metrics, not only in the log."""
    config = with_values(preset_config("circle"), {"train.loss": "bce_logits", "train.epochs": 3})
    app = make_app(config, session_options=STEADY)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("space")
        await settle(pilot, app)
        assert app.status == "completed" and "warning: BCEWithLogitsLoss applies its own Sigmoid" in metrics(app)
        assert app.query_one("#metrics").size.height == 6


def test_a_long_warning_wraps_onto_two_lines_of_the_panel():
    """At 80 columns a warning is not cut off mid-sentence: it wraps, and what two lines cannot hold
    ends in an ellipsis (the log has it whole)."""
    from tui.bridge import RunFigures
    from tui.widgets.metrics import metrics_text

    warning = "train.regularization is l1 but train.reg_rate is 0: no penalty is added; set a rate such as 0.001"
    lines = metrics_text("idle", "", RunFigures(), 100, warnings=(warning,), width=48).plain.splitlines()[-2:]
    assert lines[0].startswith("warning: train.regularization is l1 but")
    assert all(len(line) <= 48 for line in lines) and lines[1].endswith("…")
    assert "train.reg_rate is 0" in " ".join(lines)


@run_async
async def test_a_continued_run_counts_its_eta_from_the_epochs_trained_here(tmp_path):
    """A run stopped at 40 of 1,000,000 epochs and continued one epoch: its time left is that
    epoch's time times the epochs left, not the continuation's seconds spread over all 41 epochs
    (which promised the end far too soon)."""
    import subprocess
    import sys

    from tui.render.progress import clock
    from tui.run_host import RunHost

    folder = tmp_path / "stopped"
    stopped = subprocess.run([sys.executable, "-m", "tui.cli", "run", "-p", "circle", "--epochs", "40",
                              "--save", str(folder)], capture_output=True)
    assert stopped.returncode == 0, stopped.stderr
    config = folder / "config.toml"
    config.write_text(config.read_text().replace("epochs = 40", "epochs = 1000000"))
    lines = (folder / "events.jsonl").read_text().splitlines()
    (folder / "events.jsonl").write_text("\n".join(line.replace('"completed"', '"stopped"') for line in lines) + "\n")
    app = make_app(preset_config("circle"), session_options=STEADY, host=RunHost(tmp_path / "runs"), watch=folder)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("n")
        await settle(pilot, app, "paused")
        latest = app.bridge.figures.latest
        assert latest.epoch == 41
        assert f"ETA {clock(latest.elapsed_s * (1_000_000 - 41))}" in metrics(app)
