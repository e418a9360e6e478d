"""How the engine touches files: whole files replaced atomically (write a temp file, fsync,
rename), logs appended to, and files read with a size limit and refusing what is not a regular
file (a FIFO, a device). Imports only `engine.errors`.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.files.appending import open_append
    from engine.files.atomic import remove_orphans, write_atomic, write_text_atomic, write_together
    from engine.files.reading import GIB, KIB, MIB, open_regular, parse_nested, read_limited, read_text

__all__ = [
    "open_append", "remove_orphans", "write_atomic", "write_text_atomic", "write_together", "GIB", "KIB",
    "MIB", "open_regular", "parse_nested", "read_limited", "read_text",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
