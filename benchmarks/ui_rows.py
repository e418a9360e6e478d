"""Rows about the trainer's screen: training in the UI against training headless (as it is, and
with the UI thread slowed as on a slower machine), and the cost of the boundary and chart frames."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from measure import Row, median_of, paired_ratio

LIVE_EPOCHS = 15_000  # circle, about 3 s on this machine
STEADY = (0.2, 0.9)  # the share of the run's epochs between which the rate is taken: starting and ending
# a run in the UI (locking and unlocking the form, ~0.1 s once) is not the cost of training live
DEARER = 2.7  # the slower machine of the issue: its first screen took 1.0 s where this one's took 0.37 s


@contextmanager
def dearer_ui(factor: float) -> Iterator[None]:
    """Every tick of the trainer and every layout and frame Textual makes costs `factor` times its
    CPU time: after each, the UI thread spins (holding the GIL, as Python code does) for the rest."""
    from textual.screen import Screen

    from tui.app import NNTuiApp

    originals = [(NNTuiApp, "tick"), (Screen, "_refresh_layout"), (Screen, "_compositor_refresh")]
    saved = [getattr(owner, name) for owner, name in originals]

    def dearer(method):
        def slowed(*args, **kwargs):
            began = time.thread_time()
            result = method(*args, **kwargs)
            until = began + factor * (time.thread_time() - began)
            while time.thread_time() < until:
                pass
            return result

        return slowed

    for (owner, name), method in zip(originals, saved):
        setattr(owner, name, dearer(method))
    try:
        yield
    finally:
        for (owner, name), method in zip(originals, saved):
            setattr(owner, name, method)


class SteadyRate:
    """A session listener that keeps each epoch's time, and the rate between STEADY's epochs."""

    def __init__(self) -> None:
        self.times: list[float] = []

    def __call__(self, event) -> None:
        from engine.loop.events import EpochEnded

        if isinstance(event, EpochEnded):
            self.times.append(event.elapsed_s)

    def rate(self) -> float:
        first, last = (int(share * (len(self.times) - 1)) for share in STEADY)
        return (last - first) / (self.times[last] - self.times[first])


def _live_rate(factor: float) -> float:
    """Epochs per second of circle trained in the trainer (its own session options: the paced drain,
    chart and boundary redraws), its ticks and frames `factor` times dearer."""
    import asyncio

    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from tui.app import make_app

    config = with_values(preset_config("circle"), {"train.epochs": LIVE_EPOCHS})
    app = make_app(config)
    steady = SteadyRate()
    app.session.listeners.append(steady)

    async def drive() -> None:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.session.start()
            await asyncio.to_thread(app.session.join)  # waiting costs the UI thread nothing

    with dearer_ui(factor):
        asyncio.run(drive())
    return steady.rate()


def _headless_rate() -> float:
    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from engine.loop.session import TrainingSession

    config = with_values(preset_config("circle"), {"train.epochs": LIVE_EPOCHS})
    steady = SteadyRate()
    session = TrainingSession(config, steady, snapshot_interval_s=None, eval_interval_s=None)
    session.start()
    session.join()
    return steady.rate()


def live_rows() -> list[Row]:
    _headless_rate()
    rows = []
    for factor in (1.0, DEARER):
        ours, theirs, ratio = paired_ratio(partial(_live_rate, factor), _headless_rate, 5)
        if factor > 1:
            name = f"circle trained in the TUI, every tick and frame {factor:g}x dearer"
            note = (f"as above with each tick of the trainer and each layout and frame of Textual made to cost "
                    f"{factor:g} times its CPU time (the UI thread spins for the rest): the slower machine that "
                    "measured 0.75x; the trainer spaces its ticks so that the UI thread keeps 4 % of a CPU")
        else:
            name = "circle trained in the TUI, redraw on"
            note = (f"{LIVE_EPOCHS:,} epochs in the trainer (paced drain, chart and boundary redraws) against the "
                    "same run headless right after it, 5 pairs, the median of their ratios; each rate is taken "
                    "between the run's epochs at 20 % and 90 %, from the epochs' own times")
        rows.append(Row(name, "epochs/s", ours, theirs, ratio, ">= 0.85x the headless throughput", ratio >= 0.85,
                        note))
    return rows


def boundary_frame() -> Row:
    from engine.config.presets import preset_config
    from engine.loop.trainer import Trainer
    from engine.loop.views import boundary_grid
    from tui.render.boundary_cells import boundary_cells

    trainer = Trainer(preset_config("circle"))
    points = trainer.train_points

    def frame() -> float:
        trainer.train_epoch()  # a new picture each time, as during training (not timed)
        began = time.perf_counter()
        grid = boundary_grid(trainer, 80, 80)  # two grid rows per text line: 80 x 40 cells
        boundary_cells(grid.probabilities, grid.x_range, grid.y_range, points)
        return time.perf_counter() - began

    for _ in range(5):
        frame()
    ms = median_of(frame, 50) * 1000
    return Row("decision-boundary frame, 80x40 cells", "median ms", ms, None, None, "<= 5 ms", ms <= 5,
               "the grid's probabilities from the model and the cells drawn from them, 50 frames; an absolute "
               "figure: on a slower machine the trainer redraws less often (its redraws keep 4 % of the time)")


def network_frame() -> Row:
    """Every thumbnail of a 2-8-8-1 network (the xor preset) as the Network view draws it at 80x24,
    where the view is 47 columns by 17 lines; the maps change each frame, as during training."""
    from engine.config.presets import preset_config
    from engine.loop.neurons import neuron_maps
    from engine.loop.trainer import Trainer
    from tui.render.network_cells import network_text

    trainer = Trainer(preset_config("xor"))

    def frame() -> float:
        trainer.train_epoch()
        maps = neuron_maps(trainer)  # made on the engine's thread, not the UI's: not timed
        began = time.perf_counter()
        network_text(maps, 47, 17, (1, 2))
        return time.perf_counter() - began

    for _ in range(5):
        frame()
    ms = median_of(frame, 50) * 1000
    return Row("Network view, all thumbnails of a 2-8-8-1 net at 80x24", "median ms", ms, None, None, "<= 5 ms",
               ms <= 5, "the text of every neuron's thumbnail from maps the engine made, 50 frames; an absolute "
               "figure, like the boundary frame's")


def chart_redraw() -> Row:
    """The live chart's redraw: its decimators have read the series as it grew (one pass over
    each epoch, during training), so a redraw costs the chart's width, not the run's length."""
    from tui.render.decimate import MinMaxDecimator
    from tui.render.loss_chart import Curve, loss_chart

    def redraw(epochs: int) -> float:
        xs = list(range(1, epochs + 1))
        series = {"train": [1 / x for x in xs], "test": [1.1 / x for x in xs]}
        decimators = {}
        for name, ys in series.items():
            decimators[name] = MinMaxDecimator(80)
            decimators[name].extend(xs, ys)

        def once() -> float:
            began = time.perf_counter()
            curves = [Curve(name, *d.points(), color=c) for (name, d), c in zip(decimators.items(), ("cyan", "orange"))]
            loss_chart(curves, 80, 20)
            return time.perf_counter() - began

        once()
        return statistics.median(once() for _ in range(9))

    small, large = redraw(100), redraw(1_000_000)
    return Row("loss-chart redraw (80x20, train+test), 1,000,000 epochs vs 100", "seconds", large, small,
               large / small, "<= 2x", large / small <= 2,
               "the chart drawn from min/max-decimated series, 9 redraws each")
