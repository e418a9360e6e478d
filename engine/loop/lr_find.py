"""The learning-rate finder, fastai's method: train on at most 100 batches (repeating epochs of a
small set) while the lr grows exponentially from 1e-7 to 10 (torch's ExponentialLR), record the
loss smoothed as fastai's Recorder does (a debiased moving average, beta 0.98), stop once it
exceeds 4 times its best, then put the weights, optimizer and random states back. The
suggestions are fastai's: `valley` (the lr a little past the middle of the longest falling
stretch of the curve), `minimum` (a tenth of the lr at the lowest loss) and `steep` (the lr
where the curve falls fastest), computed on the points fastai keeps (the first tenth of the
batches and the last five dropped, and everything after a NaN)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch.optim.lr_scheduler import ExponentialLR

from engine.loop.batching import batch_sizes
from engine.loop.state import epoch_start_state, restore_epoch_start
from engine.models.optim import set_learning_rate

START_LR, END_LR, BATCHES = 1e-7, 10.0, 100
BETA = 0.98  # fastai's smoothing of the recorded loss
DIVERGED = 4.0  # stop when the smoothed loss exceeds this many times its best
SKIP_END = 5  # fastai drops the last points, where the loss shoots up, before suggesting


@dataclass(frozen=True)
class LrFinding:
    """The sweep's points (the lr of each batch and the smoothed loss after it) and the suggestions
    (None where too few points were left to suggest from)."""

    lrs: tuple[float, ...]
    losses: tuple[float, ...]
    valley: float | None
    minimum: float | None  # a tenth of the lr at the lowest loss
    steep: float | None
    ended: str  # "diverged" (past 4x the best loss), "done" (all batches), "stopped" (asked to)
    batches: int  # the most batches the sweep would take


def find_lr(trainer, start: float = START_LR, end: float = END_LR, batches: int = BATCHES,
            should_stop: Callable[[], bool] | None = None,
            progress: Callable[[int], None] | None = None) -> LrFinding:
    """Sweep the lr on `trainer`'s model and training data; the trainer is left as it was found."""
    saved, lr = epoch_start_state(trainer), trainer.lr
    lrs: list[float] = []
    losses: list[float] = []
    ended = "done"
    try:
        set_learning_rate(trainer.optimizer, start)
        growth = ExponentialLR(trainer.optimizer, gamma=(end / start) ** (1 / batches))
        trainer.optimizer._opt_called = True  # the fast MLP step may take plain SGD's steps itself
        average, best = 0.0, math.inf
        trainer.model.train()
        for count, (inputs, targets) in enumerate(_batches(trainer), start=1):
            if should_stop is not None and should_stop():
                ended = "stopped"
                break
            lrs.append(trainer.optimizer.param_groups[0]["lr"])
            loss = trainer._train_step(inputs, targets).item()
            average = BETA * average + (1 - BETA) * loss
            smoothed = average / (1 - BETA**count)
            losses.append(smoothed)
            best = min(best, smoothed)
            if progress is not None:
                progress(count)
            if not math.isfinite(smoothed) or smoothed > DIVERGED * best:
                ended = "diverged"
                break
            if count >= batches:
                break
            growth.step()
    finally:
        restore_epoch_start(trainer, saved)
        trainer.lr = lr
    return LrFinding(tuple(lrs), tuple(losses), *suggestions(lrs, losses, batches), ended, batches)


def _batches(trainer) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """The trainer's training batches, epoch after epoch (reshuffled as training would)."""
    passes = 0
    while True:
        yielded = 0
        passes += 1
        for batch in _epoch_batches(trainer, passes):
            yielded += 1
            yield batch
        if not yielded:
            raise ValueError(f"data.batch_size: with drop_last, a batch of {trainer.config.data.batch_size} "
                             f"from {trainer.train_samples} rows leaves no batch")


def _epoch_batches(trainer, passes: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """One epoch's training batches as the model takes them (the sweep's `passes`-th over the set)."""
    if trainer.images is not None:
        for pixels, labels in trainer.images.train_batches():
            inputs = trainer.images.inputs(pixels, train=True)
            if trainer._fast_step is not None:
                inputs = inputs.flatten(1)
            yield inputs, trainer.task.targets(labels)
        return
    if trainer.stream is not None:
        yield from trainer.stream.train_batches(trainer.epoch + passes)
        return
    X, Y = trainer.rows()
    n = len(X)
    data = trainer.config.data
    if data.shuffle and data.batch_size and data.batch_size < n:
        order = torch.randperm(n, generator=trainer.shuffle_generator).to(trainer.device)
        X, Y = X[order], Y[order]
    seen = 0
    for rows in batch_sizes(n, data.batch_size or n, data.drop_last):
        yield X[seen : seen + rows], Y[seen : seen + rows]
        seen += rows


def suggestions(lrs: list[float], losses: list[float], batches: int) -> tuple[float | None, float | None, float | None]:
    """(valley, minimum/10, steep) from the kept points, as fastai's lr_find suggests them."""
    kept_lrs, kept = lrs[batches // 10 : -SKIP_END], losses[batches // 10 : -SKIP_END]
    if any(math.isnan(loss) for loss in kept):
        cut = next(i for i, loss in enumerate(kept) if math.isnan(loss))
        kept_lrs, kept = kept_lrs[:cut], kept[:cut]
    if len(kept) < 2:
        return None, None, None
    lowest = min(range(len(kept)), key=kept.__getitem__)
    slopes = [(kept[i + 1] - kept[i]) / (math.log(kept_lrs[i + 1]) - math.log(kept_lrs[i]))
              for i in range(len(kept) - 1)]
    steepest = min(range(len(slopes)), key=slopes.__getitem__)
    return kept_lrs[valley_index(kept)], kept_lrs[lowest] / 10, kept_lrs[steepest]


def valley_index(losses: list[float]) -> int:
    """fastai's valley: the longest strictly falling sequence of losses (not necessarily adjacent
    points) ends at `end` and is `length` long; the suggestion lies half of it past
    `end - length` (a third, then a sixth, each rounded down)."""
    longest = [1] * len(losses)  # the longest falling sequence ending at each point
    for i in range(1, len(losses)):
        for j in range(i):
            if losses[i] < losses[j]:
                longest[i] = max(longest[i], longest[j] + 1)
    end = max(range(len(losses)), key=lambda i: (longest[i], -i))  # the first of the longest
    start = end - longest[end]
    third = (end - start) / 3
    return start + int(third) + int(third / 2)
