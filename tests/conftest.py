"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import RunConfig


@pytest.fixture(autouse=True)
def runs_in_a_temporary_folder(tmp_path_factory, monkeypatch) -> None:
    """Every run records itself under ./runs by default: tests record under a folder of their own."""
    monkeypatch.setenv("NNTUI_RUNS_DIR", str(tmp_path_factory.mktemp("runs")))
    monkeypatch.delenv("NNTUI_TENSORBOARD", raising=False)  # no test writes TensorBoard events unasked


@pytest.fixture
def quick_circle() -> RunConfig:
    """The circle preset cut to a few epochs."""
    return with_values(preset_config("circle"), {"train.epochs": 5, "train.log_interval": 1})
