"""Each part of the engine and of the faces names its public API in its `__init__`: `__all__`,
the same names imported under TYPE_CHECKING (for type checkers and readers), loaded on first use
so that a short path costs no import time."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import engine
import tui
from engine.exports import checked_imports

PACKAGES = sorted(m.name for root in (engine, tui) for m in pkgutil.walk_packages(root.__path__, f"{root.__name__}.")
                  if m.ispkg)


def package(name: str) -> ModuleType:
    return importlib.import_module(name)


def init_file(name: str) -> str:
    found = package(name).__file__
    assert found is not None, name
    return found


def test_every_part_is_listed() -> None:
    """The walk finds the parts the README's architecture names (a guard on the walk itself)."""
    assert {"engine.config", "engine.loop", "engine.runs", "tui.cli", "tui.widgets"} <= set(PACKAGES)


@pytest.mark.parametrize("name", PACKAGES)
def test_a_part_says_what_it_is_for_and_what_it_may_import(name: str) -> None:
    """Every package's docstring says its job and, in a sentence with import, its neighbours."""
    doc = package(name).__doc__ or ""
    assert len(doc.split()) >= 12 and "import" in doc.lower(), f"{name}'s docstring"


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_the_type_checking_imports_and_each_resolves(name: str) -> None:
    """`__all__` is exactly what the TYPE_CHECKING block imports, and each name is the object
    of the module it is imported from."""
    part = package(name)
    imports = checked_imports(init_file(name))
    assert sorted(part.__all__) == sorted(imports)
    for exported, (module, original) in imports.items():
        assert getattr(part, exported) is getattr(importlib.import_module(module), original)


def parsed_imports(init_file: str) -> dict[str, tuple[str, str]]:
    """What Python's own parser finds under `if TYPE_CHECKING:`, to check the quick reading against."""
    found: dict[str, tuple[str, str]] = {}
    for node in ast.parse(Path(init_file).read_text()).body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for line in node.body:
                assert isinstance(line, ast.ImportFrom) and line.module
                found.update({a.asname or a.name: (line.module, a.name) for a in line.names})
    return found


@pytest.mark.parametrize("name", PACKAGES)
def test_the_quick_reading_of_the_imports_agrees_with_pythons_parser(name: str) -> None:
    """The regular expression that finds the exports reads each `__init__` as `ast` does."""
    assert checked_imports(init_file(name)) == parsed_imports(init_file(name))


def test_an_aliased_export_keeps_its_source_name(tmp_path: Path) -> None:
    """`from m import a as b` exports b, loaded as m.a."""
    source = tmp_path / "__init__.py"
    source.write_text("if TYPE_CHECKING:\n    from m import a as b, c\n    from n import (\n        d,\n    )\n\nx = 1\n")
    assert checked_imports(str(source)) == {"b": ("m", "a"), "c": ("m", "c"), "d": ("n", "d")}


@pytest.mark.parametrize("name", PACKAGES)
def test_no_export_is_hidden_by_a_module_of_the_same_name(name: str) -> None:
    """A name that is also a submodule would turn into that module once it is imported."""
    part = package(name)
    modules = {m.name for m in pkgutil.iter_modules(part.__path__)}
    assert not modules & set(part.__all__)


def test_an_unknown_name_is_an_attribute_error() -> None:
    """A name a part does not export fails as attributes do, naming the part."""
    with pytest.raises(AttributeError, match="engine.loop"):
        _ = engine.loop.no_such_name  # type: ignore[attr-defined]


def test_short_paths_load_only_what_they_name() -> None:
    """`from engine.config import RunConfig` and importing the torch-free event and run-folder
    modules load no torch, as the deep paths did."""
    code = ("import sys; from engine.config import RunConfig, preset_config; import engine.loop.events, "
            "engine.runs.layout; print('torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
