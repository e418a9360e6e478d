"""A user Dataset over the memory bound streams through DataLoaders (a tiny bound patched in, so
the sets stay tiny): the run says why, counts its items, trains the materialised path's weights
when nothing is shuffled, shuffles by the seed and the epoch (workers or not), evaluates in
batches, and an error in the user's __getitem__ mid-epoch ends the run on one line with the
user's frames."""

from __future__ import annotations

import re
import signal
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
import torch

from engine.code.frames import UserCodeError
from engine.config.build import with_values
from engine.config.presets import preset_config
from engine.config.problems import ConfigError
from engine.data import user_set
from engine.errors import DataError
from engine.loop.events import RunFailed, RunStarted
from engine.loop.lr_find import find_lr
from engine.loop.state import restore_state
from engine.loop.trainer import Trainer
from engine.loop.user_batches import epoch_seed
from engine.runs.folder import load_run
from tests.helpers import start_until, train
from tests.own_code.files import DATA, NET, write

# Raises from the 70th read of an item on, counted in a file so that worker processes count too:
# the scan reads 48 + 1 items, the first batch (the dry run's) 16, and epoch 1 then fails midway.
FLAKY = """
from pathlib import Path

import torch
from torch.utils.data import Dataset


class Flaky(Dataset):
    def __init__(self, reads: str, size: int = 48):
        self.reads, self.size = Path(reads), size

    def __len__(self):
        return self.size

    def __getitem__(self, i):
        with self.reads.open("a") as counted:
            counted.write("r")
        if len(self.reads.read_text()) >= 70:
            raise OSError("the disk went away")
        return torch.tensor([i / 48, 1 - i / 48]), float(i % 2)
"""


@pytest.fixture
def tiny_bound(monkeypatch):
    """Every user set is over the memory bound (32 bytes)."""
    monkeypatch.setattr(user_set, "memory_bound", lambda: 32)


def _config(folder: Path, **values):
    write(folder, "data.py", DATA)
    return with_values(preset_config("circle"), {
        "data.dataset": "module", "data.module": f"{folder}/data.py:Points", "data.args": {"size": 120},
        "data.batch_size": 16, "train.loss": "bce_logits", "model.output_activation": "none", "train.epochs": 4,
        **values})


def _weights(trainer: Trainer) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in trainer.model.state_dict().items()}


def _same(a: dict[str, torch.Tensor], b: dict[str, torch.Tensor]) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_a_set_over_the_bound_streams_and_the_start_record_says_why(tmp_path: Path, tiny_bound) -> None:
    """The start record's warning names the items, the bound and the size; the counts are the set's."""
    events = train(_config(tmp_path))
    started = events.of(RunStarted)[0]
    assert any(w.startswith("streaming 120 items through a DataLoader: over the memory bound of 32 bytes")
               for w in started.warnings), started.warnings
    assert (started.train_samples, started.test_samples) == (96, 24)
    assert events.end.status == "completed" and events.end.test_accuracy is not None


def test_a_set_within_the_bound_is_materialised(tmp_path: Path) -> None:
    """Without the tiny bound the same set is tensors, with no streaming warning."""
    trainer = Trainer(_config(tmp_path))
    assert trainer.stream is None and trainer.X is not None


def test_unshuffled_streaming_trains_the_materialised_weights_bit_for_bit(tmp_path: Path, monkeypatch) -> None:
    """Same split, same batches in the same order: the streamed run ends on the in-memory run's weights."""
    config = _config(tmp_path, **{"data.shuffle": False})
    materialised = Trainer(config)
    monkeypatch.setattr(user_set, "memory_bound", lambda: 32)
    streamed = Trainer(config)
    assert streamed.stream is not None
    for _ in range(3):
        materialised.train_epoch()
        streamed.train_epoch()
    assert _same(_weights(materialised), _weights(streamed))
    (loss_a, acc_a), (loss_b, acc_b) = materialised.evaluate(), streamed.evaluate()
    assert acc_a == acc_b and loss_a == pytest.approx(loss_b, rel=1e-5)


def test_an_epochs_order_follows_the_seed_and_the_epoch_alone(tmp_path: Path, tiny_bound) -> None:
    """Epoch 3's batches are the same from a fresh trainer as after two epochs; epochs 1 and 2 differ."""
    trainer = Trainer(_config(tmp_path))
    first = [x for x, _ in trainer.stream.train_batches(1)]
    assert not torch.equal(first[0], next(iter(trainer.stream.train_batches(2)))[0])
    trainer.train_epoch()
    trainer.train_epoch()
    again = Trainer(_config(tmp_path))
    assert all(torch.equal(a, b) for (a, _), (b, _) in zip(trainer.stream.train_batches(3),
                                                           again.stream.train_batches(3)))
    assert epoch_seed(0, 1) != epoch_seed(1, 0) and epoch_seed(7, 3) == epoch_seed(7, 3)


def test_two_workers_train_the_weights_of_none(tmp_path: Path, tiny_bound) -> None:
    """num_workers = 2 reads the same shuffled batches as the main process alone: the same weights."""
    alone, workers = Trainer(_config(tmp_path)), Trainer(_config(tmp_path, **{"data.num_workers": 2}))
    for _ in range(2):
        alone.train_epoch()
        workers.train_epoch()
    assert _same(_weights(alone), _weights(workers))


@pytest.mark.parametrize("workers", [0, 2])
def test_an_error_in_getitem_mid_epoch_ends_the_run_on_one_line_with_the_users_frames(tmp_path: Path, tiny_bound,
                                                                                      workers: int) -> None:
    """From the main process or a worker: the run fails in epoch 1 naming the item, the error and
    the user's own line, on one line; the dialog's report lists the frame."""
    write(tmp_path, "flaky.py", FLAKY)
    config = with_values(_config(tmp_path), {"data.module": f"{tmp_path}/flaky.py:Flaky", "data.shuffle": False,
                                             "data.args": {"reads": str(tmp_path / "reads")},
                                             "data.num_workers": workers})
    end = train(config).end
    assert isinstance(end, RunFailed) and end.epoch == 0
    assert "\n" not in end.error
    assert re.fullmatch(r"data\.module: \S*flaky\.py:Flaky\[\d+\] raised: OSError: the disk went away "
                        r"\(at \S*flaky\.py:\d+ in __getitem__: raise OSError\(.*\)\)", end.error), end.error
    assert "raise OSError" in end.report


BAD_DATA = {  # a user file, and the line that refuses it
    "ragged-item": ("import torch\n\nclass Bad(torch.utils.data.Dataset):\n    def __len__(self):\n        return 40\n\n"
                    "    def __getitem__(self, i):\n        return torch.zeros(3 if i == 30 else 2), 1.0\n",
                    r"Bad\[30\]'s x has shape \(3,\), item 0's \(2,\)"),
    "test-targets": ("import torch\nfrom torch.utils.data import TensorDataset\n\ndef Bad():\n"
                     "    return (TensorDataset(torch.zeros(40, 2), torch.zeros(40)),\n"
                     "            TensorDataset(torch.zeros(10, 2), torch.zeros(10, 3)))\n",
                     r"the test set's y has shape \(3,\), the training set's \(\)"),
}


@pytest.mark.parametrize("streamed", [True, False])
@pytest.mark.parametrize("case", BAD_DATA)
def test_bad_data_is_refused_before_training_streamed_or_not(tmp_path: Path, monkeypatch, case: str,
                                                             streamed: bool) -> None:
    """An item of another shape, or a test set whose targets differ: one line, before any epoch."""
    if streamed:
        monkeypatch.setattr(user_set, "memory_bound", lambda: 32)
    source, message = BAD_DATA[case]
    write(tmp_path, "bad.py", source)
    with pytest.raises(DataError, match=message):
        Trainer(with_values(_config(tmp_path), {"data.module": f"{tmp_path}/bad.py:Bad", "data.args": {}}))


def test_the_dry_run_tries_the_first_streamed_batch(tmp_path: Path, tiny_bound) -> None:
    """A user module of the wrong width is refused on the first batch, naming both sides."""
    write(tmp_path, "net.py", NET)
    config = _config(tmp_path, **{"model.kind": "module", "model.module": f"{tmp_path}/net.py:Net",
                                  "model.args": {"inputs": 3}})
    with pytest.raises(ConfigError, match=r"net\.py:Net takes 3 input features, the data gives 2"):
        Trainer(config)


def test_a_full_batch_of_a_streamed_set_is_refused(tmp_path: Path, tiny_bound) -> None:
    """batch_size 0 would put the whole set in memory: one line naming data.batch_size."""
    with pytest.raises(ConfigError, match=r"data\.batch_size: 0 .* over the memory bound of 32 bytes"):
        Trainer(_config(tmp_path, **{"data.batch_size": 0}))


def test_regression_is_scored_in_the_evaluation_pass(tmp_path: Path, tiny_bound) -> None:
    """A streamed regression set reports fit scores and (target, prediction) pairs."""
    events = train(_config(tmp_path, **{"data.args": {"size": 120, "classes": False}, "train.loss": "mse"}))
    assert events.end.status == "completed" and events.end.scores is not None
    assert events.end.scores.rmse > 0


def test_the_lr_finder_and_health_run_on_a_streamed_set(tmp_path: Path, tiny_bound) -> None:
    """lr-find sweeps over the streamed batches and leaves the weights; health measures the first batch."""
    from engine.loop.health import model_health

    trainer = Trainer(_config(tmp_path))
    before = _weights(trainer)
    finding = find_lr(trainer, batches=20)
    assert len(finding.lrs) > 5 and _same(before, _weights(trainer))
    health = model_health(trainer)
    assert health is not None and health.rows == 16 and len(health.layers) == 2


def test_early_stopping_and_the_best_weights_watch_the_streamed_test_loss(tmp_path: Path, tiny_bound) -> None:
    """The best epoch is tracked from the batched evaluation, and restored at the end."""
    end = train(_config(tmp_path, **{"train.epochs": 6, "train.keep_best": True, "train.restore_best": True,
                                     "train.early_stop": 2})).end
    assert end.status in ("completed", "early-stopped") and end.best_epoch is not None


def test_a_user_error_is_a_user_code_error(tmp_path: Path, tiny_bound) -> None:
    """Straight from the trainer, the failure is a UserCodeError naming data.module."""
    write(tmp_path, "flaky.py", FLAKY)
    config = with_values(_config(tmp_path), {"data.module": f"{tmp_path}/flaky.py:Flaky", "data.shuffle": False,
                                             "data.args": {"reads": str(tmp_path / "reads")}})
    trainer = Trainer(config)
    with pytest.raises(UserCodeError) as raised:
        trainer.train_epoch()
    assert raised.value.problems[0].path == "data.module" and raised.value.frames


PICTURES = """
import torch
from torch.utils.data import Dataset


class Squares(Dataset):
    def __len__(self):
        return 60

    def __getitem__(self, i):
        x = torch.zeros(1, 8, 8)
        if i % 2:
            x[0, 2:6, 2:6] = 1.0
        return x, i % 2
"""


@pytest.mark.parametrize("streamed", [True, False])
def test_a_dataset_of_pictures_has_the_images_views_report(tmp_path: Path, monkeypatch, streamed: bool) -> None:
    """Pictures (1, 8, 8), streamed or not: the confusion matrix and the first test pictures with guesses."""
    from engine.loop.views import image_report

    if streamed:
        monkeypatch.setattr(user_set, "memory_bound", lambda: 32)
    write(tmp_path, "pictures.py", PICTURES)
    trainer = Trainer(with_values(_config(tmp_path), {"data.module": f"{tmp_path}/pictures.py:Squares",
                                                      "data.args": {}, "train.loss": "cross_entropy"}))
    assert (trainer.stream is not None) == streamed
    trainer.train_epoch()
    trainer.evaluate()
    report = image_report(trainer)
    assert report is not None and sum(map(sum, report.confusion)) == trainer.test_samples == 12
    assert len(report.pixels) == 8 and len(report.pixels[0]) == 8 and len(report.predicted) == 8
    assert set(report.truth) <= {0, 1} and max(max(max(row) for row in picture) for picture in report.pixels) == 1.0



def test_torchrun_refuses_a_streamed_set_in_one_line(tmp_path: Path, tiny_bound) -> None:
    """--nproc-per-node shares out tensors: a rank on a streamed set is refused naming data.module."""
    import threading

    import torch.distributed as dist

    from engine.loop.sharded_epochs import ShardedEpochs

    trainer = Trainer(_config(tmp_path))
    dist.init_process_group("gloo", init_method=f"file://{tmp_path / 'store'}", rank=0, world_size=1)
    try:
        with pytest.raises(ConfigError, match=r"^data\.module: --nproc-per-node .* streams: use nntui export --ddp"):
            ShardedEpochs(trainer, threading.Event(), lambda: None)
    finally:
        dist.destroy_process_group()


# -- Ctrl+C mid-epoch, in a real process --------------------------------------------------------

# Slow enough (3 ms an item) that an epoch outlasts ROLLBACK_AFTER_S: a stop inside it rolls it back.
SLOW = """
import time

import torch
from torch.utils.data import Dataset


class Slow(Dataset):
    def __len__(self):
        return 150

    def __getitem__(self, i):
        time.sleep(0.003)
        x = torch.tensor([(i * 37 % 150) / 75 - 1, (i * 91 % 150) / 75 - 1])
        return x, float(x.norm() < 0.7)
"""
# `nntui` with every user set over the memory bound (a 32-byte bound patched in before the CLI starts).
NNTUI_TINY_BOUND = [sys.executable, "-c", "from engine.data import user_set; user_set.memory_bound = lambda: 32; "
                                          "from tui.cli.main import entry; entry()"]


def _run_args(folder: Path, data: Path, epochs: int) -> list[str]:
    return ["run", "-p", "circle", "--data-module", f"{data}:Slow", "--loss", "bce_logits", "--output-activation",
            "none", "--batch-size", "10", "--epochs", str(epochs), "--save", str(folder)]


@pytest.mark.slow
def test_ctrl_c_mid_epoch_resumes_to_the_uninterrupted_weights(tmp_path: Path) -> None:
    """SIGINT while a streamed epoch is half read: the run exits 130 with its checkpoint at the last
    epoch boundary, which resumes to exactly the weights of the same run uninterrupted."""
    data = write(tmp_path, "slow.py", SLOW)
    folder = tmp_path / "run"
    process = start_until([*NNTUI_TINY_BOUND, *_run_args(folder, data, 100_000_000), "--log-interval", "1"],
                          "Epoch [2/")
    time.sleep(0.15)  # inside epoch 3 or 4: 12 batches of 30 ms each
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "streaming 150 items through a DataLoader" in out + err
    saved = load_run(folder)  # resumed here (the command's --resume is this, tested in test_run_signals)
    done = saved.checkpoint["epoch"]
    total = done + 2
    with mock.patch.object(user_set, "memory_bound", lambda: 32):
        resumed = Trainer(with_values(saved.config, {"train.epochs": total}), saved.code)
        restore_state(resumed, saved.checkpoint, saved.source)
        whole = Trainer(with_values(saved.config, {"train.epochs": total}))
        for trainer in (resumed, whole):
            while trainer.epoch < total:
                trainer.train_epoch()
    assert _same(_weights(resumed), _weights(whole))


def test_export_of_a_set_over_the_bound_is_refused_naming_the_field(tmp_path: Path, tiny_bound) -> None:
    """The script would read the whole set into tensors, which is what the bound says will not fit here."""
    from engine.export.script import export_script

    with pytest.raises(ConfigError) as refused:
        export_script(_config(tmp_path), "streamed")
    message = str(refused.value)
    assert message.startswith("data.module: export reads your Dataset into tensors")
    assert "120 items would take 1.9 KiB as tensors, over the memory bound of 32 bytes" in message


def test_export_refuses_a_set_over_the_bound_having_read_only_its_first_item(tmp_path: Path, tiny_bound) -> None:
    """The refusal comes before the scan a streamed run makes: item 0 alone (its size) is read."""
    from engine.export.script import export_script

    reads = tmp_path / "reads"
    write(tmp_path, "flaky.py", FLAKY)
    config = with_values(_config(tmp_path), {"data.module": f"{tmp_path}/flaky.py:Flaky",
                                             "data.args": {"reads": str(reads)}})
    with pytest.raises(ConfigError, match="export reads your Dataset into tensors"):
        export_script(config, "streamed")
    assert reads.read_text() == "r"


def test_nntui_export_without_a_loss_refuses_a_set_over_the_bound_before_reading_its_targets(
        tmp_path: Path, tiny_bound) -> None:
    """With no preset and no --loss the loss would follow the targets: export refuses first, in one
    line (exit 2), having read item 0 alone."""
    from typer.testing import CliRunner

    from tests.helpers import assert_one_line_exit
    from tui.cli.main import app

    reads = tmp_path / "reads"
    write(tmp_path, "flaky.py", FLAKY)
    result = CliRunner().invoke(app, ["export", "--data-module", f"{tmp_path}/flaky.py:Flaky", "--data-arg",
                                      f"reads={reads}", "--batch-size", "16"])
    assert_one_line_exit(result, 2, "export reads your Dataset into tensors", "48 items would take")
    assert reads.read_text() == "r"
