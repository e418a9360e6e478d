"""view.json carries every part of a Snapshot to watchers: the fitted surface, the neurons' maps and
a picked unit's, model health and the regression scores come back from the file as they went in;
a damaged part is left out rather than drawn wrong."""

from __future__ import annotations

import json

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.loop.events import Snapshot
from engine.loop.session import TrainingSession
from engine.runs.records import snapshot_from, view_record
from tests.helpers import Recorder


def _last_snapshot(values: dict, picked: tuple[int, int]) -> Snapshot:
    recorder = Recorder()
    session = TrainingSession(with_values(preset_config("moons"), {"train.epochs": 3, **values}), recorder,
                              snapshot_interval_s=None, boundary_size=(16, 8))
    session.picked_neuron = picked
    session.start()
    assert session.join(60)
    return recorder.of(Snapshot)[-1]


def _through_the_file(snapshot: Snapshot) -> Snapshot:
    return snapshot_from(json.loads(json.dumps(view_record(snapshot), allow_nan=False)))


def test_a_2d_regression_snapshot_comes_back_whole() -> None:
    """Surface, scores, neurons, the picked unit and health survive view.json unchanged."""
    snapshot = _last_snapshot({"data.dataset": "gauss", "train.loss": "mse", "data.features": ["x1", "x1*x2"]},
                              (1, 2))
    assert None not in (snapshot.surface, snapshot.scores, snapshot.neurons, snapshot.focus, snapshot.health)
    assert _through_the_file(snapshot) == snapshot


def test_a_classifier_snapshot_comes_back_whole() -> None:
    """A boundary with the neurons' maps, a wide layer cut to 16 units and the dead-unit counts."""
    snapshot = _last_snapshot({"model.hidden": [20, 4]}, (2, 3))
    assert snapshot.neurons.layers[1].units == 20 and snapshot.health.layers[0].dead is not None
    assert _through_the_file(snapshot) == snapshot


def test_a_damaged_part_is_left_out_and_the_rest_kept() -> None:
    """A neurons record without its layers, and a health record with a text norm, read as None."""
    snapshot = _last_snapshot({}, (1, 0))
    record = json.loads(json.dumps(view_record(snapshot)))
    del record["neurons"]["layers"]
    record["health"]["layers"][0]["weight_norm"] = "big"
    read = snapshot_from(record)
    assert read.neurons is None and read.health is None
    assert read.focus == snapshot.focus and read.boundary == snapshot.boundary


def test_non_finite_values_become_nan_again() -> None:
    """JSON has no NaN: a diverged unit's values are written null and read back as NaN."""
    snapshot = _last_snapshot({}, (1, 0))
    record = json.loads(json.dumps(view_record(snapshot)))
    record["neurons"]["layers"][1]["maps"][0][0][0] = None
    value = snapshot_from(record).neurons.layers[1].maps[0][0][0]
    assert value != value


def test_an_epoch_or_predictions_of_the_wrong_type_in_view_json_are_left_out_rather_than_raising() -> None:
    """A watcher reading a hand-edited view.json must not crash on `"epoch": "x"`."""
    for record in ({"epoch": "x", "boundary": 7}, {"epoch": 2.5, "predictions": 7}, {"epoch": [1], "predictions": "ab"},
                   {"epoch": True, "predictions": {"a": 1}}, {"epoch": float("inf")}):
        snapshot = snapshot_from(record)
        assert snapshot.epoch == 0 and snapshot.predictions == () and snapshot.boundary is None
