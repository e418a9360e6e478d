"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import RunConfig


@pytest.fixture
def quick_circle() -> RunConfig:
    """The circle preset cut to a few epochs."""
    return with_values(preset_config("circle"), {"train.epochs": 5, "train.log_interval": 1})
