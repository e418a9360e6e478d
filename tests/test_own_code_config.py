"""Your own code in the configuration: the import strings and arguments as fields, TOML and CLI
options, checked against the code's signature with the nearest name offered."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.code.listing import definitions
from engine.code.loader import load_target
from engine.code.signature import REQUIRED, arg_fields, check_call_args
from engine.config.build import with_values
from engine.config.fields import SPECS, format_value, parse_text
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.toml_file import dumps, loads
from tests.helpers import assert_one_line_exit
from tests.own_code.files import NET, write
from tui.cli.main import app

runner = CliRunner()


@pytest.fixture
def net(tmp_path: Path) -> Path:
    return write(tmp_path, "net.py", NET)


def test_args_typed_as_text_read_back_as_numbers_text_bools_and_lists() -> None:
    """A form's `hidden=32, sizes=[8, 8], act=relu, p=0.5, on=true` is typed values, and formats back."""
    spec = SPECS["model.args"]
    args = parse_text(spec, 'hidden=32, sizes=[8, 8], act=relu, p=0.5, on=true, name="a,b"')
    assert args == {"hidden": 32, "sizes": [8, 8], "act": "relu", "p": 0.5, "on": True, "name": "a,b"}
    assert parse_text(spec, format_value(args)) == args


def test_args_round_trip_through_toml() -> None:
    """[model.args] and [data.args] are tables of the saved TOML, read back equal."""
    config = with_values(preset_config("circle"), {"model.kind": "module", "model.module": "net.py:Net",
                                                   "model.args": {"hidden": 16, "sizes": [4, 4]}})
    text = dumps(config)
    assert tomllib.loads(text)["model"]["args"] == {"hidden": 16, "sizes": [4, 4]}
    assert loads(text) == config


@pytest.mark.parametrize("value", [{"bad name": 1}, {"x": {"nested": 1}}, {"x": float("nan")}, [1, 2]])
def test_args_that_no_code_could_take_are_refused_by_the_field(value) -> None:
    """An argument name Python refuses, a table, NaN, or no table at all: model.args names it."""
    with pytest.raises(ConfigError, match=r"model\.args"):
        with_values(preset_config("circle"), {"model.args": value})


def test_an_import_string_without_a_name_is_refused() -> None:
    """`net.py` alone is not FILE.py:NAME."""
    with pytest.raises(ConfigError, match="FILE.py:NAME"):
        with_values(preset_config("circle"), {"model.module": "net.py"})


def test_the_form_reads_a_signature_into_fields_with_defaults_and_hints(net: Path) -> None:
    """Each argument of Net: its default and its type hint, as the form's rows show them."""
    fields, open_ended = arg_fields(load_target(f"{net}:Net", "model.module").value)
    assert [(f.name, f.default, f.hint) for f in fields] == [
        ("inputs", 2, "int"), ("hidden", 8, "int"), ("outputs", 1, "int"), ("act", "relu", "str")]
    assert not open_ended and REQUIRED is not None


def test_the_form_lists_a_files_classes_without_running_it(tmp_path: Path) -> None:
    """definitions() reads the file's syntax: its nn.Module, its Dataset and its functions."""
    path = write(tmp_path, "both.py", NET + "\nraise SystemExit('never run')\n"
                 "class Points(Dataset):\n    pass\n")
    assert [(d.name, d.kind) for d in definitions(path)] == [("Net", "module"), ("make", "function"),
                                                              ("Points", "dataset")]


def test_an_unknown_argument_gets_the_nearest_name(net: Path) -> None:
    """model.args.hiden: unknown argument; did you mean 'hidden'?"""
    with pytest.raises(ConfigError, match=r"model\.args\.hiden: unknown argument of .*did you mean 'hidden'"):
        check_call_args(load_target(f"{net}:Net", "model.module").value, {"hiden": 3}, "model.args", "net.py:Net")


def test_an_argument_of_the_wrong_type_is_named(net: Path) -> None:
    """hidden is an int: 0.5 is refused, naming the argument and the type."""
    with pytest.raises(ConfigError, match=r"model\.args\.hidden: .* takes int here, got 0\.5"):
        check_call_args(load_target(f"{net}:Net", "model.module").value, {"hidden": 0.5}, "model.args", "Net")


def test_config_prints_the_resolved_args(net: Path) -> None:
    """`nntui config --module net.py:Net --module-arg hidden=32` prints every argument, defaults too."""
    result = runner.invoke(app, ["config", "--module", f"{net}:Net", "--module-arg", "hidden=32"])
    assert result.exit_code == 0, result.output
    model = tomllib.loads(result.output)["model"]
    assert model["kind"] == "module"
    assert model["args"] == {"inputs": 2, "hidden": 32, "outputs": 1, "act": "relu"}


def test_module_args_from_the_cli_join_those_of_the_file(net: Path, tmp_path: Path) -> None:
    """--module-arg replaces one argument of a config file's [model.args] and keeps the others."""
    config = with_values(preset_config("circle"), {"model.kind": "module", "model.module": f"{net}:Net",
                                                   "model.args": {"hidden": 3, "act": "tanh"}})
    (tmp_path / "run.toml").write_text(dumps(config))
    result = runner.invoke(app, ["config", "--config", str(tmp_path / "run.toml"), "--module-arg", "hidden=5"])
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.output)["model"]["args"]["hidden"] == 5
    assert tomllib.loads(result.output)["model"]["args"]["act"] == "tanh"


def test_a_misspelt_argument_on_the_cli_is_one_line(net: Path) -> None:
    """The issue's own example, exit 2."""
    result = runner.invoke(app, ["config", "--module", f"{net}:Net", "--module-arg", "hiden=32"])
    assert_one_line_exit(result, 2, "model.args.hiden: unknown argument", "did you mean 'hidden'?")


def test_module_with_another_model_kind_is_refused(net: Path) -> None:
    """--module trains your module: --kind mlp beside it is a contradiction, said in one line."""
    result = runner.invoke(app, ["config", "--module", f"{net}:Net", "--kind", "mlp"])
    assert_one_line_exit(result, 2, "--module", "--kind")
