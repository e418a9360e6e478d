"""One CLI option per configuration field, made from the engine's field table so that the
flags, the TOML file and the TUI form can never drift apart."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Optional

import typer

from engine.config import FIELDS, SPECS, ConfigError, FieldSpec, Problem, RunConfig, get_field, parse_text, with_values
from engine.config.arg_values import parse_pairs


def option_for(path: str) -> str:
    """The CLI option that sets a config field ("train.lr" -> "--lr")."""
    spec = SPECS.get(path)
    return spec.flag if spec else path


def parameter_name(spec: FieldSpec) -> str:
    """The Python name of a field's option; model.module and data.module both have a `module`."""
    return spec.flag[2:].replace("-", "_")


def _parameter(spec: FieldSpec) -> inspect.Parameter:
    panel = {"model": "Model", "data": "Data", "train": "Training"}[spec.section]
    if spec.kind is dict:  # repeated: --module-arg hidden=32 --module-arg act=relu
        option = typer.Option(None, spec.flag, help=f"{spec.help} (repeat for more; {spec.allowed()})",
                              metavar=spec.metavar, rich_help_panel=panel, show_default=False)
        annotation: Any = Optional[list[str]]
    elif spec.kind is bool:
        option = typer.Option(None, f"{spec.flag}/--no-{spec.flag[2:]}", help=spec.help, rich_help_panel=panel,
                              metavar="")  # a flag: no `<bool>` in --help
        annotation = Optional[bool]
    else:
        metavar = spec.metavar
        text = spec.help if spec.choices else f"{spec.help} ({spec.allowed()})"  # choices show as the metavar
        option = typer.Option(None, spec.flag, help=text, metavar=metavar,
                              rich_help_panel=panel, show_default=False)
        annotation = Optional[str]
    return inspect.Parameter(parameter_name(spec), inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)


def with_field_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add every config field as an option; the command receives them as `overrides`, a dict of
    field path to the text given (bools as bools, lists as lists), holding only the options the user set."""
    names = {parameter_name(spec): spec.path for spec in FIELDS}

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        overrides = {names[n]: kwargs.pop(n) for n in list(kwargs) if n in names and kwargs[n] is not None}
        for name in names:
            kwargs.pop(name, None)
        return command(overrides=overrides, **kwargs)

    own = [p for p in inspect.signature(command, eval_str=True).parameters.values() if p.name != "overrides"]
    wrapper.__signature__ = inspect.Signature(own + [_parameter(spec) for spec in FIELDS])  # type: ignore[attr-defined]
    return wrapper


def apply_overrides(config: RunConfig, overrides: dict[str, Any]) -> RunConfig:
    """Parse each given option and put it into the config; errors name the option."""
    return with_values(config, parse_overrides(config, overrides))


def parse_overrides(config: RunConfig, overrides: dict[str, Any]) -> dict[str, Any]:
    """Each given option as a checked value by path; a repeated pair option joins `config`'s pairs."""
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    for path, raw in overrides.items():
        spec = SPECS[path]
        try:
            if spec.kind is dict:  # each pair given joins (or replaces) one of the arguments already there
                values[path] = {**get_field(config, path), **(parse_pairs(path, raw) if isinstance(raw, list)
                                                               else parse_text(spec, raw))}
                continue
            values[path] = raw if isinstance(raw, (bool, list)) else parse_text(spec, raw)
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    return values
