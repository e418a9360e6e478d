"""How nntui's commands show and parse --help, light enough for `nntui --help` to import: flags
shown as flags (Typer would print `<bool>`, as if they took a value), and an absent --help read as
False, a bool Typer passes through without importing pydantic (which costs more than Typer)."""

from __future__ import annotations

from typer.core import TyperCommand, TyperGroup

NO_VALUE = ""  # the metavar of an on/off flag


class _HelpIsAFlag:
    """--help takes no value either: shown bare, like the other flags; and absent, it reads as False,
    a bool Typer passes through without importing pydantic (which costs more than Typer itself)."""

    def get_help_option(self, ctx):  # type: ignore[no-untyped-def]
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.metavar = NO_VALUE
            if option.default is None:
                option.default = False
        return option


class Command(_HelpIsAFlag, TyperCommand):
    """Every nntui command: Typer's, with --help shown as a flag."""


class Group(_HelpIsAFlag, TyperGroup):
    """The nntui app: Typer's group, with --help shown as a flag."""
