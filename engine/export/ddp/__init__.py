"""The run as a script for torchrun and DistributedDataParallel (`nntui export --ddp`): the plain
script's data, model, loss and evaluation, with a process group, a DistributedSampler that deals
each rank its share of the samples, the model wrapped in DDP and rank 0 alone printing and saving.
`script` joins the parts on top of engine.export.script; `loop` writes the training loop and
`loaders` the image DataLoaders."""
