"""The three form panels (Model, Data, Hyperparameters) built from the engine's field table,
with a preset chooser on top. Every edit is parsed and checked as typed; a bad field is marked
with the reason, and the form announces the whole configuration (or its problems) upward.
Choosing a real data source (csv, an image set) starts from that source's setup, as
`nntui run --data` does, and a CSV file's target picks the loss once it has been read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from engine.config.build import switched_dataset, with_values
from engine.config.catalog import DATASETS
from engine.config.fields import FIELDS, SPECS, check_value, format_value, get_field, parse_text
from engine.config.presets import PRESETS
from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.config.sources import source_start
from tui.widgets.arg_rows import MODULE_OF_ARGS, arg_id, arg_row, edited_args, shown_value, signature_named
from tui.widgets.choice import Choice
from tui.widgets.code_suggester import offered_names
from tui.widgets.feature_toggles import FeatureToggles
from tui.widgets.form_fields import LIVE_FIELDS, editor_id, error_line, error_text, field_row
from tui.widgets.lr_plan import LrPlan, planned_batches
from tui.widgets.table_check import TableFindings, TableWatch, read_findings

SECTION_TITLES = {"model": "Model", "data": "Data", "train": "Hyperparameters"}
TABLE_READS = ("data.dataset", "data.paths", "data.target", "data.task", "data.missing")  # edits that reread


class ConfigForm(VerticalScroll, can_focus=False):
    """Holds the parsed value of every field; `config()` is the configuration they make. Not a
    Tab stop itself (it has no look of focus): Tab goes from field to field."""

    class Changed(Message):
        """A field changed; `config` is None while any field is invalid."""

        def __init__(self, path: str, config: RunConfig | None, problems: list[Problem]) -> None:
            super().__init__()
            self.path, self.config, self.problems = path, config, problems

    def __init__(self, config: RunConfig, **kwargs) -> None:
        super().__init__(**kwargs)
        self.base = config.copy()
        self.values: dict[str, Any] = {spec.path: get_field(config, spec.path) for spec in FIELDS}
        self.field_errors: dict[str, str] = {}
        self.file_errors: dict[str, str] = {}  # what reading the CSV files found (paths, target, loss)
        self.run_errors: dict[str, str] = {}  # what a run refused, until the field is edited
        self.table = TableWatch()  # the CSV files: their columns, and the target that picks the loss
        self.problems: list[Problem] = []
        self.locked = False
        self.run_values: dict[str, Any] = {}  # a live run's values of the LIVE_FIELDS: a bad edit goes back to them
        self._note = ""  # the note line's text (the form-note Static starts empty)
        self._hidden_for_foreign: dict[Widget, bool] | None = None  # the fields' display, while a foreign run shows
        # Rows are mounted when their field first matters, error lines when they first have something
        # to say: the first screen builds ~120 fewer widgets (CSV and image fields, empty errors).
        self.rows: dict[str, Horizontal] = {}
        self.editors: dict[str, Input | Choice | FeatureToggles] = {}
        self.errors: dict[str, Static] = {}
        self.names: dict[str, Static] = {}  # under a module field: what its file defines
        # A user class's arguments (model.args, data.args): its signature read from the file, and a
        # row per argument in place of the one free-text row, where the form can read it.
        self.signatures: dict[str, object] = {}
        self.arg_rows: dict[str, list[Horizontal]] = {}
        self.arg_editors: dict[str, tuple[str, object, Input]] = {}  # input id: (args path, SourceArg, editor)

    def compose(self) -> ComposeResult:
        yield Static("", id="form-note")
        yield Static("", id="foreign-facts")  # a watched TensorBoard run's facts, in place of the fields
        with Horizontal(classes="field-row"):
            yield Label("preset", classes="field-label")
            yield Choice(list(PRESETS), preset_named(self.base), prompt="custom", allow_blank=True,
                         stepping=False, id="preset")
        for section, title in SECTION_TITLES.items():
            yield Static(title, classes="form-section", id=f"section-{section}")
            yield from (self._row(s.path) for s in FIELDS if s.section == section and s.matters(self.values))
        yield LrPlan(id="lr-plan")

    def _row(self, path: str) -> Horizontal:
        row, self.editors[path] = field_row(SPECS[path], self.values[path], self.locked)
        self.rows[path] = row
        return row

    # -- reading edits -----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in self.arg_editors:
            self._arg_edited(event.input.id, event.value)
        else:
            self._edited(event.input.id, event.value)
        event.stop()

    def on_choice_changed(self, event: Choice.Changed) -> None:
        event.stop()
        if event.choice.id == "preset":
            if event.value in PRESETS and PRESETS[event.value].config != self.config_or_none():
                self.fill(PRESETS[event.value].config)  # not on mount, where the form shows it already
            return
        if event.value is not None:
            self._edited(event.choice.id, event.value)

    def on_feature_toggles_changed(self, event: FeatureToggles.Changed) -> None:
        event.stop()
        self._edited(event.toggles.id, format_value(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter hands the keys back to the app, so space and n work again."""
        event.stop()
        self.screen.set_focus(None)

    def on_descendant_focus(self, event) -> None:
        """The row being edited is marked (its label reversed): visible in every colour mode."""
        event.widget.parent.add_class("-editing")

    def on_descendant_blur(self, event) -> None:
        event.widget.parent.remove_class("-editing")

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """Leaving a live field (lr) with a value the run refused puts back the value in use."""
        path = next((p for p, editor in self.editors.items() if editor is event.input), None)
        if path in self.run_values and path in self.field_errors:
            self.editors[path].value = format_value(self.run_values[path])

    def _edited(self, widget_id: str | None, text: str) -> None:
        spec = next((s for s in FIELDS if editor_id(s) == widget_id), None)
        if spec is None:
            return
        try:
            value = parse_text(spec, text)
        except ConfigError as err:
            self.field_errors[spec.path] = err.problems[0].message
        else:
            if spec.path not in self.field_errors and value == self.values[spec.path]:
                return  # the echo of fill(), or an edit back to the same value: nothing to check
            self.field_errors.pop(spec.path, None)
            self.run_errors.pop(spec.path, None)
            previous, self.values[spec.path] = self.values[spec.path], value
            if spec.path == "train.loss":
                self.table.loss_chosen = True
            if spec.path == "data.dataset":
                self._source_chosen(previous, value)
            if spec.path in ("train.schedule", "model.kind"):
                self._show_relevant()  # each schedule has its own settings, a user module its own rows
            if spec.path in MODULE_OF_ARGS.values():
                self._show_args()
            if spec.path in TABLE_READS:
                self._check_files()
        self._announce(spec.path)

    # -- a user class's arguments ------------------------------------------------------

    def _show_args(self) -> None:
        """One row per argument of the class each module field names (where the form can read its
        file), the free-text args row otherwise; the names the file defines under the module row."""
        for path, module in MODULE_OF_ARGS.items():
            relevant = SPECS[path].matters(self.values)
            text = self.values[module] if relevant and module not in self.field_errors else ""
            signature = signature_named(text) if text else None
            self._show_names(module, text if relevant else "")
            if path not in self.rows:
                continue
            listed = signature is not None and bool(signature.args)
            self.rows[path].display = relevant and not listed
            if signature == self.signatures.get(path) and path in self.arg_rows:
                self._refill_args(path)
                continue
            for row in self.arg_rows.pop(path, []):
                row.remove()
            self.arg_editors = {key: item for key, item in self.arg_editors.items() if item[0] != path}
            self.signatures[path] = signature
            rows = []
            for arg in signature.args if listed else ():
                row, editor = arg_row(path, arg, self.values[path], self.locked)
                self.arg_editors[editor.id] = (path, arg, editor)
                rows.append(row)
            self.arg_rows[path] = rows
            if rows:
                self.mount(*rows, after=self.errors.get(path) or self.rows[path])

    def _refill_args(self, path: str) -> None:
        """The argument rows show the args held (a loaded file's), their defaults elsewhere."""
        for args_path, arg, editor in self.arg_editors.values():
            if args_path == path and editor.value != shown_value(arg, self.values[path]) and not editor.has_focus:
                editor.value = shown_value(arg, self.values[path])

    def _show_names(self, module: str, text: str) -> None:
        """Under a module field, the classes and functions its file defines (never run)."""
        where, colon, _ = text.rpartition(":")
        names = offered_names(where or text, module) if text and (where or text).endswith(".py") else []
        line = f"in {Path(where or text).name}: {', '.join(names)}" if names else ""
        hint = self.names.get(module)
        if hint is None and line and module in self.rows:
            self.names[module] = hint = Static("", id=editor_id(SPECS[module]) + "-names", classes="field-names",
                                               markup=False)
            self.mount(hint, after=self.rows[module])
        if hint is not None:
            hint.update(line)
            hint.display = bool(line)

    def _arg_edited(self, widget_id: str, text: str) -> None:
        path, arg, editor = self.arg_editors[widget_id]
        try:
            args = edited_args(path, arg, text, self.values[path])
        except ConfigError as err:
            self.field_errors[path] = f"{arg.name}: {err.problems[0].message}"
            editor.add_class("-invalid")
        else:
            self.field_errors.pop(path, None)
            self.run_errors.pop(path, None)
            editor.remove_class("-invalid")
            if args == self.values[path]:
                return
            self.values[path] = args
            if path in self.editors:
                self.editors[path].value = format_value(args)  # the free-text row, hidden, agrees
        self._announce(path)

    def _source_chosen(self, previous: str, dataset: str) -> None:
        """A new kind of source starts from its own setup (a table's MLP, the shapes CNN), as on the
        command line; a CSV file's loss then follows its target once the file is read."""
        start = source_start(dataset, self.values["data.task"])
        if start is not None and _family(previous) != _family(dataset):
            self._set_values(start)
            self.table.loss_chosen = DATASETS[dataset].source != "table"
        self._set_values(switched_dataset(dataset))  # MNIST takes all its images, whatever came before
        self._show_relevant()

    def _set_values(self, values: dict[str, Any]) -> None:
        """Put values into fields from the program (their editors' echoes change nothing)."""
        for path, value in values.items():
            self.values[path] = value
            self.field_errors.pop(path, None)
            if path in self.editors:
                self.editors[path].value = format_value(value)

    def _announce(self, path: str) -> None:
        self._check()
        config = self.config_or_none()
        chooser = self.query_one("#preset", Choice)
        named = preset_named(config) if config is not None else None
        if chooser.value != named:  # a changed setup is no longer the preset it names
            chooser.value = named
        if config is not None and not self.locked:
            self.query_one(LrPlan).plan(config.train, planned_batches(config))
        self.post_message(self.Changed(path, config, self.all_problems()))

    def put(self, path: str, value: Any) -> None:
        """Set a field from the program (the LR finder's suggestion) and announce it as an edit."""
        self._set_values({path: check_value(SPECS[path], value)})
        self._announce(path)

    # -- the CSV files behind the Data panel -------------------------------------------

    def _check_files(self) -> None:
        """Read the CSV files off the event loop; the answer marks a bad path or target, offers the
        columns as the target's completions and fits the loss to the target."""
        data = self.table.to_read(self.values)
        if data is not None:
            self.run_worker(lambda: read_findings(data), thread=True, group="headers", exclusive=True,
                            exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "headers" and event.state == WorkerState.SUCCESS:
            findings: TableFindings = event.worker.result
            loss = self.table.take(findings, self.values)
            target = self.editors.get("data.target")
            if findings.columns is not None and isinstance(target, Input):
                target.suggester = SuggestFromList(findings.columns)
            if loss is not None:
                self._set_values({"train.loss": loss})
            self._announce("data.paths")

    def _check(self) -> None:
        """Cross-field problems (loss vs data set, loss vs a CSV target, ...) join the per-field ones."""
        self.file_errors = self.table.errors(self.values)
        self.problems = []
        if not self.field_errors:
            try:  # every field is valid alone: what is left to refuse is a combination
                with_values(self.base, self.values)
            except ConfigError as err:
                self.problems = err.problems
        cross = {p.path: p.message for p in self.problems}
        for spec in FIELDS:
            path = spec.path
            message = (self.field_errors.get(path) or self.file_errors.get(path) or self.run_errors.get(path)
                       or cross.get(path, ""))
            error = self.errors.get(path)
            if error is not None:
                error.update(error_text(message))
                error.set_class(bool(message), "-shown")
            elif message and path in self.rows:
                self.errors[path] = error_line(spec, message)
                self.mount(self.errors[path], after=self.rows[path])
            if path in self.editors:
                self.editors[path].set_class(bool(message), "-invalid")

    def all_problems(self) -> list[Problem]:
        found = {**self.run_errors, **self.file_errors, **self.field_errors}
        return [Problem(path, message) for path, message in found.items()] + self.problems

    def config_or_none(self) -> RunConfig | None:
        found = {**self.file_errors, **self.field_errors}
        return None if found or self.problems else with_values(self.base, self.values)

    def config(self) -> RunConfig:
        """The configuration the form shows; raises ConfigError naming every bad field."""
        problems = [p for p in self.all_problems() if p.path not in self.run_errors]
        if problems:
            raise ConfigError(problems)
        return with_values(self.base, self.values)

    # -- driven by the app -------------------------------------------------------------

    def fill(self, config: RunConfig) -> None:
        """Show every field of `config` (a preset or a loaded file)."""
        self.field_errors.clear()
        self.run_errors.clear()
        self.table.loss_chosen = True
        self._set_values({spec.path: get_field(config, spec.path) for spec in FIELDS})
        self._show_relevant()
        self._check_files()
        self._announce("preset")  # once for the whole form: the editors' echoes change nothing

    def mark(self, path: str, message: str) -> None:
        """Mark a field a run refused (a loss the data cannot take), until it is edited; an
        argument of the user's class (model.args.hidden) marks its own row."""
        base, _, name = path.rpartition(".")
        if base in MODULE_OF_ARGS and path not in SPECS:
            entry = self.arg_editors.get(arg_id(base, name))
            if entry is not None:
                entry[2].add_class("-invalid")
            path, message = base, f"{name}: {message}"
        if path in SPECS:
            self.run_errors[path] = message
            self._check()

    def on_mount(self) -> None:
        self._show_relevant()
        self._check_files()
        config = self.config_or_none()
        if config is not None:
            self.query_one(LrPlan).plan(config.train, planned_batches(config))

    def _show_relevant(self) -> None:
        """Only the fields the chosen data set (and lr schedule) reads: no CSV or image options for a
        synthetic set, no step size without the step schedule."""
        for section in SECTION_TITLES:
            anchor: Widget = self.query_one(f"#section-{section}")
            for spec in (s for s in FIELDS if s.section == section):
                relevant = spec.matters(self.values)
                if spec.path not in self.rows and relevant:
                    self.mount(self._row(spec.path), after=anchor)
                if spec.path in self.rows:
                    self.rows[spec.path].display = relevant
                    anchor = self.errors.get(spec.path) or self.rows[spec.path]
                if spec.schedules or spec.path == "train.schedule":  # the lr plan follows the schedule's rows
                    self.move_child(self.query_one(LrPlan), after=anchor)
                    anchor = self.query_one(LrPlan)
        self._show_args()

    def set_locked(self, running: bool, run_values: dict[str, Any] | None = None) -> None:
        """While training, only the learning rate can change (where `run_values` holds it: not while
        a schedule sets it), and the locked fields look locked; `run_values` are the live fields'
        values in use, for a refused edit to go back to."""
        self.locked = running
        self.run_values = dict(run_values or {})
        self.query_one("#preset", Choice).disabled = running
        self.query_one("#preset", Choice).parent.set_class(running, "-locked")
        for path, editor in self.editors.items():
            held = running and not (path in LIVE_FIELDS and path in self.run_values)  # lr: unless a schedule sets it
            editor.disabled = held
            self.rows[path].set_class(held, "-locked")
        for _, _, editor in self.arg_editors.values():
            editor.disabled = running
            editor.parent.set_class(running, "-locked")

    def show_foreign(self, facts: Text | None) -> None:
        """A TensorBoard run written by another program has no setup to edit: its `facts` take the
        fields' place (hidden, so that no key reaches them) until None brings them back as they were."""
        panel = self.query_one("#foreign-facts", Static)
        panel.display = facts is not None
        if facts is None:
            for widget, shown in (self._hidden_for_foreign or {}).items():
                widget.display = shown
            self._hidden_for_foreign = None
            return
        panel.update(facts)
        if self._hidden_for_foreign is None:
            kept = {panel, self.query_one("#form-note")}
            self._hidden_for_foreign = {child: child.display for child in self.children if child not in kept}
            for widget in self._hidden_for_foreign:
                widget.display = False

    @property
    def foreign(self) -> bool:
        """Whether a TensorBoard run's facts show in place of the fields."""
        return self._hidden_for_foreign is not None

    def focus_first(self) -> None:
        """Move the keys into the form: its first field that can take them."""
        chain = self.screen.focus_chain
        first = next((widget for widget in chain if self in widget.ancestors), None)
        if first is not None:
            first.focus()

    def note(self, text: str) -> None:
        """The line above the form; called with every epoch's figures, it lays out only on a change."""
        if text != self._note:
            self._note = text
            self.query_one("#form-note", Static).update(text)


def _family(dataset: str) -> str:
    """synthetic, table or images: switching between image sets keeps the model."""
    info = DATASETS[dataset]
    return "images" if info.images else info.source


def preset_named(config: RunConfig) -> str | None:
    """The preset a configuration is, unchanged, so the chooser can show it; None otherwise."""
    return next((name for name, preset in PRESETS.items() if preset.config == config), None)
