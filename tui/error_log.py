"""Where the trainer writes what a person should not have to read on screen: a failed run's
traceback goes to a log file, and the dialog names the file. The file is
$XDG_STATE_HOME/nntui/trainer.log (~/.local/state/nntui/trainer.log without it); where that
cannot be written, nntui-trainer.log in the system's temporary folder."""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

LOG_NAME = "trainer.log"


def log_path() -> Path:
    """The log file the trainer appends to (its folder is made on first use)."""
    state = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(state) / "nntui" / LOG_NAME


def write_details(message: str, details: str) -> Path | None:
    """Append a failure's message and details (a traceback) with the time; the file written, or
    None when neither the log nor the fallback in the temporary folder could be."""
    entry = f"--- {datetime.now():%Y-%m-%d %H:%M:%S} run failed: {message}\n{details.rstrip()}\n"
    for path in (log_path(), Path(tempfile.gettempdir()) / "nntui-trainer.log"):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(entry)
        except OSError:
            continue
        return path
    return None
