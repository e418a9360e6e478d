"""A class's or function's keyword arguments read from its file's syntax tree, without running
the file: the trainer's form turns them into one row per argument (its default filled in, its
type hint beside it) as the module's path is typed. The run itself checks the arguments against
the imported object's real signature (engine.code.signature)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.code.parsed import parsed_file
from engine.config.problems import ConfigError

NO_DEFAULT = object()  # the value of an argument without a default, or with one no config can hold


@dataclass(frozen=True)
class SourceArg:
    """One keyword argument as the file writes it."""

    name: str
    default: str  # the default as written ("32", "[8, 8]"); "" when it has none
    value: Any  # the default as a value a configuration can hold, else NO_DEFAULT
    hint: str  # the annotation as written ("int"); "" without one

    @property
    def required(self) -> bool:
        return not self.default


@dataclass(frozen=True)
class SourceSignature:
    """The arguments of one definition, and whether it takes others too (**kwargs), or its
    arguments cannot be told from the file alone (a class whose __init__ is inherited)."""

    args: tuple[SourceArg, ...]
    open_ended: bool


def _literal(node: ast.expr) -> Any:
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return NO_DEFAULT
    if isinstance(value, tuple):
        value = list(value)
    return value if isinstance(value, bool | int | float | str | list) else NO_DEFAULT


def _from_function(function: ast.FunctionDef | ast.AsyncFunctionDef, skip_first: bool) -> SourceSignature:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    named = list(zip(positional, defaults))[len(arguments.posonlyargs):]  # positional-only ones take no keyword
    if skip_first and positional and not arguments.posonlyargs:
        named = named[1:]  # self
    named += list(zip(arguments.kwonlyargs, arguments.kw_defaults))
    found = []
    for arg, default in named:
        hint = ast.unparse(arg.annotation) if arg.annotation is not None else ""
        found.append(SourceArg(arg.arg, ast.unparse(default) if default is not None else "",
                               _literal(default) if default is not None else NO_DEFAULT, hint))
    return SourceSignature(tuple(found), arguments.kwarg is not None)


def source_signature(file: str | Path, name: str) -> SourceSignature | None:
    """The keyword arguments of `name` in `file`, or None when the file cannot be read or parsed
    or defines no such class or function (the field's own check says why)."""
    try:
        tree = parsed_file(file, "")
    except ConfigError:
        return None
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
            return _from_function(node, skip_first=False)
        if isinstance(node, ast.ClassDef) and node.name == name:
            init = next((item for item in node.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                         and item.name == "__init__"), None)
            return _from_function(init, skip_first=True) if init is not None else SourceSignature((), True)
    return None
