"""The user's own nn.Module (model.kind = module): imported from model.module, its arguments
checked against its signature, built, and refused in one line when it is not something nntui can
train (not an nn.Module, nothing to train). Checkpoints keep its state_dict, never the object."""

from __future__ import annotations

import inspect
from collections.abc import Mapping
from pathlib import Path

from torch import nn

from engine.code.frames import call_user
from engine.code.loader import Loaded, load_target
from engine.code.signature import check_call_args
from engine.config.problems import ConfigError, Problem, shown
from engine.config.schema import ModelConfig

FIELD = "model.module"


def build_user_model(cfg: ModelConfig, recorded: Mapping[str, Path] | None = None) -> tuple[nn.Module, Loaded]:
    """`cfg.module` called with `cfg.args`; ConfigError (or UserCodeError, with the user's frames)
    naming the field for anything that cannot train."""
    if not cfg.module:
        raise ConfigError([Problem(FIELD, "model.kind is module: name your nn.Module, e.g. net.py:Net "
                                          "(--module net.py:Net)")])
    loaded = load_target(cfg.module, FIELD, recorded)
    obj, label = loaded.value, loaded.target.label
    if inspect.isclass(obj) and not issubclass(obj, nn.Module):
        raise ConfigError([Problem(FIELD, f"{label} is a class but not an nn.Module (subclass torch.nn.Module, or "
                                          "name a function that returns one)")])
    if not callable(obj) or isinstance(obj, nn.Module):
        what = "an nn.Module object" if isinstance(obj, nn.Module) else type(obj).__name__
        raise ConfigError([Problem(FIELD, f"{label} is {what}, not a class or a function: name the class (or a "
                                          "function that returns a fresh model)")])
    check_call_args(obj, cfg.args, "model.args", label)
    model = call_user(obj, FIELD, f"{label} raised while building the model", **cfg.args)
    if not isinstance(model, nn.Module):
        raise ConfigError([Problem(FIELD, f"{label} returned {shown(model)} ({type(model).__name__}), not an "
                                          "nn.Module")])
    if not any(p.requires_grad for p in model.parameters()):
        raise ConfigError([Problem(FIELD, f"{label} has no parameters to train (its layers must be attributes of "
                                          "the module, or in an nn.ModuleList)")])
    return model, loaded
