"""Sweeps over the arguments of the user's own code: `model.args.hidden` and `data.args.size` are
searched like fields, each trial's config carries its value in the args table, and an argument the
code does not take is refused in one line before any trial runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from engine.runs.status import read_run
from engine.sweep.spec import SweepError, parse_sweep
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

pytest.importorskip("optuna")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
runner = CliRunner()

MODULE_BASE = f"""\
[sweep]
base = "moons"
trials = 3
sampler = "grid"
pruner = "none"
[fields]
"model.kind" = "module"
"model.module" = "{EXAMPLES / 'net.py'}:MLP"
"train.epochs" = 2
"data.samples" = 80
[space]
"""


def sweep_text(space: str, sampler: str = "grid") -> str:
    return MODULE_BASE.replace('"grid"', f'"{sampler}"') + space


def refusal(text: str) -> str:
    with pytest.raises(SweepError) as err:
        parse_sweep(text)
    return str(err.value)


def test_each_trial_of_a_sweep_over_a_model_argument_trains_the_module_it_was_given(tmp_path: Path) -> None:
    """Three grid trials over examples/net.py:MLP's hidden size: each run folder records its own
    size in model.args, and its checkpoint's first layer has that many units."""
    path = tmp_path / "hidden.toml"
    path.write_text(sweep_text('"model.args.hidden" = [2, 3, 5]\n'))
    done = subprocess.run([sys.executable, "-m", "tui.cli", "sweep", str(path), "--runs-dir", str(tmp_path / "runs")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    trials = sorted((tmp_path / "runs" / "hidden").glob("trial-*"))
    sizes = []
    for folder in trials:
        run = read_run(folder)
        assert run.status == "completed"
        hidden = run.config.model.args["hidden"]
        weights = torch.load(folder / "checkpoint.pt", weights_only=True)["model"]
        assert weights["fc1.weight"].shape == (hidden, 2)
        sizes.append(hidden)
    assert sorted(sizes) == [2, 3, 5]


def test_an_argument_the_class_does_not_take_is_refused_with_the_nearest_name(tmp_path: Path) -> None:
    path = tmp_path / "typo.toml"
    path.write_text(sweep_text('"model.args.hiden" = [2, 4]\n'))
    result = runner.invoke(app, ["sweep", str(path), "--runs-dir", str(tmp_path / "runs")])
    assert_one_line_exit(result, 2, "space.model.args.hiden", "did you mean 'hidden'?")
    assert not list((tmp_path / "runs").glob("typo/trial-*"))


def test_a_value_of_the_wrong_type_for_the_argument_is_refused_naming_it() -> None:
    assert refusal(sweep_text('"model.args.hidden" = [4, 0.5]\n')).endswith(":MLP takes int here, got 0.5")


def test_a_float_range_over_a_whole_number_argument_is_refused_at_its_end() -> None:
    assert "takes int here, got 2.5" in refusal(sweep_text('"model.args.hidden" = { low = 2.5, high = 16 }\n',
                                                                  "random"))


def test_a_whole_number_range_over_an_argument_is_drawn_as_whole_numbers() -> None:
    spec = parse_sweep(sweep_text('"model.args.hidden" = { low = 2, high = 16, step = 2 }\n'))
    dimension = spec.space[0]
    assert dimension.integer and dimension.grid() == [2, 4, 6, 8, 10, 12, 14, 16]
    assert spec.config_for({"model.args.hidden": 6}).model.args == {"hidden": 6}


def test_a_searched_argument_joins_the_other_arguments_of_the_base() -> None:
    spec = parse_sweep(sweep_text('"model.args.hidden" = [4]\n').replace('[space]', '"model.args" = { outputs = 1 }'
                                                                            '\n[space]'))
    assert spec.config_for({"model.args.hidden": 4}).model.args == {"outputs": 1, "hidden": 4}


def test_a_list_valued_argument_choice_comes_back_from_optuna_as_the_list() -> None:
    """Optuna's choices are plain values: a list goes as its text and comes back as the list, while
    a text choice that reads the same stays text."""
    from engine.sweep.spec import Dimension

    dimension = Dimension("model.args.sizes", choices=([8, 8], [16], "[16]"))
    encoded = [dimension.encode(choice) for choice in dimension.choices]
    assert all(isinstance(value, str) for value in encoded)
    assert [dimension.decode(value) for value in encoded[:2]] == [[8, 8], [16]]


def test_an_argument_searched_without_the_users_code_in_the_base_is_refused() -> None:
    message = refusal('[sweep]\nbase = "moons"\n[space]\n"model.args.hidden" = [4, 8]\n')
    assert message.startswith("space.model.args.hidden:") and 'model.kind = "module"' in message


def test_a_data_argument_is_checked_against_the_data_function(tmp_path: Path) -> None:
    """examples/data.py's circle(size) takes `size`; `sise` gets the nearest name."""
    text = ('[sweep]\nbase = "circle"\n[fields]\n"data.dataset" = "module"\n'
            f'"data.module" = "{EXAMPLES / "data.py"}:circle"\n[space]\n')
    spec = parse_sweep(text + '"data.args.size" = { low = 40, high = 120 }\n')
    assert spec.config_for({"data.args.size": 60}).data.args == {"size": 60}
    assert "space.data.args.sise: " in refusal(text + '"data.args.sise" = [40]\n')
    assert "did you mean 'size'?" in refusal(text + '"data.args.sise" = [40]\n')


def test_an_argument_name_python_cannot_take_is_refused() -> None:
    assert refusal(sweep_text('"model.args.1x" = [4]\n')).startswith("space.model.args: '1x' is not a Python argument")


def test_the_sweep_view_lists_a_searched_argument_and_reads_it_from_each_trial(tmp_path: Path) -> None:
    from engine.sweep.arg_space import searched_value
    from engine.sweep.spec import sweep_outline

    text = sweep_text('"model.args.hidden" = [2, 4]\n"train.lr" = [0.1]\n')
    (tmp_path / "sweep.toml").write_text(text)
    assert sweep_outline(tmp_path / "sweep.toml").fields == ("model.args.hidden", "train.lr")
    config = parse_sweep(text).config_for({"model.args.hidden": 4, "train.lr": 0.1})
    assert [searched_value(config, path) for path in ("model.args.hidden", "train.lr")] == [4, 0.1]
    assert searched_value(config, "model.args.outputs") is None
