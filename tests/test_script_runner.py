"""tests/script_runner.py runs each script as a process of its own would: the export tests that
share one interpreter rely on it."""

from __future__ import annotations

from pathlib import Path

from tests.script_batch import ScriptBatch

FIRST = '''\
import sys

import torch

import shapes_lib

threads = torch.get_num_threads()
torch.set_num_threads(1 if threads != 1 else 2)  # as a script for small work sets 1
left_behind = "first"
print(shapes_lib.SIDES, open("data.txt").read(), threads)
print("to stderr", file=sys.stderr)
sys.exit(3)
'''

SECOND = '''\
import os

import torch

import shapes_lib

print(shapes_lib.SIDES, "left_behind" in globals(), torch.get_num_threads())
print(__name__, os.path.basename(os.getcwd()), os.environ["GIVEN"])
'''


def test_each_script_runs_alone_from_its_folder_with_its_exit_status(tmp_path: Path) -> None:
    """Two scripts in one runner: each reads files and imports a module of the same name from its
    own folder, starts with fresh globals and torch's thread count, runs as __main__, and reports
    its exit status and its own output."""
    batch = ScriptBatch(tmp_path)
    batch.add("first", FIRST)
    (batch.folder_for("first") / "shapes_lib.py").write_text("SIDES = 3\n", encoding="utf-8")
    (batch.folder_for("first") / "data.txt").write_text("read here", encoding="utf-8")
    batch.add("second", SECOND, env={"GIVEN": "its own"})
    (batch.folder_for("second") / "shapes_lib.py").write_text("SIDES = 4\n", encoding="utf-8")
    batch.start()
    try:
        first, second = batch.result("first"), batch.result("second")
    finally:
        batch.close()
    threads = first.stdout.split()[-1]
    assert (first.returncode, first.stdout, first.stderr) == (3, f"3 read here {threads}\n", "to stderr\n")
    assert (second.returncode, second.stdout, second.stderr) == (0, f"4 False {threads}\n__main__ second its own\n", "")


RAISING = '''\
import os

os.write(1, b"{not json\\n")
print("before")
raise ValueError("the loss is not finite")
'''


def test_a_script_that_raises_ends_with_its_traceback_and_status_1(tmp_path: Path) -> None:
    """As Python ends a script that raised: the traceback on stderr, exit status 1; bytes written
    straight to file descriptor 1 do not garble the runner's report, and the next script runs."""
    batch = ScriptBatch(tmp_path)
    batch.add("raising", RAISING)
    batch.add("next", 'print("after")\n')
    batch.start()
    try:
        ran, after = batch.result("raising"), batch.result("next")
    finally:
        batch.close()
    assert after.stdout == "after\n"
    assert (ran.returncode, ran.stdout) == (1, "before\n")
    assert ran.stderr.startswith("Traceback") and ran.stderr.endswith("ValueError: the loss is not finite\n")
