"""The Loss view of a watched TensorBoard run: its tags listed with their figures, and g picking
which pair of tags is drawn (Pilot-driven, on a log folder written by SummaryWriter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config.schema import RunConfig
from tests.tui.conftest import record_notices, run_async, screen_text, wait_for
from tui.app import make_app
from tui.run_host import RunHost
from tui.screens.choice_menu import ChoiceMenu

pytest.importorskip("tensorboard")
from tests.tensorboard_logs import write_tagged_run  # noqa: E402


def legend(app) -> str:
    """The loss chart's legend line as on screen ("" while none is drawn)."""
    return next((line for line in screen_text(app).splitlines() if "linear" in line), "")


def watching(tmp_path: Path):
    return make_app(RunConfig(), host=RunHost(tmp_path / "runs"), watch=write_tagged_run(tmp_path / "logs" / "demo"))


@run_async
async def test_the_loss_view_lists_every_tag_with_its_last_minimum_and_maximum(tmp_path: Path):
    """Each tag's row under the chart, and the curves named by the tags they draw."""
    app = watching(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: len(app.session.history) == 6)
        await wait_for(lambda: "Accuracy/test" in screen_text(app))
        await pilot.pause()
        text = screen_text(app)
        row = next(line for line in text.splitlines() if "Loss/test " in line and ".." in line)
        assert row.split()[-4:] == ["0.3333", "0.3333", "2.0000", "1..6"]  # last, min, max, steps
        assert "Loss/train" in legend(app)
        assert "g Tags" in text.replace("  ", " ")
        assert app.bridge.figures.lr_changes == ()  # no lr tag: no lr change marked at every step


@run_async
async def test_g_picks_the_pair_of_tags_the_loss_view_draws(tmp_path: Path):
    """g lists the pairs; picking Accuracy/train + Accuracy/test draws those tags from then on."""
    app = watching(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: len(app.session.history) == 6)
        await pilot.press("4", "g")  # from the Log view: g brings the Loss view in front
        assert app.views.active_id == "loss"
        await pilot.pause()
        assert isinstance(app.screen, ChoiceMenu)
        assert app.screen.options == ("Loss/train + Loss/test", "Accuracy/train + Accuracy/test")
        await pilot.press("down", "enter")
        await wait_for(lambda: len(app.session.history) == 6 and app.session.history.test_loss[-1] == pytest.approx(
            0.31))
        assert list(app.session.history.train_loss) == pytest.approx([0.5 + s / 100 for s in range(1, 7)])
        await wait_for(lambda: "Accuracy/train" in legend(app), timeout=5)
        assert app.controller.tag_listing().drawn.label == "Accuracy/train + Accuracy/test"


def metrics_panel(app) -> str:
    return next(line for line in screen_text(app).splitlines() if "best test" in line)


@run_async
async def test_an_accuracy_pair_drawn_shows_its_highest_test_value_as_the_best(tmp_path: Path):
    """Accuracy/test climbs from 0.26 at step 1 to 0.31 at step 6: its best is the last, not the first."""
    app = watching(tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(lambda: len(app.session.history) == 6)
        assert app.bridge.figures.best_test == (pytest.approx(1 / 3), 6)  # Loss/test: the lowest
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("down", "enter")
        await wait_for(lambda: len(app.session.history) == 6 and app.bridge.figures.latest is not None
                       and app.bridge.figures.latest.epoch == 6)
        assert app.bridge.figures.best_test == (pytest.approx(0.31), 6)
        await wait_for(lambda: "best test 0.3100 @ 6" in metrics_panel(app), timeout=5)


@run_async
async def test_a_run_without_an_lr_tag_shows_no_lr_rather_than_nan(tmp_path: Path):
    app = watching(tmp_path)
    async with app.run_test(size=(120, 40)):
        await wait_for(lambda: len(app.session.history) == 6)
        await wait_for(lambda: "best test 0.3333 @ 6" in metrics_panel(app), timeout=5)
        assert "nan" not in metrics_panel(app) and metrics_panel(app).rstrip().endswith("lr -")


@run_async
async def test_g_on_the_trainer_own_run_says_there_are_no_tags(tmp_path: Path, monkeypatch):
    """An nntui run has no TensorBoard tags: g says so and opens nothing."""
    monkeypatch.setenv("NNTUI_RUNS_DIR", str(tmp_path / "runs"))
    app = make_app(RunConfig(), host=RunHost(tmp_path / "runs"))
    async with app.run_test(size=(120, 40)) as pilot:
        said = record_notices(app)
        await pilot.press("g")
        await pilot.pause()
        assert not isinstance(app.screen, ChoiceMenu)
        assert any("Only a watched TensorBoard run" in notice.message for notice in said)


@run_async
async def test_at_80_columns_a_tags_steps_are_shown_whole_or_not_at_all(tmp_path: Path):
    """Where the view is too narrow for the steps column, it is left out rather than cut: a run of
    steps 1..200 never reads `1..2`."""
    app = make_app(RunConfig(), host=RunHost(tmp_path / "runs"),
                   watch=write_tagged_run(tmp_path / "logs" / "long", steps=200))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(lambda: len(app.session.history) == 200)
        await wait_for(lambda: "Loss/test" in screen_text(app))
        await pilot.pause()
        rows = [line for line in screen_text(app).splitlines() if "Loss/t" in line and "0.0" in line]
        assert rows and all(row.split()[-1] in ("1..200", "2.0000", "1.0000") for row in rows), rows
