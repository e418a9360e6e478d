"""`nntui export` of a run of the user's own nn.Module (model.kind = module): the script imports the
user's file by its path (or, --inline, carries the class's source) and prints nntui's very losses.

As in tests/test_export.py, the scripts run together in one interpreter (tests/script_batch.py);
the CNN's and the importable package's start a process of their own."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.export.script import export_script
from tests.script_batch import ScriptBatch, collected_batch
from tests.test_export import assert_clean_standalone, assert_script_repeats, csv_config, write_tables
from tui.cli.main import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

RUNS = {  # name -> (preset, values on top)
    "mlp-on-circle": ("circle", {"model.module": f"{EXAMPLES}/net.py:MLP", "model.args": {"hidden": 16},
                                 "train.loss": "bce_logits", "train.epochs": 30}),
    "mlp-on-moons-minibatch": ("moons", {"model.module": f"{EXAMPLES}/net.py:MLP", "model.args": {"hidden": 8},
                                         "train.loss": "bce_logits", "data.batch_size": 16, "train.epochs": 10}),
    "simple-nn": ("simple-nn", {"model.module": f"{EXAMPLES}/net.py:SimpleNN"}),
}


def config(name: str) -> RunConfig:
    preset, values = RUNS[name]
    return with_values(preset_config(preset), {"model.kind": "module", **values})


@pytest.fixture(scope="module")
def scripts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScriptBatch]:
    """The scripts of this module's collected tests but the two that start their own, in one interpreter."""
    batch = collected_batch(request.session.items, sys.modules[__name__], tmp_path_factory.mktemp("scripts"),
                            BATCHED, set())
    yield batch
    batch.close()


@pytest.mark.parametrize("name", list(RUNS))
def test_script_importing_the_users_file_repeats_the_run(name: str, tmp_path: Path, scripts: ScriptBatch) -> None:
    assert_script_repeats(config(name), name, tmp_path, ran=scripts.result(name))


def test_inline_script_repeats_the_run_without_the_users_file(tmp_path: Path, scripts: ScriptBatch) -> None:
    """--inline: the class is copied in, so the script runs with examples/net.py out of reach."""
    source = inline_source()
    assert "import_file" not in source and str(EXAMPLES) not in source
    assert "class MLP(nn.Module):" in source
    assert_script_repeats(config("mlp-on-circle"), "mlp-on-circle", tmp_path, source, ran=scripts.result("inline"))


def inline_source() -> str:
    return export_script(config("mlp-on-circle"), inline=True)


def test_importing_script_is_clean_standalone_python(tmp_path: Path) -> None:
    """The importing script passes ruff and imports only torch and the standard library's loaders."""
    source = export_script(config("mlp-on-circle"))
    assert_clean_standalone(source, tmp_path, {"torch", "math", "importlib", "os", "sys"})


def test_importing_ddp_script_is_clean_standalone_python(tmp_path: Path) -> None:
    """--ddp with the user's module: every rank imports the file; ruff passes the script."""
    from engine.export.ddp.script import export_ddp_script

    source = export_ddp_script(config("mlp-on-moons-minibatch"))
    assert "import_file(" in source and "ddp_model = DistributedDataParallel(" in source
    assert_clean_standalone(source, tmp_path, {"torch", "math", "importlib", "os", "sys"})


def test_script_builds_the_model_with_its_args() -> None:
    source = export_script(with_values(config("mlp-on-circle"), {"model.args": {"hidden": 4, "inputs": 2}}))
    assert "model = MLP(hidden=4, inputs=2)" in source


def test_inline_copies_the_files_imports_and_only_the_named_class() -> None:
    source = export_script(config("simple-nn"), inline=True)
    tree = ast.parse(source)
    classes = [node.name for node in tree.body if isinstance(node, ast.ClassDef)]
    assert classes == ["SimpleNN"]
    assert source.count("import torch.nn as nn") == 1


def test_inline_of_a_name_not_defined_by_class_or_def_is_refused(tmp_path: Path) -> None:
    source = "from torch import nn\n\nNet = lambda: nn.Linear(2, 1)  # noqa: E731\n"
    (tmp_path / "net.py").write_text(source, encoding="utf-8")
    with pytest.raises(ConfigError, match="model.module"):
        export_script(with_values(config("mlp-on-circle"), {"model.module": f"{tmp_path}/net.py:Net",
                                                            "model.args": {}}), inline=True)


def test_cli_writes_an_inline_script(tmp_path: Path) -> None:
    out = tmp_path / "train.py"
    result = CliRunner().invoke(app, ["export", "--preset", "simple-nn", "--module", f"{EXAMPLES}/net.py:SimpleNN",
                                      "--inline", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "class SimpleNN(nn.Module):" in out.read_text(encoding="utf-8")


def test_cli_refuses_a_missing_module_file_with_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["export", "--preset", "circle", "--module", f"{tmp_path}/none.py:Net"])
    assert result.exit_code == 2
    assert "--module" in result.output and "no such file" in result.output and "Traceback" not in result.output


TABLE_RUN = "csv-binary-target-in-the-middle"


def table_config() -> RunConfig:
    """examples/net.py's MLP on TABLE_RUN's table."""
    return with_values(csv_config(TABLE_RUN), {"model.kind": "module", "model.module": f"{EXAMPLES}/net.py:MLP",
                                               "model.args": {"inputs": 8, "hidden": 8}})


def test_script_of_the_users_module_on_a_csv_table_repeats_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   scripts: ScriptBatch) -> None:
    """examples/net.py's MLP on a CSV table's encoded features (size, colour one-hot, weight, kind one-hot)."""
    monkeypatch.chdir(tmp_path)  # the engine and the script read the same relative paths (the batch: its copy)
    write_tables(tmp_path)
    assert_script_repeats(table_config(), TABLE_RUN, tmp_path, ran=scripts.result("table"))


def test_a_file_named_like_a_library_is_imported_under_a_name_of_its_own(tmp_path: Path) -> None:
    """A random.py of the user's must not take the place of Python's random in the script's sys.modules."""
    (tmp_path / "random.py").write_text((EXAMPLES / "net.py").read_text(encoding="utf-8"), encoding="utf-8")
    source = export_script(with_values(config("simple-nn"), {"model.module": f"{tmp_path}/random.py:SimpleNN"}))
    assert '"user_random",' in source and '"random",' not in source


TINY_CNN = '''\
import torch
from torch import nn


class TinyCNN(nn.Module):
    def __init__(self, size: int = 28, classes: int = 4):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, kernel_size=3, padding=1)
        self.out = nn.Linear(4 * (size // 2) ** 2, classes)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.conv(x)), 2)
        return self.out(torch.flatten(x, 1))
'''


def test_script_of_the_users_cnn_on_the_shapes_pictures_repeats_the_run(tmp_path: Path) -> None:
    """A user's CNN on the shapes set: the script's DataLoaders serve it nntui's very batches."""
    (tmp_path / "cnn.py").write_text(TINY_CNN, encoding="utf-8")
    shapes = with_values(preset_config("shapes"), {"model.kind": "module", "model.module": f"{tmp_path}/cnn.py:TinyCNN",
                                                   "data.samples": 64, "train.epochs": 2, "train.device": "cpu"})
    assert_script_repeats(shapes, "shapes", tmp_path)


def test_script_of_an_importable_module_imports_it_by_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """model.module = "mynets.small:MLP": the script says `from mynets.small import MLP` and runs beside the package."""
    monkeypatch.chdir(tmp_path)  # nntui imports a package.module from the working folder
    monkeypatch.syspath_prepend(str(tmp_path))  # importlib caches what it found missing elsewhere
    (tmp_path / "mynets").mkdir()
    (tmp_path / "mynets" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "mynets" / "small.py").write_text((EXAMPLES / "net.py").read_text(encoding="utf-8"), encoding="utf-8")
    run = with_values(config("mlp-on-circle"), {"model.module": "mynets.small:MLP"})
    source = export_script(run)
    assert "from mynets.small import MLP" in source and "import_file" not in source
    assert_script_repeats(run, "mlp-on-circle", tmp_path, source)


def _add_table_run(batch: ScriptBatch, _: None) -> None:
    folder = batch.folder_for("table")
    write_tables(folder)
    with pytest.MonkeyPatch.context() as patch:  # the export reads the table, as the script will, from there
        patch.chdir(folder)
        batch.add("table", export_script(table_config(), TABLE_RUN))


# What each test that takes its script from the batch adds to it, given the test's `name` (or None).
BATCHED = {
    "test_script_importing_the_users_file_repeats_the_run": lambda batch, name: batch.add(
        name, export_script(config(name), name)),
    "test_inline_script_repeats_the_run_without_the_users_file": lambda batch, _: batch.add("inline", inline_source()),
    "test_script_of_the_users_module_on_a_csv_table_repeats_the_run": _add_table_run,
}
