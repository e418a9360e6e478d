"""The image rows' workloads, each run by bench.py as a process of its own so that its peak memory
is its own: MNIST-size IDX files written once, the tutorial's MNIST loop on them (per-picture
ToTensor and Normalize, a shuffled DataLoader of 64, the test loader of 64), and nntui's engine on
the same files with the same model, optimizer, batches and epoch.

    python benchmarks/image_workloads.py write DIR            # 60,000 + 10,000 pictures
    python benchmarks/image_workloads.py tutorial DIR [--augment] [--device cpu|cuda]
    python benchmarks/image_workloads.py nntui DIR [--augment] [--device cpu|cuda]
    python benchmarks/image_workloads.py copies DIR          # CUDA only

`tutorial` and `nntui` print one JSON line: the seconds from building the data sets to the end of
the test evaluation (imports, interpreter start and CUDA's start-up left out of both), the test
accuracy and the process's peak RSS in MiB. Both train a 784-128-10 MLP with Adam (lr 0.001) for
one epoch on one CPU thread, the conditions of the issue that asked for this row. `copies` counts
the host-to-device copies in one cached nntui epoch on the GPU, and in the tutorial's loop."""

from __future__ import annotations

import argparse
import json
import resource
import struct
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRAIN, TEST = 60_000, 10_000
BATCH, LR, HIDDEN, SEED = 64, 0.001, 128, 42
ROTATION = 10.0  # the augmented rows: --hflip --rotation 10


def write_mnist(root: Path) -> None:
    """IDX files as torchvision's MNIST reads them, in ROOT/MNIST/raw: each class a blurred random
    template with noise on top, so that an epoch learns something (the timing does not care)."""
    import numpy as np

    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    templates = rng.random((10, 28, 28)) ** 4 * 255
    for prefix, n in (("train", TRAIN), ("t10k", TEST)):
        labels = rng.integers(0, 10, n).astype(np.uint8)
        pixels = np.clip(templates[labels] * 0.8 + rng.random((n, 28, 28)) * 60, 0, 255).astype(np.uint8)
        (raw / f"{prefix}-images-idx3-ubyte").write_bytes(struct.pack(">iiii", 0x803, n, 28, 28) + pixels.tobytes())
        (raw / f"{prefix}-labels-idx1-ubyte").write_bytes(struct.pack(">ii", 0x801, n) + labels.tobytes())


def tutorial(root: Path, augment: bool, device_name: str) -> dict:
    """The tutorial's MNIST section, trained for one epoch as a reader would write it."""
    import torch
    from torch import nn
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    torch.set_num_threads(1)
    device = torch.device(device_name)
    torch.zeros(1, device=device)  # CUDA's start-up, outside the clock
    began = time.perf_counter()
    torch.manual_seed(SEED)
    normal = [transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))]
    randoms = [transforms.RandomHorizontalFlip(), transforms.RandomRotation(ROTATION)] if augment else []
    train_dataset = datasets.MNIST(str(root), train=True, transform=transforms.Compose(randoms + normal))
    test_dataset = datasets.MNIST(str(root), train=False, transform=transforms.Compose(normal))
    train_loader = DataLoader(train_dataset, batch_size=BATCH, shuffle=True)
    test_loader = DataLoader(test_dataset, batch_size=BATCH, shuffle=False)
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 10)).to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    model.train()
    for inputs, labels in train_loader:
        inputs, labels = inputs.to(device), labels.to(device)
        loss = criterion(model(inputs), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()
    correct = torch.zeros((), device=device)
    with torch.no_grad():
        for inputs, labels in test_loader:
            inputs, labels = inputs.to(device), labels.to(device)
            correct += (model(inputs).argmax(dim=1) == labels).sum()
    accuracy = correct.item() / len(test_dataset)
    return _report(time.perf_counter() - began, accuracy)


def nntui_config(root: Path, augment: bool, device_name: str):
    """The same run as an nntui configuration: the mnist preset with the tutorial loop's MLP."""
    from engine.config.build import with_values
    from engine.config.presets import preset_config

    values = {"data.data_root": str(root), "model.kind": "mlp", "model.hidden": [HIDDEN], "train.lr": LR,
              "train.epochs": 1, "train.device": device_name}
    if augment:
        values.update({"data.hflip": True, "data.rotation": ROTATION})
    return with_values(preset_config("mnist"), values)


def nntui(root: Path, augment: bool, device_name: str) -> dict:
    """The engine's run, as `nntui run` drives it (a TrainingSession), timed the same way."""
    import torch

    import engine.data.images  # noqa: F401  torchvision, imported before the clock as the tutorial's is
    from engine.loop.events import RunFinished
    from engine.loop.session import TrainingSession

    torch.set_num_threads(1)
    torch.zeros(1, device=device_name)  # CUDA's start-up, outside the clock
    ends: list = []
    config = nntui_config(root, augment, device_name)
    began = time.perf_counter()
    session = TrainingSession(config, lambda e: ends.append(e) if isinstance(e, RunFinished) else None,
                              snapshot_interval_s=None, eval_interval_s=None)
    session.start()
    session.join()
    seconds = time.perf_counter() - began
    if not ends:
        raise SystemExit("the nntui run did not finish")
    return _report(seconds, ends[0].test_accuracy)


def copies(root: Path) -> dict:
    """Host-to-device copies ("Memcpy HtoD" in a CUDA profile) in one cached nntui training epoch,
    and in the tutorial's loop over TUTORIAL_BATCHES batches, scaled to the epoch's batches."""
    import torch
    from torch.profiler import ProfilerActivity, profile
    from torch.utils.data import DataLoader
    from torchvision import datasets, transforms

    from engine.loop.trainer import Trainer

    def counted(work) -> int:
        with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
            work()
            torch.cuda.synchronize()
        return sum(1 for event in prof.events() if "HtoD" in event.name)  # "Memcpy HtoD (Pageable -> Device)"

    trainer = Trainer(nntui_config(root, False, "cuda"))
    trainer.train_epoch()  # the first epoch warms CUDA's kernels up
    ours = counted(trainer.train_epoch)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.5,), (0.5,))])
    loader = DataLoader(datasets.MNIST(str(root), train=True, transform=transform), batch_size=BATCH, shuffle=True)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, HIDDEN), torch.nn.ReLU(),
                                torch.nn.Linear(HIDDEN, 10)).cuda()
    optimizer = torch.optim.Adam(model.parameters(), lr=LR)

    def tutorial_batches() -> None:
        for step, (inputs, labels) in enumerate(loader):
            if step == TUTORIAL_BATCHES:
                break
            loss = torch.nn.functional.cross_entropy(model(inputs.cuda()), labels.cuda())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

    theirs = counted(tutorial_batches) * len(loader) / TUTORIAL_BATCHES
    return {"copies": ours, "batches": trainer.batches_per_epoch(), "tutorial_copies": theirs}


TUTORIAL_BATCHES = 50


def _report(seconds: float, accuracy: float | None) -> dict:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "test_accuracy": accuracy, "rss_mib": rss}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["write", "tutorial", "nntui", "copies"])
    parser.add_argument("root", type=Path)
    parser.add_argument("--augment", action="store_true")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    if args.what == "write":
        write_mnist(args.root)
        print("{}")
    elif args.what == "copies":
        print(json.dumps(copies(args.root)))
    else:
        run = tutorial if args.what == "tutorial" else nntui
        print(json.dumps(run(args.root, args.augment, args.device)))


if __name__ == "__main__":
    main()
