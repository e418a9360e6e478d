"""Importing what an import string names. A file is read as a regular file within a size limit
and run as a module of its own, with its folder on sys.path only while it runs (so that it can
import its neighbours, and nothing else is changed for long); an importable module is imported
with the working folder there. A file is imported once per content in a process: a sweep's
trials or a resume in the same process get the same classes. `recorded` redirects a file to the
copy a run folder keeps of it (engine.runs.code_record), so a resume runs the code it trained."""

from __future__ import annotations

import difflib
import hashlib
import importlib
import inspect
import re
import sys
import types
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.code.frames import UserCodeError, call_user, raised, shown_path, user_frames
from engine.code.target import ImportTarget, parse_target
from engine.config.problems import ConfigError, Problem
from engine.errors import InputError
from engine.files.reading import MIB, read_limited

SOURCE_LIMIT = 16 * MIB  # a model or data file is kilobytes
_MODULES: dict[tuple[str, str], types.ModuleType] = {}  # (file, sha256) -> the module run from it


@dataclass(frozen=True)
class Loaded:
    """What an import string gave: the attribute, and for a file, the source that ran (the bytes a
    run folder records, hashed, whatever the file holds by then)."""

    target: ImportTarget
    value: Any
    file: Path | None = None  # the file that ran: the user's, or the recorded copy
    source: bytes = b""
    field: str = ""  # the import field it came from: model.module | data.module

    @property
    def sha256(self) -> str:
        return digest(self.source) if self.file is not None else ""


@contextmanager
def on_sys_path(folder: Path) -> Iterator[None]:
    """`folder` first on sys.path while the block runs, then as it was."""
    entry = str(folder)
    sys.path.insert(0, entry)
    try:
        yield
    finally:
        try:
            sys.path.remove(entry)
        except ValueError:  # the user's code took it off itself
            pass


def read_source(file: Path, field: str) -> bytes:
    """A Python file's bytes; ConfigError naming `field` for a missing, special or huge file."""
    try:
        return read_limited(file, "a Python file", SOURCE_LIMIT)
    except InputError as err:
        raise ConfigError([Problem(field, str(err).replace(str(file), shown_path(str(file)), 1))]) from None


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _import_file(file: Path, field: str, label: str, home: Path) -> tuple[types.ModuleType, bytes]:
    source = read_source(file, field)
    key = (str(file), digest(source))
    if key in _MODULES:
        return _MODULES[key], source
    name = "_nntui_code_" + re.sub(r"\W", "_", file.stem) + "_" + key[1][:12]
    module = types.ModuleType(name)
    module.__file__ = str(file)
    try:
        code = compile(source, str(file), "exec", dont_inherit=True)
    except SyntaxError as err:
        raise UserCodeError(field, f"{label}: {raised(err)}", user_frames(err)) from None
    except ValueError as err:  # null bytes
        raise ConfigError([Problem(field, f"{shown_path(str(file))}: not Python source ({err})")]) from None
    sys.modules[name] = module  # dataclasses and pickling look their module up there
    try:
        with on_sys_path(home.parent), on_sys_path(file.parent):  # a recorded copy's neighbours stay at home
            call_user(exec, field, f"{label}: importing {shown_path(str(file))} raised", code, module.__dict__)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    _MODULES[key] = module
    return module, source


def _import_module(target: ImportTarget, field: str) -> types.ModuleType:
    module = target.module or ""
    try:
        with on_sys_path(Path.cwd()):
            return call_user(importlib.import_module, field, f"{target.label}: importing {module} raised", module)
    except UserCodeError as err:
        if err.headline.endswith(f"ModuleNotFoundError: No module named '{module.split('.')[0]}'"):
            raise ConfigError([Problem(field, f"no module named {module!r} here (give FILE.py:NAME for a file, or "
                                              "run where the package is importable)")]) from None
        raise


def defined_names(module: types.ModuleType) -> list[str]:
    """The classes and functions a module defines itself (not those it imports), in file order."""
    own = [(name, value) for name, value in vars(module).items() if not name.startswith("_")
           and (inspect.isclass(value) or inspect.isfunction(value)) and value.__module__ == module.__name__]
    return [name for name, _ in own]


def load_target(text: str, field: str, recorded: Mapping[str, Path] | None = None) -> Loaded:
    """The import string `text` of `field` parsed and imported: its target and the attribute."""
    target = parse_target(text, field)
    file, source = None, b""
    if target.file is not None:
        file = Path(recorded.get(str(target.file), target.file)) if recorded else target.file
        module, source = _import_file(file, field, target.label, target.file)
    else:
        module = _import_module(target, field)
    if not hasattr(module, target.name):
        names = defined_names(module)
        close = difflib.get_close_matches(target.name, names, n=1, cutoff=0.5)
        where = shown_path(str(target.file)) if target.file is not None else target.module
        hint = f"; did you mean '{close[0]}'?" if close else ""
        listing = f" (it defines {', '.join(names[:12])})" if names else " (it defines no class or function)"
        raise ConfigError([Problem(field, f"{where} has no {target.name!r}{hint}{listing}")])
    return Loaded(target, getattr(module, target.name), file, source, field)
