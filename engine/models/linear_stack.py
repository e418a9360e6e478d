"""Whether a model is provably a stack of Linear layers, each followed by at most one activation,
used in order: what the Network view draws unit by unit and the health view measures layer by
layer. nntui's MLP (an nn.Sequential) is one by construction. A user's module is one when its
forward, traced by torch.fx, is a single chain from the input through its Linear layers and
activations (modules like nn.ReLU, or calls like torch.relu and F.leaky_relu) to the output;
anything else is not drawn, and `why_not` says plainly why (a Conv2d, a skip connection, an
operation between the layers, a forward torch.fx cannot trace)."""

from __future__ import annotations

import copy
import operator
import weakref
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.mlp import ACTIVATION_LAYERS

Layers = list[tuple[nn.Linear, nn.Module | None]]

# Activations as modules, and the calls a forward may make instead, each with the module that
# computes the same (the call's other arguments are the module's: F.leaky_relu(h, 0.2) -> LeakyReLU(0.2)).
ACTIVATION_MODULES = (*ACTIVATION_LAYERS.values(), nn.Softmax, nn.SiLU, nn.ELU)
PASSING = (nn.Dropout, nn.Identity)  # nothing in eval mode, where the views evaluate the model
ACTIVATION_CALLS: dict[object, Callable[..., nn.Module]] = {
    torch.relu: nn.ReLU, F.relu: nn.ReLU, torch.tanh: nn.Tanh, F.tanh: nn.Tanh, torch.sigmoid: nn.Sigmoid,
    F.sigmoid: nn.Sigmoid, F.leaky_relu: nn.LeakyReLU, F.gelu: nn.GELU, torch.softmax: nn.Softmax,
    F.softmax: nn.Softmax, F.silu: nn.SiLU, F.elu: nn.ELU,
}
ACTIVATION_METHODS: dict[str, Callable[..., nn.Module]] = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid,
                                                           "softmax": nn.Softmax}
_OPERATORS = {operator.add: "adds", operator.mul: "multiplies", operator.sub: "subtracts",
              operator.truediv: "divides", operator.getitem: "indexes"}


@dataclass(frozen=True)
class LinearStack:
    """The layers in order (each Linear with the activation after it, None: none), or why the
    model is not such a stack ("" when it is)."""

    layers: Layers | None
    why_not: str = ""


_FOUND: weakref.WeakKeyDictionary[nn.Module, LinearStack] = weakref.WeakKeyDictionary()


def linear_stack(model: nn.Module) -> LinearStack:
    """The model's stack of Linear layers, traced once per model object (the views ask every snapshot)."""
    found = _FOUND.get(model)
    if found is None:
        found = _FOUND[model] = _find(model)
    return found


def _find(model: nn.Module) -> LinearStack:
    if isinstance(model, nn.Sequential) and all(isinstance(m, (nn.Linear, *ACTIVATION_MODULES, *PASSING))
                                                for m in model):  # nntui's MLP: no tracing needed
        return _folded([None if isinstance(m, PASSING) else m for m in model])
    import torch.fx

    try:  # on a copy: tracing runs the forward, which may change the model (a counter of calls)
        graph = torch.fx.symbolic_trace(copy.deepcopy(model)).graph
    except Exception as err:
        first = str(err).strip().splitlines()[0][:120] if str(err).strip() else type(err).__name__
        return LinearStack(None, f"its forward cannot be followed without running it on data (torch.fx: {first})")
    return _from_graph(model, graph)


def _from_graph(model: nn.Module, graph) -> LinearStack:
    """The layers of a traced forward that is one chain input -> Linear/activation ... -> output."""
    nodes = list(graph.nodes)
    inputs = [node for node in nodes if node.op == "placeholder"]
    if len(inputs) != 1:
        return LinearStack(None, f"its forward takes {len(inputs)} inputs, not one")
    steps: list[nn.Module | None] = []
    previous = inputs[0]
    for node in nodes[1:]:
        if node.op == "output":
            if node.args[0] is not previous:
                return LinearStack(None, "its forward returns something other than its last layer's output")
            break
        if len(previous.users) != 1:
            return LinearStack(None, f"its forward is not a single chain of layers: the output of {previous.name} "
                                     f"is used {len(previous.users)} times (a skip connection?)")
        if node.all_input_nodes != [previous]:
            return LinearStack(None, f"its forward is not a single chain of layers: {node.name} takes more than "
                                     f"the output of {previous.name}")
        step = _step(model, node)
        if isinstance(step, str):
            return LinearStack(None, f"its forward {step} between its layers")
        steps.append(step)
        previous = node
    return _folded(steps)


def _folded(steps: list[nn.Module | None]) -> LinearStack:
    """Linear layers each with the activation after it, from the steps in order (None: a no-op)."""
    layers: Layers = []
    for step in steps:
        if isinstance(step, nn.Linear):
            layers.append((step, None))
        elif step is not None:
            if not layers:
                return LinearStack(None, f"it applies {type(step).__name__} before its first Linear layer")
            if layers[-1][1] is not None:
                return LinearStack(None, f"it applies two activations in a row ({type(layers[-1][1]).__name__}, "
                                         f"then {type(step).__name__})")
            layers[-1] = (layers[-1][0], step)
    return LinearStack(layers) if layers else LinearStack(None, "it has no Linear layer")


def _step(model: nn.Module, node) -> nn.Module | str | None:
    """What the node does: a Linear layer or an activation (as a module), None for nothing (a
    Dropout), or the words for anything else."""
    extra = [arg for arg in (*node.args[1:], *node.kwargs.values()) if isinstance(arg, torch.fx.Node)]
    if node.op == "call_module":
        module = model.get_submodule(node.target)
        if isinstance(module, (nn.Linear, *ACTIVATION_MODULES)):
            return module
        return None if isinstance(module, PASSING) else f"uses a {type(module).__name__} ({node.target})"
    make = (ACTIVATION_CALLS.get(node.target) if node.op == "call_function" else
            ACTIVATION_METHODS.get(node.target) if node.op == "call_method" else None)
    if make is not None and not extra:
        try:
            return make(*node.args[1:], **{k: v for k, v in node.kwargs.items()
                                           if v is not None and k != "_stacklevel"})
        except TypeError:
            pass
    return _doing(model, node)


def _doing(model: nn.Module, node) -> str:
    if node.op == "call_function":
        return _OPERATORS.get(node.target) or f"calls {getattr(node.target, '__name__', node.target)}"
    if node.op == "call_method":
        return f"calls .{node.target}()"
    if node.op == "get_attr":
        return f"reads {node.target}"
    if node.op == "call_module":
        return f"uses {node.target}"
    return f"does {node.op}"
