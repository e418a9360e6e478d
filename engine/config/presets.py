"""Ready-made runs. The tutorial presets repeat the notes' examples exactly (data, model, loss,
optimizer, learning rate, epochs, print interval and order of random draws); the playground
presets are 2-D sets the tutorial stops short of, tuned to reach >= 95 % test accuracy.

The tutorial presets that print the tutorial's numbers train on the CPU, as the tutorial's code
does: a GPU's kernels round differently, so `auto` would print other numbers on a machine with CUDA
(seen on an H100). The MNIST presets load the data as the tutorial's MNIST section does
(ToTensor, Normalize((0.5,), (0.5,)), shuffled batches of 64, test batches of 64 in order); the
section trains nothing, so the CNN, optimizer and epochs are nntui's, and they take a GPU where
there is one."""

from __future__ import annotations

from dataclasses import dataclass

from engine.config.problems import ConfigError, Problem
from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    tutorial: bool  # reproduces a code block of the tutorial notes
    config: RunConfig


def _preset(name: str, description: str, tutorial: bool, model: ModelConfig, data: DataConfig,
            train: TrainConfig) -> Preset:
    return Preset(name, description, tutorial, RunConfig(model, data, train))


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        _preset("linreg", "linear regression on y = 2*x1 + 3*x2 + 4 + noise (tutorial)", True,
                ModelConfig(hidden=[], output_activation="none"),
                DataConfig(dataset="linear", samples=100, noise=0.1, seed=42),
                TrainConfig(loss="mse", optimizer="sgd", lr=0.01, epochs=1000, log_interval=100,
                            device="cpu")),
        _preset("circle", "points inside the unit circle, 2-4-1 classifier (tutorial)", True,
                ModelConfig(hidden=[4], activation="relu", output_activation="sigmoid"),
                DataConfig(dataset="circle", samples=100, seed=42),
                TrainConfig(loss="bce", optimizer="sgd", lr=0.1, epochs=100, log_interval=10,
                            device="cpu")),
        _preset("sequential", "the first network: nn.Sequential 10-5-1 on 10 samples (tutorial)", True,
                ModelConfig(hidden=[5], activation="relu", output_activation="sigmoid"),
                DataConfig(dataset="sequential", samples=10, seed=42),
                TrainConfig(loss="mse", optimizer="sgd", lr=0.01, epochs=50, log_interval=1,
                            device="cpu")),
        _preset("simple-nn", "SimpleNN 2-2-1 regression of the training-process section (tutorial)", True,
                ModelConfig(hidden=[2], activation="relu", output_activation="none"),
                DataConfig(dataset="random", samples=10, seed=42),
                TrainConfig(loss="mse", optimizer="sgd", lr=0.01, epochs=100, log_interval=10,
                            device="cpu")),
        _preset("xor", "XOR quadrants, 2-8-8-1 tanh classifier", False,
                ModelConfig(hidden=[8, 8], activation="tanh", output_activation="none"),
                DataConfig(dataset="xor", samples=400, noise=0.0, batch_size=32, seed=42),
                TrainConfig(loss="bce_logits", optimizer="adam", lr=0.01, epochs=100, log_interval=10)),
        _preset("moons", "two interleaving moons, 2-16-16-1 classifier", False,
                ModelConfig(hidden=[16, 16], activation="relu", output_activation="none"),
                DataConfig(dataset="moons", samples=400, noise=0.1, batch_size=32, seed=42),
                TrainConfig(loss="bce_logits", optimizer="adam", lr=0.01, epochs=100, log_interval=10)),
        _preset("spiral", "three spiral arms, 2-32-32-3 softmax classifier", False,
                ModelConfig(hidden=[32, 32], activation="relu", output_activation="none"),
                DataConfig(dataset="spiral", samples=600, noise=0.1, classes=3, batch_size=32, seed=42),
                TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.01, epochs=200, log_interval=20)),
        _preset("blobs", "four Gaussian blobs, 2-8-4 softmax classifier", False,
                ModelConfig(hidden=[8], activation="relu", output_activation="none"),
                DataConfig(dataset="blobs", samples=400, noise=0.6, classes=4, batch_size=32, seed=42),
                TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.01, epochs=50, log_interval=5)),
        _preset("shapes", "28x28 drawn shapes (offline images), small CNN", False,
                ModelConfig(hidden=[32], activation="relu", output_activation="none", kind="cnn",
                            channels=[8, 16]),
                DataConfig(dataset="shapes", samples=1200, batch_size=32, seed=42),
                TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.01, epochs=4, log_interval=1)),
        *(_preset(name, f"{what}: the tutorial's MNIST loaders, all 60,000 / 10,000 images, small CNN", True,
                  ModelConfig(hidden=[64], activation="relu", output_activation="none", kind="cnn",
                              channels=[8, 16]),
                  DataConfig(dataset=name, samples=0, batch_size=64, shuffle=True, normalize="0.5", seed=42),
                  TrainConfig(loss="cross_entropy", optimizer="adam", lr=0.001, epochs=3, log_interval=1))
          for name, what in (("mnist", "handwritten digits"), ("fashion-mnist", "Zalando's clothing"))),
    )
}


def preset_config(name: str) -> RunConfig:
    """A fresh copy of a preset's configuration; an unknown name raises ConfigError listing them."""
    preset = PRESETS.get(name)
    if preset is None:
        import difflib

        close = difflib.get_close_matches(name, list(PRESETS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError([Problem("preset", f"unknown preset '{name}'{hint} (one of {', '.join(PRESETS)})")])
    return preset.config.copy()
