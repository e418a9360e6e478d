"""The training loop: the Trainer (one run's tensors, an epoch at a time), the TrainingSession
that drives it on a thread with start/pause/step/stop, the plain events it reports, the metrics
history, and what the live views draw (the boundary or fitted surface, every neuron over the
plane, model health). Imports config, data and models; never runs or export."""
