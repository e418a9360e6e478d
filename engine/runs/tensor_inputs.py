"""Inputs for `predict` as a tensor file: a run on the user's own Dataset whose items are not table
rows (pictures as tensors, sequences, anything the user's model takes) is asked with a `.pt` file
that `torch.save` wrote, holding one input per row of its first dimension, as the Dataset's `x`
are stacked. It is read whole within a limit, with `weights_only` (no code in it runs), and refused
in one line where it holds anything but one tensor of real numbers."""

from __future__ import annotations

import io
import pickle
from pathlib import Path

import torch

from engine.errors import DataError
from engine.files.reading import GIB, read_limited

TENSOR_SUFFIX = ".pt"
INPUTS_LIMIT = 2 * GIB  # inputs a prediction holds in memory at once


def is_tensor_file(path: str) -> bool:
    """Whether an input is read as a tensor file (by its suffix)."""
    return Path(path).suffix.lower() == TENSOR_SUFFIX


def read_tensor_inputs(path: str) -> torch.Tensor:
    """The inputs in `path` as float32, (N, ...) with N >= 1; DataError naming the file otherwise."""
    data = read_limited(path, "a tensor file of inputs", INPUTS_LIMIT, DataError)
    try:
        value = torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, TypeError, AttributeError, KeyError):
        raise DataError(f"{path}: not a tensor file torch.save wrote (save the inputs with torch.save(X, "
                        f"{Path(path).name!r}))") from None
    if not isinstance(value, torch.Tensor):
        raise DataError(f"{path}: holds a {type(value).__name__}, not a tensor: save one tensor of inputs, one per "
                        "row of its first dimension")
    if value.dtype == torch.bool or value.is_complex() or not (value.is_floating_point() or value.dtype in (
            torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)):
        raise DataError(f"{path}: holds {value.dtype}, not real numbers")
    if value.dim() == 0 or len(value) == 0:
        raise DataError(f"{path}: holds a tensor of shape {tuple(value.shape)}: give one input per row of its first "
                        "dimension, (N, ...) with N at least 1")
    inputs = value.to(torch.float32)
    if not bool(torch.isfinite(inputs).all()):
        raise DataError(f"{path}: holds NaN or infinity")
    return inputs
