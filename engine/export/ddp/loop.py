"""The DDP script's training loop: the plain script's step (engine.export.training) on each rank's
share of the samples, through `ddp_model` so that the backward pass averages the gradients of all
ranks. Tensors (synthetic sets, CSV tables) are sliced by the indices a DistributedSampler deals
the rank, as the plain script slices a permutation; pictures come from the rank's DataLoader.
Each epoch's loss is summed over all ranks (one all_reduce), so that every rank sees the same loss
and weights and all stop together when training diverges; rank 0 alone prints."""

from __future__ import annotations

from engine.export.plan import ScriptPlan
from engine.export.text import call, comment
from engine.export.toolkit import epoch_end_lines, watch_lines, watching
from engine.export.training import _WEIGHTS_ARE_FINITE, _augment_lines, _progress_line, _step_lines

STOP = '''\
def stop(message):
    """End the run on every rank with exit status 1; rank 0 alone says why."""
    global ddp_model
    del ddp_model  # it holds on to the process group, which goes next (see the end)
    dist.destroy_process_group()
    raise SystemExit(message if rank == 0 else 1)'''


def ddp_training_loop(plan: ScriptPlan) -> str:
    """`weights_are_finite` and `stop`, then the loop over the epochs."""
    loop = _loader_loop(plan) if plan.image is not None else _tensor_loop(plan)
    return "\n\n\n".join([_WEIGHTS_ARE_FINITE, STOP, loop])


def _tensor_loop(plan: ScriptPlan) -> str:
    """Each rank slices its share of X and y: fixed for a full batch or unshuffled minibatches,
    drawn anew each epoch (set_epoch) when shuffled."""
    data = plan.config.data
    size, shuffled = data.batch_size, data.shuffle and plan.minibatch
    device = ", device=device" if plan.uses_device else ""
    deal = ("rank r taking every world_size-th one from the r-th (the first few again where they do not "
            "divide evenly).")
    if plan.minibatch:
        order = "reshuffled every epoch the same way on every rank" if shuffled else "in order"
        what = (f"Each rank trains on its own share of the training set, in minibatches of {size}: a step trains "
                f"on {size} x world_size samples in all. The sampler deals the samples out, {order}, {deal}")
    else:
        what = ("Each rank trains on its shard of the whole training set, all at once: the sampler deals the "
                f"samples out in order, {deal} The gradients averaged over the ranks make each step the full "
                "batch's.")
    sampler = f"DistributedSampler(train_set, shuffle=True, seed={data.seed})" if shuffled else \
        "DistributedSampler(train_set, shuffle=False)"
    share = [f"share = torch.tensor(list(sampler){device})  # this rank's samples",
             "X_rank, y_rank = X[share], y[share]"]
    lines = [*comment(what), "train_set = TensorDataset(X, y)", f"sampler = {sampler}"]
    if not shuffled:
        lines += share
    dropping = plan.minibatch and data.drop_last
    if plan.minibatch:
        lines += [f"batch_size = {size}  # per rank"]
    if dropping:
        lines += ["n_batches = len(sampler) // batch_size  # the last, incomplete batch is dropped"]
    lines += [f"epochs = {plan.config.train.epochs}", "for epoch in range(epochs):", "    model.train()  # training mode"]
    if shuffled:
        lines += ["    sampler.set_epoch(epoch)  # a new order every epoch, the same on every rank",
                  *("    " + line for line in share)]
    if not plan.minibatch:
        lines += ["", *_step("X_rank", "y_rank", "    ", plan), "    epoch_loss = loss.detach() * len(share)"]
    else:
        lines += [f"    epoch_loss = torch.zeros((){device})"]
        if dropping:
            lines += ["    for batch in range(n_batches):", "        start = batch * batch_size"]
        else:
            lines += ["    for start in range(0, len(share), batch_size):"]
        lines += ["        inputs = X_rank[start : start + batch_size]",
                  "        targets = y_rank[start : start + batch_size]",
                  "",
                  *_step("inputs", "targets", "        ", plan),
                  "",
                  "        # Sum the loss as a tensor: .item() every batch would wait for the device",
                  "        epoch_loss += loss.detach() * len(inputs)"]
    trained = "n_batches * batch_size" if dropping else "len(share)"
    return "\n".join(lines + _epoch_loss("samples", trained) + _log_and_check(plan))


def _loader_loop(plan: ScriptPlan) -> str:
    """Every batch the rank's DataLoader gives, its loss weighed by its size."""
    lines = ["# Train: every epoch, each rank passes over its DataLoader's batches",
             f"epochs = {plan.config.train.epochs}",
             "for epoch in range(epochs):",
             "    model.train()  # training mode"]
    if plan.config.data.shuffle:
        lines += ["    sampler.set_epoch(epoch)  # a new order every epoch, the same on every rank"]
    device = ", device=device" if plan.uses_device else ""
    lines += [f"    epoch_loss, seen = torch.zeros((){device}), 0", "    for inputs, targets in train_loader:"]
    if plan.uses_device:
        lines += ["        inputs, targets = inputs.to(device), targets.to(device)"]
    lines += _augment_lines(plan)  # the plain script's batch augmentation and memory layout, as they are
    if plan.channels_last:
        lines += ["        inputs = inputs.contiguous(memory_format=memory_format)"]
    if lines[-1] != "    for inputs, targets in train_loader:":
        lines.append("")
    lines += [*_step("inputs", "targets", "        ", plan),
              "",
              "        # Sum the loss as a tensor: .item() every batch would wait for the device",
              "        epoch_loss += loss.detach() * len(inputs)",
              "        seen += len(inputs)"]
    return "\n".join(lines + _epoch_loss("pictures", "seen") + _log_and_check(plan))


def _step(inputs: str, targets: str, indent: str, plan: ScriptPlan) -> list[str]:
    """The plain script's step, through DDP, ending the run on every rank if clipping finds no finite norm."""
    return _step_lines(inputs, targets, indent, plan, model="ddp_model", stop=_stop)


def _stop(indent: str, message: str, suffix: str = "") -> str:
    """`stop(f"message")`: every rank leaves the process group and exits with status 1."""
    return call("", "stop", [f'f"{message}"'], indent)


def _epoch_loss(what: str, trained: str) -> list[str]:
    """The mean loss over every rank's samples: each rank trained on as many, so the sum over the
    ranks divided by world_size times one rank's count."""
    return [f"    # The epoch's loss: the mean over all ranks' {what} (every rank has as many)",
            "    dist.all_reduce(epoch_loss)  # the sum over the ranks, on every rank",
            f"    train_loss = (epoch_loss / ({trained} * world_size)).item()",
            ""]


def _log_and_check(plan: ScriptPlan) -> list[str]:
    """Rank 0's progress line for logged epochs, then the plain script's divergence checks on
    every rank: the loss is the ranks' shared one and the weights are the same on all, so every
    rank stops at the same epoch."""
    when, what, body = _progress_line(plan)
    lines = [*watch_lines(plan), f"    # Rank 0 prints {what}"]  # (every rank measures what a schedule watches)
    lines += [f"    logged = {when}", "    if logged and rank == 0:"] if when else ["    if rank == 0:"]
    checked = when and not watching(plan)  # the engine checks the weights wherever it measures the test loss
    weights_check = "if logged and not weights_are_finite():" if checked else "if not weights_are_finite():"
    when_checked = "when a line is printed" if checked else "every epoch"
    return lines + ["        " + b for b in body] + [
        "",
        f"    # Stop if training diverged: the loss, or a weight (checked {when_checked}),",
        "    # is no longer a finite number. A lower learning rate may help. Every rank has the",
        "    # same loss and weights, so all stop together.",
        "    if not math.isfinite(train_loss):",
        _stop("        ", "Diverged at epoch {epoch + 1}: the loss became {train_loss}"),
        f"    {weights_check}",
        _stop("        ", "Diverged by epoch {epoch + 1}: a weight is no longer finite"),
        *epoch_end_lines(plan),
    ]
