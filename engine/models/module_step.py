"""The MLP's autograd-free step (engine.models.mlp_step) for a user's own module that is provably
a stack of Linear layers: for a 2-16-16-1 `Net` on batches of 32, autograd's graph, its backward
walk and the optimizer's bookkeeping are about three quarters of each step, the arithmetic the
rest. The module's forward, traced once by torch.fx (engine.models.linear_stack), is a single
chain input -> Linear -> activation ... -> output; the step runs that chain's kernels itself, with
weights bit-identical to autograd's. The forward is then not called per training batch (it still
answers evaluation and the views), so anything it does beside its tensors' arithmetic would be
lost: a module keeps autograd when its forward (or a layer's) stores an attribute or a global,
prints, reads `self.training`, or when hooks are registered, it has a Dropout, a frozen
parameter (engine.models.mlp_step refuses those), or it overrides `__call__`."""

from __future__ import annotations

import dis
from collections.abc import Callable

import torch
from torch import nn

from engine.models.linear_stack import linear_stack
from engine.models.mlp_step import MlpStep, mlp_step_for
from engine.models.regularization import Penalty

# Bytecode that leaves a trace outside the returned tensor (a Python 3.11-3.13 opname each).
_SIDE_EFFECTS = {"STORE_ATTR", "STORE_GLOBAL", "STORE_DEREF", "STORE_NAME", "DELETE_ATTR", "DELETE_GLOBAL",
                 "DELETE_DEREF", "DELETE_NAME"}
_WATCHED_NAMES = {"print", "training"}  # a print per batch, a branch on train/eval mode


def module_step_for(model: nn.Module, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                    before_step: Callable[[], None] | None = None, penalty: Penalty | None = None) -> MlpStep | None:
    """The fast step for a Sequential MLP (as nntui's own), or for a module whose forward is a
    plain chain of biased Linear layers and activations the step knows; None otherwise."""
    if isinstance(model, nn.Sequential):
        return mlp_step_for(model, loss_fn, optimizer, before_step, penalty)
    if not _only_arithmetic(model):
        return None
    layers = linear_stack(model).layers
    if layers is None:
        return None
    chain = nn.Sequential(*[m for layer, act in layers for m in (layer, act) if m is not None])
    # The chain's parameters must be all the module's, in its order (the optimizer steps those):
    # a Linear used twice, or a parameter outside the chain, keeps autograd.
    step = mlp_step_for(chain, loss_fn, optimizer, before_step, penalty)
    if step is None or not _same(list(chain.parameters()), list(model.parameters())):
        return None
    return step


def _only_arithmetic(model: nn.Module) -> bool:
    """Whether skipping the module's forward per batch loses nothing but its arithmetic."""
    if type(model).__call__ is not nn.Module.__call__ or _global_hooks():
        return False
    for module in model.modules():
        if isinstance(module, nn.Dropout) or _has_hooks(module):
            return False
        if not type(module).__module__.startswith("torch.") and not _pure_forward(type(module).forward):
            return False
    return not any(p._backward_hooks or getattr(p, "_post_accumulate_grad_hooks", None)
                   for p in model.parameters())


def _has_hooks(module: nn.Module) -> bool:
    return any(getattr(module, name, None) for name in (
        "_forward_hooks", "_forward_pre_hooks", "_backward_hooks", "_backward_pre_hooks"))


def _global_hooks() -> bool:
    from torch.nn.modules import module as torch_module

    return any(getattr(torch_module, name, None) for name in (
        "_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
        "_global_backward_pre_hooks"))


def _pure_forward(forward: object) -> bool:
    """No store outside its locals, no print, no look at the train/eval mode, in its bytecode."""
    code = getattr(forward, "__code__", None)
    if code is None:
        return False
    for instruction in dis.get_instructions(code):
        if instruction.opname in _SIDE_EFFECTS:
            return False
        if instruction.opname.startswith("LOAD") and instruction.argval in _WATCHED_NAMES:
            return False
    return True


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))
