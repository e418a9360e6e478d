"""The command line starts with little more than Typer: commands are made when they run, help is
plain text, and a command that parses no option imports neither Rich's help nor pydantic."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

from tests.helpers import assert_one_line_exit
from tui.cli.main import COMMANDS, app


def loaded_after(*args: str) -> list[str]:
    """Which of the heavier modules a fresh interpreter has loaded after `nntui ARGS`."""
    code = ("import sys; from tui.cli.main import entry; sys.argv = ['nntui', *sys.argv[1:]]\n"
            "try:\n    entry()\nexcept SystemExit:\n    pass\n"
            "watched = ('pydantic', 'typer.rich_utils', 'tui.cli.run_command', 'tui.cli.overrides', 'torch')\n"
            "print(' '.join(m for m in watched if m in sys.modules), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return done.stderr.split()


def test_help_lists_every_command_without_making_them() -> None:
    """`nntui --help` lists each command from the table, importing none of their modules."""
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for name, (_, _, line) in COMMANDS.items():
        assert name in result.stdout and line in result.stdout
    assert loaded_after("--help") == []


def test_presets_import_neither_pydantic_nor_the_run_options() -> None:
    """`nntui presets` parses no option, so Typer's pydantic coercion and run's 45 options stay unloaded."""
    assert loaded_after("presets") == []


def test_a_run_still_builds_its_options() -> None:
    """Commands made on demand keep their options: `run --epochs` is parsed and checked."""
    result = CliRunner().invoke(app, ["run", "--preset", "linreg", "--epochs", "0"])
    assert_one_line_exit(result, 2, "--epochs")


def test_options_before_a_command_open_the_trainer(monkeypatch) -> None:
    """`nntui --preset circle` is `nntui tui --preset circle` (an unknown preset is refused the same way)."""
    opened = []
    monkeypatch.setattr("tui.cli.tui_command.launch_tui", lambda config, ascii_only, *_: opened.append(config))
    result = CliRunner().invoke(app, ["--preset", "xor"])
    assert result.exit_code == 0 and opened and opened[0].data.dataset == "xor"
    assert_one_line_exit(CliRunner().invoke(app, ["--preset", "nope"]), 2, "unknown preset 'nope'")
