"""The trainer watching a TensorBoard run written by another program: the form shows what it
knows of the run instead of a setup to edit, and every key that would act on the run says it
cannot (Pilot-driven, on a log folder written by SummaryWriter)."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.config.schema import RunConfig
from tests.tui.conftest import record_notices, run_async, screen_text, wait_for
from tui.app import make_app
from tui.run_host import RunHost

pytest.importorskip("tensorboard")
from tests.tensorboard_logs import write_tagged_run  # noqa: E402


def watching(tmp_path: Path):
    folder = write_tagged_run(tmp_path / "logs" / "demo", hparams={"lr": 0.05, "batch_size": 32})
    return make_app(RunConfig(), host=RunHost(tmp_path / "runs"), watch=folder)


async def said_for(pilot, app, keys: tuple[str, ...]) -> list[str]:
    """What each key says (its one notice), once the run has been read, key by key."""
    await wait_for(lambda: len(app.session.history) == 6)
    said = record_notices(app)
    messages = []
    for key in keys:
        await pilot.press(key)
        await pilot.pause()
        messages.append(said[-1].message if said else "")
    assert len(said) == len(keys), "a key said nothing, or more than one thing"
    return messages


def form_text(app) -> str:
    """The form's column of the screen."""
    return "\n".join(line[:30] for line in screen_text(app).splitlines())


@run_async
async def test_the_form_shows_the_run_is_foreign_with_its_hparams_and_no_fields(tmp_path: Path):
    """No preset, no fields: the run's kind, its hparams and the way out."""
    app = watching(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(lambda: len(app.session.history) == 6)
        await pilot.pause()
        text = form_text(app)
        assert "TensorBoard run" in text and "nntui only watches it" in text
        assert "batch_size  32" in text and "lr" in text and "0.0500" in text
        assert "preset" not in text and "hidden" not in text and "optimizer" not in text
        await pilot.press("0", "tab")  # into the form: nothing there takes the keys
        assert app.focused is None


@run_async
async def test_every_control_key_says_a_foreign_run_cannot_be_controlled(tmp_path: Path):
    """space, n and s on the ended run: each says so; nothing starts and the folder is unchanged."""
    app = watching(tmp_path)
    before = sorted(path.name for path in (tmp_path / "logs" / "demo").iterdir())
    async with app.run_test(size=(100, 40)) as pilot:
        said = await said_for(pilot, app, ("space", "n", "s"))
        assert all("cannot be controlled" in message for message in said)
        assert app.controller.foreign
    assert sorted(path.name for path in (tmp_path / "logs" / "demo").iterdir()) == before


@run_async
async def test_command_export_and_save_say_a_foreign_run_has_no_setup(tmp_path: Path, monkeypatch):
    """c, e and ctrl+s would show the hidden form's setup as the run's: each says there is none."""
    monkeypatch.chdir(tmp_path)
    app = watching(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        said = await said_for(pilot, app, ("c", "e", "ctrl+s"))
        assert all("no nntui setup" in message for message in said)
        assert len(app.screen_stack) == 1
    assert not list(tmp_path.glob("train_*.py"))


@run_async
async def test_r_leaves_the_foreign_run_and_brings_the_fields_back(tmp_path: Path):
    """A fresh run of the trainer's own: the form's fields show again, as they were."""
    app = watching(tmp_path)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_for(lambda: len(app.session.history) == 6)
        await pilot.press("r")
        await pilot.pause()
        text = form_text(app)
        assert "preset" in text and "optimizer" in text and "TensorBoard run" not in text
        assert not app.controller.foreign


@run_async
async def test_the_form_follows_hparams_and_tags_that_arrive_while_watched(tmp_path: Path):
    """A script that declares its hparams after its first step: the form shows them once written."""
    from torch.utils.tensorboard import SummaryWriter
    from torch.utils.tensorboard.summary import hparams

    writer = SummaryWriter(str(tmp_path / "live"))
    writer.add_scalar("loss/train", 1.0, 1)
    writer.flush()
    app = make_app(RunConfig(), host=RunHost(tmp_path / "runs"), watch=tmp_path / "live")
    async with app.run_test(size=(100, 40)):
        await wait_for(lambda: "1 scalar tag:" in form_text(app))
        for summary in hparams({"width": 64}, {"hp_metric": 0.0}):
            writer.file_writer.add_summary(summary)
        writer.add_scalar("loss/test", 2.0, 1)
        writer.flush()
        await wait_for(lambda: "width  64" in form_text(app) and "2 scalar tags" in form_text(app))
    writer.close()
