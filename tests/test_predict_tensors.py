"""`nntui predict` for a run on the user's own Dataset whose items are not table rows: a `.pt` file
of inputs (one per row of its first dimension) is answered row by row with the run's weights; a
CSV file, a tensor of another shape, a file that is not a tensor, each refused in one line."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from tests.helpers import assert_one_line_exit
from tests.own_code.files import write
from tui.cli.main import app

runner = CliRunner()
CODE = """
import torch
from torch import nn
from torch.utils.data import Dataset


class Squares(Dataset):
    def __len__(self):
        return 40

    def __getitem__(self, i):
        g = torch.Generator().manual_seed(i)
        picture = torch.rand(1, 4, 4, generator=g)
        return picture, int(picture.mean() > 0.5) + (i % 3 == 0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.flat, self.fc = nn.Flatten(), nn.Linear(16, 3)

    def forward(self, x):
        return self.fc(self.flat(x))
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    """A short run of Net on Squares' (1, 4, 4) pictures, recorded."""
    folder = tmp_path_factory.mktemp("tensors")
    write(folder, "code.py", CODE)
    result = runner.invoke(app, ["run", "--module", f"{folder}/code.py:Net", "--data-module",
                                 f"{folder}/code.py:Squares", "--loss", "cross_entropy", "--epochs", "3",
                                 "--save", str(folder / "run")])
    assert result.exit_code == 0, result.output
    return folder / "run"


def refused(result, *words: str) -> None:
    """Exit 2 with one error line holding `words`, after predict's lines naming the recorded copies."""
    assert "Traceback" not in result.output and result.exit_code == 2, result.output
    *notes, last = result.stderr.splitlines()
    assert all(note.startswith("predict: importing") for note in notes), result.stderr
    assert last.startswith("nntui: error: ") and all(word in last for word in words), last


def _inputs(folder: Path, value, name: str = "inputs.pt") -> Path:
    path = folder / name
    torch.save(value, path)
    return path


def test_each_row_of_a_tensor_file_is_answered_with_the_run_s_weights(run: Path, tmp_path: Path) -> None:
    """Three pictures: three answers named inputs.pt[0..2], the softmax of the saved model's outputs."""
    X = torch.rand(3, 1, 4, 4, generator=torch.Generator().manual_seed(7))
    path = _inputs(tmp_path, X)
    result = runner.invoke(app, ["predict", str(run), str(path), "--json", "--proba"])
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    state = torch.load(run / "model.pt", weights_only=True)
    expected = torch.softmax(X.flatten(1) @ state["fc.weight"].t() + state["fc.bias"], dim=1)
    assert [a["file"] for a in answers] == [f"{path}[{i}]" for i in range(3)]
    for answer, probabilities in zip(answers, expected.tolist()):
        assert list(answer["probabilities"]) == ["0", "1", "2"]
        assert list(answer["probabilities"].values()) == pytest.approx(probabilities, abs=1e-6)
        assert answer["label"] == str(max(range(3), key=probabilities.__getitem__))


def test_answers_to_a_tensor_file_can_be_written_as_csv(run: Path, tmp_path: Path) -> None:
    """--output: one row per input, its class and probability, the classes named by index."""
    out = tmp_path / "answers.csv"
    result = runner.invoke(app, ["predict", str(run), str(_inputs(tmp_path, torch.rand(2, 1, 4, 4))), "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,prediction,probability" and len(lines) == 3


def test_a_csv_file_for_such_a_run_is_refused_saying_what_it_takes(run: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n1,2\n", encoding="utf-8")
    refused(runner.invoke(app, ["predict", str(run), str(rows)]), "not table rows", ".pt file")


def test_inputs_of_another_shape_are_refused_naming_it(run: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["predict", str(run), str(_inputs(tmp_path, torch.rand(2, 5)))])
    refused(result, "inputs.pt", "refused inputs of shape (5,)", "your Dataset's x")


@pytest.mark.parametrize(("value", "words"), [({"x": 1}, "holds a dict, not a tensor"),
                                              (torch.zeros(0, 1, 4, 4), "N at least 1"),
                                              (torch.full((1, 1, 4, 4), float("nan")), "NaN")])
def test_a_tensor_file_holding_something_else_is_refused(run: Path, tmp_path: Path, value, words: str) -> None:
    refused(runner.invoke(app, ["predict", str(run), str(_inputs(tmp_path, value))]), words)


def test_a_file_torch_did_not_write_is_refused(run: Path, tmp_path: Path) -> None:
    path = tmp_path / "inputs.pt"
    path.write_bytes(b"not a tensor at all")
    refused(runner.invoke(app, ["predict", str(run), str(path)]), "not a tensor file")


def test_a_tensor_file_for_a_run_on_nntui_s_data_is_refused(tmp_path: Path) -> None:
    """A circle run takes CSV rows: the .pt file is refused naming what it takes."""
    saved = tmp_path / "circle"
    assert runner.invoke(app, ["run", "--preset", "circle", "--epochs", "2", "--save", str(saved)]).exit_code == 0
    result = runner.invoke(app, ["predict", str(saved), str(_inputs(tmp_path, torch.rand(2, 2)))])
    assert_one_line_exit(result, 2, "for a run on your own Dataset", "CSV rows")


def test_a_fifo_named_as_a_tensor_file_is_refused_without_waiting_on_it(run: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "inputs.pt"
    os.mkfifo(fifo)
    refused(runner.invoke(app, ["predict", str(run), str(fifo)]), "inputs.pt")
