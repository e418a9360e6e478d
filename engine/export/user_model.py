"""The exported script's model when the run trains the user's own nn.Module (model.kind = module):
the script imports the user's file by its absolute path, its folder on sys.path only for that
import, as nntui does (engine.code.loader); or, `inline`, it carries a copy of the file's top-level
imports and the class's (or factory's) definition. Either way it builds the model with model.args
where nntui builds it, so the seed gives the very same initial weights."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.config.problems import ConfigError, Problem
from engine.config.schema import RunConfig
from engine.export.text import call, string

FIELD = "model.module"
LOADER = '''def import_file(name, path):
    """Import a Python file by its path, its folder on sys.path only while it runs."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look their module up there
    folder = os.path.dirname(path)
    sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(folder)
    return module'''


@dataclass(frozen=True)
class UserModel:
    """What the script needs to know of the user's module: where it comes from, and its size."""

    text: str  # model.module as the configuration holds it
    name: str  # the class or factory function
    file: Path | None  # absolute; None for an importable package.module
    module: str | None  # package.module, when not a file
    args: dict  # model.args
    parameters: int  # trainable weights and biases, for the engine's choice of threads
    inline: bool  # copy the definition into the script instead of importing the file
    definition: str = ""  # inline: the class's or function's source
    imports: tuple[str, ...] = ()  # inline: the file's top-level import statements


def user_model(config: RunConfig, inline: bool) -> UserModel:
    """The user's module as the engine would build it (its args checked; built on the CPU, as code
    that reads its own tensors may not run on the meta device, with the random state put back),
    and, `inline`, its definition read from its file."""
    import torch

    from engine.models.user_module import build_user_model

    with torch.random.fork_rng(devices=[]):
        model, loaded = build_user_model(config.model)
    parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
    target = loaded.target
    definition: str = ""
    imports: tuple[str, ...] = ()
    if inline:
        if loaded.file is None:
            raise ConfigError([Problem(FIELD, f"--inline copies a definition from a file; {target.label} names "
                                              "a module: export without --inline, or name its file (FILE.py:NAME)")])
        definition, imports = _definition(loaded.source.decode("utf-8", "replace"), target.name, target.label)
    return UserModel(target.text, target.name, target.file, target.module, dict(config.model.args), parameters,
                     inline, definition, imports)


def _definition(source: str, name: str, label: str) -> tuple[str, tuple[str, ...]]:
    """The top-level `class name` or `def name` of `source`, and the file's top-level imports."""
    tree = ast.parse(source)
    imports = tuple(ast.get_source_segment(source, node) or "" for node in tree.body
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and not _is_future(node))
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and node.name == name:
            lines = source.splitlines()
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
            return "\n".join(lines[start:node.end_lineno]), imports
    raise ConfigError([Problem(FIELD, f"--inline copies a top-level class or def; {label} is bound some other way "
                                      "in its file: export without --inline")])


def _standard(line: str) -> bool:
    words = line.split()
    return len(words) == 2 and words[0] == "import" and words[1].split(".")[0] in sys.stdlib_module_names


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def user_imports(user: UserModel) -> tuple[list[str], list[str]]:
    """The standard modules and the library import lines the model's code needs."""
    if user.inline:  # plain `import x` of the standard library goes with the script's own
        standard = [line.split()[1] for line in user.imports if _standard(line)]
        return standard, [line for line in user.imports if not _standard(line)]
    if user.file is not None:
        return ["importlib.util", "os", "sys"], []
    return [], [f"from {user.module} import {user.name}"]


def user_model_blocks(user: UserModel, model_first: bool, uses_device: bool) -> list[str]:
    """The model's code (a copy, or the import of its file), then the line that builds it."""
    if user.inline:
        code = [f"# Your model, {user.name}, copied from {user.file.name if user.file else user.text} with the "
                f"file's top-level imports\n{user.definition}"]
    elif user.file is not None:
        code = [LOADER, "\n".join([f"# Your model, {user.name}: imported from its file, as nntui imports it",
                                   call(f"{user.name} = ", "import_file",
                                        [string(_module_name(user.file)), string(str(user.file))], suffix=f".{user.name}")])]
    else:
        code = []
    first = "# The model is built before the data is drawn, as in the tutorial\n" if model_first else ""
    arguments = [f"{key}={_literal(value)}" for key, value in user.args.items()]
    build = call("model = ", user.name, arguments, suffix=".to(device)" if uses_device else "")
    return [*code, first + build]


def _module_name(file: Path) -> str:
    """The name the script imports the file under: prefixed, so that a net.py or random.py of the
    user's never takes the place of an installed module in sys.modules."""
    return "user_" + re.sub(r"\W", "_", file.stem)


def _literal(value: object) -> str:
    """An argument as Python source: strings in the formatter's quotes, lists item by item."""
    if isinstance(value, str):
        return string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)
