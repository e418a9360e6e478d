"""The metrics panel: state, epoch n/N with a bar, losses, accuracy, best test loss, speed,
elapsed and ETA, in four lines that fit 80 columns; two more name the run's first warning (a
setup that runs but trains badly) for as long as that run lasts, wrapped to the panel's width."""

from __future__ import annotations

import math
import textwrap

from rich.text import Text
from textual.widgets import Static

from engine.loop.run_state import is_live
from tui.bridge import RunFigures
from tui.render.figures import figure
from tui.render.progress import clock, speed

WARNING_LINES = 2  # the stylesheet gives a warned panel this many more lines
STATE_STYLE = {"idle": "dim", "loading": "bold", "running": "bold green", "paused": "bold yellow",
               "finished": "bold cyan"}


def metrics_text(shown: str, status: str, figures: RunFigures, epochs: int, ascii_only: bool = False,
                 bar_width: int = 20, warnings: tuple[str, ...] = (), width: int = 0,
                 upcoming: tuple[float, str] | None = None) -> Text:
    """The panel's content, a pure function of the run's figures. `shown` is the state as
    tui.render.status_text.phase gives it; `status` how a finished run ended; the warning wraps
    onto at most WARNING_LINES lines of `width` (0: one line, unwrapped). `upcoming` is the lr and
    schedule the next run starts with, shown before its first epoch."""
    latest = figures.latest
    epoch = latest.epoch if latest else 0
    done = epoch / max(epochs, 1)
    filled = round(bar_width * done)
    full, empty = ("#", "-") if ascii_only else ("█", "░")
    text = Text(no_wrap=True)
    label = state_label(shown, status)
    text.append(f"{label:<9}", STATE_STYLE.get(shown, ""))
    text.append(f" epoch {epoch}/{epochs} ")
    text.append(full * filled, "green")
    text.append(empty * (bar_width - filled), "dim")
    text.append(f" {done:4.0%}\n")
    text.append("train ", "dim")
    text.append(figure(latest.train_loss) if latest else "-")
    text.append("  test ", "dim")
    text.append(figure(figures.last_test[0]) if figures.last_test else "-")
    accuracy = figures.last_test[1] if figures.last_test else None
    if accuracy is not None:
        text.append("  acc ", "dim")
        text.append(f"{accuracy:.2%}")
    scores = figures.scores  # regression: the test fit in the target's own unit, R² here and RMSE below
    if scores is not None:
        text.append("  R^2 " if ascii_only else "  R² ", "dim")
        text.append("-" if scores.r2 is None else figure(scores.r2))
    text.append("\nbest test ", "dim")
    text.append(f"{figure(figures.best_test[0])} @ {figures.best_test[1]}" if figures.best_test else "-")
    text.append("  lr ", "dim")
    lr, schedule = (latest.lr, figures.schedule) if latest else upcoming or (None, "none")
    text.append("-" if lr is None or math.isnan(lr) else f"{lr:.4g}")  # (NaN: a TensorBoard run without an lr tag)
    if schedule != "none":
        text.append(f" {schedule}", "dim")
    if scores is not None:
        text.append("  RMSE ", "dim")
        text.append(f"{scores.rmse:.4g}")
    text.append("\n")
    if shown == "loading":
        text.append("loading PyTorch and the data...", "dim")
    elif latest:
        line = f"{speed(latest.samples_per_s)} samples/s  elapsed {clock(latest.elapsed_s)}"
        trained = epoch - figures.first_epoch  # elapsed counts this session's epochs alone (a continued run's)
        if is_live(shown) and trained > 0:  # a finished run has nothing left to wait for
            line += f"  ETA {clock(latest.elapsed_s / trained * (epochs - epoch))}"
        text.append(line, "dim")
    if warnings:
        text.append("\n")
        warning = "warning: " + warnings[0] + (f" (+{len(warnings) - 1} more in the log)" if len(warnings) > 1 else "")
        lines = textwrap.wrap(warning, width) if width else [warning]
        if len(lines) > WARNING_LINES:  # the rest is in the log
            lines = [*lines[:WARNING_LINES - 1], textwrap.shorten(" ".join(lines[WARNING_LINES - 1:]), width - 1,
                                                                   placeholder="") + "…"]
        text.append("\n".join(lines), "bold yellow")
    return text


def state_label(shown: str, status: str) -> str:
    """The first word of the panel: the state, or how a finished run ended (early-stopped is 13 wide)."""
    return status if shown == "finished" and status else shown


class MetricsPanel(Static):
    """Shows `metrics_text`; the app calls `show` when the figures change."""

    _last: tuple = ()

    def on_resize(self) -> None:
        if self._last:  # the bar's width follows the panel's
            self.show(*self._last)

    def show(self, shown: str, status: str, figures: RunFigures, epochs: int, ascii_only: bool = False,
             warnings: tuple[str, ...] = (), upcoming: tuple[float, str] | None = None) -> None:
        self._last = (shown, status, figures, epochs, ascii_only, warnings, upcoming)
        width = self.content_region.width or 60
        fixed = max(9, len(state_label(shown, status))) + len(f" epoch {epochs}/{epochs} ") + 6
        self.set_class(bool(warnings), "-warned")  # the stylesheet gives a warned panel its warning's lines
        # Its size is set by the stylesheet, not its text: no layout pass (a full-screen one cost 20 ms)
        self.update(metrics_text(shown, status, figures, epochs, ascii_only, max(5, min(30, width - fixed)),
                                 warnings, width, upcoming), layout=False)
