"""`nntui presets`: what can be run. It imports only the preset table, so that listing is quick."""

from __future__ import annotations

import typer

from engine.config import PRESETS


def presets_command() -> None:
    """List the presets with their task, data, model and epochs."""
    from engine.config.catalog import DATASETS

    rows = [("preset", "task", "data", "model", "loss", "epochs", "description")]
    for p in PRESETS.values():
        c = p.config
        info = DATASETS[c.data.dataset]
        classes = info.classes or c.data.classes
        outputs = c.model.outputs or (classes if info.kind == "multiclass" else 1)
        inputs = "cnn " + ",".join(map(str, c.model.channels)) if c.model.kind == "cnn" else str(info.features)
        sizes = [inputs, *map(str, c.model.hidden), str(outputs)]
        samples = c.data.samples or "all"
        rows.append((p.name, info.kind, f"{c.data.dataset} ({samples})", "-".join(sizes),
                     c.train.loss, str(c.train.epochs), p.description))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
