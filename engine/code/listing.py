"""The classes and functions a Python file defines, read from its syntax tree without running it:
what the form offers to pick from as its path is typed (running a file on every keystroke would
run the user's code far too often)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from engine.code.parsed import parsed_file


@dataclass(frozen=True)
class Definition:
    """A top-level class or function of a file."""

    name: str
    kind: str  # "module" (subclasses nn.Module) | "dataset" (subclasses Dataset) | "class" | "function"
    line: int


def _base_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _kind(node: ast.ClassDef) -> str:
    bases = {_base_name(base) for base in node.bases}
    if "Module" in bases or "Sequential" in bases:
        return "module"
    if bases & {"Dataset", "TensorDataset"}:
        return "dataset"
    return "class"


def definitions(file: str | Path, field: str = "model.module") -> list[Definition]:
    """The public classes and functions `file` defines, in file order; ConfigError naming `field`
    for a file that cannot be read or parsed."""
    tree = parsed_file(file, field)
    found = []
    for node in tree.body:
        if node.name.startswith("_") if hasattr(node, "name") else True:
            continue
        if isinstance(node, ast.ClassDef):
            found.append(Definition(node.name, _kind(node), node.lineno))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.append(Definition(node.name, "function", node.lineno))
    return found
