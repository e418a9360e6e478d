"""nntui's speed and memory targets, each measured beside its baseline in the same run.

Run: `python benchmarks/bench.py` (under a minute on a 2-core machine). It prints a table
of medians, ratios and whether each target is met, writes benchmarks/results.json, and rewrites
the table between the bench markers in README.md, so no figure is ever typed in by hand.
"""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    workload: str
    measured: str  # what the figure is
    value: float
    baseline: float | None
    ratio: float | None
    target: str
    met: bool


def median_of(fn: Callable[[], float], repeats: int) -> float:
    return statistics.median(fn() for _ in range(repeats))


def interleaved(a: Callable[[], float], b: Callable[[], float], repeats: int) -> tuple[float, float]:
    """Medians of a and b timed alternately, so drift in the machine's load hits both alike."""
    xs, ys = [], []
    for _ in range(repeats):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


# -- rows ------------------------------------------------------------------------------------

def linreg_vs_tutorial() -> Row:
    import torch
    from torch import nn

    from engine.config.presets import preset_config
    from engine.loop.session import TrainingSession

    def tutorial() -> float:
        began = time.perf_counter()
        torch.manual_seed(42)
        X = torch.randn(100, 2)
        Y = X @ torch.tensor([2.0, 3.0]) + 4.0 + torch.randn(100) * 0.1
        model = nn.Linear(2, 1)
        criterion = nn.MSELoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        for epoch in range(1000):
            model.train()
            loss = criterion(model(X).squeeze(), Y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if (epoch + 1) % 100 == 0:
                loss.item()
        return time.perf_counter() - began

    def engine() -> float:
        began = time.perf_counter()
        session = TrainingSession(preset_config("linreg"), lambda event: None, snapshot_interval_s=None,
                                  eval_interval_s=None)
        session.start()
        session.join()
        return time.perf_counter() - began

    engine()  # warm up (and let the engine choose its thread count, which the tutorial then shares)
    tutorial()
    ours, theirs = interleaved(engine, tutorial, 15)
    return Row("linreg, full batch, 1000 epochs", "engine time (s)", ours, theirs, ours / theirs,
               "<= 1.10x the tutorial's loop", ours / theirs <= 1.10)


def minibatch_vs_dataloader() -> Row:
    import torch
    from torch import nn
    from torch.utils.data import DataLoader, TensorDataset

    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
    from engine.loop.trainer import Trainer

    config = RunConfig(ModelConfig(hidden=[16, 16], output_activation="none"),
                       DataConfig(dataset="moons", samples=10_000, noise=0.1, batch_size=32, test_fraction=0.0),
                       TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=20))

    def tutorial() -> float:
        torch.manual_seed(0)
        X = torch.randn(10_000, 2)
        Y = (X[:, 0] * X[:, 1] > 0).float().unsqueeze(1)
        model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
        criterion = nn.BCEWithLogitsLoss()
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        loader = DataLoader(TensorDataset(X, Y), batch_size=32, shuffle=True)
        began = time.perf_counter()
        for _ in range(20):
            for inputs, labels in loader:
                loss = criterion(model(inputs), labels)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
        return time.perf_counter() - began

    def engine() -> float:
        trainer = Trainer(config)
        began = time.perf_counter()
        for _ in range(20):
            trainer.train_epoch()
        return time.perf_counter() - began

    ours, theirs = interleaved(engine, tutorial, 3)
    speedup = theirs / ours
    return Row("2-16-16-1 MLP, 10k samples, batch 32, 20 epochs", "engine time (s)", ours, theirs, speedup,
               ">= 5x faster than TensorDataset+DataLoader", speedup >= 5)


def command_time(args: list[str], repeats: int = 5) -> float:
    def once() -> float:
        began = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tui.cli", *args], cwd=ROOT, capture_output=True, check=True)
        return time.perf_counter() - began

    once()
    return median_of(once, repeats)


def startup_rows() -> list[Row]:
    empty = median_of(lambda: _timed_run([sys.executable, "-c", "pass"]), 5)
    rows = []
    for args in (["--help"], ["presets"]):
        seconds = command_time(args)
        rows.append(Row(f"nntui {' '.join(args)}", "wall time (s)", seconds, empty, None, "<= 0.3 s (no torch import)",
                        seconds <= 0.3))
    return rows


def _timed_run(argv: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(argv, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - began


def peak_memory() -> Row:
    probe = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")

    def rss(argv: list[str]) -> float:
        done = subprocess.run([sys.executable, "-c", probe, *argv], cwd=ROOT, capture_output=True, text=True,
                              check=True)
        return int(done.stdout.strip()) / 1024  # MiB

    ours = median_of(lambda: rss([sys.executable, "-m", "tui.cli", "run", "--preset", "linreg"]), 3)
    theirs = median_of(lambda: rss([sys.executable, str(ROOT / "tests" / "tutorial" / "linreg.py")]), 3)
    return Row("peak RSS of nntui run --preset linreg", "MiB", ours, theirs, ours / theirs,
               "<= 1.2x python running the tutorial's script", ours / theirs <= 1.2)


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
    return Row("decision-boundary frame, 80x40 cells", "median ms", ms, None, None, "<= 5 ms", ms <= 5)


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
               ms <= 5)


def chart_redraw() -> Row:
    """The live chart's redraw: its decimators have read the series as it grew (one pass over
    each epoch, during training), so a redraw costs the chart's width, not the run's length."""
    from tui.render.decimate import MinMaxDecimator
    from tui.render.loss_chart import loss_chart
    from tui.render.series import loss_curves

    def redraw(epochs: int) -> float:
        xs = list(range(1, epochs + 1))
        series = {"train": [1 / x for x in xs], "test": [1.1 / x for x in xs]}
        decimators = {}
        for name, ys in series.items():
            decimators[name] = MinMaxDecimator(80)
            decimators[name].extend(xs, ys)

        def once() -> float:
            began = time.perf_counter()
            curves = loss_curves(decimators["train"].points(), decimators["test"].points())
            loss_chart(curves, 80, 20)
            return time.perf_counter() - began

        once()
        return median_of(once, 9)

    small, large = redraw(100), redraw(1_000_000)
    return Row("loss-chart redraw (80x20, train+test), 1,000,000 epochs vs 100", "seconds", large, small,
               large / small, "<= 2x", large / small <= 2)


def tui_live_vs_headless() -> Row:
    """Circle trained in the trainer with live redraws on (the app's own session options, its
    10 Hz drain, chart and boundary at most 2.5 Hz), against the same run headless, in epochs per
    second. 30,000 epochs (about 4 s): long enough that the one-off cost of starting and ending a
    run in the UI (locking and unlocking the form, ~0.1 s) does not stand for the live cost."""
    import asyncio

    from engine.config.build import with_values
    from engine.config.presets import preset_config
    from engine.loop.session import TrainingSession
    from tui.app import make_app

    config = with_values(preset_config("circle"), {"train.epochs": 30_000})  # logs every 10 epochs, as the preset

    def headless() -> float:
        session = TrainingSession(config, lambda event: None, snapshot_interval_s=None, eval_interval_s=None)
        began = time.perf_counter()
        session.start()
        session.join()
        return config.train.epochs / (time.perf_counter() - began)

    def live() -> float:
        app = make_app(config)

        async def drive() -> float:
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                began = time.perf_counter()
                app.session.start()
                while app.session.state != "finished":
                    await asyncio.sleep(0.01)
                return config.train.epochs / (time.perf_counter() - began)

        return asyncio.run(drive())

    headless()
    ours, theirs = interleaved(live, headless, 3)
    ratio = ours / theirs
    return Row("circle trained in the TUI, redraw on", "epochs/s", ours, theirs, ratio,
               ">= 0.85x the headless throughput", ratio >= 0.85)


def first_screen() -> Row:
    """Seconds from starting `nntui tui` in a pseudo-terminal until its footer is on screen."""
    import os
    import pty
    import select
    import signal

    def once() -> float:
        began = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: the trainer, at 100x30
            os.environ.update({"COLUMNS": "100", "LINES": "30", "TERM": "xterm-256color"})
            os.chdir(ROOT)
            os.execv(sys.executable, [sys.executable, "-m", "tui.cli", "tui", "--preset", "circle"])
        seen = b""
        shown = None
        while shown is None and time.perf_counter() - began < 20:
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
                if b"Run/pause" in seen:
                    shown = time.perf_counter() - began
        os.write(fd, b"q")
        quit_by = time.perf_counter() + 10
        try:  # read on to the end: a child blocked writing its later frames would never see the q
            while time.perf_counter() < quit_by:
                if select.select([fd], [], [], 0.5)[0] and not os.read(fd, 65536):
                    break
            else:
                os.kill(pid, signal.SIGKILL)  # it ignored the q: do not hang the benchmark
        except OSError:  # the child has closed the terminal
            pass
        os.waitpid(pid, 0)
        os.close(fd)
        return shown if shown is not None else float("inf")

    once()
    seconds = median_of(once, 5)
    return Row("first screen of nntui tui", "seconds", seconds, None, None, "<= 0.5 s", seconds <= 0.5)


ROWS: list[Callable[[], Row | list[Row]]] = [linreg_vs_tutorial, minibatch_vs_dataloader, tui_live_vs_headless,
                                             startup_rows, first_screen, peak_memory, boundary_frame, chart_redraw,
                                             network_frame]


def main() -> None:
    results: list[Row] = []
    for measure in ROWS:
        try:
            got = measure()
        except ImportError as err:
            print(f"skipped {measure.__name__}: {err}", file=sys.stderr)
            continue
        for row in got if isinstance(got, list) else [got]:
            results.append(row)
            print(format_row(row), flush=True)
    payload = {"machine": f"{platform.machine()}, {platform.python_version()}",
               "date": time.strftime("%Y-%m-%d"), "rows": [asdict(r) for r in results]}
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(payload, indent=2) + "\n")
    update_readme(results, payload)


def format_row(row: Row) -> str:
    base = "" if row.baseline is None else f" vs {row.baseline:.4g}"
    ratio = "" if row.ratio is None else f", ratio {row.ratio:.2f}"
    verdict = "MET " if row.met else "MISS"
    return f"{verdict} {row.workload}: {row.measured} {row.value:.4g}{base}{ratio} (target {row.target})"


def update_readme(results: list[Row], payload: dict) -> None:
    lines = ["| workload | figure | nntui | baseline | ratio | target | met |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in results:
        base = "" if r.baseline is None else f"{r.baseline:.4g}"
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        lines.append(f"| {r.workload} | {r.measured} | {r.value:.4g} | {base} | {ratio} | {r.target} | "
                     f"{'yes' if r.met else 'no'} |")
    lines.append(f"\nMeasured {payload['date']} on {payload['machine']} by `python benchmarks/bench.py`.")
    readme = ROOT / "README.md"
    text = readme.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        readme.write_text(f"{head}{start}\n" + "\n".join(lines) + f"\n{end}{tail}")


if __name__ == "__main__":
    main()
