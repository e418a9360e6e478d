"""`nntui sweep SWEEP.toml`: an Optuna study of recorded runs, in --jobs worker processes on this
machine (--join adds workers from another one), with a live table of the trials and the best
trial's configuration written as best.toml. Optuna is the `sweep` extra."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from tui.cli.exit_codes import EXIT_INTERRUPTED, EXIT_USAGE
from tui.cli.options import NO_VALUE, RunsDirOption, fail
from tui.cli.sweep_workers import WorkerWatch, worker_main
from tui.render.aligned import aligned

POLL_S = 0.5


def sweep_command(
    file: Annotated[Optional[Path], typer.Argument(help="the sweep file ([sweep], [space], [fields])",
                                                   show_default=False)] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, max=64, help="worker processes on this machine "
                                      "(one torch thread each)")] = 1,
    storage: Annotated[Optional[str], typer.Option("--storage", help="an RDB URL for the study (sqlite:///sweep.db, "
                                                   "postgresql://...; default: journal.log in the sweep folder)",
                                                   show_default=False)] = None,
    join: Annotated[Optional[str], typer.Option("--join", help="add workers to a running sweep: its --storage URL "
                                                "or journal file", show_default=False)] = None,
    name: Annotated[Optional[str], typer.Option("--name", help="with --join: which sweep, where the storage "
                                                "holds several", show_default=False)] = None,
    runs_dir: RunsDirOption = None,
    json_output: Annotated[bool, typer.Option("--json", help="one JSON object per finished trial, then the best",
                                              metavar=NO_VALUE)] = False,
) -> None:
    """Search configurations with an Optuna study: each trial a recorded run under runs/<sweep>/."""
    try:
        import optuna  # noqa: F401
    except ImportError:
        raise fail("sweeps need Optuna: pip install 'nntui[sweep]'") from None
    from engine.errors import InputError
    from engine.runs.layout import runs_dir as chosen_runs
    from engine.sweep import study as sweeps

    if (file is None) == (join is None):
        raise fail("sweep: give a sweep file, or --join URL to add workers to a running sweep")
    from optuna.exceptions import StorageInternalError

    from engine.sweep.storage import reason, redacted
    try:
        if join is not None:
            where = join
            study, spec = sweeps.join_study(sweeps.storage_for(join, "--join"), name)
            folder = chosen_runs(runs_dir) / spec.name
            folder.mkdir(parents=True, exist_ok=True)
        else:
            spec, folder, where = _new_or_continued(file, storage, chosen_runs(runs_dir))  # type: ignore[arg-type]
            study = sweeps.open_study(spec, sweeps.storage_for(where, "--storage" if storage else "the sweep's journal"))
    except InputError as err:
        raise fail(str(err)) from None
    except StorageInternalError as err:
        raise fail(f"{'--join' if join else '--storage'} {redacted(where)}: {reason(err)}") from None
    code = _run_workers(study, spec, folder, where, jobs, json_output)
    raise typer.Exit(code)


def _new_or_continued(file: Path, storage: str | None, parent: Path):
    """The spec, its sweep folder (a copy of the file inside) and the storage to use; the same file
    again continues its sweep, another one with the same name is refused."""
    from engine.errors import InputError
    from engine.files.atomic import write_text_atomic
    from engine.runs.layout import SWEEP_SPEC
    from engine.sweep.spec import load_sweep
    from engine.sweep.study import JOURNAL

    spec = load_sweep(file)
    folder = parent / spec.name
    kept = folder / SWEEP_SPEC
    if kept.exists() and kept.read_text(encoding="utf-8") != spec.text:
        raise InputError(f"{folder} holds another sweep named {spec.name!r} (its {SWEEP_SPEC} differs); give this one "
                         "another sweep.name")
    folder.mkdir(parents=True, exist_ok=True)
    if not kept.exists():
        write_text_atomic(kept, spec.text)
    return spec, folder, storage or str(folder / JOURNAL)


def _run_workers(study: Any, spec: Any, folder: Path, where: str, jobs: int, json_output: bool) -> int:
    """Start the workers, show the trials until they are done, then the best (best.toml)."""
    import multiprocessing

    from engine.errors import InputError
    from engine.sweep.journal import journal_damage
    from engine.sweep.storage import patiently

    context = multiprocessing.get_context("spawn")  # fork after torch's threads start is unsafe
    first = 0 if jobs and not _joining(where, folder) else os.getpid() % 10_000  # joiners seed apart
    workers = [context.Process(target=worker_main, args=(str(folder), where, spec.name, first + index))
               for index in range(jobs)]
    for worker in workers:
        worker.start()
    table = TrialTable(spec, json_output, sys.stdout.isatty())
    watch = WorkerWatch(study, workers)
    interrupted = False
    try:
        while any(worker.is_alive() for worker in workers):
            watch.check()
            table.show(watch.trials())
            time.sleep(POLL_S)
        watch.check()
    except Exception:
        damage = journal_damage(where)  # the journal was damaged under the running sweep
        if damage is None:
            raise
        for worker in workers:
            worker.join(30)
        print(f"nntui: error: {damage}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt:
        interrupted = True
        for worker in workers:  # a Ctrl+C from a terminal reached them too; a signal to us alone did not
            if worker.is_alive() and worker.pid is not None:
                os.kill(worker.pid, signal.SIGINT)
        print("\nInterrupted: each worker stops its trial at an epoch boundary (run the same command to "
              "continue the sweep)", file=sys.stderr, flush=True)
        for worker in workers:
            worker.join(120)
    try:
        table.show(patiently(lambda: study.get_trials(deepcopy=False), waiting=watch.unreachable))
        return table.finish(study, folder) if not interrupted else EXIT_INTERRUPTED
    except InputError as err:  # the storage stayed away
        print(f"nntui: error: {err}", file=sys.stderr, flush=True)
        return 1
    except Exception:
        damage = journal_damage(where)
        if damage is None:
            raise
        print(f"nntui: error: {damage}", file=sys.stderr, flush=True)
        return 1


class TrialTable:
    """The trials as a table redrawn in place on a terminal, or one line per finished trial."""

    def __init__(self, spec: Any, json_output: bool, live: bool):
        self.spec, self.json_output, self.live = spec, json_output, live and not json_output
        self.reported: set[int] = set()
        self.drawn = 0

    def rows(self, trials: list[Any]) -> list[list[str]]:
        rows = [["trial", "status", *(d.path.split(".")[1] for d in self.spec.space), self.spec.metric, "epochs"]]
        for trial in trials:
            value = trial.value if trial.value is not None else (
                trial.intermediate_values[max(trial.intermediate_values)] if trial.intermediate_values else None)
            epochs = trial.user_attrs.get("epochs") or (max(trial.intermediate_values) if trial.intermediate_values
                                                        else 0)
            rows.append([str(trial.number), trial.user_attrs.get("status") or trial.state.name.lower(),
                         *(_cell(trial.params.get(d.path)) for d in self.spec.space),
                         "-" if value is None else f"{value:.4g}", str(epochs)])
        return rows

    def show(self, trials: list[Any]) -> None:
        if not self.live and not self.json_output and not self.reported and any(t.state.is_finished() for t in trials):
            print("  ".join(self.rows([])[0]), flush=True)
        if self.live:
            lines = aligned(self.rows(trials))
            sys.stdout.write((f"\x1b[{self.drawn}F\x1b[J" if self.drawn else "") + "\n".join(lines) + "\n")
            sys.stdout.flush()
            self.drawn = len(lines)
            return
        for trial in trials:
            if trial.state.is_finished() and trial.number not in self.reported:
                self.reported.add(trial.number)
                if self.json_output:
                    print(json.dumps(_trial_dict(trial)), flush=True)
                else:
                    print("  ".join(self.rows([trial])[1]), flush=True)

    def finish(self, study: Any, folder: Path) -> int:
        from engine.files.atomic import write_text_atomic
        from engine.runs.layout import SWEEP_BEST
        from engine.sweep.study import best_config_text, counted

        text = best_config_text(self.spec, study)
        best_path = folder / SWEEP_BEST
        if text is not None:
            write_text_atomic(best_path, text)
        if self.json_output:
            best = study.best_trial if text is not None else None
            print(json.dumps({"event": "finished", "trials": counted(study), "metric": self.spec.metric,
                              "best": _trial_dict(best) if best else None,
                              "best_config": str(best_path) if text else None}), flush=True)
        elif text is not None:
            best = study.best_trial
            print(f"Best: trial {best.number}, {self.spec.metric} {best.value:.6g} "
                  f"({', '.join(f'{k}={_cell(v)}' for k, v in best.params.items())}); its configuration is "
                  f"{best_path} (nntui run --config {best_path})", flush=True)
        else:
            print("No trial completed: nothing to call best.", file=sys.stderr, flush=True)
        done = counted(study)
        if text is not None and done < self.spec.trials:  # its workers died before the sweep had its number
            print(f"The sweep has {done} of its {self.spec.trials} trials: run the same command (or --join) to "
                  "continue it.", file=sys.stderr, flush=True)
            return 1
        return 0 if text is not None else EXIT_USAGE if not study.trials else 1


def _joining(where: str, folder: Path) -> bool:
    """Whether these workers join a sweep started elsewhere (its storage is not this folder's journal)."""
    from engine.sweep.study import JOURNAL

    return Path(where).resolve() != (folder / JOURNAL).resolve() if "://" not in where else True


def _cell(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, float) else "-" if value is None else str(value)


def _trial_dict(trial: Any) -> dict[str, Any]:
    import math

    value = trial.value if trial.value is not None and math.isfinite(trial.value) else None
    return {"event": "trial", "number": trial.number, "status": trial.user_attrs.get("status") or
            trial.state.name.lower(), "params": trial.params, "value": value,
            "epochs": trial.user_attrs.get("epochs"), "folder": trial.user_attrs.get("folder")}
