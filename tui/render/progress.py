"""Time and rate as a person reads them, the same in the trainer's metrics panel and on the
headless progress bar: clocks (1:05, 2:03:04), sample rates (1.6M) and an epoch bar with its
rate and the time left."""

from __future__ import annotations


def clock(seconds: float) -> str:
    """m:ss, or h:mm:ss from an hour on."""
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def speed(per_second: float) -> str:
    """A rate with k or M, to one decimal: 1.6M, 12.0k, 950."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if per_second >= scale:
            return f"{per_second / scale:.1f}{unit}"
    return f"{per_second:.0f}"


def epoch_rate(epochs: int, seconds: float) -> str:
    """Epochs per second, or seconds per epoch where an epoch takes more than one."""
    if epochs <= 0 or seconds <= 0:
        return "- epochs/s"
    rate = epochs / seconds
    if rate >= 1:
        return f"{speed(rate)} epochs/s"
    return f"{seconds / epochs:.1f} s/epoch"


def progress_bar(done: int, total: int, elapsed_s: float, first: int = 0, width: int = 30) -> str:
    """`[####......] 37/100  1.2k epochs/s  ETA 0:05`: the bar of `nntui run`. `first` is the epoch
    the run started from (a resumed run), so the rate counts only the epochs trained here."""
    filled = width * min(done, total) // max(total, 1)
    trained = done - first
    line = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  {epoch_rate(trained, elapsed_s)}"
    if trained > 0 and elapsed_s > 0:
        line += f"  ETA {clock(elapsed_s / trained * (total - done))}"
    return line
