"""The user's own PyTorch code: import strings ("net.py:Net", "pkg.mod:make"), importing them with
the file's folder on sys.path only for that import, reading a class's or function's signature
into argument fields and checking arguments against it, and errors raised inside that code told
by the user's own frames. Imports `engine.config` and the base modules; never data, models or
the loop (they call it)."""
