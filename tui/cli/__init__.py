"""The `nntui` command line: the Typer app (`main`), one module per command, the headless runner
that turns engine events into lines, option handling and exit codes. Imports the engine and
`tui.render`; the Textual trainer only through `tui.launch`, and only when a command opens it."""
