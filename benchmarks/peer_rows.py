"""Peer rows: nntui's training loop against what a user would pick instead (Lightning's Trainer,
Keras 3 on the torch backend, skorch) and against a hand-written loop over a tensor's slices (the
limit), on the small moons MLP and on an MNIST-size MLP epoch. Each peer is a process of its own
(benchmarks/peer_workloads.py) timing its loop alone, run in the same bench run as nntui, which is
measured before and after them; a peer that is not installed is a row that says so."""

from __future__ import annotations

import math
import statistics

from measure import Row, json_run

WORKLOADS = "benchmarks/peer_workloads.py"
NOT_MEASURED = "not measured"
REPEATS = 3

# peer, its name in the rows, the target, the test of the ratio (how many times faster nntui is)
PEERS = [
    ("sliced", "a hand-written sliced-tensor loop (the limit)", "<= 1.3x the hand-written loop's time",
     lambda speedup: speedup >= 1 / 1.3),
    ("lightning", "Lightning's Trainer", ">= 5x faster than Lightning's Trainer", lambda speedup: speedup >= 5),
    ("keras", "Keras 3 fit (torch backend)", ">= 10x faster than Keras 3", lambda speedup: speedup >= 10),
    ("skorch", "skorch", "faster than skorch (issue 25 sets no figure)", lambda speedup: speedup > 1),
]

WORKLOAD_NAMES = {
    "moons": "moons MLP 2-16-16-1, 10k points, Adam, batch 32, 10 epochs",
    "mnist": "MNIST-size MLP epoch 784-128-10, 60k, Adam, batch 64",
}


def peer_rows(mnist_root: str) -> list[Row]:
    rows = []
    for workload, title in WORKLOAD_NAMES.items():
        options = ["--root", mnist_root] if workload == "mnist" else []
        first = _run("nntui", workload, options)
        peers = {peer: _run(peer, workload, options) for peer, *_ in PEERS}
        last = _run("nntui", workload, options)
        ours = statistics.median(first["seconds"] + last["seconds"])
        for peer, name, target, met in PEERS:
            got = peers[peer]
            if "missing" in got:
                rows.append(Row(f"{title}: nntui vs {name}", NOT_MEASURED, math.nan, None, None, target, False,
                                got["missing"]))
                continue
            speedup = got["median"] / ours
            rows.append(Row(f"{title}: nntui vs {name}", "loop seconds", ours, got["median"],
                            speedup if peer != "sliced" else 1 / speedup, target, met(speedup),
                            _note(peer, workload, first, got)))
    return rows


def _run(peer: str, workload: str, options: list[str]) -> dict:
    return json_run([WORKLOADS, peer, workload, "--repeats", str(REPEATS), *options])


def _note(peer: str, workload: str, ours: dict, theirs: dict) -> str:
    """The losses both loops reach over the training rows (they train alike), and what the ratio is."""
    ratio = "ratio: nntui's time over the loop's" if peer == "sliced" else "ratio: how many times faster nntui is"
    return f"{ratio}; loss over the training rows after the loop: nntui {ours['loss']:.3g}, {peer} {theirs['loss']:.3g}"
