"""Where the runs of a TensorBoard log folder are: as TensorBoard counts them, every folder that
holds an event file is a run, at any depth (`runs/exp1/version_0/`, Keras' `train/` and
`validation/`). Folders holding an nntui run are nntui's (their event files are a copy of it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from engine.runs import layout
from engine.runs.tensorboard.event_files import is_event_file

MAX_DEPTH = 8  # a log folder is rarely deeper; a symlink loop is not followed


def holds_events(folder: str | Path) -> bool:
    """Whether `folder` holds a TensorBoard event file (and is not an nntui run folder)."""
    try:
        with os.scandir(folder) as entries:
            names = [entry.name for entry in entries]
    except OSError:
        return False
    return layout.CONFIG not in names and any(is_event_file(name) for name in names)


def tensorboard_folders(root: str | Path) -> list[Path]:
    """Every folder under `root` (itself included) that holds event files, in path order."""
    found = []
    pending = [(Path(root), 0)]
    while pending:
        folder, depth = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError:
            continue
        names = {entry.name for entry in entries}
        if layout.CONFIG in names:
            continue  # an nntui run (its events were written by nntui beside its own files)
        if any(is_event_file(entry.name) for entry in entries):  # a FIFO so named is the reader's to refuse
            found.append(folder)
        if depth < MAX_DEPTH:
            pending += [(Path(entry.path), depth + 1) for entry in entries
                        if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)]
    return sorted(found)


def started_at(folder: str | Path) -> float | None:
    """When the run's first event file was made, as its name says (events.out.tfevents.<time>.<host>...)."""
    times = []
    try:
        names = os.listdir(folder)
    except OSError:
        return None
    for name in names:
        match = re.search(r"tfevents\.(\d+)", name)
        if match:
            times.append(float(match.group(1)))
    return min(times) if times else None
