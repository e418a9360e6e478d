"""`nntui watch LOGDIR` on a TensorBoard log folder of several runs: the trainer opens on the Runs
view listing them (by their folder below LOGDIR), and enter watches the one under the cursor."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from engine.config.schema import RunConfig
from tests.tui.conftest import run_async, screen_text, wait_for
from tui.app import make_app
from tui.cli.main import app as cli
from tui.run_host import RunHost

pytest.importorskip("tensorboard")
from tests.tensorboard_logs import write_tagged_run  # noqa: E402


def lightning_like(logdir: Path) -> list[Path]:
    """Two experiments, each with the `version_0` run Lightning's logger names alike."""
    return [write_tagged_run(logdir / name / "version_0", steps=steps) for name, steps in (("exp1", 4), ("exp2", 6))]


def opened_with(monkeypatch, *args: str) -> dict:
    """What `nntui watch ARGS` would open the trainer on (its run_watch call's arguments)."""
    import tui.launch

    called: dict = {}
    monkeypatch.setattr(tui.launch, "run_watch", lambda folder, **options: called.update(folder=folder, **options))
    result = CliRunner().invoke(cli, ["watch", *args])
    assert result.exit_code == 0, result.output
    return called


def test_watch_on_a_log_folder_of_several_runs_opens_on_its_runs(tmp_path, monkeypatch) -> None:
    """The Runs view first, listing the log folder, with its newest run watched meanwhile."""
    runs = lightning_like(tmp_path / "logs")
    opened = opened_with(monkeypatch, str(tmp_path / "logs"))
    assert opened["runs_first"] is True and opened["runs_dir"] == tmp_path / "logs"
    assert opened["folder"] in runs


def test_watch_on_a_log_folder_of_one_run_opens_that_run(tmp_path, monkeypatch) -> None:
    """One run below the log folder: nothing to choose, so its Loss view first."""
    [run] = [write_tagged_run(tmp_path / "logs" / "exp1" / "version_0")]
    opened = opened_with(monkeypatch, str(tmp_path / "logs"))
    assert opened["folder"] == run and opened["runs_first"] is False


@run_async
async def test_the_runs_view_lists_the_log_folder_and_enter_watches_a_run(tmp_path: Path):
    """exp1/version_0 and exp2/version_0 listed by their folders; enter on the other one watches it."""
    logdir = tmp_path / "logs"
    first, second = lightning_like(logdir)
    app = make_app(RunConfig(), host=RunHost(logdir), watch=second, runs_first=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: "exp1/version_0" in screen_text(app) and "exp2/version_0" in screen_text(app))
        assert app.views.active_id == "runs"
        await wait_for(lambda: app.focused is not None)  # the list takes the keys once drawn
        runs = app.views.view("runs")
        while runs.current().folder != first:
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(lambda: getattr(app.session, "folder", None) == first and len(app.session.history) == 4)
        assert app.views.active_id == "loss" and app.controller.foreign
