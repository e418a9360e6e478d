"""Picking the device: `auto` means cuda, then mps, then cpu."""

from __future__ import annotations

import torch


def resolve_device(name: str) -> torch.device:
    """The torch device for a configured name; an unavailable one raises ValueError saying so."""
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if name == "cuda" and not cuda:
        raise ValueError("train.device: cuda was asked for but torch sees no CUDA GPU; use auto or cpu")
    if name == "mps" and not mps:
        raise ValueError("train.device: mps was asked for but this machine has no Metal GPU; use auto or cpu")
    return torch.device(name)
