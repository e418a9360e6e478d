"""TensorBoard both ways: a run's scalars and hparams written as TensorBoard event files (live
from the recorder, or converted afterwards by `nntui export-tb`), and a TensorBoard log folder
written by any script read as runs (listed, compared, watched live). Everything goes through the
`tensorboard` package (an extra: pip install 'nntui[tensorboard]'), imported only when used.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.runs.tensorboard.export import export_run
    from engine.runs.tensorboard.foreign_run import TensorBoardRun
    from engine.runs.tensorboard.logdir import holds_events, tensorboard_folders
    from engine.runs.tensorboard.tags import TagPair, tag_pairs
    from engine.runs.tensorboard.watcher import TagListing, TensorBoardWatcher
    from engine.runs.tensorboard.writer import TensorBoardLog, tensorboard_folder

__all__ = [
    "export_run", "TensorBoardRun", "holds_events", "tensorboard_folders", "TagPair", "tag_pairs", "TagListing",
    "TensorBoardWatcher",
    "TensorBoardLog", "tensorboard_folder",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
