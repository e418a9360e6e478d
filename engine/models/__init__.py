"""The networks: the MLP and CNN builders, their sizes worked out without torch, the MLP step
without autograd, the L1/L2 penalty, optimizers, and the task (what the outputs mean: targets, probabilities,
accuracy, the loss). Imports `engine.config`, `engine.data` (its descriptions of the data) and
the base modules; never the loop, runs or export."""
