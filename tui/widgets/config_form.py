"""The three form panels (Model, Data, Hyperparameters) built from the engine's field table,
with a preset chooser on top. Every edit is parsed and checked as typed; a bad field is marked
with the reason, and the form announces the whole configuration (or its problems) upward."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import Suggester, SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from engine.config.build import switched_dataset, with_values
from engine.config.fields import FIELDS, FieldSpec, format_value, get_field, parse_text
from engine.config.presets import PRESETS
from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.data.csv_header import header_difference, missing_column, read_header
from engine.errors import DataError
from tui.widgets.choice import Choice
from tui.widgets.path_suggester import PathSuggester

SECTION_TITLES = {"model": "Model", "data": "Data", "train": "Hyperparameters"}
SHORT_LABELS = {"output_activation": "output act", "test_fraction": "test frac", "log_interval": "log every",
                "weight_decay": "weight decay"}
LIVE_FIELDS = {"train.lr"}  # editable while training; the engine takes it at the next epoch


def path_suggester(spec: FieldSpec) -> Suggester | None:
    """File and folder fields complete names from the disk as they are typed."""
    if spec.path == "data.paths":
        return PathSuggester(".csv", several=True)
    if spec.path in ("data.images", "data.data_root"):
        return PathSuggester()
    return None


def editor_id(spec: FieldSpec) -> str:
    return "field-" + spec.path.replace(".", "-")


class ConfigForm(VerticalScroll):
    """Holds the parsed value of every field; `config()` is the configuration they make."""

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
        self.file_errors: dict[str, str] = {}  # what reading the CSV header found (data.paths, data.target)
        self.header: tuple[list[str], tuple[str, ...]] | None = None  # (paths, their columns), once read
        self.problems: list[Problem] = []
        self.locked = False
        # Rows are mounted when their field first matters, error lines when they first have something
        # to say: the first screen builds ~120 fewer widgets (CSV and image fields, empty errors).
        self.rows: dict[str, Horizontal] = {}
        self.editors: dict[str, Input | Choice] = {}
        self.errors: dict[str, Static] = {}

    def compose(self) -> ComposeResult:
        yield Static("", id="form-note")
        with Horizontal(classes="field-row"):
            yield Label("preset", classes="field-label")
            yield Choice(list(PRESETS), preset_named(self.base), prompt="choose a preset", allow_blank=True,
                         stepping=False, id="preset")
        dataset = self.values["data.dataset"]
        for section, title in SECTION_TITLES.items():
            yield Static(title, classes="form-section", id=f"section-{section}")
            yield from (self._row(s) for s in FIELDS if s.section == section and s.applies_to(dataset))

    def _row(self, spec: FieldSpec) -> Horizontal:
        """A field's label and editor, showing its current value and the lock."""
        value, tooltip = format_value(self.values[spec.path]), f"{spec.help} ({spec.allowed()})"
        editor: Input | Choice
        if spec.choices or spec.kind is bool:
            editor = Choice(spec.choices or ("true", "false"), value, id=editor_id(spec), tooltip=tooltip)
        else:
            # validate_on=(): the form checks every edit itself (and marks -invalid); Input's own
            # validation would restyle each field as it mounts, a tenth of the first screen's time
            editor = Input(value, id=editor_id(spec), compact=True, select_on_focus=False, tooltip=tooltip,
                           validate_on=(), suggester=path_suggester(spec))
        editor.disabled = self.locked and spec.path not in LIVE_FIELDS
        label = Label(SHORT_LABELS.get(spec.name, spec.name), classes="field-label")
        self.editors[spec.path] = editor
        self.rows[spec.path] = Horizontal(label, editor, classes="field-row", id=editor_id(spec) + "-row")
        return self.rows[spec.path]

    # -- reading edits -----------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
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

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter hands the keys back to the app, so space and n work again."""
        event.stop()
        self.screen.set_focus(None)

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
            self.values[spec.path] = value
            if spec.path == "data.dataset":
                self._follow_dataset(value)
                self._show_relevant()
            if spec.path in ("data.dataset", "data.paths"):
                self._check_files()
            elif spec.path == "data.target":
                self._check_target()
        self._announce(spec.path)

    def _follow_dataset(self, dataset: str) -> None:
        """Fields that change with the data set (MNIST takes all its images), shown as they become."""
        for path, value in switched_dataset(dataset).items():
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
        self.post_message(self.Changed(path, config, self.all_problems()))

    # -- the CSV files behind the Data panel -------------------------------------------

    def _check_files(self) -> None:
        """Read the CSV headers off the event loop; the answer marks a bad path or target and
        offers the columns as the target's completions."""
        if self.values["data.dataset"] != "csv" or not self.values["data.paths"]:
            self.file_errors.clear()
            return
        paths = list(self.values["data.paths"])
        self.run_worker(lambda: self._read_headers(paths), thread=True, group="headers", exclusive=True,
                        exit_on_error=False)

    @staticmethod
    def _read_headers(paths: list[str]) -> tuple[list[str], tuple[str, ...] | str]:
        """In a worker thread: the files' columns, or what is wrong with them."""
        try:
            found: tuple[str, ...] | str = read_header(paths[0])
            for path in paths[1:]:
                header = read_header(path)
                if header != found:
                    raise DataError(f"{path}, line 1: {header_difference(header, found)} (as in {paths[0]})")
        except DataError as err:
            found = str(err)
        return paths, found

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "headers" and event.state == WorkerState.SUCCESS:
            self._headers_read(*event.worker.result)

    def _headers_read(self, paths: list[str], found: tuple[str, ...] | str) -> None:
        if paths != self.values["data.paths"] or self.values["data.dataset"] != "csv":
            return  # the user has moved on; a newer read is under way
        self.file_errors.clear()
        if isinstance(found, str):
            self.header = None
            self.file_errors["data.paths"] = found
        else:
            self.header = (paths, found)
            target = self.editors.get("data.target")
            if isinstance(target, Input):
                target.suggester = SuggestFromList(found)
            self._check_target()
        self._announce("data.paths")

    def _check_target(self) -> None:
        """The target against the columns already read: no disk read per keystroke."""
        self.file_errors.pop("data.target", None)
        if self.header is not None and self.header[0] == self.values["data.paths"]:
            paths, columns = self.header
            problem = missing_column(paths[0], self.values["data.target"], columns)
            if problem:
                self.file_errors["data.target"] = problem

    def _check(self) -> None:
        """Cross-field problems (loss vs data set, ...) join the per-field ones."""
        self.problems = []
        if not self.field_errors:
            try:  # every field is valid alone: what is left to refuse is a combination
                with_values(self.base, self.values)
            except ConfigError as err:
                self.problems = err.problems
        cross = {p.path: p.message for p in self.problems}
        for spec in FIELDS:
            message = self.field_errors.get(spec.path) or self.file_errors.get(spec.path) or cross.get(spec.path, "")
            text = f"{spec.help} {message}" if message else ""
            error = self.errors.get(spec.path)
            if error is not None:
                error.update(text)
                error.set_class(bool(message), "-shown")
            elif message and spec.path in self.rows:
                self.errors[spec.path] = Static(text, id=editor_id(spec) + "-error", classes="field-error -shown")
                self.mount(self.errors[spec.path], after=self.rows[spec.path])
            if spec.path in self.editors:
                self.editors[spec.path].set_class(bool(message), "-invalid")

    def all_problems(self) -> list[Problem]:
        found = {**self.file_errors, **self.field_errors}
        return [Problem(path, message) for path, message in found.items()] + self.problems

    def config_or_none(self) -> RunConfig | None:
        return None if self.all_problems() else with_values(self.base, self.values)

    def config(self) -> RunConfig:
        """The configuration the form shows; raises ConfigError naming every bad field."""
        problems = self.all_problems()
        if problems:
            raise ConfigError(problems)
        return with_values(self.base, self.values)

    # -- driven by the app -------------------------------------------------------------

    def fill(self, config: RunConfig) -> None:
        """Show every field of `config` (a preset or a loaded file)."""
        self.field_errors.clear()
        for spec in FIELDS:
            value = get_field(config, spec.path)
            self.values[spec.path] = value
            if spec.path in self.editors:
                self.editors[spec.path].value = format_value(value)  # Choice or Input
        self._show_relevant()
        self._check_files()
        self._announce("preset")  # once for the whole form: the editors' echoes change nothing

    def on_mount(self) -> None:
        self._show_relevant()
        self._check_files()

    def _show_relevant(self) -> None:
        """Only the fields the chosen data set reads: no CSV or image options for a synthetic set."""
        dataset = self.values["data.dataset"]
        for section in SECTION_TITLES:
            anchor: Widget = self.query_one(f"#section-{section}")
            for spec in (s for s in FIELDS if s.section == section):
                relevant = spec.applies_to(dataset)
                if spec.path not in self.rows and relevant:
                    self.mount(self._row(spec), after=anchor)
                if spec.path in self.rows:
                    self.rows[spec.path].display = relevant
                    anchor = self.errors.get(spec.path) or self.rows[spec.path]

    def set_locked(self, running: bool) -> None:
        """While training, only the learning rate can change; say so."""
        self.locked = running
        self.query_one("#preset", Choice).disabled = running
        for path, editor in self.editors.items():
            editor.disabled = running and path not in LIVE_FIELDS

    def note(self, text: str) -> None:
        self.query_one("#form-note", Static).update(text)


def preset_named(config: RunConfig) -> str | None:
    """The preset a configuration is, unchanged, so the chooser can show it; None otherwise."""
    return next((name for name, preset in PRESETS.items() if preset.config == config), None)
