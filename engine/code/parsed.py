"""A Python file's syntax tree, parsed once per version of the file: the form reads the names a
module file defines and the chosen one's arguments on every edit of its fields (engine.code.listing,
engine.code.source_args), and a file is the same file while its path, modification time and size
are. A handful of files are kept; an edited file (new time or size) is parsed again."""

from __future__ import annotations

import ast
import os
import stat
import threading
from collections import OrderedDict
from pathlib import Path

from engine.code.loader import read_source
from engine.config.problems import ConfigError, Problem

KEPT = 8  # files whose trees are kept: the model's and the data's, and a few tried before them
_TREES: OrderedDict[tuple[str, int, int], ast.Module] = OrderedDict()
_LOCK = threading.Lock()  # the form's suggester reads on a worker thread, its rows on the UI's


def _key(path: Path) -> tuple[str, int, int] | None:
    """(path, mtime in ns, size) of a regular file; None for anything else (read_source says why)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return str(path.absolute()), found.st_mtime_ns, found.st_size


def parsed_file(file: str | Path, field: str) -> ast.Module:
    """The syntax tree of `file`; ConfigError naming `field` for a file that cannot be read (missing,
    a FIFO, over the size limit) or is not valid Python."""
    path = Path(file).expanduser()
    key = _key(path)
    with _LOCK:
        if key is not None and key in _TREES:
            _TREES.move_to_end(key)
            return _TREES[key]
    source = read_source(path, field)
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError) as err:
        line = getattr(err, "lineno", None)
        raise ConfigError([Problem(field, f"{path}{f':{line}' if line else ''}: not valid Python "
                                          f"({getattr(err, 'msg', err)})")]) from None
    except (MemoryError, RecursionError):
        raise ConfigError([Problem(field, f"{path}: nested too deeply to read")]) from None
    if key is not None and key == _key(path):  # (not written to while it was read)
        with _LOCK:
            _TREES[key] = tree
            while len(_TREES) > KEPT:
                _TREES.popitem(last=False)
    return tree
