"""The playground presets reach the accuracy they promise when trained headless."""

from __future__ import annotations

import pytest

from engine.config.presets import PRESETS, preset_config
from tests.helpers import train

PLAYGROUND = [name for name, p in PRESETS.items() if not p.tutorial]


def test_there_are_playground_presets_for_each_2d_set() -> None:
    """xor, spiral, moons and blobs all exist, and blobs has three or more classes."""
    assert {"xor", "spiral", "moons", "blobs"} <= set(PLAYGROUND)
    assert preset_config("blobs").data.classes >= 3


@pytest.mark.parametrize("name", PLAYGROUND)
def test_playground_preset_reaches_95_percent(name: str) -> None:
    """Each playground preset ends with at least 95 % test accuracy."""
    end = train(preset_config(name)).end
    assert end.status == "completed"
    assert end.test_accuracy >= 0.95
