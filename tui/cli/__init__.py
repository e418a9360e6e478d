"""The `nntui` command line: the Typer app (`main`), one module per command, the headless runner
that turns engine events into lines, option handling and exit codes. Imports the engine and
`tui.render`; the Textual trainer only through `tui.launch`, and only when a command opens it.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from tui.cli.main import COMMANDS, app
    from tui.cli.resolve import resolve_config

__all__ = [
    "COMMANDS", "app", "resolve_config",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
