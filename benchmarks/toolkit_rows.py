"""The training toolkit's row: what a learning-rate schedule costs a fast minibatch run."""

from __future__ import annotations

import time

from measure import Row, paired_ratio


def scheduled_vs_constant() -> list[Row]:
    """The 2-16-16-1 MLP of minibatch_vs_dataloader (10k samples, batches of 32, plain SGD on the
    fast MLP step) with a cosine schedule (stepped per epoch) and a onecycle one (OneCycleLR's lr
    every batch), against the same run at a constant lr, timed in pairs."""
    from engine.config.schema import DataConfig, ModelConfig, RunConfig, TrainConfig
    from engine.loop.trainer import Trainer

    def run(schedule: str) -> float:
        trainer = Trainer(RunConfig(ModelConfig(hidden=[16, 16], output_activation="none"),
                                    DataConfig(dataset="moons", samples=10_000, noise=0.1, batch_size=32,
                                               test_fraction=0.0),
                                    TrainConfig(loss="bce_logits", optimizer="sgd", lr=0.1, epochs=10,
                                                schedule=schedule)))
        assert trainer._fast_step is not None  # the schedule keeps the fast step
        began = time.perf_counter()
        for _ in range(10):
            trainer.train_epoch()
            trainer.end_epoch(None)
        return time.perf_counter() - began

    rows = []
    for schedule, when in (("cosine", "per epoch"), ("onecycle", "per batch")):
        run("none"), run(schedule)  # warm up
        constant, scheduled, ratio = paired_ratio(lambda: run("none"), lambda chosen=schedule: run(chosen), 9)
        rows.append(Row(f"2-16-16-1 MLP, batch 32, 10 epochs, {schedule} schedule ({when})", "engine time (s)",
                        scheduled, constant, ratio, ">= 0.97x the throughput at a constant lr", ratio >= 0.97,
                        "the fast MLP step keeps working under every schedule; onecycle's lrs are "
                        "OneCycleLR's, taken an epoch at a time and stored per batch (engine/loop/onecycle_lrs.py); "
                        "the 2-core machine shared with other sessions"))
    return rows
