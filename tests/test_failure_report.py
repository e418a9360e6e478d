"""The report a failed run carries for the trainer's dialog: the user's own frames where the error
was raised in (or passed through) their code, nothing where it is nntui's or torch's alone."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from engine.code.frames import failure_report
from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.events import RunFailed
from engine.loop.session import TrainingSession
from tests.own_code.files import write

SHAPES = """
import torch


def mismatched(x):
    weight = torch.zeros(3, 5)
    return x @ weight
"""


def test_an_error_raised_in_torch_under_the_user_s_call_lists_only_the_user_s_frame(tmp_path: Path,
                                                                                    monkeypatch) -> None:
    """torch's own frames are left out; the user's line that called it is kept."""
    monkeypatch.chdir(tmp_path)
    spec = importlib.util.spec_from_file_location("shapes_user", write(tmp_path, "shapes.py", SHAPES))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    with pytest.raises(RuntimeError) as caught:
        module.mismatched(torch.zeros(2, 4))
    caught.value.__traceback__ = caught.value.__traceback__.tb_next  # from the user's call down, as the loop sees it
    lines = failure_report(caught.value).splitlines()
    assert lines[0].startswith("Your code raised RuntimeError: ")
    assert lines[1:] == ["  shapes.py:7, in mismatched", "    return x @ weight"]


@pytest.mark.skipif(torch.cuda.is_available(), reason="the failure needs a machine without CUDA")
def test_a_run_failing_in_nntui_s_own_code_carries_no_report() -> None:
    """A failure with no frame of the user's (no CUDA here) keeps the run's one-line message alone."""
    session = TrainingSession(with_values(preset_config("circle"), {"train.device": "cuda"}))
    session.start()
    assert session.join(30)
    assert isinstance(session.result, RunFailed) and session.result.error and session.result.report == ""


def test_nntui_run_names_the_user_s_line_when_their_forward_raises_mid_run(tmp_path: Path, monkeypatch) -> None:
    """`nntui run` of a forward that raises epochs in: one line, exit 1, ending with the user's frames."""
    from typer.testing import CliRunner

    from tests.helpers import assert_one_line_exit
    from tests.tui.test_own_code_errors import RAISING
    from tui.cli.main import app

    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", RAISING)
    result = CliRunner().invoke(app, ["run", "--preset", "circle", "--module", "net.py:Net", "--module-arg",
                                      "after=10", "--loss", "bce_logits", "--epochs", "30"])
    assert_one_line_exit(result, 1, "ValueError: my forward gave up (at net.py:14 in forward: return "
                                    "self.fc(self.check(x)) > net.py:18 in check: raise ValueError(")
