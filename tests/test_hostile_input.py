"""Malformed and hostile input at every door of the CLI: options, TOML files, CSV files, checkpoints
and paths. Each is either taken or refused with exit code 2 and one line that names the field or
file, never a traceback, and no file the user made is replaced without being asked."""

from __future__ import annotations

import os
import pickle
import random
import sys
import tomllib
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from engine.config.fields import FIELDS
from tests.helpers import assert_one_line_exit
from tui.cli.main import app

runner = CliRunner()


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args])


def assert_refused(result, *words: str) -> None:
    assert_one_line_exit(result, 2, *words)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- CLI options ----------------------------------------------------------------------------------

BAD_OPTIONS = [
    ("--epochs", "0"), ("--epochs", "-5"), ("--epochs", "1e99"), ("--epochs", "abc"), ("--epochs", "2.5"),
    ("--epochs", "99999999999999999999999999"), ("--lr", "nan"), ("--lr", "-inf"), ("--lr", "0"),
    ("--lr", "1e400"), ("--lr", "0x1p3"), ("--hidden", "0"), ("--hidden", "-3"), ("--hidden", "a,b"),
    ("--hidden", "9999999999999999999999"), ("--batch-size", "-1"), ("--samples", "0"),
    ("--samples", "1e12"), ("--test-fraction", "1.5"), ("--test-fraction", "nan"), ("--seed", "-1"),
    ("--momentum", "2"), ("--clip-grad", "-1"), ("--noise", "inf"), ("--outputs", "1001"),
    ("--log-interval", "0"), ("--classes", "1"),
]


@pytest.mark.parametrize(("option", "value"), BAD_OPTIONS)
def test_an_out_of_range_or_malformed_option_is_refused_naming_it(option: str, value: str) -> None:
    assert_refused(invoke("run", "--preset", "linreg", f"{option}={value}"), option)


@pytest.mark.parametrize(("option", "value", "allowed"), [
    ("--optimizer", "sgdd", "adam"), ("--loss", "mse2", "cross_entropy"), ("--device", "tpu", "cuda"),
    ("--activation", "", "relu"), ("--dataset", "cifar", "mnist"),
])
def test_an_unknown_choice_is_refused_with_the_allowed_values(option: str, value: str, allowed: str) -> None:
    assert_refused(invoke("run", "--preset", "circle", f"{option}={value}"), option, allowed)


def test_an_unknown_option_is_a_usage_error_without_a_traceback() -> None:
    """Typer's own usage message (several lines, with the usage and a hint) answers unknown options."""
    result = invoke("run", "--learning-rate", "0.1")
    assert result.exit_code == 2 and "No such option: --learning-rate" in result.output
    assert "Traceback" not in result.output


TEXT_FIELDS = [spec for spec in FIELDS if spec.kind is not bool]
ODD_TEXT = st.sampled_from(["nan", "-nan", "inf", "-inf", "1e309", "-0", "0x10", "1_000", " 3 ", "", "１２",
                            "9" * 40, "1,2,3", "[1, 2]", "'", '"', "\\", "\x00", "relu;rm -rf /", "None"])
NUMBERS = st.one_of(st.integers().map(str), st.floats(allow_nan=True, allow_infinity=True).map(repr))


@settings(max_examples=150, deadline=None)
@given(spec=st.sampled_from(TEXT_FIELDS), text=st.one_of(ODD_TEXT, NUMBERS, st.text(max_size=10)))
def test_any_option_text_is_taken_into_a_loadable_config_or_refused_in_one_line(spec, text: str) -> None:
    """Whatever text an option gets, `nntui config` prints a configuration that reads back as TOML,
    or refuses it in one line naming the option (or the data source the option made necessary)."""
    result = invoke("config", "--preset", "circle", f"{spec.flag}={text}")
    assert "Traceback" not in result.output, result.output
    if result.exit_code == 0:
        tomllib.loads(result.stdout)
    else:
        assert_refused(result)


# --- TOML files -----------------------------------------------------------------------------------

TOML_FILES = {
    "syntax": (b"[train\n", "not valid TOML"),
    "binary": (bytes(range(256)) * 4, "not a UTF-8 text file"),
    "unknown-key": (b"[train]\nbogus = 1\n", "train.bogus: unknown key"),
    "unknown-section": (b"[other]\nx = 1\n", "other: unknown key"),
    "wrong-type": (b'[train]\nlr = "fast"\n', "train.lr"),
    "out-of-range": (b"[train]\nepochs = 0\n", "train.epochs"),
    "nan": (b"[train]\nlr = nan\n", "train.lr"),
    "list-of-strings": (b'[model]\nhidden = [1, "a"]\n', "model.hidden"),
    "section-not-table": (b"train = 5\n", "train: must be a table"),
    "float-for-int": (b"[data]\nbatch_size = 1.5\n", "data.batch_size"),
    "huge-int": (b"[data]\nseed = 99999999999999999999999999\n", "data.seed"),
}


@pytest.mark.parametrize("name", TOML_FILES)
def test_a_bad_config_file_is_refused_naming_file_and_key(name: str, tmp_path: Path) -> None:
    content, words = TOML_FILES[name]
    path = tmp_path / f"{name}.toml"
    path.write_bytes(content)
    assert_refused(invoke("run", "--config", path), path.name, words)


@pytest.mark.parametrize(("make", "words"), [
    (lambda tmp: tmp / "absent.toml", "no such file"),
    (lambda tmp: tmp, "is a directory"),
])
def test_a_config_path_that_is_not_a_file_is_refused(make, words: str, tmp_path: Path) -> None:
    assert_refused(invoke("run", "--config", make(tmp_path)), words)


# --- CSV files ------------------------------------------------------------------------------------

CSV_FILES = {
    "empty": (b"", "empty file"),
    "blank-lines": (b"\n\n  \n", "empty file"),
    "header-only": (b"a,b,y\n", "no data rows"),
    "binary": (bytes(range(128, 256)) * 8, "not a UTF-8 text file"),
    "ragged": (b"a,b,y\n1,2,0\n3,4\n", "line 3: 2 cells"),
    "duplicate-column": (b"a,a,y\n1,2,0\n3,4,1\n", "'a' appears twice"),
    "giant-field": (b"a,b,y\n1," + b"9" * 200_000 + b",0\n", "not readable as CSV"),
    "one-class": (b"a,b,y\n1,2,x\n3,4,x\n", "one value"),
    "infinite-feature": (b"a,b,y\n1e999,2,0\n3,4,1\n5,6,0\n", "line 2, column 'a': '1e999' is not a finite"),
    "infinite-target": (b"a,b,y\n1,2,0.5\n3,4,-inf\n" + b"".join(b"%d,1,%d.5\n" % (i, i) for i in range(30)),
                        "line 3, column 'y': '-inf' is not a finite"),
    "id-column": (b"name,b,y\n" + b"".join(b"n%d,%d,%d\n" % (i, i, i % 2) for i in range(200)), "'name'"),
}


@pytest.mark.parametrize("name", CSV_FILES)
def test_a_bad_csv_file_is_refused_naming_file_and_place(name: str, tmp_path: Path) -> None:
    content, words = CSV_FILES[name]
    path = tmp_path / f"{name}.csv"
    path.write_bytes(content)
    assert_refused(invoke("run", "--data", path, "--target", "y", "--epochs", "1"), path.name, words)


def test_missing_values_under_the_error_policy_name_the_first_line(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,y\n1,2,0\n3,NA,1\n5,6,0\n")
    assert_refused(invoke("run", "--data", path, "--target", "y", "--missing", "error"), "line 3", "'b'")


def test_a_hundred_thousand_column_header_is_answered_promptly(tmp_path: Path) -> None:
    """A header this wide once took over a minute (a quadratic duplicate check); now it is read
    and refused (its only row gives the target one class) in seconds."""
    path = tmp_path / "wide.csv"
    columns = [f"c{i}" for i in range(100_000)]
    path.write_text(",".join(columns) + "\n" + ",".join("1" for _ in columns) + "\n")
    assert_refused(invoke("run", "--data", path, "--target", "c0"), "wide.csv", "c0")


def test_files_with_different_headers_name_the_first_difference(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text("x,y\n1,0\n2,1\n")
    second.write_text("x,z\n1,0\n2,1\n")
    assert_refused(invoke("run", "--data", first, "--data", second, "--target", "y"), "b.csv", "column 2 is 'z'")


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "pipe.csv")
    return folder / "pipe.csv"


@pytest.mark.parametrize(("make", "words"), [
    (lambda tmp: tmp / "absent.csv", "no such file"),
    (lambda tmp: tmp, "is a directory"),
    (_fifo, "not a regular file"),  # reading it would wait forever
])
def test_a_data_path_that_is_not_a_file_is_refused(make, words: str, tmp_path: Path) -> None:
    assert_refused(invoke("run", "--data", make(tmp_path), "--target", "y"), words)


def test_too_few_outputs_for_the_classes_in_a_file_name_the_field(tmp_path: Path) -> None:
    """The classes of a CSV target are known only once the file is read, in the engine thread;
    a model too narrow for them is still the user's setting, answered with exit 2."""
    path = tmp_path / "three.csv"
    path.write_text("a,y\n" + "".join(f"{i},{'xyz'[i % 3]}\n" for i in range(12)))
    result = invoke("run", "--data", path, "--target", "y", "--loss", "cross_entropy", "--outputs", "2")
    assert_refused(result, "model.outputs", "3 classes")


# --- checkpoints ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def saved_run(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("runs") / "circle"
    assert invoke("run", "--preset", "circle", "--epochs", "2", "--save", folder).exit_code == 0
    return folder


class _Payload:
    """A pickle that would create a file when loaded without weights_only."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def copy_of(run: Path, tmp_path: Path) -> Path:
    """A copy of a saved run's folder, to spoil without touching the fixture's."""
    folder = tmp_path / "run"
    folder.mkdir()
    for part in run.iterdir():
        (folder / part.name).write_bytes(part.read_bytes())
    return folder


def _foreign(path: Path) -> None:
    torch.save({"state": [1, 2, 3]}, path)


def _malicious(path: Path) -> None:
    path.write_bytes(pickle.dumps(_Payload(path.parent / "pwned")))


CHECKPOINTS = {
    "empty": (lambda path: path.write_bytes(b""), "not a readable checkpoint"),
    "truncated": (lambda path: path.write_bytes(path.read_bytes()[:200]), "not a readable checkpoint"),
    "random": (lambda path: path.write_bytes(random.Random(7).randbytes(4096)), "not a readable checkpoint"),
    "foreign": (_foreign, "not an nntui checkpoint"),
    "malicious-pickle": (_malicious, "not a readable checkpoint"),
    "directory": (lambda path: (path.unlink(), path.mkdir()), "no checkpoint here"),
}


@pytest.mark.parametrize("name", CHECKPOINTS)
def test_a_bad_checkpoint_is_refused_and_the_run_folder_kept(name: str, saved_run: Path, tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    spoil, words = CHECKPOINTS[name]
    spoil(folder / "checkpoint.pt")
    before = {p.name for p in folder.iterdir()}
    assert_refused(invoke("run", "--resume", folder), "checkpoint.pt", words)
    assert {p.name for p in folder.iterdir()} == before  # nothing written, nothing executed


@pytest.mark.parametrize(("file", "content", "words"), [
    ("metrics.csv", b"\xff\xfe\x00garbage", "metrics.csv: not a UTF-8 text file"),
    ("metrics.csv", b"epoch,train_loss,test_loss,test_accuracy,lr\n1,abc,,,0.1\n", "metrics.csv: line 2"),
    ("config.toml", b"[train]\nlr = -1\n", "config.toml"),
])
def test_a_damaged_run_file_is_refused_naming_it(file: str, content: bytes, words: str, saved_run: Path,
                                                 tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    (folder / file).write_bytes(content)
    assert_refused(invoke("run", "--resume", folder), words)


# --- paths and overwriting ------------------------------------------------------------------------


def test_save_into_an_existing_run_is_refused_and_changes_nothing(saved_run: Path) -> None:
    before = snapshot(saved_run)
    assert_refused(invoke("run", "--preset", "linreg", "--epochs", "1", "--save", saved_run), "--overwrite")
    assert snapshot(saved_run) == before


def test_save_below_a_file_is_refused_before_training(tmp_path: Path) -> None:
    blocker = tmp_path / "plain-file"
    blocker.write_text("mine")
    result = invoke("run", "--preset", "linreg", "--save", blocker / "run")
    assert_refused(result, "--save", "not a directory")
    assert "Epoch" not in result.stdout and blocker.read_text() == "mine"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux only")
def test_save_where_nothing_can_be_written_is_refused_before_training() -> None:
    """Even for root, whom permission bits do not stop: the folder is probed with a real file."""
    result = invoke("run", "--preset", "linreg", "--save", "/proc/nntui-run")
    assert_refused(result, "--save", "not writable")
    assert "Epoch" not in result.stdout


def test_export_does_not_replace_a_file_without_overwrite(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text("# my own script\n")
    assert_refused(invoke("export", "--preset", "circle", "--output", script), "--overwrite")
    assert script.read_text() == "# my own script\n"


@pytest.mark.parametrize("args", [
    ("predict", "{tmp}/no-run", "x.csv"),
    ("run", "--resume", "{tmp}/no-run"),
    ("run", "--images", "{tmp}/no-images", "--epochs", "1"),
])
def test_a_folder_that_does_not_exist_is_refused(args: tuple[str, ...], tmp_path: Path) -> None:
    assert_refused(invoke(*(a.format(tmp=tmp_path) for a in args)), "no-")


def test_predict_refuses_a_damaged_model_file(saved_run: Path, tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    (folder / "model.pt").write_bytes(random.Random(3).randbytes(512))
    data = tmp_path / "points.csv"
    data.write_text("x1,x2\n0.1,0.2\n")
    assert_refused(invoke("predict", folder, data), "model.pt: not a readable model state dict")


def test_predict_refuses_an_input_file_that_is_not_an_image(saved_run: Path, tmp_path: Path) -> None:
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"not a png at all")
    result = invoke("predict", saved_run, fake)
    assert "Traceback" not in result.output and result.exit_code == 2, result.output


# --- paths that are not regular files, and files too large or too deep ------------------------------


def test_a_fifo_as_config_is_refused_without_waiting(tmp_path: Path) -> None:
    """Reading a FIFO would block until a writer came (12 minutes in the fault campaign)."""
    os.mkfifo(tmp_path / "run.toml")
    assert_refused(invoke("run", "--config", tmp_path / "run.toml"), "run.toml", "not a regular file")


def test_a_device_as_config_is_refused_without_reading_it() -> None:
    """/dev/zero never ends: reading it whole grew a process to 3 GB."""
    assert_refused(invoke("run", "--config", "/dev/zero"), "/dev/zero", "not a regular file")


def test_an_oversized_config_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_bytes(b"# padding\n" * 200_000)
    assert_refused(invoke("run", "--config", path), "big.toml", "more than the 1 MiB")


@pytest.mark.parametrize("content", [b"a = " + b"[" * 5000 + b"]" * 5000,
                                     b"[model]\nhidden = " + b"[" * 900 + b"1" + b"]" * 900])
def test_a_config_nested_too_deeply_is_refused(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_bytes(content)
    result = invoke("run", "--config", path)
    assert_refused(result, "deep.toml")
    assert len(result.stderr) < 400  # the value is quoted cut short, not a thousand brackets


LONG_INTEGER = "9" * 5000  # past Python's 4,300-digit limit on converting text to int


def test_a_config_holding_a_too_long_integer_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(f"[train]\nepochs = {LONG_INTEGER}\n")
    assert_refused(invoke("run", "--config", path, "--no-save"), "long.toml", "more than 4300 digits")


def test_a_sweep_file_holding_a_too_long_integer_is_refused_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "long.toml"
    path.write_text(f'[sweep]\nbase = "moons"\ntrials = {LONG_INTEGER}\n')
    assert_refused(invoke("sweep", path, "--runs-dir", tmp_path / "runs"), "long.toml", "more than 4300 digits")


def test_a_run_s_config_holding_a_too_long_integer_is_refused_by_its_readers(saved_run: Path, tmp_path: Path) -> None:
    """compare and --resume read config.toml: each answers in one line naming it."""
    folder = copy_of(saved_run, tmp_path)
    (folder / "config.toml").write_text(f"[train]\nepochs = {LONG_INTEGER}\n")
    for args in (("compare", folder, saved_run), ("run", "--resume", folder)):
        assert_refused(invoke(*args), "config.toml", "more than 4300 digits")


def test_a_preprocess_file_holding_a_too_long_integer_is_refused(saved_run: Path, tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    (folder / "preprocess.json").write_text(f'{{"table": {LONG_INTEGER}}}')
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.1,0.2\n")
    assert_refused(invoke("predict", folder, rows), "preprocess.json", "more than 4300 digits")


@pytest.mark.parametrize("name", ["config.toml", "checkpoint.pt", "metrics.csv"])
def test_a_fifo_in_a_run_folder_is_refused_without_waiting(name: str, saved_run: Path, tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    (folder / name).unlink()
    os.mkfifo(folder / name)
    assert_refused(invoke("run", "--resume", folder, "--epochs", "5"), name)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


@pytest.mark.parametrize(("name", "spoil"), [("events.jsonl", _fifo), ("view.json", _folder), ("model.pt", _folder)])
def test_a_run_file_that_is_not_a_regular_file_refuses_the_resume_before_training(name: str, spoil, saved_run: Path,
                                                                                  tmp_path: Path) -> None:
    """A FIFO the writer would append to (it hung the run at its end) or a folder it would replace
    (the run trained, then failed to save) is refused up front, naming it; the folder stays as it was."""
    folder = copy_of(saved_run, tmp_path)
    spoil(folder / name)
    before = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert_refused(invoke("run", "--resume", folder, "--epochs", "5"), name, "not a regular file")
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == before


def test_overwriting_a_run_whose_file_is_a_folder_is_refused_before_training(saved_run: Path, tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    _folder(folder / "view.json")
    assert_refused(invoke("run", "--save", folder, "--overwrite", "--epochs", "2"), "view.json", "not a regular file")
    assert (folder / "checkpoint.pt").read_bytes() == (saved_run / "checkpoint.pt").read_bytes()


def test_a_fifo_put_where_the_writer_appends_fails_at_once_rather_than_waiting(tmp_path: Path) -> None:
    """Had it appeared after the check, opening it raises at once instead of waiting for a reader."""
    from engine.files.appending import open_append

    os.mkfifo(tmp_path / "events.jsonl")
    with pytest.raises(OSError):
        open_append(tmp_path / "events.jsonl")


def test_a_fifo_given_to_predict_is_refused_without_waiting(saved_run: Path, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "rows.csv")
    assert_refused(invoke("predict", saved_run, tmp_path / "rows.csv"), "rows.csv", "not a regular file")


def test_a_fifo_among_the_pictures_is_refused_naming_it(tmp_path: Path) -> None:
    from PIL import Image

    for label in ("cat", "dog"):
        (tmp_path / label).mkdir()
        for index in range(4):
            Image.new("L", (8, 8), index * 40).save(tmp_path / label / f"{index}.png")
    os.mkfifo(tmp_path / "dog" / "pipe.png")
    result = invoke("run", "--images", tmp_path, "--epochs", "1", "--batch-size", "4", "--test-fraction", "0")
    assert_refused(result, "pipe.png", "not a regular file")


def test_a_decompression_bomb_is_refused_in_one_line(saved_run: Path, tmp_path: Path) -> None:
    """A small file that would decode to billions of pixels: Pillow's guard, answered in one line."""
    from PIL import Image

    shapes = tmp_path / "shapes"
    assert invoke("run", "--preset", "shapes", "--samples", "40", "--epochs", "1", "--save", shapes).exit_code == 0
    bomb = tmp_path / "bomb.png"
    Image.new("1", (20_000, 20_000)).save(bomb)
    assert_refused(invoke("predict", shapes, bomb), "bomb.png", "decompression bomb")


def _spoil_checkpoint(folder: Path, field: str, value) -> None:
    state = torch.load(folder / "checkpoint.pt", weights_only=True)
    if field == "model":
        state["model"] = {name: torch.full_like(t, float("nan")) for name, t in state["model"].items()}
    else:
        state[field] = value
    torch.save(state, folder / "checkpoint.pt")


CHECKPOINT_FIELDS = {
    "epoch-negative": ("epoch", -1, "epoch: must be a whole number >= 0"),
    "epoch-past-the-config": ("epoch", 10_000, "epoch: 10000 is past the 2 epochs"),
    "epoch-text": ("epoch", "7", "epoch: must be a whole number"),
    "lr-nan": ("lr", float("nan"), "lr: must be a finite number"),
    "rng-short": ("torch_rng", torch.zeros(10, dtype=torch.uint8), "torch_rng: must be a random generator's state"),
    "shuffle-rng-type": ("shuffle_rng", [1, 2], "shuffle_rng: must be a random generator's state"),
    "optimizer-not-a-state": ("optimizer", {"param_groups": 3}, "optimizer: must be an optimizer's state dict"),
    "non-finite-weights": ("model", None, "model.0.weight: holds non-finite values"),
}


@pytest.mark.parametrize("name", CHECKPOINT_FIELDS)
def test_a_checkpoint_field_out_of_range_is_refused_naming_it(name: str, saved_run: Path, tmp_path: Path) -> None:
    """Each field is checked before use (a wrong-sized RNG state used to raise inside torch), and
    the folder is left as it was."""
    folder = copy_of(saved_run, tmp_path)
    field, value, words = CHECKPOINT_FIELDS[name]
    _spoil_checkpoint(folder, field, value)
    before = snapshot(folder)
    assert_refused(invoke("run", "--resume", folder, "--epochs", "5"), "checkpoint.pt", words)
    assert snapshot(folder) == before


PREPROCESS_FIELDS = {
    "zero-std": (lambda p: p["table"]["columns"][0].update(std=0), "table.columns[0].std: must be greater than 0"),
    "unknown-kind": (lambda p: p["table"]["columns"][0].update(kind="date"), "table.columns[0].kind: must be one of"),
    "task-number": (lambda p: p["table"].update(task=3), "table.task: must be one of"),
    "no-table": (lambda p: p.update(table=None), "describes neither a table nor an image set"),
    "both": (lambda p: p.update(image={"mode": "L", "size": [4, 4]}), "either a table or an image set, not both"),
}


@pytest.mark.parametrize("name", PREPROCESS_FIELDS)
def test_a_preprocess_field_out_of_range_is_refused_naming_it(name: str, saved_run: Path, tmp_path: Path) -> None:
    import json

    folder = copy_of(saved_run, tmp_path)
    raw = json.loads((folder / "preprocess.json").read_text())
    spoil, words = PREPROCESS_FIELDS[name]
    spoil(raw)
    (folder / "preprocess.json").write_text(json.dumps(raw))
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.1,0.2\n")
    assert_refused(invoke("predict", folder, rows), "preprocess.json", words)


def test_a_lock_file_nested_too_deeply_reads_as_no_writer(saved_run: Path, tmp_path: Path) -> None:
    """A damaged lock file (3,000 nested brackets) does not crash `nntui runs`: the run is listed."""
    folder = copy_of(saved_run, tmp_path)
    (folder / "lock").write_text("[" * 3000)
    result = invoke("runs", folder.parent)
    assert result.exit_code == 0 and folder.name in result.stdout


def test_a_preprocess_file_nested_too_deeply_is_refused(saved_run: Path, tmp_path: Path) -> None:
    folder = copy_of(saved_run, tmp_path)
    (folder / "preprocess.json").write_text("[" * 100_000 + "]" * 100_000)
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2\n0.1,0.2\n")
    assert_refused(invoke("predict", folder, rows), "preprocess.json", "nested too deeply")
