"""How the engine touches files: atomic replacement of whole files. Imports nothing of nntui's."""
