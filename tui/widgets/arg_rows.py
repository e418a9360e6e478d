"""The form's rows for a user class's keyword arguments (`model.args`, `data.args`): once the
module field names a class or function in a `.py` file, one row per argument of its signature,
read from the file without running it (engine.code.source_args), its default filled in and its
type hint beside it. An edit back to the default leaves the argument out: the run writes the
defaults in when it imports the class (what `nntui config` prints)."""

from __future__ import annotations

from typing import Any

from textual.containers import Horizontal
from textual.widgets import Input, Label

from engine.code.source_args import NO_DEFAULT, SourceArg, SourceSignature, source_signature
from engine.code.target import is_file_path
from engine.config.arg_values import check_args, format_args, parse_value
from engine.config.problems import ConfigError
from tui.widgets.form_fields import LABEL_WIDTH

MODULE_OF_ARGS = {"model.args": "model.module", "data.args": "data.module"}


def signature_named(text: str) -> SourceSignature | None:
    """The signature a module field's `FILE.py:NAME` names, or None where it names none the form
    can read (a package.module, a missing file or name)."""
    where, colon, name = text.strip().rpartition(":")
    if not colon or not name.isidentifier() or not is_file_path(where):
        return None
    return source_signature(where, name)


def arg_id(path: str, name: str) -> str:
    return f"arg-{path.split('.')[0]}-{name}"


def shown_value(arg: SourceArg, args: dict[str, Any]) -> str:
    """What an argument's field shows: the configured value, else its default (empty when it has
    none a configuration can hold)."""
    if arg.name in args:
        return format_args({arg.name: args[arg.name]}).partition("=")[2]
    return format_args({arg.name: arg.value}).partition("=")[2] if arg.value is not NO_DEFAULT else ""


def arg_row(path: str, arg: SourceArg, args: dict[str, Any], locked: bool) -> tuple[Horizontal, Input]:
    """One argument's row: its name, its value and its type hint (or `required`)."""
    hint = arg.hint or ("required" if arg.required else "")
    default = arg.default or "none: required"
    editor = Input(shown_value(arg, args), id=arg_id(path, arg.name), compact=True, select_on_focus=False,
                   validate_on=(), placeholder=hint, tooltip=f"{path}.{arg.name}: {hint or 'any value'}; "
                                                             f"default {default}")
    editor.disabled = locked
    name = " " + arg.name if len(arg.name) < LABEL_WIDTH else " " + arg.name[:LABEL_WIDTH - 2] + "…"
    row = Horizontal(Label(name, classes="field-label"), editor, Label(hint, classes="arg-hint"),
                     classes="field-row arg-row" + (" -locked" if locked else ""), id=arg_id(path, arg.name) + "-row")
    return row, editor


def edited_args(path: str, arg: SourceArg, text: str, args: dict[str, Any]) -> dict[str, Any]:
    """`args` with one argument's field as typed: left out when empty or back at its default;
    ConfigError naming `path.name` for a value no configuration can hold."""
    found = {name: value for name, value in args.items() if name != arg.name}
    if not text.strip():
        return found
    value = parse_value(text)
    if arg.value is not NO_DEFAULT and value == arg.value and type(value) is type(arg.value):
        return found
    try:
        check_args(path, {arg.name: value})
    except ConfigError as err:
        raise ConfigError([err.problems[0]]) from None
    return {**found, arg.name: value}
