"""The DDP script's DataLoaders for image runs: the training pictures through a DistributedSampler,
so that each rank's loader serves its share of them, and the test loader of the plain script,
which rank 0 evaluates."""

from __future__ import annotations

from engine.export.images import WORKERS_NOTE, evaluation_loader
from engine.export.plan import ScriptPlan
from engine.export.text import call, comment


def ddp_image_loaders(plan: ScriptPlan) -> str:
    """`sampler`, `train_loader` and, with a test set, `test_loader`."""
    data = plan.config.data
    size = data.batch_size
    dealt = ", reshuffled every epoch the same way on every rank" if data.shuffle else " in order"
    if plan.minibatch:
        batches = f"in minibatches of {size}, so that a step trains on {size} x world_size pictures in all"
    else:
        batches = "in one batch, so that a step trains on all the pictures"
    workers = f", loaded by {data.num_workers} worker processes" if data.num_workers else ""
    sampler = f"DistributedSampler(train_set, shuffle=True, seed={data.seed})" if data.shuffle else \
        "DistributedSampler(train_set, shuffle=False)"
    options = [f"batch_size={size}" if plan.minibatch else "batch_size=len(sampler)", "sampler=sampler"]
    if data.drop_last:
        options.append("drop_last=True")
    if data.num_workers:
        options.append(f"num_workers={data.num_workers}")
    lines = [*comment(f"Each rank trains on its own share of the training pictures: the DistributedSampler deals "
                      f"them out{dealt}, rank r taking every world_size-th picture from the r-th (the first few "
                      f"again where they do not divide evenly). The rank's DataLoader serves its share {batches}"
                      f"{workers}. Each pass over a loader draws a seed for its workers from its generator: one of "
                      "its own leaves the seeded one above alone."),
             *(comment(WORKERS_NOTE) if data.num_workers else []),
             f"sampler = {sampler}",
             f"loader_generator = torch.Generator().manual_seed({data.seed})",
             call("train_loader = ", "DataLoader", ["train_set", *options, "generator=loader_generator"])]
    return "\n".join(lines + evaluation_loader(plan))
