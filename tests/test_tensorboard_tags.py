"""Choosing which of a TensorBoard run's tags the Loss view draws: the pairs offered by name, the
watcher starting over on the chosen pair, and each tag's figures."""

from __future__ import annotations

import time

import pytest

from engine.loop.events import EpochEnded, RunStarted
from engine.runs.remote import RemoteSession
from engine.runs.tensorboard.tags import TagPair, column_tags, higher_is_better, tag_pairs
from engine.runs.tensorboard.watcher import TensorBoardWatcher

pytest.importorskip("tensorboard")
from tests.tensorboard_logs import write_tagged_run  # noqa: E402


def test_tags_pair_by_their_name_less_the_train_and_test_words() -> None:
    """The loss pair first, then Accuracy/train with Accuracy/test, and a tag of no side alone."""
    pairs = tag_pairs(["Loss/train", "Loss/test", "Accuracy/train", "Accuracy/test", "lr", "hp_metric"])
    assert pairs == [TagPair("Loss/train", "Loss/test"), TagPair("Accuracy/train", "Accuracy/test"),
                     TagPair("lr", None)]


def test_lightning_tags_offer_the_chosen_loss_pair_then_each_tag() -> None:
    """train_loss_epoch with val_loss as column_tags pairs them, then the other names on their own."""
    pairs = tag_pairs(["train_loss_step", "train_loss_epoch", "val_loss", "val_acc", "epoch"])
    assert pairs[0] == TagPair("train_loss_epoch", "val_loss")
    assert TagPair("train_loss_step", None) in pairs and TagPair(None, "val_acc") in pairs
    assert len(pairs) == len(set(pairs))


def test_a_column_chosen_as_none_shows_no_tag() -> None:
    """A pair without a test tag leaves the test column empty instead of the default one."""
    columns = column_tags(["Loss/train", "Loss/test", "lr"], chosen=TagPair("lr", None).chosen())
    assert columns == {"train_loss": "lr", "lr": "lr"}


def test_an_accuracy_or_another_score_is_best_at_its_highest_and_a_loss_at_its_lowest() -> None:
    assert [higher_is_better(tag) for tag in ("Accuracy/test", "val_acc", "top1acc", "val_f1", "eval/auc")] == [True] * 5
    assert [higher_is_better(tag) for tag in ("Loss/test", "val_loss", "lr", "epoch", "mse")] == [False] * 5


def test_the_watcher_says_the_test_curve_is_a_score_once_an_accuracy_tag_is_drawn_as_it(tmp_path) -> None:
    watcher = TensorBoardWatcher(write_tagged_run(tmp_path / "run", steps=3))
    assert watcher.poll()[0].best_is_highest is False  # Loss/test drawn unasked
    watcher.choose(TagPair("Accuracy/train", "Accuracy/test"))
    assert watcher.poll()[0].best_is_highest is True


def test_choosing_a_pair_starts_the_watcher_over_on_those_tags(tmp_path) -> None:
    """After choose, the next poll tells the run afresh with Accuracy/train and Accuracy/test drawn."""
    watcher = TensorBoardWatcher(write_tagged_run(tmp_path / "run", steps=5))
    assert len([e for e in watcher.poll() if isinstance(e, EpochEnded)]) == 5
    watcher.choose(TagPair("Accuracy/train", "Accuracy/test"))
    told = watcher.poll()
    assert isinstance(told[0], RunStarted)
    epochs = [e for e in told if isinstance(e, EpochEnded)]
    assert [(e.train_loss, e.test_loss) for e in epochs][-1] == (pytest.approx(0.55), pytest.approx(0.30))
    assert list(watcher.history.train_loss) == pytest.approx([0.5 + s / 100 for s in range(1, 6)])
    assert watcher.listing().drawn == TagPair("Accuracy/train", "Accuracy/test")


def test_the_listing_gives_every_tag_its_minimum_maximum_and_last(tmp_path) -> None:
    """Loss/train's figures over its five steps, and the pair drawn unasked."""
    watcher = TensorBoardWatcher(write_tagged_run(tmp_path / "run", steps=5))
    watcher.poll()
    listing = watcher.listing()
    assert sorted(listing.figures) == ["Accuracy/test", "Accuracy/train", "Loss/test", "Loss/train"]
    figures = listing.figures["Loss/train"]
    assert (figures.points, figures.maximum) == (5, 1.0)
    assert figures.minimum == figures.last == pytest.approx(0.2)
    assert listing.drawn == TagPair("Loss/train", "Loss/test") == listing.pairs[0]


def test_a_watched_run_told_afresh_goes_to_the_new_listener_only(tmp_path) -> None:
    """choose_tags hands the retold run to the listener it is given, not to the old one."""
    old, new = [], []
    session = RemoteSession(write_tagged_run(tmp_path / "run"), old.append)
    try:
        session.choose_tags(TagPair("Accuracy/train", None), new.append)
        deadline = time.monotonic() + 10
        while not any(isinstance(e, EpochEnded) for e in new):
            assert time.monotonic() < deadline, "the retold run never arrived"
            time.sleep(0.05)
        assert isinstance(new[0], RunStarted)
        assert all(e.test_loss is None for e in new if isinstance(e, EpochEnded))
        assert not any(isinstance(e, RunStarted) for e in old[1:])
    finally:
        session.close()


def test_the_listing_is_made_again_only_once_new_points_are_read(tmp_path) -> None:
    """Asked at every redraw: the same listing while nothing arrived, a new one with the new step."""
    from torch.utils.tensorboard import SummaryWriter

    writer = SummaryWriter(str(tmp_path / "live"))
    writer.add_scalar("loss/train", 1.0, 1)
    writer.flush()
    watcher = TensorBoardWatcher(tmp_path / "live")
    watcher.poll()
    first = watcher.listing()
    assert watcher.listing() is first
    writer.add_scalar("loss/train", 0.5, 2)
    writer.close()
    watcher.poll()
    assert watcher.listing().figures["loss/train"].points == 2
