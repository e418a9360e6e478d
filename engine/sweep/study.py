"""A sweep as an Optuna study: the sampler and pruner it names, trials that are recorded runs, and
storage that several processes and machines share (Optuna's journal file by default, an RDB URL
on request), so that workers started anywhere add trials to the same study and a sweep run again
continues where it stopped. nntui schedules nothing itself: Optuna decides what each trial tries
and when it is pruned."""

from __future__ import annotations

import math
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, cast

import optuna
from optuna.exceptions import UpdateFinishedTrialError
from optuna.trial import TrialState

from engine.config.toml_file import dumps, loads
from engine.errors import InputError
from engine.loop.run_state import RunStatus
from engine.sweep.spec import SweepSpec, parse_sweep
from engine.sweep.storage import JOURNAL, fail_orphans, is_outage, patiently, storage_for
from engine.sweep.trial import run_trial

__all__ = ["JOURNAL", "storage_for", "open_study", "join_study", "Worker", "work"]  # JOURNAL, storage_for: for callers

COUNTED = (TrialState.COMPLETE, TrialState.PRUNED)  # trials that count towards the sweep's number


def sampler_for(spec: SweepSpec, worker: int = 0) -> optuna.samplers.BaseSampler:
    """The spec's sampler; each worker seeds its own (seed + worker), or every worker would draw
    the same first suggestions."""
    seed = spec.seed + worker
    if spec.sampler == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    if spec.sampler == "grid":
        grid = {d.path: [d.encode(v) for v in d.grid()] for d in spec.space}
        return optuna.samplers.GridSampler(grid, seed=spec.seed)  # one shuffle, shared: workers take turns
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=min(10, max(2, spec.trials // 3)))


def pruner_for(spec: SweepSpec) -> optuna.pruners.BasePruner:
    if spec.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=2, n_warmup_steps=0)
    if spec.pruner == "asha":
        return optuna.pruners.SuccessiveHalvingPruner()
    return optuna.pruners.NopPruner()


StudyDirectionName = Literal["minimize", "maximize"]  # what SweepSpec.direction holds


def open_study(spec: SweepSpec, storage: Any, worker: int = 0) -> optuna.Study:
    """Create the study, or load it to continue; its spec and base config go with it, for joiners."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(study_name=spec.name, storage=storage, sampler=sampler_for(spec, worker),
                                pruner=pruner_for(spec), direction=cast(StudyDirectionName, spec.direction),
                                load_if_exists=True)
    if "spec" not in study.user_attrs:
        study.set_user_attr("spec", spec.text)
        study.set_user_attr("base", dumps(spec.base))
    return study


def join_study(storage: Any, name: str | None = None, worker: int = 0) -> tuple[optuna.Study, SweepSpec]:
    """A running sweep's study and spec, from its storage alone (another machine's worker)."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    names = [summary.study_name for summary in optuna.get_all_study_summaries(storage)]
    if name is None:
        if len(names) != 1:
            raise InputError(f"--join: the storage holds {len(names)} sweeps ({', '.join(names) or 'none'}); "
                             "name one with --name")
        name = names[0]
    elif name not in names:
        raise InputError(f"--join: no sweep named {name!r} in the storage (found: {', '.join(names) or 'none'})")
    loaded = optuna.load_study(study_name=name, storage=storage)
    if "spec" not in loaded.user_attrs:
        raise InputError(f"--join: {name!r} is not an nntui sweep")
    spec = parse_sweep(loaded.user_attrs["spec"], f"{name}.toml", base=loads(loaded.user_attrs["base"]))
    return open_study(spec, storage, worker), spec


def suggest(trial: optuna.Trial, spec: SweepSpec) -> dict[str, Any]:
    """One trial's values for the searched fields, as config values."""
    values = {}
    for d in spec.space:
        if d.choices:
            values[d.path] = d.decode(trial.suggest_categorical(d.path, [d.encode(c) for c in d.choices]))
            continue
        low, high = d.bounds  # a parsed spec gives every range both ends
        if d.integer:
            values[d.path] = trial.suggest_int(d.path, int(low), int(high), step=int(d.step or 1), log=d.log)
        else:
            values[d.path] = trial.suggest_float(d.path, low, high, step=d.step, log=d.log)
    return values


def counted(study: optuna.Study) -> int:
    return len(study.get_trials(deepcopy=False, states=COUNTED))


def worker_tag(pid: int | None = None) -> str:
    """How a trial names the process that runs it (its `worker` attribute): pid@host."""
    return f"{os.getpid() if pid is None else pid}@{socket.gethostname()}"


@dataclass
class Worker:
    """One process's part of a sweep: it runs trials until the sweep has its number, waiting out
    a storage that goes away for a while (see engine.sweep.storage)."""

    spec: SweepSpec
    study: optuna.Study
    folder: Path  # the sweep's folder: trial-NNNN run folders go in it
    interrupted: bool = False

    def run(self) -> None:
        import torch

        torch.set_num_threads(1)  # workers share the machine's cores, one each
        callback = optuna.study.MaxTrialsCallback(self.spec.trials, states=COUNTED)
        while not self.interrupted:
            remaining = self.spec.trials - patiently(lambda: counted(self.study))
            if remaining <= 0:
                return
            try:
                self.study.optimize(self.objective, n_trials=remaining, callbacks=[callback], catch=())
                return
            except (optuna.exceptions.StorageInternalError, UpdateFinishedTrialError) as err:
                if not isinstance(err, UpdateFinishedTrialError) and not is_outage(err):
                    raise
            # Optuna could not ask for, or tell, a trial while the storage was away (or another
            # worker failed ours as stale): fail what this process left running, and go on.
            patiently(lambda: fail_orphans(self.study, worker_tag()))

    def objective(self, trial: optuna.Trial) -> float:
        values = suggest(trial, self.spec)
        config = self.spec.config_for(values)  # a ConfigError fails the trial, naming the field
        folder = self.folder / f"trial-{trial.number:04d}"
        patiently(lambda: trial.set_user_attr("folder", str(folder)))
        patiently(lambda: trial.set_user_attr("worker", worker_tag()))

        def prune(value: float, epoch: int) -> bool:
            """Report the metric and ask the pruner; while the storage is away the trial trains on
            unpruned rather than wait (the loop's thread asks this)."""
            try:
                trial.report(value, epoch)
                return trial.should_prune()
            except optuna.exceptions.StorageInternalError as err:
                if not is_outage(err):
                    raise
                return False

        try:
            outcome = run_trial(config, folder, self.spec.metric, prune, title=f"{self.spec.name} #{trial.number}",
                                stop=lambda: self.interrupted)
        except KeyboardInterrupt:
            self.interrupted = True
            raise
        # Patient writes last: the trial ends with the storage reachable, so Optuna can tell its result.
        patiently(lambda: trial.set_user_attr("epochs", outcome.epochs))
        patiently(lambda: trial.set_user_attr("status", outcome.status))
        if self.interrupted or outcome.status == RunStatus.STOPPED:
            self.study.stop()
            return math.nan  # failed: an interrupted trial does not count, the next invocation retries
        if outcome.status == RunStatus.PRUNED:
            raise optuna.TrialPruned()
        return outcome.value if outcome.value is not None else math.nan


def best_config_text(spec: SweepSpec, study: optuna.Study) -> str | None:
    """The best completed trial's configuration as TOML (best.toml), or None before one."""
    try:
        best = study.best_trial
    except ValueError:
        return None
    return dumps(spec.config_for(spec.decoded(best.params)))


def work(folder: str, where: str, name: str | None = None, worker: int = 0) -> None:
    """A worker process's whole life (the target `nntui sweep --jobs N` starts N times, and
    `--join` once): open the study from its storage (the spec and base config are kept there) and
    run trials until it has its number; Ctrl+C ends the trial in hand at an epoch boundary,
    recorded as stopped."""
    storage = storage_for(where, "the sweep's storage")
    study, spec = patiently(lambda: join_study(storage, name, worker))
    try:
        Worker(spec, study, Path(folder)).run()
    except KeyboardInterrupt:
        pass
