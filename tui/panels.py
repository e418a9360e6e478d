"""The trainer's panels that show a run, found once the app is mounted and handed to what shows
the run (tui.run_controller, tui.run_events): held, because `query_one` searches the top screen,
which may be a dialog by the time a run's event comes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from textual.app import App

from tui.widgets.config_form import ConfigForm
from tui.widgets.epoch_log import EpochLog
from tui.widgets.key_bar import KeyBar
from tui.widgets.loss_chart import LossChart
from tui.widgets.metrics import MetricsPanel
from tui.widgets.model_summary import ModelSummary
from tui.widgets.network_view import NetworkView
from tui.widgets.output_view import OutputView
from tui.widgets.run_view import RunView
from tui.widgets.views import ViewPanel

V = TypeVar("V", bound=RunView)


@dataclass(frozen=True)
class Panels:
    """The form, the metrics, the views (and the five a run's events feed) and the key bar."""

    form: ConfigForm
    metrics: MetricsPanel
    views: ViewPanel
    keys: KeyBar
    chart: LossChart
    output: OutputView
    summary: ModelSummary
    log: EpochLog
    network: NetworkView

    @classmethod
    def of(cls, app: App) -> Panels:
        """The mounted app's panels."""
        views = app.query_one(ViewPanel)
        return cls(app.query_one(ConfigForm), app.query_one(MetricsPanel), views, app.query_one(KeyBar),
                   _view(views, "loss", LossChart), _view(views, "output", OutputView),
                   _view(views, "model", ModelSummary), _view(views, "log", EpochLog),
                   _view(views, "network", NetworkView))


def _view(views: ViewPanel, view_id: str, kind: type[V]) -> V:
    widget = views.view(view_id)
    assert isinstance(widget, kind)
    return widget
