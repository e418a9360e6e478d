"""A loss or score as the summaries show it: four decimals, as the tutorial prints its losses,
unless that would hide the number (a loss under 0.0001 reads 0.0000, one that blew up to 1e35 a
line of 36 digits); then four significant digits."""

from __future__ import annotations

import math


def figure(value: float) -> str:
    """`value` in four decimals where they show it, else in four significant digits."""
    if math.isfinite(value) and value != 0 and not 1e-4 <= abs(value) < 1e5:
        return f"{value:.4g}"
    return f"{value:.4f}"
