"""The Network view for the user's own module: drawn layer by layer where it is a stack of Linear
layers (the README's examples/net.py:MLP), and otherwise a plain sentence saying why not."""

from __future__ import annotations

from pathlib import Path

from engine.config.build import with_values
from engine.config.presets import preset_config
from tests.own_code.files import write
from tests.tui.conftest import STEADY, run_async, screen_text, settle
from tests.tui.test_network_view import NETWORK_KEY
from tui.app import make_app
from tui.run_host import RunHost

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "net.py"
SKIP = """
from torch import nn


class Skip(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc, self.out = nn.Linear(2, 2), nn.Linear(2, 1)

    def forward(self, x):
        return self.out(self.fc(x) + x)
"""


def _app(module: str):
    config = with_values(preset_config("circle"), {
        "train.epochs": 5, "train.loss": "bce_logits", "model.output_activation": "none",
        "model.kind": "module", "model.module": module})
    return make_app(config, session_options=STEADY, host=RunHost(record=False))


async def _network_text(pilot, app) -> str:
    await pilot.press("space")
    await settle(pilot, app)
    await pilot.press(NETWORK_KEY)
    await pilot.pause()
    return screen_text(app)


@run_async
async def test_a_user_module_that_is_a_stack_of_linear_layers_is_drawn_like_nntui_s_mlp(tmp_path: Path,
                                                                                      monkeypatch) -> None:
    """examples/net.py:MLP (torch.relu in its forward) shows rows in, h1 and out, the arrows offered."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", EXAMPLES.read_text(encoding="utf-8"))
    app = _app("net.py:MLP")
    async with app.run_test(size=(100, 32)) as pilot:
        text = await _network_text(pilot, app)
        assert all(f" {label} " in text for label in ("in", "h1", "out"))
        assert "arrows Pick unit" in str(app.keys.render())


@run_async
async def test_a_user_module_with_a_skip_connection_is_not_drawn_and_the_view_says_why(tmp_path: Path,
                                                                                     monkeypatch) -> None:
    """The view names the module and the reason in place of the drawing."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "net.py", SKIP)
    app = _app("net.py:Skip")
    async with app.run_test(size=(140, 40)) as pilot:
        await _network_text(pilot, app)
        shown = " ".join(str(app.network.render()).split())
    assert shown == ("The Network view draws a stack of Linear layers and activations used in order; net.py:Skip "
                     "is not one: its forward is not a single chain of layers: the output of x is used 2 times "
                     "(a skip connection?).")
