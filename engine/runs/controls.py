"""Controlling a run through its folder: a watcher appends one JSON line per request to
control.jsonl ({"id", "action": pause|resume|step|stop|lr, "lr"}), and the run's writer, polling
every quarter second, applies each new request and answers it in events.jsonl ({"event":
"control", "id", "applied", "reason"}). A file rather than a socket: it works on a disk shared
between machines, needs no port, and leaves a record; a folder the watcher cannot write is simply
watched read-only."""

from __future__ import annotations

import json
import math
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Any

from engine.config.fields import SPECS, check_value
from engine.config.problems import ConfigError
from engine.errors import InputError
from engine.files.reading import MIB
from engine.loop.run_state import RunState, is_live
from engine.runs.event_log import read_new_objects
from engine.runs.layout import CONTROL

ACTIONS = ("pause", "resume", "step", "stop", "lr")
CONTROL_LIMIT = MIB  # read per poll: a thousand requests at once is already abuse


def can_control(folder: str | Path) -> str | None:
    """Why requests cannot be sent to the run in `folder`, or None when they can."""
    path = Path(folder)
    if not os.access(path, os.W_OK) or ((path / CONTROL).exists() and not os.access(path / CONTROL, os.W_OK)):
        return f"{path} is read-only here: the run can be watched, not controlled"
    return None


def send_control(folder: str | Path, action: str, lr: float | None = None) -> str:
    """Append one request; return its id (the writer answers it in events.jsonl)."""
    if action not in ACTIONS:
        raise InputError(f"control: unknown action {action!r} (allowed: {', '.join(ACTIONS)})")
    if action == "lr":
        try:
            lr = check_value(SPECS["train.lr"], lr)
        except ConfigError as err:
            raise InputError(f"control: {err}") from None
    problem = can_control(folder)
    if problem:
        raise InputError(problem)
    request: dict[str, Any] = {"id": uuid.uuid4().hex[:12], "action": action, "time": round(time.time(), 3),
                               "from": f"{os.getpid()}@{socket.gethostname()}"}
    if action == "lr":
        request["lr"] = lr
    line = (json.dumps(request) + "\n").encode("utf-8")
    fd = os.open(Path(folder) / CONTROL, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        os.write(fd, line)  # one write of under 4 KiB with O_APPEND: never interleaved with another's
    finally:
        os.close(fd)
    return request["id"]


class ControlInbox:
    """The writer's side: requests appended since the run started, applied to its session."""

    def __init__(self, folder: str | Path, session):
        self.path = Path(folder) / CONTROL
        self.session = session
        self.offset = 0

    def skip_old(self) -> None:
        """Requests from before this run started are not for it."""
        self.offset = self.path.stat().st_size if self.path.is_file() else 0

    def requests(self) -> list[dict[str, Any]]:
        values, self.offset, _, _ = read_new_objects(self.path, self.offset, "a control file", CONTROL_LIMIT)
        return [v for v in values if isinstance(v, dict) and v.get("action") in ACTIONS]

    def apply(self, log) -> None:
        """Carry out each new request and answer it in the event log."""
        for request in self.requests():
            applied, reason = self._apply(request)
            log.append("control", id=str(request.get("id", "")), action=request["action"], applied=applied,
                       reason=reason, **({"lr": request.get("lr")} if request["action"] == "lr" else {}))

    def _apply(self, request: dict[str, Any]) -> tuple[bool, str]:
        session, action = self.session, request["action"]
        state = session.state
        if not is_live(state):
            return False, f"the run is {state}"
        if action == "pause":
            session.pause()
        elif action == "resume":
            if state != RunState.PAUSED:
                return False, "the run is not paused"
            session.start()
        elif action == "step":
            session.step()
        elif action == "stop":
            session.stop()
        else:
            lr = request.get("lr")
            if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not math.isfinite(lr):
                return False, "lr must be a number"
            try:
                check_value(SPECS["train.lr"], float(lr))
            except ConfigError as err:
                return False, str(err)
            problem = session.lr_problem()  # a schedule sets the lr
            if problem:
                return False, problem
            session.set_lr(float(lr))
        return True, ""
