"""The help screen: every key of the trainer, the views and how to switch them, how the form and
its choosers behave, what the symbols mean. It scrolls from the keyboard (arrows, page keys,
Home, End), so all of it can be read at 80x24."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.render.symbols import symbols_help

NOTES: tuple[tuple[str, tuple[str, ...]], ...] = (  # (heading, paragraphs): the dialog wraps them
    ("The form", (
        "Tab moves through the fields (0 jumps into the form); Enter or Escape gives the keys back to the trainer, "
        "so that letters act as commands again. The field you are in has its label reversed; a letter typed on a "
        "chooser picks its next choice starting with that letter.",
        "A field marked {arrow} is a chooser: Enter, Down, Up or a click opens its list; Left and Right step through "
        "it. A bad value is marked with the reason on the line below, and start is refused until it is fixed.",
        "Choosing csv or an image set as the data set starts from that source's own setup (for a CSV file: a 16-16 "
        "MLP with Adam in batches of 32, its loss picked by the target column once the file is read).")),
    ("While training", (
        "Only the learning rate can change: it takes effect at the next epoch and is marked on the loss chart; a "
        "refused value goes back to the one in use. The other fields are locked (dimmed, choosers without their "
        "arrow); pause (space) or stop (s) to edit them: edits apply on reset (r).",
        "Under an lr schedule (the schedule field) the schedule sets the lr: it is locked too, the metrics show the "
        "lr in use, and a new lr waits for the next run. The form draws the planned lr before a run starts.")),
    ("The learning rate", (
        "The LR finder view sweeps the learning rate on the form's setup when you press f (fastai's method: up to 100 "
        "batches from 1e-7 to 10, on a model of its own) and draws the loss over it; a puts its suggestion (the "
        "valley) into the lr field.",)),
    ("Views", (
        "{views}. Keys 1-{count} show a view; [ and ] step through them. Below 140 columns one view shows at a time, "
        "from 140 all of them. Below 70 columns the form and the views take turns: 0 shows the form, 1-{count} the "
        "views.",
        "Runs lists every recorded run with its status (each run the trainer or `nntui run` trains is recorded "
        "under the runs folder): space picks runs to overlay their curves, with the fields that differ below; "
        "Enter opens one. A watched run is paused, stepped, stopped and given a new lr through its folder; space "
        "on a stopped or crashed one continues it from its checkpoint; r leaves it for a fresh run. A watched "
        "TensorBoard run's Loss view lists its tags with their last, lowest and highest values; g picks the pair "
        "of tags drawn.",
        "Network: every unit over the input plane, layer by layer (orange below 0, blue above; without colour, "
        "shades from a unit's lowest value to its highest), a bar under each as long as its outgoing weights are "
        "large. The arrows pick a unit (up and down a layer, left and right a unit); the Boundary view then draws "
        "it large, and o goes back to the model's output.")),
    ("Leaving", (
        "q, Ctrl+Q, a dropped connection (SIGHUP) or SIGTERM stop the run at an epoch boundary; it stays recorded "
        "as stopped, and `nntui watch` or `nntui run --resume` continues it.",)),
    ("Symbols", (
        "{symbols}",
        "Loss chart: train and test in their own colours; without colour train is braille dots and test bullets "
        "({ascii_curves} in 7-bit text); magenta lines mark learning-rate changes (by hand, or a step or plateau "
        "schedule's cuts); {best} marks the best epoch where early stopping or the best weights are on.")),
    ("Files", ("A failed run's details (the traceback) go to {log}, never to the screen.",)),
)


def notes_text(**values: str) -> str:
    """The notes as text, headings and paragraphs, with `values` filled in."""
    return "\n\n".join(heading + "\n" + "\n".join(p.format(**values) for p in paragraphs)
                       for heading, paragraphs in NOTES)


def key_lines(bindings: Sequence[Binding]) -> str:
    """`  key        what it does`, one line per binding that has a description."""
    return "\n".join(f"  {(b.key_display or b.key):<10} {b.description}" for b in bindings if b.description)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [("escape,question_mark,q", "close", "Close")]

    def __init__(self, bindings: Sequence[Binding], views: Sequence[str], ascii_only: bool = False,
                 log: str = "the trainer's log file") -> None:
        super().__init__()
        self.bindings = list(bindings)
        self.views, self.ascii_only, self.log_file = list(views), ascii_only, log

    def compose(self) -> ComposeResult:
        views = ", ".join(f"{number} {title}" for number, title in enumerate(self.views, start=1))
        notes = notes_text(arrow="v" if self.ascii_only else "▼", views=views, count=str(len(self.views)),
                           symbols=symbols_help(self.ascii_only), log=self.log_file, ascii_curves="* and +",
                           best="@" if self.ascii_only else "◆")
        with VerticalScroll(classes="dialog help-dialog", id="help-scroll"):
            yield Static("nntui keys (arrows, PgUp, PgDn, Home and End scroll this help)", classes="dialog-title")
            yield Static(key_lines(self.bindings), markup=False)
            yield Static(notes, markup=False)
            yield Static("Escape closes this help.", classes="dialog-problem")

    def on_mount(self) -> None:
        self.query_one("#help-scroll").focus()  # so that the keyboard scrolls it

    def action_close(self) -> None:
        self.dismiss(None)
