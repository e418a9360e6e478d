"""The engine and the trainer's seam type-check: mypy, configured in pyproject.toml, finds no error
in engine/ nor in the modules through which the trainer drives a run.

mypy keeps its incremental cache in .mypy_cache at the repository root, so a second run checks
only what changed (about 2 s, against about 25 s from cold on a 2-core machine)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# The trainer's side of the one interface for a live run (issue 24): the controller, the views' base,
# the panels, the bridge and how events show; checked with what they import read but not reported.
TRAINER_SEAM = ("tui/run_controller.py", "tui/widgets/run_view.py", "tui/panels.py", "tui/bridge.py",
                "tui/run_events.py", "tui/run_host.py", "tui/save_load.py")


def mypy(*paths: str, cwd: Path = ROOT, cache: Path = ROOT / ".mypy_cache") -> subprocess.CompletedProcess:
    """mypy on `paths` with the configuration in `cwd`'s pyproject.toml."""
    pytest.importorskip("mypy", reason="mypy is a test dependency: pip install -e '.[test]'")
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), "--no-error-summary",
                           "--show-error-codes", *paths], cwd=cwd, capture_output=True, text=True, timeout=600)


def errors(done: subprocess.CompletedProcess) -> list[str]:
    """mypy's error lines ("path:line: error: ...")."""
    return [line for line in done.stdout.splitlines() if ": error: " in line]


def test_the_engine_has_no_type_errors() -> None:
    """`mypy engine` reports nothing."""
    done = mypy("engine")
    assert done.returncode in (0, 1), done.stdout + done.stderr  # (2: mypy itself could not run)
    found = errors(done)
    assert not found, "\n".join(found)


def test_the_trainers_seam_has_no_type_errors() -> None:
    """The trainer's run controller and the interfaces it drives type-check against the engine's Session."""
    done = mypy("--follow-imports=silent", *TRAINER_SEAM)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    found = errors(done)
    assert not found, "\n".join(found)


def test_a_type_error_in_the_engine_is_reported(tmp_path: Path) -> None:
    """The check can fail: a function returning text where it says int is reported, with its line."""
    (tmp_path / "engine").mkdir()
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "engine" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "engine" / "counts.py").write_text('def count() -> int:\n    return "three"\n', encoding="utf-8")
    found = errors(mypy("engine", cwd=tmp_path, cache=tmp_path / ".mypy_cache"))
    assert len(found) == 1 and found[0].startswith("engine/counts.py:2: error: Incompatible return value type")
