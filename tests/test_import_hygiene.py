"""The engine knows no screen: importing all of it loads no UI library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import engine

UI_LIBRARIES = ("textual", "typer", "rich", "plotext", "click")


def test_engine_imports_no_ui_library() -> None:
    """Every engine module imports without pulling in textual, typer, rich, plotext or click."""
    modules = [m.name for m in pkgutil.walk_packages(engine.__path__, "engine.")]
    assert "engine.loop.trainer" in modules
    code = (f"import importlib, sys; [importlib.import_module(m) for m in {modules!r}]; "
            f"print(sorted(m for m in {UI_LIBRARIES!r} if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_config_and_presets_do_not_import_torch() -> None:
    """Listing presets and checking a config stay fast: no torch."""
    code = ("import sys, engine.config.presets, engine.config.toml_file, engine.config.build, engine.config.rules; "
            "print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_the_cli_and_the_trainer_start_without_torch_or_numpy() -> None:
    """`nntui --help` and the trainer's first screen import neither: torch loads in the engine
    thread, numpy with the first drawing of a boundary or an image."""
    code = "import sys, tui.cli.main, tui.launch; print(sorted(m for m in ('torch', 'numpy') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
