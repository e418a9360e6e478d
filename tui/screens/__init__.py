"""The trainer's dialogs: help, confirm-quit, save, load, copy-command, choice menus and errors.
Each is a Textual screen the app pushes; they import Textual and `tui.render`, not the app.

Its public names are below; each loads on first use (`engine.exports`), so importing one
module of the package loads no other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from engine.exports import lazy_exports

if TYPE_CHECKING:
    from tui.screens.choice_menu import ChoiceMenu
    from tui.screens.command import CommandDialog
    from tui.screens.confirm import ConfirmQuit
    from tui.screens.error import ErrorScreen
    from tui.screens.help import HelpScreen
    from tui.screens.path_dialog import PathDialog

__all__ = [
    "ChoiceMenu", "CommandDialog", "ConfirmQuit", "ErrorScreen", "HelpScreen", "PathDialog",
]

__getattr__, __dir__ = lazy_exports(__name__, __file__, __all__)
