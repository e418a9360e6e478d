"""What the form shows in place of its fields while a TensorBoard run written by another program
is watched: that it is such a run (nothing of it to set, nothing to control), the hparams it
declares (the fields it can know), and how to leave it. Pure: facts in, text out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text

from tui.render.figures import figure


def foreign_note(status: str) -> str:
    """The line above the form while such a run shows (`status`: how it ended, "" while written)."""
    return f"Watching only: the TensorBoard run has {status}." if status else \
        "Watching only: the TensorBoard run is being written."


def foreign_facts(folder: Path, hparams: dict[str, Any], tags: int) -> Text:
    """The form's text for the TensorBoard run in `folder`."""
    text = Text(no_wrap=False, end="")
    text.append("TensorBoard run\n", style="bold")
    text.append(f"{folder}\n\n")
    text.append("Written by another program: nntui only watches it. There is no setup here to edit, and "
                "space, n, s and lr changes cannot reach it.\n", style="dim")
    text.append("\nhparams\n", style="bold")
    if hparams:
        width = min(max(map(len, hparams)), 16)
        for name, value in sorted(hparams.items()):
            shown = figure(value) if isinstance(value, float) else str(value)
            text.append(f"{name[:width].ljust(width)}  {shown}\n")
    else:
        text.append("none declared\n", style="dim")
    text.append(f"\n{tags} scalar tag{'s' if tags != 1 else ''}: the Loss view lists them, g picks the pair drawn.\n\n",
                style="dim")
    text.append("r leaves it for a fresh run of your own; the Runs view (5) lists the others.", style="dim")
    return text
