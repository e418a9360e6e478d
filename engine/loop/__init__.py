"""The training loop: the Trainer (one run's tensors, an epoch at a time) and the batches of its
image sets, the TrainingSession that drives it on a thread with start/pause/step/stop, the plain
events it reports, the metrics history, what the live views draw (the boundary or fitted surface,
every neuron over the plane, model health), and the training toolkit (the lr schedule, early
stopping and the best epoch, the LR finder). Imports config, data and models; never runs or export."""
