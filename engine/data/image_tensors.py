"""Image sets as tensors: each split decoded once into uint8 pixels (a byte a value, a quarter of
float32), kept on the run's device, and turned into the model's inputs a batch at a time with
the arithmetic of torchvision's ToTensor and Normalize, so a batch is the very tensor a DataLoader
over those transforms would collate. Sets whose pixels would not fit a quarter of the memory left
stay with a DataLoader (`fits`)."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader

from engine.data.images import ImageData, ImageSplit
from engine.data.preprocess import ImageSpec

MEMORY_SHARE = 0.25  # the decoded pixels may take this share of the memory available
DECODE_BATCH = 256  # pictures per DataLoader batch while decoding a folder or resized set once


@dataclass
class ImageTensors:
    """One split decoded: uint8 pixels (N, C, H, W) and int64 labels, on one device."""

    pixels: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)


def decoded_bytes(data: ImageData) -> int:
    """Bytes both splits take as uint8 pixels, known before any picture is read (every picture
    is resized to the spec's size, or has it already)."""
    channels, height, width = data.spec.shape
    return (len(data.train) + len(data.test)) * channels * height * width


def memory_available(device: torch.device) -> int:
    """Bytes free where the pixels will live: the host's available memory (decoding happens there)
    and, for a GPU, its free memory too."""
    free = _host_available()
    if device.type == "cuda":
        free = min(free, torch.cuda.mem_get_info(device)[0])
    return free


def _host_available() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def fits(data: ImageData, device: torch.device) -> bool:
    """Whether the decoded set stays within MEMORY_SHARE of the memory available."""
    return decoded_bytes(data) <= MEMORY_SHARE * memory_available(device)


def decode(split: ImageSplit, shape: tuple[int, int, int], device: torch.device, workers: int = 0) -> ImageTensors:
    """A split's pixels and labels on `device`: taken as they are where the set holds them already,
    else read once through its Dataset (Resize, PILToTensor), `workers` processes decoding."""
    if split.pixels is not None and split.labels is not None:
        return ImageTensors(split.pixels.to(device), split.labels.to(device=device, dtype=torch.int64))
    loader = DataLoader(split.dataset, batch_size=DECODE_BATCH, num_workers=workers)
    parts = [(pixels, labels) for pixels, labels in loader]
    if not parts:
        return ImageTensors(torch.zeros((0, *shape), dtype=torch.uint8, device=device),
                            torch.zeros(0, dtype=torch.int64, device=device))
    pixels = torch.cat([p for p, _ in parts]).to(device)
    return ImageTensors(pixels, torch.cat([torch.as_tensor(y) for _, y in parts]).to(device=device, dtype=torch.int64))


class InputMaker:
    """uint8 batches to model inputs on their device: ToTensor's division by 255, then Normalize's
    (x - mean) / std. The divisor, means and stds are tensors on the device, so that a GPU divides
    as the CPU does (by a Python number, CUDA would multiply by its reciprocal instead)."""

    def __init__(self, spec: ImageSpec, device: torch.device):
        self.scale = torch.tensor(255.0, device=device)
        self.mean = torch.tensor(spec.mean, device=device).reshape(1, -1, 1, 1) if spec.mean else None
        self.std = torch.tensor(spec.std, device=device).reshape(1, -1, 1, 1) if spec.std else None

    def to_float(self, pixels: torch.Tensor) -> torch.Tensor:
        """ToTensor: values from 0 to 1."""
        return pixels.to(torch.float32).div(self.scale)

    def normalize(self, x: torch.Tensor) -> torch.Tensor:
        """Normalize with the spec's mean and std (nothing when it has none)."""
        return x if self.mean is None or self.std is None else x.sub(self.mean).div(self.std)

    def __call__(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.normalize(self.to_float(pixels))
