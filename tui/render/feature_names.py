"""An input feature's name as the trainer shows it: `x1²`, `x1·x2`, `sin x1` in Unicode, the
engine's own `x1^2`, `x1*x2`, `sin(x1)` under --ascii (and in files and on the command line), so
that the form, the planned model and the Network view say the same."""

from __future__ import annotations

UNICODE_NAMES = {"x1^2": "x1²", "x2^2": "x2²", "x1*x2": "x1·x2", "sin(x1)": "sin x1", "sin(x2)": "sin x2"}


def feature_name(name: str, ascii_only: bool = False) -> str:
    """`name` for the screen: its Unicode form unless `ascii_only`."""
    return name if ascii_only else UNICODE_NAMES.get(name, name)
