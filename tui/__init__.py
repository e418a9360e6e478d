"""nntui's faces over the engine:

- `cli/`: the Typer command line and the headless runner (no Textual at import time);
- `app.py` (wiring), `bridge.py` (the engine listener), `widgets/`, `screens/`, `nntui.tcss`:
  the Textual trainer, started by `launch.py`;
- `render/`: pure functions from engine values to text, shared by both faces.

Importing this package imports neither Textual nor torch; each is loaded when it is needed.
"""
