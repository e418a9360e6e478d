"""The trainer's panels: each owns its drawing and is fed plain values by the app."""
