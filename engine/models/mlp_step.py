"""A training step for the engine's MLPs that skips autograd and gives the same weights.

For a 2-16-16-1 net on a batch of 32, recording autograd's graph, walking it backward and the
optimizer's per-step bookkeeping take about four fifths of a ~150 µs step; the arithmetic is the
rest. This step calls the ATen kernels that autograd's backward formulas call, on the same
operands in the same layout and order, so every weight it writes is bit-identical to autograd's
(tests/test_mlp_step.py compares them after every step for each activation, output, loss and
optimizer accepted here). A model or setting outside that list gets no fast step (`None`) and
trains through autograd as before. An L1 or L2 penalty (engine.models.regularization) adds its
gradient to each weight's as autograd's backward of `loss + rate * penalty` would.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import torch
import torch.nn.functional as F
from torch import nn

from engine.models.adam_step import adam_step_for, covers
from engine.models.plain_sgd import is_plain_sgd
from engine.models.regularization import Penalty

aten = torch.ops.aten
MEAN = 1  # ATen's code for reduction="mean", what every nntui loss uses

Backward = Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor]  # (grad, input, result)


@dataclass(frozen=True)
class Activation:
    forward: Callable[[torch.Tensor], torch.Tensor]
    backward: Backward  # autograd's derivative formula for this activation


def _activation(layer: nn.Module) -> Activation | None:
    """The activation layers build_mlp uses, each with the derivative autograd would take."""
    if type(layer) is nn.ReLU:
        return Activation(torch.relu, lambda g, x, y: aten.threshold_backward(g, y, 0))
    if type(layer) is nn.Tanh:
        return Activation(torch.tanh, lambda g, x, y: aten.tanh_backward(g, y))
    if type(layer) is nn.Sigmoid:
        return Activation(torch.sigmoid, lambda g, x, y: aten.sigmoid_backward(g, y))
    if type(layer) is nn.LeakyReLU and not layer.inplace:
        slope = layer.negative_slope
        return Activation(lambda x: F.leaky_relu(x, slope),
                          lambda g, x, y: aten.leaky_relu_backward(g, x, slope, False))
    if type(layer) is nn.GELU:
        approximate = layer.approximate
        return Activation(lambda x: F.gelu(x, approximate=approximate),
                          lambda g, x, y: aten.gelu_backward(g, x, approximate=approximate))
    if type(layer) is nn.Softmax and layer.dim == 1:
        return Activation(lambda x: torch.softmax(x, 1),
                          lambda g, x, y: aten._softmax_backward_data(g, y, 1, x.dtype))
    return None


@dataclass(frozen=True)
class Loss:
    forward: Callable[[torch.Tensor, torch.Tensor], tuple[torch.Tensor, object]]  # -> (loss, saved)
    backward: Callable[[torch.Tensor, torch.Tensor, torch.Tensor, object], torch.Tensor]  # (one, out, y, saved)


def _bce_logits_backward(one: torch.Tensor, z: torch.Tensor, y: torch.Tensor, saved: object) -> torch.Tensor:
    # autograd's formula: (sigmoid(z) - y) * grad, then divided by the element count for the mean
    # (times the incoming gradient, which is exactly 1 here: the loss is the output)
    return (z.sigmoid() - y).div_(z.numel())


def _cross_entropy_forward(z: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, object]:
    # F.cross_entropy is log_softmax then nll_loss; their intermediates are the backward's inputs
    log_p = torch.log_softmax(z, 1)
    loss, total_weight = aten.nll_loss_forward(log_p, y, None, MEAN, -100)
    return loss, (log_p, total_weight)


def _cross_entropy_backward(one: torch.Tensor, z: torch.Tensor, y: torch.Tensor, saved: object) -> torch.Tensor:
    log_p, total_weight = cast(tuple[torch.Tensor, torch.Tensor], saved)  # (the forward's own pair)
    grad = aten.nll_loss_backward(one, log_p, y, None, MEAN, -100, total_weight)
    return aten._log_softmax_backward_data(grad, log_p, 1, z.dtype)


LOSSES: dict[type[nn.Module], Loss] = {
    nn.MSELoss: Loss(lambda z, y: (F.mse_loss(z, y), None),
                     lambda one, z, y, saved: aten.mse_loss_backward(one, z, y, MEAN)),
    nn.HuberLoss: Loss(lambda z, y: (F.huber_loss(z, y), None),
                       lambda one, z, y, saved: aten.huber_loss_backward(one, z, y, MEAN, 1.0)),
    nn.BCELoss: Loss(lambda z, y: (F.binary_cross_entropy(z, y), None),
                     lambda one, z, y, saved: aten.binary_cross_entropy_backward(one, z, y, None, MEAN)),
    nn.BCEWithLogitsLoss: Loss(lambda z, y: (torch.binary_cross_entropy_with_logits(z, y, None, None, MEAN), None),
                               _bce_logits_backward),
    nn.CrossEntropyLoss: Loss(_cross_entropy_forward, _cross_entropy_backward),
}


def _loss(loss_fn: nn.Module) -> Loss | None:
    """Only the losses as nntui makes them: mean reduction, no weights, no smoothing."""
    loss = LOSSES.get(type(loss_fn))
    if loss is None or getattr(loss_fn, "reduction", None) != "mean":
        return None
    if getattr(loss_fn, "weight", None) is not None or getattr(loss_fn, "pos_weight", None) is not None:
        return None
    if isinstance(loss_fn, nn.HuberLoss) and loss_fn.delta != 1.0:
        return None
    if isinstance(loss_fn, nn.CrossEntropyLoss) and (loss_fn.label_smoothing or loss_fn.ignore_index != -100):
        return None
    return loss


def _input_grad(grad: torch.Tensor, weight: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    """The gradient of a layer's input, as autograd's mm_mat1_backward takes it: for an input
    laid out column-major (in practice a 1x1 one: a batch of one through a width-one layer) it
    multiplies the other way round and transposes, which can round differently."""
    if inputs.stride(0) == 1 and inputs.stride(1) == inputs.size(0):
        return weight.t().mm(grad.t()).t()
    return grad.mm(weight)


class MlpStep:
    """One optimizer step on a batch, as autograd plus the optimizer would take it.

    Weights are held as detached aliases of the model's parameters, so nothing records a graph
    and every update lands in the parameters themselves (and in checkpoints, evaluation, the
    boundary). Plain SGD is applied here directly, Adam and AdamW through
    engine.models.adam_step (torch's arithmetic without its step's machinery); any other optimizer
    gets the gradients in `.grad` and takes its own step. Gradient clipping, when configured, reads
    and rescales `.grad` before the step; without it the fast steps leave `.grad` unwritten."""

    def __init__(self, linears: list[nn.Linear], activations: list[Activation | None], loss: Loss,
                 optimizer: torch.optim.Optimizer, before_step: Callable[[], None] | None,
                 penalty: Penalty | None = None):
        self.linears = linears
        weights = [layer.weight.detach() for layer in linears]
        biases = [layer.bias.detach() for layer in linears]
        # F.linear computes addmm(bias, x, weight.t()); the transposed views follow in-place updates
        self.forward_plan = [(w.t(), b, act) for w, b, act in zip(weights, biases, activations)]
        # Backward goes last layer first; the gradients are kept in the parameters' order (first
        # layer's weight, its bias, ...), the optimizer's, in which torch's Adam makes its state.
        self.backward_plan = [(w, act) for w, act in zip(weights, activations)][::-1]
        self.params = [t for w, b in zip(weights, biases) for t in (w, b)]
        self.trained = [p for layer in linears for p in (layer.weight, layer.bias)]
        self.loss = loss
        self.optimizer = optimizer
        self.before_step = before_step
        self.penalty = penalty
        self.one = torch.ones((), dtype=weights[0].dtype, device=weights[0].device)
        self.adam = adam_step_for(optimizer)

    @property
    def plain_sgd(self) -> bool:
        """Asked at every step, not once: resuming a checkpoint loads the optimizer's settings
        (momentum, weight decay) over the ones it was built with."""
        return self.before_step is None and is_plain_sgd(self.optimizer)

    @property
    def inference_safe(self) -> bool:
        """Plain SGD keeps no optimizer state and sets no .grad, and the Adam step makes its state
        outside inference mode (engine.models.adam_step), so a whole epoch of either may run under
        torch.inference_mode (7-9 % faster for a small net). torch's own step may not: the state it
        makes there could not be updated in place outside it."""
        if self.plain_sgd:
            return True
        return self.before_step is None and self.adam is not None and covers(self.optimizer)

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Train on one batch; return its loss (a 0-d tensor on the device, no host sync)."""
        saved = []  # per layer: its input, its output, the activation's output
        h = x
        for weight_t, bias, act in self.forward_plan:
            pre = torch.addmm(bias, h, weight_t)
            post = pre if act is None else act.forward(pre)
            saved.append((h, pre, post))
            h = post
        loss, extra = self.loss.forward(h, y)
        grad = self.loss.backward(self.one, h, y, extra)

        grads: list[torch.Tensor] = []
        for (weight, act), (inputs, pre, post) in zip(self.backward_plan, reversed(saved)):
            if act is not None:
                grad = act.backward(grad, pre, post)
            # autograd's addmm backward: the weight's grad as grad.t() @ input (its transposed
            # view is column-major), the bias's as the batch sum, the input's as grad @ weight
            weight_grad = grad.t().mm(inputs)
            if self.penalty is not None:  # autograd sums the two paths into the weight's gradient
                weight_grad = weight_grad + self.penalty.gradient(weight, self.one)
            grads[:0] = (weight_grad, grad.sum(0))
            if inputs is not x:
                grad = _input_grad(grad, weight, inputs)
        if self.plain_sgd:
            torch._foreach_add_(self.params, grads, alpha=-self.optimizer.param_groups[0]["lr"])
            return loss
        if self.before_step is not None:
            self._set_grads(grads)
            self.before_step()  # clipping rescales .grad in place, or replaces it
            grads = [cast(torch.Tensor, p.grad) for p in self.trained]  # (clipping leaves each one set)
        if self.adam is None or not self.adam.step(self.trained, grads, self.params):
            if self.before_step is None:
                self._set_grads(grads)
            self.optimizer.step()
        return loss

    def _set_grads(self, grads: list[torch.Tensor]) -> None:
        for p, grad in zip(self.trained, grads):
            p.grad = grad


def mlp_step_for(model: nn.Module, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                 before_step: Callable[[], None] | None = None, penalty: Penalty | None = None) -> MlpStep | None:
    """The fast step for a Sequential of biased Linear layers, each followed by at most one
    activation it knows, trained with a loss it knows; None for anything else."""
    if not isinstance(model, nn.Sequential) or len(model) == 0:
        return None
    loss = _loss(loss_fn)
    if loss is None:
        return None
    linears: list[nn.Linear] = []
    activations: list[Activation | None] = []
    for layer in model:
        if type(layer) is nn.Linear:
            if layer.bias is None:
                return None
            linears.append(layer)
            activations.append(None)
            continue
        act = _activation(layer)
        if act is None or not linears or activations[-1] is not None:
            return None
        activations[-1] = act
    own = [p for layer in linears for p in (layer.weight, layer.bias)]
    if not all(p.requires_grad for p in own):  # a frozen layer: autograd gives it no gradient, SGD leaves it
        return None
    stepped = [p for group in optimizer.param_groups for p in group["params"]]
    if not _same_tensors(own, list(model.parameters())) or not _same_tensors(own, stepped):
        return None
    return MlpStep(linears, activations, loss, optimizer, before_step, penalty)


def _same_tensors(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))
