"""The trainer app: wiring only. Panels draw themselves (tui/widgets), dialogs live in
tui/screens, pure drawing in tui/render, keys in tui/keys; the shown run, its controls and its
state are one RunController's (tui/run_controller: recording in tui/run_host, showing its events in
tui/run_events), leaving is tui/quitting; the engine runs on its own daemon thread (or a watched run
in its folder) and reports into an EventBridge that a timer drains at a bounded rate. The phase and
status the metrics panel and the form's note show are reactives: their watchers redraw them."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.widget import Widget
from textual.worker import Worker

from engine.config.rules import start_lr
from engine.config.schema import RunConfig
from engine.loop.events import EpochEnded, FitScores
from engine.loop.live_run import Session
from engine.loop.run_state import RunState, is_live
from tui.bridge import EventBridge, RunFigures
from tui.error_log import log_path
from tui.keys import key_items, trainer_bindings, with_view_keys
from tui.lr_actions import LR_FINDER, apply_suggestion, put_suggestion, sweep
from tui.pacing import TICK_HZ, redraw_delay, tick_delay
from tui.panels import Panels
from tui.picking import picking_allowed
from tui.quitting import request_quit
from tui.render.command_line import command_line
from tui.render.foreign_text import foreign_note
from tui.render.status_text import form_note, phase
from tui.run_controller import RunController
from tui.run_host import RunHost
from tui.save_load import export_to_file, load_dialog, report_worker, save_dialog
from tui.screens.command import CommandDialog
from tui.screens.help import HelpScreen
from tui.tag_picking import pick_tags
from tui.widgets.config_form import ConfigForm
from tui.widgets.key_bar import KeyBar
from tui.widgets.lr_finder_view import LrFinderView
from tui.widgets.metrics import MetricsPanel
from tui.widgets.runs_view import RunsView
from tui.widgets.sweep_facts import sweep_facts
from tui.widgets.views import VIEWS, ViewPanel, ViewSettings


class AsciiScrollBar(ScrollBarRender):
    """Scroll bars of blanks (the thumb in reverse video), for --ascii."""

    VERTICAL_BARS = [" "] * 8
    HORIZONTAL_BARS = [" "] * 8


@dataclass(frozen=True)
class Readings:
    """What the metrics panel shows beside the phase and status: a change of any redraws it."""

    latest: EpochEnded | None = None
    last_test: tuple[float, float | None] | None = None
    scores: FitScores | None = None
    warnings: tuple[str, ...] = ()
    upcoming: tuple[float, str] | None = None  # the lr and schedule the next run starts with


class NNTuiApp(App):
    """One run (its controller), one form, the live views."""

    CSS_PATH = "nntui.tcss"
    TITLE = "nntui"
    AUTO_FOCUS = None
    ENABLE_COMMAND_PALETTE = False
    HORIZONTAL_BREAKPOINTS = [(0, "-single"), (70, "-narrow"), (140, "-wide")]  # -single: one pane at a time
    BINDINGS = trainer_bindings(VIEWS)

    # What the metrics panel and the form's note show, set by each tick; their watchers redraw them.
    phase = var("", init=False)  # the run's state as shown (tui.render.status_text.phase: loading first)
    status = var("", init=False)  # how the shown run ended (the controller's, as last shown)
    readings: var[Readings | None] = var(None, init=False)  # the figures, warnings and upcoming lr the panel shows
    run_state: var[tuple[int, str]] = var((0, ""), init=False)  # (which run shown, its state): locks the form

    def __init__(self, config: RunConfig, ascii_only: bool = False, session_options: dict | None = None,
                 host: RunHost | None = None, watch: Path | None = None, read_only: bool = False,
                 runs_first: bool = False):
        super().__init__()
        self.ascii_only = ascii_only
        self.runs_first = runs_first  # open on the Runs view (a sweep's folder always does)
        self.controller = RunController(self, config, host or RunHost(), session_options or {}, watch, read_only)
        self.initial = self.session.config
        self._next_slow = 0.0  # perf_counter time of the next chart and boundary redraw
        self._ui_cpu = time.thread_time()  # the UI thread's CPU time at the last tick
        ScrollBar.renderer = AsciiScrollBar if ascii_only else ScrollBarRender  # one app per process
        self.panels_held = False  # on_mount has held the panels (form, metrics, views, keys, ...)

    def compose(self) -> ComposeResult:
        self._apply_breakpoint()  # on the empty screen: set later, it restyles every widget (~30 ms)
        self.set_class(self.ascii_only, "-ascii")  # (before the widgets draw: Choice and FeatureToggles read it)
        with Horizontal(id="main", classes="-on-views"):
            yield ConfigForm(self.initial, id="form")
            with Vertical(id="right"):
                yield MetricsPanel(id="metrics")
                yield ViewPanel(ViewSettings(self.ascii_only, self.host.runs_folder), id="view-panel")
        yield KeyBar(id="keys")

    def on_mount(self) -> None:
        # Held once: `query_one` searches the top screen, which may be a dialog.
        panels = Panels.of(self)
        self.form, self.metrics, self.views, self.keys = panels.form, panels.metrics, panels.views, panels.keys
        self.chart, self.output, self.summary = panels.chart, panels.output, panels.summary
        self.log_view, self.network = panels.log, panels.network
        self.panels_held = True
        self.controller.attach(panels, after_start=self.tick)
        self.summary.plan(self.initial)
        self.controller.label_output(self.initial)
        sweep = sweep_facts(self.host.runs_folder) is not None  # opened on a sweep's folder: its trials
        if sweep:
            self.views.set_title("runs", "Sweep")
        if sweep or self.runs_first:
            self.action_show_view(next(i for i, view in enumerate(VIEWS) if view.id == "runs"))
        self.set_timer(1 / TICK_HZ, self._timed_tick)
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

    def _timed_tick(self) -> None:
        """The timer's tick, which sets the next: at TICK_HZ, or later while training when the
        UI thread's last ticks cost more than its share (tui.pacing)."""
        self.tick()
        cpu = time.thread_time()
        spent, self._ui_cpu = cpu - self._ui_cpu, cpu
        self.set_timer(tick_delay(spent, self.session.state == RunState.RUNNING), self._timed_tick)

    def tick(self) -> None:
        """Drain the engine's events and redraw what changed."""
        if not self.is_running or not self.form.is_attached:  # shutting down: widgets are being removed
            return
        run = self.controller
        run.drain()
        state, figures, config = self.session.state, self.bridge.figures, self.session.config
        upcoming = (start_lr(config), config.train.schedule)  # shown before the first epoch
        self.phase, self.status = phase(state, run.started), run.status
        self.readings = Readings(figures.latest, figures.last_test, figures.scores, run.warnings, upcoming)
        self.run_state = (run.runs_shown, state)
        now = time.perf_counter()
        if state != RunState.RUNNING or now >= self._next_slow:
            self._redraw_views(figures)
            cost = time.perf_counter() - now
            self._next_slow = now + redraw_delay(cost)

    def watch_phase(self) -> None:
        self._show_figures()

    def watch_status(self) -> None:
        self._show_figures()

    def watch_readings(self) -> None:
        self._show_figures()

    def _show_figures(self) -> None:
        """The metrics panel, the form's note and the chart's wait, for the phase, status and readings shown."""
        figures, config, shown = self.bridge.figures, self.session.config, self.phase
        readings = self.readings or Readings()
        self.metrics.show(shown, self.status, figures, config.train.epochs, self.ascii_only, readings.warnings,
                          readings.upcoming)
        epoch = figures.latest.epoch if figures.latest else 0
        self.form.note(foreign_note(self.status) if self.form.foreign else
                       form_note(shown, self.status, epoch, config.train.schedule))
        self.chart.wait_for(shown if shown in ("loading", "idle", "finished") else "running")

    def watch_run_state(self, run_state: tuple[int, str]) -> None:
        """Only the lr is open while a run trains (unless a schedule sets it)."""
        state, config = run_state[1], self.session.config
        live = is_live(state) and config.train.schedule == "none"
        self.form.set_locked(state == RunState.RUNNING, {"train.lr": config.train.lr} if live else {})

    def _redraw_views(self, figures: RunFigures) -> None:
        """The chart and the views with something new, where shown: a hidden view is drawn when it is shown."""
        chart = self.chart
        followed = chart.follow(self.session.history, figures.lr_changes, figures.best_mark)
        if chart.list_tags(self.controller.tag_listing()) | followed and self.views.in_sight("loss"):
            chart.redraw()
        self.views.redraw_due()
        self.session.boundary_size = self.output.grid_size

    # -- the run: the controller's ------------------------------------------------------

    @property
    def session(self) -> Session:
        """The shown run's session (read from the controller, as are `bridge` and `host`)."""
        return self.controller.session

    @property
    def bridge(self) -> EventBridge:
        return self.controller.bridge

    @property
    def host(self) -> RunHost:
        return self.controller.host

    def action_toggle(self) -> None:
        self.controller.toggle()

    def action_step(self) -> None:
        self.controller.step()

    def action_reset(self) -> None:
        self.controller.reset()

    def action_stop(self) -> None:
        self.controller.stop()

    def on_config_form_changed(self, event: ConfigForm.Changed) -> None:
        self.controller.form_changed(event)

    def on_runs_view_open(self, event: RunsView.Open) -> None:
        if self.controller.open_folder(event.folder):
            self.action_show_view(0)

    def let_go(self) -> None:
        """The trainer's part in the shown run ends (on the way out, or a signal): RunController.let_go."""
        self.controller.let_go()

    # -- files, command line, help, quit ----------------------------------------------

    def action_save(self) -> None:
        if not self.controller.refused_for_foreign("save"):
            save_dialog(self.controller)  # (it says when there is nothing to save yet)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker(self.controller, event.worker)

    def action_load(self) -> None:
        if self.session.state == RunState.RUNNING:
            self.notify("Pause or stop training before loading a config.", severity="warning")
            return
        load_dialog(self.controller)

    def action_export(self) -> None:
        if not self.controller.refused_for_foreign("export as a script"):
            export_to_file(self.controller)

    def action_command(self) -> None:
        if self.controller.refused_for_foreign("show as a command line"):
            return
        config = self.form.config_or_none() or self.session.config
        command = command_line(config)
        self.copy_to_clipboard(command)
        self.log_view.add([f"$ {command}"])
        self.push_screen(CommandDialog(command))

    def action_help(self) -> None:
        self.push_screen(HelpScreen(self.BINDINGS, self.views.titles, self.ascii_only, str(log_path())))

    async def action_quit(self) -> None:
        """q and Ctrl+Q (Textual's own quit key): ask first while a run is not saved."""
        request_quit(self.controller)

    # -- views, panes and toggles ------------------------------------------------------

    def key_items(self) -> list:
        """What the key bar shows now: a view's own keys first while its list has the keys."""
        items = key_items(self.BINDINGS, VIEWS, self.views.offers, self.screen_stack[0].has_class("-single"))
        owner = self.views.keys_owner(self.focused)
        return with_view_keys(items, owner.own_keys()) if owner is not None else items

    async def action_view_key(self, action: str) -> None:
        """A click on a view's own key in the key bar: the view's action, as its key runs it."""
        owner = self.views.keys_owner(self.focused)
        if isinstance(owner, Widget):
            await self.run_action(action, owner)

    def on_descendant_focus(self) -> None:
        if self.panels_held:  # (focus moves while the panels mount)
            self.keys.refresh(layout=True)  # a view's list took the keys, or gave them back

    def on_descendant_blur(self) -> None:
        if self.panels_held:
            self.keys.refresh(layout=True)

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

    def action_pick_tags(self) -> None:
        pick_tags(self.controller, lambda: self.action_show_view(0))

    def action_test_points(self) -> None:
        self.output.toggle_test()

    def action_discrete(self) -> None:
        self.output.toggle_discrete()

    def action_lr_find(self) -> None:
        sweep(self.controller, self._lr_finder())

    def action_apply_lr(self) -> None:
        apply_suggestion(self.controller, self._lr_finder())

    def on_lr_finder_view_apply(self, event: LrFinderView.Apply) -> None:
        put_suggestion(self.controller, event.lr)

    def _lr_finder(self) -> LrFinderView:
        """The LR finder's view, brought into sight."""
        self.action_show_view(next(i for i, view in enumerate(VIEWS) if view.id == LR_FINDER))
        finder = self.views.view(LR_FINDER)
        assert isinstance(finder, LrFinderView)
        return finder

    def action_pick_neuron(self, layers: int, units: int) -> None:
        """Arrows in the Network view: pick a unit, drawn large in the Boundary view."""
        self.controller.pick(self.network.move(layers, units))

    def action_show_output(self) -> None:
        """o: the Boundary view draws the model's output again."""
        self.network.unpick()
        self.controller.pick(None)

    def action_leave_form(self) -> None:
        self.screen.set_focus(None)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """The trainer's keys do nothing while a dialog is open (but quitting asks, or leaves); the
        arrows and o only where tui.picking allows."""
        if action in ("pick_neuron", "show_output") and self.panels_held:
            return len(self.screen_stack) == 1 and picking_allowed(self.focused, self.controller.panels, action)
        return len(self.screen_stack) == 1 or action == "quit"

    def on_unmount(self) -> None:
        self.let_go()


def make_app(config: RunConfig, ascii_only: bool = False, session_options: dict | None = None,
             host: RunHost | None = None, watch: Path | None = None, read_only: bool = False,
             runs_first: bool = False) -> NNTuiApp:
    """The one factory: the CLI, the pilot tests and the snapshots all build the app here. `host`
    says where runs are recorded (the default: ./runs, or $NNTUI_RUNS_DIR); `watch` opens a run
    folder instead of a fresh run; `runs_first` opens on the Runs view."""
    return NNTuiApp(config, ascii_only=ascii_only, session_options=session_options, host=host, watch=watch,
                    read_only=read_only, runs_first=runs_first)
