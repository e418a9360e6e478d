"""TensorBoard log folders for tests, written by torch's SummaryWriter as a plain script would."""

from __future__ import annotations

import os
import time
from pathlib import Path


def write_tagged_run(folder: Path, steps: int = 6, ended: bool = True, hparams: dict | None = None) -> Path:
    """Loss/train, Loss/test, Accuracy/train and Accuracy/test at each step 1..steps (train loss
    1/step, test loss 2/step, accuracies 0.5 and 0.25 plus step/100); `ended`: its files dated a
    minute back, so a watcher takes the run as ended and passes every step on at once; `hparams`
    declared first, as the hparams plugin writes them."""
    from torch.utils.tensorboard import SummaryWriter
    from torch.utils.tensorboard.summary import hparams as hparam_summaries

    writer = SummaryWriter(str(folder))
    for summary in hparam_summaries(hparams, {"hp_metric": 0.0}) if hparams else ():
        writer.file_writer.add_summary(summary)
    for step in range(1, steps + 1):
        writer.add_scalar("Loss/train", 1.0 / step, step)
        writer.add_scalar("Loss/test", 2.0 / step, step)
        writer.add_scalar("Accuracy/train", 0.5 + step / 100, step)
        writer.add_scalar("Accuracy/test", 0.25 + step / 100, step)
    writer.close()
    if ended:
        for file in folder.iterdir():
            os.utime(file, (time.time() - 60, time.time() - 60))
    return folder
