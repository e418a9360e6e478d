"""`python -m tui.cli`: the same as the `nntui` console script."""

from tui.cli.main import entry

entry()
