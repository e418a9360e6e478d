"""The number of processes a run trained on (`nntui run --nproc-per-node N`) is part of its folder:
the start record's `world_size`. A resume on another number is refused before any process starts
(the samples are dealt out by it), a plain `--resume` continues on the recorded number, and
`nntui runs` and `compare` show it where it is not 1. A folder of several processes is made here
by editing a one-process run's start record: what these tests check happens before torchrun
starts anything (tests/test_torchrun_run.py launches the ranks)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.presets import preset_config
from engine.errors import InputError
from engine.loop.sharded_epochs import samples_field
from tests.helpers import assert_one_line_exit
from tui.cli.main import app
from tui.cli.torchrun import resumed_nproc
from tui.run_host import RunHost

runner = CliRunner()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A completed one-process xor run of 5 epochs, recorded by `nntui run --save`."""
    folder = tmp_path_factory.mktemp("recorded") / "run"
    result = runner.invoke(app, ["run", "--preset", "xor", "--epochs", "5", "--save", str(folder)])
    assert result.exit_code == 0, result.output
    return folder


def _starts(folder: Path) -> list[dict]:
    lines = (folder / "events.jsonl").read_text(encoding="utf-8").splitlines()
    return [record for record in map(json.loads, lines) if record["event"] == "start"]


def _on(recorded: Path, tmp_path: Path, world_size: object, name: str = "run") -> Path:
    """A copy of the recorded run whose start record says it trained on `world_size` processes."""
    folder = tmp_path / name
    shutil.copytree(recorded, folder)
    events = folder / "events.jsonl"
    records = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    for record in records:
        if record["event"] == "start":
            record["world_size"] = world_size
    events.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return folder


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_a_one_process_run_records_a_world_size_of_1(recorded: Path) -> None:
    """The start record of a plain `nntui run` says it trained on one process."""
    assert [start["world_size"] for start in _starts(recorded)] == [1]


def test_resume_on_another_number_of_processes_is_refused_naming_both(recorded: Path, tmp_path: Path) -> None:
    """A run of 2 processes resumed with --nproc-per-node 3: one line naming 2 and 3, exit 2, and
    the folder as it was."""
    folder = _on(recorded, tmp_path, 2)
    before = _files(folder)
    result = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "10", "--nproc-per-node", "3"])
    assert_one_line_exit(result, 2, "--nproc-per-node:", "trained on 2 processes",
                         "--nproc-per-node 3 would resume it on 3", "resume it with --nproc-per-node 2")
    assert _files(folder) == before


def test_resume_of_a_one_process_run_on_several_is_refused(recorded: Path, tmp_path: Path) -> None:
    """A one-process run is not continued on 2 processes: its batches would change mid-run."""
    folder = _on(recorded, tmp_path, 1)
    result = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "10", "--nproc-per-node", "2"])
    assert_one_line_exit(result, 2, "trained on 1 process and", "resume it without --nproc-per-node")


def test_resume_counts_the_processes_of_every_machine(recorded: Path, tmp_path: Path) -> None:
    """--nproc-per-node 2 on --nnodes 2 machines is 4 processes, not the run's 2."""
    folder = _on(recorded, tmp_path, 2)
    result = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "10", "--nproc-per-node", "2",
                                 "--nnodes", "2", "--rdzv-endpoint", "node1:29400"])
    assert_one_line_exit(result, 2, "--nproc-per-node 2 --nnodes 2 would resume it on 4")


def test_a_plain_resume_continues_on_the_recorded_number_of_processes() -> None:
    """No --nproc-per-node: a run of 2 processes continues on 2, a run of one on one; a range of
    machines is left to the ranks, which check the number they met with."""
    assert resumed_nproc(2, None, None, "run") == 2
    assert resumed_nproc(1, None, None, "run") is None
    assert resumed_nproc(4, 2, "2", "run") == 2
    assert resumed_nproc(4, 3, "1:4", "run") == 3


def test_a_damaged_world_size_is_refused_naming_the_key(recorded: Path, tmp_path: Path) -> None:
    """A start record whose world_size is not a whole number >= 1: --resume says so, exit 2."""
    folder = _on(recorded, tmp_path, "two")
    result = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "10"])
    assert_one_line_exit(result, 2, "events.jsonl", "world_size: must be a whole number >= 1", "'two'")


def test_runs_shows_the_world_size_where_it_is_not_1(recorded: Path, tmp_path: Path) -> None:
    """`nntui runs` adds the ranks to a run's model where there were several, and --json gives every run's."""
    _on(recorded, tmp_path, 2, "several")
    _on(recorded, tmp_path, 1, "single")
    rows = {line.split()[0]: line for line in runner.invoke(app, ["runs", str(tmp_path)]).output.splitlines()}
    assert "mlp 8-8 (2 ranks)" in rows["several"] and "ranks" not in rows["single"]
    listed = [json.loads(line) for line in runner.invoke(app, ["runs", str(tmp_path), "--json"]).output.splitlines()]
    assert {run["name"]: run["world_size"] for run in listed} == {"several": 2, "single": 1}


def test_compare_shows_the_world_size_only_where_a_run_had_several(recorded: Path, tmp_path: Path) -> None:
    """A world_size row appears when one of the runs trained on several processes, not otherwise."""
    several, single = _on(recorded, tmp_path, 2, "several"), _on(recorded, tmp_path, 1, "single")
    other = _on(recorded, tmp_path, 1, "other")
    shown = runner.invoke(app, ["compare", str(several), str(single)]).output.splitlines()
    assert [line.split() for line in shown if line.startswith("world_size")] == [["world_size", "2", "1"]]
    assert not [line for line in runner.invoke(app, ["compare", str(single), str(other)]).output.splitlines()
                if line.startswith("world_size")]


def test_the_trainer_will_not_continue_a_run_of_several_processes(recorded: Path, tmp_path: Path) -> None:
    """The trainer is one process: continuing a 2-process run there says to use nntui run --resume."""
    folder = _on(recorded, tmp_path, 2)
    with pytest.raises(InputError, match="trained on 2 processes under torchrun; continue it with nntui run --resume"):
        RunHost(tmp_path / "runs").continue_run(folder, preset_config("xor"), lambda event: None)


@pytest.mark.parametrize(("dataset", "field"), [("csv", "data.paths"), ("module", "data.module"),
                                                ("xor", "data.samples")])
def test_too_few_samples_to_share_out_name_the_field_that_holds_them(dataset: str, field: str) -> None:
    """A table's rows come from its files, a Dataset's from its module, a synthetic set's from data.samples."""
    assert samples_field(dataset) == field


def test_a_resume_on_more_processes_than_gpus_is_pointed_at_the_cpu(recorded: Path, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A 2-process run resumed on a machine with one GPU: fewer processes would change the run, so
    the line says to resume on the CPU, not to use fewer."""
    import torch

    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    folder = _on(recorded, tmp_path, 2)
    result = runner.invoke(app, ["run", "--resume", str(folder), "--epochs", "10"])
    assert_one_line_exit(result, 2, "2 processes need a GPU each and this machine has 1",
                         "use device cpu (the run resumes on as many processes)")


def test_a_listed_run_of_several_processes_names_its_ranks_after_the_model(recorded: Path, tmp_path: Path) -> None:
    """What `nntui runs` and the trainer's Runs view show as the model: the ranks where several."""
    from engine.runs.status import read_run

    assert read_run(_on(recorded, tmp_path, 3, "three")).model == "mlp 8-8 (3 ranks)"
    assert read_run(_on(recorded, tmp_path, 1, "one")).model == "mlp 8-8"
