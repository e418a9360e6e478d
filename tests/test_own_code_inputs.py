"""Each bad input of your own code is one line naming the field (exit 2 from `nntui run`), told by
the user's own file and line where their code raised, and leaves nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.helpers import assert_one_line_exit
from tests.own_code.files import DATA, NET, write
from tui.cli.main import app

runner = CliRunner()

BROKEN = """
import torch
from torch import nn


class NotAModule:
    pass


class Empty(nn.Module):
    def forward(self, x):
        return x


class Flat(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return self.fc(x).reshape(-1)


class Nan(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return self.fc(x) * float("nan")


class Raises(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)

    def forward(self, x):
        return helper(x)


def helper(x):
    raise ValueError("forward is broken")


def factory():
    raise RuntimeError("cannot build")
"""

BAD_DATA = """
import torch
from torch.utils.data import Dataset


class OnlyX(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.zeros(2)


class Nothing(Dataset):
    def __len__(self):
        return 0

    def __getitem__(self, i):
        raise IndexError(i)


class Ragged(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        return torch.zeros(2 + i % 2), 1.0
"""


def line_of(source: str, text: str) -> int:
    """The line number `text` has in `source` as written to its file."""
    return next(n for n, line in enumerate(source.splitlines(), 1) if text in line)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, source in (("net.py", NET), ("broken.py", BROKEN), ("data.py", DATA), ("bad_data.py", BAD_DATA)):
        write(tmp_path, name, source)
    return tmp_path


def refused(folder: Path, *args: str, words: tuple[str, ...] = ()) -> None:
    """`nntui run ARGS` exits 2 with one line holding `words`, and the runs folder stays empty."""
    runs = folder / "runs"
    result = runner.invoke(app, ["run", "--runs-dir", str(runs), "--epochs", "2", *args])
    assert_one_line_exit(result, 2, *words)
    assert not runs.exists() or not any(runs.iterdir()), list(runs.iterdir())


def test_a_missing_file(folder: Path) -> None:
    """No such file: the option and the path."""
    refused(folder, "--module", f"{folder}/nope.py:Net", words=("--module", "nope.py: no such file"))


def test_a_fifo_is_not_read(folder: Path) -> None:
    """A pipe where the module file should be is refused, not read (it would hang)."""
    os.mkfifo(folder / "pipe.py")
    refused(folder, "--module", f"{folder}/pipe.py:Net", words=("not a regular file",))


def test_no_such_name_offers_the_files_classes(folder: Path) -> None:
    """A misspelt class: the nearest name the file defines."""
    refused(folder, "--module", f"{folder}/net.py:Nte", words=("has no 'Nte'", "did you mean 'Net'?"))


def test_a_syntax_error_names_the_users_line(folder: Path) -> None:
    """A file that is not Python: its file and line."""
    write(folder, "typo.py", "class Net(:\n    pass\n")
    refused(folder, "--module", f"{folder}/typo.py:Net", words=("SyntaxError", "typo.py:1"))


def test_a_class_that_is_not_a_module(folder: Path) -> None:
    """A plain class is not an nn.Module."""
    refused(folder, "--module", f"{folder}/broken.py:NotAModule", words=("not an nn.Module",))


def test_a_factory_that_raises_shows_the_users_frame(folder: Path) -> None:
    """The factory's own file and line, and what it raised."""
    refused(folder, "--module", f"{folder}/broken.py:factory",
            words=("RuntimeError: cannot build", f"broken.py:{line_of(BROKEN, 'cannot build')} in factory",
                   'raise RuntimeError("cannot build")'))


def test_an_argument_of_the_wrong_type(folder: Path) -> None:
    """hidden=0.5 for an int."""
    refused(folder, "--module", f"{folder}/net.py:Net", "--module-arg", "hidden=0.5",
            words=("model.args.hidden", "takes int"))


def test_a_model_without_parameters(folder: Path) -> None:
    """Nothing to train."""
    refused(folder, "--module", f"{folder}/broken.py:Empty", words=("has no parameters",))


def test_inputs_of_another_width_name_both_sides(folder: Path) -> None:
    """net.py:Net takes 3 input features, the data gives 2 (first Linear: in_features=3)."""
    refused(folder, "--module", f"{folder}/net.py:Net", "--module-arg", "inputs=3",
            words=("takes 3 input features, the data gives 2 (first Linear: in_features=3)",))


def test_outputs_of_the_wrong_shape_name_both_sides(folder: Path) -> None:
    """(N,) outputs against (N, 1) targets would broadcast in MSELoss; refused naming both shapes."""
    refused(folder, "--module", f"{folder}/broken.py:Flat", "--dataset", "linear", "--loss", "mse",
            words=("outputs of shape (64,)", "targets have shape (64, 1)"))


def test_nan_from_the_first_batch(folder: Path) -> None:
    """A loss that is NaN before any step."""
    refused(folder, "--module", f"{folder}/broken.py:Nan", "--loss", "bce_logits", words=("loss is nan",))


def test_an_error_inside_forward_is_the_users_frames(folder: Path) -> None:
    """The user's forward and helper, their file and lines; no nntui or torch frame."""
    refused(folder, "--module", f"{folder}/broken.py:Raises", "--loss", "bce_logits",
            words=("ValueError: forward is broken", f"broken.py:{line_of(BROKEN, 'return helper(x)')} in forward",
                   f"broken.py:{line_of(BROKEN, 'forward is broken')} in helper"))


def test_a_dataset_item_that_is_not_a_pair(folder: Path) -> None:
    """__getitem__ returning x alone."""
    refused(folder, "--data-module", f"{folder}/bad_data.py:OnlyX", words=("OnlyX[0] returns", "not a pair (x, y)"))


def test_an_empty_dataset(folder: Path) -> None:
    """len() is 0."""
    refused(folder, "--data-module", f"{folder}/bad_data.py:Nothing", words=("is empty",))


def test_items_of_different_shapes(folder: Path) -> None:
    """Item 1's x differs from item 0's."""
    refused(folder, "--data-module", f"{folder}/bad_data.py:Ragged", "--loss", "mse",
            words=("[1]'s x has shape (3,), item 0's (2,)",))
