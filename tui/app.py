"""The trainer app: wiring only. Panels draw themselves (tui/widgets), dialogs live in
tui/screens, pure drawing in tui/render; the engine runs on its own daemon thread and reports
into an EventBridge that a timer drains at a bounded rate."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, Vertical
from textual.widgets import Tab, Tabs
from textual.worker import Worker

from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.loop.events import RunFailed, RunFinished, RunStarted, Snapshot
from engine.loop.session import TrainingSession
from tui.bridge import EventBridge
from tui.pacing import TICK_HZ, redraw_delay, tick_delay
from tui.render.command_line import command_line
from tui.render.run_text import start_lines
from tui.screens.confirm import ConfirmQuit
from tui.screens.error import ErrorScreen
from tui.screens.help import HelpScreen
from tui.widgets.config_form import ConfigForm
from tui.widgets.epoch_log import EpochLog
from tui.widgets.key_bar import KeyBar
from tui.widgets.loss_chart import LossChart
from tui.widgets.metrics import MetricsPanel
from tui.widgets.model_summary import ModelSummary
from tui.widgets.output_view import OutputView

NOTES = {
    "idle": "Edit the fields, then press space to train.",
    "running": "Training: fields are locked except lr (next epoch). Pause (space) to edit the rest.",
    "paused": "Paused: edits apply on reset (r); lr applies at the next epoch.",
    "finished": "Finished: edits apply to the next run (space or r).",
}


class NNTuiApp(App):
    """One session, one form, the live views."""

    CSS_PATH = "nntui.tcss"
    TITLE = "nntui"
    AUTO_FOCUS = None
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("space", "toggle", "Run/pause", key_display="space", priority=True),
        Binding("n", "step", "Step"),
        Binding("r", "reset", "Reset"),
        Binding("s", "stop", "Stop"),
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+o", "load", "Load"),
        Binding("c", "command", "Cmd"),
        Binding("e", "export", "Export"),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("q", "request_quit", "Quit"),
        Binding("l", "log_scale", "Log y"),
        Binding("t", "test_points", "Test pts"),
        Binding("d", "discrete", "Hard"),
        Binding("escape", "leave_form", "", show=False),
    ]

    def __init__(self, config: RunConfig, ascii_only: bool = False, session_options: dict | None = None):
        super().__init__()
        self.ascii_only = ascii_only
        self.initial = config
        self.bridge = EventBridge()
        self.session = TrainingSession(config, self.bridge, **(session_options or {}))
        self.status = ""  # how the last run ended
        self._shown: tuple = ()
        self._state = ""
        self._next_slow = 0.0  # perf_counter time of the next chart and boundary redraw
        self._ui_cpu = time.thread_time()  # the UI thread's CPU time at the last tick

    def compose(self) -> ComposeResult:
        self._apply_breakpoint()  # on the empty screen: set later, it restyles every widget (~30 ms)
        with Horizontal(id="main"):
            yield ConfigForm(self.initial, id="form")
            with Vertical(id="right"):
                yield MetricsPanel(id="metrics")
                yield Tabs(Tab("Loss", id="loss"), Tab("Boundary", id="output"), Tab("Model", id="model"),
                           Tab("Log", id="log"), id="view-tabs")
                with Container(id="views", classes="-show-loss"):
                    yield LossChart(self.ascii_only, id="loss-view", classes="view")
                    yield OutputView(self.ascii_only, id="output-view", classes="view")
                    yield ModelSummary(id="model-view", classes="view")
                    yield EpochLog(id="log-view", classes="view")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        # Held once: `query_one` searches the top screen, which may be a dialog.
        self.form, self.metrics = self.query_one(ConfigForm), self.query_one(MetricsPanel)
        self.chart, self.output = self.query_one(LossChart), self.query_one(OutputView)
        self.summary, self.log_view = self.query_one(ModelSummary), self.query_one(EpochLog)
        self.summary.plan(self.initial)
        self._label_output(self.initial)
        self.set_timer(1 / TICK_HZ, self._timed_tick)
        self.tick()

    def _apply_breakpoint(self) -> None:
        """Textual sets the width class (-narrow, -wide) at the first resize, after the first frame,
        which was therefore laid out with neither (every view shown at once). Set it before."""
        width = self.size.width
        chosen = max((point for point in self.HORIZONTAL_BREAKPOINTS if width >= point[0]), default=None)
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.screen.set_class(chosen is not None and name == chosen[1], name)

    # -- the bounded-rate redraw -------------------------------------------------------

    def _timed_tick(self) -> None:
        """The timer's tick, which sets the next: at TICK_HZ, or later while training when the
        UI thread's last ticks cost more than its share."""
        self.tick()
        cpu = time.thread_time()
        spent, self._ui_cpu = cpu - self._ui_cpu, cpu
        self.set_timer(tick_delay(spent, self.session.state == "running"), self._timed_tick)

    def tick(self) -> None:
        """Drain the engine's events and redraw what changed."""
        if not self.is_running or not self.form.is_attached:  # shutting down: widgets are being removed
            return
        events, lines = self.bridge.drain()
        ends = [e for e in events if isinstance(e, (RunFinished, RunFailed))]
        for event in events:
            if event not in ends:
                self.handle(event)
        if lines:
            self.log_view.add(lines)
        for event in ends:  # after the last epoch's line
            self.handle(event)
        state, figures = self.session.state, self.bridge.figures
        shown = (state, self.status, figures.latest, figures.last_test)
        if shown != self._shown:
            self._shown = shown
            self.metrics.show(state, self.status, figures, self.session.config.train.epochs,
                                              self.ascii_only)
        if state != self._state:
            self._state = state
            form = self.form
            form.set_locked(state == "running")
            form.note(NOTES[state])
        now = time.perf_counter()
        if state != "running" or now >= self._next_slow:
            self._redraw_views(figures.lr_changes)
            cost = time.perf_counter() - now
            self._next_slow = now + redraw_delay(cost)

    def _redraw_views(self, lr_changes: tuple[int, ...]) -> None:
        """The chart and the boundary, where shown: a hidden tab is drawn when it is opened."""
        chart, output = self.chart, self.output
        if chart.follow(self.session.history, lr_changes) and chart.display:
            chart.redraw()
        if output.dirty and output.display:
            output.redraw()
        self.session.boundary_size = output.grid_size

    def handle(self, event) -> None:
        log = self.log_view
        if isinstance(event, RunStarted):
            self.output.begin(event)
            self.summary.built(event)
            log.add([*start_lines(event), *(f"warning: {w}" for w in event.warnings)])
        elif isinstance(event, Snapshot):
            self.output.take(event)
        elif isinstance(event, RunFinished):
            self.status = event.status
            log.add([f"Run {event.status} after {event.epoch} epochs. {event.message}".strip()])
            if event.status == "diverged":
                self.notify(event.message, title="Diverged", severity="warning", timeout=8)
        elif isinstance(event, RunFailed):
            self.status = "failed"
            log.add([f"Run failed: {event.error}"])
            self.push_screen(ErrorScreen(event.error, event.details))

    # -- run controls ------------------------------------------------------------------

    def form_config(self) -> RunConfig | None:
        """The form's configuration, or None after saying why it cannot run."""
        try:
            return self.form.config()
        except ConfigError as err:
            reason = "; ".join(f"{p.path}: {p.message}" for p in err.problems)
            self.notify(f"Cannot start: {reason}", title="Invalid setup", severity="error", timeout=8)
            return None

    def fresh_run(self, config: RunConfig) -> None:
        """Reset the session to `config`, keeping the old curve faint on the chart."""
        self.session.reset(config)
        self.bridge.clear()
        self.status = ""
        self.chart.new_run()
        self.output.clear()
        self.summary.plan(config)
        self._label_output(config)

    def begin(self, one_epoch: bool) -> None:
        config = self.form_config()
        if config is None:
            return
        if self.session.state == "finished" or config != self.session.config:
            self.fresh_run(config)
        self.session.step() if one_epoch else self.session.start()
        self.tick()

    def action_toggle(self) -> None:
        if self.session.state in ("running", "paused"):
            self.session.toggle()
        else:
            self.begin(one_epoch=False)

    def action_step(self) -> None:
        if self.session.state in ("running", "paused"):
            self.session.step()
        else:
            self.begin(one_epoch=True)

    def action_reset(self) -> None:
        config = self.form_config()
        if config is not None:
            self.fresh_run(config)
            self.notify("Fresh weights; press space to train.", title="Reset", timeout=3)

    def action_stop(self) -> None:
        if self.session.state in ("running", "paused"):
            self.session.stop()

    def on_config_form_changed(self, event: ConfigForm.Changed) -> None:
        """The learning rate reaches a live run at its next epoch; other edits wait for reset."""
        if event.config is None:
            return
        if event.path == "train.lr" and self.session.state in ("running", "paused"):
            if event.config.train.lr != self.session.config.train.lr:
                self.session.set_lr(event.config.train.lr)
                self.log_view.add([f"lr -> {event.config.train.lr:g} from the next epoch"])
        elif self.session.state == "idle":
            self.summary.plan(event.config)
            self._label_output(event.config)

    # -- files, command line, help, quit ----------------------------------------------

    # The file dialogs and the command dialog are imported when first used: a tenth of the
    # trainer's imports, off its first screen.
    def action_save(self) -> None:
        from tui.save_load import save_dialog

        save_dialog(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        from tui.save_load import report_worker

        report_worker(self, event.worker)

    def action_load(self) -> None:
        if self.session.state == "running":
            self.notify("Pause or stop training before loading a config.", severity="warning")
            return
        from tui.save_load import load_dialog

        load_dialog(self)

    def action_export(self) -> None:
        from tui.save_load import export_to_file

        export_to_file(self)

    def action_command(self) -> None:
        config = self.form.config_or_none() or self.session.config
        command = command_line(config)
        self.copy_to_clipboard(command)
        self.log_view.add([f"$ {command}"])
        from tui.screens.command import CommandDialog

        self.push_screen(CommandDialog(command))

    def action_help(self) -> None:
        self.push_screen(HelpScreen([b for b in self.BINDINGS if isinstance(b, Binding)]))

    def action_request_quit(self) -> None:
        if self.session.state in ("running", "paused"):
            self.push_screen(ConfirmQuit(), lambda yes: self.shutdown() if yes else None)
        else:
            self.shutdown()

    def shutdown(self) -> None:
        """Stop the engine (it checks the flag every batch) and leave at once."""
        self.session.stop()
        self.exit()

    # -- view toggles and tabs ---------------------------------------------------------

    def action_log_scale(self) -> None:
        self.chart.toggle_log()

    def action_test_points(self) -> None:
        self.output.toggle_test()

    def action_discrete(self) -> None:
        self.output.toggle_discrete()

    def action_leave_form(self) -> None:
        self.screen.set_focus(None)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The trainer's keys do nothing while a dialog is open."""
        return len(self.screen_stack) == 1 or action in ("request_quit",)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        views = self.screen_stack[0].query_one("#views")
        views.set_classes(f"-show-{event.tab.id}")
        self.call_after_refresh(self._redraw_shown)

    def _redraw_shown(self) -> None:
        if self.chart.display:
            self.chart.redraw()
        if self.output.display:
            self.output.redraw()

    def _label_output(self, config: RunConfig) -> None:
        self.screen_stack[0].query_one("#output", Tab).label = OutputView.title(config)

    def on_unmount(self) -> None:
        self.session.stop()


def make_app(config: RunConfig, ascii_only: bool = False, session_options: dict | None = None) -> NNTuiApp:
    """The one factory: the CLI, the pilot tests and the snapshots all build the app here."""
    return NNTuiApp(config, ascii_only=ascii_only, session_options=session_options)
