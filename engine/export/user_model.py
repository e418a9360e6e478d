"""The exported script's model when the run trains the user's own nn.Module (model.kind = module):
imported from the user's file, or copied in with `inline` (engine.export.user_code). Either way
the script builds it with model.args where nntui builds it, so the seed gives the very same
initial weights."""

from __future__ import annotations

from dataclasses import dataclass, fields

from engine.config.schema import RunConfig
from engine.export.text import call
from engine.export.user_code import UserCode, arguments, code_blocks, read_code

FIELD = "model.module"


@dataclass(frozen=True)
class UserModel(UserCode):
    """The user's module, and its size."""

    parameters: int = 0  # trainable weights and biases, for the engine's choice of threads


def user_model(config: RunConfig, inline: bool) -> UserModel:
    """The user's module as the engine would build it (its args checked; built on the CPU, as code
    that reads its own tensors may not run on the meta device, with the random state put back),
    and, `inline`, its definition read from its file."""
    import torch

    from engine.models.user_module import build_user_model

    with torch.random.fork_rng(devices=[]):
        model, loaded = build_user_model(config.model)
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    code = read_code(loaded, config.model.args, inline, FIELD)
    return UserModel(**{field.name: getattr(code, field.name) for field in fields(code)}, parameters=parameters)


def user_model_blocks(user: UserModel, model_first: bool, uses_device: bool, loader: bool = True) -> list[str]:
    """The model's code (a copy, or the import of its file; `loader`: with the import function),
    then the line that builds it."""
    first = "# The model is built before the data is drawn, as in the tutorial\n" if model_first else ""
    build = call("model = ", user.name, arguments(user), suffix=".to(device)" if uses_device else "")
    return [*code_blocks(user, "model", loader), first + build]
