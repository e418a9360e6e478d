"""The Runs view: every run in the runs folder with its status, newest first (the trainer's own
last run is simply the top entry). Picked runs (space) share one loss chart, a colour each, and
below it a table of only the configuration fields that differ between them; enter opens a run to
watch it or, stopped or crashed, to continue it. The folder is read in a worker thread, and a run
whose files did not change is not read again."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker, WorkerState

from engine.runs.compare import differing_fields, shown
from engine.runs.status import RunInfo, list_runs
from tui.render.runs_chart import run_colour, runs_chart, runs_legend
from tui.widgets.run_view import RunView
from tui.widgets.sweep_facts import SweepFacts, field_text, sweep_facts

REFRESH_S = 2.0  # the list follows live runs' epochs and statuses this often while shown
PICKED, UNPICKED = "●", " "


class RunsView(RunView, Vertical):
    """Fed from a runs folder; says Open(folder) when a run is to be opened."""

    class Open(Message):
        def __init__(self, folder: Path) -> None:
            super().__init__()
            self.folder = folder

    uses_keys = True
    BINDINGS = [Binding("space", "pick", "Pick", show=False), Binding("o", "sort", "Sort by metric", show=False)]

    def __init__(self, ascii_only: bool = False, parent_folder: Path | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.parent_folder = parent_folder or Path("runs")  # the app's runs folder
        self.ascii_only = ascii_only
        self.runs: list[RunInfo] = []
        self.picked: list[Path] = []  # in the order picked: the legend's order
        self._cache: dict = {}
        self.sweep: SweepFacts | None = None  # set when the folder is a sweep's: its trials, by metric
        self.by_metric = False

    def compose(self) -> ComposeResult:
        table: DataTable = DataTable(id="runs-table", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static(id="runs-chart")
        yield Static(id="runs-diff")

    def on_mount(self) -> None:
        self.sweep = sweep_facts(self.parent_folder)
        table = self.query_one(DataTable)
        labels = ["", "run", "status", "epochs", "best test", "acc", "data", "model", "started"]
        if self.sweep is not None:  # a sweep's trials: its metric first, and the searched fields
            labels[3:3] = [self.sweep.metric, *self.sweep.fields]
            self.by_metric = True
        for label in labels:
            table.add_column(label, key=label or "pick")
        self.set_interval(REFRESH_S, self.reload)
        self.reload()

    def take_keys(self) -> None:
        """Shown: the list takes the keys (arrows move, space picks, enter opens)."""
        self.query_one(DataTable).focus()

    # -- reading the folder ----------------------------------------------------------------------

    def reload(self) -> None:
        """Read the runs again, off the UI thread (only while the view is shown)."""
        if self.display or not self.runs:
            self.run_worker(lambda: list_runs(self.parent_folder, self._cache), thread=True, group="runs",
                            exclusive=True, exit_on_error=False, name="runs")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.state != WorkerState.SUCCESS:
            return
        if event.worker.group == "runs":
            self.show_runs(event.worker.result)
        elif event.worker.group == "histories":  # the chosen runs' long histories are read now
            self.redraw()

    def show_runs(self, runs: list[RunInfo]) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        if self.sweep is not None and self.by_metric:
            runs = self.sweep.ranked(runs)
        self.runs = runs
        present = {run.folder for run in runs}
        self.picked = [folder for folder in self.picked if folder in present]
        table.clear()
        best_run = self.sweep.best(runs) if self.sweep is not None else None  # once, not once a row
        for run in runs:
            table.add_row(*self._cells(run, best_run), key=str(run.folder))
        if runs:
            table.move_cursor(row=min(cursor, len(runs) - 1))
        else:
            self.query_one("#runs-chart", Static).update(Text(
                f"No runs in {self.parent_folder} yet: every run the trainer or `nntui run` trains is "
                "recorded there.", style="dim"))
        self.redraw()

    def _mark(self, run: RunInfo) -> Text:
        """The pick column: the run's colour when picked."""
        return Text(PICKED if run.folder in self.picked else UNPICKED,
                    style=f"color({run_colour(self.name_of(run))})" if not self.app.no_color else "bold")

    def _cells(self, run: RunInfo, best_run: RunInfo | None) -> list[Text | str]:
        """A row of the table; `best_run` is the sweep's best trial, marked in the metric column."""
        best = run.best
        mark = self._mark(run)
        started = datetime.fromtimestamp(run.started).strftime("%m-%d %H:%M") if run.started else "-"
        epochs = f"{run.epochs_done}" if run.foreign else f"{run.epochs_done}/{run.config.train.epochs}"
        cells: list[Text | str] = [mark, self.name_of(run), run.status, epochs,
                                   f"{best[0]:.4g} @ {best[1]}" if best else "-",
                                   "-" if run.final_accuracy is None else f"{run.final_accuracy:.1%}", run.source,
                                   run.model, started]
        if self.sweep is not None:
            value = run.final(self.sweep.metric)
            shown_value = Text("-" if value is None else f"{value:.4g}",
                               style="reverse bold" if best_run is not None and run.folder == best_run.folder else "")
            cells[3:3] = [shown_value, *(field_text(run, path) for path in self.sweep.fields)]
        return cells

    def name_of(self, run: RunInfo) -> str:
        """A run's name in the list: a TensorBoard run's folder below the runs folder
        (`exp1/version_0`), since Lightning names every experiment's runs alike."""
        if run.foreign:
            try:
                return str(run.folder.relative_to(self.parent_folder))
            except ValueError:
                pass
        return run.name

    def action_sort(self) -> None:
        """o (a sweep's trials): best metric first, or back to newest first."""
        if self.sweep is not None:
            self.by_metric = not self.by_metric
            self.show_runs(list_runs(self.parent_folder, self._cache))

    # -- picking and opening -------------------------------------------------------------------

    def current(self) -> RunInfo | None:
        table = self.query_one(DataTable)
        if not self.runs or table.cursor_row < 0 or table.cursor_row >= len(self.runs):
            return None
        return self.runs[table.cursor_row]

    def action_pick(self) -> None:
        """space: add the run under the cursor to the chart, or take it off."""
        run = self.current()
        if run is None:
            return
        if run.folder in self.picked:
            self.picked.remove(run.folder)
        else:
            self.picked.append(run.folder)
        table = self.query_one(DataTable)
        table.update_cell(str(run.folder), "pick", self._mark(run))
        self.redraw()

    def action_open(self) -> None:
        """enter (or its key in the key bar): open the run under the cursor."""
        run = self.current()
        if run is not None:
            self.post_message(self.Open(run.folder))

    def own_keys(self) -> list[tuple[str, str, str]]:
        """(key, what it does, this view's action) while the list has the keys: the key bar shows
        them in place of the trainer's own (space picks here; it does not run)."""
        keys = [("space", "Pick", "pick"), ("enter", "Open", "open")]
        return keys + ([("o", "Sort by metric", "sort")] if self.sweep is not None else [])

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """enter: open the run."""
        event.stop()
        self.post_message(self.Open(Path(str(event.row_key.value))))

    # -- the chart and the differences ---------------------------------------------------------

    def chosen(self) -> list[RunInfo]:
        """The picked runs, or the one under the cursor when none is picked."""
        by_folder = {run.folder: run for run in self.runs}
        picked = [by_folder[folder] for folder in self.picked if folder in by_folder]
        current = self.current()
        return picked or ([current] if current is not None else [])

    def redraw(self) -> None:
        chart = self.query_one("#runs-chart", Static)
        runs = self.chosen()
        if not runs:
            return
        width, height = chart.content_region.size
        if not width:
            return
        slow = [run for run in runs if not run.deferred.quick]
        if slow:  # a long history (a million epochs) is read off the UI's thread; drawn once it is
            self.run_worker(lambda: [run.history for run in slow], thread=True, group="histories", exclusive=True,
                            exit_on_error=False, name="histories")
            chart.update(Text(f"reading {', '.join(self.name_of(run) for run in slow)}...", style="dim"))
            return
        series = [(self.name_of(run), run.history) for run in runs]
        color = not self.app.no_color
        chart.update(Group(runs_legend(series, self.ascii_only, color),
                           runs_chart(series, width, max(height - 1, 1), ascii_only=self.ascii_only, color=color)),
                     layout=False)
        self.query_one("#runs-diff", Static).update(self.differences(runs))

    def differences(self, runs: list[RunInfo]) -> Text:
        if len(runs) < 2:
            return Text("Pick runs with space to compare them: the fields that differ show here.", style="dim")
        rows = differing_fields(runs)
        if not rows:
            return Text("The picked runs have the same configuration.", style="dim")
        width = max(len(path) for path, _ in rows)
        text = Text(no_wrap=True, end="")
        for index, (path, values) in enumerate(rows):
            text.append(("\n" if index else "") + path.ljust(width + 2), style="dim")
            for run, value in zip(runs, values):
                text.append(shown(value).ljust(12)[:12] + " ", style=f"color({run_colour(self.name_of(run))})"
                            if not self.app.no_color else "")
        return text

    def on_resize(self) -> None:
        self.redraw()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not self.picked:
            self.redraw()
