"""Runs on disk: the run folder (config, metrics, model, checkpoint, preprocessing), checkpoint
files checked before use, and predicting with a saved run. Imports the loop and below; never
export."""
