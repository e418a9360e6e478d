"""`nntui export-tb`: recorded runs converted to TensorBoard event files afterwards, every epoch
of metrics.csv (no rate limit: nothing is training) and the configuration as hparams, one
subfolder a run so that `tensorboard --logdir OUT` sets them side by side."""

from __future__ import annotations

from pathlib import Path

from engine.config.toml_file import load_config
from engine.errors import InputError
from engine.loop.history import MetricsHistory
from engine.runs import layout
from engine.runs.metrics_file import load_metrics
from engine.runs.tensorboard.writer import TensorBoardLog


def export_run(folder: str | Path, out: str | Path) -> tuple[Path, int]:
    """Write the run in `folder` as `out/<its name>/events.out.tfevents.*`; (that folder, epochs
    written). A destination that already holds event files is refused, untouched."""
    source = Path(folder)
    if not source.is_dir():
        raise InputError(f"{source}: no such run folder")
    if not (source / layout.CONFIG).is_file():
        raise InputError(f"{source}: not a run folder (no {layout.CONFIG})")
    config = load_config(source / layout.CONFIG)
    metrics = source / layout.METRICS
    history = load_metrics(metrics) if metrics.exists() else MetricsHistory()
    target = Path(out) / source.resolve().name
    if target.is_dir() and any(target.glob(layout.TENSORBOARD_EVENTS)):
        raise InputError(f"{target}: already holds TensorBoard events; choose another -o")
    if target.exists() and not target.is_dir():
        raise InputError(f"{target}: exists and is not a folder")
    log = TensorBoardLog(target, history, rows_per_s=None)
    try:
        log.open(config)
        written = log.write(final=True)
    except OSError as err:
        raise InputError(f"{target}: cannot write TensorBoard events ({err.strerror or err})") from None
    finally:
        log.close()
    return target, written
