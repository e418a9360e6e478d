"""nntui's engine: run configuration, presets, data, models and the threaded training loop.

Nothing here imports a UI library or prints; torch is imported only by the modules that train,
so that listing presets or validating a config stays fast.
"""
