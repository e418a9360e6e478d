"""The one error family that means "the user's input was refused" (a setting, a data file, a
checkpoint), as opposed to a failure of the run itself: callers answer it differently (the CLI
exits 2 for the first, 1 for the second)."""

from __future__ import annotations


class InputError(ValueError):
    """Input that cannot be used; the message names where it came from and what was wrong."""


class DataError(InputError):
    """Data that cannot be used; the message names the file, line and column where it can."""


class CheckpointError(InputError):
    """A checkpoint that cannot be used; the message names the file."""
