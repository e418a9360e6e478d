"""Run several exported scripts in this one interpreter, each as `python train.py` would run it,
and print one JSON line per script: {"name", "returncode", "stdout", "stderr"}.

Started as `python tests/script_runner.py JOBS.json` (by tests/script_batch.py), it imports no
nntui module: a script sees only what it would see alone, but for torch being imported once
instead of once per script (the second or two each process start costs). Each script runs as
__main__ in a fresh namespace, from its own folder (its cwd, with its folder first on sys.path
and its own environment overrides), with torch's thread count as a new process has it; what it
imported from its folder is forgotten after it. What it prints through sys.stdout and sys.stderr
is its output; what a library writes straight to the file descriptors goes to the runner's
stderr. JOBS.json is a list of {"name", "path", "cwd", "env"}."""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import sys
import traceback
from pathlib import Path

import torch


def run_one(path: Path, cwd: Path, env: dict[str, str], threads: int) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of the script at `path`, run as its own process would run it."""
    out, err = io.StringIO(), io.StringIO()
    saved_env, saved_path, saved_argv, saved_cwd = dict(os.environ), list(sys.path), list(sys.argv), os.getcwd()
    modules = set(sys.modules)
    torch.set_num_threads(threads)  # a script may set 1, for small work
    os.environ.update(env)
    os.chdir(cwd)
    sys.path.insert(0, str(path.parent))
    sys.argv = [str(path)]
    status = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                runpy.run_path(str(path), run_name="__main__")
            except SystemExit as leaving:
                status = _exit_status(leaving.code, err)
            except BaseException:  # as Python itself ends a script that raised: the traceback, then 1
                traceback.print_exc()
                status = 1
            sys.stdout.flush()
    finally:
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        sys.path[:], sys.argv[:] = saved_path, saved_argv
        for name in set(sys.modules) - modules:  # the script's own modules (a user's model file)
            if _inside(getattr(sys.modules[name], "__file__", None), (path.parent, cwd)):
                del sys.modules[name]
    return status, out.getvalue(), err.getvalue()


def _exit_status(code: object, err: io.StringIO) -> int:
    """What the process would exit with for sys.exit(code)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=err)
    return 1


def _inside(file: str | None, folders: tuple[Path, ...]) -> bool:
    if file is None:
        return False
    resolved = Path(file).resolve()
    return any(resolved.is_relative_to(folder.resolve()) for folder in folders)


def main(jobs_file: str) -> None:
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        del sys.path[0]  # tests/ is no folder of the scripts'
    threads = torch.get_num_threads()  # a new process's count
    report = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")  # the results' own descriptor:
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what a library writes to fd 1 cannot garble them
    for job in json.loads(Path(jobs_file).read_text(encoding="utf-8")):
        status, stdout, stderr = run_one(Path(job["path"]), Path(job["cwd"]), job.get("env", {}), threads)
        report.write(json.dumps({"name": job["name"], "returncode": status, "stdout": stdout, "stderr": stderr}) + "\n")
        report.flush()


if __name__ == "__main__":
    main(sys.argv[1])
