"""The gradients of the engine's CNN (engine.models.cnn) on a batch without autograd, the same to
the bit as `loss.backward()` writes them.

On the CPU, for the shapes preset's net on a batch of 32, recording autograd's graph and walking it
back cost about 8 % of a ~1.6 ms step; the convolutions, the pooling and Adam are the rest.
This calls the ATen kernels autograd's backward formulas call (`convolution_backward` with
autograd's output mask, `max_pool2d_with_indices_backward` with the forward's indices,
`threshold_backward` on the ReLU's output, then the head's as engine.models.mlp_step takes them),
on the same operands in the same layouts, and puts each gradient in `.grad` as autograd's
accumulation would, so the optimizer step (clipping, plain SGD, Adam) is the trainer's as before
(tests/test_cnn_step.py compares the weights with autograd's after every step). An L1 or L2
penalty (engine.models.regularization) adds its gradient to each weight's, as autograd's backward
of `loss + rate * penalty` does. Anything it does not know takes autograd (`cnn_gradients_for`
gives None)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from engine.models.mlp_step import Activation, Loss, _activation, _input_grad, _loss
from engine.models.regularization import Penalty

aten = torch.ops.aten


@dataclass(frozen=True)
class ConvBlock:
    """Conv2d (stride 1; build_image_model's are 3x3 with padding 1), MaxPool2d(2), ReLU: the
    detached weight and bias, the convolution's padding, the pooling's window."""

    weight: torch.Tensor
    bias: torch.Tensor
    padding: list[int]
    window: list[int]


@dataclass(frozen=True)
class HeadLayer:
    """A Linear layer of the head, its weight transposed as F.linear passes it to addmm, and the
    activation after it (None for the output layer without one)."""

    weight: torch.Tensor
    weight_t: torch.Tensor
    bias: torch.Tensor
    activation: Activation | None


class CnnGradients:
    """Forward and backward of a batch through conv blocks, a Flatten and an MLP head; returns the
    loss (0-d, on the device, detached) with every parameter's `.grad` written."""

    def __init__(self, blocks: list[ConvBlock], head: list[HeadLayer], loss: Loss, params: list[nn.Parameter],
                 penalty: Penalty | None = None):
        self.blocks, self.head, self.loss, self.params, self.penalty = blocks, head, loss, params, penalty
        self.one = torch.ones((), dtype=params[0].dtype, device=params[0].device)

    def __call__(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        saved_blocks = []  # per block: its input, the convolution's output, the pooling's indices, the ReLU's output
        h = x
        for block in self.blocks:
            conv = torch.convolution(h, block.weight, block.bias, [1, 1], block.padding, [1, 1], False, [0, 0], 1)
            pooled, indices = aten.max_pool2d_with_indices(conv, block.window, block.window)
            relu = torch.relu(pooled)
            saved_blocks.append((h, conv, indices, relu))
            h = relu
        maps = h
        h = h.flatten(1)  # a copy out of channels-last, in the order the head's weights read
        saved_head = []  # per layer: its input, its output, the activation's output
        for layer in self.head:
            pre = torch.addmm(layer.bias, h, layer.weight_t)
            post = pre if layer.activation is None else layer.activation.forward(pre)
            saved_head.append((h, pre, post))
            h = post
        loss, extra = self.loss.forward(h, y)
        grad = self.loss.backward(self.one, h, y, extra)

        grads: list[torch.Tensor] = []  # in the parameters' order: each layer's put before the later ones'
        for layer, (inputs, pre, post) in zip(reversed(self.head), reversed(saved_head)):
            if layer.activation is not None:
                grad = layer.activation.backward(grad, pre, post)
            grads[:0] = (self._with_penalty(grad.t().mm(inputs), layer.weight), grad.sum(0))
            grad = _input_grad(grad, layer.weight, inputs)  # the flattened maps need theirs too
        grad = grad.view(maps.shape)  # the Flatten's backward: a view, in the default layout
        for i, (block, (inputs, conv, indices, relu)) in reversed(list(enumerate(zip(self.blocks, saved_blocks)))):
            grad = aten.threshold_backward(grad, relu, 0)
            grad = aten.max_pool2d_with_indices_backward(grad, conv, block.window, block.window, [0, 0], [1, 1],
                                                         False, indices)
            # autograd asks for no input gradient where the input needs none: the pictures
            grad_input, grad_weight, grad_bias = aten.convolution_backward(
                grad, inputs, block.weight, [block.bias.shape[0]], [1, 1], block.padding, [1, 1], False, [0, 0], 1,
                [i > 0, True, True])
            grads[:0] = (self._with_penalty(grad_weight, block.weight), grad_bias)
            grad = grad_input
        for param, param_grad in zip(self.params, grads, strict=True):  # each in its parameter's layout, as
            param.grad = param_grad  # autograd's accumulation keeps it (tests/test_cnn_step.py checks)
        return loss.detach()

    def _with_penalty(self, grad: torch.Tensor, weight: torch.Tensor) -> torch.Tensor:
        """A weight's gradient with the penalty's (autograd sums the two paths into it)."""
        return grad if self.penalty is None else grad + self.penalty.gradient(weight, self.one)


def _conv_block(conv: nn.Module, pool: nn.Module, relu: nn.Module) -> ConvBlock | None:
    """A block as build_image_model makes it, or None."""
    if type(conv) is not nn.Conv2d or type(pool) is not nn.MaxPool2d or type(relu) is not nn.ReLU or relu.inplace:
        return None
    if (conv.bias is None or conv.stride != (1, 1) or conv.dilation != (1, 1) or conv.groups != 1
            or conv.padding_mode != "zeros" or isinstance(conv.padding, str) or conv.transposed):
        return None
    if pool.kernel_size != 2 or pool.stride != 2 or pool.padding != 0 or pool.dilation != 1 or pool.ceil_mode \
            or pool.return_indices:
        return None
    return ConvBlock(conv.weight.detach(), conv.bias.detach(), list(conv.padding), [2, 2])


def _head(layers: list[nn.Module]) -> list[HeadLayer] | None:
    """Biased Linear layers, each followed by at most one activation the MLP step knows, or None."""
    head: list[HeadLayer] = []
    for layer in layers:
        if type(layer) is nn.Linear:
            if layer.bias is None:
                return None
            weight = layer.weight.detach()
            head.append(HeadLayer(weight, weight.t(), layer.bias.detach(), None))
            continue
        act = _activation(layer)
        if act is None or not head or head[-1].activation is not None:
            return None
        head[-1] = HeadLayer(head[-1].weight, head[-1].weight_t, head[-1].bias, act)
    return head or None


def cnn_gradients_for(model: nn.Module, loss_fn: nn.Module, optimizer: torch.optim.Optimizer,
                      penalty: Penalty | None = None) -> CnnGradients | None:
    """The gradients without autograd for conv blocks (Conv2d, MaxPool2d(2), ReLU), a Flatten and
    an MLP head on the CPU, with a loss the MLP step knows, every parameter trained by `optimizer`;
    None for anything else."""
    if not isinstance(model, nn.Sequential):
        return None
    layers = list(model)
    flatten = next((i for i, layer in enumerate(layers) if type(layer) is nn.Flatten), None)
    if flatten is None or flatten == 0 or flatten % 3 or layers[flatten].start_dim != 1 or layers[flatten].end_dim != -1:
        return None
    blocks = [_conv_block(*layers[i : i + 3]) for i in range(0, flatten, 3)]
    head = _head(layers[flatten + 1 :])
    loss = _loss(loss_fn)
    if head is None or loss is None or any(block is None for block in blocks):
        return None
    params = list(model.parameters())
    stepped = [p for group in optimizer.param_groups for p in group["params"]]
    if len(params) != len(stepped) or any(a is not b for a, b in zip(params, stepped)):
        return None
    if not all(p.requires_grad and p.device.type == "cpu" and p.dtype == torch.float32 for p in params):
        return None
    return CnnGradients([b for b in blocks if b is not None], head, loss, params, penalty)
