"""The run as a plain PyTorch script: a plan of the facts (`plan`), then one module per part of
the script (data, input features and penalty, model, training loop, results), joined by `script`. Imports config, data and
models to mirror them; never the loop or runs.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.export.ddp.script import export_ddp_script
    from engine.export.script import export_script

__all__ = [
    "export_ddp_script", "export_script",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
