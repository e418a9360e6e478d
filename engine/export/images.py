"""An image run's data as source code, for `engine.export.script`: the data set as engine.data.images loads it
(the offline shapes drawn as export_shapes writes them, torchvision's MNIST and Fashion-MNIST
from the same folder, or an ImageFolder split by the same permutation), the tutorial's
per-picture transforms (Resize, ToTensor, Normalize), and DataLoaders whose batches are those of
the engine's engine.loop.image_batches, shuffling generator included. An augmented run's script
augments and normalises each training batch as the engine does (engine.export.augment), so that
every batch and every random flip is nntui's."""

from __future__ import annotations

from engine.config.catalog import DATASETS
from engine.config.schema import DataConfig
from engine.data.augment import augmented
from engine.data.images import EVAL_BATCH, TORCHVISION
from engine.export.augment import augment_source
from engine.export.plan import ScriptPlan
from engine.export.shapes import shapes_source
from engine.export.text import call, comment, string

DEFAULT_ROOT = "~/.cache/nntui"  # engine.data.images.CACHE_ROOT, where nntui keeps MNIST unless told otherwise


def image_imports(plan: ScriptPlan) -> tuple[list[str], list[str]]:
    """What the data code imports: standard modules, and third-party import lines beyond torch's."""
    data = plan.config.data
    source = _source(data)
    if source == "shapes":
        return [], ["import numpy as np", "from PIL import Image, ImageDraw",
                    "from torch.utils.data import DataLoader, Dataset", "from torchvision import transforms"]
    standard = ["os"] if _folder_path(data).startswith("os.") else []
    loading = "DataLoader, Subset" if source == "folder" or data.samples else "DataLoader"
    return standard, [f"from torch.utils.data import {loading}", "from torchvision import datasets, transforms"]


def image_blocks(plan: ScriptPlan) -> list[str]:
    """The script's data section, block by block: the data sets, then their DataLoaders."""
    return [*image_set_blocks(plan), _loaders(plan)]


def image_set_blocks(plan: ScriptPlan) -> list[str]:
    """The shapes' drawing code where it needs one, the transforms and the two data sets
    `train_set` and `test_set`, for DataLoaders to serve (a DDP script's serve each rank its share)."""
    source = _source(plan.config.data)
    blocks = [shapes_source()] if source == "shapes" else []
    data_sets = {"shapes": _shapes, "torchvision": _torchvision, "folder": _folder}[source]
    augmenting = [augment_source(plan)] if augmented(plan.config.data) else []
    return [*blocks, _transforms(plan), *augmenting, data_sets(plan)]


def _source(data: DataConfig) -> str:
    """Where the pictures come from: "shapes" (drawn), "torchvision" or "folder"."""
    source = DATASETS[data.dataset].source
    return "shapes" if source == "procedural" else source


def _folder_path(data: DataConfig) -> str:
    """The folder the images come from, as an expression: kept as given (run the script from the
    same folder), a leading ~ expanded as nntui does."""
    folder = data.images if _source(data) == "folder" else data.data_root or DEFAULT_ROOT
    return f"os.path.expanduser({string(folder)})" if folder.startswith("~") else string(folder)


def _transforms(plan: ScriptPlan) -> str:
    """One pipeline for both splits; for an augmented run, training pictures stop at ToTensor and
    are augmented and normalised a batch at a time in the training loop."""
    data, spec = plan.config.data, plan.image
    assert spec is not None
    resize = _source(data) == "folder" or bool(data.resize)
    size = "x".join(map(str, spec.size))
    start = [f"transforms.Resize({spec.size!r}),  # every picture to {size} pixels"] if resize else []
    start.append(f"transforms.ToTensor(),  # a {'x'.join(map(str, spec.shape))} tensor of values in [0, 1]")
    end = [f"transforms.Normalize({spec.mean!r}, {spec.std!r}),  # {_statistics(data)}"] if spec.mean else []
    used = [name for name, used in (("Resize", resize), ("ToTensor", True), ("Normalize", spec.mean)) if used]
    steps = " and ".join([", ".join(used[:-1]), used[-1]]) if len(used) > 1 else used[0]
    if not augmented(data):
        return "\n".join([f"# Each picture becomes the model's input: {steps}", _compose("transform", start + end)])
    lines = [*comment(f"Each picture goes through {steps}; training pictures are first augmented (changed at "
                      "random, anew each epoch) a batch at a time by `augment` below, then normalised"),
             _compose("train_transform", start), _compose("test_transform", start + end)]
    if spec.mean:
        lines.append(f"normalize = transforms.Normalize({spec.mean!r}, {spec.std!r})  # for the augmented batches")
    return "\n".join(lines)


def _compose(name: str, steps: list[str]) -> str:
    """`name = transforms.Compose([...])`, one step a line as a formatter leaves it."""
    return "\n".join([f"{name} = transforms.Compose(", "    [", *(f"        {step}" for step in steps), "    ]", ")"])


def _statistics(data: DataConfig) -> str:
    """Where Normalize's values come from, in its comment (engine.data.images.normalization)."""
    source = _source(data)
    if data.normalize == "0.5":
        return "(x - 0.5) / 0.5: values in [-1, 1], as in the tutorial's MNIST section"
    if source == "folder":
        return "(x - mean) / std, with ImageNet's values for each colour"
    if source == "torchvision":
        return f"(x - mean) / std, with {TORCHVISION[data.dataset].__name__}'s mean and std"
    return "(x - 0.5) / 0.5: values in [-1, 1]"


def _transform_names(plan: ScriptPlan) -> tuple[str, str]:
    return ("train_transform", "test_transform") if augmented(plan.config.data) else ("transform", "transform")


def _shapes(plan: ScriptPlan) -> str:
    seed = plan.config.data.seed
    train, test = _transform_names(plan)
    lines = [f"# The training pictures{', and a test set drawn with the next seed' if plan.n_test else ''}",
             f"train_set = Shapes({plan.n_train}, seed={seed}, transform={train})"]
    if plan.n_test:
        lines.append(f"test_set = Shapes({plan.n_test}, seed={seed + 1}, transform={test})")
    return "\n".join(lines)


def _torchvision(plan: ScriptPlan) -> str:
    data = plan.config.data
    name = TORCHVISION[data.dataset].__name__
    train, test = _transform_names(plan)
    where = ("it downloads the files there if they are missing" if data.download else
             f"the files must be in its {name}/raw folder")
    lines = [f"# {name} through torchvision, from the folder nntui read it from ({where})",
             f"root = {_folder_path(data)}",
             call("train_set = ", f"datasets.{name}", ["root", "train=True", f"transform={train}",
                                                       f"download={data.download}"])]
    if plan.n_test:
        lines.append(call("test_set = ", f"datasets.{name}", ["root", "train=False", f"transform={test}",
                                                              f"download={data.download}"]))
    if not data.samples:  # all of them
        return "\n".join(lines)
    if plan.n_test:
        lines += [f"# The first {plan.n_train} training pictures and the first {plan.n_test} test pictures",
                  f"train_set = Subset(train_set, range({plan.n_train}))",
                  f"test_set = Subset(test_set, range({plan.n_test}))"]
    else:
        lines += [f"train_set = Subset(train_set, range({plan.n_train}))  # the first {plan.n_train} pictures"]
    return "\n".join(lines)


def _folder(plan: ScriptPlan) -> str:
    data = plan.config.data
    train, test = _transform_names(plan)
    lines = ["# Your pictures, one sub-folder per class (the classes are the folders' names, sorted)",
             f"folder = {_folder_path(data)}",
             f"pictures = datasets.ImageFolder(folder, transform={train})"]
    if train != test and plan.n_test:
        lines.append(f"test_pictures = datasets.ImageFolder(folder, transform={test})")
    generator = [f"split_generator = torch.Generator().manual_seed({data.seed})",
                 "order = torch.randperm(len(pictures), generator=split_generator).tolist()"]
    if not plan.n_test:
        return "\n".join([*lines, "# Shuffle them with a generator of their own (the seeded one above is left to",
                          "# the weights); there is no test set", *generator, "train_set = Subset(pictures, order)"])
    share = f"{data.test_fraction * 100:g}%"
    test_pictures = "test_pictures" if train != test else "pictures"
    return "\n".join([*lines, f"# Hold out {share} of the pictures for testing, picked at random by a generator",
                      "# of their own (the seeded one above is left to the weights)", *generator,
                      f"n_test = round(len(order) * {data.test_fraction!r})",
                      f"test_set = Subset({test_pictures}, order[:n_test])",
                      "train_set = Subset(pictures, order[n_test:])"])


def _loaders(plan: ScriptPlan) -> str:
    data = plan.config.data
    size = data.batch_size
    options = [f"batch_size={size}" if size else "batch_size=len(train_set)"]
    if data.shuffle:
        options.append("shuffle=True")
    if data.drop_last:
        options.append("drop_last=True")
    if data.num_workers:
        options.append(f"num_workers={data.num_workers}")
    batches = f"minibatches of {size}" if size else "one batch of all of them"
    reshuffled = ", reshuffled every epoch" if data.shuffle else ""
    workers = f", loaded by {data.num_workers} worker processes" if data.num_workers else ""
    lines = [*comment(f"A DataLoader serves the training pictures in {batches}{reshuffled}{workers}. Each "
                      "pass over a loader draws from its generator (to shuffle, and to seed worker processes): "
                      "generators of their own leave the seeded one above alone."),
             *(comment(WORKERS_NOTE) if data.num_workers else []),
             f"shuffle_generator = torch.Generator().manual_seed({data.seed})",
             call("train_loader = ", "DataLoader", ["train_set", *options, "generator=shuffle_generator"])]
    return "\n".join(lines + evaluation_loader(plan))


def evaluation_loader(plan: ScriptPlan) -> list[str]:
    """The lines of `test_loader`, which evaluates the test set in order, in the training batch
    size (the whole set's: EVAL_BATCH), as the tutorial's test loader does; none without a test set."""
    if not plan.n_test:
        return []
    data = plan.config.data
    workers = [f"num_workers={data.num_workers}"] if data.num_workers else []
    test_size = data.batch_size or EVAL_BATCH
    return [f"# The test set in batches of {test_size}, in order",
            call("test_loader = ", "DataLoader", ["test_set", f"batch_size={test_size}", "shuffle=False", *workers])]


WORKERS_NOTE = ("Where Python does not fork the workers (macOS, Windows, Python 3.14 on), they run this script "
                "again: there, set num_workers=0 (the batches stay the same).")


def image_words(plan: ScriptPlan) -> str:
    """The data in the script's docstring: "the shapes data set", "MNIST", "the pictures in pics"."""
    data = plan.config.data
    source = _source(data)
    if source == "folder":
        return f"the pictures in {data.images}"
    if source == "torchvision":
        return TORCHVISION[data.dataset].__name__
    return "the shapes data set"

