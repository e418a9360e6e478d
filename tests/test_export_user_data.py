"""`nntui export` of a run on the user's own Dataset (data.dataset = module): the script imports the
user's data file by its path (or, --inline, carries the class's source), reads and splits the items
as the run did, and prints nntui's very losses with the same seed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.schema import RunConfig
from engine.export.script import export_script
from tests.helpers import assert_one_line_exit
from tests.own_code.files import DATA, write
from tests.test_export import assert_clean_standalone, assert_script_repeats
from tui.cli.main import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PAIR = DATA + """

def pair(size: int = 60):
    return Points(size), Points(size // 3)
"""
PICTURES = """
import torch
from torch.utils.data import Dataset


class Pictures(Dataset):
    def __len__(self):
        return 12

    def __getitem__(self, i):
        return torch.full((1, 4, 4), float(i)), i % 2
"""


def _config(values: dict) -> RunConfig:
    base = {"data.dataset": "module", "train.epochs": 12, "train.log_interval": 3, "train.lr": 0.05}
    return with_values(preset_config("circle"), {**base, **values})


def _user_mlp(data: str, **values) -> RunConfig:
    return _config({"data.module": data, "model.kind": "module", "model.module": f"{EXAMPLES}/net.py:MLP",
                    "train.loss": "bce_logits", **values})


def test_a_function_drawing_from_the_seeded_generator_repeats_with_the_user_s_model(tmp_path: Path) -> None:
    """examples/data.py:circle draws its points from torch's seeded generator before the model is built:
    the script, importing both files, draws the same points and weights and prints the same losses."""
    config = _user_mlp(f"{EXAMPLES}/data.py:circle", **{"data.args": {"size": 90}, "data.batch_size": 16})
    assert_script_repeats(config, "circle-data", tmp_path)


def test_nntui_s_mlp_on_the_user_s_dataset_repeats_with_class_indices(tmp_path: Path) -> None:
    """A Dataset of rows into nntui's own MLP, under cross_entropy (targets made class indices)."""
    folder = tmp_path / "code"
    folder.mkdir()
    write(folder, "data.py", DATA)
    config = _config({"data.module": f"{folder}/data.py:Points", "data.args": {"size": 80},
                      "model.hidden": [6], "train.loss": "cross_entropy", "model.output_activation": "none"})
    assert_script_repeats(config, "points", tmp_path)


def test_a_train_and_test_pair_from_the_user_s_code_is_read_as_two_sets(tmp_path: Path) -> None:
    """A function returning (train, test) is not split again; a regression on it repeats too."""
    folder = tmp_path / "code"
    folder.mkdir()
    write(folder, "data.py", PAIR.replace("Points(size // 3)", "Points(size // 3, classes=False)")
          .replace("return Points(size),", "return Points(size, classes=False),"))
    config = _config({"data.module": f"{folder}/data.py:pair", "model.hidden": [4], "train.loss": "mse",
                      "model.output_activation": "none"})
    source = export_script(config)
    assert "train_set, test_set = pair()" in source and "randperm(len(X_all)" not in source
    assert_script_repeats(config, "pair", tmp_path, source)


def test_inline_copies_the_dataset_class_and_repeats_without_the_user_s_file(tmp_path: Path) -> None:
    """--inline: the Dataset's class is in the script, the data file out of reach of it."""
    folder = tmp_path / "code"
    folder.mkdir()
    write(folder, "data.py", DATA)
    config = _user_mlp(f"{folder}/data.py:Points", **{"data.args": {"size": 70}})
    source = export_script(config, inline=True)
    assert "class Points(Dataset):" in source and str(folder) not in source
    assert "from torch.utils.data import Dataset" in source
    assert_script_repeats(config, "points-inline", tmp_path, source)


def test_the_script_on_the_user_s_dataset_is_clean_standalone_python(tmp_path: Path) -> None:
    """Importing both files: ruff passes it, the loader is written once, only loaders and torch imported."""
    source = export_script(_user_mlp(f"{EXAMPLES}/data.py:MyDataset"))
    assert source.count("def import_file(") == 1 and source.count("import os\n") == 1
    assert_clean_standalone(source, tmp_path, {"torch", "math", "importlib", "os", "sys"})


def test_the_ddp_script_on_the_user_s_dataset_is_clean_standalone_python(tmp_path: Path) -> None:
    """--ddp: every rank imports the data file and shards the same tensors."""
    from engine.export.ddp.script import export_ddp_script

    source = export_ddp_script(_user_mlp(f"{EXAMPLES}/data.py:circle", **{"data.batch_size": 16}))
    assert "import_file(" in source and "DistributedSampler" in source
    assert_clean_standalone(source, tmp_path, {"torch", "math", "importlib", "os", "sys"})


@pytest.mark.parametrize("ddp", [[], ["--ddp"]])
def test_nntui_s_mlp_on_pictures_from_the_user_s_dataset_is_refused_in_one_line(tmp_path: Path,
                                                                              ddp: list[str]) -> None:
    """x of shape (1, 4, 4) into nntui's own model: the script writes rows only; said, exit 2."""
    write(tmp_path, "pics.py", PICTURES)
    result = CliRunner().invoke(app, ["export", *ddp, "--data-module", f"{tmp_path}/pics.py:Pictures",
                                      "--loss", "cross_entropy"])
    assert_one_line_exit(result, 2, "--data-module", "x has shape (1, 4, 4)", "(--module)")


def test_a_dataset_whose_items_are_not_pairs_is_refused_by_export_as_by_run(tmp_path: Path) -> None:
    """The data is read as a run reads it: a bad item is one line, exit 2, nothing written."""
    write(tmp_path, "bad.py", "class Bad:\n    def __len__(self):\n        return 3\n\n"
                              "    def __getitem__(self, i):\n        return i\n")
    out = tmp_path / "train.py"
    result = CliRunner().invoke(app, ["export", "--data-module", f"{tmp_path}/bad.py:Bad", "-o", str(out)])
    assert_one_line_exit(result, 2, "data.module", "not a pair")
    assert not out.exists()


def test_inline_copies_what_the_function_uses_from_its_file(tmp_path: Path) -> None:
    """examples/data.py:circle makes a MyDataset: --inline copies both, in the file's order, and repeats."""
    config = _user_mlp(f"{EXAMPLES}/data.py:circle", **{"data.args": {"size": 60}})
    source = export_script(config, inline=True)
    assert "import_file" not in source
    assert source.index("class MyDataset(Dataset):") < source.index("def circle(size: int = 200):")
    assert_script_repeats(config, "circle-inline", tmp_path, source)
