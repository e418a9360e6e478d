"""Pure rendering: engine values in, text out. No app, no terminal, testable on its own."""
