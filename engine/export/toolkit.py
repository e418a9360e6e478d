"""The exported script's training toolkit, as the engine runs it (engine.loop.schedule,
engine.loop.best and the session's order of steps): the lr scheduler from
torch.optim.lr_scheduler, stepped after every batch (OneCycleLR) or every epoch (the others;
ReduceLROnPlateau with the test loss), the test loss measured every epoch where something watches
it, the best epoch's weights (best.pt, restore_best) and early stopping."""

from __future__ import annotations

from engine.config.rules import tracks_best, watchers
from engine.export.plan import ScriptPlan
from engine.export.text import call

SCHEDULER_WORDS = {
    "step": "multiply the lr by {gamma!r} every {step_size} epochs",
    "cosine": "anneal the lr along a half cosine from {lr!r} to {min_lr!r} over the {epochs} epochs",
    "onecycle": "rise to {max_lr!r} over the first {warmup:.0%} of the batches, then anneal far below it",
    "plateau": "multiply the lr by {factor!r} after {patience} epochs without a lower test loss",
}


def watching(plan: ScriptPlan) -> bool:
    """Whether the script measures the test loss every epoch (as the engine does for these fields)."""
    return bool(watchers(plan.config))


def tracking(plan: ScriptPlan) -> bool:
    """Whether the script keeps the best epoch (early stopping, best.pt or restore_best)."""
    return tracks_best(plan.config)


def _batches_per_epoch(plan: ScriptPlan) -> str:
    """The number of optimizer steps an epoch takes, as an expression of the script."""
    data = plan.config.data
    if plan.image is not None:
        return "len(train_loader)"
    if not plan.minibatch:
        return "1"
    size = data.batch_size
    return str(plan.n_train // size if data.drop_last else -(-plan.n_train // size))


def schedule_block(plan: ScriptPlan) -> str:
    """The scheduler after the optimizer, and the best epoch's and early stopping's counters."""
    train = plan.config.train
    lines = []
    if train.schedule != "none":
        words = SCHEDULER_WORDS[train.schedule].format(
            gamma=train.schedule_gamma, step_size=train.schedule_step_size, lr=train.lr, min_lr=train.schedule_min_lr,
            epochs=train.epochs, max_lr=train.schedule_max_lr or train.lr, warmup=train.schedule_warmup,
            factor=train.schedule_factor, patience=train.schedule_patience)
        lines += [f"# Learning-rate schedule: {words}", call("scheduler = ", *_scheduler(plan))]
    if tracking(plan):
        if lines:
            lines.append("")
        delta = f" by more than {train.early_stop_delta!r}" if train.early_stop_delta else ""
        lines += ["# The best epoch so far (the lowest test loss) and its weights",
                  "best_loss, best_epoch, best_weights = math.inf, 0, None"]
        if train.early_stop:
            lines += [f"# Early stopping: the epochs since the test loss last fell{delta}",
                      "reference, waited = math.inf, 0"]
    return "\n".join(lines)


def _scheduler(plan: ScriptPlan) -> tuple[str, list[str]]:
    train = plan.config.train
    name = train.schedule
    if name == "step":
        return "optim.lr_scheduler.StepLR", ["optimizer", f"step_size={train.schedule_step_size}",
                                             f"gamma={train.schedule_gamma!r}"]
    if name == "cosine":
        return "optim.lr_scheduler.CosineAnnealingLR", ["optimizer", f"T_max={train.epochs}",
                                                        f"eta_min={train.schedule_min_lr!r}"]
    if name == "onecycle":
        return "optim.lr_scheduler.OneCycleLR", [
            "optimizer", f"max_lr={train.schedule_max_lr or train.lr!r}",
            f"total_steps={train.epochs} * {_batches_per_epoch(plan)}", f"pct_start={train.schedule_warmup!r}",
            "cycle_momentum=False"]
    return "optim.lr_scheduler.ReduceLROnPlateau", ["optimizer", f"factor={train.schedule_factor!r}",
                                                    f"patience={train.schedule_patience}",
                                                    f"min_lr={train.schedule_min_lr!r}"]


def batch_step_lines(plan: ScriptPlan, indent: str) -> list[str]:
    """OneCycleLR's step after every optimizer step."""
    if plan.config.train.schedule != "onecycle":
        return []
    return [f"{indent}scheduler.step()  # OneCycleLR steps after every batch"]


def watch_lines(plan: ScriptPlan) -> list[str]:
    """In the epoch, after its training: the test loss, the plateau schedule's step, the best epoch
    and early stopping's count (the engine's order: schedule, best, then the epoch's line)."""
    if not watching(plan):
        return []
    train = plan.config.train
    classifier = plan.kind != "regression"
    measured = "test_loss, test_accuracy" if classifier else "test_loss"
    lines = ["    # The test loss of every epoch: " + _watchers_words(plan),
             f"    {measured} = evaluate({plan.test_data})"]
    if train.schedule == "plateau":
        lines += ["    scheduler.step(test_loss)  # ReduceLROnPlateau watches the test loss"]
    if tracking(plan):
        lines += ["    if test_loss < best_loss:  # a new best epoch: keep a copy of its weights",
                  "        best_loss, best_epoch = test_loss, epoch + 1",
                  "        best_weights = {k: v.clone() for k, v in model.state_dict().items()}"]
    if train.early_stop:
        fall = f" - {train.early_stop_delta!r}" if train.early_stop_delta else ""
        lines += [f"    if test_loss < reference{fall}:",
                  "        reference, waited = test_loss, 0",
                  "    else:",
                  "        waited += 1",
                  f"    stop_early = waited >= {train.early_stop}"]
    return lines + [""]


def _watchers_words(plan: ScriptPlan) -> str:
    train = plan.config.train
    words = {"train.schedule": "the plateau schedule", "train.early_stop": "early stopping",
             "train.keep_best": "the best weights", "train.restore_best": "the best weights"}
    found = list(dict.fromkeys(words[path] for path in watchers(plan.config)))
    said = " and ".join(found) if len(found) < 3 else ", ".join(found[:-1]) + " and " + found[-1]
    return f"{said} {'watch' if len(found) > 1 or train.keep_best and train.restore_best else 'watches'} it"


def epoch_end_lines(plan: ScriptPlan) -> list[str]:
    """The last lines of an epoch: an epoch schedule's step, and the early stop."""
    train = plan.config.train
    lines = []
    if train.schedule in ("step", "cosine"):
        lines += ["", "    scheduler.step()  # the schedule steps once an epoch"]
    if train.early_stop:
        lines += ["", "    # Early stopping: the test loss has not fallen for too many epochs",
                  "    if stop_early:",
                  "        print(",
                  '            f"Early stop at epoch {epoch + 1}: the test loss has not fallen'
                  + (f" by more than {train.early_stop_delta:g}" if train.early_stop_delta else "") + ' for "',
                  '            f"{waited} epochs; the best was {best_loss:.4f} at epoch {best_epoch}"',
                  "        )",
                  "        break"]
    return lines


def after_loop_lines(plan: ScriptPlan) -> list[str]:
    """After the loop: best.pt, and the best epoch's weights put back."""
    train = plan.config.train
    lines = []
    if train.keep_best:
        lines += ["", "# The best epoch's weights: model.load_state_dict(torch.load(\"best.pt\")) brings them back",
                  'torch.save(best_weights, "best.pt")',
                  'print(f"Saved the weights of epoch {best_epoch} (the lowest test loss) to best.pt")']
    if train.restore_best:
        lines += ["", "# End on the best epoch's weights",
                  "if best_epoch and best_epoch != epoch + 1:",
                  "    model.load_state_dict(best_weights)",
                  '    print(f"Restored the weights of epoch {best_epoch} (test loss {best_loss:.4f})")']
    return lines
