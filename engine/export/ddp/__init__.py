"""The run as a script for torchrun and DistributedDataParallel (`nntui export --ddp`): the plain
script's data, model, loss and evaluation, with a process group, a DistributedSampler that deals
each rank its share of the samples, the model wrapped in DDP and rank 0 alone printing and saving.
`script` joins the parts on top of engine.export.script; `loop` writes the training loop and
`loaders` the image DataLoaders.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.export.ddp.script import export_ddp_script

__all__ = [
    "export_ddp_script",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
