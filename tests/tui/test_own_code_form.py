"""The form takes the user's own nn.Module: kind `module`, the module field completing the file's
names and listing them, one row per argument of the class with its default and type hint, an
edited argument in the configuration, and the run training it live."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from engine.config.build import with_values
from engine.config.presets import preset_config
from tests.tui.conftest import STEADY, run_async, settle
from tui.app import make_app
from tui.run_host import RunHost
from tui.widgets.code_suggester import CodeSuggester
from tui.widgets.config_form import ConfigForm

# The example file the README trains (its MLP takes inputs, hidden, outputs), and a plain function.
NET = (Path(__file__).parents[2] / "examples" / "net.py").read_text(encoding="utf-8") + """

def helper():
    return 1
"""


def _app():
    config = with_values(preset_config("circle"), {"train.epochs": 30, "train.loss": "bce_logits",
                                                   "model.output_activation": "none"})
    return make_app(config, session_options=STEADY, host=RunHost(record=False))


async def _choose_module(pilot, app, text: str) -> ConfigForm:
    form = app.query_one(ConfigForm)
    app.query_one("#field-model-kind").value = "module"
    await pilot.pause()
    app.query_one("#field-model-module", Input).value = text
    await pilot.pause()
    return form


def test_the_module_field_completes_the_file_and_then_its_module_classes_first(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    suggester = CodeSuggester("model.module")
    assert suggester.complete("ne") == "net.py"
    assert suggester.complete("net.py:") == "net.py:SimpleNN"
    assert suggester.complete("net.py:M") == "net.py:MLP"
    assert suggester.complete("net.py:h") == "net.py:helper"


@run_async
async def test_a_user_module_s_arguments_become_rows_and_the_run_trains_it(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    app = _app()
    async with app.run_test(size=(100, 40)) as pilot:
        form = await _choose_module(pilot, app, "net.py:MLP")
        assert not form.rows["model.hidden"].display and not form.rows["model.args"].display
        assert "in net.py: SimpleNN, MLP, helper" in str(app.query_one("#field-model-module-names").render())
        hidden = app.query_one("#arg-model-hidden", Input)
        assert hidden.value == "8" and hidden.placeholder == "int"
        hidden.value = "5"
        await pilot.pause()
        assert form.values["model.args"] == {"hidden": 5}
        app.screen.set_focus(None)
        await pilot.press("space")
        await settle(pilot, app)
        assert app.session.result.status == "completed"
        await pilot.press("3")
        await pilot.pause()
        assert "out_features=5" in str(app.query_one("#summary-text").render())


@run_async
async def test_an_argument_no_configuration_can_hold_is_marked_and_start_refused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "net.py").write_text(NET, encoding="utf-8")
    app = _app()
    async with app.run_test(size=(100, 40)) as pilot:
        form = await _choose_module(pilot, app, "net.py:MLP")
        hidden = app.query_one("#arg-model-hidden", Input)
        hidden.value = "[[[1]]]"
        await pilot.pause()
        assert hidden.has_class("-invalid")
        assert "hidden: lists nest at most 2 deep" in str(app.query_one("#field-model-args-error").render())
        assert form.config_or_none() is None
        app.screen.set_focus(None)
        await pilot.press("space")
        await pilot.pause()
        assert app.session.state == "idle"
