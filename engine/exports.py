"""A package's public names, written once as the imports under its `if TYPE_CHECKING:` (which a
type checker and a reader see) and loaded at run time only when first asked for, so that
`from engine.loop import TrainingSession` works while `import engine.loop.events` still loads
neither torch nor the package's other modules. Imports nothing of nntui's."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def checked_imports(init_file: str) -> dict[str, tuple[str, str]]:
    """Each name the `if TYPE_CHECKING:` block of a package's `__init__.py` imports, and the module
    and the name there that it comes from. Read on the first lookup with a regular expression
    rather than `ast`, which would cost `nntui --help` a few milliseconds to import."""
    import re

    with open(init_file, encoding="utf-8") as source:
        text = source.read()
    block = re.search(r"^if TYPE_CHECKING:\n((?:[ \t]+.*\n|\n)+)", text, re.MULTILINE)
    found: dict[str, tuple[str, str]] = {}
    for module, names in re.findall(r"from\s+([\w.]+)\s+import\s+(\([^)]*\)|[^\n]*)", block.group(1) if block else ""):
        for name in names.strip("()").split(","):
            original, _, alias = name.strip().partition(" as ")
            if original:
                found[alias.strip() or original] = (module, original)
    return found


def lazy_exports(package: str, init_file: str, names: list[str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module `__getattr__` and `__dir__` of a package whose public `names` (its `__all__`)
    are the imports of its TYPE_CHECKING block; each is imported on first use and kept."""
    sources: dict[str, tuple[str, str]] = {}

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if not sources:
            sources.update(checked_imports(init_file))
        module, original = sources[name]
        value = getattr(importlib.import_module(module), original)
        setattr(importlib.import_module(package), name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*names, *vars(importlib.import_module(package))})

    return __getattr__, __dir__
