"""Each tutorial preset prints the numbers, and ends with the weights, of the tutorial's own code.

The tutorial's code runs as it is written (tests/tutorial/, see its README) in a separate
process; nothing is copied from its output into this file."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from engine.config.presets import preset_config
from tests.helpers import train

TUTORIAL = Path(__file__).parent / "tutorial"

RUNNER = """
import json, runpy, sys
scope = runpy.run_path(sys.argv[1], run_name="__main__")
state = {k: v.tolist() for k, v in scope["model"].state_dict().items()}
with open(sys.argv[2], "w") as handle:
    json.dump(list(state.values()), handle)
"""

CASES = {  # preset -> tutorial script
    "linreg": "linreg.py",
    "circle": "circle.py",
    "sequential": "sequential.py",
    "simple-nn": "simple_nn.py",
}


_RUNS: dict[tuple[str, int], tuple[str, list]] = {}


def run_tutorial(script: str, seed: int, tmp_path: Path) -> tuple[str, list]:
    """Run a tutorial script; return what it printed and its final parameters in order. A script
    runs once per seed: the tests of its losses and of its weights read the same run."""
    if (script, seed) not in _RUNS:
        out = tmp_path / "state.json"
        env = {**os.environ, "SEED": str(seed)}
        done = subprocess.run([sys.executable, "-c", RUNNER, str(TUTORIAL / script), str(out)],
                              capture_output=True, text=True, env=env, timeout=120, check=True)
        _RUNS[script, seed] = (done.stdout, json.loads(out.read_text()))
    return _RUNS[script, seed]


def printed_losses(stdout: str) -> dict[int, str]:
    """Epoch number -> loss as printed, for both of the tutorial's print formats."""
    found = {int(m[1]): m[2] for m in re.finditer(r"Epoch \[(\d+)/\d+\], Loss: ([\d.]+)", stdout)}
    found.update({int(m[1]) + 1: m[2] for m in re.finditer(r"epoch:\s+(\d+) loss:\s+(\S+)", stdout)})
    return found


@pytest.mark.parametrize("preset", list(CASES))
def test_preset_prints_the_tutorials_losses(preset: str, tmp_path: Path) -> None:
    """Every loss the tutorial prints is the loss nntui reports for that epoch, digit for digit."""
    config = preset_config(preset)
    stdout, _ = run_tutorial(CASES[preset], config.data.seed, tmp_path)
    expected = printed_losses(stdout)
    assert expected, stdout
    ours = {e.epoch: e.train_loss for e in train(config).epochs}
    for epoch, text in expected.items():
        shown = f"{ours[epoch]:.4f}" if "." in text and len(text.split(".")[1]) == 4 else repr(ours[epoch])
        assert shown == text, f"epoch {epoch}"


@pytest.mark.parametrize("preset", list(CASES))
def test_preset_ends_with_the_tutorials_weights(preset: str, tmp_path: Path) -> None:
    """The final parameters equal the tutorial model's exactly."""
    config = preset_config(preset)
    _, tutorial_state = run_tutorial(CASES[preset], config.data.seed, tmp_path)
    end = train(config).end
    assert list(end.parameters.values()) == tutorial_state


def test_a_different_seed_still_matches_the_tutorial(tmp_path: Path) -> None:
    """With another seed the circle classifier still follows the tutorial's code exactly."""
    from engine.config.build import with_values

    config = with_values(preset_config("circle"), {"data.seed": 7})
    _, tutorial_state = run_tutorial("circle.py", 7, tmp_path)
    assert list(train(config).end.parameters.values()) == tutorial_state


def test_the_test_set_does_not_change_the_training_numbers() -> None:
    """Holding out more or fewer test points leaves every training loss as it was."""
    from engine.config.build import with_values

    base = preset_config("circle")
    losses = [[e.train_loss for e in train(with_values(base, {"data.test_fraction": f})).epochs]
              for f in (0.0, 0.2, 0.5)]
    assert losses[0] == losses[1] == losses[2]
