"""The trainer app: wiring only. Panels draw themselves (tui/widgets), dialogs live in
tui/screens, pure drawing in tui/render, keys in tui/keys, run events in tui/run_events and
leaving in tui/quitting; the engine runs on its own daemon thread and reports into an
EventBridge that a timer drains at a bounded rate."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.worker import Worker

from engine.config.problems import ConfigError
from engine.config.schema import RunConfig
from engine.loop.events import RunFailed, RunFinished
from engine.loop.session import TrainingSession
from tui.bridge import EventBridge
from tui.error_log import log_path
from tui.keys import key_items, trainer_bindings
from tui.picking import apply_pick, picking_allowed
from tui.quitting import request_quit
from tui.render.command_line import command_line
from tui.render.status_text import form_note, phase
from tui.run_events import handle
from tui.save_load import export_to_file, load_dialog, report_worker, save_dialog
from tui.screens.command import CommandDialog
from tui.screens.help import HelpScreen
from tui.widgets.config_form import ConfigForm
from tui.widgets.key_bar import KeyBar
from tui.widgets.metrics import MetricsPanel
from tui.widgets.output_view import OutputView
from tui.widgets.views import VIEWS, ViewPanel

TICK_HZ = 10  # metrics and log: 15 Hz cost the engine about 10 % more throughput than 10 Hz (2 cores)
SLOW_PERIOD = 0.4  # chart and boundary at most at 2.5 Hz while training; each redraw is 5-30 ms of GIL
REDRAW_SHARE = 0.04  # and less often where a redraw is dear (a large chart), so the engine keeps 96 %
MAX_REDRAW_PERIOD = 1.5  # but at least this often: a first draw (imports) or a slow one must not freeze them


class AsciiScrollBar(ScrollBarRender):
    """Scroll bars of blanks (the thumb in reverse video), for --ascii."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


class NNTuiApp(App):
    """One session, one form, the live views."""

    CSS_PATH = "nntui.tcss"
    TITLE = "nntui"
    AUTO_FOCUS = None
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-single"), (70, "-narrow"), (140, "-wide")]  # -single: one pane at a time
    BINDINGS = trainer_bindings(VIEWS)

    def __init__(self, config: RunConfig, ascii_only: bool = False, session_options: dict | None = None):
        super().__init__()
        self.ascii_only = ascii_only
        self.initial = config
        self.bridge = EventBridge()
        self.session = TrainingSession(config, self.bridge, **(session_options or {}))
        self.status = ""  # how the last run ended
        self.started = False  # the session's run has reported its start (torch and the data are loaded)
        self.warnings: tuple[str, ...] = ()  # the run's setup warnings, shown under the metrics
        self.saved_epoch: int | None = None  # the epoch of the run's last save
        self.last_saved: str | None = None  # the folder of the last save
        self._shown: tuple = ()
        self._state = ""
        self._next_slow = 0.0  # perf_counter time of the next chart and boundary redraw
        ScrollBar.renderer = AsciiScrollBar if ascii_only else ScrollBarRender  # one app per process

    def compose(self) -> ComposeResult:
        with Horizontal(id="main", classes="-on-views"):
            yield ConfigForm(self.initial, id="form")
            with Vertical(id="right"):
                yield MetricsPanel(id="metrics")
                yield ViewPanel(self.ascii_only, id="view-panel")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        self.set_class(self.ascii_only, "-ascii")
        self._apply_breakpoint()
        # Held once: `query_one` searches the top screen, which may be a dialog.
        self.form, self.metrics = self.query_one(ConfigForm), self.query_one(MetricsPanel)
        self.views, self.keys = self.query_one(ViewPanel), self.query_one(KeyBar)
        self.chart, self.output = self.views.widget("loss"), self.views.widget("output")
        self.summary, self.log_view = self.views.widget("model"), self.views.widget("log")
        self.network = self.views.widget("network")
        self.summary.plan(self.initial)
        self._label_output(self.initial)
        self.set_interval(1 / TICK_HZ, self.tick)
        self.tick()

    def _apply_breakpoint(self) -> None:
        """Textual sets the width class (-single, -narrow, -wide) at the first resize, after the first
        frame, which was therefore laid out with none of them. Set it before."""
        width = self.size.width
        chosen = max((point for point in self.HORIZONTAL_BREAKPOINTS if width >= point[0]), default=None)
        for _, name in self.HORIZONTAL_BREAKPOINTS:
            self.screen.set_class(chosen is not None and name == chosen[1], name)

    def on_resize(self) -> None:
        """The key bar keeps only the essential keys at a small size."""
        self.call_after_refresh(lambda: self.screen_stack[0].query(KeyBar).refresh(layout=True))

    # -- the bounded-rate redraw -------------------------------------------------------

    def tick(self) -> None:
        """Drain the engine's events and redraw what changed."""
        if not self.is_running or not self.form.is_attached:  # shutting down: widgets are being removed
            return
        events, lines = self.bridge.drain()
        ends = [e for e in events if isinstance(e, (RunFinished, RunFailed))]
        for event in events:
            if event not in ends:
                handle(self, event)
        if lines:
            self.log_view.add(lines)
        for event in ends:  # after the last epoch's line
            handle(self, event)
        state, figures = self.session.state, self.bridge.figures
        shown = phase(state, self.started)
        if (shown, self.status, figures.latest, figures.last_test, figures.scores, self.warnings) != self._shown:
            self._shown = (shown, self.status, figures.latest, figures.last_test, figures.scores, self.warnings)
            self.metrics.show(shown, self.status, figures, self.session.config.train.epochs, self.ascii_only,
                              self.warnings)
            self.form.note(form_note(shown, self.status, figures.latest.epoch if figures.latest else 0))
            self.chart.wait_for("loading" if shown == "loading" else "running" if state != "idle" else "idle")
        if state != self._state:
            self._state = state
            live = {"train.lr": self.session.config.train.lr} if state in ("running", "paused") else {}
            self.form.set_locked(state == "running", live)
        now = time.perf_counter()
        if state != "running" or now >= self._next_slow:
            self._redraw_views(figures.lr_changes)
            cost = time.perf_counter() - now
            self._next_slow = now + min(max(SLOW_PERIOD, cost / REDRAW_SHARE), MAX_REDRAW_PERIOD)

    def _redraw_views(self, lr_changes: tuple[int, ...]) -> None:
        """The chart and the views with something new, where shown: a hidden view is drawn when it is shown."""
        chart = self.chart
        if chart.follow(self.session.history, lr_changes) and self.views.in_sight("loss"):
            chart.redraw()
        self.views.redraw_due()
        self.session.boundary_size = self.output.grid_size

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
        """Reset the session to `config`: the views start afresh."""
        self.session.reset(config)
        self.bridge.clear()
        self.status, self.started, self.warnings, self.saved_epoch = "", False, (), None
        self.chart.new_run()
        self.views.tell("clear")
        apply_pick(self, None)
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
                self.form.run_values["train.lr"] = event.config.train.lr
                self.log_view.add([f"lr -> {event.config.train.lr:g} from the next epoch"])
        elif self.session.state == "idle":
            self.summary.plan(event.config)
            self._label_output(event.config)

    # -- files, command line, help, quit ----------------------------------------------

    def action_save(self) -> None:
        if self.session.trainer is None:
            self.notify("Nothing to save yet: start a run first.", severity="warning")
        else:
            save_dialog(self)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker(self, event.worker)

    def action_load(self) -> None:
        if self.session.state == "running":
            self.notify("Pause or stop training before loading a config.", severity="warning")
            return
        load_dialog(self)

    def action_export(self) -> None:
        export_to_file(self)

    def action_command(self) -> None:
        config = self.form.config_or_none() or self.session.config
        command = command_line(config)
        self.copy_to_clipboard(command)
        self.log_view.add([f"$ {command}"])
        self.push_screen(CommandDialog(command))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.BINDINGS, self.views.titles, self.ascii_only, str(log_path())))

    async def action_quit(self) -> None:
        """q and Ctrl+Q (Textual's own quit key): ask first while a run is not saved."""
        request_quit(self)

    def shutdown(self) -> None:
        """Stop the engine (it checks the flag every batch) and leave at once."""
        self.session.stop()
        self.exit()

    # -- views, panes and toggles ------------------------------------------------------

    def key_items(self) -> list:
        """What the key bar shows now."""
        return key_items(self.BINDINGS, VIEWS, self.views.offers, self.screen_stack[0].has_class("-single"))

    def action_show_view(self, index: int) -> None:
        self.query_one("#main").set_classes("-on-views")
        self.views.show(index)
        self.keys.refresh(layout=True)

    def action_cycle_view(self, delta: int) -> None:
        self.action_show_view(self.views.active + delta)

    def action_show_form(self) -> None:
        """0: the form's pane (one pane at a time below 70 columns), and the keys into its first field."""
        self.query_one("#main").set_classes("-on-form")
        self.keys.refresh(layout=True)
        self.call_after_refresh(self.form.focus_first)

    def action_log_scale(self) -> None:
        self.chart.toggle_log()

    def action_test_points(self) -> None:
        self.output.toggle_test()

    def action_discrete(self) -> None:
        self.output.toggle_discrete()

    def action_pick_neuron(self, layers: int, units: int) -> None:
        """Arrows in the Network view: pick a unit, drawn large in the Boundary view."""
        apply_pick(self, self.network.move(layers, units))

    def action_show_output(self) -> None:
        """o: the Boundary view draws the model's output again."""
        self.network.unpick()
        apply_pick(self, None)

    def action_leave_form(self) -> None:
        self.screen.set_focus(None)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The trainer's keys do nothing while a dialog is open (but quitting asks, or leaves); the
        arrows and o only where tui.picking allows."""
        if action in ("pick_neuron", "show_output") and hasattr(self, "network"):
            return len(self.screen_stack) == 1 and picking_allowed(self, action)
        return len(self.screen_stack) == 1 or action == "quit"

    def _label_output(self, config: RunConfig) -> None:
        self.views.set_title("output", OutputView.title(config))
        self.output.boundary = OutputView.title(config) == "Boundary"
        self.keys.refresh(layout=True)  # the boundary's keys come and go with it

    def on_unmount(self) -> None:
        self.session.stop()


def make_app(config: RunConfig, ascii_only: bool = False, session_options: dict | None = None) -> NNTuiApp:
    """The one factory: the CLI, the pilot tests and the snapshots all build the app here."""
    return NNTuiApp(config, ascii_only=ascii_only, session_options=session_options)
