"""What the trainer says about the run's state, in one place so that the form's note, the metrics
line and the chart never contradict each other: `loading` until the engine has built the run
(torch imported, data read), then running or paused, and at the end the way the run ended
(completed, stopped, diverged or failed) rather than one word for all."""

from __future__ import annotations

from engine.loop.run_state import is_live


def phase(state: str, started: bool) -> str:
    """The state as shown: `loading` while a launched run has not reported its start."""
    if is_live(state) and not started:
        return "loading"
    return state


def form_note(shown: str, status: str, epoch: int, schedule: str = "none") -> str:
    """The note above the form for a phase (from `phase`) and, once finished, how the run ended.
    Under an lr schedule the lr is the schedule's: locked too, and said so."""
    if shown == "idle":
        return "Edit the fields (Escape returns the keys), then press space to train."
    if shown == "loading":
        return "Loading PyTorch and the data... (s stops)"
    if shown == "running" and schedule != "none":
        return f"Training: fields are locked; the {schedule} schedule sets the lr. Pause (space) to edit."
    if shown == "running":
        return "Training: fields are locked except lr (next epoch). Pause (space) to edit the rest."
    if shown == "paused" and schedule != "none":
        return f"Paused: edits apply on reset (r); the {schedule} schedule sets this run's lr."
    if shown == "paused":
        return "Paused: edits apply on reset (r); lr applies at the next epoch."
    ended = {"completed": f"Completed {epoch} epochs", "stopped": f"Stopped after {epoch} epochs",
             "early-stopped": f"Stopped early at epoch {epoch}",
             "diverged": f"Diverged at epoch {epoch}: lower the lr", "failed": "The run failed (see the log)"}
    return f"{ended.get(status, 'Finished')}: edits apply to the next run (space or r)."
