"""Which of a foreign run's scalar tags stand for the Loss view's columns (train loss, test loss,
test accuracy, lr), told by their names as PyTorch scripts, Lightning and Keras write them:
`loss/train`, `Loss/test`, `train_loss`, `val_loss_epoch`, `val_acc`, `lr-Adam`, `epoch_loss`.
`choose` lets the user name them instead."""

from __future__ import annotations

import re

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


def _preference(tag: str) -> tuple[int, int, str]:
    """Among tags of one role: an epoch-level one before a per-step one (Lightning's `_epoch` and
    `_step`), then the shortest name."""
    words = _words(tag)
    return (0 if "epoch" in words else 2 if "step" in words else 1, len(tag), tag)


def column_tags(tags: list[str], chosen: dict[str, str] | None = None) -> dict[str, str]:
    """column -> the tag shown in it, for the columns some tag stands for; `chosen` (column ->
    tag) wins where it names a tag the run has."""
    candidates: dict[str, list[str]] = {}
    for tag in tags:
        role = _role(tag)
        if role is not None:
            candidates.setdefault(role, []).append(tag)
    found = {role: min(names, key=_preference) for role, names in candidates.items()}
    for column, tag in (chosen or {}).items():
        if tag in tags:
            found[column] = tag
    return found
