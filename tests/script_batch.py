"""Exported scripts run together in one interpreter (tests/script_runner.py) while the tests
train the engine beside them: one start of Python and torch for the lot instead of one per
script. Each script still runs as its own `python train.py` would (tests/script_runner.py says
how); the tests that prove a script works as a process of its own start it alone."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

RUNNER = Path(__file__).resolve().parent / "script_runner.py"


@dataclass(frozen=True)
class ScriptRun:
    """How one script ended and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class ScriptBatch:
    """Scripts added (each in a folder of its own under `folder`), then run in order by `start`;
    `result` waits for one of them."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._jobs: list[dict] = []
        self._done: dict[str, ScriptRun] = {}
        self._lines: queue.Queue[str | None] = queue.Queue()
        self._process: subprocess.Popen | None = None

    def folder_for(self, name: str) -> Path:
        """The folder the script `name` is written into and runs in (for its data files)."""
        folder = self.folder / name
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def add(self, name: str, source: str, env: dict[str, str] | None = None) -> None:
        """Write the script `name` as train.py in its folder, to run there with `env` added."""
        assert name not in {job["name"] for job in self._jobs}, f"two scripts named {name}"
        path = self.folder_for(name) / "train.py"
        path.write_text(source, encoding="utf-8")
        self._jobs.append({"name": name, "path": str(path), "cwd": str(path.parent), "env": env or {}})

    def start(self) -> None:
        jobs = self.folder / "jobs.json"
        jobs.write_text(json.dumps(self._jobs), encoding="utf-8")
        self._stderr = (self.folder / "runner-stderr.txt").open("w", encoding="utf-8")  # (a pipe could fill)
        self._process = subprocess.Popen([sys.executable, str(RUNNER), str(jobs)], stdout=subprocess.PIPE,
                                         stderr=self._stderr, text=True)
        threading.Thread(target=self._read, args=(self._process.stdout,), daemon=True).start()

    def _read(self, stdout) -> None:
        for line in stdout:
            self._lines.put(line)
        self._lines.put(None)

    def result(self, name: str, timeout: float = 300.0) -> ScriptRun:
        """How the script `name` ended, once the runner has run it."""
        assert self._process is not None and name in {job["name"] for job in self._jobs}, f"{name} was not added"
        while name not in self._done:
            try:
                line = self._lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no result for {name} within {timeout} s") from None
            if line is None:
                self._lines.put(None)  # (for the next caller)
                self._stderr.flush()
                said = (self.folder / "runner-stderr.txt").read_text(encoding="utf-8")
                raise AssertionError(f"the script runner ended before {name}: {said[-3000:]}")
            ran = json.loads(line)
            self._done[ran["name"]] = ScriptRun(ran["returncode"], ran["stdout"], ran["stderr"])
        return self._done[name]

    def close(self) -> None:
        """Stop the runner if it is still running (tests left out), and close its files."""
        if self._process is not None:
            if self._process.poll() is None:
                self._process.kill()
            self._process.wait()
            self._stderr.close()


def collected_batch(items: Iterable[Any], module: ModuleType, folder: Path,
                    adders: dict[str, Callable[[ScriptBatch, Any], None]], alone: set[str]) -> ScriptBatch:
    """A started batch of the scripts that `module`'s collected tests (pytest items, in the order
    they run) compare: `adders` maps a test function's name to what adds its script, given the
    test's `name` parameter (None without one); a test whose name is in `alone` starts its own."""
    batch = ScriptBatch(folder)
    for item in items:
        name = getattr(getattr(item, "callspec", None), "params", {}).get("name")
        add = adders.get(getattr(item, "originalname", ""))
        if getattr(item, "module", None) is module and add is not None and name not in alone:
            add(batch, name)
    batch.start()
    return batch
