"""Start-up rows, each a ratio to the least a program of its kind is, measured in the same run:
`nntui --help` and `nntui presets` against `python -c "import typer"`, the trainer's first screen
against a bare Textual app with a key bar, and the peak memory of a headless run against the
tutorial's script."""

from __future__ import annotations

import os
import pty
import select
import signal
import sys
import time
from functools import partial

from measure import ROOT, Row, environment, median_of, paired_ratio, peak_rss_mib, timed_run

TYPER = [sys.executable, "-c", "import typer"]


def command_rows() -> list[Row]:
    rows = []
    for args in (["--help"], ["presets"]):
        command = [sys.executable, "-m", "tui.cli", *args]
        timed_run(command)
        ours, theirs, ratio = paired_ratio(partial(timed_run, command), partial(timed_run, TYPER), 9)
        rows.append(Row(f"nntui {' '.join(args)}", "wall time (s)", ours, theirs, ratio,
                        '<= 1.5x python -c "import typer"', ratio <= 1.5,
                        "the whole process against the interpreter importing Typer alone, 9 pairs, the median of their "
                        "ratios"))
    return rows


def first_frame_seconds(argv: list[str]) -> float:
    """Seconds from starting `argv` in a 100x30 pseudo-terminal until "Run/pause" is on its screen;
    then it is sent q and read to its end."""
    began = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.environ.update({**environment(), "COLUMNS": "100", "LINES": "30", "TERM": "xterm-256color"})
        os.chdir(ROOT)
        os.execv(argv[0], argv)
    seen = b""
    shown = None
    while shown is None and time.perf_counter() - began < 20:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
            if b"Run/pause" in seen:
                shown = time.perf_counter() - began
    os.write(fd, b"q")
    quit_by = time.perf_counter() + 10
    try:  # read on to the end: a child blocked writing its later frames would never see the q
        while time.perf_counter() < quit_by:
            if select.select([fd], [], [], 0.5)[0] and not os.read(fd, 65536):
                break
        else:
            os.kill(pid, signal.SIGKILL)  # it ignored the q: do not hang the benchmark
    except OSError:  # the child has closed the terminal
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    return shown if shown is not None else float("inf")


def first_screen() -> Row:
    """A bare `nntui` (the trainer on the circle preset) against benchmarks/bare_app.py."""
    ours_argv = [sys.executable, "-m", "tui.cli"]
    bare_argv = [sys.executable, str(ROOT / "benchmarks" / "bare_app.py")]
    first_frame_seconds(ours_argv)
    first_frame_seconds(bare_argv)
    ours, theirs, ratio = paired_ratio(partial(first_frame_seconds, ours_argv), partial(first_frame_seconds, bare_argv), 7)
    return Row("first screen of nntui (the trainer, circle preset)", "seconds", ours, theirs, ratio,
               "<= 2x a bare Textual app with a key bar", ratio <= 2,
               "from starting the process in a 100x30 pseudo-terminal to its key bar on screen, against an App "
               "with a Footer of two keys, 7 pairs, the median of their ratios; `nntui tui --preset P` also pays Typer's "
               "option parsing (it imports pydantic, about 40 ms)")


def peak_memory() -> Row:
    ours = median_of(partial(peak_rss_mib, [sys.executable, "-m", "tui.cli", "run", "--preset", "linreg"]), 3)
    theirs = median_of(partial(peak_rss_mib, [sys.executable, str(ROOT / "tests" / "tutorial" / "linreg.py")]), 3)
    return Row("peak RSS of nntui run --preset linreg", "MiB", ours, theirs, ours / theirs,
               "<= 1.2x python running the tutorial's script", ours / theirs <= 1.2,
               "the whole processes, median of 3 runs each")
