"""How often the trainer's UI thread works while the engine trains. Its Python holds the GIL the
engine needs, and each wake-up takes the GIL from the engine, so the drain of the engine's events
and the dear redraws (chart, boundary) are spaced by what they cost: on a slower machine or a
larger screen the UI updates less often rather than slowing training."""

from __future__ import annotations

TICK_HZ = 10  # metrics and log: 15 Hz cost the engine about 10 % more throughput than 10 Hz (2 cores)
SLOW_PERIOD = 0.4  # chart and boundary at most at 2.5 Hz while training; each redraw is 5-30 ms of GIL
REDRAW_SHARE = 0.04  # and less often where a redraw is dear (a large chart), so the engine keeps 96 %
MAX_REDRAW_PERIOD = 1.5  # but at least this often: a first draw (imports) or a slow one must not freeze them
# While training, the UI thread may keep a CPU this share of the time (its Python holds the GIL the
# engine needs, and each wake-up takes it from the engine): the next tick waits until the last one's
# cost, Textual's frames for it included, is this share of the wait, so a slower machine or a dearer
# screen is drained less often instead of slowing training.
UI_SHARE = 0.04
MAX_TICK_PERIOD = 1.0  # the metrics move at least once a second


def tick_delay(spent: float, training: bool) -> float:
    """Seconds to the next tick, given the UI thread's CPU seconds since the last one: 1 / TICK_HZ,
    or while training long enough that the last cycle's cost is UI_SHARE of it (at most
    MAX_TICK_PERIOD)."""
    delay = 1 / TICK_HZ
    return min(max(delay, spent / UI_SHARE), MAX_TICK_PERIOD) if training else delay


def redraw_delay(cost: float) -> float:
    """Seconds to the next chart and boundary redraw while training, given the last one's cost:
    SLOW_PERIOD, or long enough that the redraw is REDRAW_SHARE of the time (at most MAX_REDRAW_PERIOD)."""
    return min(max(SLOW_PERIOD, cost / REDRAW_SHARE), MAX_REDRAW_PERIOD)
