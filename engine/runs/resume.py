"""What a resumed run may change. A checkpoint continues the very run it was taken from, so only
fields that do not change what the weights are trained on may differ: more epochs, a new
learning rate (applied from the first resumed epoch), the log interval and the device. Anything
else would be half applied (a config saying one thing, weights trained on another). A run with
an lr schedule keeps its lr, and cosine and onecycle, laid over the run, its epochs."""

from __future__ import annotations

from engine.config.build import to_dict
from engine.config.fields import SPECS, format_value, get_field
from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig

RESUMABLE = ("train.epochs", "train.lr", "train.log_interval", "train.device")


def changed_fields(before: RunConfig, after: RunConfig) -> list[str]:
    """Paths ("train.lr") of the fields whose values differ, in the field table's order."""
    old, new = to_dict(before), to_dict(after)
    return [path for path, spec in SPECS.items() if old[spec.section][spec.name] != new[spec.section][spec.name]]


def check_resume(saved: RunConfig, wanted: RunConfig, epochs_done: int) -> RunConfig:
    """`wanted` if it may continue a run saved with `saved` after `epochs_done` epochs; else
    ConfigError naming each field that may not change, or epochs that leave nothing to train."""
    problems = [Problem(path, f"cannot change when resuming (the run was trained with "
                              f"{format_value(get_field(saved, path))}); only "
                              f"{', '.join(p.split('.')[1] for p in RESUMABLE)} may")
                for path in changed_fields(saved, wanted) if path not in RESUMABLE]
    problems += _schedule_problems(saved, wanted)
    if wanted.train.epochs <= epochs_done:
        problems.append(Problem("train.epochs", f"the run has already trained {epochs_done} epochs; give more "
                                f"than {epochs_done} to continue it"))
    if problems:
        raise ConfigError(problems)
    return wanted


def _schedule_problems(saved: RunConfig, wanted: RunConfig) -> list[Problem]:
    """A schedule sets the lr of a resumed run as it would have set it; cosine and onecycle are
    laid over the run's epochs, so a longer run would be another schedule."""
    schedule = saved.train.schedule
    problems = []
    if schedule != "none" and wanted.train.lr != saved.train.lr:
        problems.append(Problem("train.lr", f"cannot change when resuming a run whose lr follows the {schedule} "
                                            "schedule (train.schedule)"))
    if schedule in ("cosine", "onecycle") and wanted.train.epochs != saved.train.epochs:
        problems.append(Problem("train.epochs", f"cannot change when resuming: the {schedule} schedule spans the "
                                                f"run's {saved.train.epochs} epochs"))
    return problems

