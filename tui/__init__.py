"""nntui's faces: the Typer command line (`tui.cli`) and the Textual trainer (`tui.app`).

Importing this package imports neither Textual nor torch; each is loaded when it is needed.
"""
