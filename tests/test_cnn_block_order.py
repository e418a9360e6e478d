"""A CNN block pools before its ReLU (engine.models.cnn): the same numbers as the usual ReLU, then
max pooling, to the bit, forward and backward, so the exported script and older runs agree."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
from engine.loop.trainer import Trainer
from engine.models.cnn import build_image_model

LAYOUTS = [torch.contiguous_format, torch.channels_last]


def bits(t: torch.Tensor) -> torch.Tensor:
    """The float32 values as their bit patterns, so that NaN equals NaN and -0.0 differs from 0.0."""
    return t.contiguous().view(torch.int32)


def awkward_maps() -> torch.Tensor:
    """2x2 windows of every kind: all negative, a zero among negatives, tied positive maxima, tied
    zeros, a NaN, and random values; 2 pictures of 3 channels, 6x8 pixels (odd edges are cut)."""
    torch.manual_seed(0)
    x = torch.randn(2, 3, 6, 8)
    x[0, 0, 0:2, 0:2] = torch.tensor([[-1.0, -2.0], [-0.5, -3.0]])
    x[0, 0, 0:2, 2:4] = torch.tensor([[-1.0, 0.0], [-0.5, -3.0]])
    x[0, 0, 0:2, 4:6] = torch.tensor([[0.5, 2.0], [2.0, 1.0]])
    x[0, 0, 2:4, 0:2] = 0.0
    x[0, 0, 2:4, 2:4] = torch.tensor([[-1.0, float("nan")], [3.0, -3.0]])
    x[1, 2, 2:4, 4:6] = 1.25  # a flat patch, as a picture's background gives
    return x


@pytest.mark.parametrize("layout", LAYOUTS, ids=["default", "channels-last"])
def test_relu_after_max_pooling_gives_the_values_and_gradient_of_relu_before_it(layout: torch.memory_format) -> None:
    """relu(max_pool(x)) and max_pool(relu(x)) agree bit for bit, and so do their gradients, on
    windows of ties, zeros, negatives and NaN."""
    x = awkward_maps().contiguous(memory_format=layout)
    grad = torch.randn(2, 3, 3, 4).contiguous(memory_format=layout)
    results = []
    for block in (lambda t: torch.relu(nn.functional.max_pool2d(t, 2)),
                  lambda t: nn.functional.max_pool2d(torch.relu(t), 2)):
        leaf = x.clone().requires_grad_(True)
        out = block(leaf)
        out.backward(grad)
        results.append((out.detach(), leaf.grad))
    (pooled_first, grad_first), (relu_first, grad_relu_first) = results
    assert torch.equal(bits(pooled_first), bits(relu_first))
    assert torch.equal(bits(grad_first), bits(grad_relu_first))


def relu_then_pool(model: nn.Sequential) -> nn.Sequential:
    """The same layers (the same weight tensors) with each block's MaxPool2d and ReLU swapped back."""
    layers = list(model)
    for i, layer in enumerate(layers[:-1]):
        if isinstance(layer, nn.MaxPool2d) and isinstance(layers[i + 1], nn.ReLU):
            layers[i], layers[i + 1] = layers[i + 1], layer
    return nn.Sequential(*layers)


def test_cnn_trains_to_the_weights_of_relu_then_pooling() -> None:
    """The engine's CNN (pooling, then ReLU) and the same CNN with ReLU first, trained with Adam
    on the shapes pictures (whose flat background ties the pooling's windows) in channels-last,
    end with the same weights to the bit."""
    config = RunConfig(ModelConfig(hidden=[16], output_activation="none", kind="cnn", channels=[4, 8]),
                       DataConfig(dataset="shapes", samples=96, batch_size=32, seed=3),
                       TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.05, epochs=1, device="cpu"))
    images = Trainer(config).images
    batches = [(images.inputs(pixels, train=True), labels) for pixels, labels in images.train_batches()]
    models = []
    for reorder in (lambda m: m, relu_then_pool):
        torch.manual_seed(0)
        model = reorder(build_image_model(config.model, (1, 28, 28), 4)).to(memory_format=torch.channels_last)
        optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
        for _ in range(2):
            for xb, yb in batches:
                optimizer.zero_grad()
                nn.functional.cross_entropy(model(xb), yb).backward()
                optimizer.step()
        models.append(model)
    assert [type(layer) for layer in models[0][:3]] == [nn.Conv2d, nn.MaxPool2d, nn.ReLU]
    assert [type(layer) for layer in models[1][:3]] == [nn.Conv2d, nn.ReLU, nn.MaxPool2d]
    for ours, theirs in zip(models[0].parameters(), models[1].parameters(), strict=True):
        assert torch.equal(bits(ours.detach()), bits(theirs.detach()))
