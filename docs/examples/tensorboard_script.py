"""A plain PyTorch script that logs with TensorBoard's SummaryWriter, to be watched by nntui:

    python docs/examples/tensorboard_script.py tb-logs/demo &
    nntui watch tb-logs/demo        # live: the loss chart grows as the script writes
    nntui runs tb-logs              # every run of the log folder, with its tags

It fits y = 2x + 1 with a one-unit linear model; train and test losses go under Loss/train and
Loss/test (paired by name in nntui's Loss view), the learning rate under lr."""

from __future__ import annotations

import sys
import time

import torch
from torch.utils.tensorboard import SummaryWriter


def main(logdir: str, epochs: int = 200, pause_s: float = 0.02) -> None:
    torch.manual_seed(0)
    x = torch.rand(256, 1)
    y = 2 * x + 1 + 0.05 * torch.randn_like(x)
    train_x, train_y, test_x, test_y = x[:200], y[:200], x[200:], y[200:]
    model = torch.nn.Linear(1, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    writer = SummaryWriter(logdir, flush_secs=1)
    writer.add_hparams({"lr": 0.1, "optimizer": "sgd"}, {"hparam/test_loss": 0.0}, run_name=".")
    for epoch in range(1, epochs + 1):
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(train_x), train_y)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            test_loss = torch.nn.functional.mse_loss(model(test_x), test_y)
        writer.add_scalar("Loss/train", loss.item(), epoch)
        writer.add_scalar("Loss/test", test_loss.item(), epoch)
        writer.add_scalar("lr", optimizer.param_groups[0]["lr"], epoch)
        writer.flush()
        time.sleep(pause_s)
    writer.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "tb-logs/demo", *(int(a) for a in sys.argv[2:3]))
