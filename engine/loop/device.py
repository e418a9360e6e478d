"""Picking the device: `auto` means cuda, then mps, then cpu. Asking for one this machine lacks is
bad input, answered before the run starts with the devices torch does see."""

from __future__ import annotations

import torch

from engine.config.problems import ConfigError, Problem


def _mps() -> bool:
    return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


def devices_found() -> list[str]:
    """The devices torch can train on here, in the order `auto` prefers them."""
    found = [f"cuda:{i} ({torch.cuda.get_device_name(i)})" for i in range(torch.cuda.device_count())]
    return found + (["mps"] if _mps() else []) + ["cpu"]


def device_problem(name: str) -> str | None:
    """Why the configured device cannot be used here, or None."""
    if name == "cuda" and not torch.cuda.is_available():
        return f"cuda was asked for, but torch sees no CUDA GPU (devices found: {', '.join(devices_found())})"
    if name == "mps" and not _mps():
        return f"mps was asked for, but this machine has no Metal GPU (devices found: {', '.join(devices_found())})"
    return None


def resolve_device(name: str) -> torch.device:
    """The torch device for a configured name; an unavailable one raises ConfigError saying so."""
    problem = device_problem(name)
    if problem:
        raise ConfigError([Problem("train.device", problem + "; use auto or cpu")])
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "mps" if _mps() else "cpu")
    return torch.device(name)
