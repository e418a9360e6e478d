"""One run's data, model and optimizer, trained an epoch at a time. Knows nothing of threads:
the session drives it, and a `should_stop` callable is checked before every batch."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from torch import nn

from engine.config.rules import require_test_set, tracks_best, uses_code
from engine.config.schema import RunConfig
from engine.data.features import feature_columns
from engine.loop.batching import batch_sizes, weighted_mean
from engine.loop.best import BestWatch
from engine.loop.device import resolve_device
from engine.loop.divergence import NonFiniteGradient
from engine.loop.dry_run import DRY_ROWS, dry_run
from engine.loop.run_data import load_run_data
from engine.loop.schedule import LrSchedule, make_schedule
from engine.loop.state import epoch_start_state, restore_epoch_start
from engine.models.adam_step import AdamStep, adam_step_for, step_from_grads
from engine.models.cnn_step import CnnGradients, cnn_gradients_for
from engine.models.layer_sizes import SMALL_WORK
from engine.models.mlp import parameter_count
from engine.models.mlp_step import MlpStep, mlp_step_for
from engine.models.module_step import module_step_for
from engine.models.optim import make_optimizer, set_learning_rate
from engine.models.plain_sgd import clear_gradients, is_plain_sgd, plain_sgd_step
from engine.models.regularization import penalty_for, weights_of
from engine.models.task import make_loss

if TYPE_CHECKING:
    from engine.loop.events import FitScores
    from engine.loop.image_samples import ImageSamples
    from engine.loop.run_data import RunData

ROLLBACK_AFTER_S = 0.25  # a stop waits for the end of a shorter epoch; a longer one is rolled back


def _never() -> bool:
    return False


class Trainer:
    """Everything a run holds. Construction draws (or reads) the data and the initial weights.
    Tensor data (synthetic sets, CSV tables) lives in X/Y and is sliced per batch; image sets are
    served as uint8 batches by `images` (engine.loop.image_batches) and made inputs per batch; a
    user Dataset over the memory bound streams its batches from `stream` (engine.loop.user_batches)."""

    def __init__(self, config: RunConfig, recorded: Mapping[str, Path] | None = None):
        """`recorded` maps the user's files (model.module, data.module) to the copies a run folder
        keeps, to import those instead (a resume, a prediction). `config` has been checked where it
        was made (engine.config.build) or by the session; it is not checked again here."""
        self.config = config
        data_cfg = config.data
        self.device = resolve_device(config.train.device)
        self.shuffle_generator = torch.Generator().manual_seed(data_cfg.seed)
        # Image sets: (epoch, [true][predicted] counts on the device) at the last test evaluation.
        self.confusion: tuple[int, torch.Tensor] | None = None
        self.samples_picked: ImageSamples | None = None  # picked at the first report (engine.loop.views)
        self.stream_scores: FitScores | None = None  # a streamed regression set's at the last test evaluation

        torch.manual_seed(data_cfg.seed)
        data = load_run_data(config, self.device, self.shuffle_generator, recorded)
        self.code = data.code  # the user's files imported (engine.code.loader.Loaded), for the run folder
        self.task, self.model, self.preprocess, self.images = data.task, data.model, data.preprocess, data.images
        self.stream = data.stream
        self.bounds, self.train_points, self.test_points = data.bounds, data.train_points, data.test_points
        self.features, self.reference, self.dropped_rows = data.features, data.reference, data.dropped_rows
        # Tensor data's rows and targets, on the device; None for pictures or a stream.
        self.X: torch.Tensor | None
        self.Y: torch.Tensor | None
        self.X_test: torch.Tensor | None
        self.Y_test: torch.Tensor | None
        self.X, self.Y, self.X_test, self.Y_test = self._tensor_rows(data)

        self.parameter_count = parameter_count(self.model)
        batch_rows = data_cfg.batch_size or self.train_samples
        if self.device.type == "cpu" and self.parameter_count * batch_rows < SMALL_WORK:
            torch.set_num_threads(1)

        self.model.to(self.device)
        if self.images is not None and self.images.channels_last:
            self.model.to(memory_format=torch.channels_last)
        # A one-layer Sequential (linreg) is called through its layer: the same computation
        # without the container's call, a few percent of a tiny full-batch epoch.
        self._forward = self.model[0] if isinstance(self.model, nn.Sequential) and len(self.model) == 1 else self.model
        self.loss_fn = make_loss(self.task)
        if uses_code(config):
            self._dry_run()
        self.optimizer = make_optimizer(self.model.parameters(), config.train)
        self._trained = [p for group in self.optimizer.param_groups for p in group["params"]]  # what zero_grad clears
        self._adam: AdamStep | None = adam_step_for(self.optimizer)  # torch's Adam arithmetic, without its step's machinery
        require_test_set(config, self.test_samples)
        self.penalty = penalty_for(config.train.regularization, config.train.reg_rate)
        self._weights = weights_of(self.model)
        self.schedule: LrSchedule | None = make_schedule(self.optimizer, config.train, self.batches_per_epoch())
        self._batch_schedule = self.schedule if self.schedule is not None and self.schedule.per_batch else None
        self.lr = self.optimizer.param_groups[0]["lr"]  # a schedule may start elsewhere (OneCycleLR: max_lr / 25)
        self.best = BestWatch(config.train) if tracks_best(config) else None  # early stopping, best weights
        self.epoch = 0
        self._epoch_seconds: float | None = None  # the last minibatch epoch's duration; None before one
        self._fast_step = self._fast_step_for(config)
        # A CNN on the CPU gets its gradients without autograd's graph, the same to the bit; the
        # optimizer steps on them as after a backward (engine.models.cnn_step).
        self._cnn_gradients: CnnGradients | None = (
            cnn_gradients_for(self.model, self.loss_fn, self.optimizer, self.penalty)
            if self.images is not None and config.model.kind == "cnn" else None)
        # A torchrun rank's epochs (engine.loop.sharded_epochs), which replace train_epoch's; None otherwise.
        self.epoch_runner: Callable[[Callable[[], bool]], float | None] | None = None

    def _tensor_rows(self, data: RunData) -> tuple[torch.Tensor | None, ...]:
        """(X, Y, X_test, Y_test) of tensor data on the device, the targets as the loss wants them;
        all None for pictures (served by `images`) or a streamed Dataset."""
        if self.images is not None or self.stream is not None:
            return None, None, None, None
        assert data.X is not None and data.labels is not None and data.X_test is not None \
            and data.labels_test is not None, "tensor data comes with its rows (engine.loop.run_data)"
        device, targets = self.device, self.task.targets
        return (data.X.to(device), targets(data.labels).to(device), data.X_test.to(device),
                targets(data.labels_test).to(device))

    def _fast_step_for(self, config: RunConfig) -> MlpStep | None:
        """Tensor data through an MLP skips autograd's bookkeeping, with the same weights as a result;
        so do pictures through one (after its Flatten, which the step does itself), and rows of
        tensors through a user's module that is provably such a stack (engine.models.module_step)."""
        clip = self._clip_gradients if config.train.clip_grad else None
        model = self.model  # (an MLP on pictures is a Sequential that starts with its Flatten)
        stepped = model if self.images is None else model[1:] if config.model.kind == "mlp" and isinstance(
            model, nn.Sequential) else None
        if stepped is None:
            return None
        step_for = module_step_for if self.X is not None and self.X.dim() == 2 else mlp_step_for
        return step_for(stepped, self.loss_fn, self.optimizer, clip, self.penalty)

    def _dry_run(self) -> None:
        """One batch of the first rows through the model and the loss (engine.loop.dry_run)."""
        if self.images is not None:
            pixels, labels = self.images.first_test(DRY_ROWS)
            xb, yb = self.images.inputs(pixels), self.task.targets(labels)
        elif self.stream is not None:
            xb, yb = self.stream.first_batch()
        else:
            xb, yb = self.rows()
        cfg = self.config.model
        dry_run(self.model, xb, yb, self.loss_fn, self.task, cfg.module if cfg.kind == "module" else f"nntui's {cfg.kind}")

    def rows(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The training inputs and targets of a run on tensor data; an image run has none (its
        pictures are served by `images`), and asking for them is a bug."""
        if self.X is None or self.Y is None:
            raise TypeError("a run on pictures or a streamed Dataset keeps no tensor rows")
        return self.X, self.Y

    def test_rows(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The test inputs and targets of a run on tensor data (empty without a test set)."""
        if self.X_test is None or self.Y_test is None:
            raise TypeError("a run on pictures or a streamed Dataset keeps no tensor rows")
        return self.X_test, self.Y_test

    def model_inputs(self, points: torch.Tensor) -> torch.Tensor:
        """What the model takes for raw points of a 2-D set: their input features, or themselves."""
        return feature_columns(points, self.features) if self.features else points

    @property
    def train_samples(self) -> int:
        source = self.images if self.images is not None else self.stream
        return source.train_samples if source is not None else len(self.rows()[0])

    @property
    def test_samples(self) -> int:
        source = self.images if self.images is not None else self.stream
        return source.test_samples if source is not None else len(self.test_rows()[0])

    @property
    def augment_generator(self) -> torch.Generator | None:
        """The augmentation's generator (image runs that augment), whose state a checkpoint keeps."""
        return self.images.augment_generator if self.images is not None else None

    @property
    def labels(self) -> tuple[str, ...]:
        """Class names in output order (empty for regression)."""
        if self.preprocess.image is not None:
            return self.preprocess.image.labels
        return self.preprocess.table.labels if self.preprocess.table is not None else ()

    def set_lr(self, lr: float) -> None:
        self.lr = lr
        set_learning_rate(self.optimizer, lr)

    def end_epoch(self, test_loss: float | None) -> None:
        """The schedule's step at the end of an epoch (with its test loss, for the plateau schedule);
        `lr` then holds the next epoch's learning rate."""
        schedule = self.schedule
        if schedule is not None:
            schedule.after_epoch(test_loss)
            self.lr = self.optimizer.param_groups[0]["lr"]

    def batches_per_epoch(self) -> int:
        source = self.images if self.images is not None else self.stream
        if source is not None:
            return source.batches_per_epoch()
        n = self.train_samples
        return len(batch_sizes(n, self.config.data.batch_size or n, self.config.data.drop_last))

    def train_epoch(self, should_stop: Callable[[], bool] = _never) -> float | None:
        """Train one epoch; return its mean loss, or None when a stop came first. A stop never leaves
        half an epoch behind (a state no uninterrupted run passes through, and a checkpoint that
        would train those batches twice): a short epoch finishes first, a long one (over
        ROLLBACK_AFTER_S) is rolled back to its start."""
        if self.epoch_runner is not None:
            return self.epoch_runner(should_stop)
        size = self.config.data.batch_size
        if self.images is None and self.stream is None and (not size or size >= self.train_samples):
            return self._full_batch_epoch(should_stop)
        slow = self._epoch_seconds is None or self._epoch_seconds >= ROLLBACK_AFTER_S
        start = epoch_start_state(self) if slow else None
        began = time.perf_counter()
        check = should_stop if start is not None else _never
        loss = (self._train_image_epoch(check) if self.images is not None else
                self._stream_epoch(check) if self.stream is not None else self._minibatch_epoch(check))
        if loss is None:
            assert start is not None, "only a rolled-back epoch stops before its end"
            restore_epoch_start(self, start)
            return None
        self._epoch_seconds = time.perf_counter() - began
        return loss

    def _full_batch_epoch(self, should_stop: Callable[[], bool]) -> float | None:
        """The tutorial's case: one step on all rows, nothing to slice, weigh or roll back."""
        if not self.model.training:  # evaluation left it in eval mode; setting it again costs a walk
            self.model.train()
        if should_stop():
            return None
        loss = self._train_step(*self.rows())
        if self._batch_schedule is not None:
            self._batch_schedule.after_batch()
        self.epoch += 1
        return loss.item()

    def _minibatch_epoch(self, should_stop: Callable[[], bool]) -> float | None:
        """In-memory rows in minibatches: a seeded permutation, then contiguous slices."""
        if not self.model.training:
            self.model.train()
        n = self.train_samples
        size = self.config.data.batch_size
        X, Y = self.rows()
        with torch.inference_mode(self._fast_step is not None and self._fast_step.inference_safe):
            if self.config.data.shuffle:
                # One gather per epoch, then contiguous slices: far cheaper than a gather per batch.
                order = torch.randperm(n, generator=self.shuffle_generator).to(self.device)
                X, Y = X[order], Y[order]
            losses: list[torch.Tensor] = []
            sizes = batch_sizes(n, size, self.config.data.drop_last)
            seen = 0
            schedule = self._batch_schedule
            # OneCycleLR's lrs for the whole epoch, stored per batch (engine.loop.onecycle_lrs); the
            # scheduler catches up with the batches done, however the loop is left.
            lrs = schedule.batch_lrs(len(sizes)) if schedule is not None else None
            group = self.optimizer.param_groups[0]
            try:
                for index, rows in enumerate(sizes):
                    if should_stop():
                        return None
                    losses.append(self._train_step(X[seen : seen + rows], Y[seen : seen + rows]))
                    if lrs is not None:
                        group["lr"] = lrs[index]
                    elif schedule is not None:
                        schedule.after_batch()
                    seen += rows
            finally:
                if lrs is not None:
                    schedule.caught_up(len(losses))  # type: ignore[union-attr]
        self.epoch += 1
        return weighted_mean(losses, sizes)

    def _stream_epoch(self, should_stop: Callable[[], bool]) -> float | None:
        """A streamed user set's epoch: its DataLoader's batches, in the order the epoch's number gives."""
        if not self.model.training:
            self.model.train()
        with torch.inference_mode(self._fast_step is not None and self._fast_step.inference_safe):
            return self._batched_epoch(self.stream.train_batches(self.epoch + 1), should_stop, "items")  # type: ignore[union-attr]

    def _train_step(self, xb: torch.Tensor, yb: torch.Tensor, forward: Callable | None = None) -> torch.Tensor:
        """One optimizer step on a batch; returns its loss, detached and still on the device (no
        host sync: the epoch's loss is read once, at its end). `forward` is a torchrun rank's
        DistributedDataParallel, whose backward averages the ranks' gradients (autograd's step)."""
        if forward is None and self._fast_step is not None:
            return self._fast_step(xb, yb)
        if forward is None and self._cnn_gradients is not None:
            loss = self._cnn_gradients(xb, yb)  # every .grad written, as clearing them and a backward would
        else:
            loss = self.loss_fn((forward or self._forward)(xb), yb)
            clear_gradients(self._trained)
            if self.penalty is not None:  # the penalty joins what is minimised; the reported loss is the data's
                self.penalty.objective(loss, self._weights).backward()
            else:
                loss.backward()
        if self.config.train.clip_grad:
            self._clip_gradients()
        if is_plain_sgd(self.optimizer):
            plain_sgd_step(self.optimizer)
        elif self._adam is None or not step_from_grads(self._adam):
            self.optimizer.step()
        return loss.detach()

    def _clip_gradients(self) -> None:
        try:  # without error_if_nonfinite, an infinite norm would silently make every gradient NaN
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.train.clip_grad,
                                           error_if_nonfinite=True)
        except RuntimeError:
            raise NonFiniteGradient(self.epoch + 1) from None

    def parameters_finite(self) -> bool:
        """Whether every weight is still finite (one host sync: called at check points, not per epoch)."""
        with torch.no_grad():
            return bool(torch.stack([torch.isfinite(p).all() for p in self.model.parameters()]).all().item())

    def outputs_finite(self) -> bool:
        """Whether the model still answers every training row with finite numbers; weights that are
        finite but huge overflow on the way (inf - inf), which a loss such as BCELoss refuses with an
        error rather than a NaN. Pictures are not checked (True): their losses take NaN."""
        if self.images is not None:
            return True
        with torch.no_grad():
            rows = self.rows()[0] if self.stream is None else self.stream.first_batch()[0]  # a streamed set: its first
            return bool(torch.isfinite(self._forward(rows)).all().item())

    def _train_image_epoch(self, should_stop: Callable[[], bool]) -> float | None:
        """One pass over the training pictures (shuffled with the run's own generator)."""
        self.model.train()
        return self._batched_epoch(self._image_batches(), should_stop, "images")

    def _image_batches(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        for pixels, labels in self.images.train_batches():  # type: ignore[union-attr]
            xb = self.images.inputs(pixels, train=True)  # type: ignore[union-attr]
            yield (xb.flatten(1) if self._fast_step is not None else xb), self.task.targets(labels)

    def _batched_epoch(self, batches: Iterator[tuple[torch.Tensor, torch.Tensor]], should_stop: Callable[[], bool],
                       items: str) -> float | None:
        """An epoch of batches served ready for the model (pictures, a streamed set's items)."""
        losses: list[torch.Tensor] = []
        sizes: list[int] = []
        for xb, yb in batches:
            if should_stop():
                return None
            losses.append(self._train_step(xb, yb))
            if self._batch_schedule is not None:
                self._batch_schedule.after_batch()
            sizes.append(len(xb))
        if not losses:
            raise ValueError(f"data.batch_size: with drop_last, a batch of {self.config.data.batch_size} from "
                             f"{self.train_samples} {items} leaves no batch")
        self.epoch += 1
        return weighted_mean(losses, sizes)

    @torch.no_grad()
    def _evaluate_images(self) -> tuple[float, float]:
        """Loss and accuracy over the test pictures; the confusion matrix comes with it, and the
        accuracy is its diagonal."""
        from engine.loop.image_samples import count_confusion

        self.model.eval()
        loss_sum = torch.zeros((), device=self.device)
        classes = self.task.classes
        confusion = torch.zeros((classes, classes), dtype=torch.long, device=self.device)
        for pixels, labels in self.images.test_batches():  # type: ignore[union-attr]
            xb = self.images.inputs(pixels)  # type: ignore[union-attr]
            outputs = self.model(xb)
            loss_sum = loss_sum + self.loss_fn(outputs, self.task.targets(labels)) * len(xb)  # one sync at the end
            confusion += count_confusion(labels, self.task.probabilities(outputs).argmax(dim=1), classes)
        self.confusion = (self.epoch, confusion)
        return loss_sum.item() / self.test_samples, confusion.diagonal().sum().item() / self.test_samples

    @torch.no_grad()
    def evaluate(self) -> tuple[float | None, float | None]:
        """Loss and (for classification) accuracy on the test set; None where there is none."""
        if not self.test_samples:
            return None, None
        if self.images is not None:
            return self._evaluate_images()
        if self.stream is not None:
            figures = self.stream.evaluate(self.model, self.loss_fn)
            if figures.confusion is not None:
                self.confusion = (self.epoch, figures.confusion)
            self.stream_scores = figures.scores
            return figures.loss, figures.accuracy
        self.model.eval()
        X_test, Y_test = self.test_rows()
        outputs = self.model(X_test)
        loss = self.loss_fn(outputs, Y_test).item()
        if not self.task.is_classification:
            return loss, None
        return loss, self.task.correct(outputs, Y_test).item() / self.test_samples
