"""`nntui run --nproc-per-node N`: the run under torchrun (torch.distributed's elastic launcher,
started in this process as `torch.distributed.run` starts it). This process is the launcher: it
checks the options and the configuration, then torchrun starts N ranks per machine, each running
this same `nntui run` command line (tui.cli.torchrun_rank takes over there). Rank 0 prints and
records the run folder; the others say nothing unless they fail.

A signal to the launcher (Ctrl+C, SIGTERM, SIGHUP) is passed on to every rank on this machine,
and the ranks stop together at the end of an epoch; a rank that dies makes torchrun stop the
others, and the launcher names it."""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
from typing import Annotated, Optional

import typer

from engine.config.schema import RunConfig
from tui.cli.exit_codes import EXIT_FAILED, EXIT_USAGE
from tui.cli.options import describe, fail

NprocOption = Annotated[Optional[int], typer.Option(
    "--nproc-per-node", help="train on N processes under torchrun, each on its share of the samples "
    "(DistributedDataParallel: Gloo on the CPU, NCCL with a GPU each); rank 0 records the run", metavar="N",
    show_default=False, rich_help_panel="torchrun")]
NnodesOption = Annotated[Optional[str], typer.Option(
    "--nnodes", metavar="N|MIN:MAX", help="--nproc-per-node: the machines taking part, N or MIN:MAX (torchrun's; default 1)",
    show_default=False, rich_help_panel="torchrun")]
RdzvEndpointOption = Annotated[Optional[str], typer.Option(
    "--rdzv-endpoint", help="--nproc-per-node: HOST:PORT where the machines meet (torchrun's c10d rendezvous; "
    "default: this machine alone)", metavar="HOST:PORT", show_default=False, rich_help_panel="torchrun")]

RANK_ENV = "NNTUI_TORCHRUN_RANK"  # set by the launcher: the process is a rank of its run, not a launcher
SHUTDOWN_TIMEOUT_S = 60  # how long the ranks have to finish their epoch and save before torchrun kills them
ENDPOINT = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)(:\d{1,5})?$")  # HOST or HOST:PORT
NODES = re.compile(r"^[1-9]\d{0,5}(:[1-9]\d{0,5})?$")  # N or MIN:MAX


def is_rank() -> bool:
    """Whether this process is one of the ranks that a launcher's torchrun started."""
    from engine.loop.distributed import launched_by_torchrun

    return os.environ.get(RANK_ENV) == "1" and launched_by_torchrun()


def check_launch_options(nproc_per_node: int | None, nnodes: str | None, rdzv_endpoint: str | None) -> None:
    """The torchrun options on their own: one line and exit 2 for what cannot start."""
    if nproc_per_node is None:
        for given, name in ((nnodes, "--nnodes"), (rdzv_endpoint, "--rdzv-endpoint")):
            if given is not None:
                raise fail(f"{name}: only with --nproc-per-node N (the processes on each machine)")
        return
    if nproc_per_node < 1:
        raise fail(f"--nproc-per-node: must be at least 1 (processes on this machine), got {nproc_per_node}")
    if nnodes is not None:
        if not NODES.match(nnodes) or int(nnodes.split(":")[0]) > int(nnodes.split(":")[-1]):
            raise fail(f"--nnodes: a number of machines (2) or a range MIN:MAX (1:4), got {nnodes!r}")
        if nnodes != "1" and rdzv_endpoint is None:
            raise fail(f"--nnodes {nnodes}: the machines need a place to meet: add --rdzv-endpoint HOST:PORT")
    if rdzv_endpoint is not None and not ENDPOINT.match(rdzv_endpoint):
        raise fail(f"--rdzv-endpoint: HOST:PORT where the machines meet (node1:29400), got {rdzv_endpoint!r}")


def resumed_nproc(recorded: int, nproc_per_node: int | None, nnodes: str | None, folder: object) -> int | None:
    """--resume: the processes on this machine to continue on. None given: as many as the run
    trained on (a one-process run stays one); a different number is refused naming both, since the
    samples are dealt out by it. A range of machines (MIN:MAX) is checked by the ranks once they meet."""
    if nproc_per_node is None:
        return recorded if recorded > 1 else None
    if nnodes is not None and ":" in nnodes:
        return nproc_per_node
    given = nproc_per_node * int(nnodes or 1)
    if given != recorded:
        typed = f"--nproc-per-node {nproc_per_node}" + (f" --nnodes {nnodes}" if nnodes not in (None, "1") else "")
        again = "without --nproc-per-node" if recorded == 1 else f"with --nproc-per-node {recorded}"
        raise fail(f"--nproc-per-node: {folder} trained on {_processes(recorded)} and {typed} would resume it on "
                   f"{given}: resume it {again} (the samples are dealt out by the number of processes)")
    return nproc_per_node


def _processes(count: int) -> str:
    return f"{count} process{'es' if count != 1 else ''}"


def refuse_unshardable(config: RunConfig, nproc_per_node: int, overrides: set[str], resuming: bool = False) -> None:
    """A configuration the ranks cannot share out, or more GPUs than this machine has: exit 2 (a
    resume, bound to its number of processes, is pointed at the CPU alone)."""
    from engine.config.problems import ConfigError, Problem
    from engine.loop.distributed import shard_problems

    problems = shard_problems(config)
    if not problems and config.train.device in ("auto", "cuda"):
        import torch

        gpus = torch.cuda.device_count()
        if gpus and nproc_per_node > gpus:
            instead = "device cpu (the run resumes on as many processes)" if resuming else \
                f"--nproc-per-node {gpus}, or device cpu"
            problems = [Problem("train.device", f"{nproc_per_node} processes need a GPU each and this machine has "
                                f"{gpus}: use {instead}")]
    if problems:
        raise fail("--nproc-per-node: " + describe(ConfigError(problems), overrides))


def launch(nproc_per_node: int, nnodes: str | None, rdzv_endpoint: str | None, typed: bool = True) -> int:
    """Start this process's `nntui run` command line on the ranks under torchrun; the exit code.
    `typed` false: the line lacks --nproc-per-node (a resume on the run's own number), added for the ranks."""
    arguments = sys.argv[1:]
    if not arguments or arguments[0] != "run":
        raise fail("--nproc-per-node: torchrun starts the command line as typed: use it as nntui run ...")
    if not typed:
        arguments = [*arguments, "--nproc-per-node", str(nproc_per_node)]
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    os.environ[RANK_ENV] = "1"
    os.environ.setdefault("OMP_NUM_THREADS", "1")  # torchrun's own default, without its warning
    if nnodes in (None, "1") and "GLOO_SOCKET_IFNAME" not in os.environ:
        os.environ["GLOO_SOCKET_IFNAME"] = _loopback()  # one machine: no warning about the host name
    quiet_torchrun()
    meeting = ["--rdzv-backend", "c10d", "--rdzv-endpoint", rdzv_endpoint] if rdzv_endpoint else ["--standalone"]
    forwarding = _children_readable()
    handled = "SIGQUIT" if forwarding else "SIGTERM,SIGINT,SIGHUP,SIGQUIT"
    torchrun = [f"--nproc-per-node={nproc_per_node}", f"--nnodes={nnodes or 1}", *meeting, "--max-restarts=0",
                f"--shutdown-timeout={SHUTDOWN_TIMEOUT_S}", f"--signals-to-handle={handled}", "-m", "tui.cli", *arguments]
    arrived: list[int] = []
    previous = {number: signal.signal(number, _forward(arrived)) for number in STOPPING} if forwarding else {}
    try:
        run(parse_args(torchrun))
    except SignalException as stop:
        return 128 + int(stop.sigval)
    except ChildFailedError as failed:
        return _report(failed, arrived)
    except Exception as err:  # the rendezvous: an endpoint nobody answers at, a port in use
        typer.echo(f"nntui: run failed: torchrun could not start the ranks: {err}", err=True)
        return EXIT_FAILED
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return 0


STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def _forward(arrived: list[int]):
    """A handler that passes each stopping signal on to this machine's ranks (this process's
    children) and lets torchrun's agent go on watching them: they stop at an epoch's end and save,
    and a second signal makes them quit at once, as it does a single run. (torchrun's own handler
    stops its agent instead, and a second signal then ended the launcher under ranks still saving.)"""
    def forward(signum: int, frame: object) -> None:
        arrived.append(signum)
        for pid in _children():
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

    return forward


def _children_readable() -> bool:
    """Whether this process's children can be found (/proc, on Linux); elsewhere torchrun forwards."""
    return os.path.isfile(f"/proc/{os.getpid()}/stat")


def _children() -> list[int]:
    """The pids of this process's children: the ranks torchrun started on this machine."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as stat:
                    parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == os.getpid():
                found.append(int(name))
    return found


def _report(failed, arrived: list[int]) -> int:
    """Name the ranks that died; a rank that ended with its own message (rank 0's reasons, a bad
    input, a failed run) has said it already, and its exit code is the run's. Ranks that a
    forwarded signal stopped end with 128 + the signal, as the launcher does."""
    died = {rank: f for rank, f in sorted(failed.failures.items()) if f.exitcode < 0}
    if arrived and not died:
        code = failed.failures[0].exitcode if 0 in failed.failures else 128 + arrived[0]
        return code
    if died:
        names = ", ".join(f"rank {rank} (pid {f.pid}) was killed by {signal.Signals(-f.exitcode).name}"
                          for rank, f in died.items())
        typer.echo(f"nntui: run failed: {names}; torchrun stopped the other ranks", err=True)
        return EXIT_FAILED
    codes = {rank: f.exitcode for rank, f in failed.failures.items()}
    if 0 in codes:
        return codes[0]
    return EXIT_USAGE if set(codes.values()) == {EXIT_USAGE} else EXIT_FAILED


def quiet_torchrun() -> None:
    """torchrun's log lines (its settings, the signals it forwards, the failure tables) are not
    this command's output: the loggers under torch.distributed, which torch gives a handler of
    their own, keep them."""
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and (name + ".").startswith("torch.distributed."):
            logger.handlers = [logging.NullHandler()]
            logger.propagate = False


def _loopback() -> str:
    """The loopback interface's name (lo on Linux, lo0 on macOS)."""
    import socket

    try:
        names = [name for _, name in socket.if_nameindex()]
    except OSError:
        names = []
    return next((name for name in names if name.startswith("lo")), "lo")
