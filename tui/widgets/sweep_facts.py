"""What the Runs view needs to show a sweep's folder as the Sweep view: the metric, its direction
and the searched fields, from the sweep.toml kept in the folder, and the trials ranked by it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.config.fields import format_value
from engine.errors import InputError
from engine.runs.layout import SWEEP_SPEC
from engine.runs.status import RunInfo
from engine.sweep.arg_space import searched_value


@dataclass(frozen=True)
class SweepFacts:
    metric: str
    direction: str
    fields: tuple[str, ...]  # "train.lr", "model.args.hidden", ...

    def _key(self, run: RunInfo) -> float:
        value = run.final(self.metric)
        if value is None:
            return float("inf")
        return value if self.direction == "minimize" else -value

    def ranked(self, runs: list[RunInfo]) -> list[RunInfo]:
        """Best first; trials without the metric (pruned, running, failed) last, newest first."""
        return sorted(runs, key=self._key)

    def best(self, runs: list[RunInfo]) -> RunInfo | None:
        scored = [run for run in runs if run.final(self.metric) is not None and run.status == "completed"]
        return min(scored, key=self._key) if scored else None


def sweep_facts(folder: Path) -> SweepFacts | None:
    """The facts of the sweep in `folder`, or None when it is not a sweep's (or its file is damaged)."""
    if not (folder / SWEEP_SPEC).is_file():
        return None
    from engine.sweep.spec import sweep_outline

    try:
        outline = sweep_outline(folder / SWEEP_SPEC)
    except (InputError, ValueError):  # damaged: shown as a plain runs folder
        return None
    return SweepFacts(outline.metric, outline.direction, outline.fields)


def field_text(run: RunInfo, path: str) -> str:
    value = searched_value(run.config, path)  # a field, or an argument of the user's code (model.args.hidden)
    if value is None:
        return "-"
    return f"{value:.4g}" if isinstance(value, float) else format_value(value)
