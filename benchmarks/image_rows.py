"""Image rows: a full MNIST-size epoch (60,000 / 10,000 pictures in IDX files written for the run)
through nntui and through the tutorial's MNIST loop, plain and augmented, each a process of its
own (benchmarks/image_workloads.py); the peak memory of `nntui run` on it; and, where CUDA is
present, the same on the GPU with a count of host-to-device copies in a cached epoch."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from measure import Row, json_run, peak_rss_mib

WORKLOADS = "benchmarks/image_workloads.py"


class MnistFiles:
    """MNIST-size IDX files in a temporary folder, written once for all the image rows."""

    def __init__(self) -> None:
        self.folder = tempfile.TemporaryDirectory(prefix="nntui-bench-")
        self.root = Path(self.folder.name)
        json_run([WORKLOADS, "write", str(self.root)])

    def run(self, who: str, *options: str) -> dict:
        return json_run([WORKLOADS, who, str(self.root), *options])


def mnist_rows(files: MnistFiles) -> list[Row]:
    rows = []
    for augment, target in ((False, 5.0), (True, 2.0)):
        options = ["--augment"] if augment else []
        # nntui's run is a few seconds, the tutorial's a few tens: the median of three of the short
        # ones, around the long one, stands up to the load of a shared machine as the long one does
        runs = [files.run("nntui", *options)]
        theirs = files.run("tutorial", *options)
        runs += [files.run("nntui", *options) for _ in range(2)]
        ours = sorted(runs, key=lambda run: run["seconds"])[1]
        speedup = theirs["seconds"] / ours["seconds"]
        name = ", --hflip --rotation 10" if augment else ""
        what = ("RandomHorizontalFlip and RandomRotation(10) per picture in the tutorial, batched on the "
                "device in nntui" if augment else "ToTensor and Normalize per picture in the tutorial, per "
                "batch in nntui")
        rows.append(Row(f"MNIST-size epoch (60k/10k IDX), 784-128-10 MLP, Adam, batch 64{name}", "seconds",
                        ours["seconds"], theirs["seconds"], speedup,
                        f">= {target:g}x faster than the tutorial's DataLoader loop", speedup >= target,
                        f"one epoch and the test pass, from building the data sets to the accuracy, one torch "
                        f"thread, each a process of its own (imports not timed; nntui's the median of 3 runs "
                        f"around the tutorial's one); {what}"))
        if not augment:
            tutorial_rss = theirs["rss_mib"]
    nntui_rss = peak_rss_mib([sys.executable, "-m", "tui.cli", "run", "--preset", "mnist", "--data-root",
                              str(files.root), "--kind", "mlp", "--hidden", "128", "--epochs", "1", "--device", "cpu"])
    ratio = nntui_rss / tutorial_rss
    rows.append(Row("peak RSS of nntui run on that MNIST-size epoch", "MiB", nntui_rss, tutorial_rss, ratio,
                    "<= 1.3x the tutorial's process", ratio <= 1.3,
                    "the whole `nntui run --preset mnist --kind mlp --hidden 128 --epochs 1` process against the "
                    "tutorial's; nntui keeps the pictures as uint8 (47 MB for 60,000) and makes floats per batch"))
    return rows


def gpu_rows(files: MnistFiles) -> list[Row]:
    """The cached path with the data on the GPU: the MNIST epoch against the tutorial's loop (which
    moves every batch from host memory), the shapes CNN, and the host-to-device copies of an epoch."""
    from cnn_rows import shapes_cnn_vs_dataloader

    ours, theirs = files.run("nntui", "--device", "cuda"), files.run("tutorial", "--device", "cuda")
    speedup = theirs["seconds"] / ours["seconds"]
    rows = [Row("MNIST-size epoch, 784-128-10 MLP, batch 64, GPU", "seconds", ours["seconds"], theirs["seconds"],
                speedup, ">= 5x faster than the tutorial's DataLoader loop", speedup >= 5,
                "as the CPU row, on CUDA: nntui's pictures live on the GPU as uint8; the tutorial collates each "
                "batch on the host and copies it over")]
    rows.append(shapes_cnn_vs_dataloader("cuda"))
    copies = files.run("copies")
    per_batch = copies["copies"] / copies["batches"]
    rows.append(Row(f"host-to-device copies in a cached MNIST epoch on the GPU ({copies['batches']} batches)",
                    "copies", copies["copies"], copies["tutorial_copies"], None, "< 0.01 per batch",
                    per_batch < 0.01 and copies["tutorial_copies"] > 0,  # none seen at all: not measured
                    "Memcpy HtoD events in a CUDA profile of one training epoch; baseline: the same epoch as the "
                    "tutorial loads it (inputs and labels, every batch)"))
    return rows
