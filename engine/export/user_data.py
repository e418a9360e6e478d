"""The exported script's data when the run trains on the user's own Dataset (data.dataset =
module): the script imports the user's data file (or carries the class's source, `inline`), makes
the set with data.args, reads every (x, y) item into tensors and splits them by
data.test_fraction with a generator of their own seeded as the run's, as engine.data.user_set
does, so that it trains on nntui's very tensors, in nntui's order of random draws (the data
before the model)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.export.plan import ScriptPlan
from engine.export.text import call
from engine.export.user_code import UserCode, arguments, code_blocks, read_code
from engine.models.task import Task, user_task

if TYPE_CHECKING:
    from engine.data.user_set import MadeSets

FIELD = "data.module"

_TENSORS = '''\
def to_tensors(dataset):
    """Every (x, y) item of a Dataset, stacked: the inputs as float32, the targets as they are."""
    items = [dataset[i] for i in range(len(dataset))]
    X = torch.stack([torch.as_tensor(x) for x, _ in items]).to(torch.float32)
    y = torch.stack([torch.as_tensor(y) for _, y in items])
    return X, y'''


@dataclass(frozen=True)
class UserData:
    """The user's Dataset as the engine read it: where it comes from and what it holds."""

    code: UserCode
    split: bool  # one set, split by data.test_fraction (False: the code gives a (train, test) pair)
    task: Task
    shape: tuple[int, ...]  # one item's x
    n_train: int
    n_test: int


def user_data(config: RunConfig, inline: bool) -> UserData:
    """The user's Dataset read as a run reads it (the random state put back after), refused in one
    line where the script cannot repeat the run: a set over the memory bound (before any item past
    the first is read), nntui's own model on items that are not rows."""
    import torch

    from engine.data.user_set import UserSets, make_user_sets, read_user_sets

    with torch.random.fork_rng(devices=[]):
        made = make_user_sets(config.data)
        refuse_streamed(made)
        sets = read_user_sets(made, config.data)
    shape = sets.sample_shape
    if config.model.kind != "module" and len(shape) != 1:
        raise ConfigError([Problem("data.module", f"export writes nntui's own {config.model.kind} on a Dataset of "
                                                  f"rows (x of one dimension); {sets.loaded.target.label}'s x has "
                                                  f"shape {shape}: export it with your own model (--module), or "
                                                  "train it with nntui run")])
    task = user_task(config, sets.task, sets.classes)
    assert isinstance(sets, UserSets)  # (refuse_streamed let only a set within the bound through)
    return UserData(read_code(sets.loaded, config.data.args, inline, FIELD), sets.split, task, shape,
                    len(sets.X), len(sets.X_test))


def refuse_streamed(made: MadeSets) -> None:
    """Refuse a set over the memory bound: the script reads every item into tensors, which is what
    the bound says will not fit here. Called before the items are read or scanned."""
    if made.streams:
        from engine.files.reading import size_text

        items = made.size + made.test_size
        raise ConfigError([Problem(FIELD, f"export reads your Dataset into tensors, and {made.loaded.target.label}'s "
                                          f"{items} items would take {size_text(made.need)} as tensors, over the "
                                          f"memory bound of {size_text(made.bound)} here: train it with nntui run, "
                                          "which streams it")])


def user_data_plan(config: RunConfig, data: UserData) -> ScriptPlan:
    """The plan of a run on the user's Dataset (tensors sliced per batch, as for a table)."""
    features = data.shape[0] if len(data.shape) == 1 else 0
    return ScriptPlan(config, data.task.kind, data.task.classes, features, data.n_train, data.n_test, boundary=False)


def user_data_blocks(plan: ScriptPlan, data: UserData) -> list[str]:
    """The data section: the user's code, the set made, its items as tensors, the split and the
    targets as the loss wants them, ending in X, y (and X_test, y_test)."""
    code = data.code
    make = call("dataset = " if data.split else "train_set, test_set = ", code.name, arguments(code))
    blocks = [*code_blocks(code, "data", loader=True), _TENSORS,
              f"# Make your data set{'' if data.split else 's'} as nntui made {'it' if data.split else 'them'}, "
              f"with data.args\n{make}"]
    if data.split:
        fraction = plan.config.data.test_fraction
        lines = ["# Read every item, then hold out a share for testing, picked at random by a generator",
                 "# of its own (the seeded one above is left to the weights)",
                 "X_all, y_all = to_tensors(dataset)",
                 "split_generator = torch.Generator().manual_seed(" + repr(plan.config.data.seed) + ")",
                 "item_order = torch.randperm(len(X_all), generator=split_generator)",
                 f"n_test = min(round(len(X_all) * {fraction!r}), len(X_all) - 1)",
                 "X, y = X_all[item_order[n_test:]], y_all[item_order[n_test:]]"]
        if plan.n_test:
            lines.append("X_test, y_test = X_all[item_order[:n_test]], y_all[item_order[:n_test]]")
    else:
        lines = ["# Read every item of both sets", "X, y = to_tensors(train_set)"]
        if plan.n_test:
            lines.append("X_test, y_test = to_tensors(test_set)")
    names = ["y", "y_test"] if plan.n_test else ["y"]
    if data.task.loss == "cross_entropy":
        lines += ["# CrossEntropyLoss wants class indices", *(f"{n} = {n}.reshape(-1).long()" for n in names)]
    else:
        lines += [f"# {data.task.loss} compares outputs and targets as float columns, one row per item",
                  *(f"{n} = {n}.float().reshape(len({n}), -1)" for n in names)]
    moves = plan.to_device("X", "y") + (plan.to_device("X_test", "y_test") if plan.n_test else "")
    return [*blocks, "\n".join(lines) + moves]
