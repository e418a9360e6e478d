"""A run folder claimed but never started: its writer took the lock, then died (kill -9, a crash
while torch or the data loaded) before config.toml, the run's first record, was written. Nothing
of a run is in it, so readers (--resume, watch, read_run, the listings) say that in one line
rather than "no config.toml", and a fresh run may take the folder (`--save` over it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.runs import layout
from engine.runs.lock import LockInfo, read_lock


@dataclass(frozen=True)
class UnstartedRun:
    """A folder with a run's lock and nothing else of it."""

    folder: Path
    starter: LockInfo | None  # the live process still starting the run; None: its start was killed

    @property
    def killed(self) -> bool:
        return self.starter is None

    def __str__(self) -> str:
        if self.starter is not None:
            return (f"{self.folder}: a run is starting in it ({self.starter}) and has recorded nothing yet; "
                    f"watch it once it has started: nntui watch {self.folder}")
        return (f"{self.folder}: a run was killed while starting, before it recorded anything (the folder holds "
                f"only its lock); start afresh in it with nntui run --save {self.folder}, or remove it")


def unstarted_run(folder: str | Path) -> UnstartedRun | None:
    """`folder` as a run that took it but has not started, or None where it holds a run's files
    or no run ever took it."""
    path = Path(folder)
    if not (path / layout.LOCK).is_file() or layout.holds_run(path):
        return None
    holder = read_lock(path)  # (unreadable: killed between creating the lock and writing it)
    return UnstartedRun(path, holder if holder is not None and holder.alive() else None)


def killed_starts(parent: str | Path) -> list[UnstartedRun]:
    """The folders under `parent` (and one level deeper, as a sweep's trials) whose run was killed
    while starting; a start still under way is not one."""
    base = Path(parent)
    if not base.is_dir():
        return []
    found = []
    for child in sorted(base.iterdir()):
        if not child.is_dir() or child.name.startswith(".") or layout.holds_run(child):
            continue
        for folder in (child, *sorted(grandchild for grandchild in child.iterdir() if grandchild.is_dir())):
            unstarted = unstarted_run(folder)
            if unstarted is not None and unstarted.killed:
                found.append(unstarted)
    return found
