"""The run configuration: every field checked with its name and range, TOML round trips, unknown
keys answered with the nearest name, and warnings for combinations that train badly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.config.build import with_values
from engine.config.fields import FIELDS, SPECS, parse_text
from engine.config.presets import PRESETS, preset_config
from engine.config.problems import ConfigError
from engine.config.rules import validate, warnings
from engine.config.schema import RunConfig, replaced
from engine.config.toml_file import dumps, load_config, loads, save_config


def problem_of(action) -> str:
    with pytest.raises(ConfigError) as caught:
        action()
    return str(caught.value)


@pytest.mark.parametrize("name", list(PRESETS))
def test_every_preset_round_trips_through_toml(name: str, tmp_path: Path) -> None:
    """Saving a preset as TOML and loading it back gives the same configuration."""
    config = preset_config(name)
    save_config(config, tmp_path / "run.toml")
    assert load_config(tmp_path / "run.toml") == config


def test_saved_file_is_fully_resolved() -> None:
    """The TOML names every field of every section (an argument table as a table of its own)."""
    text = dumps(RunConfig())
    for spec in FIELDS:
        assert f"{spec.name} = " in text or f"[{spec.path}]" in text


def test_partial_file_takes_defaults_for_the_rest() -> None:
    """A file that sets one field leaves the others at their defaults (or the base's)."""
    config = loads("[train]\nlr = 0.5\n", base=preset_config("linreg"))
    assert config.train.lr == 0.5 and config.train.epochs == 1000


def test_unknown_key_suggests_the_nearest_name() -> None:
    """A misspelt key is rejected with the valid name it was probably meant to be."""
    assert "train.epoch: unknown key 'epoch'; did you mean 'epochs'?" in problem_of(
        lambda: loads("[train]\nepoch = 3\n"))


def test_unknown_key_without_a_near_name_lists_the_valid_ones() -> None:
    """A key like nothing valid gets the list of valid keys."""
    message = problem_of(lambda: loads("[train]\nzzz = 0.1\n"))
    assert "unknown key 'zzz'; valid: clip_grad, device, " in message and ", epochs, " in message


def test_unknown_section_is_rejected() -> None:
    """A table other than model, data and train is named in the error."""
    assert "unknown key 'trian'" in problem_of(lambda: loads("[trian]\nlr = 1\n"))


def test_toml_syntax_error_names_the_file() -> None:
    """Broken TOML gives the file name and the parser's line."""
    assert "run.toml: config: not valid TOML" in problem_of(lambda: loads("[train\n", source="run.toml"))


def test_wrong_type_names_the_field() -> None:
    """A string where a number belongs names the field and the allowed range."""
    message = problem_of(lambda: loads('[train]\nlr = "fast"\n'))
    assert "train.lr" in message and "> 0" in message


@pytest.mark.parametrize("path,text,expected", [
    ("train.lr", "0", "must be > 0 and <= 100, got 0"),
    ("train.lr", "nan", "finite"),
    ("train.epochs", "-3", "must be >= 1"),
    ("data.test_fraction", "0.95", "<= 0.9"),
    ("model.hidden", "4,x", "layer sizes"),
    ("model.activation", "swish", "one of relu, tanh"),
    ("data.shuffle", "maybe", "true or false"),
])
def test_bad_text_names_field_and_allowed_values(path: str, text: str, expected: str) -> None:
    """Typed values out of range or of the wrong kind are refused with the rule."""
    message = problem_of(lambda: parse_text(SPECS[path], text))
    assert message.startswith(path) and expected in message


def test_regression_data_refuses_a_classification_loss() -> None:
    """bce on the linear set is refused, naming the losses that fit."""
    message = problem_of(lambda: with_values(preset_config("linreg"), {"train.loss": "bce"}))
    assert "train.loss" in message and "mse" in message


def test_cross_entropy_needs_an_output_per_class() -> None:
    """cross_entropy with fewer outputs than classes is an error on model.outputs."""
    message = problem_of(lambda: with_values(preset_config("blobs"), {"model.outputs": 2}))
    assert "model.outputs" in message


@pytest.mark.parametrize("changes,fragment", [
    ({"model.output_activation": "none"}, "BCELoss expects probabilities"),
    ({"train.loss": "bce_logits"}, "squashes it twice"),
])
def test_bad_combinations_warn(changes: dict, fragment: str) -> None:
    """Combinations that run but train badly produce a warning naming the fix."""
    config = with_values(preset_config("circle"), changes)
    assert any(fragment in w for w in warnings(config))


def test_cross_entropy_with_one_output_warns() -> None:
    """CrossEntropyLoss with a single output unit is called out."""
    config = replaced(preset_config("circle"), "train", loss="cross_entropy")
    config = replaced(config, "model", output_activation="none", outputs=1)
    assert any("one output unit" in w for w in warnings(config))


def test_presets_train_without_warnings() -> None:
    """No preset trips a warning."""
    for name in PRESETS:
        assert warnings(preset_config(name)) == [], name


def _value_for(spec):
    if spec.choices:
        return st.sampled_from(spec.choices)
    if spec.kind is bool:
        return st.booleans()
    if spec.kind is list:
        return st.lists(st.integers(-5, 5000), max_size=4)
    if spec.kind is int:
        return st.integers(-10, 10**9)
    return st.floats(allow_nan=True, allow_infinity=True)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_any_assignment_either_validates_or_names_its_field(data) -> None:
    """Random values for random fields are accepted as valid or refused naming a field."""
    spec = data.draw(st.sampled_from(FIELDS))
    value = data.draw(_value_for(spec))
    try:
        config = with_values(preset_config("circle"), {spec.path: value})
    except ConfigError as err:
        assert err.problems and all(p.path in SPECS or p.path == "config" for p in err.problems)
    else:
        validate(config)
        assert loads(dumps(config)) == config


def test_real_data_fields_apply_only_to_their_sources() -> None:
    """CSV fields belong to csv, image fields to image sets, the rest to every data set."""
    assert SPECS["data.paths"].applies_to("csv") and not SPECS["data.paths"].applies_to("circle")
    assert SPECS["data.resize"].applies_to("shapes") and not SPECS["data.resize"].applies_to("csv")
    assert SPECS["train.lr"].applies_to("mnist") and SPECS["data.seed"].applies_to("circle")
