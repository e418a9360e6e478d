"""The exported script's training loop: Trainer.train_epoch's steps and batches (sliced from the
tensors, or drawn from a DataLoader for images), with the progress lines of the tutorial and the
session's divergence checks (engine.loop.session), in the engine's order and with no more waits for
the device than the engine has: one `.item()` per epoch, and a check of the weights only where a
line is printed."""

from __future__ import annotations

from collections.abc import Callable

from engine.export.features import objective
from engine.export.plan import ScriptPlan
from engine.export.text import call
from engine.export.toolkit import after_loop_lines, batch_step_lines, epoch_end_lines, watch_lines, watching


def training_loop(plan: ScriptPlan) -> str:
    """`weights_are_finite`, then the loop over the epochs."""
    if plan.image is not None:
        loop = _loader_loop(plan)
    else:
        loop = _minibatch_loop(plan) if plan.minibatch else _full_batch_loop(plan)
    return _WEIGHTS_ARE_FINITE + "\n\n\n" + "\n".join([loop, *after_loop_lines(plan)])


_WEIGHTS_ARE_FINITE = '''\
def weights_are_finite():
    """Whether every weight is still a finite number: a flag per tensor, all read at once."""
    flags = [p.isfinite().all() for p in model.parameters()]
    return torch.stack(flags).all().item()'''


def _full_batch_loop(plan: ScriptPlan) -> str:
    return "\n".join([
        "# Train on the whole training set at once, as in the tutorial",
        f"epochs = {plan.config.train.epochs}",
        "for epoch in range(epochs):",
        "    model.train()  # training mode",
        "",
        *_step_lines("X", "y", "    ", plan),
        "    train_loss = loss.item()",
        "",
        *_log_and_check(plan),
    ])


def _minibatch_loop(plan: ScriptPlan) -> str:
    data = plan.config.data
    size = data.batch_size
    dropping = data.drop_last and plan.n_train % size
    shuffled = "_shuffled" if data.shuffle else ""
    lines = [f"# Train in minibatches of {size}" + (", reshuffled every epoch" if data.shuffle else ""),
             f"batch_size = {size}",
             "n_train = len(X)"]
    if dropping:
        lines += ["n_batches = n_train // batch_size  # the last, incomplete batch is dropped"]
    if data.shuffle:
        lines += ["# Shuffling has its own generator, so it draws nothing from the seeded one above",
                  f"shuffle_generator = torch.Generator().manual_seed({data.seed})"]
    lines += [f"epochs = {plan.config.train.epochs}",
              "for epoch in range(epochs):",
              "    model.train()  # training mode"]
    if data.shuffle:
        to_device = ".to(device)" if plan.uses_device else ""
        lines += ["    # Shuffle the training set, then cut it into consecutive batches",
                  f"    order = torch.randperm(n_train, generator=shuffle_generator){to_device}",
                  "    X_shuffled, y_shuffled = X[order], y[order]"]
    lines += ["    epoch_loss = 0.0"]
    if dropping:
        lines += ["    for batch in range(n_batches):", "        start = batch * batch_size"]
    else:
        lines += ["    for start in range(0, n_train, batch_size):"]
    lines += [f"        inputs = X{shuffled}[start : start + batch_size]",
              f"        targets = y{shuffled}[start : start + batch_size]",
              "",
              *_step_lines("inputs", "targets", "        ", plan),
              "",
              "        # Sum the loss as a tensor: .item() every batch would wait for the device",
              "        epoch_loss += loss.detach() * len(inputs)",
              "    # The epoch's loss: the mean over the samples it trained on",
              "    train_loss = (epoch_loss / " + ("(n_batches * batch_size)" if dropping else "n_train")
              + ").item()",
              "",
              *_log_and_check(plan)]
    return "\n".join(lines)


def _loader_loop(plan: ScriptPlan) -> str:
    """Trainer._train_loader_epoch: every batch the DataLoader gives, its loss weighed by its size."""
    lines = ["# Train: every epoch is one pass over the DataLoader's batches",
             f"epochs = {plan.config.train.epochs}",
             "for epoch in range(epochs):",
             "    model.train()  # training mode",
             "    epoch_loss, seen = 0.0, 0",
             "    for inputs, targets in train_loader:"]
    if plan.uses_device:  # (a blank line straight after the `for` would not survive a formatter)
        lines += ["        inputs, targets = inputs.to(device), targets.to(device)"]
    lines += _augment_lines(plan)
    if plan.channels_last:
        lines += ["        inputs = inputs.contiguous(memory_format=memory_format)"]
    if len(lines) > 6:
        lines.append("")
    lines += [*_step_lines("inputs", "targets", "        ", plan),
              "",
              "        # Sum the loss as a tensor: .item() every batch would wait for the device",
              "        epoch_loss += loss.detach() * len(inputs)",
              "        seen += len(inputs)",
              "    # The epoch's loss: the mean over the pictures it trained on",
              "    train_loss = (epoch_loss / seen).item()",
              "",
              *_log_and_check(plan)]
    return "\n".join(lines)


def _augment_lines(plan: ScriptPlan) -> list[str]:
    """An augmented run changes each training batch at random, then normalises it."""
    data, spec = plan.config.data, plan.image
    if spec is None or not (data.hflip or data.rotation or data.resized_crop):
        return []
    call_augment = "normalize(augment(inputs))" if spec.mean else "augment(inputs)"
    return [f"        inputs = {call_augment}  # flipped, turned or cropped at random" +
            (", then normalised" if spec.mean else "")]


def _step_lines(inputs: str, targets: str, indent: str, plan: ScriptPlan, model: str = "model",
                stop: Callable[[str, str, str], str] | None = None) -> list[str]:
    """The training step, as the engine's Trainer._train_step takes it (and OneCycleLR's step);
    `model` is what the forward pass calls and `stop` writes the line that ends the run (a DDP
    script's differ)."""
    stop = stop or _stop
    clip = plan.config.train.clip_grad
    update = "# Backward pass (of the loss and the penalty) and update" if objective(plan) != "loss" else \
        "# Backward pass and update"
    lines = [indent + line if line else "" for line in ["# Forward pass", f"outputs = {model}({inputs})"]]
    if plan.config.train.loss == "bce":  # BCELoss raises on outputs that are not numbers, where nntui says why
        lines += [f"{indent}try:  # BCELoss refuses outputs that overflowed: the run has diverged",
                  f"{indent}    loss = criterion(outputs, {targets})",
                  f"{indent}except RuntimeError:",
                  stop(indent + "    ", "Diverged in epoch {epoch + 1}: the model's outputs are not finite",
                       " from None")]
    else:
        lines.append(f"{indent}loss = criterion(outputs, {targets})")
    lines += [""] + [indent + line for line in [update, "optimizer.zero_grad()", f"{objective(plan)}.backward()"]]
    if clip:
        arguments = ["model.parameters()", repr(clip), "error_if_nonfinite=True"]
        lines += [f"{indent}# Clip the gradient norm to {clip:g}; a non-finite norm ends the run, as in nntui",
                  f"{indent}try:",
                  call("", "torch.nn.utils.clip_grad_norm_", arguments, indent + "    "),
                  f"{indent}except RuntimeError:",
                  stop(indent + "    ", "Diverged in epoch {epoch + 1}: the gradient norm is not finite", " from None")]
    return lines + [indent + "optimizer.step()", *batch_step_lines(plan, indent)]


def _stop(indent: str, message: str, suffix: str = "") -> str:
    """`raise SystemExit(f"message")`: Python prints the message and exits with status 1, as nntui does."""
    return call("raise ", "SystemExit", [f'f"{message}"'], indent, suffix)


def _log_and_check(plan: ScriptPlan) -> list[str]:
    """The progress line of logged epochs, then the session's divergence checks: the epoch's
    loss every epoch, the weights where the test loss is measured (as the engine does), then what
    the schedule and early stopping do at an epoch's end."""
    when, what, body = _progress_line(plan)
    if when:
        lines = [f"    # Print {what}", f"    logged = {when}", "    if logged:",
                 *("        " + b for b in body)]
    else:
        lines = [f"    # Print {what}", *("    " + b for b in body)]
    checked = when and not watching(plan)  # the engine checks the weights wherever it measures the test loss
    weights_check = "if logged and not weights_are_finite():" if checked else "if not weights_are_finite():"
    when_checked = "every epoch" if not checked else "when a line is printed"
    return watch_lines(plan) + lines + [
        "",
        f"    # Stop if training diverged: the loss, or a weight (checked {when_checked}),",
        "    # is no longer a finite number. A lower learning rate may help.",
        "    if not math.isfinite(train_loss):",
        _stop("        ", "Diverged at epoch {epoch + 1}: the loss became {train_loss}"),
        f"    {weights_check}",
        _stop("        ", "Diverged by epoch {epoch + 1}: a weight is no longer finite"),
        *epoch_end_lines(plan),
    ]


def _progress_line(plan: ScriptPlan) -> tuple[str, str, list[str]]:
    """When an epoch's line is printed (a condition on `epoch`; "" for every epoch), what it
    reports and how often (for its comment), and the statements that print it."""
    train = plan.config.train
    every = train.log_interval
    when = f"(epoch + 1) % {every} == 0" if every > 1 else ""
    if when and train.epochs % every:
        when += " or epoch + 1 == epochs"
    if when and train.early_stop:
        when += " or stop_early"
    classifier = plan.kind != "regression" and plan.n_test
    what = "the loss and the test accuracy" if classifier else "the loss"
    period = f"every {every} epochs" if every > 1 else "every epoch"
    epoch_loss = 'f"Epoch [{epoch + 1}/{epochs}], Loss: {train_loss:.4f}'
    measured = watching(plan)  # the test accuracy is at hand already
    if classifier:
        body = [*([] if measured else [f"_, test_accuracy = evaluate({plan.test_data})"]), "print(",
                f'    {epoch_loss}, "', '    f"Test Accuracy: {test_accuracy:.2%}"', ")"]
    else:
        body = [f'print({epoch_loss}")']
    return when, f"{what} {period}", body
