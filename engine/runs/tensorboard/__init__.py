"""TensorBoard both ways: a run's scalars and hparams written as TensorBoard event files (live
from the recorder, or converted afterwards by `nntui export-tb`), and a TensorBoard log folder
written by any script read as runs (listed, compared, watched live). Everything goes through the
`tensorboard` package (an extra: pip install 'nntui[tensorboard]'), imported only when used."""
