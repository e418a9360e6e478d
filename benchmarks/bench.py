"""nntui's speed and memory targets, each measured beside its baseline in the same run, so that
the ratios travel between machines.

    python benchmarks/bench.py            # every row (about six minutes on a 2-core machine)
    python benchmarks/bench.py --only mnist,live_rows   # measure these rows again, keep the rest
    python benchmarks/bench.py --only peers   # nntui against Lightning, Keras, skorch, a hand loop
    python benchmarks/bench.py --gpu      # only the GPU rows (needs CUDA), into results-gpu.json
    python benchmarks/bench.py --docs     # rewrite docs/performance.md's table from the saved results

It prints each row as it is measured, writes benchmarks/results.json (results-gpu.json for the GPU
rows) and rewrites the table between the bench markers in docs/performance.md from both files, so that no
figure is ever typed in by hand. GPU rows are measured when torch sees CUDA, and skipped otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from cnn_rows import shapes_cnn_vs_dataloader  # noqa: E402
from code_rows import streamed_vs_materialised, user_module_vs_dataloader  # noqa: E402
from engine_rows import linreg_vs_tutorial, minibatch_vs_dataloader  # noqa: E402
from image_rows import MnistFiles, gpu_rows, mnist_rows  # noqa: E402
from measure import ROOT, Row  # noqa: E402
from peer_rows import NOT_MEASURED, peer_rows  # noqa: E402
from run_rows import folder_size, listing_read, recording_cost, sweep_scaling  # noqa: E402
from startup_rows import command_rows, first_screen, peak_memory  # noqa: E402
from tensorboard_rows import event_file_load, tensorboard_recording  # noqa: E402
from toolkit_rows import scheduled_vs_constant  # noqa: E402
from ui_rows import boundary_frame, chart_redraw, live_rows, network_frame  # noqa: E402

RESULTS, GPU_RESULTS = HERE / "results.json", HERE / "results-gpu.json"


def cpu_rows() -> list[Callable[[], Row | list[Row]]]:
    files: list[MnistFiles] = []

    def mnist_files() -> MnistFiles:  # written once, for the rows that read them
        if not files:
            files.append(MnistFiles())
        return files[0]

    def mnist() -> list[Row]:
        return mnist_rows(mnist_files())

    def peers() -> list[Row]:
        return peer_rows(str(mnist_files().root))

    return [linreg_vs_tutorial, minibatch_vs_dataloader, user_module_vs_dataloader, streamed_vs_materialised, mnist,
            shapes_cnn_vs_dataloader, live_rows,
            command_rows, first_screen, peak_memory, boundary_frame, network_frame, chart_redraw, scheduled_vs_constant,
            recording_cost, folder_size, listing_read, sweep_scaling, tensorboard_recording, event_file_load, peers]


def measure_again(names: list[str]) -> None:
    """Measure the named rows again (a noisy moment of a shared machine) and put them in place of
    their earlier figures in results.json, saying so in their notes."""
    rows = {row.__name__: row for row in cpu_rows()}
    unknown = sorted(set(names) - set(rows))
    if unknown:
        raise SystemExit(f"bench.py --only: no rows named {', '.join(unknown)} (one of {', '.join(rows)})")
    payload = json.loads(RESULTS.read_text())
    fresh = {row.workload: row for row in measure([rows[name] for name in names])}
    for index, old in enumerate(payload["rows"]):
        row = fresh.pop(old["workload"], None)
        if row is not None:
            row.note += f"; measured again on its own ({time.strftime('%Y-%m-%d')}) after a noisy full run"
            payload["rows"][index] = asdict(row)
    payload["rows"] += [asdict(row) for row in fresh.values()]
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")


def measure(rows: list[Callable[[], Row | list[Row]]]) -> list[Row]:
    results: list[Row] = []
    for row in rows:
        got = row()
        for one in got if isinstance(got, list) else [got]:
            results.append(one)
            print(format_row(one), flush=True)
    return results


def machine() -> str:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.machine()}, {cores} CPUs, Python {platform.python_version()}"


def save(path: Path, results: list[Row], device: str) -> None:
    payload = {"machine": device, "date": time.strftime("%Y-%m-%d"), "rows": [asdict(r) for r in results]}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description="nntui's benchmark rows")
    parser.add_argument("--gpu", action="store_true", help="only the GPU rows (CUDA), saved to results-gpu.json")
    parser.add_argument("--docs", "--readme", dest="docs", action="store_true",
                        help="measure nothing: rewrite docs/performance.md's table")
    parser.add_argument("--only", help="comma-separated rows to measure again (e.g. mnist,live_rows)")
    args = parser.parse_args()
    if args.only:
        measure_again([name.strip() for name in args.only.split(",") if name.strip()])
    elif not args.docs:
        import torch

        cuda = torch.cuda.is_available()
        if args.gpu and not cuda:
            raise SystemExit("bench.py --gpu: torch sees no CUDA device")
        if not args.gpu:
            save(RESULTS, measure(cpu_rows()), machine())
        if cuda:
            name = torch.cuda.get_device_name(0)
            save(GPU_RESULTS, measure([lambda: gpu_rows(MnistFiles())]), f"{name}, {machine()}")
        else:
            print("GPU rows skipped: torch sees no CUDA device", file=sys.stderr)
    update_docs()


def format_row(row: Row) -> str:
    if row.measured == NOT_MEASURED:
        return f"SKIP {row.workload}: {row.note}"
    base = "" if row.baseline is None else f" vs {row.baseline:.4g}"
    ratio = "" if row.ratio is None else f", ratio {row.ratio:.2f}"
    verdict = "MET " if row.met else "MISS"
    return f"{verdict} {row.workload}: {row.measured} {row.value:.4g}{base}{ratio} (target {row.target})"


def _table(payload: dict) -> list[str]:
    lines = ["| workload | figure | nntui | baseline | ratio | target | met |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in (Row(**row) for row in payload["rows"]):
        base = "" if r.baseline is None else f"{r.baseline:.4g}"
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        value, met = ("", "not measured") if r.measured == NOT_MEASURED else (f"{r.value:.4g}", "yes" if r.met else "no")
        lines.append(f"| {r.workload} | {r.measured} | {value} | {base} | {ratio} | {r.target} | {met} |")
    lines += ["", f"Measured {payload['date']} on {payload['machine']}.", ""]
    lines += [f"- *{r['workload']}*: {r['note']}" for r in payload["rows"] if r.get("note")]
    return lines


def update_docs() -> None:
    """The table (and the GPU table, once a GPU run saved one) between the bench markers of
    docs/performance.md."""
    lines = _table(json.loads(RESULTS.read_text()))
    if GPU_RESULTS.exists():
        lines += ["", "On a GPU (`python benchmarks/bench.py --gpu`):", "", *_table(json.loads(GPU_RESULTS.read_text()))]
    else:
        lines += ["", "The GPU rows (`python benchmarks/bench.py --gpu`) have not been measured on this checkout."]
    page = ROOT / "docs" / "performance.md"
    text = page.read_text()
    start, end = "<!-- bench:start -->", "<!-- bench:end -->"
    if start in text and end in text:
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        page.write_text(f"{head}{start}\n" + "\n".join(lines) + f"\n{end}{tail}")


if __name__ == "__main__":
    main()
