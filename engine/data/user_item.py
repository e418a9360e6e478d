"""One item of a user Dataset, checked: a pair (x, y) of tensors or numbers of real values, as
CPU tensors. Both the materialised path (engine.data.user_set) and the streamed one
(engine.data.user_stream) read items through it, so they refuse the same items with the same line."""

from __future__ import annotations

from typing import Any

import torch

from engine.code.frames import call_user
from engine.config.problems import shown
from engine.errors import DataError

FIELD = "data.module"


def read_item(dataset: Any, index: int, label: str) -> tuple[torch.Tensor, torch.Tensor]:
    item = call_user(dataset.__getitem__, FIELD, f"{label}[{index}] raised", index)
    if not isinstance(item, (tuple, list)) or len(item) != 2:
        raise DataError(f"{FIELD}: {label}[{index}] returns {shown(item)} ({type(item).__name__}), not a pair "
                        "(x, y) of tensors or numbers")
    parts = []
    for name, value in zip("xy", item):
        try:
            tensor = torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError):
            raise DataError(f"{FIELD}: {label}[{index}]'s {name} is {shown(value)}, not a tensor or numbers") from None
        if tensor.dtype not in (torch.bool, torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64) \
                and not tensor.is_floating_point():
            raise DataError(f"{FIELD}: {label}[{index}]'s {name} holds {tensor.dtype}, not real numbers")
        parts.append(tensor.detach().cpu())
    return parts[0], parts[1]
