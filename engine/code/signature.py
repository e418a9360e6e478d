"""A class's or function's keyword arguments as fields (name, default, type hint), for the form's
rows and `nntui config`, and arguments checked against them before anything is built: an unknown
name gets the nearest real one, a missing one or a value of the wrong type is named."""

from __future__ import annotations

import difflib
import inspect
import types
import typing
from dataclasses import dataclass
from typing import Any

from engine.config.problems import ConfigError, Problem, shown

REQUIRED = inspect.Parameter.empty  # the default of an argument that has none
_PLAIN = {int: "int", float: "float", str: "str", bool: "bool", list: "list", tuple: "list"}


@dataclass(frozen=True)
class ArgField:
    """One keyword argument of the user's class or function."""

    name: str
    default: Any  # REQUIRED when it has none
    hint: str  # the annotation as written ("int", "list[int]"); "" without one
    kinds: tuple[str, ...]  # the value kinds it takes: int, float, str, bool, list; () = any

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def configurable(self) -> bool:
        """Whether its default is a value a configuration can hold (a number, text, a list)."""
        from engine.config.arg_values import _value_problem

        return not self.required and _value_problem(self.default) is None


def _kinds(annotation: Any) -> tuple[str, ...]:
    """The value kinds an annotation allows; () where it says nothing nntui can check."""
    if annotation is inspect.Parameter.empty or annotation is Any:
        return ()
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        found: list[str] = []
        for member in typing.get_args(annotation):
            if member is type(None):
                continue
            kinds = _kinds(member)
            if not kinds:
                return ()
            found += kinds
        return tuple(dict.fromkeys(found))
    if origin is typing.Literal:
        return tuple(dict.fromkeys(_PLAIN.get(type(v), "") for v in typing.get_args(annotation) if type(v) in _PLAIN))
    base = origin or annotation
    return (_PLAIN[base],) if base in _PLAIN else ()


def _signature(obj: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(obj)
    except (TypeError, ValueError):  # a builtin without one
        return None


def arg_fields(obj: Any) -> tuple[list[ArgField], bool]:
    """The keyword arguments `obj` (a class or a function) takes, and whether it takes any
    others too (**kwargs)."""
    signature = _signature(obj)
    if signature is None:
        return [], True
    try:
        hints = typing.get_type_hints(obj.__init__ if inspect.isclass(obj) else obj)
    except Exception:  # a hint naming what the file never imported
        hints = {}
    fields, open_ended = [], False
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_KEYWORD:
            open_ended = True
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.POSITIONAL_ONLY):
            continue
        annotation = hints.get(parameter.name, parameter.annotation)
        hint = "" if parameter.annotation is inspect.Parameter.empty else (
            parameter.annotation if isinstance(parameter.annotation, str) else inspect.formatannotation(annotation))
        fields.append(ArgField(parameter.name, parameter.default, hint, _kinds(annotation)))
    return fields, open_ended


def _kind_of(value: Any) -> str:
    return _PLAIN[type(value)] if type(value) in _PLAIN else type(value).__name__


def _fits(value: Any, field: ArgField) -> bool:
    kinds = field.kinds or ((_kind_of(field.default),) if field.configurable and field.default is not None else ())
    if not kinds:
        return True
    kind = _kind_of(value)
    return kind in kinds or (kind == "int" and "float" in kinds)


def check_call_args(obj: Any, args: dict[str, Any], path: str, label: str) -> None:
    """Refuse `args` that `obj` cannot take, each problem naming `path.name` ("model.args.hiden")."""
    fields, open_ended = arg_fields(obj)
    by_name = {f.name: f for f in fields}
    problems = []
    for name, value in args.items():
        field = by_name.get(name)
        if field is None:
            if open_ended:
                continue
            close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.5)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; it takes {', '.join(by_name)}" if by_name else f"; {label} takes no arguments")
            problems.append(Problem(f"{path}.{name}", f"unknown argument of {label}{hint}"))
        elif not _fits(value, field):
            wanted = " or ".join(field.kinds) if field.kinds else _kind_of(field.default)
            hint = f" ({field.hint})" if field.hint and field.hint != wanted else ""
            problems.append(Problem(f"{path}.{name}", f"{label} takes {wanted} here{hint}, got {shown(value)}"))
    for field in fields:
        if field.required and field.name not in args:
            problems.append(Problem(f"{path}.{field.name}", f"{label} needs this argument (it has no default)"))
    if problems:
        raise ConfigError(problems)


def resolved_args(obj: Any, args: dict[str, Any]) -> dict[str, Any]:
    """`args` with the defaults of the arguments left out that a configuration can hold, in the
    signature's order: what a run records, so that a changed default cannot change it."""
    fields, _ = arg_fields(obj)
    found = {f.name: args[f.name] if f.name in args else f.default for f in fields
             if f.name in args or f.configurable}
    found.update({name: value for name, value in args.items() if name not in found})
    return found
