"""nntui's engine: everything a run is, with no screen. Its parts, lowest first, each a package
that may import only the parts below it (the import-linter contracts in pyproject.toml):

- `errors`, `files`: the error family for refused input; writing and reading files safely.
- `config`: the RunConfig, its field table, TOML files, presets, the data-set catalogue and
  where a real source starts.
- `code`: the user's own PyTorch code: import strings, signatures, errors told by their frames.
- `data`: synthetic sets, CSV tables, images, and the preprocessing a trained model needs.
- `models`: the MLP and CNN, their sizes, the fast MLP step, optimizers, what outputs mean.
- `loop`: the trainer, the threaded session and the events it reports.
- `runs`: run folders on disk (checkpoints, metrics), and predicting with a saved run.
- `export`: the run written out as a plain PyTorch script (and, in `export.ddp`, for torchrun).
- `sweep`: many recorded runs searching a space of fields, as an Optuna study.

Each part's `__init__` names its public API (`from engine.loop import TrainingSession`); the names
load on first use (`exports`), so importing one module of a part loads no other.

Nothing here imports Textual, Typer, Rich or plotext, or prints; torch is imported only by the
modules that train, so that listing presets or checking a config stays fast.
"""
