"""The trainer's tick keeps the UI thread's share of a CPU bounded while training."""

from __future__ import annotations

import pytest

from tui.pacing import MAX_TICK_PERIOD, TICK_HZ, UI_SHARE, tick_delay


def test_cheap_ticks_come_at_the_tick_rate() -> None:
    """A cycle that cost little leaves the next tick at 1 / TICK_HZ, training or not."""
    assert tick_delay(0.001, training=True) == tick_delay(0.001, training=False) == 1 / TICK_HZ


def test_a_dear_cycle_spaces_the_next_tick_to_the_ui_share() -> None:
    """While training, a cycle of 20 ms waits until those 20 ms are UI_SHARE of the time."""
    assert tick_delay(0.02, training=True) == pytest.approx(0.02 / UI_SHARE)
    assert 0.02 / tick_delay(0.02, training=True) == pytest.approx(UI_SHARE)


def test_the_metrics_still_move_once_a_second_and_idle_ticks_stay_quick() -> None:
    """However dear the cycles, the wait is at most MAX_TICK_PERIOD; outside training it is never stretched."""
    assert tick_delay(5.0, training=True) == MAX_TICK_PERIOD
    assert tick_delay(5.0, training=False) == 1 / TICK_HZ
