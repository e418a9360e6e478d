"""The training loop: the Trainer (one run's tensors, an epoch at a time) and the batches of its
image sets, the TrainingSession that drives it on a thread with start/pause/step/stop, the plain
events it reports, the metrics history, and what the live views draw. Imports config, data and
models; never runs or export."""
