"""Sweeps: many recorded runs searching a space of configuration fields, as an Optuna study whose
storage several processes and machines share. The sweep file (`spec`) is read without Optuna;
`study` and `trial` need it (the `sweep` extra). Imports config, the loop and runs; nothing above.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from engine.sweep.spec import Dimension, SweepError, load_sweep, parse_sweep
    from engine.sweep.study import open_study, storage_for

__all__ = [
    "Dimension", "SweepError", "load_sweep", "parse_sweep", "open_study", "storage_for",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
