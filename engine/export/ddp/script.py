"""A run configuration as a script for `torchrun --nproc-per-node N train.py`: the plain export
(engine.export.script) with a process group, a DistributedSampler, the model in
DistributedDataParallel, and rank 0 alone printing and saving.

What the batch size means under DDP: `data.batch_size` is the batch of each rank, as a DataLoader's
is in every DDP program, so a step trains on batch_size x N samples in all; with SGD, N ranks take
the steps of one process at N times the batch. A full-batch run stays one: each rank takes its
shard of the training set (every N-th sample), and the gradients averaged over the ranks are the
full batch's."""

from __future__ import annotations

import textwrap

from engine.config.problems import ConfigError, Problem
from engine.config.rules import validate
from engine.config.schema import RunConfig
from engine.export.boundary import boundary_call, boundary_function
from engine.export.ddp.loaders import ddp_image_loaders
from engine.export.ddp.loop import ddp_training_loop
from engine.export.features import penalty_block
from engine.export.images import image_set_blocks
from engine.export.results import evaluation, summary
from engine.export.script import ScriptWriter
from engine.export.text import WIDTH, call, comment, fit, join
from engine.export.toolkit import schedule_block

LEAVE = """\
# Leave the process group: this rank is done. DDP goes first, as it holds on to the
# group, so that the group's threads end here rather than as Python shuts down
del ddp_model
dist.destroy_process_group()"""
DEVICES = ("auto", "cpu", "cuda")  # a process group has a backend for these: Gloo on the CPU, NCCL on CUDA


def export_ddp_script(config: RunConfig, title: str = "", inline: bool = False) -> str:
    """The source of a script that trains `config`'s run on several processes with
    DistributedDataParallel, started by torchrun; `title` as for export_script. Raises ConfigError
    for a device with no process-group backend (mps), and what export_script raises."""
    validate(config)
    if config.train.device not in DEVICES:
        raise ConfigError([Problem("train.device", f"a DDP script runs on auto, cpu or cuda (Gloo on the CPU, NCCL "
                                                   f"on CUDA); {config.train.device} has no process-group backend")])
    train = config.train
    used = {"train.schedule": train.schedule == "onecycle", "train.early_stop": bool(train.early_stop),
            "train.keep_best": train.keep_best, "train.restore_best": train.restore_best}
    toolkit = [Problem(path, why) for path, why in UNSHARED if used[path]]
    if toolkit:
        raise ConfigError(toolkit)
    return DdpScriptWriter(config, title, inline).render()


# What a DDP script does not write yet: OneCycleLR's steps are counted in batches, and a rank takes
# a share of them; the best epoch and early stopping are kept off, as in the first DDP scripts. (An
# epoch schedule steps alike on every rank: the same epochs, and for plateau the same test loss,
# which every rank measures on the whole test set with the same weights.)
UNSHARED = (
    ("train.schedule", "a DDP script steps the lr once an epoch (step, cosine, plateau); onecycle steps it every "
                       "batch, and a rank takes only a share of them: use another schedule (or export without --ddp)"),
    ("train.early_stop", "a DDP script trains every epoch: use early_stop 0 (or export without --ddp)"),
    ("train.keep_best", "a DDP script saves the last weights only: use keep_best false (or export without --ddp)"),
    ("train.restore_best", "a DDP script ends on the last weights: use restore_best false (or export without --ddp)"),
)


class DdpScriptWriter(ScriptWriter):
    """The plain script's parts, rearranged for ranks: each rank builds the same data and model,
    trains on its share, and only rank 0 reports."""

    def __init__(self, config: RunConfig, title: str, inline: bool = False):
        super().__init__(config, title, inline)
        if self.images:
            self.before_model = [*image_set_blocks(self.plan), ddp_image_loaders(self.plan)]
        names = "DataLoader, DistributedSampler" if self.images else "DistributedSampler, TensorDataset"
        self.library_imports = _with_names(self.library_imports, "torch.utils.data", names.split(", "))
        self.library_imports += ["import torch.distributed as dist",
                                 "from torch.nn.parallel import DistributedDataParallel"]
        self.modules = sorted({*self.modules, "os"})

    def render(self) -> str:
        plan = self.plan
        blocks = [self.docstring(), self.imports(), self.setup(), self.seed_ranks(), *self.before_model,
                  *self.model(), *self.after_model, self.wrap(), self.loss_and_optimizer(), penalty_block(plan),
                  schedule_block(plan), evaluation(plan),
                  ddp_training_loop(plan), boundary_function(plan), self.report(), LEAVE]
        return join([fit(b) for b in blocks if b])

    def docstring(self) -> str:
        """The plain script's title, then how to start the script and what each rank does."""
        title = super().docstring().splitlines()[0]
        size = self.config.data.batch_size
        if self.plan.minibatch:
            batches = (f"Batches: {size} samples per rank, so that a step trains on {size} x N samples with N ranks "
                       "(the learning rate is not scaled with N).")
        else:
            batches = ("The whole training set is one batch: each rank takes its shard of it (every N-th sample), so "
                       "that each step still trains on all of it.")
        needs = "torch and torchvision" if self.images else "torch and Python's csv module" if self.table else "torch"
        origin = f'nntui\'s "{self.title}" run' if self.title else "an nntui run"
        start = (f"Plain PyTorch for several processes with DistributedDataParallel, exported from {origin}. "
                 "torchrun starts the processes (ranks), one per GPU or as many as asked on the CPU:")
        ranks = ("Every rank builds the same data and initial weights and trains on its own share of each epoch's "
                 "samples, dealt out by a DistributedSampler; DistributedDataParallel averages the gradients of all "
                 f"ranks in each backward pass, so that all take the same step. {batches} GPUs talk over NCCL, "
                 "processes on the CPU over Gloo. Rank 0 alone prints and saves the weights (model.pt). It needs "
                 f"nothing but {needs}.")
        return "\n".join([title, "", *textwrap.wrap(start, WIDTH), "", "    torchrun --nproc-per-node 2 train.py", "",
                          *textwrap.wrap(ranks, WIDTH), '"""'])

    def setup(self) -> str:
        """Refuse a start without torchrun, join the process group, and pick this rank's device."""
        device = self.config.train.device
        lines = ["# torchrun starts one process per rank and tells each its place in the environment",
                 'if "RANK" not in os.environ:', "    script = os.path.basename(__file__)",
                 '    raise SystemExit(f"Start it with torchrun: torchrun --nproc-per-node 2 {script}")', ""]
        cuda = ['local_rank = int(os.environ["LOCAL_RANK"])  # this process\'s GPU on its machine',
                'device = torch.device("cuda", local_rank)', "torch.cuda.set_device(device)",
                'dist.init_process_group("nccl")']
        if device == "cpu":
            lines += ['dist.init_process_group("gloo")  # processes on the CPU talk over Gloo']
        elif device == "cuda":
            lines += ["# One process per GPU; the GPUs talk over NCCL", *cuda]
        else:
            lines += ["# One process per GPU talking over NCCL where there are GPUs, else processes on the CPU",
                      "# talking over Gloo", "if torch.cuda.is_available():", *("    " + line for line in cuda),
                      "else:", '    device = torch.device("cpu")', '    dist.init_process_group("gloo")']
        return "\n".join([*lines, "rank = dist.get_rank()  # this process: 0 to world_size - 1",
                          "world_size = dist.get_world_size()  # processes in all"])

    def seed_ranks(self) -> str:
        """The seed, the same on every rank, and the plain script's one CPU thread for small work."""
        same = "initial weights" if self.table or self.images else "data and initial weights"
        lines = [f"# Seed the random number generator: every rank draws the same {same}",
                 f"torch.manual_seed({self.config.data.seed})"]
        if self.plan.one_thread:
            one_thread = "torch.set_num_threads(1)  # a network this small trains fastest on one CPU thread"
            if self.config.train.device == "auto":
                lines += ['if device.type == "cpu":', f"    {one_thread}"]
            elif self.config.train.device == "cpu":
                lines += [one_thread]
        return "\n".join(lines)

    def wrap(self) -> str:
        """`ddp_model`: the model in DistributedDataParallel, which trains; `model` stays the plain network."""
        device_ids = {"cpu": [], "cuda": ["device_ids=[local_rank]"],
                      "auto": ['device_ids=[local_rank] if device.type == "cuda" else None']}[self.config.train.device]
        return "\n".join([*comment("DistributedDataParallel copies rank 0's weights to every rank, then averages "
                                   "the ranks' gradients in each backward pass, so that all take the same step. "
                                   "`model` stays the plain network: evaluating and saving it need no other rank"),
                          call("ddp_model = ", "DistributedDataParallel", ["model", *device_ids])])

    def report(self) -> str:
        """Rank 0's summary, boundary and saved weights (every rank holds the same weights)."""
        lines = [summary(self.plan, "the mean over every rank's samples")]
        if self.plan.boundary:
            lines += ["", boundary_call(self.plan)]
        lines += ["", "# Save the trained weights: the plain network's state dict, for",
                  '# model.load_state_dict(torch.load("model.pt")) without DDP',
                  'torch.save(model.state_dict(), "model.pt")']
        return "# Rank 0 reports and saves: every rank holds the same weights\nif rank == 0:\n" + textwrap.indent(
            "\n".join(lines), "    ")


def _with_names(lines: list[str], module: str, names: list[str]) -> list[str]:
    """Import lines with `names` added to the `from module import ...` line (made if missing), sorted."""
    prefix = f"from {module} import "
    found = [line for line in lines if line.startswith(prefix)]
    merged = sorted({*names, *(n for line in found for n in line.removeprefix(prefix).split(", "))})
    return [line for line in lines if not line.startswith(prefix)] + [prefix + ", ".join(merged)]
