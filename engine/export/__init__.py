"""The run as a plain PyTorch script: a plan of the facts (`plan`), then one module per part of
the script (data, input features and penalty, model, training loop, results), joined by `script`. Imports config, data and
models to mirror them; never the loop or runs."""
