"""The run configuration: the RunConfig dataclasses (`schema`), one rule per field (`fields`),
whole-config checks (`rules`), tables and TOML files (`build`, `toml_file`), the presets and
the data-set catalogue. Torch-free; imports only `engine.errors` and `engine.files`."""
