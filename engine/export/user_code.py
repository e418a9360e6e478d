"""The user's own code in an exported script, for their model (engine.export.user_model) and their
Dataset (engine.export.user_data) alike: the script imports the user's file by its absolute path,
its folder on sys.path only for that import, as nntui does (engine.code.loader); or, `inline`, it
carries a copy of the file's top-level imports and the class's (or function's) definition."""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from engine.code.loader import Loaded
from engine.config.problems import ConfigError, Problem
from engine.export.text import call, string

LOADER = '''def import_file(name, path):
    """Import a Python file by its path, its folder on sys.path only while it runs."""
    # One file holding both the model and the data runs once, as nntui runs it
    if name in sys.modules:
        return sys.modules[name]
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
class UserCode:
    """What the script needs to know of one of the user's classes or functions: where it comes from."""

    text: str  # the import string as the configuration holds it (model.module, data.module)
    name: str  # the class or function
    file: Path | None  # absolute; None for an importable package.module
    module: str | None  # package.module, when not a file
    args: dict  # its keyword arguments (model.args, data.args)
    inline: bool  # copy the definition into the script instead of importing the file
    definition: str = ""  # inline: the class's or function's source
    imports: tuple[str, ...] = ()  # inline: the file's top-level import statements

    @property
    def origin(self) -> str:
        """Where it comes from, as the script's docstring says it: net.py, or mypkg.nets."""
        return self.file.name if self.file is not None else str(self.module)


def read_code(loaded: Loaded, args: dict, inline: bool, field: str) -> UserCode:
    """What the engine imported for `field`, and, `inline`, its definition read from its file."""
    target = loaded.target
    definition: str = ""
    imports: tuple[str, ...] = ()
    if inline:
        if loaded.file is None:
            raise ConfigError([Problem(field, f"--inline copies a definition from a file; {target.label} names "
                                              "a module: export without --inline, or name its file (FILE.py:NAME)")])
        definition, imports = _definition(loaded.source.decode("utf-8", "replace"), target.name, target.label, field)
    return UserCode(target.text, target.name, target.file, target.module, dict(args), inline, definition, imports)


def _definition(source: str, name: str, label: str, field: str) -> tuple[str, tuple[str, ...]]:
    """The top-level `class name` or `def name` of `source` with the file's other top-level classes,
    functions and names it uses (as `circle` makes a `MyDataset`), in the file's order; and the
    file's top-level imports."""
    tree = ast.parse(source)
    imports = tuple(ast.get_source_segment(source, node) or "" for node in tree.body
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and not _is_future(node))
    tops = {bound: node for node in tree.body for bound in _bound_names(node)}
    if not isinstance(tops.get(name), (ast.ClassDef, ast.FunctionDef)):
        raise ConfigError([Problem(field, f"--inline copies a top-level class or def; {label} is bound some other "
                                          "way in its file: export without --inline")])
    needed, waiting = set(), [tops[name]]
    while waiting:
        node = waiting.pop()
        if id(node) in needed:
            continue
        needed.add(id(node))
        waiting += [tops[sub.id] for sub in ast.walk(node) if isinstance(sub, ast.Name) and sub.id in tops]
    lines = source.splitlines()
    parts = []
    for node in tree.body:
        if id(node) in needed:
            start = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))]) - 1
            parts.append("\n".join(lines[start:node.end_lineno]))
    return "\n\n\n".join(parts), imports


def _bound_names(node: ast.stmt) -> list[str]:
    """The names a top-level statement binds: a class, a function, or plain `NAME = ...` targets."""
    if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [target.id for target in node.targets if isinstance(target, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _standard(line: str) -> bool:
    words = line.split()
    return len(words) == 2 and words[0] == "import" and words[1].split(".")[0] in sys.stdlib_module_names


def _is_future(node: ast.stmt) -> bool:
    return isinstance(node, ast.ImportFrom) and node.module == "__future__"


def code_imports(code: UserCode) -> tuple[list[str], list[str]]:
    """The standard modules and the library import lines the user's code needs."""
    if code.inline:  # plain `import x` of the standard library goes with the script's own
        standard = [line.split()[1] for line in code.imports if _standard(line)]
        return standard, [line for line in code.imports if not _standard(line)]
    if code.file is not None:
        return ["importlib.util", "os", "sys"], []
    return [], [f"from {code.module} import {code.name}"]


def code_blocks(code: UserCode, what: str, loader: bool) -> list[str]:
    """The user's code in the script: a copy of it, or the import of its file (with the loader
    function unless `loader` is False: an earlier block has it); `what` names it ("model", "data")."""
    if code.inline:
        return [f"# Your {what}, {code.name}, copied from {code.origin} with the file's top-level imports\n"
                f"{code.definition}"]
    if code.file is None:
        return []
    line = "\n".join([f"# Your {what}, {code.name}: imported from its file, as nntui imports it",
                      call(f"{code.name} = ", "import_file", [string(module_name(code.file)), string(str(code.file))],
                           suffix=f".{code.name}")])
    return [LOADER, line] if loader else [line]


def arguments(code: UserCode) -> list[str]:
    """Its keyword arguments as Python source, `name=value`."""
    return [f"{key}={_literal(value)}" for key, value in code.args.items()]


def module_name(file: Path) -> str:
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
