"""One row of the trainer's form per configuration field: a label in one style (`batch size`,
shortened where a name would run into its value), the editor (a chooser for fixed choices and
booleans, a text input otherwise, completing paths for file and folder fields) and, once there
is something to say, an error line of its own under it."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from engine.config.fields import FieldSpec, format_value
from tui.widgets.choice import Choice
from tui.widgets.code_suggester import CodeSuggester
from tui.widgets.feature_toggles import FeatureToggles
from tui.widgets.path_suggester import PathSuggester

LABEL_WIDTH = 11  # the longest label's cells; the stylesheet leaves one more as a gap
SHORT_LABELS = {"output_activation": "output act", "test_fraction": "test frac", "log_interval": "log every",
                "weight_decay": "decay", "standardize_target": "std target", "categorical": "text cols",
                "num_workers": "workers", "resized_crop": "crop", "clip_grad": "clip grad",
                "regularization": "regularize",
                # the training toolkit's rows
                "schedule_step_size": "step size", "schedule_gamma": "gamma", "schedule_min_lr": "min lr",
                "schedule_max_lr": "max lr", "schedule_warmup": "warm-up", "schedule_factor": "factor",
                "schedule_patience": "patience", "early_stop_delta": "stop delta", "restore_best": "end at best"}
LIVE_FIELDS = {"train.lr"}  # editable while training; the engine takes it at the next epoch


def label_text(spec: FieldSpec) -> str:
    """The field's label: its name in words, shortened to fit the label column."""
    text = SHORT_LABELS.get(spec.name, spec.name.replace("_", " "))
    assert len(text) <= LABEL_WIDTH, text
    return text


def editor_id(spec: FieldSpec) -> str:
    return "field-" + spec.path.replace(".", "-")


def path_suggester(spec: FieldSpec) -> Suggester | None:
    """File and folder fields complete names from the disk as they are typed."""
    if spec.path == "data.paths":
        return PathSuggester(".csv", several=True)
    if spec.path in ("data.images", "data.data_root"):
        return PathSuggester()
    if spec.path in ("model.module", "data.module"):
        return CodeSuggester(spec.path)
    return None


def field_row(spec: FieldSpec, value: object, locked: bool) -> tuple[Horizontal, Input | Choice | FeatureToggles]:
    """A field's row (label and editor) showing `value`, and its editor."""
    shown, tooltip = format_value(value), f"{spec.help} ({spec.allowed()})"
    editor: Input | Choice | FeatureToggles
    if spec.kind is list and spec.choices:  # several of the choices at once: toggles
        editor = FeatureToggles(spec.choices, value, id=editor_id(spec), tooltip=tooltip)  # type: ignore[arg-type]
    elif spec.choices or spec.kind is bool:
        editor = Choice(spec.choices or ("true", "false"), shown, id=editor_id(spec), tooltip=tooltip)
    else:
        # validate_on=(): the form checks every edit itself (and marks -invalid); Input's own
        # validation would restyle each field as it mounts, a tenth of the first screen's time
        editor = Input(shown, id=editor_id(spec), compact=True, select_on_focus=False, tooltip=tooltip,
                       validate_on=(), suggester=path_suggester(spec))
    held = locked and spec.path not in LIVE_FIELDS
    editor.disabled = held
    label = Label(label_text(spec), classes="field-label")
    tall = " -tall" if isinstance(editor, FeatureToggles) else ""
    row = Horizontal(label, editor, classes="field-row" + tall + (" -locked" if held else ""),
                     id=editor_id(spec) + "-row")
    return row, editor


def error_line(spec: FieldSpec, message: str) -> Static:
    """The line under a field saying what is wrong with it (`! ...`: marked in any colour mode)."""
    return Static(error_text(message), id=editor_id(spec) + "-error", classes="field-error -shown", markup=False)


def error_text(message: str) -> str:
    return f"! {message}" if message else ""
