"""The layering in pyproject.toml holds: import-linter's contracts are all kept."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lint_imports(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    command = shutil.which("lint-imports")
    assert command, "import-linter is a test dependency: pip install -e '.[test]'"
    return subprocess.run([command, "--no-cache", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(cwd), "PATH": str(Path(sys.executable).parent)})


def test_every_layering_contract_is_kept() -> None:
    """lint-imports passes: the engine knows no screen, its parts import only downwards, export
    imports no loop, renderers no Textual, the CLI no trainer, and no module cycles."""
    done = lint_imports()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_loop_module_importing_the_tui_breaks_a_contract(tmp_path: Path) -> None:
    """The contracts can fail: a copy of the tree where engine/loop imports tui is refused."""
    for name in ("engine", "tui", "pyproject.toml"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    trainer = tmp_path / "engine" / "loop" / "trainer.py"
    trainer.write_text(trainer.read_text() + "\nimport tui.render.run_text  # noqa\n")
    done = lint_imports(cwd=tmp_path)
    assert done.returncode != 0
    assert "The engine knows no screen" in done.stdout and "BROKEN" in done.stdout
