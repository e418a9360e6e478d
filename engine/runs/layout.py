"""Where runs live and what their files are called: one folder per run under a runs folder
(`runs/` in the working folder, as torch's SummaryWriter does, moved by NNTUI_RUNS_DIR or
--runs-dir), named by start time and what was trained."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

RUNS_ENV = "NNTUI_RUNS_DIR"
CONFIG = "config.toml"
EVENTS = "events.jsonl"
METRICS = "metrics.csv"
VIEW = "view.json"
CHECKPOINT = "checkpoint.pt"
MODEL = "model.pt"
BEST = "best.pt"
PREPROCESS = "preprocess.json"
LOCK = "lock"
CONTROL = "control.jsonl"
CODE_MANIFEST = "code.json"  # the user's files a run imported (engine.runs.code_record)
CODE = "code"  # the folder of their copies
TENSORBOARD_EVENTS = "events.out.tfevents.*"  # a run's TensorBoard event files, where it writes them in its folder
# A sweep's folder (engine.sweep): its spec as given, the best trial's configuration, Optuna's journal.
SWEEP_SPEC = "sweep.toml"
SWEEP_BEST = "best.toml"
SWEEP_JOURNAL = "journal.log"
# The files a run writes; a folder holding any of them holds a run.
RUN_FILES = (CONFIG, EVENTS, METRICS, VIEW, CHECKPOINT, MODEL, BEST, PREPROCESS, CONTROL, CODE_MANIFEST)


def runs_dir(chosen: str | Path | None = None) -> Path:
    """The runs folder: the one chosen (an option), else $NNTUI_RUNS_DIR, else ./runs."""
    return Path(chosen or os.environ.get(RUNS_ENV) or "runs").expanduser()


def _label(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.") or "run"


def new_run_folder(parent: str | Path, label: str, now: datetime | None = None) -> Path:
    """Create and return a fresh folder `parent/2026-11-29-121500-<label>`; a second run started in
    the same second gets `-2`, `-3`, ... (mkdir is the claim, so two processes never share one)."""
    base = Path(parent)
    base.mkdir(parents=True, exist_ok=True)
    stem = f"{(now or datetime.now()):%Y-%m-%d-%H%M%S}-{_label(label)}"
    for suffix in ["", *(f"-{n}" for n in range(2, 10_000))]:
        folder = base / f"{stem}{suffix}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"{base}: too many runs named {stem}")


def holds_run(folder: str | Path) -> bool:
    """Whether `folder` holds a run's files (written by any version of nntui)."""
    path = Path(folder)
    return path.is_dir() and any((path / name).exists() for name in RUN_FILES)


def run_folders(parent: str | Path) -> list[Path]:
    """The run folders directly under `parent` and, for folders that group runs (a sweep's
    trials), one level deeper; in no particular order (listings sort by start time)."""
    base = Path(parent)
    if not base.is_dir():
        return []
    found = []
    for child in base.iterdir():
        if not child.is_dir() or child.name.startswith("."):
            continue
        if holds_run(child):
            found.append(child)
        else:
            found.extend(grandchild for grandchild in child.iterdir() if grandchild.is_dir() and holds_run(grandchild))
    return found
