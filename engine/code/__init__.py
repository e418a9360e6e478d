"""The user's own PyTorch code: import strings ("net.py:Net", "pkg.mod:make"), importing them with
the file's folder on sys.path only for that import, reading a class's or function's signature
into argument fields and checking arguments against it, and errors raised inside that code told
by the user's own frames. Imports `engine.config` and the base modules; never data, models or
the loop (they call it).

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.code.frames import UserCodeError, call_user
    from engine.code.listing import definitions
    from engine.code.loader import Loaded, load_target
    from engine.code.resolve import resolve_code
    from engine.code.signature import arg_fields, check_call_args
    from engine.code.source_args import SourceArg, SourceSignature, source_signature
    from engine.code.target import is_file_path

__all__ = [
    "UserCodeError", "call_user", "definitions", "Loaded", "load_target", "resolve_code", "arg_fields",
    "check_call_args", "SourceArg", "SourceSignature", "source_signature", "is_file_path",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
