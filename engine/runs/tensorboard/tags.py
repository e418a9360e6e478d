"""Which of a foreign run's scalar tags stand for the Loss view's columns (train loss, test loss,
test accuracy, lr), told by their names as PyTorch scripts, Lightning and Keras write them:
`loss/train`, `Loss/test`, `train_loss`, `val_loss_epoch`, `val_acc`, `lr-Adam`, `epoch_loss`.
The user picks another train/test pair of tags by name (`tag_pairs`: `Accuracy/train` with
`Accuracy/test`, `train_acc` with `val_acc`), or any single tag, to draw in the loss columns."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import zip_longest

COLUMNS = ("train_loss", "test_loss", "test_accuracy", "lr")
TEST_WORDS = {"test", "val", "valid", "validation", "eval", "dev"}
TRAIN_WORDS = {"train", "training"}


def _words(tag: str) -> set[str]:
    return set(re.split(r"[^a-z0-9]+", tag.lower())) - {""}


def _role(tag: str) -> str | None:
    words = _words(tag)
    if words & {"hparam", "hparams", "hp"}:  # add_hparams' metric values, Lightning's hp_metric: one number each
        return None
    if words & {"lr", "learning"} and ("lr" in words or "rate" in words):
        return "lr"
    test = bool(words & TEST_WORDS)
    if any(word.startswith("loss") for word in words):
        return "test_loss" if test else "train_loss"
    if any(word.startswith("acc") for word in words):
        return "test_accuracy" if test or not words & TRAIN_WORDS else None
    return None


HIGHER_IS_BETTER = {"auc", "f1", "precision", "recall", "r2", "iou", "dice", "score"}


def higher_is_better(tag: str) -> bool:
    """A tag whose best value is its highest (`Accuracy/test`, `val_acc`, `f1`): told by its name,
    as a loss tag is; any other tag's best is its lowest."""
    return "acc" in tag.lower() or bool(_words(tag) & HIGHER_IS_BETTER)


def _preference(tag: str) -> tuple[int, int, str]:
    """Among tags of one role: an epoch-level one before a per-step one (Lightning's `_epoch` and
    `_step`), then the shortest name."""
    words = _words(tag)
    return (0 if "epoch" in words else 2 if "step" in words else 1, len(tag), tag)


def column_tags(tags: list[str], chosen: dict[str, str | None] | None = None) -> dict[str, str]:
    """column -> the tag shown in it, for the columns some tag stands for; `chosen` (column ->
    tag) wins where it names a tag the run has, and a column it maps to None shows none."""
    candidates: dict[str, list[str]] = {}
    for tag in tags:
        role = _role(tag)
        if role is not None:
            candidates.setdefault(role, []).append(tag)
    found = {role: min(names, key=_preference) for role, names in candidates.items()}
    for column, picked in (chosen or {}).items():
        if picked is None:
            found.pop(column, None)
        elif picked in tags:
            found[column] = picked
    return found


@dataclass(frozen=True)
class TagPair:
    """The tags drawn as the Loss view's train and test curves (either may be missing)."""

    train: str | None
    test: str | None

    @property
    def label(self) -> str:
        """How a listing names it: `Loss/train + Loss/test`, or the one tag."""
        return " + ".join(tag for tag in (self.train, self.test) if tag)

    def chosen(self) -> dict[str, str | None]:
        """As `column_tags` takes a choice."""
        return {"train_loss": self.train, "test_loss": self.test}


def _stem(tag: str) -> tuple[str, ...]:
    """A tag's name less its train and test words: what a train tag and its test tag share."""
    words = re.split(r"[^a-z0-9]+", tag.lower())
    return tuple(word for word in words if word and word not in TRAIN_WORDS | TEST_WORDS)


def tag_pairs(tags: list[str]) -> list[TagPair]:
    """Every pair the Loss view can draw, the one it draws unasked first (the loss columns of
    `column_tags`), then each name's train and test tags paired (a tag without a test word on the
    train side), in name order; hparams' metric tags are left out."""
    columns = column_tags(tags)
    first = TagPair(columns.get("train_loss"), columns.get("test_loss"))
    sides: dict[tuple[str, ...], tuple[list[str], list[str]]] = {}
    for tag in sorted(tags):
        words = _words(tag)
        if words & {"hparam", "hparams", "hp"}:
            continue
        train, test = sides.setdefault(_stem(tag), ([], []))
        (test if words & TEST_WORDS else train).append(tag)
    pairs = [first] if first.label else []
    for train, test in sides.values():
        pairs += [TagPair(*pair) for pair in zip_longest(sorted(train, key=_preference), sorted(test, key=_preference))
                  if TagPair(*pair) != first]
    return pairs
